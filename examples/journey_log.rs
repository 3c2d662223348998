//! Journey analytics and process mining of an event log.
//!
//! ```text
//! cargo run --release --example journey_log -- EVENTS.csv [--activity touchpoint|stage] [--json] [--dot | --mermaid]
//! ```
//!
//! EVENTS.csv has the columns `customer_id,timestamp,touchpoint,stage,outcome,value`.
//! The output gives the directly-follows graph (counts and performance), start and end
//! activities, variants, and the funnel, drop-off, time to conversion, length
//! distributions, use-stage outcomes and Sankey links. `--dot` / `--mermaid` print the
//! directly-follows graph as a diagram instead. Bad input ends with a one-line error
//! naming the file and line (exit code 2).

#[macro_use]
#[path = "common/journey_cli.rs"]
mod journey_cli;
#[path = "common/output.rs"]
mod output;

use cocreate::journey::{
    describe_load_error, performance_dfg, variants, ActivityKey, Dfg, EventCsvOptions, EventLog,
    JourneyAnalytics,
};
use journey_cli::{emit, fail, label, number, print_json, Args};
use serde_json::{json, Map, Value};

const USAGE: &str =
    "journey_log EVENTS.csv [--activity touchpoint|stage] [--json] [--dot | --mermaid]";

fn main() {
    let args = Args::parse(USAGE, &["activity"], &["json", "dot", "mermaid"]);
    let file = args.file(USAGE);
    let key = match args.value("activity") {
        None => ActivityKey::Touchpoint,
        Some(name) => ActivityKey::from_name(name).unwrap_or_else(|| {
            fail(format!(
                "--activity must be touchpoint or stage, got {name:?}"
            ))
        }),
    };
    let log = EventLog::from_csv_path(file).unwrap_or_else(|e| fail(describe_load_error(file, &e)));
    let dfg = Dfg::discover(&log, key);
    if args.flag("dot") {
        emit(&dfg.to_dot());
        return;
    }
    if args.flag("mermaid") {
        emit(&dfg.to_mermaid());
        return;
    }
    let report = JourneyAnalytics::from_log(&log);
    let variants = variants(&log, key);
    let performance = performance_dfg(&log, key);
    let named = |counts: &[cocreate::journey::ActivityCount]| -> Value {
        let mut m = Map::new();
        for a in counts {
            m.insert(dfg.name(a.activity).to_owned(), json!(a.count));
        }
        Value::Object(m)
    };
    if args.flag("json") {
        let mut out = Map::new();
        out.insert("activity".into(), json!(key));
        out.insert("n_events".into(), json!(log.n_events()));
        out.insert("n_cases".into(), json!(log.n_cases()));
        out.insert(
            "dfg".into(),
            Value::Array(
                dfg.edges()
                    .iter()
                    .map(|e| json!({"from": dfg.name(e.from), "to": dfg.name(e.to), "count": e.count}))
                    .collect(),
            ),
        );
        out.insert("start_activities".into(), named(dfg.start_activities()));
        out.insert("end_activities".into(), named(dfg.end_activities()));
        out.insert("n_variants".into(), json!(variants.len()));
        out.insert(
            "variants".into(),
            Value::Array(
                variants
                    .iter()
                    .map(|v| json!({"variant": v.activities, "count": v.count}))
                    .collect(),
            ),
        );
        out.insert(
            "performance_dfg_seconds".into(),
            Value::Array(
                performance
                    .iter()
                    .map(|p| {
                        json!({
                            "from": p.from, "to": p.to, "count": p.count,
                            "mean": number(p.mean), "median": number(p.median),
                            "min": number(p.min), "max": number(p.max), "sum": number(p.sum),
                            "stdev": p.stdev.map(number),
                        })
                    })
                    .collect(),
            ),
        );
        match serde_json::to_value(&report) {
            Ok(Value::Object(analytics)) => out.extend(analytics),
            _ => fail("cannot write the analytics as JSON"),
        }
        print_json(&Value::Object(out));
        return;
    }
    let mut out = String::new();
    outln!(
        out,
        "{file}: {} events of {} customers; {} converted ({:.2} %), value {:.2}",
        log.n_events(),
        log.n_cases(),
        report.n_converters,
        100.0 * report.conversion_rate.unwrap_or(0.0),
        report.conversion_value.total
    );
    outln!(out, "\nfunnel:");
    for step in &report.funnel {
        outln!(
            out,
            "  {:12} reached {:>7} ({:>6.2} %)  from previous {:>7}  drop-offs {:>6}",
            step.stage,
            step.customers_reached,
            100.0 * step.share_of_all.unwrap_or(0.0),
            step.step_conversion_from_previous
                .map_or("-".into(), |p| format!("{:.2} %", 100.0 * p)),
            step.drop_offs_at_stage
        );
    }
    let t = &report.time_to_conversion_seconds;
    if let (Some(median), Some(p90)) = (t.median, t.p90) {
        outln!(
            out,
            "\ntime to conversion: median {:.1} h, 90th percentile {:.1} h ({} converters)",
            median / 3600.0,
            p90 / 3600.0,
            t.n
        );
    }
    outln!(
        out,
        "\ndirectly-follows graph ({key:?}), most frequent edges:"
    );
    for e in dfg.edges().iter().take(10) {
        outln!(
            out,
            "  {:>6}  {} -> {}",
            e.count,
            label(dfg.name(e.from)),
            label(dfg.name(e.to))
        );
    }
    outln!(out, "\n{} variants, most frequent:", variants.len());
    for v in variants.iter().take(5) {
        outln!(
            out,
            "  {:>6}  {}",
            v.count,
            label(&v.activities.join(" > "))
        );
    }
    emit(&out);
}

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

#[path = "common/cli.rs"]
mod cli;
#[path = "common/journey_cli.rs"]
mod journey_cli;
#[path = "common/output.rs"]
mod output;

use clap::{Parser, ValueEnum};
use cocreate::journey::{
    describe_load_error, performance_dfg, ActivityCount, ActivityKey, Dfg, EventLog, EventLogReport,
};
use journey_cli::{fail, label, number, print_json};
use serde_json::{json, Map, Value};

/// Journey analytics and process mining of an event log.
#[derive(Parser, Debug)]
#[command(name = "journey_log")]
struct Args {
    /// Event log CSV: customer_id,timestamp,touchpoint,stage,outcome,value.
    events: String,
    /// The activity of the directly-follows graph and the variants.
    #[arg(long, value_enum, default_value_t = Activity::Touchpoint)]
    activity: Activity,
    /// Print the reference files' fields as JSON.
    #[arg(long, conflicts_with_all = ["dot", "mermaid"])]
    json: bool,
    /// Print the directly-follows graph as Graphviz DOT.
    #[arg(long, conflicts_with = "mermaid")]
    dot: bool,
    /// Print the directly-follows graph as Mermaid.
    #[arg(long)]
    mermaid: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Activity {
    Touchpoint,
    Stage,
}

fn main() {
    let args: Args = cli::parse();
    let file = &args.events;
    let key = match args.activity {
        Activity::Touchpoint => ActivityKey::Touchpoint,
        Activity::Stage => ActivityKey::Stage,
    };
    let log = EventLog::from_csv_path(file).unwrap_or_else(|e| fail(describe_load_error(file, &e)));
    if args.dot || args.mermaid {
        let dfg = Dfg::discover(&log, key);
        output::print_text(if args.dot {
            dfg.to_dot()
        } else {
            dfg.to_mermaid()
        });
        return;
    }
    let report = EventLogReport::new(&log, key);
    if args.json {
        print_json(&reference_json(&log, key, &report));
    } else {
        output::print_text(format_args!("{}: {report}", label(file)));
    }
}

/// The report with the field names of the bundled pm4py and analytics reference files.
fn reference_json(log: &EventLog, key: ActivityKey, report: &EventLogReport) -> Value {
    let dfg = &report.dfg;
    let named = |counts: &[ActivityCount]| -> Value {
        let mut m = Map::new();
        for a in counts {
            m.insert(dfg.name(a.activity).to_owned(), json!(a.count));
        }
        Value::Object(m)
    };
    let mut out = Map::new();
    out.insert("activity".into(), json!(key));
    out.insert("n_events".into(), json!(log.n_events()));
    out.insert("n_cases".into(), json!(log.n_cases()));
    let edges = dfg.edges().iter();
    out.insert(
        "dfg".into(),
        edges
            .map(|e| json!({"from": dfg.name(e.from), "to": dfg.name(e.to), "count": e.count}))
            .collect(),
    );
    out.insert("start_activities".into(), named(dfg.start_activities()));
    out.insert("end_activities".into(), named(dfg.end_activities()));
    out.insert("n_variants".into(), json!(report.variants.len()));
    out.insert(
        "variants".into(),
        report
            .variants
            .iter()
            .map(|v| json!({"variant": v.activities, "count": v.count}))
            .collect(),
    );
    out.insert(
        "performance_dfg_seconds".into(),
        performance_dfg(log, key)
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
    );
    match serde_json::to_value(&report.analytics) {
        Ok(Value::Object(analytics)) => out.extend(analytics),
        _ => fail("cannot write the analytics as JSON"),
    }
    Value::Object(out)
}

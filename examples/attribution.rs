//! Touchpoint attribution of aggregated conversion paths.
//!
//! ```text
//! cargo run --release --example attribution -- PATHS.csv [--order K] [--no-nulls] [--json]
//! ```
//!
//! PATHS.csv has ChannelAttribution's columns `path,total_conversions,
//! total_conversion_value,total_null` (touchpoints separated by `>`). The output gives
//! first-, last- and linear-touch attribution and the Markov model of order K (1 by
//! default) with its transition matrix and exact removal effects at infinite and
//! truncated horizon. Bad input ends with a one-line error naming the file and line (exit code 2).

#[path = "common/cli.rs"]
mod cli;
#[path = "common/journey_cli.rs"]
mod journey_cli;
#[path = "common/output.rs"]
mod output;

use clap::Parser;
use cocreate::journey::{
    describe_load_error, AttributionReport, MarkovAttribution, MarkovOptions, PathData,
    RemovalEffects,
};
use journey_cli::{fail, label, number, numbers, print_json};
use serde_json::{json, Value};

/// First-, last- and linear-touch and Markov attribution of conversion paths.
#[derive(Parser, Debug)]
#[command(name = "attribution")]
struct Args {
    /// Paths CSV: path,total_conversions,total_conversion_value,total_null.
    paths: String,
    /// Markov order, 1 to 4.
    #[arg(long, value_name = "K", default_value_t = 1)]
    order: usize,
    /// Leave the non-converting rows out of the chain (ChannelAttribution's default call).
    #[arg(long)]
    no_nulls: bool,
    /// Print the reference files' fields as JSON.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args: Args = cli::parse();
    let file = &args.paths;
    let options = MarkovOptions::builder()
        .order(args.order)
        .include_nulls(!args.no_nulls)
        .build()
        .unwrap_or_else(|e| fail(e));
    let paths =
        PathData::from_csv_path(file).unwrap_or_else(|e| fail(describe_load_error(file, &e)));
    let report =
        AttributionReport::new(&paths, &options).unwrap_or_else(|e| fail(format!("{file}: {e}")));
    if args.json {
        print_json(&reference_json(&report));
    } else {
        output::print_text(format_args!("{}: {report}", label(file)));
    }
}

/// The report with the field names and channel order of the bundled reference files.
fn reference_json(report: &AttributionReport) -> Value {
    let h = &report.heuristics;
    let m = &report.markov;
    let t = &report.totals;
    let effects = |r: &RemovalEffects| {
        json!({
            "p_conversion": number(r.p_conversion),
            "expected_value_per_start": number(r.expected_value_per_start),
            "removal_effects_conversion": numbers(&report.aligned(&r.removal_effects_conversion)),
            "removal_effects_conversion_value": numbers(&report.aligned(&r.removal_effects_conversion_value)),
            "total_conversions": numbers(&report.aligned(&r.total_conversions)),
            "total_conversion_value": numbers(&report.aligned(&r.total_conversion_value)),
        })
    };
    json!({
        "channels": h.channels,
        "totals": {
            "rows": t.rows,
            "total_conversions": number(t.conversions),
            "total_conversion_value": number(t.value),
            "total_null": number(t.nulls),
            "empty_paths": t.empty_rows,
        },
        "first_touch_conversions": numbers(&h.first_touch.conversions),
        "first_touch_value": numbers(&h.first_touch.value),
        "last_touch_conversions": numbers(&h.last_touch.conversions),
        "last_touch_value": numbers(&h.last_touch.value),
        "linear_touch_conversions": numbers(&h.linear_touch.conversions),
        "linear_touch_value": numbers(&h.linear_touch.value),
        "order": m.order,
        "horizon_H": m.horizon,
        "transition_matrix": transition_rows(m),
        "exact_infinite_horizon": effects(&m.infinite_horizon),
        "exact_truncated_horizon": effects(&m.truncated_horizon),
    })
}

fn transition_rows(markov: &MarkovAttribution) -> Value {
    let states = &markov.transition_matrix.states;
    let label = |i: usize| serde_json::to_value(&states[i]).unwrap_or(Value::Null);
    Value::Array(
        markov
            .transition_matrix
            .transitions
            .iter()
            .map(|t| {
                json!({
                    "from": label(t.from),
                    "to": label(t.to),
                    "count": number(t.count),
                    "probability": number(t.probability),
                })
            })
            .collect(),
    )
}

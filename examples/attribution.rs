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

#[macro_use]
#[path = "common/journey_cli.rs"]
mod journey_cli;
#[path = "common/output.rs"]
mod output;

use cocreate::journey::{
    describe_load_error, heuristic_models, MarkovAttribution, MarkovOptions, PathCsvOptions,
    PathData, RemovalEffects,
};
use journey_cli::{emit, fail, label, number, numbers, pad, print_json, width, Args};
use serde_json::{json, Value};

const USAGE: &str = "attribution PATHS.csv [--order K] [--no-nulls] [--json]";

fn main() {
    let args = Args::parse(USAGE, &["order"], &["json", "no-nulls"]);
    let file = args.file(USAGE);
    let order = match args.value("order") {
        None => 1,
        Some(k) => k
            .parse::<usize>()
            .unwrap_or_else(|_| fail(format!("--order needs a whole number, got {k:?}"))),
    };
    let params = MarkovOptions::builder()
        .order(order)
        .include_nulls(!args.flag("no-nulls"))
        .build()
        .unwrap_or_else(|e| fail(e));
    let paths =
        PathData::from_csv_path(file).unwrap_or_else(|e| fail(describe_load_error(file, &e)));
    let heuristics = heuristic_models(&paths);
    let markov = params
        .fit(&paths)
        .unwrap_or_else(|e| fail(format!("{file}: {e}")));

    // Markov vectors in the channel order of all rows (channels the chain never saw: 0).
    let channels = &heuristics.channels;
    // One look-up table, not a search per channel: files may have many channels.
    let markov_index: std::collections::HashMap<&str, usize> = markov
        .channels
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let aligned = |v: &[f64]| -> Vec<f64> {
        channels
            .iter()
            .map(|c| markov_index.get(c.as_str()).map_or(0.0, |&i| v[i]))
            .collect()
    };
    let effects = |r: &RemovalEffects| {
        json!({
            "p_conversion": number(r.p_conversion),
            "expected_value_per_start": number(r.expected_value_per_start),
            "removal_effects_conversion": numbers(&aligned(&r.removal_effects_conversion)),
            "removal_effects_conversion_value": numbers(&aligned(&r.removal_effects_conversion_value)),
            "total_conversions": numbers(&aligned(&r.total_conversions)),
            "total_conversion_value": numbers(&aligned(&r.total_conversion_value)),
        })
    };
    if args.flag("json") {
        let totals = paths.totals();
        print_json(&json!({
            "channels": channels,
            "totals": {
                "rows": totals.rows,
                "total_conversions": number(totals.conversions),
                "total_conversion_value": number(totals.value),
                "total_null": number(totals.nulls),
                "empty_paths": totals.empty_rows,
            },
            "first_touch_conversions": numbers(&heuristics.first_touch.conversions),
            "first_touch_value": numbers(&heuristics.first_touch.value),
            "last_touch_conversions": numbers(&heuristics.last_touch.conversions),
            "last_touch_value": numbers(&heuristics.last_touch.value),
            "linear_touch_conversions": numbers(&heuristics.linear_touch.conversions),
            "linear_touch_value": numbers(&heuristics.linear_touch.value),
            "order": markov.order,
            "horizon_H": markov.horizon,
            "transition_matrix": transition_rows(&markov),
            "exact_infinite_horizon": effects(&markov.infinite_horizon),
            "exact_truncated_horizon": effects(&markov.truncated_horizon),
        }));
        return;
    }
    let totals = paths.totals();
    let mut out = String::new();
    outln!(
        out,
        "{}: {} paths, {} conversions (value {:.2}), {} nulls, {} channels",
        label(file),
        totals.rows,
        totals.conversions,
        totals.value,
        totals.nulls,
        channels.len()
    );
    if totals.empty_rows > 0 {
        outln!(
            out,
            "{} rows have an empty path; their {} conversions are not attributed",
            totals.empty_rows,
            heuristics.unattributed.conversions
        );
    }
    outln!(out,
        "Markov order {}: {} states, P(conversion) = {:.6} (infinite horizon), {:.6} (truncated at H = {})",
        markov.order,
        markov.transition_matrix.states.len(),
        markov.infinite_horizon.p_conversion,
        markov.truncated_horizon.p_conversion,
        markov.horizon
    );
    out.push('\n');
    // Names of any length: the column grows (padding by hand, as `{:width$}` panics
    // beyond 65,535).
    let labels: Vec<String> = channels.iter().map(|c| label(c)).collect();
    let name_width = labels.iter().map(|c| width(c)).max().unwrap_or(7).max(7);
    outln!(
        out,
        "{}  {:>10} {:>10} {:>10} {:>10} {:>10}",
        pad("channel", name_width),
        "first",
        "last",
        "linear",
        "markov RE",
        "markov"
    );
    let re = aligned(&markov.infinite_horizon.removal_effects_conversion);
    let credited = aligned(&markov.infinite_horizon.total_conversions);
    for (i, c) in labels.iter().enumerate() {
        outln!(
            out,
            "{}  {:>10.2} {:>10.2} {:>10.2} {:>10.4} {:>10.2}",
            pad(c, name_width),
            heuristics.first_touch.conversions[i],
            heuristics.last_touch.conversions[i],
            heuristics.linear_touch.conversions[i],
            re[i],
            credited[i]
        );
    }
    emit(&out);
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

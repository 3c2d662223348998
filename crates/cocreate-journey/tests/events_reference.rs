//! Event-log analytics against pm4py 2.7.23.11 and the reference journey report.

mod common;

#[cfg(feature = "serde")]
use std::collections::BTreeMap;

#[cfg(feature = "serde")]
use cocreate_journey::JourneyAnalytics;
use cocreate_journey::{performance_dfg, variants, ActivityKey, Dfg, EventLog, PathData};
use common::{check_rel, json};
#[cfg(feature = "serde")]
use serde_json::Value;

fn log() -> EventLog {
    EventLog::from_csv_path(common::data("events_small.csv")).unwrap()
}

#[cfg(feature = "serde")]
fn counts_map(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, c)| (k.clone(), c.as_u64().unwrap()))
        .collect()
}

fn check_process(file: &str, key: ActivityKey) {
    let want = json(file);
    let log = log();
    assert_eq!(log.n_events() as u64, want["n_events"].as_u64().unwrap());
    assert_eq!(log.n_cases() as u64, want["n_cases"].as_u64().unwrap());
    let dfg = Dfg::discover(&log, key);
    let got: Vec<(String, String, u64)> = dfg
        .edges()
        .iter()
        .map(|e| {
            (
                dfg.name(e.from).to_owned(),
                dfg.name(e.to).to_owned(),
                e.count,
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = want["dfg"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
                e["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected, "{file}: dfg (same order)");
    for (name, got) in [
        ("start_activities", dfg.start_activities()),
        ("end_activities", dfg.end_activities()),
    ] {
        let got: Vec<(String, u64)> = got
            .iter()
            .map(|a| (dfg.name(a.activity).to_owned(), a.count))
            .collect();
        let want_pairs: Vec<(String, u64)> = want[name]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, c)| (k.clone(), c.as_u64().unwrap()))
            .collect();
        let mut sorted_want = want_pairs.clone();
        sorted_want.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        assert_eq!(got, sorted_want, "{file}: {name}");
    }
    let vs = variants(&log, key);
    assert_eq!(vs.len() as u64, want["n_variants"].as_u64().unwrap());
    for (g, w) in vs.iter().zip(want["variants"].as_array().unwrap()) {
        let wa: Vec<String> = w["variant"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            (&g.activities, g.count),
            (&wa, w["count"].as_u64().unwrap()),
            "{file}: variant"
        );
    }
    let perf = performance_dfg(&log, key);
    let wp = want["performance_dfg_seconds"].as_array().unwrap();
    assert_eq!(perf.len(), wp.len());
    let mut got_stats = Vec::new();
    let mut want_stats = Vec::new();
    for (g, w) in perf.iter().zip(wp) {
        assert_eq!(
            (g.from.as_str(), g.to.as_str()),
            (w["from"].as_str().unwrap(), w["to"].as_str().unwrap())
        );
        for (v, k) in [
            (g.mean, "mean"),
            (g.median, "median"),
            (g.min, "min"),
            (g.max, "max"),
            (g.sum, "sum"),
        ] {
            got_stats.push(v);
            want_stats.push(w[k].as_f64().unwrap());
        }
        match (g.stdev, w["stdev"].as_f64()) {
            (Some(a), Some(b)) => {
                got_stats.push(a);
                want_stats.push(b);
            }
            (None, None) => {}
            other => panic!(
                "{file}: stdev presence differs for {}→{}: {other:?}",
                g.from, g.to
            ),
        }
    }
    check_rel(
        &format!("{file} performance seconds"),
        &got_stats,
        &want_stats,
        1e-9,
    );
}

#[test]
fn process_mining_by_touchpoint_matches_pm4py() {
    check_process("pm4py_touchpoints.json", ActivityKey::Touchpoint);
}

#[test]
fn process_mining_by_stage_matches_pm4py() {
    check_process("pm4py_stages.json", ActivityKey::Stage);
}

#[test]
fn derived_paths_equal_the_reference_path_file() {
    let derived = log().to_paths();
    let file = PathData::from_csv_path(common::data("paths_small.csv")).unwrap();
    assert_eq!(derived.n_rows(), file.n_rows());
    assert_eq!(derived.channels(), file.channels());
    let mut values = (Vec::new(), Vec::new());
    for (a, b) in derived.rows().zip(file.rows()) {
        assert_eq!(a.channels, b.channels);
        assert_eq!((a.conversions, a.nulls), (b.conversions, b.nulls));
        values.0.push(a.value);
        values.1.push(b.value);
    }
    check_rel("derived path values", &values.0, &values.1, 1e-12);
}

#[cfg(feature = "serde")]
#[test]
fn journey_analytics_match_the_reference_report() {
    let want = json("journey_analytics.json");
    let log = log();
    let paths = PathData::from_csv_path(common::data("paths_small.csv")).unwrap();
    let got = serde_json::to_value(JourneyAnalytics::compute(&log, &paths)).unwrap();
    let mut floats_got = Vec::new();
    let mut floats_want = Vec::new();
    compare(
        &got,
        &want,
        "",
        &mut floats_got,
        &mut floats_want,
        &["source", "versions", "definitions"],
    );
    check_rel("journey analytics floats", &floats_got, &floats_want, 1e-9);
    // The report computed from the log's own paths is identical.
    let from_log = serde_json::to_value(JourneyAnalytics::from_log(&log)).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    compare(
        &from_log,
        &want,
        "",
        &mut a,
        &mut b,
        &["source", "versions", "definitions"],
    );
    check_rel(
        "journey analytics floats (paths from the log)",
        &a,
        &b,
        1e-9,
    );
    assert_eq!(counts_map(&want["outcome_counts"]).len(), 5);
}

/// Walks both JSON trees: structure, keys, strings and integers must agree exactly;
/// floats are collected for a tolerance check.
#[cfg(feature = "serde")]
fn compare(
    got: &Value,
    want: &Value,
    path: &str,
    fg: &mut Vec<f64>,
    fw: &mut Vec<f64>,
    skip: &[&str],
) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                let gv = g.get(k).unwrap_or_else(|| panic!("missing {path}/{k}"));
                compare(gv, wv, &format!("{path}/{k}"), fg, fw, &[]);
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{path}: lengths");
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                compare(gv, wv, &format!("{path}[{i}]"), fg, fw, &[]);
            }
        }
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            if w.fract() == 0.0 && !path.ends_with("mean") {
                assert_eq!(g, w, "{path}");
            } else {
                fg.push(g);
                fw.push(w);
            }
        }
        (g, w) => assert_eq!(g, w, "{path}"),
    }
}

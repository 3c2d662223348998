//! Attribution against ChannelAttribution 2.2.5 (`heuristic_models`, `markov_model`,
//! `transition_matrix`) and the exact absorbing-chain solutions in the reference set.

mod common;

use std::collections::HashMap;

use cocreate_journey::{
    heuristic_models, MarkovAttribution, MarkovOptions, MarkovState, PathData, TransitionMatrix,
};
use common::{check_abs, check_rel, floats, json, strings};
use serde_json::Value;

fn paths() -> PathData {
    PathData::from_csv_path(common::data("paths_small.csv")).unwrap()
}

#[test]
fn heuristics_match_channelattribution() {
    let want = json("heuristic_models.json");
    let data = paths();
    let h = heuristic_models(&data);
    assert_eq!(h.channels, strings(&want["channels"]));
    let totals = data.totals();
    assert_eq!(totals.rows, 2100);
    assert_eq!(totals.conversions, 1109.0);
    assert_eq!(totals.nulls, 2891.0);
    for (name, got) in [
        ("first_touch_conversions", &h.first_touch.conversions),
        ("last_touch_conversions", &h.last_touch.conversions),
    ] {
        assert_eq!(got, &floats(&want[name]), "{name}");
    }
    for (name, got) in [
        ("first_touch_value", &h.first_touch.value),
        ("last_touch_value", &h.last_touch.value),
        ("linear_touch_conversions", &h.linear_touch.conversions),
        ("linear_touch_value", &h.linear_touch.value),
    ] {
        check_rel(name, got, &floats(&want[name]), 1e-9);
    }
}

fn state_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" > "),
        other => panic!("unexpected state {other}"),
    }
}

fn check_matrix(what: &str, m: &TransitionMatrix, want: &Value) {
    let want: HashMap<(String, String), (f64, f64)> = want
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (state_key(&t["from"]), state_key(&t["to"])),
                (
                    t["count"].as_f64().unwrap(),
                    t["probability"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(
        m.transitions.len(),
        want.len(),
        "{what}: number of transitions"
    );
    let mut max = 0.0f64;
    for t in &m.transitions {
        let key = (m.states[t.from].to_string(), m.states[t.to].to_string());
        let (count, prob) = want
            .get(&key)
            .unwrap_or_else(|| panic!("{what}: unexpected transition {key:?}"));
        assert_eq!(t.count, *count, "{what}: count of {key:?}");
        max = max.max((t.probability - prob).abs());
    }
    println!("{what}: counts exact, max abs probability diff {max:.3e}");
    assert!(max <= 1e-15);
}

fn check_effects(what: &str, fit: &MarkovAttribution, want: &Value, channels: &[String]) {
    // Reorder our per-channel vectors into the reference's channel order.
    let pos: Vec<usize> = channels
        .iter()
        .map(|c| fit.channels.iter().position(|d| d == c).unwrap())
        .collect();
    let pick = |v: &[f64]| pos.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    for (horizon, got) in [
        ("exact_infinite_horizon", &fit.infinite_horizon),
        ("exact_truncated_horizon", &fit.truncated_horizon),
    ] {
        let w = &want[horizon];
        let tag = format!("{what} {horizon}");
        check_abs(
            &format!("{tag} p_conversion"),
            &[got.p_conversion],
            &[w["p_conversion"].as_f64().unwrap()],
            1e-12,
        );
        check_rel(
            &format!("{tag} expected_value_per_start"),
            &[got.expected_value_per_start],
            &[w["expected_value_per_start"].as_f64().unwrap()],
            1e-12,
        );
        for name in [
            "removal_effects_conversion",
            "removal_effects_conversion_value",
        ] {
            let v = match name {
                "removal_effects_conversion" => &got.removal_effects_conversion,
                _ => &got.removal_effects_conversion_value,
            };
            check_abs(&format!("{tag} {name}"), &pick(v), &floats(&w[name]), 1e-9);
        }
        check_rel(
            &format!("{tag} total_conversions"),
            &pick(&got.total_conversions),
            &floats(&w["total_conversions"]),
            1e-9,
        );
        check_rel(
            &format!("{tag} total_conversion_value"),
            &pick(&got.total_conversion_value),
            &floats(&w["total_conversion_value"]),
            1e-9,
        );
    }
}

fn check_markov(file: &str, order: usize, include_nulls: bool) {
    let want = json(file);
    let params = MarkovOptions::builder()
        .order(order)
        .include_nulls(include_nulls)
        .build()
        .unwrap();
    let fit = params.fit(&paths()).unwrap();
    let channels = strings(&want["channels"]);
    assert_eq!(fit.channels, channels, "{file}: channel order");
    assert_eq!(fit.horizon as u64, want["horizon_H"].as_u64().unwrap());
    if let Some(states) = want.get("states") {
        let got: Vec<String> = fit
            .transition_matrix
            .states
            .iter()
            .map(MarkovState::to_string)
            .collect();
        let want_states: Vec<String> = states
            .as_array()
            .unwrap()
            .iter()
            .map(|s| state_key(&s["state"]))
            .collect();
        assert_eq!(got.len(), want_states.len(), "{file}: number of states");
        // Channel states appear in the same first-appearance order.
        assert_eq!(
            got[..got.len() - 2],
            want_states[..got.len() - 2],
            "{file}: state order"
        );
    }
    check_matrix(file, &fit.transition_matrix, &want["transition_matrix"]);
    check_effects(file, &fit, &want, &channels);
    let sum: f64 = fit.infinite_horizon.total_conversions.iter().sum();
    assert!((sum - 1109.0).abs() < 1e-9);
}

#[test]
fn markov_order1_matches_exact_solution() {
    check_markov("markov_order1.json", 1, true);
}

#[test]
fn markov_order2_matches_exact_solution() {
    check_markov("markov_order2.json", 2, true);
}

#[test]
fn markov_order3_matches_exact_solution() {
    check_markov("markov_order3.json", 3, true);
}

#[test]
fn markov_without_nulls_matches_channelattribution_default_call() {
    check_markov("markov_order1_no_null.json", 1, false);
}

#[test]
fn transition_matrix_with_and_without_self_loops() {
    let want = json("transition_matrix_order1.json");
    let data = paths();
    let params = MarkovOptions::default();
    for (key, keep) in [("flg_equal_True", true), ("flg_equal_False", false)] {
        let m = TransitionMatrix::from_paths(&data, &params, keep);
        check_matrix(key, &m, &want[key]["transitions"]);
    }
}

#[test]
fn exact_solution_lies_within_the_simulation_spread() {
    // ChannelAttribution simulates; the exact truncated-horizon removal effects must lie
    // within the spread the reference reports for its 1e7-path run.
    let want = json("markov_order1.json");
    let fit = MarkovOptions::default().fit(&paths()).unwrap();
    let sim = floats(&want["ca_simulated_nsim_1e7"]["removal_effects_conversion"]);
    check_abs(
        "order 1 truncated vs CA 1e7 simulation",
        &fit.truncated_horizon.removal_effects_conversion,
        &sim,
        0.002,
    );
}

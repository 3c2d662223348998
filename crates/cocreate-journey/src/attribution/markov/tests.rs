//! The removal effects from one factorisation against the direct method: the chain
//! solved again without each channel, at the infinite and the truncated horizon.

use proptest::prelude::*;

use super::chain::count_transitions;
use super::removal::PartSolver;
use super::solve::{condense, solve_infinite, solve_truncated, Solution, Sparse};
use super::{MarkovAttribution, MarkovOptions};
use crate::PathData;

/// Removal effects by removing each channel and solving the whole chain again.
struct Direct {
    inf: (Vec<f64>, Vec<f64>),
    trunc: (Vec<f64>, Vec<f64>),
    p: (f64, f64),
    p_trunc: (f64, f64),
}

fn direct(paths: &PathData, options: &MarkovOptions) -> Direct {
    let counts = count_transitions(paths, options.order, options.include_nulls, true);
    let chain = Sparse::new(&counts);
    let cond = condense(&chain);
    let n = chain.n;
    let horizon = options.horizon.unwrap_or(counts.longest + 1);
    let all = vec![true; cond.components.len()];
    let mut full = Solution {
        conv: vec![0.0; n],
        value: vec![0.0; n],
    };
    solve_infinite(&chain, &cond, &vec![false; n], &all, &mut full).unwrap();
    let p_trunc = solve_truncated(&chain, &vec![false; n], horizon);
    let share = |removed: f64, full: f64| {
        if full > 0.0 {
            (1.0 - removed / full).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let c = counts.channels.len();
    let mut out = Direct {
        inf: (vec![0.0; c], vec![0.0; c]),
        trunc: (vec![0.0; c], vec![0.0; c]),
        p: (full.conv[0], full.value[0]),
        p_trunc,
    };
    for ch in 0..c {
        let killed: Vec<bool> = counts
            .windows
            .iter()
            .map(|w| w.contains(&(ch as u32)))
            .collect();
        let mut sol = full.clone();
        solve_infinite(&chain, &cond, &killed, &all, &mut sol).unwrap();
        out.inf.0[ch] = share(sol.conv[0], full.conv[0]);
        out.inf.1[ch] = share(sol.value[0], full.value[0]);
        let (pc, pv) = solve_truncated(&chain, &killed, horizon);
        out.trunc.0[ch] = share(pc, p_trunc.0);
        out.trunc.1[ch] = share(pv, p_trunc.1);
    }
    out
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-10, "{what}[{i}]: {g} vs {w}");
    }
}

fn compare(paths: &PathData, options: &MarkovOptions, fill: PartSolver) -> MarkovAttribution {
    let fit = options.fit_with(paths, fill).unwrap();
    let want = direct(paths, options);
    let tag = format!("order {} fill {fill:?}", options.order);
    assert!(
        (fit.infinite_horizon.p_conversion - want.p.0).abs() <= 1e-12,
        "{tag}"
    );
    assert!(
        (fit.infinite_horizon.expected_value_per_start - want.p.1).abs()
            <= 1e-12 * want.p.1.max(1.0),
        "{tag}"
    );
    assert!(
        (fit.truncated_horizon.p_conversion - want.p_trunc.0).abs() <= 1e-12,
        "{tag}"
    );
    let inf = &fit.infinite_horizon;
    let trunc = &fit.truncated_horizon;
    assert_close(
        &format!("{tag} inf"),
        &inf.removal_effects_conversion,
        &want.inf.0,
    );
    assert_close(
        &format!("{tag} inf value"),
        &inf.removal_effects_conversion_value,
        &want.inf.1,
    );
    assert_close(
        &format!("{tag} trunc"),
        &trunc.removal_effects_conversion,
        &want.trunc.0,
    );
    assert_close(
        &format!("{tag} trunc value"),
        &trunc.removal_effects_conversion_value,
        &want.trunc.1,
    );
    fit
}

fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed | 1;
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}

#[test]
fn a_line_of_distinct_channels_is_removed_one_by_one() {
    let names: Vec<String> = (0..160).map(|i| format!("c{i}")).collect();
    let mut d = PathData::new();
    d.push(&names, 2.0, 30.0, 1.0).unwrap();
    d.push(&names[40..100], 0.0, 0.0, 4.0).unwrap();
    d.push(&names[90..], 1.0, 5.0, 0.0).unwrap();
    for order in 1..=4 {
        let options = MarkovOptions::builder().order(order).build().unwrap();
        let fit = compare(&d, &options, PartSolver::Auto);
        assert!(fit.infinite_horizon.removal_effects_conversion[0] > 0.0);
        let short = MarkovOptions::builder()
            .order(order)
            .horizon(70)
            .build()
            .unwrap();
        compare(&d, &short, PartSolver::Auto);
    }
}

#[test]
fn hubs_and_many_campaigns_at_every_order() {
    let mut next = xorshift(0x5eed);
    let hubs = ["website", "search", "store"];
    let mut d = PathData::new();
    for _ in 0..300 {
        let len = 1 + next(7) as usize;
        let path: Vec<String> = (0..len)
            .map(|_| {
                if next(2) == 0 {
                    hubs[next(3) as usize].to_owned()
                } else {
                    format!("campaign {}", next(60))
                }
            })
            .collect();
        let conv = if next(3) == 0 { 1 + next(3) } else { 0 } as f64;
        let nulls = (next(4) + u64::from(conv == 0.0)) as f64;
        d.push(&path, conv, conv * (10.0 + next(90) as f64), nulls)
            .unwrap();
    }
    for order in 1..=4 {
        for fill in [
            PartSolver::Auto,
            PartSolver::Sparse,
            PartSolver::Dense,
            PartSolver::Sweeps,
            PartSolver::Direct,
        ] {
            let options = MarkovOptions::builder().order(order).build().unwrap();
            compare(&d, &options, fill);
            let long = MarkovOptions::builder()
                .order(order)
                .horizon(40)
                .build()
                .unwrap();
            compare(&d, &long, fill);
        }
    }
    let without = MarkovOptions::builder()
        .include_nulls(false)
        .build()
        .unwrap();
    compare(&d, &without, PartSolver::Auto);
}

fn rows() -> impl Strategy<Value = Vec<(Vec<u8>, u8, u8)>> {
    let path = proptest::collection::vec(0u8..6, 0..9);
    proptest::collection::vec((path, 0u8..4, 0u8..4), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Random small chains (cycles, repeated channels, empty paths, rows without
    /// flow) at every order, with factors and with sweeps, at the automatic and at a
    /// random horizon.
    #[test]
    fn same_removal_effects_as_solving_without_each_channel(
        rows in rows(),
        order in 1usize..=4,
        horizon in 1usize..30,
        nulls in any::<bool>(),
    ) {
        let mut d = PathData::new();
        for (path, conv, null) in &rows {
            let names: Vec<String> = path.iter().map(|c| format!("c{c}")).collect();
            d.push(&names, f64::from(*conv), f64::from(*conv) * 7.5, f64::from(*null)).unwrap();
        }
        for fill in [
            PartSolver::Auto,
            PartSolver::Sparse,
            PartSolver::Dense,
            PartSolver::Sweeps,
            PartSolver::Direct,
        ] {
            let auto = MarkovOptions::builder().order(order).include_nulls(nulls).build().unwrap();
            compare(&d, &auto, fill);
            let fixed = MarkovOptions::builder()
                .order(order)
                .include_nulls(nulls)
                .horizon(horizon)
                .build()
                .unwrap();
            compare(&d, &fixed, fill);
        }
    }
}

/// The bundled ChannelAttribution references with every part solved each way (the
/// public `fit` removes ten channels directly, so this is where the factorised removal
/// meets the references).
#[test]
fn every_solver_matches_the_channelattribution_references() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let paths = PathData::from_csv_path(dir.join("paths_small.csv")).unwrap();
    for (file, order, nulls) in [
        ("markov_order1.json", 1, true),
        ("markov_order2.json", 2, true),
        ("markov_order3.json", 3, true),
        ("markov_order1_no_null.json", 1, false),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();
        let options = MarkovOptions::builder()
            .order(order)
            .include_nulls(nulls)
            .build()
            .unwrap();
        let channels: Vec<&str> = want["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for solver in [PartSolver::Sparse, PartSolver::Dense, PartSolver::Sweeps] {
            let fit = options.fit_with(&paths, solver).unwrap();
            let pos: Vec<usize> = channels
                .iter()
                .map(|c| fit.channels.iter().position(|d| d == c).unwrap())
                .collect();
            let mut max = 0.0f64;
            for (key, got) in [
                ("exact_infinite_horizon", &fit.infinite_horizon),
                ("exact_truncated_horizon", &fit.truncated_horizon),
            ] {
                for (name, v, tol, relative) in [
                    (
                        "removal_effects_conversion",
                        &got.removal_effects_conversion,
                        1e-9,
                        false,
                    ),
                    (
                        "removal_effects_conversion_value",
                        &got.removal_effects_conversion_value,
                        1e-9,
                        false,
                    ),
                    ("total_conversions", &got.total_conversions, 1e-9, true),
                    (
                        "total_conversion_value",
                        &got.total_conversion_value,
                        1e-9,
                        true,
                    ),
                ] {
                    for (i, w) in want[key][name].as_array().unwrap().iter().enumerate() {
                        let (g, w) = (v[pos[i]], w.as_f64().unwrap());
                        let d = if relative {
                            (g - w).abs() / w.abs().max(1e-300)
                        } else {
                            (g - w).abs()
                        };
                        assert!(d <= tol, "{file} {solver:?} {key} {name}[{i}]: {g} vs {w}");
                        max = max.max(d);
                    }
                }
            }
            println!("{file} {solver:?}: largest difference {max:.1e}");
        }
    }
}

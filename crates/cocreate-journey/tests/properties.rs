//! Invariants of attribution and the journey model, and garbage fed to every parser.

use cocreate_journey::{
    heuristic_models, peak_end, position_based, time_decay, BondingRatings, BondingRule, Encounter,
    EventLog, Experience, JourneyAnalytics, JourneyBuilder, MarkovAttribution, MarkovOptions,
    MomentOptions, Outcome, PathData, PeakEndOptions, PositionBasedOptions, ReflectionOptions,
    ResponseRange, Stage, TimeDecayOptions, Timestamp, Touchpoint,
};
use proptest::prelude::*;

const NAMES: [&str; 6] = ["ad", "web shop", "call center", "e-mail", "store", "app"];

/// A row: touchpoint indices, conversions, value per conversion, nulls.
type Row = (Vec<usize>, f64, f64, f64);

fn count() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (0u32..6).prop_map(f64::from),
        1 => (0u32..40).prop_map(|x| f64::from(x) / 8.0), // fractional weights
    ]
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            prop::collection::vec(0..NAMES.len(), 0..7),
            count(),
            0.0f64..500.0,
            count(),
        ),
        0..14,
    )
}

fn data(rows: &[Row]) -> PathData {
    let mut d = PathData::new();
    for (path, c, v, u) in rows {
        let names = path.iter().map(|&i| NAMES[i]);
        let value = if *c > 0.0 { c * v } else { 0.0 };
        d.push(names, *c, value, *u).unwrap();
    }
    d
}

fn all_finite(fit: &MarkovAttribution) -> bool {
    [&fit.infinite_horizon, &fit.truncated_horizon]
        .iter()
        .all(|r| {
            r.p_conversion.is_finite()
                && r.expected_value_per_start.is_finite()
                && r.removal_effects_conversion.iter().all(|x| x.is_finite())
                && r.removal_effects_conversion_value
                    .iter()
                    .all(|x| x.is_finite())
                && r.total_conversions.iter().all(|x| x.is_finite())
                && r.total_conversion_value.iter().all(|x| x.is_finite())
        })
        && fit
            .transition_matrix
            .transitions
            .iter()
            .all(|t| t.count.is_finite() && t.probability.is_finite())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #[test]
    fn rule_based_models_credit_every_conversion(rows in rows()) {
        let d = data(&rows);
        let totals = d.totals();
        let h = heuristic_models(&d);
        for a in [&h.first_touch, &h.last_touch, &h.linear_touch] {
            let credited: f64 = a.conversions.iter().sum();
            prop_assert!(close(credited + h.unattributed.conversions, totals.conversions));
            let value: f64 = a.value.iter().sum();
            prop_assert!(close(value + h.unattributed.value, totals.value));
        }
        for a in [
            position_based(&d, &PositionBasedOptions::default()),
            time_decay(&d, &TimeDecayOptions::builder().half_life(2.0).build().unwrap()),
        ] {
            let credited: f64 = a.attribution.conversions.iter().sum();
            prop_assert!(close(credited + a.unattributed.conversions, totals.conversions));
            prop_assert!(a.attribution.conversions.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
    }

    #[test]
    fn markov_attribution_invariants(rows in rows(), order in 1usize..=3, nulls in any::<bool>()) {
        let d = data(&rows);
        let fit = MarkovOptions::builder().order(order).include_nulls(nulls).build().unwrap().fit(&d).unwrap();
        prop_assert!(all_finite(&fit));
        for r in [&fit.infinite_horizon, &fit.truncated_horizon] {
            for re in r.removal_effects_conversion.iter().chain(&r.removal_effects_conversion_value) {
                prop_assert!((0.0..=1.0).contains(re), "removal effect {re}");
            }
            let credited: f64 = r.total_conversions.iter().sum();
            if r.removal_effects_conversion.iter().any(|&x| x > 0.0) {
                prop_assert!(close(credited, fit.total_conversions), "{credited} vs {}", fit.total_conversions);
            } else {
                prop_assert_eq!(credited, 0.0);
            }
        }
        // At infinite horizon the chain reproduces the observed conversion rate.
        let flow = fit.total_conversions + fit.total_nulls;
        let observed = if flow > 0.0 { fit.total_conversions / flow } else { 0.0 };
        prop_assert!(close(fit.infinite_horizon.p_conversion, observed),
            "{} vs {observed}", fit.infinite_horizon.p_conversion);
        prop_assert!(fit.truncated_horizon.p_conversion <= fit.infinite_horizon.p_conversion + 1e-12);
    }

    #[test]
    fn reordering_rows_changes_nothing(rows in rows(), order in 1usize..=3, seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let params = MarkovOptions::builder().order(order).build().unwrap();
        let (a, b) = (params.fit(&data(&rows)).unwrap(), params.fit(&data(&shuffled)).unwrap());
        prop_assert!(close(a.infinite_horizon.p_conversion, b.infinite_horizon.p_conversion));
        prop_assert!(close(a.truncated_horizon.p_conversion, b.truncated_horizon.p_conversion));
        prop_assert_eq!(a.horizon, b.horizon);
        for (i, name) in a.channels.iter().enumerate() {
            let j = b.channels.iter().position(|c| c == name).unwrap();
            for (x, y) in [
                (&a.infinite_horizon, &b.infinite_horizon),
                (&a.truncated_horizon, &b.truncated_horizon),
            ] {
                prop_assert!(close(x.removal_effects_conversion[i], y.removal_effects_conversion[j]));
                prop_assert!(close(x.removal_effects_conversion_value[i], y.removal_effects_conversion_value[j]));
                prop_assert!(close(x.total_conversions[i], y.total_conversions[j]));
            }
        }
        let (ha, hb) = (heuristic_models(&data(&rows)), heuristic_models(&data(&shuffled)));
        for (i, name) in ha.channels.iter().enumerate() {
            let j = hb.channels.iter().position(|c| c == name).unwrap();
            prop_assert!(close(ha.linear_touch.conversions[i], hb.linear_touch.conversions[j]));
            prop_assert!(close(ha.first_touch.value[i], hb.first_touch.value[j]));
        }
    }

    #[test]
    fn path_parser_never_panics_on_garbage(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = PathData::from_csv_reader(bytes.as_slice());
        let mut framed = b"path,total_conversions,total_conversion_value,total_null\n".to_vec();
        framed.extend_from_slice(&bytes);
        if let Ok(d) = PathData::from_csv_reader(framed.as_slice()) {
            let fit = MarkovOptions::default().fit(&d).unwrap();
            prop_assert!(all_finite(&fit));
        }
    }

    #[test]
    fn path_parser_never_panics_on_csv_like_text(text in "[a-z ,>\"\\n\\r0-9.eE+-]{0,300}") {
        let mut framed = String::from("path,total_conversions,total_conversion_value,total_null\n");
        framed.push_str(&text);
        if let Ok(d) = PathData::from_csv_reader(framed.as_bytes()) {
            for r in d.rows() {
                prop_assert!(r.conversions.is_finite() && r.conversions >= 0.0);
                prop_assert!(r.nulls.is_finite() && r.value.is_finite());
            }
            let fit = MarkovOptions::builder().order(2).build().unwrap().fit(&d).unwrap();
            prop_assert!(all_finite(&fit));
        }
    }

    #[test]
    fn event_parser_never_panics_on_garbage(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = EventLog::from_csv_reader(bytes.as_slice());
        let mut framed = b"customer_id,timestamp,touchpoint,stage,outcome,value\n".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = EventLog::from_csv_reader(framed.as_slice());
    }

    #[test]
    fn event_parser_never_panics_on_event_like_text(
        lines in prop::collection::vec(
            ("[A-C ]{0,2}", "20[0-9]{2}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-9]{2}Z?",
             "(ad|web shop|store|)", "(awareness|evaluation|purchase|use|x)",
             "(continue|drop_off|conversion|retained|churned|maybe)", "[0-9.-]{0,5}"),
            0..12),
    ) {
        let mut text = String::from("customer_id,timestamp,touchpoint,stage,outcome,value\n");
        for (c, t, tp, s, o, v) in &lines {
            text.push_str(&format!("{c},{t},{tp},{s},{o},{v}\n"));
        }
        if let Ok(log) = EventLog::from_csv_reader(text.as_bytes()) {
            let analytics = JourneyAnalytics::from_log(&log);
            #[cfg(feature = "serde")]
            {
                let report = serde_json::to_string(&analytics).unwrap();
                prop_assert!(!report.contains("NaN") && !report.contains("inf"));
            }
            #[cfg(not(feature = "serde"))]
            prop_assert!(analytics.conversion_rate.is_none_or(f64::is_finite));
        }
    }

    #[test]
    fn timestamp_parser_never_panics(text in "\\PC{0,40}") {
        if let Ok(t) = Timestamp::parse(&text) {
            // What parses prints and parses back to the same moment.
            prop_assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
        }
    }

    #[test]
    fn journey_analysis_never_panics_and_stays_finite(
        encounters in prop::collection::vec(
            (0usize..5, -5i64..100_000, prop::option::of((0.5f64..7.2, 0.5f64..7.2)),
             prop::option::of((0.5f64..7.2, 0.5f64..7.2)), prop::option::of(0.5f64..7.2), 0usize..5),
            0..8),
        sorted in any::<bool>(),
        prior in prop::option::of(0.0f64..8.0),
    ) {
        let scale = ResponseRange::new(1.0, 7.0).unwrap();
        let mut encounters = encounters;
        if sorted {
            // Mostly valid journeys: stages and times in order, only the last may end it.
            order_stages_and_times(&mut encounters, |e| &mut e.0, |e| &mut e.1);
            let n = encounters.len();
            for (i, e) in encounters.iter_mut().enumerate() {
                if i + 1 < n && matches!(Outcome::ALL[e.5], Outcome::Leave | Outcome::Retained | Outcome::Churned) {
                    e.5 = 2;
                }
            }
        }
        let mut built = 0;
        let mut b = JourneyBuilder::new("C", scale);
        if let Some(p) = prior {
            b = b.prior_expectation(Experience::both(p));
        }
        for (stage, t, exp, per, bond, outcome) in &encounters {
            let mut e = Encounter::new(Touchpoint::brand(NAMES[*stage]), Stage::STANDARD[*stage].clone(), Timestamp::from_unix_seconds(*t))
                .with_outcome(Outcome::ALL[*outcome]);
            if let Some((f, m)) = exp { e = e.expecting(Experience::new(*f, *m)); }
            if let Some((f, m)) = per { e = e.perceiving(Experience::new(*f, *m)); }
            if let Some(x) = bond { e = e.with_bonding(BondingRatings::all(*x, *x, 4.0, 5.0)); }
            b = b.encounter(e);
        }
        if let Ok(j) = b.build() {
            built += 1;
            let m = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build().unwrap());
            prop_assert!(m.critical.iter().all(|c| !c.reasons.is_empty()));
            if let Ok(r) = j.reflect(&ReflectionOptions::builder().update_rate(0.3).build().unwrap()) {
                for memory in [&r.functional, &r.emotional] {
                    prop_assert!(memory.remembered >= 1.0 && memory.remembered <= 7.0);
                }
                prop_assert!(scale.spans(r.updated_expectation.functional));
            }
            let bonding = j.bonding(&BondingRule::default());
            prop_assert!(bonding.index.is_none_or(|i| (0.0..=1.0).contains(&i)));
            let _ = cocreate_journey::JourneyMap::new(&j, MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build().unwrap()).to_dot();
        }
        let _ = built;
    }

    #[test]
    fn remembered_score_lies_between_the_extremes(
        values in prop::collection::vec(-10.0f64..10.0, 1..20),
        wp in 0.0f64..1.0, we in 0.0f64..1.0,
    ) {
        let (wp, we) = (wp / 2.0, we / 2.0);
        let params = PeakEndOptions::builder().weights(wp, we, 1.0 - wp - we).build().unwrap();
        let m = peak_end(&values, 0.0, &params).unwrap();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(m.remembered >= lo - 1e-12 && m.remembered <= hi + 1e-12);
    }
}

/// Sorts the stages and, separately, the times of generated encounters, so that both run
/// in order.
fn order_stages_and_times<T>(
    items: &mut [T],
    stage: impl Fn(&mut T) -> &mut usize,
    time: impl Fn(&mut T) -> &mut i64,
) {
    let mut stages: Vec<usize> = items.iter_mut().map(|e| *stage(e)).collect();
    let mut times: Vec<i64> = items.iter_mut().map(|e| *time(e)).collect();
    stages.sort_unstable();
    times.sort_unstable();
    for (e, (s, t)) in items.iter_mut().zip(stages.into_iter().zip(times)) {
        *stage(e) = s;
        *time(e) = t;
    }
}

/// The journey generator must produce valid journeys often enough for the property above
/// to test something.
#[test]
fn journey_generator_builds_valid_journeys() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let scale = ResponseRange::new(1.0, 7.0).unwrap();
    let mut runner = TestRunner::deterministic();
    let strategy = prop::collection::vec((0usize..5, 0i64..1000, 1.0f64..7.0), 1..6);
    let mut valid = 0;
    for _ in 0..200 {
        let mut enc = strategy.new_tree(&mut runner).unwrap().current();
        order_stages_and_times(&mut enc, |e| &mut e.0, |e| &mut e.1);
        let mut b = JourneyBuilder::new("C", scale).prior_expectation(Experience::both(4.0));
        for (s, t, p) in enc {
            b = b.encounter(
                Encounter::new(
                    Touchpoint::brand("x"),
                    Stage::STANDARD[s].clone(),
                    Timestamp::from_unix_seconds(t),
                )
                .perceiving(Experience::both(p)),
            );
        }
        valid += usize::from(b.build().is_ok());
    }
    assert!(valid > 150, "{valid}");
}

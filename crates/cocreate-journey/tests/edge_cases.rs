//! Edge cases the reference data does not cover: every one gets a defined result or a
//! clear error, never a panic, an infinity or a NaN.

use cocreate_journey::{
    heuristic_models, EventLog, JourneyAnalytics, LoadError, MarkovOptions, PathData, RowProblem,
};

fn read(csv: &str) -> PathData {
    PathData::from_csv_reader(csv.as_bytes()).unwrap()
}

const HEADER: &str = "path,total_conversions,total_conversion_value,total_null\n";

#[test]
fn empty_paths_are_reported_not_attributed() {
    let d = read(&format!(
        "{HEADER}\"\",2,50,3\n > ,0,0,1\nad > store,1,10,1\n"
    ));
    assert_eq!(d.totals().empty_rows, 2);
    let h = heuristic_models(&d);
    assert_eq!(h.unattributed.conversions, 2.0);
    assert_eq!(h.unattributed.nulls, 4.0);
    assert_eq!(h.first_touch.conversions, [1.0, 0.0]);
    let fit = MarkovOptions::default().fit(&d).unwrap();
    assert_eq!(fit.unattributed.rows, 2);
    assert_eq!(fit.total_conversions, 1.0);
    assert_eq!(fit.infinite_horizon.p_conversion, 0.5);
    let credited: f64 = fit.infinite_horizon.total_conversions.iter().sum();
    assert!((credited - 1.0).abs() < 1e-12);
}

#[test]
fn single_touch_paths_at_every_order() {
    let d = read(&format!("{HEADER}store,3,30,1\nweb shop,1,5,3\n"));
    for order in 1..=4 {
        let fit = MarkovOptions::builder()
            .order(order)
            .build()
            .unwrap()
            .fit(&d)
            .unwrap();
        assert_eq!(fit.channels, ["store", "web shop"]);
        // Without the store 1 of 8 customers converts instead of 4: RE = 1 − (1/8)/(4/8).
        assert_eq!(
            fit.infinite_horizon.removal_effects_conversion,
            [0.75, 0.25]
        );
        assert_eq!(fit.infinite_horizon.total_conversions, [3.0, 1.0]);
        assert_eq!(fit.horizon, 2);
        assert_eq!(fit.infinite_horizon.p_conversion, 0.5);
        assert_eq!(fit.truncated_horizon.p_conversion, 0.5);
    }
}

#[test]
fn rows_without_conversions_or_nulls_add_channels_but_no_flow() {
    let d = read(&format!("{HEADER}ghost > ad,0,0,0\nad > store,2,40,2\n"));
    let fit = MarkovOptions::default().fit(&d).unwrap();
    assert_eq!(fit.channels, ["ghost", "ad", "store"]);
    assert_eq!(fit.infinite_horizon.removal_effects_conversion[0], 0.0);
    assert_eq!(fit.infinite_horizon.total_conversions[0], 0.0);
    assert_eq!(fit.infinite_horizon.removal_effects_conversion[1], 1.0);
    // No state for the ghost channel: (start), ad, store, (conversion), (null).
    assert_eq!(fit.transition_matrix.states.len(), 5);
}

#[test]
fn no_conversions_at_all_gives_zeros() {
    let d = read(&format!("{HEADER}ad > store,0,0,5\nad,0,0,2\n"));
    let fit = MarkovOptions::default().fit(&d).unwrap();
    for r in [&fit.infinite_horizon, &fit.truncated_horizon] {
        assert_eq!(r.p_conversion, 0.0);
        assert!(r.removal_effects_conversion.iter().all(|&x| x == 0.0));
        assert!(r.total_conversions.iter().all(|&x| x == 0.0));
    }
    let without_nulls = MarkovOptions::builder()
        .include_nulls(false)
        .build()
        .unwrap()
        .fit(&d)
        .unwrap();
    assert!(without_nulls.channels.is_empty());
    assert_eq!(without_nulls.infinite_horizon.p_conversion, 0.0);
}

#[test]
fn header_only_and_empty_inputs() {
    let d = read(HEADER);
    assert_eq!(d.n_rows(), 0);
    let fit = MarkovOptions::builder()
        .order(3)
        .build()
        .unwrap()
        .fit(&d)
        .unwrap();
    assert!(fit.channels.is_empty());
    assert_eq!(fit.horizon, 1);
    let err = PathData::from_csv_reader("".as_bytes()).unwrap_err();
    assert!(matches!(err, LoadError::NoHeader));
    let log = EventLog::from_csv_reader(
        "customer_id, timestamp, touchpoint, stage, outcome, value\n".as_bytes(),
    )
    .unwrap();
    let analytics = JourneyAnalytics::from_log(&log);
    assert_eq!(analytics.conversion_rate, None);
    #[cfg(feature = "serde")]
    {
        let report = serde_json::to_string(&analytics).unwrap();
        assert!(report.contains("\"conversion_rate\":null"));
    }
}

#[test]
fn fractional_counts_are_weights() {
    let d = read(&format!("{HEADER}ad > store,0.5,20,1.5\nad,0,0,0.25\n"));
    let fit = MarkovOptions::default().fit(&d).unwrap();
    assert!((fit.infinite_horizon.p_conversion - 0.5 / 2.25).abs() < 1e-15);
    let start_to_ad = fit.transition_matrix.transitions[0];
    assert_eq!(start_to_ad.count, 2.25);
}

#[test]
fn bad_rows_name_their_line_and_problem() {
    let cases = [
        (
            "ad,1,NaN,0\n",
            "line 2: column \"total_conversion_value\" is NaN, not a finite number",
        ),
        (
            "ad,1,10\n",
            "line 2: the row has 3 fields, but the header has 4",
        ),
        ("ad,,0,1\n", "line 2: column \"total_conversions\" is empty"),
        (
            "ad,0,3,1\n",
            "line 2: the conversion value is 3, but there are no conversions to carry it",
        ),
        (
            "\"ad,1,0,1\n",
            "line 2: a quoted field opened here is never closed (a field that starts with a \
             double quote must end with one); it would take in the rest of the input",
        ),
    ];
    for (row, message) in cases {
        let err = PathData::from_csv_reader(format!("{HEADER}{row}").as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    let err = PathData::from_csv_reader(
        &b"path, total_conversions, total_conversion_value, total_null\n\xff > ad, 1, 0, 0\n"[..],
    )
    .unwrap_err();
    assert!(matches!(
        err,
        LoadError::Row {
            line: 2,
            problem: RowProblem::NotUtf8 { .. }
        }
    ));
}

#[test]
fn bad_events_name_their_line_and_problem() {
    let header = "customer_id,timestamp,touchpoint,stage,outcome,value\n";
    let cases = [
        ("C1,2024-02-30T00:00:00Z,ad,awareness,continue,0\n", "line 2: column \"timestamp\": \"2024-02-30T00:00:00Z\" is not a timestamp: day 30 does not exist in 2024-02"),
        ("C1,2024-02-01,ad,advocacy,continue,0\n", "line 2: stage \"advocacy\" is not one of the known stages (awareness, evaluation, inquiry, purchase, use)"),
        (",2024-02-01,ad,awareness,continue,0\n", "line 2: column \"customer id\" is empty"),
        ("C1,2024-02-01,ad,awareness,continue,-5\n", "line 2: column \"value\" is -5, but counts and values cannot be negative"),
    ];
    for (row, message) in cases {
        let err = EventLog::from_csv_reader(format!("{header}{row}").as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

/// One path circling 60 channels a hundred times: a 60-state component where the chance
/// of leaving it is 1/6000 per step, too slow for the sweeps, so the dense fallback runs.
#[test]
fn slowly_mixing_chains_are_solved_exactly() {
    let names: Vec<String> = (0..60).map(|i| format!("channel {i}")).collect();
    let path: Vec<&str> = (0..6000).map(|k| names[k % 60].as_str()).collect();
    let mut d = PathData::new();
    d.push(&path, 1.0, 10.0, 1.0).unwrap();
    let fit = MarkovOptions::default().fit(&d).unwrap();
    assert!((fit.infinite_horizon.p_conversion - 0.5).abs() < 1e-12);
    assert!((fit.infinite_horizon.expected_value_per_start - 5.0).abs() < 1e-10);
    for re in &fit.infinite_horizon.removal_effects_conversion {
        assert!((re - 1.0).abs() < 1e-12, "{re}");
    }
}

/// Random long paths at order 3 give a large component solved iteratively; the truncated
/// solution at a long horizon must agree with it.
#[test]
fn large_components_agree_with_long_horizon_iteration() {
    let mut d = PathData::new();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    for _ in 0..400 {
        let len = 1 + next(15) as usize;
        let path: Vec<String> = (0..len).map(|_| format!("c{}", next(5))).collect();
        let conv = next(3) as f64;
        d.push(&path, conv, conv * 10.0, next(4) as f64).unwrap();
    }
    let inf = MarkovOptions::builder()
        .order(3)
        .build()
        .unwrap()
        .fit(&d)
        .unwrap();
    assert!(inf.transition_matrix.states.len() > 100);
    let long = MarkovOptions::builder()
        .order(3)
        .horizon(5_000)
        .build()
        .unwrap()
        .fit(&d)
        .unwrap();
    let pairs = inf
        .infinite_horizon
        .removal_effects_conversion
        .iter()
        .chain(&inf.infinite_horizon.removal_effects_conversion_value)
        .zip(
            long.truncated_horizon
                .removal_effects_conversion
                .iter()
                .chain(&long.truncated_horizon.removal_effects_conversion_value),
        );
    for (a, b) in pairs {
        assert!((a - b).abs() < 1e-10, "{a} vs {b}");
    }
}

#[test]
fn implausibly_large_amounts_are_rejected_before_they_can_overflow() {
    let err = PathData::from_csv_reader(format!("{HEADER}ad,1e300,0,1\n").as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: column \"total_conversions\" is 1e300, above the largest amount accepted (1e15)"
    );
    let mut d = PathData::new();
    assert!(matches!(
        d.push(["ad"], 1.0, 2e15, 0.0),
        Err(RowProblem::TooLarge { .. })
    ));
}

//! Every result, data and options type comes back from JSON equal to what was written,
//! and JSON that the constructors would refuse is refused.
#![cfg(feature = "serde")]

mod common;

use std::fmt::Debug;

use cocreate_journey::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(what: &str, value: &T) {
    let text = serde_json::to_string(value).unwrap_or_else(|e| panic!("{what}: {e}"));
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    assert_eq!(&back, value, "{what}");
}

fn paths() -> PathData {
    PathData::from_csv_path(common::data("paths_small.csv")).unwrap()
}

fn events() -> EventLog {
    EventLog::from_csv_path(common::data("events_small.csv")).unwrap()
}

fn journey() -> Journey {
    let t = Timestamp::from_unix_seconds;
    JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0).unwrap())
        .prior_expectation(Experience::new(5.0, 5.5))
        .encounter(
            Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t(0))
                .perceiving(Experience::new(6.0, 5.0)),
        )
        .encounter(
            Encounter::new(Touchpoint::brand("hotline"), Stage::Inquiry, t(600))
                .perceiving(Experience::new(3.0, 1.5))
                .with_bonding(BondingRatings::all(3.0, 4.0, 2.0, 3.0)),
        )
        .encounter(
            Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(7200))
                .perceiving(Experience::new(6.5, 6.0))
                .with_bonding(BondingRatings::all(6.0, 6.0, 6.5, 5.5))
                .with_outcome(Outcome::Convert),
        )
        .build()
        .unwrap()
}

#[test]
fn attribution_results() {
    let data = paths();
    round_trip("path data", &data);
    round_trip("path totals", &data.totals());
    round_trip("heuristic models", &heuristic_models(&data));
    round_trip(
        "position-based",
        &position_based(&data, &PositionBasedOptions::default()),
    );
    for order in 1..=3 {
        let fit = MarkovOptions::builder()
            .order(order)
            .build()
            .unwrap()
            .fit(&data)
            .unwrap();
        round_trip("Markov attribution", &fit);
    }
}

#[test]
fn event_log_results() {
    let log = events();
    round_trip("event log", &log);
    round_trip("paths of the log", &log.to_paths());
    round_trip("analytics", &JourneyAnalytics::from_log(&log));
    for key in [ActivityKey::Touchpoint, ActivityKey::Stage] {
        round_trip("dfg", &Dfg::discover(&log, key));
        round_trip("performance dfg", &performance_dfg(&log, key));
        round_trip("variants", &variants(&log, key));
    }
    round_trip(
        "time decay by time",
        &time_decay_by_time(&log, 86_400.0).unwrap(),
    );
}

#[test]
fn one_journey_results() {
    let j = journey();
    round_trip("journey", &j);
    let moments = MomentOptions::builder()
        .tolerance(0.5)
        .critical_threshold(1.5)
        .build()
        .unwrap();
    round_trip("moments of truth", &j.moments_of_truth(&moments));
    round_trip("disconfirmations", &j.disconfirmations(moments.tolerance()));
    let reflection = ReflectionOptions::builder()
        .update_rate(0.4)
        .build()
        .unwrap();
    round_trip("reflection", &j.reflect(&reflection).unwrap());
    round_trip("bonding", &j.bonding(&BondingRule::default()));
    let practice = PracticeOptions::builder().tolerance(0.5).build().unwrap();
    let cohort: Vec<Journey> = (0..5).map(|_| journey()).collect();
    round_trip(
        "moments in practice",
        &moments_of_truth_in_practice(&cohort, &practice),
    );
}

#[test]
fn options() {
    round_trip(
        "markov",
        &MarkovOptions::builder()
            .order(3)
            .horizon(9)
            .build()
            .unwrap(),
    );
    round_trip(
        "moments",
        &MomentOptions::builder()
            .tolerance(0.25)
            .critical_threshold(2.0)
            .build()
            .unwrap(),
    );
    let peak_end = PeakEndOptions::builder()
        .weights(0.3, 0.3, 0.4)
        .mixed_valence(MixedValence::SeparatePeaks)
        .build()
        .unwrap();
    round_trip("peak-end", &peak_end);
    round_trip(
        "reflection",
        &ReflectionOptions::builder()
            .update_rate(0.2)
            .peak_end(peak_end)
            .build()
            .unwrap(),
    );
    round_trip(
        "practice",
        &PracticeOptions::builder()
            .tolerance(0.5)
            .confidence(0.9)
            .side(DisconfirmationSide::Emotional)
            .leave_window(LeaveWindow::Eventually)
            .build()
            .unwrap(),
    );
    round_trip(
        "position-based",
        &PositionBasedOptions::builder().first(0.3).build().unwrap(),
    );
    round_trip(
        "time decay",
        &TimeDecayOptions::builder().half_life(3.0).build().unwrap(),
    );
    round_trip(
        "bonding rule",
        &BondingRule::builder().required_met(3).build().unwrap(),
    );
    round_trip("tolerance", &Tolerance::new(0.75).unwrap());
    round_trip(
        "path csv",
        &PathCsvOptions::builder()
            .separator('|')
            .value(None)
            .build()
            .unwrap(),
    );
    round_trip(
        "event csv",
        &EventCsvOptions::builder()
            .customer_id("case")
            .stages(
                StageOrder::standard()
                    .with(Stage::custom("advocacy", 600).unwrap())
                    .unwrap(),
            )
            .build()
            .unwrap(),
    );
}

/// JSON the constructors would refuse is refused with the constructor's own words.
#[test]
fn refused_like_the_constructors() {
    fn refused<T: DeserializeOwned + Debug>(value: serde_json::Value, says: &str) {
        let err = serde_json::from_value::<T>(value).unwrap_err();
        assert!(
            err.to_string().contains(says),
            "{err} does not say {says:?}"
        );
    }
    refused::<MarkovOptions>(
        json!({"order": 5}),
        "the Markov order must be between 1 and 4",
    );
    refused::<MarkovOptions>(json!({"horizon": 0}), "truncation horizon");
    refused::<MomentOptions>(
        json!({"tolerance": -1, "critical_threshold": 1}),
        "tolerance",
    );
    refused::<MomentOptions>(json!({"tolerance": 1}), "critical_threshold");
    refused::<PeakEndOptions>(json!({"peak": 0.9, "end": 0.9}), "sum of the peak");
    refused::<ReflectionOptions>(json!({"update_rate": 2}), "expectation update rate");
    refused::<PracticeOptions>(
        json!({"tolerance": 0.5, "confidence": 1}),
        "confidence level",
    );
    refused::<PositionBasedOptions>(json!({"first": 0.8, "last": 0.8}), "first- and last-touch");
    refused::<TimeDecayOptions>(json!({"half_life": 0}), "half-life");
    refused::<BondingRule>(json!({"required_met": 0}), "number of attributes required");
    refused::<Tolerance>(json!(-0.5), "tolerance");
    refused::<PathCsvOptions>(json!({"separator": ","}), "path separator");
    refused::<EventCsvOptions>(json!({"stage": " "}), "stage column");
    refused::<MarkovOptions>(json!({"order": 1, "extra": 1}), "unknown field");

    refused::<PathData>(
        json!({"channels": ["ad"], "rows": [{"path": [0, 1], "conversions": 1}]}),
        "row 1: channel id 1 is not below the number of channels, 1",
    );
    refused::<PathData>(
        json!({"channels": ["ad", "ad"], "rows": []}),
        "channel 2: the name \"ad\" is listed twice",
    );
    refused::<PathData>(
        json!({"channels": ["ad"], "rows": [{"path": [0], "conversions": -1}]}),
        "row 1: column \"conversions\" is -1",
    );
    let mut log = serde_json::to_value(events()).unwrap();
    log["cases"][0]["events"][0]["stage"] = json!(9);
    let err = serde_json::from_value::<EventLog>(log).unwrap_err();
    assert!(
        err.to_string()
            .contains("event 1: stage id 9 is not below the number of stages, 5"),
        "{err}"
    );
    let mut j = serde_json::to_value(journey()).unwrap();
    j["encounters"][0]["perceived"]["functional"] = json!(9.5);
    let err = serde_json::from_value::<Journey>(j).unwrap_err();
    assert!(err.to_string().contains("lies outside the scale"), "{err}");
    let mut dfg = serde_json::to_value(Dfg::discover(&events(), ActivityKey::Stage)).unwrap();
    dfg["edges"][0]["to"] = json!(40);
    let err = serde_json::from_value::<Dfg>(dfg).unwrap_err();
    assert!(err.to_string().contains("edge 1: activity id 40"), "{err}");
}

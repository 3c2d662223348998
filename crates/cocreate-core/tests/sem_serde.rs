//! Every result type of `sem` survives a round trip through JSON, and a stored fit that
//! does not hold together is refused rather than accepted to fail later.
#![cfg(feature = "serde")]

mod common;

use cocreate_core::sem::{
    factor_scores, measurement_validity, Estimator, FactorScoreOptions, FactorScores,
    MeasurementValidity, Model, ModificationIndex, ParameterTable, SeMethod, SemFit, SemOptions,
    ValidityThresholds,
};
use serde::{de::DeserializeOwned, Serialize};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> T {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value);
    back
}

const HS: &str = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9";

const MEDIATION: &str = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\ndem60 ~ a*ind60\ndem65 ~ c*ind60 + b*dem60\ny1 ~~ y5\nab := a*b\ntotal := c + a*b";

#[test]
fn fits_round_trip_and_work_after_it() {
    let hs = common::table("HolzingerSwineford1939.csv");
    let fit = Model::parse(HS)
        .unwrap()
        .fit(&hs, &SemOptions::default())
        .unwrap();
    let back = round_trip(&fit);
    // What is recomputed from a stored fit is the same as from the original.
    assert_eq!(
        back.modification_indices().unwrap(),
        fit.modification_indices().unwrap()
    );
    assert_eq!(back.to_string(), fit.summary());
    round_trip(&fit.modification_indices().unwrap());
    round_trip::<Vec<ModificationIndex>>(&Vec::new());
    round_trip::<ParameterTable>(fit.parameter_table());

    // Defined parameters and the robust test.
    let pd = common::table("PoliticalDemocracy.csv");
    let model = Model::parse(MEDIATION).unwrap();
    let mlr = SemOptions::builder()
        .estimator(Estimator::Mlr)
        .build()
        .unwrap();
    let robust = model.fit(&pd, &mlr).unwrap();
    assert!(robust.robust().is_some());
    round_trip(&robust);

    // The bootstrap's draws and intervals.
    let boot = SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(20)
        .seed(3)
        .build()
        .unwrap();
    let booted = model.fit(&pd, &boot).unwrap();
    assert!(booted.bootstrap().is_some());
    round_trip(&booted);
}

#[test]
fn reports_of_a_fit_round_trip() {
    let hs = common::table("HolzingerSwineford1939.csv");
    let fit = Model::parse(HS)
        .unwrap()
        .fit(&hs, &SemOptions::default())
        .unwrap();
    let v: MeasurementValidity = round_trip(&measurement_validity(&fit).unwrap());
    assert_eq!(
        v.to_string(),
        measurement_validity(&fit).unwrap().to_string()
    );
    round_trip(&ValidityThresholds::default());
    let fs: FactorScores =
        round_trip(&factor_scores(&fit, &hs, &FactorScoreOptions::default()).unwrap());
    assert_eq!(fs.rows.len(), 301);
}

#[test]
fn stored_fits_that_do_not_hold_together_are_refused() {
    let hs = common::table("HolzingerSwineford1939.csv");
    let fit = Model::parse(HS)
        .unwrap()
        .fit(&hs, &SemOptions::default())
        .unwrap();
    let good = serde_json::to_value(&fit).unwrap();
    let refused = |v: serde_json::Value| serde_json::from_value::<SemFit>(v).unwrap_err();

    let mut v = good.clone();
    v["estimates"].as_array_mut().unwrap().pop();
    let e = refused(v).to_string();
    assert!(e.contains("stored estimates has size 23"), "{e}");

    let mut v = good.clone();
    v["theta"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(1.0));
    assert!(refused(v).to_string().contains("free parameters"));

    let mut v = good.clone();
    v["table"]["rows"][0]["rhs"] = serde_json::json!("nowhere");
    let e = refused(v).to_string();
    assert!(
        e.contains("row 1 of the stored parameter table names \"nowhere\""),
        "{e}"
    );

    let mut v = good.clone();
    v["table"]["rows"][1]["free"] = serde_json::json!(99);
    assert!(refused(v).to_string().contains("free-parameter indices"));

    let mut v = good.clone();
    v["table"]["observed"] = serde_json::json!(["x1", "x1"]);
    assert!(serde_json::from_value::<SemFit>(v).is_err());

    let mut v = good;
    v["latent_cov"] = serde_json::json!([[1.0], 1, 1]);
    assert!(serde_json::from_value::<SemFit>(v).is_err());

    // The direct check, without serde's wording around it.
    let table = serde_json::to_value(fit.parameter_table()).unwrap();
    let mut t = table;
    t["n_free"] = serde_json::json!(100);
    let err: Result<ParameterTable, _> = serde_json::from_value(t);
    assert!(err
        .unwrap_err()
        .to_string()
        .contains("free-parameter indices"));
}

#[test]
fn thresholds_read_from_json_are_checked() {
    let mut v = serde_json::to_value(ValidityThresholds::default()).unwrap();
    v["omega"] = serde_json::json!(1.5);
    let e = serde_json::from_value::<ValidityThresholds>(v).unwrap_err();
    assert!(e.to_string().contains("threshold omega = 1.5"), "{e}");
}

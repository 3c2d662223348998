//! Property tests of the readiness module: decomposition, batch = single, interval
//! ordering, segmentation totals, co-producer and encounter invariants, and garbage to
//! every parser.

use cocreate_core::readiness::{
    diagnose, Aspect, Constructs, CoproducerOptions, Dimension, Pathway, PathwayRule,
    PerceptionRule, Profile, ReadinessModel, Threshold,
};
use cocreate_core::scoring::ResponseRange;
use proptest::prelude::*;

fn range() -> ResponseRange {
    ResponseRange::new(1.0, 5.0).unwrap()
}

/// A random but valid three-trait, two-mediator model.
fn model_strategy() -> impl Strategy<Value = ReadinessModel> {
    (
        prop::collection::vec(-0.8..0.8f64, 6),
        prop::collection::vec(-0.8..0.8f64, 2),
        prop::collection::vec(-0.5..0.5f64, 3),
        prop::collection::vec(0.05..1.0f64, 3),
        -0.3..0.3f64,
        prop::collection::vec(0.5..2.5f64, 3),
        (0.5..0.95f64, 0.0..0.5f64),
    )
        .prop_map(|(a, b, c, res, rc, ints, (lead, minc))| {
            let cons = Constructs::new(&["X1", "X2", "X3"], &["M1", "M2"], "Y", range())
                .unwrap()
                .with_pathway(
                    "M1",
                    cocreate_core::readiness::PathwayProfile::innovation_led(),
                )
                .unwrap()
                .with_pathway(
                    "M2",
                    cocreate_core::readiness::PathwayProfile::involvement_led(),
                )
                .unwrap();
            let rc = rc * (res[0] * res[1]).sqrt();
            let mut coefs: Vec<(String, f64)> = Vec::new();
            for (j, m) in ["M1", "M2"].iter().enumerate() {
                for (k, x) in ["X1", "X2", "X3"].iter().enumerate() {
                    coefs.push((format!("{m} ~ {x}"), a[j * 3 + k]));
                }
                coefs.push((format!("Y ~ {m}"), b[j]));
                coefs.push((format!("{m} ~ 1"), ints[j]));
                coefs.push((format!("{m} ~~ {m}"), res[j]));
            }
            for (k, x) in ["X1", "X2", "X3"].iter().enumerate() {
                coefs.push((format!("Y ~ {x}"), c[k]));
                coefs.push((format!("{x} ~ 1"), 2.5 + 0.2 * k as f64));
                coefs.push((format!("{x} ~~ {x}"), 0.6));
            }
            coefs.push(("X1 ~~ X2".into(), 0.2));
            coefs.push(("M1 ~~ M2".into(), rc));
            coefs.push(("Y ~ 1".into(), ints[2]));
            coefs.push(("Y ~~ Y".into(), res[2]));
            let refs: Vec<(&str, f64)> = coefs.iter().map(|(s, v)| (s.as_str(), *v)).collect();
            let rule = PathwayRule::builder()
                .lead_share(lead.max(0.51))
                .min_contribution(minc)
                .build()
                .unwrap();
            ReadinessModel::builder(cons, "property test")
                .coefficients(&refs)
                .vcov(
                    &["Y ~ 1", "Y ~ M1", "M1 ~ X1"],
                    nalgebra::DMatrix::from_row_slice(
                        3,
                        3,
                        &[0.01, 0.001, 0.0, 0.001, 0.004, 0.0, 0.0, 0.0, 0.002],
                    ),
                )
                .rule(rule)
                .build()
                .unwrap()
        })
}

fn traits_strategy(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(1.0..=5.0f64, 3 * n)
}

proptest! {
    #[test]
    fn contributions_add_up_and_intervals_hold(model in model_strategy(), x in traits_strategy(1)) {
        let p = model.predict(&Profile::new(&[("X1", x[0]), ("X2", x[1]), ("X3", x[2])])).unwrap();
        let c = &p.contributions;
        let sum = c.reference + c.via.iter().sum::<f64>() + c.direct;
        prop_assert!((sum - p.outcome.value).abs() < 1e-9);
        for cp in p.mediators.iter().chain([&p.outcome]) {
            prop_assert!(cp.interval.0 <= cp.value && cp.value <= cp.interval.1);
            prop_assert!(cp.se > 0.0);
        }
        let (mean, sd) = model.outcome_moments();
        prop_assert!((p.outcome.z - (p.outcome.value - mean) / sd).abs() < 1e-9);
        // A wider level gives a wider interval.
        let wide = model.with_level(0.99).unwrap()
            .predict(&Profile::new(&[("X1", x[0]), ("X2", x[1]), ("X3", x[2])])).unwrap();
        prop_assert!(wide.outcome.interval.1 - wide.outcome.interval.0 > p.outcome.interval.1 - p.outcome.interval.0);
        // The pathway obeys the documented rule.
        let rule = model.rule();
        let low = model.low_threshold();
        let counting: Vec<f64> = c.via.iter().map(|&v| if v > 0.0 && v >= rule.min_contribution() * sd { v } else { 0.0 }).collect();
        let total: f64 = counting.iter().sum();
        match p.pathway {
            Pathway::LowReadiness => prop_assert!(p.outcome.value < low),
            Pathway::Led(j) => {
                prop_assert!(p.outcome.value >= low);
                prop_assert!(counting[j] > 0.0 && counting[j] >= rule.lead_share() * total);
            }
            Pathway::Dual => {
                prop_assert!(p.outcome.value >= low);
                prop_assert!(counting.iter().filter(|&&v| v > 0.0).count() >= 2);
                prop_assert!(counting.iter().all(|&v| v == 0.0 || v < rule.lead_share() * total));
            }
            Pathway::Neither => {
                prop_assert!(p.outcome.value >= low);
                prop_assert_eq!(total, 0.0);
            }
            _ => prop_assert!(false, "unexpected pathway"),
        }
    }

    #[test]
    fn batch_equals_single_and_segments_sum(
        model in model_strategy(),
        x in (1usize..23).prop_flat_map(traits_strategy),
        t in 1.0..5.0f64,
    ) {
        // Any n, so that the last block of the batch kernel is partly filled.
        let n = x.len() / 3;
        let b = model.predict_batch(&x).unwrap();
        prop_assert_eq!(b.len(), n);
        for (i, row) in x.chunks(3).enumerate() {
            let p = model.predict(&Profile::new(&[("X1", row[0]), ("X2", row[1]), ("X3", row[2])])).unwrap();
            prop_assert!((b.outcome[i] - p.outcome.value).abs() < 1e-9);
            prop_assert!((b.outcome_se[i] - p.outcome.se).abs() < 1e-9);
            prop_assert!((b.mediators[1][i] - p.mediators[1].value).abs() < 1e-9);
            prop_assert_eq!(b.pathway(i), Some(p.pathway));
        }
        let s = model.segment(&x, Threshold::Raw(t)).unwrap();
        prop_assert_eq!(s.segments.iter().map(|g| g.count).sum::<usize>(), n);
        let shares: f64 = s.segments.iter().map(|g| g.share.value).sum();
        prop_assert!((shares - 1.0).abs() < 1e-12);
        let e = s.expected_willing;
        prop_assert!(0.0 <= e.lower && e.lower <= e.value && e.value <= e.upper && e.upper <= n as f64);
        let m = s.mean_outcome;
        prop_assert!(m.lower <= m.value && m.value <= m.upper);
        // Row order does not matter.
        let mut rev: Vec<f64> = Vec::new();
        for row in x.chunks(3).rev() { rev.extend_from_slice(row); }
        let s2 = model.segment(&rev, Threshold::Raw(t)).unwrap();
        prop_assert!((s2.expected_willing.value - e.value).abs() < 1e-9);
        prop_assert_eq!(s2.segments.iter().map(|g| g.count).collect::<Vec<_>>(), s.segments.iter().map(|g| g.count).collect::<Vec<_>>());
    }

    #[test]
    fn partial_prediction_with_everything_scored_is_the_full_one(model in model_strategy(), x in traits_strategy(1)) {
        let prof = Profile::new(&[("X1", x[0]), ("X2", x[1]), ("X3", x[2])]);
        prop_assert_eq!(model.predict(&prof).unwrap(), model.predict_partial(&prof).unwrap());
        let mut part = prof.clone();
        part.set("X2", None);
        prop_assert!(model.predict(&part).is_err());
        let p = model.predict_partial(&part).unwrap();
        let t = &p.traits;
        let at = model.predict(&Profile::new(&[("X1", t[0]), ("X2", t[1]), ("X3", t[2])])).unwrap();
        prop_assert!((p.outcome.value - at.outcome.value).abs() < 1e-9);
        prop_assert!(p.outcome.se >= at.outcome.se - 1e-12);
        prop_assert_eq!(&p.imputed, &["X2".to_string()]);
    }

    #[test]
    fn coproducer_invariants(s in prop::array::uniform4(0.0..=100.0f64), thr in 0.0..=100.0f64) {
        let d = diagnose(s, &CoproducerOptions::new(thr).unwrap()).unwrap();
        let max = s.iter().cloned().fold(f64::MIN, f64::max);
        prop_assert!(d.weakest_link <= d.compensatory + 1e-12 && d.compensatory <= max + 1e-12);
        let b = Dimension::ALL.iter().position(|x| *x == d.bottleneck).unwrap();
        prop_assert_eq!(s[b], d.weakest_link);
        prop_assert_eq!(d.interventions.len(), s.iter().filter(|&&v| v < thr).count());
        prop_assert_eq!(d.human_fallback, s[3] < thr);
        prop_assert_eq!(d.ready(), d.interventions.is_empty());
    }

    #[test]
    fn perception_lies_between_the_ratings_and_falls_with_negativity(
        r in prop::collection::vec(1.0..=7.0f64, 1..12), lambda in 1.0..5.0f64
    ) {
        let aspects: Vec<Aspect> = r.iter().enumerate().map(|(i, v)| Aspect::new(format!("a{i}"), *v)).collect();
        let base = PerceptionRule::new(ResponseRange::new(1.0, 7.0).unwrap());
        let p1 = base.perceive(&aspects).unwrap();
        let pl = base.negativity_weight(lambda).unwrap().perceive(&aspects).unwrap();
        let (lo, hi) = (r.iter().cloned().fold(f64::MAX, f64::min), r.iter().cloned().fold(f64::MIN, f64::max));
        prop_assert!(lo - 1e-12 <= pl.overall && pl.overall <= hi + 1e-12);
        prop_assert!((p1.overall - p1.unweighted).abs() < 1e-9);
        prop_assert!(pl.overall <= p1.overall + 1e-12);
        prop_assert_eq!(pl.positive + pl.negative + pl.neutral, r.len());
    }

    #[test]
    fn garbage_coefficients_never_panic(spec in ".{0,24}", v in prop::num::f64::ANY) {
        let c = Constructs::new(&["O"], &["II"], "WTC", range()).unwrap();
        let _ = ReadinessModel::builder(c, "fuzz").coefficient(&spec, v).build();
    }

    #[test]
    fn garbage_profiles_never_panic(names in prop::collection::vec("[A-Z]{0,3}", 0..5), vals in prop::collection::vec(prop::num::f64::ANY, 5)) {
        let c = Constructs::new(&["O", "C"], &["II"], "WTC", range()).unwrap();
        let model = ReadinessModel::builder(c, "fuzz").coefficients(&[
            ("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
            ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5),
            ("C ~ 1", 3.0), ("C ~~ C", 0.5),
        ]).build().unwrap();
        let mut p = Profile::default();
        for (n, v) in names.iter().zip(&vals) { p.set(n, Some(*v)); }
        let _ = model.predict(&p);
        let _ = model.predict_partial(&p);
        let _ = model.predict_batch(&vals);
        let _ = model.segment(&vals, Threshold::Standardized(vals[0]));
    }
}

#[cfg(feature = "serde")]
proptest! {
    #[test]
    fn garbage_json_never_panics(s in ".{0,64}") {
        let _ = serde_json::from_str::<ReadinessModel>(&s);
        let _ = serde_json::from_str::<PathwayRule>(&s);
    }
}

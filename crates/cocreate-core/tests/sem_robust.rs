//! Robust ML (MLM, MLR) against lavaan 0.6-14: robust SEs, the scaled tests and the
//! `.scaled` / `.robust` fit indices, to 1e-4.

mod common;

use cocreate_core::sem::{
    Estimator, Missing, Model, ParameterEstimate, SemError, SemFit, SemOptions,
};
use serde_json::Value;

const TOL: f64 = 1e-4;

fn reference(name: &str) -> Value {
    common::reference(&format!("ext/{name}"))
}

fn robust_fit(r: &Value, data: &str, estimator: Estimator) -> SemFit {
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder().estimator(estimator).build().unwrap();
    model.fit(&common::table(data), &opts).unwrap()
}

fn check(what: &str, got: Option<f64>, want: &Value, rel: bool, max: &mut f64) {
    let diff = if rel {
        common::Diff::Relative
    } else {
        common::Diff::Absolute
    };
    common::check_close(what, got, want, diff, TOL, max);
}

/// One parameter's estimate and SE against lavaan's row.
fn check_est_se(got: &ParameterEstimate, e: &Value, max: &mut f64) {
    let id = format!("{} {} {}", got.lhs, got.op.as_str(), got.rhs);
    check(&format!("{id} est"), Some(got.est), &e["est"], false, max);
    check(&format!("{id} se"), got.se, &e["se"], false, max);
}

/// Estimates, robust SEs, z, CIs, the standardised solution's SEs, and every scaled and
/// robust fit index; returns the largest difference.
fn compare(fit: &SemFit, r: &Value) -> f64 {
    let mut max = 0.0f64;
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    for (got, e) in fit.parameter_estimates().iter().zip(pe) {
        let id = format!("{} {} {}", got.lhs, got.op.as_str(), got.rhs);
        assert_eq!(got.lhs, e["lhs"].as_str().unwrap());
        assert_eq!(got.rhs, e["rhs"].as_str().unwrap());
        check_est_se(got, e, &mut max);
        check(&format!("{id} z"), got.z, &e["z"], true, &mut max);
        check(
            &format!("{id} p"),
            got.pvalue,
            &e["pvalue"],
            false,
            &mut max,
        );
        check(
            &format!("{id} lo"),
            Some(got.ci_lower),
            &e["ci.lower"],
            false,
            &mut max,
        );
        check(
            &format!("{id} hi"),
            Some(got.ci_upper),
            &e["ci.upper"],
            false,
            &mut max,
        );
    }
    for e in r["standardized_solution"].as_array().unwrap() {
        let got = fit
            .standardized_solution()
            .iter()
            .find(|s| {
                s.op.as_str() == e["op"].as_str().unwrap()
                    && s.lhs == e["lhs"].as_str().unwrap()
                    && s.rhs == e["rhs"].as_str().unwrap()
            })
            .unwrap();
        let id = format!("std {} {} {}", got.lhs, got.op.as_str(), got.rhs);
        check(
            &format!("{id} est"),
            Some(got.est_std),
            &e["est.std"],
            false,
            &mut max,
        );
        check(&format!("{id} se"), got.se, &e["se"], false, &mut max);
    }
    let fm = fit.fit_measures();
    let rb = fit.robust().expect("a robust fit");
    let f = &r["fit_all"];
    let pairs: Vec<(&str, Option<f64>)> = vec![
        ("chisq", Some(fm.chisq)),
        ("chisq.scaled", Some(rb.chisq_scaled)),
        ("df.scaled", Some(rb.df_scaled)),
        ("pvalue.scaled", rb.pvalue_scaled),
        ("chisq.scaling.factor", Some(rb.chisq_scaling_factor)),
        ("baseline.chisq.scaled", Some(rb.baseline_chisq_scaled)),
        ("baseline.pvalue.scaled", rb.baseline_pvalue_scaled),
        (
            "baseline.chisq.scaling.factor",
            Some(rb.baseline_chisq_scaling_factor),
        ),
        ("cfi.scaled", Some(rb.cfi_scaled)),
        ("tli.scaled", Some(rb.tli_scaled)),
        ("cfi.robust", Some(rb.cfi_robust)),
        ("tli.robust", Some(rb.tli_robust)),
        ("rmsea.scaled", Some(rb.rmsea_scaled)),
        ("rmsea.ci.lower.scaled", Some(rb.rmsea_ci_lower_scaled)),
        ("rmsea.ci.upper.scaled", Some(rb.rmsea_ci_upper_scaled)),
        ("rmsea.pvalue.scaled", rb.rmsea_pvalue_scaled),
        ("rmsea.robust", Some(rb.rmsea_robust)),
        ("rmsea.ci.lower.robust", Some(rb.rmsea_ci_lower_robust)),
        ("rmsea.ci.upper.robust", Some(rb.rmsea_ci_upper_robust)),
        ("rmsea.pvalue.robust", rb.rmsea_pvalue_robust),
        ("scaling.factor.h1", rb.scaling_factor_h1),
        ("scaling.factor.h0", rb.scaling_factor_h0),
        ("logl", Some(fm.logl)),
        ("unrestricted.logl", Some(fm.unrestricted_logl)),
        ("srmr", Some(fm.srmr)),
    ];
    for (k, v) in pairs {
        check(&format!("fit {k}"), v, &f[k], true, &mut max);
    }
    if let Some(t) = r.get("test") {
        let name = rb.test.as_str();
        check(
            "trace.UGamma",
            Some(rb.trace_ugamma),
            &t[name]["trace.UGamma"],
            true,
            &mut max,
        );
    }
    max
}

#[test]
fn hs_cfa_mlm_matches_lavaan() {
    let r = reference("robust_hs_cfa_mlm");
    let fit = robust_fit(&r, "HolzingerSwineford1939.csv", Estimator::Mlm);
    assert!(fit.robust().unwrap().scaling_factor_h1.is_none());
    println!(
        "robust_hs_cfa_mlm: largest difference {:e}",
        compare(&fit, &r)
    );
}

#[test]
fn hs_cfa_mlr_matches_lavaan() {
    let r = reference("robust_hs_cfa_mlr");
    let fit = robust_fit(&r, "HolzingerSwineford1939.csv", Estimator::Mlr);
    println!(
        "robust_hs_cfa_mlr: largest difference {:e}",
        compare(&fit, &r)
    );
}

#[test]
fn pd_sem_mlr_matches_lavaan() {
    let r = reference("robust_pd_sem_mlr");
    let fit = robust_fit(&r, "PoliticalDemocracy.csv", Estimator::Mlr);
    println!(
        "robust_pd_sem_mlr: largest difference {:e}",
        compare(&fit, &r)
    );
}

fn fit_local(name: &str, data: &str, opts: SemOptions) -> (SemFit, Value) {
    let r = common::reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    (model.fit(&common::table(data), &opts).unwrap(), r)
}

#[test]
fn growth_mlr_matches_lavaan() {
    let opts = SemOptions::growth()
        .to_builder()
        .estimator(Estimator::Mlr)
        .build()
        .unwrap();
    let (fit, r) = fit_local("robust_growth_mlr", "demo_growth.csv", opts);
    println!(
        "robust_growth_mlr: largest difference {:e}",
        compare(&fit, &r)
    );
}

#[test]
fn mean_structure_with_equal_intercepts_matches_lavaan_mlm_and_mlr() {
    for (name, est) in [
        ("robust_hs_means_mlm", Estimator::Mlm),
        ("robust_hs_means_mlr", Estimator::Mlr),
    ] {
        let opts = SemOptions::builder()
            .meanstructure(cocreate_core::sem::MeanStructure::On)
            .estimator(est)
            .build()
            .unwrap();
        let (fit, r) = fit_local(name, "HolzingerSwineford1939.csv", opts);
        println!("{name}: largest difference {:e}", compare(&fit, &r));
    }
}

#[test]
fn robust_estimates_and_chisq_equal_plain_ml() {
    let r = reference("robust_pd_sem_mlr");
    let ml = robust_fit(&r, "PoliticalDemocracy.csv", Estimator::Ml);
    assert!(ml.robust().is_none());
    for est in [Estimator::Mlm, Estimator::Mlr] {
        let rb = robust_fit(&r, "PoliticalDemocracy.csv", est);
        assert_eq!(rb.fit_measures().chisq, ml.fit_measures().chisq);
        for (a, b) in rb
            .parameter_estimates()
            .iter()
            .zip(ml.parameter_estimates())
        {
            assert_eq!(a.est, b.est);
        }
    }
}

#[test]
fn defined_parameters_get_robust_delta_method_ses() {
    let data = common::table("PoliticalDemocracy.csv");
    let syntax = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\ndem60 ~ a*ind60\ndem65 ~ c*ind60 + b*dem60\nab := a*b\ntotal := c + a*b";
    let model = Model::parse(syntax).unwrap();
    let opts = SemOptions::builder()
        .estimator(Estimator::Mlr)
        .build()
        .unwrap();
    let fit = model.fit(&data, &opts).unwrap();
    let v = fit.vcov().unwrap();
    let free = |label: &str| fit.by_label(label).unwrap().free.unwrap();
    let (a, b) = (
        fit.by_label("a").unwrap().est,
        fit.by_label("b").unwrap().est,
    );
    let (ia, ib) = (free("a"), free("b"));
    let var = b * b * v[(ia, ia)] + a * a * v[(ib, ib)] + 2.0 * a * b * v[(ia, ib)];
    let se = fit.by_label("ab").unwrap().se.unwrap();
    assert!((se - var.sqrt()).abs() < 1e-12, "{se} vs {}", var.sqrt());
    // ... and the robust one differs from the ML one.
    let ml = model.fit(&data, &SemOptions::default()).unwrap();
    assert!((ml.by_label("ab").unwrap().se.unwrap() - se).abs() > 1e-4);
}

#[test]
fn mlm_with_missing_data_is_refused() {
    let err = SemOptions::builder()
        .estimator(Estimator::Mlm)
        .missing(Missing::Ml)
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        SemError::IncompatibleOptions {
            option: "estimator",
            ..
        }
    ));
    let msg = err.to_string();
    assert!(msg.contains("MLM needs complete data"), "{msg}");
    assert!(
        msg.contains("MLR, which supports missing = ml and ml.x"),
        "{msg}"
    );
    assert!(!msg.contains('\n'), "{msg}");
}

#[test]
fn information_options_that_contradict_the_estimator_are_refused() {
    use cocreate_core::sem::Information;
    for (est, info) in [
        (Estimator::Mlr, Information::Expected),
        (Estimator::Mlm, Information::Observed),
    ] {
        let err = SemOptions::builder()
            .estimator(est)
            .information(info)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("information"), "{err}");
    }
}

#[test]
fn a_saturated_model_has_no_scaled_test() {
    let model = Model::parse("f =~ x1 + x2 + x3").unwrap();
    let opts = SemOptions::builder()
        .estimator(Estimator::Mlr)
        .build()
        .unwrap();
    let fit = model
        .fit(&common::table("HolzingerSwineford1939.csv"), &opts)
        .unwrap();
    let r = fit.robust().unwrap();
    assert_eq!(fit.fit_measures().df, 0.0);
    assert!(r.chisq_scaled.is_nan() && r.pvalue_scaled.is_none());
    assert!(r.cfi_robust.is_nan() && r.rmsea_robust.is_nan());
    assert!(r.baseline_chisq_scaling_factor > 0.0);
    // The sandwich SEs are still there.
    assert!(fit.parameter_estimates().iter().all(|e| e.se.is_some()));
}

#[test]
fn estimator_names_parse_as_lavaan_writes_them() {
    assert_eq!("mlr".parse::<Estimator>().unwrap(), Estimator::Mlr);
    assert_eq!("MLM".parse::<Estimator>().unwrap(), Estimator::Mlm);
    assert_eq!("wlsmv".parse::<Estimator>().unwrap(), Estimator::Wlsmv);
    assert!("ULS".parse::<Estimator>().is_err());
}

mod props {
    use cocreate_core::data::Table;
    use cocreate_core::sem::{Estimator, Model, SemOptions};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    /// `n` rows of five indicators of one factor, with skewed errors; column `col` times `k`.
    fn data(seed: u64, n: usize, col: usize, k: f64) -> Table {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let rows = (0..n)
            .map(|_| {
                let f: f64 = rng.r#gen::<f64>() - 0.5;
                (0..5)
                    .map(|j| {
                        let e: f64 = rng.r#gen::<f64>().powi(3) - 0.25;
                        let v = f * (1.0 + j as f64 * 0.2) + e;
                        Some(if j == col { v * k } else { v })
                    })
                    .collect()
            })
            .collect();
        let names = (1..=5).map(|j| format!("y{j}")).collect();
        Table::new(names, rows).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        #[test]
        fn scaled_tests_are_consistent_and_scale_free(
            seed in 0u64..10_000, n in 60usize..200, k in 0.2f64..5.0, mlr in any::<bool>()
        ) {
            let est = if mlr { Estimator::Mlr } else { Estimator::Mlm };
            let opts = SemOptions::builder().estimator(est).build().unwrap();
            let model = Model::parse("f =~ y1 + y2 + y3 + y4 + y5").unwrap();
            let a = model.fit(&data(seed, n, 2, 1.0), &opts).unwrap();
            let b = model.fit(&data(seed, n, 2, k), &opts).unwrap();
            let (ra, rb) = (a.robust().unwrap(), b.robust().unwrap());
            prop_assert!(ra.chisq_scaling_factor > 0.0);
            prop_assert!((ra.chisq_scaled * ra.chisq_scaling_factor - a.fit_measures().chisq).abs() < 1e-9);
            // Rescaling an indicator changes neither the test nor the robust z values.
            prop_assert!((ra.chisq_scaled - rb.chisq_scaled).abs() < 1e-6 * (1.0 + ra.chisq_scaled));
            prop_assert!((ra.cfi_robust - rb.cfi_robust).abs() < 1e-6);
            for (x, y) in a.parameter_estimates().iter().zip(b.parameter_estimates()) {
                if let (Some(za), Some(zb)) = (x.z, y.z) {
                    prop_assert!((za - zb).abs() < 1e-5 * (1.0 + za.abs()), "{} {}: {za} vs {zb}", x.lhs, x.rhs);
                }
            }
        }
    }
}

#[test]
fn fixed_covariates_mlm_and_mlr_match_lavaan() {
    use cocreate_core::sem::MeanStructure;
    let cases = [
        (
            "robust_fixedx_path_mlm",
            "cocreation_composites.csv",
            Estimator::Mlm,
            false,
        ),
        (
            "robust_fixedx_path_mlr",
            "cocreation_composites.csv",
            Estimator::Mlr,
            false,
        ),
        (
            "robust_fixedx_path_means_mlm",
            "cocreation_composites.csv",
            Estimator::Mlm,
            true,
        ),
        (
            "robust_fixedx_path_means_mlr",
            "cocreation_composites.csv",
            Estimator::Mlr,
            true,
        ),
        (
            "robust_fixedx_mimic_mlm",
            "HolzingerSwineford1939.csv",
            Estimator::Mlm,
            false,
        ),
        (
            "robust_fixedx_mimic_mlr",
            "HolzingerSwineford1939.csv",
            Estimator::Mlr,
            false,
        ),
    ];
    for (name, data, est, means) in cases {
        let ms = if means {
            MeanStructure::On
        } else {
            MeanStructure::Auto
        };
        let opts = SemOptions::builder()
            .estimator(est)
            .meanstructure(ms)
            .build()
            .unwrap();
        let (fit, r) = fit_local(name, data, opts);
        println!("{name}: largest difference {:e}", compare(&fit, &r));
    }
}

fn fiml_mlr(missing: Missing) -> SemOptions {
    SemOptions::builder()
        .estimator(Estimator::Mlr)
        .missing(missing)
        .build()
        .unwrap()
}

#[test]
fn mlr_with_fiml_matches_lavaan() {
    let cases = [
        ("robust_fiml_hs_mlr", "hs_missing.csv", Missing::Ml),
        ("robust_fiml_path_ml", "composites_missing.csv", Missing::Ml),
        (
            "robust_fiml_path_mlx",
            "composites_missing.csv",
            Missing::MlX,
        ),
    ];
    for (name, data, missing) in cases {
        let (fit, r) = fit_local(name, data, fiml_mlr(missing));
        assert_eq!(fit.n_used() as u64, r["n_used"].as_u64().unwrap());
        // The path model's indirect and total effects (`:=`) are among the rows compared:
        // their robust SEs come from the sandwich through the delta method.
        let defined = fit
            .parameter_estimates()
            .iter()
            .filter(|e| e.op.as_str() == ":=")
            .count();
        assert_eq!(defined, if name.contains("path") { 2 } else { 0 }, "{name}");
        println!("{name}: largest difference {:e}", compare(&fit, &r));
    }
}

#[test]
fn mlr_with_fiml_on_the_survey_matches_lavaan() {
    let (fit, r) = fit_local(
        "robust_fiml_survey_mlr",
        "cocreation_keyed_items_3pct_missing.csv",
        fiml_mlr(Missing::Ml),
    );
    println!(
        "robust_fiml_survey_mlr: largest difference {:e}",
        compare(&fit, &r)
    );
}

/// The bootstrap with MLR and FIML: estimates and the scaled test are those of the MLR fit,
/// the SEs (defined parameters included) come from the draws, agree with the robust SEs
/// to sampling error, and the same seed gives the same draws.
#[test]
fn bootstrap_with_mlr_and_fiml() {
    use cocreate_core::sem::SeMethod;
    let r = common::reference("robust_fiml_path_ml");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let data = common::table("composites_missing.csv");
    let robust = model.fit(&data, &fiml_mlr(Missing::Ml)).unwrap();
    let boot_opts = SemOptions::builder()
        .estimator(Estimator::Mlr)
        .missing(Missing::Ml)
        .se(SeMethod::Bootstrap)
        .bootstrap(200)
        .seed(7)
        .build()
        .unwrap();
    let a = model.fit(&data, &boot_opts).unwrap();
    let b = model.fit(&data, &boot_opts).unwrap();
    let bt = a.bootstrap().expect("bootstrap result");
    assert_eq!(bt.requested, 200);
    assert!(bt.draws.nrows() >= 190, "{} converged", bt.draws.nrows());
    assert_eq!(bt.draws, b.bootstrap().unwrap().draws);
    let (ra, rr) = (a.robust().unwrap(), robust.robust().unwrap());
    assert!((ra.chisq_scaled - rr.chisq_scaled).abs() < 1e-9);
    assert!((ra.cfi_robust - rr.cfi_robust).abs() < 1e-9);
    let mut defined = 0;
    for (x, y) in a
        .parameter_estimates()
        .iter()
        .zip(robust.parameter_estimates())
    {
        assert!((x.est - y.est).abs() < 1e-9, "{} {}", x.lhs, x.rhs);
        if let (Some(sb), Some(sr)) = (x.se, y.se) {
            if sr == 0.0 {
                // The fixed covariates' moments: no SE either way.
                assert_eq!(sb, 0.0, "{} {}", x.lhs, x.rhs);
                continue;
            }
            assert!(sb > 0.0 && sb != sr, "{} {}: {sb}", x.lhs, x.rhs);
            let ratio = sb / sr;
            assert!(
                (0.7..1.4).contains(&ratio),
                "{} {} {}: bootstrap SE {sb}, robust SE {sr}",
                x.lhs,
                x.op.as_str(),
                x.rhs
            );
            defined += usize::from(x.op.as_str() == ":=");
        }
    }
    assert_eq!(defined, 2);
}

/// More observed variables than `MAX_MLR_FIML_VARIABLES` is refused before any work, with
/// the count and the limit; ML with FIML on the same data is not limited by it.
#[test]
fn mlr_with_fiml_refuses_too_many_variables() {
    use cocreate_core::data::Table;
    use cocreate_core::sem::MAX_MLR_FIML_VARIABLES;
    let p = MAX_MLR_FIML_VARIABLES + 1;
    let names: Vec<String> = (1..=p).map(|j| format!("v{j}")).collect();
    let rows = (0..3)
        .map(|i| {
            (0..p)
                .map(|j| (i + j != 3).then_some(((i * 7 + j * 3) % 5) as f64))
                .collect()
        })
        .collect();
    let data = Table::new(names.clone(), rows).unwrap();
    let model = Model::parse(&format!("f =~ {}", names.join(" + "))).unwrap();
    let err = model.fit(&data, &fiml_mlr(Missing::Ml)).unwrap_err();
    assert!(
        matches!(err, SemError::TooLarge { found, limit, .. } if found == p && limit == MAX_MLR_FIML_VARIABLES),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "observed variables of an MLR fit with full-information ML: {p} is more than the limit of {MAX_MLR_FIML_VARIABLES}"
        )
    );
}

/// A variable observed in fewer than two rows is named, with ML and MLR alike.
#[test]
fn fiml_names_a_variable_observed_in_too_few_rows() {
    use cocreate_core::data::Table;
    let rows = (0..30)
        .map(|i| {
            vec![
                Some((i % 7) as f64),
                Some(((i * 3) % 11) as f64),
                (i == 4).then_some(2.0),
            ]
        })
        .collect();
    let data = Table::new(vec!["a".into(), "b".into(), "c".into()], rows).unwrap();
    let model = Model::parse("f =~ a + b + c").unwrap();
    for est in [Estimator::Ml, Estimator::Mlr] {
        let opts = SemOptions::builder()
            .estimator(est)
            .missing(Missing::Ml)
            .build()
            .unwrap();
        let err = model.fit(&data, &opts).unwrap_err();
        assert!(
            matches!(&err, SemError::TooFewObserved { name, n: 1 } if name == "c"),
            "{err}"
        );
        assert!(err.is_data_problem());
        assert_eq!(
            err.to_string(),
            "variable \"c\" has 1 observed value(s); full-information ML needs at least 2 to estimate its mean and variance"
        );
    }
}

/// MLR with FIML under general constraints: the sandwich's bread and the Yuan–Bentler
/// trace invert the information in the constraints' null space, and so does `E⁻¹` of the
/// FIML-corrected robust indices (lavaan's augmented information).
#[test]
fn mlr_with_fiml_under_an_equality_constraint_matches_lavaan() {
    let (fit, mut r) = fit_local(
        "robust_fiml_hs_ratio_mlr",
        "hs_missing.csv",
        fiml_mlr(Missing::Ml),
    );
    let (a, b) = (fit.by_label("a").unwrap(), fit.by_label("b").unwrap());
    assert!((a.est - 2.0 * b.est).abs() < 1e-8, "{} {}", a.est, b.est);
    // lavaan lists the equality among the parameters; cocreate in `constraints()`.
    for key in ["parameter_estimates", "standardized_solution"] {
        let rows = r[key].as_array_mut().unwrap();
        let n_rows = rows.len();
        rows.retain(|e| e["op"].as_str() != Some("=="));
        assert_eq!(n_rows - rows.len(), 1);
    }
    println!(
        "robust_fiml_hs_ratio_mlr: largest difference {:e}",
        compare(&fit, &r)
    );
}

/// With a binding inequality beside the equality (`d > 1.3`): lavaan's augmented
/// Lagrangian stops 1e-4 short of the optimum, so the estimates and SEs are compared with
/// lavaan's fit of the model with the loading fixed at the bound (which the active
/// inequality amounts to), and the test statistics, whose degrees of freedom count the
/// inequality as lavaan counts it (not at all), with the inequality fit.
#[test]
fn mlr_with_fiml_under_a_binding_inequality_matches_lavaan() {
    let (fit, r) = fit_local(
        "robust_fiml_hs_mixed_mlr",
        "hs_missing.csv",
        fiml_mlr(Missing::Ml),
    );
    let bound = common::reference("robust_fiml_hs_mixed_bound_mlr");
    let mut max = 0.0f64;
    let pe = bound["parameter_estimates"].as_array().unwrap();
    for e in pe.iter().filter(|e| e["op"].as_str() != Some("==")) {
        let got = fit
            .parameter_estimates()
            .iter()
            .find(|g| {
                g.lhs == e["lhs"].as_str().unwrap()
                    && g.op.as_str() == e["op"].as_str().unwrap()
                    && g.rhs == e["rhs"].as_str().unwrap()
            })
            .unwrap();
        // The bound's loading is fixed in lavaan's fit (SE 0) and held by the active
        // inequality in ours (SE 0).
        check_est_se(got, e, &mut max);
    }
    assert_eq!(pe.len() - 1, fit.parameter_estimates().len());
    let rb = fit.robust().unwrap();
    let t = &bound["test"]["yuan.bentler.mplus"]["trace.UGamma"];
    check("trace.UGamma", Some(rb.trace_ugamma), t, true, &mut max);
    let f = &r["fit_all"];
    for (k, v) in [
        ("chisq", fit.fit_measures().chisq),
        ("df", fit.fit_measures().df),
        ("chisq.scaled", rb.chisq_scaled),
        ("chisq.scaling.factor", rb.chisq_scaling_factor),
        ("cfi.robust", rb.cfi_robust),
        ("rmsea.robust", rb.rmsea_robust),
    ] {
        check(&format!("fit {k}"), Some(v), &f[k], true, &mut max);
    }
    println!("robust_fiml_hs_mixed_mlr: largest difference {max:e}");
}

//! Multiple-group fits with other estimators than complete-data ML, against lavaan 0.6-14
//! (`docs/reference-scripts/groups_estimators.R`): full-information ML (HolzingerSwineford1939
//! by school with cells deleted by a fixed rule, configural and metric), robust ML (MLR, MLM)
//! on complete data (the same models, and the co-creation path model by gender), and MLR
//! with full-information ML. Estimates, SEs, the standardised solution, every group's χ²
//! and the fit measures, the scaled and robust ones included; the largest difference is
//! printed.

mod common;

use cocreate_core::data::{CsvOptions, Table};
use cocreate_core::sem::{Estimator, GroupEqual, Missing, Model, SemFit, SemOptions};
use serde_json::Value;

const TOL: f64 = 1e-4;
const REL: f64 = 1e-5;

fn hs(file: &str) -> Table {
    Table::from_csv_path_with(
        common::data_path(file),
        &CsvOptions::builder().id_column("school").build().unwrap(),
    )
    .unwrap()
}

/// `|got − want| ≤ tol`, relative to `max(|want|, 1)` when `relative`.
fn check(what: &str, got: Option<f64>, want: &Value, relative: bool, tol: f64, max: &mut f64) {
    let diff = if relative {
        common::Diff::Relative
    } else {
        common::Diff::Absolute
    };
    common::check_close(what, got, want, diff, tol, max);
}

/// Compares a fit with a reference file of `groups_estimators.R`; returns the largest
/// difference.
fn compare(fit: &SemFit, r: &Value) -> f64 {
    let mut max = 0.0f64;
    let labels: Vec<&str> = r["group_labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let got_labels: Vec<&str> = fit.groups().iter().map(|g| g.label.as_str()).collect();
    assert_eq!(got_labels, labels);
    assert_eq!(fit.n_used() as u64, r["n_used"].as_u64().unwrap());
    for g in fit.groups() {
        assert_eq!(
            g.n_used as u64,
            r["n_used_per_group"][&g.label].as_u64().unwrap()
        );
    }
    assert_eq!(fit.fit_measures().npar as u64, r["npar"].as_u64().unwrap());
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    for (got, e) in fit.parameter_estimates().iter().zip(pe) {
        let group = e["group"].as_u64().unwrap() as usize;
        let want_group = if group == 0 { "" } else { labels[group - 1] };
        assert_eq!(
            (
                got.lhs.as_str(),
                got.op.as_str(),
                got.rhs.as_str(),
                got.group.as_str()
            ),
            (
                e["lhs"].as_str().unwrap(),
                e["op"].as_str().unwrap(),
                e["rhs"].as_str().unwrap(),
                want_group
            )
        );
        let id = format!("[{want_group}] {} {} {}", got.lhs, got.op, got.rhs);
        check(
            &format!("{id} est"),
            Some(got.est),
            &e["est"],
            false,
            TOL,
            &mut max,
        );
        check(&format!("{id} se"), got.se, &e["se"], false, TOL, &mut max);
        check(&format!("{id} z"), got.z, &e["z"], true, TOL, &mut max);
        check(
            &format!("{id} lo"),
            Some(got.ci_lower),
            &e["ci.lower"],
            false,
            TOL,
            &mut max,
        );
        check(
            &format!("{id} hi"),
            Some(got.ci_upper),
            &e["ci.upper"],
            false,
            TOL,
            &mut max,
        );
        check(
            &format!("{id} std.all"),
            Some(got.std_all),
            &e["std.all"],
            false,
            TOL,
            &mut max,
        );
    }
    for e in r["standardized_solution"].as_array().unwrap() {
        // lavaan lists its `==` constraints here; they are not parameters.
        let Some((want_group, got)) = common::standardized_row(fit, e, &labels) else {
            continue;
        };
        let id = format!("std [{want_group}] {} {} {}", got.lhs, got.op, got.rhs);
        check(
            &format!("{id} est"),
            Some(got.est_std),
            &e["est.std"],
            false,
            TOL,
            &mut max,
        );
        check(&format!("{id} se"), got.se, &e["se"], false, TOL, &mut max);
    }
    // Every group's part of the standard test, and of the scaled one when there is one.
    let tests = r["chisq_per_group"].as_object().unwrap();
    for g in fit.groups() {
        check(
            &format!("chisq [{}]", g.label),
            Some(g.chisq),
            &tests["standard"][&g.label],
            true,
            REL,
            &mut max,
        );
    }
    let fm = fit.fit_measures();
    let f = &r["fit_all"];
    for (k, v) in [
        ("chisq", fm.chisq),
        ("logl", fm.logl),
        ("unrestricted.logl", fm.unrestricted_logl),
        ("baseline.chisq", fm.baseline_chisq),
        ("aic", fm.aic),
        ("bic", fm.bic),
    ] {
        check(&format!("fit {k}"), Some(v), &f[k], true, REL, &mut max);
    }
    for (k, v) in [
        ("df", Some(fm.df)),
        ("pvalue", fm.pvalue),
        ("fmin", Some(fm.fmin)),
        ("baseline.df", Some(fm.baseline_df)),
        ("cfi", Some(fm.cfi)),
        ("tli", Some(fm.tli)),
        ("rmsea", Some(fm.rmsea)),
        ("rmsea.ci.lower", Some(fm.rmsea_ci_lower)),
        ("rmsea.ci.upper", Some(fm.rmsea_ci_upper)),
        ("rmsea.pvalue", fm.rmsea_pvalue),
        ("srmr", Some(fm.srmr)),
    ] {
        check(&format!("fit {k}"), v, &f[k], false, TOL, &mut max);
    }
    if let Some(rb) = fit.robust() {
        for (k, v) in [
            ("chisq.scaled", Some(rb.chisq_scaled)),
            ("baseline.chisq.scaled", Some(rb.baseline_chisq_scaled)),
        ] {
            check(&format!("fit {k}"), v, &f[k], true, REL, &mut max);
        }
        for (k, v) in [
            ("df.scaled", Some(rb.df_scaled)),
            ("pvalue.scaled", rb.pvalue_scaled),
            ("chisq.scaling.factor", Some(rb.chisq_scaling_factor)),
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
            ("rmsea.pvalue.robust", rb.rmsea_pvalue_robust),
            ("rmsea.robust", Some(rb.rmsea_robust)),
            ("rmsea.ci.lower.robust", Some(rb.rmsea_ci_lower_robust)),
            ("rmsea.ci.upper.robust", Some(rb.rmsea_ci_upper_robust)),
            ("scaling.factor.h1", rb.scaling_factor_h1),
            ("scaling.factor.h0", rb.scaling_factor_h0),
        ] {
            check(&format!("fit {k}"), v, &f[k], false, TOL, &mut max);
        }
    }
    max
}

fn hs_options(estimator: Estimator, missing: Missing, metric: bool) -> SemOptions {
    let equal: &[GroupEqual] = if metric { &[GroupEqual::Loadings] } else { &[] };
    SemOptions::builder()
        .group("school")
        .group_equal(equal.iter().copied())
        .estimator(estimator)
        .missing(missing)
        .build()
        .unwrap()
}

fn hs_case(name: &str, estimator: Estimator, missing: Missing, metric: bool) -> SemFit {
    let r = common::reference(&format!("ext/{name}"));
    let file = r["data"]["file"].as_str().unwrap();
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model
        .fit(&hs(file), &hs_options(estimator, missing, metric))
        .unwrap();
    let max = compare(&fit, &r);
    println!("{name}: largest difference {max:e}");
    fit
}

#[test]
fn fiml_hs_configural_matches_lavaan() {
    let fit = hs_case(
        "mg_fiml_hs_school_configural",
        Estimator::Ml,
        Missing::Ml,
        false,
    );
    assert!(fit.summary().contains("Observed"));
}

#[test]
fn fiml_hs_metric_matches_lavaan() {
    hs_case("mg_fiml_hs_school_metric", Estimator::Ml, Missing::Ml, true);
}

#[test]
fn fiml_on_complete_data_equals_ml_with_groups() {
    let model = Model::parse("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6").unwrap();
    let data = hs("HolzingerSwineford1939.csv");
    let fiml = model
        .fit(&data, &hs_options(Estimator::Ml, Missing::Ml, true))
        .unwrap();
    let ml = model
        .fit(&data, &hs_options(Estimator::Ml, Missing::Listwise, true))
        .unwrap();
    for (a, b) in fiml
        .parameter_estimates()
        .iter()
        .zip(ml.parameter_estimates())
    {
        assert!((a.est - b.est).abs() < 1e-6, "{} {} {}", a.lhs, a.op, a.rhs);
    }
    let (f, m) = (fiml.fit_measures(), ml.fit_measures());
    assert!((f.chisq - m.chisq).abs() < 1e-6 * m.chisq);
    assert!((f.logl - m.logl).abs() < 1e-6 * m.logl.abs());
    assert!((f.baseline_chisq - m.baseline_chisq).abs() < 1e-6 * m.baseline_chisq);
}

#[test]
fn fiml_bootstrap_on_complete_data_equals_the_ml_bootstrap_with_groups() {
    let model = Model::parse("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6").unwrap();
    let data = hs("HolzingerSwineford1939.csv");
    let boot = |missing: Missing| {
        let o = SemOptions::builder()
            .group("school")
            .missing(missing)
            .se(cocreate_core::sem::SeMethod::Bootstrap)
            .bootstrap(12)
            .seed(3)
            .build()
            .unwrap();
        model.fit(&data, &o).unwrap()
    };
    let (a, b) = (boot(Missing::Ml), boot(Missing::Listwise));
    let (da, db) = (&a.bootstrap().unwrap().draws, &b.bootstrap().unwrap().draws);
    assert_eq!(da.shape(), db.shape());
    assert!((da - db).amax() < 1e-5, "{}", (da - db).amax());
}

#[test]
fn fiml_with_groups_keeps_incomplete_rows_and_drops_rows_without_a_group() {
    let data = hs("hs_missing.csv");
    // The school of every row, blank in the first three.
    let mut labels: Vec<Option<String>> = (0..data.n_rows())
        .map(|r| data.text("school").map(|t| t[r].clone()))
        .collect();
    for l in labels.iter_mut().take(3) {
        *l = None;
    }
    let model = Model::parse("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6").unwrap();
    let fit = model
        .fit_with_group_labels(
            &data,
            &labels,
            &hs_options(Estimator::Ml, Missing::Ml, false),
        )
        .unwrap();
    assert_eq!(fit.n_used(), data.n_rows() - 3);
    assert!(fit
        .warnings()
        .iter()
        .any(|w| w.to_string().contains("group column")));
}

#[test]
fn mlr_hs_configural_matches_lavaan() {
    let fit = hs_case(
        "mg_mlr_hs_school_configural",
        Estimator::Mlr,
        Missing::Listwise,
        false,
    );
    // Each group's part of the scaled test, as lavaan's summary prints it (its
    // `stat.group` of the yuan.bentler.mplus test: 67.578 and 54.162).
    let r = common::reference("ext/mg_mlr_hs_school_configural");
    let summary = fit.summary();
    let scaled = summary
        .split("Test statistic for each group (scaled):\n")
        .nth(1)
        .expect("the groups' scaled statistics");
    for (line, label) in scaled.lines().zip(["Pasteur", "Grant-White"]) {
        let want = r["chisq_per_group"]["yuan.bentler.mplus"][label]
            .as_f64()
            .unwrap();
        assert!(line.contains(label), "{line}");
        assert!(line.ends_with(&format!("{want:.3}")), "{line} vs {want}");
    }
}

#[test]
fn mlr_hs_metric_matches_lavaan() {
    hs_case(
        "mg_mlr_hs_school_metric",
        Estimator::Mlr,
        Missing::Listwise,
        true,
    );
}

#[test]
fn mlm_hs_configural_matches_lavaan() {
    hs_case(
        "mg_mlm_hs_school_configural",
        Estimator::Mlm,
        Missing::Listwise,
        false,
    );
}

#[test]
fn mlm_hs_metric_matches_lavaan() {
    hs_case(
        "mg_mlm_hs_school_metric",
        Estimator::Mlm,
        Missing::Listwise,
        true,
    );
}

#[test]
fn mlr_path_by_gender_matches_lavaan() {
    let r = common::reference("ext/mg_mlr_path_gender_regressions");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder()
        .group("gender")
        .group_equal([GroupEqual::Regressions])
        .estimator(Estimator::Mlr)
        .build()
        .unwrap();
    let data = common::composites_by_gender(&|g| g == 1.0 || g == 2.0);
    let fit = model.fit(&data, &opts).unwrap();
    let max = compare(&fit, &r);
    println!("mg_mlr_path_gender_regressions: largest difference {max:e}");
}

/// `lavTestLRT(configural, metric)` of every estimator: the scaled difference of
/// Satorra & Bentler (2001) for MLM and MLR, the plain one for FIML.
#[test]
fn lrt_of_configural_and_metric_matches_lavaan_for_every_estimator() {
    use cocreate_core::sem::lav_test_lrt;
    let r = common::reference("ext/mg_estimators_lrt");
    let model = Model::parse(
        common::reference("ext/mg_mlr_hs_school_configural")["syntax"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    for (key, file, estimator, missing) in [
        ("fiml", "hs_missing.csv", Estimator::Ml, Missing::Ml),
        ("mlr_fiml", "hs_missing.csv", Estimator::Mlr, Missing::Ml),
        (
            "mlr",
            "HolzingerSwineford1939.csv",
            Estimator::Mlr,
            Missing::Listwise,
        ),
        (
            "mlm",
            "HolzingerSwineford1939.csv",
            Estimator::Mlm,
            Missing::Listwise,
        ),
    ] {
        let data = hs(file);
        let configural = model
            .fit(&data, &hs_options(estimator, missing, false))
            .unwrap();
        let metric = model
            .fit(&data, &hs_options(estimator, missing, true))
            .unwrap();
        let t = lav_test_lrt(&[("configural", &configural), ("metric", &metric)]).unwrap();
        let want = &r["lrt"][key][1];
        let got = &t.rows[1];
        let mut max = 0.0f64;
        check(
            &format!("{key} Chisq"),
            Some(got.chisq),
            &want["Chisq"],
            true,
            REL,
            &mut max,
        );
        check(
            &format!("{key} Chisq diff"),
            got.chisq_diff,
            &want["Chisq diff"],
            true,
            REL,
            &mut max,
        );
        check(
            &format!("{key} Df diff"),
            got.df_diff,
            &want["Df diff"],
            false,
            TOL,
            &mut max,
        );
        check(
            &format!("{key} p"),
            got.pvalue,
            &want["Pr(>Chisq)"],
            false,
            TOL,
            &mut max,
        );
        check(
            &format!("{key} AIC"),
            Some(got.aic),
            &want["AIC"],
            true,
            REL,
            &mut max,
        );
        println!("lrt {key}: largest difference {max:e}");
    }
}

#[test]
fn mlr_lrt_of_the_path_model_by_gender_matches_lavaan() {
    use cocreate_core::sem::lav_test_lrt;
    let r = common::reference("ext/mg_estimators_lrt");
    let syntax = common::reference("ext/mg_mlr_path_gender_regressions")["syntax"]
        .as_str()
        .unwrap()
        .to_string();
    let model = Model::parse(&syntax).unwrap();
    let data = common::composites_by_gender(&|g| g == 1.0 || g == 2.0);
    let fit = |equal: &[GroupEqual]| {
        let o = SemOptions::builder()
            .group("gender")
            .group_equal(equal.iter().copied())
            .estimator(Estimator::Mlr)
            .build()
            .unwrap();
        model.fit(&data, &o).unwrap()
    };
    let (free, regressions) = (fit(&[]), fit(&[GroupEqual::Regressions]));
    let t = lav_test_lrt(&[("free", &free), ("regressions", &regressions)]).unwrap();
    let want = &r["lrt"]["mlr_path_gender"][1];
    let mut max = 0.0f64;
    check(
        "Chisq diff",
        t.rows[1].chisq_diff,
        &want["Chisq diff"],
        true,
        REL,
        &mut max,
    );
    check(
        "p",
        t.rows[1].pvalue,
        &want["Pr(>Chisq)"],
        false,
        TOL,
        &mut max,
    );
    println!("lrt mlr path by gender: largest difference {max:e}");
}

#[test]
fn mlr_fiml_hs_configural_matches_lavaan() {
    let fit = hs_case(
        "mg_mlr_fiml_hs_school_configural",
        Estimator::Mlr,
        Missing::Ml,
        false,
    );
    assert!(fit.robust().is_some());
}

#[test]
fn mlr_fiml_hs_metric_matches_lavaan() {
    hs_case(
        "mg_mlr_fiml_hs_school_metric",
        Estimator::Mlr,
        Missing::Ml,
        true,
    );
}

/// The path model by gender with missing cells, fixed covariates and equal regressions:
/// `missing = ml` (rows with a missing covariate dropped) and `ml.x` (kept).
#[test]
fn mlr_fiml_path_by_gender_matches_lavaan() {
    let data = common::with_gender("composites_missing.csv", &|g| g == 1.0 || g == 2.0);
    for (name, missing) in [
        ("mg_mlr_fiml_path_gender_ml", Missing::Ml),
        ("mg_mlr_fiml_path_gender_mlx", Missing::MlX),
    ] {
        let r = common::reference(&format!("ext/{name}"));
        let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
        let opts = SemOptions::builder()
            .group("gender")
            .group_equal([GroupEqual::Regressions])
            .estimator(Estimator::Mlr)
            .missing(missing)
            .build()
            .unwrap();
        let fit = model.fit(&data, &opts).unwrap();
        let max = compare(&fit, &r);
        println!("{name}: largest difference {max:e}");
    }
}

/// The invariance sequence with FIML, MLM, MLR and MLR with FIML: its metric step is
/// lavaan's `lavTestLRT(configural, metric)` of the same estimator (scaled for the robust
/// ones).
#[test]
fn invariance_with_other_estimators_matches_lavaans_lrt() {
    use cocreate_core::sem::{measurement_invariance, InvarianceLevel, InvarianceOptions};
    let r = common::reference("ext/mg_estimators_lrt");
    let model = Model::parse(
        common::reference("ext/mg_mlr_hs_school_configural")["syntax"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let through = InvarianceOptions::builder()
        .through(InvarianceLevel::Metric)
        .build()
        .unwrap();
    for (key, file, estimator, missing) in [
        ("fiml", "hs_missing.csv", Estimator::Ml, Missing::Ml),
        (
            "mlr",
            "HolzingerSwineford1939.csv",
            Estimator::Mlr,
            Missing::Listwise,
        ),
        (
            "mlm",
            "HolzingerSwineford1939.csv",
            Estimator::Mlm,
            Missing::Listwise,
        ),
        ("mlr_fiml", "hs_missing.csv", Estimator::Mlr, Missing::Ml),
    ] {
        let opts = hs_options(estimator, missing, false);
        let report = measurement_invariance(&model, &hs(file), &opts, &through).unwrap();
        assert_eq!(report.steps.len(), 2, "{key}");
        let metric = &report.steps[1];
        let want = &r["lrt"][key][1];
        let mut max = 0.0f64;
        check(
            &format!("{key} Chisq diff"),
            metric.chisq_diff,
            &want["Chisq diff"],
            true,
            REL,
            &mut max,
        );
        check(
            &format!("{key} p"),
            metric.pvalue,
            &want["Pr(>Chisq)"],
            false,
            TOL,
            &mut max,
        );
    }
}

//! Every number of lavaan 0.6-14's output on the five reference models, to 1e-4.

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{Model, Op, SemFit, SemOptions};
use serde_json::Value;

const TOL: f64 = 1e-4;

fn fit_reference(name: &str, data: &Table) -> (SemFit, Value) {
    let r = common::reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model.fit(data, &SemOptions::default()).unwrap();
    (fit, r)
}

fn close(what: &str, got: Option<f64>, want: &Value, max: &mut f64) {
    // z statistics are ratios: lavaan's own optimum is ~1e-5 short, so a large z carries
    // that error scaled up; compare z relative to its size.
    common::check_close(what, got, want, common::diff_for(what), TOL, max);
}

/// Compares estimates, SEs, z, p, CIs, std.lv, std.all, std.nox, the standardised
/// solution, R², and every fit index; returns the largest difference.
fn compare(fit: &SemFit, r: &Value) -> f64 {
    let mut max = 0.0f64;
    assert_eq!(fit.n_used() as u64, r["n_used"].as_u64().unwrap());
    assert_eq!(fit.fit_measures().npar as u64, r["npar"].as_u64().unwrap());
    let pe = r["parameter_estimates"].as_array().unwrap();
    // Same rows, same order.
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    for (got, e) in fit.parameter_estimates().iter().zip(pe) {
        let (lhs, op, rhs) = (
            e["lhs"].as_str().unwrap(),
            e["op"].as_str().unwrap(),
            e["rhs"].as_str().unwrap(),
        );
        assert_eq!(
            (got.lhs.as_str(), got.op.as_str(), got.rhs.as_str()),
            (lhs, op, rhs)
        );
        let id = format!("{lhs} {op} {rhs}");
        close(&format!("{id} est"), Some(got.est), &e["est"], &mut max);
        close(&format!("{id} se"), got.se, &e["se"], &mut max);
        close(&format!("{id} z"), got.z, &e["z"], &mut max);
        close(&format!("{id} pvalue"), got.pvalue, &e["pvalue"], &mut max);
        close(
            &format!("{id} ci.lower"),
            Some(got.ci_lower),
            &e["ci.lower"],
            &mut max,
        );
        close(
            &format!("{id} ci.upper"),
            Some(got.ci_upper),
            &e["ci.upper"],
            &mut max,
        );
        close(
            &format!("{id} std.lv"),
            Some(got.std_lv),
            &e["std.lv"],
            &mut max,
        );
        close(
            &format!("{id} std.all"),
            Some(got.std_all),
            &e["std.all"],
            &mut max,
        );
        close(
            &format!("{id} std.nox"),
            Some(got.std_nox),
            &e["std.nox"],
            &mut max,
        );
        if let Some(l) = e.get("label").and_then(|l| l.as_str()) {
            assert_eq!(got.label, l);
        }
    }
    let ss = r["standardized_solution"].as_array().unwrap();
    for e in ss {
        let op = Op::from_str_op(e["op"].as_str().unwrap()).unwrap();
        let got = fit
            .standardized_solution()
            .iter()
            .find(|s| {
                s.op == op
                    && s.lhs == e["lhs"].as_str().unwrap()
                    && s.rhs == e["rhs"].as_str().unwrap()
            })
            .unwrap();
        let id = format!("std {} {} {}", got.lhs, got.op, got.rhs);
        close(
            &format!("{id} est"),
            Some(got.est_std),
            &e["est.std"],
            &mut max,
        );
        close(&format!("{id} se"), got.se, &e["se"], &mut max);
        close(&format!("{id} z"), got.z, &e["z"], &mut max);
        close(&format!("{id} p"), got.pvalue, &e["pvalue"], &mut max);
        close(
            &format!("{id} lo"),
            Some(got.ci_lower),
            &e["ci.lower"],
            &mut max,
        );
        close(
            &format!("{id} hi"),
            Some(got.ci_upper),
            &e["ci.upper"],
            &mut max,
        );
    }
    let r2 = r["r2"].as_object().unwrap();
    assert_eq!(fit.r_squared().len(), r2.len());
    for (name, v) in fit.r_squared() {
        close(&format!("r2 {name}"), Some(*v), &r2[name], &mut max);
    }
    let fm = fit.fit_measures();
    let f = &r["fit_all"];
    let pairs: Vec<(&str, Option<f64>)> = vec![
        ("chisq", Some(fm.chisq)),
        ("df", Some(fm.df)),
        ("pvalue", fm.pvalue),
        ("fmin", Some(fm.fmin)),
        ("baseline.chisq", Some(fm.baseline_chisq)),
        ("baseline.df", Some(fm.baseline_df)),
        ("baseline.pvalue", fm.baseline_pvalue),
        ("cfi", Some(fm.cfi)),
        ("tli", Some(fm.tli)),
        ("nfi", Some(fm.nfi)),
        ("rfi", Some(fm.rfi)),
        ("ifi", Some(fm.ifi)),
        ("rni", Some(fm.rni)),
        ("pnfi", Some(fm.pnfi)),
        ("logl", Some(fm.logl)),
        ("unrestricted.logl", Some(fm.unrestricted_logl)),
        ("aic", Some(fm.aic)),
        ("bic", Some(fm.bic)),
        ("bic2", Some(fm.bic2)),
        ("rmsea", Some(fm.rmsea)),
        ("rmsea.ci.lower", Some(fm.rmsea_ci_lower)),
        ("rmsea.ci.upper", Some(fm.rmsea_ci_upper)),
        ("rmsea.pvalue", fm.rmsea_pvalue),
        ("rmsea.notclose.pvalue", fm.rmsea_notclose_pvalue),
        ("rmr", Some(fm.rmr)),
        ("srmr", Some(fm.srmr)),
        ("srmr_mplus", Some(fm.srmr_mplus)),
        ("crmr", Some(fm.crmr)),
        ("mfi", Some(fm.mfi)),
        ("ecvi", Some(fm.ecvi)),
        ("cn_05", fm.cn_05),
        ("cn_01", fm.cn_01),
    ];
    for (k, v) in pairs {
        // Relative tolerance for the large information criteria and critical N.
        let want = &f[k];
        match (v, want.as_f64()) {
            (Some(g), Some(w)) if w.abs() > 100.0 => {
                let d = (g - w).abs();
                assert!(
                    d <= TOL * w.abs().max(1.0) / 100.0 || d <= TOL,
                    "fit {k}: {g} vs {w}"
                );
                max = max.max(d.min(d / w.abs()));
            }
            _ => close(&format!("fit {k}"), v, want, &mut max),
        }
    }
    // The `fit` block of the example's JSON keys.
    for k in [
        "chisq",
        "df",
        "cfi",
        "tli",
        "rmsea",
        "rmsea.ci.lower",
        "rmsea.ci.upper",
        "srmr",
    ] {
        assert!(r["fit"][k].as_f64().is_some());
    }
    max
}

#[test]
fn pd_sem_matches_lavaan() {
    let (fit, r) = fit_reference("pd_sem", &common::table("PoliticalDemocracy.csv"));
    let max = compare(&fit, &r);
    assert!(fit.fit_measures().gfi > 0.0);
    close(
        "gfi",
        Some(fit.fit_measures().gfi),
        &r["fit_all"]["gfi"],
        &mut 0.0,
    );
    close(
        "agfi",
        Some(fit.fit_measures().agfi),
        &r["fit_all"]["agfi"],
        &mut 0.0,
    );
    close(
        "pgfi",
        Some(fit.fit_measures().pgfi),
        &r["fit_all"]["pgfi"],
        &mut 0.0,
    );
    println!("pd_sem max difference {max:e}");
}

#[test]
fn hs_cfa_matches_lavaan() {
    let (fit, r) = fit_reference("hs_cfa", &common::table("HolzingerSwineford1939.csv"));
    let max = compare(&fit, &r);
    println!("hs_cfa max difference {max:e}");
}

#[test]
fn cocreation_path_matches_lavaan() {
    let (fit, r) = fit_reference(
        "cocreation_path",
        &common::table("cocreation_composites.csv"),
    );
    let max = compare(&fit, &r);
    println!("cocreation_path max difference {max:e}");
    // Fixed covariates: se 0, no z, CI collapsed.
    let oc = fit.get("O", Op::Covariance, "C").unwrap();
    assert!(oc.exo && oc.se == Some(0.0) && oc.z.is_none() && oc.ci_lower == oc.est);
}

#[test]
fn cocreation_path_rescov_matches_lavaan() {
    let (fit, r) = fit_reference(
        "cocreation_path_rescov",
        &common::table("cocreation_composites.csv"),
    );
    let max = compare(&fit, &r);
    assert_eq!(fit.fit_measures().df, 0.0);
    println!("cocreation_path_rescov max difference {max:e}");
}

#[test]
fn cocreation_sem_matches_lavaan() {
    let (fit, r) = fit_reference("cocreation_sem", &common::keyed_survey());
    let max = compare(&fit, &r);
    println!("cocreation_sem max difference {max:e}");
}

#[test]
fn fixed_x_off_gives_the_same_regressions() {
    let r = common::reference("cocreation_path");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder().fixed_x(false).build().unwrap();
    let fit = model
        .fit(&common::table("cocreation_composites.csv"), &opts)
        .unwrap();
    // The 15 covariate moments become free parameters; df and the estimates do not change.
    assert_eq!(fit.fit_measures().npar, 35);
    assert_eq!(fit.fit_measures().df, 1.0);
    for e in r["parameter_estimates"].as_array().unwrap() {
        if e["op"] != "~" && e["op"] != ":=" {
            continue;
        }
        let got = fit.by_label(e["label"].as_str().unwrap()).unwrap();
        assert!((got.est - e["est"].as_f64().unwrap()).abs() < 1e-6);
        assert!((got.se.unwrap() - e["se"].as_f64().unwrap()).abs() < 1e-6);
    }
    let oc = fit.get("O", Op::Covariance, "C").unwrap();
    assert!(oc.free.is_some() && oc.se.unwrap() > 0.0);
}

#[test]
fn std_lv_identification_matches_the_std_lv_column() {
    let r = common::reference("hs_cfa");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder().std_lv(true).build().unwrap();
    let fit = model
        .fit(&common::table("HolzingerSwineford1939.csv"), &opts)
        .unwrap();
    assert!((fit.fit_measures().chisq - r["fit"]["chisq"].as_f64().unwrap()).abs() < 1e-4);
    for e in r["parameter_estimates"].as_array().unwrap() {
        let op = Op::from_str_op(e["op"].as_str().unwrap()).unwrap();
        let got = fit
            .get(e["lhs"].as_str().unwrap(), op, e["rhs"].as_str().unwrap())
            .unwrap();
        assert!(
            (got.est - e["std.lv"].as_f64().unwrap()).abs() < 1e-4,
            "{} {} {}",
            got.lhs,
            got.op,
            got.rhs
        );
    }
    assert!(fit
        .get("visual", Op::Covariance, "visual")
        .unwrap()
        .free
        .is_none());
}

#[test]
fn meanstructure_on_complete_data_adds_free_intercepts() {
    let r = common::reference("pd_sem");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let data = common::table("PoliticalDemocracy.csv");
    let opts = SemOptions::builder()
        .meanstructure(cocreate_core::sem::MeanStructure::On)
        .build()
        .unwrap();
    let fit = model.fit(&data, &opts).unwrap();
    let mut max = 0.0f64;
    for e in r["parameter_estimates"].as_array().unwrap() {
        let op = Op::from_str_op(e["op"].as_str().unwrap()).unwrap();
        let got = fit
            .get(e["lhs"].as_str().unwrap(), op, e["rhs"].as_str().unwrap())
            .unwrap();
        max = max.max((got.est - e["est"].as_f64().unwrap()).abs());
        max = max.max((got.se.unwrap() - e["se"].as_f64().unwrap()).abs());
    }
    assert!(max < 1e-4, "{max}");
    // Intercepts equal the sample means; the latent means are fixed at 0.
    let y1 = fit.get("y1", Op::Intercept, "").unwrap();
    assert!(
        (y1.est - fit.sample_mean()[fit.observed().iter().position(|v| v == "y1").unwrap()]).abs()
            < 1e-8
    );
    assert!(fit.get("dem60", Op::Intercept, "").unwrap().free.is_none());
    assert!((fit.fit_measures().chisq - r["fit"]["chisq"].as_f64().unwrap()).abs() < 1e-4);
    assert_eq!(fit.implied_mean().unwrap().len(), 11);
}

#[test]
fn gfi_family_matches_lavaan_with_and_without_fixed_covariates() {
    for (name, data) in [
        ("pd_sem", common::table("PoliticalDemocracy.csv")),
        ("hs_cfa", common::table("HolzingerSwineford1939.csv")),
        (
            "cocreation_path",
            common::table("cocreation_composites.csv"),
        ),
        ("cocreation_sem", common::keyed_survey()),
    ] {
        let (fit, r) = fit_reference(name, &data);
        let fm = fit.fit_measures();
        for (k, v) in [("gfi", fm.gfi), ("agfi", fm.agfi), ("pgfi", fm.pgfi)] {
            let w = r["fit_all"][k].as_f64().unwrap();
            assert!((v - w).abs() < TOL, "{name} {k}: {v} vs {w}");
        }
    }
}

#[test]
fn second_order_factor_with_three_factors_is_equivalent_to_the_cfa() {
    let r = common::reference("hs_cfa");
    let syntax = format!(
        "{}\ng =~ visual + textual + speed",
        r["syntax"].as_str().unwrap()
    );
    let fit = Model::parse(&syntax)
        .unwrap()
        .fit(
            &common::table("HolzingerSwineford1939.csv"),
            &SemOptions::default(),
        )
        .unwrap();
    // Three first-order factors: the second-order part is just identified.
    assert_eq!(fit.fit_measures().df, 24.0);
    assert!((fit.fit_measures().chisq - r["fit"]["chisq"].as_f64().unwrap()).abs() < 1e-4);
    let l = fit.get("visual", Op::MeasuredBy, "x2").unwrap();
    assert!((l.est - 0.5535).abs() < 1e-3);
}

#[test]
fn non_recursive_models_are_estimated() {
    // y1 and y2 affect each other; x1 and x2 are instruments.
    let t = common::table("PoliticalDemocracy.csv");
    let fit = Model::parse("y1 ~ y2 + x1\ny2 ~ y1 + x2")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap();
    assert_eq!(fit.fit_measures().df, 1.0);
    // With correlated disturbances the model is just identified and reproduces S.
    let fit = Model::parse("y1 ~ y2 + x1\ny2 ~ y1 + x2\ny1 ~~ y2")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap();
    assert_eq!(fit.fit_measures().df, 0.0);
    assert!((fit.implied_cov() - fit.sample_cov()).amax() < 1e-8);
    assert!(fit.convergence().converged);
}

#[test]
fn std_lv_delta_method_equals_the_std_lv_parameterisation() {
    // The std.lv solution of the marker fit is a one-to-one reparameterisation: its delta-
    // method SEs must equal the SEs of the fit identified by std.lv = TRUE.
    let r = common::reference("hs_cfa");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let data = common::table("HolzingerSwineford1939.csv");
    let marker = model.fit(&data, &SemOptions::default()).unwrap();
    let stdlv = model
        .fit(&data, &SemOptions::builder().std_lv(true).build().unwrap())
        .unwrap();
    for (s, e) in marker
        .standardized_solution_lv()
        .iter()
        .zip(stdlv.parameter_estimates())
    {
        assert_eq!((&s.lhs, s.op, &s.rhs), (&e.lhs, e.op, &e.rhs));
        assert!(
            (s.est_std - e.est).abs() < 1e-7,
            "{} {} {}",
            s.lhs,
            s.op,
            s.rhs
        );
        let (a, b) = (s.se.unwrap(), e.se.unwrap());
        assert!(
            (a - b).abs() < 1e-6,
            "{} {} {}: {a} vs {b}",
            s.lhs,
            s.op,
            s.rhs
        );
    }
}

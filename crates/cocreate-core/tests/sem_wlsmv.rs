//! WLSMV (ordered indicators) against lavaan 0.6-14: the 8-factor co-creation CFA with all
//! 36 items ordered (`tests/data/ext/ordinal_cocreation_cfa_wlsmv.json`).

mod common;

use cocreate_core::ordinal::Ordered;
use cocreate_core::sem::{Estimator, Model, Op, SemError, SemOptions};
use common::{keyed_survey, reference};
use serde_json::Value;

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn op_of(s: &str) -> Op {
    Op::from_str_op(s).unwrap()
}

fn cfa() -> (Model, SemOptions) {
    let r = reference("ext/ordinal_cocreation_cfa_wlsmv");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    (model, options)
}

#[test]
fn cocreation_cfa_matches_lavaan_wlsmv() {
    let r = reference("ext/ordinal_cocreation_cfa_wlsmv");
    let (model, options) = cfa();
    assert_eq!(options.estimator(), Estimator::Wlsmv);
    let fit = model.fit(&keyed_survey(), &options).unwrap();
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    let (mut d_est, mut d_se, mut d_std) = (0.0f64, 0.0f64, 0.0f64);
    let mut worst = String::new();
    for row in pe {
        let (lhs, op, rhs) = (
            row["lhs"].as_str().unwrap(),
            op_of(row["op"].as_str().unwrap()),
            row["rhs"].as_str().unwrap(),
        );
        let ours = fit
            .get(lhs, op, rhs)
            .unwrap_or_else(|| panic!("no row {lhs} {op} {rhs}"));
        let de = (ours.est - f(&row["est"]).unwrap()).abs();
        if de > d_est {
            d_est = de;
            worst = format!("{lhs} {op} {rhs}");
        }
        if let (Some(a), Some(b)) = (ours.se, f(&row["se"])) {
            if b > 0.0 && std::env::var("SE_RATIO").is_ok() {
                eprintln!("{lhs} {op} {rhs}: {}", a / b);
            }
            d_se = d_se.max((a - b).abs());
        }
        d_std = d_std.max((ours.std_all - f(&row["std.all"]).unwrap()).abs());
    }
    let fm = fit.fit_measures();
    let rf = fit.robust().unwrap();
    let fr = &r["fit_all"];
    let ts = &r["test"]["scaled.shifted"];
    let checks = [
        ("chisq", fm.chisq, f(&fr["chisq"])),
        ("df", fm.df, f(&fr["df"])),
        ("pvalue", fm.pvalue.unwrap(), f(&fr["pvalue"])),
        ("chisq.scaled", rf.chisq_scaled, f(&fr["chisq.scaled"])),
        (
            "pvalue.scaled",
            rf.pvalue_scaled.unwrap(),
            f(&fr["pvalue.scaled"]),
        ),
        (
            "chisq.scaling.factor",
            rf.chisq_scaling_factor,
            f(&fr["chisq.scaling.factor"]),
        ),
        (
            "shift.parameter",
            rf.shift_parameter.unwrap(),
            f(&ts["shift.parameter"]),
        ),
        ("trace.UGamma", rf.trace_ugamma, f(&ts["trace.UGamma"])),
        (
            "trace.UGamma2",
            rf.trace_ugamma2.unwrap(),
            f(&ts["trace.UGamma2"]),
        ),
        ("fmin", fm.fmin, f(&fr["fmin"])),
        (
            "baseline.chisq",
            fm.baseline_chisq,
            f(&fr["baseline.chisq"]),
        ),
        ("baseline.df", fm.baseline_df, f(&fr["baseline.df"])),
        (
            "baseline.chisq.scaled",
            rf.baseline_chisq_scaled,
            f(&fr["baseline.chisq.scaled"]),
        ),
        (
            "baseline.chisq.scaling.factor",
            rf.baseline_chisq_scaling_factor,
            f(&fr["baseline.chisq.scaling.factor"]),
        ),
        ("cfi", fm.cfi, f(&fr["cfi"])),
        ("tli", fm.tli, f(&fr["tli"])),
        ("nfi", fm.nfi, f(&fr["nfi"])),
        ("rfi", fm.rfi, f(&fr["rfi"])),
        ("ifi", fm.ifi, f(&fr["ifi"])),
        ("rni", fm.rni, f(&fr["rni"])),
        ("pnfi", fm.pnfi, f(&fr["pnfi"])),
        ("cfi.scaled", rf.cfi_scaled, f(&fr["cfi.scaled"])),
        ("tli.scaled", rf.tli_scaled, f(&fr["tli.scaled"])),
        ("cfi.robust", rf.cfi_robust, f(&fr["cfi.robust"])),
        ("tli.robust", rf.tli_robust, f(&fr["tli.robust"])),
        ("rmsea", fm.rmsea, f(&fr["rmsea"])),
        ("rmsea.scaled", rf.rmsea_scaled, f(&fr["rmsea.scaled"])),
        (
            "rmsea.ci.lower.scaled",
            rf.rmsea_ci_lower_scaled,
            f(&fr["rmsea.ci.lower.scaled"]),
        ),
        (
            "rmsea.ci.upper.scaled",
            rf.rmsea_ci_upper_scaled,
            f(&fr["rmsea.ci.upper.scaled"]),
        ),
        (
            "rmsea.pvalue.scaled",
            rf.rmsea_pvalue_scaled.unwrap(),
            f(&fr["rmsea.pvalue.scaled"]),
        ),
        ("rmsea.robust", rf.rmsea_robust, f(&fr["rmsea.robust"])),
        (
            "rmsea.ci.lower.robust",
            rf.rmsea_ci_lower_robust,
            f(&fr["rmsea.ci.lower.robust"]),
        ),
        (
            "rmsea.ci.upper.robust",
            rf.rmsea_ci_upper_robust,
            f(&fr["rmsea.ci.upper.robust"]),
        ),
        (
            "rmsea.pvalue.robust",
            rf.rmsea_pvalue_robust.unwrap(),
            f(&fr["rmsea.pvalue.robust"]),
        ),
        ("srmr", fm.srmr, f(&fr["srmr"])),
        ("rmr", fm.rmr, f(&fr["rmr"])),
        ("crmr", fm.crmr, f(&fr["crmr"])),
        ("gfi", fm.gfi, f(&fr["gfi"])),
        ("agfi", fm.agfi, f(&fr["agfi"])),
        ("pgfi", fm.pgfi, f(&fr["pgfi"])),
        ("mfi", fm.mfi, f(&fr["mfi"])),
        ("cn_05", fm.cn_05.unwrap(), f(&fr["cn_05"])),
        ("cn_01", fm.cn_01.unwrap(), f(&fr["cn_01"])),
    ];
    let mut worst_fit = (0.0f64, "");
    for (name, ours, theirs) in checks {
        let theirs = theirs.unwrap_or_else(|| panic!("{name} missing in the reference"));
        let d = if theirs.abs() > 1e-8 {
            ((ours - theirs) / theirs).abs()
        } else {
            (ours - theirs).abs()
        };
        if d > worst_fit.0 {
            worst_fit = (d, name);
        }
        assert!(d < 1e-4, "{name}: {ours} vs {theirs}");
    }
    assert_eq!(fm.npar, 208);
    // Standardised solution (est.std with delta-method SEs) and R² of the latent responses.
    let (mut d_ss, mut d_sse) = (0.0f64, 0.0f64);
    for row in r["standardized_solution"].as_array().unwrap() {
        let (lhs, op, rhs) = (
            row["lhs"].as_str().unwrap(),
            op_of(row["op"].as_str().unwrap()),
            row["rhs"].as_str().unwrap(),
        );
        let ours = fit
            .standardized_solution()
            .iter()
            .find(|s| s.lhs == lhs && s.op == op && s.rhs == rhs)
            .unwrap_or_else(|| panic!("no standardized row {lhs} {op} {rhs}"));
        d_ss = d_ss.max((ours.est_std - f(&row["est.std"]).unwrap()).abs());
        if let (Some(a), Some(b)) = (ours.se, f(&row["se"])) {
            d_sse = d_sse.max((a - b).abs());
        }
    }
    let mut d_r2 = 0.0f64;
    for (name, v) in fit.r_squared() {
        if let Some(theirs) = f(&r["r2"][name]) {
            d_r2 = d_r2.max((v - theirs).abs());
        }
    }
    eprintln!(
        "WLSMV 8-factor CFA: estimates {d_est:.1e} ({worst}), SEs {d_se:.1e}, std.all {d_std:.1e}; standardized solution {d_ss:.1e}, its SEs {d_sse:.1e}; R² {d_r2:.1e}; fit measures {:.1e} relative ({})",
        worst_fit.0, worst_fit.1
    );
    assert!(d_est < 1e-4, "estimates differ by {d_est:e} at {worst}");
    assert!(d_se < 1e-4, "standard errors differ by {d_se:e}");
    assert!(d_std < 1e-4 && d_ss < 1e-4 && d_sse < 1e-4 && d_r2 < 1e-4);
}

fn small() -> (Model, cocreate_core::data::Table) {
    let model =
        Model::parse("O =~ O1 + a*O2 + O3 + O4\nC =~ C1 + C2 + b*C3 + C4\nab := a*b").unwrap();
    let items = ["O1", "O2", "O3", "O4", "C1", "C2", "C3", "C4"];
    (model, keyed_survey().select(&items).unwrap())
}

#[test]
fn defined_parameters_and_the_summary() {
    let (model, data) = small();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    let fit = model.fit(&data, &options).unwrap();
    let (a, b) = (fit.by_label("a").unwrap(), fit.by_label("b").unwrap());
    let ab = fit.by_label("ab").unwrap();
    assert!((ab.est - a.est * b.est).abs() < 1e-12);
    assert!(ab.se.unwrap() > 0.0);
    // The latent responses have variance 1: residual variance + R² = 1.
    for (name, r2) in fit.r_squared() {
        if let Some(t) = fit.get(name, Op::Covariance, name) {
            assert!((t.est + r2 - 1.0).abs() < 1e-12, "{name}");
            assert_eq!(t.free, None);
        }
    }
    let text = fit.summary();
    assert!(text
        .lines()
        .any(|l| l.trim_start().starts_with("Estimator") && l.trim_end().ends_with("DWLS")));
    for needle in [
        "Thresholds:",
        "O1|t1",
        "Scales y*:",
        "Robust Model Test (Scaled and shifted)",
        "Shift parameter",
        "Robust.sem",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }
    assert!(!text.contains("Loglikelihood"));
    // A fit round-trips through JSON.
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(&fit).unwrap();
        let back: cocreate_core::sem::SemFit = serde_json::from_str(&json).unwrap();
        assert_eq!(back.parameter_estimates(), fit.parameter_estimates());
    }
}

#[test]
fn bootstrap_with_wlsmv() {
    let (model, data) = small();
    let options = SemOptions::builder()
        .ordered(Ordered::All)
        .se(cocreate_core::sem::SeMethod::Bootstrap)
        .bootstrap(40)
        .seed(11)
        .build()
        .unwrap();
    let fit = model.fit(&data, &options).unwrap();
    let boot = fit.bootstrap().unwrap();
    assert_eq!(boot.successful + boot.failed, 40);
    assert!(boot.successful >= 30);
    let robust = model
        .fit(
            &data,
            &SemOptions::builder().ordered(Ordered::All).build().unwrap(),
        )
        .unwrap();
    for (e, r) in fit
        .parameter_estimates()
        .iter()
        .zip(robust.parameter_estimates())
    {
        assert_eq!(e.est, r.est);
        if let (Some(bs), Some(rs)) = (e.se, r.se) {
            if rs > 0.0 {
                let ratio = bs / rs;
                assert!(
                    (0.5..2.0).contains(&ratio),
                    "{} {} {}: {ratio}",
                    e.lhs,
                    e.op,
                    e.rhs
                );
            }
        }
    }
    let again = model.fit(&data, &options).unwrap();
    assert_eq!(again.bootstrap().unwrap().draws, boot.draws);
}

#[test]
fn what_wlsmv_refuses() {
    use cocreate_core::sem::Missing;
    let err = SemOptions::builder()
        .ordered(Ordered::All)
        .missing(Missing::Ml)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("full-information ML is not available for ordered variables"),
        "{err}"
    );
    let err = SemOptions::builder()
        .estimator(Estimator::Wlsmv)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("WLSMV is for ordered"), "{err}");
    let err = SemOptions::builder()
        .ordered(Ordered::All)
        .estimator(Estimator::Mlr)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("ordered variables are fitted by WLSMV"),
        "{err}"
    );
    let (model, data) = small();
    // A continuous variable among ordered ones.
    let some = SemOptions::builder()
        .ordered(Ordered::only(["O1", "O2", "O3", "O4", "C1", "C2", "C3"]))
        .build()
        .unwrap();
    let err = model.fit(&data, &some).unwrap_err();
    assert!(matches!(err, SemError::OrderedUnsupported { .. }), "{err}");
    assert!(err.to_string().contains("C4"), "{err}");
    // An ordered predictor.
    let reg = Model::parse("O =~ O1 + O2 + O3\nO ~ C1").unwrap();
    let err = reg
        .fit(
            &data,
            &SemOptions::builder().ordered(Ordered::All).build().unwrap(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("predictors (C1)"), "{err}");
    // Intercepts written in the model.
    let int = Model::parse("O =~ O1 + O2 + O3\nO1 ~ 1").unwrap();
    let err = int
        .fit(
            &data,
            &SemOptions::builder().ordered(Ordered::All).build().unwrap(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("intercepts"), "{err}");
    // A fractional answer: the ordinal module's error, with its row and line.
    let frac = cocreate_core::data::Table::from_csv_reader(
        "x1,x2,x3\n1,2,3\n2,2.5,3\n3,1,2\n1,3,1\n".as_bytes(),
    )
    .unwrap();
    let err = Model::parse("f =~ x1 + x2 + x3")
        .unwrap()
        .fit(
            &frac,
            &SemOptions::builder().ordered(Ordered::All).build().unwrap(),
        )
        .unwrap_err();
    assert!(
        err.is_data_problem() && err.to_string().contains("row 2 (line 3)"),
        "{err}"
    );
}

/// Estimates, SEs, std.all and fit of a WLSMV fit against a reference written by
/// `ordinal_polychoric.R` (`parameter_estimates` and `fit`).
fn compare_with(name: &str, items: &[String], npar: usize) {
    let r = reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let data = keyed_survey().select(items).unwrap();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    let fit = model.fit(&data, &options).unwrap();
    let (mut d_est, mut d_se, mut d_std) = (0.0f64, 0.0f64, 0.0f64);
    for row in r["parameter_estimates"].as_array().unwrap() {
        let (lhs, op, rhs) = (
            row["lhs"].as_str().unwrap(),
            op_of(row["op"].as_str().unwrap()),
            row["rhs"].as_str().unwrap(),
        );
        let ours = if op == Op::Defined {
            fit.by_label(lhs)
        } else {
            fit.get(lhs, op, rhs)
        }
        .unwrap_or_else(|| panic!("no row {lhs} {op} {rhs}"));
        d_est = d_est.max((ours.est - f(&row["est"]).unwrap()).abs());
        if let (Some(a), Some(b)) = (ours.se, f(&row["se"])) {
            d_se = d_se.max((a - b).abs());
        }
        if let Some(b) = f(&row["std.all"]) {
            d_std = d_std.max((ours.std_all - b).abs());
        }
    }
    let fm = fit.fit_measures();
    let rf = fit.robust().unwrap();
    let fr = &r["fit"];
    let rel = |a: f64, name: &str| {
        let b = f(&fr[name]).unwrap();
        ((a - b) / b).abs()
    };
    let d_fit = [
        rel(fm.chisq, "chisq"),
        rel(rf.chisq_scaled, "chisq.scaled"),
        rel(rf.chisq_scaling_factor, "chisq.scaling.factor"),
        rel(rf.cfi_scaled, "cfi.scaled"),
        rel(rf.tli_scaled, "tli.scaled"),
        rel(rf.rmsea_scaled, "rmsea.scaled"),
        rel(rf.cfi_robust, "cfi.robust"),
        rel(rf.rmsea_robust, "rmsea.robust"),
        rel(fm.srmr, "srmr"),
    ]
    .into_iter()
    .fold(0.0f64, f64::max);
    eprintln!(
        "{name}: estimates {d_est:.1e}, SEs {d_se:.1e}, std.all {d_std:.1e}, fit {d_fit:.1e} relative"
    );
    assert_eq!(fm.npar, npar);
    assert!(d_est < 1e-4 && d_se < 1e-4 && d_std < 1e-4 && d_fit < 1e-4);
}

/// A structural model with ordered indicators: latent regressions, a residual covariance
/// between two items and defined effects.
#[test]
fn structural_model_matches_lavaan_wlsmv() {
    let items: Vec<String> = (1..=5)
        .map(|i| format!("O{i}"))
        .chain((1..=6).map(|i| format!("II{i}")))
        .chain((1..=3).map(|i| format!("WTC{i}")))
        .collect();
    compare_with("ordinal/wlsmv_sem", &items, 74);
}

/// The bundled co-creation SEM (8 factors, 36 ordered items, structural paths and 20
/// defined effects).
#[test]
fn cocreation_sem_matches_lavaan_wlsmv() {
    let items: Vec<String> = ITEMS.iter().map(|s| s.to_string()).collect();
    compare_with("ordinal/wlsmv_cocreation_sem", &items, 207);
}

const ITEMS: [&str; 36] = [
    "O1", "O2", "O3", "O4", "O5", "C1", "C2", "C3", "C4", "C5", "E1", "E2", "E3", "E4", "E5", "A1",
    "A2", "A3", "A4", "N1", "N2", "N3", "N4", "II1", "II2", "II3", "II4", "II5", "II6", "EI1",
    "EI2", "EI3", "EI4", "WTC1", "WTC2", "WTC3",
];

/// What a WLSMV fit does not offer is refused with a sentence that says so, never computed
/// as if the items were continuous: modification indices, factor scores, the validity
/// report; a name declared ordered that the data lacks is named.
#[test]
fn features_not_available_with_wlsmv_are_refused() {
    use cocreate_core::sem::{
        factor_scores, measurement_validity, FactorScoreError, FactorScoreOptions, ValidityError,
    };
    let (model, data) = small();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    let fit = model.fit(&data, &options).unwrap();
    let err = fit.modification_indices().unwrap_err();
    assert!(
        matches!(err, SemError::IncompatibleOptions { .. })
            && err.to_string().contains("modification indices")
            && err.to_string().contains("WLSMV"),
        "{err}"
    );
    let err = factor_scores(&fit, &data, &FactorScoreOptions::default()).unwrap_err();
    assert!(matches!(err, FactorScoreError::OrderedIndicators), "{err}");
    let err = measurement_validity(&fit).unwrap_err();
    assert!(matches!(err, ValidityError::OrderedIndicators), "{err}");
    assert!(err.to_string().contains("ordinal_reliability"), "{err}");
    // A typo among the ordered names.
    let typo = SemOptions::builder()
        .ordered(Ordered::only([
            "O1", "O2", "O3", "O4", "C1", "C2", "C3", "C4", "C9",
        ]))
        .build()
        .unwrap();
    let err = model.fit(&data, &typo).unwrap_err();
    assert!(
        err.is_data_problem() && err.to_string().contains("\"C9\""),
        "{err}"
    );
    // Names of the data that the model does not use may be declared ordered.
    let wider = keyed_survey()
        .select(&["O1", "O2", "O3", "O4", "C1", "C2", "C3", "C4", "C5"])
        .unwrap();
    let extra = SemOptions::builder()
        .ordered(Ordered::only([
            "O1", "O2", "O3", "O4", "C1", "C2", "C3", "C4", "C5",
        ]))
        .build()
        .unwrap();
    let other = model.fit(&wider, &extra).unwrap();
    assert_eq!(other.parameter_estimates(), fit.parameter_estimates());
}

/// A category nobody chose: the observed values are the categories, as in lavaan, and the
/// fit says so in its warnings (and its summary) rather than merging them without a word.
#[test]
fn an_unchosen_category_is_reported() {
    use cocreate_core::ordinal::OrdinalWarning;
    use cocreate_core::sem::SemWarning;
    let (model, data) = small();
    let names: Vec<String> = data.names().to_vec();
    let p = names.len();
    let o1 = names.iter().position(|n| n == "O1").unwrap();
    // O1's answers of 3 become 2: nobody chose 3.
    let rows: Vec<Vec<Option<f64>>> = data
        .values()
        .chunks(p)
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(j, &v)| Some(if j == o1 && v == 3.0 { 2.0 } else { v }))
                .collect()
        })
        .collect();
    let gap = cocreate_core::data::Table::new(names, rows).unwrap();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    let fit = model.fit(&gap, &options).unwrap();
    assert!(fit.warnings().iter().any(|w| matches!(
        w,
        SemWarning::Ordinal(OrdinalWarning::UnusedCategories { variable, categories: 4, .. })
            if variable == "O1"
    )));
    assert_eq!(
        fit.parameter_estimates()
            .iter()
            .filter(|r| r.lhs == "O1" && r.op == Op::Threshold)
            .count(),
        3
    );
    assert!(fit
        .summary()
        .contains("no respondent chose a value between 2 and 4"));
}

#[test]
fn general_constraints_with_ordered_items_are_refused_not_dropped() {
    let (_, data) = small();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    for extra in ["a == 2*b", "a > 0.5", "a + b == 1"] {
        let model = Model::parse(&format!(
            "O =~ O1 + a*O2 + O3 + O4\nC =~ C1 + C2 + b*C3 + C4\n{extra}"
        ))
        .unwrap();
        let err = model.fit(&data, &options).unwrap_err();
        assert!(
            matches!(err, SemError::OrderedUnsupported { .. })
                && err.to_string().contains("general constraint"),
            "{extra}: {err}"
        );
    }
    // A simple equality is a shared label and stays supported.
    let model = Model::parse("O =~ O1 + a*O2 + O3 + O4\nC =~ C1 + C2 + b*C3 + C4\na == b").unwrap();
    let fit = model.fit(&data, &options).unwrap();
    let (a, b) = (fit.by_label("a").unwrap(), fit.by_label("b").unwrap());
    assert_eq!(a.est, b.est);
}

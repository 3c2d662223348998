//! Models whose intercepts are not all free (latent growth curves, equal and fixed
//! intercepts) and `missing = "ml.x"`, against lavaan 0.6-14 (references made by
//! `docs/reference-scripts/growth_means.R`).

mod common;

use cocreate_core::sem::{MeanStructure, Model, SemFit, SemOptions};
use serde_json::Value;

const TOL: f64 = 1e-4;

/// Estimates and SEs row by row (same rows, same order) and the main fit indices; returns
/// the largest difference.
fn compare(fit: &SemFit, r: &Value, skip: &[&str]) -> f64 {
    let mut max = 0.0f64;
    let mut check = |what: String, got: Option<f64>, want: &Value, rel: bool| {
        let diff = if rel {
            common::Diff::Relative
        } else {
            common::Diff::Absolute
        };
        common::check_close(&what, got, want, diff, TOL, &mut max);
    };
    assert_eq!(fit.n_used() as u64, r["n_used"].as_u64().unwrap());
    assert_eq!(fit.fit_measures().npar as u64, r["npar"].as_u64().unwrap());
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    for (got, e) in fit.parameter_estimates().iter().zip(pe) {
        let id = format!("{} {} {}", got.lhs, got.op.as_str(), got.rhs);
        assert_eq!(
            (got.lhs.as_str(), got.op.as_str(), got.rhs.as_str()),
            (
                e["lhs"].as_str().unwrap(),
                e["op"].as_str().unwrap(),
                e["rhs"].as_str().unwrap()
            )
        );
        check(format!("{id} est"), Some(got.est), &e["est"], false);
        check(format!("{id} se"), got.se, &e["se"], false);
        check(
            format!("{id} std.all"),
            Some(got.std_all),
            &e["std.all"],
            false,
        );
    }
    let fm = fit.fit_measures();
    let f = &r["fit_all"];
    for (k, v, rel) in [
        ("chisq", fm.chisq, true),
        ("df", fm.df, false),
        ("cfi", fm.cfi, false),
        ("tli", fm.tli, false),
        ("rmsea", fm.rmsea, false),
        ("srmr", fm.srmr, false),
        ("baseline.chisq", fm.baseline_chisq, true),
        ("logl", fm.logl, true),
        ("unrestricted.logl", fm.unrestricted_logl, true),
        ("aic", fm.aic, true),
        ("bic", fm.bic, true),
        // With a mean structure lavaan counts the mean residuals in these too.
        ("rmr", fm.rmr, false),
        ("srmr_mplus", fm.srmr_mplus, false),
        ("crmr", fm.crmr, false),
        ("gfi", fm.gfi, false),
        ("agfi", fm.agfi, false),
        ("pgfi", fm.pgfi, false),
    ] {
        if skip.contains(&k) {
            continue;
        }
        check(format!("fit {k}"), Some(v), &f[k], rel);
    }
    max
}

fn fit_with(name: &str, data: &str, opts: &SemOptions) -> f64 {
    fit_skipping(name, data, opts, &[])
}

fn fit_skipping(name: &str, data: &str, opts: &SemOptions, skip: &[&str]) -> f64 {
    let r = common::reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model.fit(&common::table(data), opts).unwrap();
    assert!(fit.convergence().converged);
    compare(&fit, &r, skip)
}

fn meanstructure() -> SemOptions {
    SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .unwrap()
}

#[test]
fn linear_growth_matches_lavaan_growth() {
    let d = fit_with("growth_linear", "demo_growth.csv", &SemOptions::growth());
    println!("growth_linear: largest difference {d:e}");
    // The χ² the issue reports as wrong (8.0759) is far outside the tolerance.
    let r = common::reference("growth_linear");
    assert!((r["fit_all"]["chisq"].as_f64().unwrap() - 8.0687).abs() < 1e-4);
}

#[test]
fn linear_growth_with_covariates_matches_lavaan_growth() {
    let d = fit_with("growth_linear_x", "demo_growth.csv", &SemOptions::growth());
    println!("growth_linear_x: largest difference {d:e}");
}

#[test]
fn growth_written_with_fixed_intercepts_equals_growth() {
    let d = fit_with(
        "growth_linear_sem",
        "demo_growth.csv",
        &SemOptions::default(),
    );
    println!("growth_linear_sem: largest difference {d:e}");
}

#[test]
fn equal_intercepts_match_lavaan() {
    let d = fit_with(
        "hs_equal_intercepts",
        "HolzingerSwineford1939.csv",
        &meanstructure(),
    );
    println!("hs_equal_intercepts: largest difference {d:e}");
}

#[test]
fn fixed_intercepts_match_lavaan() {
    let d = fit_with(
        "hs_fixed_intercepts",
        "HolzingerSwineford1939.csv",
        &meanstructure(),
    );
    println!("hs_fixed_intercepts: largest difference {d:e}");
}

fn mlx() -> SemOptions {
    SemOptions::builder()
        .missing(cocreate_core::sem::Missing::MlX)
        .build()
        .unwrap()
}

#[test]
fn mlx_loglikelihood_aic_bic_match_lavaan() {
    // Missing cells in the covariates (x1) and in the outcomes: lavaan subtracts the
    // covariates' complete-data log-likelihood at their EM moments, and its baseline model
    // fixes the covariate block at the pairwise-complete moments (CFI 0.8498, where the EM
    // block gave 0.8625). With missing data lavaan's GFI weighs the moments by another
    // information matrix (see docs/validation.md): the GFI family is left out.
    let skip = ["gfi", "agfi", "pgfi"];
    let d = fit_skipping("path_mlx", "demo_growth_mlx.csv", &mlx(), &skip);
    println!("path_mlx: largest difference {d:e}");
    let growth = SemOptions::growth()
        .to_builder()
        .missing(cocreate_core::sem::Missing::MlX)
        .build()
        .unwrap();
    // Here lavaan's own unrestricted.logl disagrees with its χ² (2 (h1 − logl) = 9.443
    // against chisq 11.327), so it is left out; logl, AIC, BIC and χ² are compared.
    let skip = ["unrestricted.logl", "gfi", "agfi", "pgfi"];
    let d = fit_skipping("growth_linear_x_mlx", "demo_growth_mlx.csv", &growth, &skip);
    println!("growth_linear_x_mlx: largest difference {d:e}");
}

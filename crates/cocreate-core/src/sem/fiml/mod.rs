//! The full-information ML estimator, for data with missing values.
//!
//! Rows are grouped by missingness pattern. For a pattern with observed set `o` the
//! casewise log-likelihood is `−½ [p_o log 2π + log|Σ_oo| + r' Σ_oo⁻¹ r]`, `r = x_o − μ_o`.
//! With `W = Σ⁻¹` and missing set `m`, `Σ_oo⁻¹` (embedded with zeros) is
//! `W − W_·m W_mm⁻¹ W_m·` and `log|Σ_oo| = log|Σ| + log|W_mm|` (Schur complements), so
//! only one `p × p` factorisation per evaluation is needed.
//!
//! The saturated (H1) model is estimated by EM (Dempster, Laird & Rubin 1977); the
//! structured model starts from an ML fit to the EM moments and is optimised by scoring
//! with the complete-data information as curvature. Standard errors come from the
//! analytic observed information (the Hessian of −2 log L), as lavaan's default for
//! `missing = "ml"`.
//!
//! `patterns` groups the rows and gives the observed-data likelihood and the EM
//! saturated model; `objective` is the structured model's discrepancy with its
//! derivatives; this module drives the fit, the bootstrap and the fit measures.

mod baseline;
mod mlr;
mod objective;
mod patterns;

pub use mlr::MAX_MLR_FIML_VARIABLES;

use cocreate_stats::LN_2PI;
use nalgebra::{DMatrix, DVector};

use super::assemble::{assemble, Assembly};
use super::bootstrap::{apply_to_fit, run, summarize};
use super::constrained::{inverse, minimize};
use super::error::{SemError, SemWarning};
use super::fit_measures::{self, FitInput};
use super::linalg::Chol;
use super::ml::MlProblem;
use super::options::{Estimator, Information, SeMethod, SemOptions};
use super::prepare::{
    check_df, check_moments, degrees_of_freedom, moments_of, npar, Moments, Prepared,
};
use super::ram::{Compiled, ExoMoments, RamMatrices};
use super::results::SemFit;
use super::robust::robust_fit;
use super::start::start_values;
use baseline::Baseline;
use mlr::{mlr_parts, MlrInput};
#[cfg(test)]
use objective::observed_hessian;
use objective::{information, FimlProblem};
use patterns::{em_saturated, loglik, FimlData};

/// What lavaan subtracts from the joint log-likelihood for the fixed covariates: the
/// complete-data normal log-likelihood of `n` rows at their saturated moments,
/// `−n/2 [p_x log 2π + log|S_xx| + p_x]`. With every covariate observed this is their
/// observed-data marginal at the sample moments; with `missing = "ml.x"` and missing
/// covariates `S_xx` is the covariate block of the EM estimates and the figure is no longer
/// a likelihood of the observed covariates (see `docs/methods/sem.md`).
fn x_marginal(c: &Compiled, fd: &FimlData, exo: &ExoMoments) -> f64 {
    if c.x_idx.is_empty() {
        return 0.0;
    }
    let px = c.x_idx.len() as f64;
    let ld = Chol::new(&exo.cov).map_or(f64::NAN, |ch| ch.logdet());
    -(fd.n as f64) / 2.0 * (px * LN_2PI + ld + px)
}

/// Moments of the fixed covariates: their sample moments when complete, else the
/// covariate block of the EM estimates.
fn covariate_moments(c: &Compiled, data: &DMatrix<f64>, fd: &FimlData) -> Option<ExoMoments> {
    let px = c.x_idx.len();
    if px == 0 {
        return Some(ExoMoments {
            cov: DMatrix::zeros(0, 0),
            mean: DVector::zeros(0),
        });
    }
    let complete = (0..data.nrows()).all(|r| c.x_idx.iter().all(|&i| !data[(r, i)].is_nan()));
    if complete {
        let xs = DMatrix::from_fn(data.nrows(), px, |r, a| data[(r, c.x_idx[a])]);
        let mo = moments_of(&xs);
        return Some(ExoMoments {
            cov: mo.cov,
            mean: mo.mean,
        });
    }
    let (mu, sigma, _) = em_saturated(fd, 10_000).ok()?;
    Some(ExoMoments::from_sample(&c.x_idx, &sigma, &mu))
}

/// One FIML bootstrap replicate from row multiplicities.
fn fiml_replicate(
    c: &Compiled,
    data: &DMatrix<f64>,
    counts: &[u32],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Option<Vec<f64>> {
    let idx: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(r, &k)| std::iter::repeat_n(r, k as usize))
        .collect();
    let sub = DMatrix::from_fn(idx.len(), c.p, |r, j| data[(idx[r], j)]);
    let fd = FimlData::new(&sub);
    let exo = covariate_moments(c, &sub, &fd)?;
    let mut prob = FimlProblem::new(c, &fd, exo);
    let mut theta = theta_hat.to_vec();
    minimize(
        &mut prob,
        &mut theta,
        &c.table.constraints,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

/// Fits the prepared model by full-information ML.
pub(crate) fn fit(prep: Prepared, options: &SemOptions) -> Result<SemFit, SemError> {
    let c = &prep.compiled;
    let fd = FimlData::new(&prep.data);
    let (p, n) = (c.p, fd.n);
    if n < 2 {
        return Err(SemError::TooFewRows { n, p });
    }
    let df = check_df(c)?;
    for (j, name) in c.table.observed().iter().enumerate().take(p) {
        let seen = (0..n).filter(|&r| !fd.row(r)[j].is_nan()).count();
        if seen < 2 {
            return Err(SemError::TooFewObserved {
                name: name.clone(),
                n: seen,
            });
        }
    }
    if options.estimator == Estimator::Mlr && p > MAX_MLR_FIML_VARIABLES {
        return Err(SemError::TooLarge {
            what: "observed variables of an MLR fit with full-information ML".into(),
            found: p,
            limit: MAX_MLR_FIML_VARIABLES,
        });
    }
    let (mu1, sigma1, _em_iter) = em_saturated(&fd, 10_000)?;
    let h1 = Moments {
        cov: sigma1.clone(),
        mean: mu1.clone(),
        n,
    };
    let logdet_h1 = check_moments(c, &h1)?;
    // Start: ML on the EM moments.
    let mut theta = start_values(c, &h1);
    {
        let mut ml = MlProblem::new(c, &h1, logdet_h1);
        minimize(
            &mut ml,
            &mut theta,
            &c.table.constraints,
            options.max_iterations,
            options.tolerance,
        )?;
    }
    let exo = ExoMoments::from_sample(&c.x_idx, &sigma1, &mu1);
    let mut prob = FimlProblem::new(c, &fd, exo.clone());
    let outcome = minimize(
        &mut prob,
        &mut theta,
        &c.table.constraints,
        options.max_iterations,
        options.tolerance,
    )?;
    let nf = n as f64;
    let mut warnings = prep.warnings.clone();
    let boot = if options.se == SeMethod::Bootstrap {
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &exo, &mut ram);
        let est: Vec<f64> = (0..c.table.rows().len())
            .map(|r| c.row_value(r, &ram))
            .map(|v| if v.is_nan() { 0.0 } else { v })
            .collect();
        let data = &prep.data;
        let raw = run(n, options, &|counts: &[u32]| {
            fiml_replicate(c, data, counts, &theta, options)
        });
        Some(summarize(c, raw, &est, options)?)
    } else {
        None
    };
    let mlr = options.estimator == Estimator::Mlr;
    // The observed information (and with MLR the casewise scores, in the same pass).
    let mut scores = mlr.then(|| DMatrix::zeros(n, c.q()));
    let needs_information = mlr || (options.se == SeMethod::Standard);
    let expected = options.information == Information::Expected;
    let hessian = if needs_information {
        information(&mut prob, &theta, expected && !mlr, scores.as_mut())
    } else {
        None
    };
    // Fit: H0 and H1 log-likelihoods (conditional on fixed covariates), baseline.
    let x_ll = x_marginal(c, &fd, &exo);
    let mut ram = RamMatrices::new(c.n);
    c.fill(&theta, &exo, &mut ram);
    ram.implied_sparse(c)?;
    let sigma0 = ram.sigma(p);
    let mu0 = ram.mu(p);
    let ll0 = loglik(&fd, &mu0, &sigma0).ok_or(SemError::SingularStructure)?;
    let ll1 = loglik(&fd, &mu1, &sigma1).ok_or(SemError::SingularStructure)?;
    let chisq = (2.0 * (ll1 - ll0)).max(0.0);
    // Baseline: independent non-covariates, the covariate block fixed as lavaan fixes it.
    let base = Baseline::new(c, &prep.data);
    let (chisq0, df0) = (2.0 * (ll1 - base.logl), base.df);
    let robust = match &scores {
        Some(sc) => Some(mlr_parts(&MlrInput {
            c,
            fd: &fd,
            theta: &theta,
            exo: &exo,
            mu1: &mu1,
            sigma1: &sigma1,
            hessian: hessian.as_ref(),
            scores: sc,
            baseline: &base,
            df,
        })?),
        None => None,
    };
    if robust.as_ref().is_some_and(|r| r.trace_h1.is_none()) {
        warnings.push(SemWarning::RobustTestUnavailable {
            reason: "the observed information of the saturated model is not positive definite"
                .into(),
        });
    }
    let vcov = if options.se == SeMethod::None {
        None
    } else if let Some(b) = &boot {
        Some(b.vcov.clone())
    } else {
        let v = match &robust {
            Some(r) => r.vcov.clone(),
            None => hessian
                .as_ref()
                .and_then(|h| inverse(&c.table.constraints, &theta, h))
                .map(|inv| inv * (2.0 / nf)),
        };
        if v.is_none() {
            warnings.push(SemWarning::StandardErrorsUnavailable {
                reason: "the observed information matrix is singular or not positive definite"
                    .into(),
            });
        }
        v
    };
    let fit = fit_measures::compute(&FitInput {
        chisq,
        df,
        npar: npar(c),
        n,
        logl: ll0 - x_ll,
        logl_h1: ll1 - x_ll,
        baseline_chisq: chisq0,
        baseline_df: df0,
        s: &sigma1,
        xbar: &mu1,
        sigma: &sigma0,
        mu: &mu0,
        meanstructure: true,
        x_idx: &c.x_idx,
    });
    let robust_fit = robust.as_ref().map(|parts| {
        robust_fit(
            options.estimator,
            parts,
            &fit,
            c.table.rows().iter().filter(|r| r.free.is_some()).count(),
            degrees_of_freedom(c).1,
        )
    });
    let mut out = assemble(
        c,
        &theta,
        &exo,
        vcov,
        fit,
        Assembly {
            outcome,
            options,
            n_used: n,
            n_original: prep.n_original,
            sample_cov: sigma1,
            sample_mean: mu1,
            warnings,
            information: match (options.se, options.information) {
                (SeMethod::Bootstrap, _) => "Bootstrap",
                (_, Information::Expected) => "Expected",
                _ => "Observed",
            },
        },
    )?;
    if let Some(b) = boot {
        apply_to_fit(&mut out, b, options.boot_ci);
    }
    out.robust = robust_fit;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Table;
    use crate::sem::prepare::prepare;
    use crate::sem::{Information, MeanStructure, Missing, Model, Op};
    use rand::{Rng, SeedableRng};

    const PD: &str = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8";

    fn pd_data(missing: f64, seed: u64) -> Table {
        let path = format!(
            "{}/tests/data/PoliticalDemocracy.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let t = Table::from_csv_path(path).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let rows = (0..t.n_rows())
            .map(|r| {
                (0..t.n_cols())
                    .map(|c| {
                        if rng.r#gen::<f64>() < missing {
                            None
                        } else {
                            t.get(r, c)
                        }
                    })
                    .collect()
            })
            .collect();
        Table::new(t.names().to_vec(), rows).unwrap()
    }

    fn fiml_opts() -> SemOptions {
        SemOptions::builder().missing(Missing::Ml).build().unwrap()
    }

    #[test]
    fn em_on_complete_data_gives_the_sample_moments() {
        let data = pd_data(0.0, 1);
        let prep = prepare(&Model::parse(PD).unwrap(), &data, &fiml_opts()).unwrap();
        let fd = FimlData::new(&prep.data);
        let (mu, sigma, it) = em_saturated(&fd, 100).unwrap();
        let mo = moments_of(&prep.data);
        assert!(it <= 3);
        assert!((&mu - &mo.mean).amax() < 1e-12);
        assert!((&sigma - &mo.cov).amax() < 1e-12);
    }

    #[test]
    fn fiml_on_complete_data_equals_ml_with_a_mean_structure() {
        let data = pd_data(0.0, 1);
        let model = Model::parse(PD).unwrap();
        let fiml = model.fit(&data, &fiml_opts()).unwrap();
        let ml_opts = SemOptions::builder()
            .meanstructure(MeanStructure::On)
            .information(Information::Observed)
            .build()
            .unwrap();
        let ml = model.fit(&data, &ml_opts).unwrap();
        assert_eq!(
            fiml.parameter_estimates().len(),
            ml.parameter_estimates().len()
        );
        for (a, b) in fiml
            .parameter_estimates()
            .iter()
            .zip(ml.parameter_estimates())
        {
            assert_eq!((&a.lhs, a.op, &a.rhs), (&b.lhs, b.op, &b.rhs));
            assert!(
                (a.est - b.est).abs() < 1e-7,
                "{} {} {}: {} vs {}",
                a.lhs,
                a.op,
                a.rhs,
                a.est,
                b.est
            );
            // Observed information: analytic (FIML) against differentiated gradients (ML).
            let (sa, sb) = (a.se.unwrap(), b.se.unwrap());
            assert!(
                (sa - sb).abs() < 1e-5 * (1.0 + sb),
                "{} {} {} se {sa} vs {sb}",
                a.lhs,
                a.op,
                a.rhs
            );
        }
        let (f, m) = (fiml.fit_measures(), ml.fit_measures());
        for (x, y) in [
            (f.chisq, m.chisq),
            (f.logl, m.logl),
            (f.unrestricted_logl, m.unrestricted_logl),
            (f.baseline_chisq, m.baseline_chisq),
            (f.cfi, m.cfi),
            (f.rmsea, m.rmsea),
            (f.srmr, m.srmr),
            (f.bic, m.bic),
        ] {
            assert!((x - y).abs() < 1e-6 * (1.0 + y.abs()), "{x} vs {y}");
        }
        assert_eq!(f.df, m.df);
    }

    fn problem_parts(missing: f64) -> (Compiled, FimlData, Vec<f64>, ExoMoments) {
        let data = pd_data(missing, 7);
        let prep = prepare(&Model::parse(PD).unwrap(), &data, &fiml_opts()).unwrap();
        let fd = FimlData::new(&prep.data);
        let (mu, sigma, _) = em_saturated(&fd, 1000).unwrap();
        let c = prep.compiled;
        let h1 = Moments {
            cov: sigma.clone(),
            mean: mu.clone(),
            n: fd.n,
        };
        let mut theta = start_values(&c, &h1);
        // Move away from any optimum so the checks see a general point.
        for (k, t) in theta.iter_mut().enumerate() {
            *t *= 1.0 + 0.01 * ((k % 5) as f64 - 2.0);
        }
        let exo = ExoMoments::from_sample(&c.x_idx, &sigma, &mu);
        (c, fd, theta, exo)
    }

    #[test]
    fn gradient_and_observed_hessian_match_finite_differences() {
        let (c, fd, theta, exo) = problem_parts(0.1);
        assert!(fd.patterns.len() > 10);
        let mut prob = FimlProblem::new(&c, &fd, exo);
        let hx = observed_hessian(&mut prob, &theta).unwrap();
        crate::sem::hessian::assert_derivatives(&mut prob, &theta, Some(&hx), 1e-6, 1e-5);
    }

    #[test]
    fn observed_hessian_at_the_optimum_of_a_path_model_with_covariates() {
        let path = format!(
            "{}/tests/data/cocreation_composites.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let t = Table::from_csv_path(path).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let rows = (0..t.n_rows())
            .map(|r| {
                (0..t.n_cols())
                    .map(|c| {
                        if c > 0 && rng.r#gen::<f64>() < 0.05 {
                            None
                        } else {
                            t.get(r, c)
                        }
                    })
                    .collect()
            })
            .collect();
        let data = Table::new(t.names().to_vec(), rows).unwrap();
        let model = Model::parse("II ~ O + C + E\nEI ~ O + A + N\nWTC ~ II + EI + O").unwrap();
        for missing in [Missing::Ml, Missing::MlX] {
            let opts = SemOptions::builder().missing(missing).build().unwrap();
            let prep = prepare(&model, &data, &opts).unwrap();
            let fit = model.fit(&data, &opts).unwrap();
            assert_eq!(fit.n_used(), prep.data.nrows());
            let fd = FimlData::new(&prep.data);
            let c = &prep.compiled;
            let exo = ExoMoments::from_sample(&c.x_idx, fit.sample_cov(), fit.sample_mean());
            let mut prob = FimlProblem::new(c, &fd, exo);
            let theta = fit.free_parameters().to_vec();
            let hx = observed_hessian(&mut prob, &theta).unwrap();
            crate::sem::hessian::assert_derivatives(&mut prob, &theta, Some(&hx), 1e-5, 1e-5);
        }
    }

    #[test]
    fn baseline_with_complete_covariates_uses_their_sample_moments() {
        let data = pd_data(0.1, 4);
        let model = Model::parse("y1 ~ x1 + x2\ny2 ~ x1 + x3").unwrap();
        let prep = prepare(&model, &data, &fiml_opts()).unwrap();
        let c = &prep.compiled;
        let base = Baseline::new(c, &prep.data);
        let xs = DMatrix::from_fn(prep.data.nrows(), c.x_idx.len(), |r, a| {
            prep.data[(r, c.x_idx[a])]
        });
        let mo = moments_of(&xs);
        for (a, &i) in c.x_idx.iter().enumerate() {
            assert!((base.mean[i] - mo.mean[a]).abs() < 1e-12);
            for (b, &j) in c.x_idx.iter().enumerate() {
                assert!((base.cov[(i, j)] - mo.cov[(a, b)]).abs() < 1e-12);
            }
        }
        // The covariates' part of the log-likelihood is the complete-data one.
        let fd = FimlData::new(&prep.data);
        let exo = ExoMoments {
            cov: mo.cov.clone(),
            mean: mo.mean.clone(),
        };
        let mut ll_y = 0.0;
        for j in (0..c.p).filter(|j| !c.x_idx.contains(j)) {
            let v = base.cov[(j, j)];
            let k = prep.data.column(j).iter().filter(|v| !v.is_nan()).count() as f64;
            ll_y -= 0.5 * k * (LN_2PI + v.ln() + 1.0);
        }
        assert!((base.logl - ll_y - x_marginal(c, &fd, &exo)).abs() < 1e-8);
        // p = 5 variables, 3 of them covariates: 20 − 9 moments, 4 parameters.
        assert_eq!(base.df, 7.0);
    }

    #[test]
    fn fiml_expected_information_on_complete_data_equals_ml() {
        let data = pd_data(0.0, 1);
        let model = Model::parse(PD).unwrap();
        let opts = SemOptions::builder()
            .missing(Missing::Ml)
            .information(Information::Expected)
            .build()
            .unwrap();
        let fiml = model.fit(&data, &opts).unwrap();
        let ml = model
            .fit(
                &data,
                &SemOptions::builder()
                    .meanstructure(MeanStructure::On)
                    .build()
                    .unwrap(),
            )
            .unwrap();
        for (a, b) in fiml
            .parameter_estimates()
            .iter()
            .zip(ml.parameter_estimates())
        {
            let (sa, sb) = (a.se.unwrap(), b.se.unwrap());
            assert!(
                (sa - sb).abs() < 1e-7 * (1.0 + sb),
                "{} {} {}: {sa} vs {sb}",
                a.lhs,
                a.op,
                a.rhs
            );
        }
    }

    #[test]
    fn fiml_bootstrap_on_complete_data_equals_the_ml_bootstrap() {
        let data = pd_data(0.0, 1);
        let model =
            Model::parse("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem60 ~ ind60")
                .unwrap();
        let boot = |missing: Missing| {
            let o = SemOptions::builder()
                .missing(missing)
                .meanstructure(MeanStructure::On)
                .se(crate::sem::SeMethod::Bootstrap)
                .bootstrap(20)
                .seed(9)
                .build()
                .unwrap();
            model.fit(&data, &o).unwrap()
        };
        let (a, b) = (boot(Missing::Ml), boot(Missing::Listwise));
        let (da, db) = (&a.bootstrap().unwrap().draws, &b.bootstrap().unwrap().draws);
        assert_eq!(da.shape(), db.shape());
        assert!((da - db).amax() < 1e-6, "{}", (da - db).amax());
        let (ea, eb) = (a.by_label("").unwrap(), b.by_label("").unwrap());
        assert!((ea.se.unwrap() - eb.se.unwrap()).abs() < 1e-6);
    }

    #[test]
    fn fiml_bootstrap_with_missing_data_runs() {
        let data = pd_data(0.05, 2);
        let model =
            Model::parse("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem60 ~ b*ind60")
                .unwrap();
        let o = SemOptions::builder()
            .missing(Missing::Ml)
            .se(crate::sem::SeMethod::Bootstrap)
            .bootstrap(30)
            .seed(1)
            .build()
            .unwrap();
        let fit = model.fit(&data, &o).unwrap();
        let bt = fit.bootstrap().unwrap();
        assert_eq!(bt.successful + bt.failed, 30);
        let b = fit.by_label("b").unwrap();
        assert!(b.se.unwrap() > 0.0 && b.ci_lower < b.est && b.est < b.ci_upper);
    }

    #[test]
    fn saturated_model_reproduces_the_em_moments() {
        let data = pd_data(0.15, 3);
        let model = Model::parse("x1 ~~ x2 + x3\nx2 ~~ x3").unwrap();
        let fit = model.fit(&data, &fiml_opts()).unwrap();
        assert!(fit.fit_measures().chisq.abs() < 1e-8);
        assert!((fit.implied_cov() - fit.sample_cov()).amax() < 1e-8);
        assert!((fit.implied_mean().unwrap() - fit.sample_mean()).amax() < 1e-8);
    }

    #[test]
    fn missing_data_fit_is_sensible() {
        let data = pd_data(0.05, 11);
        let model = Model::parse(PD).unwrap();
        let fit = model.fit(&data, &fiml_opts()).unwrap();
        assert_eq!(fit.n_used(), 75);
        let l = fit.get("ind60", Op::MeasuredBy, "x2").unwrap();
        assert!((l.est - 2.18).abs() < 0.2 && l.se.unwrap() > 0.0);
        assert!(fit.fit_measures().chisq > 0.0);
        // Listwise deletion drops rows; FIML keeps them.
        let lw = model.fit(&data, &SemOptions::default()).unwrap();
        assert!(lw.n_used() < 75);
    }
}

//! Out-of-sample validity of readiness predictions: leave-one-out and repeated k-fold
//! cross-validation against a linear-regression benchmark (the PLSpredict procedure),
//! the coverage of the prediction intervals on held-out customers, and the stability of
//! pathway assignment under bootstrap refits.
//!
//! Every fold refits the readiness model on its training rows and predicts the held-out
//! customers from their traits alone. For an observed-variable recursive path model whose
//! maximum-likelihood estimates are equation-by-equation least squares (the condition is
//! checked on the fit, see [`RefitMethod`]), a fold is solved from the cross-product
//! matrix of the training rows, downdated from the full sample's; otherwise every fold is
//! a full SEM refit. Formulas and sources: `docs/methods/readiness.md`.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::Table;
use crate::sem::{Model, SeMethod, SemOptions};

use super::constructs::Constructs;
use super::error::ReadinessError;
use super::folds::{map_folds, run_schemes, Sums};
use super::latent;
use super::least_squares::{least_squares_equations, ls_model, solve, Design, Equations};
use super::model::ReadinessModel;
use super::pathway::Pathway;
use super::validation::{
    CrossValidation, PathwayStability, RefitMethod, Validation, ValidationError, MAX_ROWS,
};

struct Ctx<'a> {
    design: &'a Design,
    full: DMatrix<f64>,
    eq: Option<Equations>,
    model: &'a Model,
    options: &'a SemOptions,
    c: &'a Constructs,
    cv: &'a CrossValidation,
    names: Vec<String>,
}

impl Ctx<'_> {
    /// The readiness model fitted on the training rows (given by their cross-product
    /// matrix, count and, for the SEM refit, their indices).
    fn refit(
        &self,
        m: &DMatrix<f64>,
        n_train: usize,
        train: &dyn Fn() -> Vec<usize>,
    ) -> Result<ReadinessModel, String> {
        match &self.eq {
            Some(eq) => ls_model(m, n_train as f64, eq, self.c, self.cv),
            None => {
                let t = self
                    .design
                    .table(&train(), &self.names)
                    .map_err(|e| e.to_string())?;
                let fit = self
                    .model
                    .fit(&t, self.options)
                    .map_err(|e| format!("the SEM fit failed: {e}"))?;
                ReadinessModel::from_fit(&fit, self.c.clone(), "training part")
                    .and_then(|r| r.with_rule(self.cv.rule))
                    .and_then(|r| r.with_level(self.cv.level))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Refits on everything but `test` and scores the held-out rows.
    fn fold(&self, test: &[usize], train: &dyn Fn() -> Vec<usize>) -> Result<Vec<Sums>, String> {
        let d = self.design;
        let (p, q) = (d.p, d.q);
        let m = &self.full - d.cross(test.iter().map(|&i| (i, 1.0)));
        let n_train = d.n - test.len();
        let model = self.refit(&m, n_train, train)?;
        let pred = model
            .predict_batch(&d.traits(test))
            .map_err(|e| e.to_string())?;
        let bench_regs: Vec<usize> = (0..=p).collect();
        let mut out = vec![Sums::default(); q + 1];
        for (j, s) in out.iter_mut().enumerate() {
            let t = p + 1 + j;
            let (beta, _) =
                solve(&m, &bench_regs, t).ok_or("the traits are collinear in the training rows")?;
            let mean = m[(0, t)] / n_train as f64;
            let resid = if j < q { model.d.resid_m[j] } else { 0.0 };
            for (l, &i) in test.iter().enumerate() {
                let r = d.row(i);
                let y = r[t];
                let (yhat, se) = if j < q {
                    let z: Vec<f64> = r[..=p].to_vec();
                    let qm = &model.d.q_m[j];
                    let mut v = resid;
                    for a in 0..=p {
                        for b in 0..=p {
                            v += z[a] * qm[(a, b)] * z[b];
                        }
                    }
                    (pred.mediators[j][l], v.max(0.0).sqrt())
                } else {
                    (pred.outcome[l], pred.outcome_se[l])
                };
                let yb: f64 = (0..=p).map(|k| beta[k] * r[k]).sum();
                let (e, eb, e0) = (y - yhat, y - yb, y - mean);
                s.sse += e * e;
                s.sae += e.abs();
                s.sse_b += eb * eb;
                s.sae_b += eb.abs();
                s.sse_0 += e0 * e0;
                s.covered += usize::from((y - yhat).abs() <= model.d.z_level * se);
                s.count += 1;
            }
        }
        Ok(out)
    }
}

/// Cross-validates the readiness model of `model` fitted with `options` on `data` (one
/// column per construct, composite scores): leave-one-out, repeated k-fold and pathway
/// stability as `cv` asks, every random draw from ChaCha8 streams of `cv`'s seed, so that
/// the result is the same on every run and with any number of threads.
///
/// Rows with a missing construct score are left out and listed in the result. The fit
/// needs a mean structure (`MeanStructure::On`).
///
/// A model with latent variables (`=~`) is cross-validated too: the data then holds the
/// constructs' indicators, every fold refits the SEM, and each held-out customer's
/// endogenous constructs (the mean of their indicators) are predicted from the trait
/// indicators by the model-implied conditional mean, as lavaan's `lavPredictY` does
/// ([`predict_y`](super::predict_y)); the benchmark regresses the same means on the trait
/// indicators. Pathway stability is not available for latent models (`None`, with a note).
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::readiness::{validate, Constructs, CrossValidation};
/// use cocreate_core::scoring::ResponseRange;
/// use cocreate_core::sem::{MeanStructure, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| {
/// #     let t = i as f64; let x = 3.0 + (t * 0.91).sin(); let m = 1.0 + 0.6 * x + 0.5 * (t * 1.7).cos();
/// #     let y = 0.5 + 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
/// # let data = Table::new(vec!["O".into(), "II".into(), "WTC".into()], rows)?;
/// let model = Model::parse("II ~ O\nWTC ~ II + O")?;
/// let options = SemOptions::builder().meanstructure(MeanStructure::On).build()?;
/// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let v = validate(&model, &options, &data, &c, &CrossValidation::builder(7).build()?)?;
/// assert!(v.saturated);
/// let loo = v.leave_one_out.as_ref().unwrap();
/// assert!((loo.constructs[1].rmse - loo.constructs[1].benchmark.rmse).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate(
    model: &Model,
    options: &SemOptions,
    data: &Table,
    constructs: &Constructs,
    cv: &CrossValidation,
) -> Result<Validation, ValidationError> {
    constructs.validate()?;
    // A bootstrap inside every refit would repeat the SEM fit per replicate and fold;
    // the refits take their standard errors from the information matrix, and say so.
    let mut notes = Vec::new();
    let standard;
    let options = if options.se() == SeMethod::Bootstrap {
        notes.push(format!(
            "every refit takes its standard errors (the parameter part of the prediction \
             intervals) from the information matrix, not from the {} bootstrap replicates the \
             SEM options ask for",
            options.bootstrap()
        ));
        let mut o = options.clone();
        o.se = SeMethod::Standard;
        standard = o;
        &standard
    } else {
        options
    };
    if !model.latent_names().is_empty() {
        return latent::validate_latent(model, options, data, constructs, cv, notes);
    }
    let names: Vec<String> = constructs.names().cloned().collect();
    let (p, q) = (constructs.traits().len(), constructs.mediators().len());
    if data.n_rows() > MAX_ROWS {
        return Err(ValidationError::TooManyRows {
            rows: data.n_rows(),
        });
    }
    let cols: Vec<usize> = names
        .iter()
        .map(|n| {
            data.column_index(n)
                .ok_or_else(|| ValidationError::MissingColumn {
                    name: n.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    let d = p + q + 2;
    let mut w = Vec::with_capacity(data.n_rows() * d);
    let (mut rows, mut dropped) = (Vec::new(), Vec::new());
    for i in 0..data.n_rows() {
        let vals: Option<Vec<f64>> = cols.iter().map(|&c| data.get(i, c)).collect();
        match vals {
            Some(v) => {
                let (lo, hi) = (constructs.range().min(), constructs.range().max());
                for (k, &x) in v[..p].iter().enumerate() {
                    if !(lo..=hi).contains(&x) {
                        return Err(ReadinessError::TraitOutOfRange {
                            name: names[k].clone(),
                            row: Some(i + 1),
                            id: data.ids().map(|ids| ids[i].clone()),
                            value: x,
                            min: lo,
                            max: hi,
                        }
                        .into());
                    }
                }
                w.push(1.0);
                w.extend(v);
                rows.push(i);
            }
            None => dropped.push(i + 1),
        }
    }
    let design = Design {
        n: rows.len(),
        p,
        q,
        w,
        rows,
    };
    let n = design.n;
    let needed = p + q + 2;
    let full_table = design
        .table(&(0..n).collect::<Vec<_>>(), &names)
        .map_err(|e| ValidationError::Readiness(ReadinessError::Data(e)))?;
    let fit = model
        .fit(&full_table, options)
        .map_err(ValidationError::FullFit)?;
    let reference = ReadinessModel::from_fit(&fit, constructs.clone(), "full sample")
        .and_then(|r| r.with_rule(cv.rule))
        .and_then(|r| r.with_level(cv.level))
        .map_err(ValidationError::FullModel)?;
    let (eq, reason) = match cv.refit {
        RefitMethod::FullSem => (None, Some("the caller asked for it".to_string())),
        RefitMethod::Auto => match least_squares_equations(&fit, model, options, constructs) {
            Ok(e) => (Some(e), None),
            Err(r) => (None, Some(r)),
        },
    };
    let saturated = eq
        .as_ref()
        .is_some_and(|e| e.regs.iter().all(|r| (1..=p).all(|k| r.contains(&k))));
    let ctx = Ctx {
        full: design.cross((0..n).map(|i| (i, 1.0))),
        design: &design,
        eq,
        model,
        options,
        c: constructs,
        cv,
        names,
    };
    let fail = |scheme: &str, part: String, reason: String| ValidationError::FoldFailed {
        scheme: scheme.into(),
        part,
        reason,
    };

    let (leave_one_out, k_fold) = run_schemes(
        cv,
        n,
        needed,
        constructs,
        saturated,
        &|i| design.rows[i] + 1,
        |test, train| ctx.fold(test, train),
    )?;

    let pathway_stability = if cv.bootstrap > 0 {
        let all: Vec<usize> = (0..n).collect();
        let base: Vec<Pathway> = reference
            .predict_batch(&design.traits(&all))?
            .pathways()
            .collect();
        let res = map_folds(cv.bootstrap, |b| {
            let mut rng = ChaCha8Rng::seed_from_u64(cv.seed);
            rng.set_stream(1 << 32 | b as u64);
            let mut count = vec![0usize; n];
            for _ in 0..n {
                count[rng.gen_range(0..n)] += 1;
            }
            let m = design.cross(
                (0..n)
                    .filter(|&i| count[i] > 0)
                    .map(|i| (i, count[i] as f64)),
            );
            let train = || {
                let mut t = Vec::with_capacity(n);
                for (i, &c) in count.iter().enumerate() {
                    t.extend(std::iter::repeat_n(i, c));
                }
                t
            };
            let model = ctx.refit(&m, n, &train)?;
            let pred = model
                .predict_batch(&design.traits(&all))
                .map_err(|e| e.to_string())?;
            Ok::<Vec<bool>, String>(pred.pathways().zip(&base).map(|(a, b)| a == *b).collect())
        });
        let mut agree = vec![0usize; n];
        for (b, r) in res.into_iter().enumerate() {
            let same = r.map_err(|e| fail("pathway bootstrap", format!("refit {}", b + 1), e))?;
            for (a, s) in agree.iter_mut().zip(same) {
                *a += usize::from(s);
            }
        }
        let bf = cv.bootstrap as f64;
        Some(PathwayStability {
            refits: cv.bootstrap,
            share_always_same: agree.iter().filter(|&&a| a == cv.bootstrap).count() as f64
                / n as f64,
            mean_agreement: agree.iter().map(|&a| a as f64 / bf).sum::<f64>() / n as f64,
        })
    } else {
        None
    };

    Ok(Validation {
        n,
        dropped_rows: dropped,
        method: if ctx.eq.is_some() {
            "least_squares"
        } else {
            "full_sem"
        }
        .into(),
        method_reason: reason,
        saturated,
        leave_one_out,
        k_fold,
        pathway_stability,
        notes,
        seed: cv.seed,
        level: cv.level,
    })
}

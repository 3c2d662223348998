//! What leave-one-out, k-fold and the bootstrap share whatever the model: the per-fold
//! sums of prediction errors, their summary per construct, the seeded fold assignment and
//! the (optionally parallel) map over folds.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::constructs::Constructs;
use super::validation::{
    Accuracy, ConstructValidation, CrossValidation, SchemeValidation, ValidationError, Verdict,
};

/// Per-fold sums for each endogenous construct.
#[derive(Debug, Clone, Default)]
pub(super) struct Sums {
    pub(super) sse: f64,
    pub(super) sae: f64,
    pub(super) sse_b: f64,
    pub(super) sae_b: f64,
    pub(super) sse_0: f64,
    pub(super) covered: usize,
    pub(super) count: usize,
}

pub(super) fn map_folds<T: Send, F: Fn(usize) -> T + Sync + Send>(n: usize, f: F) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..n).map(f).collect()
    }
}

pub(super) fn summarise(
    sums: &[Vec<Sums>],
    c: &Constructs,
    saturated: bool,
    folds: usize,
    repeats: usize,
) -> SchemeValidation {
    let q = c.mediators().len();
    let constructs = (0..=q)
        .map(|j| {
            let mut t = Sums::default();
            for s in sums {
                let s = &s[j];
                t.sse += s.sse;
                t.sae += s.sae;
                t.sse_b += s.sse_b;
                t.sae_b += s.sae_b;
                t.sse_0 += s.sse_0;
                t.covered += s.covered;
                t.count += s.count;
            }
            let n = t.count as f64;
            let rmse = (t.sse / n).sqrt();
            let rmse_b = (t.sse_b / n).sqrt();
            let verdict = if saturated {
                Verdict::Equal
            } else if rmse < rmse_b {
                Verdict::Better
            } else {
                Verdict::Worse
            };
            ConstructValidation {
                name: if j < q {
                    c.mediators()[j].clone()
                } else {
                    c.outcome().to_string()
                },
                q2_predict: 1.0 - t.sse / t.sse_0,
                rmse,
                mae: t.sae / n,
                coverage: t.covered as f64 / n,
                benchmark: Accuracy {
                    q2_predict: 1.0 - t.sse_b / t.sse_0,
                    rmse: rmse_b,
                    mae: t.sae_b / n,
                },
                verdict,
            }
        })
        .collect();
    SchemeValidation {
        folds,
        repeats,
        constructs,
    }
}

/// Fold of every row in each repetition: a seeded shuffle (ChaCha8, stream `r + 1` of
/// `seed` for repetition `r`), position mod k.
pub(super) fn assignment(seed: u64, repeats: usize, n: usize, k: usize) -> Vec<Vec<usize>> {
    (0..repeats)
        .map(|r| {
            let mut idx: Vec<usize> = (0..n).collect();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(r as u64 + 1);
            for i in (1..n).rev() {
                idx.swap(i, rng.gen_range(0..=i));
            }
            let mut fold = vec![0; n];
            for (pos, &i) in idx.iter().enumerate() {
                fold[i] = pos % k;
            }
            fold
        })
        .collect()
}

/// The leave-one-out and k-fold results of one model.
pub(super) type Schemes = (Option<SchemeValidation>, Option<SchemeValidation>);

/// Leave-one-out and k-fold cross-validation of one model, as `cv` asks: the size checks
/// (`needed` training rows at the least), the folds (`fold(test, train)`, the training
/// rows made on demand) and each failure named by its scheme and part. `row_number(i)` is
/// the data row (counted from 1) of the `i`-th row used.
pub(super) fn run_schemes<F>(
    cv: &CrossValidation,
    n: usize,
    needed: usize,
    constructs: &Constructs,
    saturated: bool,
    row_number: &dyn Fn(usize) -> usize,
    fold: F,
) -> Result<Schemes, ValidationError>
where
    F: Fn(&[usize], &dyn Fn() -> Vec<usize>) -> Result<Vec<Sums>, String> + Sync,
{
    let fail = |scheme: &str, part: String, reason: String| ValidationError::FoldFailed {
        scheme: scheme.into(),
        part,
        reason,
    };
    let leave_one_out = if cv.leave_one_out {
        if n < needed + 1 {
            return Err(ValidationError::TooFewRows {
                n,
                what: "leave-one-out".into(),
                needed,
            });
        }
        let res = map_folds(n, |i| fold(&[i], &|| (0..n).filter(|&r| r != i).collect()));
        let mut sums = Vec::with_capacity(n);
        for (i, r) in res.into_iter().enumerate() {
            sums.push(r.map_err(|e| {
                fail(
                    "leave-one-out",
                    format!("held-out row {}", row_number(i)),
                    e,
                )
            })?);
        }
        Some(summarise(&sums, constructs, saturated, n, 1))
    } else {
        None
    };
    let k_fold = if cv.folds >= 2 {
        let k = cv.folds;
        if k > n {
            return Err(ValidationError::TooManyFolds { folds: k, n });
        }
        if n - n.div_ceil(k) < needed {
            return Err(ValidationError::TooFewRows {
                n,
                what: format!("{k}-fold cross-validation"),
                needed,
            });
        }
        let assign = assignment(cv.seed, cv.repeats, n, k);
        let res = map_folds(cv.repeats * k, |t| {
            let (r, f) = (t / k, t % k);
            let test: Vec<usize> = (0..n).filter(|&i| assign[r][i] == f).collect();
            fold(&test, &|| (0..n).filter(|&i| assign[r][i] != f).collect())
                .map_err(|e| (test.len(), e))
        });
        let mut sums = Vec::with_capacity(res.len());
        for (t, r) in res.into_iter().enumerate() {
            sums.push(r.map_err(|(m, e)| {
                let part = format!(
                    "repetition {}, fold {} ({} training rows)",
                    t / k + 1,
                    t % k + 1,
                    n - m
                );
                fail("k-fold", part, e)
            })?);
        }
        Some(summarise(&sums, constructs, saturated, k, cv.repeats))
    } else {
        None
    };
    Ok((leave_one_out, k_fold))
}

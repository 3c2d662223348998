//! What leave-one-out, k-fold and the bootstrap share whatever the model: the per-fold
//! sums of prediction errors, their summary per construct, the seeded fold assignment and
//! the (optionally parallel) map over folds.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::constructs::Constructs;
use super::validation::{Accuracy, ConstructValidation, SchemeValidation, Verdict};

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

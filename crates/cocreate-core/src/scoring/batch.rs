//! Scoring a whole batch: a kernel per scale run over blocks of respondents (in parallel
//! with the `parallel` feature), and the item medians and means that imputation needs.

use super::error::ScoringError;
use super::kernel::{self, CodeItem, CodeScale, ScoreRule, ValueItem, BLOCK};
use super::responses::{Cells, Responses, MISSING};
use super::score::{MissingPolicy, Plan, Scorer};
use super::scores::{Scores, Values};

/// Scores every respondent on every scale of `scorer`'s instrument.
pub(crate) fn score(scorer: &Scorer, responses: &Responses, plan: &Plan) -> Scores {
    let n = responses.n_respondents();
    let n_scales = scorer.columns().len();
    let mut answered = vec![0u16; n * n_scales];
    let values = match (responses.cells(), code_scales(scorer, plan)) {
        (Cells::Codes(codes), Some(scales)) => {
            let rules = rules(scorer, code_unit(plan));
            let mut sums = vec![0u16; n * n_scales];
            for_each_block(n, &mut sums, &mut answered, |s, r0, out, ans| {
                scales[s].block(codes, n, r0, out, ans)
            });
            Values::Sums { sums, rules }
        }
        (cells, _) => {
            let rules = rules(scorer, 1.0);
            let scales = value_scales(scorer, plan);
            let value = |j: usize, r: usize| -> Option<f64> {
                let i = j * n + r;
                match cells {
                    Cells::Codes(c) => (c[i] != MISSING).then(|| f64::from(c[i])),
                    Cells::Values(v) => (!v[i].is_nan()).then_some(v[i]),
                }
            };
            let mut scores = vec![0.0f64; n * n_scales];
            for_each_block(n, &mut scores, &mut answered, |s, r0, out, ans| {
                kernel::value_block(&scales[s], value, r0, plan.c, rules[s], out, ans)
            });
            Values::Dense(scores)
        }
    };
    Scores::new(scorer, n, answered, values, plan.imputed.clone())
}

/// Runs `f(scale, first_row, out, answered)` on every block of rows of every scale.
/// `out` and `answered` are scale-major, `n` rows per scale. With the `parallel`
/// feature the blocks are spread over threads; each block writes only its own rows, so
/// the result is the same on any number of threads.
fn for_each_block<T: Send>(
    n: usize,
    out: &mut [T],
    answered: &mut [u16],
    f: impl Fn(usize, usize, &mut [T], &mut [u16]) + Sync,
) {
    if n == 0 {
        return;
    }
    let blocks = out
        .chunks_mut(n)
        .zip(answered.chunks_mut(n))
        .enumerate()
        .flat_map(|(s, (out, ans))| {
            out.chunks_mut(BLOCK)
                .zip(ans.chunks_mut(BLOCK))
                .enumerate()
                .map(move |(b, (out, ans))| (s, b * BLOCK, out, ans))
        });
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        blocks
            .collect::<Vec<_>>()
            .into_par_iter()
            .for_each(|(s, r0, out, ans)| f(s, r0, out, ans));
    }
    #[cfg(not(feature = "parallel"))]
    blocks.for_each(|(s, r0, out, ans)| f(s, r0, out, ans));
}

/// Per scale, how its sums, in units of 1/`unit` answer points, become scores.
fn rules(scorer: &Scorer, unit: f64) -> Vec<ScoreRule> {
    scorer
        .columns()
        .iter()
        .map(|cols| match scorer.options().missing_policy() {
            MissingPolicy::Complete => ScoreRule::Complete {
                k: cols.len() as u16,
            },
            MissingPolicy::Prorate { min_answered } => ScoreRule::Prorate {
                min: min_answered.min(usize::from(u16::MAX)) as u16,
            },
            _ => ScoreRule::Imputed {
                divisor: cols.len() as f64 * unit,
            },
        })
        .collect()
}

/// Units per answer point of exact byte-code sums: 2 when imputing, since a median may
/// be a half.
fn code_unit(plan: &Plan) -> f64 {
    if plan.imputed.is_some() {
        2.0
    } else {
        1.0
    }
}

/// The byte-code kernels of every scale, or `None` when the plan needs `f64`: a reversal
/// constant that is not a whole number from 0 to 508, imputed values that are not whole
/// or half numbers (item means), a reverse-keyed imputed value below zero, or a scale
/// whose largest sum would not fit 16 bits.
fn code_scales(scorer: &Scorer, plan: &Plan) -> Option<Vec<CodeScale>> {
    let c = plan.c;
    if c.fract() != 0.0 || !(0.0..=508.0).contains(&c) {
        return None;
    }
    let unit = code_unit(plan);
    let double = unit == 2.0;
    let mut max_answer = scorer.instrument().range().max();
    let scales = scorer.instrument().scales();
    scales
        .iter()
        .zip(scorer.columns())
        .map(|(scale, cols)| {
            let items = cols
                .iter()
                .zip(scale.reverse())
                .map(|(&column, &reversed)| {
                    let fill = match &plan.imputed {
                        None => 0.0,
                        Some(imp) => {
                            let keyed = if reversed {
                                c - imp[column]
                            } else {
                                imp[column]
                            };
                            max_answer = max_answer.max(keyed);
                            keyed * unit
                        }
                    };
                    (fill.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&fill))
                        .then(|| CodeItem::new(column, reversed, c as u16, fill as u16))
                })
                .collect::<Option<Vec<_>>>()?;
            CodeScale::new(items, double, max_answer.ceil() as u16)
        })
        .collect()
}

/// The `f64` kernel's view of every scale.
fn value_scales(scorer: &Scorer, plan: &Plan) -> Vec<Vec<ValueItem>> {
    let scales = scorer.instrument().scales();
    scales
        .iter()
        .zip(scorer.columns())
        .map(|(scale, cols)| {
            cols.iter()
                .zip(scale.reverse())
                .map(|(&column, &reversed)| ValueItem {
                    column,
                    reversed,
                    fill: plan.imputed.as_ref().map_or(0.0, |imp| {
                        if reversed {
                            plan.c - imp[column]
                        } else {
                            imp[column]
                        }
                    }),
                })
                .collect()
        })
        .collect()
}

/// The lowest and highest answer over all items, if any answer exists.
pub(crate) fn observed_range(responses: &Responses) -> Option<(f64, f64)> {
    match responses.cells() {
        Cells::Codes(c) => {
            let (lo, hi) = c.iter().fold((u8::MAX, 0u8), |(lo, hi), &v| {
                let answered = v != MISSING;
                (
                    if answered { lo.min(v) } else { lo },
                    if answered { hi.max(v) } else { hi },
                )
            });
            (lo <= hi).then(|| (f64::from(lo), f64::from(hi)))
        }
        Cells::Values(v) => {
            let (lo, hi) = v
                .iter()
                .filter(|x| !x.is_nan())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            (lo <= hi).then_some((lo, hi))
        }
    }
}

/// Per item, the median (`median = true`, R's definition: the mean of the two middle
/// values for an even count) or the mean of the answered values. Byte codes are counted
/// by value rather than sorted.
pub(crate) fn item_centres(responses: &Responses, median: bool) -> Result<Vec<f64>, ScoringError> {
    let n = responses.n_respondents();
    let range = responses.range();
    let centre = |j: usize| -> Result<f64, ScoringError> {
        let centre = match responses.cells() {
            Cells::Codes(c) => {
                let counts = kernel::code_counts(
                    &c[j * n..(j + 1) * n],
                    range.min() as u8,
                    range.max() as u8,
                );
                codes_centre(&counts, range.min() as u64, median)
            }
            Cells::Values(v) => values_centre(&v[j * n..(j + 1) * n], median),
        };
        centre.ok_or_else(|| ScoringError::NothingToImpute {
            item: responses.items()[j].clone(),
        })
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..responses.n_items())
            .into_par_iter()
            .map(centre)
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    (0..responses.n_items()).map(centre).collect()
}

/// The median or mean of answers counted by value: `counts[i]` answers of `lo + i`.
fn codes_centre(counts: &[u64], lo: u64, median: bool) -> Option<f64> {
    let m: u64 = counts.iter().sum();
    if m == 0 {
        return None;
    }
    if !median {
        let total: u64 = (lo..).zip(counts).map(|(v, &h)| v * h).sum();
        return Some(total as f64 / m as f64);
    }
    // The code holding the `i`-th smallest answer (0-based).
    let nth = |i: u64| {
        let mut below = 0;
        (lo..)
            .zip(counts)
            .find(|&(_, &h)| {
                below += h;
                below > i
            })
            .map_or(0.0, |(v, _)| v as f64)
    };
    Some(if m % 2 == 1 {
        nth(m / 2)
    } else {
        (nth(m / 2 - 1) + nth(m / 2)) / 2.0
    })
}

fn values_centre(col: &[f64], median: bool) -> Option<f64> {
    let mut col: Vec<f64> = col.iter().copied().filter(|x| !x.is_nan()).collect();
    let m = col.len();
    if m == 0 {
        None
    } else if median {
        col.sort_by(f64::total_cmp);
        Some(if m % 2 == 1 {
            col[m / 2]
        } else {
            (col[m / 2 - 1] + col[m / 2]) / 2.0
        })
    } else {
        Some(col.iter().sum::<f64>() / m as f64)
    }
}

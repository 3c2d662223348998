//! Scoring a whole batch: a kernel per scale run over blocks of respondents (in parallel
//! with the `parallel` feature), and the item medians and means that imputation needs.

use super::error::ScoringError;
use super::kernel::{self, CodeItem, CodeScale, ScoreRule, Tally, ValueItem, BLOCK, MASK_ITEMS};
use super::responses::{Cells, Responses, MISSING};
use super::scorer::{MissingPolicy, Scorer};
use super::scores::{Buffers, Fills, Scores, Values};

/// What scoring a batch needs besides the answers: the reversal constant and the
/// imputation values actually used.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// `min + max` for reverse keying.
    pub c: f64,
    /// Per item (instrument order), the raw value imputed for a missing answer.
    pub imputed: Option<Vec<f64>>,
}

/// Scores every respondent on every scale of `scorer`'s instrument.
pub(crate) fn score(
    scorer: &Scorer,
    responses: &Responses,
    plan: &Plan,
    buffers: &mut Buffers,
) -> Scores {
    let n = responses.n_respondents();
    let n_scales = scorer.columns().len();
    let mut answered = buffers.answered(n * n_scales);
    let values = match (responses.cells(), code_scales(scorer, plan)) {
        (Cells::Codes(codes), Some(scales)) => {
            let rules = rules(scorer, code_unit(plan));
            let mut sums = buffers.sums(n * n_scales);
            for_each_block(n, &mut sums, &mut answered, |s, r0, out, ans| {
                scales[s].block(codes, n, r0, out, ans, None)
            });
            Values::Sums {
                sums,
                rules,
                fills: None,
            }
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

/// Scores byte codes under `ImputeMedian` or `ImputeMean` with the batch's own item
/// medians or means, in one pass over the answers: each block's kernel sums the answered
/// items, counts the codes of each item and records each row's missing items as a bit
/// mask. Once the counts give the item medians (means), a table per scale maps a mask to
/// the total of the keyed values imputed for it. `c` is the reversal constant.
///
/// `None` when this path does not apply (other policies or storage, preset imputation
/// values, a reversal constant the byte kernel cannot use, a scale of more than
/// [`MASK_ITEMS`] items, or sums that would not fit 16 bits); the caller then imputes
/// first and scores after.
pub(crate) fn score_imputing(
    scorer: &Scorer,
    responses: &Responses,
    c: f64,
    buffers: &mut Buffers,
) -> Option<Result<Scores, ScoringError>> {
    let median = match scorer.options().missing_policy() {
        MissingPolicy::ImputeMedian => true,
        MissingPolicy::ImputeMean => false,
        _ => return None,
    };
    let Cells::Codes(codes) = responses.cells() else {
        return None;
    };
    if scorer.has_imputation_values()
        || c.fract() != 0.0
        || !(0.0..=508.0).contains(&c)
        || scorer.columns().iter().any(|cols| cols.len() > MASK_ITEMS)
    {
        return None;
    }
    let n = responses.n_respondents();
    let n_items = responses.n_items();
    let range = responses.range();
    let (lo, hi) = (range.min() as u8, range.max() as u8);
    let max_answer = scorer.instrument().range().max().ceil() as u16;
    let mut counted = vec![false; n_items];
    let scales: Vec<CodeScale> = keyed_items(scorer)
        .map(|items| {
            let items = items
                .map(|(column, reversed)| CodeItem {
                    count: !std::mem::replace(&mut counted[column], true),
                    ..CodeItem::new(column, reversed, c as u16, 0)
                })
                .collect();
            CodeScale::new(items, false, max_answer)
        })
        .collect::<Option<_>>()?;

    let n_scales = scales.len();
    let mut sums = buffers.sums(n * n_scales);
    // Each row's missing items as a bit mask, which also gives its answered count.
    let mut masks = buffers.answered(n * n_scales);
    let tallies = for_each_block(n, &mut sums, &mut masks, |s, r0, out, masks| {
        let mut tally = Tally::new(lo, hi, scales[s].items.len());
        scales[s].block(codes, n, r0, out, masks, Some(&mut tally));
        (s, tally)
    });

    // Item medians (means) from the counts; items on no scale are counted here.
    let w = usize::from(hi - lo) + 1;
    let mut counts = vec![0u64; n_items * w];
    for (s, tally) in &tallies {
        for (t, it) in scales[*s]
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.count)
        {
            let from = &tally.counts[t * w..(t + 1) * w];
            for (total, &c) in counts[it.column * w..(it.column + 1) * w]
                .iter_mut()
                .zip(from)
            {
                *total += c;
            }
        }
    }
    for j in (0..n_items).filter(|&j| !counted[j]) {
        counts[j * w..(j + 1) * w].copy_from_slice(&kernel::code_counts(
            &codes[j * n..(j + 1) * n],
            lo,
            hi,
        ));
    }
    let centres = (0..n_items)
        .map(|j| {
            codes_centre(&counts[j * w..(j + 1) * w], u64::from(lo), median).ok_or_else(|| {
                ScoringError::NothingToImpute {
                    item: responses.items()[j].clone(),
                }
            })
        })
        .collect::<Result<Vec<f64>, _>>();
    let centres = match centres {
        Ok(centres) => centres,
        Err(e) => return Some(Err(e)),
    };

    // Per scale, the keyed imputed values of its items, and the total for every mask of
    // missing items (built up in item order from the mask without its highest item).
    let tables: Vec<Vec<f64>> = keyed_items(scorer)
        .map(|items| {
            let keyed: Vec<f64> = items
                .map(|(j, reversed)| keyed_value(c, centres[j], reversed))
                .collect();
            let mut table = vec![0.0; 1 << keyed.len()];
            for m in 1..table.len() {
                let top = usize::BITS - 1 - m.leading_zeros();
                table[m] = table[m ^ (1 << top)] + keyed[top as usize];
            }
            table
        })
        .collect();
    // A total of medians is a whole or half number, so a median-imputed score (whole sum
    // plus that total, over k) is the same correctly rounded quotient as the imputed sum
    // over k would be.
    let values = Values::Sums {
        sums,
        rules: rules(scorer, 1.0),
        fills: Some(Fills::new(tables)),
    };
    Some(Ok(Scores::new(scorer, n, masks, values, Some(centres))))
}

/// Runs `f(scale, first_row, out, answered)` on every block of rows of every scale and
/// returns what it returned, scale by scale and block by block. `out` and `answered` are
/// scale-major, `n` rows per scale. With the `parallel` feature the blocks are spread
/// over threads; each block writes only its own rows, so the result is the same on any
/// number of threads.
fn for_each_block<T: Send, R: Send>(
    n: usize,
    out: &mut [T],
    answered: &mut [u16],
    f: impl Fn(usize, usize, &mut [T], &mut [u16]) -> R + Sync,
) -> Vec<R> {
    if n == 0 {
        return Vec::new();
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
            .map(|(s, r0, out, ans)| f(s, r0, out, ans))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    blocks.map(|(s, r0, out, ans)| f(s, r0, out, ans)).collect()
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
    keyed_items(scorer)
        .map(|items| {
            let items = items
                .map(|(column, reversed)| {
                    let fill = match &plan.imputed {
                        None => 0.0,
                        Some(imp) => {
                            let keyed = keyed_value(c, imp[column], reversed);
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
    keyed_items(scorer)
        .map(|items| {
            items
                .map(|(column, reversed)| ValueItem {
                    column,
                    reversed,
                    fill: plan
                        .imputed
                        .as_ref()
                        .map_or(0.0, |imp| keyed_value(plan.c, imp[column], reversed)),
                })
                .collect()
        })
        .collect()
}

/// Every scale's items as `(column, reverse keyed?)`, scales and items in the
/// instrument's order.
fn keyed_items(
    scorer: &Scorer,
) -> impl Iterator<Item = impl Iterator<Item = (usize, bool)> + '_> + '_ {
    let scales = scorer.instrument().scales();
    scales
        .iter()
        .zip(scorer.columns())
        .map(|(scale, cols)| cols.iter().copied().zip(scale.reverse().iter().copied()))
}

/// The keyed value of raw value `v`: `c − v` when reverse keyed.
fn keyed_value(c: f64, v: f64, reversed: bool) -> f64 {
    if reversed {
        c - v
    } else {
        v
    }
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

#[cfg(test)]
mod tests {
    use super::super::builtin;
    use super::super::instrument::{Instrument, Scale};
    use super::super::responses::Layout;
    use super::super::scorer::{ReverseRange, ScoringOptions};
    use super::*;
    use cocreate_stats::ResponseRange;

    /// Row-major codes over the instrument's range with about `missing` percent missing.
    fn codes(inst: &Instrument, n: usize, missing: u64, seed: u64) -> Vec<u8> {
        let (lo, hi) = (inst.range().min() as u64, inst.range().max() as u64);
        let mut state = seed;
        (0..n * inst.items().len())
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if state % 100 < missing {
                    MISSING
                } else {
                    (lo + (state >> 8) % (hi - lo + 1)) as u8
                }
            })
            .collect()
    }

    #[test]
    fn one_pass_imputation_equals_imputing_first() {
        let wide = Instrument::new(
            "wide",
            ResponseRange::new(0.0, 10.0).unwrap(),
            vec![
                Scale::new(
                    "A",
                    (0..20).map(|i| format!("a{i}")).collect(),
                    vec![true; 20],
                )
                .unwrap(),
                Scale::from_keys("B", &["b1", "-b2", "b3"]).unwrap(),
            ],
        )
        .unwrap();
        // BFI-2's facets share items with its domains; `wide` has a scale too long for
        // the bit masks (the two-pass path) next to a short one.
        for inst in [
            builtin::bfi2(),
            builtin::tipi(),
            builtin::psych_bfi25(),
            wide,
        ] {
            let n = BLOCK + 333;
            let responses =
                Responses::from_codes(&inst, n, codes(&inst, n, 15, 7), Layout::RowMajor).unwrap();
            for policy in [MissingPolicy::ImputeMedian, MissingPolicy::ImputeMean] {
                for rr in [ReverseRange::Declared, ReverseRange::Observed] {
                    let opts = ScoringOptions::new().missing(policy).reverse_range(rr);
                    let scorer = Scorer::new(&inst, opts).unwrap();
                    let once = scorer.score(&responses).unwrap();
                    let centres = once.imputation_values().unwrap().to_vec();
                    assert_eq!(
                        centres,
                        item_centres(&responses, policy == MissingPolicy::ImputeMedian).unwrap()
                    );
                    let preset = scorer.clone().with_imputation_values(centres).unwrap();
                    let twice = preset.score(&responses).unwrap();
                    if policy == MissingPolicy::ImputeMedian {
                        assert_eq!(once, twice, "{}", inst.name());
                    } else {
                        let (a, b) = (once.to_vec(), twice.to_vec());
                        for (x, y) in a.iter().zip(&b) {
                            assert!((x - y).abs() < 1e-12, "{}: {x} vs {y}", inst.name());
                        }
                    }
                    for r in (0..n).step_by(97) {
                        let one: Vec<Option<f64>> = (0..inst.items().len())
                            .map(|j| responses.get(r, j))
                            .collect();
                        let single = preset.score_respondent(&one);
                        if rr == ReverseRange::Declared {
                            let single = single.unwrap();
                            for (s, got) in single.scales.iter().enumerate() {
                                let want = once.get(r, s).unwrap();
                                assert!((got.score.unwrap() - want).abs() < 1e-12);
                            }
                        }
                    }
                }
            }
        }
    }
}

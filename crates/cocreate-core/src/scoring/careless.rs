//! Careless-response indices: who answered without reading.
//!
//! Four per-respondent indices (Meade & Craig 2012; Curran 2016; the R package
//! `careless`):
//!
//! - **longstring**: the longest run of identical consecutive answers, in item order (a
//!   missing answer ends a run);
//! - **IRV** (intra-individual response variability): the standard deviation of the
//!   respondent's answered raw items (Dunn et al. 2018);
//! - **even–odd consistency**: per scale, the mean of the odd-numbered and of the
//!   even-numbered keyed items; the correlation of the two half-scale vectors across
//!   scales, Spearman–Brown corrected, 2r/(1 + r) (Johnson 2005). High is consistent;
//!   low or negative flags carelessness;
//! - **Mahalanobis D²** of the respondent's answered items from the sample means under
//!   the pairwise-complete item covariances, with its χ² p value on as many degrees of
//!   freedom as answered items.
//!
//! ```
//! use cocreate_core::scoring::{builtin, careless, Responses};
//!
//! let inst = builtin::bfi2_xs();
//! let mut rows: Vec<Vec<Option<f64>>> = (0..30)
//!     .map(|r| (0..15).map(|j| Some(((r + 2 * j + r * j) % 5 + 1) as f64)).collect())
//!     .collect();
//! rows.push(vec![Some(3.0); 15]); // a straight-liner
//! let answers = Responses::from_rows(&inst, &rows)?;
//! let idx = careless::indices(&inst, &answers)?;
//! assert_eq!(idx[30].longstring, 15);
//! assert_eq!(idx[30].irv, Some(0.0));
//! # Ok::<(), cocreate_core::scoring::ScoringError>(())
//! ```

use std::collections::HashMap;

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::error::ScoringError;
use super::instrument::Instrument;
use super::moments::PairwiseMoments;
use super::responses::Responses;

/// Mahalanobis distance of one respondent from the sample.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Mahalanobis {
    /// D² = (x − μ)ᵀ S⁻¹ (x − μ) over the answered items.
    pub d2: f64,
    /// Degrees of freedom: the number of answered items.
    pub df: usize,
    /// Upper-tail χ² probability of D²: small values flag outlying response patterns.
    pub p: f64,
}

/// The careless-response indices of one respondent.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CarelessIndices {
    /// Longest run of identical consecutive answers.
    pub longstring: usize,
    /// Standard deviation of the answered items (`None` with fewer than two answers).
    pub irv: Option<f64>,
    /// Spearman–Brown corrected even–odd consistency (`None` with fewer than three
    /// scales having answers in both halves, or no variation across scales).
    pub even_odd: Option<f64>,
    /// Mahalanobis D² (`None` without answers or when the answered items' covariance
    /// matrix is not positive definite).
    pub mahalanobis: Option<Mahalanobis>,
}

/// Careless-response indices for every respondent, in row order.
///
/// Errors when the responses were built for another instrument or there are fewer than
/// two respondents (the Mahalanobis distance needs a sample covariance).
pub fn indices(
    inst: &Instrument,
    responses: &Responses,
) -> Result<Vec<CarelessIndices>, ScoringError> {
    responses.check_instrument(inst)?;
    let n = responses.n_respondents();
    if n < 2 {
        return Err(ScoringError::TooFewRespondents {
            what: "careless-response indices".into(),
            needed: 2,
            found: n,
        });
    }
    let k = responses.n_items();
    let mo = PairwiseMoments::compute(responses, None);
    let columns = inst.scale_columns();
    let c = inst.range().min() + inst.range().max();
    let mut cache: HashMap<Vec<bool>, Option<nalgebra::Cholesky<f64, nalgebra::Dyn>>> =
        HashMap::new();
    let mut out = Vec::with_capacity(n);
    for r in 0..n {
        let row = responses.respondent(r);
        out.push(CarelessIndices {
            longstring: longstring(&row),
            irv: irv(&row),
            even_odd: even_odd(inst, &columns, &row, c),
            mahalanobis: mahalanobis(&row, &mo, k, &mut cache),
        });
    }
    Ok(out)
}

/// Longest run of identical consecutive answers; a missing answer ends a run.
///
/// ```
/// use cocreate_core::scoring::careless::longstring;
///
/// assert_eq!(longstring(&[Some(1.0), Some(1.0), None, Some(1.0), Some(2.0), Some(2.0), Some(2.0)]), 3);
/// assert_eq!(longstring(&[None, None]), 0);
/// ```
pub fn longstring(row: &[Option<f64>]) -> usize {
    let (mut best, mut run, mut prev) = (0, 0, None);
    for v in row {
        match (v, prev) {
            (Some(x), Some(p)) if *x == p => run += 1,
            (Some(_), _) => run = 1,
            (None, _) => run = 0,
        }
        prev = *v;
        best = best.max(run);
    }
    best
}

/// Intra-individual response variability: the SD (denominator m − 1) of the answered
/// items.
///
/// ```
/// use cocreate_core::scoring::careless::irv;
///
/// assert_eq!(irv(&[Some(1.0), Some(3.0), None]), Some(2f64.sqrt()));
/// assert_eq!(irv(&[Some(1.0), None]), None);
/// ```
pub fn irv(row: &[Option<f64>]) -> Option<f64> {
    let v: Vec<f64> = row.iter().flatten().copied().collect();
    cocreate_stats::sample_sd(&v)
}

fn even_odd(inst: &Instrument, columns: &[Vec<usize>], row: &[Option<f64>], c: f64) -> Option<f64> {
    let mut odd = Vec::new();
    let mut even = Vec::new();
    for (scale, cols) in inst.scales().iter().zip(columns) {
        if cols.len() < 2 {
            continue;
        }
        let half = |parity: usize| -> Option<f64> {
            let vals: Vec<f64> = cols
                .iter()
                .zip(scale.reverse())
                .enumerate()
                .filter(|(p, _)| p % 2 == parity)
                .filter_map(|(_, (&j, &rev))| row[j].map(|x| if rev { c - x } else { x }))
                .collect();
            (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
        };
        if let (Some(o), Some(e)) = (half(0), half(1)) {
            odd.push(o);
            even.push(e);
        }
    }
    if odd.len() < 3 {
        return None;
    }
    let m = odd.len() as f64;
    let (mo, me) = (odd.iter().sum::<f64>() / m, even.iter().sum::<f64>() / m);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (o, e) in odd.iter().zip(&even) {
        sxy += (o - mo) * (e - me);
        sxx += (o - mo) * (o - mo);
        syy += (e - me) * (e - me);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    let r = sxy / (sxx * syy).sqrt();
    Some(2.0 * r / (1.0 + r))
}

fn mahalanobis(
    row: &[Option<f64>],
    mo: &PairwiseMoments,
    k: usize,
    cache: &mut HashMap<Vec<bool>, Option<nalgebra::Cholesky<f64, nalgebra::Dyn>>>,
) -> Option<Mahalanobis> {
    let pattern: Vec<bool> = row.iter().map(Option::is_some).collect();
    let idx: Vec<usize> = (0..k).filter(|&j| pattern[j]).collect();
    let m = idx.len();
    if m == 0 {
        return None;
    }
    let chol = cache
        .entry(pattern)
        .or_insert_with(|| {
            let s = DMatrix::from_fn(m, m, |a, b| mo.cov(idx[a], idx[b]));
            if s.iter().any(|v| !v.is_finite()) {
                return None;
            }
            s.cholesky()
        })
        .as_ref()?;
    let d = DVector::from_iterator(m, idx.iter().map(|&j| row[j].unwrap_or(0.0) - mo.mean[j]));
    let z = chol.solve(&d);
    let d2 = d.dot(&z);
    let p = ChiSquared::new(m as f64).ok()?.sf(d2);
    Some(Mahalanobis { d2, df: m, p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mahalanobis_of_the_mean_is_zero() {
        let inst = crate::scoring::builtin::tipi();
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 7 + 1) as f64
        };
        let rows: Vec<Vec<Option<f64>>> = (0..50)
            .map(|_| (0..10).map(|_| Some(next())).collect())
            .collect();
        let resp = Responses::from_rows(&inst, &rows).unwrap();
        let idx = indices(&inst, &resp).unwrap();
        let mut all: Vec<f64> = idx
            .iter()
            .filter_map(|i| i.mahalanobis.map(|m| m.d2))
            .collect();
        assert_eq!(all.len(), 50);
        // With complete data the mean D² is (n − 1)/n · p exactly.
        let mean = all.iter().sum::<f64>() / 50.0;
        assert!((mean - 49.0 / 50.0 * 10.0).abs() < 1e-9, "{mean}");
        all.sort_by(f64::total_cmp);
        assert!(all[0] >= 0.0);
    }

    #[test]
    fn even_odd_of_a_consistent_respondent_is_one() {
        let inst = crate::scoring::builtin::bfi2_s();
        // Half-scale means equal across halves, varying across scales.
        let cols = inst.scale_columns();
        let mut row = vec![None; 30];
        for (s, (scale, cs)) in inst.scales().iter().zip(&cols).enumerate() {
            for (&j, &rev) in cs.iter().zip(scale.reverse()) {
                let keyed = (s % 5 + 1) as f64;
                row[j] = Some(if rev { 6.0 - keyed } else { keyed });
            }
        }
        let v = even_odd(&inst, &cols, &row, 6.0).unwrap();
        assert!((v - 1.0).abs() < 1e-12);
    }
}

//! McDonald's ω total from a one-factor minimum-residual (minres) factor analysis, as
//! `psych::omega(x, nfactors = 1)` computes it.

use super::linalg::{smc, top_eigen};

/// Lower bound on a uniqueness, as in psych's minres optimiser.
const MIN_UNIQUENESS: f64 = 0.005;
/// Convergence of the principal-axis iteration: largest change of a uniqueness.
const TOLERANCE: f64 = 1e-13;
const MAX_ITERATIONS: usize = 10_000;

/// McDonald's ω total of a scale from a one-factor model, with the model itself.
///
/// ω_t = (V_t − Σ u²ᵢ) / V_t, where V_t is the sum of all elements of the (keyed)
/// inter-item correlation matrix and u²ᵢ = 1 − λᵢ² the uniquenesses of a one-factor
/// minres solution (iterated principal axes, the fixed point psych's optimiser seeks).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OmegaTotal {
    /// ω total.
    pub value: f64,
    /// Standardised loadings λᵢ on the general factor, in the scale's item order
    /// (keyed: reverse-keyed items load positively when the keys are right).
    pub loadings: Vec<f64>,
    /// Uniquenesses 1 − λᵢ².
    pub uniquenesses: Vec<f64>,
    /// Principal-axis iterations used.
    pub iterations: usize,
    /// Whether the iteration converged (|Δu²| < 1e-13).
    pub converged: bool,
    /// Whether a uniqueness hit its lower bound of 0.005 (a Heywood case).
    pub heywood: bool,
}

/// Fits the one-factor model to a keyed correlation matrix (k × k, k ≥ 3), starting
/// from uniquenesses 1 − smc (`smc`, when the caller has them already).
///
/// Each principal-axis step needs the leading eigenpair of R with 1 − ψ on the diagonal;
/// power iteration started from the previous step's eigenvector finds it in a few
/// matrix–vector products, as the matrix changes only on its diagonal and less and less.
pub(crate) fn omega_total(r: &[f64], k: usize, smc_r: Option<&[f64]>) -> Option<OmegaTotal> {
    if k < 3 || r.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let start = match smc_r {
        Some(s) => s.to_vec(),
        None => smc(r, k),
    };
    let mut psi: Vec<f64> = start
        .iter()
        .map(|s| (1.0 - s).clamp(MIN_UNIQUENESS, 1.0))
        .collect();
    let mut m = r.to_vec();
    let mut vector = vec![1.0; k];
    let mut loadings: Vec<f64>;
    let mut iterations = 0;
    let mut converged = false;
    let mut heywood = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        loadings = first_factor(&mut m, k, &psi, &mut vector)?;
        heywood = false;
        let mut change: f64 = 0.0;
        for (p, l) in psi.iter_mut().zip(&loadings) {
            let mut next = 1.0 - l * l;
            if next < MIN_UNIQUENESS {
                next = MIN_UNIQUENESS;
                heywood = true;
            }
            change = change.max((next - *p).abs());
            *p = next;
        }
        if change < TOLERANCE {
            converged = true;
            break;
        }
    }
    // The final loadings at the converged uniquenesses (psych's FAout.wls).
    loadings = first_factor(&mut m, k, &psi, &mut vector)?;
    if loadings.iter().sum::<f64>() < 0.0 {
        loadings.iter_mut().for_each(|l| *l = -*l);
    }
    let uniquenesses: Vec<f64> = loadings.iter().map(|l| 1.0 - l * l).collect();
    let vt: f64 = r.iter().sum();
    let value = (vt - uniquenesses.iter().sum::<f64>()) / vt;
    Some(OmegaTotal {
        value,
        loadings,
        uniquenesses,
        iterations,
        converged,
        heywood,
    })
}

/// Loadings of the first principal axis of R with 1 − ψ on the diagonal (`m` holds R
/// and gets the diagonal written in; `vector` is the last eigenvector, updated).
fn first_factor(m: &mut [f64], k: usize, psi: &[f64], vector: &mut Vec<f64>) -> Option<Vec<f64>> {
    for (i, p) in psi.iter().enumerate() {
        m[i * k + i] = 1.0 - p;
    }
    let (value, v) = top_eigen(m, k, vector)?;
    let scale = value.max(0.0).sqrt();
    let out = v.iter().map(|x| x * scale).collect();
    *vector = v;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_one_factor_structure_is_recovered() {
        let l = [0.8, 0.7, 0.6, 0.5];
        let k = l.len();
        let mut r = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                r[i * k + j] = if i == j { 1.0 } else { l[i] * l[j] };
            }
        }
        let om = omega_total(&r, k, None).unwrap();
        assert!(om.converged && !om.heywood);
        for (a, b) in om.loadings.iter().zip(l) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        let s: f64 = l.iter().sum();
        let expected = s * s / r.iter().sum::<f64>();
        assert!((om.value - expected).abs() < 1e-9);
    }

    #[test]
    fn too_few_items_gives_none() {
        assert!(omega_total(&[1.0, 0.5, 0.5, 1.0], 2, None).is_none());
    }
}

//! The scaled χ² difference of two nested WLSMV fits, lavaan's `lavTestLRT` default for
//! them (`method = "satorra.2000"`, scaled and shifted; Satorra, 2000; Asparouhov &
//! Muthén, 2010). Formulas: `docs/methods/sem.md` §19.
//!
//! A WLSMV fit keeps what the test needs of it ([`WlsParts`]): the Jacobian Δ of its
//! sample statistics (thresholds and correlations of every group, stacked), its expected
//! information `E = Σ_g f_g Δ_g'W_gΔ_g` and `B = Σ_g f_g Δ_g'W_gΓ_gW_gΔ_g`. For the less
//! restricted model m₁ and the restricted m₀, the restrictions are the directions of m₁'s
//! parameters that m₀ cannot follow: `A` spans the orthogonal complement of
//! `H = Δ₁⁺Δ₀` (lavaan's `lav_test_diff_A`, method "delta"). With
//! `M = E⁻¹A'(AE⁻¹A')⁻¹AE⁻¹`, `t₁ = tr(MB)`, `t₂ = tr((MB)²)` and `m = df₀ − df₁`,
//! the statistic is `a (T₀ − T₁) + b` on `m` degrees of freedom, `a = √(m/t₂)`,
//! `b = m − a t₁` (`lav_test_diff_Satorra2000`).

use nalgebra::DMatrix;

use super::inference::spd_inverse;

/// What a WLSMV fit keeps for difference tests (not serialised: a fit read back from
/// JSON cannot be compared this way).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WlsParts {
    /// ∂(thresholds, correlations of every group)/∂θ' at the estimates (M × q).
    pub jac: DMatrix<f64>,
    /// The expected information E (q × q).
    pub information: DMatrix<f64>,
    /// `Σ_g f_g Δ_g'W_gΓ_gW_gΔ_g` (q × q).
    pub b: DMatrix<f64>,
}

/// The [`WlsParts`] a fit keeps, if any. They are derived from the fit's data and do not
/// take part in comparing fits (`==`): a fit read back from JSON, which has none, equals
/// the fit it was written from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Kept(pub Option<std::sync::Arc<WlsParts>>);

impl PartialEq for Kept {
    fn eq(&self, _: &Kept) -> bool {
        true
    }
}

/// The scaled-shifted difference of `t0 − t1` on `m` degrees of freedom, with m₁'s parts
/// `less` and m₀'s `more`: `(statistic, a, b)`, or `None` when the models' statistics do
/// not line up or a matrix is singular.
pub(crate) fn satorra_2000(
    less: &WlsParts,
    more: &WlsParts,
    t_diff: f64,
    m: f64,
) -> Option<(f64, f64, f64)> {
    let (d1, d0) = (&less.jac, &more.jac);
    if d1.nrows() != d0.nrows() || m <= 0.0 {
        return None;
    }
    let q1 = d1.ncols();
    // H = Δ₁⁺Δ₀ by least squares (Δ₁ has full column rank when m₁ is identified).
    let g = spd_inverse(&(d1.transpose() * d1))?;
    let h = &g * (d1.transpose() * d0);
    // The orthogonal complement of H's columns: eigenvectors of I − P_H with eigenvalue 1.
    let svd = h.clone().svd(true, false);
    let u = svd.u?;
    let smax = svd.singular_values.iter().fold(0.0f64, |a, &b| a.max(b));
    let tol = smax * (q1.max(h.ncols()) as f64) * f64::EPSILON * 100.0;
    let mut proj = DMatrix::<f64>::identity(q1, q1);
    for (k, &s) in svd.singular_values.iter().enumerate() {
        if s > tol {
            let c = u.column(k);
            proj -= c * c.transpose();
        }
    }
    let eig = nalgebra::SymmetricEigen::new(proj);
    let keep: Vec<usize> = (0..q1).filter(|&k| eig.eigenvalues[k] > 0.5).collect();
    if keep.is_empty() {
        return None;
    }
    let a = DMatrix::from_fn(keep.len(), q1, |r, c| eig.eigenvectors[(c, keep[r])]);
    let e_inv = spd_inverse(&less.information)?;
    let ae = &a * &e_inv;
    let mid = spd_inverse(&(&ae * a.transpose()))?;
    let mm = ae.transpose() * mid * &ae;
    let mb = mm * &less.b;
    let (t1, t2) = (mb.trace(), (&mb * &mb).trace());
    let scale = (m / t2).sqrt();
    let shift = m - scale * t1;
    Some((scale * t_diff + shift, scale, shift))
}

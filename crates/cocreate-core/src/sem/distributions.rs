//! Normal and chi-square probabilities, including the noncentral chi-square that the
//! RMSEA interval needs.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use statrs::function::gamma::{gamma_lr, ln_gamma};

/// Standard normal CDF.
pub(crate) fn pnorm(x: f64) -> f64 {
    Normal::new(0.0, 1.0).expect("standard normal").cdf(x)
}

/// Standard normal quantile.
pub(crate) fn qnorm(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(p)
}

/// Two-sided p-value as lavaan computes it: `2 (1 − Φ(|z|))`.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    2.0 * (1.0 - pnorm(z.abs()))
}

/// Upper tail of the central chi-square; NaN unless `df` is positive.
pub(crate) fn pchisq_upper(x: f64, df: f64) -> f64 {
    ChiSquared::new(df).map_or(f64::NAN, |d| 1.0 - d.cdf(x.max(0.0)))
}

/// Chi-square quantile; NaN unless `df` is positive.
pub(crate) fn qchisq(p: f64, df: f64) -> f64 {
    ChiSquared::new(df).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// CDF of the noncentral chi-square with `df` degrees of freedom and noncentrality `ncp`:
/// a Poisson(ncp/2) mixture of central chi-squares with `df + 2j` degrees of freedom,
/// summed outwards from the Poisson mode. The Poisson weights and the regularised gamma
/// functions follow their one-step recurrences (`w_{j+1} = w_j λ/(j+1)`,
/// `P(a+1, x) = P(a, x) − x^a e^{−x} / Γ(a+1)`), so only the mode term is computed directly.
pub(crate) fn pnchisq(x: f64, df: f64, ncp: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let hx = x / 2.0;
    if ncp <= 0.0 {
        return gamma_lr(df / 2.0, hx);
    }
    if !(x.is_finite() && ncp.is_finite()) || ncp > MAX_EXACT_NCP || x > MAX_EXACT_NCP {
        return pnchisq_sankaran(x, df, ncp);
    }
    let lam = ncp / 2.0;
    let mode = lam.floor();
    // The weights fall below 1e-17 within about 9 standard deviations (√λ) of the mode;
    // the cap only guards against a pathological input.
    let cap = 64.0 * lam.sqrt() + 1_000.0;
    let a0 = df / 2.0 + mode;
    let w0 = (-lam + mode * lam.ln() - ln_gamma(mode + 1.0)).exp();
    let p0 = gamma_lr(a0, hx);
    // t(a) = x^a e^{-x} / Γ(a+1): P(a+1) = P(a) - t(a).
    let t0 = (a0 * hx.ln() - hx - ln_gamma(a0 + 1.0)).exp();
    let mut sum = w0 * p0;
    // Upwards.
    let (mut w, mut pa, mut t, mut j) = (w0, p0, t0, mode);
    loop {
        let a = df / 2.0 + j;
        pa -= t;
        t *= hx / (a + 1.0);
        w *= lam / (j + 1.0);
        j += 1.0;
        sum += w * pa.max(0.0);
        if (w < 1e-17 && j > lam) || j > mode + cap {
            break;
        }
    }
    // Downwards: P(a-1) = P(a) + t(a-1), t(a-1) = t(a) a / x.
    let (mut w, mut pa, mut t, mut j) = (w0, p0, t0, mode);
    while j >= 1.0 {
        let a = df / 2.0 + j;
        t *= a / hx;
        pa += t;
        w *= j / lam;
        j -= 1.0;
        sum += w * pa.min(1.0);
        if w < 1e-17 || j < mode - cap {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

/// Above this noncentrality (or χ²) the Poisson mixture would need millions of terms, each
/// with an incomplete gamma function of a huge shape; such values come only from fits that
/// are wildly wrong (a loading fixed at 1e100), where the RMSEA interval needs no more than
/// Sankaran's approximation gives.
const MAX_EXACT_NCP: f64 = 1e8;

/// Sankaran's (1963) normal approximation to the noncentral chi-square CDF, written so
/// that no intermediate overflows for huge `x` and `ncp`.
fn pnchisq_sankaran(x: f64, df: f64, ncp: f64) -> f64 {
    let mean = df + ncp;
    let b = df + 2.0 * ncp;
    let h = 1.0 - 2.0 / 3.0 * (mean / b) * ((df + 3.0 * ncp) / b);
    let p = (b / mean) / mean;
    let m = (h - 1.0) * (1.0 - 3.0 * h);
    let z = ((x / mean).powf(h) - (1.0 + h * p * (h - 1.0 - 0.5 * (2.0 - h) * m * p)))
        / (h * (2.0 * p).sqrt() * (1.0 + 0.5 * m * p));
    pnorm(z)
}

/// Root of a decreasing-or-increasing function on `[lo, hi]` by bisection refined with the
/// secant (Illinois) rule, to full double precision.
pub(crate) fn root(f: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let mut flo = f(lo);
    let mut fhi = f(hi);
    if flo == 0.0 {
        return lo;
    }
    if fhi == 0.0 {
        return hi;
    }
    let mut side = 0;
    for _ in 0..200 {
        let mid = if (fhi - flo).abs() > 0.0 {
            (lo * fhi - hi * flo) / (fhi - flo)
        } else {
            0.5 * (lo + hi)
        };
        let mid = if mid.is_finite() && mid > lo.min(hi) && mid < lo.max(hi) {
            mid
        } else {
            0.5 * (lo + hi)
        };
        let fm = f(mid);
        if fm == 0.0 || (hi - lo).abs() < 1e-14 * (1.0 + mid.abs()) {
            return mid;
        }
        if (fm > 0.0) == (flo > 0.0) {
            lo = mid;
            flo = fm;
            if side == -1 {
                fhi /= 2.0;
            }
            side = -1;
        } else {
            hi = mid;
            fhi = fm;
            if side == 1 {
                flo /= 2.0;
            }
            side = 1;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_noncentrality_is_approximated_and_finishes() {
        // Found by the sem_fit fuzz target: a regression fixed at 4.01e101 gave a χ² near
        // 1e200 and the exact mixture never finished.
        for (x, df, ncp) in [
            (1e200, 3.0, 1e200),
            (1e200, 3.0, 0.0),
            (1e9, 10.0, 1e9),
            (f64::INFINITY, 2.0, 5.0),
        ] {
            let p = pnchisq(x, df, ncp);
            assert!((0.0..=1.0).contains(&p), "{x} {df} {ncp}: {p}");
        }
        // At the switch the approximation agrees with the exact sum to about 1e-4
        // (skewness ~ 1/√λ).
        let (x, df) = (0.99e8 + 3.0 * 1e4, 5.0);
        let exact = pnchisq(x, df, 0.99e8);
        let approx = pnchisq_sankaran(x, df, 0.99e8);
        assert!((exact - approx).abs() < 1e-4, "{exact} {approx}");
    }

    #[test]
    fn noncentral_matches_known_values() {
        // R: pchisq(10, 5, ncp = 3) = 0.7388874 (computed independently as a Poisson mixture).
        let direct: f64 = (0..200)
            .map(|j| {
                let j = j as f64;
                (-1.5f64 + j * 1.5f64.ln() - ln_gamma(j + 1.0)).exp() * gamma_lr(2.5 + j, 5.0)
            })
            .sum();
        assert!((pnchisq(10.0, 5.0, 3.0) - direct).abs() < 1e-14);
        assert!((pnchisq(3.0, 4.0, 0.0) - gamma_lr(2.0, 1.5)).abs() < 1e-15);
        let r = root(&|x| x * x - 2.0, 0.0, 2.0);
        assert!((r - 2f64.sqrt()).abs() < 1e-13);
    }
}

//! The univariate and bivariate standard normal distributions: density, CDF and quantile,
//! with the bivariate CDF computed by Genz's (2004) algorithm as R's `pbivnorm` (which
//! lavaan calls) does.

use std::f64::consts::PI;

use statrs::distribution::{ContinuousCDF, Normal};

const TWO_PI: f64 = 2.0 * PI;
/// 1/√(2π).
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Standard normal density φ(x); 0 at ±∞.
pub(crate) fn dnorm(x: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Cody's (1993) rational Chebyshev approximations of Φ, the ones R's `pnorm` uses:
/// |x| ≤ 0.674 (`A`, `B`), up to √32 (`C`, `D`), beyond (`P`, `Q`).
#[allow(clippy::excessive_precision)] // the published digits
const CODY_A: [f64; 5] = [
    2.2352520354606839287,
    161.02823106855587881,
    1067.6894854603709582,
    18154.981253343561249,
    0.065682337918207449113,
];
#[allow(clippy::excessive_precision)]
const CODY_B: [f64; 4] = [
    47.20258190468824187,
    976.09855173777669322,
    10260.932208618978205,
    45507.789335026729956,
];
#[allow(clippy::excessive_precision)]
const CODY_C: [f64; 9] = [
    0.39894151208813466764,
    8.8831497943883759412,
    93.506656132177855979,
    597.27027639480026226,
    2494.5375852903726711,
    6848.1904505362823326,
    11602.651437647350124,
    9842.7148383839780218,
    1.0765576773720192317e-8,
];
#[allow(clippy::excessive_precision)]
const CODY_D: [f64; 8] = [
    22.266688044328115691,
    235.38790178262499861,
    1519.377599407554805,
    6485.558298266760755,
    18615.571640885098091,
    34900.952721145977266,
    38912.003286093271411,
    19685.429676859990727,
];
#[allow(clippy::excessive_precision)]
const CODY_P: [f64; 6] = [
    0.21589853405795699,
    0.1274011611602473639,
    0.022235277870649807,
    0.001421619193227893466,
    2.9112874951168792e-5,
    0.02307344176494017303,
];
#[allow(clippy::excessive_precision)]
const CODY_Q: [f64; 5] = [
    1.28426009614491121,
    0.468238212480865118,
    0.0659881378689285515,
    0.00378239633202758244,
    7.29751555083966205e-5,
];

/// exp(−y²/2) · `factor`, with y² split as (⌊16y⌋/16)² + rest so that the large part is
/// exact (Cody's guard against cancellation in the exponent).
fn gauss_tail(y: f64, factor: f64) -> f64 {
    let ys = (y * 16.0).trunc() / 16.0;
    let del = (y - ys) * (y + ys);
    (-ys * ys * 0.5).exp() * (-del * 0.5).exp() * factor
}

/// Standard normal CDF Φ(x) to full double precision in both tails (Cody's algorithm, as
/// R's `pnorm`); Φ(−∞) = 0, Φ(∞) = 1.
pub(crate) fn pnorm(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let y = x.abs();
    if y <= 0.674_489_75 {
        let (mut num, mut den) = (0.0, 0.0);
        if y > f64::EPSILON * 0.5 {
            let xsq = x * x;
            num = CODY_A[4] * xsq;
            den = xsq;
            for i in 0..3 {
                num = (num + CODY_A[i]) * xsq;
                den = (den + CODY_B[i]) * xsq;
            }
        }
        return 0.5 + x * (num + CODY_A[3]) / (den + CODY_B[3]);
    }
    // The smaller tail, Φ(−y).
    let tail = if y <= 32f64.sqrt() {
        let mut num = CODY_C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + CODY_C[i]) * y;
            den = (den + CODY_D[i]) * y;
        }
        gauss_tail(y, (num + CODY_C[7]) / (den + CODY_D[7]))
    } else if y < 38.5 {
        let xsq = 1.0 / (x * x);
        let mut num = CODY_P[5] * xsq;
        let mut den = xsq;
        for i in 0..4 {
            num = (num + CODY_P[i]) * xsq;
            den = (den + CODY_Q[i]) * xsq;
        }
        let r = xsq * (num + CODY_P[4]) / (den + CODY_Q[4]);
        gauss_tail(y, (FRAC_1_SQRT_2PI - r) / y)
    } else {
        0.0
    };
    if x > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Standard normal quantile Φ⁻¹(p); ±∞ at 0 and 1, exactly 0 at ½.
pub(crate) fn qnorm(p: f64) -> f64 {
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else if p == 0.5 {
        0.0
    } else {
        Normal::standard().inverse_cdf(p)
    }
}

/// Gauss–Legendre nodes (the negative half) and weights for 6, 12 and 20 points.
#[allow(clippy::excessive_precision)]
const X6: [f64; 3] = [
    -9.324_695_142_031_520_5e-1,
    -6.612_093_864_662_644_8e-1,
    -2.386_191_860_831_969_1e-1,
];
#[allow(clippy::excessive_precision)]
const W6: [f64; 3] = [
    1.713_244_923_791_703_6e-1,
    3.607_615_730_481_386e-1,
    4.679_139_345_726_910_4e-1,
];
#[allow(clippy::excessive_precision)]
const X12: [f64; 6] = [
    -9.815_606_342_467_192_4e-1,
    -9.041_172_563_704_749_1e-1,
    -7.699_026_741_943_046_9e-1,
    -5.873_179_542_866_174_8e-1,
    -3.678_314_989_981_801_8e-1,
    -1.252_334_085_114_689_1e-1,
];
#[allow(clippy::excessive_precision)]
const W12: [f64; 6] = [
    4.717_533_638_651_182_8e-2,
    1.069_393_259_953_184_3e-1,
    1.600_783_285_433_462_2e-1,
    2.031_674_267_230_659_3e-1,
    2.334_925_365_383_548e-1,
    2.491_470_458_134_027_7e-1,
];
#[allow(clippy::excessive_precision)]
const X20: [f64; 10] = [
    -9.931_285_991_850_948_9e-1,
    -9.639_719_272_779_138_1e-1,
    -9.122_344_282_513_259_5e-1,
    -8.391_169_718_222_187_8e-1,
    -7.463_319_064_601_508e-1,
    -6.360_536_807_265_150_3e-1,
    -5.108_670_019_508_271_3e-1,
    -3.737_060_887_154_195_5e-1,
    -2.277_858_511_416_450_7e-1,
    -7.652_652_113_349_733_8e-2,
];
#[allow(clippy::excessive_precision)]
const W20: [f64; 10] = [
    1.761_400_713_915_211_8e-2,
    4.060_142_980_038_693_9e-2,
    6.267_204_833_410_906_8e-2,
    8.327_674_157_670_475_5e-2,
    1.019_301_198_172_404_4e-1,
    1.181_945_319_615_184_1e-1,
    1.316_886_384_491_766_4e-1,
    1.420_961_093_183_820_4e-1,
    1.491_729_864_726_037_4e-1,
    1.527_533_871_307_258_4e-1,
];

/// P(X > h, Y > k) for a standard bivariate normal with correlation `r` (Genz 2004,
/// after Drezner & Wesolowsky 1990): Gauss–Legendre quadrature of Plackett's identity in
/// asin(r) for |r| < 0.925, and of the Drezner–Wesolowsky expansion around |r| = 1 above;
/// 6, 12 or 20 nodes as |r| grows. Absolute error about 1e-15.
fn upper_orthant(h: f64, k: f64, r: f64) -> f64 {
    let (x, w): (&[f64], &[f64]) = if r.abs() < 0.3 {
        (&X6, &W6)
    } else if r.abs() < 0.75 {
        (&X12, &W12)
    } else {
        (&X20, &W20)
    };
    let mut hk = h * k;
    if r.abs() < 0.925 {
        let hs = (h * h + k * k) / 2.0;
        let asr = r.asin();
        let mut bvn = 0.0;
        for (&xi, &wi) in x.iter().zip(w) {
            for node in [xi, -xi] {
                let sn = (asr * (node + 1.0) / 2.0).sin();
                bvn += wi * ((sn * hk - hs) / (1.0 - sn * sn)).exp();
            }
        }
        return bvn * asr / (2.0 * TWO_PI) + pnorm(-h) * pnorm(-k);
    }
    let mut k = k;
    if r < 0.0 {
        k = -k;
        hk = -hk;
    }
    let mut bvn = 0.0;
    if r.abs() < 1.0 {
        let a2 = (1.0 - r) * (1.0 + r);
        let mut a = a2.sqrt();
        let bs = (h - k) * (h - k);
        let c = (4.0 - hk) / 8.0;
        let d = (12.0 - hk) / 16.0;
        bvn = a
            * (-(bs / a2 + hk) / 2.0).exp()
            * (1.0 - c * (bs - a2) * (1.0 - d * bs / 5.0) / 3.0 + c * d * a2 * a2 / 5.0);
        if hk > -160.0 {
            let b = bs.sqrt();
            bvn -= (-hk / 2.0).exp()
                * TWO_PI.sqrt()
                * pnorm(-b / a)
                * b
                * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
        }
        a /= 2.0;
        for (&xi, &wi) in x.iter().zip(w) {
            let xs = (a * (xi + 1.0)).powi(2);
            let rs = (1.0 - xs).sqrt();
            bvn += a
                * wi
                * ((-bs / (2.0 * xs) - hk / (1.0 + rs)).exp() / rs
                    - (-(bs / xs + hk) / 2.0).exp() * (1.0 + c * xs * (1.0 + d * xs)));
            let xs = a2 * (1.0 - xi).powi(2) / 4.0;
            let rs = (1.0 - xs).sqrt();
            bvn += a
                * wi
                * (-(bs / xs + hk) / 2.0).exp()
                * ((-hk * (1.0 - rs) / (2.0 * (1.0 + rs))).exp() / rs
                    - (1.0 + c * xs * (1.0 + d * xs)));
        }
        bvn = -bvn / TWO_PI;
    }
    if r > 0.0 {
        bvn + pnorm(-h.max(k))
    } else {
        -bvn + (pnorm(-h) - pnorm(-k)).max(0.0)
    }
}

/// The standard bivariate normal CDF P(X ≤ x, Y ≤ y) with correlation `rho`, as R's
/// `pbivnorm::pbivnorm(x, y, rho)` computes it (Genz's algorithm; absolute error about
/// 1e-15). Infinite bounds are allowed; `rho` must lie in [−1, 1] (NaN otherwise).
///
/// ```
/// use cocreate_core::ordinal::pbivnorm;
///
/// // Independent: the product of the margins.
/// assert!((pbivnorm(0.0, 0.0, 0.0) - 0.25).abs() < 1e-15);
/// // Sheppard's formula at the origin: 1/4 + asin(rho) / (2 pi).
/// let r: f64 = 0.6;
/// assert!((pbivnorm(0.0, 0.0, r) - (0.25 + r.asin() / (2.0 * std::f64::consts::PI))).abs() < 1e-15);
/// ```
pub fn pbivnorm(x: f64, y: f64, rho: f64) -> f64 {
    if !(-1.0..=1.0).contains(&rho) || x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        return 0.0;
    }
    if x == f64::INFINITY {
        return pnorm(y);
    }
    if y == f64::INFINITY {
        return pnorm(x);
    }
    if rho == 1.0 {
        return pnorm(x.min(y));
    }
    if rho == -1.0 {
        return (pnorm(x) - pnorm(-y)).max(0.0);
    }
    upper_orthant(-x, -y, rho).clamp(0.0, 1.0)
}

/// Φ₂ at many points for one ρ: the part of Genz's algorithm that depends on ρ alone
/// (the quadrature nodes of Plackett's identity, sin and asin) computed once, so that a
/// whole table of cell probabilities costs one exponential per node and point.
pub(crate) struct BivariateCdf {
    rho: f64,
    /// (sin of the node's angle, 1 / (1 − sin²), weight); empty when |ρ| ≥ 0.925.
    nodes: Vec<(f64, f64, f64)>,
    /// asin(ρ) / (4π).
    scale: f64,
}

impl BivariateCdf {
    pub(crate) fn new(rho: f64) -> BivariateCdf {
        let mut nodes = Vec::new();
        let mut scale = 0.0;
        if rho.abs() < 0.925 {
            let (x, w): (&[f64], &[f64]) = if rho.abs() < 0.3 {
                (&X6, &W6)
            } else if rho.abs() < 0.75 {
                (&X12, &W12)
            } else {
                (&X20, &W20)
            };
            let asr = rho.asin();
            for (&xi, &wi) in x.iter().zip(w) {
                for node in [xi, -xi] {
                    let sn = (asr * (node + 1.0) / 2.0).sin();
                    nodes.push((sn, 1.0 / (1.0 - sn * sn), wi));
                }
            }
            scale = asr / (2.0 * TWO_PI);
        }
        BivariateCdf { rho, nodes, scale }
    }

    /// P(X ≤ x, Y ≤ y) for finite `x`, `y` whose Φ are `px`, `py` (the value of
    /// [`pbivnorm`], up to rounding).
    pub(crate) fn cdf(&self, x: f64, y: f64, px: f64, py: f64) -> f64 {
        if self.nodes.is_empty() {
            return pbivnorm(x, y, self.rho);
        }
        let hk = x * y;
        let hs = (x * x + y * y) / 2.0;
        let sum: f64 = self
            .nodes
            .iter()
            .map(|&(sn, inv, w)| w * ((sn * hk - hs) * inv).exp())
            .sum();
        (sum * self.scale + px * py).clamp(0.0, 1.0)
    }
}

/// The standard bivariate normal density φ₂(u, v; ρ) with lavaan's guard: |ρ| is capped
/// at 0.9999 (lavaan's `dbinorm`). 0 when `u` or `v` is infinite.
pub(crate) fn dbinorm(u: f64, v: f64, rho: f64) -> f64 {
    if u.is_infinite() || v.is_infinite() {
        return 0.0;
    }
    let rho = rho.clamp(-0.9999, 0.9999);
    let r = 1.0 - rho * rho;
    (-0.5 * (u * u - 2.0 * rho * u * v + v * v) / r).exp() / (TWO_PI * r.sqrt())
}

/// ∂ log φ₂(u, v; ρ)/∂ρ = (uv(1−ρ²) − ρ(u² − 2ρuv + v²) + ρ(1−ρ²)) / (1−ρ²)², so that
/// ∂φ₂/∂ρ = φ₂ · this (lavaan's `guv`). Only called at finite `u`, `v`.
pub(crate) fn dlog_dbinorm_drho(u: f64, v: f64, rho: f64) -> f64 {
    let r = 1.0 - rho * rho;
    (u * v * r - rho * (u * u - 2.0 * rho * u * v + v * v) + rho * r) / (r * r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gauss–Legendre rules integrate polynomials up to degree 2n − 1 exactly.
    #[test]
    fn nodes_integrate_polynomials() {
        for (x, w, n) in [
            (&X6[..], &W6[..], 6),
            (&X12[..], &W12[..], 12),
            (&X20[..], &W20[..], 20),
        ] {
            for deg in (0..2 * n).step_by(2) {
                let sum: f64 = x
                    .iter()
                    .zip(w)
                    .map(|(&xi, &wi)| 2.0 * wi * xi.powi(deg))
                    .sum();
                let exact = 2.0 / (deg as f64 + 1.0);
                assert!((sum - exact).abs() < 1e-14, "n {n} degree {deg}: {sum}");
            }
        }
    }

    #[test]
    fn symmetries_and_limits() {
        for &(x, y) in &[(-1.3, 0.4), (0.2, 2.1), (-2.5, -0.7), (1.0, 1.0)] {
            for &r in &[
                -0.99, -0.93, -0.8, -0.5, -0.1, 0.0, 0.25, 0.6, 0.8, 0.93, 0.99,
            ] {
                let p = pbivnorm(x, y, r);
                // Exchangeable in (x, y).
                assert!((p - pbivnorm(y, x, r)).abs() < 1e-15);
                // P(X ≤ x, Y ≤ y) + P(X ≤ x, Y > y) = Φ(x), and P(X ≤ x, −Y < −y) has −ρ.
                let q = pnorm(x) - pbivnorm(x, -y, -r);
                assert!((p - q).abs() < 1e-14, "{x} {y} {r}: {p} vs {q}");
                assert!((0.0..=1.0).contains(&p));
            }
            assert!((pbivnorm(x, y, 0.0) - pnorm(x) * pnorm(y)).abs() < 1e-15);
        }
        assert_eq!(pbivnorm(f64::NEG_INFINITY, 0.3, 0.5), 0.0);
        assert_eq!(pbivnorm(f64::INFINITY, 0.3, 0.5), pnorm(0.3));
        assert!(pbivnorm(0.0, 0.0, 1.5).is_nan());
    }

    /// The derivative of Φ₂ in ρ is φ₂ (Plackett), checked by central differences, and the
    /// derivative of φ₂ in ρ is φ₂ · `dlog_dbinorm_drho`.
    #[test]
    fn derivatives_in_rho() {
        for &(x, y) in &[(-1.3, 0.4), (0.2, 2.1), (0.7, 0.9)] {
            for &r in &[-0.8, -0.3, 0.1, 0.5, 0.85, 0.95] {
                let h = 1e-6;
                let num = (pbivnorm(x, y, r + h) - pbivnorm(x, y, r - h)) / (2.0 * h);
                assert!((num - dbinorm(x, y, r)).abs() < 1e-8, "{x} {y} {r}");
                let num = (dbinorm(x, y, r + h) - dbinorm(x, y, r - h)) / (2.0 * h);
                let ana = dbinorm(x, y, r) * dlog_dbinorm_drho(x, y, r);
                assert!((num - ana).abs() < 1e-7, "{x} {y} {r}");
            }
        }
    }

    /// R's `pnorm` at points in every branch of Cody's algorithm.
    #[test]
    fn pnorm_matches_r() {
        let r: [(f64, f64, f64); 21] = [
            (-38.0, 0.0, 1.0),
            (-20.0, 2.753_624_118_606_233_7e-89, 1.0),
            (-9.3, 7.022_284_240_441_625e-21, 1.0),
            (-5.7, 5.990_371_401_063_528e-9, 9.999_999_940_096_286e-1),
            (-5.6, 1.071_759_025_831_093e-8, 9.999_999_892_824_097e-1),
            (-3.1, 9.676_032_132_183_563e-4, 9.990_323_967_867_817e-1),
            (-1.96, 2.499_789_514_822_042_8e-2, 9.750_021_048_517_796e-1),
            (-0.674, 2.501_556_568_403_226e-1, 7.498_443_431_596_774e-1),
            (-0.6745, 2.499_967_428_636_992e-1, 7.500_032_571_363_008e-1),
            (-0.3, 3.820_885_778_110_473e-1, 6.179_114_221_889_527e-1),
            (0.0, 0.5, 0.5),
            (1e-10, 5.000_000_000_398_942e-1, 4.999_999_999_601_057_5e-1),
            (0.25, 5.987_063_256_829_237e-1, 4.012_936_743_170_763e-1),
            (0.67, 7.485_711_049_046_899e-1, 2.514_288_950_953_101_3e-1),
            (0.7, 7.580_363_477_769_27e-1, 2.419_636_522_230_729_8e-1),
            (1.3, 9.031_995_154_143_897e-1, 9.680_048_458_561_034e-2),
            (2.2, 9.860_965_524_865_014e-1, 1.390_344_751_349_860_6e-2),
            (4.9, 9.999_995_208_167_234e-1, 4.791_832_765_903_19e-7),
            (5.66, 9.999_999_924_313_503e-1, 7.568_649_751_997_714e-9),
            (7.5, 9.999_999_999_999_681e-1, 3.190_891_672_910_896_4e-14),
            (12.0, 1.0, 1.776_482_112_077_679e-33),
        ];
        for (x, lower, upper) in r {
            let (p, q) = (pnorm(x), pnorm(-x));
            assert!(
                (p - lower).abs() <= 2e-16 * lower.max(1e-300) + 1e-300,
                "Φ({x}) = {p:e}, R {lower:e}"
            );
            assert!(
                (q - upper).abs() <= 2e-16 * upper.max(1e-300) + 1e-300,
                "Φ(−{x}) = {q:e}, R {upper:e}"
            );
        }
    }

    #[test]
    fn batched_cdf_agrees() {
        for &r in &[-0.93, -0.9, -0.5, -0.1, 0.0, 0.2, 0.6, 0.8, 0.92, 0.95] {
            let b = BivariateCdf::new(r);
            for &(x, y) in &[
                (-1.3, 0.4),
                (0.2, 2.1),
                (-2.5, -0.7),
                (1.0, 1.0),
                (3.2, -3.1),
            ] {
                let d = (b.cdf(x, y, pnorm(x), pnorm(y)) - pbivnorm(x, y, r)).abs();
                assert!(d < 4e-16, "{x} {y} {r}: {d:e}");
            }
        }
    }

    #[test]
    fn univariate() {
        assert_eq!(qnorm(0.5), 0.0);
        assert!((qnorm(0.975) - 1.959_963_984_540_054).abs() < 1e-14);
        assert!((pnorm(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        assert_eq!(pnorm(f64::INFINITY), 1.0);
        assert_eq!(pnorm(f64::NEG_INFINITY), 0.0);
        assert_eq!(dnorm(f64::INFINITY), 0.0);
    }
}

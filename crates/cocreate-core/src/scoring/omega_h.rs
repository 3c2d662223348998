//! McDonald's ω hierarchical from a Schmid–Leiman transformation, as
//! `psych::omega(x, nfactors = k)` computes it: minres factoring, varimax, oblimin by
//! gradient projection (GPArotation's defaults), a second-order factor of the factor
//! correlations, and the Schmid–Leiman loadings. Formulas and sources:
//! `docs/methods/scoring.md`.

use std::fmt;

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::linalg::smc;
use crate::data::{DataError, Table};

/// Most items accepted (the work grows with the cube of the item count).
pub const MAX_OMEGA_ITEMS: usize = 500;
/// Most factors accepted.
pub const MAX_OMEGA_FACTORS: usize = 50;

const MIN_UNIQUENESS: f64 = 0.005;
const MINRES_TOLERANCE: f64 = 1e-12;
const MINRES_MAX_ITERATIONS: usize = 100_000;
/// stats::varimax: relative change of the criterion, at most 1000 iterations.
const VARIMAX_EPS: f64 = 1e-5;
/// GPArotation::oblimin defaults.
const GPA_EPS: f64 = 1e-5;
const GPA_MAX_ITERATIONS: usize = 1000;

/// Why ω hierarchical could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OmegaError {
    /// Fewer than two group factors.
    #[error("omega hierarchical needs at least 2 group factors (nfactors = {nfactors}); with one factor use omega total")]
    TooFewFactors {
        /// Factors requested.
        nfactors: usize,
    },
    /// More factors than allowed.
    #[error("nfactors = {nfactors} is more than the {max} supported")]
    TooManyFactors {
        /// Requested.
        nfactors: usize,
        /// Limit.
        max: usize,
    },
    /// Fewer than three items per factor.
    #[error("{items} items cannot identify {nfactors} factors: at least 3 items per factor ({needed}) are needed")]
    TooFewItems {
        /// Items given.
        items: usize,
        /// Factors requested.
        nfactors: usize,
        /// 3 × nfactors.
        needed: usize,
    },
    /// More items than allowed.
    #[error("{items} items are more than the {max} supported")]
    TooManyItemsForLimit {
        /// Items given.
        items: usize,
        /// Limit.
        max: usize,
    },
    /// The correlation matrix is not square with one row per item.
    #[error("invalid correlation matrix: it is {rows} × {cols} but {items} item names were given")]
    MatrixSize {
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        cols: usize,
        /// Item names given.
        items: usize,
    },
    /// A loading table's values do not have one row per row name and one value per
    /// column name.
    #[error("a loading table with {row_names} row names and {col_names} column names has {rows} rows, row {row} of them with {found} values")]
    TableShape {
        /// Row names.
        row_names: usize,
        /// Column names.
        col_names: usize,
        /// Rows of values.
        rows: usize,
        /// The first row (1-based) of the wrong length, or 0 when the row count is wrong.
        row: usize,
        /// Its number of values.
        found: usize,
    },
    /// An entry of the correlation matrix is infinite or NaN.
    #[error("invalid correlation matrix: the entry for {first:?} and {second:?} is not finite")]
    NonFinite {
        /// Row item.
        first: String,
        /// Column item.
        second: String,
    },
    /// The correlation matrix is not symmetric.
    #[error("invalid correlation matrix: it is not symmetric at {first:?} and {second:?}")]
    Asymmetric {
        /// Row item.
        first: String,
        /// Column item.
        second: String,
    },
    /// An item's variance (diagonal entry) is not positive.
    #[error("invalid correlation matrix: {item:?} has a variance of {variance}")]
    NoVariance {
        /// The item.
        item: String,
        /// Its diagonal entry.
        variance: f64,
    },
    /// A pair of items has fewer than 3 rows answered by both.
    #[error("the correlation of {a:?} and {b:?} is undefined: only {rows} rows answer both")]
    TooFewPairs {
        /// First item.
        a: String,
        /// Second item.
        b: String,
        /// Rows answering both.
        rows: usize,
    },
    /// An item has no variance in the rows answering it and another item.
    #[error("the correlation of {a:?} and {b:?} is undefined: {constant:?} has no variance in the rows answering both")]
    ConstantInPairs {
        /// First item.
        a: String,
        /// Second item.
        b: String,
        /// The item without variance (`a` or `b`).
        constant: String,
    },
    /// The data could not be read.
    #[error("data error: {0}")]
    Data(#[from] DataError),
    /// The eigendecomposition behind the principal axes did not converge.
    #[error("numerical failure: the eigen decomposition did not converge")]
    EigenNotConverged,
    /// The oblimin rotation matrix became singular.
    #[error("numerical failure: the rotation matrix became singular")]
    SingularRotation,
}

/// One row of psych's `omega.group` table.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OmegaGroup {
    /// `g` or `F1*`..`Fk*`.
    pub factor: String,
    /// ω total of the items (of the group: those loading most on it).
    pub total: Option<f64>,
    /// Share from the general factor.
    pub general: Option<f64>,
    /// Share from the group factor(s).
    pub group: Option<f64>,
}

/// A loading or correlation matrix with row and column names, laid out as psych's
/// printed matrices (and the references) are.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::LoadingTableRepr")
)]
#[non_exhaustive]
pub struct LoadingTable {
    /// Row names.
    pub rownames: Vec<String>,
    /// Column names.
    pub colnames: Vec<String>,
    /// Rows of values.
    pub values: Vec<Vec<f64>>,
}

/// ω hierarchical and the Schmid–Leiman solution (psych `omega`).
///
/// Serialised with psych's names; the per-item vectors (`g`, `group_loadings`, `h2`,
/// `u2`, `p2`) are the columns of `schmid_leiman` and are read back from it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::OmegaHierarchicalRepr")
)]
#[non_exhaustive]
pub struct OmegaHierarchical {
    /// Item names, in input order.
    pub items: Vec<String>,
    /// Number of group factors.
    pub nfactors: usize,
    /// ω_h = (Σ g)² / V_t.
    pub omega_h: f64,
    /// ω total = (V_t − Σ u²) / V_t.
    pub omega_total: f64,
    /// Standardised α of the (flipped) items.
    pub alpha: f64,
    /// Guttman's λ6 of the (flipped) items.
    #[cfg_attr(feature = "serde", serde(rename = "G6"))]
    pub g6: f64,
    /// ω limit = (Σ g)² / (V_t − Σ u²).
    pub omega_lim: f64,
    /// Explained common variance of the general factor.
    #[cfg_attr(feature = "serde", serde(rename = "ECV"))]
    pub ecv: f64,
    /// psych's `omega.group`: g, then each group factor.
    pub omega_group: Vec<OmegaGroup>,
    /// Schmid–Leiman general loadings (after flipping), per item.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub g: Vec<f64>,
    /// Schmid–Leiman group loadings, per item (rows) and factor (columns).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub group_loadings: Vec<Vec<f64>>,
    /// Communalities h².
    #[cfg_attr(feature = "serde", serde(skip))]
    pub h2: Vec<f64>,
    /// Uniquenesses u² = 1 − h².
    #[cfg_attr(feature = "serde", serde(skip))]
    pub u2: Vec<f64>,
    /// g² / h².
    #[cfg_attr(feature = "serde", serde(skip))]
    pub p2: Vec<f64>,
    /// Items reversed because their general loading was negative (psych `flip = TRUE`).
    pub flipped_items: Vec<String>,
    /// psych's `schmid$sl`: rows = items (flipped ones with a trailing `-`), columns
    /// g, F1*..Fk*, h2, u2, p2 (the same numbers as the fields above).
    pub schmid_leiman: LoadingTable,
    /// Oblique (oblimin) pattern loadings, items × F1..Fk.
    pub oblique_loadings: LoadingTable,
    /// Correlations of the oblique factors, F1..Fk.
    pub oblique_phi: LoadingTable,
    /// Loadings of the oblique factors on the second-order general factor (F1..Fk × g).
    pub second_order_gloading: LoadingTable,
    /// Whether minres, varimax and oblimin converged.
    pub converged: bool,
    /// Warnings (two factors: general loadings set equal; non-convergence; Heywood cases).
    pub warnings: Vec<String>,
}

/// ω hierarchical of `items` of `data`, from pairwise-complete correlations (psych's
/// default for raw data).
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::scoring::omega_hierarchical_from_table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..300).map(|i| {
/// #     let t = i as f64; let g = (t * 0.37).sin();
/// #     let f = [(t * 1.3).cos(), (t * 2.1).sin(), (t * 0.71).cos()];
/// #     (0..9).map(|j| Some(0.6 * g + 0.5 * f[j / 3] + 0.4 * (t * (j as f64 + 3.3)).sin())).collect() }).collect();
/// # let names: Vec<String> = (1..=9).map(|j| format!("x{j}")).collect();
/// # let data = Table::new(names.clone(), rows)?;
/// let om = omega_hierarchical_from_table(&data, &names, 3)?;
/// assert!(om.omega_h > 0.0 && om.omega_h <= om.omega_total);
/// println!("{om}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn omega_hierarchical_from_table(
    data: &Table,
    items: &[String],
    nfactors: usize,
) -> Result<OmegaHierarchical, OmegaError> {
    check_sizes(items.len(), nfactors)?;
    let sel = data.select(items)?;
    let r = pairwise_correlations(&sel, items)?;
    omega_hierarchical(&r, items, nfactors)
}

/// ω hierarchical from a correlation matrix (a covariance matrix is rescaled).
pub fn omega_hierarchical(
    r: &DMatrix<f64>,
    items: &[String],
    nfactors: usize,
) -> Result<OmegaHierarchical, OmegaError> {
    let p = items.len();
    check_sizes(p, nfactors)?;
    if r.nrows() != p || r.ncols() != p {
        return Err(OmegaError::MatrixSize {
            rows: r.nrows(),
            cols: r.ncols(),
            items: p,
        });
    }
    for i in 0..p {
        for j in 0..p {
            let v = r[(i, j)];
            if !v.is_finite() {
                return Err(OmegaError::NonFinite {
                    first: crate::data::excerpt(&items[i]),
                    second: crate::data::excerpt(&items[j]),
                });
            }
            if (v - r[(j, i)]).abs() > 1e-8 * (1.0 + v.abs()) {
                return Err(OmegaError::Asymmetric {
                    first: crate::data::excerpt(&items[i]),
                    second: crate::data::excerpt(&items[j]),
                });
            }
        }
        if r[(i, i)] <= 0.0 {
            return Err(OmegaError::NoVariance {
                item: crate::data::excerpt(&items[i]),
                variance: r[(i, i)],
            });
        }
    }
    let d: Vec<f64> = (0..p).map(|i| r[(i, i)].sqrt()).collect();
    let r = DMatrix::from_fn(p, p, |i, j| {
        if i == j {
            1.0
        } else {
            r[(i, j)] / (d[i] * d[j])
        }
    });
    let mut warnings = Vec::new();
    let k = nfactors;

    // 1. minres, 2. varimax (psych's fa(rotate = "varimax") inside schmid).
    let (unrotated, mr_conv, heywood) = minres(&r, k)?;
    if heywood {
        warnings.push("a uniqueness reached its lower bound 0.005 (a Heywood case)".into());
    }
    let signed = sign_columns(unrotated);
    let (vm, vm_conv) = varimax(&signed);
    let orth = order_columns(sign_columns(vm));
    // 3. oblimin (quartimin) by gradient projection from the varimax solution.
    let (fload, phi, gpa_conv) = gpa_oblimin(&orth)?;
    if !gpa_conv {
        warnings.push(format!(
            "oblimin did not converge in {GPA_MAX_ITERATIONS} iterations"
        ));
    }
    // 4. Second-order loadings of the factors on g.
    let gload: Vec<f64> = if k > 2 {
        let pr: Vec<f64> = phi.iter().copied().collect();
        let (l, _, _) = minres(&DMatrix::from_column_slice(k, k, &pr), 1)?;
        let mut g: Vec<f64> = l.column(0).iter().copied().collect();
        if g.iter().sum::<f64>() < 0.0 {
            g.iter_mut().for_each(|v| *v = -*v);
        }
        g
    } else {
        warnings.push(
            "three factors are needed for identification: with two, the general loadings of both factors are set equal (psych option \"equal\")"
                .into(),
        );
        let c = phi[(0, 1)];
        vec![c.abs().sqrt(), c.signum() * c.abs().sqrt()]
    };
    // 5. Schmid–Leiman.
    let mut g: Vec<f64> = (0..p)
        .map(|i| (0..k).map(|f| fload[(i, f)] * gload[f]).sum())
        .collect();
    let h2: Vec<f64> = (0..p)
        .map(|i| (0..k).map(|f| orth[(i, f)].powi(2)).sum())
        .collect();
    let u2: Vec<f64> = h2.iter().map(|h| 1.0 - h).collect();
    let mut group: Vec<Vec<f64>> = (0..p)
        .map(|i| {
            (0..k)
                .map(|f| {
                    let l = fload[(i, f)];
                    let v = (l * l - (l * gload[f]).powi(2)).max(0.0);
                    sign(l) * v.sqrt()
                })
                .collect()
        })
        .collect();
    // g² ≤ h², so an item without common variance has p² = 0 (psych divides 0 by 0).
    let p2: Vec<f64> = g
        .iter()
        .zip(&h2)
        .map(|(g, h)| if *h > 0.0 { g * g / h } else { 0.0 })
        .collect();
    let no_common: Vec<&str> = items
        .iter()
        .zip(&h2)
        .filter(|(_, h)| **h <= 0.0)
        .map(|(n, _)| n.as_str())
        .collect();
    if !no_common.is_empty() {
        warnings.push(format!(
            "no common variance (h2 = 0) in {}; their p2 is set to 0",
            no_common.join(", ")
        ));
    }
    // 6. Flip items with negative general loadings.
    let key: Vec<f64> = g
        .iter()
        .map(|v| if *v < 0.0 { -1.0 } else { 1.0 })
        .collect();
    let flipped_items: Vec<String> = items
        .iter()
        .zip(&key)
        .filter(|(_, s)| **s < 0.0)
        .map(|(n, _)| n.clone())
        .collect();
    for i in 0..p {
        g[i] *= key[i];
        group[i].iter_mut().for_each(|v| *v *= key[i]);
    }
    let m = DMatrix::from_fn(p, p, |i, j| r[(i, j)] * key[i] * key[j]);
    let vt = m.sum();
    let sum_g: f64 = g.iter().sum();
    let gsq = sum_g * sum_g;
    let uniq: f64 = u2.iter().sum();
    let pf = p as f64;
    let msl: Vec<f64> = m.iter().copied().collect();
    let sum_smc: f64 = smc(&msl, p).iter().sum();
    let ev_g: f64 = g.iter().map(|v| v * v).sum();
    let ev_all: f64 = ev_g + group.iter().flatten().map(|v| v * v).sum::<f64>();
    let omega_total = (vt - uniq) / vt;
    // omega.group: items assigned to the group factor they load most on.
    let assign: Vec<usize> = group
        .iter()
        .map(|row| {
            let mut best = 0;
            for f in 1..k {
                if row[f].abs() > row[best].abs() {
                    best = f;
                }
            }
            best
        })
        .collect();
    let mut omega_group = Vec::with_capacity(k + 1);
    let mut grs = 0.0;
    let mut rows = Vec::new();
    for f in 0..k {
        let idx: Vec<usize> = (0..p).filter(|&i| assign[i] == f).collect();
        let name = format!("F{}*", f + 1);
        if idx.is_empty() {
            rows.push(OmegaGroup {
                factor: name,
                total: None,
                general: None,
                group: None,
            });
            continue;
        }
        let vgr: f64 = idx
            .iter()
            .map(|&a| idx.iter().map(|&b| m[(a, b)]).sum::<f64>())
            .sum();
        let gr: f64 = idx.iter().map(|&i| group[i][f]).sum();
        let gg: f64 = idx.iter().map(|&i| g[i]).sum();
        grs += gr * gr;
        rows.push(OmegaGroup {
            factor: name,
            total: Some((gr * gr + gg * gg) / vgr),
            general: Some(gg * gg / vgr),
            group: Some(gr * gr / vgr),
        });
    }
    omega_group.push(OmegaGroup {
        factor: "g".into(),
        total: Some(omega_total),
        general: Some(gsq / vt),
        group: Some(grs / vt),
    });
    omega_group.extend(rows);
    if !mr_conv {
        warnings.push("minres did not converge".into());
    }
    if !vm_conv {
        warnings.push("varimax did not converge in 1000 iterations".into());
    }
    let fnames: Vec<String> = (1..=k).map(|f| format!("F{f}")).collect();
    let schmid_leiman = LoadingTable {
        rownames: items
            .iter()
            .zip(&key)
            .map(|(n, s)| if *s < 0.0 { format!("{n}-") } else { n.clone() })
            .collect(),
        colnames: std::iter::once("g".to_string())
            .chain(fnames.iter().map(|f| format!("{f}*")))
            .chain(["h2", "u2", "p2"].map(String::from))
            .collect(),
        values: (0..p)
            .map(|i| {
                std::iter::once(g[i])
                    .chain(group[i].iter().copied())
                    .chain([h2[i], u2[i], p2[i]])
                    .collect()
            })
            .collect(),
    };
    Ok(OmegaHierarchical {
        items: items.to_vec(),
        nfactors: k,
        omega_h: gsq / vt,
        omega_total,
        alpha: (vt - pf) / vt * (pf / (pf - 1.0)),
        g6: (vt + sum_smc - pf) / vt,
        omega_lim: gsq / (vt - uniq),
        ecv: ev_g / ev_all,
        omega_group,
        g,
        group_loadings: group,
        h2,
        u2,
        p2,
        flipped_items,
        schmid_leiman,
        oblique_loadings: LoadingTable {
            rownames: items.to_vec(),
            colnames: fnames.clone(),
            values: (0..p)
                .map(|i| (0..k).map(|f| fload[(i, f)]).collect())
                .collect(),
        },
        oblique_phi: LoadingTable {
            rownames: fnames.clone(),
            colnames: fnames.clone(),
            values: (0..k)
                .map(|a| (0..k).map(|b| phi[(a, b)]).collect())
                .collect(),
        },
        second_order_gloading: LoadingTable {
            rownames: fnames,
            colnames: vec!["g".into()],
            values: gload.iter().map(|v| vec![*v]).collect(),
        },
        converged: mr_conv && vm_conv && gpa_conv,
        warnings,
    })
}

fn check_sizes(p: usize, k: usize) -> Result<(), OmegaError> {
    if k < 2 {
        return Err(OmegaError::TooFewFactors { nfactors: k });
    }
    if k > MAX_OMEGA_FACTORS {
        return Err(OmegaError::TooManyFactors {
            nfactors: k,
            max: MAX_OMEGA_FACTORS,
        });
    }
    if p > MAX_OMEGA_ITEMS {
        return Err(OmegaError::TooManyItemsForLimit {
            items: p,
            max: MAX_OMEGA_ITEMS,
        });
    }
    if p < 3 * k {
        return Err(OmegaError::TooFewItems {
            items: p,
            nfactors: k,
            needed: 3 * k,
        });
    }
    Ok(())
}

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// R's `cor(x, use = "pairwise")`: each pair over the rows where both are present.
fn pairwise_correlations(t: &Table, items: &[String]) -> Result<DMatrix<f64>, OmegaError> {
    let p = items.len();
    let n = t.n_rows();
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|c| (0..n).map(|r| t.get(r, c).unwrap_or(f64::NAN)).collect())
        .collect();
    let mut r = DMatrix::<f64>::identity(p, p);
    for a in 0..p {
        for b in a + 1..p {
            let (mut cnt, mut sa, mut sb) = (0usize, 0.0, 0.0);
            for i in 0..n {
                let (x, y) = (cols[a][i], cols[b][i]);
                if !x.is_nan() && !y.is_nan() {
                    cnt += 1;
                    sa += x;
                    sb += y;
                }
            }
            if cnt < 3 {
                return Err(OmegaError::TooFewPairs {
                    a: crate::data::excerpt(&items[a]),
                    b: crate::data::excerpt(&items[b]),
                    rows: cnt,
                });
            }
            let (ma, mb) = (sa / cnt as f64, sb / cnt as f64);
            let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
            for i in 0..n {
                let (x, y) = (cols[a][i], cols[b][i]);
                if !x.is_nan() && !y.is_nan() {
                    sab += (x - ma) * (y - mb);
                    saa += (x - ma) * (x - ma);
                    sbb += (y - mb) * (y - mb);
                }
            }
            if saa <= 0.0 || sbb <= 0.0 {
                return Err(OmegaError::ConstantInPairs {
                    a: crate::data::excerpt(&items[a]),
                    b: crate::data::excerpt(&items[b]),
                    constant: crate::data::excerpt(if saa <= 0.0 { &items[a] } else { &items[b] }),
                });
            }
            let v = sab / (saa * sbb).sqrt();
            r[(a, b)] = v;
            r[(b, a)] = v;
        }
    }
    Ok(r)
}

/// Top `k` principal axes of R with 1 − ψ on the diagonal: loadings √λ·v (λ clamped at 0).
fn principal_axes(r: &DMatrix<f64>, psi: &[f64], k: usize) -> Result<DMatrix<f64>, OmegaError> {
    let p = r.nrows();
    let mut m = r.clone();
    for i in 0..p {
        m[(i, i)] -= psi[i];
    }
    let eig = SymmetricEigen::try_new(m, 1e-15, 10_000).ok_or(OmegaError::EigenNotConverged)?;
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let mut l = DMatrix::<f64>::zeros(p, k);
    for (c, &o) in order.iter().take(k).enumerate() {
        let s = eig.eigenvalues[o].max(0.0).sqrt();
        for i in 0..p {
            l[(i, c)] = eig.eigenvectors[(i, o)] * s;
        }
    }
    Ok(l)
}

/// Minimum-residual (unweighted least squares) factoring: the uniquenesses ψ at which
/// ψ = 1 − diag(ΛΛ') with Λ the top principal axes of R − Ψ, bounded to [0.005, 1]
/// (the stationary point psych's L-BFGS-B search seeks). Returns the loadings, whether
/// it converged and whether a bound was hit.
fn minres(r: &DMatrix<f64>, k: usize) -> Result<(DMatrix<f64>, bool, bool), OmegaError> {
    let p = r.nrows();
    let rs: Vec<f64> = r.iter().copied().collect();
    let mut psi: Vec<f64> = smc(&rs, p)
        .iter()
        .map(|s| (1.0 - s).clamp(MIN_UNIQUENESS, 1.0))
        .collect();
    let mut converged = false;
    let mut heywood = false;
    for _ in 0..MINRES_MAX_ITERATIONS {
        let l = principal_axes(r, &psi, k)?;
        let mut change: f64 = 0.0;
        heywood = false;
        for i in 0..p {
            let h: f64 = (0..k).map(|c| l[(i, c)] * l[(i, c)]).sum();
            let mut next = 1.0 - h;
            if next < MIN_UNIQUENESS {
                next = MIN_UNIQUENESS;
                heywood = true;
            }
            next = next.min(1.0);
            change = change.max((next - psi[i]).abs());
            psi[i] = next;
        }
        if change < MINRES_TOLERANCE {
            converged = true;
            break;
        }
    }
    Ok((principal_axes(r, &psi, k)?, converged, heywood))
}

/// Multiplies each column by the sign of its sum (psych's convention).
fn sign_columns(mut l: DMatrix<f64>) -> DMatrix<f64> {
    for c in 0..l.ncols() {
        if l.column(c).sum() < 0.0 {
            l.column_mut(c).iter_mut().for_each(|v| *v = -*v);
        }
    }
    l
}

/// Orders columns by their sum of squares, largest first (psych's `fa`).
fn order_columns(l: DMatrix<f64>) -> DMatrix<f64> {
    let k = l.ncols();
    let ss: Vec<f64> = (0..k).map(|c| l.column(c).norm_squared()).collect();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| ss[b].total_cmp(&ss[a]));
    DMatrix::from_fn(l.nrows(), k, |i, c| l[(i, order[c])])
}

/// Kaiser's varimax with row normalisation, stopping when the criterion grows by less
/// than a factor 1 + 1e-5 (R's `stats::varimax` defaults).
fn varimax(x: &DMatrix<f64>) -> (DMatrix<f64>, bool) {
    let (p, k) = (x.nrows(), x.ncols());
    let sc: Vec<f64> = (0..p).map(|i| x.row(i).norm()).collect();
    let xn = DMatrix::from_fn(
        p,
        k,
        |i, c| if sc[i] > 0.0 { x[(i, c)] / sc[i] } else { 0.0 },
    );
    let mut t = DMatrix::<f64>::identity(k, k);
    let mut d = 0.0;
    let mut converged = false;
    for _ in 0..1000 {
        let z = &xn * &t;
        let colsq: Vec<f64> = (0..k).map(|c| z.column(c).norm_squared()).collect();
        let target = DMatrix::from_fn(p, k, |i, c| {
            z[(i, c)].powi(3) - z[(i, c)] * colsq[c] / p as f64
        });
        let b = xn.transpose() * target;
        let svd = b.svd(true, true);
        let (Some(u), Some(vt)) = (svd.u, svd.v_t) else {
            break;
        };
        t = u * vt;
        let past = d;
        d = svd.singular_values.sum();
        if d < past * (1.0 + VARIMAX_EPS) {
            converged = true;
            break;
        }
    }
    let z = &xn * &t;
    (DMatrix::from_fn(p, k, |i, c| z[(i, c)] * sc[i]), converged)
}

/// Quartimin criterion (oblimin, γ = 0) and its gradient with respect to L.
fn quartimin(l: &DMatrix<f64>) -> (f64, DMatrix<f64>) {
    let (p, k) = (l.nrows(), l.ncols());
    let l2 = l.map(|v| v * v);
    let rows: Vec<f64> = (0..p).map(|i| l2.row(i).sum()).collect();
    // X = L² (J − I): row sums minus own entry.
    let x = DMatrix::from_fn(p, k, |i, c| rows[i] - l2[(i, c)]);
    let f = l2.component_mul(&x).sum() / 4.0;
    (f, l.component_mul(&x))
}

/// Oblique gradient-projection rotation (Jennrich 2002; GPArotation's `GPFoblq`) from
/// the identity: step doubling and halving, at most 1000 iterations, stopping when the
/// projected gradient's Frobenius norm is below 1e-5.
#[allow(clippy::type_complexity)]
fn gpa_oblimin(a: &DMatrix<f64>) -> Result<(DMatrix<f64>, DMatrix<f64>, bool), OmegaError> {
    let k = a.ncols();
    let inv = |t: &DMatrix<f64>| t.clone().try_inverse().ok_or(OmegaError::SingularRotation);
    let mut t = DMatrix::<f64>::identity(k, k);
    let mut ti = inv(&t)?;
    let mut l = a * ti.transpose();
    let (mut f, gq) = quartimin(&l);
    let mut g = -(l.transpose() * gq * &ti).transpose();
    let mut al = 1.0;
    let mut converged = false;
    for _ in 0..=GPA_MAX_ITERATIONS {
        let cs: Vec<f64> = (0..k).map(|c| t.column(c).dot(&g.column(c))).collect();
        let gp = &g - &t * DMatrix::from_diagonal(&DVector::from_vec(cs));
        let s = gp.norm();
        if s < GPA_EPS {
            converged = true;
            break;
        }
        al *= 2.0;
        let mut tt = t.clone();
        let mut lt = l.clone();
        let mut ft = f;
        let mut gqt = DMatrix::<f64>::zeros(a.nrows(), k);
        for _ in 0..=10 {
            let x = &t - al * &gp;
            let v: Vec<f64> = (0..k).map(|c| 1.0 / x.column(c).norm()).collect();
            tt = DMatrix::from_fn(k, k, |i, c| x[(i, c)] * v[c]);
            ti = inv(&tt)?;
            lt = a * ti.transpose();
            let (fv, gv) = quartimin(&lt);
            ft = fv;
            gqt = gv;
            if f - ft > 0.5 * s * s * al {
                break;
            }
            al /= 2.0;
        }
        t = tt;
        f = ft;
        l = lt;
        g = -(l.transpose() * gqt * &ti).transpose();
    }
    let phi = t.transpose() * &t;
    Ok((l, phi, converged))
}

impl LoadingTable {
    /// A table from its row names, column names and rows of values (one value per
    /// column name in each row).
    ///
    /// ```
    /// use cocreate_core::scoring::LoadingTable;
    ///
    /// let t = LoadingTable::new(vec!["x1".into()], vec!["g".into(), "h2".into()], vec![vec![0.7, 0.49]])?;
    /// assert_eq!(t.values[0][1], 0.49);
    /// assert!(LoadingTable::new(vec!["x1".into()], vec!["g".into()], vec![vec![0.7, 0.1]]).is_err());
    /// # Ok::<(), cocreate_core::scoring::OmegaError>(())
    /// ```
    pub fn new(
        rownames: Vec<String>,
        colnames: Vec<String>,
        values: Vec<Vec<f64>>,
    ) -> Result<Self, OmegaError> {
        let bad = values
            .iter()
            .position(|r| r.len() != colnames.len())
            .map(|i| (i + 1, values[i].len()));
        if values.len() != rownames.len() || bad.is_some() {
            let (row, found) = bad.unwrap_or((0, values.len()));
            return Err(OmegaError::TableShape {
                row_names: rownames.len(),
                col_names: colnames.len(),
                rows: values.len(),
                row,
                found,
            });
        }
        Ok(LoadingTable {
            rownames,
            colnames,
            values,
        })
    }
}

impl OmegaHierarchical {
    /// The report as text (same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde forms of [`LoadingTable`] (checked by [`LoadingTable::new`]) and
    //! [`OmegaHierarchical`] (its per-item vectors read back from the Schmid–Leiman table).
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct LoadingTableRepr {
        rownames: Vec<String>,
        colnames: Vec<String>,
        values: Vec<Vec<f64>>,
    }

    impl TryFrom<LoadingTableRepr> for LoadingTable {
        type Error = OmegaError;
        fn try_from(r: LoadingTableRepr) -> Result<Self, OmegaError> {
            LoadingTable::new(r.rownames, r.colnames, r.values)
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct OmegaHierarchicalRepr {
        items: Vec<String>,
        nfactors: usize,
        omega_h: f64,
        omega_total: f64,
        alpha: f64,
        #[serde(rename = "G6")]
        g6: f64,
        omega_lim: f64,
        #[serde(rename = "ECV")]
        ecv: f64,
        omega_group: Vec<OmegaGroup>,
        flipped_items: Vec<String>,
        schmid_leiman: LoadingTable,
        oblique_loadings: LoadingTable,
        oblique_phi: LoadingTable,
        second_order_gloading: LoadingTable,
        converged: bool,
        warnings: Vec<String>,
    }

    impl TryFrom<OmegaHierarchicalRepr> for OmegaHierarchical {
        type Error = OmegaError;
        fn try_from(r: OmegaHierarchicalRepr) -> Result<Self, OmegaError> {
            let k = r.nfactors;
            let sl = &r.schmid_leiman;
            // g, F1*..Fk*, h2, u2, p2 for every item.
            if sl.colnames.len() != k + 4 || sl.rownames.len() != r.items.len() {
                return Err(OmegaError::TableShape {
                    row_names: sl.rownames.len(),
                    col_names: sl.colnames.len(),
                    rows: r.items.len(),
                    row: 0,
                    found: k + 4,
                });
            }
            let col = |c: usize| sl.values.iter().map(|row| row[c]).collect::<Vec<f64>>();
            Ok(OmegaHierarchical {
                g: col(0),
                group_loadings: sl.values.iter().map(|row| row[1..=k].to_vec()).collect(),
                h2: col(k + 1),
                u2: col(k + 2),
                p2: col(k + 3),
                items: r.items,
                nfactors: k,
                omega_h: r.omega_h,
                omega_total: r.omega_total,
                alpha: r.alpha,
                g6: r.g6,
                omega_lim: r.omega_lim,
                ecv: r.ecv,
                omega_group: r.omega_group,
                flipped_items: r.flipped_items,
                schmid_leiman: r.schmid_leiman,
                oblique_loadings: r.oblique_loadings,
                oblique_phi: r.oblique_phi,
                second_order_gloading: r.second_order_gloading,
                converged: r.converged,
                warnings: r.warnings,
            })
        }
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "NA".into(), |x| format!("{x:.3}"))
}

impl fmt::Display for OmegaHierarchical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Omega hierarchical ({} group factors, minres + oblimin + Schmid-Leiman)",
            self.nfactors
        )?;
        writeln!(f, "  omega_h     {:.3}", self.omega_h)?;
        writeln!(f, "  omega_total {:.3}", self.omega_total)?;
        writeln!(f, "  omega_lim   {:.3}", self.omega_lim)?;
        writeln!(f, "  alpha       {:.3}", self.alpha)?;
        writeln!(f, "  G6          {:.3}", self.g6)?;
        writeln!(f, "  ECV         {:.3}", self.ecv)?;
        writeln!(f)?;
        write!(f, "  {:<10} {:>6}", "item", "g")?;
        for k in 1..=self.nfactors {
            write!(f, " {:>6}", format!("F{k}*"))?;
        }
        writeln!(f, " {:>6} {:>6} {:>6}", "h2", "u2", "p2")?;
        for (i, item) in self.items.iter().enumerate() {
            let name = if self.flipped_items.contains(item) {
                format!("{item}-")
            } else {
                item.clone()
            };
            write!(f, "  {:<10} {:>6.2}", name, self.g[i])?;
            for v in &self.group_loadings[i] {
                write!(f, " {:>6.2}", v)?;
            }
            writeln!(
                f,
                " {:>6.2} {:>6.2} {:>6.2}",
                self.h2[i], self.u2[i], self.p2[i]
            )?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "  {:<6} {:>7} {:>7} {:>7}",
            "", "total", "general", "group"
        )?;
        for g in &self.omega_group {
            writeln!(
                f,
                "  {:<6} {:>7} {:>7} {:>7}",
                g.factor,
                opt(g.total),
                opt(g.general),
                opt(g.group)
            )?;
        }
        if !self.flipped_items.is_empty() {
            writeln!(
                f,
                "  Reversed (negative g loading): {}",
                self.flipped_items.join(", ")
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "  Warning: {w}")?;
        }
        Ok(())
    }
}

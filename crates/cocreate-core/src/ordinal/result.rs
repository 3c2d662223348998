//! What [`super::lav_cor`] returns: thresholds, the correlation matrix, its asymptotic
//! covariance matrix when asked for, and what was noticed on the way.

use std::fmt;

/// One threshold of an ordered variable: `variable|t<index>` in lavaan's notation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Threshold {
    /// The variable.
    pub variable: String,
    /// 1-based: threshold k separates categories k and k + 1.
    pub index: usize,
    /// τ_k, the standard normal quantile of the proportion answering category k or lower.
    pub value: f64,
}

impl Threshold {
    /// lavaan's name, `O1|t2`.
    pub fn name(&self) -> String {
        format!("{}|t{}", self.variable, self.index)
    }
}

/// How a variable entered the correlations.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum VariableKind {
    /// Ordered categorical, with its categories (increasing) and how many rows chose each.
    Ordered {
        /// The categories: the values that mark them in the data.
        categories: Vec<f64>,
        /// Rows per category.
        counts: Vec<usize>,
    },
    /// Numeric (continuous), with its mean and variance (over N, as lavaan).
    Numeric {
        /// Mean.
        mean: f64,
        /// Variance over N.
        variance: f64,
    },
}

/// A variable of a [`PolychoricMatrix`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrdinalVariable {
    /// The column name.
    pub name: String,
    /// Ordered or numeric.
    pub kind: VariableKind,
}

/// Something noticed while estimating, reported rather than refused.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum OrdinalWarning {
    /// Whole numbers between two observed categories that nobody chose: lavaan takes
    /// the observed values as the categories, so the variable has fewer thresholds than
    /// its scale has points.
    UnusedCategories {
        /// The variable.
        variable: String,
        /// Pairs of neighbouring observed categories with unchosen whole numbers between.
        gaps: Vec<(f64, f64)>,
        /// Categories the variable has.
        categories: usize,
    },
    /// A 2 × 2 table with one empty cell: ½ was moved into it, keeping the margins,
    /// before the tetrachoric correlation was estimated (lavaan's `zero.add = 0.5`).
    ZeroCellCorrected {
        /// First variable.
        first: String,
        /// Second variable.
        second: String,
    },
    /// A 2 × 2 table with two empty cells: the correlation is ±1 without estimation.
    TwoEmptyCells {
        /// First variable.
        first: String,
        /// Second variable.
        second: String,
        /// The correlation set, 1 or −1.
        rho: f64,
    },
    /// A correlation above 0.99 in absolute value.
    NearOne {
        /// First variable.
        first: String,
        /// Second variable.
        second: String,
        /// The correlation.
        rho: f64,
    },
    /// The maximiser did not converge for this pair; the starting value (the Pearson
    /// correlation of the codes) is reported, as lavaan does.
    NotConverged {
        /// First variable.
        first: String,
        /// Second variable.
        second: String,
    },
}

impl fmt::Display for OrdinalWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrdinalWarning::UnusedCategories {
                variable,
                gaps,
                categories,
            } => {
                let between: Vec<String> = gaps
                    .iter()
                    .map(|(a, b)| format!("between {a} and {b}"))
                    .collect();
                write!(
                    f,
                    "variable {variable:?}: no respondent chose a value {}; as lavaan does, the observed values are its {categories} categories ({} thresholds)",
                    between.join(", "),
                    categories - 1
                )
            }
            OrdinalWarning::ZeroCellCorrected { first, second } => write!(
                f,
                "{first:?} x {second:?}: one empty cell in the 2 x 2 table; 0.5 moved into it, keeping the margins (lavaan's zero.add)"
            ),
            OrdinalWarning::TwoEmptyCells { first, second, rho } => write!(
                f,
                "{first:?} x {second:?}: two empty cells in the 2 x 2 table; the correlation is set to {rho}"
            ),
            OrdinalWarning::NearOne { first, second, rho } => write!(
                f,
                "{first:?} x {second:?}: the correlation is (nearly) 1 in absolute value ({rho:.4})"
            ),
            OrdinalWarning::NotConverged { first, second } => write!(
                f,
                "{first:?} x {second:?}: the estimate did not converge; the starting value is reported"
            ),
        }
    }
}

/// The asymptotic covariance matrix Γ of the sample statistics (lavaan's `NACOV`,
/// `lavInspect(fit, "gamma")`): thresholds (minus the mean for a numeric variable),
/// variances of the numeric variables, then the correlations (covariances with a numeric
/// variable) below the diagonal, column by column. The covariance matrix of the
/// estimates is Γ / N; WLSMV weights the fit function by the inverse of Γ's diagonal.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Nacov {
    /// lavaan's labels: `O1|t1`, `age~1`, `age~~age`, `O1~~O2`.
    pub labels: Vec<String>,
    /// Rows used (N).
    pub n: usize,
    /// Γ, `m × m` row-major (symmetric), m = `labels.len()`.
    pub values: Vec<f64>,
}

impl Nacov {
    /// Its dimension m.
    pub fn dim(&self) -> usize {
        self.labels.len()
    }

    /// Γ[r, c].
    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.values[r * self.dim() + c]
    }

    /// The diagonal of Γ.
    pub fn diagonal(&self) -> Vec<f64> {
        (0..self.dim()).map(|i| self.get(i, i)).collect()
    }

    /// The DWLS weights of WLSMV: 1 / diag(Γ) (lavaan's `diag(lavInspect(fit, "wls.v"))`).
    pub fn dwls_weights(&self) -> Vec<f64> {
        self.diagonal().iter().map(|d| 1.0 / d).collect()
    }
}

/// Thresholds and polychoric (ordered–ordered), polyserial (numeric–ordered) and Pearson
/// (numeric–numeric) correlations, as lavaan's `lavCor()` computes them; with the
/// asymptotic covariance matrix [`Nacov`] when it was asked for.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PolychoricMatrix {
    /// The variables, in order.
    pub variables: Vec<OrdinalVariable>,
    /// Rows in the data.
    pub n_original: usize,
    /// Rows used: those with a value for every variable (listwise deletion).
    pub n_used: usize,
    /// The thresholds of the ordered variables, variable by variable.
    pub thresholds: Vec<Threshold>,
    /// The p × p correlation matrix, row-major, 1 on the diagonal.
    pub correlations: Vec<f64>,
    /// Pairs of ordered variables whose cross table has an empty cell (lavaan's
    /// `zero.cell.tables`; informational).
    pub empty_cell_pairs: Vec<(String, String)>,
    /// What was noticed.
    pub warnings: Vec<OrdinalWarning>,
    /// Γ, when [`super::LavCorOptions::nacov`] was set.
    pub nacov: Option<Nacov>,
}

impl PolychoricMatrix {
    /// The variable names.
    pub fn names(&self) -> Vec<&str> {
        self.variables.iter().map(|v| v.name.as_str()).collect()
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }

    /// The correlation of two variables by name.
    pub fn get(&self, a: &str, b: &str) -> Option<f64> {
        let (i, j) = (self.index(a)?, self.index(b)?);
        Some(self.correlations[i * self.variables.len() + j])
    }

    /// A threshold by lavaan's name (`O1|t2`).
    pub fn threshold(&self, name: &str) -> Option<f64> {
        self.thresholds
            .iter()
            .find(|t| t.name() == name)
            .map(|t| t.value)
    }

    /// lavaan's `cov`: the correlations, with numeric variables on their own scale
    /// (variance on the diagonal, covariances with the others).
    pub fn cov(&self) -> Vec<f64> {
        let p = self.variables.len();
        let sd: Vec<f64> = self
            .variables
            .iter()
            .map(|v| match v.kind {
                VariableKind::Numeric { variance, .. } => variance.sqrt(),
                _ => 1.0,
            })
            .collect();
        (0..p * p)
            .map(|k| self.correlations[k] * sd[k / p] * sd[k % p])
            .collect()
    }

    /// The sample statistics in lavaan's WLS order (`lavInspect(fit, "wls.obs")`):
    /// thresholds (minus the mean of a numeric variable), variances of the numeric
    /// variables, then the covariances below the diagonal column by column; with their
    /// labels, the order of [`Nacov::labels`].
    pub fn wls_obs(&self) -> Vec<(String, f64)> {
        let p = self.variables.len();
        let mut out = Vec::new();
        let mut th = self.thresholds.iter();
        for v in &self.variables {
            match &v.kind {
                VariableKind::Ordered { categories, .. } => {
                    for _ in 1..categories.len() {
                        if let Some(t) = th.next() {
                            out.push((t.name(), t.value));
                        }
                    }
                }
                VariableKind::Numeric { mean, .. } => out.push((format!("{}~1", v.name), -mean)),
            }
        }
        for v in &self.variables {
            if let VariableKind::Numeric { variance, .. } = v.kind {
                out.push((format!("{}~~{}", v.name, v.name), variance));
            }
        }
        let cov = self.cov();
        for j in 0..p {
            for i in j + 1..p {
                out.push((
                    format!("{}~~{}", self.variables[j].name, self.variables[i].name),
                    cov[i * p + j],
                ));
            }
        }
        out
    }

    /// The report [`Display`](fmt::Display) prints.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// Columns of the correlation matrix printed side by side.
const COLUMNS_PER_BLOCK: usize = 10;

impl fmt::Display for PolychoricMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.variables.len();
        let n_ord = self
            .variables
            .iter()
            .filter(|v| matches!(v.kind, VariableKind::Ordered { .. }))
            .count();
        let what = if n_ord == p {
            "Polychoric correlations"
        } else if n_ord == 0 {
            "Pearson correlations"
        } else {
            "Polychoric, polyserial and Pearson correlations"
        };
        writeln!(
            f,
            "{what} (lavaan lavCor, two-step): {} variables, {} of {} rows used (listwise)",
            p, self.n_used, self.n_original
        )?;
        if !self.thresholds.is_empty() {
            writeln!(f, "\nThresholds:")?;
            for v in &self.variables {
                if let VariableKind::Ordered { .. } = v.kind {
                    let th: Vec<String> = self
                        .thresholds
                        .iter()
                        .filter(|t| t.variable == v.name)
                        .map(|t| format!("{:>7.3}", t.value))
                        .collect();
                    writeln!(f, "  {:<10} {}", v.name, th.join(" "))?;
                }
            }
        }
        let numeric: Vec<&OrdinalVariable> = self
            .variables
            .iter()
            .filter(|v| matches!(v.kind, VariableKind::Numeric { .. }))
            .collect();
        if !numeric.is_empty() {
            writeln!(f, "\nMeans and variances:")?;
            for v in numeric {
                if let VariableKind::Numeric { mean, variance } = v.kind {
                    writeln!(f, "  {:<10} {:>10.3} {:>10.3}", v.name, mean, variance)?;
                }
            }
        }
        writeln!(f, "\nCorrelations:")?;
        let width = self
            .variables
            .iter()
            .map(|v| v.name.chars().count())
            .max()
            .unwrap_or(1)
            .max(6);
        for start in (0..p).step_by(COLUMNS_PER_BLOCK) {
            let end = (start + COLUMNS_PER_BLOCK).min(p);
            write!(f, "  {:width$}", "")?;
            for v in &self.variables[start..end] {
                write!(f, " {:>width$}", v.name)?;
            }
            writeln!(f)?;
            for i in start..p {
                write!(f, "  {:<width$}", self.variables[i].name)?;
                for j in start..end.min(i + 1) {
                    write!(f, " {:>width$.3}", self.correlations[i * p + j])?;
                }
                writeln!(f)?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "\nWarnings:")?;
            for w in &self.warnings {
                writeln!(f, "  {w}")?;
            }
        }
        Ok(())
    }
}

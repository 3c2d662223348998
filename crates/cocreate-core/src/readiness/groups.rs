//! Readiness across groups of customers (countries, service types, new versus loyal):
//! the readiness path model fitted in each group, whether its paths differ between the
//! groups, and each group's pathway shares and expected participation.
//!
//! The test of the pathways is lavaan's: the path model fitted to all groups at once with
//! every coefficient free, against the same model with the regression coefficients held
//! equal across groups (`group.equal = "regressions"`), compared by the likelihood-ratio
//! (χ² difference) test. Each path also gets a Wald test of equality across the groups
//! from the free fit. Each group's readiness model is the path model fitted to that group's
//! rows (the free multiple-group fit, group by group), and its segmentation gives the
//! share of customers on each pathway and the expected number of willing customers.

use std::fmt::{self, Write};

use nalgebra::{DMatrix, DVector};

use super::constructs::Constructs;
use super::error::ReadinessError;
use super::model::ReadinessModel;
use super::pathway::Threshold;
use super::segment::Segmentation;
use super::text::{num, para, TextTable};
use crate::data::Table;
use crate::sem::{
    lav_test_lrt, FitMeasures, GroupEqual, LrtTable, MeanStructure, Model, Op, SemError, SemFit,
    SemOptions,
};

/// How groups are compared: the grouping's name, the willingness threshold of the
/// segmentation and the level of the tests. Build with [`GroupComparisonOptions::builder`].
///
/// ```
/// use cocreate_core::readiness::{GroupComparisonOptions, Threshold};
/// let o = GroupComparisonOptions::builder("tenure").willing(Threshold::Raw(4.0)).build()?;
/// assert_eq!((o.grouping(), o.alpha()), ("tenure", 0.05));
/// assert!(GroupComparisonOptions::builder("tenure").alpha(1.0).build().is_err());
/// # Ok::<(), cocreate_core::readiness::ReadinessError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupComparisonOptions {
    grouping: String,
    willing: Threshold,
    alpha: f64,
}

impl GroupComparisonOptions {
    /// A builder for a grouping named `grouping` (the column, as the report names it).
    pub fn builder(grouping: impl Into<String>) -> GroupComparisonOptionsBuilder {
        GroupComparisonOptionsBuilder {
            opts: GroupComparisonOptions {
                grouping: grouping.into(),
                willing: Threshold::Midpoint,
                alpha: 0.05,
            },
        }
    }
    /// The grouping's name.
    pub fn grouping(&self) -> &str {
        &self.grouping
    }
    /// The outcome that counts as willing in the segmentations.
    pub fn willing(&self) -> Threshold {
        self.willing
    }
    /// The level of the tests.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
}

/// Builder of [`GroupComparisonOptions`].
#[derive(Debug, Clone)]
pub struct GroupComparisonOptionsBuilder {
    opts: GroupComparisonOptions,
}

impl GroupComparisonOptionsBuilder {
    /// The outcome that counts as willing (default: the scale midpoint).
    pub fn willing(mut self, threshold: Threshold) -> Self {
        self.opts.willing = threshold;
        self
    }
    /// The level of the tests (default .05).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.opts.alpha = alpha;
        self
    }
    /// Checks the options.
    pub fn build(self) -> Result<GroupComparisonOptions, ReadinessError> {
        let a = self.opts.alpha;
        if !(a > 0.0 && a < 1.0) {
            return Err(ReadinessError::InvalidLevel { level: a });
        }
        if self.opts.grouping.trim().is_empty() {
            return Err(ReadinessError::EmptyName);
        }
        Ok(self.opts)
    }
}

/// One path's estimate in every group and the test that it is equal across them.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PathByGroup {
    /// The outcome of the path.
    pub lhs: String,
    /// The predictor.
    pub rhs: String,
    /// The unstandardised estimate in each group (the order of the groups).
    pub estimates: Vec<f64>,
    /// Its standard error in each group.
    pub se: Vec<f64>,
    /// The standardised estimate (`std.all`) in each group.
    pub std_all: Vec<f64>,
    /// The Wald χ² that the path is equal in every group (df = groups − 1).
    pub chisq: f64,
    /// Its p-value.
    pub pvalue: f64,
}

/// One group: its readiness model, its pathway shares and expected participation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GroupReadiness {
    /// The group's label.
    pub label: String,
    /// Customers in the group (rows used).
    pub n: usize,
    /// The readiness model fitted on the group's rows.
    pub model: ReadinessModel,
    /// The group's customers by pathway (shares with Wilson intervals) and the expected
    /// number of willing customers.
    pub segmentation: Segmentation,
    /// Per mediator, the share of the traits' total effect on the outcome that runs
    /// through it, at the group's mean customer (the indirect effects summed over traits,
    /// each weighted by the trait's standard deviation, over the total).
    pub mediated_share: Vec<f64>,
}

/// The readiness path model compared across groups.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GroupComparison {
    /// The grouping's name.
    pub grouping: String,
    /// The constructs.
    pub constructs: Constructs,
    /// Each group, in the order of first appearance.
    pub groups: Vec<GroupReadiness>,
    /// Fit of the model with every path free in each group.
    pub free: FitMeasures,
    /// Fit of the model with the regression coefficients equal across groups.
    pub equal: FitMeasures,
    /// The likelihood-ratio test of equal paths (lavaan's `lavTestLRT`).
    pub lrt: LrtTable,
    /// Every path in every group, with the Wald test of its equality.
    pub paths: Vec<PathByGroup>,
    /// The level of the tests.
    pub alpha: f64,
}

impl GroupComparison {
    /// Whether the likelihood-ratio test rejects equal paths at `alpha`.
    pub fn paths_differ(&self) -> bool {
        self.lrt
            .rows
            .last()
            .and_then(|r| r.pvalue)
            .is_some_and(|p| p < self.alpha)
    }
}

/// The distinct labels, in order of first appearance.
fn labels_of(groups: &[Option<String>]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    groups
        .iter()
        .flatten()
        .filter(|l| seen.insert(l.as_str()))
        .cloned()
        .collect()
}

fn sem(group: Option<&str>) -> impl Fn(SemError) -> ReadinessError + '_ {
    move |e| ReadinessError::GroupFit {
        group: group.map(str::to_string),
        source: Box::new(e),
    }
}

/// Compares the readiness path model across groups of customers: `composites` holds the
/// construct scores (one row per customer), `groups` each row's group label (`None`
/// leaves the row out).
///
/// Fits the path model in every group with its paths free and with them equal, tests the
/// difference (likelihood ratio, and a Wald test per path), and fits each group's
/// readiness model to report its pathway shares and expected participation.
///
/// ```no_run
/// use cocreate_core::data::Table;
/// use cocreate_core::readiness::{compare_groups, Constructs, GroupComparisonOptions};
/// use cocreate_core::scoring::ResponseRange;
/// let composites = Table::from_csv_path("composites.csv")?;
/// let tenure: Vec<Option<String>> = composites.column("loyal")?.iter()
///     .map(|v| v.map(|x| if x == 1.0 { "loyal".to_string() } else { "new".to_string() }))
///     .collect();
/// let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
/// let opts = GroupComparisonOptions::builder("tenure").build()?;
/// let cmp = compare_groups(&composites, &tenure, &c, &opts)?;
/// println!("{cmp}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare_groups(
    composites: &Table,
    groups: &[Option<String>],
    constructs: &Constructs,
    options: &GroupComparisonOptions,
) -> Result<GroupComparison, ReadinessError> {
    constructs.validate()?;
    if groups.len() != composites.n_rows() {
        return Err(ReadinessError::WrongLength {
            what: "group labels (one per customer)".into(),
            expected: composites.n_rows(),
            found: groups.len(),
        });
    }
    let base = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .group(options.grouping.clone());
    let free_opts = base.clone().build().map_err(sem(None))?;
    let equal_opts = base
        .group_equal([GroupEqual::Regressions])
        .build()
        .map_err(sem(None))?;
    let unlabelled =
        Model::parse(&constructs.path_syntax_unlabelled()).map_err(|e| sem(None)(e.into()))?;
    let free = unlabelled
        .fit_with_group_labels(composites, groups, &free_opts)
        .map_err(sem(None))?;
    let equal = unlabelled
        .fit_with_group_labels(composites, groups, &equal_opts)
        .map_err(sem(None))?;
    let lrt = lav_test_lrt(&[("free paths", &free), ("equal paths", &equal)]).map_err(sem(None))?;
    let paths = wald_by_path(&free);
    // Each group's own readiness model (the free fit, one group at a time).
    let labelled = Model::parse(&constructs.path_syntax()).map_err(|e| sem(None)(e.into()))?;
    let single = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .map_err(sem(None))?;
    let mut out = Vec::new();
    for label in labels_of(groups) {
        let rows: Vec<usize> = (0..composites.n_rows())
            .filter(|&r| groups[r].as_deref() == Some(label.as_str()))
            .collect();
        let sub = subset(composites, &rows)?;
        let fit = labelled.fit(&sub, &single).map_err(sem(Some(&label)))?;
        let model = ReadinessModel::from_fit(
            &fit,
            constructs.clone(),
            &format!("{} = {label}", options.grouping),
        )?;
        let traits = model.trait_matrix(&sub)?;
        let segmentation = model.segment(&traits, options.willing)?;
        let mediated_share = mediated_shares(&model);
        out.push(GroupReadiness {
            label,
            n: fit.n_used(),
            model,
            segmentation,
            mediated_share,
        });
    }
    Ok(GroupComparison {
        grouping: options.grouping.clone(),
        constructs: constructs.clone(),
        groups: out,
        free: free.fit_measures().clone(),
        equal: equal.fit_measures().clone(),
        lrt,
        paths,
        alpha: options.alpha,
    })
}

/// The rows `rows` of `t`.
fn subset(t: &Table, rows: &[usize]) -> Result<Table, ReadinessError> {
    let names = t.names().to_vec();
    let cells: Vec<Vec<Option<f64>>> = rows
        .iter()
        .map(|&r| (0..t.n_cols()).map(|c| t.get(r, c)).collect())
        .collect();
    Ok(Table::new(names, cells)?)
}

/// Per mediator, the share of the effect of the traits on the outcome that runs through it:
/// `Σ_k sd_k |a_jk b_j| / Σ_k sd_k (|c_k| + Σ_j |a_jk b_j|)`.
fn mediated_shares(model: &ReadinessModel) -> Vec<f64> {
    let c = model.coefficients();
    let cov = model.trait_cov();
    let (p, q) = (
        model.constructs().traits().len(),
        model.constructs().mediators().len(),
    );
    let sd: Vec<f64> = (0..p).map(|k| cov[(k, k)].max(0.0).sqrt()).collect();
    let mut via = vec![0.0; q];
    let mut total = 0.0;
    for (k, &s) in sd.iter().enumerate() {
        total += s * c.c[k].abs();
        for (j, v) in via.iter_mut().enumerate() {
            let ind = s * (c.a[j * p + k] * c.b[j]).abs();
            *v += ind;
            total += ind;
        }
    }
    via.iter()
        .map(|v| if total > 0.0 { v / total } else { 0.0 })
        .collect()
}

/// `P(χ²_df > x)`.
fn chisq_upper(x: f64, df: f64) -> f64 {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    match ChiSquared::new(df) {
        Ok(d) if x.is_finite() => d.sf(x.max(0.0)),
        _ => f64::NAN,
    }
}

/// The Wald test of each regression path's equality across the groups of a
/// multiple-group fit: `χ² = (Cβ)' (C V C')⁻¹ (Cβ)` with `C` the differences from the
/// first group.
fn wald_by_path(fit: &SemFit) -> Vec<PathByGroup> {
    let labels: Vec<&str> = fit.groups().iter().map(|g| g.label.as_str()).collect();
    let g = labels.len();
    let first = labels.first().copied().unwrap_or_default();
    let vcov = fit.vcov();
    let mut out = Vec::new();
    for e in fit.parameter_estimates() {
        if e.op != Op::Regression || e.group != first {
            continue;
        }
        let rows: Vec<_> = labels
            .iter()
            .filter_map(|l| fit.get_in_group(l, &e.lhs, Op::Regression, &e.rhs))
            .collect();
        if rows.len() != g {
            continue;
        }
        let (mut chisq, mut pvalue) = (f64::NAN, f64::NAN);
        let free: Option<Vec<usize>> = rows.iter().map(|r| r.free).collect();
        if let (Some(v), Some(free)) = (vcov, free) {
            let d = g - 1;
            let cb = DVector::from_fn(d, |i, _| rows[i + 1].est - rows[0].est);
            let cvc = DMatrix::from_fn(d, d, |i, j| {
                let (a, b, c0) = (free[i + 1], free[j + 1], free[0]);
                v[(a, b)] - v[(a, c0)] - v[(c0, b)] + v[(c0, c0)]
            });
            if let Some(inv) = cvc.try_inverse() {
                chisq = cb.dot(&(inv * &cb));
                pvalue = chisq_upper(chisq, d as f64);
            }
        }
        out.push(PathByGroup {
            lhs: e.lhs.clone(),
            rhs: e.rhs.clone(),
            estimates: rows.iter().map(|r| r.est).collect(),
            se: rows.iter().map(|r| r.se.unwrap_or(f64::NAN)).collect(),
            std_all: rows.iter().map(|r| r.std_all).collect(),
            chisq,
            pvalue,
        });
    }
    out
}

impl GroupComparison {
    /// The report: whether the paths differ, each group's pathway shares and expected
    /// participation, and the paths by group (the same text as `Display`).
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) -> fmt::Result {
        let y = self.constructs.outcome();
        writeln!(out, "Readiness across groups of {:?}\n", self.grouping)?;
        let row = self.lrt.rows.last();
        let (d, df, p) = (
            row.and_then(|r| r.chisq_diff),
            row.and_then(|r| r.df_diff),
            row.and_then(|r| r.pvalue),
        );
        let verdict = if self.paths_differ() {
            format!(
                "the pathway coefficients differ between the groups (p < {})",
                num(Some(self.alpha), 2)
            )
        } else {
            format!(
                "no evidence at α = {} that the pathway coefficients differ between the groups",
                num(Some(self.alpha), 2)
            )
        };
        para(
            out,
            "  ",
            "  ",
            &format!(
                "Do the pathways differ? The path model with every coefficient free in each group against the same model with the coefficients equal across groups (likelihood-ratio test): χ²({}) = {}, p = {}: {verdict}.",
                num(df, 0),
                num(d, 2),
                num(p, 4)
            ),
        )?;
        writeln!(out)?;
        let mut heads: Vec<String> = vec![String::new()];
        heads.extend(self.groups.iter().map(|g| g.label.clone()));
        let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
        let mut t = TextTable::new(&head_refs);
        let mut cells = vec!["customers".to_string()];
        cells.extend(self.groups.iter().map(|g| g.n.to_string()));
        t.row(cells);
        let pathways: Vec<String> = self.groups.first().map_or_else(Vec::new, |g| {
            g.segmentation
                .segments
                .iter()
                .map(|s| s.name.clone())
                .collect()
        });
        for (k, name) in pathways.iter().enumerate() {
            let mut cells = vec![name.clone()];
            cells.extend(self.groups.iter().map(|g| {
                let share = g.segmentation.segments.get(k).map(|s| s.share.value);
                format!("{} %", num(share.map(|v| 100.0 * v), 1))
            }));
            t.row(cells);
        }
        let mut cells = vec!["expected willing".to_string()];
        cells.extend(self.groups.iter().map(|g| {
            let s = &g.segmentation;
            format!(
                "{} ({} %)",
                num(Some(s.expected_willing.value), 1),
                num(
                    Some(100.0 * s.expected_willing.value / s.n.max(1) as f64),
                    1
                )
            )
        }));
        t.row(cells);
        let mut cells = vec![format!("mean predicted {y}")];
        cells.extend(
            self.groups
                .iter()
                .map(|g| num(Some(g.segmentation.mean_outcome.value), 2)),
        );
        t.row(cells);
        writeln!(
            out,
            "  Customers by pathway (share of each group) and expected participation:"
        )?;
        t.write(out, 2)?;
        let w = self
            .groups
            .first()
            .map_or(0.0, |g| g.segmentation.threshold);
        para(
            out,
            "  ",
            "  ",
            &format!(
                "Expected willing: the expected number of customers whose {y} reaches {} (and their share of the group).",
                num(Some(w), 2)
            ),
        )?;
        writeln!(out)?;
        let mut heads: Vec<String> = vec!["group".into()];
        heads.extend(
            self.constructs
                .mediators()
                .iter()
                .map(|m| format!("through {m}")),
        );
        let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
        let mut t = TextTable::new(&head_refs);
        for g in &self.groups {
            let mut cells = vec![g.label.clone()];
            cells.extend(
                g.mediated_share
                    .iter()
                    .map(|s| format!("{} %", num(Some(100.0 * s), 1))),
            );
            t.row(cells);
        }
        writeln!(
            out,
            "  Share of the traits' effect on {y} that runs through each mediator:"
        )?;
        t.write(out, 2)?;
        writeln!(out)?;
        let mut heads: Vec<String> = vec!["path".into()];
        heads.extend(self.groups.iter().map(|g| g.label.clone()));
        heads.push("p (equal)".into());
        let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
        let mut t = TextTable::new(&head_refs);
        for p in &self.paths {
            let mut cells = vec![format!("{} ~ {}", p.lhs, p.rhs)];
            cells.extend(p.std_all.iter().map(|v| num(Some(*v), 3)));
            cells.push(num(Some(p.pvalue), 4));
            t.row(cells);
        }
        para(
            out,
            "  ",
            "  ",
            "Paths by group (standardised estimates; p of the Wald test that the path is equal in every group):",
        )?;
        t.write(out, 2)?;
        para(
            out,
            "  ",
            "  ",
            "The per-path tests are not adjusted for testing many paths; the likelihood-ratio test above is the test of all paths at once.",
        )?;
        Ok(())
    }
}

impl fmt::Display for GroupComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

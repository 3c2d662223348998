//! Out-of-sample validity of readiness predictions: leave-one-out and repeated k-fold
//! cross-validation against a linear-regression benchmark (the PLSpredict procedure),
//! the coverage of the prediction intervals on held-out customers, and the stability of
//! pathway assignment under bootstrap refits.
//!
//! Every fold refits the readiness model on its training rows and predicts the held-out
//! customers from their traits alone. For an observed-variable recursive path model whose
//! maximum-likelihood estimates are equation-by-equation least squares (the condition is
//! checked on the fit, see [`RefitMethod`]), a fold is solved from the cross-product
//! matrix of the training rows, downdated from the full sample's; otherwise every fold is
//! a full SEM refit. Formulas and sources: `docs/methods/readiness.md`.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::Table;
use crate::sem::{Missing, Model, Op, SeMethod, SemError, SemFit, SemOptions};

use super::constructs::Constructs;
use super::error::ReadinessError;
use super::model::{Coefficients, ModelSpec, Provenance, ReadinessModel};
use super::pathway::{Pathway, PathwayRule};

/// Largest number of customers a validation accepts (checked before allocating).
pub const MAX_ROWS: usize = 10_000_000;
/// Largest number of k-fold repetitions.
pub const MAX_REPEATS: usize = 1_000;
/// Largest number of bootstrap refits for pathway stability.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// What went wrong in a cross-validation; every variant says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// An option is out of range.
    #[error("invalid cross-validation option: {0}")]
    InvalidOptions(String),
    /// Too few customers for the folds asked for.
    #[error("{n} complete customers are too few for {what}: every training part needs at least {needed} rows")]
    TooFewRows {
        /// Complete customers.
        n: usize,
        /// The scheme, as a phrase.
        what: String,
        /// Rows a training part needs (one more than the largest equation's regressors).
        needed: usize,
    },
    /// A construct has no column in the data.
    #[error("the data has no column {name:?} for construct {name:?}")]
    MissingColumn {
        /// The construct.
        name: String,
    },
    /// The model has latent variables: held-out customers would need factor scores
    /// from each training fit, which this version does not compute.
    #[error("the model has latent variables ({latent}): cross-validate the path model on composite scores of the constructs")]
    LatentModel {
        /// The latent variables, comma separated.
        latent: String,
    },
    /// The fit on the full sample failed.
    #[error("the fit on the full sample failed: {0}")]
    FullFit(#[source] SemError),
    /// The readiness model could not be built from the full-sample fit.
    #[error("the readiness model of the full sample: {0}")]
    FullModel(#[source] ReadinessError),
    /// The constructs or the data do not suit a readiness model.
    #[error(transparent)]
    Readiness(#[from] ReadinessError),
    /// One fold (or bootstrap refit) failed.
    #[error("{scheme}, {part}: {reason}")]
    FoldFailed {
        /// "leave-one-out", "k-fold" or "pathway bootstrap".
        scheme: String,
        /// Which fold: "repetition 2, fold 3 (training rows: 72)", "held-out row 17".
        part: String,
        /// What failed, as a sentence.
        reason: String,
    },
}

/// How each fold refits the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RefitMethod {
    /// Least squares per equation when the model's ML estimates are least squares (an
    /// observed-variable recursive path model, every path, intercept and residual
    /// variance free and unconstrained, exogenous traits saturated, residual covariances
    /// only between mediators with the same regressors, complete data); the full SEM
    /// refit otherwise.
    #[default]
    Auto,
    /// Always the full SEM refit (the same model and options) per fold.
    FullSem,
}

/// Options of a cross-validation, validated by [`CrossValidationBuilder::build`].
#[derive(Debug, Clone, PartialEq)]
pub struct CrossValidation {
    folds: usize,
    repeats: usize,
    leave_one_out: bool,
    bootstrap: usize,
    seed: u64,
    refit: RefitMethod,
    rule: PathwayRule,
    level: f64,
}

/// Builder of [`CrossValidation`].
#[derive(Debug, Clone)]
pub struct CrossValidationBuilder {
    o: CrossValidation,
}

impl CrossValidation {
    /// Defaults: 10 × 10-fold, leave-one-out on, 100 bootstrap refits, the default
    /// pathway rule and 95 % intervals; the seed is the caller's.
    pub fn builder(seed: u64) -> CrossValidationBuilder {
        CrossValidationBuilder {
            o: CrossValidation {
                folds: 10,
                repeats: 10,
                leave_one_out: true,
                bootstrap: 100,
                seed,
                refit: RefitMethod::Auto,
                rule: PathwayRule::default(),
                level: 0.95,
            },
        }
    }
    /// Folds per repetition (0 when k-fold is off).
    pub fn folds(&self) -> usize {
        self.folds
    }
    /// Repetitions of k-fold.
    pub fn repeats(&self) -> usize {
        self.repeats
    }
    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

impl CrossValidationBuilder {
    /// Folds per repetition (at least 2; 0 switches k-fold off).
    pub fn folds(mut self, k: usize) -> Self {
        self.o.folds = k;
        self
    }
    /// Repetitions of k-fold, each with its own seeded fold assignment.
    pub fn repeats(mut self, r: usize) -> Self {
        self.o.repeats = r;
        self
    }
    /// Whether to run leave-one-out.
    pub fn leave_one_out(mut self, on: bool) -> Self {
        self.o.leave_one_out = on;
        self
    }
    /// Bootstrap refits for pathway stability (0 switches it off).
    pub fn bootstrap(mut self, b: usize) -> Self {
        self.o.bootstrap = b;
        self
    }
    /// How folds refit the model.
    pub fn refit(mut self, m: RefitMethod) -> Self {
        self.o.refit = m;
        self
    }
    /// The pathway rule of every refitted model.
    pub fn rule(mut self, rule: PathwayRule) -> Self {
        self.o.rule = rule;
        self
    }
    /// The level of the prediction intervals whose coverage is counted.
    pub fn level(mut self, level: f64) -> Self {
        self.o.level = level;
        self
    }
    /// Validates the options.
    pub fn build(self) -> Result<CrossValidation, ValidationError> {
        let o = self.o;
        if o.folds == 1 {
            return Err(ValidationError::InvalidOptions(
                "k-fold needs at least 2 folds (0 switches it off), not 1".into(),
            ));
        }
        if o.folds >= 2 && !(1..=MAX_REPEATS).contains(&o.repeats) {
            return Err(ValidationError::InvalidOptions(format!(
                "the number of k-fold repetitions must lie between 1 and {MAX_REPEATS}, not {}",
                o.repeats
            )));
        }
        if o.bootstrap > MAX_BOOTSTRAP {
            return Err(ValidationError::InvalidOptions(format!(
                "at most {MAX_BOOTSTRAP} bootstrap refits, not {}",
                o.bootstrap
            )));
        }
        if !(o.level > 0.0 && o.level < 1.0) {
            return Err(ValidationError::InvalidOptions(format!(
                "the interval level must lie strictly between 0 and 1, not {}",
                o.level
            )));
        }
        if !o.leave_one_out && o.folds == 0 && o.bootstrap == 0 {
            return Err(ValidationError::InvalidOptions(
                "leave-one-out, k-fold and the bootstrap are all switched off".into(),
            ));
        }
        Ok(o)
    }
}

/// Out-of-sample accuracy of one predictor for one construct.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Accuracy {
    /// `1 − SSE / SSE₀`, SSE₀ from predicting each held-out customer by the mean of the
    /// training part of its fold.
    pub q2_predict: f64,
    /// Root mean squared prediction error.
    pub rmse: f64,
    /// Mean absolute prediction error.
    pub mae: f64,
}

/// Whether the readiness model predicts better than the regression benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Verdict {
    /// Lower RMSE than the benchmark.
    Better,
    /// Higher (or equal) RMSE than the benchmark.
    Worse,
    /// The same predictions by construction (a saturated path model).
    Equal,
}

/// The model's and the benchmark's figures for one endogenous construct.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ConstructValidation {
    /// The construct.
    pub name: String,
    /// Q²_predict of the readiness model.
    pub q2_predict: f64,
    /// RMSE of the readiness model.
    pub rmse: f64,
    /// MAE of the readiness model.
    pub mae: f64,
    /// Share of held-out customers inside their prediction interval.
    pub coverage: f64,
    /// Ordinary least squares of the construct on all the traits.
    pub benchmark: Accuracy,
    /// The comparison by RMSE.
    pub verdict: Verdict,
}

/// One cross-validation scheme's results.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SchemeValidation {
    /// Folds per repetition (n for leave-one-out).
    pub folds: usize,
    /// Repetitions (1 for leave-one-out).
    pub repeats: usize,
    /// Per endogenous construct (mediators, then the outcome), keyed by name.
    #[cfg_attr(feature = "serde", serde(serialize_with = "as_map"))]
    pub constructs: Vec<ConstructValidation>,
}

#[cfg(feature = "serde")]
fn as_map<S: serde::Serializer>(v: &[ConstructValidation], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (c.name.as_str(), c)))
}

/// Stability of pathway assignment across bootstrap refits.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PathwayStability {
    /// Bootstrap refits.
    pub refits: usize,
    /// Share of customers whose pathway is the full-sample one in every refit.
    pub share_always_same: f64,
    /// Mean over customers of the share of refits that keep their full-sample pathway.
    pub mean_agreement: f64,
}

/// The out-of-sample validity of a readiness model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Validation {
    /// Complete customers used.
    pub n: usize,
    /// Rows left out for a missing construct score (counted from 1).
    pub dropped_rows: Vec<usize>,
    /// How the folds were refitted: `least_squares` or `full_sem`.
    pub method: String,
    /// Why the full SEM refit was used, when it was.
    pub method_reason: Option<String>,
    /// Every endogenous construct has all the traits as predictors: the model's
    /// predictions equal the benchmark's by construction.
    pub saturated: bool,
    /// Leave-one-out.
    pub leave_one_out: Option<SchemeValidation>,
    /// Repeated k-fold.
    pub k_fold: Option<SchemeValidation>,
    /// Pathway stability.
    pub pathway_stability: Option<PathwayStability>,
    /// What the validation did differently from the options it was given, and why.
    pub notes: Vec<String>,
    /// The seed.
    pub seed: u64,
    /// The interval level whose coverage is reported.
    pub level: f64,
}

impl Validation {
    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Validation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Out-of-sample validity (N = {}, folds refitted by {}, seed {})",
            self.n,
            self.method.replace('_', " "),
            self.seed
        )?;
        if !self.dropped_rows.is_empty() {
            writeln!(
                f,
                "  {} rows with a missing construct score were left out",
                self.dropped_rows.len()
            )?;
        }
        for note in &self.notes {
            wrapped(f, &format!("Note: {note}"))?;
        }
        if let Some(r) = &self.method_reason {
            wrapped(f, &format!("Folds refitted by the full SEM because {r}."))?;
        }
        let level = self.level * 100.0;
        for (title, s) in [
            ("Leave-one-out", &self.leave_one_out),
            ("Repeated k-fold", &self.k_fold),
        ] {
            let Some(s) = s else { continue };
            if title == "Leave-one-out" {
                writeln!(f, "{title}:")?;
            } else {
                writeln!(f, "{title} ({} × {}-fold):", s.repeats, s.folds)?;
            }
            let w = s
                .constructs
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(0);
            writeln!(
                f,
                "  {:w$}  {:>8} {:>7} {:>7} {:>9}  {:>10} {:>7} {:>7}",
                "",
                "Q²pred",
                "RMSE",
                "MAE",
                format!("cover{level:.0}"),
                "LR Q²pred",
                "LR RMSE",
                "LR MAE"
            )?;
            for c in &s.constructs {
                writeln!(
                    f,
                    "  {:w$}  {:>8.3} {:>7.3} {:>7.3} {:>9.3}  {:>10.3} {:>7.3} {:>7.3}",
                    c.name,
                    c.q2_predict,
                    c.rmse,
                    c.mae,
                    c.coverage,
                    c.benchmark.q2_predict,
                    c.benchmark.rmse,
                    c.benchmark.mae
                )?;
            }
            for c in &s.constructs {
                let v = match c.verdict {
                    Verdict::Better => "better than",
                    Verdict::Worse => "worse than",
                    Verdict::Equal => "exactly as well as",
                };
                writeln!(
                    f,
                    "  {}: the model predicts {v} a linear regression on the traits",
                    c.name
                )?;
            }
        }
        if self.saturated {
            writeln!(
                f,
                "  Every endogenous construct has all the traits as predictors (a saturated path \
                 model):\n  its predictions equal the linear regression's by construction."
            )?;
        }
        if let Some(p) = &self.pathway_stability {
            writeln!(
                f,
                "Pathway stability over {} bootstrap refits: {:.1} % of customers keep their \
                 pathway in every refit,\n  {:.1} % of refits agree on average",
                p.refits,
                100.0 * p.share_always_same,
                100.0 * p.mean_agreement
            )?;
        }
        writeln!(
            f,
            "  (Q²pred: 1 − SSE / SSE of the training-part mean; LR: least squares on all the \
             traits;\n  cover{level:.0}: share of held-out customers inside their {level:.0} % \
             prediction interval)"
        )
    }
}

/// Writes `text` indented by two spaces in lines of at most 96 characters.
fn wrapped(f: &mut std::fmt::Formatter<'_>, text: &str) -> std::fmt::Result {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > 94 {
            writeln!(f, "  {line}")?;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(f, "  {line}")?;
    }
    Ok(())
}

/// The data of a validation: the complete rows, one column per construct.
struct Design {
    n: usize,
    p: usize,
    q: usize,
    /// Row-major n × d, d = 1 + p + q + 1: intercept, traits, mediators, outcome.
    w: Vec<f64>,
    /// The complete rows' positions in the caller's table.
    rows: Vec<usize>,
}

impl Design {
    fn d(&self) -> usize {
        self.p + self.q + 2
    }
    fn row(&self, i: usize) -> &[f64] {
        let d = self.d();
        &self.w[i * d..(i + 1) * d]
    }
    fn traits(&self, idx: &[usize]) -> Vec<f64> {
        let mut t = Vec::with_capacity(idx.len() * self.p);
        for &i in idx {
            t.extend_from_slice(&self.row(i)[1..=self.p]);
        }
        t
    }
    /// Σ weight·w wᵀ over the given rows (upper and lower filled).
    fn cross(&self, rows: impl Iterator<Item = (usize, f64)>) -> DMatrix<f64> {
        let d = self.d();
        let mut m = DMatrix::zeros(d, d);
        for (i, c) in rows {
            let r = self.row(i);
            for a in 0..d {
                let ra = c * r[a];
                for b in a..d {
                    m[(a, b)] += ra * r[b];
                }
            }
        }
        for a in 0..d {
            for b in 0..a {
                m[(a, b)] = m[(b, a)];
            }
        }
        m
    }
    fn table(&self, idx: &[usize], names: &[String]) -> Result<Table, String> {
        let rows = idx
            .iter()
            .map(|&i| self.row(i)[1..].iter().map(|&v| Some(v)).collect())
            .collect();
        Table::new(names.to_vec(), rows).map_err(|e| e.to_string())
    }
}

/// The equations of a least-squares-equivalent path model.
#[derive(Debug, Clone)]
struct Equations {
    /// Regressor columns (into the design, 0 = intercept) of each endogenous construct.
    regs: Vec<Vec<usize>>,
    /// Pairs of mediators with a free residual covariance (same regressors).
    cov_pairs: Vec<(usize, usize)>,
    /// Whether the fit has a parameter covariance (intervals with parameter uncertainty).
    vcov: bool,
}

/// Checks that the full-sample ML fit is equation-by-equation least squares, and reads
/// the equations; the reason otherwise.
fn least_squares_equations(
    fit: &SemFit,
    model: &Model,
    options: &SemOptions,
    c: &Constructs,
) -> Result<Equations, String> {
    if !fit.latent().is_empty() {
        return Err("the model has latent variables".into());
    }
    let names: Vec<String> = c.names().cloned().collect();
    if fit.observed().len() != names.len() {
        return Err("the model has observed variables other than the constructs".into());
    }
    if options.missing() != Missing::Listwise {
        return Err("missing data are handled by full-information ML".into());
    }
    if !model.constraints().is_empty() {
        return Err("the model has constraints".into());
    }
    let (p, q) = (c.traits().len(), c.mediators().len());
    let col = |v: &str| names.iter().position(|n| n == v).map(|k| k + 1);
    let endo = |v: &str| col(v).filter(|&k| k > p).map(|k| k - p - 1);
    let mut regs: Vec<Vec<usize>> = vec![vec![0]; q + 1];
    let mut seen_free = std::collections::HashSet::new();
    let mut cov_pairs = Vec::new();
    for e in fit.parameter_estimates() {
        match e.op {
            Op::Regression => {
                let (Some(j), Some(k)) = (endo(&e.lhs), col(&e.rhs)) else {
                    return Err(format!(
                        "the path {} ~ {} is not among the constructs",
                        e.lhs, e.rhs
                    ));
                };
                let Some(f) = e.free else {
                    if e.est == 0.0 {
                        continue; // a path fixed at zero is an absent path
                    }
                    return Err(format!(
                        "the path {} ~ {} is fixed at {}",
                        e.lhs, e.rhs, e.est
                    ));
                };
                if !seen_free.insert(f) {
                    return Err(format!(
                        "the path {} ~ {} is constrained equal to another",
                        e.lhs, e.rhs
                    ));
                }
                regs[j].push(k);
            }
            Op::Intercept if endo(&e.lhs).is_some() => match e.free {
                Some(f) if seen_free.insert(f) => {}
                _ => {
                    return Err(format!(
                        "the intercept of {} is fixed or constrained",
                        e.lhs
                    ))
                }
            },
            Op::Covariance => {
                let (l, r) = (endo(&e.lhs), endo(&e.rhs));
                match (l, r) {
                    (Some(a), Some(b)) if a == b => match e.free {
                        Some(f) if seen_free.insert(f) => {}
                        _ => {
                            return Err(format!(
                                "the residual variance of {} is fixed or constrained",
                                e.lhs
                            ))
                        }
                    },
                    (Some(a), Some(b)) => {
                        if e.free.is_none() && e.est == 0.0 {
                            continue;
                        }
                        if a >= q || b >= q || e.free.is_none() {
                            return Err(format!("the residual covariance {} ~~ {}", e.lhs, e.rhs));
                        }
                        cov_pairs.push((a.min(b), a.max(b)));
                    }
                    (None, None) => {
                        if !(options.fixed_x() || e.free.is_some()) {
                            return Err(format!(
                                "the trait covariance {} ~~ {} is fixed",
                                e.lhs, e.rhs
                            ));
                        }
                    }
                    _ => {
                        return Err(format!(
                            "the covariance {} ~~ {} links a trait and an endogenous construct",
                            e.lhs, e.rhs
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    // Exogenous traits must be saturated: every pair present (fixed at sample moments or free).
    if !options.fixed_x() {
        let tr = c.traits();
        for a in 0..p {
            for b in a..p {
                let found = fit
                    .get(&tr[a], Op::Covariance, &tr[b])
                    .or_else(|| fit.get(&tr[b], Op::Covariance, &tr[a]))
                    .is_some_and(|e| e.free.is_some());
                if !found {
                    return Err(format!(
                        "the trait covariance {} ~~ {} is not free",
                        tr[a], tr[b]
                    ));
                }
            }
        }
    }
    for r in &mut regs {
        r.sort_unstable();
    }
    for &(a, b) in &cov_pairs {
        if regs[a] != regs[b] {
            return Err(format!(
                "the residuals of {} and {} covary while their regressors differ (seemingly unrelated regressions, not least squares)",
                c.mediators()[a],
                c.mediators()[b]
            ));
        }
    }
    Ok(Equations {
        regs,
        cov_pairs,
        vcov: fit.vcov().is_some(),
    })
}

/// Least squares from a cross-product matrix: β = M[R,R]⁻¹ M[R,t], and the inverse.
fn solve(m: &DMatrix<f64>, regs: &[usize], t: usize) -> Option<(DVector<f64>, DMatrix<f64>)> {
    let k = regs.len();
    let a = DMatrix::from_fn(k, k, |i, j| m[(regs[i], regs[j])]);
    let rhs = DVector::from_fn(k, |i, _| m[(regs[i], t)]);
    let ch = a.cholesky()?;
    let beta = ch.solve(&rhs);
    if beta.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some((beta, ch.inverse()))
}

/// The readiness model of a training part from its cross-product matrix.
fn ls_model(
    m: &DMatrix<f64>,
    n: f64,
    eq: &Equations,
    c: &Constructs,
    cv: &CrossValidation,
) -> Result<ReadinessModel, String> {
    let (p, q) = (c.traits().len(), c.mediators().len());
    let mut coef = Coefficients::zeros(p, q);
    let mut psi = vec![0.0; q + 1];
    let mut betas = Vec::with_capacity(q + 1);
    for (j, regs) in eq.regs.iter().enumerate() {
        let t = p + 1 + j;
        let (beta, inv) = solve(m, regs, t).ok_or_else(|| {
            format!(
                "the regressors of {} are collinear in the training rows",
                if j < q {
                    &c.mediators()[j]
                } else {
                    c.outcome()
                }
            )
        })?;
        let ssr = m[(t, t)]
            - regs
                .iter()
                .zip(beta.iter())
                .map(|(&r, b)| b * m[(r, t)])
                .sum::<f64>();
        psi[j] = ssr.max(0.0) / n;
        for (&r, &b) in regs.iter().zip(beta.iter()) {
            match (j < q, r) {
                (true, 0) => coef.alpha_m[j] = b,
                (true, r) => coef.a[j * p + r - 1] = b,
                (false, 0) => coef.alpha_y = b,
                (false, r) if r <= p => coef.c[r - 1] = b,
                (false, r) => coef.b[r - p - 1] = b,
            }
        }
        betas.push((beta, inv));
    }
    let mut psi_m = DMatrix::from_fn(q, q, |i, j| if i == j { psi[i] } else { 0.0 });
    for &(a, b) in &eq.cov_pairs {
        let t = p + 1 + b;
        let s = m[(p + 1 + a, t)]
            - eq.regs[a]
                .iter()
                .zip(betas[a].0.iter())
                .map(|(&r, v)| v * m[(r, t)])
                .sum::<f64>();
        psi_m[(a, b)] = s / n;
        psi_m[(b, a)] = s / n;
    }
    let np = q + 1 + q * p + q + p + p + q + 1;
    let vcov = eq.vcov.then(|| {
        // Position of each regressor's coefficient in the flattened vector.
        let pos = |j: usize, r: usize| -> usize {
            if j < q {
                if r == 0 {
                    j
                } else {
                    q + 1 + j * p + r - 1
                }
            } else if r == 0 {
                q
            } else if r <= p {
                q + 1 + q * p + q + r - 1
            } else {
                q + 1 + q * p + r - p - 1
            }
        };
        let mut v = DMatrix::zeros(np, np);
        for (j, regs) in eq.regs.iter().enumerate() {
            let s = if j < q { psi_m[(j, j)] } else { psi[q] };
            let inv = &betas[j].1;
            for (a, &ra) in regs.iter().enumerate() {
                for (b, &rb) in regs.iter().enumerate() {
                    v[(pos(j, ra), pos(j, rb))] = s * inv[(a, b)];
                }
            }
        }
        for &(x, y) in &eq.cov_pairs {
            let s = psi_m[(x, y)];
            let inv = &betas[x].1;
            for (a, &ra) in eq.regs[x].iter().enumerate() {
                for (b, &rb) in eq.regs[y].iter().enumerate() {
                    v[(pos(x, ra), pos(y, rb))] = s * inv[(a, b)];
                    v[(pos(y, rb), pos(x, ra))] = s * inv[(a, b)];
                }
            }
        }
        v
    });
    let trait_mean: Vec<f64> = (1..=p).map(|k| m[(0, k)] / n).collect();
    let trait_cov = DMatrix::from_fn(p, p, |a, b| {
        m[(a + 1, b + 1)] / n - trait_mean[a] * trait_mean[b]
    });
    ReadinessModel::assemble(ModelSpec {
        constructs: c.clone(),
        provenance: Provenance::Fitted {
            data: "training part".into(),
            n: n as usize,
            latent: false,
        },
        coef,
        vcov,
        trait_mean,
        trait_cov,
        psi_m,
        psi_y: psi[q],
        rule: cv.rule,
        level: cv.level,
    })
    .map_err(|e| e.to_string())
}

/// Per-fold sums for each endogenous construct.
#[derive(Debug, Clone, Default)]
struct Sums {
    sse: f64,
    sae: f64,
    sse_b: f64,
    sae_b: f64,
    sse_0: f64,
    covered: usize,
    count: usize,
}

struct Ctx<'a> {
    design: &'a Design,
    full: DMatrix<f64>,
    eq: Option<Equations>,
    model: &'a Model,
    options: &'a SemOptions,
    c: &'a Constructs,
    cv: &'a CrossValidation,
    names: Vec<String>,
}

impl Ctx<'_> {
    /// The readiness model fitted on the training rows (given by their cross-product
    /// matrix, count and, for the SEM refit, their indices).
    fn refit(
        &self,
        m: &DMatrix<f64>,
        n_train: usize,
        train: &dyn Fn() -> Vec<usize>,
    ) -> Result<ReadinessModel, String> {
        match &self.eq {
            Some(eq) => ls_model(m, n_train as f64, eq, self.c, self.cv),
            None => {
                let t = self.design.table(&train(), &self.names)?;
                let fit = self
                    .model
                    .fit(&t, self.options)
                    .map_err(|e| format!("the SEM fit failed: {e}"))?;
                ReadinessModel::from_fit(&fit, self.c.clone(), "training part")
                    .and_then(|r| r.with_rule(self.cv.rule))
                    .and_then(|r| r.with_level(self.cv.level))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Refits on everything but `test` and scores the held-out rows.
    fn fold(&self, test: &[usize], train: &dyn Fn() -> Vec<usize>) -> Result<Vec<Sums>, String> {
        let d = self.design;
        let (p, q) = (d.p, d.q);
        let m = &self.full - d.cross(test.iter().map(|&i| (i, 1.0)));
        let n_train = d.n - test.len();
        let model = self.refit(&m, n_train, train)?;
        let pred = model
            .predict_batch(&d.traits(test))
            .map_err(|e| e.to_string())?;
        let bench_regs: Vec<usize> = (0..=p).collect();
        let mut out = vec![Sums::default(); q + 1];
        for (j, s) in out.iter_mut().enumerate() {
            let t = p + 1 + j;
            let (beta, _) =
                solve(&m, &bench_regs, t).ok_or("the traits are collinear in the training rows")?;
            let mean = m[(0, t)] / n_train as f64;
            let resid = if j < q { model.d.resid_m[j] } else { 0.0 };
            for (l, &i) in test.iter().enumerate() {
                let r = d.row(i);
                let y = r[t];
                let (yhat, se) = if j < q {
                    let z: Vec<f64> = r[..=p].to_vec();
                    let qm = &model.d.q_m[j];
                    let mut v = resid;
                    for a in 0..=p {
                        for b in 0..=p {
                            v += z[a] * qm[(a, b)] * z[b];
                        }
                    }
                    (pred.mediators[j][l], v.max(0.0).sqrt())
                } else {
                    (pred.outcome[l], pred.outcome_se[l])
                };
                let yb: f64 = (0..=p).map(|k| beta[k] * r[k]).sum();
                let (e, eb, e0) = (y - yhat, y - yb, y - mean);
                s.sse += e * e;
                s.sae += e.abs();
                s.sse_b += eb * eb;
                s.sae_b += eb.abs();
                s.sse_0 += e0 * e0;
                s.covered += usize::from((y - yhat).abs() <= model.d.z_level * se);
                s.count += 1;
            }
        }
        Ok(out)
    }
}

fn map_folds<T: Send, F: Fn(usize) -> T + Sync + Send>(n: usize, f: F) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..n).map(f).collect()
    }
}

fn summarise(
    sums: &[Vec<Sums>],
    c: &Constructs,
    saturated: bool,
    folds: usize,
    repeats: usize,
) -> SchemeValidation {
    let q = c.mediators().len();
    let constructs = (0..=q)
        .map(|j| {
            let mut t = Sums::default();
            for s in sums {
                let s = &s[j];
                t.sse += s.sse;
                t.sae += s.sae;
                t.sse_b += s.sse_b;
                t.sae_b += s.sae_b;
                t.sse_0 += s.sse_0;
                t.covered += s.covered;
                t.count += s.count;
            }
            let n = t.count as f64;
            let rmse = (t.sse / n).sqrt();
            let rmse_b = (t.sse_b / n).sqrt();
            let verdict = if saturated {
                Verdict::Equal
            } else if rmse < rmse_b {
                Verdict::Better
            } else {
                Verdict::Worse
            };
            ConstructValidation {
                name: if j < q {
                    c.mediators()[j].clone()
                } else {
                    c.outcome().to_string()
                },
                q2_predict: 1.0 - t.sse / t.sse_0,
                rmse,
                mae: t.sae / n,
                coverage: t.covered as f64 / n,
                benchmark: Accuracy {
                    q2_predict: 1.0 - t.sse_b / t.sse_0,
                    rmse: rmse_b,
                    mae: t.sae_b / n,
                },
                verdict,
            }
        })
        .collect();
    SchemeValidation {
        folds,
        repeats,
        constructs,
    }
}

/// Cross-validates the readiness model of `model` fitted with `options` on `data` (one
/// column per construct, composite scores): leave-one-out, repeated k-fold and pathway
/// stability as `cv` asks, every random draw from ChaCha8 streams of `cv`'s seed, so that
/// the result is the same on every run and with any number of threads.
///
/// Rows with a missing construct score are left out and listed in the result. The fit
/// needs a mean structure (`MeanStructure::On`).
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::readiness::{validate, Constructs, CrossValidation};
/// use cocreate_core::scoring::ResponseRange;
/// use cocreate_core::sem::{MeanStructure, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| {
/// #     let t = i as f64; let x = 3.0 + (t * 0.91).sin(); let m = 1.0 + 0.6 * x + 0.5 * (t * 1.7).cos();
/// #     let y = 0.5 + 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
/// # let data = Table::new(vec!["O".into(), "II".into(), "WTC".into()], rows)?;
/// let model = Model::parse("II ~ O\nWTC ~ II + O")?;
/// let options = SemOptions::builder().meanstructure(MeanStructure::On).build()?;
/// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let v = validate(&model, &options, &data, &c, &CrossValidation::builder(7).build()?)?;
/// assert!(v.saturated);
/// let loo = v.leave_one_out.as_ref().unwrap();
/// assert!((loo.constructs[1].rmse - loo.constructs[1].benchmark.rmse).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate(
    model: &Model,
    options: &SemOptions,
    data: &Table,
    constructs: &Constructs,
    cv: &CrossValidation,
) -> Result<Validation, ValidationError> {
    constructs.validate()?;
    // A bootstrap inside every refit would repeat the SEM fit per replicate and fold;
    // the refits take their standard errors from the information matrix, and say so.
    let mut notes = Vec::new();
    let standard;
    let options = if options.se() == SeMethod::Bootstrap {
        notes.push(format!(
            "every refit takes its standard errors (the parameter part of the prediction \
             intervals) from the information matrix, not from the {} bootstrap replicates the \
             SEM options ask for",
            options.bootstrap()
        ));
        let mut o = options.clone();
        o.se = SeMethod::Standard;
        standard = o;
        &standard
    } else {
        options
    };
    let latent = model.latent_names();
    if !latent.is_empty() {
        return Err(ValidationError::LatentModel {
            latent: latent.join(", "),
        });
    }
    let names: Vec<String> = constructs.names().cloned().collect();
    let (p, q) = (constructs.traits().len(), constructs.mediators().len());
    if data.n_rows() > MAX_ROWS {
        return Err(ValidationError::InvalidOptions(format!(
            "{} rows exceed the limit of {MAX_ROWS}",
            data.n_rows()
        )));
    }
    let cols: Vec<usize> = names
        .iter()
        .map(|n| {
            data.column_index(n)
                .ok_or_else(|| ValidationError::MissingColumn {
                    name: n.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    let d = p + q + 2;
    let mut w = Vec::with_capacity(data.n_rows() * d);
    let (mut rows, mut dropped) = (Vec::new(), Vec::new());
    for i in 0..data.n_rows() {
        let vals: Option<Vec<f64>> = cols.iter().map(|&c| data.get(i, c)).collect();
        match vals {
            Some(v) => {
                let (lo, hi) = (constructs.range().min(), constructs.range().max());
                for (k, &x) in v[..p].iter().enumerate() {
                    if !(lo..=hi).contains(&x) {
                        return Err(ReadinessError::TraitOutOfRange {
                            name: names[k].clone(),
                            at: format!("row {}: ", i + 1),
                            value: x,
                            min: lo,
                            max: hi,
                        }
                        .into());
                    }
                }
                w.push(1.0);
                w.extend(v);
                rows.push(i);
            }
            None => dropped.push(i + 1),
        }
    }
    let design = Design {
        n: rows.len(),
        p,
        q,
        w,
        rows,
    };
    let n = design.n;
    let needed = p + q + 2;
    let full_table = design
        .table(&(0..n).collect::<Vec<_>>(), &names)
        .map_err(ValidationError::InvalidOptions)?;
    let fit = model
        .fit(&full_table, options)
        .map_err(ValidationError::FullFit)?;
    let reference = ReadinessModel::from_fit(&fit, constructs.clone(), "full sample")
        .and_then(|r| r.with_rule(cv.rule))
        .and_then(|r| r.with_level(cv.level))
        .map_err(ValidationError::FullModel)?;
    let (eq, reason) = match cv.refit {
        RefitMethod::FullSem => (None, Some("the caller asked for it".to_string())),
        RefitMethod::Auto => match least_squares_equations(&fit, model, options, constructs) {
            Ok(e) => (Some(e), None),
            Err(r) => (None, Some(r)),
        },
    };
    let saturated = eq
        .as_ref()
        .is_some_and(|e| e.regs.iter().all(|r| (1..=p).all(|k| r.contains(&k))));
    let ctx = Ctx {
        full: design.cross((0..n).map(|i| (i, 1.0))),
        design: &design,
        eq,
        model,
        options,
        c: constructs,
        cv,
        names,
    };
    let fail = |scheme: &str, part: String, reason: String| ValidationError::FoldFailed {
        scheme: scheme.into(),
        part,
        reason,
    };

    let leave_one_out = if cv.leave_one_out {
        if n < needed + 1 {
            return Err(ValidationError::TooFewRows {
                n,
                what: "leave-one-out".into(),
                needed,
            });
        }
        let res = map_folds(n, |i| {
            ctx.fold(&[i], &|| (0..n).filter(|&r| r != i).collect())
        });
        let mut sums = Vec::with_capacity(n);
        for (i, r) in res.into_iter().enumerate() {
            sums.push(r.map_err(|e| {
                fail(
                    "leave-one-out",
                    format!("held-out row {}", design.rows[i] + 1),
                    e,
                )
            })?);
        }
        Some(summarise(&sums, constructs, saturated, n, 1))
    } else {
        None
    };

    let k_fold = if cv.folds >= 2 {
        let k = cv.folds;
        if k > n {
            return Err(ValidationError::InvalidOptions(format!(
                "{k} folds are more than the {n} complete customers"
            )));
        }
        let largest = n.div_ceil(k);
        if n - largest < needed {
            return Err(ValidationError::TooFewRows {
                n,
                what: format!("{k}-fold cross-validation"),
                needed,
            });
        }
        // Fold assignment of repetition r: a seeded shuffle, position mod k.
        let assign: Vec<Vec<usize>> = (0..cv.repeats)
            .map(|r| {
                let mut idx: Vec<usize> = (0..n).collect();
                let mut rng = ChaCha8Rng::seed_from_u64(cv.seed);
                rng.set_stream(r as u64 + 1);
                for i in (1..n).rev() {
                    idx.swap(i, rng.gen_range(0..=i));
                }
                let mut fold = vec![0; n];
                for (pos, &i) in idx.iter().enumerate() {
                    fold[i] = pos % k;
                }
                fold
            })
            .collect();
        let res = map_folds(cv.repeats * k, |t| {
            let (r, f) = (t / k, t % k);
            let test: Vec<usize> = (0..n).filter(|&i| assign[r][i] == f).collect();
            ctx.fold(&test, &|| (0..n).filter(|&i| assign[r][i] != f).collect())
                .map_err(|e| (test.len(), e))
        });
        let mut sums = Vec::with_capacity(res.len());
        for (t, r) in res.into_iter().enumerate() {
            sums.push(r.map_err(|(m, e)| {
                fail(
                    "k-fold",
                    format!(
                        "repetition {}, fold {} ({} training rows)",
                        t / k + 1,
                        t % k + 1,
                        n - m
                    ),
                    e,
                )
            })?);
        }
        Some(summarise(&sums, constructs, saturated, k, cv.repeats))
    } else {
        None
    };

    let pathway_stability = if cv.bootstrap > 0 {
        let all: Vec<usize> = (0..n).collect();
        let base: Vec<Pathway> = reference
            .predict_batch(&design.traits(&all))?
            .pathways()
            .collect();
        let res = map_folds(cv.bootstrap, |b| {
            let mut rng = ChaCha8Rng::seed_from_u64(cv.seed);
            rng.set_stream(1 << 32 | b as u64);
            let mut count = vec![0usize; n];
            for _ in 0..n {
                count[rng.gen_range(0..n)] += 1;
            }
            let m = design.cross(
                (0..n)
                    .filter(|&i| count[i] > 0)
                    .map(|i| (i, count[i] as f64)),
            );
            let train = || {
                let mut t = Vec::with_capacity(n);
                for (i, &c) in count.iter().enumerate() {
                    t.extend(std::iter::repeat_n(i, c));
                }
                t
            };
            let model = ctx.refit(&m, n, &train)?;
            let pred = model
                .predict_batch(&design.traits(&all))
                .map_err(|e| e.to_string())?;
            Ok::<Vec<bool>, String>(pred.pathways().zip(&base).map(|(a, b)| a == *b).collect())
        });
        let mut agree = vec![0usize; n];
        for (b, r) in res.into_iter().enumerate() {
            let same = r.map_err(|e| fail("pathway bootstrap", format!("refit {}", b + 1), e))?;
            for (a, s) in agree.iter_mut().zip(same) {
                *a += usize::from(s);
            }
        }
        let bf = cv.bootstrap as f64;
        Some(PathwayStability {
            refits: cv.bootstrap,
            share_always_same: agree.iter().filter(|&&a| a == cv.bootstrap).count() as f64
                / n as f64,
            mean_agreement: agree.iter().map(|&a| a as f64 / bf).sum::<f64>() / n as f64,
        })
    } else {
        None
    };

    Ok(Validation {
        n,
        dropped_rows: dropped,
        method: if ctx.eq.is_some() {
            "least_squares"
        } else {
            "full_sem"
        }
        .into(),
        method_reason: reason,
        saturated,
        leave_one_out,
        k_fold,
        pathway_stability,
        notes,
        seed: cv.seed,
        level: cv.level,
    })
}

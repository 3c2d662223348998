//! Fit a lavaan-syntax model to a CSV file.
//!
//! ```text
//! cargo run --release --example sem -- MODEL.lav DATA.csv [--missing listwise|ml|ml.x]
//!     [--estimator ML|MLM|MLR|WLSMV] [--se standard|bootstrap|none] [--bootstrap N] [--seed S]
//!     [--boot-ci perc|bca.simple|norm|basic] [--level L] [--information expected|observed]
//!     [--ordered all|ITEM,ITEM,...] [--std-lv] [--orthogonal] [--meanstructure [auto|on|off]] [--fixed-x | --no-fixed-x]
//!     [--mi [MIN]] [--json] [--dot FILE] [--svg FILE]
//!     [--factor-scores FILE [--factor-method regression|bartlett] [--id COLUMN]]
//!     [--group COLUMN [--group-equal LIST] [--group-partial LIST] [--invariance]]
//!     [--compare OTHER_MODEL.lav]
//! ```
//!
//! `--compare OTHER_MODEL.lav` fits a second model with the same options to the same data
//! and appends lavaan's `lavTestLRT` table of the two (ordered by degrees of freedom; the
//! Satorra-Bentler 2001 scaled difference with `--estimator MLM|MLR`), in the JSON as
//! `lrt`.
//!
//! `--group COLUMN` fits the model in every group of the rows (lavaan's `group =`; the
//! groups in order of first appearance), `--group-equal loadings,intercepts` holds those
//! parameters equal across groups and `--group-partial "x3 ~ 1"` frees named ones again;
//! the summary then has a section per group and the JSON a `group` on every row and a
//! `groups` block. `--invariance` fits the configural, metric, scalar and strict models
//! (and a partial model freeing `--group-partial`) and reports each fit, the χ²
//! difference tests, ΔCFI/ΔRMSEA/ΔSRMR and where invariance fails by each criterion.
//! Groups take `--missing ml|ml.x` (full-information ML in every group) and
//! `--estimator MLM|MLR` (the scaled tests, and scaled χ² differences in `--invariance`;
//! MLR also with `--missing ml`) and `--ordered` (WLSMV over the groups: `--group-equal
//! thresholds,loadings`, `--group-partial "x1 | t2"`, and `--invariance` runs configural,
//! metric and scalar with lavaan's scaled difference tests for ordered data).
//!
//! `--help` lists the flags by group (fitting, output, factor scores); the fitting flags
//! are the [`SemOptions`] settings of the same names, so a new option is one field in
//! `FitArgs` and one builder call. The model may hold lavaan's constraints (`a == 2*b`,
//! `a + b == 1`, `a > 0`, `a < b`); the summary then ends with their slacks.
//!
//! After the summary comes lavaan's `standardizedSolution()`: the completely standardised
//! estimates with delta-method standard errors, z, p and intervals at `--level` (in the
//! JSON as `standardized_solution`, one object per row with lavaan's column names).
//!
//! `--estimator MLM|MLR` adds the scaled test and the `.scaled` / `.robust` indices (in the
//! JSON `fit` block under lavaan's names). MLR also works with `--missing ml` or `ml.x`
//! (sandwich SEs from the FIML information and casewise scores, the Yuan–Bentler test and
//! lavaan's FIML-corrected robust RMSEA/CFI/TLI); MLM needs complete data. `--ordered all`
//! (or a comma-separated list of items) treats the items as ordered categories and fits
//! lavaan's WLSMV (thresholds, the scaled-and-shifted test, robust standard errors); `--mi`
//! adds the modification indices with `mi ≥ MIN` (default 0), sorted, as a table or as
//! `modindices` in the JSON.
//!
//! A model with latent variables also gets a "Reliability and validity" section (composite
//! reliability ω, α, AVE, HTMT/HTMT2, factor correlations and the Fornell–Larcker table, the
//! usual thresholds shown as flags), in the JSON as `reliability_validity` under semTools'
//! names. `--factor-scores FILE` writes lavaan's `lavPredict` scores (`--factor-method`,
//! regression by default) as CSV, one row per respondent with the `--id` column's value
//! (text kept; without `--id` a column named `id`, else the data row number), and says on
//! stderr how many rows were written and how many skipped for missing values.
//!
//! Prints the lavaan-like summary, or with `--json` one JSON object with `n_used`, `npar`,
//! `converged`, `iterations`, `parameter_estimates`, `standardized_solution`, `fit`, `r2`,
//! `constraints` (with a constrained model) and `warnings`. `--dot`
//! writes a Graphviz path diagram, `--svg` the path diagram as a self-contained SVG
//! (layered layout, standardized estimates, non-significant paths dashed). Bad input gives a one-line error naming the file, line
//! and column, and exit code 2.

#[path = "common/cli.rs"]
mod cli;
#[path = "common/output.rs"]
mod output;
#[path = "common/sem_json.rs"]
mod sem_json;

use std::process::ExitCode;

use clap::{Args as ClapArgs, Parser};
use cocreate::core::data::{CsvOptions, DataError, Table};
use cocreate::core::ordinal::Ordered;
use cocreate::core::sem::{
    factor_scores, lav_test_lrt, measurement_invariance, measurement_validity, BootCi, DotOptions,
    Estimator, FactorScoreError, FactorScoreMethod, FactorScoreOptions, FactorScores, GroupEqual,
    Information, InvarianceOptions, LrtTable, MeanStructure, Missing, Model, ModificationIndex,
    ParameterId, PathDiagram, Position, RobustFit, SeMethod, SemError, SemFit, SemOptions,
};

/// Fit a lavaan-syntax model to a CSV file and print lavaan's summary (or JSON).
#[derive(Debug, Parser)]
#[command(name = "sem")]
struct Args {
    /// The model in lavaan syntax.
    model: String,
    /// The data: a CSV file with a header row.
    data: String,
    #[command(flatten)]
    fit: FitArgs,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    scores: ScoreArgs,
}

/// How the model is fitted: each flag is a [`SemOptions`] setting of the same name.
#[derive(Debug, Clone, ClapArgs)]
#[command(next_help_heading = "Fitting")]
struct FitArgs {
    /// Missing data: listwise, ml (full-information ML) or ml.x.
    #[arg(long, value_name = "METHOD", default_value = "listwise", value_parser = choice::<Missing>)]
    missing: Missing,
    /// Estimator: ML, MLM or MLR (robust standard errors and a scaled test; MLR also with
    /// --missing ml or ml.x), or WLSMV (with --ordered).
    #[arg(long, value_name = "NAME", default_value = "ML", value_parser = choice::<Estimator>)]
    estimator: Estimator,
    /// Standard errors: standard, bootstrap or none.
    #[arg(long, value_name = "METHOD", default_value = "standard", value_parser = choice::<SeMethod>)]
    se: SeMethod,
    /// Bootstrap replicates (with --se bootstrap).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// The bootstrap interval in ci.lower/ci.upper (with --se bootstrap): perc, bca.simple,
    /// norm or basic (lavaan's boot.ci.type). Otherwise the intervals are Wald intervals.
    #[arg(long, value_name = "TYPE", value_parser = choice::<BootCi>)]
    boot_ci: Option<BootCi>,
    /// Confidence level of the intervals, strictly between 0 and 1.
    #[arg(long, value_name = "L", default_value_t = 0.95)]
    level: f64,
    /// Information matrix of the standard errors: expected or observed (default: expected
    /// with complete data, observed with --missing ml and with MLR).
    #[arg(long, value_name = "MATRIX", default_value = "auto", value_parser = choice::<Information>)]
    information: Information,
    /// Scale latent variables by fixing their variances to 1.
    #[arg(long)]
    std_lv: bool,
    /// Fix the covariances among exogenous latent variables to 0.
    #[arg(long)]
    orthogonal: bool,
    /// Mean structure: auto (on with --missing ml or intercepts in the model), on or off;
    /// the flag alone is on.
    #[arg(long, value_name = "WHEN", num_args = 0..=1, default_value = "auto", default_missing_value = "on", value_parser = choice::<MeanStructure>)]
    meanstructure: MeanStructure,
    /// Hold exogenous observed covariates at their sample moments (the default).
    #[arg(long = "fixed-x", overrides_with = "no_fixed_x")]
    fixed_x: bool,
    /// Estimate the exogenous covariates' variances, covariances and means instead.
    #[arg(long = "no-fixed-x", overrides_with = "fixed_x")]
    no_fixed_x: bool,
    /// Fit the model in every group of the rows, the groups being the values of COLUMN.
    #[arg(long, value_name = "COLUMN", help_heading = "Multiple groups")]
    group: Option<String>,
    /// Hold these equal across groups: loadings, intercepts, means, residuals,
    /// residual.covariances, lv.variances, lv.covariances, regressions, thresholds (comma
    /// separated; thresholds with --ordered).
    #[arg(long, value_name = "LIST", value_parser = group_equal, help_heading = "Multiple groups")]
    group_equal: Option<List<GroupEqual>>,
    /// Free these parameters from --group-equal in every group, e.g. "x3 ~ 1,visual =~ x2"
    /// or "x1 | t2"; with --invariance, the parameters the partial model frees.
    #[arg(long, value_name = "LIST", value_parser = group_partial, help_heading = "Multiple groups")]
    group_partial: Option<List<ParameterId>>,
    /// Treat these observed variables as ordered categories: `all`, or a comma-separated
    /// list; the fit is then lavaan's WLSMV.
    #[arg(long, value_name = "all|ITEMS", value_parser = ordered_list)]
    ordered: Option<Ordered>,
}

/// `all` or a comma-separated list of names.
fn ordered_list(s: &str) -> Result<Ordered, String> {
    if s == "all" {
        return Ok(Ordered::All);
    }
    let names: Vec<&str> = s.split(',').map(str::trim).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(format!(
            "--ordered takes all or a comma-separated list of variables, got {s:?}"
        ));
    }
    Ok(Ordered::only(names))
}

impl FitArgs {
    /// The library's options; the library checks every value and combination.
    fn options(&self) -> Result<SemOptions, SemError> {
        let mut b = SemOptions::builder()
            .missing(self.missing)
            .estimator(self.estimator)
            .se(self.se)
            .bootstrap(self.bootstrap)
            .seed(self.seed)
            .level(self.level)
            .information(self.information)
            .std_lv(self.std_lv)
            .group_equal(self.group_equal.clone().map_or_else(Vec::new, |l| l.0))
            .group_partial(self.group_partial.clone().map_or_else(Vec::new, |l| l.0))
            .ordered(self.ordered.clone().unwrap_or(Ordered::None))
            .orthogonal(self.orthogonal)
            .meanstructure(self.meanstructure)
            .fixed_x(!self.no_fixed_x);
        if let Some(g) = &self.group {
            b = b.group(g.clone());
        }
        if let Some(ci) = self.boot_ci {
            b = b.boot_ci(ci);
        }
        b.build()
    }
}

/// What is reported besides the summary.
#[derive(Debug, ClapArgs)]
#[command(next_help_heading = "Output")]
struct ReportArgs {
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    json: bool,
    /// Write a Graphviz path diagram to FILE.
    #[arg(long, value_name = "FILE")]
    dot: Option<String>,
    /// Write the path diagram as a self-contained SVG to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
    /// Add the modification indices with mi >= MIN (default 0), sorted.
    #[arg(long, value_name = "MIN", num_args = 0..=1, default_missing_value = "0", value_parser = finite_minimum)]
    mi: Option<f64>,
    /// With --group: fit the configural, metric, scalar and strict models (and a partial
    /// model freeing --group-partial) and report where measurement invariance fails.
    #[arg(long, help_heading = "Multiple groups")]
    invariance: bool,
    /// Fit the model in FILE with the same options and data and test the two against each
    /// other (lavaan's lavTestLRT: χ² difference, scaled for MLM/MLR).
    #[arg(long, value_name = "FILE")]
    compare: Option<String>,
}

/// Factor scores (lavaan's lavPredict).
#[derive(Debug, ClapArgs)]
#[command(next_help_heading = "Factor scores")]
struct ScoreArgs {
    /// Write the factor scores to FILE as CSV.
    #[arg(long, value_name = "FILE")]
    factor_scores: Option<String>,
    /// Scoring method: regression (the default) or bartlett.
    #[arg(long, value_name = "METHOD", value_parser = factor_method)]
    factor_method: Option<FactorScoreMethod>,
    /// The column that identifies respondents in the scores file.
    #[arg(long, value_name = "COLUMN")]
    id: Option<String>,
}

/// An option the library parses by name; clap's message gets the library's account of
/// what the option allows.
fn choice<T: std::str::FromStr<Err = SemError>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|e| match e {
        SemError::InvalidOption { allowed, .. } => allowed,
        other => other.to_string(),
    })
}

/// A comma-separated list given as one flag value.
#[derive(Debug, Clone)]
struct List<T>(Vec<T>);

fn group_equal(text: &str) -> Result<List<GroupEqual>, String> {
    GroupEqual::parse_list(text).map(List).map_err(|e| match e {
        SemError::InvalidOption { value, allowed, .. } => format!("{value}: {allowed}"),
        other => other.to_string(),
    })
}

fn group_partial(text: &str) -> Result<List<ParameterId>, String> {
    ParameterId::parse_list(text)
        .map(List)
        .map_err(|e| match e {
            SemError::InvalidOption { value, allowed, .. } => format!("{value}: {allowed}"),
            other => other.to_string(),
        })
}

fn finite_minimum(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("the minimum must be a finite number".into()),
    }
}

fn factor_method(text: &str) -> Result<FactorScoreMethod, String> {
    text.parse()
        .map_err(|_| "the method is regression or bartlett".into())
}

/// The command line, with the checks between flags that clap does not express.
fn parse_args() -> Result<Args, String> {
    let a: Args = cli::parse();
    if a.fit.boot_ci.is_some() && a.fit.se != SeMethod::Bootstrap {
        return Err(
            "--boot-ci chooses the bootstrap interval; give --se bootstrap too (with standard errors from the information the intervals are Wald intervals)".into(),
        );
    }
    if a.scores.factor_scores.is_none() {
        if a.scores.id.is_some() {
            return Err("--id names the respondent column of --factor-scores; give --factor-scores FILE too".into());
        }
        if a.scores.factor_method.is_some() {
            return Err(
                "--factor-method applies to --factor-scores; give --factor-scores FILE too".into(),
            );
        }
    }
    if a.report.invariance && a.report.compare.is_some() {
        return Err("--invariance compares its own sequence of models; leave out --compare".into());
    }
    if a.report.invariance && a.fit.group.is_none() {
        return Err("--invariance compares groups; give --group COLUMN too".into());
    }
    if a.fit.group.is_none() && (a.fit.group_equal.is_some() || a.fit.group_partial.is_some()) {
        return Err(
            "--group-equal and --group-partial apply across groups; give --group COLUMN too".into(),
        );
    }
    Ok(a)
}

/// The one-line error: the file the problem is in (the model or the data), then the line
/// and column where known.
fn describe(err: &SemError, model: &str, data: &str) -> String {
    let at = |p: &Position| format!("{model}:{}:{}", p.line, p.column);
    match err {
        SemError::Syntax(e) => format!("{}: {}", at(&e.position), e.message),
        SemError::UnknownVariable { name, position } => format!(
            "{}: variable {name:?} is neither a column of {data} nor a latent variable",
            at(position)
        ),
        SemError::UnknownLabel { name, position } => {
            format!("{}: {name:?} is not a parameter label", at(position))
        }
        SemError::LatentIsColumn { name, position } => format!(
            "{}: latent variable {name:?} has the name of a column of {data}; rename the latent variable",
            at(position)
        ),
        SemError::InvalidValue {
            parameter,
            problem,
            position,
        } => format!("{}: parameter {parameter} is {problem}", at(position)),
        SemError::GroupVectorLength { position, .. } | SemError::GroupIsVariable { position, .. } => {
            let text = err.to_string();
            let text = text
                .split_once(&format!(" at {position}"))
                .map_or(text.clone(), |(a, b)| format!("{a}{b}"));
            format!("{}: {text}", at(position))
        }
        SemError::InfeasibleConstraints { detail, lines } => {
            let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let which = if lines.len() == 1 { "line" } else { "lines" };
            format!(
                "{model}: {which} {}: the constraints cannot all hold: {detail}",
                join_and(&lines)
            )
        }
        SemError::NonlinearConstraint {
            constraint,
            reason,
            position,
        } => format!(
            "{}: the constraint {constraint:?} is not linear in the free parameters ({reason}); only linear constraints are supported",
            at(position)
        ),
        SemError::ConstraintOnCovariate {
            constraint,
            label,
            position,
        } => format!(
            "{}: the constraint {constraint:?} names {label:?}, a moment of the fixed exogenous covariates; use --no-fixed-x to estimate it",
            at(position)
        ),
        SemError::Data(DataError::NotANumber {
            line,
            column,
            value,
        }) => {
            format!("{data}:{line}: column {column:?}: {value:?} is not a number")
        }
        SemError::Data(DataError::Ragged {
            line,
            expected,
            found,
        }) => {
            format!("{data}:{line}: {found} fields, but the header has {expected}")
        }
        SemError::Data(e) => format!("{data}: {e}"),
        other if other.is_data_problem() => format!("{data}: {other}"),
        other => format!("{model}: {other}"),
    }
}

/// `1, 2 and 3`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Reads a text file, saying so when the path is a directory.
fn read_text(path: &str) -> Result<String, String> {
    if std::path::Path::new(path).is_dir() {
        return Err(format!("{path}: is a directory, not a file"));
    }
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn run(a: &Args) -> Result<(), String> {
    let text = read_text(&a.model)?;
    let model = Model::parse(&text).map_err(|e| describe(&e.into(), &a.model, &a.data))?;
    if std::path::Path::new(&a.data).is_dir() {
        return Err(format!("{}: is a directory, not a CSV file", a.data));
    }
    if let Some(path) = &a.scores.factor_scores {
        if std::path::Path::new(path).is_dir() {
            return Err(format!(
                "--factor-scores {path}: is a directory; give the path of the CSV file to write"
            ));
        }
    }
    let mut csv = CsvOptions::builder();
    if let Some(id) = &a.scores.id {
        csv = csv.id_column(id.clone());
    }
    if let Some(group) = &a.fit.group {
        // The group column's values are the groups' labels, text or numbers as written.
        csv = csv.id_column(group.clone());
    }
    let csv = csv.build().map_err(|e| e.to_string())?;
    let data = Table::from_csv_path_with(&a.data, &csv).map_err(|e| match (&a.scores.id, &e) {
        (Some(id), DataError::UnknownColumn { name, .. }) if name == id => {
            format!("{}: --id {id:?} is not a column of the header", a.data)
        }
        _ => describe(&e.into(), &a.model, &a.data),
    })?;
    if a.report.invariance {
        return run_invariance(a, &model, &data);
    }
    let opts = a.fit.options().map_err(|e| e.to_string())?;
    let fit = model
        .fit(&data, &opts)
        .map_err(|e| describe(&e, &a.model, &a.data))?;
    if let Some(path) = &a.report.dot {
        std::fs::write(path, fit.to_dot(&DotOptions::default()))
            .map_err(|e| format!("{path}: {e}"))?;
    }
    if let Some(path) = &a.report.svg {
        std::fs::write(path, PathDiagram::from_fit(&fit).title(&a.model).to_svg())
            .map_err(|e| format!("{path}: {e}"))?;
    }
    let lrt = match &a.report.compare {
        Some(path) => Some(compare_with(a, &fit, &data, &opts, path)?),
        None => None,
    };
    let mi = match a.report.mi {
        Some(min) => Some(
            fit.modification_indices_above(min, true)
                .map_err(|e| describe(&e, &a.model, &a.data))?,
        ),
        None => None,
    };
    // Reliability and validity for every model with latent variables; a problem with it
    // (a factor with one item) is reported in the section, not as a failure of the fit.
    let validity = (!fit.latent().is_empty()).then(|| measurement_validity(&fit));
    let scores = match &a.scores.factor_scores {
        Some(path) => Some(write_factor_scores(a, &fit, &data, path)?),
        None => None,
    };
    if a.report.json {
        let mut v = sem_json::fit_json(&fit);
        match &validity {
            Some(Ok(r)) => v["reliability_validity"] = sem_json::reliability_validity(r),
            Some(Err(e)) => {
                v["reliability_validity"] = serde_json::json!({ "error": e.to_string() })
            }
            None => {}
        }
        if let (Some(fs), Some(path)) = (&scores, &a.scores.factor_scores) {
            v["factor_scores"] = serde_json::json!({
                "file": path, "method": fs.method.to_string(),
                "rows_written": fs.rows.len(), "rows_skipped": fs.skipped.len(),
            });
        }
        if let (Some(r), Some(f)) = (fit.robust(), v.get_mut("fit")) {
            for (k, x) in robust_keys(r) {
                f[k] = x.map_or(serde_json::Value::Null, serde_json::Value::from);
            }
        }
        if let Some(t) = &lrt {
            v["lrt"] = serde_json::to_value(t).map_err(|e| e.to_string())?;
        }
        if let Some(rows) = &mi {
            v["modindices"] = rows
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "lhs": m.lhs, "op": m.op.as_str(), "rhs": m.rhs, "mi": m.mi,
                        "epc": m.epc, "sepc.lv": m.sepc_lv, "sepc.all": m.sepc_all,
                        "sepc.nox": m.sepc_nox,
                    })
                })
                .collect();
        }
        output::print_line(serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
    } else {
        let mut text = fit.summary();
        text.push('\n');
        text.push_str(&fit.standardized_solution_summary());
        match &validity {
            Some(Ok(r)) => {
                text.push('\n');
                // With one factor the report's notes say that HTMT does not apply.
                text.push_str(&r.summary());
            }
            Some(Err(e)) => {
                text.push_str(&format!("\nReliability and validity: not computed: {e}\n"))
            }
            None => {}
        }
        if let Some(rows) = &mi {
            text.push_str(&mi_text(rows));
        }
        if let Some(t) = &lrt {
            text.push('\n');
            text.push_str(&t.summary());
        }
        output::print_text(text);
    }
    Ok(())
}

/// `--compare FILE`: fits the other model with the same options to the same data and
/// tests the two (the models named by their files).
fn compare_with(
    a: &Args,
    fit: &SemFit,
    data: &Table,
    opts: &SemOptions,
    path: &str,
) -> Result<LrtTable, String> {
    let text = read_text(path)?;
    let other = Model::parse(&text).map_err(|e| describe(&e.into(), path, &a.data))?;
    let other = other
        .fit(data, opts)
        .map_err(|e| describe(&e, path, &a.data))?;
    lav_test_lrt(&[(a.model.as_str(), fit), (path, &other)])
        .map_err(|e| format!("--compare {path}: {e}"))
}

/// `--invariance`: the invariance sequence, as a report or one JSON object.
fn run_invariance(a: &Args, model: &Model, data: &Table) -> Result<(), String> {
    let mut fit_args = a.fit.clone();
    let partial = fit_args.group_partial.take().map_or_else(Vec::new, |l| l.0);
    let opts = fit_args.options().map_err(|e| e.to_string())?;
    let inv = InvarianceOptions::builder()
        .partial(partial)
        .build()
        .map_err(|e| e.to_string())?;
    let report = measurement_invariance(model, data, &opts, &inv)
        .map_err(|e| describe(&e, &a.model, &a.data))?;
    if a.report.json {
        let v = sem_json::invariance_json(&report);
        output::print_line(serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
    } else {
        output::print_text(report.summary());
    }
    Ok(())
}

/// Computes the factor scores, writes them to `path` as CSV and says on stderr how many
/// rows were written and how many skipped (and why).
fn write_factor_scores(
    a: &Args,
    fit: &SemFit,
    data: &Table,
    path: &str,
) -> Result<FactorScores, String> {
    let mut opts = FactorScoreOptions::new(a.scores.factor_method.unwrap_or_default());
    // Without --id, the data's own id column (a column named id) when the reader found one.
    let id = a.scores.id.as_deref().or(data.id_column());
    if let Some(id) = id {
        opts = opts.id_column(id);
    }
    let fs = factor_scores(fit, data, &opts).map_err(|e| match e {
        FactorScoreError::UnknownIdColumn(c) => {
            format!("{}: --id {c:?} is not a column of the header", a.data)
        }
        other => format!("--factor-scores: {other}"),
    })?;
    // Ids as the reader kept them (text ids too); the library's own id is numeric.
    let texts = id.and_then(|c| data.text(c));
    let mut out = String::new();
    out.push_str(&csv_field(id.unwrap_or("row")));
    for f in &fs.latent {
        out.push(',');
        out.push_str(&csv_field(f));
    }
    out.push('\n');
    for r in &fs.rows {
        let label = match (texts, &r.id) {
            (Some(t), _) => t.get(r.row).cloned().unwrap_or_default(),
            (None, Some(id)) => id.clone(),
            (None, None) => (r.row + 1).to_string(),
        };
        out.push_str(&csv_field(&label));
        for s in &r.scores {
            out.push(',');
            out.push_str(&s.to_string());
        }
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| format!("--factor-scores {path}: {e}"))?;
    let why = if fs.skipped.is_empty() {
        String::new()
    } else {
        let lines: Vec<String> = fs
            .skipped
            .iter()
            .take(5)
            .map(|s| s.line.to_string())
            .collect();
        let more = if fs.skipped.len() > 5 { ", ..." } else { "" };
        format!(
            " for missing values of the model's items (data lines {}{more})",
            lines.join(", ")
        )
    };
    eprintln!(
        "factor scores ({} method): wrote {} rows to {path}, skipped {}{why}",
        fs.method,
        fs.rows.len(),
        fs.skipped.len()
    );
    Ok(fs)
}

/// A CSV field, quoted when it holds a delimiter, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The robust test and indices under lavaan's `fitMeasures()` names.
fn robust_keys(r: &RobustFit) -> Vec<(&'static str, Option<f64>)> {
    let fin = |v: f64| v.is_finite().then_some(v);
    vec![
        ("chisq.scaled", fin(r.chisq_scaled)),
        ("df.scaled", fin(r.df_scaled)),
        ("pvalue.scaled", r.pvalue_scaled),
        ("chisq.scaling.factor", fin(r.chisq_scaling_factor)),
        ("baseline.chisq.scaled", fin(r.baseline_chisq_scaled)),
        ("baseline.pvalue.scaled", r.baseline_pvalue_scaled),
        (
            "baseline.chisq.scaling.factor",
            fin(r.baseline_chisq_scaling_factor),
        ),
        ("cfi.scaled", fin(r.cfi_scaled)),
        ("tli.scaled", fin(r.tli_scaled)),
        ("cfi.robust", fin(r.cfi_robust)),
        ("tli.robust", fin(r.tli_robust)),
        ("rmsea.scaled", fin(r.rmsea_scaled)),
        ("rmsea.ci.lower.scaled", fin(r.rmsea_ci_lower_scaled)),
        ("rmsea.ci.upper.scaled", fin(r.rmsea_ci_upper_scaled)),
        ("rmsea.pvalue.scaled", r.rmsea_pvalue_scaled),
        ("rmsea.robust", fin(r.rmsea_robust)),
        ("rmsea.ci.lower.robust", fin(r.rmsea_ci_lower_robust)),
        ("rmsea.ci.upper.robust", fin(r.rmsea_ci_upper_robust)),
        ("rmsea.pvalue.robust", r.rmsea_pvalue_robust),
        ("scaling.factor.h1", r.scaling_factor_h1),
        ("scaling.factor.h0", r.scaling_factor_h0),
        ("shift.parameter", r.shift_parameter),
        ("trace.UGamma2", r.trace_ugamma2),
    ]
}

/// lavaan's modification-index table, sorted by decreasing MI.
fn mi_text(rows: &[ModificationIndex]) -> String {
    let mut out = String::from("\nModification Indices:\n\n");
    let w = rows
        .iter()
        .map(|m| m.lhs.len() + m.rhs.len() + 4)
        .max()
        .unwrap_or(0)
        .max(12);
    out.push_str(&format!(
        "  {:<w$}{:>10}{:>10}{:>10}{:>10}{:>10}\n",
        "", "mi", "epc", "sepc.lv", "sepc.all", "sepc.nox"
    ));
    for m in rows {
        let name = format!("{} {} {}", m.lhs, m.op.as_str(), m.rhs);
        out.push_str(&format!(
            "  {name:<w$}{:>10.3}{:>10.3}{:>10.3}{:>10.3}{:>10.3}\n",
            m.mi, m.epc, m.sepc_lv, m.sepc_all, m.sepc_nox
        ));
    }
    out
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("error: {}", msg.replace('\n', " "));
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

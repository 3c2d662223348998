//! Fit a lavaan-syntax model to a CSV file.
//!
//! ```text
//! cargo run --release --example sem -- MODEL.lav DATA.csv [--missing listwise|ml|ml.x]
//!     [--se standard|bootstrap] [--bootstrap N] [--seed S] [--std-lv]
//!     [--estimator ML|MLM|MLR] [--mi [MIN]] [--json] [--dot FILE]
//! ```
//!
//! `--estimator MLM|MLR` adds the scaled test and the `.scaled` / `.robust` indices (in the
//! JSON `fit` block under lavaan's names); `--mi` adds the modification indices with
//! `mi ≥ MIN` (default 0), sorted, as a table or as `modindices` in the JSON.
//!
//! Prints the lavaan-like summary, or with `--json` one JSON object with `n_used`, `npar`,
//! `converged`, `iterations`, `parameter_estimates`, `fit`, `r2` and `warnings`. `--dot`
//! writes a Graphviz path diagram. Bad input gives a one-line error naming the file, line
//! and column, and exit code 2.

#[path = "common/output.rs"]
mod output;
#[path = "common/sem_json.rs"]
mod sem_json;

use std::process::ExitCode;

use cocreate::core::data::{DataError, Table};
use cocreate::core::sem::{
    DotOptions, Estimator, Missing, Model, ModificationIndex, Position, RobustFit, SeMethod,
    SemError, SemOptions,
};

struct Args {
    model: String,
    data: String,
    missing: Missing,
    se: SeMethod,
    bootstrap: usize,
    seed: u64,
    std_lv: bool,
    json: bool,
    dot: Option<String>,
    estimator: Estimator,
    mi: Option<f64>,
}

const USAGE: &str = "usage: sem MODEL.lav DATA.csv [--missing listwise|ml|ml.x] [--se standard|bootstrap] [--bootstrap N] [--seed S] [--std-lv] [--estimator ML|MLM|MLR] [--mi [MIN]] [--json] [--dot FILE]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1).peekable();
    let mut pos = Vec::new();
    let mut a = Args {
        model: String::new(),
        data: String::new(),
        missing: Missing::Listwise,
        se: SeMethod::Standard,
        bootstrap: 1000,
        seed: 0,
        std_lv: false,
        json: false,
        dot: None,
        estimator: Estimator::Ml,
        mi: None,
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--missing" => {
                a.missing = value("--missing")?
                    .parse()
                    .map_err(|e: SemError| e.to_string())?
            }
            "--se" => {
                a.se = match value("--se")?.as_str() {
                    "standard" => SeMethod::Standard,
                    "bootstrap" => SeMethod::Bootstrap,
                    "none" => SeMethod::None,
                    other => {
                        return Err(format!(
                            "unknown --se {other:?} (standard, bootstrap or none)"
                        ))
                    }
                }
            }
            "--bootstrap" => {
                let v = value("--bootstrap")?;
                a.bootstrap = v
                    .parse()
                    .map_err(|_| format!("--bootstrap needs a whole number, not {v:?}"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                a.seed = v
                    .parse()
                    .map_err(|_| format!("--seed needs a whole number, not {v:?}"))?;
            }
            "--std-lv" => a.std_lv = true,
            "--estimator" => {
                a.estimator = value("--estimator")?
                    .parse()
                    .map_err(|e: SemError| e.to_string())?
            }
            "--mi" => {
                // An optional minimum: the next argument when it is a number.
                let min = it.peek().and_then(|v| v.parse::<f64>().ok());
                if let Some(m) = min {
                    if !m.is_finite() {
                        return Err(format!("--mi needs a finite minimum, not {m}"));
                    }
                    it.next();
                }
                a.mi = Some(min.unwrap_or(0.0));
            }
            "--json" => a.json = true,
            "--dot" => a.dot = Some(value("--dot")?),
            "-h" | "--help" => {
                output::print_line(USAGE);
                std::process::exit(0);
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            _ => pos.push(arg),
        }
    }
    if pos.len() != 2 {
        return Err(USAGE.into());
    }
    a.model = pos[0].clone();
    a.data = pos[1].clone();
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
        SemError::InfeasibleConstraints { detail, lines } => {
            let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            format!(
                "{model}: lines {}: the equality constraints cannot all hold: {detail}",
                lines.join(" and ")
            )
        }
        SemError::Unsupported { position, message } => {
            format!("{}: not supported: {message}", at(position))
        }
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
    let data = Table::from_csv_path(&a.data).map_err(|e| describe(&e.into(), &a.model, &a.data))?;
    let opts = SemOptions::builder()
        .missing(a.missing)
        .se(a.se)
        .bootstrap(a.bootstrap)
        .seed(a.seed)
        .std_lv(a.std_lv)
        .estimator(a.estimator)
        .build()
        .map_err(|e| e.to_string())?;
    let fit = model
        .fit(&data, &opts)
        .map_err(|e| describe(&e, &a.model, &a.data))?;
    if let Some(path) = &a.dot {
        std::fs::write(path, fit.to_dot(&DotOptions::default()))
            .map_err(|e| format!("{path}: {e}"))?;
    }
    let mi = match a.mi {
        Some(min) => Some(
            fit.modification_indices_above(min, true)
                .map_err(|e| describe(&e, &a.model, &a.data))?,
        ),
        None => None,
    };
    if a.json {
        let mut v = sem_json::fit_json(&fit);
        if let (Some(r), Some(f)) = (fit.robust(), v.get_mut("fit")) {
            for (k, x) in robust_keys(r) {
                f[k] = x.map_or(serde_json::Value::Null, serde_json::Value::from);
            }
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
        if let Some(rows) = &mi {
            text.push_str(&mi_text(rows));
        }
        output::print_text(text);
    }
    Ok(())
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

//! Fit a lavaan-syntax model to a CSV file.
//!
//! ```text
//! cargo run --release --example sem -- MODEL.lav DATA.csv [--missing listwise|ml|ml.x]
//!     [--se standard|bootstrap] [--bootstrap N] [--seed S] [--std-lv] [--json] [--dot FILE]
//! ```
//!
//! Prints the lavaan-like summary, or with `--json` one JSON object with `n_used`, `npar`,
//! `converged`, `iterations`, `parameter_estimates`, `fit`, `r2` and `warnings`. `--dot`
//! writes a Graphviz path diagram. Bad input gives a one-line error naming the file, line
//! and column, and exit code 2.

#[path = "common/sem_json.rs"]
mod sem_json;

use std::process::ExitCode;

use cocreate::core::data::{DataError, Table};
use cocreate::core::sem::{DotOptions, Missing, Model, SeMethod, SemError, SemOptions};

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
}

const USAGE: &str = "usage: sem MODEL.lav DATA.csv [--missing listwise|ml|ml.x] [--se standard|bootstrap] [--bootstrap N] [--seed S] [--std-lv] [--json] [--dot FILE]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
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
            "--json" => a.json = true,
            "--dot" => a.dot = Some(value("--dot")?),
            "-h" | "--help" => return Err(USAGE.into()),
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

/// The one-line error: file, line and column where known.
fn describe(err: &SemError, model: &str, data: &str) -> String {
    match err {
        SemError::Syntax(e) => format!(
            "{model}:{}:{}: {}",
            e.position.line, e.position.column, e.message
        ),
        SemError::UnknownVariable { name, position }
        | SemError::UnknownLabel { name, position } => {
            let what = if matches!(err, SemError::UnknownVariable { .. }) {
                format!("variable {name:?} is neither a column of {data} nor a latent variable")
            } else {
                format!("{name:?} is not a parameter label")
            };
            format!("{model}:{}:{}: {what}", position.line, position.column)
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
        other => format!("{model}: {other}"),
    }
}

fn run(a: &Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&a.model).map_err(|e| format!("{}: {e}", a.model))?;
    let model = Model::parse(&text).map_err(|e| describe(&e.into(), &a.model, &a.data))?;
    let data = Table::from_csv_path(&a.data).map_err(|e| describe(&e.into(), &a.model, &a.data))?;
    let opts = SemOptions::builder()
        .missing(a.missing)
        .se(a.se)
        .bootstrap(a.bootstrap)
        .seed(a.seed)
        .std_lv(a.std_lv)
        .build()
        .map_err(|e| e.to_string())?;
    let fit = model
        .fit(&data, &opts)
        .map_err(|e| describe(&e, &a.model, &a.data))?;
    if let Some(path) = &a.dot {
        std::fs::write(path, fit.to_dot(&DotOptions::default()))
            .map_err(|e| format!("{path}: {e}"))?;
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&sem_json::fit_json(&fit)).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", fit.summary());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

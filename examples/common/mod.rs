//! Shared by the examples: argument parsing, loading keys and survey data, and the
//! one-line error report with exit code 2.

#![allow(dead_code)] // each example uses a different subset

use std::fmt::Display;
use std::process::ExitCode;

use cocreate::core::data::{CsvOptions, DataWarning, Table};
use cocreate::core::scoring::{Instrument, Responses};

#[path = "cli.rs"]
pub mod cli;
#[path = "output.rs"]
pub mod output;

/// Command-line arguments: `--flag value` options, `--switch`es and positionals.
pub struct Args {
    options: Vec<(String, String)>,
    switches: Vec<String>,
    pub positional: Vec<String>,
}

impl Args {
    /// Parses `std::env::args`, knowing which flags take a value.
    pub fn parse(with_value: &[&str], usage: &str) -> Result<Args, String> {
        let mut it = std::env::args().skip(1);
        let mut args = Args {
            options: Vec::new(),
            switches: Vec::new(),
            positional: Vec::new(),
        };
        while let Some(a) = it.next() {
            if a == "--help" || a == "-h" {
                output::print_line(usage);
                std::process::exit(0);
            }
            if with_value.contains(&a.as_str()) {
                let v = it
                    .next()
                    .ok_or_else(|| format!("{a} needs a value\n{usage}"))?;
                args.options.push((a, v));
            } else if a.starts_with("--") {
                args.switches.push(a);
            } else {
                args.positional.push(a);
            }
        }
        Ok(args)
    }

    /// The value of `--flag`, if given.
    pub fn value(&self, flag: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `--switch` was given.
    pub fn has(&self, switch: &str) -> bool {
        self.switches.iter().any(|s| s == switch)
    }

    /// Errors on switches the example does not know.
    pub fn reject_unknown(&self, known: &[&str], usage: &str) -> Result<(), String> {
        match self.switches.iter().find(|s| !known.contains(&s.as_str())) {
            Some(s) => Err(format!("unknown option {s}\n{usage}")),
            None => Ok(()),
        }
    }
}

/// An error to report on one line, with the file it concerns.
pub struct Failure {
    pub file: Option<String>,
    pub message: String,
}

impl Failure {
    /// A failure about `file`.
    pub fn in_file(file: &str, err: impl Display) -> Self {
        Failure {
            file: Some(file.to_string()),
            message: err.to_string(),
        }
    }

    /// A failure about the command line.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            file: None,
            message: message.into(),
        }
    }
}

/// Prints `error: FILE: message` (one line) to stderr and returns exit code 2. A
/// command-line failure prints its first line and points to `--help` for the usage.
pub fn report(f: Failure) -> ExitCode {
    match f.file {
        Some(file) => eprintln!("error: {file}: {}", f.message.replace('\n', " ")),
        None => {
            let first = f.message.lines().next().unwrap_or("");
            if f.message.contains('\n') {
                eprintln!("error: {first} (run with --help for the usage)");
            } else {
                eprintln!("error: {first}");
            }
        }
    }
    ExitCode::from(2)
}

/// Reads the keys JSON and the CSV survey, validating the answers against the keys.
pub fn load(keys: &str, data: &str) -> Result<(Instrument, Responses), Failure> {
    load_responses(keys, data, &CsvOptions::default())
}

/// Reads the keys JSON, then the answers straight from the CSV survey under `opts`
/// (delimiter, id column); what the reader noticed is in [`Responses::warnings`].
pub fn load_responses(
    keys: &str,
    data: &str,
    opts: &CsvOptions,
) -> Result<(Instrument, Responses), Failure> {
    let inst = Instrument::from_json_path(keys).map_err(|e| Failure::in_file(keys, e))?;
    let responses =
        Responses::from_csv_path_with(&inst, data, opts).map_err(|e| Failure::in_file(data, e))?;
    Ok((inst, responses))
}

/// [`load`], also handing back what the CSV reader noticed without refusing.
pub fn load_with_warnings(
    keys: &str,
    data: &str,
) -> Result<(Instrument, Responses, Vec<DataWarning>), Failure> {
    load_with_options(keys, data, &CsvOptions::default())
}

/// [`load_with_warnings`] reading the CSV under `opts` (delimiter, id column).
pub fn load_with_options(
    keys: &str,
    data: &str,
    opts: &CsvOptions,
) -> Result<(Instrument, Responses, Vec<DataWarning>), Failure> {
    let (inst, responses) = load_responses(keys, data, opts)?;
    let warnings = responses.warnings().to_vec();
    Ok((inst, responses, warnings))
}

/// [`load_with_options`], also handing back the table as read (for analyses that work
/// on the raw item columns, such as ω hierarchical).
pub fn load_with_table(
    keys: &str,
    data: &str,
    opts: &CsvOptions,
) -> Result<(Instrument, Responses, Table), Failure> {
    let inst = Instrument::from_json_path(keys).map_err(|e| Failure::in_file(keys, e))?;
    let table = Table::from_csv_path_with(data, opts).map_err(|e| Failure::in_file(data, e))?;
    let responses = Responses::from_table(&inst, &table).map_err(|e| Failure::in_file(data, e))?;
    Ok((inst, responses, table))
}

/// CSV options from `--delimiter C` (one character, `tab` or `\t` for a tab) and
/// `--id COLUMN`.
pub fn csv_options(args: &Args) -> Result<CsvOptions, Failure> {
    let delimiter = match args.value("--delimiter") {
        None => None,
        Some(d) => Some(cli::delimiter(d).map_err(|e| Failure::usage(format!("--delimiter {e}")))?),
    };
    csv_options_from(delimiter, args.value("--id"))
}

/// CSV options from a delimiter (parsed by [`cli::delimiter`]) and an id column.
pub fn csv_options_from(delimiter: Option<u8>, id: Option<&str>) -> Result<CsvOptions, Failure> {
    let mut opts = CsvOptions::builder();
    if let Some(d) = delimiter {
        opts = opts.delimiter(d);
    }
    if let Some(id) = id {
        opts = opts.id_column(id);
    }
    opts.build()
        .map_err(|e| Failure::usage(format!("--delimiter: {e}")))
}

/// A number for a table cell: three decimals, or "–" when absent.
pub fn cell(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.3}"),
        _ => "–".to_string(),
    }
}

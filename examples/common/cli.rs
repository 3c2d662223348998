//! Command-line parsing shared by every example: `clap` derive, with the project's manners.
//!
//! `--help` prints the usage to standard output and exits 0; any mistake on the command
//! line prints one line (`error: ...`, pointing to `--help`) to standard error and exits 2,
//! the code every example uses for bad input. clap's own multi-line report is folded into
//! that one line so that scripts can rely on a single sentence.
#![allow(dead_code)] // each example uses a different subset

use clap::error::ErrorKind;
use clap::Parser;

use super::output::print_text;

/// Parses `std::env::args` into `T`, or ends the program as described above.
pub fn parse<T: Parser>() -> T {
    match T::try_parse() {
        Ok(args) => args,
        Err(e) => {
            if !e.use_stderr() {
                // --help or --version.
                print_text(e.render());
                std::process::exit(0);
            }
            eprintln!("error: {} (run with --help for the usage)", one_line(&e));
            std::process::exit(2)
        }
    }
}

/// clap's report as one sentence: its first line without the `error: ` prefix, and the
/// suggestion it offers, if any.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("invalid command line").trim();
    let mut first = first.strip_prefix("error: ").unwrap_or(first).to_string();
    // What clap lists on the indented lines after the first (the missing arguments).
    let mut rest = lines.map(str::trim_end).filter(|l| !l.trim().is_empty());
    let mut tip = None;
    for line in rest.by_ref() {
        if let Some(t) = line.trim().strip_prefix("tip: ") {
            tip = Some(t.to_string());
        } else if line.starts_with(char::is_whitespace) && tip.is_none() {
            first.push(' ');
            first.push_str(line.trim());
        } else {
            break;
        }
    }
    match (e.kind(), tip) {
        (ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand, Some(tip)) => {
            format!("{first}; {tip}")
        }
        _ => first,
    }
}

/// The value parser of a `--delimiter` option: one character, or `tab` (also `\t`) for a
/// tab. Whether the character may delimit CSV is checked by `CsvOptions`.
pub fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 => Ok(text.as_bytes()[0]),
        _ => Err(format!("takes one character (or `tab`), got {text:?}")),
    }
}

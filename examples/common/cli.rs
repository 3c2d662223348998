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
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid command line");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if e.kind() == ErrorKind::MissingRequiredArgument {
        // clap lists the missing arguments on the lines below its first.
        let missing: Vec<&str> = lines.take_while(|l| !l.starts_with("Usage:")).collect();
        return format!("{first} {}", missing.join(", "));
    }
    let tip = lines.find_map(|l| l.strip_prefix("tip: "));
    match (e.kind(), tip) {
        (ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand, Some(tip)) => {
            format!("{first}; {tip}")
        }
        _ => first.to_string(),
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

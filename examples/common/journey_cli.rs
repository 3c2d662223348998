//! Command-line plumbing shared by the journey examples: arguments, one-line errors with
//! exit code 2, JSON numbers and table cells. Standard output goes through
//! `common/output.rs`, which each example includes as `mod output`.
#![allow(dead_code)]

use std::fmt::Display;
use std::process::exit;

use serde_json::Value;

/// `writeln!` into a `String` (which cannot fail).
macro_rules! outln {
    ($out:expr_2021, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Prints `error: message` on one line and exits with code 2.
pub fn fail(message: impl Display) -> ! {
    let text = message.to_string().replace('\n', " ");
    eprintln!("error: {text}");
    exit(2)
}

/// Parsed command line: positional arguments and `--name [value]` options.
pub struct Args {
    pub positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    /// Parses `std::env::args`; `valued` lists the options that take a value, `flags`
    /// those that do not. Anything else is a usage error.
    pub fn parse(usage: &str, valued: &[&str], flags: &[&str]) -> Args {
        let mut positional = Vec::new();
        let mut options = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            if a == "-h" {
                crate::output::print_line(format_args!("usage: {usage}"));
                exit(0);
            }
            if let Some(name) = a.strip_prefix("--") {
                if name == "help" {
                    crate::output::print_line(format_args!("usage: {usage}"));
                    exit(0);
                }
                if valued.contains(&name) {
                    let value = args.next().unwrap_or_else(|| {
                        fail(format!("--{name} needs a value (usage: {usage})"))
                    });
                    options.push((name.to_owned(), Some(value)));
                } else if flags.contains(&name) {
                    options.push((name.to_owned(), None));
                } else {
                    fail(format!("unknown option --{name} (usage: {usage})"));
                }
            } else {
                positional.push(a);
            }
        }
        Args {
            positional,
            options,
        }
    }

    /// Whether a flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    /// The value of an option, if given (the last one wins).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Refuses positional arguments, for a program that reads no file.
    pub fn no_file(&self, usage: &str) {
        if let Some(first) = self.positional.first() {
            fail(format!(
                "unexpected argument {:?}: this program reads no input file (usage: {usage})",
                excerpt(first)
            ));
        }
    }

    /// The single positional argument (the input file).
    pub fn file(&self, usage: &str) -> &str {
        match self.positional.as_slice() {
            [one] => one,
            _ => fail(format!("expected one input file (usage: {usage})")),
        }
    }
}

/// A JSON number: whole numbers as integers, others as floats (never NaN or infinite:
/// those become null).
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// A JSON array of numbers.
pub fn numbers(xs: &[f64]) -> Value {
    Value::Array(xs.iter().map(|&x| number(x)).collect())
}

/// Writes `text` to standard output; a closed pipe (`| head`) ends the program quietly.
pub fn emit(text: &str) {
    crate::output::print_text(text);
}

/// Text from the input as shown in a message: at most 80 characters, then an ellipsis.
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(80) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// A name as printed in a table: control characters (a line break in a quoted CSV
/// field) escaped, so one row stays one line.
pub fn label(name: &str) -> String {
    if name.chars().any(char::is_control) {
        name.chars().flat_map(char::escape_default).collect()
    } else {
        name.to_owned()
    }
}

/// Width of `text` in characters (what the padding below counts).
pub fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` padded with spaces on the right to `width` characters. Unlike `{:width$}`,
/// which panics for widths of 65,536 or more, any width works; a longer text is kept
/// whole.
pub fn pad(text: &str, width: usize) -> String {
    let n = self::width(text);
    let mut out = String::with_capacity(text.len() + width.saturating_sub(n));
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

/// Prints a value as pretty JSON.
pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => emit(&(text + "\n")),
        Err(e) => fail(format!("cannot write JSON: {e}")),
    }
}

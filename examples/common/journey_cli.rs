//! Command-line plumbing shared by the journey examples: arguments, one-line errors with
//! exit code 2, and JSON numbers.
#![allow(dead_code)]

use std::fmt::Display;
use std::process::exit;

use serde_json::Value;

/// `writeln!` into a `String` (which cannot fail).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
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
            if let Some(name) = a.strip_prefix("--") {
                if name == "help" {
                    println!("usage: {usage}");
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
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            exit(0);
        }
        fail(format!("cannot write the output: {e}"));
    }
}

/// Prints a value as pretty JSON.
pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => emit(&(text + "\n")),
        Err(e) => fail(format!("cannot write JSON: {e}")),
    }
}

//! What the journey examples share besides argument parsing (`common/cli.rs`) and
//! standard output (`common/output.rs`): the one-line error with exit code 2 and JSON
//! numbers.
#![allow(dead_code)] // each example uses a different subset

use std::fmt::Display;
use std::process::exit;

use serde_json::Value;

/// Prints `error: message` on one line and exits with code 2.
pub fn fail(message: impl Display) -> ! {
    let text = message.to_string().replace('\n', " ");
    eprintln!("error: {text}");
    exit(2)
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

/// Prints a value as pretty JSON.
pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => crate::output::print_text(text + "\n"),
        Err(e) => fail(format!("cannot write JSON: {e}")),
    }
}

/// A name (a file name) as printed at the start of a report: control characters
/// escaped, so that the line stays one line.
pub fn label(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

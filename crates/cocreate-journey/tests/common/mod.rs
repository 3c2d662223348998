//! Shared helpers of the reference tests: data paths, JSON access and difference checks.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn json(name: &str) -> Value {
    let text = std::fs::read_to_string(data(name)).expect("reference file is bundled");
    serde_json::from_str(&text).expect("reference file is JSON")
}

pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_str().expect("a string").to_owned())
        .collect()
}

/// Largest difference by `diff`; panics when above `tol` and prints it for the report.
fn check(
    what: &str,
    kind: &str,
    got: &[f64],
    want: &[f64],
    tol: f64,
    diff: fn(f64, f64) -> f64,
) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    let max = got
        .iter()
        .zip(want)
        .map(|(&a, &b)| diff(a, b))
        .fold(0.0, f64::max);
    println!("{what}: max {kind} diff {max:.3e}");
    assert!(
        max <= tol,
        "{what}: max {kind} diff {max} > {tol}\n got {got:?}\nwant {want:?}"
    );
    max
}

/// Largest absolute difference.
pub fn check_abs(what: &str, got: &[f64], want: &[f64], tol: f64) -> f64 {
    check(what, "abs", got, want, tol, |a, b| (a - b).abs())
}

/// Largest relative difference |a − b| / max(|b|, 1e-300).
pub fn check_rel(what: &str, got: &[f64], want: &[f64], tol: f64) -> f64 {
    check(what, "rel", got, want, tol, |a, b| {
        if a == b {
            0.0
        } else {
            (a - b).abs() / b.abs().max(1e-300)
        }
    })
}

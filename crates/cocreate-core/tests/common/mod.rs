//! Shared helpers of the SEM integration tests: reference files and data sets.
#![allow(dead_code)]

use std::path::PathBuf;

use cocreate_core::data::Table;
use serde_json::Value;

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(data_path(&format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn table(name: &str) -> Table {
    Table::from_csv_path(data_path(name)).unwrap()
}

/// The co-creation survey with reverse-keyed items recoded `6 - x`.
pub fn keyed_survey() -> Table {
    let raw = table("cocreation_survey.csv");
    let keys: Value =
        serde_json::from_str(&std::fs::read_to_string(data_path("cocreation_keys.json")).unwrap())
            .unwrap();
    let mut reversed = Vec::new();
    for c in keys["constructs"].as_array().unwrap() {
        let items = c["items"].as_array().unwrap();
        let rev = c["reverse"].as_array().unwrap();
        for (i, r) in items.iter().zip(rev) {
            if r.as_bool().unwrap() {
                reversed.push(i.as_str().unwrap().to_string());
            }
        }
    }
    let names: Vec<String> = raw.names().to_vec();
    let rows: Vec<Vec<Option<f64>>> = (0..raw.n_rows())
        .map(|r| {
            names
                .iter()
                .enumerate()
                .map(|(c, n)| {
                    raw.get(r, c)
                        .map(|v| if reversed.contains(n) { 6.0 - v } else { v })
                })
                .collect()
        })
        .collect();
    Table::new(names, rows).unwrap()
}

pub fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The co-creation composites joined by `id` with the survey's `gender` column (1 male,
/// 2 female, 3 diverse), keeping the rows whose gender passes `keep`.
pub fn composites_by_gender(keep: &dyn Fn(f64) -> bool) -> Table {
    with_gender("cocreation_composites.csv", keep)
}

/// The composites of `file` (a copy of `cocreation_composites.csv`, possibly with deleted
/// cells) joined by `id` with the survey's `gender`, keeping the rows whose gender passes
/// `keep`.
pub fn with_gender(file: &str, keep: &dyn Fn(f64) -> bool) -> Table {
    let comp = table(file);
    let survey = table("cocreation_survey.csv");
    let (sid, sg) = (
        survey.column("id").unwrap(),
        survey.column("gender").unwrap(),
    );
    let mut names = comp.names().to_vec();
    names.push("gender".into());
    let ids = comp.column("id").unwrap();
    let mut rows = Vec::new();
    for (r, id) in ids.iter().enumerate() {
        let k = sid.iter().position(|s| s == id).unwrap();
        let g = sg[k].unwrap();
        if !keep(g) {
            continue;
        }
        let mut row: Vec<Option<f64>> = (0..comp.n_cols()).map(|c| comp.get(r, c)).collect();
        row.push(Some(g));
        rows.push(row);
    }
    Table::new(names, rows).unwrap()
}

/// How a difference from a reference value is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Diff {
    /// `|got − want|`.
    Absolute,
    /// `|got − want| / max(|want|, 1)`: for statistics whose size grows with N (χ²,
    /// log-likelihoods, information criteria) and ratios such as z.
    Relative,
}

/// Checks `got` against the reference tool's `want` within `tol` and raises `max` to the
/// difference. A value missing on one side must be missing on the other (our NaN matches
/// R's NA).
pub fn check_close(
    what: &str,
    got: Option<f64>,
    want: &Value,
    diff: Diff,
    tol: f64,
    max: &mut f64,
) {
    match (got, want.as_f64()) {
        (Some(g), Some(w)) => {
            let scale = match diff {
                Diff::Absolute => 1.0,
                Diff::Relative => w.abs().max(1.0),
            };
            let d = (g - w).abs() / scale;
            *max = max.max(d);
            assert!(
                d <= tol,
                "{what}: got {g}, reference {w} (difference {d:e})"
            );
        }
        (None, None) => {}
        (Some(g), None) if g.is_nan() => {}
        (g, _) => panic!("{what}: got {g:?}, reference {want}"),
    }
}

/// [`Diff::Relative`] for a z statistic (named `"… z"`), whose error from the reference's
/// own optimum grows with its size, else [`Diff::Absolute`].
pub fn diff_for(what: &str) -> Diff {
    if what.ends_with(" z") {
        Diff::Relative
    } else {
        Diff::Absolute
    }
}

/// The row of `fit`'s standardised solution that a row `e` of lavaan's
/// `standardizedSolution()` names (`group` 1-based into `labels`, 0 for rows of no group),
/// as (its group label, the row); `None` for lavaan's `==` rows, which are not parameters.
pub fn standardized_row<'a, S: AsRef<str>>(
    fit: &'a cocreate_core::sem::SemFit,
    e: &Value,
    labels: &'a [S],
) -> Option<(&'a str, &'a cocreate_core::sem::StandardizedEstimate)> {
    let op = cocreate_core::sem::Op::from_str_op(e["op"].as_str().unwrap())?;
    let group = e["group"].as_u64().unwrap() as usize;
    let want = if group == 0 {
        ""
    } else {
        labels[group - 1].as_ref()
    };
    let got = fit
        .standardized_solution()
        .iter()
        .find(|s| {
            s.op == op
                && s.group == want
                && s.lhs == e["lhs"].as_str().unwrap()
                && s.rhs == e["rhs"].as_str().unwrap()
        })
        .unwrap_or_else(|| panic!("no standardized row for {e}"));
    Some((want, got))
}

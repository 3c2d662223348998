//! Scores a survey with a keys file and reports each scale's reliability.
//!
//! ```text
//! cargo run --release --example score -- --keys KEYS.json DATA.csv \
//!     [--missing complete|prorate|median] [--min-answered K] [--json]
//!     [--delimiter C] [--id COLUMN] [--omega-h NFACTORS] [--ordinal]
//! ```
//!
//! Prints a reliability table per scale; with `--json`, one JSON object with the
//! reliability summary and every respondent's scores. `--omega-h K` adds psych's
//! `omega(items, nfactors = K)` (minres, oblimin, Schmid–Leiman; K ≥ 2) for every scale
//! with at least 3·K items, on the scale's raw items (psych flips items that load
//! negatively on g), and a note for each shorter scale; in `--json` under
//! `omega_hierarchical`, per scale, with psych's names (`omega_h`, `omega_total`, `alpha`,
//! `omega_lim`, `ECV`, `omega_group`, `schmid_leiman`, ...). `--ordinal` adds ordinal α, λ6
//! and ω total per scale, from the polychoric correlations of its keyed items (lavaan's
//! `lavCor`, psych's `alpha` and `omega` on them); in `--json` under `ordinal_reliability`.
//! Bad input gives a one-line error
//! naming the file, row and column, and exit code 2.

mod common;

use std::process::ExitCode;

use cocreate::core::data::{DataWarning, Table};
use cocreate::core::scoring::{
    omega_hierarchical_from_table, Instrument, MissingPolicy, OmegaHierarchical,
    OrdinalReliability, Reliability, Scorer, Scores, ScoringError, ScoringOptions,
    MAX_OMEGA_FACTORS,
};
use common::output::print_line;
use common::{cell, Args, Failure};
use serde_json::{json, Map, Value};

const USAGE: &str = "usage: score --keys KEYS.json DATA.csv [--missing complete|prorate|median] [--min-answered K] [--json]
             [--delimiter C] [--id COLUMN] [--omega-h NFACTORS] [--ordinal]
  --missing       complete: no score if any item is missing; prorate (default): mean of the
                  answered items; median: impute each item's median (psych's default)
  --min-answered  with prorate, fewest answered items that still give a score (default 1)
  --json          print one JSON object instead of the table
  --delimiter     the CSV field separator (default ','; `tab` for a tab)
  --id            the column of respondent ids (default: a column named id in any case),
                  kept as text and printed with each respondent's scores in --json
  --omega-h       psych's omega hierarchical with NFACTORS group factors (at least 2) for
                  each scale with at least 3*NFACTORS items; shorter scales get a note
  --ordinal       ordinal alpha, G6 and omega total of each scale from the polychoric
                  correlations of its keyed items (each answer a whole-number category)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => common::report(f),
    }
}

fn run() -> Result<(), Failure> {
    let args = Args::parse(
        &[
            "--keys",
            "--missing",
            "--min-answered",
            "--delimiter",
            "--id",
            "--omega-h",
        ],
        USAGE,
    )
    .map_err(Failure::usage)?;
    args.reject_unknown(&["--json", "--ordinal"], USAGE)
        .map_err(Failure::usage)?;
    let keys = args
        .value("--keys")
        .ok_or_else(|| Failure::usage(format!("--keys is required\n{USAGE}")))?;
    let [data] = args.positional.as_slice() else {
        return Err(Failure::usage(format!(
            "give exactly one DATA.csv\n{USAGE}"
        )));
    };
    let min_answered = match args.value("--min-answered") {
        None => 1,
        Some(k) => k.parse::<usize>().map_err(|_| {
            Failure::usage(format!("--min-answered must be a whole number, got {k:?}"))
        })?,
    };
    let policy = match args.value("--missing").unwrap_or("prorate") {
        "complete" => MissingPolicy::Complete,
        "prorate" => MissingPolicy::Prorate { min_answered },
        "median" => MissingPolicy::ImputeMedian,
        other => {
            return Err(Failure::usage(format!(
                "--missing must be complete, prorate or median, got {other:?}"
            )))
        }
    };
    let omega_k = match args.value("--omega-h") {
        None => None,
        Some(k) => match k.parse::<usize>() {
            Ok(n) if (2..=MAX_OMEGA_FACTORS).contains(&n) => Some(n),
            _ => {
                return Err(Failure::usage(format!(
                    "--omega-h takes the number of group factors, a whole number from 2 to {MAX_OMEGA_FACTORS} (omega hierarchical needs at least 2), got {k:?}"
                )))
            }
        },
    };
    let csv = common::csv_options(&args)?;
    let (inst, responses, table) = common::load_with_table(keys, data, &csv)?;
    let data_warnings = table.warnings();
    let scorer =
        Scorer::new(&inst, ScoringOptions::new().missing(policy)).map_err(|e| match e {
            // Options come from the command line (--missing, --min-answered), not the keys.
            ScoringError::Options(msg) => {
                Failure::usage(format!("command line (--missing, --min-answered): {msg}"))
            }
            other => Failure::in_file(keys, other),
        })?;
    let scores = scorer
        .score(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    let rel = scorer
        .reliability(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    let ordinal = if args.has("--ordinal") {
        Some(
            scorer
                .ordinal_reliability(&responses)
                .map_err(|e| Failure::in_file(data, e))?,
        )
    } else {
        None
    };
    let notes = notes(&data_warnings, &rel);
    let omega = omega_k.map(|k| omega_per_scale(&inst, &table, k));
    if args.has("--json") {
        let mut v = to_json(&scores, &rel, &notes);
        if let (Some(rows), Some(k)) = (&omega, omega_k) {
            v["omega_hierarchical"] = omega_json(rows, k);
        }
        if let Some(o) = &ordinal {
            v["ordinal_reliability"] = ordinal_json(o);
        }
        print_line(v);
    } else {
        print_table(data, &scorer, &scores, &rel, &notes, omega.as_deref());
        if let Some(o) = &ordinal {
            common::output::print_text(format_args!("\n{o}"));
        }
    }
    Ok(())
}

/// One scale's ω hierarchical, or why it was not computed.
struct ScaleOmega {
    scale: String,
    n_items: usize,
    result: Result<OmegaHierarchical, String>,
}

/// psych's `omega(items, nfactors = k)` for every scale with at least 3k items.
fn omega_per_scale(inst: &Instrument, table: &Table, k: usize) -> Vec<ScaleOmega> {
    inst.scales()
        .iter()
        .map(|sc| {
            let items = sc.items();
            let result = if items.len() < 3 * k {
                Err(format!(
                    "needs at least 3 items per factor ({} for {k} factors); the scale has {}",
                    3 * k,
                    items.len()
                ))
            } else {
                omega_hierarchical_from_table(table, items, k).map_err(|e| e.to_string())
            };
            ScaleOmega {
                scale: sc.name().to_string(),
                n_items: items.len(),
                result,
            }
        })
        .collect()
}

/// `omega_hierarchical`: per scale psych's fields, or `note` saying why there are none.
fn omega_json(rows: &[ScaleOmega], k: usize) -> Value {
    let per: Map<String, Value> = rows
        .iter()
        .map(|r| {
            let v = match &r.result {
                Ok(om) => serde_json::to_value(om).unwrap_or(Value::Null),
                Err(note) => json!({ "n_items": r.n_items, "nfactors": k, "note": note }),
            };
            (r.scale.clone(), v)
        })
        .collect();
    Value::Object(per)
}

/// `ordinal_reliability`: per scale ordinal α, λ6, mean r, ω total and the rows used.
fn ordinal_json(o: &OrdinalReliability) -> Value {
    let per: Map<String, Value> = o
        .scales
        .iter()
        .map(|s| {
            let warnings: Vec<String> = s
                .polychoric
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect();
            (
                s.scale.clone(),
                json!({
                    "n_items": s.items.len(),
                    "n_used": s.n_used,
                    "alpha": s.alpha,
                    "g6": s.g6,
                    "average_r": s.average_r,
                    "omega_total": s.omega_total.as_ref().map(|w| w.value),
                    "warnings": warnings,
                }),
            )
        })
        .collect();
    json!({ "scales": per, "skipped": o.skipped })
}

/// Every warning of the run, as the text and JSON outputs both report it.
fn notes(data: &[DataWarning], rel: &Reliability) -> Vec<String> {
    data.iter()
        .map(ToString::to_string)
        .chain(rel.warnings.iter().map(ToString::to_string))
        .collect()
}

fn to_json(scores: &Scores, rel: &Reliability, notes: &[String]) -> Value {
    let summary = scores.summary();
    let scales: Vec<Value> = summary
        .iter()
        .enumerate()
        .map(|(s, sum)| {
            let r = rel.scale(&sum.scale);
            json!({
                "name": sum.scale,
                "n_items": scores.respondent(0).scales.get(s).map(|x| x.n_items),
                "alpha_raw": r.map(|r| r.alpha_raw),
                "alpha_std": r.map(|r| r.alpha_std),
                "g6": r.map(|r| r.g6),
                "average_r": r.map(|r| r.average_r),
                "omega_total": r.and_then(|r| r.omega.as_ref().map(|o| o.value)),
                "mean": sum.mean,
                "sd": sum.sd,
            })
        })
        .collect();
    let rows: Vec<Value> = (0..scores.n_respondents())
        .map(|r| {
            let mut obj = Map::new();
            obj.insert("row".into(), json!(r + 1));
            if let Some(ids) = scores.ids() {
                obj.insert("id".into(), json!(ids[r]));
            }
            for (s, name) in scores.scale_names().iter().enumerate() {
                obj.insert(name.clone(), json!(scores.get(r, s)));
            }
            Value::Object(obj)
        })
        .collect();
    json!({
        "n_respondents": scores.n_respondents(),
        "id_column": scores.id_column(),
        "scales": scales,
        "scores": rows,
        "warnings": notes,
    })
}

fn print_table(
    data: &str,
    scorer: &Scorer,
    scores: &Scores,
    rel: &Reliability,
    notes: &[String],
    omega: Option<&[ScaleOmega]>,
) {
    let mut out = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{}: {} respondents, instrument {:?}, missing data: {}",
        data,
        scores.n_respondents(),
        scorer.instrument().name(),
        scorer.options().missing_policy()
    );
    let _ = writeln!(
        out,
        "{:<14} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6}",
        "scale", "items", "alpha", "std.a", "G6", "avg r", "omega", "mean", "sd", "n"
    );
    for sum in scores.summary() {
        let r = rel.scale(&sum.scale);
        let k = scorer.instrument().scale(&sum.scale).map_or(0, |s| s.len());
        let _ = writeln!(
            out,
            "{:<14} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6}",
            sum.scale,
            k,
            cell(r.map(|r| r.alpha_raw)),
            cell(r.map(|r| r.alpha_std)),
            cell(r.map(|r| r.g6)),
            cell(r.map(|r| r.average_r)),
            cell(r.and_then(|r| r.omega.as_ref().map(|o| o.value))),
            cell(sum.mean),
            cell(sum.sd),
            sum.n_scored
        );
    }
    if let Some(rows) = omega {
        let _ = writeln!(
            out,
            "\nOmega hierarchical (psych omega: minres, oblimin, Schmid-Leiman):"
        );
        let _ = writeln!(
            out,
            "{:<14} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "scale", "items", "omega_h", "omega_t", "alpha", "o_lim", "ECV"
        );
        for r in rows {
            match &r.result {
                Ok(om) => {
                    let _ = writeln!(
                        out,
                        "{:<14} {:>5} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}",
                        r.scale,
                        r.n_items,
                        om.omega_h,
                        om.omega_total,
                        om.alpha,
                        om.omega_lim,
                        om.ecv
                    );
                }
                Err(note) => {
                    let _ = writeln!(
                        out,
                        "{:<14} {:>5}  not computed: {note}",
                        r.scale, r.n_items
                    );
                }
            }
        }
        // The full solution (loadings, warnings) of each computed scale.
        for r in rows {
            if let Ok(om) = &r.result {
                let _ = write!(out, "\n{}: {om}", r.scale);
            }
        }
    }
    for w in notes {
        let _ = writeln!(out, "note: {w}");
    }
    common::output::print_text(out);
}

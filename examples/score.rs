//! Scores a survey with a keys file and reports each scale's reliability.
//!
//! ```text
//! cargo run --release --example score -- --keys KEYS.json DATA.csv \
//!     [--missing complete|prorate|median|mean] [--min-answered K] [--json] [--items]
//!     [--delimiter C] [--id COLUMN] [--omega-h NFACTORS] [--ordinal]
//! ```
//!
//! Prints a reliability table per scale (`--items` adds each scale's item statistics, as
//! psych's `alpha()` prints them); with `--json`, one JSON object with the reliability
//! summary and every respondent's scores. `--omega-h K` adds psych's
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

use clap::{Parser, ValueEnum};
use cocreate::core::scoring::{
    omega_hierarchical_from_table, Instrument, MissingPolicy, OmegaHierarchical,
    OrdinalReliability, Reliability, Responses, Scorer, Scores, ScoringError, ScoringOptions,
    MAX_OMEGA_FACTORS,
};
use common::output::{print_line, print_text};
use common::{cli, Failure};
use serde_json::{json, Map, Value};

/// Scores a survey with a keys file and reports each scale's reliability (psych's
/// scoreItems and alpha): alpha, standardised alpha, Guttman's lambda 6, the mean
/// inter-item correlation, omega total, and the scores' mean and SD.
#[derive(Debug, Parser)]
#[command(name = "score")]
struct Args {
    /// The keys file (JSON): the scales, their items, reverse keying and the response range.
    #[arg(long, value_name = "KEYS.json")]
    keys: String,
    /// The survey: CSV with a header row, one row per respondent.
    #[arg(value_name = "DATA.csv")]
    data: String,
    /// What to do with missing answers.
    #[arg(long, value_enum, default_value = "prorate")]
    missing: Missing,
    /// With prorate, the fewest answered items that still give a score.
    #[arg(long, value_name = "K", default_value_t = 1)]
    min_answered: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Also print each scale's item statistics and alpha if an item is dropped.
    #[arg(long)]
    items: bool,
    /// The CSV field separator (default ','; `tab` for a tab).
    #[arg(long, value_name = "C", value_parser = cli::delimiter)]
    delimiter: Option<u8>,
    /// The column of respondent ids (default: a column named id in any case), kept as
    /// text and printed with each respondent's scores in --json.
    #[arg(long, value_name = "COLUMN")]
    id: Option<String>,
    /// psych's omega hierarchical with NFACTORS group factors (at least 2) for each scale
    /// with at least 3*NFACTORS items; shorter scales get a note.
    #[arg(long = "omega-h", value_name = "NFACTORS", value_parser = omega_factors)]
    omega_h: Option<usize>,
    /// Ordinal alpha, G6 and omega total of each scale from the polychoric correlations
    /// of its keyed items (each answer a whole-number category).
    #[arg(long)]
    ordinal: bool,
}

/// `--missing`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Missing {
    /// No score if any item of the scale is missing.
    Complete,
    /// The mean of the answered items (at least --min-answered of them).
    Prorate,
    /// Impute each item's median (psych's default).
    Median,
    /// Impute each item's mean.
    Mean,
}

/// `--omega-h`: a whole number from 2 to the limit.
fn omega_factors(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (2..=MAX_OMEGA_FACTORS).contains(&n) => Ok(n),
        _ => Err(format!(
            "the number of group factors must be a whole number from 2 to {MAX_OMEGA_FACTORS} (omega hierarchical needs at least 2)"
        )),
    }
}

fn main() -> ExitCode {
    let args = cli::parse::<Args>();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => common::report(f),
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    let policy = match args.missing {
        Missing::Complete => MissingPolicy::Complete,
        Missing::Prorate => MissingPolicy::Prorate {
            min_answered: args.min_answered,
        },
        Missing::Median => MissingPolicy::ImputeMedian,
        Missing::Mean => MissingPolicy::ImputeMean,
    };
    let csv = common::csv_options_from(args.delimiter, args.id.as_deref())?;
    let (keys, data) = (args.keys.as_str(), args.data.as_str());
    let (inst, responses) = common::load_responses(keys, data, &csv)?;
    let scorer =
        Scorer::new(&inst, ScoringOptions::new().missing(policy)).map_err(|e| match e {
            // Options come from the command line (--missing, --min-answered), not the keys.
            ScoringError::MinAnsweredZero | ScoringError::MinAnsweredAboveScale { .. } => {
                Failure::usage(format!("command line (--missing, --min-answered): {e}"))
            }
            other => Failure::in_file(keys, other),
        })?;
    let scores = scorer
        .score(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    let rel = scorer
        .reliability(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    let ordinal = if args.ordinal {
        Some(
            scorer
                .ordinal_reliability(&responses)
                .map_err(|e| Failure::in_file(data, e))?,
        )
    } else {
        None
    };
    let omega = match args.omega_h {
        Some(k) => Some((k, omega_per_scale(&inst, &responses, k, data)?)),
        None => None,
    };
    if args.json {
        let mut v = to_json(&scores, &rel, &responses);
        if let Some((k, rows)) = &omega {
            v["omega_hierarchical"] = omega_json(rows, *k);
        }
        if let Some(o) = &ordinal {
            v["ordinal_reliability"] = ordinal_json(o);
        }
        print_line(v);
        return Ok(());
    }
    let mut out = format!("{data}: {rel}");
    for w in responses.warnings() {
        out.push_str(&format!("note: {w}\n"));
    }
    if args.items {
        for s in &rel.scales {
            out.push('\n');
            out.push_str(&s.summary());
        }
    }
    if let Some((_, rows)) = &omega {
        out.push_str(&omega_text(rows));
    }
    if let Some(o) = &ordinal {
        out.push_str(&format!("\n{o}"));
    }
    print_text(out);
    Ok(())
}

/// One scale's ω hierarchical, or why it was not computed.
struct ScaleOmega {
    scale: String,
    n_items: usize,
    result: Result<OmegaHierarchical, String>,
}

/// psych's `omega(items, nfactors = k)` for every scale with at least 3k items.
fn omega_per_scale(
    inst: &Instrument,
    responses: &Responses,
    k: usize,
    data: &str,
) -> Result<Vec<ScaleOmega>, Failure> {
    let table = responses
        .to_table()
        .map_err(|e| Failure::in_file(data, e))?;
    Ok(inst
        .scales()
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
                omega_hierarchical_from_table(&table, items, k).map_err(|e| e.to_string())
            };
            ScaleOmega {
                scale: sc.name().to_string(),
                n_items: items.len(),
                result,
            }
        })
        .collect())
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

/// A line per scale with the headline figures, then each computed solution in full.
fn omega_text(rows: &[ScaleOmega]) -> String {
    let mut out =
        String::from("\nOmega hierarchical (psych omega: minres, oblimin, Schmid-Leiman):\n");
    out.push_str(&format!(
        "{:<14} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
        "scale", "items", "omega_h", "omega_t", "alpha", "o_lim", "ECV"
    ));
    for r in rows {
        out.push_str(&match &r.result {
            Ok(om) => format!(
                "{:<14} {:>5} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}\n",
                r.scale, r.n_items, om.omega_h, om.omega_total, om.alpha, om.omega_lim, om.ecv
            ),
            Err(note) => format!("{:<14} {:>5}  not computed: {note}\n", r.scale, r.n_items),
        });
    }
    for r in rows {
        if let Ok(om) = &r.result {
            out.push_str(&format!("\n{}: {om}", r.scale));
        }
    }
    out
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

/// Every warning of the run: the reader's, then the analysis's.
fn notes(responses: &Responses, rel: &Reliability) -> Vec<String> {
    responses
        .warnings()
        .iter()
        .map(ToString::to_string)
        .chain(rel.warnings.iter().map(ToString::to_string))
        .collect()
}

fn to_json(scores: &Scores, rel: &Reliability, responses: &Responses) -> Value {
    let scales: Vec<Value> = scores
        .describe()
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
        "warnings": notes(responses, rel),
    })
}

//! The co-creation survey, end to end.
//!
//! ```text
//! cargo run --release --example cocreation [-- --data FILE.csv --keys KEYS.json]
//! ```
//!
//! Step 1 (this issue): score the Big Five, innate innovativeness (II), enduring
//! involvement (EI) and willingness to co-create (WTC) constructs with prorating
//! (`min_answered: 1`), and report each construct's reliability and score summary.
//! Later steps (the structural model and readiness) build on the composite table that
//! step 1 returns.

mod common;

use std::process::ExitCode;

use cocreate::core::data::Table;
use cocreate::core::scoring::{MissingPolicy, Reliability, Scorer, Scores, ScoringOptions};
use common::{cell, Args, Failure};

const USAGE: &str = "usage: cocreation [--data FILE.csv] [--keys KEYS.json]
  defaults: the bundled survey examples/data/cocreation_survey.csv and its keys";

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/cocreation_survey.csv"
);
const KEYS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/cocreation_keys.json"
);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => common::report(f),
    }
}

fn run() -> Result<(), Failure> {
    let args = Args::parse(&["--data", "--keys"], USAGE).map_err(Failure::usage)?;
    args.reject_unknown(&[], USAGE).map_err(Failure::usage)?;
    if !args.positional.is_empty() {
        return Err(Failure::usage(format!(
            "unexpected argument {:?}\n{USAGE}",
            args.positional[0]
        )));
    }
    let data = args.value("--data").unwrap_or(DATA);
    let keys = args.value("--keys").unwrap_or(KEYS);
    let _composites = score_constructs(data, keys)?;
    Ok(())
}

/// Step 1: composite scores of every construct, with reliability printed. Returns the
/// composites as a table (one column per construct) for the modelling steps.
fn score_constructs(data: &str, keys: &str) -> Result<Table, Failure> {
    let (inst, responses) = common::load(keys, data)?;
    let scorer = Scorer::new(
        &inst,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
    )
    .map_err(|e| Failure::in_file(keys, e))?;
    let scores = scorer
        .score(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    let rel = scorer
        .reliability(&responses)
        .map_err(|e| Failure::in_file(data, e))?;
    println!(
        "Co-creation survey: {} respondents, {} constructs, {} missing answers",
        responses.n_respondents(),
        inst.scales().len(),
        responses.n_missing()
    );
    print_constructs(&scorer, &scores, &rel);
    scores.to_table().map_err(|e| Failure::in_file(data, e))
}

fn print_constructs(scorer: &Scorer, scores: &Scores, rel: &Reliability) {
    println!(
        "\n{:<4} {:<26} {:>5} {:>7} {:>7} {:>7} {:>7} {:>16} {:>7} {:>7}",
        "", "construct", "items", "alpha", "G6", "omega", "avg r", "alpha 95% CI", "mean", "sd"
    );
    for (scale, sum) in scorer.instrument().scales().iter().zip(scores.summary()) {
        let r = rel.scale(scale.name());
        let ci = r.and_then(|r| r.feldt).map_or("–".to_string(), |c| {
            format!("[{:.3}, {:.3}]", c.lower, c.upper)
        });
        println!(
            "{:<4} {:<26} {:>5} {:>7} {:>7} {:>7} {:>7} {:>16} {:>7} {:>7}",
            scale.name(),
            scale.label().unwrap_or(""),
            scale.len(),
            cell(r.map(|r| r.alpha_raw)),
            cell(r.map(|r| r.g6)),
            cell(r.and_then(|r| r.omega.as_ref().map(|o| o.value))),
            cell(r.map(|r| r.average_r)),
            ci,
            cell(sum.mean),
            cell(sum.sd),
        );
    }
    println!("\nWeakest item of each construct (corrected item-rest correlation):");
    for s in &rel.scales {
        if let Some(it) = s.items.iter().min_by(|a, b| a.r_rest.total_cmp(&b.r_rest)) {
            let drop = it.if_dropped.as_ref().map(|d| d.alpha_raw);
            println!(
                "  {:<4} {:<6} r.drop {:>6}  alpha without it {:>6}",
                s.scale,
                it.item,
                cell(Some(it.r_rest)),
                cell(drop)
            );
        }
    }
    for w in &rel.warnings {
        println!("note: {w:?}");
    }
}

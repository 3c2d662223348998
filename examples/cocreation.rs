//! The co-creation survey, end to end: from raw answers to recommended invitations.
//!
//! ```text
//! cargo run --release --example cocreation [-- --data FILE.csv --keys KEYS.json]
//!     [--traits O,C,E,A,N] [--mediators II,EI] [--outcome WTC]
//!     [--bootstrap 1000] [--seed 20220341] [--willing 4] [--dot FILE]
//!     [--coproducer FILE.csv --coproducer-keys KEYS.json] [--gap 50]
//!     [--invite FILE.csv] [--json]
//! ```
//!
//! 1. Scores every construct of the keys as the mean of the answered items (prorating,
//!    at least one answer) and reports reliability.
//! 2. Fits the readiness path model (traits → mediators → outcome, residual covariances
//!    among the mediators, every specific and total indirect effect defined) by ML with a
//!    mean structure and nonparametric bootstrap standard errors and percentile CIs.
//! 3. Prints the lavaan-style summary and the indirect effects.
//! 4. Predicts and explains five customers of the sample (the most innovation-driven,
//!    the most involvement-driven, the highest and lowest predicted willingness, and the
//!    median one).
//! 5. Segments the whole sample by pathway, with the mean predicted outcome and the
//!    expected number of willing participants (predicted outcome at least `--willing`).
//! 6. Diagnoses co-producer readiness. The bundled survey has no co-producer items, so by
//!    default this step reads a small ILLUSTRATIVE file of synthetic answers
//!    (examples/data/coproducer_illustrative.csv); give your own with `--coproducer` and
//!    `--coproducer-keys` (scales named `motivation`, `role_clarity`,
//!    `task_communicated`, `ability`).
//! 7. Writes the path diagram with the estimates (Graphviz DOT) to `--dot` (default
//!    `target/cocreation_path.dot`).
//!
//! The first mediator is read as the innovation pathway and the second as the
//! involvement pathway (II and EI in the bundled keys). `--json` prints one JSON object
//! with `reliability`, `model`, `predictions`, `segments`, `segmentation` and
//! `coproducer`. Bad input gives a one-line error and exit code 2.

mod common;
#[path = "common/sem_json.rs"]
mod sem_json;

use std::process::ExitCode;

use cocreate::core::data::Table;

/// Every line of standard output goes through `common::output`, which ends quietly on a
/// closed pipe (`cocreation --json | head`) instead of panicking.
macro_rules! println {
    () => {
        common::output::print_line("")
    };
    ($($t:tt)*) => {
        common::output::print_line(format_args!($($t)*))
    };
}

macro_rules! print {
    ($($t:tt)*) => {
        common::output::print_text(format_args!($($t)*))
    };
}

use cocreate::core::readiness::{
    diagnose_scores, validate, Constructs, CoproducerOptions, CoproducerReport, CoproducerScales,
    CrossValidation, Dimension, Pathway, PathwayProfile, Prediction, Profile, ReadinessModel,
    Segmentation, Threshold,
};
use cocreate::core::scoring::{
    Instrument, MissingPolicy, Reliability, Scorer, Scores, ScoringOptions,
};
use cocreate::core::sem::{DotOptions, MeanStructure, Model, Op, SeMethod, SemFit, SemOptions};
use common::{cell, Args, Failure};
use sem_json::{num, opt};
use serde_json::{json, Map, Value};

const USAGE: &str = "usage: cocreation [--data FILE.csv] [--keys KEYS.json]
    [--traits O,C,E,A,N] [--mediators II,EI] [--outcome WTC]
    [--bootstrap N] [--seed S] [--willing T] [--dot FILE]
    [--coproducer FILE.csv --coproducer-keys KEYS.json] [--gap G] [--invite FILE.csv] [--json]
  defaults: the bundled survey examples/data/cocreation_survey.csv and its keys,
  1000 bootstrap draws, willing = predicted outcome at least 3/4 up the response scale,
  co-producer gaps below 50 of 100, the diagram written to target/cocreation_path.dot";

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");
const DATA: &str = "cocreation_survey.csv";
const KEYS: &str = "cocreation_keys.json";
const COPRODUCER: &str = "coproducer_illustrative.csv";
const COPRODUCER_KEYS: &str = "coproducer_keys.json";
const DOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/cocreation_path.dot");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => common::report(f),
    }
}

/// Everything the command line sets.
struct Settings {
    data: String,
    keys: String,
    traits: Vec<String>,
    mediators: Vec<String>,
    outcome: String,
    bootstrap: usize,
    seed: u64,
    willing: Option<f64>,
    dot: String,
    coproducer: String,
    coproducer_keys: String,
    illustrative: bool,
    gap: f64,
    invite: Option<String>,
    json: bool,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn number<T: std::str::FromStr>(args: &Args, flag: &str, default: T) -> Result<T, Failure> {
    match args.value(flag) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| Failure::usage(format!("{flag} needs a number, not {v:?}\n{USAGE}"))),
    }
}

fn settings() -> Result<Settings, Failure> {
    let flags = [
        "--data",
        "--keys",
        "--traits",
        "--mediators",
        "--outcome",
        "--bootstrap",
        "--seed",
        "--willing",
        "--dot",
        "--coproducer",
        "--coproducer-keys",
        "--gap",
        "--invite",
    ];
    let args = Args::parse(&flags, USAGE).map_err(Failure::usage)?;
    args.reject_unknown(&["--json"], USAGE)
        .map_err(Failure::usage)?;
    if let Some(p) = args.positional.first() {
        return Err(Failure::usage(format!(
            "unexpected argument {p:?}\n{USAGE}"
        )));
    }
    let bundled = |name: &str| format!("{DIR}{name}");
    let (coproducer, coproducer_keys, illustrative) =
        match (args.value("--coproducer"), args.value("--coproducer-keys")) {
            (None, None) => (bundled(COPRODUCER), bundled(COPRODUCER_KEYS), true),
            (Some(d), Some(k)) => (d.to_string(), k.to_string(), false),
            _ => {
                return Err(Failure::usage(format!(
                    "--coproducer and --coproducer-keys go together\n{USAGE}"
                )))
            }
        };
    let willing: Option<f64> = match args.value("--willing") {
        None => None,
        Some(_) => Some(number(&args, "--willing", 0.0)?),
    };
    Ok(Settings {
        data: args
            .value("--data")
            .map_or_else(|| bundled(DATA), String::from),
        keys: args
            .value("--keys")
            .map_or_else(|| bundled(KEYS), String::from),
        traits: list(args.value("--traits").unwrap_or("O,C,E,A,N")),
        mediators: list(args.value("--mediators").unwrap_or("II,EI")),
        outcome: args.value("--outcome").unwrap_or("WTC").trim().to_string(),
        bootstrap: number(&args, "--bootstrap", 1000)?,
        seed: number(&args, "--seed", 20_220_341)?,
        willing,
        dot: args.value("--dot").unwrap_or(DOT).to_string(),
        coproducer,
        coproducer_keys,
        illustrative,
        gap: number(&args, "--gap", 50.0)?,
        invite: args.value("--invite").map(str::to_string),
        json: args.has("--json"),
    })
}

fn run() -> Result<(), Failure> {
    let s = settings()?;
    // 1. Scores and reliability.
    let (inst, responses, data_warnings) = common::load_with_warnings(&s.keys, &s.data)?;
    let scorer = Scorer::new(
        &inst,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
    )
    .map_err(|e| Failure::in_file(&s.keys, e))?;
    let scores = scorer
        .score(&responses)
        .map_err(|e| Failure::in_file(&s.data, e))?;
    let rel = scorer
        .reliability(&responses)
        .map_err(|e| Failure::in_file(&s.data, e))?;
    let composites = scores
        .to_table()
        .map_err(|e| Failure::in_file(&s.data, e))?;
    let ids = row_ids(&scores);
    // Notes on the data files; the reliability notes are printed with the constructs.
    let mut data_notes: Vec<String> = data_warnings
        .iter()
        .map(|w| format!("{}: {w}", s.data))
        .collect();
    if !s.json {
        println!(
            "Co-creation survey {}: {} respondents, {} constructs, {} missing answers",
            s.data,
            responses.n_respondents(),
            inst.scales().len(),
            responses.n_missing()
        );
        println!("Constructs scored as the mean of the answered items (at least one).");
        print_constructs(&scorer, &scores, &rel);
    }

    // 2. The readiness path model.
    let constructs = constructs(&s, &inst)?;
    let syntax = path_syntax(&s.traits, &s.mediators, &s.outcome);
    let options = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .se(SeMethod::Bootstrap)
        .bootstrap(s.bootstrap)
        .seed(s.seed)
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let model = Model::parse(&syntax).map_err(|e| Failure::in_file(&s.keys, e))?;
    let fit = model
        .fit(&composites, &options)
        .map_err(|e| Failure::in_file(&s.data, e))?;
    let readiness = ReadinessModel::from_fit(&fit, constructs, &s.data)
        .map_err(|e| Failure::in_file(&s.data, e))?;
    if let Some(dir) = std::path::Path::new(&s.dot).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| Failure::in_file(&s.dot, e))?;
        }
    }
    std::fs::write(&s.dot, fit.to_dot(&DotOptions::default()))
        .map_err(|e| Failure::in_file(&s.dot, e))?;
    if !s.json {
        println!("\nReadiness path model (lavaan syntax):\n{syntax}");
        print!("{}", fit.summary());
        print_indirect(&fit);
    }

    // 3. Predictions for every customer; five explained.
    let (traits, imputed) = trait_matrix(&readiness, &composites)?;
    let batch = readiness
        .predict_batch(&traits)
        .map_err(|e| Failure::in_file(&s.data, e))?;
    let pathways: Vec<Pathway> = batch.pathways().collect();
    let picks = five_customers(&readiness, &batch.mediators, &batch.outcome, &pathways);
    let mut explained = Vec::new();
    for (row, why) in &picks {
        // The customer's own scores; a trait without a score is predicted from the
        // others, with its uncertainty in the interval.
        let mut profile = Profile::default();
        for t in &s.traits {
            let col = composites.column_index(t).unwrap_or(usize::MAX);
            profile.set(t, composites.get(*row, col));
        }
        let pred = readiness
            .predict_partial(&profile)
            .map_err(|e| Failure::in_file(&s.data, e))?;
        explained.push((ids[*row].clone(), why.clone(), pred));
    }

    // 4. Segments.
    let range = inst.range();
    let willing = s
        .willing
        .unwrap_or(range.min() + 0.75 * (range.max() - range.min()));
    if !(willing >= range.min() && willing <= range.max()) {
        return Err(Failure::usage(format!(
            "--willing {willing} is outside the response scale {} to {}",
            range.min(),
            range.max()
        )));
    }
    let seg = readiness
        .segment(&traits, Threshold::Raw(willing))
        .map_err(|e| Failure::in_file(&s.data, e))?;

    // The invitation list: every respondent, sorted by predicted willingness.
    let invitations = readiness
        .invitations(&composites, Threshold::Raw(willing))
        .map_err(|e| Failure::in_file(&s.data, e))?;
    if let Some(path) = &s.invite {
        std::fs::write(path, invitations.to_csv()).map_err(|e| Failure::in_file(path, e))?;
    }

    // 5. How well the model predicts customers it was not fitted on: leave-one-out and
    // 10 x 10-fold cross-validation against a regression on the traits, seeded.
    let cv = CrossValidation::builder(s.seed)
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let validation = validate(&model, &options, &composites, readiness.constructs(), &cv)
        .map_err(|e| Failure::in_file(&s.data, e))?;

    // 6. Co-producer readiness.
    let (co_inst, co_resp, co_warnings) =
        common::load_with_warnings(&s.coproducer_keys, &s.coproducer)?;
    data_notes.extend(co_warnings.iter().map(|w| format!("{}: {w}", s.coproducer)));
    let co_scores = Scorer::new(
        &co_inst,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
    )
    .and_then(|sc| sc.score(&co_resp))
    .map_err(|e| Failure::in_file(&s.coproducer, e))?;
    let gap = CoproducerOptions::new(s.gap).map_err(|e| Failure::usage(e.to_string()))?;
    let scales =
        CoproducerScales::new("motivation", "role_clarity", "task_communicated", "ability");
    let report = diagnose_scores(&co_scores, &scales, co_inst.range(), &gap)
        .map_err(|e| Failure::in_file(&s.coproducer_keys, e))?;
    let co_ids = row_ids(&co_scores);

    if s.json {
        let out = json!({
            "data": s.data,
            "reliability": reliability_json(&scorer, &scores, &rel),
            "model": {
                "syntax": syntax,
                "provenance": readiness.provenance().to_string(),
                "parameter_estimates": sem_json::parameter_estimates(&fit),
                "fit": sem_json::fit_measures(&fit),
                "bootstrap": fit.bootstrap().map(|b| json!({"requested": b.requested, "successful": b.successful, "seed": b.seed})),
                "dot": s.dot,
            },
            "predictions": explained.iter().map(|(id, why, p)| prediction_json(&readiness, id, why, p)).collect::<Vec<_>>(),
            "segments": seg.segments.iter().map(|g| (g.name.clone(), json!(g.count))).collect::<Map<_, _>>(),
            "segmentation": segmentation_json(&seg, imputed),
            "validation": validation,
            "invitations": invitations.rows,
            "invite_file": s.invite,
            "coproducer": coproducer_json(&s, &report, &co_ids),
            "id_column": scores.id_column(),
            "warnings": data_notes.iter().cloned().chain(rel.warnings.iter().map(ToString::to_string)).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| Failure::usage(e.to_string()))?
        );
    } else {
        println!(
            "\nFive customers, predicted and explained ({}):",
            readiness.provenance()
        );
        for (id, why, p) in &explained {
            print_prediction(&readiness, id, why, p);
        }
        print_segments(&seg, imputed, &s.outcome);
        print!("\n{invitations}");
        if let Some(path) = &s.invite {
            println!(
                "Invitation list: {} rows written to {path}",
                invitations.rows.len()
            );
        }
        print!("\n{validation}");
        print_coproducer(&s, &report, &co_ids);
        println!("\nPath diagram written to {}", s.dot);
        for w in &data_notes {
            println!("note: {w}");
        }
    }
    Ok(())
}

/// Respondent ids from the data's identifier column (`id` in any case), kept as text,
/// else `row N` counting respondents from 1.
fn row_ids(scores: &Scores) -> Vec<String> {
    match scores.ids() {
        Some(ids) => ids.to_vec(),
        None => (1..=scores.n_respondents())
            .map(|i| format!("row {i}"))
            .collect(),
    }
}

/// The roles, checked against the keys; the first two mediators get the innovation and
/// involvement pathway profiles.
fn constructs(s: &Settings, inst: &Instrument) -> Result<Constructs, Failure> {
    for name in s.traits.iter().chain(&s.mediators).chain([&s.outcome]) {
        if inst.scale(name).is_none() {
            return Err(Failure::in_file(
                &s.keys,
                format!(
                    "construct {name:?} is not a scale of the keys (scales: {})",
                    inst.scale_names().join(", ")
                ),
            ));
        }
    }
    let t: Vec<&str> = s.traits.iter().map(String::as_str).collect();
    let m: Vec<&str> = s.mediators.iter().map(String::as_str).collect();
    let mut c = Constructs::new(&t, &m, &s.outcome, inst.range())
        .map_err(|e| Failure::usage(e.to_string()))?;
    let profiles = [
        PathwayProfile::innovation_led(),
        PathwayProfile::involvement_led(),
    ];
    for (name, profile) in s.mediators.iter().zip(profiles) {
        c = c
            .with_pathway(name, profile)
            .map_err(|e| Failure::usage(e.to_string()))?;
    }
    Ok(c)
}

/// A lavaan label from a construct name.
fn label(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The path model with every specific, total indirect and total effect defined.
fn path_syntax(traits: &[String], mediators: &[String], outcome: &str) -> String {
    let a = |m: &str, t: &str| format!("a{}_{}", label(m), label(t));
    let b = |m: &str| format!("b_{}", label(m));
    let c = |t: &str| format!("c_{}", label(t));
    let mut s = String::new();
    for m in mediators {
        let rhs: Vec<String> = traits.iter().map(|t| format!("{}*{t}", a(m, t))).collect();
        s += &format!("{m} ~ {}\n", rhs.join(" + "));
    }
    let rhs: Vec<String> = mediators
        .iter()
        .map(|m| format!("{}*{m}", b(m)))
        .chain(traits.iter().map(|t| format!("{}*{t}", c(t))))
        .collect();
    s += &format!("{outcome} ~ {}\n", rhs.join(" + "));
    for (i, m) in mediators.iter().enumerate() {
        for n in &mediators[i + 1..] {
            s += &format!("{m} ~~ {n}\n");
        }
    }
    for t in traits {
        let ind: Vec<String> = mediators
            .iter()
            .map(|m| format!("{}*{}", a(m, t), b(m)))
            .collect();
        for (m, i) in mediators.iter().zip(&ind) {
            s += &format!("ind_{}_{} := {i}\n", label(t), label(m));
        }
        s += &format!("indtot_{} := {}\n", label(t), ind.join(" + "));
        s += &format!("total_{} := {} + {}\n", label(t), c(t), ind.join(" + "));
    }
    s
}

/// Trait scores, row-major; a customer without a score on a trait (every item skipped)
/// gets its conditional expectation given the other traits (partial prediction).
fn trait_matrix(model: &ReadinessModel, composites: &Table) -> Result<(Vec<f64>, usize), Failure> {
    let traits = model.constructs().traits();
    let cols: Vec<Vec<Option<f64>>> = traits
        .iter()
        .map(|t| {
            composites
                .column(t)
                .map_err(|e| Failure::usage(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(composites.n_rows() * traits.len());
    let mut imputed = 0;
    for row in 0..composites.n_rows() {
        let mut prof = Profile::default();
        for (t, col) in traits.iter().zip(&cols) {
            prof.set(t, col[row]);
        }
        if cols.iter().all(|c| c[row].is_some()) {
            out.extend(cols.iter().map(|c| c[row].unwrap_or_default()));
        } else {
            imputed += 1;
            let p = model
                .predict_partial(&prof)
                .map_err(|e| Failure::usage(format!("row {}: {e}", row + 1)))?;
            out.extend(p.traits);
        }
    }
    Ok((out, imputed))
}

/// Five rows worth explaining, each with the reason it was picked: the largest
/// contribution via each of the first two mediators among the customers led by that
/// mediator (so that the headline and the pathway label agree), the highest, lowest and
/// median predicted outcome (then quartiles, when a pathway has no customer).
fn five_customers(
    model: &ReadinessModel,
    mediators: &[Vec<f64>],
    outcome: &[f64],
    pathways: &[Pathway],
) -> Vec<(usize, String)> {
    let n = outcome.len();
    let b = &model.coefficients().b;
    let via = |j: usize, i: usize| {
        let mean = model.mediator_moments(j).map_or(0.0, |m| m.0);
        b[j] * (mediators[j][i] - mean)
    };
    // Rows by decreasing key.
    let by = |key: &dyn Fn(usize) -> f64| {
        let mut v: Vec<usize> = (0..n).collect();
        v.sort_by(|&i, &j| key(j).total_cmp(&key(i)));
        v
    };
    let ascending = by(&|i| -outcome[i]);
    let y = model.constructs().outcome();
    let mut wanted: Vec<(Vec<usize>, String)> = Vec::new();
    for (j, m) in model.constructs().mediators().iter().enumerate().take(2) {
        let led: Vec<usize> = by(&|i| via(j, i))
            .into_iter()
            .filter(|&i| pathways[i] == Pathway::Led(j))
            .collect();
        let name = model.constructs().pathway_name(Pathway::Led(j));
        wanted.push((
            led,
            format!("largest contribution via {m} among {name} customers"),
        ));
    }
    wanted.push((by(&|i| outcome[i]), format!("highest predicted {y}")));
    wanted.push((ascending.clone(), format!("lowest predicted {y}")));
    for (at, what) in [
        (n / 2, "median"),
        (n / 4, "lower quartile of"),
        (3 * n / 4, "upper quartile of"),
    ] {
        wanted.push((
            ascending.get(at).into_iter().copied().collect(),
            format!("{what} predicted {y}"),
        ));
    }
    let mut picks: Vec<(usize, String)> = Vec::new();
    for (candidates, why) in wanted {
        if picks.len() == 5 {
            break;
        }
        if let Some(&i) = candidates
            .iter()
            .find(|i| !picks.iter().any(|(j, _)| j == *i))
        {
            picks.push((i, why));
        }
    }
    picks
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
        println!("note: {w}");
    }
}

fn reliability_json(scorer: &Scorer, scores: &Scores, rel: &Reliability) -> Value {
    scorer
        .instrument()
        .scales()
        .iter()
        .zip(scores.summary())
        .map(|(scale, sum)| {
            let r = rel.scale(scale.name());
            json!({
                "construct": scale.name(),
                "label": scale.label(),
                "items": scale.len(),
                "alpha": opt(r.map(|r| r.alpha_raw)),
                "alpha_std": opt(r.map(|r| r.alpha_std)),
                "g6": opt(r.map(|r| r.g6)),
                "omega": opt(r.and_then(|r| r.omega.as_ref().map(|o| o.value))),
                "average_r": opt(r.map(|r| r.average_r)),
                "alpha_ci": r.and_then(|r| r.feldt).map(|c| json!([num(c.lower), num(c.upper)])),
                "mean": opt(sum.mean),
                "sd": opt(sum.sd),
            })
        })
        .collect()
}

fn print_indirect(fit: &SemFit) {
    println!("\nIndirect and total effects (bootstrap SEs, percentile 95% CIs):");
    println!(
        "  {:<14} {:>8} {:>8} {:>18}",
        "effect", "est", "se", "95% CI"
    );
    for e in fit
        .parameter_estimates()
        .iter()
        .filter(|e| e.op == Op::Defined)
    {
        println!(
            "  {:<14} {:>8.3} {:>8} {:>18}",
            e.lhs,
            e.est,
            cell(e.se),
            format!("[{:.3}, {:.3}]", e.ci_lower, e.ci_upper)
        );
    }
}

fn explain(model: &ReadinessModel, p: &Prediction) -> String {
    let c = &p.contributions;
    let mut parts: Vec<String> = model
        .constructs()
        .mediators()
        .iter()
        .zip(&c.via)
        .map(|(m, v)| format!("{v:+.2} via {m}"))
        .collect();
    parts.push(format!("{:+.2} direct", c.direct));
    let r = &p.recommendation;
    let offer = if r.formats.is_empty() {
        r.note.clone().unwrap_or_default()
    } else {
        format!(
            "invite to {}; frame on {}",
            r.formats.join(", "),
            r.framing.join(", ")
        )
    };
    format!(
        "{:+.2} against the average customer ({}) → {}: {offer}",
        p.outcome.value - c.reference,
        parts.join(", "),
        r.pathway
    )
}

fn print_prediction(model: &ReadinessModel, id: &str, why: &str, p: &Prediction) {
    let traits: Vec<String> = model
        .constructs()
        .traits()
        .iter()
        .zip(&p.traits)
        .map(|(t, v)| format!("{t} {v:.2}"))
        .collect();
    println!("\n  customer {id} ({why}): {}", traits.join(", "));
    for cp in p.mediators.iter().chain([&p.outcome]) {
        println!(
            "    {:<4} {:>5.2}  z {:>+5.2}  95% prediction interval [{:.2}, {:.2}]",
            cp.name, cp.value, cp.z, cp.interval.0, cp.interval.1
        );
    }
    println!("    {}", explain(model, p));
    println!("    pathway: {}", p.why);
}

fn prediction_json(model: &ReadinessModel, id: &str, why: &str, p: &Prediction) -> Value {
    let mut out = Map::new();
    out.insert("customer".into(), json!(id));
    out.insert("why".into(), json!(why));
    let traits: Map<String, Value> = model
        .constructs()
        .traits()
        .iter()
        .zip(&p.traits)
        .map(|(t, v)| (t.clone(), num(*v)))
        .collect();
    out.insert("traits".into(), Value::Object(traits));
    out.insert("imputed_traits".into(), json!(p.imputed));
    let all: Vec<_> = p.mediators.iter().chain([&p.outcome]).collect();
    for cp in &all {
        out.insert(cp.name.to_lowercase(), num(cp.value));
    }
    let by_name = |f: &dyn Fn(&cocreate::core::readiness::ConstructPrediction) -> Value| -> Map<String, Value> {
        all.iter().map(|cp| (cp.name.to_lowercase(), f(cp))).collect()
    };
    out.insert("z".into(), Value::Object(by_name(&|cp| num(cp.z))));
    out.insert(
        "intervals".into(),
        Value::Object(by_name(&|cp| {
            json!([num(cp.interval.0), num(cp.interval.1)])
        })),
    );
    out.insert(
        "interval".into(),
        json!([num(p.outcome.interval.0), num(p.outcome.interval.1)]),
    );
    let mut contributions: Map<String, Value> = model
        .constructs()
        .mediators()
        .iter()
        .zip(&p.contributions.via)
        .map(|(m, v)| (format!("via_{m}"), num(*v)))
        .collect();
    contributions.insert("direct".into(), num(p.contributions.direct));
    contributions.insert("reference".into(), num(p.contributions.reference));
    out.insert("contributions".into(), Value::Object(contributions));
    out.insert("pathway".into(), json!(p.recommendation.pathway));
    out.insert("formats".into(), json!(p.recommendation.formats));
    out.insert("framing".into(), json!(p.recommendation.framing));
    out.insert("explanation".into(), json!(explain(model, p)));
    out.insert("pathway_why".into(), json!(p.why));
    Value::Object(out)
}

fn print_segments(seg: &Segmentation, imputed: usize, outcome: &str) {
    println!("\nSegments of the whole sample (N = {}):", seg.n);
    if imputed > 0 {
        let who = if imputed == 1 {
            "customer"
        } else {
            "customers"
        };
        println!("  ({imputed} {who} without a score on a trait: the missing trait was predicted from the other traits)");
    }
    println!(
        "  {:<16} {:>6} {:>7} {:>18} {:>10}",
        "pathway",
        "count",
        "share",
        "95% CI (Wilson)",
        format!("mean {outcome}")
    );
    for g in &seg.segments {
        println!(
            "  {:<16} {:>6} {:>6.1}% {:>18} {:>10}",
            g.name,
            g.count,
            100.0 * g.share.value,
            format!(
                "[{:.1}%, {:.1}%]",
                100.0 * g.share.lower,
                100.0 * g.share.upper
            ),
            cell(Some(g.mean_outcome)),
        );
    }
    let m = seg.mean_outcome;
    println!(
        "  mean predicted {outcome}: {:.3} [{:.3}, {:.3}]",
        m.value, m.lower, m.upper
    );
    let e = seg.expected_willing;
    println!(
        "  expected number willing ({outcome} ≥ {:.2}): {:.1} of {} [{:.1}, {:.1}]",
        seg.threshold, e.value, seg.n, e.lower, e.upper
    );
}

fn segmentation_json(seg: &Segmentation, imputed: usize) -> Value {
    json!({
        "n": seg.n,
        "imputed": imputed,
        "pathways": seg.segments.iter().map(|g| json!({
            "pathway": g.name, "count": g.count, "share": num(g.share.value),
            "share_ci": [num(g.share.lower), num(g.share.upper)], "mean_outcome": num(g.mean_outcome),
        })).collect::<Vec<_>>(),
        "mean_outcome": {"value": num(seg.mean_outcome.value), "interval": [num(seg.mean_outcome.lower), num(seg.mean_outcome.upper)]},
        "threshold": num(seg.threshold),
        "expected_willing": {"value": num(seg.expected_willing.value), "interval": [num(seg.expected_willing.lower), num(seg.expected_willing.upper)]},
        "level": seg.level,
    })
}

fn print_coproducer(s: &Settings, r: &CoproducerReport, ids: &[String]) {
    println!("\nCo-producer readiness: {}", s.coproducer);
    if s.illustrative {
        println!("  ILLUSTRATIVE data: synthetic answers bundled to show the diagnosis (the survey has no co-producer items)");
    }
    println!(
        "  {} customers, gap below {:.0} of 100; ready on all four: {}; human fallback needed: {}",
        r.customers.len(),
        s.gap,
        r.ready,
        r.human_fallback
    );
    println!(
        "  {:<18} {:>6} {:>9} {:>11}",
        "dimension", "mean", "gap share", "bottleneck"
    );
    for (i, d) in Dimension::ALL.iter().enumerate() {
        println!(
            "  {:<18} {:>6.1} {:>8.1}% {:>11}",
            d.name(),
            r.mean_scores[i],
            100.0 * r.gap_shares[i],
            r.bottleneck_counts[i]
        );
    }
    for (c, id) in r
        .customers
        .iter()
        .zip(ids)
        .filter(|(c, _)| !c.ready())
        .take(3)
    {
        let scores: Vec<String> = c
            .dimensions
            .iter()
            .map(|d| {
                format!(
                    "{} {:.0}{}",
                    d.dimension.name(),
                    d.score,
                    if d.gap { " (gap)" } else { "" }
                )
            })
            .collect();
        println!(
            "\n  customer {id}: {}\n    overall {:.1} compensatory, {:.1} weakest link; bottleneck: {}",
            scores.join(", "),
            c.compensatory,
            c.weakest_link,
            c.bottleneck.name()
        );
        for iv in &c.interventions {
            println!("    {}: {}", iv.dimension.name(), iv.actions.join("; "));
        }
    }
}

fn coproducer_json(s: &Settings, r: &CoproducerReport, ids: &[String]) -> Value {
    let by_dim = |v: &dyn Fn(usize) -> Value| -> Map<String, Value> {
        Dimension::ALL
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name().to_string(), v(i)))
            .collect()
    };
    json!({
        "data": s.coproducer,
        "illustrative": s.illustrative,
        "gap_threshold": s.gap,
        "n": r.customers.len(),
        "ready": r.ready,
        "human_fallback": r.human_fallback,
        "mean_scores": by_dim(&|i| num(r.mean_scores[i])),
        "gap_shares": by_dim(&|i| num(r.gap_shares[i])),
        "bottlenecks": by_dim(&|i| json!(r.bottleneck_counts[i])),
        "customers": r.customers.iter().zip(ids).map(|(c, id)| json!({
            "customer": id,
            "scores": c.dimensions.iter().map(|d| (d.dimension.name().to_string(), num(d.score))).collect::<Map<_, _>>(),
            "gaps": c.dimensions.iter().filter(|d| d.gap).map(|d| d.dimension.name()).collect::<Vec<_>>(),
            "compensatory": num(c.compensatory),
            "weakest_link": num(c.weakest_link),
            "bottleneck": c.bottleneck.name(),
            "interventions": c.interventions.iter().map(|iv| (iv.dimension.name().to_string(), json!(iv.actions))).collect::<Map<_, _>>(),
            "human_fallback": c.human_fallback,
        })).collect::<Vec<_>>(),
    })
}

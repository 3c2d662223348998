//! The co-creation survey, end to end: from raw answers to a report a researcher reads,
//! the invitation list and the path diagram.
//!
//! ```text
//! cargo run --release --example cocreation [-- --data FILE.csv --keys KEYS.json]
//!     [--traits O,C,E,A,N] [--mediators II,EI] [--outcome WTC]
//!     [--bootstrap 1000] [--seed 20220341] [--willing 4]
//!     [--invite FILE.csv] [--svg FILE.svg] [--dot FILE.dot]
//!     [--coproducer FILE.csv --coproducer-keys KEYS.json] [--gap 50] [--full] [--json]
//!     [--group COLUMN]
//! ```
//!
//! `--group COLUMN` compares the readiness path model across the groups of that column of
//! the data (gender, country, new versus loyal customers): the paths free in every group
//! against the paths equal across groups (likelihood-ratio test, and a Wald test per path),
//! and each group's pathway shares and expected participation, so that a firm sees whether
//! one group is involvement-led and another innovation-led.
//!
//! Scores every construct of the keys as the mean of the answered items, reports their
//! reliability, fits the readiness path model (traits → mediators → outcome, every
//! specific and total indirect effect defined) by ML with a mean structure and bootstrap
//! intervals, predicts and explains five customers, segments the whole sample by pathway,
//! writes the invitation list of every respondent (`--invite`, default
//! `target/cocreation_invitations.csv`), cross-validates the predictions against a
//! regression on the traits and draws the path diagram as SVG (`--svg`, default
//! `target/cocreation_path.svg`; Graphviz DOT with `--dot`, default
//! `target/cocreation_path.dot`).
//!
//! The report is the library's `ReadinessReport`: a short summary, then the details;
//! `--full` shows the lavaan syntax and lavaan-style summary of the fit in place of the
//! compact tables. Co-producer readiness is diagnosed on `--coproducer` with
//! `--coproducer-keys` (scales named `motivation`, `role_clarity`, `task_communicated`,
//! `ability`); without `--data` the example shows it on a small ILLUSTRATIVE file of
//! synthetic answers (`examples/data/coproducer_illustrative.csv`). `--json` prints one
//! JSON object instead. Bad input gives a one-line error and exit code 2.

mod common;
#[path = "common/sem_json.rs"]
mod sem_json;

use std::process::ExitCode;

use clap::Parser;
use cocreate::core::readiness::{
    compare_groups, diagnose_scores, validate, Constructs, CoproducerOptions, CoproducerReport,
    CoproducerScales, CrossValidation, Dimension, GroupComparison, GroupComparisonOptions,
    PathwayProfile, Prediction, ReadinessModel, ReadinessReport, Segmentation, Threshold,
};
use cocreate::core::scoring::{
    Instrument, MissingPolicy, Reliability, Scorer, Scores, ScoringOptions,
};
use cocreate::core::sem::{DotOptions, MeanStructure, Model, PathDiagram, SeMethod, SemOptions};
use common::Failure;
use sem_json::{num, opt};
use serde_json::{json, Map, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");
const DATA: &str = "cocreation_survey.csv";
const KEYS: &str = "cocreation_keys.json";
const COPRODUCER: &str = "coproducer_illustrative.csv";
const COPRODUCER_KEYS: &str = "coproducer_keys.json";
const TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/");

/// The co-creation survey, end to end: reliability, the readiness path model, five
/// customers explained, segments, the invitation list, out-of-sample validity,
/// co-producer readiness and the path diagram.
#[derive(Parser, Debug)]
#[command(name = "cocreation", version)]
struct Args {
    /// The answers, one row per respondent (default: the bundled survey).
    #[arg(long, value_name = "FILE.csv")]
    data: Option<String>,
    /// The keys: constructs, items, reverse keying and the response scale.
    #[arg(long, value_name = "KEYS.json")]
    keys: Option<String>,
    /// The traits, comma separated.
    #[arg(long, value_name = "LIST", default_value = "O,C,E,A,N")]
    traits: String,
    /// The mediators, comma separated (the first is the innovation pathway, the second
    /// the involvement pathway).
    #[arg(long, value_name = "LIST", default_value = "II,EI")]
    mediators: String,
    /// The outcome.
    #[arg(long, value_name = "NAME", default_value = "WTC")]
    outcome: String,
    /// Bootstrap draws for the standard errors and intervals.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    bootstrap: usize,
    /// Seed of the bootstrap and of the cross-validation.
    #[arg(long, value_name = "S", default_value_t = 20_220_341)]
    seed: u64,
    /// The predicted outcome that counts as willing (default: 3/4 up the response scale).
    #[arg(long, value_name = "T")]
    willing: Option<f64>,
    /// Where to write the invitation list (default target/cocreation_invitations.csv).
    #[arg(long, value_name = "FILE.csv")]
    invite: Option<String>,
    /// Where to write the path diagram as SVG (default target/cocreation_path.svg).
    #[arg(long, value_name = "FILE.svg")]
    svg: Option<String>,
    /// Where to write the path diagram as Graphviz DOT (default target/cocreation_path.dot).
    #[arg(long, value_name = "FILE.dot")]
    dot: Option<String>,
    /// Co-producer answers (with --coproducer-keys).
    #[arg(long, value_name = "FILE.csv")]
    coproducer: Option<String>,
    /// Keys of the co-producer answers.
    #[arg(long, value_name = "KEYS.json")]
    coproducer_keys: Option<String>,
    /// A co-producer dimension below this score (0–100) is a gap.
    #[arg(long, value_name = "G", default_value_t = 50.0)]
    gap: f64,
    /// Compare the readiness path model across the groups of this column of the data
    /// (gender, country, new versus loyal customers): equal pathways tested, each group's
    /// pathway shares and expected participation.
    #[arg(long, value_name = "COLUMN")]
    group: Option<String>,
    /// Show the lavaan syntax and lavaan-style summary of the fit.
    #[arg(long)]
    full: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run(common::cli::parse::<Args>()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => common::report(f),
    }
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Writes `text` to `path`, creating its folder.
fn write_file(path: &str, text: &str) -> Result<(), Failure> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() && path.starts_with(TARGET) {
            std::fs::create_dir_all(dir).map_err(|e| Failure::in_file(path, e))?;
        }
    }
    std::fs::write(path, text).map_err(|e| Failure::in_file(path, e))
}

fn run(a: Args) -> Result<(), Failure> {
    let bundled = |name: &str| format!("{DIR}{name}");
    let data = a.data.clone().unwrap_or_else(|| bundled(DATA));
    let keys = a.keys.clone().unwrap_or_else(|| bundled(KEYS));
    let (traits, mediators, outcome) = (
        list(&a.traits),
        list(&a.mediators),
        a.outcome.trim().to_string(),
    );
    let target = |name: &str| format!("{TARGET}{name}");
    let invite = a
        .invite
        .clone()
        .unwrap_or_else(|| target("cocreation_invitations.csv"));
    let svg = a
        .svg
        .clone()
        .unwrap_or_else(|| target("cocreation_path.svg"));
    let dot = a
        .dot
        .clone()
        .unwrap_or_else(|| target("cocreation_path.dot"));

    // Co-producer readiness: the user's file, or the illustration on the bundled survey.
    let coproducer = match (&a.coproducer, &a.coproducer_keys, &a.data) {
        (Some(d), Some(k), _) => Some((d.clone(), k.clone(), false)),
        (None, None, None) => Some((bundled(COPRODUCER), bundled(COPRODUCER_KEYS), true)),
        (None, None, Some(_)) => None,
        _ => {
            return Err(Failure::usage(
                "--coproducer and --coproducer-keys go together",
            ))
        }
    };

    // The groups, read before any work so that a wrong column fails at once.
    let group_labels = match &a.group {
        Some(column) => Some(read_group_labels(&data, column)?),
        None => None,
    };

    // Scores and reliability.
    let (inst, responses, data_warnings) = common::load_with_warnings(&keys, &data)?;
    let scorer = Scorer::new(
        &inst,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
    )
    .map_err(|e| Failure::in_file(&keys, e))?;
    let scores = scorer
        .score(&responses)
        .map_err(|e| Failure::in_file(&data, e))?;
    let rel = scorer
        .reliability(&responses)
        .map_err(|e| Failure::in_file(&data, e))?;
    let composites = scores.to_table().map_err(|e| Failure::in_file(&data, e))?;
    let mut notes: Vec<String> = data_warnings
        .iter()
        .map(|w| format!("{data}: {w}"))
        .collect();

    // The readiness path model.
    let constructs = constructs(&keys, &inst, &traits, &mediators, &outcome)?;
    let syntax = constructs.path_syntax();
    let options = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .se(SeMethod::Bootstrap)
        .bootstrap(a.bootstrap)
        .seed(a.seed)
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let model = Model::parse(&syntax).map_err(|e| Failure::in_file(&keys, e))?;
    let fit = model
        .fit(&composites, &options)
        .map_err(|e| Failure::in_file(&data, e))?;
    let readiness = ReadinessModel::from_fit(&fit, constructs, &data)
        .map_err(|e| Failure::in_file(&data, e))?;

    // Every respondent predicted: the invitation list, the segments, five explained.
    let range = inst.range();
    let willing = a
        .willing
        .unwrap_or(range.min() + 0.75 * (range.max() - range.min()));
    if !(willing >= range.min() && willing <= range.max()) {
        return Err(Failure::usage(format!(
            "--willing {willing} is outside the response scale {} to {}",
            range.min(),
            range.max()
        )));
    }
    let invitations = readiness
        .invitations(&composites, Threshold::Raw(willing))
        .map_err(|e| Failure::in_file(&data, e))?;
    let seg = readiness
        .segment(&invitations.trait_matrix(), Threshold::Raw(willing))
        .map_err(|e| Failure::in_file(&data, e))?;
    let explained = readiness
        .notable_customers(&invitations)
        .map_err(|e| Failure::in_file(&data, e))?;

    // How well the model predicts customers it was not fitted on: leave-one-out and
    // 10 x 10-fold cross-validation against a regression on the traits, seeded.
    let cv = CrossValidation::builder(a.seed)
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    let validation = validate(&model, &options, &composites, readiness.constructs(), &cv)
        .map_err(|e| Failure::in_file(&data, e))?;

    let gap = CoproducerOptions::new(a.gap).map_err(|e| Failure::usage(e.to_string()))?;
    let co_report = match &coproducer {
        Some((co_data, co_keys, _)) => {
            let (co_inst, co_resp, co_warnings) = common::load_with_warnings(co_keys, co_data)?;
            notes.extend(co_warnings.iter().map(|w| format!("{co_data}: {w}")));
            let co_scores = Scorer::new(
                &co_inst,
                ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
            )
            .and_then(|sc| sc.score(&co_resp))
            .map_err(|e| Failure::in_file(co_data, e))?;
            let scales =
                CoproducerScales::new("motivation", "role_clarity", "task_communicated", "ability");
            Some(
                diagnose_scores(&co_scores, &scales, co_inst.range(), &gap)
                    .map_err(|e| Failure::in_file(co_keys, e))?,
            )
        }
        None => None,
    };

    // Readiness across groups: the path model by group, equal pathways tested.
    let comparison = match (&a.group, group_labels) {
        (Some(column), Some(labels)) => Some(compare_by(
            &data,
            column,
            &labels,
            &composites,
            &readiness,
            willing,
        )?),
        _ => None,
    };

    // The files: the invitation list, the path diagram as SVG and DOT.
    write_file(&invite, &invitations.to_csv())?;
    let mut diagram = PathDiagram::from_fit(&fit).title(format!(
        "Readiness path model: {} → {} → {} (N = {})",
        traits.join(", "),
        mediators.join(", "),
        outcome,
        fit.n_used()
    ));
    for scale in inst.scales() {
        if let Some(label) = scale.label() {
            diagram = diagram.caption(scale.name(), label);
        }
    }
    write_file(&svg, &diagram.to_svg())?;
    write_file(&dot, &fit.to_dot(&DotOptions::default()))?;

    if a.json {
        let out = json!({
            "data": data,
            "reliability": reliability_json(&scorer, &scores, &rel),
            "model": {
                "syntax": syntax,
                "provenance": readiness.provenance().to_string(),
                "parameter_estimates": sem_json::parameter_estimates(&fit),
                "fit": sem_json::fit_measures(&fit),
                "bootstrap": fit.bootstrap().map(|b| json!({"requested": b.requested, "successful": b.successful, "seed": b.seed})),
                "dot": dot,
                "svg": svg,
            },
            "predictions": explained.iter().map(|c| prediction_json(&readiness, &c.id, &c.reason, &c.prediction)).collect::<Vec<_>>(),
            "segments": seg.segments.iter().map(|g| (g.name.clone(), json!(g.count))).collect::<Map<_, _>>(),
            "segmentation": segmentation_json(&seg, invitations.n_imputed()),
            "validation": validation_json(&validation),
            "invitations": invitations.rows,
            "invite_file": invite,
            "coproducer": match (&coproducer, &co_report) {
                (Some((d, _, illustrative)), Some(r)) => coproducer_json(d, *illustrative, a.gap, r),
                _ => Value::Null,
            },
            "groups": comparison.as_ref().map_or(Value::Null, comparison_json),
            "id_column": scores.id_column(),
            "warnings": notes.iter().cloned().chain(rel.warnings.iter().map(ToString::to_string)).collect::<Vec<_>>(),
        });
        common::output::print_line(
            serde_json::to_string_pretty(&out).map_err(|e| Failure::usage(e.to_string()))?,
        );
        return Ok(());
    }
    // Paths inside the repository are shown relative to it.
    let shown = |p: &str| {
        p.strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/"))
            .unwrap_or(p)
            .to_string()
    };
    let mut report = ReadinessReport::new(&fit, &readiness, &shown(&data))
        .sample(responses.n_respondents(), responses.n_missing())
        .reliability(&inst, &scores, &rel)
        .customers(explained)
        .segmentation(seg)
        .invitations(&invitations, Some(&shown(&invite)))
        .validation(validation)
        .file("Path diagram", &shown(&svg))
        .file("Graphviz DOT", &shown(&dot));
    if a.full {
        report = report.lavaan_detail(&syntax, &fit);
    }
    if let (Some((d, _, illustrative)), Some(r)) = (&coproducer, co_report) {
        report = report.coproducer(r, &shown(d), *illustrative);
    }
    for n in notes {
        report = report.note(n);
    }
    match comparison {
        Some(c) => common::output::print_text(format!("{report}\n{c}")),
        None => common::output::print_text(report),
    }
    Ok(())
}

/// Each row's group in `column` of the data file: its text as written (`NA` or an empty
/// cell: no group).
fn read_group_labels(data: &str, column: &str) -> Result<Vec<Option<String>>, Failure> {
    let options = cocreate::core::data::CsvOptions::builder()
        .id_column(column)
        .build()
        .map_err(|e| Failure::in_file(data, e))?;
    let table = cocreate::core::data::Table::from_csv_path_with(data, &options)
        .map_err(|e| Failure::in_file(data, e))?;
    let texts = table.text(column).unwrap_or_default();
    Ok(texts
        .iter()
        .map(|t| {
            let t = t.trim();
            (!t.is_empty() && t != "NA").then(|| t.to_string())
        })
        .collect())
}

/// The readiness model compared across the groups of `column` of the data file.
fn compare_by(
    data: &str,
    column: &str,
    labels: &[Option<String>],
    composites: &cocreate::core::data::Table,
    readiness: &ReadinessModel,
    willing: f64,
) -> Result<GroupComparison, Failure> {
    if labels.len() != composites.n_rows() {
        return Err(Failure::in_file(
            data,
            format!(
                "the group column {column:?} has {} rows but the scores {}",
                labels.len(),
                composites.n_rows()
            ),
        ));
    }
    let opts = GroupComparisonOptions::builder(column)
        .willing(Threshold::Raw(willing))
        .build()
        .map_err(|e| Failure::usage(e.to_string()))?;
    compare_groups(composites, labels, readiness.constructs(), &opts)
        .map_err(|e| Failure::in_file(data, e))
}

/// The comparison across groups: the test of equal pathways, every group's pathway
/// shares, expected participation and mediated shares, and the paths by group.
fn comparison_json(c: &GroupComparison) -> Value {
    json!({
        "grouping": c.grouping,
        "paths_differ": c.paths_differ(),
        "alpha": c.alpha,
        "lrt": serde_json::to_value(&c.lrt).unwrap_or(Value::Null),
        "fit_free": {"chisq": num(c.free.chisq), "df": num(c.free.df)},
        "fit_equal": {"chisq": num(c.equal.chisq), "df": num(c.equal.df), "cfi": num(c.equal.cfi), "rmsea": num(c.equal.rmsea)},
        "groups": c.groups.iter().map(|g| json!({
            "label": g.label,
            "n": g.n,
            "segmentation": segmentation_json(&g.segmentation, 0),
            "mediated_share": c.constructs.mediators().iter().cloned().zip(g.mediated_share.iter().map(|v| num(*v))).collect::<Map<_, _>>(),
            "coefficients": serde_json::to_value(g.model.coefficients()).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
        "paths": c.paths.iter().map(|p| json!({
            "lhs": p.lhs, "rhs": p.rhs,
            "est": p.estimates.iter().map(|v| num(*v)).collect::<Vec<_>>(),
            "se": p.se.iter().map(|v| num(*v)).collect::<Vec<_>>(),
            "std.all": p.std_all.iter().map(|v| num(*v)).collect::<Vec<_>>(),
            "chisq": num(p.chisq), "pvalue": num(p.pvalue),
        })).collect::<Vec<_>>(),
    })
}

/// Respondent ids as the data kept them, else `row N` counting from 1.
fn row_ids(ids: Option<&[String]>, n: usize) -> Vec<String> {
    match ids {
        Some(ids) => ids.to_vec(),
        None => (1..=n).map(|i| format!("row {i}")).collect(),
    }
}

/// The roles, checked against the keys; the first two mediators get the innovation and
/// involvement pathway profiles.
fn constructs(
    keys: &str,
    inst: &Instrument,
    traits: &[String],
    mediators: &[String],
    outcome: &str,
) -> Result<Constructs, Failure> {
    for name in traits
        .iter()
        .chain(mediators)
        .map(String::as_str)
        .chain([outcome])
    {
        if inst.scale(name).is_none() {
            return Err(Failure::in_file(
                keys,
                format!(
                    "construct {name:?} is not a scale of the keys (scales: {})",
                    inst.scale_names().join(", ")
                ),
            ));
        }
    }
    let t: Vec<&str> = traits.iter().map(String::as_str).collect();
    let m: Vec<&str> = mediators.iter().map(String::as_str).collect();
    let mut c = Constructs::new(&t, &m, outcome, inst.range())
        .map_err(|e| Failure::usage(e.to_string()))?;
    let profiles = [
        PathwayProfile::innovation_led(),
        PathwayProfile::involvement_led(),
    ];
    for (name, profile) in mediators.iter().zip(profiles) {
        c = c
            .with_pathway(name, profile)
            .map_err(|e| Failure::usage(e.to_string()))?;
    }
    Ok(c)
}

fn reliability_json(scorer: &Scorer, scores: &Scores, rel: &Reliability) -> Value {
    scorer
        .instrument()
        .scales()
        .iter()
        .zip(scores.describe())
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
    out.insert("explanation".into(), json!(p.explanation()));
    out.insert("pathway_why".into(), json!(p.why));
    Value::Object(out)
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

fn coproducer_json(data: &str, illustrative: bool, gap: f64, r: &CoproducerReport) -> Value {
    let ids = row_ids(r.ids.as_deref(), r.customers.len());
    let by_dim = |v: &dyn Fn(usize) -> Value| -> Map<String, Value> {
        Dimension::ALL
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name().to_string(), v(i)))
            .collect()
    };
    json!({
        "data": data,
        "illustrative": illustrative,
        "gap_threshold": gap,
        "n": r.customers.len(),
        "ready": r.ready,
        "human_fallback": r.human_fallback,
        "mean_scores": by_dim(&|i| num(r.mean_scores[i])),
        "gap_shares": by_dim(&|i| num(r.gap_shares[i])),
        "bottlenecks": by_dim(&|i| json!(r.bottleneck_counts[i])),
        "customers": r.customers.iter().zip(&ids).map(|(c, id)| json!({
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

/// The validation as the library serialises it, with each construct's figures also directly
/// under `leave_one_out` and `k_fold` (`validation.leave_one_out.WTC.q2_predict`), where
/// the name does not clash with a field of the method.
fn validation_json(validation: &impl serde::Serialize) -> Value {
    let mut v = serde_json::to_value(validation).unwrap_or(Value::Null);
    for method in ["leave_one_out", "k_fold"] {
        if let Some(Value::Object(m)) = v.get_mut(method) {
            if let Some(Value::Object(constructs)) = m.get("constructs").cloned() {
                for (name, figures) in constructs {
                    m.entry(name).or_insert(figures);
                }
            }
        }
    }
    v
}

//! Where does a firm stand in customer-experience management, why, and what next?
//!
//! ```sh
//! cargo run --release --example maturity                          # the bundled sample firm
//! cargo run --release --example maturity -- ANSWERS.json          # your own answers
//! cargo run --release --example maturity -- --json                # one JSON object
//! cargo run --release --example maturity -- --svg radar.svg       # a radar chart
//! cargo run --release --example maturity -- ANSWERS.json --model FRAMEWORK.json
//! ```
//!
//! ANSWERS.json holds one firm's respondents and their answers by item id (see
//! `examples/data/maturity_sample_firm.json`); several respondents are combined by the
//! median (`--mean` for the mean). `--model` swaps the built-in Gartner-style model for
//! another framework written as data (see `examples/data/maturity_four_stage_model.json`).
//! Bad input (a missing file, a directory, malformed or misspelt JSON, a file larger than
//! 16 MiB) prints one line on stderr that names the file and the place, and exits with
//! code 2.

use std::fmt::Write as _;
use std::process::ExitCode;

#[path = "common/output.rs"]
mod output;

use cocreate::maturity::radar::RadarChart;
use cocreate::maturity::{
    Aggregation, Assessment, FirmAnswers, GroupOptions, MaturityModel, Placement, Roadmap,
};
use serde_json::{json, Value};

/// Appends a line to the report.
macro_rules! say {
    ($out:expr_2021) => {{
        let _ = writeln!($out);
    }};
    ($out:expr_2021, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

const SAMPLE: &str = include_str!("data/maturity_sample_firm.json");

struct Args {
    answers: Option<String>,
    model: Option<String>,
    json: bool,
    svg: Option<String>,
    mean: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("maturity: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        answers: None,
        model: None,
        json: false,
        svg: None,
        mean: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => args.json = true,
            "--mean" => args.mean = true,
            "--svg" => args.svg = Some(it.next().ok_or("--svg needs a file name")?),
            "--model" => args.model = Some(it.next().ok_or("--model needs a file name")?),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option {flag}; try --help"))
            }
            path if args.answers.is_none() => args.answers = Some(path.to_string()),
            extra => {
                return Err(format!(
                    "unexpected argument {extra}; give one answers file"
                ))
            }
        }
    }
    Ok(Some(args))
}

/// Largest answers or model file read, in bytes.
const MAX_FILE_BYTES: u64 = 16 << 20;

fn read(path: &str) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{path} is a directory, not a JSON file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{path} is {} bytes, more than the limit of {MAX_FILE_BYTES} for a JSON file",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        output::print_line(
            "usage: maturity [ANSWERS.json] [--model MODEL.json] [--mean] [--json] [--svg FILE]",
        );
        return Ok(());
    };
    let model = match &args.model {
        Some(path) => MaturityModel::from_json(&read(path)?).map_err(|e| format!("{path}: {e}"))?,
        None => MaturityModel::builtin(),
    };
    let (source, text) = match &args.answers {
        Some(path) => (path.clone(), read(path)?),
        None => ("the bundled sample".to_string(), SAMPLE.to_string()),
    };
    let answers = FirmAnswers::from_json(&text).map_err(|e| format!("{source}: {e}"))?;
    let sheets = answers
        .sheets(&model)
        .map_err(|e| format!("{source}: {e}"))?;
    let aggregation = if args.mean {
        Aggregation::Mean
    } else {
        Aggregation::Median
    };
    let options = GroupOptions::default().with_aggregation(aggregation);
    let assessment = model
        .assess_group(&sheets, &options)
        .map_err(|e| format!("{source}: {e}"))?;
    let roadmap = model
        .roadmap(&assessment)
        .map_err(|e| format!("{source}: {e}"))?;

    if let Some(path) = &args.svg {
        let title = if answers.firm.is_empty() {
            model.name().to_string()
        } else {
            answers.firm.clone()
        };
        let svg = RadarChart::new(&assessment).title(&title).to_svg();
        std::fs::write(path, svg).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let mut out = String::new();
    if args.json {
        let json = to_json(&assessment, &roadmap);
        out = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n";
    } else {
        print_report(&mut out, &model, &answers, &assessment, &roadmap);
        if let Some(path) = &args.svg {
            say!(out, "\nRadar chart written to {path}");
        }
    }
    // A reader that stops early (`| head`) is not an error.
    output::print_text(out);
    Ok(())
}

fn to_json(a: &Assessment, roadmap: &Roadmap) -> Value {
    let gaps = a.gaps();
    let competencies: Vec<Value> = a
        .competencies
        .iter()
        .map(|c| {
            json!({
                "name": c.name(),
                "score": c.score,
                "coverage": c.coverage.ratio(),
                "level": c.stage,
            })
        })
        .collect();
    let gap_rows: Vec<Value> = gaps
        .competencies
        .iter()
        .map(|g| {
            json!({
                "competency": &*g.name,
                "score": g.score,
                "target_level": gaps.target,
                "points_needed": g.points_to_target,
                "blocking": g.blocking,
            })
        })
        .collect();
    let steps: Vec<Value> = roadmap
        .actions()
        .enumerate()
        .map(|(i, (step, action))| {
            json!({
                "step": i + 1,
                "competency": step.competency.as_deref().and_then(|id| a.competency(id)).map(|c| c.name()),
                "action": action,
            })
        })
        .collect();
    json!({
        "level": a.level(),
        "level_name": a.level_name(),
        "compensatory_level": a.compensatory_level(),
        "limiting_level": a.limiting_level(),
        "overall_score": a.overall_score(),
        "competencies": competencies,
        "gaps": gap_rows,
        "roadmap": steps,
    })
}

fn print_report(
    out: &mut String,
    model: &MaturityModel,
    answers: &FirmAnswers,
    a: &Assessment,
    roadmap: &Roadmap,
) {
    let firm = if answers.firm.is_empty() {
        "The firm"
    } else {
        &answers.firm
    };
    let date = answers
        .date
        .as_deref()
        .map(|d| format!(", {d}"))
        .unwrap_or_default();
    let n = a.respondents.len();
    say!(
        out,
        "{firm} ({n} respondent{}{date}); model {} {}",
        if n == 1 { "" } else { "s" },
        model.id(),
        model.version()
    );
    say!(out);
    match (a.level(), a.level_name()) {
        (Some(level), Some(name)) => {
            say!(out, "Level {level}: {name}");
            let view = if level == 0 {
                a.maturity_level().map(|l| l.view()).unwrap_or_default()
            } else {
                model.stage(level).map(|s| s.summary()).unwrap_or_default()
            };
            if !view.is_empty() {
                say!(out, "  {view}");
            }
        }
        _ => say!(out, "Level undetermined"),
    }
    match &a.placement {
        Placement::Banded(b) => {
            let weakest = a.competency(&b.weakest).map_or("", |c| c.name());
            say!(
                out,
                "  Why: overall score {:.1} gives stage {} (compensatory); the weakest \
                 competency, {weakest}, at {:.1} gives stage {} (limiting); reported level = \
                 min({}, {} + {}) = {}.",
                b.overall_score,
                b.compensatory_level,
                b.limiting_score,
                b.limiting_level,
                b.compensatory_level,
                b.limiting_level,
                a.inputs.lag_allowance,
                b.level
            );
        }
        Placement::Gated => {
            if let Some(gate) = a.gate {
                say!(
                    out,
                    "  Why: {} of {} respondents who answered say there is no \
                     customer-experience programme or owner.",
                    gate.no,
                    gate.yes.saturating_add(gate.no)
                );
            }
        }
        Placement::Undetermined {
            insufficient,
            gate_unanswered,
        } => {
            if *gate_unanswered {
                say!(out, "  Why: nobody answered the gate item.");
            }
            for id in insufficient {
                if let Some(c) = a.competency(id) {
                    say!(out, "  Why: too few answers on {}.", c.name());
                }
            }
        }
        _ => {}
    }

    say!(out);
    say!(
        out,
        "{:<36} {:>6} {:>9} {:>6} {:>12}",
        "Competency",
        "Score",
        "Coverage",
        "Stage",
        "Spread (SD)"
    );
    for c in &a.competencies {
        let score = c.score.map_or("-".to_string(), |s| format!("{s:.1}"));
        let stage = c.stage.map_or("-".to_string(), |s| s.to_string());
        let sd = c
            .agreement
            .and_then(|g| g.std_dev)
            .map_or("-".to_string(), |s| format!("{s:.1}"));
        let flag = if c.agreement.is_some_and(|g| g.low) {
            "  low agreement"
        } else {
            ""
        };
        say!(
            out,
            "{:<36} {:>6} {:>8.0}% {:>6} {:>12}{flag}",
            c.name(),
            score,
            100.0 * c.coverage.ratio(),
            stage,
            sd
        );
    }

    let gaps = a.gaps();
    if let (Some(t), Some(name)) = (gaps.target, gaps.target_name.as_deref()) {
        say!(out);
        match a.inputs.lower_bound(t).filter(|b| *b > 0.0) {
            Some(bound) => say!(out, "Gaps to level {t} ({name}, from {bound:.0} points)"),
            None => say!(out, "Gaps to level {t} ({name})"),
        }
        if gaps.gate_closed {
            say!(
                out,
                "  Set up a customer-experience programme or name its owner."
            );
        }
        for g in gaps
            .competencies
            .iter()
            .filter(|g| g.points_to_target.is_some_and(|p| p > 0.0))
        {
            say!(
                out,
                "  {:<36} {:>5.1} needs {:>5.1} more points{}",
                &*g.name,
                g.score.unwrap_or(0.0),
                g.points_to_target.unwrap_or(0.0),
                if g.blocking {
                    "  (blocking: holds the level back on its own)"
                } else {
                    ""
                }
            );
        }
        if let Some(o) = gaps.overall {
            if o.points_needed > 0.0 {
                say!(
                    out,
                    "  {:<36} {:>5.1} needs {:>5.1} more points",
                    "Overall score",
                    o.score,
                    o.points_needed
                );
            } else {
                say!(
                    out,
                    "  {:<36} {:>5.1} already reaches the band",
                    "Overall score",
                    o.score
                );
            }
        }
    }

    say!(out);
    say!(out, "Roadmap");
    for (i, step) in roadmap.steps.iter().enumerate() {
        say!(out, "  {}. {}", i + 1, step.title);
        for action in &step.actions {
            say!(out, "     - {action}");
        }
    }
    let low: Vec<&str> = a.low_agreement().map(|c| c.name()).collect();
    if !low.is_empty() {
        say!(out);
        say!(
            out,
            "Respondents disagree on {}: discuss these before acting on them.",
            low.join(", ")
        );
    }
}

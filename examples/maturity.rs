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
//! The report is the library's own: the assessment, its gaps and its roadmap print
//! themselves. Bad input (a missing file, a directory, malformed or misspelt JSON, a file
//! larger than 16 MiB) prints one line on stderr that names the file and the place, and
//! exits with code 2.

use std::fmt::{Display, Write as _};
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
#[path = "common/output.rs"]
mod output;

use clap::Parser;
use cocreate::maturity::radar::RadarChart;
use cocreate::maturity::{
    Aggregation, AnswerError, Assessment, FirmAnswers, GroupOptions, MaturityModel, ModelError,
    Roadmap,
};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("data/maturity_sample_firm.json");

/// A firm's customer-experience-management maturity: the level and why, the gaps to the
/// next level and a roadmap.
#[derive(Parser)]
#[command(name = "maturity")]
struct Args {
    /// One firm's answers (JSON); the bundled sample firm when left out.
    #[arg(value_name = "ANSWERS.json")]
    answers: Option<String>,
    /// A maturity model (JSON) to use instead of the built-in one.
    #[arg(long, value_name = "MODEL.json")]
    model: Option<String>,
    /// Combine the respondents by the mean instead of the median.
    #[arg(long)]
    mean: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    json: bool,
    /// Write a radar chart of the assessment (SVG) to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
}

fn main() -> ExitCode {
    let args: Args = cli::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

/// `FILE: message`, or the message alone when it names the file itself (a file that
/// cannot be read).
fn in_file(file: &str, error: impl Display, names_file: bool) -> String {
    if names_file {
        error.to_string()
    } else {
        format!("{file}: {error}")
    }
}

fn run(args: &Args) -> Result<(), String> {
    let model = match &args.model {
        Some(path) => MaturityModel::from_json_path(path)
            .map_err(|e| in_file(path, &e, matches!(e, ModelError::File(_))))?,
        None => MaturityModel::builtin(),
    };
    let (source, answers) = match &args.answers {
        Some(path) => (path.as_str(), FirmAnswers::from_json_path(path)),
        None => ("the bundled sample", FirmAnswers::from_json_str(SAMPLE)),
    };
    let failed = |e: AnswerError| in_file(source, &e, matches!(e, AnswerError::File(_)));
    let answers = answers.map_err(failed)?;
    let sheets = answers.sheets(&model).map_err(failed)?;
    let aggregation = if args.mean {
        Aggregation::Mean
    } else {
        Aggregation::Median
    };
    let options = GroupOptions::builder()
        .aggregation(aggregation)
        .build()
        .map_err(|e| e.to_string())?;
    let assessment = model
        .assess_group(&sheets, &options)
        .map_err(|e| in_file(source, e, false))?;
    let roadmap = model
        .roadmap(&assessment)
        .map_err(|e| in_file(source, e, false))?;

    if let Some(path) = &args.svg {
        let title = if answers.firm.is_empty() {
            model.name()
        } else {
            &answers.firm
        };
        let svg = RadarChart::new(&assessment).title(title).to_svg();
        std::fs::write(path, svg).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let mut out = String::new();
    if args.json {
        let json = to_json(&assessment, &roadmap);
        out = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n";
    } else {
        // The firm's name and date come from the answers file; the rest is the library's.
        let firm: String = [Some(answers.firm.as_str()), answers.date.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if !firm.is_empty() {
            let _ = writeln!(out, "{firm}");
        }
        let _ = writeln!(out, "{assessment}\n\n{}\n\n{roadmap}", assessment.gaps());
        if let Some(path) = &args.svg {
            let _ = writeln!(out, "\nRadar chart written to {path}");
        }
    }
    // A reader that stops early (`| head`) is not an error.
    output::print_text(out);
    Ok(())
}

/// The `--json` object (documented in `docs/methods/maturity.md`, section 8).
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

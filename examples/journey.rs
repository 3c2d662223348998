//! One customer's journey, built in: moments of truth, disconfirmation, the peak–end
//! memory, bonding, and the journey map as Graphviz DOT (or Mermaid with `--mermaid`).
//!
//! ```text
//! cargo run --release --example journey [-- --mermaid]
//! ```

#[path = "common/cli.rs"]
mod cli;
#[path = "common/journey_cli.rs"]
mod journey_cli;
#[path = "common/output.rs"]
mod output;

use clap::Parser;
use cocreate::journey::{
    moments_of_truth_in_practice, BondingRatings, BondingRule, ChannelKind, Encounter, Experience,
    Journey, JourneyBuilder, JourneyMap, JourneyReport, MixedValence, MomentOptions, Outcome,
    PeakEndOptions, PracticeOptions, ReflectionOptions, ResponseRange, Stage, Timestamp,
    Touchpoint, TouchpointOwner,
};
use journey_cli::fail;

/// Anna's journey to a new e-bike, rated on a 1–7 scale.
fn annas_journey() -> Result<Journey, Box<dyn std::error::Error>> {
    let at = |s: &str| s.parse::<Timestamp>();
    let scale = ResponseRange::new(1.0, 7.0)?;
    let review = Touchpoint::new(
        "review site",
        ChannelKind::Other("review site".into()),
        TouchpointOwner::SocialExternal,
    );
    let web = Touchpoint::new("website", ChannelKind::Website, TouchpointOwner::Brand);
    let hotline = Touchpoint::new("hotline", ChannelKind::CallCentre, TouchpointOwner::Partner);
    let dealer = Touchpoint::new("dealer", ChannelKind::Store, TouchpointOwner::Partner);
    let app = Touchpoint::new("app", ChannelKind::MobileApp, TouchpointOwner::Brand);
    let invoice = Touchpoint::new("invoice", ChannelKind::Invoice, TouchpointOwner::Brand);
    Ok(JourneyBuilder::new("anna", scale)
        // Friends rave about the brand: high expectations before the first encounter.
        .prior_expectation(Experience::new(5.5, 5.0))
        .encounter(
            Encounter::new(review, Stage::Awareness, at("2024-03-01T19:20:00Z")?)
                .expecting(Experience::new(6.0, 5.5)),
        )
        .encounter(
            Encounter::new(web.clone(), Stage::Evaluation, at("2024-03-02T10:05:00Z")?)
                .perceiving(Experience::new(6.0, 6.0)),
        )
        .encounter(
            Encounter::new(hotline, Stage::Inquiry, at("2024-03-04T08:40:00Z")?)
                .perceiving(Experience::new(4.0, 2.5))
                .with_bonding(BondingRatings {
                    integrity: Some(3.5),
                    reliability: Some(3.0),
                    ..Default::default()
                }),
        )
        .encounter(
            Encounter::new(dealer, Stage::Purchase, at("2024-03-09T11:15:00Z")?)
                .perceiving(Experience::new(6.5, 6.5))
                .with_bonding(BondingRatings::all(6.5, 6.0, 6.5, 6.0))
                .with_outcome(Outcome::Convert),
        )
        .encounter(
            Encounter::new(invoice, Stage::Use, at("2024-03-10T07:00:00Z")?)
                .perceiving(Experience::new(5.0, 5.0)),
        )
        .encounter(
            Encounter::new(app, Stage::Use, at("2024-04-02T18:30:00Z")?)
                .perceiving(Experience::new(6.5, 6.0))
                .with_bonding(BondingRatings::all(6.0, 6.5, 6.0, 6.5))
                .with_outcome(Outcome::Retained),
        )
        .build()?)
}

/// An illustrative cohort (simulated here, deterministically): 400 customers pass a
/// website, a hotline and a store; a worse hotline call makes leaving there likelier.
fn cohort() -> Result<Vec<Journey>, Box<dyn std::error::Error>> {
    let scale = ResponseRange::new(1.0, 7.0)?;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut uniform = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut journeys = Vec::new();
    for i in 0..400 {
        let t = |h: i64| Timestamp::from_unix_seconds(1_710_000_000 + 3600 * h);
        let web = 3.0 + 4.0 * uniform();
        let call = 1.0 + 6.0 * uniform();
        let leaves_web = uniform() < 0.08;
        let leaves_call = uniform() < 0.05 + 0.08 * (5.0 - call).max(0.0);
        let mut b = JourneyBuilder::new(format!("C{i:03}"), scale)
            .prior_expectation(Experience::both(5.0))
            .encounter(
                Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t(0))
                    .perceiving(Experience::both(web))
                    .with_outcome(if leaves_web {
                        Outcome::Leave
                    } else {
                        Outcome::Continue
                    }),
            );
        if !leaves_web {
            b = b.encounter(
                Encounter::new(Touchpoint::brand("hotline"), Stage::Inquiry, t(24))
                    .perceiving(Experience::new(5.0, call))
                    .with_outcome(if leaves_call {
                        Outcome::Leave
                    } else {
                        Outcome::Continue
                    }),
            );
            if !leaves_call {
                b = b.encounter(
                    Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(48))
                        .perceiving(Experience::both(5.5))
                        .with_outcome(Outcome::Convert),
                );
            }
        }
        journeys.push(b.build()?);
    }
    Ok(journeys)
}

/// One customer's journey: moments of truth, memory, bonding and the journey map.
#[derive(Parser, Debug)]
#[command(name = "journey")]
struct Args {
    /// Draw the journey map in Mermaid instead of Graphviz DOT.
    #[arg(long)]
    mermaid: bool,
}

fn main() {
    let args: Args = cli::parse();
    let journey = annas_journey().unwrap_or_else(|e| fail(e));
    let moments = MomentOptions::builder()
        .tolerance(0.5)
        .critical_threshold(2.0)
        .build()
        .unwrap_or_else(|e| fail(e));
    let reflection = ReflectionOptions::builder()
        .update_rate(0.5)
        .build()
        .unwrap_or_else(|e| fail(e));
    let report = JourneyReport::new(&journey, &moments, &reflection, &BondingRule::default())
        .unwrap_or_else(|e| fail(e));
    let mut out = report.to_string();

    // The same memory when the best and the worst moment of a mixed episode both count.
    let separate = ReflectionOptions::builder()
        .update_rate(0.5)
        .peak_end(
            PeakEndOptions::builder()
                .mixed_valence(MixedValence::SeparatePeaks)
                .build()
                .unwrap_or_else(|e| fail(e)),
        )
        .build()
        .unwrap_or_else(|e| fail(e));
    let both_peaks = journey.reflect(&separate).unwrap_or_else(|e| fail(e));
    out += &format!(
        "\nWith separate positive and negative peaks the journey is remembered at functional \
         {:.2}, emotional {:.2}.\n",
        both_peaks.functional.remembered, both_peaks.emotional.remembered
    );

    let cohort = cohort().unwrap_or_else(|e| fail(e));
    let practice = PracticeOptions::builder()
        .tolerance(0.5)
        .build()
        .unwrap_or_else(|e| fail(e));
    out += &format!(
        "\nMoments of truth in practice (illustrative simulated cohort of {}):\n",
        cohort.len()
    );
    for impact in moments_of_truth_in_practice(&cohort, &practice) {
        out += &format!("  {impact}\n");
    }

    let map = JourneyMap::new(&journey, moments);
    if args.mermaid {
        out += &format!("\nJourney map (Mermaid):\n{}\n", map.to_mermaid());
    } else {
        out += &format!("\nJourney map (Graphviz DOT):\n{}\n", map.to_dot());
    }
    output::print_text(out);
}

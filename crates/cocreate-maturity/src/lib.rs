//! # cocreate-maturity
//!
//! Customer-experience-management (CEM) maturity: where a firm stands, why, and what to do
//! next.
//!
//! Firms manage customer experience with a maturity that runs from level 0 (no CEM at all)
//! to level 5 (optimised, the culture changed). This crate places a firm on that scale from
//! a transparent, data-driven assessment, shows the gap to the next level and proposes a
//! roadmap of actions.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod answers;
pub mod anticipation;
pub mod assessment;
#[cfg(feature = "serde")]
pub mod builtin;
pub mod error;
pub mod gap;
pub mod group;
mod json;
pub mod level;
pub mod model;
pub mod orientation;
pub mod progress;
pub mod radar;
pub mod roadmap;
mod score;
pub mod spec;
mod stats;

pub use answers::{AnswerSheet, FirmAnswers, RespondentAnswers, Response, SheetBuilder};
pub use assessment::{
    Agreement, Assessment, Banding, CompetencyResult, Coverage, GateOutcome, ItemContribution,
    Placement, ScoringInputs,
};
pub use error::{AnswerError, AssessError, ChecklistError, ModelError};
pub use gap::{CompetencyGap, GapAnalysis, OverallGap};
pub use group::{Aggregation, GroupOptions, InvalidOption, Spread};
pub use level::{LevelOutOfRange, MaturityLevel};
pub use model::{Competency, Gate, Item, MaturityModel, Stage};
pub use progress::{CompetencyChange, Progress};
pub use roadmap::{Roadmap, RoadmapStep, StepKind};

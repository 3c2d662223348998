// Module layering, bottom up. A module uses only modules on the lines above its own (and
// those before it on its own line); `python3 /work/shared/hooks/cycles.py .` keeps it so.
//
//   vocabulary  op, error, lexer, expr, model, parser, effects, group_equal, options,
//               linear_constraint (a constraint as a linear form), partable, equality,
//               constraints (general constraints as linear forms, their echelon form and
//               feasibility), lavaanify (model + options -> parameter table), group_table
//               (the same for multiple groups), results
//               (the model as written, its parameter table, and the result types)
//   numerics    distributions, linalg, optim, hessian, constrained (minimisation and the
//               information's inverse under the constraints), ram (the RAM matrices of a table)
//   stages      prepare (data -> compiled model, rows kept, per-fit moments, checks),
//               group_prepare (the same per group of a multiple-group fit), start, ml (the
//               ML discrepancy and its derivatives), inference, standardize, fit_measures,
//               bootstrap (replicates, intervals), robust (MLM / MLR parts: sandwich,
//               traces, scaled and robust indices), vcov (which covariance of the estimates
//               a fit reports), assemble (estimates -> SemFit), group_assemble (the same for
//               multiple groups, and the last step of every multiple-group estimator)
//   estimators  complete (ML on complete data), fiml/,
//               multigroup (the groups' discrepancies summed over one parameter vector),
//               group_fiml (the same with the groups' FIML likelihoods)
//   dispatcher  engine (`Model::fit`: prepare, refuse what no estimator does, dispatch)
//   reports     summary, dot, modindices, predict, validity/, lrt (read a finished SemFit),
//               invariance (fits the sequence of equality constraints and compares the fits)
//
// A new estimator is a module on the estimators line that starts from `prepare` and ends
// in `assemble`; `engine` dispatches to it. Result types go into `results`, reports of a
// fit on the last line, never the other way round.

//! lavaan-style structural equation modelling.
//!
//! Write a model in lavaan syntax, fit it by maximum likelihood, and read estimates,
//! standard errors, standardised solutions, fit indices, indirect effects and bootstrap
//! intervals that match lavaan 0.6-14.
//!
//! ```
//! use cocreate_core::data::Table;
//! use cocreate_core::sem::{Model, Op, SemOptions};
//!
//! # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| {
//! #     let t = i as f64; let x = (t * 0.91).sin(); let m = 0.6 * x + 0.5 * (t * 1.7).cos();
//! #     let y = 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
//! # let data = Table::new(vec!["x".into(), "m".into(), "y".into()], rows)?;
//! let model = Model::parse("
//!     m ~ a*x
//!     y ~ b*m + c*x
//!     indirect := a*b
//!     total := c + a*b
//! ")?;
//! let fit = model.fit(&data, &SemOptions::default())?;
//! let ind = fit.by_label("indirect").unwrap();
//! assert!(ind.se.unwrap() > 0.0);
//! assert_eq!(fit.fit_measures().df, 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Syntax
//!
//! | operator | meaning | example |
//! |---|---|---|
//! | `=~` | latent variable measured by indicators | `f =~ x1 + x2 + x3` |
//! | `~` | regression | `y ~ x1 + x2` |
//! | `~~` | (residual) variance or covariance | `y1 ~~ y2` |
//! | `~ 1` | intercept or mean | `y ~ 1` |
//! | `:=` | defined parameter | `ab := a*b` |
//! | `==` | equality constraint | `a == b`, `a == 2*b`, `a + b == 1` |
//! | `>`, `<` | inequality constraint (not strict) | `a > 0`, `a < b`, `b1 + b2 > 1` |
//!
//! Modifiers precede a term with `*`: a label (`a*x`; repeated labels are equality
//! constraints), a fixed value (`1*x`), `NA` to free a parameter fixed by default
//! (`NA*x1`), `start(v)` for a starting value. Statements are separated by newlines or
//! `;`; `#` and `!` start comments; a line without an operator continues the one above.
//!
//! Constraints may combine labels, numbers and defined parameters linearly; they are kept
//! as lavaan keeps them (equalities by reparameterisation, inequalities by an active set,
//! standard errors from the constraints that bind) and reported by [`SemFit::constraints`]:
//!
//! ```
//! # use cocreate_core::data::Table;
//! # use cocreate_core::sem::{Model, SemOptions};
//! # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| { let t = i as f64; let x = (t * 0.91).sin();
//! #     let m = 0.6 * x + 0.5 * (t * 1.7).cos(); let y = 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin();
//! #     vec![Some(x), Some(m), Some(y)] }).collect();
//! # let data = Table::new(vec!["x".into(), "m".into(), "y".into()], rows)?;
//! let fit = Model::parse("m ~ a*x\ny ~ b*m + c*x\nb == 2*c\na < 0.5")?
//!     .fit(&data, &SemOptions::default())?;
//! let (b, c) = (fit.by_label("b").unwrap().est, fit.by_label("c").unwrap().est);
//! assert!((b - 2.0 * c).abs() < 1e-12);
//! assert_eq!(fit.fit_measures().df, 1.0); // the equality adds a degree of freedom
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Defaults
//!
//! [`SemOptions::default`] is lavaan's `sem()`: the first loading of each latent variable
//! is fixed to 1, residual and latent variances are free, exogenous latent variables
//! covary, outcomes that predict nothing have correlated residuals, exogenous observed
//! covariates are fixed at their sample moments, and there is no mean structure with
//! complete data. Every default can be switched off in the builder.
//!
//! # Untrusted input
//!
//! Model text, data and options may come from anyone, so every size that drives memory or
//! time has a limit, checked before anything of that size is allocated; going over it is
//! an error that names the limit, never an abort or an endless run. Memory grows linearly
//! with the model text up to these limits (the covariance matrix of `k` defined parameters
//! is the one `k × k` object, and `k` is bounded).
//!
//! | what | limit | error |
//! |---|---|---|
//! | relations after expansion (`a + b ~~ c + d` is four) | [`MAX_MODEL_TERMS`] | [`SyntaxError`] at the statement |
//! | defined parameters (`:=`) | [`MAX_DEFINED`] | [`SyntaxError`] at the definition |
//! | constraints (`==`, `>`, `<`) | [`MAX_CONSTRAINTS`] | [`SyntaxError`] at the constraint |
//! | parameter-table rows, defaults included | [`MAX_TABLE_ROWS`] | [`SemError::TooLarge`] |
//! | free parameters | [`MAX_FREE_PARAMETERS`] | [`SemError::TooLarge`] |
//! | observed plus latent variables | [`MAX_VARIABLES`] | [`SemError::TooLarge`] |
//! | bootstrap replicates | [`MAX_BOOTSTRAP_DRAWS`] | [`SemError::InvalidOption`] |
//! | stored bootstrap draws (replicates × quantities) | [`MAX_BOOTSTRAP_CELLS`] | [`SemError::TooLarge`] |
//! | optimiser iterations | [`MAX_ITERATIONS`] | [`SemError::InvalidOption`] |
//! | observed variables of an MLR fit with full-information ML | [`MAX_MLR_FIML_VARIABLES`] | [`SemError::TooLarge`] |
//! | tokens of one `:=` expression | 4,096 | [`SyntaxError`] |
//! | nesting of one `:=` expression | 64 levels | [`SyntaxError`] |
//! | decimals on a path diagram | [`DotOptions::MAX_DECIMALS`] | written with that many (refused when deserialised) |
//!
//! Fitting time grows with the cube of the free parameters and with the number of rows
//! (and, with general constraints, with the constraints times the free parameters squared);
//! the limits keep a fit within memory, not within any particular time. Values are checked
//! too: a fixed value or starting value that is not finite, a variance fixed below zero,
//! constraints that cannot all hold, nonlinear constraints, a latent variable named like a
//! data column and an empty model are errors that name the parameter and its model line;
//! with full-information ML a variable with fewer than two observed values is
//! [`SemError::TooFewObserved`], naming it. A defined parameter
//! that evaluates to a non-finite number is a [`SemWarning::NonFiniteEstimate`] with no
//! standard error.

mod assemble;
mod bootstrap;
mod complete;
mod constrained;
mod constraints;
mod distributions;
mod dot;
mod effects;
mod engine;
mod equality;
mod error;
mod expr;
#[allow(clippy::needless_range_loop)] // index loops read as the formulas
mod fiml;
mod fit_measures;
mod group_assemble;
mod group_equal;
mod group_fiml;
mod group_prepare;
mod group_table;
mod hessian;
mod inference;
mod invariance;
mod lavaanify;
mod lexer;
mod linalg;
mod linear_constraint;
mod lrt;
mod ml;
mod model;
mod modindices;
mod multigroup;
mod op;
mod optim;
mod options;
mod parser;
mod partable;
mod predict;
mod prepare;
mod ram;
mod results;
mod robust;
mod standardize;
mod start;
mod summary;
mod svg;
mod validity;
mod vcov;
mod wls_diff;
mod wlsmv;

/// Most relations a model may have after its `+` lists are expanded.
pub const MAX_MODEL_TERMS: usize = 5_000;
/// Most defined parameters (`:=` lines) a model may have.
pub const MAX_DEFINED: usize = 1_000;
/// Most constraints (`==`, `>` and `<` lines together) a model may have.
pub const MAX_CONSTRAINTS: usize = 5_000;
/// Most rows of the parameter table, the defaults added by the options included.
pub const MAX_TABLE_ROWS: usize = 10_000;
/// Most free parameters of a fit.
pub const MAX_FREE_PARAMETERS: usize = 1_000;
/// Most variables (observed and latent) in a model.
pub const MAX_VARIABLES: usize = 1_000;
/// Most bootstrap replicates.
pub const MAX_BOOTSTRAP_DRAWS: usize = 100_000;
/// Most stored bootstrap draws: replicates times (free plus defined parameters).
pub const MAX_BOOTSTRAP_CELLS: usize = 20_000_000;
/// Most optimiser iterations.
pub const MAX_ITERATIONS: usize = 100_000;
/// Most groups of a multiple-group fit (levels of the grouping column).
pub const MAX_GROUPS: usize = 1_000;

/// lavaan's `lavCor()`: thresholds and polychoric / polyserial correlations of ordered
/// items, with their asymptotic covariance matrix ([`crate::ordinal`]).
pub use crate::ordinal::{lav_cor, LavCorOptions, PolychoricMatrix};
pub use bootstrap::{
    basic_interval, bias_corrected_interval, normal_interval, percentile_interval,
};
pub use dot::DotOptions;
pub use effects::Effects;
pub use error::{Position, SemError, SemWarning, SyntaxError};
pub use expr::{BinOp, Expr, Func};
pub use fiml::MAX_MLR_FIML_VARIABLES;
pub use group_equal::{GroupEqual, ParameterId};
pub use invariance::{
    measurement_invariance, InvarianceFailures, InvarianceFlags, InvarianceLevel,
    InvarianceOptions, InvarianceOptionsBuilder, InvarianceReport, InvarianceRule, InvarianceStep,
};
pub use lrt::{lav_test_lrt, LrtMethod, LrtRow, LrtTable};
pub use model::{
    Constraint, ConstraintOp, ConstraintValue, Definition, GeneralConstraint, Model, ModelBuilder,
    Modifier, Relation,
};
pub use modindices::{ModificationIndex, MAX_CANDIDATES};
pub use op::Op;
pub use options::{
    BootCi, Estimator, Information, MeanStructure, Missing, SeMethod, SemOptions, SemOptionsBuilder,
};
pub use partable::{ParameterRow, ParameterTable};
pub use predict::{
    factor_scores, factor_scores_from_parts, FactorScoreError, FactorScoreMethod,
    FactorScoreOptions, FactorScoreRow, FactorScores, ScoringParts, SkippedRow, MAX_SCORE_ROWS,
};
pub use results::{
    BootInterval, BootstrapResult, ConstraintEstimate, Convergence, FitMeasures, GroupFit,
    ParameterEstimate, RobustFit, SemFit, StandardizedEstimate,
};
pub use svg::{ArrowKind, PathDiagram, MAX_ROUTING_POINTS};
pub use validity::{
    htmt, measurement_validity, measurement_validity_with, validity_from_parts, FactorReliability,
    FornellLarcker, HtmtFlag, Loading, MeasurementParts, MeasurementValidity, NamedMatrix,
    ValidityError, ValidityThresholds,
};

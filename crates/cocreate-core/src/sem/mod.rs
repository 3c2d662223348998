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
//! | `==` | equality constraint | `a == b` |
//!
//! Modifiers precede a term with `*`: a label (`a*x`; repeated labels are equality
//! constraints), a fixed value (`1*x`), `NA` to free a parameter fixed by default
//! (`NA*x1`), `start(v)` for a starting value. Statements are separated by newlines or
//! `;`; `#` and `!` start comments; a line without an operator continues the one above.
//!
//! # Defaults
//!
//! [`SemOptions::default`] is lavaan's `sem()`: the first loading of each latent variable
//! is fixed to 1, residual and latent variances are free, exogenous latent variables
//! covary, outcomes that predict nothing have correlated residuals, exogenous observed
//! covariates are fixed at their sample moments, and there is no mean structure with
//! complete data. Every default can be switched off in the builder.

mod bootstrap;
mod distributions;
mod dot;
mod effects;
mod engine;
mod error;
mod expr;
#[allow(clippy::needless_range_loop)] // index loops read as the formulas
mod fiml;
mod fit_measures;
mod hessian;
mod inference;
mod lexer;
mod linalg;
mod ml;
mod model;
mod modindices;
mod optim;
mod options;
mod parser;
mod partable;
mod ram;
mod results;
mod robust;
mod standardize;
mod start;
mod summary;

pub use bootstrap::{
    basic_interval, bias_corrected_interval, normal_interval, percentile_interval, BootInterval,
    BootstrapResult,
};
pub use dot::DotOptions;
pub use effects::Effects;
pub use error::{Position, SemError, SemWarning, SyntaxError};
pub use expr::{BinOp, Expr, Func};
pub use model::{
    Constraint, ConstraintValue, Definition, Model, ModelBuilder, Modifier, Op, Relation,
};
pub use modindices::{ModificationIndex, MAX_CANDIDATES};
pub use options::{
    BootCi, Estimator, Information, MeanStructure, Missing, SeMethod, SemOptions, SemOptionsBuilder,
};
pub use partable::{ParameterRow, ParameterTable};
pub use results::{Convergence, FitMeasures, ParameterEstimate, SemFit, StandardizedEstimate};
pub use robust::RobustFit;

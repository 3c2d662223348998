//! The options of [`super::lav_cor`]: which variables, which of them are ordered, how
//! their categories are found, and whether the asymptotic covariance matrix is wanted.

use super::error::OrdinalError;
use super::MAX_CATEGORIES;

/// Which variables are ordered categorical (lavaan's `ordered` argument).
///
/// ```
/// use cocreate_core::ordinal::Ordered;
///
/// let some = Ordered::only(["O1", "O2"]);
/// assert!(some.contains("O1") && !some.contains("age"));
/// assert!(Ordered::All.contains("age"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Ordered {
    /// Every variable (lavaan `ordered = TRUE`): a polychoric matrix.
    #[default]
    All,
    /// No variable (lavaan `ordered = NULL`): Pearson correlations of numeric variables.
    None,
    /// These variables; the others are numeric (polyserial correlations between the two
    /// kinds, Pearson between numeric ones).
    Only(Vec<String>),
}

impl Ordered {
    /// The named variables, the others numeric.
    pub fn only<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Ordered {
        Ordered::Only(names.into_iter().map(Into::into).collect())
    }

    /// Whether `name` is ordered.
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Ordered::All => true,
            Ordered::None => false,
            Ordered::Only(names) => names.iter().any(|n| n == name),
        }
    }
}

/// How the categories of an ordered variable are found.
///
/// lavaan makes every distinct value observed among the rows used a category, in
/// increasing order ([`Categories::Observed`]): an item on a 1–5 scale that nobody
/// answered with 3 has four categories and three thresholds. A declared range
/// ([`Categories::Range`]) makes every whole number from `min` to `max` a category
/// and refuses a category that nobody chose (so that no category is merged with its
/// neighbour without a word) and a value outside the range. lavaan itself drops unused
/// levels in a single group and refuses a category that is empty in one group of
/// several.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Categories {
    /// The distinct values observed (lavaan's handling of numeric columns).
    #[default]
    Observed,
    /// Every whole number from `min` to `max`, each chosen by someone.
    Range {
        /// Lowest category.
        min: f64,
        /// Highest category.
        max: f64,
    },
}

/// Options of [`super::lav_cor`], built by [`LavCorOptions::builder`].
///
/// The default is every column of the table (but an identifier column), every one ordered, categories as observed,
/// and no asymptotic covariance matrix: lavaan's `lavCor(data, ordered = TRUE)` with its
/// defaults (`missing = "listwise"`, `estimator = "two.step"`). Note that lavaan's own
/// default is `ordered = NULL` (Pearson correlations); here the ordered case comes first
/// because it is what this module is for.
///
/// ```
/// use cocreate_core::ordinal::{Categories, LavCorOptions, Ordered};
///
/// let o = LavCorOptions::builder()
///     .variables(["age", "O1", "O2"])
///     .ordered(Ordered::only(["O1", "O2"]))
///     .categories(Categories::Range { min: 1.0, max: 5.0 })
///     .nacov(true)
///     .build()?;
/// assert!(o.nacov());
/// assert!(LavCorOptions::builder().categories(Categories::Range { min: 1.0, max: 2.5 }).build().is_err());
/// # Ok::<(), cocreate_core::ordinal::OrdinalError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "LavCorOptionsRepr"))]
pub struct LavCorOptions {
    variables: Option<Vec<String>>,
    ordered: Ordered,
    categories: Categories,
    nacov: bool,
}

/// The unvalidated field set of [`LavCorOptions`], read by serde and then validated.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LavCorOptionsRepr {
    variables: Option<Vec<String>>,
    ordered: Ordered,
    categories: Categories,
    nacov: bool,
}

#[cfg(feature = "serde")]
impl TryFrom<LavCorOptionsRepr> for LavCorOptions {
    type Error = OrdinalError;
    fn try_from(r: LavCorOptionsRepr) -> Result<Self, OrdinalError> {
        LavCorOptionsBuilder {
            opts: LavCorOptions {
                variables: r.variables,
                ordered: r.ordered,
                categories: r.categories,
                nacov: r.nacov,
            },
        }
        .build()
    }
}

impl LavCorOptions {
    /// A builder starting from the defaults.
    pub fn builder() -> LavCorOptionsBuilder {
        LavCorOptionsBuilder {
            opts: LavCorOptions::default(),
        }
    }

    /// A builder starting from these options.
    pub fn to_builder(&self) -> LavCorOptionsBuilder {
        LavCorOptionsBuilder { opts: self.clone() }
    }

    /// The variables correlated, in this order; `None` for every column of the table
    /// except its identifier column ([`crate::data::Table::id_column`]).
    pub fn variables(&self) -> Option<&[String]> {
        self.variables.as_deref()
    }

    /// Which variables are ordered.
    pub fn ordered(&self) -> &Ordered {
        &self.ordered
    }

    /// How the categories of the ordered variables are found.
    pub fn categories(&self) -> Categories {
        self.categories
    }

    /// Whether the asymptotic covariance matrix Γ of the thresholds and correlations is
    /// computed (lavaan's `NACOV`, what WLSMV needs; it costs more than the correlations).
    pub fn nacov(&self) -> bool {
        self.nacov
    }
}

/// Builder of [`LavCorOptions`]; [`LavCorOptionsBuilder::build`] validates.
#[derive(Debug, Clone)]
pub struct LavCorOptionsBuilder {
    opts: LavCorOptions,
}

impl LavCorOptionsBuilder {
    /// The variables to correlate, in this order (default: every column of the table but
    /// its identifier column).
    pub fn variables<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.opts.variables = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Which variables are ordered (default [`Ordered::All`]).
    pub fn ordered(mut self, ordered: Ordered) -> Self {
        self.opts.ordered = ordered;
        self
    }

    /// How categories are found (default [`Categories::Observed`]).
    pub fn categories(mut self, categories: Categories) -> Self {
        self.opts.categories = categories;
        self
    }

    /// Whether to compute the asymptotic covariance matrix Γ (default `false`).
    pub fn nacov(mut self, nacov: bool) -> Self {
        self.opts.nacov = nacov;
        self
    }

    /// Validates and returns the options: a declared range must have whole-number ends
    /// with `min < max` and at most [`MAX_CATEGORIES`] categories; variable names must
    /// not repeat.
    pub fn build(self) -> Result<LavCorOptions, OrdinalError> {
        if let Categories::Range { min, max } = self.opts.categories {
            let reason = if !min.is_finite() || !max.is_finite() {
                Some("its ends must be finite".to_string())
            } else if min.fract() != 0.0 || max.fract() != 0.0 {
                Some("its ends must be whole numbers".to_string())
            } else if min >= max {
                Some("it needs min < max (at least two categories)".to_string())
            } else if max - min + 1.0 > MAX_CATEGORIES as f64 {
                Some(format!(
                    "it has {} categories, more than the limit of {MAX_CATEGORIES}",
                    max - min + 1.0
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(OrdinalError::InvalidRange { min, max, reason });
            }
        }
        if let Some(names) = &self.opts.variables {
            check_unique(names)?;
        }
        if let Ordered::Only(names) = &self.opts.ordered {
            check_unique(names)?;
        }
        Ok(self.opts)
    }
}

fn check_unique(names: &[String]) -> Result<(), OrdinalError> {
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for n in names {
        if !seen.insert(n.as_str()) {
            return Err(OrdinalError::DuplicateVariable {
                name: crate::data::excerpt(n),
            });
        }
    }
    Ok(())
}

//! The scorer: an instrument with validated scoring options (the missing-data policy and
//! the range reverse keying uses).

use std::fmt;

use super::error::ScoringError;
use super::instrument::Instrument;

/// What to do when a respondent skipped items of a scale.
///
/// ```
/// use cocreate_core::scoring::MissingPolicy;
///
/// assert_eq!(MissingPolicy::Prorate { min_answered: 3 }.to_string(), "prorate (at least 3 answered)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MissingPolicy {
    /// Any missing item leaves the respondent without a score on that scale.
    Complete,
    /// The score is the mean of the answered keyed items, if at least `min_answered`
    /// were answered (psych's `impute = "none"` is `min_answered: 1`).
    Prorate {
        /// Fewest answered items that still give a score (at least 1).
        min_answered: usize,
    },
    /// Each missing answer is replaced by that item's median over the respondents who
    /// answered it, taken before reverse keying (psych's default `impute = "median"`).
    /// Every respondent gets a score, and reliability uses the imputed data.
    ImputeMedian,
    /// As [`MissingPolicy::ImputeMedian`] with the item mean (psych's `impute = "mean"`).
    ImputeMean,
}

impl MissingPolicy {
    pub(crate) fn imputes(self) -> bool {
        matches!(
            self,
            MissingPolicy::ImputeMedian | MissingPolicy::ImputeMean
        )
    }
}

impl fmt::Display for MissingPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingPolicy::Complete => f.write_str("complete items only"),
            MissingPolicy::Prorate { min_answered } => {
                write!(f, "prorate (at least {min_answered} answered)")
            }
            MissingPolicy::ImputeMedian => f.write_str("item-median imputation"),
            MissingPolicy::ImputeMean => f.write_str("item-mean imputation"),
        }
    }
}

/// Which `min` and `max` reverse keying uses in `(min + max) − x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ReverseRange {
    /// The instrument's declared response range (the default, and what the questionnaire
    /// means).
    #[default]
    Declared,
    /// The lowest and highest answers observed over all items of the batch: what
    /// `psych::scoreItems` does when `min`/`max` are not given. Equal to `Declared`
    /// whenever both ends of the scale were used by someone.
    Observed,
}

/// Options for scoring, validated against an instrument by [`Scorer::new`].
///
/// The default is [`MissingPolicy::Prorate`] with `min_answered: 1` and
/// [`ReverseRange::Declared`].
///
/// ```
/// use cocreate_core::scoring::{builtin, MissingPolicy, ScoringOptions};
///
/// let opts = ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 2 });
/// let scorer = opts.build(&builtin::mini_ipip())?;
/// assert_eq!(scorer.options().missing_policy(), MissingPolicy::Prorate { min_answered: 2 });
///
/// // Five answers can never be reached on a 4-item scale.
/// let err = ScoringOptions::new()
///     .missing(MissingPolicy::Prorate { min_answered: 5 })
///     .build(&builtin::mini_ipip())
///     .unwrap_err();
/// assert!(err.to_string().contains("scale \"E\" has only 4 items"));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoringOptions {
    missing: MissingPolicy,
    reverse_range: ReverseRange,
}

impl Default for ScoringOptions {
    fn default() -> Self {
        ScoringOptions {
            missing: MissingPolicy::Prorate { min_answered: 1 },
            reverse_range: ReverseRange::Declared,
        }
    }
}

impl ScoringOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the missing-data policy.
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Sets which range reverse keying uses.
    pub fn reverse_range(mut self, range: ReverseRange) -> Self {
        self.reverse_range = range;
        self
    }

    /// The missing-data policy.
    pub fn missing_policy(&self) -> MissingPolicy {
        self.missing
    }

    /// Which range reverse keying uses.
    pub fn reverse_range_kind(&self) -> ReverseRange {
        self.reverse_range
    }

    /// Validates the options for `instrument`; same as [`Scorer::new`].
    pub fn build(self, instrument: &Instrument) -> Result<Scorer, ScoringError> {
        Scorer::new(instrument, self)
    }
}

/// An instrument with validated scoring options: scores batches ([`Scorer::score`]) and
/// single respondents ([`Scorer::score_respondent`]), and computes reliability
/// ([`Scorer::reliability`]).
///
/// ```
/// use cocreate_core::scoring::{builtin, Layout, MissingPolicy, Responses, Scorer, ScoringOptions, MISSING};
///
/// let tipi = builtin::tipi();
/// let scorer = Scorer::new(&tipi, ScoringOptions::new().missing(MissingPolicy::Complete))?;
/// // Two respondents; the second skipped item 6 (reverse-keyed half of E).
/// let codes = vec![7, 2, 6, 3, 5, 1, 6, 2, 5, 3,
///                  4, 4, 4, 4, 4, MISSING, 4, 4, 4, 4];
/// let answers = Responses::from_codes(&tipi, 2, codes, Layout::RowMajor)?;
/// let scores = scorer.score(&answers)?;
/// assert_eq!(scores.get(0, 0), Some(7.0)); // E = mean(7, 8 − 1)
/// assert_eq!(scores.get(1, 0), None);      // incomplete under `Complete`
/// assert_eq!(scores.get(1, 1), Some(4.0));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "repr::ScorerRepr", try_from = "repr::ScorerRepr")
)]
pub struct Scorer {
    instrument: Instrument,
    options: ScoringOptions,
    columns: Vec<Vec<usize>>,
    imputation: Option<Vec<f64>>,
}

impl Scorer {
    /// Validates `options` for `instrument`.
    ///
    /// Errors when `Prorate` asks for no answers or for more answers than a scale has.
    pub fn new(instrument: &Instrument, options: ScoringOptions) -> Result<Self, ScoringError> {
        if let MissingPolicy::Prorate { min_answered } = options.missing {
            if min_answered == 0 {
                return Err(ScoringError::MinAnsweredZero);
            }
            if let Some(s) = instrument.scales().iter().find(|s| s.len() < min_answered) {
                return Err(ScoringError::MinAnsweredAboveScale {
                    min_answered,
                    scale: crate::data::excerpt(s.name()),
                    items: s.len(),
                });
            }
        }
        // The kernels count a scale's items in 16 bits; `Scale::new` keeps scales far
        // shorter, and this keeps that assumption checked where it is made.
        for s in instrument.scales() {
            super::limits::check(
                || {
                    format!(
                        "scale {:?}: the number of items",
                        crate::data::excerpt(s.name())
                    )
                },
                s.len(),
                super::limits::MAX_ITEMS_PER_SCALE,
            )?;
        }
        Ok(Scorer {
            columns: instrument.scale_columns(),
            instrument: instrument.clone(),
            options,
            imputation: None,
        })
    }

    /// The same scorer imputing these raw item values (one per item, instrument order)
    /// instead of the batch's own medians or means: for scoring single respondents, or
    /// new data against a reference sample. Each value must lie in the response range.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, MissingPolicy, Scorer, ScoringOptions};
    ///
    /// let tipi = builtin::tipi();
    /// let scorer = Scorer::new(&tipi, ScoringOptions::new().missing(MissingPolicy::ImputeMedian))?
    ///     .with_imputation_values(vec![4.0; 10])?;
    /// let mut answers = vec![Some(6.0); 10];
    /// answers[0] = None; // E's first item imputed with 4
    /// let one = scorer.score_respondent(&answers)?;
    /// assert_eq!(one.scales[0].score, Some((4.0 + (8.0 - 6.0)) / 2.0));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn with_imputation_values(mut self, values: Vec<f64>) -> Result<Self, ScoringError> {
        let items = self.instrument.items();
        if values.len() != items.len() {
            return Err(ScoringError::WrongLength {
                what: format!("imputation values for {:?}", self.instrument.name()),
                expected: items.len(),
                found: values.len(),
            });
        }
        let range = self.instrument.range();
        for (item, &v) in items.iter().zip(&values) {
            if !range.spans(v) {
                return Err(ScoringError::ImputationValue {
                    item: crate::data::excerpt(item),
                    value: v,
                    min: range.min(),
                    max: range.max(),
                });
            }
        }
        self.imputation = Some(values);
        Ok(self)
    }

    /// The instrument.
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    /// The options.
    pub fn options(&self) -> &ScoringOptions {
        &self.options
    }

    pub(crate) fn columns(&self) -> &[Vec<usize>] {
        &self.columns
    }

    /// Whether imputation values were set with [`Scorer::with_imputation_values`].
    pub(crate) fn has_imputation_values(&self) -> bool {
        self.imputation.is_some()
    }

    /// The imputation values set with [`Scorer::with_imputation_values`].
    pub(crate) fn imputation(&self) -> Option<&[f64]> {
        self.imputation.as_deref()
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serialised form of a [`Scorer`]: the instrument, the options and any preset
    //! imputation values, checked by [`Scorer::new`] and
    //! [`Scorer::with_imputation_values`] when read back.
    use super::*;

    #[derive(Clone, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ScorerRepr {
        instrument: Instrument,
        options: ScoringOptions,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        imputation_values: Option<Vec<f64>>,
    }

    impl From<Scorer> for ScorerRepr {
        fn from(s: Scorer) -> Self {
            ScorerRepr {
                instrument: s.instrument,
                options: s.options,
                imputation_values: s.imputation,
            }
        }
    }

    impl TryFrom<ScorerRepr> for Scorer {
        type Error = ScoringError;
        fn try_from(r: ScorerRepr) -> Result<Self, ScoringError> {
            let scorer = Scorer::new(&r.instrument, r.options)?;
            match r.imputation_values {
                Some(v) => scorer.with_imputation_values(v),
                None => Ok(scorer),
            }
        }
    }
}

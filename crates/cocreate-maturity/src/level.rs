//! The six levels of customer-experience-management maturity, from 0 (non-existent) to 5
//! (optimised, culture changed).
//!
//! Each level carries the view a firm at that level typically holds of CEM and the actions
//! that move it to the next level. The built-in assessment model
//! ([`MaturityModel::builtin`](crate::MaturityModel::builtin)) places firms on exactly these
//! levels; other frameworks define their own stages as data.
//!
//! ```
//! use cocreate_maturity::MaturityLevel;
//!
//! let level = MaturityLevel::HeardAndValued;
//! assert_eq!(level.number(), 2);
//! assert_eq!(level.next(), Some(MaturityLevel::Defined));
//! assert!(level < MaturityLevel::Managed);
//! assert_eq!(level.to_string(), "level 2, customer heard and valued");
//! ```

use std::fmt;

/// A level of customer-experience-management (CEM) maturity, ordered from 0 to 5.
///
/// Levels 1–5 follow the Gartner-style scale; level 0 marks a firm with no CEM at all,
/// decided by the assessment's gate item rather than by a score band. Serialised as its
/// number (`0`–`5`).
///
/// ```
/// use cocreate_maturity::MaturityLevel;
///
/// let names: Vec<u8> = MaturityLevel::iter().map(|l| l.number()).collect();
/// assert_eq!(names, [0, 1, 2, 3, 4, 5]);
/// assert_eq!(MaturityLevel::Optimised.next(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "u8", try_from = "u8")
)]
#[non_exhaustive]
pub enum MaturityLevel {
    /// 0: no customer-experience management at all.
    NonExistent,
    /// 1: initial, fragmented focus.
    Initial,
    /// 2: the customer is heard and valued.
    HeardAndValued,
    /// 3: defined, with leadership engaged.
    Defined,
    /// 4: managed as one enterprise-wide approach.
    Managed,
    /// 5: optimised; the culture has changed.
    Optimised,
}

/// A number that is not a maturity level (levels run from 0 to 5).
///
/// ```
/// use cocreate_maturity::MaturityLevel;
///
/// let err = MaturityLevel::try_from(7).unwrap_err();
/// assert_eq!(err.to_string(), "7 is not a maturity level; levels run from 0 to 5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{0} is not a maturity level; levels run from 0 to 5")]
#[non_exhaustive]
pub struct LevelOutOfRange(pub u8);

impl MaturityLevel {
    /// Every level, lowest first.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::ALL.len(), 6);
    /// assert_eq!(MaturityLevel::ALL[0], MaturityLevel::NonExistent);
    /// ```
    pub const ALL: [MaturityLevel; 6] = [
        MaturityLevel::NonExistent,
        MaturityLevel::Initial,
        MaturityLevel::HeardAndValued,
        MaturityLevel::Defined,
        MaturityLevel::Managed,
        MaturityLevel::Optimised,
    ];

    /// Iterates over the levels from 0 to 5.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::iter().last(), Some(MaturityLevel::Optimised));
    /// ```
    pub fn iter() -> impl DoubleEndedIterator<Item = MaturityLevel> + ExactSizeIterator {
        Self::ALL.into_iter()
    }

    /// The level's number, 0 to 5.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::Managed.number(), 4);
    /// ```
    pub fn number(self) -> u8 {
        match self {
            MaturityLevel::NonExistent => 0,
            MaturityLevel::Initial => 1,
            MaturityLevel::HeardAndValued => 2,
            MaturityLevel::Defined => 3,
            MaturityLevel::Managed => 4,
            MaturityLevel::Optimised => 5,
        }
    }

    /// The level with this number, or an error above 5.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::from_number(3), Ok(MaturityLevel::Defined));
    /// assert!(MaturityLevel::from_number(6).is_err());
    /// ```
    pub fn from_number(number: u8) -> Result<Self, LevelOutOfRange> {
        Self::ALL
            .get(usize::from(number))
            .copied()
            .ok_or(LevelOutOfRange(number))
    }

    /// The next level up, or `None` at level 5.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::NonExistent.next(), Some(MaturityLevel::Initial));
    /// ```
    pub fn next(self) -> Option<Self> {
        Self::from_number(self.number() + 1).ok()
    }

    /// The level below, or `None` at level 0.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::Initial.previous(), Some(MaturityLevel::NonExistent));
    /// assert_eq!(MaturityLevel::NonExistent.previous(), None);
    /// ```
    pub fn previous(self) -> Option<Self> {
        self.number()
            .checked_sub(1)
            .and_then(|n| Self::from_number(n).ok())
    }

    /// The level's short name.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert_eq!(MaturityLevel::Defined.name(), "Defined, leadership engaged");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MaturityLevel::NonExistent => "Non-existent",
            MaturityLevel::Initial => "Initial, fragmented focus",
            MaturityLevel::HeardAndValued => "Customer heard and valued",
            MaturityLevel::Defined => "Defined, leadership engaged",
            MaturityLevel::Managed => "Managed",
            MaturityLevel::Optimised => "Optimised, culture changed",
        }
    }

    /// How a firm at this level typically sees customer-experience management.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// assert!(MaturityLevel::Initial.view().contains("money"));
    /// ```
    pub fn view(self) -> &'static str {
        match self {
            MaturityLevel::NonExistent => {
                "The firm does not manage customer experience and often does not see what it \
                 would be worth, even after customers have had bad experiences with it."
            }
            MaturityLevel::Initial => {
                "Customer-experience management has no place in the firm's thinking yet, and \
                 leaders will not put money into it."
            }
            MaturityLevel::HeardAndValued => {
                "The voice of the customer is recognised: there may be a customer-experience \
                 unit, an audit of the feedback channels and a plan to close their gaps."
            }
            MaturityLevel::Defined => {
                "Leaders fund customer-experience management but hold no view of it of their \
                 own; the units align their goals to a common vision."
            }
            MaturityLevel::Managed => {
                "The firm follows one approach: it is organised around a common \
                 customer-experience concept and programme that leadership has adopted and \
                 that joins up the units' efforts."
            }
            MaturityLevel::Optimised => {
                "Customer experience is part of the culture: the whole firm works from the \
                 customer's side as a matter of course."
            }
        }
    }

    /// What a firm at this level should do to reach the next one (at level 5: to stay
    /// there).
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// for level in MaturityLevel::iter() {
    ///     assert!(!level.actions().is_empty());
    /// }
    /// ```
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            MaturityLevel::NonExistent => &[
                "Put a figure on what poor experiences cost today (lost customers, \
                 complaints, rework) and show it to the leadership team.",
                "Make one named person responsible for customer experience.",
                "Start listening: gather complaints and feedback from every channel in one \
                 place.",
            ],
            MaturityLevel::Initial => &[
                "Teach staff what customer-experience management is and what it brings the \
                 firm.",
                "Tie customer-experience management to an existing business goal as a \
                 concrete, measurable objective.",
            ],
            MaturityLevel::HeardAndValued => &[
                "Build one shared view of the customer across the units.",
                "Pick one business case and refine the customer-experience approach on it \
                 before widening it.",
                "Have units exchange what worked and what did not with their peers.",
            ],
            MaturityLevel::Defined => &[
                "Have leaders weigh the concrete benefits customer-experience management \
                 brings, so that they hold a view of their own.",
                "Have the units study from several sides how the customer-experience system \
                 should develop.",
            ],
            MaturityLevel::Managed => &[
                "Carry the practice of the most successful units over to the others.",
                "Deepen the shared customer-experience concept.",
                "Fund the roll-out across the whole enterprise.",
            ],
            MaturityLevel::Optimised => &[
                "Keep maturity high: renew the programme before it turns into routine.",
                "Keep learning from other industries and regions.",
                "Keep measuring progress against the business goals.",
            ],
        }
    }
}

impl fmt::Display for MaturityLevel {
    /// `level N, name in lower case`, for example `level 4, managed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {}, {}", self.number(), self.name().to_lowercase())
    }
}

impl From<MaturityLevel> for u8 {
    fn from(level: MaturityLevel) -> u8 {
        level.number()
    }
}

impl TryFrom<u8> for MaturityLevel {
    type Error = LevelOutOfRange;

    fn try_from(number: u8) -> Result<Self, Self::Error> {
        Self::from_number(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_order_matches_numbers() {
        for (i, level) in MaturityLevel::iter().enumerate() {
            assert_eq!(usize::from(level.number()), i);
            assert_eq!(MaturityLevel::from_number(level.number()), Ok(level));
        }
        assert!(MaturityLevel::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(MaturityLevel::from_number(6), Err(LevelOutOfRange(6)));
    }

    #[test]
    fn next_and_previous_walk_the_ladder() {
        let mut level = MaturityLevel::NonExistent;
        let mut steps = 0;
        while let Some(up) = level.next() {
            assert_eq!(up.previous(), Some(level));
            level = up;
            steps += 1;
        }
        assert_eq!(steps, 5);
        assert_eq!(level, MaturityLevel::Optimised);
    }

    #[test]
    fn texts_are_distinct() {
        let views: std::collections::HashSet<_> =
            MaturityLevel::iter().map(MaturityLevel::view).collect();
        assert_eq!(views.len(), 6);
        assert_eq!(MaturityLevel::Managed.to_string(), "level 4, managed");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serialises_as_its_number() {
        let json = serde_json::to_string(&MaturityLevel::Defined).unwrap();
        assert_eq!(json, "3");
        let back: MaturityLevel = serde_json::from_str("5").unwrap();
        assert_eq!(back, MaturityLevel::Optimised);
        let err = serde_json::from_str::<MaturityLevel>("9").unwrap_err();
        assert!(err.to_string().contains("levels run from 0 to 5"));
    }
}

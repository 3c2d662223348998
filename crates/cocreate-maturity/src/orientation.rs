//! Service orientation versus instrumental orientation: a typed checklist.
//!
//! A service-oriented firm treats customers as people to be served well: it exceeds
//! expectations, makes only win-win deals, creates positive emotion before, during and
//! after the purchase in every channel, is transparent, talks with customers without a
//! script, never pressures or deceives, lowers the risk customers feel in buying, and
//! shows appreciation. An instrumental firm treats them as numbers to push sales to.
//!
//! Each practice is rated absent (0), partial (1) or present (2) with its evidence. The
//! index is the share of the maximum. Any observed deception or pressure selling (the
//! "no deception" or "no pressure tactics" practice rated below present) caps the result
//! at *instrumental*, whatever the index. Otherwise the firm is *service-oriented* when no
//! practice is absent and a majority is fully present, *instrumental* when the practices
//! are on average less than partly in place (index below 0.5), and *mixed* in between.
//!
//! ```
//! use cocreate_maturity::orientation::{Orientation, OrientationChecklist, Practice, Rating};
//!
//! let mut checklist = OrientationChecklist::new();
//! for practice in Practice::ALL {
//!     checklist = checklist.rate(practice, Rating::Present, "seen in store visits")?;
//! }
//! assert_eq!(checklist.assess()?.orientation, Orientation::ServiceOriented);
//!
//! // One observed instance of pressure selling caps everything.
//! let mut checklist = OrientationChecklist::new();
//! for practice in Practice::ALL {
//!     let rating = if practice == Practice::NoPressureTactics { Rating::Partial } else { Rating::Present };
//!     checklist = checklist.rate(practice, rating, "mystery shopping, March")?;
//! }
//! let report = checklist.assess()?;
//! assert!(report.index > 0.9);
//! assert_eq!(report.orientation, Orientation::Instrumental);
//! assert_eq!(report.caps, [Practice::NoPressureTactics]);
//! # Ok::<(), cocreate_maturity::ChecklistError>(())
//! ```

use std::fmt;

use crate::error::{ChecklistError, ChecklistText};

/// A practice of a service-oriented firm.
///
/// ```
/// use cocreate_maturity::orientation::Practice;
/// assert_eq!(Practice::ALL.len(), 9);
/// assert!(Practice::NoDeception.caps_when_missing());
/// assert!(!Practice::ShowsAppreciation.caps_when_missing());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Practice {
    /// Gives more than customers expect (free samples, training, delivery).
    ExceedsExpectations,
    /// Makes only deals that are good for both sides.
    WinWinTerms,
    /// Creates positive emotion before, during and after the purchase in every channel.
    PositiveEmotion,
    /// Is open about prices, terms and limits (no hidden penalty clauses).
    Transparency,
    /// Holds unscripted, human conversations that uncover customers' experience, fears,
    /// expectations and tastes.
    UnscriptedConversations,
    /// Never pressures customers to buy.
    NoPressureTactics,
    /// Never deceives customers.
    NoDeception,
    /// Lowers the risk customers feel in buying (accurate information, free trials,
    /// past customers' reviews, returns).
    ReducesPurchaseRisk,
    /// Thanks buyers and non-buyers, acknowledges praise, accepts criticism and follows
    /// it up.
    ShowsAppreciation,
}

impl Practice {
    /// Every practice, in checklist order.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Practice;
    /// assert_eq!(Practice::ALL[0], Practice::ExceedsExpectations);
    /// ```
    pub const ALL: [Practice; 9] = [
        Practice::ExceedsExpectations,
        Practice::WinWinTerms,
        Practice::PositiveEmotion,
        Practice::Transparency,
        Practice::UnscriptedConversations,
        Practice::NoPressureTactics,
        Practice::NoDeception,
        Practice::ReducesPurchaseRisk,
        Practice::ShowsAppreciation,
    ];

    /// The practice's short name.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Practice;
    /// assert_eq!(Practice::WinWinTerms.name(), "win-win terms");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Practice::ExceedsExpectations => "exceeds expectations",
            Practice::WinWinTerms => "win-win terms",
            Practice::PositiveEmotion => "positive emotion in every channel",
            Practice::Transparency => "transparency",
            Practice::UnscriptedConversations => "unscripted conversations",
            Practice::NoPressureTactics => "no pressure tactics",
            Practice::NoDeception => "no deception",
            Practice::ReducesPurchaseRisk => "reduces purchase risk",
            Practice::ShowsAppreciation => "shows appreciation",
        }
    }

    /// What an assessor looks for.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Practice;
    /// assert!(Practice::Transparency.look_for().contains("penalty"));
    /// ```
    pub fn look_for(self) -> &'static str {
        match self {
            Practice::ExceedsExpectations => {
                "Customers get more than they were promised: free samples, training, \
                 delivery, help they did not ask for."
            }
            Practice::WinWinTerms => {
                "Deals the firm would not want explained to the customer's friends are \
                 turned down."
            }
            Practice::PositiveEmotion => {
                "Before, during and after the purchase, in person, by e-mail and by phone, \
                 customers come away feeling good about the contact."
            }
            Practice::Transparency => {
                "Prices, terms and limits are stated up front; there are no hidden penalty \
                 clauses or surprise fees."
            }
            Practice::UnscriptedConversations => {
                "Staff talk with customers rather than read to them, and learn their past \
                 experiences, fears, expectations and tastes."
            }
            Practice::NoPressureTactics => {
                "No artificial deadlines, no hard closing, no penalties for taking time to \
                 decide. Present means none was observed."
            }
            Practice::NoDeception => {
                "Claims are accurate and complete; nothing is hidden or misstated. Present \
                 means none was observed."
            }
            Practice::ReducesPurchaseRisk => {
                "Accurate information, free trials, reviews by past customers, easy \
                 returns and guarantees."
            }
            Practice::ShowsAppreciation => {
                "Buyers and non-buyers are thanked; praise is acknowledged; criticism is \
                 accepted and followed up."
            }
        }
    }

    /// `true` for the practices whose absence, even partial, caps the result at
    /// instrumental: no deception and no pressure tactics.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Practice;
    /// let capping: Vec<_> = Practice::ALL.into_iter().filter(|p| p.caps_when_missing()).collect();
    /// assert_eq!(capping, [Practice::NoPressureTactics, Practice::NoDeception]);
    /// ```
    pub fn caps_when_missing(self) -> bool {
        matches!(self, Practice::NoDeception | Practice::NoPressureTactics)
    }
}

impl fmt::Display for Practice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How far a practice is in place.
///
/// ```
/// use cocreate_maturity::orientation::Rating;
/// assert_eq!(Rating::Partial.points(), 1);
/// assert!(Rating::Absent < Rating::Present);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Rating {
    /// Not in place (0 points).
    Absent,
    /// Sometimes or partly in place (1 point).
    Partial,
    /// Consistently in place (2 points).
    Present,
}

impl Rating {
    /// 0, 1 or 2.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Rating;
    /// assert_eq!(Rating::Present.points(), 2);
    /// ```
    pub fn points(self) -> u32 {
        match self {
            Rating::Absent => 0,
            Rating::Partial => 1,
            Rating::Present => 2,
        }
    }
}

/// A phase of the purchase.
///
/// ```
/// use cocreate_maturity::orientation::Phase;
/// assert_eq!(Phase::ALL.len(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Phase {
    /// Before the purchase.
    Before,
    /// During the purchase.
    During,
    /// After the purchase.
    After,
}

impl Phase {
    /// The three phases in order.
    ///
    /// ```
    /// use cocreate_maturity::orientation::Phase;
    /// assert_eq!(Phase::ALL[2], Phase::After);
    /// ```
    pub const ALL: [Phase; 3] = [Phase::Before, Phase::During, Phase::After];
}

/// Whether contacts leave a positive emotion, by channel and purchase phase: the evidence
/// behind the [`Practice::PositiveEmotion`] rating.
///
/// The rating is present when every channel is positive in every phase, absent when none
/// is, and partial otherwise.
///
/// ```
/// use cocreate_maturity::orientation::{EmotionGrid, Phase, Rating};
///
/// let mut grid = EmotionGrid::new(["in person", "e-mail", "phone"])?;
/// for channel in ["in person", "e-mail", "phone"] {
///     for phase in Phase::ALL {
///         grid.mark(channel, phase, true)?;
///     }
/// }
/// grid.mark("phone", Phase::After, false)?;
/// assert_eq!(grid.rating(), Rating::Partial);
/// assert_eq!(grid.gaps(), [("phone".to_string(), Phase::After)]);
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::EmotionGridRepr")
)]
pub struct EmotionGrid {
    channels: Vec<String>,
    /// `positive[channel][phase]`.
    positive: Vec<[bool; 3]>,
}

impl EmotionGrid {
    /// A grid for these channels, with no positive cell yet.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::EmptyText`] for an empty channel name, or
    /// [`ChecklistError::Duplicate`] for a repeated one; at least one channel is needed.
    ///
    /// ```
    /// use cocreate_maturity::orientation::EmotionGrid;
    /// assert!(EmotionGrid::new(["chat", "chat"]).is_err());
    /// ```
    pub fn new<S: Into<String>>(
        channels: impl IntoIterator<Item = S>,
    ) -> Result<Self, ChecklistError> {
        let channels: Vec<String> = channels.into_iter().map(Into::into).collect();
        if channels.is_empty() {
            return Err(ChecklistError::EmptyText {
                what: ChecklistText::ChannelList,
            });
        }
        check_unique(channels.iter().map(String::as_str), "channel")?;
        Ok(EmotionGrid {
            positive: vec![[false; 3]; channels.len()],
            channels,
        })
    }

    /// Records whether a channel leaves a positive emotion in a phase.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::Unknown`] naming the unknown channel.
    ///
    /// ```
    /// use cocreate_maturity::orientation::{EmotionGrid, Phase};
    /// let mut grid = EmotionGrid::new(["phone"])?;
    /// assert!(grid.mark("fax", Phase::Before, true).is_err());
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn mark(
        &mut self,
        channel: &str,
        phase: Phase,
        positive: bool,
    ) -> Result<(), ChecklistError> {
        let Some(i) = self.channels.iter().position(|c| c == channel) else {
            return Err(ChecklistError::Unknown {
                what: "channel",
                name: channel.to_string(),
            });
        };
        self.positive[i][phase as usize] = positive;
        Ok(())
    }

    /// The cells (channel, phase) that are not positive.
    ///
    /// ```
    /// use cocreate_maturity::orientation::{EmotionGrid, Phase};
    /// let mut grid = EmotionGrid::new(["chat"])?;
    /// grid.mark("chat", Phase::Before, true)?;
    /// assert_eq!(grid.gaps(), [("chat".to_string(), Phase::During), ("chat".to_string(), Phase::After)]);
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn gaps(&self) -> Vec<(String, Phase)> {
        self.channels
            .iter()
            .zip(&self.positive)
            .flat_map(|(c, row)| {
                Phase::ALL
                    .into_iter()
                    .filter(|p| !row[*p as usize])
                    .map(move |p| (c.clone(), p))
            })
            .collect()
    }

    /// Present when every cell is positive, absent when none is, partial otherwise.
    ///
    /// ```
    /// use cocreate_maturity::orientation::{EmotionGrid, Phase, Rating};
    /// let mut grid = EmotionGrid::new(["chat"])?;
    /// assert_eq!(grid.rating(), Rating::Absent);
    /// grid.mark("chat", Phase::After, true)?;
    /// assert_eq!(grid.rating(), Rating::Partial);
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn rating(&self) -> Rating {
        let cells = self.positive.len() * 3;
        let positive = self.positive.iter().flatten().filter(|&&b| b).count();
        match positive {
            0 => Rating::Absent,
            p if p == cells => Rating::Present,
            _ => Rating::Partial,
        }
    }
}

/// One rated practice and its evidence.
///
/// ```
/// use cocreate_maturity::orientation::{Practice, PracticeRating, Rating};
/// let r = PracticeRating { practice: Practice::Transparency, rating: Rating::Present, evidence: "price list online".into() };
/// assert_eq!(r.rating.points(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PracticeRating {
    /// The practice.
    pub practice: Practice,
    /// How far it is in place.
    pub rating: Rating,
    /// What was observed (free text).
    pub evidence: String,
}

/// The checklist being filled in: one rating per practice.
///
/// ```
/// use cocreate_maturity::orientation::{OrientationChecklist, Practice, Rating};
/// let checklist = OrientationChecklist::new()
///     .rate(Practice::Transparency, Rating::Present, "all fees on the price list")?;
/// assert!(checklist.assess().is_err()); // eight practices are still unrated
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrientationChecklist {
    /// The ratings given so far.
    pub ratings: Vec<PracticeRating>,
}

/// Where a firm stands between service and instrumental orientation.
///
/// ```
/// use cocreate_maturity::orientation::Orientation;
/// assert_eq!(Orientation::Mixed.to_string(), "mixed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Orientation {
    /// Customers are served: no practice absent and most fully in place.
    ServiceOriented,
    /// Some practices in place, others not.
    Mixed,
    /// Customers are treated as numbers: deception or pressure was observed, or the
    /// practices are on average less than partly in place.
    Instrumental,
}

impl fmt::Display for Orientation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Orientation::ServiceOriented => "service-oriented",
            Orientation::Mixed => "mixed",
            Orientation::Instrumental => "instrumental",
        })
    }
}

/// The result of an [`OrientationChecklist`].
///
/// ```
/// use cocreate_maturity::orientation::{Orientation, OrientationChecklist, Practice, Rating};
/// let mut c = OrientationChecklist::new();
/// for p in Practice::ALL {
///     c = c.rate(p, Rating::Partial, "")?;
/// }
/// let report = c.assess()?;
/// assert_eq!((report.points, report.index), (9, 0.5));
/// assert_eq!(report.uncapped, Orientation::Mixed);
/// assert_eq!(report.orientation, Orientation::Instrumental); // pressure and deception seen
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrientationReport {
    /// Points scored (0–2 per practice).
    pub points: u32,
    /// The most points possible.
    pub max_points: u32,
    /// `points ÷ max_points`, 0–1.
    pub index: f64,
    /// The verdict.
    pub orientation: Orientation,
    /// What the index alone would give, before the deception and pressure caps.
    pub uncapped: Orientation,
    /// The capping practices rated below present (empty when not capped).
    pub caps: Vec<Practice>,
    /// The practices rated absent, in checklist order.
    pub absent: Vec<Practice>,
    /// Every rating, in checklist order.
    pub ratings: Vec<PracticeRating>,
}

impl OrientationChecklist {
    /// An empty checklist.
    ///
    /// ```
    /// use cocreate_maturity::orientation::OrientationChecklist;
    /// assert!(OrientationChecklist::new().ratings.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Rates one practice.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::DuplicatePractice`] when the practice is already rated.
    ///
    /// ```
    /// use cocreate_maturity::orientation::{OrientationChecklist, Practice, Rating};
    /// let c = OrientationChecklist::new().rate(Practice::WinWinTerms, Rating::Partial, "")?;
    /// assert_eq!(c.ratings.len(), 1);
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn rate(
        mut self,
        practice: Practice,
        rating: Rating,
        evidence: &str,
    ) -> Result<Self, ChecklistError> {
        if self.ratings.iter().any(|r| r.practice == practice) {
            return Err(ChecklistError::DuplicatePractice {
                practice: practice.name(),
            });
        }
        self.ratings.push(PracticeRating {
            practice,
            rating,
            evidence: evidence.to_string(),
        });
        Ok(self)
    }

    /// Rates [`Practice::PositiveEmotion`] from a channel-by-phase grid, listing the
    /// non-positive cells as evidence.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::DuplicatePractice`] when the practice is already rated.
    ///
    /// ```
    /// use cocreate_maturity::orientation::{EmotionGrid, OrientationChecklist, Rating};
    /// let grid = EmotionGrid::new(["phone"])?;
    /// let c = OrientationChecklist::new().rate_emotion(&grid)?;
    /// assert_eq!(c.ratings[0].rating, Rating::Absent);
    /// assert!(c.ratings[0].evidence.contains("phone before"));
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn rate_emotion(self, grid: &EmotionGrid) -> Result<Self, ChecklistError> {
        let gaps = grid.gaps();
        let evidence = if gaps.is_empty() {
            "positive in every channel and phase".to_string()
        } else {
            let cells: Vec<String> = gaps
                .iter()
                .map(|(c, p)| format!("{c} {}", format!("{p:?}").to_lowercase()))
                .collect();
            format!("not positive: {}", cells.join(", "))
        };
        self.rate(Practice::PositiveEmotion, grid.rating(), &evidence)
    }

    /// Scores the checklist.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::MissingPractice`] for the first practice left unrated, or
    /// [`ChecklistError::DuplicatePractice`] when the ratings were edited to hold one
    /// twice.
    ///
    /// ```
    /// use cocreate_maturity::orientation::OrientationChecklist;
    /// let err = OrientationChecklist::new().assess().unwrap_err();
    /// assert!(err.to_string().starts_with("practice 'exceeds expectations' is not rated"));
    /// ```
    pub fn assess(&self) -> Result<OrientationReport, ChecklistError> {
        let mut ratings = Vec::with_capacity(Practice::ALL.len());
        for practice in Practice::ALL {
            let mut found = self.ratings.iter().filter(|r| r.practice == practice);
            let Some(rating) = found.next() else {
                return Err(ChecklistError::MissingPractice {
                    practice: practice.name(),
                });
            };
            if found.next().is_some() {
                return Err(ChecklistError::DuplicatePractice {
                    practice: practice.name(),
                });
            }
            ratings.push(rating.clone());
        }
        let points: u32 = ratings.iter().map(|r| r.rating.points()).sum();
        let max_points = 2 * ratings.len() as u32;
        let index = f64::from(points) / f64::from(max_points);
        let absent: Vec<Practice> = ratings
            .iter()
            .filter(|r| r.rating == Rating::Absent)
            .map(|r| r.practice)
            .collect();
        let present = ratings
            .iter()
            .filter(|r| r.rating == Rating::Present)
            .count();
        let caps: Vec<Practice> = ratings
            .iter()
            .filter(|r| r.practice.caps_when_missing() && r.rating != Rating::Present)
            .map(|r| r.practice)
            .collect();
        let uncapped = if absent.is_empty() && 2 * present > ratings.len() {
            Orientation::ServiceOriented
        } else if 2 * points < max_points {
            Orientation::Instrumental
        } else {
            Orientation::Mixed
        };
        Ok(OrientationReport {
            points,
            max_points,
            index,
            orientation: if caps.is_empty() {
                uncapped
            } else {
                Orientation::Instrumental
            },
            uncapped,
            caps,
            absent,
            ratings,
        })
    }
}

/// Checks that names are non-empty and unique.
pub(crate) fn check_unique<'a>(
    names: impl IntoIterator<Item = &'a str>,
    what: &'static str,
) -> Result<(), ChecklistError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if name.trim().is_empty() {
            return Err(ChecklistError::EmptyText {
                what: ChecklistText::RecordName { record: what },
            });
        }
        if !seen.insert(name) {
            return Err(ChecklistError::Duplicate {
                what,
                name: name.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`EmotionGrid`], checked like [`EmotionGrid::new`], with one row
    //! of cells per channel.
    use super::*;
    use crate::error::Counted;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct EmotionGridRepr {
        channels: Vec<String>,
        positive: Vec<[bool; 3]>,
    }

    impl TryFrom<EmotionGridRepr> for EmotionGrid {
        type Error = ChecklistError;
        fn try_from(r: EmotionGridRepr) -> Result<Self, ChecklistError> {
            let mut grid = EmotionGrid::new(r.channels)?;
            if r.positive.len() > grid.positive.len() {
                return Err(ChecklistError::PartExceedsWhole {
                    what: Counted::GridRows,
                    part: r.positive.len() as u64,
                    whole: grid.positive.len() as u64,
                });
            }
            if let Some(channel) = grid.channels.get(r.positive.len()) {
                return Err(ChecklistError::EmptyText {
                    what: ChecklistText::GridRow {
                        channel: channel.clone(),
                    },
                });
            }
            grid.positive = r.positive;
            Ok(grid)
        }
    }
}

//! Journey stages and their order.

use std::fmt;

/// A stage of the customer journey.
///
/// The five standard stages follow the order in which a customer meets a brand: they
/// learn of it ([`Stage::Awareness`]), evaluate the offer, send inquiries, purchase and
/// use. Each stage has a *rank* that fixes the order: 100, 200, 300, 400 and 500 for the
/// standard stages. A [`Stage::Custom`] stage (advocacy after use, a trial between inquiry
/// and purchase) takes any rank the caller chooses, so it slots in where it belongs.
///
/// ```
/// use cocreate_journey::{PurchasePhase, Stage};
///
/// let advocacy = Stage::custom("advocacy", 600)?;
/// assert!(Stage::Use.rank() < advocacy.rank());
/// assert_eq!(advocacy.purchase_phase(), PurchasePhase::PostPurchase);
/// assert_eq!(Stage::from_name("inquiry"), Some(Stage::Inquiry));
/// # Ok::<(), cocreate_journey::StageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Stage {
    /// The customer learns of the brand (rank 100).
    Awareness,
    /// The customer evaluates the offer (rank 200).
    Evaluation,
    /// The customer sends inquiries (rank 300).
    Inquiry,
    /// The customer purchases (rank 400).
    Purchase,
    /// The customer uses what they bought (rank 500).
    Use,
    /// A stage defined by the caller; build one with [`Stage::custom`].
    Custom(CustomStage),
}

/// A caller-defined stage: a name and a rank that places it among the others.
///
/// ```
/// use cocreate_journey::Stage;
///
/// let trial = Stage::custom("trial", 350)?;
/// if let Stage::Custom(custom) = &trial {
///     assert_eq!(custom.name(), "trial");
///     assert_eq!(custom.rank(), 350);
/// }
/// # Ok::<(), cocreate_journey::StageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::CustomStageRepr")
)]
pub struct CustomStage {
    name: String,
    rank: u32,
}

impl CustomStage {
    /// The stage's name.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert_eq!(Stage::custom("advocacy", 600)?.name(), "advocacy");
    /// # Ok::<(), cocreate_journey::StageError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stage's rank (its place in the order).
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert_eq!(Stage::custom("advocacy", 600)?.rank(), 600);
    /// # Ok::<(), cocreate_journey::StageError>(())
    /// ```
    pub fn rank(&self) -> u32 {
        self.rank
    }
}

/// Why a stage or a stage order is invalid.
///
/// ```
/// use cocreate_journey::{Stage, StageError};
///
/// let err = Stage::custom("use", 600).unwrap_err();
/// assert!(matches!(err, StageError::ReservedName { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StageError {
    /// A custom stage has an empty name.
    #[error("a custom stage needs a non-empty name")]
    EmptyName,
    /// A custom stage reuses the name of a standard stage.
    #[error("{name:?} is the name of a standard stage; use Stage::from_name for it")]
    ReservedName {
        /// The name.
        name: String,
    },
    /// Two stages of an order share a name.
    #[error("stage {name:?} appears twice in the stage order")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// Two stages of an order share a rank, so their order is undefined.
    #[error("stages {first:?} and {second:?} both have rank {rank}")]
    DuplicateRank {
        /// The first stage's name.
        first: String,
        /// The second stage's name.
        second: String,
        /// The shared rank.
        rank: u32,
    },
    /// A stage order has no stages.
    #[error("a stage order needs at least one stage")]
    Empty,
}

/// The three phases of Lemon & Verhoef (2016) into which the stages fall.
///
/// ```
/// use cocreate_journey::{PurchasePhase, Stage};
///
/// assert_eq!(Stage::Evaluation.purchase_phase(), PurchasePhase::PrePurchase);
/// assert_eq!(Stage::Purchase.purchase_phase(), PurchasePhase::Purchase);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PurchasePhase {
    /// Before the purchase (stages ranked below 400).
    PrePurchase,
    /// The purchase itself (rank 400).
    Purchase,
    /// After the purchase (ranked above 400).
    PostPurchase,
}

const STANDARD: [(Stage, &str, u32); 5] = [
    (Stage::Awareness, "awareness", 100),
    (Stage::Evaluation, "evaluation", 200),
    (Stage::Inquiry, "inquiry", 300),
    (Stage::Purchase, "purchase", 400),
    (Stage::Use, "use", 500),
];

impl Stage {
    /// The five standard stages in order.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert_eq!(Stage::STANDARD[0], Stage::Awareness);
    /// assert_eq!(Stage::STANDARD.len(), 5);
    /// ```
    pub const STANDARD: [Stage; 5] = [
        Stage::Awareness,
        Stage::Evaluation,
        Stage::Inquiry,
        Stage::Purchase,
        Stage::Use,
    ];

    /// A custom stage with a name and a rank.
    ///
    /// Errors when the name is empty or is the name of a standard stage.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// let s = Stage::custom("advocacy", 600)?;
    /// assert_eq!(s.name(), "advocacy");
    /// assert!(Stage::custom("  ", 600).is_err());
    /// # Ok::<(), cocreate_journey::StageError>(())
    /// ```
    pub fn custom(name: impl Into<String>, rank: u32) -> Result<Stage, StageError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(StageError::EmptyName);
        }
        if STANDARD.iter().any(|(_, n, _)| *n == name) {
            return Err(StageError::ReservedName { name });
        }
        Ok(Stage::Custom(CustomStage { name, rank }))
    }

    /// The standard stage with this name (`awareness`, `evaluation`, `inquiry`,
    /// `purchase`, `use`; ASCII case ignored), if any.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert_eq!(Stage::from_name("Purchase"), Some(Stage::Purchase));
    /// assert_eq!(Stage::from_name("advocacy"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Stage> {
        STANDARD
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(s, _, _)| s.clone())
    }

    /// The stage's name as it appears in event logs.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert_eq!(Stage::Awareness.name(), "awareness");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            Stage::Custom(c) => &c.name,
            standard => STANDARD
                .iter()
                .find(|(s, _, _)| s == standard)
                .map_or("", |(_, n, _)| n),
        }
    }

    /// The stage's rank: its place in the order of stages.
    ///
    /// ```
    /// use cocreate_journey::Stage;
    ///
    /// assert!(Stage::Inquiry.rank() < Stage::Purchase.rank());
    /// ```
    pub fn rank(&self) -> u32 {
        match self {
            Stage::Custom(c) => c.rank,
            standard => STANDARD
                .iter()
                .find(|(s, _, _)| s == standard)
                .map_or(0, |(_, _, r)| *r),
        }
    }

    /// The Lemon & Verhoef phase of the stage, decided by its rank relative to
    /// [`Stage::Purchase`].
    ///
    /// ```
    /// use cocreate_journey::{PurchasePhase, Stage};
    ///
    /// assert_eq!(Stage::Use.purchase_phase(), PurchasePhase::PostPurchase);
    /// ```
    pub fn purchase_phase(&self) -> PurchasePhase {
        let purchase = Stage::Purchase.rank();
        match self.rank().cmp(&purchase) {
            std::cmp::Ordering::Less => PurchasePhase::PrePurchase,
            std::cmp::Ordering::Equal => PurchasePhase::Purchase,
            std::cmp::Ordering::Greater => PurchasePhase::PostPurchase,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The stages an event log may use, in rank order.
///
/// Event logs name stages as text; a `StageOrder` says which names are stages and in
/// which order the funnel visits them. [`StageOrder::standard`] holds the five standard
/// stages; add custom ones with [`StageOrder::with`].
///
/// ```
/// use cocreate_journey::{Stage, StageOrder};
///
/// let order = StageOrder::standard().with(Stage::custom("advocacy", 600)?)?;
/// assert_eq!(order.len(), 6);
/// assert_eq!(order.position("advocacy"), Some(5));
/// assert_eq!(order.stages()[0], Stage::Awareness);
/// # Ok::<(), cocreate_journey::StageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::StageOrderRepr")
)]
pub struct StageOrder {
    stages: Vec<Stage>,
}

impl StageOrder {
    /// The five standard stages.
    ///
    /// ```
    /// use cocreate_journey::StageOrder;
    ///
    /// assert_eq!(StageOrder::standard().len(), 5);
    /// ```
    pub fn standard() -> Self {
        StageOrder {
            stages: Stage::STANDARD.to_vec(),
        }
    }

    /// An order of the given stages, sorted by rank.
    ///
    /// Errors when the list is empty or two stages share a name or a rank.
    ///
    /// ```
    /// use cocreate_journey::{Stage, StageOrder};
    ///
    /// let order = StageOrder::new(vec![Stage::Purchase, Stage::Awareness])?;
    /// assert_eq!(order.stages(), &[Stage::Awareness, Stage::Purchase]);
    /// assert!(StageOrder::new(vec![Stage::Use, Stage::Use]).is_err());
    /// # Ok::<(), cocreate_journey::StageError>(())
    /// ```
    pub fn new(mut stages: Vec<Stage>) -> Result<Self, StageError> {
        if stages.is_empty() {
            return Err(StageError::Empty);
        }
        stages.sort_by_key(Stage::rank);
        for pair in stages.windows(2) {
            if pair[0].rank() == pair[1].rank() {
                return Err(if pair[0].name() == pair[1].name() {
                    StageError::DuplicateName {
                        name: pair[0].name().to_owned(),
                    }
                } else {
                    StageError::DuplicateRank {
                        first: pair[0].name().to_owned(),
                        second: pair[1].name().to_owned(),
                        rank: pair[0].rank(),
                    }
                });
            }
        }
        for (i, s) in stages.iter().enumerate() {
            if stages[..i].iter().any(|t| t.name() == s.name()) {
                return Err(StageError::DuplicateName {
                    name: s.name().to_owned(),
                });
            }
        }
        Ok(StageOrder { stages })
    }

    /// This order with one more stage.
    ///
    /// ```
    /// use cocreate_journey::{Stage, StageOrder};
    ///
    /// let order = StageOrder::standard().with(Stage::custom("trial", 350)?)?;
    /// assert_eq!(order.position("trial"), Some(3));
    /// # Ok::<(), cocreate_journey::StageError>(())
    /// ```
    pub fn with(self, stage: Stage) -> Result<Self, StageError> {
        let mut stages = self.stages;
        stages.push(stage);
        StageOrder::new(stages)
    }

    /// The stages in rank order.
    ///
    /// ```
    /// use cocreate_journey::{Stage, StageOrder};
    ///
    /// assert_eq!(StageOrder::standard().stages()[4], Stage::Use);
    /// ```
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// Number of stages.
    ///
    /// ```
    /// use cocreate_journey::StageOrder;
    ///
    /// assert_eq!(StageOrder::standard().len(), 5);
    /// ```
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// Always `false`: an order has at least one stage.
    ///
    /// ```
    /// use cocreate_journey::StageOrder;
    ///
    /// assert!(!StageOrder::standard().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// The position (0-based, in rank order) of the stage with this name; standard names
    /// ignore ASCII case, custom names must match exactly.
    ///
    /// ```
    /// use cocreate_journey::StageOrder;
    ///
    /// assert_eq!(StageOrder::standard().position("USE"), Some(4));
    /// assert_eq!(StageOrder::standard().position("advocacy"), None);
    /// ```
    pub fn position(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| match s {
            Stage::Custom(c) => c.name == name,
            standard => standard.name().eq_ignore_ascii_case(name),
        })
    }

    /// For each stage in order, whether it comes after the purchase.
    pub(crate) fn post_purchase(&self) -> Vec<bool> {
        self.stages
            .iter()
            .map(|s| s.purchase_phase() == PurchasePhase::PostPurchase)
            .collect()
    }

    /// The names of the stages, comma-separated (for error messages).
    pub(crate) fn names(&self) -> String {
        self.stages
            .iter()
            .map(Stage::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for StageOrder {
    fn default() -> Self {
        StageOrder::standard()
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde forms of [`CustomStage`] and [`StageOrder`], checked by
    //! [`Stage::custom`] and [`StageOrder::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct CustomStageRepr {
        name: String,
        rank: u32,
    }

    impl TryFrom<CustomStageRepr> for CustomStage {
        type Error = StageError;
        fn try_from(r: CustomStageRepr) -> Result<Self, StageError> {
            match Stage::custom(r.name, r.rank)? {
                Stage::Custom(custom) => Ok(custom),
                // Stage::custom builds only custom stages.
                _ => Err(StageError::EmptyName),
            }
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct StageOrderRepr {
        stages: Vec<Stage>,
    }

    impl TryFrom<StageOrderRepr> for StageOrder {
        type Error = StageError;
        fn try_from(r: StageOrderRepr) -> Result<Self, StageError> {
            StageOrder::new(r.stages)
        }
    }
}

//! Anticipatory service: a typed audit of how far a firm meets needs before customers ask.
//!
//! Customers change (they grow richer or poorer, divorce, get a pet) and expect service
//! that anticipates their needs and remembers their preferences; they want to maintain
//! their own data through self-service, but not to be trapped in it; they talk about firms
//! on electronic channels, where word of mouth travels fast. The aim is a true loyalist,
//! not a casual customer. An [`AnticipationAudit`] records the evidence and
//! [`AnticipationAudit::assess`] reports:
//!
//! - the **anticipation rate**: needs met proactively ÷ all needs (also for the needs
//!   customers never expressed);
//! - the **preference recall rate**: contacts where known preferences were applied ÷
//!   contacts where they could have been;
//! - **self-service containment with an escape hatch**: completions ÷ starts, and which
//!   flows offer no human fallback (forced self-service harms attitudes to the technology
//!   and to the firm, and a human fallback undoes part of that harm);
//! - **listening on electronic channels**: which channels are monitored and what share of
//!   mentions got an answer;
//! - **loyalty tiers derived from behaviour**: a customer is a loyalist when every
//!   behavioural criterion the user sets (repeat-purchase rate, share of wallet,
//!   referrals) is met, and a casual customer otherwise; never self-declared.
//!
//! Findings flag what needs attention without thresholds of the library's own choosing:
//! flows without a human fallback, unmonitored channels, and majorities (most needs met
//! only reactively, most preferences forgotten, most customers casual).
//!
//! ```
//! use cocreate_maturity::anticipation::*;
//!
//! let audit = AnticipationAudit {
//!     needs: vec![
//!         Need::new("renewal reminder", NeedSource::Unexpressed, NeedTiming::Anticipated),
//!         Need::new("address change after a move", NeedSource::Expressed, NeedTiming::Reactive),
//!     ],
//!     self_service: vec![SelfServiceFlow::new("update address", 200, 170, true)],
//!     listening: vec![ListeningChannel::new("social media", true, 40, 36)],
//!     customers: vec![
//!         CustomerBehaviour::new("c1").repeat_rate(0.8).referrals(2),
//!         CustomerBehaviour::new("c2").repeat_rate(0.2).referrals(0),
//!     ],
//!     ..Default::default()
//! };
//! let criteria = LoyaltyCriteria::builder().repeat_rate_at_least(0.5).referrals_at_least(1).build()?;
//! let report = audit.assess(&criteria)?;
//! assert_eq!(report.anticipation_rate, Some(0.5));
//! assert_eq!(report.self_service.as_ref().unwrap().containment_rate, Some(0.85));
//! assert_eq!(report.loyalty.as_ref().unwrap().loyalists, 1);
//! # Ok::<(), cocreate_maturity::ChecklistError>(())
//! ```

use crate::error::{ChecklistError, ChecklistText, Counted, ShareOf};
use crate::orientation::check_unique;

/// Whether the customer voiced the need.
///
/// ```
/// use cocreate_maturity::anticipation::NeedSource;
/// assert_ne!(NeedSource::Expressed, NeedSource::Unexpressed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum NeedSource {
    /// The customer said so.
    Expressed,
    /// The customer never said so.
    Unexpressed,
}

/// Whether the firm met the need before being asked.
///
/// ```
/// use cocreate_maturity::anticipation::NeedTiming;
/// assert_ne!(NeedTiming::Anticipated, NeedTiming::Reactive);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum NeedTiming {
    /// Met before the customer had to ask.
    Anticipated,
    /// Met only once the customer asked (or complained).
    Reactive,
}

/// A customer need observed in the audit.
///
/// ```
/// use cocreate_maturity::anticipation::{Need, NeedSource, NeedTiming};
/// let need = Need::new("pet insurance after adopting a dog", NeedSource::Unexpressed, NeedTiming::Reactive);
/// assert_eq!(need.timing, NeedTiming::Reactive);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Need {
    /// What the need was.
    pub description: String,
    /// Whether the customer voiced it.
    pub source: NeedSource,
    /// Whether the firm met it before being asked.
    pub timing: NeedTiming,
}

impl Need {
    /// A need.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::{Need, NeedSource, NeedTiming};
    /// assert_eq!(Need::new("x", NeedSource::Expressed, NeedTiming::Anticipated).description, "x");
    /// ```
    pub fn new(description: &str, source: NeedSource, timing: NeedTiming) -> Self {
        Need {
            description: description.to_string(),
            source,
            timing,
        }
    }
}

/// How a proactive action was received.
///
/// ```
/// use cocreate_maturity::anticipation::Reception;
/// assert_ne!(Reception::Welcomed, Reception::Unwelcome);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Reception {
    /// The customer valued it.
    Welcomed,
    /// No visible reaction.
    Neutral,
    /// The customer found it intrusive or wrong.
    Unwelcome,
}

/// A need the firm predicted, what it did, and how that was received.
///
/// ```
/// use cocreate_maturity::anticipation::{AnticipationEvent, Reception};
/// let e = AnticipationEvent::new("winter tyres", "offered a fitting slot in October", Reception::Welcomed);
/// assert_eq!(e.reception, Reception::Welcomed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnticipationEvent {
    /// The predicted need.
    pub predicted_need: String,
    /// The proactive action taken.
    pub action: String,
    /// How it was received.
    pub reception: Reception,
}

impl AnticipationEvent {
    /// An event.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::{AnticipationEvent, Reception};
    /// assert_eq!(AnticipationEvent::new("a", "b", Reception::Neutral).action, "b");
    /// ```
    pub fn new(predicted_need: &str, action: &str, reception: Reception) -> Self {
        AnticipationEvent {
            predicted_need: predicted_need.to_string(),
            action: action.to_string(),
            reception,
        }
    }
}

/// One self-service flow: how often it was started and completed without a person, and
/// whether a human fallback is offered.
///
/// ```
/// use cocreate_maturity::anticipation::SelfServiceFlow;
/// let flow = SelfServiceFlow::new("returns", 120, 90, false);
/// assert!(!flow.human_fallback);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SelfServiceFlow {
    /// The flow's name, unique in the audit.
    pub name: String,
    /// Times it was started.
    pub started: u64,
    /// Times it was completed without a person.
    pub completed: u64,
    /// `true` when a customer can reach a person from within the flow.
    pub human_fallback: bool,
}

impl SelfServiceFlow {
    /// A flow.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::SelfServiceFlow;
    /// assert_eq!(SelfServiceFlow::new("a", 2, 1, true).completed, 1);
    /// ```
    pub fn new(name: &str, started: u64, completed: u64, human_fallback: bool) -> Self {
        SelfServiceFlow {
            name: name.to_string(),
            started,
            completed,
            human_fallback,
        }
    }
}

/// An electronic channel where customers talk about the firm.
///
/// ```
/// use cocreate_maturity::anticipation::ListeningChannel;
/// let c = ListeningChannel::new("review sites", false, 25, 0);
/// assert!(!c.monitored);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ListeningChannel {
    /// The channel's name, unique in the audit.
    pub channel: String,
    /// `true` when someone watches it.
    pub monitored: bool,
    /// Mentions of the firm in the audit period.
    pub mentions: u64,
    /// Mentions that got an answer from the firm.
    pub answered: u64,
}

impl ListeningChannel {
    /// A channel.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::ListeningChannel;
    /// assert_eq!(ListeningChannel::new("chat", true, 3, 3).answered, 3);
    /// ```
    pub fn new(channel: &str, monitored: bool, mentions: u64, answered: u64) -> Self {
        ListeningChannel {
            channel: channel.to_string(),
            monitored,
            mentions,
            answered,
        }
    }
}

/// Contacts where a customer's known preferences could have been applied, and were.
///
/// ```
/// use cocreate_maturity::anticipation::PreferenceRecall;
/// let p = PreferenceRecall { opportunities: 50, remembered: 31 };
/// assert_eq!(p.remembered, 31);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PreferenceRecall {
    /// Contacts where a recorded preference applied.
    pub opportunities: u64,
    /// Contacts where it was applied.
    pub remembered: u64,
}

/// One customer's observed behaviour.
///
/// ```
/// use cocreate_maturity::anticipation::CustomerBehaviour;
/// let c = CustomerBehaviour::new("c9").share_of_wallet(0.6);
/// assert_eq!(c.share_of_wallet, Some(0.6));
/// assert_eq!(c.repeat_rate, None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerBehaviour {
    /// The customer's id, unique in the audit.
    pub customer: String,
    /// Share of the customer's purchase occasions that were repeat purchases (0–1).
    pub repeat_rate: Option<f64>,
    /// Share of the customer's spending in the category that went to the firm (0–1).
    pub share_of_wallet: Option<f64>,
    /// Customers this customer referred.
    pub referrals: Option<u32>,
}

impl CustomerBehaviour {
    /// A customer with no indicator yet.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::CustomerBehaviour;
    /// assert_eq!(CustomerBehaviour::new("c1").referrals, None);
    /// ```
    pub fn new(customer: &str) -> Self {
        CustomerBehaviour {
            customer: customer.to_string(),
            repeat_rate: None,
            share_of_wallet: None,
            referrals: None,
        }
    }

    /// Sets the repeat-purchase rate.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::CustomerBehaviour;
    /// assert_eq!(CustomerBehaviour::new("c1").repeat_rate(0.4).repeat_rate, Some(0.4));
    /// ```
    pub fn repeat_rate(mut self, rate: f64) -> Self {
        self.repeat_rate = Some(rate);
        self
    }

    /// Sets the share of wallet.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::CustomerBehaviour;
    /// assert_eq!(CustomerBehaviour::new("c1").share_of_wallet(0.4).share_of_wallet, Some(0.4));
    /// ```
    pub fn share_of_wallet(mut self, share: f64) -> Self {
        self.share_of_wallet = Some(share);
        self
    }

    /// Sets the number of referrals.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::CustomerBehaviour;
    /// assert_eq!(CustomerBehaviour::new("c1").referrals(3).referrals, Some(3));
    /// ```
    pub fn referrals(mut self, referrals: u32) -> Self {
        self.referrals = Some(referrals);
        self
    }
}

/// The behaviour that makes a customer a loyalist; every criterion set must be met.
///
/// The library sets no default cut-offs: what counts as loyal differs between a grocer and
/// an insurer, so the user chooses them with [`LoyaltyCriteria::builder`]
/// ([`LoyaltyCriteria::default`] sets none, which is enough for an audit without
/// customers).
///
/// ```
/// use cocreate_maturity::anticipation::LoyaltyCriteria;
/// let criteria = LoyaltyCriteria::builder().share_of_wallet_at_least(0.5).build()?;
/// assert_eq!(criteria.share_of_wallet_at_least(), Some(0.5));
/// assert!(LoyaltyCriteria::builder().repeat_rate_at_least(1.5).build().is_err());
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::LoyaltyCriteriaRepr")
)]
pub struct LoyaltyCriteria {
    repeat_rate: Option<f64>,
    share_of_wallet: Option<f64>,
    referrals: Option<u32>,
}

impl LoyaltyCriteria {
    /// A builder with no criterion yet.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// assert_eq!(LoyaltyCriteria::builder().build()?, LoyaltyCriteria::default());
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn builder() -> LoyaltyCriteriaBuilder {
        LoyaltyCriteriaBuilder {
            criteria: LoyaltyCriteria::default(),
        }
    }

    /// The lowest repeat-purchase rate of a loyalist, if that criterion is set.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// let criteria = LoyaltyCriteria::builder().repeat_rate_at_least(0.6).build()?;
    /// assert_eq!(criteria.repeat_rate_at_least(), Some(0.6));
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn repeat_rate_at_least(&self) -> Option<f64> {
        self.repeat_rate
    }

    /// The lowest share of wallet of a loyalist, if that criterion is set.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// assert_eq!(LoyaltyCriteria::default().share_of_wallet_at_least(), None);
    /// ```
    pub fn share_of_wallet_at_least(&self) -> Option<f64> {
        self.share_of_wallet
    }

    /// The fewest referrals of a loyalist, if that criterion is set.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// let criteria = LoyaltyCriteria::builder().referrals_at_least(2).build()?;
    /// assert_eq!(criteria.referrals_at_least(), Some(2));
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn referrals_at_least(&self) -> Option<u32> {
        self.referrals
    }

    /// The tier of one customer.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::NoLoyaltyCriteria`] when no criterion is set,
    /// [`ChecklistError::MissingIndicator`] when the customer lacks an indicator a
    /// criterion uses, or [`ChecklistError::BadShare`] for a rate outside 0–1.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::{CustomerBehaviour, LoyaltyCriteria, LoyaltyTier};
    /// let criteria = LoyaltyCriteria::builder().referrals_at_least(1).build()?;
    /// assert_eq!(criteria.tier(&CustomerBehaviour::new("c").referrals(4))?, LoyaltyTier::Loyalist);
    /// assert!(criteria.tier(&CustomerBehaviour::new("c")).is_err());
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn tier(&self, customer: &CustomerBehaviour) -> Result<LoyaltyTier, ChecklistError> {
        if self.repeat_rate.is_none() && self.share_of_wallet.is_none() && self.referrals.is_none()
        {
            return Err(ChecklistError::NoLoyaltyCriteria);
        }
        let missing = |indicator| ChecklistError::MissingIndicator {
            customer: customer.customer.clone(),
            indicator,
        };
        let of_customer = |indicator| ShareOf::Customer {
            customer: customer.customer.clone(),
            indicator,
        };
        let mut loyal = true;
        if let Some(min) = self.repeat_rate {
            let rate = customer.repeat_rate.ok_or_else(|| missing("repeat rate"))?;
            check_share(rate, || of_customer("repeat rate"))?;
            loyal &= rate >= min;
        }
        if let Some(min) = self.share_of_wallet {
            let share = customer
                .share_of_wallet
                .ok_or_else(|| missing("share of wallet"))?;
            check_share(share, || of_customer("share of wallet"))?;
            loyal &= share >= min;
        }
        if let Some(min) = self.referrals {
            loyal &= customer
                .referrals
                .ok_or_else(|| missing("referral count"))?
                >= min;
        }
        Ok(if loyal {
            LoyaltyTier::Loyalist
        } else {
            LoyaltyTier::Casual
        })
    }
}

/// Builds [`LoyaltyCriteria`]; made by [`LoyaltyCriteria::builder`].
///
/// ```
/// use cocreate_maturity::anticipation::LoyaltyCriteria;
/// let err = LoyaltyCriteria::builder().share_of_wallet_at_least(-0.1).build().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the loyalty criterion on share of wallet is -0.1; it must be a share between 0 and 1"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoyaltyCriteriaBuilder {
    criteria: LoyaltyCriteria,
}

impl LoyaltyCriteriaBuilder {
    /// Requires a repeat-purchase rate (0–1) of at least `rate`; checked by
    /// [`build`](Self::build).
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// assert!(LoyaltyCriteria::builder().repeat_rate_at_least(0.6).build().is_ok());
    /// ```
    pub fn repeat_rate_at_least(mut self, rate: f64) -> Self {
        self.criteria.repeat_rate = Some(rate);
        self
    }

    /// Requires a share of wallet (0–1) of at least `share`; checked by
    /// [`build`](Self::build).
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// assert!(LoyaltyCriteria::builder().share_of_wallet_at_least(1.1).build().is_err());
    /// ```
    pub fn share_of_wallet_at_least(mut self, share: f64) -> Self {
        self.criteria.share_of_wallet = Some(share);
        self
    }

    /// Requires at least `referrals` referrals.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// let criteria = LoyaltyCriteria::builder().referrals_at_least(2).build()?;
    /// assert_eq!(criteria.referrals_at_least(), Some(2));
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn referrals_at_least(mut self, referrals: u32) -> Self {
        self.criteria.referrals = Some(referrals);
        self
    }

    /// The criteria, after checking that the rates are shares between 0 and 1.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::BadShare`] for a rate outside 0–1 (or NaN).
    ///
    /// ```
    /// use cocreate_maturity::anticipation::LoyaltyCriteria;
    /// let criteria = LoyaltyCriteria::builder()
    ///     .repeat_rate_at_least(0.5)
    ///     .referrals_at_least(1)
    ///     .build()?;
    /// assert_eq!(criteria.repeat_rate_at_least(), Some(0.5));
    /// # Ok::<(), cocreate_maturity::ChecklistError>(())
    /// ```
    pub fn build(self) -> Result<LoyaltyCriteria, ChecklistError> {
        let criterion = |indicator| move || ShareOf::Criterion { indicator };
        if let Some(rate) = self.criteria.repeat_rate {
            check_share(rate, criterion("repeat rate"))?;
        }
        if let Some(share) = self.criteria.share_of_wallet {
            check_share(share, criterion("share of wallet"))?;
        }
        Ok(self.criteria)
    }
}

/// A customer's loyalty, derived from behaviour.
///
/// ```
/// use cocreate_maturity::anticipation::LoyaltyTier;
/// assert!(LoyaltyTier::Casual < LoyaltyTier::Loyalist);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum LoyaltyTier {
    /// Buys, but would leave for a better offer.
    Casual,
    /// Meets every behavioural criterion of loyalty.
    Loyalist,
}

/// Everything observed in an anticipatory-service audit. Any part may be left empty, but
/// not all of them.
///
/// ```
/// use cocreate_maturity::anticipation::*;
/// let audit = AnticipationAudit {
///     preferences: Some(PreferenceRecall { opportunities: 20, remembered: 15 }),
///     ..Default::default()
/// };
/// assert_eq!(audit.assess(&LoyaltyCriteria::default())?.preference_recall_rate, Some(0.75));
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnticipationAudit {
    /// Needs observed, with whether they were met before customers asked.
    pub needs: Vec<Need>,
    /// Proactive actions and how they were received.
    pub events: Vec<AnticipationEvent>,
    /// Whether known preferences were applied.
    pub preferences: Option<PreferenceRecall>,
    /// Self-service flows.
    pub self_service: Vec<SelfServiceFlow>,
    /// Electronic channels where customers talk about the firm.
    pub listening: Vec<ListeningChannel>,
    /// Customers' behaviour, for loyalty tiers.
    pub customers: Vec<CustomerBehaviour>,
}

/// Self-service in an [`AnticipationReport`].
///
/// ```
/// # use cocreate_maturity::anticipation::*;
/// let audit = AnticipationAudit { self_service: vec![SelfServiceFlow::new("a", 10, 5, false)], ..Default::default() };
/// let s = audit.assess(&LoyaltyCriteria::default())?.self_service.unwrap();
/// assert_eq!(s.without_fallback, ["a"]);
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SelfServiceSummary {
    /// Starts over all flows.
    pub started: u64,
    /// Completions without a person over all flows.
    pub completed: u64,
    /// `completed ÷ started` (`None` when nothing was started).
    pub containment_rate: Option<f64>,
    /// Share of flows that offer a human fallback.
    pub fallback_share: f64,
    /// Flows with no human fallback: forced self-service.
    pub without_fallback: Vec<String>,
}

/// Listening in an [`AnticipationReport`].
///
/// ```
/// # use cocreate_maturity::anticipation::*;
/// let audit = AnticipationAudit { listening: vec![ListeningChannel::new("x", true, 10, 4)], ..Default::default() };
/// let l = audit.assess(&LoyaltyCriteria::default())?.listening.unwrap();
/// assert_eq!(l.answer_rate, Some(0.4));
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ListeningSummary {
    /// Share of channels that are monitored.
    pub monitored_share: f64,
    /// Mentions over all channels.
    pub mentions: u64,
    /// Answered mentions over all channels.
    pub answered: u64,
    /// `answered ÷ mentions` (`None` without mentions).
    pub answer_rate: Option<f64>,
    /// Channels nobody watches.
    pub unmonitored: Vec<String>,
}

/// Loyalty in an [`AnticipationReport`].
///
/// ```
/// # use cocreate_maturity::anticipation::*;
/// let audit = AnticipationAudit { customers: vec![CustomerBehaviour::new("c").referrals(0)], ..Default::default() };
/// let l = audit.assess(&LoyaltyCriteria::builder().referrals_at_least(1).build()?)?.loyalty.unwrap();
/// assert_eq!((l.loyalists, l.casual), (0, 1));
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LoyaltySummary {
    /// The criteria used.
    pub criteria: LoyaltyCriteria,
    /// Customers meeting every criterion.
    pub loyalists: usize,
    /// The others.
    pub casual: usize,
    /// `loyalists ÷ customers`.
    pub loyalist_share: f64,
    /// Each customer's tier, in the order given.
    pub tiers: Vec<(String, LoyaltyTier)>,
}

/// Something in an anticipatory-service audit that needs attention.
///
/// ```
/// use cocreate_maturity::anticipation::Finding;
/// let f = Finding::ForcedSelfService { flow: "claims".into() };
/// assert_eq!(f.to_string(), "self-service flow 'claims' offers no human fallback");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "finding", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Finding {
    /// Most needs were met only after customers asked.
    MostlyReactive {
        /// The anticipation rate.
        anticipation_rate: f64,
    },
    /// Most known preferences were not applied.
    PreferencesForgotten {
        /// The recall rate.
        recall_rate: f64,
    },
    /// A self-service flow without a human fallback.
    ForcedSelfService {
        /// The flow.
        flow: String,
    },
    /// An electronic channel nobody watches.
    UnmonitoredChannel {
        /// The channel.
        channel: String,
    },
    /// Most mentions on the electronic channels went unanswered.
    MostMentionsUnanswered {
        /// The answer rate.
        answer_rate: f64,
    },
    /// Most proactive actions were unwelcome.
    UnwelcomeAnticipation {
        /// Share of actions that were unwelcome.
        unwelcome_share: f64,
    },
    /// Most customers are casual.
    MostlyCasual {
        /// Share of loyalists.
        loyalist_share: f64,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::MostlyReactive { anticipation_rate } => write!(
                f,
                "most needs were met only after customers asked (anticipation rate {:.0}%)",
                100.0 * anticipation_rate
            ),
            Finding::PreferencesForgotten { recall_rate } => write!(
                f,
                "most known preferences were not applied (recall rate {:.0}%)",
                100.0 * recall_rate
            ),
            Finding::ForcedSelfService { flow } => write!(
                f,
                "self-service flow '{}' offers no human fallback",
                cocreate_input::clip(flow, cocreate_input::MAX_NAME)
            ),
            Finding::UnmonitoredChannel { channel } => write!(
                f,
                "nobody watches what customers say on {}",
                cocreate_input::clip(channel, cocreate_input::MAX_NAME)
            ),
            Finding::MostMentionsUnanswered { answer_rate } => write!(
                f,
                "most mentions on electronic channels went unanswered (answer rate {:.0}%)",
                100.0 * answer_rate
            ),
            Finding::UnwelcomeAnticipation { unwelcome_share } => write!(
                f,
                "most proactive actions were unwelcome ({:.0}%)",
                100.0 * unwelcome_share
            ),
            Finding::MostlyCasual { loyalist_share } => write!(
                f,
                "most customers are casual (loyalists {:.0}%)",
                100.0 * loyalist_share
            ),
        }
    }
}

/// The result of an [`AnticipationAudit`].
///
/// ```
/// use cocreate_maturity::anticipation::*;
/// let audit = AnticipationAudit {
///     needs: vec![Need::new("refill", NeedSource::Unexpressed, NeedTiming::Reactive)],
///     ..Default::default()
/// };
/// let report = audit.assess(&LoyaltyCriteria::default())?;
/// assert_eq!(report.anticipation_rate, Some(0.0));
/// assert_eq!(report.findings, [Finding::MostlyReactive { anticipation_rate: 0.0 }]);
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AnticipationReport {
    /// Needs recorded.
    pub needs: usize,
    /// Needs met before customers asked ÷ all needs.
    pub anticipation_rate: Option<f64>,
    /// The same among the needs customers never expressed.
    pub unexpressed_anticipation_rate: Option<f64>,
    /// Share of proactive actions that were welcomed.
    pub welcomed_share: Option<f64>,
    /// Contacts where known preferences were applied ÷ contacts where they applied.
    pub preference_recall_rate: Option<f64>,
    /// Self-service, when flows were recorded.
    pub self_service: Option<SelfServiceSummary>,
    /// Listening, when channels were recorded.
    pub listening: Option<ListeningSummary>,
    /// Loyalty, when customers were recorded.
    pub loyalty: Option<LoyaltySummary>,
    /// What needs attention.
    pub findings: Vec<Finding>,
}

fn check_share(value: f64, what: impl FnOnce() -> ShareOf) -> Result<(), ChecklistError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ChecklistError::BadShare {
            what: what(),
            value,
        })
    }
}

fn check_part(part: u64, whole: u64, what: impl FnOnce() -> Counted) -> Result<(), ChecklistError> {
    if part > whole {
        Err(ChecklistError::PartExceedsWhole {
            what: what(),
            part,
            whole,
        })
    } else {
        Ok(())
    }
}

/// Totals of named records that each hold a part of a whole and a yes/no flag (a flow's
/// completions of its starts and its fallback; a channel's answered mentions and whether
/// it is monitored).
struct Tally {
    part: u64,
    whole: u64,
    flagged_share: f64,
    unflagged: Vec<String>,
}

/// Checks the records (unique names, no part above its whole) and totals them; `None`
/// when there are none.
fn tally<T>(
    records: &[T],
    what: &'static str,
    part_name: &'static str,
    fields: impl Fn(&T) -> (&String, u64, u64, bool),
) -> Result<Option<Tally>, ChecklistError> {
    if records.is_empty() {
        return Ok(None);
    }
    check_unique(records.iter().map(|r| fields(r).0.as_str()), what)?;
    let (mut part, mut whole) = (0u64, 0u64);
    let mut unflagged = Vec::new();
    for r in records {
        let (name, p, w, flag) = fields(r);
        check_part(p, w, || Counted::Record {
            record: what,
            name: name.clone(),
            part: part_name,
        })?;
        part = part.saturating_add(p);
        whole = whole.saturating_add(w);
        if !flag {
            unflagged.push(name.clone());
        }
    }
    let n = records.len();
    Ok(Some(Tally {
        part,
        whole,
        flagged_share: (n - unflagged.len()) as f64 / n as f64,
        unflagged,
    }))
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl AnticipationAudit {
    /// Checks the audit and computes the report.
    ///
    /// `criteria` is used only when customers are recorded.
    ///
    /// # Errors
    ///
    /// [`ChecklistError::EmptyAudit`] when nothing is recorded; otherwise the first
    /// inconsistency: an empty or repeated name, more completions than starts, more
    /// answers than mentions, more remembered preferences than opportunities, a share
    /// outside 0–1, no loyalty criteria, or a customer lacking an indicator they use.
    ///
    /// ```
    /// use cocreate_maturity::anticipation::*;
    /// let audit = AnticipationAudit { self_service: vec![SelfServiceFlow::new("a", 1, 2, true)], ..Default::default() };
    /// let err = audit.assess(&LoyaltyCriteria::default()).unwrap_err();
    /// assert_eq!(err.to_string(), "self-service flow 'a': completions: 2 is more than 1");
    /// ```
    pub fn assess(&self, criteria: &LoyaltyCriteria) -> Result<AnticipationReport, ChecklistError> {
        if self.needs.is_empty()
            && self.events.is_empty()
            && self.preferences.is_none()
            && self.self_service.is_empty()
            && self.listening.is_empty()
            && self.customers.is_empty()
        {
            return Err(ChecklistError::EmptyAudit);
        }
        for (i, need) in self.needs.iter().enumerate() {
            if need.description.trim().is_empty() {
                return Err(ChecklistError::EmptyText {
                    what: ChecklistText::NeedDescription { position: i + 1 },
                });
            }
        }
        let mut findings = Vec::new();

        let anticipated = |n: &Need| n.timing == NeedTiming::Anticipated;
        let anticipation_rate = share(
            self.needs.iter().filter(|n| anticipated(n)).count(),
            self.needs.len(),
        );
        let unexpressed: Vec<&Need> = self
            .needs
            .iter()
            .filter(|n| n.source == NeedSource::Unexpressed)
            .collect();
        let unexpressed_anticipation_rate = share(
            unexpressed.iter().filter(|n| anticipated(n)).count(),
            unexpressed.len(),
        );
        if let Some(r) = anticipation_rate.filter(|&r| r < 0.5) {
            findings.push(Finding::MostlyReactive {
                anticipation_rate: r,
            });
        }

        let count = |r: Reception| self.events.iter().filter(|e| e.reception == r).count();
        let welcomed_share = share(count(Reception::Welcomed), self.events.len());
        if let Some(s) = share(count(Reception::Unwelcome), self.events.len()).filter(|&s| s > 0.5)
        {
            findings.push(Finding::UnwelcomeAnticipation { unwelcome_share: s });
        }

        let preference_recall_rate = match self.preferences {
            Some(p) => {
                check_part(p.remembered, p.opportunities, || {
                    Counted::PreferencesRemembered
                })?;
                rate(p.remembered, p.opportunities)
            }
            None => None,
        };
        if let Some(r) = preference_recall_rate.filter(|&r| r < 0.5) {
            findings.push(Finding::PreferencesForgotten { recall_rate: r });
        }

        let self_service = self.self_service_summary()?;
        if let Some(s) = &self_service {
            findings.extend(
                s.without_fallback
                    .iter()
                    .map(|f| Finding::ForcedSelfService { flow: f.clone() }),
            );
        }
        let listening = self.listening_summary()?;
        if let Some(l) = &listening {
            findings.extend(
                l.unmonitored
                    .iter()
                    .map(|c| Finding::UnmonitoredChannel { channel: c.clone() }),
            );
            if let Some(r) = l.answer_rate.filter(|&r| r < 0.5) {
                findings.push(Finding::MostMentionsUnanswered { answer_rate: r });
            }
        }
        let loyalty = self.loyalty_summary(criteria)?;
        if let Some(l) = loyalty.as_ref().filter(|l| 2 * l.loyalists < l.tiers.len()) {
            findings.push(Finding::MostlyCasual {
                loyalist_share: l.loyalist_share,
            });
        }
        Ok(AnticipationReport {
            needs: self.needs.len(),
            anticipation_rate,
            unexpressed_anticipation_rate,
            welcomed_share,
            preference_recall_rate,
            self_service,
            listening,
            loyalty,
            findings,
        })
    }

    fn self_service_summary(&self) -> Result<Option<SelfServiceSummary>, ChecklistError> {
        let flows = &self.self_service;
        let Some(t) = tally(flows, "self-service flow", "completions", |f| {
            (&f.name, f.completed, f.started, f.human_fallback)
        })?
        else {
            return Ok(None);
        };
        Ok(Some(SelfServiceSummary {
            started: t.whole,
            completed: t.part,
            containment_rate: rate(t.part, t.whole),
            fallback_share: t.flagged_share,
            without_fallback: t.unflagged,
        }))
    }

    fn listening_summary(&self) -> Result<Option<ListeningSummary>, ChecklistError> {
        let channels = &self.listening;
        let Some(t) = tally(channels, "listening channel", "answered mentions", |c| {
            (&c.channel, c.answered, c.mentions, c.monitored)
        })?
        else {
            return Ok(None);
        };
        Ok(Some(ListeningSummary {
            monitored_share: t.flagged_share,
            mentions: t.whole,
            answered: t.part,
            answer_rate: rate(t.part, t.whole),
            unmonitored: t.unflagged,
        }))
    }

    fn loyalty_summary(
        &self,
        criteria: &LoyaltyCriteria,
    ) -> Result<Option<LoyaltySummary>, ChecklistError> {
        if self.customers.is_empty() {
            return Ok(None);
        }
        check_unique(
            self.customers.iter().map(|c| c.customer.as_str()),
            "customer",
        )?;
        let tiers = self
            .customers
            .iter()
            .map(|c| Ok((c.customer.clone(), criteria.tier(c)?)))
            .collect::<Result<Vec<_>, ChecklistError>>()?;
        let loyalists = tiers
            .iter()
            .filter(|t| t.1 == LoyaltyTier::Loyalist)
            .count();
        Ok(Some(LoyaltySummary {
            criteria: *criteria,
            loyalists,
            casual: tiers.len() - loyalists,
            loyalist_share: loyalists as f64 / tiers.len() as f64,
            tiers,
        }))
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`LoyaltyCriteria`], checked by [`LoyaltyCriteriaBuilder::build`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct LoyaltyCriteriaRepr {
        #[serde(default)]
        repeat_rate: Option<f64>,
        #[serde(default)]
        share_of_wallet: Option<f64>,
        #[serde(default)]
        referrals: Option<u32>,
    }

    impl TryFrom<LoyaltyCriteriaRepr> for LoyaltyCriteria {
        type Error = ChecklistError;
        fn try_from(r: LoyaltyCriteriaRepr) -> Result<Self, ChecklistError> {
            let mut builder = LoyaltyCriteria::builder();
            builder.criteria = LoyaltyCriteria {
                repeat_rate: r.repeat_rate,
                share_of_wallet: r.share_of_wallet,
                referrals: r.referrals,
            };
            builder.build()
        }
    }
}

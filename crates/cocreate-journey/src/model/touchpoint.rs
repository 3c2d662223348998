//! Touchpoints: where the customer meets the brand, through which channel and whose.

use std::fmt;

/// The kind of channel a touchpoint belongs to.
///
/// The list covers the touchpoints IBM's customer-experience study names (salespeople,
/// call centres, brochures, invoices and bills, websites, advertising, mobile apps) and
/// the usual additions (store, email, search, social media); anything else is
/// [`ChannelKind::Other`].
///
/// ```
/// use cocreate_journey::ChannelKind;
///
/// assert_eq!(ChannelKind::from_name("call_center"), ChannelKind::CallCentre);
/// assert_eq!(ChannelKind::from_name("kiosk"), ChannelKind::Other("kiosk".into()));
/// assert_eq!(ChannelKind::MobileApp.name(), "mobile_app");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ChannelKind {
    /// A salesperson.
    Salesperson,
    /// A call centre.
    CallCentre,
    /// A marketing or advertising brochure.
    Brochure,
    /// An invoice or bill.
    Invoice,
    /// A website.
    Website,
    /// Advertising (print, broadcast, display).
    Advertising,
    /// A mobile app.
    MobileApp,
    /// A physical store.
    Store,
    /// Email.
    Email,
    /// A search engine.
    Search,
    /// Social media.
    Social,
    /// Any other channel, by name.
    Other(String),
}

const KINDS: [(ChannelKind, &str, &[&str]); 11] = [
    (ChannelKind::Salesperson, "salesperson", &["sales"]),
    (
        ChannelKind::CallCentre,
        "call_centre",
        &["call_center", "call centre", "call center", "phone"],
    ),
    (ChannelKind::Brochure, "brochure", &[]),
    (ChannelKind::Invoice, "invoice", &["bill"]),
    (ChannelKind::Website, "website", &["web"]),
    (ChannelKind::Advertising, "advertising", &["ad", "ads"]),
    (ChannelKind::MobileApp, "mobile_app", &["app", "mobile app"]),
    (ChannelKind::Store, "store", &["shop"]),
    (ChannelKind::Email, "email", &["e-mail"]),
    (ChannelKind::Search, "search", &[]),
    (
        ChannelKind::Social,
        "social",
        &["social_media", "social media"],
    ),
];

impl ChannelKind {
    /// The kind a channel name denotes (ASCII case ignored; common spellings such as
    /// `call_center`, `ad` and `app` are recognised); unknown names become
    /// [`ChannelKind::Other`].
    ///
    /// ```
    /// use cocreate_journey::ChannelKind;
    ///
    /// assert_eq!(ChannelKind::from_name("Ad"), ChannelKind::Advertising);
    /// ```
    pub fn from_name(name: &str) -> ChannelKind {
        let trimmed = name.trim();
        KINDS
            .iter()
            .find(|(_, canonical, aliases)| {
                canonical.eq_ignore_ascii_case(trimmed)
                    || aliases.iter().any(|a| a.eq_ignore_ascii_case(trimmed))
            })
            .map_or_else(
                || ChannelKind::Other(trimmed.to_owned()),
                |(k, _, _)| k.clone(),
            )
    }

    /// The kind's canonical name (for [`ChannelKind::Other`], its own name).
    ///
    /// ```
    /// use cocreate_journey::ChannelKind;
    ///
    /// assert_eq!(ChannelKind::CallCentre.name(), "call_centre");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            ChannelKind::Other(name) => name,
            kind => KINDS
                .iter()
                .find(|(k, _, _)| k == kind)
                .map_or("", |(_, n, _)| n),
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who owns a touchpoint (Lemon & Verhoef 2016).
///
/// ```
/// use cocreate_journey::TouchpointOwner;
///
/// assert_eq!(TouchpointOwner::SocialExternal.to_string(), "social/external");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TouchpointOwner {
    /// Designed and managed by the brand (its website, its salespeople).
    Brand,
    /// Run with a partner (a retailer, a marketing agency).
    Partner,
    /// Under the customer's control (their own research, their way of using the product).
    Customer,
    /// Outside everyone's control (peers, reviews, independent media).
    SocialExternal,
}

impl fmt::Display for TouchpointOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TouchpointOwner::Brand => "brand",
            TouchpointOwner::Partner => "partner",
            TouchpointOwner::Customer => "customer",
            TouchpointOwner::SocialExternal => "social/external",
        })
    }
}

/// A touchpoint: an identified place where the customer meets the brand.
///
/// ```
/// use cocreate_journey::{ChannelKind, Touchpoint, TouchpointOwner};
///
/// let tp = Touchpoint::new("web-shop", ChannelKind::Website, TouchpointOwner::Brand);
/// assert_eq!(tp.id, "web-shop");
/// assert_eq!(tp.to_string(), "web-shop (website, brand)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Touchpoint {
    /// The identifier (for example the channel name in an event log).
    pub id: String,
    /// The kind of channel.
    pub kind: ChannelKind,
    /// Who owns the touchpoint.
    pub owner: TouchpointOwner,
}

impl Touchpoint {
    /// A touchpoint with an id, a channel kind and an owner.
    ///
    /// ```
    /// use cocreate_journey::{ChannelKind, Touchpoint, TouchpointOwner};
    ///
    /// let tp = Touchpoint::new("hotline", ChannelKind::CallCentre, TouchpointOwner::Partner);
    /// assert_eq!(tp.owner, TouchpointOwner::Partner);
    /// ```
    pub fn new(id: impl Into<String>, kind: ChannelKind, owner: TouchpointOwner) -> Self {
        Touchpoint {
            id: id.into(),
            kind,
            owner,
        }
    }

    /// A brand-owned touchpoint whose kind is read from its id with
    /// [`ChannelKind::from_name`].
    ///
    /// ```
    /// use cocreate_journey::{ChannelKind, Touchpoint, TouchpointOwner};
    ///
    /// let tp = Touchpoint::brand("store");
    /// assert_eq!(tp.kind, ChannelKind::Store);
    /// assert_eq!(tp.owner, TouchpointOwner::Brand);
    /// ```
    pub fn brand(id: impl Into<String>) -> Self {
        let id = id.into();
        let kind = ChannelKind::from_name(&id);
        Touchpoint::new(id, kind, TouchpointOwner::Brand)
    }
}

impl fmt::Display for Touchpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.id, self.kind, self.owner)
    }
}

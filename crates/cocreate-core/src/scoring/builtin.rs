//! Built-in Big Five instruments: scoring keys, response ranges and sources.
//!
//! Item text ships only for the public-domain IPIP instruments ([`ipip50`],
//! [`mini_ipip`], [`psych_bfi25`]); the others (TIPI, BFI-44, the BFI-2 family, BFI-10)
//! are copyrighted, so only their keys are here. Items of numbered instruments are named
//! `Q1`, `Q2`, … in questionnaire order; use [`Instrument::rename_items`] when a data
//! set's columns are named otherwise. Keys are documented with their sources in
//! `docs/methods/scoring.md`.
//!
//! ```
//! use cocreate_core::scoring::builtin;
//!
//! let bfi2 = builtin::bfi2();
//! assert_eq!(bfi2.items().len(), 60);
//! assert_eq!(bfi2.scales().len(), 5 + 15); // domains and facets
//! assert_eq!(builtin::ipip50().item_text("Q1"), Some("Am the life of the party."));
//! ```

use std::collections::BTreeMap;

use super::instrument::{Instrument, Scale};
use cocreate_stats::ResponseRange;

/// Builds a scale of numbered items from a key such as `"1, 6R, 11"`.
fn numbered(name: &str, label: &str, key: &str) -> Scale {
    let (items, reverse): (Vec<String>, Vec<bool>) = key
        .split(',')
        .map(|t| {
            let t = t.trim();
            match t.strip_suffix('R') {
                Some(n) => (format!("Q{n}"), true),
                None => (format!("Q{t}"), false),
            }
        })
        .unzip();
    Scale::new(name, items, reverse)
        .expect("built-in key tables are valid (checked by unit tests)")
        .with_label(label)
}

fn build(name: &str, min: f64, max: f64, source: &str, scales: Vec<Scale>) -> Instrument {
    let range = ResponseRange::new(min, max).expect("built-in ranges are valid");
    Instrument::new(name, range, scales)
        .expect("built-in instruments are valid (checked by unit tests)")
        .with_source(source)
}

/// The instrument with items stored in questionnaire order `Q1..Qn`.
fn in_order(inst: Instrument, n: usize) -> Instrument {
    inst.with_item_order((1..=n).map(|i| format!("Q{i}")).collect())
        .expect("built-in instruments number their items 1..n")
}

fn with_text(inst: Instrument, text: &[&str]) -> Instrument {
    let map: BTreeMap<String, String> = text
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("Q{}", i + 1), (*t).to_string()))
        .collect();
    inst.with_item_text(map)
        .expect("built-in item text names the instrument's items")
}

/// IPIP Big-Five Factor Markers, 50 items (Goldberg 1992; IPIP version), answered 1–5
/// (Very Inaccurate … Very Accurate). Public domain: item text included.
///
/// Scales `E` (Extraversion), `A` (Agreeableness), `C` (Conscientiousness), `ES`
/// (Emotional Stability), `I` (Intellect/Imagination); items cycle E, A, C, ES, I.
///
/// ```
/// let ipip = cocreate_core::scoring::builtin::ipip50();
/// assert_eq!(ipip.scale("ES").unwrap().reverse().iter().filter(|&&r| r).count(), 8);
/// ```
pub fn ipip50() -> Instrument {
    let inst = build(
        "IPIP-50",
        1.0,
        5.0,
        "Goldberg (1992) Big-Five factor markers, IPIP 50-item version; key: ipip.ori.org/newScoringInstructions.htm",
        vec![
            numbered("E", "Extraversion", "1, 6R, 11, 16R, 21, 26R, 31, 36R, 41, 46R"),
            numbered("A", "Agreeableness", "2R, 7, 12R, 17, 22R, 27, 32R, 37, 42, 47"),
            numbered("C", "Conscientiousness", "3, 8R, 13, 18R, 23, 28R, 33, 38R, 43, 48"),
            numbered("ES", "Emotional Stability", "4R, 9, 14R, 19, 24R, 29R, 34R, 39R, 44R, 49R"),
            numbered("I", "Intellect/Imagination", "5, 10R, 15, 20R, 25, 30R, 35, 40, 45, 50"),
        ],
    );
    // Store items in questionnaire order (Q1..Q50), not scale by scale.
    with_text(in_order(inst, 50), &IPIP50_TEXT)
}

const IPIP50_TEXT: [&str; 50] = [
    "Am the life of the party.",
    "Feel little concern for others.",
    "Am always prepared.",
    "Get stressed out easily.",
    "Have a rich vocabulary.",
    "Don't talk a lot.",
    "Am interested in people.",
    "Leave my belongings around.",
    "Am relaxed most of the time.",
    "Have difficulty understanding abstract ideas.",
    "Feel comfortable around people.",
    "Insult people.",
    "Pay attention to details.",
    "Worry about things.",
    "Have a vivid imagination.",
    "Keep in the background.",
    "Sympathize with others' feelings.",
    "Make a mess of things.",
    "Seldom feel blue.",
    "Am not interested in abstract ideas.",
    "Start conversations.",
    "Am not interested in other people's problems.",
    "Get chores done right away.",
    "Am easily disturbed.",
    "Have excellent ideas.",
    "Have little to say.",
    "Have a soft heart.",
    "Often forget to put things back in their proper place.",
    "Get upset easily.",
    "Do not have a good imagination.",
    "Talk to a lot of different people at parties.",
    "Am not really interested in others.",
    "Like order.",
    "Change my mood a lot.",
    "Am quick to understand things.",
    "Don't like to draw attention to myself.",
    "Take time out for others.",
    "Shirk my duties.",
    "Have frequent mood swings.",
    "Use difficult words.",
    "Don't mind being the center of attention.",
    "Feel others' emotions.",
    "Follow a schedule.",
    "Get irritated easily.",
    "Spend time reflecting on things.",
    "Am quiet around strangers.",
    "Make people feel at ease.",
    "Am exacting in my work.",
    "Often feel blue.",
    "Am full of ideas.",
];

/// Mini-IPIP, 20 items (Donnellan, Oswald, Baird & Lucas 2006), answered 1–5. Public
/// domain: item text included. Scales `E`, `A`, `C`, `N` (Neuroticism), `I`.
///
/// ```
/// let mini = cocreate_core::scoring::builtin::mini_ipip();
/// assert_eq!(mini.scale("I").unwrap().keys(), ["Q5", "-Q10", "-Q15", "-Q20"]);
/// ```
pub fn mini_ipip() -> Instrument {
    let inst = build(
        "Mini-IPIP",
        1.0,
        5.0,
        "Donnellan, Oswald, Baird & Lucas (2006), Psychological Assessment 18:192-203; key: ipip.ori.org/MiniIPIPKey.htm",
        vec![
            numbered("E", "Extraversion", "1, 6R, 11, 16R"),
            numbered("A", "Agreeableness", "2, 7R, 12, 17R"),
            numbered("C", "Conscientiousness", "3, 8R, 13, 18R"),
            numbered("N", "Neuroticism", "4, 9R, 14, 19R"),
            numbered("I", "Intellect/Imagination", "5, 10R, 15R, 20R"),
        ],
    );
    with_text(in_order(inst, 20), &MINI_IPIP_TEXT)
}

const MINI_IPIP_TEXT: [&str; 20] = [
    "Am the life of the party.",
    "Sympathize with others' feelings.",
    "Get chores done right away.",
    "Have frequent mood swings.",
    "Have a vivid imagination.",
    "Don't talk a lot.",
    "Am not interested in other people's problems.",
    "Often forget to put things back in their proper place.",
    "Am relaxed most of the time.",
    "Am not interested in abstract ideas.",
    "Talk to a lot of different people at parties.",
    "Feel others' emotions.",
    "Like order.",
    "Get upset easily.",
    "Have difficulty understanding abstract ideas.",
    "Keep in the background.",
    "Am not really interested in others.",
    "Make a mess of things.",
    "Seldom feel blue.",
    "Do not have a good imagination.",
];

/// Ten-Item Personality Inventory (Gosling, Rentfrow & Swann 2003), answered 1–7; keys
/// only. Scales `E`, `A`, `C`, `ES` (Emotional Stability), `O`; each the mean of two items.
///
/// ```
/// let tipi = cocreate_core::scoring::builtin::tipi();
/// assert_eq!(tipi.range().max(), 7.0);
/// ```
pub fn tipi() -> Instrument {
    let inst = build(
        "TIPI",
        1.0,
        7.0,
        "Gosling, Rentfrow & Swann (2003), J. Research in Personality 37:504-528",
        vec![
            numbered("E", "Extraversion", "1, 6R"),
            numbered("A", "Agreeableness", "2R, 7"),
            numbered("C", "Conscientiousness", "3, 8R"),
            numbered("ES", "Emotional Stability", "4R, 9"),
            numbered("O", "Openness to Experiences", "5, 10R"),
        ],
    );
    in_order(inst, 10)
}

/// Big Five Inventory, 44 items (John, Donahue & Kentle 1991), answered 1–5; keys only.
/// Scales `E`, `A`, `C`, `N`, `O`.
///
/// ```
/// let bfi = cocreate_core::scoring::builtin::bfi44();
/// assert_eq!(bfi.scale("O").unwrap().len(), 10);
/// ```
pub fn bfi44() -> Instrument {
    let inst = build(
        "BFI-44",
        1.0,
        5.0,
        "John, Donahue & Kentle (1991); John & Srivastava (1999)",
        vec![
            numbered("E", "Extraversion", "1, 6R, 11, 16, 21R, 26, 31R, 36"),
            numbered("A", "Agreeableness", "2R, 7, 12R, 17, 22, 27R, 32, 37R, 42"),
            numbered(
                "C",
                "Conscientiousness",
                "3, 8R, 13, 18R, 23R, 28, 33, 38, 43R",
            ),
            numbered("N", "Neuroticism", "4, 9R, 14, 19, 24R, 29, 34R, 39"),
            numbered("O", "Openness", "5, 10, 15, 20, 25, 30, 35R, 40, 41R, 44"),
        ],
    );
    in_order(inst, 44)
}

/// BFI-2, 60 items (Soto & John 2017), answered 1–5; keys only. Five domain scales `E`,
/// `A`, `C`, `N` (Negative Emotionality), `O` (Open-Mindedness) and fifteen 4-item facet
/// scales, which share their items with the domains.
///
/// ```
/// let bfi2 = cocreate_core::scoring::builtin::bfi2();
/// assert_eq!(bfi2.scale("Anxiety").unwrap().keys(), ["-Q4", "Q19", "Q34", "-Q49"]);
/// ```
pub fn bfi2() -> Instrument {
    let inst = build(
        "BFI-2",
        1.0,
        5.0,
        "Soto & John (2017), JPSP 113:117-143",
        vec![
            numbered(
                "E",
                "Extraversion",
                "1, 6, 11R, 16R, 21, 26R, 31R, 36R, 41, 46, 51R, 56",
            ),
            numbered(
                "A",
                "Agreeableness",
                "2, 7, 12R, 17R, 22R, 27, 32, 37R, 42R, 47R, 52, 57",
            ),
            numbered(
                "C",
                "Conscientiousness",
                "3R, 8R, 13, 18, 23R, 28R, 33, 38, 43, 48R, 53, 58R",
            ),
            numbered(
                "N",
                "Negative Emotionality",
                "4R, 9R, 14, 19, 24R, 29R, 34, 39, 44R, 49R, 54, 59",
            ),
            numbered(
                "O",
                "Open-Mindedness",
                "5R, 10, 15, 20, 25R, 30R, 35, 40, 45R, 50R, 55R, 60",
            ),
            numbered("Sociability", "E facet", "1, 16R, 31R, 46"),
            numbered("Assertiveness", "E facet", "6, 21, 36R, 51R"),
            numbered("Energy Level", "E facet", "11R, 26R, 41, 56"),
            numbered("Compassion", "A facet", "2, 17R, 32, 47R"),
            numbered("Respectfulness", "A facet", "7, 22R, 37R, 52"),
            numbered("Trust", "A facet", "12R, 27, 42R, 57"),
            numbered("Organization", "C facet", "3R, 18, 33, 48R"),
            numbered("Productiveness", "C facet", "8R, 23R, 38, 53"),
            numbered("Responsibility", "C facet", "13, 28R, 43, 58R"),
            numbered("Anxiety", "N facet", "4R, 19, 34, 49R"),
            numbered("Depression", "N facet", "9R, 24R, 39, 54"),
            numbered("Emotional Volatility", "N facet", "14, 29R, 44R, 59"),
            numbered("Intellectual Curiosity", "O facet", "10, 25R, 40, 55R"),
            numbered("Aesthetic Sensitivity", "O facet", "5R, 20, 35, 50R"),
            numbered("Creative Imagination", "O facet", "15, 30R, 45R, 60"),
        ],
    );
    in_order(inst, 60)
}

/// BFI-2-S, 30 items (Soto & John 2017, J. Research in Personality 68:69–81), answered
/// 1–5; keys only. Domain scales `E`, `A`, `C`, `N`, `O`.
///
/// ```
/// let s = cocreate_core::scoring::builtin::bfi2_s();
/// assert_eq!(s.items().len(), 30);
/// ```
pub fn bfi2_s() -> Instrument {
    let inst = build(
        "BFI-2-S",
        1.0,
        5.0,
        "Soto & John (2017), J. Research in Personality 68:69-81",
        vec![
            numbered("E", "Extraversion", "1R, 6, 11, 16, 21R, 26R"),
            numbered("A", "Agreeableness", "2, 7R, 12, 17R, 22, 27R"),
            numbered("C", "Conscientiousness", "3R, 8R, 13, 18, 23, 28R"),
            numbered("N", "Negative Emotionality", "4, 9, 14R, 19R, 24R, 29"),
            numbered("O", "Open-Mindedness", "5, 10R, 15, 20R, 25, 30R"),
        ],
    );
    in_order(inst, 30)
}

/// BFI-2-XS, 15 items (Soto & John 2017), answered 1–5; keys only. Domain scales only:
/// the BFI-2-XS must not be scored for facets.
///
/// ```
/// let xs = cocreate_core::scoring::builtin::bfi2_xs();
/// assert_eq!(xs.scale("N").unwrap().keys(), ["Q4", "Q9", "-Q14"]);
/// ```
pub fn bfi2_xs() -> Instrument {
    let inst = build(
        "BFI-2-XS",
        1.0,
        5.0,
        "Soto & John (2017), J. Research in Personality 68:69-81 (XS = BFI-2-S items 1-15)",
        vec![
            numbered("E", "Extraversion", "1R, 6, 11"),
            numbered("A", "Agreeableness", "2, 7R, 12"),
            numbered("C", "Conscientiousness", "3R, 8R, 13"),
            numbered("N", "Negative Emotionality", "4, 9, 14R"),
            numbered("O", "Open-Mindedness", "5, 10R, 15"),
        ],
    );
    in_order(inst, 15)
}

/// BFI-10 (Rammstedt & John 2007), answered 1–5; keys only. Two items per domain.
///
/// ```
/// let b = cocreate_core::scoring::builtin::bfi10();
/// assert_eq!(b.scale("O").unwrap().keys(), ["-Q5", "Q10"]);
/// ```
pub fn bfi10() -> Instrument {
    let inst = build(
        "BFI-10",
        1.0,
        5.0,
        "Rammstedt & John (2007), J. Research in Personality 41:203-212",
        vec![
            numbered("E", "Extraversion", "1R, 6"),
            numbered("A", "Agreeableness", "2, 7R"),
            numbered("C", "Conscientiousness", "3R, 8"),
            numbered("N", "Neuroticism", "4R, 9"),
            numbered("O", "Openness", "5R, 10"),
        ],
    );
    in_order(inst, 10)
}

/// The 25 IPIP items of psych's `bfi` data set with psych's `bfi.keys`, answered 1–6.
/// Items are named as in the data (`A1` … `O5`); public domain, item text included.
///
/// ```
/// let bfi = cocreate_core::scoring::builtin::psych_bfi25();
/// assert_eq!(bfi.scale("agree").unwrap().keys(), ["-A1", "A2", "A3", "A4", "A5"]);
/// assert_eq!(bfi.range().max(), 6.0);
/// ```
pub fn psych_bfi25() -> Instrument {
    let scale = |name: &str, label: &str, keys: &[&str]| {
        Scale::from_keys(name, keys)
            .expect("built-in key tables are valid (checked by unit tests)")
            .with_label(label)
    };
    let inst = build(
        "psych bfi (25 IPIP items)",
        1.0,
        6.0,
        "psych 2.2.9 bfi.keys and psychTools::bfi.dictionary (IPIP items, SAPA project)",
        vec![
            scale("agree", "Agreeableness", &["-A1", "A2", "A3", "A4", "A5"]),
            scale(
                "conscientious",
                "Conscientiousness",
                &["C1", "C2", "C3", "-C4", "-C5"],
            ),
            scale(
                "extraversion",
                "Extraversion",
                &["-E1", "-E2", "E3", "E4", "E5"],
            ),
            scale(
                "neuroticism",
                "Neuroticism",
                &["N1", "N2", "N3", "N4", "N5"],
            ),
            scale("openness", "Openness", &["O1", "-O2", "O3", "O4", "-O5"]),
        ],
    );
    let names = [
        "A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3", "C4", "C5", "E1", "E2", "E3", "E4", "E5",
        "N1", "N2", "N3", "N4", "N5", "O1", "O2", "O3", "O4", "O5",
    ];
    let text = [
        "Am indifferent to the feelings of others.",
        "Inquire about others' well-being.",
        "Know how to comfort others.",
        "Love children.",
        "Make people feel at ease.",
        "Am exacting in my work.",
        "Continue until everything is perfect.",
        "Do things according to a plan.",
        "Do things in a half-way manner.",
        "Waste my time.",
        "Don't talk a lot.",
        "Find it difficult to approach others.",
        "Know how to captivate people.",
        "Make friends easily.",
        "Take charge.",
        "Get angry easily.",
        "Get irritated easily.",
        "Have frequent mood swings.",
        "Often feel blue.",
        "Panic easily.",
        "Am full of ideas.",
        "Avoid difficult reading material.",
        "Carry the conversation to a higher level.",
        "Spend time reflecting on things.",
        "Will not probe deeply into a subject.",
    ];
    let map = names
        .iter()
        .zip(text)
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    inst.with_item_text(map)
        .expect("built-in item text names the instrument's items")
}

/// Every built-in instrument, for listing and lookup.
///
/// ```
/// let all = cocreate_core::scoring::builtin::all();
/// assert!(all.iter().any(|i| i.name() == "Mini-IPIP"));
/// ```
pub fn all() -> Vec<Instrument> {
    vec![
        ipip50(),
        mini_ipip(),
        tipi(),
        bfi44(),
        bfi2(),
        bfi2_s(),
        bfi2_xs(),
        bfi10(),
        psych_bfi25(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (scale, 1-based item numbers, reversed item numbers) for a numbered instrument.
    fn key_of(inst: &Instrument, scale: &str) -> (Vec<usize>, Vec<usize>) {
        let s = inst.scale(scale).unwrap();
        let num = |i: &String| i.trim_start_matches('Q').parse::<usize>().unwrap();
        let items = s.items().iter().map(num).collect();
        let rev = s
            .items()
            .iter()
            .zip(s.reverse())
            .filter(|&(_, &r)| r)
            .map(|(i, _)| num(i))
            .collect();
        (items, rev)
    }

    fn assert_questionnaire_order(inst: &Instrument, n: usize) {
        let expect: Vec<String> = (1..=n).map(|i| format!("Q{i}")).collect();
        assert_eq!(inst.items(), expect.as_slice(), "{}", inst.name());
    }

    #[test]
    fn ipip50_key_table() {
        let i = ipip50();
        assert_questionnaire_order(&i, 50);
        assert_eq!((i.range().min(), i.range().max()), (1.0, 5.0));
        // Items cycle E, A, C, ES, I by position.
        for (d, name) in ["E", "A", "C", "ES", "I"].iter().enumerate() {
            let (items, _) = key_of(&i, name);
            assert_eq!(items, (0..10).map(|k| d + 1 + 5 * k).collect::<Vec<_>>());
        }
        let mut rev: Vec<usize> = ["E", "A", "C", "ES", "I"]
            .iter()
            .flat_map(|s| key_of(&i, s).1)
            .collect();
        rev.sort_unstable();
        assert_eq!(
            rev,
            [
                2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 29, 30, 32, 34, 36, 38, 39, 44,
                46, 49
            ]
        );
        assert_eq!(i.item_text("Q50"), Some("Am full of ideas."));
        assert_eq!(
            (1..=50)
                .filter(|k| i.item_text(&format!("Q{k}")).is_some())
                .count(),
            50
        );
    }

    #[test]
    fn mini_ipip_key_table() {
        let i = mini_ipip();
        assert_questionnaire_order(&i, 20);
        assert_eq!(key_of(&i, "E"), (vec![1, 6, 11, 16], vec![6, 16]));
        assert_eq!(key_of(&i, "A"), (vec![2, 7, 12, 17], vec![7, 17]));
        assert_eq!(key_of(&i, "C"), (vec![3, 8, 13, 18], vec![8, 18]));
        assert_eq!(key_of(&i, "N"), (vec![4, 9, 14, 19], vec![9, 19]));
        assert_eq!(key_of(&i, "I"), (vec![5, 10, 15, 20], vec![10, 15, 20]));
        assert_eq!(i.item_text("Q4"), Some("Have frequent mood swings."));
    }

    #[test]
    fn tipi_key_table() {
        let i = tipi();
        assert_questionnaire_order(&i, 10);
        assert_eq!((i.range().min(), i.range().max()), (1.0, 7.0));
        assert_eq!(key_of(&i, "E"), (vec![1, 6], vec![6]));
        assert_eq!(key_of(&i, "A"), (vec![2, 7], vec![2]));
        assert_eq!(key_of(&i, "C"), (vec![3, 8], vec![8]));
        assert_eq!(key_of(&i, "ES"), (vec![4, 9], vec![4]));
        assert_eq!(key_of(&i, "O"), (vec![5, 10], vec![10]));
        assert_eq!(i.item_text("Q1"), None);
    }

    #[test]
    fn bfi44_key_table() {
        let i = bfi44();
        assert_questionnaire_order(&i, 44);
        assert_eq!(
            key_of(&i, "E"),
            (vec![1, 6, 11, 16, 21, 26, 31, 36], vec![6, 21, 31])
        );
        assert_eq!(
            key_of(&i, "A"),
            (vec![2, 7, 12, 17, 22, 27, 32, 37, 42], vec![2, 12, 27, 37])
        );
        assert_eq!(
            key_of(&i, "C"),
            (vec![3, 8, 13, 18, 23, 28, 33, 38, 43], vec![8, 18, 23, 43])
        );
        assert_eq!(
            key_of(&i, "N"),
            (vec![4, 9, 14, 19, 24, 29, 34, 39], vec![9, 24, 34])
        );
        assert_eq!(
            key_of(&i, "O"),
            (vec![5, 10, 15, 20, 25, 30, 35, 40, 41, 44], vec![35, 41])
        );
    }

    #[test]
    fn bfi2_key_table() {
        let i = bfi2();
        assert_questionnaire_order(&i, 60);
        let domains = ["E", "A", "C", "N", "O"];
        for (d, name) in domains.iter().enumerate() {
            let (items, rev) = key_of(&i, name);
            assert_eq!(items, (0..12).map(|k| d + 1 + 5 * k).collect::<Vec<_>>());
            assert_eq!(rev.len(), 6, "{name}: 6 true- and 6 false-keyed items");
        }
        assert_eq!(key_of(&i, "E").1, [11, 16, 26, 31, 36, 51]);
        assert_eq!(key_of(&i, "A").1, [12, 17, 22, 37, 42, 47]);
        assert_eq!(key_of(&i, "C").1, [3, 8, 23, 28, 48, 58]);
        assert_eq!(key_of(&i, "N").1, [4, 9, 24, 29, 44, 49]);
        assert_eq!(key_of(&i, "O").1, [5, 25, 30, 45, 50, 55]);
        // Each domain's three facets partition its items with the same keying.
        let facets = [
            ("E", ["Sociability", "Assertiveness", "Energy Level"]),
            ("A", ["Compassion", "Respectfulness", "Trust"]),
            ("C", ["Organization", "Productiveness", "Responsibility"]),
            ("N", ["Anxiety", "Depression", "Emotional Volatility"]),
            (
                "O",
                [
                    "Intellectual Curiosity",
                    "Aesthetic Sensitivity",
                    "Creative Imagination",
                ],
            ),
        ];
        for (domain, fs) in facets {
            let (mut items, mut rev) = (Vec::new(), Vec::new());
            for f in fs {
                let (a, b) = key_of(&i, f);
                assert_eq!(a.len(), 4);
                items.extend(a);
                rev.extend(b);
            }
            items.sort_unstable();
            rev.sort_unstable();
            assert_eq!((items, rev), key_of(&i, domain), "{domain}");
        }
        assert_eq!(key_of(&i, "Trust"), (vec![12, 27, 42, 57], vec![12, 42]));
    }

    #[test]
    fn bfi2_short_forms_key_tables() {
        let s = bfi2_s();
        assert_questionnaire_order(&s, 30);
        assert_eq!(
            key_of(&s, "E"),
            (vec![1, 6, 11, 16, 21, 26], vec![1, 21, 26])
        );
        assert_eq!(
            key_of(&s, "A"),
            (vec![2, 7, 12, 17, 22, 27], vec![7, 17, 27])
        );
        assert_eq!(
            key_of(&s, "C"),
            (vec![3, 8, 13, 18, 23, 28], vec![3, 8, 28])
        );
        assert_eq!(
            key_of(&s, "N"),
            (vec![4, 9, 14, 19, 24, 29], vec![14, 19, 24])
        );
        assert_eq!(
            key_of(&s, "O"),
            (vec![5, 10, 15, 20, 25, 30], vec![10, 20, 30])
        );
        let xs = bfi2_xs();
        assert_questionnaire_order(&xs, 15);
        // The XS is the S form's first 15 items with the same keys.
        for d in ["E", "A", "C", "N", "O"] {
            let (si, sr) = key_of(&s, d);
            let keep = |v: Vec<usize>| v.into_iter().filter(|&k| k <= 15).collect::<Vec<_>>();
            assert_eq!(key_of(&xs, d), (keep(si), keep(sr)), "{d}");
        }
    }

    #[test]
    fn bfi10_key_table() {
        let i = bfi10();
        assert_questionnaire_order(&i, 10);
        assert_eq!(key_of(&i, "E"), (vec![1, 6], vec![1]));
        assert_eq!(key_of(&i, "A"), (vec![2, 7], vec![7]));
        assert_eq!(key_of(&i, "C"), (vec![3, 8], vec![3]));
        assert_eq!(key_of(&i, "N"), (vec![4, 9], vec![4]));
        assert_eq!(key_of(&i, "O"), (vec![5, 10], vec![5]));
    }

    #[test]
    fn psych_bfi25_key_table() {
        let i = psych_bfi25();
        assert_eq!((i.range().min(), i.range().max()), (1.0, 6.0));
        assert_eq!(i.items().len(), 25);
        let keys: Vec<Vec<String>> = i.scales().iter().map(|s| s.keys()).collect();
        assert_eq!(
            keys,
            [
                vec!["-A1", "A2", "A3", "A4", "A5"],
                vec!["C1", "C2", "C3", "-C4", "-C5"],
                vec!["-E1", "-E2", "E3", "E4", "E5"],
                vec!["N1", "N2", "N3", "N4", "N5"],
                vec!["O1", "-O2", "O3", "O4", "-O5"],
            ]
        );
        assert_eq!(
            i.item_text("O5"),
            Some("Will not probe deeply into a subject.")
        );
    }

    #[test]
    fn all_have_sources() {
        for inst in all() {
            assert!(
                inst.source().is_some_and(|s| !s.is_empty()),
                "{}",
                inst.name()
            );
        }
    }
}

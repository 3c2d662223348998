//! Every validated type read from JSON: the first byte picks the type, the rest is the
//! document. Any text gives a value or an error, never a panic, and an accepted value
//! survives a round trip through its own JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Serialize};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) {
    if let Ok(value) = serde_json::from_str::<T>(text) {
        let json = serde_json::to_string(&value).expect("an accepted value serialises");
        let back: T = serde_json::from_str(&json).expect("its own JSON reads back");
        assert_eq!(back, value);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    use cocreate_core::{readiness, scoring, sem};
    match which % 8 {
        0 => round_trip::<sem::SemOptions>(text),
        1 => round_trip::<scoring::ResponseRange>(text),
        2 => round_trip::<scoring::Norms>(text),
        3 => round_trip::<readiness::Constructs>(text),
        4 => round_trip::<readiness::PathwayRule>(text),
        5 => round_trip::<readiness::ReadinessModel>(text),
        6 => round_trip::<sem::DotOptions>(text),
        _ => round_trip::<cocreate_maturity::GroupOptions>(text),
    }
});

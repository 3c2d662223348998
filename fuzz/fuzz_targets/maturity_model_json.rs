//! Maturity frameworks (JSON): any text gives a model or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cocreate_maturity::MaturityModel::from_json(text);
    }
});

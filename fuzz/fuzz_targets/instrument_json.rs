//! Instrument key files (JSON): any text gives an instrument or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cocreate_core::scoring::Instrument::from_json_str(text);
    }
});

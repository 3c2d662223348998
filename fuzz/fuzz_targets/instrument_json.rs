//! Instrument key files (JSON): any text gives an instrument or an error, never a panic;
//! an error is one short line, and an instrument read back from its own JSON is the same.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match cocreate_core::scoring::Instrument::from_json_str(text) {
            Ok(inst) => {
                let back = cocreate_core::scoring::Instrument::from_json_str(&inst.to_json_string())
                    .expect("an instrument's own JSON reads back");
                assert_eq!(back, inst);
            }
            Err(e) => {
                let message = e.to_string();
                assert!(!message.contains('\n'), "{message}");
                assert!(message.len() < 4096, "{} bytes", message.len());
            }
        }
    }
});

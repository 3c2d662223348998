//! Maturity frameworks (JSON): any text gives a model or an error, never a panic; an error
//! is one short line, and a model read back from its own JSON is the same.
#![no_main]
use libfuzzer_sys::fuzz_target;

use cocreate_maturity::MaturityModel;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match MaturityModel::from_json_str(text) {
            Ok(model) => {
                let back = MaturityModel::from_json_str(&model.to_json_string())
                    .expect("a model's own JSON reads back");
                assert_eq!(back, model);
            }
            Err(e) => {
                let message = e.to_string();
                assert!(!message.contains('\n'), "{message}");
                assert!(message.len() < 4096, "{} bytes", message.len());
            }
        }
    }
});

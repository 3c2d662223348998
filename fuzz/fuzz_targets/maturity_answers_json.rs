//! A firm's maturity answers (JSON), read and checked against the built-in model: never a
//! panic, and every error is one short line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let message = match cocreate_maturity::FirmAnswers::from_json(text) {
            Ok(answers) => match answers.sheets(&cocreate_maturity::MaturityModel::builtin()) {
                Ok(_) => return,
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        assert!(!message.contains('\n'), "{message}");
        assert!(message.len() < 4096, "{} bytes", message.len());
    }
});

//! A firm's maturity answers (JSON), read and checked against the built-in model.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(answers) = cocreate_maturity::FirmAnswers::from_json(text) {
            let _ = answers.sheets(&cocreate_maturity::MaturityModel::builtin());
        }
    }
});

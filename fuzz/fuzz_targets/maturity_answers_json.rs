//! A firm's maturity answers (JSON), read and checked against the built-in model: never a
//! panic, and every error is one short line; answers that load are scored and their
//! reports printed without a panic either.
#![no_main]
use libfuzzer_sys::fuzz_target;

use cocreate_maturity::{FirmAnswers, GroupOptions, MaturityModel};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let model = MaturityModel::builtin();
        let message = match FirmAnswers::from_json_str(text) {
            Ok(answers) => match answers.sheets(&model) {
                Ok(sheets) => match model.assess_group(&sheets, &GroupOptions::default()) {
                    Ok(result) => {
                        let roadmap = model.roadmap(&result).expect("the model's own result");
                        let report = format!("{result}\n{}\n{roadmap}", result.gaps());
                        assert!(!report.is_empty());
                        return;
                    }
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        assert!(!message.contains('\n'), "{message}");
        assert!(message.len() < 4096, "{} bytes", message.len());
    }
});

//! Model syntax fitted to a small fixed data set: any text gives a fit or an error, never
//! a panic, and every parsed model survives a JSON round trip through its validation.
#![no_main]
use std::sync::OnceLock;

use cocreate_core::data::Table;
use cocreate_core::sem::{Model, SemOptions};
use libfuzzer_sys::fuzz_target;

fn data() -> &'static Table {
    static DATA: OnceLock<Table> = OnceLock::new();
    DATA.get_or_init(|| {
        let names = ["x1", "x2", "x3", "x4", "y", "m"].map(String::from).to_vec();
        let rows = (0..60)
            .map(|i| {
                let t = i as f64;
                let f = (t * 0.7).sin();
                (0..6)
                    .map(|j| Some(f * (0.5 + 0.1 * j as f64) + (t * (1.3 + j as f64)).cos() * 0.4))
                    .collect()
            })
            .collect();
        Table::new(names, rows).expect("a valid table")
    })
}

fuzz_target!(|data_in: &[u8]| {
    let Ok(text) = std::str::from_utf8(data_in) else {
        return;
    };
    let Ok(model) = Model::parse(text) else {
        return;
    };
    let json = serde_json::to_value(&model).expect("a model serialises");
    let back: Model = serde_json::from_value(json).expect("a parsed model deserialises");
    assert_eq!(back, model);
    // Keep each input cheap: only small models are fitted.
    if model.relations().len() <= 40 {
        let _ = model.fit(data(), &SemOptions::default());
    }
});

//! A stored fit read back from JSON after edits: the fit of a small CFA is serialised once,
//! then each input edits it (the bytes choose which values to replace and by what). Any
//! edit gives an error or a fit whose reports (summary, path diagram, modification
//! indices, factor scores, validity) are made without a panic.
#![no_main]
use std::sync::OnceLock;

use cocreate_core::data::Table;
use cocreate_core::sem::{
    factor_scores, measurement_validity, DotOptions, FactorScoreOptions, Model, SemFit,
    SemOptions,
};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

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

fn stored() -> &'static Value {
    static FIT: OnceLock<Value> = OnceLock::new();
    FIT.get_or_init(|| {
        let model = Model::parse("f =~ x1 + x2 + x3 + x4\ny ~ a*f\nm ~ y\nd := a^2")
            .expect("a valid model");
        let fit = model.fit(data(), &SemOptions::default()).expect("a fit");
        serde_json::to_value(&fit).expect("a fit serialises")
    })
}

/// Every value's place in the document, in document order.
fn places(v: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push(k.clone());
                places(x, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                here.push(i.to_string());
                places(x, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(p)?,
            Value::Array(a) => a.get_mut(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fuzz_target!(|bytes: &[u8]| {
    let mut doc = stored().clone();
    let replacements = [
        json!(0),
        json!(-1),
        json!(1e308),
        json!(null),
        json!("x1"),
        json!("f"),
        json!("nowhere"),
        json!([]),
        json!(99),
        json!(true),
        json!([[1.0]]),
        json!("=~"),
    ];
    for edit in bytes.chunks_exact(3) {
        let mut all = Vec::new();
        places(&doc, &mut Vec::new(), &mut all);
        let which = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % all.len();
        let by = replacements[usize::from(edit[2]) % replacements.len()].clone();
        if let Some(slot) = at(&mut doc, &all[which]) {
            *slot = by;
        }
    }
    let Ok(fit) = serde_json::from_value::<SemFit>(doc) else {
        return;
    };
    let _ = fit.summary();
    let _ = fit.to_dot(&DotOptions::default());
    let _ = fit.modification_indices();
    let _ = factor_scores(&fit, data(), &FactorScoreOptions::default());
    let _ = measurement_validity(&fit);
});

//! Scoring speed of the maturity crate.
//!
//! Target (issue 5): 100,000 single-respondent assessments of the built-in model in at
//! most 100 ms. The answer sheets are recorded (and checked) beforehand, as a survey tool
//! would; the timed loop scores each one into a full `Assessment`, with its per-item
//! contributions and placement. A second group times a firm of 25 respondents.

use cocreate::maturity::{AnswerSheet, GroupOptions, MaturityModel};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const SHEETS: usize = 100_000;

/// Random but reproducible sheets: values 1–5, about 5% "don't know", the gate yes.
fn sheets(model: &MaturityModel, n: usize, seed: u64) -> Vec<AnswerSheet> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let mut s = model
                .sheet(&format!("r{i}"))
                .answer("gate.programme", true)
                .expect("gate");
            for item in model.items() {
                s = if rng.gen_bool(0.05) {
                    s.answer(item.id(), cocreate::maturity::Response::DontKnow)
                } else {
                    s.answer(item.id(), rng.gen_range(1..=5))
                }
                .expect("valid answer");
            }
            s.build().expect("sheet")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let model = MaturityModel::builtin();
    let all = sheets(&model, SHEETS, 2025);
    let mut group = c.benchmark_group("maturity");
    group.sample_size(10);
    group.bench_function("assess 100k single-respondent sheets", |b| {
        b.iter(|| {
            let mut levels = 0u64;
            for sheet in &all {
                let a = model.assess(black_box(sheet)).expect("same model");
                levels += u64::from(a.level().unwrap_or(0));
            }
            black_box(levels)
        })
    });
    let firm = sheets(&model, 25, 7);
    let options = GroupOptions::default();
    group.bench_function("assess a firm of 25 respondents", |b| {
        b.iter_batched(
            || firm.clone(),
            |firm| black_box(model.assess_group(&firm, &options).expect("group")),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

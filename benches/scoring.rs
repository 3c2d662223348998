//! Batch scoring and reliability speed (criterion).
//!
//! - 1,000,000 respondents × 60 byte-coded items (five interleaved 12-item scales, a third
//!   reverse keyed, 2% missing): all five scales scored single-threaded (target ≤ 60 ms
//!   and within 3× of a plain sum over the same bytes, also timed here), both into fresh
//!   output buffers (`Scorer::score`) and into the previous batch's (`Scorer::score_into`).
//! - Reliability of one 12-item scale over 100,000 respondents (target ≤ 10 ms).
//! - Reliability of one long scale (200, 400 and 1,000 items) over 1,000 respondents,
//!   α-if-dropped, λ6-if-dropped and ω included (target ≤ 1 s for 1,000 items): complete
//!   answers (the correlation matrix is then singular, 1,000 respondents give rank 999)
//!   and 2% missing.
//! - Reading answers from CSV into `Responses` (100,000 × 60, 2% missing), the step in
//!   front of scoring.
//!
//! Run: `cargo bench -p cocreate-benches --bench scoring -- --warm-up-time 1 --measurement-time 3`
//! (add `--features parallel` to see batch scoring spread over cores).

use std::hint::black_box;

use cocreate::core::data::Table;
use cocreate::core::scoring::{
    Instrument, Layout, MissingPolicy, ResponseRange, Responses, Scale, Scorer, ScoringOptions,
    MISSING,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n_scales` interleaved scales of `per_scale` items over 1–5; every third item reversed.
fn instrument(n_scales: usize, per_scale: usize) -> Instrument {
    let k = n_scales * per_scale;
    let scales = (0..n_scales)
        .map(|s| {
            let items: Vec<String> = (0..per_scale)
                .map(|t| format!("i{}", t * n_scales + s + 1))
                .collect();
            let reverse = (0..per_scale).map(|t| t % 3 == 2).collect();
            Scale::new(format!("S{}", s + 1), items, reverse).unwrap()
        })
        .collect();
    let inst = Instrument::new("bench", ResponseRange::new(1.0, 5.0).unwrap(), scales).unwrap();
    inst.with_item_order((1..=k).map(|i| format!("i{i}")).collect())
        .unwrap()
}

/// Column-major codes 1–5 with `missing` of the cells set to [`MISSING`].
fn codes(n: usize, k: usize, missing: f64, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n * k)
        .map(|_| {
            if rng.r#gen::<f64>() < missing {
                MISSING
            } else {
                rng.gen_range(1..=5u8)
            }
        })
        .collect()
}

fn batch(c: &mut Criterion) {
    let (n, k) = (1_000_000, 60);
    let inst = instrument(5, 12);
    let buf = codes(n, k, 0.02, 1);
    let responses = Responses::from_codes(&inst, n, buf.clone(), Layout::ColumnMajor).unwrap();
    let mut g = c.benchmark_group("score 1M x 60");
    g.sample_size(20);
    g.throughput(Throughput::Bytes((n * k) as u64));
    g.bench_function("floor: plain byte sum", |b| {
        b.iter(|| black_box(&buf).iter().fold(0u64, |a, &x| a + u64::from(x)))
    });
    for (name, policy) in [
        ("prorate", MissingPolicy::Prorate { min_answered: 1 }),
        ("complete", MissingPolicy::Complete),
        ("impute median", MissingPolicy::ImputeMedian),
        ("impute mean", MissingPolicy::ImputeMean),
    ] {
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        g.bench_function(format!("five scales, {name}"), |b| {
            b.iter(|| scorer.score(black_box(&responses)).unwrap())
        });
        // The same work into the previous batch's buffers: no fresh pages to fault in.
        let mut scores = scorer.score(&responses).unwrap();
        g.bench_function(format!("five scales, {name}, into reused buffers"), |b| {
            b.iter(|| {
                scorer
                    .score_into(black_box(&responses), &mut scores)
                    .unwrap();
                black_box(scores.n_respondents())
            })
        });
    }
    // The dense f64 matrix on top of scoring: 40 MB of fresh pages to fill.
    let scorer = Scorer::new(&inst, ScoringOptions::new()).unwrap();
    g.bench_function("five scales, prorate, then dense f64 (to_vec)", |b| {
        b.iter(|| scorer.score(black_box(&responses)).unwrap().to_vec())
    });
    g.finish();

    let mut g = c.benchmark_group("build 1M x 60");
    g.sample_size(10);
    let mut row_major = vec![0u8; n * k];
    for j in 0..k {
        for r in 0..n {
            row_major[r * k + j] = buf[j * n + r];
        }
    }
    // The copy handed to `from_codes` is made outside the timing. Its floor: writing the
    // same bytes into a fresh buffer of that size (page faults included).
    g.bench_function("floor: copy into a fresh buffer", |b| {
        b.iter_batched(
            || row_major.clone(),
            |codes| black_box(codes.to_vec()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("validate + transpose row-major codes", |b| {
        b.iter_batched(
            || row_major.clone(),
            |codes| Responses::from_codes(&inst, n, codes, Layout::RowMajor).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn reliability(c: &mut Criterion) {
    let n = 100_000;
    let inst = instrument(1, 12);
    // Answers driven by one latent trait so that the scale is reliable.
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut buf = vec![0u8; n * 12];
    for r in 0..n {
        let t: f64 = rng.gen_range(-1.5..1.5);
        for j in 0..12 {
            let e: f64 = rng.gen_range(-1.2..1.2);
            let x = (3.0 + t + e).round().clamp(1.0, 5.0) as u8;
            let x = if j % 3 == 2 { 6 - x } else { x };
            buf[j * n + r] = if rng.r#gen::<f64>() < 0.02 {
                MISSING
            } else {
                x
            };
        }
    }
    let responses = Responses::from_codes(&inst, n, buf, Layout::ColumnMajor).unwrap();
    let mut g = c.benchmark_group("reliability 100k x 12");
    g.sample_size(20);
    for (name, policy) in [
        (
            "pairwise (prorate)",
            MissingPolicy::Prorate { min_answered: 1 },
        ),
        ("impute median", MissingPolicy::ImputeMedian),
    ] {
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| scorer.reliability(black_box(&responses)).unwrap())
        });
    }
    g.finish();
}

/// Column-major codes of `n` respondents to `k` items driven by one trait, every third
/// item reverse keyed, `missing` of the answers missing.
fn one_factor_codes(n: usize, k: usize, missing: f64, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut buf = vec![0u8; n * k];
    for r in 0..n {
        let t: f64 = rng.gen_range(-1.5..1.5);
        for j in 0..k {
            let e: f64 = rng.gen_range(-1.5..1.5);
            let x = (3.0 + t + e).round().clamp(1.0, 5.0) as u8;
            let x = if j % 3 == 2 { 6 - x } else { x };
            buf[j * n + r] = if rng.r#gen::<f64>() < missing {
                MISSING
            } else {
                x
            };
        }
    }
    buf
}

fn long_scales(c: &mut Criterion) {
    let n = 1_000;
    let mut g = c.benchmark_group("reliability of one long scale, 1,000 respondents");
    g.sample_size(10);
    for k in [200, 400, 1_000] {
        let inst = instrument(1, k);
        for (label, missing) in [("complete", 0.0), ("2% missing", 0.02)] {
            let codes = one_factor_codes(n, k, missing, 3);
            let responses = Responses::from_codes(&inst, n, codes, Layout::ColumnMajor).unwrap();
            let scorer = Scorer::new(&inst, ScoringOptions::new()).unwrap();
            g.bench_function(format!("{k} items, {label}"), |b| {
                b.iter(|| scorer.reliability(black_box(&responses)).unwrap())
            });
        }
    }
    g.finish();
}

/// The speed survey of `benches/whole_process` as CSV text: `n` respondents, an id column,
/// 60 items (five interleaved 12-item scales on 1–5, every third reversed), 2% missing.
fn survey_csv(n: usize) -> (Instrument, String) {
    use std::fmt::Write as _;
    let inst = instrument(5, 12);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut csv = String::from("id");
    for j in 1..=60 {
        let _ = write!(csv, ",i{j}");
    }
    csv.push('\n');
    for r in 0..n {
        let traits: Vec<f64> = (0..5).map(|_| rng.gen_range(-1.5..1.5)).collect();
        let _ = write!(csv, "R{}", r + 1);
        for j in 0..60 {
            if rng.r#gen::<f64>() < 0.02 {
                csv.push(',');
                continue;
            }
            let e: f64 = rng.gen_range(-1.2..1.2);
            let x = (3.0 + traits[j % 5] + e).round().clamp(1.0, 5.0) as u8;
            let x = if (j / 5) % 3 == 2 { 6 - x } else { x };
            let _ = write!(csv, ",{x}");
        }
        csv.push('\n');
    }
    (inst, csv)
}

fn csv_to_responses(c: &mut Criterion) {
    let n = 100_000;
    let (inst, csv) = survey_csv(n);
    let mut g = c.benchmark_group("CSV to responses, 100k x 60");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("one pass into byte codes (Responses::from_csv_str)", |b| {
        b.iter(|| Responses::from_csv_str(&inst, black_box(&csv)).unwrap())
    });
    g.bench_function(
        "through a table (Table::from_csv_str, Responses::from_table)",
        |b| {
            b.iter(|| {
                let t = Table::from_csv_str(black_box(&csv)).unwrap();
                Responses::from_table(&inst, &t).unwrap()
            })
        },
    );
    let responses = Responses::from_csv_str(&inst, &csv).unwrap();
    let scorer = Scorer::new(&inst, ScoringOptions::new()).unwrap();
    g.bench_function("reliability of the five scales (omega included)", |b| {
        b.iter(|| scorer.reliability(black_box(&responses)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, batch, reliability, long_scales, csv_to_responses);
criterion_main!(benches);

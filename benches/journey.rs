//! Speed of the journey analytics on synthetic data generated here, deterministically.
//!
//! Targets (single-threaded): on 1,000,000 unique paths over 10 channels with 1–12
//! touches (85 MB of CSV), the heuristic models within 150 ms, the path loader at
//! 300 MB/s or more (≤ 283 ms) and order-1 Markov attribution, parsing included, within
//! 200 ms; the event loader at 300 MB/s or more; a directly-follows graph over 1,000,000
//! events within 50 ms; Markov attribution of 3,000 distinct channels within 1 s (group
//! `channels`: one long path, as in the 20 kB file, short paths over hub and
//! campaign channels, and short random paths; `--features parallel` runs the dense
//! factorisation and the truncated horizon on threads), and 100,000 channels at all.

use std::collections::HashSet;
use std::hint::black_box;
use std::io::Write;

use cocreate::journey::{
    heuristic_models, performance_dfg, ActivityKey, Dfg, EventLog, EventLogBuilder, MarkovOptions,
    Outcome, PathData, StageOrder, Timestamp,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CHANNELS: [&str; 10] = [
    "ad",
    "search",
    "brochure",
    "email",
    "website",
    "mobile_app",
    "salesperson",
    "store",
    "call_center",
    "invoice",
];

/// A path CSV of `n` unique paths (1–12 touches, shorter ones more common), with
/// conversion and null counts and values like those of a real funnel.
fn paths_csv(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n * 80);
    out.extend_from_slice(b"path,total_conversions,total_conversion_value,total_null\n");
    let mut path: Vec<u8> = Vec::with_capacity(12);
    while seen.len() < n {
        // Lengths 1..=12, skewed towards the middle like real journeys.
        let len = 1 + (rng.gen_range(0..12) + rng.gen_range(0..12)) / 2;
        path.clear();
        path.extend((0..len).map(|_| rng.gen_range(0..CHANNELS.len() as u8)));
        if !seen.insert(path.clone()) {
            continue;
        }
        let names: Vec<&str> = path.iter().map(|&c| CHANNELS[c as usize]).collect();
        let conversions: u32 = if rng.gen_bool(0.3) {
            rng.gen_range(1..4)
        } else {
            0
        };
        let nulls: u32 = rng.gen_range(u32::from(conversions == 0)..6);
        let value = f64::from(conversions) * rng.gen_range(20.0..400.0);
        let _ = writeln!(
            out,
            "{},{conversions},{value:.2},{nulls}",
            names.join(" > ")
        );
    }
    out
}

/// An event log of about `n` events: customers with 1–8 events, stages never going back.
fn event_log(n: usize, seed: u64) -> EventLog {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let stages = ["awareness", "evaluation", "inquiry", "purchase", "use"];
    let mut b = EventLogBuilder::new(StageOrder::standard());
    let (mut events, mut customer) = (0usize, 0u64);
    while events < n {
        let len = rng.gen_range(1..=8).min(n - events);
        let id = format!("C{customer:07}");
        let mut t = 1_700_000_000 + rng.gen_range(0..10_000_000i64);
        let mut stage = 0usize;
        for k in 0..len {
            t += rng.gen_range(60..500_000);
            stage = (stage + usize::from(rng.gen_bool(0.4))).min(4);
            let outcome = if k + 1 == len {
                Outcome::Leave
            } else {
                Outcome::Continue
            };
            let tp = CHANNELS[rng.gen_range(0..CHANNELS.len())];
            b.push(
                &id,
                Timestamp::from_unix_seconds(t),
                tp,
                stages[stage],
                outcome,
                0.0,
            )
            .expect("generated events are valid");
        }
        events += len;
        customer += 1;
    }
    b.build()
}

/// Paths over `n` distinct channels: `"line"` one path through all of them (the shape of
/// the 20 kB file), `"campaigns"` 20,000 short paths mixing four hub channels
/// (website, search, store, email) with `n` campaigns, `"random"` 20,000 short paths
/// over the `n` channels at random.
fn many_channels(shape: &str, n: usize, seed: u64) -> PathData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut data = PathData::new();
    if shape == "line" {
        let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        data.push(&names, 1.0, 10.0, 1.0).unwrap();
        return data;
    }
    let hubs = ["website", "search", "store", "email"];
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    while seen.len() < 20_000 {
        let len = rng.gen_range(1..=8);
        let path: Vec<String> = (0..len)
            .map(|_| {
                if shape == "campaigns" && rng.gen_bool(0.5) {
                    hubs[rng.gen_range(0..hubs.len())].to_owned()
                } else {
                    format!("c{}", rng.gen_range(0..n))
                }
            })
            .collect();
        if !seen.insert(path.clone()) {
            continue;
        }
        let conversions = if rng.gen_bool(0.3) {
            f64::from(rng.gen_range(1..4u8))
        } else {
            0.0
        };
        let nulls = f64::from(rng.gen_range(u8::from(conversions == 0.0)..6));
        data.push(&path, conversions, conversions * 50.0, nulls)
            .unwrap();
    }
    data
}

/// An event-log CSV of about `n` events (the columns of the bundled `events_small.csv`).
fn events_csv(n: usize, seed: u64) -> Vec<u8> {
    let log = event_log(n, seed);
    let mut out = Vec::with_capacity(n * 64);
    out.extend_from_slice(b"customer_id,timestamp,touchpoint,stage,outcome,value\n");
    for case in log.cases() {
        for k in 0..case.len() {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{:.2}",
                case.id(),
                case.timestamps()[k],
                log.touchpoint_name(case.touchpoints()[k]),
                log.stage_order().stages()[case.stages()[k] as usize].name(),
                case.outcomes()[k].name(),
                case.values()[k]
            );
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let csv = paths_csv(1_000_000, 7);
    let paths = PathData::from_csv_reader(csv.as_slice()).unwrap();
    assert_eq!(paths.n_rows(), 1_000_000);
    let mut g = c.benchmark_group("paths_1m");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Bytes(csv.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| PathData::from_csv_reader(black_box(csv.as_slice())).unwrap())
    });
    // Text in memory is split in place (no copy into the reader's buffer).
    let text = std::str::from_utf8(&csv).unwrap();
    g.bench_function("parse_str", |b| {
        b.iter(|| PathData::from_csv_str(black_box(text)).unwrap())
    });
    g.bench_function("heuristics", |b| {
        b.iter(|| heuristic_models(black_box(&paths)))
    });
    let order1 = MarkovOptions::default();
    g.bench_function("markov_order1_incl_parsing", |b| {
        b.iter(|| {
            let data = PathData::from_csv_reader(black_box(csv.as_slice())).unwrap();
            order1.fit(&data).unwrap()
        })
    });
    g.bench_function("markov_order1_incl_parsing_str", |b| {
        b.iter(|| {
            let data = PathData::from_csv_str(black_box(text)).unwrap();
            order1.fit(&data).unwrap()
        })
    });
    // From a file, as the `attribution` example reads it (with `parallel`, in two halves
    // through two handles).
    let file =
        std::env::temp_dir().join(format!("cocreate-bench-paths-{}.csv", std::process::id()));
    std::fs::write(&file, &csv).unwrap();
    g.bench_function("markov_order1_incl_parsing_file", |b| {
        b.iter(|| {
            let data = PathData::from_csv_path(black_box(&file)).unwrap();
            order1.fit(&data).unwrap()
        })
    });
    let _ = std::fs::remove_file(&file);
    g.bench_function("markov_order1_fit_only", |b| {
        b.iter(|| order1.fit(black_box(&paths)).unwrap())
    });
    for order in [2, 3] {
        let params = MarkovOptions::builder().order(order).build().unwrap();
        g.bench_function(format!("markov_order{order}_fit_only"), |b| {
            b.iter(|| params.fit(black_box(&paths)).unwrap())
        });
    }
    g.finish();

    // The reader's fast path against the `csv` crate with the same settings, on the same
    // bytes: records only (number of records and field bytes, which both must agree on),
    // then a whole load with `csv::ByteRecord` feeding `PathData::push`.
    let crlf: Vec<u8> = {
        let text = std::str::from_utf8(&csv).unwrap();
        text.replace('\n', "\r\n").into_bytes()
    };
    let via_csv = |bytes: &[u8]| -> (u64, u64) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let (mut n, mut total) = (0u64, 0u64);
        while reader.read_byte_record(&mut record).unwrap() {
            n += 1;
            total += record.iter().map(|f| f.len() as u64).sum::<u64>();
        }
        (n, total)
    };
    for bytes in [&csv, &crlf] {
        assert_eq!(
            cocreate::journey::__csv_record_stats(bytes.as_slice()).unwrap(),
            via_csv(bytes)
        );
    }
    let mut g = c.benchmark_group("csv_records_1m");
    g.sample_size(10);
    for (name, bytes) in [("lf", &csv), ("crlf", &crlf)] {
        g.bench_function(format!("cocreate_reader_{name}"), |b| {
            b.iter(|| cocreate::journey::__csv_record_stats(black_box(bytes.as_slice())).unwrap())
        });
        g.bench_function(format!("csv_byte_record_{name}"), |b| {
            b.iter(|| via_csv(black_box(bytes.as_slice())))
        });
    }
    g.bench_function("paths_load_via_csv_byte_record", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(black_box(csv.as_slice()));
            let mut record = csv::ByteRecord::new();
            let mut data = PathData::new();
            let num = |f: &[u8]| -> f64 { std::str::from_utf8(f).unwrap().trim().parse().unwrap() };
            while reader.read_byte_record(&mut record).unwrap() {
                let path = std::str::from_utf8(&record[0]).unwrap();
                data.push(
                    path.split('>'),
                    num(&record[1]),
                    num(&record[2]),
                    num(&record[3]),
                )
                .unwrap();
            }
            data
        })
    });
    g.finish();

    let log = event_log(1_000_000, 11);
    assert_eq!(log.n_events(), 1_000_000);
    let mut g = c.benchmark_group("events_1m");
    g.sample_size(10);
    g.bench_function("dfg_touchpoint", |b| {
        b.iter(|| Dfg::discover(black_box(&log), ActivityKey::Touchpoint))
    });
    g.bench_function("dfg_stage", |b| {
        b.iter(|| Dfg::discover(black_box(&log), ActivityKey::Stage))
    });
    g.bench_function("performance_dfg_touchpoint", |b| {
        b.iter(|| performance_dfg(black_box(&log), ActivityKey::Touchpoint))
    });
    g.finish();
}

fn channels(c: &mut Criterion) {
    let order1 = MarkovOptions::default();
    let mut g = c.benchmark_group("channels");
    g.sample_size(10);
    for (shape, n) in [
        ("line", 1_000),
        ("line", 3_000),
        ("campaigns", 1_000),
        ("campaigns", 3_000),
        ("random", 1_000),
        ("random", 3_000),
    ] {
        let data = many_channels(shape, n, 5);
        g.bench_function(format!("markov_order1_{shape}_{n}"), |b| {
            b.iter(|| order1.fit(black_box(&data)).unwrap())
        });
    }
    // Order 2 over 3,000 campaigns (about 40,000 states in one swept part) removes each
    // channel by a sweep of its own and takes minutes; the long path stays fast.
    let order2 = MarkovOptions::builder().order(2).build().unwrap();
    let data = many_channels("line", 3_000, 5);
    g.bench_function("markov_order2_line_3000", |b| {
        b.iter(|| order2.fit(black_box(&data)).unwrap())
    });
    let data = many_channels("line", 100_000, 5);
    g.bench_function("markov_order1_line_100000", |b| {
        b.iter(|| order1.fit(black_box(&data)).unwrap())
    });
    g.finish();
}

fn events(c: &mut Criterion) {
    let csv = events_csv(1_000_000, 11);
    let mut g = c.benchmark_group("events_csv_1m");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Bytes(csv.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| EventLog::from_csv_reader(black_box(csv.as_slice())).unwrap())
    });
    g.bench_function("records_only", |b| {
        b.iter(|| cocreate::journey::__csv_record_stats(black_box(csv.as_slice())).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench, channels, events);
criterion_main!(benches);

//! Hostile input for the path and event readers and the Markov model: every case gets
//! the exact right result (no row lost or changed) or an error that names the line and
//! column and stays short.

mod common;

use cocreate_journey::{
    EventLog, LoadError, MarkovOptions, PathData, RowProblem, MAX_CHANNELS, MAX_HORIZON,
    MAX_PATH_TOUCHPOINTS,
};

const HEADER: &str = "path,total_conversions,total_conversion_value,total_null\n";
const EVENTS_HEADER: &str = "customer_id,timestamp,touchpoint,stage,outcome,value\n";

fn paths(bytes: &[u8]) -> Result<PathData, LoadError> {
    PathData::from_csv_reader(bytes)
}

fn events(bytes: &[u8]) -> Result<EventLog, LoadError> {
    EventLog::from_csv_reader(bytes)
}

fn bundled(name: &str) -> String {
    std::fs::read_to_string(common::data(name)).expect("bundled data")
}

/// Replaces line `n` (1-based) of `text` by `f(line)`.
fn edit_line(text: &str, n: usize, f: impl Fn(&str) -> String) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[n - 1] = f(&lines[n - 1]);
    lines.join("\n") + "\n"
}

fn short(err: &LoadError) -> String {
    let text = err.to_string();
    assert!(
        text.len() < 400,
        "error of {} bytes: {:.200}",
        text.len(),
        text
    );
    assert!(!text.contains('\n'), "error on more than one line: {text}");
    text
}

// ---- Class 1: a quote inside a field never pulls lines into a record ----

#[test]
fn stray_inch_marks_in_the_bundled_paths_lose_no_row() {
    let text = bundled("paths_small.csv");
    let clean = paths(text.as_bytes()).unwrap();
    let n = text.lines().count();
    let marked = edit_line(&text, 2, |l| l.replacen("ad", "ad 5\" screen", 1));
    let marked = edit_line(&marked, n, |l| l.replacen("website", "website 7\"", 1));
    let data = paths(marked.as_bytes()).unwrap();
    let t = data.totals();
    assert_eq!((t.rows, t.conversions), (2100, 1109.0));
    assert_eq!(t, clean.totals());
    assert_eq!(data.channels().len(), clean.channels().len() + 2);
    assert!(data.channels().iter().any(|c| c == "ad 5\" screen"));
    assert!(data.channels().iter().any(|c| c == "website 7\""));
    let last = data.rows().last().unwrap();
    assert_eq!(last.line, Some(n as u64));
}

#[test]
fn stray_quotes_anywhere_but_a_field_start_are_ordinary_characters() {
    let csv = format!(
        "{HEADER}a\"d > web,1,10,0\nad\" > \"web,0,0,1\n\"\"\"quoted\"\" > x\",2,20,0\n\
         \"ad\" > web,1,5,0\n"
    );
    let data = paths(csv.as_bytes()).unwrap();
    assert_eq!(data.n_rows(), 4);
    // `"ad" > web`: the field opens with a quote, so `ad` is quoted and ` > web` follows.
    assert_eq!(
        data.channels(),
        ["a\"d", "web", "ad\"", "\"web", "\"quoted\"", "x", "ad"]
    );
    let lines: Vec<_> = data.rows().map(|r| r.line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(4), Some(5)]);
}

#[test]
fn a_quote_in_a_number_is_named_with_its_line_and_column() {
    let err = paths(format!("{HEADER}ad,1,10,0\nweb,2\",10,0\n").as_bytes()).unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert_eq!(
        short(&err),
        "line 3: column \"total_conversions\": \"2\\\"\" is not a number"
    );
}

#[test]
fn line_breaks_in_quoted_fields_are_read_where_harmless_and_refused_in_names() {
    // A free-text column the loader does not use may hold line breaks (RFC 4180);
    // the lines after it keep their numbers.
    let csv = "path,total_conversions,total_conversion_value,total_null,note\n\
               ad > web,1,10,0,\"called twice,\r\nthen bought\"\n\
               \"a, b\",0,0,2,\"\"\nstore,x,0,0,\n";
    let err = paths(csv.as_bytes()).unwrap_err();
    assert_eq!(err.line(), Some(5), "{err}");
    let data = paths(csv.replace("store,x", "store,1").as_bytes()).unwrap();
    assert_eq!(data.channels(), ["ad", "web", "a, b", "store"]);
    let lines: Vec<_> = data.rows().map(|r| r.line).collect();
    assert_eq!(lines, [Some(2), Some(4), Some(5)]);
    // In a name, a line break is refused with the lines the quoted field spans.
    let err = paths(format!("{HEADER}\"ad >\nweb\",1,10,0\n").as_bytes()).unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert!(
        short(&err).contains("column \"path\" holds a line break"),
        "{err}"
    );
    let err = events(
        format!("{EVENTS_HEADER}C1,2024-01-01,\"web\nshop\",awareness,continue,0\n").as_bytes(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        LoadError::Row {
            line: 2,
            problem: RowProblem::LineBreakInName { last_line: 3, .. }
        }
    ));
}

#[test]
fn a_stray_opening_quote_never_pulls_lines_into_a_row_silently() {
    // The quote at the start of line 2 closes on line 4: as RFC 4180 CSV this is one
    // valid-looking row whose path holds lines 2 to 4. It is refused, naming both lines.
    let csv = format!("{HEADER}\"ad > web,1,10,0\nsearch,0,0,3\nstore\" > x,1,2,0\n");
    let err = paths(csv.as_bytes()).unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert!(matches!(
        err,
        LoadError::Row {
            problem: RowProblem::LineBreakInName { last_line: 4, .. },
            ..
        }
    ));
    assert!(short(&err).contains("to line 4"), "{err}");
    // When the joined record has the wrong number of fields, that is said with the span.
    let csv = format!("{HEADER}\"ad > web,1,10,0\nsearch\",0,0\nstore,1,2,0\n");
    let err = paths(csv.as_bytes()).unwrap_err();
    assert!(matches!(
        err,
        LoadError::Row {
            line: 2,
            problem: RowProblem::RaggedAcrossLines {
                last_line: 3,
                found: 3,
                expected: 4
            }
        }
    ));
    assert!(
        short(&err).contains("runs from this line to line 3"),
        "{err}"
    );
}

#[test]
fn an_unclosed_quote_is_refused_at_its_line() {
    let csv = format!("{HEADER}ad,1,10,0\n\"web > store,1,10,0\nsearch,0,0,1\n");
    let err = paths(csv.as_bytes()).unwrap_err();
    assert!(matches!(err, LoadError::UnclosedQuote { line: 3 }), "{err}");
    assert!(short(&err).starts_with("line 3: a quoted field opened here is never closed"));
    let err =
        events(format!("{EVENTS_HEADER}C1,2024-01-01,\"ad,awareness,continue,0\n").as_bytes())
            .unwrap_err();
    assert_eq!(err.line(), Some(2));
}

#[test]
fn stray_inch_marks_in_the_bundled_events_lose_no_event() {
    let text = bundled("events_small.csv");
    let clean = events(text.as_bytes()).unwrap();
    let n = text.lines().count();
    let marked = edit_line(&text, 2, |l| {
        l.replacen(",brochure,", ",brochure 5\" A4,", 1)
    });
    let marked = edit_line(&marked, n, |l| {
        let mut f: Vec<String> = l.split(',').map(str::to_owned).collect();
        f[2].push('"');
        f.join(",")
    });
    let log = events(marked.as_bytes()).unwrap();
    assert_eq!(
        (log.n_events(), log.n_cases()),
        (clean.n_events(), clean.n_cases())
    );
    assert_eq!(log.n_events(), n - 1);
    assert!(log.touchpoints().iter().any(|t| t == "brochure 5\" A4"));
    assert_eq!(log.to_paths().totals(), {
        let mut t = clean.to_paths().totals();
        // Two touchpoints were renamed, so the number of distinct paths may differ but
        // never the customers and conversions.
        t.rows = log.to_paths().totals().rows;
        t
    });
}

// ---- Class 2: headers, line breaks, encodings, sizes of messages ----

#[test]
fn duplicate_header_names_are_refused_with_both_columns() {
    let err =
        paths(b"path,total_conversions,total_conversions,total_null\nad,1,2,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::DuplicateColumn {
                first: 2,
                second: 3,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        short(&err),
        "line 1: columns 2 and 3 are both named \"total_conversions\"; rename one of them"
    );
    // A duplicate the loader does not even use is ambiguous all the same; names are
    // compared after trimming.
    let err = paths(
        b"path,total_conversions,total_conversion_value,total_null,note, note\nad,1,2,0,a,b\n",
    )
    .unwrap_err();
    assert!(matches!(
        err,
        LoadError::DuplicateColumn {
            first: 5,
            second: 6,
            ..
        }
    ));
    let err = events(
        b"customer_id,timestamp,touchpoint,stage,outcome,value,timestamp\n\
          C1,2024-01-01,ad,awareness,continue,0,2024-01-02\n",
    )
    .unwrap_err();
    assert!(matches!(
        err,
        LoadError::DuplicateColumn {
            first: 2,
            second: 7,
            ..
        }
    ));
}

#[test]
fn crlf_and_lone_cr_files_read_as_the_same_rows() {
    let lf = format!("{HEADER}ad > web,1,10,0\n\nsearch,0,0,3\nstore,2,30,1\n");
    let want = paths(lf.as_bytes()).unwrap();
    for eol in ["\r\n", "\r"] {
        let text = lf.replace('\n', eol);
        let got = paths(text.as_bytes()).unwrap();
        assert_eq!(got, want, "line ends {eol:?}");
        // Line numbers count every kind of line break.
        let bad = text.replace("store,2", "store,z");
        assert_eq!(
            paths(bad.as_bytes()).unwrap_err().line(),
            Some(5),
            "{eol:?}"
        );
    }
    let ev = format!("{EVENTS_HEADER}C1,2024-01-01T00:00:00Z,ad,awareness,continue,0\rC1,2024-01-02T00:00:00Z,store,purchase,conversion,5\r");
    let log = events(ev.as_bytes()).unwrap();
    assert_eq!(log.n_events(), 2);
}

#[test]
fn a_byte_order_mark_is_dropped_only_at_the_start() {
    let data = paths(format!("\u{feff}{HEADER}ad,1,10,0\n").as_bytes()).unwrap();
    assert_eq!(data.n_rows(), 1);
    let data = paths(format!("{HEADER}\u{feff}ad,1,10,0\n").as_bytes()).unwrap();
    assert_eq!(data.channels(), ["\u{feff}ad"]);
}

#[test]
fn empty_inputs_and_header_only() {
    assert!(matches!(paths(b""), Err(LoadError::NoHeader)));
    assert!(matches!(paths(b"\n\r\n\r"), Err(LoadError::NoHeader)));
    assert!(matches!(events(b""), Err(LoadError::NoHeader)));
    assert_eq!(paths(HEADER.as_bytes()).unwrap().n_rows(), 0);
    assert_eq!(paths(HEADER.trim_end().as_bytes()).unwrap().n_rows(), 0);
    assert_eq!(events(EVENTS_HEADER.as_bytes()).unwrap().n_events(), 0);
}

#[test]
fn huge_fields_are_quoted_in_errors_as_short_excerpts() {
    let huge = "9x".repeat(500_000);
    let err = paths(format!("{HEADER}ad,{huge},0,0\n").as_bytes()).unwrap_err();
    let text = short(&err);
    assert!(text.starts_with("line 2: column \"total_conversions\": \"9x9x"));
    assert!(text.contains('…'));
    // A header of one huge name (a file without line breaks).
    let err = paths("y".repeat(1_000_000).as_bytes()).unwrap_err();
    assert!(short(&err).contains("has no column \"path\""));
    let err = events(format!("{EVENTS_HEADER}C1,2024-01-01,ad,{huge},continue,0\n").as_bytes())
        .unwrap_err();
    assert!(short(&err).contains("stage \"9x9x"));
    let err = events(format!("{EVENTS_HEADER}C1,{huge},ad,awareness,continue,0\n").as_bytes())
        .unwrap_err();
    short(&err);
}

#[test]
fn a_directory_is_named_as_one() {
    let dir = common::data("");
    let err = PathData::from_csv_path(&dir).unwrap_err();
    assert!(matches!(err, LoadError::Directory { .. }));
    assert!(
        err.to_string().ends_with("is a directory, not a CSV file"),
        "{err}"
    );
    let err = EventLog::from_csv_path(&dir).unwrap_err();
    assert!(matches!(err, LoadError::Directory { .. }));
}

#[test]
fn bytes_that_are_not_utf8_are_named_with_line_and_column() {
    let mut csv = HEADER.as_bytes().to_vec();
    csv.extend_from_slice(b"ad,1,10,0\nweb > \xff\xfe,0,0,1\n");
    let err = paths(&csv).unwrap_err();
    assert_eq!(
        short(&err),
        "line 3: column \"path\" is not valid UTF-8 text"
    );
    let mut ev = EVENTS_HEADER.as_bytes().to_vec();
    ev.extend_from_slice(b"C1,2024-01-01,\xc3(,awareness,continue,0\n");
    let err = events(&ev).unwrap_err();
    assert_eq!(
        short(&err),
        "line 2: column \"touchpoint\" is not valid UTF-8 text"
    );
}

#[test]
fn bad_counts_are_refused_with_line_and_column() {
    let cases = [
        ("-1", "is -1, but counts and values cannot be negative"),
        ("NaN", "is NaN, not a finite number"),
        ("inf", "is inf, not a finite number"),
        ("1e400", "is 1e400, not a finite number"),
        ("1e16", "above the largest amount accepted"),
        ("", "is empty"),
        ("0x10", "is not a number"),
        ("1,5", "fields, but the header has 4"),
    ];
    for (bad, says) in cases {
        let csv = format!("{HEADER}ad,1,10,0\nweb,{bad},0,2\n");
        let err = paths(csv.as_bytes()).unwrap_err();
        assert_eq!(err.line(), Some(3), "{bad}");
        let text = short(&err);
        assert!(text.contains(says), "{bad}: {text}");
        if !bad.contains(',') {
            assert!(text.contains("\"total_conversions\""), "{bad}: {text}");
        }
    }
    // Spaces around numbers and a negative zero are fine.
    let data = paths(format!("{HEADER}ad, 7 ,-0, 1\n").as_bytes()).unwrap();
    let row = data.rows().next().unwrap();
    assert_eq!((row.conversions, row.value, row.nulls), (7.0, 0.0, 1.0));
    assert!(row.value.is_sign_positive());
}

// ---- Class 7: sizes ----

#[test]
fn a_path_longer_than_the_limit_is_refused() {
    let long = vec!["a"; MAX_PATH_TOUCHPOINTS + 1].join(">");
    let err = paths(format!("{HEADER}{long},1,1,0\n").as_bytes()).unwrap_err();
    assert!(matches!(
        err,
        LoadError::Row {
            line: 2,
            problem: RowProblem::PathTooLong { .. }
        }
    ));
    let mut data = PathData::new();
    let err = data.push_path(&long, 1.0, 1.0, 0.0).unwrap_err();
    assert!(matches!(err, RowProblem::PathTooLong { .. }));
    assert_eq!(data.n_rows(), 0);
    // Exactly at the limit is fine.
    let at = vec!["a"; MAX_PATH_TOUCHPOINTS].join(">");
    data.push_path(&at, 1.0, 1.0, 0.0).unwrap();
    assert_eq!(
        data.rows().next().unwrap().channels.len(),
        MAX_PATH_TOUCHPOINTS
    );
}

#[test]
fn more_distinct_channels_than_the_limit_are_refused() {
    let mut data = PathData::new();
    let per_row = 1000;
    for r in 0..MAX_CHANNELS / per_row {
        let names: Vec<String> = (0..per_row)
            .map(|k| format!("c{}", r * per_row + k))
            .collect();
        data.push(&names, 0.0, 0.0, 1.0).unwrap();
    }
    assert_eq!(data.channels().len(), MAX_CHANNELS);
    // Known channels still come in; a new one is refused and leaves nothing behind.
    data.push(["c0", "c1"], 0.0, 0.0, 1.0).unwrap();
    let err = data.push(["c0", "new"], 0.0, 0.0, 1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "more than 1000000 distinct channels, the most accepted"
    );
    assert_eq!(data.channels().len(), MAX_CHANNELS);
    assert_eq!(data.n_rows(), MAX_CHANNELS / per_row + 1);
}

#[test]
fn markov_options_and_chain_sizes_are_bounded() {
    for order in [0, 5, usize::MAX] {
        assert!(
            MarkovOptions::builder().order(order).build().is_err(),
            "{order}"
        );
    }
    assert!(MarkovOptions::builder()
        .horizon(MAX_HORIZON)
        .build()
        .is_ok());
    let err = MarkovOptions::builder()
        .horizon(MAX_HORIZON + 1)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("at most 1,000,001"), "{err}");
    // 100,000 channels, each its own part of the chain, and one path through 100,000
    // channels: memory stays proportional to the transitions and every channel is
    // removed exactly.
    let mut data = PathData::new();
    for k in 0..100_000 {
        data.push([format!("c{k}")], 1.0, 2.0, 1.0).unwrap();
    }
    let fit = MarkovOptions::default().fit(&data).unwrap();
    assert_eq!(fit.channels.len(), 100_000);
    for (re, credit) in fit
        .infinite_horizon
        .removal_effects_conversion
        .iter()
        .zip(&fit.truncated_horizon.total_conversions)
    {
        assert!((re - 1e-5).abs() < 1e-15 && (credit - 1.0).abs() < 1e-9);
    }
    let names: Vec<String> = (0..100_000).map(|k| format!("c{k}")).collect();
    let mut line = PathData::new();
    line.push(&names, 3.0, 30.0, 1.0).unwrap();
    let fit = MarkovOptions::default().fit(&line).unwrap();
    assert!(fit
        .infinite_horizon
        .removal_effects_conversion
        .iter()
        .chain(&fit.truncated_horizon.removal_effects_conversion_value)
        .all(|&re| re > 1.0 - 1e-12));
}

// ---- Every row written by a CSV writer comes back, whatever its names hold ----

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// A channel name with quotes, commas and spaces inside (not at its ends, which the
    /// reader trims), but no separator and no line break.
    fn name() -> impl Strategy<Value = String> {
        "[a-z\"', ;]{0,6}[a-z\"]".prop_map(|s| s.trim().to_owned())
    }

    fn row() -> impl Strategy<Value = (Vec<String>, u32, u32, u32)> {
        (
            proptest::collection::vec(name(), 1..5),
            0u32..5,
            0u32..500,
            0u32..5,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn rows_written_by_the_csv_crate_read_back_whole(
            rows in proptest::collection::vec(row(), 0..30),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            raw in any::<bool>(),
        ) {
            // Either quoted as the `csv` crate quotes, or written raw with the quotes left
            // unescaped inside fields (no commas then, and no quote at a field's start).
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut writer = csv::WriterBuilder::new()
                .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(Vec::new());
            let mut raw_text = format!("path,total_conversions,total_conversion_value,total_null{eol}");
            writer
                .write_record(["path", "total_conversions", "total_conversion_value", "total_null"])
                .unwrap();
            let mut want = PathData::new();
            for (names, c, v, u) in &rows {
                let mut names: Vec<String> = names.iter().filter(|n| !n.is_empty()).cloned().collect();
                if raw {
                    for n in &mut names {
                        *n = n.replace(',', ";");
                    }
                    if let Some(first) = names.first_mut() {
                        first.insert(0, 'x');
                    }
                }
                let value = if *c == 0 { 0 } else { *v };
                let path = names.join(" > ");
                raw_text.push_str(&format!("{path},{c},{value},{u}{eol}"));
                writer
                    .write_record([path, c.to_string(), value.to_string(), u.to_string()])
                    .unwrap();
                want.push(&names, f64::from(*c), f64::from(value), f64::from(*u)).unwrap();
            }
            let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            if raw {
                bytes.extend(raw_text.into_bytes());
            } else {
                bytes.extend(writer.into_inner().unwrap());
            }
            let got = paths(&bytes).unwrap();
            prop_assert_eq!(got.n_rows(), rows.len());
            prop_assert_eq!(got.channels(), want.channels());
            let strip = |d: &PathData| d.rows().map(|r| (r.channels.to_vec(), r.conversions, r.value, r.nulls)).collect::<Vec<_>>();
            prop_assert_eq!(strip(&got), strip(&want));
        }
    }
}

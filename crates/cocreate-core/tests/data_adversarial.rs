//! Hostile CSV input for `data::Table`: every input gives a table or an error that names
//! the place, never a panic, never a silently changed row.

use cocreate_core::data::{CsvOptions, DataError, DataWarning, Table, EXCERPT_CHARS, MAX_COLUMNS};

fn read(text: &str) -> Result<Table, DataError> {
    Table::from_csv_reader(text.as_bytes())
}

#[test]
fn duplicate_headers_name_both_positions() {
    for (csv, first, second) in [
        ("a,a\n1,2\n", 1, 2),
        ("x,y,z,y\n1,2,3,4\n", 2, 4),
        ("\u{feff}a,b,a\n1,2,3\n", 1, 3),
        ("a, a \n1,2\n", 1, 2),
    ] {
        match read(csv) {
            Err(DataError::DuplicateColumn {
                first: f,
                second: s,
                ..
            }) => {
                assert_eq!((f, s), (first, second), "{csv:?}")
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
    let err = read("a,a\n1,2\n").unwrap_err().to_string();
    assert!(err.contains("columns 1 and 2"), "{err}");
}

#[test]
fn lone_cr_crlf_and_lf_read_the_same_rows_and_lines() {
    let lf = read("a,b\n1,2\n3,4\n5,x\n").unwrap();
    let crlf = read("a,b\r\n1,2\r\n3,4\r\n5,x\r\n").unwrap();
    let cr = read("a,b\r1,2\r3,4\r5,x\r").unwrap();
    let mixed = read("a,b\r1,2\n3,4\r\n5,x").unwrap();
    for t in [&lf, &crlf, &cr, &mixed] {
        assert_eq!(t.n_rows(), 3);
        assert_eq!(t.get(1, 0), Some(3.0));
        assert_eq!((t.source_line(0), t.source_line(2)), (2, 4));
        let err = t.select(&["b"]).unwrap_err().to_string();
        assert!(err.contains("line 4"), "{err}");
    }
    // A ragged row in a lone-CR file is placed on its own line.
    match read("a,b\r1,2\r3\r") {
        Err(DataError::Ragged { line: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn bom_and_quoted_newlines() {
    let t = read("\u{feff}id,x\n1,\"4\"\n2,5\n").unwrap();
    assert_eq!(t.names(), ["id", "x"]);
    assert_eq!(t.get(0, 1), Some(4.0));
    let t = read("a,b\n\"multi\nline\r\nnote\",1\n2,3\n").unwrap();
    assert_eq!(t.n_rows(), 2);
    assert_eq!((t.source_line(0), t.source_line(1)), (2, 5));
    match read("a,b\n\"open,1\n2,3\n") {
        Ok(t) => panic!("unterminated quote read as {} rows", t.n_rows()),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[test]
fn ragged_rows_name_their_line() {
    for (csv, line, found) in [
        ("a,b\n1,2\n3\n", 3, 1),
        ("a,b\n1,2,3\n", 2, 3),
        ("a,b\r\n1,2\r\n\r\n3,4,5\r\n", 4, 3),
    ] {
        match read(csv) {
            Err(DataError::Ragged {
                line: l,
                found: f,
                expected: 2,
            }) => {
                assert_eq!((l, f), (line, found), "{csv:?}")
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
}

#[test]
fn huge_fields_and_names_are_cut_in_messages() {
    let big = "z".repeat(100_000);
    let t = read(&format!("a,b\n1,{big}\n2,3\n")).unwrap();
    let err = t.select(&["b"]).unwrap_err().to_string();
    assert!(err.len() < 3 * EXCERPT_CHARS + 100, "{} bytes", err.len());
    assert!(err.contains("line 2") && err.contains('…'), "{err}");
    let err = t.select(&[big.as_str()]).unwrap_err().to_string();
    assert!(err.len() < 4 * EXCERPT_CHARS + 100, "{} bytes", err.len());
    // A header of many long names is not echoed whole.
    let names: Vec<String> = (0..2000).map(|i| format!("column_number_{i}")).collect();
    let t = read(&format!("{}\n", names.join(","))).unwrap();
    let err = t.select(&["nope"]).unwrap_err().to_string();
    assert!(err.len() < 400 && err.contains("2000 names"), "{err}");
    let err = read(&format!("{big},{big}\n")).unwrap_err().to_string();
    assert!(err.len() < 300, "{} bytes", err.len());
}

#[test]
fn directory_is_said_to_be_a_directory() {
    let dir = std::env::temp_dir();
    let err = Table::from_csv_path(&dir).unwrap_err();
    assert!(matches!(err, DataError::IsDirectory { .. }), "{err:?}");
    assert!(err.to_string().contains("is a directory"), "{err}");
    let err = Table::from_csv_path(dir.join("no such file.csv")).unwrap_err();
    assert!(matches!(err, DataError::Io { .. }));
}

#[test]
fn non_utf8_names_line_and_column() {
    let err = Table::from_csv_reader(&b"a,b\n1,2\n3,\xff\xfe\n"[..]).unwrap_err();
    assert!(matches!(err, DataError::NotUtf8 { line: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("\"b\""), "{err}");
    let err = Table::from_csv_reader(&b"a,\xc3\n1,2\n"[..]).unwrap_err();
    assert!(err.to_string().contains("2 of the header"), "{err}");
}

#[test]
fn text_in_numeric_columns_is_warned_and_refused_when_used() {
    let t = read("id,age,school\n1,31,Grant\n2,n/a,Grant\n3,40,Pasteur\n4,?,Grant\n5,x,P\n6,y,P\n")
        .unwrap();
    let w = t.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    match &w[0] {
        DataWarning::TextInNumericColumn {
            column,
            n_text,
            first,
        } => {
            assert_eq!((column.as_str(), *n_text, first.len()), ("age", 4, 3));
            assert_eq!(
                (first[0].row, first[0].line, first[0].text.as_str()),
                (2, 3, "n/a")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(w[0].to_string().contains("line 3 \"n/a\""));
    let err = t.select(&["age"]).unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("n/a"), "{err}");
    assert!(t.select(&["school"]).is_err());
}

#[test]
fn text_ids_are_kept_and_carried() {
    let t = read("ID,x\nR1000,1\nR1001,2\n0042,3\n").unwrap();
    assert_eq!(t.id_column(), Some("ID"));
    assert_eq!(t.ids().unwrap(), ["R1000", "R1001", "0042"]);
    assert!(t.warnings().is_empty());
    let s = t.select(&["x"]).unwrap();
    assert_eq!(s.ids().unwrap(), ["R1000", "R1001", "0042"]);
    // A named identifier column replaces the default.
    let opts = CsvOptions::builder()
        .id_column("respondent")
        .build()
        .unwrap();
    let t = Table::from_csv_reader_with("respondent,id\nA,1\nB,2\n".as_bytes(), &opts).unwrap();
    assert_eq!(t.ids().unwrap(), ["A", "B"]);
    assert_eq!(t.column("id").unwrap(), vec![Some(1.0), Some(2.0)]);
    let err = Table::from_csv_reader_with("a\n1\n".as_bytes(), &opts).unwrap_err();
    assert!(matches!(err, DataError::UnknownColumn { .. }));
    // Numeric ids stay usable as numbers too.
    let t = read("id,x\n1,2\n").unwrap();
    assert_eq!(
        (t.ids().unwrap(), t.column("id").unwrap()),
        (&["1".to_string()][..], vec![Some(1.0)])
    );
}

#[test]
fn nan_inf_and_huge_numbers() {
    let t = read("x,y\nNaN,1e308\ninf,-1e308\n-Infinity,2\n").unwrap();
    assert_eq!(t.get(0, 1), Some(1e308));
    let err = t.select(&["x"]).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("NaN"), "{err}");
    // 1e999 overflows to infinity: text, not data.
    let t = read("x\n1e999\n").unwrap();
    assert!(t.select(&["x"]).is_err());
    let err = Table::new(vec!["x".into()], vec![vec![Some(f64::NEG_INFINITY)]]).unwrap_err();
    assert!(matches!(err, DataError::NonFinite { row: 1, .. }));
    let err = Table::from_row_major(vec!["x".into()], &[Some(1.0), Some(f64::NAN)]).unwrap_err();
    assert!(matches!(err, DataError::NonFinite { row: 2, .. }));
}

#[test]
fn empty_blank_and_header_only() {
    for csv in ["", "\n", "\r\n\r\n", "\u{feff}"] {
        assert!(matches!(read(csv), Err(DataError::NoColumns)), "{csv:?}");
    }
    let t = read("a,b\n").unwrap();
    assert_eq!((t.n_rows(), t.n_cols()), (0, 2));
    let t = read("a,b").unwrap();
    assert_eq!(t.n_rows(), 0);
    assert!(matches!(
        read(",\n1,2\n"),
        Err(DataError::EmptyColumnName { column: 1 })
    ));
}

#[test]
fn delimiter_option_is_validated() {
    let opts = CsvOptions::builder().delimiter(b';').build().unwrap();
    let t = Table::from_csv_reader_with("a;b\n1,5;2\n".replace("1,5", "1.5").as_bytes(), &opts)
        .unwrap();
    assert_eq!(t.get(0, 0), Some(1.5));
    let t = Table::from_csv_reader_with(
        "a\tb\n1\t2\n".as_bytes(),
        &CsvOptions::builder().delimiter(b'\t').build().unwrap(),
    )
    .unwrap();
    assert_eq!(t.get(0, 1), Some(2.0));
    for bad in [b'"', b'\n', b'\r', 0u8, 0xff] {
        assert!(
            matches!(
                CsvOptions::builder().delimiter(bad).build(),
                Err(DataError::Delimiter { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn too_many_columns_is_refused_before_reading_rows() {
    let header = vec!["c"; MAX_COLUMNS + 1].join(",");
    let err = read(&format!("{header}\n")).unwrap_err();
    assert!(matches!(err, DataError::TooLarge { .. }), "{err:?}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A cell as written: a whole number, a decimal, missing, or text.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            (0i32..100).prop_map(|v| v.to_string()),
            (0i32..1000).prop_map(|v| format!("{}.5", v)),
            Just(String::new()),
            Just("NA".to_string()),
            "[a-z]{1,6}",
            Just("\"quoted, with a\nline break\"".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// LF, CRLF and lone-CR files hold the same rows, cells, ids, warnings and
        /// line numbers; blank lines between rows shift the lines and nothing else.
        #[test]
        fn line_endings_do_not_change_the_table(
            rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..8),
            blank_after in prop::collection::vec(any::<bool>(), 8),
        ) {
            let mut lines = vec!["id,a,b,c".to_string()];
            for (r, row) in rows.iter().enumerate() {
                lines.push(format!("R{r},{}", row.join(",")));
                if blank_after[r] {
                    lines.push(String::new());
                }
            }
            let read_with = |eol: &str| {
                let text = lines.join(eol) + eol;
                Table::from_csv_reader(text.as_bytes()).unwrap()
            };
            let lf = read_with("\n");
            prop_assert_eq!(lf.n_rows(), rows.len());
            let ids: Vec<String> = (0..rows.len()).map(|r| format!("R{r}")).collect();
            prop_assert_eq!(lf.ids().unwrap(), &ids[..]);
            for eol in ["\r\n", "\r"] {
                let other = read_with(eol);
                prop_assert_eq!(other.ids(), lf.ids());
                prop_assert_eq!(other.warnings(), lf.warnings());
                prop_assert_eq!(
                    (0..other.n_rows()).map(|r| other.source_line(r)).collect::<Vec<_>>(),
                    (0..lf.n_rows()).map(|r| lf.source_line(r)).collect::<Vec<_>>()
                );
                let same = other.values().iter().zip(lf.values()).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
                prop_assert!(same);
            }
            // Each row's line is where its id was written.
            for r in 0..lf.n_rows() {
                let line = lf.source_line(r) as usize;
                let expected_line = lines.iter().position(|l| l.starts_with(&format!("R{r},"))).unwrap() + 1;
                // Quoted line breaks in earlier rows add lines.
                let extra: usize = lines[..expected_line - 1].iter().map(|l| l.matches('\n').count()).sum();
                prop_assert_eq!(line, expected_line + extra);
            }
        }
    }
}

#[test]
fn blank_lines_in_a_one_column_file_are_reported() {
    let t = read("x\n1\n\n3\n\n\n5\n").unwrap();
    assert_eq!(t.n_rows(), 3);
    let w = t.warnings();
    assert!(
        matches!(
            w.as_slice(),
            [DataWarning::BlankLinesSkipped {
                count: 3,
                first_line: 3
            }]
        ),
        "{w:?}"
    );
    assert!(w[0].to_string().contains("NA"), "{}", w[0]);
    // With several columns a blank line cannot be a row, and nothing is reported.
    let t = read("x,y\n1,2\n\n3,4\n").unwrap();
    assert!(t.warnings().is_empty());
    // Nor is the end of a file.
    let t = read("x\n1\n2\n").unwrap();
    assert!(t.warnings().is_empty());
}

#[test]
fn an_unclosed_quote_is_refused_with_its_line_not_read_as_one_field() {
    for (csv, line) in [
        ("a,b\n1,\"x\n2,3\n4,5\n", 2),
        ("a,b\r\n1,2\r\n3,\"open\r\n5,6\r\n", 3),
        ("a,b\r1,2\r3,4\r\"5,6\r", 4),
        ("\u{feff}\"a\",\"b\n1,2\n", 1),
    ] {
        match read(csv) {
            Err(DataError::Csv { line: l, message }) => {
                assert_eq!(l, line, "{csv:?}");
                assert!(message.contains("never closed"), "{message}");
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
    // Quotes that are closed, escaped, or inside an unquoted field are fine.
    let t = read("a,b\n\"say \"\"hi\"\"\",1\n5\" screen,2\n\"x\ny\",3\n").unwrap();
    assert_eq!(t.n_rows(), 3);
    let t = Table::from_csv_reader("\u{feff}\"a\",\"b\"\n1,2\n".as_bytes()).unwrap();
    assert_eq!(t.names(), ["a", "b"]);
}

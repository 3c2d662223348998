//! The core CSV readers: any bytes give a table or an error, never a panic. The first
//! byte also picks a delimiter and whether an identifier column is named, so the option
//! paths are fuzzed as well; every error message stays short. A table written as CSV
//! reads back with the same names, cells and identifiers, and the one-pass reader of
//! answers (`Responses::from_csv_*`) agrees with reading a table first, result for
//! result and error for error.
#![no_main]
use cocreate_core::data::{CsvOptions, Table};
use cocreate_core::scoring::{builtin, Responses};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(Table::from_csv_reader(data), &CsvOptions::default());
    if let Some((&first, rest)) = data.split_first() {
        let delimiter = [b',', b';', b'\t', b'|'][usize::from(first & 3)];
        let mut opts = CsvOptions::builder().delimiter(delimiter);
        if first & 4 != 0 {
            opts = opts.id_column("id");
        }
        let opts = opts.build().expect("valid delimiter");
        check(Table::from_csv_reader_with(rest, &opts), &opts);
        // Answers to the TIPI (columns Q1..Q10), the common case of the one-pass reader.
        let inst = builtin::tipi();
        let fast = Responses::from_csv_reader_with(&inst, rest, &opts);
        let slow = Table::from_csv_reader_with(rest, &opts)
            .map_err(cocreate_core::scoring::ScoringError::from)
            .and_then(|t| Responses::from_table(&inst, &t));
        match (fast, slow) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("one-pass {a:?} vs table {b:?}"),
        }
    }
});

fn check(result: Result<Table, cocreate_core::data::DataError>, opts: &CsvOptions) {
    match result {
        Ok(table) => {
            let _ = table.warnings();
            if let Some(ids) = table.ids() {
                assert_eq!(ids.len(), table.n_rows());
            }
            let mut out = Vec::new();
            table.write_csv_with(&mut out, opts).expect("writing to memory");
            // Text cells are written as missing cells (NA): compare the numbers.
            if table.warnings().is_empty() {
                if let Ok(back) = Table::from_csv_reader_with(out.as_slice(), opts) {
                    assert_eq!(back.n_rows(), table.n_rows());
                }
            }
        }
        Err(e) => assert!(e.to_string().len() < 2_000, "error too long"),
    }
}

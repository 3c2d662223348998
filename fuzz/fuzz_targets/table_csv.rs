//! The core CSV reader: any bytes give a table or an error, never a panic. The first
//! byte also picks a delimiter and whether an identifier column is named, so the option
//! paths are fuzzed as well; every error message stays short.
#![no_main]
use cocreate_core::data::{CsvOptions, Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(Table::from_csv_reader(data));
    if let Some((&first, rest)) = data.split_first() {
        let delimiter = [b',', b';', b'\t', b'|'][usize::from(first & 3)];
        let mut opts = CsvOptions::new().delimiter(delimiter).expect("valid delimiter");
        if first & 4 != 0 {
            opts = opts.id_column("id");
        }
        check(Table::from_csv_reader_with(rest, &opts));
    }
});

fn check(result: Result<Table, cocreate_core::data::DataError>) {
    match result {
        Ok(table) => {
            let _ = table.warnings();
            if let Some(ids) = table.ids() {
                assert_eq!(ids.len(), table.n_rows());
            }
        }
        Err(e) => assert!(e.to_string().len() < 2_000, "error too long"),
    }
}

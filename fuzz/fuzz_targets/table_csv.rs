//! The core CSV reader: any bytes give a table or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cocreate_core::data::Table::from_csv_reader(data);
});

//! The aggregated-path CSV reader: any bytes give paths or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cocreate_journey::PathData::from_csv_reader(data, &Default::default());
});

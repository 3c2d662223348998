//! The event-log CSV reader: any bytes give a log or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cocreate_journey::EventLog::from_csv_reader(data, &Default::default());
});

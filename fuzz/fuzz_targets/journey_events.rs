//! The event-log CSV reader: any bytes give a log or an error, never a panic; when they
//! give a log, every record after the header became exactly one event; and text read in
//! place (`from_csv_str`) gives what the buffered reader gives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = cocreate_journey::EventLog::from_csv_reader(data);
    let records = cocreate_journey::__csv_record_stats(data);
    if let Ok(text) = std::str::from_utf8(data) {
        match (&loaded, &cocreate_journey::EventLog::from_csv_str(text)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "in place and buffered differ"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("in place and buffered disagree on whether the text loads"),
        }
    }
    if let Ok(log) = loaded {
        let (n, _) = records.expect("the loader read it, so the records read");
        assert_eq!(log.n_events() as u64 + 1, n, "an event was lost or invented");
        let _ = log.to_paths();
    }
});

//! The aggregated-path CSV reader: any bytes give paths or an error, never a panic; when
//! they give paths, every record after the header became exactly one row; and text read in
//! place (`from_csv_str`) gives what the buffered reader gives, and so does the text read
//! as two halves (as the `parallel` feature reads large text) wherever the halves read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = cocreate_journey::PathData::from_csv_reader(data);
    let records = cocreate_journey::__csv_record_stats(data);
    if let Ok(text) = std::str::from_utf8(data) {
        match (&loaded, &cocreate_journey::PathData::from_csv_str(text)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "in place and buffered differ"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("in place and buffered disagree on whether the text loads"),
        }
        if let Some(halves) = cocreate_journey::__paths_in_halves(text) {
            let one_pass = loaded.as_ref().expect("the halves read what one pass refuses");
            assert_eq!(&halves, one_pass, "two halves and one pass differ");
        }
    }
    if let Ok(paths) = loaded {
        let (n, _) = records.expect("the loader read it, so the records read");
        assert_eq!(paths.n_rows() as u64 + 1, n, "a row was lost or invented");
        let _ = cocreate_journey::heuristic_models(&paths);
    }
});

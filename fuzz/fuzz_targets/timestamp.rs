//! Event-log timestamps: any text gives a timestamp or an error, never a panic, and an
//! accepted timestamp reads back from its own microsecond count.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(t) = cocreate_journey::Timestamp::parse(text) {
            let micros = t.unix_micros();
            assert_eq!(cocreate_journey::Timestamp::from_unix_micros(micros), t);
        }
    }
});

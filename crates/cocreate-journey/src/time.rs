//! Points in time for encounters and events.
//!
//! Journey data stamps every event with an ISO-8601 time such as `2024-01-30T02:16:57Z`.
//! [`Timestamp`] stores it as whole microseconds since the Unix epoch in UTC, so the
//! difference of two stamps given in whole seconds is an exact number of seconds (the
//! process-mining statistics depend on that), and it reads and writes the ISO form
//! without a date-time dependency.

use std::fmt;
use std::str::FromStr;

const MICROS_PER_SECOND: i64 = 1_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// A UTC point in time with microsecond resolution.
///
/// Parse one with [`Timestamp::parse`] (or [`str::parse`]); the accepted forms are
/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `T` or a space between date and
/// time, followed by nothing (read as UTC), `Z`, or an offset `±HH:MM` / `±HHMM`, which is
/// converted to UTC. Digits of a fraction beyond the sixth (below a microsecond) are
/// dropped. Years run from 0000 to 9999.
///
/// ```
/// use cocreate_journey::Timestamp;
///
/// let a: Timestamp = "2024-01-30T02:16:57Z".parse()?;
/// let b = Timestamp::parse("2024-01-30T08:08:03+00:00")?;
/// assert_eq!(b.seconds_since(a), 21_066.0);
/// assert_eq!(a.to_string(), "2024-01-30T02:16:57Z");
/// # Ok::<(), cocreate_journey::TimestampError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "String", try_from = "String")
)]
pub struct Timestamp {
    micros: i64,
}

/// Why a text is not a timestamp: the text (its first 64 characters) and what is wrong.
///
/// ```
/// use cocreate_journey::{Timestamp, TimestampProblem};
///
/// let err = Timestamp::parse("2024-13-01T00:00:00Z").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "\"2024-13-01T00:00:00Z\" is not a timestamp: month 13 is not between 1 and 12"
/// );
/// assert_eq!(err.problem(), TimestampProblem::Month { month: 13 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a timestamp: {problem}")]
#[non_exhaustive]
pub struct TimestampError {
    text: String,
    problem: TimestampProblem,
}

/// What is wrong with a timestamp's text.
///
/// ```
/// use cocreate_journey::TimestampProblem;
///
/// let p = TimestampProblem::Digits { count: 4, field: "year" };
/// assert_eq!(p.to_string(), "expected 4 digits for the year");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampProblem {
    /// A field does not have its digits.
    #[error("expected {count} digits for the {field}")]
    Digits {
        /// How many digits the field has.
        count: usize,
        /// The field ("year", "month", …).
        field: &'static str,
    },
    /// A separator is missing.
    #[error("expected '{expected}' {place}")]
    Separator {
        /// The separator expected.
        expected: char,
        /// Where ("after the year", …).
        place: &'static str,
    },
    /// The month is not 1 to 12.
    #[error("month {month} is not between 1 and 12")]
    Month {
        /// The month given.
        month: i64,
    },
    /// The day does not exist in its month.
    #[error("day {day} does not exist in {year:04}-{month:02}")]
    Day {
        /// The year.
        year: i64,
        /// The month.
        month: i64,
        /// The day given.
        day: i64,
    },
    /// The time of day is out of range.
    #[error("time {hour:02}:{minute:02}:{second:02} is out of range")]
    Time {
        /// The hour given.
        hour: i64,
        /// The minute given.
        minute: i64,
        /// The second given.
        second: i64,
    },
    /// A decimal point without digits after it.
    #[error("expected digits after the decimal point")]
    Fraction,
    /// The UTC offset is out of range.
    #[error("offset {hours:02}:{minutes:02} is out of range")]
    Offset {
        /// The hours of the offset.
        hours: i64,
        /// Its minutes.
        minutes: i64,
    },
    /// Text follows the time where a zone or the end was expected.
    #[error("unexpected text after the time")]
    AfterTime,
    /// Text follows the time zone.
    #[error("unexpected text after the time zone")]
    AfterZone,
}

impl TimestampError {
    fn new(text: &str, problem: TimestampProblem) -> Self {
        // Keep error messages one line long even for garbage input.
        let text: String = text.chars().take(64).collect();
        TimestampError { text, problem }
    }

    /// The text that failed to parse (at most its first 64 characters).
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// assert_eq!(Timestamp::parse("yesterday").unwrap_err().text(), "yesterday");
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What is wrong with it.
    ///
    /// ```
    /// use cocreate_journey::{Timestamp, TimestampProblem};
    ///
    /// let err = Timestamp::parse("2024-01-01T00:00:00Q").unwrap_err();
    /// assert_eq!(err.problem(), TimestampProblem::AfterTime);
    /// ```
    pub fn problem(&self) -> TimestampProblem {
        self.problem
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (era-based day count).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count from [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A cursor over the bytes of a timestamp text.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize, field: &'static str) -> Result<i64, TimestampProblem> {
        let end = self.pos + n;
        let slice = self
            .bytes
            .get(self.pos..end)
            .filter(|s| s.iter().all(u8::is_ascii_digit))
            .ok_or(TimestampProblem::Digits { count: n, field })?;
        self.pos = end;
        Ok(slice
            .iter()
            .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0')))
    }

    fn expect(&mut self, byte: u8, place: &'static str) -> Result<(), TimestampProblem> {
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(TimestampProblem::Separator {
                expected: char::from(byte),
                place,
            })
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// The date last read by [`parse_plain_utc`], so that the rows of one day (a log in
/// time order, or one customer's events) skip the calendar arithmetic.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LastDay {
    /// `YYYY-MM-DD` as written, or all zero bytes (never a valid date) before the first.
    date: [u8; 10],
    /// Days since 1970-01-01 of `date`.
    days: i64,
}

/// The common form `YYYY-MM-DDTHH:MM:SSZ` read directly from bytes; `None` for anything
/// else (including out-of-range fields), which the full parser then reads or refuses.
/// `last` remembers the date, which a following timestamp of the same day reuses.
#[inline]
pub(crate) fn parse_plain_utc(b: &[u8], last: &mut LastDay) -> Option<Timestamp> {
    let b: &[u8; 20] = b.try_into().ok()?;
    // Every digit position as 0–9 (anything else wraps to ≥ 10), punctuation exact.
    let d = |i: usize| b[i].wrapping_sub(b'0');
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if digits.iter().any(|&i| d(i) > 9) || [b[4], b[7], b[10], b[13], b[16], b[19]] != *b"--T::Z" {
        return None;
    }
    let two = |i: usize| i64::from(d(i)) * 10 + i64::from(d(i + 1));
    let (hour, minute, second) = (two(11), two(14), two(17));
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = if b[..10] == last.date {
        last.days
    } else {
        let year = two(0) * 100 + two(2);
        let (month, day) = (two(5), two(8));
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        last.date.copy_from_slice(&b[..10]);
        last.days = days;
        days
    };
    let seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    Some(Timestamp {
        micros: seconds * MICROS_PER_SECOND,
    })
}

fn parse_micros(text: &str) -> Result<i64, TimestampProblem> {
    let mut c = Cursor {
        bytes: text.trim().as_bytes(),
        pos: 0,
    };
    let year = c.digits(4, "year")?;
    c.expect(b'-', "after the year")?;
    let month = c.digits(2, "month")?;
    c.expect(b'-', "after the month")?;
    let day = c.digits(2, "day")?;
    if !(1..=12).contains(&month) {
        return Err(TimestampProblem::Month { month });
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(TimestampProblem::Day { year, month, day });
    }
    let mut seconds_of_day = 0i64;
    let mut micros = 0i64;
    if matches!(c.peek(), Some(b'T' | b't' | b' ')) {
        c.pos += 1;
        let hour = c.digits(2, "hour")?;
        c.expect(b':', "after the hour")?;
        let minute = c.digits(2, "minute")?;
        let mut second = 0;
        if c.peek() == Some(b':') {
            c.pos += 1;
            second = c.digits(2, "second")?;
            if matches!(c.peek(), Some(b'.' | b',')) {
                c.pos += 1;
                let start = c.pos;
                let mut scale = 100_000i64;
                while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                    micros += i64::from(b - b'0') * scale;
                    scale /= 10;
                    c.pos += 1;
                }
                if c.pos == start {
                    return Err(TimestampProblem::Fraction);
                }
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimestampProblem::Time {
                hour,
                minute,
                second,
            });
        }
        seconds_of_day = hour * 3600 + minute * 60 + second;
    }
    let mut offset_seconds = 0i64;
    match c.peek() {
        None => {}
        Some(b'Z' | b'z') => c.pos += 1,
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.digits(2, "offset hours")?;
            if c.peek() == Some(b':') {
                c.pos += 1;
            }
            let minutes = c.digits(2, "offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err(TimestampProblem::Offset { hours, minutes });
            }
            offset_seconds = (hours * 3600 + minutes * 60) * if sign == b'+' { 1 } else { -1 };
        }
        Some(_) => return Err(TimestampProblem::AfterTime),
    }
    if !c.at_end() {
        return Err(TimestampProblem::AfterZone);
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * SECONDS_PER_DAY + seconds_of_day - offset_seconds;
    Ok(seconds * MICROS_PER_SECOND + micros)
}

impl Timestamp {
    /// Parses an ISO-8601 date-time (see the type's documentation for the accepted forms).
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// let t = Timestamp::parse("2024-01-30 03:16:57.5+01:00")?;
    /// assert_eq!(t.to_string(), "2024-01-30T02:16:57.500000Z");
    /// assert!(Timestamp::parse("2023-02-29").is_err()); // not a leap year
    /// # Ok::<(), cocreate_journey::TimestampError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        parse_micros(text)
            .map(|micros| Timestamp { micros })
            .map_err(|problem| TimestampError::new(text, problem))
    }

    /// The moment `seconds` whole seconds after 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_unix_seconds(86_400).to_string(), "1970-01-02T00:00:00Z");
    /// ```
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp {
            micros: seconds.saturating_mul(MICROS_PER_SECOND),
        }
    }

    /// The moment `micros` microseconds after 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_unix_micros(1_500_000).unix_micros(), 1_500_000);
    /// ```
    pub fn from_unix_micros(micros: i64) -> Self {
        Timestamp { micros }
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_unix_seconds(2).unix_micros(), 2_000_000);
    /// ```
    pub fn unix_micros(self) -> i64 {
        self.micros
    }

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    ///
    /// ```
    /// use cocreate_journey::Timestamp;
    ///
    /// let a = Timestamp::from_unix_seconds(10);
    /// let b = Timestamp::from_unix_seconds(25);
    /// assert_eq!(b.seconds_since(a), 15.0);
    /// assert_eq!(a.seconds_since(b), -15.0);
    /// ```
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        let diff = i128::from(self.micros) - i128::from(earlier.micros);
        let whole = diff.div_euclid(i128::from(MICROS_PER_SECOND));
        let frac = diff.rem_euclid(i128::from(MICROS_PER_SECOND));
        whole as f64 + frac as f64 / MICROS_PER_SECOND as f64
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.micros.div_euclid(MICROS_PER_SECOND);
        let micros = self.micros.rem_euclid(MICROS_PER_SECOND);
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let sod = seconds.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )?;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        f.write_str("Z")
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_string()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Timestamp::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates_across_eras() {
        for days in [-800_000i64, -1, 0, 1, 59, 10_957, 19_752, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let t = Timestamp::parse("2000-02-29T23:59:59Z").unwrap();
        assert_eq!(t.to_string(), "2000-02-29T23:59:59Z");
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59Z")
                .unwrap()
                .unix_micros(),
            -1_000_000
        );
    }

    #[test]
    fn applies_offsets_and_rejects_garbage() {
        let a = Timestamp::parse("2024-01-01T01:00:00+0100").unwrap();
        assert_eq!(a.to_string(), "2024-01-01T00:00:00Z");
        for bad in [
            "",
            "2024",
            "2024-01-01T",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00Q",
            "2024-01-01T00:00:00.Z",
            "2024-04-31",
            "２０２４-01-01",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// The fast form reads exactly what the full parser reads, and declines
        /// everything else.
        #[test]
        fn the_plain_form_agrees_with_the_full_parser(
            text in "[0-9]{4}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-6][0-9]:[0-6][0-9][Zz+]",
            noise in proptest::collection::vec((0usize..20, 0u8..128), 0..2),
            later in "[0-2][0-9]:[0-6][0-9]:[0-6][0-9][Zz+]",
        ) {
            let mut bytes = text.into_bytes();
            for (at, b) in noise {
                bytes[at] = b;
            }
            // A second timestamp of the same date, read with the first one's date
            // remembered.
            let mut second = bytes.clone();
            second[11..].copy_from_slice(later.as_bytes());
            let mut last = LastDay::default();
            for bytes in [&bytes, &second] {
                let full = std::str::from_utf8(bytes).ok().and_then(|t| Timestamp::parse(t).ok());
                match parse_plain_utc(bytes, &mut last) {
                    Some(t) => proptest::prop_assert_eq!(Some(t), full),
                    None => proptest::prop_assert!(full.is_none() || bytes[19] != b'Z' || bytes[10] != b'T'),
                }
            }
        }
    }
}

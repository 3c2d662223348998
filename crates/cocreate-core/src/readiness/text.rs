//! Plain-text layout shared by the readiness reports: paragraphs wrapped under 100
//! characters, tables whose columns fit names of any length, numbers and intervals.

use std::fmt::{self, Write};

/// The widest line a report writes (every line stays under 100 characters).
pub(crate) const WIDTH: usize = 92;

/// The widest row of a table that is not nested in other text (see
/// [`TextTable::full_width`]).
const TABLE_WIDTH: usize = 99;

/// Writes `text` wrapped at [`WIDTH`]: the first line after `first`, the others after
/// `rest`. A word longer than a line is split between characters, never cut.
pub(crate) fn para(f: &mut impl Write, first: &str, rest: &str, text: &str) -> fmt::Result {
    // A label too long to lead a line (a long construct name) becomes part of the text.
    if first.chars().count() > WIDTH / 2 {
        let indent: String = first.chars().take_while(|c| *c == ' ').collect();
        return para(f, &indent, rest, &format!("{} {text}", first.trim()));
    }
    let mut line = String::from(first);
    let mut empty = true;
    let room = |prefix: &str| WIDTH.saturating_sub(prefix.chars().count()).max(20);
    for word in text.split_whitespace() {
        let len = line.chars().count();
        let wlen = word.chars().count();
        if !empty && len + 1 + wlen > WIDTH {
            writeln!(f, "{line}")?;
            line = String::from(rest);
            empty = true;
        }
        if empty && wlen > room(&line) {
            // A word longer than a whole line: split it.
            let mut chunk = String::new();
            for c in word.chars() {
                if line.chars().count() + chunk.chars().count() + 1 > WIDTH {
                    writeln!(f, "{line}{chunk}")?;
                    line = String::from(rest);
                    chunk.clear();
                }
                chunk.push(c);
            }
            line.push_str(&chunk);
            empty = false;
            continue;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        writeln!(f, "{line}")?;
    }
    Ok(())
}

/// A table of text cells: the first column left-aligned, the others right-aligned, each
/// as wide as its widest cell. When a row would pass the table's width ([`WIDTH`]), the first column goes on
/// a line of its own (split between characters if it is longer than a line) and the
/// other cells follow on the next line.
#[derive(Debug)]
pub(crate) struct TextTable {
    heads: Vec<String>,
    rows: Vec<Vec<String>>,
    left: Vec<bool>,
    width: usize,
}

impl TextTable {
    pub(crate) fn new(heads: &[&str]) -> TextTable {
        let mut left = vec![false; heads.len()];
        if let Some(l) = left.first_mut() {
            *l = true;
        }
        TextTable {
            heads: heads.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            left,
            width: WIDTH,
        }
    }

    /// Left-aligns column `k` too.
    pub(crate) fn left(mut self, k: usize) -> TextTable {
        if let Some(l) = self.left.get_mut(k) {
            *l = true;
        }
        self
    }

    /// Lets a table that the report writes at its top level (never inside another
    /// report's indentation) use the whole line, up to [`TABLE_WIDTH`].
    pub(crate) fn full_width(mut self) -> TextTable {
        self.width = TABLE_WIDTH;
        self
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn write(&self, f: &mut impl Write, indent: usize) -> fmt::Result {
        let cols = self.heads.len();
        let width = |k: usize| {
            self.rows
                .iter()
                .filter_map(|r| r.get(k))
                .chain(std::iter::once(&self.heads[k]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        };
        let w: Vec<usize> = (0..cols).map(width).collect();
        let total = indent + w.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        let pad = " ".repeat(indent);
        let cell = |out: &mut String, k: usize, text: &str, wk: usize| {
            if self.left[k] {
                let _ = write!(out, "{text:<wk$}");
            } else {
                let _ = write!(out, "{text:>wk$}");
            }
        };
        let line = |cells: &[String], from: usize, first_w: Option<usize>| {
            let mut out = String::new();
            for (k, c) in cells.iter().enumerate().skip(from) {
                if k > from {
                    out.push_str("  ");
                }
                let wk = if k == 0 {
                    first_w.unwrap_or(w[0])
                } else {
                    w[k]
                };
                cell(&mut out, k, c, wk);
            }
            out.trim_end().to_string()
        };
        if total <= self.width || cols < 2 {
            writeln!(f, "{pad}{}", line(&self.heads, 0, None))?;
            for r in &self.rows {
                writeln!(f, "{pad}{}", line(r, 0, None))?;
            }
            return Ok(());
        }
        let rest_total = indent + 4 + w[1..].iter().sum::<usize>() + 2 * (cols - 2);
        if rest_total > self.width {
            // Still too wide: one record per row, each cell named by its column.
            for r in &self.rows {
                let name = r.first().map_or("", String::as_str);
                para(f, &pad, &format!("{pad}    "), name)?;
                let cells: Vec<String> = r
                    .iter()
                    .zip(&self.heads)
                    .skip(1)
                    .map(|(c, h)| format!("{h}: {c}"))
                    .collect();
                para(
                    f,
                    &format!("{pad}    "),
                    &format!("{pad}      "),
                    &cells.join("; "),
                )?;
            }
            return Ok(());
        }
        // Too wide: names on their own lines.
        let inner = format!("{pad}    ");
        writeln!(f, "{pad}{}", self.heads[0])?;
        writeln!(f, "{inner}{}", line(&self.heads, 1, None))?;
        let room = self.width.saturating_sub(indent).max(20);
        for r in &self.rows {
            let name: Vec<char> = r.first().map(|s| s.chars().collect()).unwrap_or_default();
            for chunk in name.chunks(room) {
                writeln!(f, "{pad}{}", chunk.iter().collect::<String>())?;
            }
            if name.is_empty() {
                writeln!(f, "{pad}")?;
            }
            writeln!(f, "{inner}{}", line(r, 1, None))?;
        }
        Ok(())
    }
}

/// A number with `d` decimals, or "–" when missing or not finite; never "-0.000".
pub(crate) fn num(v: Option<f64>, d: usize) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let s = format!("{:.d$}", x + 0.0);
            if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
                s[1..].to_string()
            } else {
                s
            }
        }
        _ => "–".to_string(),
    }
}

/// A number with `d` decimals and its sign.
pub(crate) fn signed(v: f64, d: usize) -> String {
    let s = num(Some(v), d);
    if s.starts_with('-') || s == "–" {
        s
    } else {
        format!("+{s}")
    }
}

/// `[lower, upper]` with `d` decimals.
pub(crate) fn interval(lower: f64, upper: f64, d: usize) -> String {
    format!("[{}, {}]", num(Some(lower), d), num(Some(upper), d))
}

/// The mark of an interval cut at the end of the response scale.
pub(crate) const CLIPPED: &str = "†";

/// `[lower, upper]` cut to `[min, max]`, with [`CLIPPED`] when it was cut.
pub(crate) fn clipped(lower: f64, upper: f64, min: f64, max: f64, d: usize) -> (String, bool) {
    let (lo, hi) = (lower.max(min), upper.min(max));
    let cut = lo != lower || hi != upper;
    let text = interval(lo, hi, d);
    if cut {
        (format!("{text}{CLIPPED}"), true)
    } else {
        (text, false)
    }
}

/// A p-value as APA writes it: "<.001", else three decimals without the leading zero.
pub(crate) fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p.is_finite() && p < 0.001 => "<.001".into(),
        Some(p) if p.is_finite() => {
            let s = format!("{p:.3}");
            s.strip_prefix('0').map_or(s.clone(), str::to_string)
        }
        _ => "–".into(),
    }
}

/// A count with thousands separators (1,000).
pub(crate) fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_stay_under_the_width_and_keep_every_character() {
        let long = "x".repeat(250);
        let text = format!(
            "short words then {long} and more words to wrap {}",
            "y ".repeat(80)
        );
        let mut out = String::new();
        para(&mut out, "  ", "    ", &text).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        let joined: String = out.split_whitespace().collect();
        assert!(joined.contains(&long));
    }

    #[test]
    fn tables_fit_long_names() {
        let mut t = TextTable::new(&["name", "a", "b"]);
        t.row(vec!["short".into(), "1.000".into(), "2.000".into()]);
        t.row(vec!["n".repeat(150), "3.000".into(), "4.000".into()]);
        let mut out = String::new();
        t.write(&mut out, 2).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        let joined: String = out.split_whitespace().collect();
        assert!(joined.contains(&"n".repeat(150)));
        let mut t = TextTable::new(&["name", &"h".repeat(120)]);
        t.row(vec!["O".into(), "p".repeat(110)]);
        let mut out = String::new();
        t.write(&mut out, 2).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        let joined: String = out.split_whitespace().collect();
        assert!(joined.contains(&"p".repeat(110)) && joined.contains(&"h".repeat(120)));
        let mut t = TextTable::new(&["name", "a"]);
        t.row(vec!["O".into(), "0.5".into()]);
        let mut out = String::new();
        t.write(&mut out, 2).unwrap();
        assert_eq!(out, "  name    a\n  O     0.5\n");
    }

    #[test]
    fn numbers() {
        assert_eq!(num(Some(-0.0001), 3), "0.000");
        assert_eq!(num(None, 3), "–");
        assert_eq!(p_value(Some(0.0004)), "<.001");
        assert_eq!(p_value(Some(0.0512)), ".051");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(999), "999");
        assert_eq!(
            clipped(2.5, 5.4, 1.0, 5.0, 2),
            ("[2.50, 5.00]†".to_string(), true)
        );
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}

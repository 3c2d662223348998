//! Names as the text reports print them: one line each, padded by characters.

use std::borrow::Cow;

/// A name as printed in a report: control characters (a line break in a quoted CSV
/// field) escaped, so that one row stays one line.
pub(crate) fn label(name: &str) -> Cow<'_, str> {
    if name.chars().any(char::is_control) {
        Cow::Owned(name.chars().flat_map(char::escape_default).collect())
    } else {
        Cow::Borrowed(name)
    }
}

/// Width of `text` in characters.
pub(crate) fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` padded with spaces on the right to `width` characters. Unlike `{:width$}`,
/// which panics for widths of 65,536 or more, any width works; a longer text is kept
/// whole.
pub(crate) fn pad(text: &str, width: usize) -> String {
    let n = self::width(text);
    let mut out = String::with_capacity(text.len() + width.saturating_sub(n));
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_on_one_line_and_pad_by_characters() {
        assert_eq!(label("call\ncenter"), "call\\ncenter");
        assert!(matches!(label("web shop"), Cow::Borrowed(_)));
        assert_eq!(pad("é", 3), "é  ");
        assert_eq!(pad("long name", 2), "long name");
        assert_eq!(width(&pad("x", 70_000)), 70_000);
    }
}

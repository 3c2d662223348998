//! User text (names and ids from a model or answers file) as the printed reports show
//! it: control characters escaped, so that a name can never break a line of a report or
//! forge one.

use std::borrow::Cow;

/// `text` with control characters escaped (`\n`, `\u{1b}`), borrowed when it has none.
pub(crate) fn plain(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(cocreate_input::clip(text, usize::MAX))
    } else {
        Cow::Borrowed(text)
    }
}

/// `1 respondent`, `3 respondents`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_control_characters() {
        assert!(matches!(plain("Culture and employees"), Cow::Borrowed(_)));
        assert_eq!(plain("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(plural(1, "respondent", "respondents"), "1 respondent");
        assert_eq!(plural(0, "respondent", "respondents"), "0 respondents");
    }
}

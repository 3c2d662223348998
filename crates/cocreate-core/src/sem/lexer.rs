//! Tokens of lavaan model syntax, each with its line and column.

use super::error::{Position, SyntaxError};

/// One token kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Number(f64),
    Str(String),
    /// `=~`
    MeasuredBy,
    /// `~`
    Tilde,
    /// `~~`
    TildeTilde,
    /// `:=`
    Define,
    /// `==`
    EqEq,
    /// `<` or `>`
    Inequality(char),
    /// An operator lavaan has but this engine does not (`<~`, `|`, `~*~`, `%`).
    UnsupportedOp(&'static str),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    /// End of a statement: newline or `;`.
    Sep,
}

impl Tok {
    /// Is this one of the operators that make a statement?
    pub(crate) fn is_statement_op(&self) -> bool {
        matches!(
            self,
            Tok::MeasuredBy
                | Tok::Tilde
                | Tok::TildeTilde
                | Tok::Define
                | Tok::EqEq
                | Tok::Inequality(_)
                | Tok::UnsupportedOp(_)
        )
    }

    /// How the token reads in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("name {s:?}"),
            Tok::Number(v) => format!("number {v}"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::MeasuredBy => "'=~'".into(),
            Tok::Tilde => "'~'".into(),
            Tok::TildeTilde => "'~~'".into(),
            Tok::Define => "':='".into(),
            Tok::EqEq => "'=='".into(),
            Tok::Inequality(c) => format!("'{c}'"),
            Tok::UnsupportedOp(s) => format!("'{s}'"),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Star => "'*'".into(),
            Tok::Slash => "'/'".into(),
            Tok::Caret => "'^'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Sep => "the end of the statement".into(),
        }
    }
}

/// A token, where it starts, and its source text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: Position,
    pub text: String,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '.'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Splits model text into tokens. Comments (`#` or `!` to the end of the line) are
/// dropped; newlines and `;` become [`Tok::Sep`].
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    while i < chars.len() {
        let c = chars[i];
        let pos = Position { line, column: col };
        let push = |tok: Tok, len: usize, out: &mut Vec<Token>| {
            out.push(Token {
                tok,
                pos,
                text: chars[i..i + len].iter().collect(),
            });
            len
        };
        let len = match c {
            '\n' => {
                out.push(Token {
                    tok: Tok::Sep,
                    pos,
                    text: "\n".into(),
                });
                i += 1;
                line += 1;
                col = 1;
                continue;
            }
            c if c.is_whitespace() => 1,
            '#' | '!' => {
                let mut j = i;
                while j < chars.len() && chars[j] != '\n' {
                    j += 1;
                }
                j - i
            }
            ';' => push(Tok::Sep, 1, &mut out),
            '=' => match chars.get(i + 1) {
                Some('~') => push(Tok::MeasuredBy, 2, &mut out),
                Some('=') => push(Tok::EqEq, 2, &mut out),
                _ => {
                    return Err(SyntaxError::new(
                        pos,
                        "a single '=' is not an operator: did you mean '=~', ':=' or '=='?",
                    ))
                }
            },
            '~' => {
                if chars.get(i + 1) == Some(&'~') {
                    push(Tok::TildeTilde, 2, &mut out)
                } else if chars.get(i + 1) == Some(&'*') && chars.get(i + 2) == Some(&'~') {
                    push(Tok::UnsupportedOp("~*~"), 3, &mut out)
                } else {
                    push(Tok::Tilde, 1, &mut out)
                }
            }
            ':' => {
                if chars.get(i + 1) == Some(&'=') {
                    push(Tok::Define, 2, &mut out)
                } else {
                    return Err(SyntaxError::new(
                        pos,
                        "a single ':' is not an operator: did you mean ':='?",
                    ));
                }
            }
            '<' | '>' if chars.get(i + 1) == Some(&'=') => {
                return Err(SyntaxError::new(
                    pos,
                    format!(
                        "'{c}=' is not an operator: write '{c}' (lavaan's inequality constraints '>' and '<' already allow equality)"
                    ),
                ));
            }
            '<' => {
                if chars.get(i + 1) == Some(&'~') {
                    push(Tok::UnsupportedOp("<~"), 2, &mut out)
                } else {
                    push(Tok::Inequality('<'), 1, &mut out)
                }
            }
            '>' => push(Tok::Inequality('>'), 1, &mut out),
            '|' => push(Tok::UnsupportedOp("|"), 1, &mut out),
            '%' => push(Tok::UnsupportedOp("%"), 1, &mut out),
            '+' => push(Tok::Plus, 1, &mut out),
            '-' => push(Tok::Minus, 1, &mut out),
            '*' => push(Tok::Star, 1, &mut out),
            '/' => push(Tok::Slash, 1, &mut out),
            '^' => push(Tok::Caret, 1, &mut out),
            '(' => push(Tok::LParen, 1, &mut out),
            ')' => push(Tok::RParen, 1, &mut out),
            ',' => push(Tok::Comma, 1, &mut out),
            '"' | '\'' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != c && chars[j] != '\n' {
                    j += 1;
                }
                if j >= chars.len() || chars[j] != c {
                    return Err(SyntaxError::new(pos, "this quoted string is not closed"));
                }
                let s: String = chars[i + 1..j].iter().collect();
                push(Tok::Str(s), j + 1 - i, &mut out)
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let mut j = i;
                while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                    j += 1;
                }
                if j < chars.len() && (chars[j] == 'e' || chars[j] == 'E') {
                    let mut k = j + 1;
                    if k < chars.len() && (chars[k] == '+' || chars[k] == '-') {
                        k += 1;
                    }
                    if k < chars.len() && chars[k].is_ascii_digit() {
                        while k < chars.len() && chars[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                let text: String = chars[i..j].iter().collect();
                let v: f64 = text.parse().map_err(|_| {
                    SyntaxError::new(pos, format!("{text:?} is not a valid number"))
                })?;
                // A literal past the largest double would become infinity: no parameter
                // can be fixed to it, and it would not survive the model's JSON.
                if !v.is_finite() {
                    return Err(SyntaxError::new(
                        pos,
                        format!("{text} is too large for a number (it overflows to infinity)"),
                    ));
                }
                if j < chars.len() && is_ident_char(chars[j]) {
                    return Err(SyntaxError::new(
                        pos,
                        format!(
                            "a name cannot start with a digit ({}...)",
                            chars[i..=j].iter().collect::<String>()
                        ),
                    ));
                }
                push(Tok::Number(v), j - i, &mut out)
            }
            c if is_ident_start(c) => {
                let mut j = i;
                while j < chars.len() && is_ident_char(chars[j]) {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                push(Tok::Ident(s), j - i, &mut out)
            }
            other => {
                return Err(SyntaxError::new(
                    pos,
                    format!("unexpected character {other:?}"),
                ))
            }
        };
        i += len;
        col += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_comments() {
        let toks = tokenize("f =~ x1 # c\n y ~ 0.5*x").unwrap();
        let kinds: Vec<_> = toks.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(kinds[1], Tok::MeasuredBy);
        assert_eq!(kinds[3], Tok::Sep);
        let y = &toks[4];
        assert_eq!((y.pos.line, y.pos.column), (2, 2));
        assert_eq!(toks[6].tok, Tok::Number(0.5));
    }

    #[test]
    fn bad_characters() {
        assert!(tokenize("y = x").is_err());
        assert!(tokenize("y ~ 1x").is_err());
        assert!(tokenize("y ~ \"abc").is_err());
    }
}

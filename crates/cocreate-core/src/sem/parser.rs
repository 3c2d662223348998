//! lavaan model syntax to a [`Model`].
//!
//! Statements are separated by newlines or `;`. A line without an operator continues the
//! statement above it (so a long `=~` may be broken after a `+`). Each statement is
//! `lhs OP rhs`, where `lhs` may list several variables joined by `+`, and `rhs` lists terms
//! joined by `+`, each term an optional chain of modifiers and a variable:
//! `a*x`, `0.5*x`, `NA*x`, `start(1)*x`, `label("a")*x`, `equal("a")*x`.

use super::error::{Position, SyntaxError};
use super::expr::{parse_tokens, Expr};
use super::lexer::{tokenize, Tok, Token};
use super::model::{
    Constraint, ConstraintOp, ConstraintValue, Definition, GeneralConstraint, Model, Modifier,
    Relation,
};
use super::op::Op;

impl Model {
    /// Parses lavaan model syntax. See the [module docs](super) for the grammar.
    ///
    /// ```
    /// use cocreate_core::sem::Model;
    /// let m = Model::parse("dem60 =~ y1 + y2; dem60 ~ ind60\nind60 =~ x1 + x2")?;
    /// assert_eq!(m.relations().len(), 5);
    /// let err = Model::parse("dem60 =~ y1 +").unwrap_err();
    /// assert_eq!(err.position.line, 1);
    /// # Ok::<(), cocreate_core::sem::SyntaxError>(())
    /// ```
    pub fn parse(syntax: &str) -> Result<Model, SyntaxError> {
        parse(syntax)
    }
}

impl std::str::FromStr for Model {
    type Err = SyntaxError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Model::parse(s)
    }
}

fn parse(src: &str) -> Result<Model, SyntaxError> {
    // A UTF-8 byte-order mark, as editors on Windows write it, is not part of the model.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let tokens = tokenize(src)?;
    // Split into segments at separators, then glue operator-less segments to the previous.
    let mut statements: Vec<Vec<Token>> = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let flush = |cur: &mut Vec<Token>, stmts: &mut Vec<Vec<Token>>| -> Result<(), SyntaxError> {
        if cur.is_empty() {
            return Ok(());
        }
        let seg = std::mem::take(cur);
        if seg.iter().any(|t| t.tok.is_statement_op()) {
            stmts.push(seg);
        } else if let Some(last) = stmts.last_mut() {
            last.extend(seg);
        } else {
            return Err(SyntaxError::new(
                seg[0].pos,
                format!(
                    "expected a statement with an operator (=~, ~, ~~, := or ==), found {} without one",
                    seg[0].tok.describe()
                ),
            ));
        }
        Ok(())
    };
    for t in tokens {
        if t.tok == Tok::Sep {
            flush(&mut current, &mut statements)?;
        } else {
            current.push(t);
        }
    }
    flush(&mut current, &mut statements)?;
    let end_pos = end_position(src);

    let mut model = Model::default();
    for stmt in &statements {
        parse_statement(stmt, end_pos, &mut model)?;
    }
    Ok(model)
}

fn end_position(src: &str) -> Position {
    let line = src.lines().count().max(1);
    let column = src.lines().last().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column }
}

/// Position just after the last token of a statement.
fn after(toks: &[Token], fallback: Position) -> Position {
    toks.last().map_or(fallback, |t| Position {
        line: t.pos.line,
        column: t.pos.column + t.text.chars().count(),
    })
}

fn parse_statement(stmt: &[Token], end: Position, model: &mut Model) -> Result<(), SyntaxError> {
    let op_idx = stmt
        .iter()
        .position(|t| t.tok.is_statement_op())
        .expect("statements hold an operator");
    if let Some(second) = stmt[op_idx + 1..].iter().find(|t| t.tok.is_statement_op()) {
        return Err(SyntaxError::new(
            second.pos,
            format!(
                "expected '+' or the end of the statement, found a second operator {} (put each statement on its own line or separate them with ';')",
                second.tok.describe()
            ),
        ));
    }
    let (lhs, op_tok, rhs) = (&stmt[..op_idx], &stmt[op_idx], &stmt[op_idx + 1..]);
    let stmt_end = after(stmt, end);
    match &op_tok.tok {
        Tok::UnsupportedOp(s) => {
            let what = match *s {
                "<~" => "formative indicators ('<~') are not supported",
                "|" => "thresholds ('|') of ordinal variables are not supported",
                "~*~" => "scaling factors ('~*~') are not supported",
                _ => "this operator is not supported",
            };
            Err(SyntaxError::new(op_tok.pos, what))
        }
        Tok::Define => {
            let name = single_name(lhs, op_tok.pos, "a name for the defined parameter")?;
            if rhs.is_empty() {
                return Err(SyntaxError::new(
                    stmt_end,
                    "expected an expression after ':='",
                ));
            }
            if model.definitions.len() >= super::MAX_DEFINED {
                return Err(SyntaxError::new(
                    name.1,
                    format!(
                        "too many defined parameters (:=): at most {} are allowed",
                        super::MAX_DEFINED
                    ),
                ));
            }
            let expr = parse_tokens(rhs, stmt_end)?;
            if model.definitions.iter().any(|d| d.name == name.0) {
                return Err(SyntaxError::new(
                    name.1,
                    format!("defined parameter {:?} is defined twice", name.0),
                ));
            }
            let text: String = rhs.iter().map(|t| t.text.as_str()).collect();
            model.definitions.push(Definition {
                name: name.0,
                expr,
                text,
                position: name.1,
            });
            Ok(())
        }
        Tok::EqEq | Tok::Inequality(_) => {
            let op = match op_tok.tok {
                Tok::Inequality('>') => ConstraintOp::Greater,
                Tok::Inequality(_) => ConstraintOp::Less,
                _ => ConstraintOp::Equal,
            };
            parse_constraint(lhs, op, op_tok, rhs, stmt_end, model)
        }
        tok => {
            let op = match tok {
                Tok::MeasuredBy => Op::MeasuredBy,
                Tok::Tilde => Op::Regression,
                Tok::TildeTilde => Op::Covariance,
                _ => unreachable!("statement operators are handled above"),
            };
            let lhs_names = name_list(lhs, op_tok)?;
            let terms = parse_terms(rhs, op, op_tok, stmt_end)?;
            let expanded = lhs_names.len().saturating_mul(terms.len());
            if expanded.saturating_add(model.relations.len()) > super::MAX_MODEL_TERMS {
                return Err(SyntaxError::new(
                    op_tok.pos,
                    format!(
                        "the model has too many relations: this statement expands to {expanded} ({} names times {} terms) after {} earlier ones, and at most {} are allowed",
                        lhs_names.len(),
                        terms.len(),
                        model.relations.len(),
                        super::MAX_MODEL_TERMS
                    ),
                ));
            }
            for (lname, lpos) in &lhs_names {
                for term in &terms {
                    let (op, rhs_name) = if term.intercept {
                        (Op::Intercept, String::new())
                    } else {
                        (op, term.name.clone())
                    };
                    model.relations.push(Relation {
                        lhs: lname.clone(),
                        op,
                        rhs: rhs_name,
                        modifier: term.modifier.clone(),
                        lhs_position: *lpos,
                        rhs_position: term.position,
                    });
                }
            }
            Ok(())
        }
    }
}

/// `lhs == rhs`, `lhs > rhs` or `lhs < rhs`: a simple equality (`label == label`,
/// `label == number`) or a general constraint between two expressions.
fn parse_constraint(
    lhs: &[Token],
    op: ConstraintOp,
    op_tok: &Token,
    rhs: &[Token],
    stmt_end: Position,
    model: &mut Model,
) -> Result<(), SyntaxError> {
    let Some(first) = lhs.first() else {
        return Err(SyntaxError::new(
            op_tok.pos,
            format!(
                "expected an expression of parameter labels before {}",
                op_tok.tok.describe()
            ),
        ));
    };
    if model.constraints.len() + model.general_constraints.len() >= super::MAX_CONSTRAINTS {
        return Err(SyntaxError::new(
            first.pos,
            format!(
                "too many constraints (==, > and <): at most {} are allowed",
                super::MAX_CONSTRAINTS
            ),
        ));
    }
    if rhs.is_empty() {
        return Err(SyntaxError::new(
            stmt_end,
            format!("expected an expression after {}", op_tok.tok.describe()),
        ));
    }
    let lhs_expr = parse_tokens(lhs, op_tok.pos)?;
    let rhs_expr = parse_tokens(rhs, stmt_end)?;
    if op == ConstraintOp::Equal {
        if let Expr::Name { name, .. } = &lhs_expr {
            let value = match &rhs_expr {
                Expr::Name { name, .. } => Some(ConstraintValue::Label(name.clone())),
                Expr::Number(v) => Some(ConstraintValue::Value(*v)),
                Expr::Neg(inner) => match **inner {
                    Expr::Number(v) => Some(ConstraintValue::Value(-v)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(rhs) = value {
                model.constraints.push(Constraint {
                    lhs: name.clone(),
                    rhs,
                    position: first.pos,
                });
                return Ok(());
            }
        }
    }
    let text = |toks: &[Token]| toks.iter().map(|t| t.text.as_str()).collect::<String>();
    model.general_constraints.push(GeneralConstraint {
        lhs: lhs_expr,
        op,
        rhs: rhs_expr,
        lhs_text: text(lhs),
        rhs_text: text(rhs),
        position: first.pos,
    });
    Ok(())
}

fn single_name(
    toks: &[Token],
    op_pos: Position,
    what: &str,
) -> Result<(String, Position), SyntaxError> {
    match toks {
        [Token {
            tok: Tok::Ident(n),
            pos,
            ..
        }] => Ok((n.clone(), *pos)),
        [] => Err(SyntaxError::new(
            op_pos,
            format!("expected {what} before the operator"),
        )),
        [first, ..] => Err(SyntaxError::new(
            first.pos,
            format!(
                "expected {what} alone before the operator, found {}",
                first.tok.describe()
            ),
        )),
    }
}

/// `a + b + c` before an operator.
fn name_list(toks: &[Token], op_tok: &Token) -> Result<Vec<(String, Position)>, SyntaxError> {
    if toks.is_empty() {
        return Err(SyntaxError::new(
            op_tok.pos,
            format!("expected a variable name before {}", op_tok.tok.describe()),
        ));
    }
    let mut out = Vec::new();
    let mut expect_name = true;
    for t in toks {
        match (&t.tok, expect_name) {
            (Tok::Ident(n), true) => {
                out.push((n.clone(), t.pos));
                expect_name = false;
            }
            (Tok::Plus, false) => expect_name = true,
            (other, true) => {
                return Err(SyntaxError::new(
                    t.pos,
                    format!("expected a variable name, found {}", other.describe()),
                ))
            }
            (other, false) => {
                return Err(SyntaxError::new(
                    t.pos,
                    format!(
                        "expected '+' or {}, found {}",
                        op_tok.tok.describe(),
                        other.describe()
                    ),
                ))
            }
        }
    }
    if expect_name {
        return Err(SyntaxError::new(
            op_tok.pos,
            format!("expected a variable name before {}", op_tok.tok.describe()),
        ));
    }
    Ok(out)
}

struct Term {
    name: String,
    intercept: bool,
    modifier: Modifier,
    position: Position,
}

enum Atom {
    Number(f64),
    Na,
    Name(String),
    Start(f64),
    Label(String),
    /// `c(1, NA)`: per group, fixed or free.
    FixedVector(Vec<Option<f64>>),
    /// `c(a1, a2)`, `label(c("a1", "a2"))`: per group, a label or none (`NA`).
    LabelVector(Vec<Option<String>>),
    /// `start(c(0.5, 0.8))`.
    StartVector(Vec<Option<f64>>),
}

/// The index of the `)` that closes the `(` at `open`, counting nested parentheses.
fn closing_paren(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// One element of a vector modifier.
enum Element {
    Number(f64),
    Na,
    Label(String),
}

/// The elements of `c(...)` (the tokens between its parentheses), at least one, each a
/// number, `NA`, a name or a quoted label, separated by commas.
fn vector_elements(inner: &[Token], at: Position) -> Result<Vec<Element>, SyntaxError> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let Some(t) = inner.get(i) else {
            return Err(SyntaxError::new(
                inner.last().map_or(at, |t| t.pos),
                "expected a number, NA or a label in c(...)",
            ));
        };
        let (element, next) = match &t.tok {
            Tok::Number(v) => (Element::Number(*v), i + 1),
            Tok::Minus | Tok::Plus => match inner.get(i + 1).map(|x| &x.tok) {
                Some(Tok::Number(v)) => {
                    let v = if t.tok == Tok::Minus { -*v } else { *v };
                    (Element::Number(v), i + 2)
                }
                _ => {
                    return Err(SyntaxError::new(
                        t.pos,
                        format!("expected a number after {}", t.tok.describe()),
                    ))
                }
            },
            Tok::Ident(n) if n == "NA" => (Element::Na, i + 1),
            Tok::Ident(n) | Tok::Str(n) => (Element::Label(n.clone()), i + 1),
            other => {
                return Err(SyntaxError::new(
                    t.pos,
                    format!(
                        "expected a number, NA or a label in c(...), found {}",
                        other.describe()
                    ),
                ))
            }
        };
        out.push(element);
        if out.len() > super::MAX_GROUPS {
            return Err(SyntaxError::new(
                t.pos,
                format!(
                    "a vector modifier c(...) has one value per group, and at most {} groups are allowed",
                    super::MAX_GROUPS
                ),
            ));
        }
        match inner.get(next) {
            None => return Ok(out),
            Some(Token {
                tok: Tok::Comma, ..
            }) => i = next + 1,
            Some(t) => {
                return Err(SyntaxError::new(
                    t.pos,
                    format!("expected ',' or ')' in c(...), found {}", t.tok.describe()),
                ))
            }
        }
    }
}

/// `c(...)` as written before a variable: all numbers and `NA` fix or free the parameter
/// per group; names or quoted text label it per group (`NA`: no label in that group).
fn vector_atom(inner: &[Token], at: Position) -> Result<Atom, SyntaxError> {
    let elements = vector_elements(inner, at)?;
    let has_label = elements.iter().any(|e| matches!(e, Element::Label(_)));
    let has_number = elements.iter().any(|e| matches!(e, Element::Number(_)));
    if has_label && has_number {
        return Err(SyntaxError::new(
            at,
            "c(...) mixes numbers and labels: write the fixed values and the labels as two vectors, c(1, NA)*c(a1, a2)*x",
        ));
    }
    Ok(if has_label {
        Atom::LabelVector(
            elements
                .into_iter()
                .map(|e| match e {
                    Element::Label(l) => Some(l),
                    _ => None,
                })
                .collect(),
        )
    } else {
        Atom::FixedVector(
            elements
                .into_iter()
                .map(|e| match e {
                    Element::Number(v) => Some(v),
                    _ => None,
                })
                .collect(),
        )
    })
}

fn parse_terms(
    toks: &[Token],
    op: Op,
    op_tok: &Token,
    stmt_end: Position,
) -> Result<Vec<Term>, SyntaxError> {
    let mut terms = Vec::new();
    let mut i = 0;
    if toks.is_empty() {
        return Err(SyntaxError::new(
            stmt_end,
            format!("expected a variable name after {}", op_tok.tok.describe()),
        ));
    }
    loop {
        // A term: atom ('*' atom)*
        let mut atoms: Vec<(Atom, Position)> = Vec::new();
        loop {
            let (atom, pos, next) = parse_atom(toks, i, stmt_end)?;
            atoms.push((atom, pos));
            i = next;
            if toks.get(i).map(|t| &t.tok) == Some(&Tok::Star) {
                i += 1;
                continue;
            }
            break;
        }
        terms.push(finish_term(atoms, op)?);
        match toks.get(i) {
            None => break,
            Some(t) if t.tok == Tok::Plus => {
                i += 1;
                if i >= toks.len() {
                    return Err(SyntaxError::new(
                        after(toks, stmt_end),
                        "expected a variable name after '+'",
                    ));
                }
            }
            Some(t) => {
                return Err(SyntaxError::new(
                    t.pos,
                    format!(
                        "expected '+', '*' or the end of the statement, found {}",
                        t.tok.describe()
                    ),
                ))
            }
        }
    }
    Ok(terms)
}

fn parse_atom(
    toks: &[Token],
    i: usize,
    stmt_end: Position,
) -> Result<(Atom, Position, usize), SyntaxError> {
    let Some(t) = toks.get(i) else {
        return Err(SyntaxError::new(
            after(toks, stmt_end),
            "expected a variable name or a modifier",
        ));
    };
    match &t.tok {
        Tok::Number(v) => Ok((Atom::Number(*v), t.pos, i + 1)),
        Tok::Minus | Tok::Plus => match toks.get(i + 1).map(|x| &x.tok) {
            Some(Tok::Number(v)) => {
                let v = if t.tok == Tok::Minus { -*v } else { *v };
                Ok((Atom::Number(v), t.pos, i + 2))
            }
            _ => Err(SyntaxError::new(
                t.pos,
                format!("expected a variable name, found {}", t.tok.describe()),
            )),
        },
        Tok::Str(s) => Ok((Atom::Label(s.clone()), t.pos, i + 1)),
        Tok::Ident(name) if name == "NA" => Ok((Atom::Na, t.pos, i + 1)),
        Tok::Ident(name) if toks.get(i + 1).map(|x| &x.tok) == Some(&Tok::LParen) => {
            // start(v), label("a"), equal("a"), c(...), start(c(...)), label(c(...))
            let close = closing_paren(toks, i + 1)
                .ok_or_else(|| SyntaxError::new(toks[i + 1].pos, "this '(' is not closed"))?;
            let inner = &toks[i + 2..close];
            // `c(...)` as the whole argument of start(), label() or equal().
            let vector = match inner {
                [Token {
                    tok: Tok::Ident(c),
                    pos,
                    ..
                }, Token {
                    tok: Tok::LParen, ..
                }, .., Token {
                    tok: Tok::RParen, ..
                }] if c == "c" && closing_paren(inner, 1) == Some(inner.len() - 1) => {
                    Some((&inner[2..inner.len() - 1], *pos))
                }
                _ => None,
            };
            let atom = match name.as_str() {
                "start" => match vector {
                    Some((elements, at)) => match vector_atom(elements, at)? {
                        Atom::FixedVector(v) => Atom::StartVector(v),
                        _ => return Err(SyntaxError::new(at, "start(c(...)) takes numbers or NA")),
                    },
                    None => match parse_tokens(inner, toks[close].pos)? {
                        Expr::Number(v) => Atom::Start(v),
                        Expr::Neg(b) if matches!(*b, Expr::Number(_)) => match *b {
                            Expr::Number(v) => Atom::Start(-v),
                            _ => unreachable!(),
                        },
                        _ => {
                            return Err(SyntaxError::new(
                                t.pos,
                                "start() takes a single number or c(...)",
                            ))
                        }
                    },
                },
                "label" | "equal" => match (vector, inner) {
                    (Some((elements, at)), _) => match vector_atom(elements, at)? {
                        Atom::LabelVector(v) => Atom::LabelVector(v),
                        _ => {
                            return Err(SyntaxError::new(
                                at,
                                format!("{name}(c(...)) takes labels"),
                            ))
                        }
                    },
                    (
                        None,
                        [Token {
                            tok: Tok::Str(s) | Tok::Ident(s),
                            ..
                        }],
                    ) => Atom::Label(s.clone()),
                    _ => {
                        return Err(SyntaxError::new(
                            t.pos,
                            format!("{name}() takes a single label or c(...)"),
                        ))
                    }
                },
                "c" => vector_atom(inner, t.pos)?,
                other => {
                    return Err(SyntaxError::new(
                        t.pos,
                        format!("unknown modifier {other}() (known: start, label, equal, c)"),
                    ))
                }
            };
            Ok((atom, t.pos, close + 1))
        }
        Tok::Ident(name) => Ok((Atom::Name(name.clone()), t.pos, i + 1)),
        other => Err(SyntaxError::new(
            t.pos,
            format!("expected a variable name, found {}", other.describe()),
        )),
    }
}

fn finish_term(mut atoms: Vec<(Atom, Position)>, op: Op) -> Result<Term, SyntaxError> {
    let (last, last_pos) = atoms.pop().expect("a term has at least one atom");
    let (name, intercept) = match last {
        Atom::Name(n) => (n, false),
        Atom::Number(v) if op == Op::Regression && v == 1.0 => (String::new(), true),
        Atom::Number(_) if op == Op::Regression => {
            return Err(SyntaxError::new(
                last_pos,
                "expected a variable name or 1 (intercept) at the end of the term",
            ))
        }
        _ => {
            return Err(SyntaxError::new(
                last_pos,
                "expected a variable name at the end of the term",
            ))
        }
    };
    let mut m = Modifier::default();
    for (atom, pos) in atoms {
        let fixed_twice = m.fixed.is_some() || m.free || !m.fixed_by_group.is_empty();
        let labelled_twice = m.label.is_some() || !m.label_by_group.is_empty();
        let started_twice = m.start.is_some() || !m.start_by_group.is_empty();
        match atom {
            Atom::Number(_) | Atom::Na | Atom::FixedVector(_) if fixed_twice => {
                return Err(SyntaxError::new(pos, "the term is fixed or freed twice"));
            }
            Atom::Name(_) | Atom::Label(_) | Atom::LabelVector(_) if labelled_twice => {
                return Err(SyntaxError::new(pos, "the term has two labels"));
            }
            Atom::Start(_) | Atom::StartVector(_) if started_twice => {
                return Err(SyntaxError::new(pos, "the term has two starting values"));
            }
            Atom::Number(v) => m.fixed = Some(v),
            Atom::Na => m.free = true,
            Atom::FixedVector(v) => m.fixed_by_group = v,
            Atom::Name(l) | Atom::Label(l) => m.label = Some(l),
            Atom::LabelVector(v) => m.label_by_group = v,
            Atom::Start(v) => m.start = Some(v),
            Atom::StartVector(v) => m.start_by_group = v,
        }
    }
    let lengths: Vec<usize> = [
        m.fixed_by_group.len(),
        m.label_by_group.len(),
        m.start_by_group.len(),
    ]
    .into_iter()
    .filter(|&n| n > 0)
    .collect();
    if lengths.windows(2).any(|w| w[0] != w[1]) {
        let list: Vec<String> = lengths.iter().map(|n| n.to_string()).collect();
        return Err(SyntaxError::new(
            last_pos,
            format!(
                "the vector modifiers of this term have different lengths ({}); each has one value per group",
                list.join(" and ")
            ),
        ));
    }
    Ok(Term {
        name,
        intercept,
        modifier: m,
        position: last_pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_grammar() {
        let m = parse(
            "# comment\nf =~ x1 + 0.8*x2 +\n   NA*x3 ! other comment\ny1 + y2 ~ a*f + start(0.2)*x; y1 ~~ y2\ny1 ~ 1\nab := a*2 + (a)^2\na == 0.5",
        )
        .unwrap();
        let r = m.relations();
        assert_eq!(r.len(), 3 + 4 + 1 + 1);
        assert_eq!(r[1].modifier.fixed, Some(0.8));
        assert!(r[2].modifier.free);
        assert_eq!((r[2].rhs_position.line, r[2].rhs_position.column), (3, 7));
        assert_eq!(r[3].lhs, "y1");
        assert_eq!(r[5].lhs, "y2");
        assert_eq!(r[4].modifier.start, Some(0.2));
        assert_eq!(r[8].op, Op::Intercept);
        assert_eq!(m.definitions()[0].text, "a*2+(a)^2");
        assert_eq!(m.constraints()[0].rhs, ConstraintValue::Value(0.5));
    }

    #[test]
    fn vector_modifiers() {
        let m = parse("f =~ x1 + c(a1, \"a2\")*c(1, NA)*x2 + start(c(0.5, -1))*x3\nf ~ c(0, NA)*1\ny ~ label(c(b1, NA))*x").unwrap();
        let r = m.relations();
        assert_eq!(
            r[1].modifier.label_by_group,
            [Some("a1".to_string()), Some("a2".to_string())]
        );
        assert_eq!(r[1].modifier.fixed_by_group, [Some(1.0), None]);
        assert_eq!(r[2].modifier.start_by_group, [Some(0.5), Some(-1.0)]);
        assert_eq!(r[3].op, Op::Intercept);
        assert_eq!(r[3].modifier.fixed_by_group, [Some(0.0), None]);
        assert_eq!(r[4].modifier.label_by_group, [Some("b1".to_string()), None]);
        let again = parse(&m.to_syntax()).unwrap();
        assert_eq!(again.to_syntax(), m.to_syntax());
    }

    #[test]
    fn constraints_simple_and_general() {
        let m = parse(
            "y ~ a*x1 + b*x2\na == b\nb == -1\na == 2 * b\na + b == 1\na > 0\nb < a\nb1 + b2 > 1",
        )
        .unwrap();
        assert_eq!(m.constraints().len(), 2);
        assert_eq!(m.constraints()[1].rhs, ConstraintValue::Value(-1.0));
        let g = m.general_constraints();
        assert_eq!(g.len(), 5);
        assert_eq!(
            (g[0].lhs_text.as_str(), g[0].rhs_text.as_str()),
            ("a", "2*b")
        );
        assert_eq!(g[0].position, Position { line: 4, column: 1 });
        assert_eq!(g[1].lhs_text, "a+b");
        assert_eq!(
            (g[2].op, g[3].op),
            (ConstraintOp::Greater, ConstraintOp::Less)
        );
        assert_eq!(g[4].to_string(), "b1+b2 > 1");
        // The syntax written back parses to the same model.
        assert_eq!(parse(&m.to_syntax()).unwrap().to_syntax(), m.to_syntax());
        for (bad, column) in [
            ("y ~ a*x\n> 0", 1),
            ("y ~ a*x\na >", 4),
            ("y ~ a*x\na > (b", 7),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(
                (e.position.line, e.position.column),
                (2, column),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("f =~ x1 + \n").unwrap_err();
        assert_eq!(e.position.line, 1);
        let e = parse("f =~ x1 x2").unwrap_err();
        assert_eq!(e.position.column, 9);
        assert!(e.message.contains("expected '+'"));
        let e = parse("x1 + x2").unwrap_err();
        assert!(e.message.contains("operator"));
        let e = parse("y ~ x\nf <~ x").unwrap_err();
        assert_eq!(e.position.line, 2);
        assert!(parse("y ~ 2").is_err());
        assert!(parse("f =~ 1").is_err());
        assert!(parse("y ~ c(a,1)*x").is_err());
        assert!(parse("y ~ c(1,NA)*c(a,b,c)*x").is_err());
        assert!(parse("y ~ c()*x").is_err());
        assert!(parse("y ~ 1*c(1,2)*x").is_err());
        assert!(parse("a := ").is_err());
        assert!(parse("y ~ x ~ z").is_err());
    }
}

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
            // start(v), label("a"), equal("a"), c(...)
            let close = toks[i + 2..]
                .iter()
                .position(|x| x.tok == Tok::RParen)
                .map(|k| i + 2 + k)
                .ok_or_else(|| SyntaxError::new(toks[i + 1].pos, "this '(' is not closed"))?;
            let inner = &toks[i + 2..close];
            let atom =
                match name.as_str() {
                    "start" => match parse_tokens(inner, toks[close].pos)? {
                        Expr::Number(v) => Atom::Start(v),
                        Expr::Neg(b) if matches!(*b, Expr::Number(_)) => match *b {
                            Expr::Number(v) => Atom::Start(-v),
                            _ => unreachable!(),
                        },
                        _ => return Err(SyntaxError::new(t.pos, "start() takes a single number")),
                    },
                    "label" | "equal" => match inner {
                        [Token {
                            tok: Tok::Str(s) | Tok::Ident(s),
                            ..
                        }] => Atom::Label(s.clone()),
                        _ => {
                            return Err(SyntaxError::new(
                                t.pos,
                                format!("{name}() takes a single label"),
                            ))
                        }
                    },
                    "c" => return Err(SyntaxError::new(
                        t.pos,
                        "vector modifiers c(...) are for multiple groups, which are not supported",
                    )),
                    other => {
                        return Err(SyntaxError::new(
                            t.pos,
                            format!("unknown modifier {other}() (known: start, label, equal)"),
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
        match atom {
            Atom::Number(v) => {
                if m.fixed.is_some() || m.free {
                    return Err(SyntaxError::new(pos, "the term is fixed or freed twice"));
                }
                m.fixed = Some(v);
            }
            Atom::Na => {
                if m.fixed.is_some() || m.free {
                    return Err(SyntaxError::new(pos, "the term is fixed or freed twice"));
                }
                m.free = true;
            }
            Atom::Name(l) | Atom::Label(l) => {
                if m.label.is_some() {
                    return Err(SyntaxError::new(pos, "the term has two labels"));
                }
                m.label = Some(l);
            }
            Atom::Start(v) => {
                if m.start.is_some() {
                    return Err(SyntaxError::new(pos, "the term has two starting values"));
                }
                m.start = Some(v);
            }
        }
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
        assert!(parse("y ~ c(a,b)*x").is_err());
        assert!(parse("a := ").is_err());
        assert!(parse("y ~ x ~ z").is_err());
    }
}

//! Arithmetic over parameter labels, for defined parameters (`:=`) and constraints.
//!
//! The grammar is R's: `+ - * / ^`, unary minus, parentheses, numbers, names, and the
//! functions `sqrt`, `exp`, `log` (natural) and `abs`. `^` binds tighter than unary minus
//! and is right-associative, so `-a^2` is `-(a^2)`.

use super::error::{Position, SyntaxError};
use super::lexer::{Tok, Token};

/// A value with its gradient with respect to the free parameters.
pub(crate) type Dual = (f64, Vec<f64>);

/// A binary operator.
///
/// ```
/// use cocreate_core::sem::{BinOp, Expr};
/// assert!(matches!(Expr::parse("a/b")?, Expr::Binary { op: BinOp::Div, .. }));
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

/// A function allowed in expressions.
///
/// ```
/// use cocreate_core::sem::{Expr, Func};
/// assert!(matches!(Expr::parse("sqrt(a)")?, Expr::Call { func: Func::Sqrt, .. }));
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Func {
    /// Square root.
    Sqrt,
    /// Exponential.
    Exp,
    /// Natural logarithm.
    Log,
    /// Absolute value.
    Abs,
}

/// An arithmetic expression over parameter labels.
///
/// ```
/// use cocreate_core::sem::Expr;
/// let e = Expr::parse("a*b + c")?;
/// let v = e.eval(&|name: &str| match name { "a" => Some(2.0), "b" => Some(3.0), "c" => Some(1.0), _ => None });
/// assert_eq!(v, Some(7.0));
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Expr {
    /// A constant.
    Number(f64),
    /// A label or defined parameter.
    Name {
        /// The name.
        name: String,
        /// Where it appears in the model text.
        position: Position,
    },
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// A function call.
    Call {
        /// The function.
        func: Func,
        /// Its argument.
        arg: Box<Expr>,
    },
}

impl Expr {
    /// Parses an expression on its own (for the builder API).
    pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
        let toks: Vec<Token> = super::lexer::tokenize(text)?
            .into_iter()
            .filter(|t| t.tok != Tok::Sep)
            .collect();
        let end = Position {
            line: 1,
            column: text.chars().count() + 1,
        };
        parse_tokens(&toks, end)
    }

    /// Names used, in order of appearance (with repeats).
    pub fn names(&self) -> Vec<(&str, Position)> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, Position)>) {
        match self {
            Expr::Number(_) => {}
            Expr::Name { name, position } => out.push((name, *position)),
            Expr::Neg(e) | Expr::Call { arg: e, .. } => e.collect_names(out),
            Expr::Binary { lhs, rhs, .. } => {
                lhs.collect_names(out);
                rhs.collect_names(out);
            }
        }
    }

    /// Evaluates with values looked up by name; `None` if a name is unknown.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
        Some(match self {
            Expr::Number(v) => *v,
            Expr::Name { name, .. } => lookup(name)?,
            Expr::Neg(e) => -e.eval(lookup)?,
            Expr::Call { func, arg } => {
                let x = arg.eval(lookup)?;
                match func {
                    Func::Sqrt => x.sqrt(),
                    Func::Exp => x.exp(),
                    Func::Log => x.ln(),
                    Func::Abs => x.abs(),
                }
            }
            Expr::Binary { op, lhs, rhs } => {
                let (a, b) = (lhs.eval(lookup)?, rhs.eval(lookup)?);
                match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    BinOp::Pow => a.powf(b),
                }
            }
        })
    }

    /// Value and gradient (forward-mode differentiation). `lookup` gives each name's value
    /// and its gradient with respect to the free parameters (all of length `dim`).
    pub(crate) fn eval_grad(
        &self,
        lookup: &dyn Fn(&str) -> Option<Dual>,
        dim: usize,
    ) -> Option<Dual> {
        Some(match self {
            Expr::Number(v) => (*v, vec![0.0; dim]),
            Expr::Name { name, .. } => lookup(name)?,
            Expr::Neg(e) => {
                let (v, g) = e.eval_grad(lookup, dim)?;
                (-v, g.into_iter().map(|x| -x).collect())
            }
            Expr::Call { func, arg } => {
                let (x, g) = arg.eval_grad(lookup, dim)?;
                let (v, d) = match func {
                    Func::Sqrt => (x.sqrt(), 0.5 / x.sqrt()),
                    Func::Exp => (x.exp(), x.exp()),
                    Func::Log => (x.ln(), 1.0 / x),
                    Func::Abs => (x.abs(), if x >= 0.0 { 1.0 } else { -1.0 }),
                };
                (v, g.into_iter().map(|gi| gi * d).collect())
            }
            Expr::Binary { op, lhs, rhs } => {
                let (a, ga) = lhs.eval_grad(lookup, dim)?;
                let (b, gb) = rhs.eval_grad(lookup, dim)?;
                let comb = |da: f64, db: f64| -> Vec<f64> {
                    ga.iter().zip(&gb).map(|(x, y)| da * x + db * y).collect()
                };
                match op {
                    BinOp::Add => (a + b, comb(1.0, 1.0)),
                    BinOp::Sub => (a - b, comb(1.0, -1.0)),
                    BinOp::Mul => (a * b, comb(b, a)),
                    BinOp::Div => (a / b, comb(1.0 / b, -a / (b * b))),
                    BinOp::Pow => {
                        let v = a.powf(b);
                        let da = if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) };
                        let db = if gb.iter().all(|x| *x == 0.0) {
                            0.0
                        } else {
                            v * a.ln()
                        };
                        (v, comb(da, db))
                    }
                }
            }
        })
    }
}

/// Parses a whole token slice as one expression. `end` is the position reported when the
/// expression stops early.
pub(crate) fn parse_tokens(toks: &[Token], end: Position) -> Result<Expr, SyntaxError> {
    let mut p = ExprParser {
        toks,
        i: 0,
        end,
        depth: 0,
    };
    if toks.is_empty() {
        return Err(SyntaxError::new(end, "expected an expression"));
    }
    // Parsing and evaluation recurse over the expression tree: bound its size so that no
    // input can exhaust the stack.
    if toks.len() > MAX_TOKENS {
        return Err(SyntaxError::new(
            toks[0].pos,
            format!(
                "expression too long ({} tokens; at most {MAX_TOKENS})",
                toks.len()
            ),
        ));
    }
    let e = p.expr()?;
    if let Some(t) = toks.get(p.i) {
        return Err(SyntaxError::new(
            t.pos,
            format!(
                "expected an operator or the end of the expression, found {}",
                t.tok.describe()
            ),
        ));
    }
    Ok(e)
}

/// The longest defined-parameter expression accepted, in tokens.
const MAX_TOKENS: usize = 4096;
/// The deepest nesting of parentheses, signs and exponents accepted.
const MAX_DEPTH: usize = 64;

struct ExprParser<'a> {
    toks: &'a [Token],
    i: usize,
    end: Position,
    /// Current nesting of `unary` calls (parentheses, signs, exponents).
    depth: usize,
}

impl ExprParser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn pos(&self) -> Position {
        self.toks.get(self.i).map_or(self.end, |t| t.pos)
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut lhs = self.term()?;
        while let Some(op) = match self.peek() {
            Some(Tok::Plus) => Some(BinOp::Add),
            Some(Tok::Minus) => Some(BinOp::Sub),
            _ => None,
        } {
            self.i += 1;
            let rhs = self.term()?;
            lhs = Expr::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
        Ok(lhs)
    }

    fn term(&mut self) -> Result<Expr, SyntaxError> {
        let mut lhs = self.unary()?;
        while let Some(op) = match self.peek() {
            Some(Tok::Star) => Some(BinOp::Mul),
            Some(Tok::Slash) => Some(BinOp::Div),
            _ => None,
        } {
            self.i += 1;
            let rhs = self.unary()?;
            lhs = Expr::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(SyntaxError::new(
                self.pos(),
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.depth += 1;
        let e = self.unary_inner();
        self.depth -= 1;
        e
    }

    fn unary_inner(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek() {
            Some(Tok::Minus) => {
                self.i += 1;
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Some(Tok::Plus) => {
                self.i += 1;
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, SyntaxError> {
        let base = self.primary()?;
        if self.peek() == Some(&Tok::Caret) {
            self.i += 1;
            let exp = self.unary()?;
            return Ok(Expr::Binary {
                op: BinOp::Pow,
                lhs: Box::new(base),
                rhs: Box::new(exp),
            });
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let pos = self.pos();
        let Some(tok) = self.peek().cloned() else {
            return Err(SyntaxError::new(pos, "expected a number, a name or '('"));
        };
        self.i += 1;
        match tok {
            Tok::Number(v) => Ok(Expr::Number(v)),
            Tok::LParen => {
                let e = self.expr()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(SyntaxError::new(self.pos(), "expected ')'"));
                }
                self.i += 1;
                Ok(e)
            }
            Tok::Ident(name) => {
                if self.peek() == Some(&Tok::LParen) {
                    let func = match name.as_str() {
                        "sqrt" => Func::Sqrt,
                        "exp" => Func::Exp,
                        "log" => Func::Log,
                        "abs" => Func::Abs,
                        _ => {
                            return Err(SyntaxError::new(
                                pos,
                                format!("unknown function {name:?} (known: sqrt, exp, log, abs)"),
                            ))
                        }
                    };
                    self.i += 1;
                    let arg = self.expr()?;
                    if self.peek() != Some(&Tok::RParen) {
                        return Err(SyntaxError::new(self.pos(), "expected ')'"));
                    }
                    self.i += 1;
                    return Ok(Expr::Call {
                        func,
                        arg: Box::new(arg),
                    });
                }
                Ok(Expr::Name {
                    name,
                    position: pos,
                })
            }
            other => Err(SyntaxError::new(
                pos,
                format!(
                    "expected a number, a name or '(', found {}",
                    other.describe()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(n: &str) -> Option<f64> {
        match n {
            "a" => Some(2.0),
            "b" => Some(3.0),
            _ => None,
        }
    }

    #[test]
    fn precedence() {
        let v = |s: &str| Expr::parse(s).unwrap().eval(&lookup).unwrap();
        assert_eq!(v("a + b * 2"), 8.0);
        assert_eq!(v("-a^2"), -4.0);
        assert_eq!(v("2^3^2"), 512.0);
        assert_eq!(v("(a+b)/5"), 1.0);
        assert!((v("sqrt(a*8)") - 4.0).abs() < 1e-15);
        assert!(Expr::parse("a +").is_err());
        assert!(Expr::parse("foo(a)").is_err());
        assert_eq!(Expr::parse("z*a").unwrap().eval(&lookup), None);
    }

    #[test]
    fn deep_or_huge_expressions_are_errors_not_stack_overflows() {
        let deep = format!("{}a{}", "(".repeat(2_000), ")".repeat(2_000));
        let err = Expr::parse(&deep).unwrap_err().to_string();
        assert!(err.contains("nested too deeply"), "{err}");
        let signs = format!("{}a", "-".repeat(4_000));
        assert!(Expr::parse(&signs).is_err());
        let long = vec!["a"; 10_000].join(" + ");
        let err = Expr::parse(&long).unwrap_err().to_string();
        assert!(err.contains("expression too long"), "{err}");
        let nested_ok = format!("{}a{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(Expr::parse(&nested_ok).unwrap().eval(&lookup), Some(2.0));
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let e = Expr::parse("a*b/(1+a)^2 + sqrt(b) - exp(a/4)").unwrap();
        let at = |a: f64, b: f64| {
            e.eval(&|n: &str| match n {
                "a" => Some(a),
                "b" => Some(b),
                _ => None,
            })
            .unwrap()
        };
        let (v, g) = e
            .eval_grad(
                &|n: &str| match n {
                    "a" => Some((0.7, vec![1.0, 0.0])),
                    "b" => Some((1.3, vec![0.0, 1.0])),
                    _ => None,
                },
                2,
            )
            .unwrap();
        assert!((v - at(0.7, 1.3)).abs() < 1e-14);
        let h = 1e-6;
        let ga = (at(0.7 + h, 1.3) - at(0.7 - h, 1.3)) / (2.0 * h);
        let gb = (at(0.7, 1.3 + h) - at(0.7, 1.3 - h)) / (2.0 * h);
        assert!((g[0] - ga).abs() < 1e-8 && (g[1] - gb).abs() < 1e-8);
    }
}

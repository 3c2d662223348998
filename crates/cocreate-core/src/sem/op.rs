//! The relation operators of lavaan syntax, the one piece of vocabulary every layer uses
//! (the model, the parameter table, the results and the errors).

use std::fmt;

/// A relation operator of lavaan syntax.
///
/// ```
/// use cocreate_core::sem::Op;
/// assert_eq!(Op::MeasuredBy.as_str(), "=~");
/// assert_eq!(Op::Intercept.to_string(), "~1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Op {
    /// `=~`: a latent variable is measured by an indicator (a loading).
    #[cfg_attr(feature = "serde", serde(rename = "=~"))]
    MeasuredBy,
    /// `~`: regressed on (a regression coefficient).
    #[cfg_attr(feature = "serde", serde(rename = "~"))]
    Regression,
    /// `~~`: a (residual) variance or covariance.
    #[cfg_attr(feature = "serde", serde(rename = "~~"))]
    Covariance,
    /// `~ 1`: an intercept or mean.
    #[cfg_attr(feature = "serde", serde(rename = "~1"))]
    Intercept,
    /// `:=`: a defined parameter, a function of labelled parameters.
    #[cfg_attr(feature = "serde", serde(rename = ":="))]
    Defined,
    /// `|`: a threshold of an ordered variable (`x | t1`), in the parameter table of a
    /// fit with ordered variables (WLSMV).
    #[cfg_attr(feature = "serde", serde(rename = "|"))]
    Threshold,
    /// `~*~`: the scaling factor of an ordered variable's latent response (delta
    /// parameterization), in the parameter table of a fit with ordered variables.
    #[cfg_attr(feature = "serde", serde(rename = "~*~"))]
    Scaling,
}

impl Op {
    /// The operator as lavaan writes it in parameter tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::MeasuredBy => "=~",
            Op::Regression => "~",
            Op::Covariance => "~~",
            Op::Intercept => "~1",
            Op::Defined => ":=",
            Op::Threshold => "|",
            Op::Scaling => "~*~",
        }
    }

    /// Parses the operator text (`"=~"`, `"~"`, `"~~"`, `"~1"`, `":="`, `"|"`, `"~*~"`).
    ///
    /// ```
    /// use cocreate_core::sem::Op;
    /// assert_eq!(Op::from_str_op("~~"), Some(Op::Covariance));
    /// ```
    pub fn from_str_op(s: &str) -> Option<Op> {
        Some(match s {
            "=~" => Op::MeasuredBy,
            "~" => Op::Regression,
            "~~" => Op::Covariance,
            "~1" => Op::Intercept,
            ":=" => Op::Defined,
            "|" => Op::Threshold,
            "~*~" => Op::Scaling,
            _ => return None,
        })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

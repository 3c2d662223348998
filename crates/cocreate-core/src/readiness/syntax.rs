//! The readiness path model in lavaan syntax, with the labels of its paths and of every
//! specific indirect, total indirect and total effect.

use super::constructs::Constructs;

/// The labels of a readiness path model's parameters, from the construct names.
///
/// A label is the name with every character other than an ASCII letter or digit made
/// `_`; when two constructs would get the same label, every construct is labelled by its
/// position instead (`t1`, `m1`), so that two paths never share a label (which lavaan
/// syntax reads as an equality constraint).
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    traits: Vec<String>,
    mediators: Vec<String>,
}

impl Labels {
    pub(crate) fn new(c: &Constructs) -> Labels {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect()
        };
        let traits: Vec<String> = c.traits().iter().map(|t| clean(t)).collect();
        let mediators: Vec<String> = c.mediators().iter().map(|m| clean(m)).collect();
        let mut all: Vec<&String> = traits.iter().chain(&mediators).collect();
        all.sort();
        let clash = all.windows(2).any(|w| w[0] == w[1]);
        if clash {
            Labels {
                traits: (1..=traits.len()).map(|k| format!("t{k}")).collect(),
                mediators: (1..=mediators.len()).map(|j| format!("m{j}")).collect(),
            }
        } else {
            Labels { traits, mediators }
        }
    }

    pub(crate) fn a(&self, j: usize, k: usize) -> String {
        format!("a{}_{}", self.mediators[j], self.traits[k])
    }
    pub(crate) fn b(&self, j: usize) -> String {
        format!("b_{}", self.mediators[j])
    }
    pub(crate) fn c(&self, k: usize) -> String {
        format!("c_{}", self.traits[k])
    }
    /// The specific indirect effect of trait `k` through mediator `j`.
    pub(crate) fn indirect(&self, k: usize, j: usize) -> String {
        format!("ind_{}_{}", self.traits[k], self.mediators[j])
    }
    /// The total indirect effect of trait `k`.
    pub(crate) fn total_indirect(&self, k: usize) -> String {
        format!("indtot_{}", self.traits[k])
    }
    /// The total effect of trait `k`.
    pub(crate) fn total(&self, k: usize) -> String {
        format!("total_{}", self.traits[k])
    }
}

impl Constructs {
    /// The readiness path model in lavaan syntax: each mediator regressed on every trait,
    /// the outcome on every mediator and every trait, residual covariances among the
    /// mediators, and every specific indirect effect (`ind_O_II := aII_O*b_II`), total
    /// indirect effect (`indtot_O`) and total effect (`total_O`) defined, so that a fit
    /// with bootstrap standard errors gives each its percentile interval.
    ///
    /// ```
    /// use cocreate_core::readiness::Constructs;
    /// use cocreate_core::scoring::ResponseRange;
    ///
    /// let c = Constructs::new(&["O"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
    /// let s = c.path_syntax();
    /// assert!(s.starts_with("II ~ aII_O*O\nEI ~ aEI_O*O\nWTC ~ b_II*II + b_EI*EI + c_O*O\n"));
    /// assert!(s.contains("II ~~ EI\n"));
    /// assert!(s.contains("ind_O_EI := aEI_O*b_EI\n"));
    /// assert!(s.contains("total_O := c_O + aII_O*b_II + aEI_O*b_EI\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path_syntax(&self) -> String {
        let l = Labels::new(self);
        let (traits, mediators, outcome) = (self.traits(), self.mediators(), self.outcome());
        let mut s = String::new();
        for (j, m) in mediators.iter().enumerate() {
            let rhs: Vec<String> = traits
                .iter()
                .enumerate()
                .map(|(k, t)| format!("{}*{t}", l.a(j, k)))
                .collect();
            s += &format!("{m} ~ {}\n", rhs.join(" + "));
        }
        let rhs: Vec<String> = mediators
            .iter()
            .enumerate()
            .map(|(j, m)| format!("{}*{m}", l.b(j)))
            .chain(
                traits
                    .iter()
                    .enumerate()
                    .map(|(k, t)| format!("{}*{t}", l.c(k))),
            )
            .collect();
        s += &format!("{outcome} ~ {}\n", rhs.join(" + "));
        for (i, m) in mediators.iter().enumerate() {
            for n in &mediators[i + 1..] {
                s += &format!("{m} ~~ {n}\n");
            }
        }
        for k in 0..traits.len() {
            let ind: Vec<String> = (0..mediators.len())
                .map(|j| format!("{}*{}", l.a(j, k), l.b(j)))
                .collect();
            for (j, i) in ind.iter().enumerate() {
                s += &format!("{} := {i}\n", l.indirect(k, j));
            }
            s += &format!("{} := {}\n", l.total_indirect(k), ind.join(" + "));
            s += &format!("{} := {} + {}\n", l.total(k), l.c(k), ind.join(" + "));
        }
        s
    }
}

impl Constructs {
    /// The same path model without labels or defined parameters, for a multiple-group
    /// fit: there a label would hold the path equal across groups (lavaan's rule).
    pub(crate) fn path_syntax_unlabelled(&self) -> String {
        let (traits, mediators, outcome) = (self.traits(), self.mediators(), self.outcome());
        let mut s = String::new();
        for m in mediators {
            s += &format!("{m} ~ {}\n", traits.join(" + "));
        }
        let rhs: Vec<&String> = mediators.iter().chain(traits).collect();
        let rhs: Vec<&str> = rhs.iter().map(|v| v.as_str()).collect();
        s += &format!("{outcome} ~ {}\n", rhs.join(" + "));
        for (i, m) in mediators.iter().enumerate() {
            for n in &mediators[i + 1..] {
                s += &format!("{m} ~~ {n}\n");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::ResponseRange;

    #[test]
    fn clashing_labels_fall_back_to_positions() {
        let r = ResponseRange::new(1.0, 5.0).unwrap();
        let c = Constructs::new(&["a-b", "a_b"], &["m"], "y", r).unwrap();
        let l = Labels::new(&c);
        assert_eq!(l.a(0, 1), "am1_t2");
        assert!(c.path_syntax().contains("am1_t1*a-b + am1_t2*a_b"));
    }
}

//! The coefficients of a readiness model as one flat vector: their layout, their roles by
//! construct name, and the gradients of the predictions with respect to them (the delta
//! method's ingredients).

use nalgebra::DMatrix;

use super::constructs::Constructs;

/// The coefficients of a readiness model with p traits and q mediators, in response-scale
/// units.
///
/// With traits `x`, `u = x − o_x`:
///
/// ```text
/// m̂ = o_m + α_m + A·u          (q mediators)
/// ŷ = o_y + α_y + bᵀ(α_m + A·u) + cᵀ·u
/// ```
///
/// The offsets `o` are zero for composite scores; for latent constructs they are the
/// intercepts of the marker indicators (the loading fixed to 1), which put the latent
/// variable on its marker's response scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
#[non_exhaustive]
pub struct Coefficients {
    /// Intercepts of the mediators (`α_m`).
    pub alpha_m: Vec<f64>,
    /// Intercept of the outcome (`α_y`).
    pub alpha_y: f64,
    /// Trait → mediator paths, row-major q × p (`A[j][k]` = mediator j on trait k).
    pub a: Vec<f64>,
    /// Mediator → outcome paths (`b`).
    pub b: Vec<f64>,
    /// Direct trait → outcome paths (`c`).
    pub c: Vec<f64>,
    /// Response-scale offsets of the traits (`o_x`).
    pub offset_x: Vec<f64>,
    /// Response-scale offsets of the mediators (`o_m`).
    pub offset_m: Vec<f64>,
    /// Response-scale offset of the outcome (`o_y`).
    pub offset_y: f64,
}

impl Coefficients {
    pub(crate) fn zeros(p: usize, q: usize) -> Self {
        Coefficients {
            alpha_m: vec![0.0; q],
            alpha_y: 0.0,
            a: vec![0.0; q * p],
            b: vec![0.0; q],
            c: vec![0.0; p],
            offset_x: vec![0.0; p],
            offset_m: vec![0.0; q],
            offset_y: 0.0,
        }
    }

    /// The coefficients as one vector, in the order of
    /// [`super::ReadinessModel::parameter_names`].
    pub fn flatten(&self) -> Vec<f64> {
        let mut v = self.alpha_m.clone();
        v.push(self.alpha_y);
        v.extend(&self.a);
        v.extend(&self.b);
        v.extend(&self.c);
        v.extend(&self.offset_x);
        v.extend(&self.offset_m);
        v.push(self.offset_y);
        v
    }
}

/// Gradient of ŷ with respect to the flattened coefficients, as an np × (p+1) matrix over
/// `z = (1, x)`.
pub(crate) fn gradient_y(co: &Coefficients, total: &[f64], p: usize, q: usize) -> DMatrix<f64> {
    let np = q + 1 + q * p + q + p + p + q + 1;
    let idx = Index { p, q, names: None };
    let mut g = DMatrix::zeros(np, p + 1);
    let a = |j: usize, k: usize| co.a[j * p + k];
    for j in 0..q {
        g[(idx.alpha_m(j), 0)] = co.b[j];
        for k in 0..p {
            g[(idx.a(j, k), 0)] = -co.b[j] * co.offset_x[k];
            g[(idx.a(j, k), k + 1)] = co.b[j];
        }
        g[(idx.b(j), 0)] = co.alpha_m[j] - (0..p).map(|k| a(j, k) * co.offset_x[k]).sum::<f64>();
        for k in 0..p {
            g[(idx.b(j), k + 1)] = a(j, k);
        }
    }
    g[(idx.alpha_y(), 0)] = 1.0;
    for k in 0..p {
        g[(idx.c(k), 0)] = -co.offset_x[k];
        g[(idx.c(k), k + 1)] = 1.0;
        g[(idx.offset_x(k), 0)] = -total[k];
    }
    g[(idx.offset_y(), 0)] = 1.0;
    g
}

/// Gradient of m̂_j over `z = (1, x)`.
pub(crate) fn gradient_m(co: &Coefficients, j: usize, p: usize, q: usize) -> DMatrix<f64> {
    let np = q + 1 + q * p + q + p + p + q + 1;
    let idx = Index { p, q, names: None };
    let mut g = DMatrix::zeros(np, p + 1);
    g[(idx.alpha_m(j), 0)] = 1.0;
    g[(idx.offset_m(j), 0)] = 1.0;
    for k in 0..p {
        g[(idx.a(j, k), 0)] = -co.offset_x[k];
        g[(idx.a(j, k), k + 1)] = 1.0;
        g[(idx.offset_x(k), 0)] = -co.a[j * p + k];
    }
    g
}

/// A construct's role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    Trait(usize),
    Mediator(usize),
    Outcome,
    Other,
}

/// Positions in the flattened coefficient vector, and roles by name.
pub(crate) struct Index<'a> {
    pub(crate) p: usize,
    pub(crate) q: usize,
    pub(crate) names: Option<&'a Constructs>,
}

impl<'a> Index<'a> {
    pub fn new(c: &'a Constructs) -> Self {
        Index {
            p: c.traits().len(),
            q: c.mediators().len(),
            names: Some(c),
        }
    }
    pub fn alpha_m(&self, j: usize) -> usize {
        j
    }
    pub fn alpha_y(&self) -> usize {
        self.q
    }
    pub fn a(&self, j: usize, k: usize) -> usize {
        self.q + 1 + j * self.p + k
    }
    pub fn b(&self, j: usize) -> usize {
        self.q + 1 + self.q * self.p + j
    }
    pub fn c(&self, k: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + k
    }
    pub fn offset_x(&self, k: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + self.p + k
    }
    pub fn offset_m(&self, j: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + 2 * self.p + j
    }
    pub fn offset_y(&self) -> usize {
        3 * self.q + 1 + self.q * self.p + 2 * self.p
    }
    pub fn role(&self, name: &str) -> Role {
        let Some(c) = self.names else {
            return Role::Other;
        };
        if let Some(k) = c.traits().iter().position(|t| t == name) {
            Role::Trait(k)
        } else if let Some(j) = c.mediators().iter().position(|t| t == name) {
            Role::Mediator(j)
        } else if c.outcome() == name {
            Role::Outcome
        } else {
            Role::Other
        }
    }
}

/// Sets the flattened coefficient at `pos`.
pub(crate) fn set(co: &mut Coefficients, pos: usize, v: f64) {
    let q = co.alpha_m.len();
    let p = co.c.len();
    let idx = Index { p, q, names: None };
    if pos < q {
        co.alpha_m[pos] = v;
    } else if pos == idx.alpha_y() {
        co.alpha_y = v;
    } else if pos < idx.b(0) {
        co.a[pos - idx.a(0, 0)] = v;
    } else if pos < idx.c(0) {
        co.b[pos - idx.b(0)] = v;
    } else if pos < idx.offset_x(0) {
        co.c[pos - idx.c(0)] = v;
    } else if pos < idx.offset_m(0) {
        co.offset_x[pos - idx.offset_x(0)] = v;
    } else if pos < idx.offset_y() {
        co.offset_m[pos - idx.offset_m(0)] = v;
    } else {
        co.offset_y = v;
    }
}

pub(crate) fn parameter_names(c: &Constructs) -> Vec<String> {
    let (t, m, y) = (c.traits(), c.mediators(), c.outcome());
    let mut v: Vec<String> = m.iter().map(|m| format!("{m}~1")).collect();
    v.push(format!("{y}~1"));
    for mj in m {
        for tk in t {
            v.push(format!("{mj}~{tk}"));
        }
    }
    v.extend(m.iter().map(|mj| format!("{y}~{mj}")));
    v.extend(t.iter().map(|tk| format!("{y}~{tk}")));
    v.extend(c.names().map(|n| format!("offset({n})")));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_layout_is_contiguous() {
        let c = Constructs::new(
            &["a", "b", "c"],
            &["m", "n"],
            "y",
            crate::scoring::ResponseRange::new(1.0, 5.0).unwrap(),
        )
        .unwrap();
        let idx = Index::new(&c);
        let all = [
            idx.alpha_m(0),
            idx.alpha_m(1),
            idx.alpha_y(),
            idx.a(0, 0),
            idx.a(1, 2),
            idx.b(0),
            idx.b(1),
            idx.c(0),
            idx.c(2),
            idx.offset_x(0),
            idx.offset_x(2),
            idx.offset_m(0),
            idx.offset_m(1),
            idx.offset_y(),
        ];
        assert_eq!(all, [0, 1, 2, 3, 8, 9, 10, 11, 13, 14, 16, 17, 18, 19]);
        assert_eq!(parameter_names(&c).len(), 20);
    }
}

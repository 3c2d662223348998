//! Predicting a whole customer base at once: n customers × p traits in, the predicted
//! mediators, outcome, its prediction SD and the pathway of each customer out.

use crate::data::Table;

use super::error::ReadinessError;
use super::model::ReadinessModel;
use super::pathway::{pathway_of, Pathway};

/// Predictions for a batch of customers, column by column.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "BatchRepr")
)]
#[non_exhaustive]
pub struct BatchPrediction {
    /// Predicted mediators: one vector per mediator, one value per customer.
    pub mediators: Vec<Vec<f64>>,
    /// Predicted outcome per customer.
    pub outcome: Vec<f64>,
    /// Prediction SD of the outcome per customer (residual plus parameter uncertainty).
    pub outcome_se: Vec<f64>,
    /// Pathway codes: `j < q` led by mediator j, `q` dual, `q + 1` low readiness (one
    /// byte per customer; read them with [`BatchPrediction::pathway`]).
    pub(crate) codes: Vec<u8>,
    /// Number of mediators.
    pub(crate) q: usize,
    /// The customers' identifiers, when predicted from a table that carried them.
    #[cfg_attr(feature = "serde", serde(default))]
    ids: Option<Vec<String>>,
}

/// The serde form of [`BatchPrediction`]: every column as long as the outcome, one per
/// mediator, and pathway codes that name a pathway.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRepr {
    mediators: Vec<Vec<f64>>,
    outcome: Vec<f64>,
    outcome_se: Vec<f64>,
    codes: Vec<u8>,
    q: usize,
    #[serde(default)]
    ids: Option<Vec<String>>,
}

#[cfg(feature = "serde")]
impl TryFrom<BatchRepr> for BatchPrediction {
    type Error = ReadinessError;
    fn try_from(r: BatchRepr) -> Result<Self, ReadinessError> {
        let n = r.outcome.len();
        let lengths = r
            .mediators
            .iter()
            .map(Vec::len)
            .chain([r.outcome_se.len(), r.codes.len()])
            .chain(r.ids.as_ref().map(Vec::len));
        for found in lengths {
            if found != n {
                return Err(ReadinessError::WrongLength {
                    what: "a column of the batch".into(),
                    expected: n,
                    found,
                });
            }
        }
        if r.mediators.len() != r.q {
            return Err(ReadinessError::WrongLength {
                what: "mediator columns".into(),
                expected: r.q,
                found: r.mediators.len(),
            });
        }
        if let Some(&c) = r.codes.iter().find(|&&c| usize::from(c) > r.q + 2) {
            return Err(ReadinessError::WrongLength {
                what: format!("pathway code {c}: pathway codes"),
                expected: r.q + 3,
                found: usize::from(c) + 1,
            });
        }
        Ok(BatchPrediction {
            mediators: r.mediators,
            outcome: r.outcome,
            outcome_se: r.outcome_se,
            codes: r.codes,
            q: r.q,
            ids: r.ids,
        })
    }
}

impl BatchPrediction {
    /// The customers' identifiers, one per prediction, when the predictions came from a
    /// table with ids ([`ReadinessModel::predict_table`]).
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_deref()
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }

    /// The dominant pathway of customer `i` (`None` past the end).
    pub fn pathway(&self, i: usize) -> Option<Pathway> {
        self.codes
            .get(i)
            .map(|&c| pathway_of(usize::from(c), self.q))
    }

    /// The dominant pathway of every customer, in row order.
    pub fn pathways(&self) -> impl ExactSizeIterator<Item = Pathway> + '_ {
        self.codes
            .iter()
            .map(|&c| pathway_of(usize::from(c), self.q))
    }
}

impl ReadinessModel {
    /// Predicts a batch: `traits` holds n customers × p traits, row-major in model trait
    /// order. Every score must be finite and in the response range (the error names the
    /// row, counted from 1). Single-threaded: about 15 ns per
    /// customer with five traits and two mediators.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let b = model.predict_batch(&[4.8, 3.1, 3.0, 4.9])?;
    /// let one = model.predict(&Profile::new(&[("O", 3.0), ("C", 4.9)]))?;
    /// assert_eq!(b.outcome[1], one.outcome.value);
    /// assert_eq!(b.pathway(1), Some(one.pathway));
    /// assert!(model.predict_batch(&[4.8, f64::NAN]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_batch(&self, traits: &[f64]) -> Result<BatchPrediction, ReadinessError> {
        // Zeroed allocations come from the allocator's zero pages, without a fill pass.
        let n = traits.len() / self.spec.constructs.traits().len();
        let q = self.spec.constructs.mediators().len();
        let mut out = BatchPrediction {
            mediators: (0..q).map(|_| vec![0.0; n]).collect(),
            outcome: vec![0.0; n],
            outcome_se: vec![0.0; n],
            codes: vec![0; n],
            q,
            ids: None,
        };
        self.predict_batch_into(traits, &mut out)?;
        Ok(out)
    }

    /// As [`ReadinessModel::predict_batch`], writing into `out` (cleared first) so that a
    /// scoring loop reuses its buffers.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// let mut out = model.predict_batch(&[3.0, 4.0])?;
    /// model.predict_batch_into(&[5.0], &mut out)?;
    /// assert_eq!(out.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_batch_into(
        &self,
        traits: &[f64],
        out: &mut BatchPrediction,
    ) -> Result<(), ReadinessError> {
        let c = &self.spec.constructs;
        let (p, q) = (c.traits().len(), c.mediators().len());
        if traits.len() % p != 0 {
            return Err(ReadinessError::WrongLength {
                what: format!("trait scores ({p} per customer)"),
                expected: traits.len().div_ceil(p) * p,
                found: traits.len(),
            });
        }
        let n = traits.len() / p;
        // Ids belong to the table a batch came from, not to these trait scores.
        out.ids = None;
        let (lo, hi) = (c.range().min(), c.range().max());
        // Sized up front (every value is overwritten): the loops write by index.
        out.mediators.resize_with(q, Vec::new);
        for m in &mut out.mediators {
            m.resize(n, 0.0);
        }
        out.outcome.resize(n, 0.0);
        out.outcome_se.resize(n, 0.0);
        out.codes.resize(n, 0);
        out.q = q;
        // Constant sizes let the compiler keep everything in registers and unroll the
        // per-customer loops; other sizes take the general loop.
        macro_rules! dispatch {
            ($(($p:literal, $q:literal)),*) => {
                match (p, q) {
                    $(($p, $q) => self.fill_fixed::<$p, $q>(traits, out, lo, hi),)*
                    _ => self.fill(traits, out, p, lo, hi),
                }
            };
        }
        let in_range = dispatch!(
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 1),
            (5, 1),
            (6, 1),
            (7, 1),
            (8, 1),
            (1, 2),
            (2, 2),
            (3, 2),
            (4, 2),
            (5, 2),
            (6, 2),
            (7, 2),
            (8, 2),
            (1, 3),
            (2, 3),
            (3, 3),
            (4, 3),
            (5, 3),
            (6, 3),
            (7, 3),
            (8, 3)
        );
        if !in_range {
            // The loops only noted that a score is bad; find the first one and leave no
            // partial results behind.
            out.mediators.iter_mut().for_each(Vec::clear);
            out.outcome.clear();
            out.outcome_se.clear();
            out.codes.clear();
            let i = traits
                .iter()
                .position(|&v| !(v >= lo && v <= hi))
                .unwrap_or(0);
            return Err(ReadinessError::TraitOutOfRange {
                name: c.traits()[i % p].clone(),
                row: Some(i / p + 1),
                id: None,
                value: traits[i],
                min: lo,
                max: hi,
            });
        }
        for v in &mut out.outcome_se {
            *v = v.max(0.0).sqrt();
        }
        Ok(())
    }

    /// The batch loop for p traits and q mediators known at compile time. Writes the
    /// outcome variance to `outcome_se` (the caller takes square roots in one pass).
    #[allow(clippy::needless_range_loop)] // index loops read as the formulas
    fn fill_fixed<const P: usize, const Q: usize>(
        &self,
        traits: &[f64],
        out: &mut BatchPrediction,
        lo: f64,
        hi: f64,
    ) -> bool {
        let co = &self.spec.coef;
        let d = &self.d;
        let total: [f64; P] = std::array::from_fn(|k| d.total[k]);
        let a: [[f64; P]; Q] = std::array::from_fn(|j| std::array::from_fn(|k| co.a[j * P + k]));
        let kappa_m: [f64; Q] = std::array::from_fn(|j| d.kappa_m[j]);
        let b: [f64; Q] = std::array::from_fn(|j| co.b[j]);
        let mean_m: [f64; Q] = std::array::from_fn(|j| d.mean_m[j]);
        let (lin, tri, q00) = self.variance_form();
        let lin: [f64; P] = std::array::from_fn(|k| lin[k]);
        let tri: [[f64; P]; P] = std::array::from_fn(|k| std::array::from_fn(|l| tri[k * P + l]));
        let rule = d.rule;
        let (kappa_y, base_var) = (d.kappa_y, d.resid_y + q00);
        let mut meds = out.mediators.iter_mut();
        let meds: [&mut [f64]; Q] =
            std::array::from_fn(|_| meds.next().map_or(&mut [][..], |m| &mut m[..]));
        // Customers go through in blocks of L lanes, traits transposed to lane vectors,
        // so that every formula is a loop over lanes the compiler turns into SIMD. The
        // last block is padded with in-range values and only its real rows are written.
        const L: usize = 4;
        let n = out.outcome.len();
        let mut in_range = true;
        let mut start = 0;
        while start < n {
            let rows = L.min(n - start);
            let mut xt = [[lo; L]; P];
            for l in 0..rows {
                let x = &traits[(start + l) * P..(start + l + 1) * P];
                for k in 0..P {
                    xt[k][l] = x[k];
                }
            }
            for k in 0..P {
                for l in 0..L {
                    in_range &= (xt[k][l] >= lo) & (xt[k][l] <= hi);
                }
            }
            let mut y = [kappa_y; L];
            for k in 0..P {
                for l in 0..L {
                    y[l] += total[k] * xt[k][l];
                }
            }
            let mut via = [[0.0; Q]; L];
            for j in 0..Q {
                let mut m = [kappa_m[j]; L];
                for k in 0..P {
                    for l in 0..L {
                        m[l] += a[j][k] * xt[k][l];
                    }
                }
                for l in 0..rows {
                    via[l][j] = b[j] * (m[l] - mean_m[j]);
                    meds[j][start + l] = m[l];
                }
            }
            let mut var = [base_var; L];
            for k in 0..P {
                let mut inner = [lin[k]; L];
                for c in k..P {
                    for l in 0..L {
                        inner[l] += tri[k][c] * xt[c][l];
                    }
                }
                for l in 0..L {
                    var[l] += xt[k][l] * inner[l];
                }
            }
            for l in 0..rows {
                out.outcome[start + l] = y[l];
                out.outcome_se[start + l] = var[l];
                // q ≤ 200 (Constructs::validate), so every code fits a byte.
                out.codes[start + l] = rule.classify(y[l], &via[l]) as u8;
            }
            start += rows;
        }
        in_range
    }

    /// The general batch loop (any p and q), as [`Self::fill_fixed`].
    #[allow(clippy::needless_range_loop)] // index loops read as the formulas
    fn fill(&self, traits: &[f64], out: &mut BatchPrediction, p: usize, lo: f64, hi: f64) -> bool {
        let q = self.spec.constructs.mediators().len();
        let co = &self.spec.coef;
        let d = &self.d;
        let (lin, tri, q00) = self.variance_form();
        let mut via = vec![0.0; q];
        let mut in_range = true;
        for (i, x) in traits.chunks_exact(p).enumerate() {
            for &v in x {
                in_range &= (v >= lo) & (v <= hi);
            }
            let y = d.kappa_y + dot(&d.total, x);
            for j in 0..q {
                let m = d.kappa_m[j] + dot(&co.a[j * p..(j + 1) * p], x);
                via[j] = co.b[j] * (m - d.mean_m[j]);
                out.mediators[j][i] = m;
            }
            let mut var = d.resid_y + q00;
            for k in 0..p {
                var += x[k] * (lin[k] + dot(&tri[k * p + k..(k + 1) * p], &x[k..]));
            }
            out.outcome[i] = y;
            out.outcome_se[i] = var;
            out.codes[i] = d.rule.classify(y, &via) as u8;
        }
        in_range
    }

    /// The outcome's parameter variance as `q00 + Σ_k x_k (lin_k + Σ_{l ≥ k} tri_kl x_l)`
    /// from the symmetric `Q_y` (zero without a parameter covariance).
    fn variance_form(&self) -> (Vec<f64>, Vec<f64>, f64) {
        let p = self.spec.constructs.traits().len();
        let q = &self.d.q_y;
        let lin = (0..p).map(|k| 2.0 * q[(0, k + 1)]).collect();
        let mut tri = vec![0.0; p * p];
        for k in 0..p {
            for l in k..p {
                let f = if k == l { 1.0 } else { 2.0 };
                tri[k * p + l] = f * q[(k + 1, l + 1)];
            }
        }
        (lin, tri, q[(0, 0)])
    }

    /// The trait scores of a table's columns named for the traits, row-major in model
    /// order, ready for [`ReadinessModel::predict_batch`] or [`ReadinessModel::segment`].
    /// A missing cell is an error naming the row (counted from 1), never a zero.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::data::Table;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let t = Table::from_csv_reader("C,O\n3.5,4\n2,\n".as_bytes())?;
    /// let err = model.trait_matrix(&t).unwrap_err();
    /// assert!(err.to_string().starts_with("row 2: trait \"O\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trait_matrix(&self, table: &Table) -> Result<Vec<f64>, ReadinessError> {
        let traits = self.spec.constructs.traits();
        let cols: Vec<usize> = traits
            .iter()
            .map(|t| {
                table
                    .column_index(t)
                    .ok_or_else(|| ReadinessError::MissingColumn { name: t.clone() })
            })
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(table.n_rows() * traits.len());
        for row in 0..table.n_rows() {
            for (k, &col) in cols.iter().enumerate() {
                match table.get(row, col) {
                    Some(v) => out.push(v),
                    None => {
                        return Err(ReadinessError::MissingTrait {
                            name: traits[k].clone(),
                            row: Some(row + 1),
                            id: table.ids().map(|ids| ids[row].clone()),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Predicts every row of a table of trait scores ([`ReadinessModel::trait_matrix`]
    /// then [`ReadinessModel::predict_batch`]), keeping the table's respondent ids
    /// ([`BatchPrediction::ids`]) so that each prediction can be named.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::data::Table;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// let t = Table::from_csv_reader("id,O\nR7,4\nR8,2\n".as_bytes())?;
    /// let b = model.predict_table(&t)?;
    /// assert_eq!(b.ids().unwrap(), ["R7", "R8"]);
    /// assert_eq!(b.outcome[0], model.predict_batch(&[4.0])?.outcome[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_table(&self, table: &Table) -> Result<BatchPrediction, ReadinessError> {
        let traits = self.trait_matrix(table)?;
        let mut out = self.predict_batch(&traits)?;
        out.ids = table.ids().map(<[String]>::to_vec);
        Ok(out)
    }
}

/// Σ a_i b_i.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

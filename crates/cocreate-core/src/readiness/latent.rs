//! Cross-validation of a readiness model with latent constructs: every fold refits the
//! SEM on its training rows and predicts the held-out customers' indicators of the
//! endogenous constructs from their trait indicators by the model-implied conditional
//! mean (lavaan's `lavPredictY`). Formulas and sources: `docs/methods/readiness.md`.

use nalgebra::{DMatrix, DVector};

use crate::data::Table;
use crate::sem::{Model, Op, SemFit, SemOptions};

use super::constructs::Constructs;
use super::folds::{run_schemes, Sums};
use super::model::normal_quantile;
use super::validation::{CrossValidation, Validation, ValidationError, MAX_ROWS};

/// The implied regression of the y indicators on the x indicators of one fit.
struct Conditional {
    mu_x: DVector<f64>,
    mu_y: DVector<f64>,
    /// Σ_xx⁻¹ Σ_xy (x by y).
    b: DMatrix<f64>,
    /// Σ_yy − Σ_yx Σ_xx⁻¹ Σ_xy, the conditional covariance of y given x.
    cov: DMatrix<f64>,
}

impl Conditional {
    fn new(fit: &SemFit, x: &[String], y: &[String]) -> Result<Self, ValidationError> {
        let obs = fit.observed();
        let find = |n: &String| {
            obs.iter()
                .position(|o| o == n)
                .ok_or_else(|| ValidationError::NotInFit { name: n.clone() })
        };
        let xi: Vec<usize> = x.iter().map(find).collect::<Result<_, _>>()?;
        let yi: Vec<usize> = y.iter().map(find).collect::<Result<_, _>>()?;
        let mean = fit.implied_mean().ok_or(ValidationError::NoMeanStructure)?;
        let s = fit.implied_cov();
        let sxx = DMatrix::from_fn(xi.len(), xi.len(), |a, b| s[(xi[a], xi[b])]);
        let sxy = DMatrix::from_fn(xi.len(), yi.len(), |a, b| s[(xi[a], yi[b])]);
        let syy = DMatrix::from_fn(yi.len(), yi.len(), |a, b| s[(yi[a], yi[b])]);
        let chol = sxx.cholesky().ok_or(ValidationError::SingularPredictors)?;
        let b = chol.solve(&sxy);
        let cov = syy - sxy.transpose() * &b;
        Ok(Conditional {
            mu_x: DVector::from_iterator(xi.len(), xi.iter().map(|&i| mean[i])),
            mu_y: DVector::from_iterator(yi.len(), yi.iter().map(|&i| mean[i])),
            b,
            cov,
        })
    }

    /// ŷ = μ_y + Σ_yx Σ_xx⁻¹ (x − μ_x) for one row of x values.
    fn predict(&self, x: &[f64]) -> DVector<f64> {
        let d = DVector::from_iterator(x.len(), x.iter().zip(self.mu_x.iter()).map(|(a, m)| a - m));
        &self.mu_y + self.b.tr_mul(&d)
    }
}

/// The conditional mean of the `y` variables given the `x` variables implied by `fit`, for
/// each row of `x_values` (one column per name of `x`, in that order): the prediction
/// lavaan's `lavPredictY(fit, newdata, ynames, xnames)` makes,
/// `ŷ = μ_y + Σ_yx Σ_xx⁻¹ (x − μ_x)` with μ and Σ the fit's model-implied moments.
///
/// Returns one row per row of `x_values`, one column per name of `y`. The fit needs a
/// mean structure; every name must be an observed variable of the fit.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::nalgebra::DMatrix;
/// use cocreate_core::readiness::predict_y;
/// use cocreate_core::sem::{MeanStructure, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..200).map(|i| {
/// #     let t = i as f64; let f = (t * 0.91).sin(); let e = |k: f64| 0.4 * (t * k).cos();
/// #     vec![Some(3.0 + f + e(1.3)), Some(3.0 + 0.8 * f + e(2.1)), Some(3.0 + 0.9 * f + e(3.7)),
/// #          Some(2.0 + 0.5 * f + e(5.3))] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into(), "y".into()], rows)?;
/// let model = Model::parse("F =~ x1 + x2 + x3\ny ~ F")?;
/// let options = SemOptions::builder().meanstructure(MeanStructure::On).build()?;
/// let fit = model.fit(&data, &options)?;
/// let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// let x = DMatrix::from_row_slice(2, 3, &[3.0, 3.0, 3.0, 4.0, 3.8, 3.9]);
/// let y = predict_y(&fit, &names(&["x1", "x2", "x3"]), &names(&["y"]), &x)?;
/// assert!(y[(1, 0)] > y[(0, 0)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn predict_y(
    fit: &SemFit,
    x: &[String],
    y: &[String],
    x_values: &DMatrix<f64>,
) -> Result<DMatrix<f64>, ValidationError> {
    if x_values.ncols() != x.len() {
        return Err(ValidationError::PredictorColumns {
            expected: x.len(),
            found: x_values.ncols(),
        });
    }
    let c = Conditional::new(fit, x, y)?;
    let mut out = DMatrix::zeros(x_values.nrows(), y.len());
    let mut row = vec![0.0; x.len()];
    for i in 0..x_values.nrows() {
        for (k, v) in row.iter_mut().enumerate() {
            *v = x_values[(i, k)];
        }
        out.set_row(i, &c.predict(&row).transpose());
    }
    Ok(out)
}

/// The indicators of one construct: its `=~` indicators when the model measures it,
/// the construct's own column otherwise.
fn indicators(model: &Model, name: &str) -> Vec<String> {
    let ind: Vec<String> = model
        .relations()
        .iter()
        .filter(|r| r.op == Op::MeasuredBy && r.lhs == name)
        .map(|r| r.rhs.clone())
        .collect();
    if ind.is_empty() {
        vec![name.to_string()]
    } else {
        ind
    }
}

/// The complete rows of the data: x indicators, then y indicators, then the model's other
/// observed variables.
struct Design {
    n: usize,
    nx: usize,
    names: Vec<String>,
    /// The y columns (into `names`, minus `nx`) of each endogenous construct.
    groups: Vec<Vec<usize>>,
    ny: usize,
    w: Vec<f64>,
}

impl Design {
    fn row(&self, i: usize) -> &[f64] {
        let d = self.names.len();
        &self.w[i * d..(i + 1) * d]
    }
    fn table(&self, idx: &[usize]) -> Result<Table, String> {
        let rows = idx
            .iter()
            .map(|&i| self.row(i).iter().map(|&v| Some(v)).collect())
            .collect();
        Table::new(self.names.clone(), rows).map_err(|e| e.to_string())
    }
    /// The composite (mean of its indicators) of construct `j` in a row.
    fn target(&self, r: &[f64], j: usize) -> f64 {
        let g = &self.groups[j];
        g.iter().map(|&k| r[self.nx + k]).sum::<f64>() / g.len() as f64
    }

    /// Refits on `train`, predicts `test`, and sums the errors of the model, of the
    /// regression benchmark and of the training mean per endogenous construct.
    fn fold(
        &self,
        model: &Model,
        options: &SemOptions,
        z: f64,
        test: &[usize],
        train: &[usize],
    ) -> Result<Vec<Sums>, String> {
        let t = self.table(train)?;
        let fit = model
            .fit(&t, options)
            .map_err(|e| format!("the SEM fit failed: {e}"))?;
        let c = Conditional::new(
            &fit,
            &self.names[..self.nx],
            &self.names[self.nx..][..self.ny],
        )
        .map_err(|e| e.to_string())?;
        // The benchmark: least squares of each composite on an intercept and every
        // x indicator, from the training rows' normal equations.
        let (k, q) = (self.nx + 1, self.groups.len());
        let mut xtx = DMatrix::<f64>::zeros(k, k);
        let mut xty = DMatrix::<f64>::zeros(k, q);
        let mut sum = vec![0.0; q];
        let mut z_row = vec![1.0; k];
        for &i in train {
            let r = self.row(i);
            z_row[1..].copy_from_slice(&r[..self.nx]);
            for a in 0..k {
                for b in 0..k {
                    xtx[(a, b)] += z_row[a] * z_row[b];
                }
            }
            for (j, s) in sum.iter_mut().enumerate() {
                let y = self.target(r, j);
                *s += y;
                for a in 0..k {
                    xty[(a, j)] += z_row[a] * y;
                }
            }
        }
        let beta = xtx
            .cholesky()
            .ok_or("the trait indicators are collinear in the training rows")?
            .solve(&xty);
        let mut out = vec![Sums::default(); q];
        for &i in test {
            let r = self.row(i);
            let yhat = c.predict(&r[..self.nx]);
            z_row[1..].copy_from_slice(&r[..self.nx]);
            for (j, s) in out.iter_mut().enumerate() {
                let g = &self.groups[j];
                let m = g.len() as f64;
                let pred = g.iter().map(|&a| yhat[a]).sum::<f64>() / m;
                let var = g
                    .iter()
                    .flat_map(|&a| g.iter().map(move |&b| (a, b)))
                    .map(|(a, b)| c.cov[(a, b)])
                    .sum::<f64>()
                    / (m * m);
                let y = self.target(r, j);
                let yb: f64 = (0..k).map(|a| beta[(a, j)] * z_row[a]).sum();
                let (e, eb, e0) = (y - pred, y - yb, y - sum[j] / train.len() as f64);
                s.sse += e * e;
                s.sae += e.abs();
                s.sse_b += eb * eb;
                s.sae_b += eb.abs();
                s.sse_0 += e0 * e0;
                s.covered += usize::from(e.abs() <= z * var.max(0.0).sqrt());
                s.count += 1;
            }
        }
        Ok(out)
    }
}

/// The cross-validation of `validate` for a model with latent variables (the caller has checked the
/// constructs and made the options' notes).
pub(super) fn validate_latent(
    model: &Model,
    options: &SemOptions,
    data: &Table,
    constructs: &Constructs,
    cv: &CrossValidation,
    mut notes: Vec<String>,
) -> Result<Validation, ValidationError> {
    if data.n_rows() > MAX_ROWS {
        return Err(ValidationError::TooManyRows {
            rows: data.n_rows(),
        });
    }
    let column = |ind: &str, construct: &str| {
        data.column_index(ind).ok_or_else(|| {
            if ind == construct {
                ValidationError::MissingColumn {
                    name: ind.to_string(),
                }
            } else {
                ValidationError::MissingIndicator {
                    indicator: ind.to_string(),
                    construct: construct.to_string(),
                }
            }
        })
    };
    let mut names: Vec<String> = Vec::new();
    let mut cols: Vec<usize> = Vec::new();
    for t in constructs.traits() {
        for ind in indicators(model, t) {
            // An item that loads on two traits is one predictor.
            if !names.contains(&ind) {
                cols.push(column(&ind, t)?);
                names.push(ind);
            }
        }
    }
    let nx = names.len();
    let mut endogenous: Vec<String> = constructs.mediators().to_vec();
    endogenous.push(constructs.outcome().to_string());
    let mut groups = Vec::with_capacity(endogenous.len());
    for e in &endogenous {
        let mut g = Vec::new();
        for ind in indicators(model, e) {
            match names.iter().position(|n| *n == ind) {
                Some(k) if k < nx => {
                    return Err(ValidationError::SharedIndicator {
                        indicator: ind,
                        construct: e.clone(),
                    })
                }
                // An item of two endogenous constructs counts in both composites.
                Some(k) => g.push(k - nx),
                None => {
                    cols.push(column(&ind, e)?);
                    g.push(names.len() - nx);
                    names.push(ind);
                }
            }
        }
        groups.push(g);
    }
    let ny = names.len() - nx;
    // The model's other observed variables (indicators of other factors, covariates):
    // the fit needs them; a name missing from the data fails the fit with its own error.
    let latent = model.latent_names();
    for r in model.relations() {
        for v in [&r.lhs, &r.rhs] {
            if v.is_empty() || latent.contains(&v.as_str()) || names.contains(v) {
                continue;
            }
            if let Some(c) = data.column_index(v) {
                cols.push(c);
                names.push(v.clone());
            }
        }
    }
    let d = names.len();
    let (mut w, mut rows, mut dropped) = (Vec::with_capacity(data.n_rows() * d), 0, Vec::new());
    for i in 0..data.n_rows() {
        let vals: Option<Vec<f64>> = cols.iter().map(|&c| data.get(i, c)).collect();
        match vals {
            Some(v) => {
                w.extend(v);
                rows += 1;
            }
            None => dropped.push(i + 1),
        }
    }
    let design = Design {
        n: rows,
        nx,
        names,
        groups,
        ny,
        w,
    };
    let n = design.n;
    let needed = nx + 2;
    let all: Vec<usize> = (0..n).collect();
    let full = design
        .table(&all)
        .map_err(|reason| ValidationError::FoldFailed {
            scheme: "full sample".into(),
            part: "all rows".into(),
            reason,
        })?;
    let fit = model
        .fit(&full, options)
        .map_err(ValidationError::FullFit)?;
    Conditional::new(&fit, &design.names[..nx], &design.names[nx..][..ny])?;
    let z = normal_quantile(0.5 + cv.level / 2.0);
    notes.push(
        "the model has latent variables: each endogenous construct is scored as the mean of its \
         indicators (on the response scale, like a composite), predicted by the mean of the \
         model-implied conditional means of those indicators given the trait indicators \
         (lavaan's lavPredictY); the regression benchmark regresses the same mean on every \
         trait indicator; the prediction intervals are the model-implied conditional \
         distribution's, without the uncertainty of the estimates"
            .into(),
    );
    if cv.bootstrap > 0 {
        notes.push(
            "pathway stability is not available for latent models: the pathway rule reads \
             trait scores, which a latent model does not give without factor scores"
                .into(),
        );
    }

    let (leave_one_out, k_fold) = run_schemes(
        cv,
        n,
        needed,
        constructs,
        false,
        &|i| row_of(&dropped, i),
        |test, train| design.fold(model, options, z, test, &train()),
    )?;

    Ok(Validation {
        n,
        dropped_rows: dropped,
        method: "full_sem".into(),
        method_reason: Some(format!(
            "the model has latent variables ({})",
            latent.join(", ")
        )),
        saturated: false,
        leave_one_out,
        k_fold,
        pathway_stability: None,
        notes,
        seed: cv.seed,
        level: cv.level,
    })
}

/// The data row (counted from 1) of complete row `i`, skipping the dropped rows.
fn row_of(dropped: &[usize], i: usize) -> usize {
    let mut row = i + 1;
    for &d in dropped {
        if d <= row {
            row += 1;
        }
    }
    row
}

//! Readiness predictions against quantities computed independently from the SEM fit,
//! recovery of known coefficients from simulated data, and error cases.

mod common;

use cocreate_core::data::Table;
use cocreate_core::readiness::{
    Constructs, Pathway, PathwayRule, Profile, Provenance, ReadinessError, ReadinessModel,
    Threshold,
};
use cocreate_core::scoring::ResponseRange;
use cocreate_core::sem::{MeanStructure, Model, Op, SeMethod, SemFit, SemOptions};
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PATH: &str = "
II  ~ O + C + E + A + N
EI  ~ O + C + E + A + N
WTC ~ II + EI + O + C + E + A + N
";

fn range() -> ResponseRange {
    ResponseRange::new(1.0, 5.0).unwrap()
}

fn opts(se: SeMethod) -> SemOptions {
    SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .se(se)
        .build()
        .unwrap()
}

fn composite_fit(se: SeMethod) -> SemFit {
    let data = common::table("cocreation_composites.csv");
    Model::parse(PATH).unwrap().fit(&data, &opts(se)).unwrap()
}

/// Five customers spread over the trait space.
fn customers() -> Vec<[f64; 5]> {
    vec![
        [4.8, 3.0, 3.2, 3.5, 2.5],
        [2.6, 4.9, 3.0, 4.0, 2.2],
        [4.6, 4.7, 4.1, 3.9, 1.8],
        [1.4, 1.6, 2.0, 2.5, 4.6],
        [3.1, 3.2, 3.0, 3.3, 3.0],
    ]
}

fn profile(x: &[f64; 5]) -> Profile {
    let names = ["O", "C", "E", "A", "N"];
    Profile::new(
        &names
            .iter()
            .copied()
            .zip(x.iter().copied())
            .collect::<Vec<_>>(),
    )
}

/// E[v | x] and Var(v | x) from the model-implied joint normal of the observed variables:
/// μ_v + Σ_vx Σ_xx⁻¹ (x − μ_x) and Σ_vv − Σ_vx Σ_xx⁻¹ Σ_xv.
fn implied_conditional(fit: &SemFit, v: &str, x: &[f64; 5]) -> (f64, f64) {
    let names = fit.observed();
    let pos = |n: &str| names.iter().position(|m| m == n).unwrap();
    let xi: Vec<usize> = ["O", "C", "E", "A", "N"].iter().map(|n| pos(n)).collect();
    let vi = pos(v);
    let s = fit.implied_cov();
    let mu = fit.implied_mean().unwrap();
    let sxx = DMatrix::from_fn(5, 5, |i, j| s[(xi[i], xi[j])]);
    let svx = DVector::from_fn(5, |i, _| s[(vi, xi[i])]);
    let dev = DVector::from_fn(5, |i, _| x[i] - mu[xi[i]]);
    let w = sxx.cholesky().unwrap().solve(&svx);
    (mu[vi] + w.dot(&dev), s[(vi, vi)] - w.dot(&svx))
}

#[test]
fn composite_predictions_equal_model_implied_conditional_expectations() {
    let fit = composite_fit(SeMethod::None);
    let model =
        ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "composites").unwrap();
    assert!(matches!(
        model.provenance(),
        Provenance::Fitted { latent: false, .. }
    ));
    let mut max = 0.0f64;
    for x in customers() {
        let p = model.predict(&profile(&x)).unwrap();
        for (j, m) in ["II", "EI"].iter().enumerate() {
            let (e, v) = implied_conditional(&fit, m, &x);
            max = max.max((p.mediators[j].value - e).abs());
            max = max.max((p.mediators[j].se.powi(2) - v).abs());
        }
        let (e, v) = implied_conditional(&fit, "WTC", &x);
        max = max.max((p.outcome.value - e).abs());
        // Without a parameter covariance the interval is the conditional variance alone.
        max = max.max((p.outcome.se.powi(2) - v).abs());
        // The standardisation uses the model-implied marginal moments.
        let wi = fit.observed().iter().position(|n| n == "WTC").unwrap();
        let (mu, sd) = (
            fit.implied_mean().unwrap()[wi],
            fit.implied_cov()[(wi, wi)].sqrt(),
        );
        max = max.max((p.outcome.z - (p.outcome.value - mu) / sd).abs());
    }
    println!("composite readiness vs implied conditional moments: max difference {max:e}");
    assert!(max < 1e-9, "max difference {max:e}");
}

#[test]
fn predictions_equal_the_path_equations_written_out() {
    let fit = composite_fit(SeMethod::Standard);
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "c").unwrap();
    let est = |l: &str, op: Op, r: &str| fit.get(l, op, r).unwrap().est;
    let traits = ["O", "C", "E", "A", "N"];
    let mut max = 0.0f64;
    for x in customers() {
        let p = model.predict(&profile(&x)).unwrap();
        let m: Vec<f64> = ["II", "EI"]
            .iter()
            .map(|m| {
                est(m, Op::Intercept, "")
                    + traits
                        .iter()
                        .zip(x)
                        .map(|(t, v)| est(m, Op::Regression, t) * v)
                        .sum::<f64>()
            })
            .collect();
        let y = est("WTC", Op::Intercept, "")
            + est("WTC", Op::Regression, "II") * m[0]
            + est("WTC", Op::Regression, "EI") * m[1]
            + traits
                .iter()
                .zip(x)
                .map(|(t, v)| est("WTC", Op::Regression, t) * v)
                .sum::<f64>();
        max = max
            .max((p.mediators[0].value - m[0]).abs())
            .max((p.mediators[1].value - m[1]).abs())
            .max((p.outcome.value - y).abs());
        // Contributions: centred at the trait means, summing to the prediction.
        let c = &p.contributions;
        let xbar: Vec<f64> = traits.iter().map(|t| est(t, Op::Intercept, "")).collect();
        let via_ii = est("WTC", Op::Regression, "II")
            * traits
                .iter()
                .enumerate()
                .map(|(k, t)| est("II", Op::Regression, t) * (x[k] - xbar[k]))
                .sum::<f64>();
        max = max.max((c.via[0] - via_ii).abs());
        max = max.max((c.reference + c.via.iter().sum::<f64>() + c.direct - y).abs());
        // With parameter uncertainty the interval is wider than the residual alone.
        let (_, v) = implied_conditional(&fit, "WTC", &x);
        assert!(p.outcome.se.powi(2) > v);
        assert!(p.outcome.interval.0 < y && y < p.outcome.interval.1);
    }
    println!("readiness vs written-out path equations: max difference {max:e}");
    assert!(max < 1e-9, "max difference {max:e}");
}

/// Central-difference gradient of `f` at `theta`.
fn numerical_gradient(theta: &[f64], f: impl Fn(&[f64]) -> f64) -> DVector<f64> {
    let h = 1e-5;
    DVector::from_fn(theta.len(), |i, _| {
        let (mut up, mut dn) = (theta.to_vec(), theta.to_vec());
        up[i] += h;
        dn[i] -= h;
        (f(&up) - f(&dn)) / (2.0 * h)
    })
}

/// The delta-method variance of ŷ against a numerical gradient over the fit's free
/// parameters: g = ∂ŷ/∂θ by central differences, var = gᵀ V g.
#[test]
fn parameter_uncertainty_matches_a_numerical_delta_method() {
    let fit = composite_fit(SeMethod::Standard);
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "c").unwrap();
    let v = fit.vcov().unwrap();
    let theta = fit.free_parameters().to_vec();
    let traits = ["O", "C", "E", "A", "N"];
    // ŷ as a function of the free-parameter vector.
    let yhat = |th: &[f64], x: &[f64; 5]| -> f64 {
        let par = |l: &str, op: Op, r: &str| {
            let e = fit.get(l, op, r).unwrap();
            e.free.map_or(e.est, |i| th[i])
        };
        let m: Vec<f64> = ["II", "EI"]
            .iter()
            .map(|m| {
                par(m, Op::Intercept, "")
                    + (0..5)
                        .map(|k| par(m, Op::Regression, traits[k]) * x[k])
                        .sum::<f64>()
            })
            .collect();
        par("WTC", Op::Intercept, "")
            + par("WTC", Op::Regression, "II") * m[0]
            + par("WTC", Op::Regression, "EI") * m[1]
            + (0..5)
                .map(|k| par("WTC", Op::Regression, traits[k]) * x[k])
                .sum::<f64>()
    };
    let mut max = 0.0f64;
    for x in customers() {
        let g = numerical_gradient(&theta, |th| yhat(th, &x));
        let param_var = (g.transpose() * v * &g)[(0, 0)];
        let (_, resid) = implied_conditional(&fit, "WTC", &x);
        let p = model.predict(&profile(&x)).unwrap();
        let d = (p.outcome.se.powi(2) - (resid + param_var)).abs();
        max = max.max(d);
    }
    println!("delta-method variance vs numerical gradient: max difference {max:e}");
    assert!(max < 1e-8, "max difference {max:e}");
}

#[test]
fn latent_model_predicts_on_the_marker_scale() {
    let (fit, model) = latent_fit();
    assert!(matches!(
        model.provenance(),
        Provenance::Fitted { latent: true, .. }
    ));
    // At the trait means the prediction is the implied mean of the outcome's marker item.
    let obs = fit.observed();
    let mu = fit.implied_mean().unwrap();
    let marker = |name: &str| mu[obs.iter().position(|n| n == name).unwrap()];
    let means: Vec<f64> = model.trait_means().to_vec();
    let at_mean = model
        .predict(&profile(&[
            means[0], means[1], means[2], means[3], means[4],
        ]))
        .unwrap();
    let mut max = (at_mean.outcome.value - marker("WTC1")).abs();
    max = max.max((at_mean.mediators[0].value - marker("II1")).abs());
    max = max.max((at_mean.mediators[1].value - marker("EI1")).abs());
    for (k, m) in ["O1", "C1", "E1", "A1", "N1"].iter().enumerate() {
        max = max.max((means[k] - marker(m)).abs());
    }
    // Away from the mean: E[η_y | η_x] from the implied latent covariance.
    let lat = fit.latent();
    let li = |n: &str| lat.iter().position(|m| m == n).unwrap();
    let s = fit.latent_cov();
    let xi: Vec<usize> = ["O", "C", "E", "A", "N"].iter().map(|n| li(n)).collect();
    let sxx = DMatrix::from_fn(5, 5, |i, j| s[(xi[i], xi[j])]);
    for x in customers() {
        let p = model.predict(&profile(&x)).unwrap();
        let dev = DVector::from_fn(5, |i, _| x[i] - means[i]);
        for (name, got, marker_name) in [
            ("WTC", p.outcome.value, "WTC1"),
            ("II", p.mediators[0].value, "II1"),
        ] {
            let syx = DVector::from_fn(5, |i, _| s[(li(name), xi[i])]);
            let w = sxx.clone().cholesky().unwrap().solve(&syx);
            max = max.max((got - (marker(marker_name) + w.dot(&dev))).abs());
        }
        let sd = s[(li("WTC"), li("WTC"))].sqrt();
        max = max.max((p.outcome.z - (p.outcome.value - marker("WTC1")) / sd).abs());
    }
    println!("latent readiness vs implied latent moments: max difference {max:e}");
    assert!(max < 1e-8, "max difference {max:e}");
}

/// The latent model on the keyed survey items, and its readiness model.
fn latent_fit() -> (SemFit, ReadinessModel) {
    let fit = Model::parse(LATENT)
        .unwrap()
        .fit(&common::keyed_survey(), &opts(SeMethod::Standard))
        .unwrap();
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "items").unwrap();
    (fit, model)
}

const LATENT: &str = "
O =~ O1 + O2 + O3 + O4 + O5
C =~ C1 + C2 + C3 + C4 + C5
E =~ E1 + E2 + E3 + E4 + E5
A =~ A1 + A2 + A3 + A4
N =~ N1 + N2 + N3 + N4
II =~ II1 + II2 + II3 + II4 + II5 + II6
EI =~ EI1 + EI2 + EI3 + EI4
WTC =~ WTC1 + WTC2 + WTC3
II  ~ O + C + E + A + N
EI  ~ O + C + E + A + N
WTC ~ II + EI + O + C + E + A + N
";

/// Known coefficients of the simulation (traits O, C; mediators II, EI; outcome WTC).
const TRUE: [(&str, f64); 12] = [
    ("II~1", 1.2),
    ("EI~1", 1.6),
    ("WTC~1", 0.8),
    ("II~O", 0.45),
    ("II~C", 0.05),
    ("EI~O", 0.10),
    ("EI~C", 0.40),
    ("WTC~II", 0.35),
    ("WTC~EI", 0.25),
    ("WTC~O", 0.05),
    ("WTC~C", 0.00),
    ("II~~EI", 0.05),
];

fn truth(name: &str) -> f64 {
    TRUE.iter().find(|(n, _)| *n == name).unwrap().1
}

/// n customers from the known model, traits bivariate normal with correlation 0.3.
fn simulate(n: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut normal = move || {
        // Box–Muller.
        let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
        let u2: f64 = rng.r#gen();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    };
    let rows = (0..n)
        .map(|_| {
            let (z1, z2) = (normal(), normal());
            let o = 3.2 + 0.7 * z1;
            let c = 3.4 + 0.6 * (0.3 * z1 + (1.0f64 - 0.09).sqrt() * z2);
            // Residuals of II and EI with covariance 0.05, variances 0.30 and 0.35.
            let (e1, e2) = (normal(), normal());
            let r_ii = 0.30f64.sqrt() * e1;
            let rho = 0.05 / (0.30f64.sqrt() * 0.35f64.sqrt());
            let r_ei = 0.35f64.sqrt() * (rho * e1 + (1.0 - rho * rho).sqrt() * e2);
            let ii = truth("II~1") + truth("II~O") * o + truth("II~C") * c + r_ii;
            let ei = truth("EI~1") + truth("EI~O") * o + truth("EI~C") * c + r_ei;
            let wtc = truth("WTC~1")
                + truth("WTC~II") * ii
                + truth("WTC~EI") * ei
                + truth("WTC~O") * o
                + truth("WTC~C") * c
                + 0.4f64.sqrt() * normal();
            vec![Some(o), Some(c), Some(ii), Some(ei), Some(wtc)]
        })
        .collect();
    Table::new(
        ["O", "C", "II", "EI", "WTC"].map(String::from).to_vec(),
        rows,
    )
    .unwrap()
}

#[test]
fn simulated_coefficients_are_recovered_within_their_confidence_intervals() {
    let data = simulate(3000, 20_221_103);
    let fit = Model::parse("II ~ O + C\nEI ~ O + C\nWTC ~ II + EI + O + C\nII ~~ EI")
        .unwrap()
        .fit(
            &data,
            &SemOptions::builder()
                .meanstructure(MeanStructure::On)
                .level(0.999)
                .build()
                .unwrap(),
        )
        .unwrap();
    let c = Constructs::new(&["O", "C"], &["II", "EI"], "WTC", range()).unwrap();
    let model = ReadinessModel::from_fit(&fit, c, "simulated").unwrap();
    let names = model.parameter_names();
    let flat = model.coefficients().flatten();
    let vcov = model.parameter_vcov().unwrap();
    let z = 3.290_526_731_491_926; // 99.9 %: every one of the 11 intervals holds the truth
    let mut worst = 0.0f64;
    for (name, t) in TRUE.iter().filter(|(n, _)| !n.contains("~~")) {
        let i = names.iter().position(|n| n == name).unwrap();
        let se = vcov[(i, i)].sqrt();
        let lo = flat[i] - z * se;
        let hi = flat[i] + z * se;
        worst = worst.max((flat[i] - t).abs() / se);
        assert!(lo <= *t && *t <= hi, "{name}: {t} not in [{lo}, {hi}]");
        // The model's coefficients are the fit's estimates and CIs.
        let (l, r) = name.split_once('~').unwrap();
        let e = if r == "1" {
            fit.get(l, Op::Intercept, "").unwrap()
        } else {
            fit.get(l, Op::Regression, r).unwrap()
        };
        assert_eq!(e.est, flat[i]);
        assert!((e.ci_lower - lo).abs() < 1e-9 && (e.ci_upper - hi).abs() < 1e-9);
    }
    let cov = model.mediator_residual_cov()[(0, 1)];
    let e = fit.get("II", Op::Covariance, "EI").unwrap();
    assert!(e.ci_lower <= 0.05 && 0.05 <= e.ci_upper && e.est == cov);
    println!("simulation recovery: largest |estimate − truth| / se = {worst:.2}");
    // Predictions from the fitted model approach those of the true model.
    let true_model = ReadinessModel::builder(
        Constructs::new(&["O", "C"], &["II", "EI"], "WTC", range()).unwrap(),
        "simulation truth",
    )
    .coefficients(
        &TRUE
            .iter()
            .map(|(n, v)| (*n, *v))
            .chain([
                ("II~~II", 0.30),
                ("EI~~EI", 0.35),
                ("WTC~~WTC", 0.4),
                ("O~1", 3.2),
                ("C~1", 3.4),
                ("O~~O", 0.49),
                ("C~~C", 0.36),
                ("O~~C", 0.3 * 0.7 * 0.6),
            ])
            .collect::<Vec<_>>(),
    )
    .build()
    .unwrap();
    for x in [[4.5, 2.0], [2.0, 4.5], [3.2, 3.4]] {
        let prof = Profile::new(&[("O", x[0]), ("C", x[1])]);
        let (a, b) = (
            model.predict(&prof).unwrap(),
            true_model.predict(&prof).unwrap(),
        );
        let half = a.outcome.interval.1 - a.outcome.value;
        assert!((a.outcome.value - b.outcome.value).abs() < 0.1 * half);
        assert!((a.outcome.se - b.outcome.se).abs() < 0.05);
    }
}

#[test]
fn segmentation_counts_sum_and_match_single_predictions() {
    let fit = composite_fit(SeMethod::Standard);
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "c").unwrap();
    let data = common::table("cocreation_composites.csv");
    let traits = model.trait_matrix(&data).unwrap();
    let batch = model.predict_batch(&traits).unwrap();
    let seg = model.segment(&traits, Threshold::Raw(3.5)).unwrap();
    assert_eq!(seg.n, data.n_rows());
    assert_eq!(
        seg.segments.iter().map(|s| s.count).sum::<usize>(),
        data.n_rows()
    );
    for (i, x) in traits.chunks(5).enumerate().step_by(37) {
        let p = model
            .predict(&profile(&[x[0], x[1], x[2], x[3], x[4]]))
            .unwrap();
        assert!((batch.outcome[i] - p.outcome.value).abs() < 1e-12);
        assert!((batch.outcome_se[i] - p.outcome.se).abs() < 1e-12);
        assert_eq!(batch.pathway(i), Some(p.pathway));
    }
    // The mean predicted WTC equals the sample mean of WTC (OLS-type path model with
    // intercepts), and lies in its interval.
    let wtc: Vec<f64> = data.column("WTC").unwrap().into_iter().flatten().collect();
    let mean = wtc.iter().sum::<f64>() / wtc.len() as f64;
    assert!((seg.mean_outcome.value - mean).abs() < 1e-6);
    assert!(seg.mean_outcome.lower < mean && mean < seg.mean_outcome.upper);
    let e = seg.expected_willing;
    assert!(e.lower < e.value && e.value < e.upper && e.upper <= seg.n as f64);
}

#[test]
fn error_cases_say_what_is_wrong() {
    let fit = composite_fit(SeMethod::Standard);
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "c").unwrap();
    let mut p = profile(&[3.0, 3.0, 3.0, 3.0, 3.0]);
    p.set("N", None);
    let e = model.predict(&p).unwrap_err();
    assert!(matches!(e, ReadinessError::MissingTrait { ref name, .. } if name == "N"));
    assert!(e.to_string().contains("\"N\" has no score"));
    // Partial prediction conditions on the other traits instead.
    let partial = model.predict_partial(&p).unwrap();
    assert_eq!(partial.imputed, ["N"]);
    let full = model
        .predict(&profile(&[3.0, 3.0, 3.0, 3.0, partial.traits[4]]))
        .unwrap();
    assert!((partial.outcome.value - full.outcome.value).abs() < 1e-12);
    assert!(partial.outcome.se > full.outcome.se);

    p.set("N", Some(7.0));
    assert!(matches!(
        model.predict(&p),
        Err(ReadinessError::TraitOutOfRange { .. })
    ));
    p.set("N", Some(f64::NAN));
    assert!(model.predict(&p).is_err());
    p.set("N", Some(3.0));
    p.set("Openness", Some(3.0));
    assert!(matches!(
        model.predict(&p),
        Err(ReadinessError::UnknownTrait { .. })
    ));
    assert!(matches!(
        model.predict_batch(&[3.0; 7]),
        Err(ReadinessError::WrongLength { .. })
    ));
    let e = model
        .predict_batch(&[3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 0.5, 3.0, 3.0])
        .unwrap_err();
    assert!(e.to_string().starts_with("row 2: trait \"E\""), "{e}");

    // No mean structure.
    let data = common::table("cocreation_composites.csv");
    let no_means = Model::parse(PATH)
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    assert!(matches!(
        ReadinessModel::from_fit(&no_means, Constructs::cocreation(range()), "c"),
        Err(ReadinessError::NoMeanStructure)
    ));
    // A construct that is not in the model.
    let c = Constructs::new(&["O", "Q"], &["II"], "WTC", range()).unwrap();
    assert!(matches!(
        ReadinessModel::from_fit(&fit, c, "c"),
        Err(ReadinessError::UnknownConstruct { .. })
    ));
    // A mediator → mediator path does not fit the structure.
    let chain = Model::parse("II ~ O + C\nEI ~ II + C\nWTC ~ II + EI")
        .unwrap()
        .fit(&data, &opts(SeMethod::None))
        .unwrap();
    let c = Constructs::new(&["O", "C"], &["II", "EI"], "WTC", range()).unwrap();
    let e = ReadinessModel::from_fit(&chain, c, "c").unwrap_err();
    assert!(e.to_string().contains("EI ~ II"), "{e}");
    // A residual covariance between a mediator and the outcome.
    let rc = Model::parse("II ~ O\nWTC ~ O\nII ~~ WTC")
        .unwrap()
        .fit(&data, &opts(SeMethod::None))
        .unwrap();
    let c = Constructs::new(&["O"], &["II"], "WTC", range()).unwrap();
    assert!(matches!(
        ReadinessModel::from_fit(&rc, c, "c"),
        Err(ReadinessError::UnsupportedCovariance { .. })
    ));
    // Bad options.
    assert!(model.with_level(0.0).is_err());
    assert!(PathwayRule::builder().lead_share(1.5).build().is_err());
    assert!(PathwayRule::builder()
        .low(Threshold::Raw(f64::INFINITY))
        .build()
        .is_err());
}

#[test]
fn supplied_coefficients_validate() {
    let c = || Constructs::new(&["O", "C"], &["II", "EI"], "WTC", range()).unwrap();
    let base = [
        ("II ~ O", 0.5),
        ("EI ~ C", 0.4),
        ("WTC ~ II", 0.3),
        ("WTC ~ EI", 0.3),
        ("II ~ 1", 1.5),
        ("EI ~ 1", 1.8),
        ("WTC ~ 1", 1.2),
        ("II ~~ II", 0.4),
        ("EI ~~ EI", 0.5),
        ("WTC ~~ WTC", 0.5),
        ("O ~ 1", 3.0),
        ("C ~ 1", 3.2),
        ("O ~~ O", 0.5),
        ("C ~~ C", 0.4),
    ];
    let ok = ReadinessModel::builder(c(), "test")
        .coefficients(&base)
        .build();
    assert!(ok.is_ok());
    let with = |extra: (&str, f64)| {
        ReadinessModel::builder(c(), "test")
            .coefficients(&base)
            .coefficient(extra.0, extra.1)
            .build()
    };
    for bad in [
        ("II ~ O", 0.1),      // twice
        ("O ~ II", 0.1),      // wrong direction
        ("EI ~ II", 0.1),     // mediator chain
        ("WTC ~ Q", 0.1),     // unknown
        ("WTC ~~ II", 0.1),   // mediator–outcome residual covariance
        ("WTC ~ O + C", 0.1), // not one coefficient
        ("O ~~ C", f64::NAN), // not finite
        ("O ~~ C", 5.0),      // covariance beyond the variances
    ] {
        assert!(with(bad).is_err(), "{bad:?} accepted");
    }
    // Missing required values.
    let without = |name: &str| {
        ReadinessModel::builder(c(), "test")
            .coefficients(
                &base
                    .iter()
                    .copied()
                    .filter(|(n, _)| *n != name)
                    .collect::<Vec<_>>(),
            )
            .build()
    };
    for name in ["II ~ 1", "WTC ~~ WTC", "O ~ 1", "C ~~ C"] {
        assert!(
            matches!(
                without(name),
                Err(ReadinessError::MissingCoefficient { .. })
            ),
            "{name}"
        );
    }
    // A supplied covariance of the WTC intercept and path: closed form var = v₁ + m̂²·v₂.
    let m = ReadinessModel::builder(c(), "test")
        .coefficients(&base)
        .vcov(
            &["WTC ~ 1", "WTC ~ II"],
            DMatrix::from_row_slice(2, 2, &[0.01, 0.0, 0.0, 0.002]),
        )
        .build()
        .unwrap();
    let p = m.predict(&Profile::new(&[("O", 4.0), ("C", 2.0)])).unwrap();
    let resid = 0.3 * 0.3 * 0.4 + 0.3 * 0.3 * 0.5 + 0.5;
    let want = resid + 0.01 + p.mediators[0].value.powi(2) * 0.002;
    assert!((p.outcome.se.powi(2) - want).abs() < 1e-12);
    assert!(ReadinessModel::builder(c(), "test")
        .coefficients(&base)
        .vcov(&["WTC ~ Q"], DMatrix::from_element(1, 1, 0.01))
        .build()
        .is_err());
}

#[test]
fn pathway_rule_is_the_documented_one() {
    let c = Constructs::new(&["O", "C"], &["II", "EI"], "WTC", range()).unwrap();
    let model = ReadinessModel::builder(c, "test")
        .coefficients(&[
            ("II ~ O", 0.6),
            ("EI ~ C", 0.6),
            ("WTC ~ II", 0.5),
            ("WTC ~ EI", 0.5),
            ("II ~ 1", 1.2),
            ("EI ~ 1", 1.2),
            ("WTC ~ 1", 0.6),
            ("II ~~ II", 0.3),
            ("EI ~~ EI", 0.3),
            ("WTC ~~ WTC", 0.3),
            ("O ~ 1", 3.0),
            ("C ~ 1", 3.0),
            ("O ~~ O", 0.5),
            ("C ~~ C", 0.5),
        ])
        .build()
        .unwrap();
    let path = |o: f64, c: f64| model.predict(&Profile::new(&[("O", o), ("C", c)])).unwrap();
    assert_eq!(path(5.0, 3.0).pathway, Pathway::Led(0));
    assert_eq!(path(3.0, 5.0).pathway, Pathway::Led(1));
    assert_eq!(path(4.5, 4.5).pathway, Pathway::Dual);
    assert_eq!(path(1.0, 1.0).pathway, Pathway::LowReadiness);
    // At the reference customer no pathway contributes: "neither strongly", not dual
    // (the old rule called it dual and offered every format; issue 14).
    let avg = path(3.0, 3.0);
    assert_eq!(avg.pathway, Pathway::Neither);
    assert_eq!(avg.recommendation.pathway, "neither strongly");
    assert!(avg.recommendation.formats.is_empty());
    assert!(avg.why.contains("neither strongly"), "{}", avg.why);
    // 2/3 rule: via_II = 0.3·(o−3), via_EI = 0.3·(c−3): o = 5, c = 4 → shares 2/3, 1/3.
    assert_eq!(path(5.0, 4.0).pathway, Pathway::Led(0));
    assert_eq!(path(5.0, 4.1).pathway, Pathway::Dual);
    let strict = model
        .clone()
        .with_rule(PathwayRule::builder().lead_share(0.9).build().unwrap())
        .unwrap();
    let p = strict
        .predict(&Profile::new(&[("O", 5.0), ("C", 4.0)]))
        .unwrap();
    assert_eq!(p.pathway, Pathway::Dual);
    assert_eq!(p.recommendation.pathway, "dual");
    // Constructs::new attaches no formats: the library does not invent them.
    assert!(p.recommendation.formats.is_empty());
}

#[cfg(feature = "serde")]
#[test]
fn models_round_trip_through_json_and_garbage_is_refused() {
    let fit = composite_fit(SeMethod::Standard);
    let model = ReadinessModel::from_fit(&fit, Constructs::cocreation(range()), "c").unwrap();
    let json = serde_json::to_string(&model).unwrap();
    let back: ReadinessModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back.constructs(), model.constructs());
    assert_eq!(back.provenance(), model.provenance());
    let x = Profile::new(&[("O", 4.0), ("C", 2.0), ("E", 3.0), ("A", 3.5), ("N", 2.0)]);
    let (a, b) = (back.predict(&x).unwrap(), model.predict(&x).unwrap());
    assert!((a.outcome.value - b.outcome.value).abs() < 1e-12);
    assert!((a.outcome.se - b.outcome.se).abs() < 1e-12);
    assert_eq!(a.pathway, b.pathway);
    // A tampered model fails to deserialise instead of panicking later.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["coef"]["b"] = serde_json::json!([0.3]);
    assert!(serde_json::from_value::<ReadinessModel>(v.clone()).is_err());
    v["coef"]["b"] = serde_json::json!([0.3, 0.2]);
    v["level"] = serde_json::json!(2.0);
    assert!(serde_json::from_value::<ReadinessModel>(v.clone()).is_err());
    v["level"] = serde_json::json!(0.95);
    assert!(serde_json::from_value::<ReadinessModel>(v.clone()).is_ok());
    v["rule"]["lead_share"] = serde_json::json!(0.2);
    assert!(serde_json::from_value::<ReadinessModel>(v).is_err());
}

/// Sizes outside the compile-time kernels (here 9 traits, 4 mediators) take the general
/// loop, which must agree with single predictions too.
#[test]
fn batch_of_unusual_size_equals_single_predictions() {
    let traits: Vec<String> = (1..=9).map(|k| format!("T{k}")).collect();
    let meds = ["M1", "M2", "M3", "M4"];
    let t: Vec<&str> = traits.iter().map(|s| s.as_str()).collect();
    let c = Constructs::new(&t, &meds, "Y", range()).unwrap();
    let mut coefs: Vec<(String, f64)> = Vec::new();
    for (j, m) in meds.iter().enumerate() {
        for (k, x) in t.iter().enumerate() {
            coefs.push((format!("{m} ~ {x}"), 0.05 * ((j + 2 * k) % 7) as f64 - 0.1));
        }
        coefs.push((format!("Y ~ {m}"), 0.1 + 0.05 * j as f64));
        coefs.push((format!("{m} ~ 1"), 1.0));
        coefs.push((format!("{m} ~~ {m}"), 0.3));
    }
    for x in &t {
        coefs.push((format!("{x} ~ 1"), 3.0));
        coefs.push((format!("{x} ~~ {x}"), 0.5));
        coefs.push((format!("Y ~ {x}"), 0.02));
    }
    coefs.push(("Y ~ 1".into(), 0.5));
    coefs.push(("Y ~~ Y".into(), 0.4));
    let refs: Vec<(&str, f64)> = coefs.iter().map(|(s, v)| (s.as_str(), *v)).collect();
    let model = ReadinessModel::builder(c, "test")
        .coefficients(&refs)
        .vcov(
            &["Y ~ 1", "Y ~ M2", "M2 ~ T3"],
            DMatrix::from_diagonal(&DVector::from_vec(vec![0.01, 0.003, 0.002])),
        )
        .build()
        .unwrap();
    let rows: Vec<f64> = (0..9 * 6)
        .map(|i| 1.0 + (i * 7 % 17) as f64 / 4.25)
        .collect();
    let b = model.predict_batch(&rows).unwrap();
    for (i, x) in rows.chunks(9).enumerate() {
        let prof = Profile::new(&t.iter().copied().zip(x.iter().copied()).collect::<Vec<_>>());
        let p = model.predict(&prof).unwrap();
        assert!((b.outcome[i] - p.outcome.value).abs() < 1e-12);
        assert!((b.outcome_se[i] - p.outcome.se).abs() < 1e-12);
        assert!((b.mediators[3][i] - p.mediators[3].value).abs() < 1e-12);
        assert_eq!(b.pathway(i), Some(p.pathway));
    }
    let mut bad = rows.clone();
    bad[9 * 4 + 2] = 9.0;
    let e = model.predict_batch(&bad).unwrap_err();
    assert!(e.to_string().starts_with("row 5: trait \"T3\""), "{e}");
}

/// The latent model's delta-method variance, including the marker intercepts that put the
/// latent constructs on the response scale, against a numerical gradient.
#[test]
fn latent_parameter_uncertainty_matches_a_numerical_delta_method() {
    let (fit, model) = latent_fit();
    let v = fit.vcov().unwrap();
    let theta = fit.free_parameters().to_vec();
    let traits = ["O", "C", "E", "A", "N"];
    let markers = [
        ("O", "O1"),
        ("C", "C1"),
        ("E", "E1"),
        ("A", "A1"),
        ("N", "N1"),
        ("II", "II1"),
        ("EI", "EI1"),
        ("WTC", "WTC1"),
    ];
    let yhat = |th: &[f64], x: &[f64; 5]| -> f64 {
        let par = |l: &str, op: Op, r: &str| {
            fit.get(l, op, r)
                .map_or(0.0, |e| e.free.map_or(e.est, |i| th[i]))
        };
        let off = |c: &str| {
            let m = markers.iter().find(|(n, _)| *n == c).unwrap().1;
            par(m, Op::Intercept, "")
        };
        let u: Vec<f64> = (0..5).map(|k| x[k] - off(traits[k])).collect();
        let eta = |m: &str| {
            par(m, Op::Intercept, "")
                + (0..5)
                    .map(|k| par(m, Op::Regression, traits[k]) * u[k])
                    .sum::<f64>()
        };
        off("WTC")
            + par("WTC", Op::Intercept, "")
            + par("WTC", Op::Regression, "II") * eta("II")
            + par("WTC", Op::Regression, "EI") * eta("EI")
            + (0..5)
                .map(|k| par("WTC", Op::Regression, traits[k]) * u[k])
                .sum::<f64>()
    };
    let mut max = 0.0f64;
    for x in customers() {
        let g = numerical_gradient(&theta, |th| yhat(th, &x));
        let p = model.predict(&profile(&x)).unwrap();
        max = max.max((p.outcome.value - yhat(&theta, &x)).abs());
        let param_var = (g.transpose() * v * &g)[(0, 0)];
        let resid = model.outcome_residual_variance() + {
            let b = &model.coefficients().b;
            let psi = model.mediator_residual_cov();
            (0..2)
                .map(|i| (0..2).map(|j| b[i] * psi[(i, j)] * b[j]).sum::<f64>())
                .sum::<f64>()
        };
        max = max.max((p.outcome.se.powi(2) - (resid + param_var)).abs());
    }
    println!("latent delta-method variance vs numerical gradient: max difference {max:e}");
    assert!(max < 1e-8, "max difference {max:e}");
}

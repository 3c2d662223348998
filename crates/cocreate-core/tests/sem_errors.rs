//! Errors that explain themselves, warnings nobody can miss, and the effects helper.

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{Model, Op, SemError, SemOptions, SemWarning};
use rand::{Rng, SeedableRng};

fn table(names: &[&str], rows: Vec<Vec<f64>>) -> Table {
    Table::new(
        names.iter().map(|s| s.to_string()).collect(),
        rows.into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    )
    .unwrap()
}

/// Data whose sample covariance (N denominator) is exactly `target`.
fn exact(target: &[[f64; 3]; 3], n: usize, seed: u64) -> Table {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut z: Vec<[f64; 3]> = (0..n)
        .map(|_| [rng.r#gen(), rng.r#gen(), rng.r#gen()])
        .collect();
    // Centre and orthonormalise the columns so that Z'Z / n = I.
    for j in 0..3 {
        let m = z.iter().map(|r| r[j]).sum::<f64>() / n as f64;
        z.iter_mut().for_each(|r| r[j] -= m);
        for k in 0..j {
            let d: f64 = z.iter().map(|r| r[j] * r[k]).sum();
            z.iter_mut().for_each(|r| r[j] -= d * r[k]);
        }
        let norm = (z.iter().map(|r| r[j] * r[j]).sum::<f64>() / n as f64).sqrt();
        z.iter_mut().for_each(|r| r[j] /= norm);
    }
    let s = nalgebra::Matrix3::from_fn(|i, j| target[i][j]);
    let l = s.cholesky().unwrap().l();
    let rows = z
        .iter()
        .map(|r| {
            let v = l * nalgebra::Vector3::new(r[0], r[1], r[2]);
            vec![v[0], v[1], v[2]]
        })
        .collect();
    table(&["x1", "x2", "x3"], rows)
}

#[test]
fn unknown_variables_are_named_with_their_position() {
    let t = common::table("PoliticalDemocracy.csv");
    let err = Model::parse("f =~ x1 + x2\n  g =~ y1 + yy9")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap_err();
    match &err {
        SemError::UnknownVariable { name, position } => {
            assert_eq!(name, "yy9");
            assert_eq!((position.line, position.column), (2, 13));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("line 2, column 13"));
}

#[test]
fn identification_problems_are_errors() {
    let t = common::table("PoliticalDemocracy.csv");
    let o = SemOptions::default();
    let e = Model::parse("f =~ x1 + x2")
        .unwrap()
        .fit(&t, &o)
        .unwrap_err();
    assert!(matches!(e, SemError::NegativeDf { df: -1, .. }), "{e}");
    let e = Model::parse("f =~ NA*x1 + x2 + x3")
        .unwrap()
        .fit(&t, &o)
        .unwrap_err();
    assert!(matches!(e, SemError::UnscaledLatent { .. }));
    assert!(e.to_string().contains("\"f\""));
    // A constant column.
    let c = table(&["a", "b"], (0..10).map(|i| vec![i as f64, 3.0]).collect());
    let e = Model::parse("a ~ b").unwrap().fit(&c, &o).unwrap_err();
    assert!(
        matches!(e, SemError::ZeroVariance { ref name, .. } if name == "b"),
        "{e}"
    );
    // A linear combination.
    let d = table(
        &["x1", "x2", "x3"],
        (0..20)
            .map(|i| {
                let (a, b) = ((i as f64 * 0.7).sin(), (i as f64 * 1.3).cos());
                vec![a, b, a + 2.0 * b]
            })
            .collect(),
    );
    let e = Model::parse("f =~ x1 + x2 + x3")
        .unwrap()
        .fit(&d, &o)
        .unwrap_err();
    match e {
        SemError::SampleCovNotPd { detail, variables } => {
            assert_eq!(variables, ["x3", "x1", "x2"]);
            assert!(
                detail.contains("x3 is (nearly) a linear combination of x1, x2"),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn non_convergence_is_an_error_that_says_so() {
    let t = common::table("PoliticalDemocracy.csv");
    let r = common::reference("pd_sem");
    let opts = SemOptions::builder().max_iterations(2).build().unwrap();
    let e = Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&t, &opts)
        .unwrap_err();
    assert!(
        matches!(e, SemError::NotConverged { iterations: 2, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("did not converge"));
}

#[test]
fn heywood_cases_are_warnings_in_the_result_and_the_summary() {
    // Correlations .8, .8, .5 imply a standardised loading of √1.28 > 1 for x1.
    let t = exact(&[[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]], 200, 4);
    let fit = Model::parse("f =~ x1 + x2 + x3")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap();
    assert!(fit.residual_variance("x1").unwrap() < 0.0);
    assert!(fit
        .warnings()
        .iter()
        .any(|w| matches!(w, SemWarning::NegativeVariance { variable, .. } if variable == "x1")));
    assert!(fit
        .summary()
        .contains("WARNING: the (residual) variance of x1 is negative"));
}

#[test]
fn effects_helper_reproduces_lavaan_defined_effects() {
    let r = common::reference("cocreation_path");
    let mut m = Model::parse(
        "II ~ O + C + E + A + N\nEI ~ O + C + E + A + N\nWTC ~ II + EI + O + C + E + A + N",
    )
    .unwrap();
    let eff = m.add_effects("O", "WTC").unwrap();
    assert_eq!(eff.indirect, ["ind_O_II_WTC", "ind_O_EI_WTC"]);
    let fit = m
        .fit(
            &common::table("cocreation_composites.csv"),
            &SemOptions::default(),
        )
        .unwrap();
    let want = |name: &str| {
        r["parameter_estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["lhs"] == name)
            .unwrap()
            .clone()
    };
    for (mine, theirs) in [
        ("ind_O_II_WTC", "ind_O_II"),
        ("ind_O_EI_WTC", "ind_O_EI"),
        ("indirect_O_WTC", "indtot_O"),
        ("total_O_WTC", "total_O"),
    ] {
        let a = fit.by_label(mine).unwrap();
        let b = want(theirs);
        assert!((a.est - b["est"].as_f64().unwrap()).abs() < 1e-6, "{mine}");
        assert!(
            (a.se.unwrap() - b["se"].as_f64().unwrap()).abs() < 1e-6,
            "{mine}"
        );
        assert_eq!(a.op, Op::Defined);
    }
    let mut bad = Model::parse("y ~ x").unwrap();
    assert!(bad.add_effects("y", "x").is_err());
}

#[test]
fn fits_serialize_and_read_back() {
    let r = common::reference("cocreation_path");
    let fit = Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(
            &common::table("cocreation_composites.csv"),
            &SemOptions::default(),
        )
        .unwrap();
    let text = serde_json::to_string(&fit).unwrap();
    let back: cocreate_core::sem::SemFit = serde_json::from_str(&text).unwrap();
    // serde_json may round the last bit of a float; everything else reads back.
    assert_eq!(
        back.parameter_estimates().len(),
        fit.parameter_estimates().len()
    );
    for (a, b) in back
        .parameter_estimates()
        .iter()
        .zip(fit.parameter_estimates())
    {
        assert_eq!(
            (&a.lhs, a.op, &a.rhs, &a.label, a.free),
            (&b.lhs, b.op, &b.rhs, &b.label, b.free)
        );
        assert!((a.est - b.est).abs() <= 1e-15 * b.est.abs().max(1.0));
    }
    assert!((back.fit_measures().chisq - fit.fit_measures().chisq).abs() < 1e-12);
    assert_eq!(back.summary(), fit.summary());
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let m2: Model = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(m2, model);
}

#[test]
fn option_and_model_errors_say_what_was_wrong_in_fields() {
    use cocreate_core::sem::{Estimator, Missing, SeMethod};
    match SemOptions::builder().level(1.5).build().unwrap_err() {
        SemError::InvalidOption { option, value, .. } => {
            assert_eq!((option, value.as_str()), ("level", "1.5"));
        }
        other => panic!("{other:?}"),
    }
    let e = SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(1)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            e,
            SemError::InvalidOption {
                option: "bootstrap",
                ..
            }
        ),
        "{e}"
    );
    match "ULS".parse::<Estimator>().unwrap_err() {
        SemError::InvalidOption { option, value, .. } => {
            assert_eq!((option, value.as_str()), ("estimator", "\"ULS\""));
        }
        other => panic!("{other:?}"),
    }
    // A user's text is quoted and cut, so the message stays one short line.
    let long = format!("{}\n", "x".repeat(500));
    let e = long.parse::<Missing>().unwrap_err().to_string();
    assert!(e.len() < 250 && !e.contains('\n'), "{e}");
    match SemOptions::builder()
        .estimator(Estimator::Mlm)
        .missing(Missing::MlX)
        .build()
        .unwrap_err()
    {
        SemError::IncompatibleOptions {
            option,
            value,
            with,
            ..
        } => assert_eq!(
            (option, value.as_str(), with.as_str()),
            ("estimator", "MLM", "missing = ml.x")
        ),
        other => panic!("{other:?}"),
    }
    let t = common::table("PoliticalDemocracy.csv");
    let e = Model::parse("y1 ~ x1\n y1 ~ x1")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap_err();
    match &e {
        SemError::DuplicateRelation {
            lhs,
            op,
            rhs,
            position,
        } => {
            assert_eq!(
                (lhs.as_str(), *op, rhs.as_str(), position.line),
                ("y1", Op::Regression, "x1", 2)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "the relation y1 ~ x1 at line 2, column 2 is written twice"
    );
    let e = Model::builder().covariance("a b", "c").build().unwrap_err();
    assert!(
        matches!(
            e,
            SemError::InvalidName {
                what: "variable",
                ..
            }
        ),
        "{e}"
    );
}

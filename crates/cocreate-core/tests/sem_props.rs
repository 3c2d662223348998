//! Invariants of the SEM engine, checked on random data and random text.

use cocreate_core::data::Table;
use cocreate_core::sem::{Model, Op, SemOptions};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};

/// `n` rows of three correlated variables from a seed.
fn data(seed: u64, n: usize, names: &[&str]) -> Table {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let rows = (0..n)
        .map(|_| {
            let f: f64 = rng.r#gen::<f64>() - 0.5;
            names
                .iter()
                .enumerate()
                .map(|(k, _)| Some(f * (1.0 + k as f64 * 0.3) + rng.r#gen::<f64>() - 0.5))
                .collect()
        })
        .collect();
    Table::new(names.iter().map(|s| s.to_string()).collect(), rows).unwrap()
}

fn scaled(t: &Table, col: usize, k: f64) -> Table {
    let rows = (0..t.n_rows())
        .map(|r| {
            (0..t.n_cols())
                .map(|c| t.get(r, c).map(|v| if c == col { v * k } else { v }))
                .collect()
        })
        .collect();
    Table::new(t.names().to_vec(), rows).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn saturated_models_reproduce_the_sample_covariance(seed in 0u64..10_000, n in 20usize..80) {
        let t = data(seed, n, &["y", "x1", "x2"]);
        for syntax in ["y ~ x1 + x2", "y ~~ x1 + x2\nx1 ~~ x2", "y ~ x1\nx2 ~ y + x1"] {
            let fit = Model::parse(syntax).unwrap().fit(&t, &SemOptions::default()).unwrap();
            prop_assert_eq!(fit.fit_measures().df, 0.0);
            let d = (fit.implied_cov() - fit.sample_cov()).amax();
            prop_assert!(d < 1e-9, "{}: max |Σ - S| = {}", syntax, d);
            prop_assert!(fit.fit_measures().chisq.abs() < 1e-8);
        }
    }

    #[test]
    fn scaling_a_variable_scales_its_coefficients_only(seed in 0u64..10_000, k in 0.1f64..20.0) {
        let t = data(seed, 60, &["y", "x1", "x2", "x3"]);
        let model = Model::parse("f =~ x1 + x2 + x3\ny ~ b*f").unwrap();
        let base = model.fit(&t, &SemOptions::default()).unwrap();
        // Scale the indicator x2: its loading scales by k, its residual variance by k².
        let fit = model.fit(&scaled(&t, 2, k), &SemOptions::default()).unwrap();
        let l0 = base.get("f", Op::MeasuredBy, "x2").unwrap();
        let l1 = fit.get("f", Op::MeasuredBy, "x2").unwrap();
        prop_assert!((l1.est - k * l0.est).abs() < 1e-6 * (1.0 + (k * l0.est).abs()));
        let v0 = base.residual_variance("x2").unwrap();
        let v1 = fit.residual_variance("x2").unwrap();
        prop_assert!((v1 - k * k * v0).abs() < 1e-6 * (1.0 + (k * k * v0).abs()));
        // Everything standardised is unchanged, and so is the fit.
        for (a, b) in base.parameter_estimates().iter().zip(fit.parameter_estimates()) {
            prop_assert!((a.std_all - b.std_all).abs() < 1e-6, "{} {} {}", a.lhs, a.op, a.rhs);
        }
        prop_assert!((base.fit_measures().chisq - fit.fit_measures().chisq).abs() < 1e-6);
        // Scaling the outcome scales the structural coefficient.
        let fy = model.fit(&scaled(&t, 0, k), &SemOptions::default()).unwrap();
        let b0 = base.by_label("b").unwrap().est;
        prop_assert!((fy.by_label("b").unwrap().est - k * b0).abs() < 1e-6 * (1.0 + (k * b0).abs()));
        prop_assert!((fy.by_label("b").unwrap().std_all - base.by_label("b").unwrap().std_all).abs() < 1e-6);
    }

    #[test]
    fn permuting_rows_changes_nothing(seed in 0u64..10_000, shift in 1usize..59) {
        let t = data(seed, 60, &["y", "x1", "x2", "x3"]);
        let rows = (0..60)
            .map(|r| (0..4).map(|c| t.get((r * 7 + shift) % 60, c)).collect())
            .collect();
        let p = Table::new(t.names().to_vec(), rows).unwrap();
        let model = Model::parse("f =~ x1 + x2 + x3\ny ~ f").unwrap();
        let a = model.fit(&t, &SemOptions::default()).unwrap();
        let b = model.fit(&p, &SemOptions::default()).unwrap();
        for (x, y) in a.parameter_estimates().iter().zip(b.parameter_estimates()) {
            prop_assert!((x.est - y.est).abs() < 1e-8);
            prop_assert!((x.se.unwrap() - y.se.unwrap()).abs() < 1e-8);
        }
    }

    #[test]
    fn random_syntax_never_panics(text in "[a-z0-9 =~:+*()!#;\\n.NA\"'<>|^/-]{0,60}") {
        let t = data(1, 30, &["y", "x1", "x2"]);
        if let Ok(model) = Model::parse(&text) {
            // Fitting may fail, but with an error, not a panic.
            let _ = model.fit(&t, &SemOptions::default());
            let _ = Model::parse(&model.to_syntax()).unwrap();
        }
    }

    #[test]
    fn plausible_syntax_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("f =~ "), Just("y ~ "), Just(" ~~ "), Just("x1"), Just("x2"), Just("y"),
                Just(" + "), Just("a*"), Just("1*"), Just("NA*"), Just("\n"), Just(":= a*b"),
                Just("b*"), Just("1"), Just("f"), Just("start(2)*"), Just(";"),
            ],
            0..12,
        )
    ) {
        let text: String = parts.concat();
        let t = data(2, 40, &["y", "x1", "x2"]);
        if let Ok(model) = Model::parse(&text) {
            let _ = model.fit(&t, &SemOptions::default());
        }
    }
}

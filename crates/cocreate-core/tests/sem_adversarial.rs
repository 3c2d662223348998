//! Hostile and careless input to the SEM engine: every case either fits correctly or fails
//! with an error that names the parameter, the model line or the data problem.

mod common;

use std::time::{Duration, Instant};

use cocreate_core::data::Table;
use cocreate_core::sem::{
    Model, Modifier, Op, ParameterTable, SeMethod, SemError, SemOptions, SemWarning,
    MAX_BOOTSTRAP_DRAWS, MAX_DEFINED, MAX_MODEL_TERMS,
};
use proptest::prelude::*;

fn hs() -> Table {
    common::table("HolzingerSwineford1939.csv")
}

fn fit(model: &str) -> Result<cocreate_core::sem::SemFit, SemError> {
    Model::parse(model)?.fit(&hs(), &SemOptions::default())
}

fn fit_with(model: &str, opts: &SemOptions) -> Result<cocreate_core::sem::SemFit, SemError> {
    Model::parse(model)?.fit(&hs(), opts)
}

fn boot(draws: usize) -> SemOptions {
    SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(draws)
        .seed(11)
        .build()
        .unwrap()
}

// ---------------------------------------------------------------- class 4: deserialising

fn options_json(key: &str, value: serde_json::Value) -> Result<SemOptions, serde_json::Error> {
    let mut v = serde_json::to_value(SemOptions::default()).unwrap();
    v[key] = value;
    serde_json::from_value(v)
}

#[test]
fn options_deserialise_through_the_builder() {
    let e = options_json("level", serde_json::json!(1.5)).unwrap_err();
    assert!(e.to_string().contains("confidence level"), "{e}");
    let e = options_json("max_iterations", serde_json::json!(0)).unwrap_err();
    assert!(e.to_string().contains("max_iterations"), "{e}");
    let e = options_json("tolerance", serde_json::json!(0.0)).unwrap_err();
    assert!(e.to_string().contains("tolerance"), "{e}");
    let e = options_json("bootstrap", serde_json::json!(10_000_000_000u64)).unwrap_err();
    assert!(
        e.to_string().contains("bootstrap replicates are too many"),
        "{e}"
    );
    let mut v = serde_json::to_value(SemOptions::default()).unwrap();
    v["se"] = serde_json::json!("Bootstrap");
    v["bootstrap"] = serde_json::json!(1);
    let e = serde_json::from_value::<SemOptions>(v).unwrap_err();
    assert!(e.to_string().contains("at least 2 replicates"), "{e}");
    let mut v = serde_json::to_value(SemOptions::default()).unwrap();
    v["levle"] = serde_json::json!(0.9);
    assert!(serde_json::from_value::<SemOptions>(v).is_err());
    // Valid options read back unchanged.
    let o = SemOptions::builder()
        .level(0.9)
        .std_lv(true)
        .build()
        .unwrap();
    let back: SemOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
}

#[test]
fn models_deserialise_through_validation() {
    let model = Model::parse("f =~ x1 + a*x2 + x3\nx1 ~~ x2\nd := a^2\na == 0.5").unwrap();
    let good = serde_json::to_value(&model).unwrap();
    let back: Model = serde_json::from_value(good.clone()).unwrap();
    assert_eq!(back, model);

    let mut v = good.clone();
    v["relations"][1]["rhs"] = serde_json::json!("x 2");
    let e = serde_json::from_value::<Model>(v).unwrap_err();
    assert!(e.to_string().contains("not a valid variable name"), "{e}");

    let mut v = good.clone();
    v["relations"][0]["op"] = serde_json::json!(":=");
    assert!(serde_json::from_value::<Model>(v).is_err());

    let mut v = good.clone();
    v["definitions"][0]["text"] = serde_json::json!("a^3");
    let e = serde_json::from_value::<Model>(v).unwrap_err();
    assert!(e.to_string().contains("does not match its text"), "{e}");

    let mut v = good.clone();
    v["definitions"][0]["text"] = serde_json::json!("a^(");
    assert!(serde_json::from_value::<Model>(v).is_err());

    let mut v = good;
    v["constraints"][0]["lhs"] = serde_json::json!("");
    assert!(serde_json::from_value::<Model>(v).is_err());
}

// ---------------------------------------------------------------- class 5: accepted but wrong

fn infeasible_lines(model: &str) -> Vec<usize> {
    match fit(model) {
        Err(SemError::InfeasibleConstraints { lines, .. }) => lines,
        other => panic!("expected infeasible constraints, got {other:?}"),
    }
}

#[test]
fn contradictory_constraints_name_their_lines() {
    assert_eq!(infeasible_lines("x4 ~ a*x1\na == 1\na == 2"), [2, 3]);
    assert_eq!(
        infeasible_lines("x4 ~ a*x1 + b*x2\na == b\na == 1\nb == 2"),
        [3, 4]
    );
    // A fixed value and a constraint on the same label.
    assert_eq!(infeasible_lines("x4 ~ 0.5*a*x1 + x2\n\na == 1"), [1, 3]);
    // Two rows with one label, fixed to different values.
    assert_eq!(
        infeasible_lines("f =~ x1 + 0.5*a*x2\nf =~ 0.7*a*x3"),
        [1, 2]
    );
    let e = fit("x4 ~ a*x1\na == 1\na == 2").unwrap_err();
    assert!(e.to_string().contains("\"a\" is set to 1"), "{e}");
}

#[test]
fn consistent_constraints_still_fit() {
    let f = fit("x4 ~ a*x1 + b*x2\na == b\na == 0.25\nb == 0.25").unwrap();
    assert_eq!(f.by_label("a").unwrap().est, 0.25);
    assert_eq!(f.by_label("b").unwrap().est, 0.25);
    let f = fit("x4 ~ a*x1\na == 0.5\na == 0.5").unwrap();
    assert_eq!(f.by_label("a").unwrap().est, 0.5);
}

#[test]
fn a_latent_variable_cannot_take_a_column_name() {
    for (model, name, line) in [
        ("x1 =~ x2 + x3 + x4", "x1", 1),
        (
            "visual =~ x1 + x2 + x3\n\nageyr =~ x4 + x5 + x6",
            "ageyr",
            3,
        ),
    ] {
        match fit(model) {
            Err(SemError::LatentIsColumn { name: n, position }) => {
                assert_eq!((n.as_str(), position.line), (name, line));
            }
            other => panic!("{model}: {other:?}"),
        }
    }
}

#[test]
fn an_empty_model_says_so() {
    for text in ["", "   \n\n", "# only a comment\n! another\n", ";;\n"] {
        let e = fit(text).unwrap_err();
        assert!(matches!(e, SemError::EmptyModel), "{text:?}: {e}");
        assert!(e.to_string().contains("the model is empty"));
        assert!(!e.is_data_problem());
    }
    let e = Model::default()
        .fit(&hs(), &SemOptions::default())
        .unwrap_err();
    assert!(matches!(e, SemError::EmptyModel));
}

#[test]
fn data_problems_are_told_apart_from_model_problems() {
    let constant = Table::new(
        vec!["x".into(), "y".into()],
        (0..20).map(|i| vec![Some(1.0), Some(i as f64)]).collect(),
    )
    .unwrap();
    let e = Model::parse("y ~ x")
        .unwrap()
        .fit(&constant, &SemOptions::default())
        .unwrap_err();
    assert!(
        matches!(e, SemError::ZeroVariance { ref name, .. } if name == "x"),
        "{e}"
    );
    assert!(e.is_data_problem());
    let one_row = Table::new(
        vec!["x".into(), "y".into()],
        vec![vec![Some(1.0), Some(2.0)]],
    )
    .unwrap();
    let e = Model::parse("y ~ x")
        .unwrap()
        .fit(&one_row, &SemOptions::default())
        .unwrap_err();
    assert!(matches!(e, SemError::TooFewRows { n: 1, .. }), "{e}");
    assert!(e.is_data_problem());
    let e = fit("x4 ~ nosuch").unwrap_err();
    assert!(
        matches!(e, SemError::UnknownVariable { ref name, position } if name == "nosuch" && position.line == 1)
    );
    assert!(!e.is_data_problem());
}

fn invalid_value(model: &str) -> (String, usize, String) {
    match fit(model) {
        Err(SemError::InvalidValue {
            parameter,
            position,
            problem,
        }) => (parameter, position.line, problem),
        other => panic!("{model}: expected an invalid value, got {other:?}"),
    }
}

#[test]
fn impossible_fixed_values_name_the_parameter_and_line() {
    // A literal that overflows a double is refused where it is written.
    for (model, line, column) in [
        ("f =~ x1 + x2\nf =~ 1e999*x3", 2, 6),
        ("x4 ~ start(1e999)*x1", 1, 12),
        ("x4 ~ a*x1\n\n\na == -1e400", 4, 7),
    ] {
        let e = Model::parse(model).unwrap_err();
        assert_eq!(
            (e.position.line, e.position.column),
            (line, column),
            "{model}: {e}"
        );
        assert!(e.to_string().contains("overflows to infinity"), "{e}");
    }
    let (p, line, why) = invalid_value("f =~ x1 + x2 + x3\nx2 ~~ -1*x2");
    assert_eq!((p.as_str(), line), ("x2 ~~ x2", 2));
    assert!(why.contains("negative"), "{why}");
    let (p, line, why) = invalid_value("f =~ x1 + x2 + x3\nx2 ~~ v*x2\nv == -2");
    assert_eq!((p.as_str(), line), ("x2 ~~ x2", 2));
    assert!(why.contains("-2"), "{why}");
    // A NaN from code names the parameter too (line 0: built in code).
    let m = Model::builder()
        .regression_with("x4", "x1", Modifier::default().fixed(f64::NAN))
        .build()
        .unwrap();
    match m.fit(&hs(), &SemOptions::default()) {
        Err(SemError::InvalidValue {
            parameter,
            position,
            problem,
        }) => {
            assert_eq!((parameter.as_str(), position.line), ("x4 ~ x1", 0));
            assert!(problem.contains("NaN"));
        }
        other => panic!("{other:?}"),
    }
    // A variance fixed at zero is allowed (a single indicator without error).
    assert!(fit("f =~ x1 + x2 + x3\nx2 ~~ 0*x2").is_ok());
}

// ---------------------------------------------------------------- class 6: non-finite

fn warned_non_finite(f: &cocreate_core::sem::SemFit, name: &str) -> bool {
    f.warnings()
        .iter()
        .any(|w| matches!(w, SemWarning::NonFiniteEstimate { parameter, .. } if parameter == name))
}

#[test]
fn non_finite_defined_parameters_warn_and_have_no_se() {
    let f =
        fit("x4 ~ a*x1 + b*x2\nd := a/0\ne := sqrt(a - 100)\ng := log(a - a)\nok := a*b").unwrap();
    for (name, check) in [
        ("d", f64::is_infinite as fn(f64) -> bool),
        ("e", f64::is_nan),
        ("g", f64::is_infinite),
    ] {
        let e = f.by_label(name).unwrap();
        assert!(check(e.est), "{name} = {}", e.est);
        assert_eq!(e.se, None, "{name}");
        assert_eq!((e.z, e.pvalue), (None, None));
        assert!(warned_non_finite(&f, name), "{name}: {:?}", f.warnings());
    }
    let ok = f.by_label("ok").unwrap();
    assert!(ok.se.unwrap() > 0.0);
    assert!(!warned_non_finite(&f, "ok"));
    assert!(f
        .summary()
        .contains("the estimate of d is not a finite number"));
}

#[test]
fn a_bootstrap_with_no_finite_draw_reports_the_quantity_unavailable() {
    let f = fit_with("x4 ~ a*x1 + b*x2\nd := a/0\nok := a*b", &boot(40)).unwrap();
    let d = f.by_label("d").unwrap();
    assert_eq!(d.se, None);
    assert!(d.ci_lower.is_nan() && d.ci_upper.is_nan());
    assert!(f
        .warnings()
        .iter()
        .any(|w| matches!(w, SemWarning::BootstrapUnavailable { parameter } if parameter == "d")));
    let ok = f.by_label("ok").unwrap();
    assert!(ok.se.unwrap() > 0.0 && ok.ci_lower < ok.est && ok.est < ok.ci_upper);
    assert!(f.summary().contains("no bootstrap draw of d"));
}

#[test]
fn partly_non_finite_bootstrap_draws_are_counted() {
    let base = fit("x4 ~ a*x1").unwrap();
    let a = base.by_label("a").unwrap().est;
    // sqrt(a - â) is NaN for roughly half of the draws.
    let model = format!("x4 ~ a*x1\nh := sqrt(a - {a})");
    let f = fit_with(&model, &boot(60)).unwrap();
    let (failed, draws) = f
        .warnings()
        .iter()
        .find_map(|w| match w {
            SemWarning::BootstrapNonFiniteDraws {
                parameter,
                failed,
                draws,
            } if parameter == "h" => Some((*failed, *draws)),
            _ => None,
        })
        .expect("the non-finite draws of h are reported");
    assert_eq!(draws, 60);
    assert!(failed > 5 && failed < 55, "{failed}");
    let column = f
        .bootstrap()
        .unwrap()
        .names
        .iter()
        .position(|n| n == "h")
        .unwrap();
    let boot = f.bootstrap().unwrap();
    let nan = boot
        .draws
        .column(column)
        .iter()
        .filter(|v| !v.is_finite())
        .count();
    assert_eq!(nan, failed);
    // h itself is sqrt(0) = 0 at the estimate: finite, with a bootstrap SE from the rest.
    let h = f.by_label("h").unwrap();
    assert!(h.se.is_some_and(|s| s.is_finite() && s > 0.0));
}

// ---------------------------------------------------------------- class 7: sizes

fn quick<T>(f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    out
}

#[test]
fn a_huge_covariance_product_is_refused_before_expansion() {
    let names: Vec<String> = (0..3000).map(|i| format!("v{i}")).collect();
    let side = names.join(" + ");
    let text = format!("{side} ~~ {side}");
    let e = quick(|| Model::parse(&text)).unwrap_err();
    assert_eq!(e.position.line, 1);
    assert!(e.message.contains("too many relations"), "{}", e.message);
    assert!(e.message.contains(&MAX_MODEL_TERMS.to_string()));
    // Many small statements add up to the same limit.
    let many: String = (0..MAX_MODEL_TERMS + 1)
        .map(|i| format!("y ~ x{i}\n"))
        .collect();
    let e = quick(|| Model::parse(&many)).unwrap_err();
    assert_eq!(e.position.line, MAX_MODEL_TERMS + 1);
}

#[test]
fn too_many_definitions_are_refused_at_the_first_one_over() {
    let mut text = String::from("x4 ~ a*x1\n");
    for i in 0..20_000 {
        text.push_str(&format!("d{i} := a*{i}\n"));
    }
    let e = quick(|| Model::parse(&text)).unwrap_err();
    assert_eq!(e.position.line, MAX_DEFINED + 2);
    assert!(
        e.message.contains("too many defined parameters"),
        "{}",
        e.message
    );
    // Up to the limit they fit, with memory linear in their number.
    let mut text = String::from("x4 ~ a*x1\n");
    for i in 0..MAX_DEFINED {
        text.push_str(&format!("d{i} := a*{i}\n"));
    }
    let f = quick(|| fit(&text)).unwrap();
    let d = f.by_label("d7").unwrap();
    let a = f.by_label("a").unwrap();
    assert!((d.est - 7.0 * a.est).abs() < 1e-12);
    assert!((d.se.unwrap() - 7.0 * a.se.unwrap()).abs() < 1e-12);
}

#[test]
fn bootstrap_sizes_are_checked_before_any_replicate() {
    let e = SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(10_000_000_000)
        .build()
        .unwrap_err();
    assert!(
        e.to_string().contains(&MAX_BOOTSTRAP_DRAWS.to_string()),
        "{e}"
    );
    assert!(SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(100_000_000)
        .build()
        .is_err());
    // Allowed draws, but too many stored values: refused before the first replicate.
    let mut text = String::from("x4 ~ a*x1\n");
    for i in 0..400 {
        text.push_str(&format!("d{i} := a*{i}\n"));
    }
    let e = quick(|| fit_with(&text, &boot(MAX_BOOTSTRAP_DRAWS))).unwrap_err();
    assert!(matches!(e, SemError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("stored bootstrap draws"), "{e}");
}

fn table_error(text: &str) -> SemError {
    let m = quick(|| Model::parse(text)).unwrap();
    quick(|| ParameterTable::build(&m, &SemOptions::default(), false)).unwrap_err()
}

#[test]
fn variables_rows_and_parameters_are_bounded() {
    let xs: Vec<String> = (0..1200).map(|i| format!("x{i}")).collect();
    let e = table_error(&format!("y ~ {}", xs.join(" + ")));
    assert!(e.to_string().contains("variables"), "{e}");
    // 200 pure outcomes would add 19,900 default residual covariances.
    let ys: Vec<String> = (0..200).map(|i| format!("y{i}")).collect();
    let e = table_error(&format!("{} ~ x", ys.join(" + ")));
    assert!(e.to_string().contains("parameter-table rows"), "{e}");
    let ys: Vec<String> = (0..40).map(|i| format!("y{i}")).collect();
    let xs: Vec<String> = (0..30).map(|i| format!("x{i}")).collect();
    let e = table_error(&format!("{} ~ {}", ys.join(" + "), xs.join(" + ")));
    assert!(e.to_string().contains("free parameters"), "{e}");
}

// ---------------------------------------------------------------- class 8: the summary

/// Every row of a parameter section splits into its name and numbers that all parse.
fn assert_columns_apart(summary: &str) {
    let mut in_table = false;
    for line in summary.lines() {
        if line.contains("Estimate") && line.contains("Std.Err") {
            in_table = true;
            continue;
        }
        if line.starts_with("R-Square") {
            in_table = false;
        }
        if !in_table || !line.starts_with("   ") {
            continue;
        }
        let cells: Vec<&str> = line.split_whitespace().collect();
        let numbers: Vec<&str> = cells
            .iter()
            .rev()
            .take_while(|c| c.parse::<f64>().is_ok() || **c == "NA")
            .copied()
            .collect();
        assert!(numbers.len() >= 3, "fused or missing columns in {line:?}");
    }
}

#[test]
fn very_large_estimates_widen_the_columns() {
    let data = hs();
    let names: Vec<String> = ["x1", "x2", "x3", "x4"].map(String::from).to_vec();
    let rows = (0..data.n_rows())
        .map(|r| {
            names
                .iter()
                .map(|n| Some(data.get(r, data.column_index(n).unwrap()).unwrap() * 1e12))
                .collect()
        })
        .collect();
    let big = Table::new(names, rows).unwrap();
    let f = Model::parse("f =~ x1 + x2 + x3 + x4")
        .unwrap()
        .fit(&big, &SemOptions::default())
        .unwrap();
    let s = f.summary();
    assert!(s.contains(&format!(
        "{:.3}",
        f.get("x2", Op::Covariance, "x2").unwrap().est
    )));
    assert_columns_apart(&s);
}

#[test]
fn long_variable_names_are_printed_whole() {
    let data = hs();
    let long = |i: usize| format!("v{i}_{}", "n".repeat(100));
    let names: Vec<String> = (1..=4).map(long).collect();
    let rows = (0..data.n_rows())
        .map(|r| {
            (1..=4)
                .map(|i| data.get(r, data.column_index(&format!("x{i}")).unwrap()))
                .collect()
        })
        .collect();
    let t = Table::new(names.clone(), rows).unwrap();
    let model = format!("{} ~ {} + {} + {}", names[0], names[1], names[2], names[3]);
    let f = Model::parse(&model)
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap();
    let s = f.summary();
    for n in &names {
        assert!(s.contains(n.as_str()), "{n} is cut");
    }
    assert_columns_apart(&s);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the scale of the data, the summary's numbers never run together.
    #[test]
    fn summary_columns_never_fuse(exp in -6i32..15) {
        let data = hs();
        let scale = 10f64.powi(exp);
        let names: Vec<String> = ["x4", "x1", "x2"].map(String::from).to_vec();
        let rows = (0..data.n_rows())
            .map(|r| names.iter().map(|n| Some(data.get(r, data.column_index(n).unwrap()).unwrap() * scale)).collect())
            .collect();
        let t = Table::new(names, rows).unwrap();
        let f = Model::parse("x4 ~ a*x1 + b*x2\nab := a*b").unwrap().fit(&t, &SemOptions::default()).unwrap();
        assert_columns_apart(&f.summary());
    }

    /// Fixing one label to values from a small set either fits with the common value or is
    /// refused as infeasible: never silently the last one.
    #[test]
    fn constraint_sets_are_feasible_or_refused(values in proptest::collection::vec(0u8..3, 1..4)) {
        let mut text = String::from("x4 ~ a*x1 + b*x2\na == b\n");
        for (k, v) in values.iter().enumerate() {
            let label = if k % 2 == 0 { "a" } else { "b" };
            text.push_str(&format!("{label} == 0.{v}\n"));
        }
        let all_same = values.iter().all(|v| *v == values[0]);
        match fit(&text) {
            Ok(f) => {
                prop_assert!(all_same);
                prop_assert_eq!(f.by_label("a").unwrap().est, values[0] as f64 / 10.0);
            }
            Err(SemError::InfeasibleConstraints { lines, .. }) => {
                prop_assert!(!all_same);
                prop_assert!(lines.len() == 2 && lines.iter().all(|&l| l >= 3));
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}

#[test]
fn a_byte_order_mark_and_crlf_are_read_as_text() {
    let with = Model::parse("\u{feff}f =~ x1 + x2 + x3\r\nf ~~ f\r\n").unwrap();
    let without = Model::parse("f =~ x1 + x2 + x3\nf ~~ f\n").unwrap();
    assert_eq!(with.to_syntax(), without.to_syntax());
}

#[test]
fn overflowing_moments_are_a_data_problem_not_zero_variance() {
    let t = Table::new(
        vec!["x".into(), "y".into()],
        (0..10)
            .map(|i| {
                vec![
                    Some(if i % 2 == 0 { 1e300 } else { -1e300 }),
                    Some(i as f64),
                ]
            })
            .collect(),
    )
    .unwrap();
    let e = Model::parse("y ~ x")
        .unwrap()
        .fit(&t, &SemOptions::default())
        .unwrap_err();
    assert!(
        matches!(e, SemError::MomentsOverflow { ref name } if name == "x"),
        "{e}"
    );
    assert!(e.is_data_problem());
}

#[test]
fn dot_options_bound_their_decimals() {
    let f = fit("x4 ~ a*x1").unwrap();
    let o = cocreate_core::sem::DotOptions {
        decimals: 1_000_000,
        ..Default::default()
    };
    let dot = f.to_dot(&o);
    assert!(dot.len() < 10_000, "{} bytes", dot.len());
    let mut v = serde_json::to_value(cocreate_core::sem::DotOptions::default()).unwrap();
    v["decimals"] = serde_json::json!(100_000);
    let e = serde_json::from_value::<cocreate_core::sem::DotOptions>(v).unwrap_err();
    assert!(e.to_string().contains("decimals must be at most 17"), "{e}");
}

/// Found by the sem_fit fuzz target: a regression fixed at 4.01e101 made the χ² near 1e200,
/// and the RMSEA interval's noncentral chi-square never finished. Each fit must end
/// (with a result or an error) at once.
#[test]
fn astronomically_large_fixed_values_finish() {
    let names = ["x1", "x2", "x3"].map(String::from).to_vec();
    let rows = (0..60)
        .map(|i| {
            let t = i as f64;
            let f = (t * 0.7).sin();
            (0..3)
                .map(|j| Some(f * (0.5 + 0.1 * j as f64) + (t * (1.3 + j as f64)).cos() * 0.4))
                .collect()
        })
        .collect();
    let data = cocreate_core::data::Table::new(names, rows).unwrap();
    for text in [
        "f =~ x2\nf ~ 401e99*x3",
        "f =~ x2\nf ~ 4e10*x3",
        "x1 ~ 1e150*x2 + x3",
    ] {
        let start = std::time::Instant::now();
        let model = Model::parse(text).unwrap();
        if let Ok(fit) = model.fit(&data, &SemOptions::default()) {
            let ci = fit.fit_measures();
            let _ = format!("{ci:?}");
        }
        assert!(
            start.elapsed().as_secs() < 10,
            "{text:?} took {:?}",
            start.elapsed()
        );
    }
}

//! Multiple-group WLSMV (ordered indicators by group) against lavaan 0.6-14: a two-factor
//! CFA of eight keyed co-creation items by gender, the configural model
//! (`tests/data/ext/mg_wlsmv_cocreation_gender_configural.json`, made by
//! `docs/reference-scripts/groups_ordinal.R`), and what stays refused.

mod common;

use cocreate_core::data::Table;
use cocreate_core::ordinal::Ordered;
use cocreate_core::sem::{
    lav_test_lrt, measurement_invariance, GroupEqual, InvarianceOptions, Model, Op, ParameterId,
    SemOptions,
};
use common::{keyed_survey, reference};
use serde_json::Value;

/// The keyed survey without the 14 rows of gender 3 (as the reference drops them).
fn two_genders() -> Table {
    let all = keyed_survey();
    let g = all.column_index("gender").unwrap();
    let rows: Vec<Vec<Option<f64>>> = (0..all.n_rows())
        .filter(|&r| all.get(r, g) != Some(3.0))
        .map(|r| (0..all.n_cols()).map(|c| all.get(r, c)).collect())
        .collect();
    Table::new(all.names().to_vec(), rows).unwrap()
}

fn options() -> SemOptions {
    SemOptions::builder()
        .ordered(Ordered::All)
        .group("gender")
        .build()
        .unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn configural_matches_lavaan() {
    compare("ext/mg_wlsmv_cocreation_gender_configural", &options());
}

fn tied(equal: &[GroupEqual], partial: &str) -> SemOptions {
    SemOptions::builder()
        .ordered(Ordered::All)
        .group("gender")
        .group_equal(equal.iter().copied())
        .group_partial(ParameterId::parse_list(partial).unwrap())
        .build()
        .unwrap()
}

#[test]
fn equal_thresholds_match_lavaan() {
    let opts = tied(&[GroupEqual::Thresholds], "");
    compare("ext/mg_wlsmv_cocreation_gender_thresholds", &opts);
}

#[test]
fn equal_thresholds_and_loadings_match_lavaan() {
    let opts = tied(&[GroupEqual::Thresholds, GroupEqual::Loadings], "");
    compare("ext/mg_wlsmv_cocreation_gender_thresholds_loadings", &opts);
    // lavaan: with ordered variables `intercepts` means the thresholds too.
    let opts = tied(&[GroupEqual::Loadings, GroupEqual::Intercepts], "");
    compare("ext/mg_wlsmv_cocreation_gender_thresholds_loadings", &opts);
}

#[test]
fn equal_loadings_match_lavaan() {
    let opts = tied(&[GroupEqual::Loadings], "");
    compare("ext/mg_wlsmv_cocreation_gender_loadings", &opts);
}

#[test]
fn partial_thresholds_match_lavaan() {
    let opts = tied(
        &[GroupEqual::Thresholds, GroupEqual::Loadings],
        "II1 | t1, EI3|t2, EI =~ EI4",
    );
    compare("ext/mg_wlsmv_cocreation_gender_partial", &opts);
}

/// Compares a fit of the reference's model with `options` to the reference: every row's
/// estimate, standard error and std.all, the fit measures and each group's test.
fn compare(name: &str, options: &SemOptions) {
    let r = reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model.fit(&two_genders(), options).unwrap();
    let labels: Vec<&str> = r["group_labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        fit.groups()
            .iter()
            .map(|g| g.label.as_str())
            .collect::<Vec<_>>(),
        labels
    );
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    let (mut d_est, mut d_se, mut d_std) = (0.0f64, 0.0f64, 0.0f64);
    for row in pe {
        let group = labels[row["group"].as_u64().unwrap() as usize - 1];
        let (lhs, op, rhs) = (
            row["lhs"].as_str().unwrap(),
            Op::from_str_op(row["op"].as_str().unwrap()).unwrap(),
            row["rhs"].as_str().unwrap(),
        );
        let ours = fit
            .get_in_group(group, lhs, op, rhs)
            .unwrap_or_else(|| panic!("no row {lhs} {op} {rhs} in group {group}"));
        let (de, ds) = (
            (ours.est - f(&row["est"])).abs(),
            (ours.std_all - f(&row["std.all"]))
                .abs()
                .max((ours.std_lv - f(&row["std.lv"])).abs())
                .max((ours.std_nox - f(&row["std.nox"])).abs()),
        );
        let dse = ours.se.map_or(0.0, |se| (se - f(&row["se"])).abs());
        if de.max(ds).max(dse) > 1e-4 {
            eprintln!(
                "{group} {lhs} {op} {rhs}: est {} vs {}, se {:?} vs {}, std {} vs {}",
                ours.est, row["est"], ours.se, row["se"], ours.std_all, row["std.all"]
            );
        }
        d_est = d_est.max(de);
        d_se = d_se.max(dse);
        d_std = d_std.max(ds);
    }
    // lavaan's standardizedSolution(): est.std and its delta-method standard error.
    let mut d_sol = 0.0f64;
    for e in r["standardized_solution"].as_array().unwrap() {
        let Some((group, got)) = common::standardized_row(&fit, e, &labels) else {
            continue;
        };
        let de = (got.est_std - f(&e["est.std"])).abs();
        let ds = got.se.map_or(0.0, |se| {
            let theirs = f(&e["se"]);
            if theirs.is_nan() {
                0.0
            } else {
                (se - theirs).abs()
            }
        });
        if de.max(ds) > 1e-4 {
            eprintln!(
                "std {group} {} {} {}: {} vs {}, se {:?} vs {}",
                got.lhs, got.op, got.rhs, got.est_std, e["est.std"], got.se, e["se"]
            );
        }
        d_sol = d_sol.max(de).max(ds);
    }
    eprintln!("largest differences: est {d_est:.2e}, se {d_se:.2e}, std.all {d_std:.2e}, standardized solution {d_sol:.2e}");
    assert!(d_sol < 1e-4, "standardized solution {d_sol:.2e}");
    assert!(d_est < 1e-4 && d_se < 1e-4 && d_std < 1e-4);
    let fm = fit.fit_measures();
    let rf = fit.robust().unwrap();
    let fa = &r["fit_all"];
    let sh = &r["test"]["scaled.shifted"];
    let checks = [
        ("npar", fm.npar as f64, f(&fa["npar"])),
        ("chisq", fm.chisq, f(&fa["chisq"])),
        ("df", fm.df, f(&fa["df"])),
        ("pvalue", fm.pvalue.unwrap(), f(&fa["pvalue"])),
        ("fmin", fm.fmin, f(&fa["fmin"])),
        ("chisq.scaled", rf.chisq_scaled, f(&fa["chisq.scaled"])),
        (
            "pvalue.scaled",
            rf.pvalue_scaled.unwrap(),
            f(&fa["pvalue.scaled"]),
        ),
        (
            "chisq.scaling.factor",
            rf.chisq_scaling_factor,
            f(&fa["chisq.scaling.factor"]),
        ),
        (
            "shift.parameter",
            rf.shift_parameter.unwrap(),
            f(&sh["shift.parameter"]),
        ),
        (
            "baseline.chisq",
            fm.baseline_chisq,
            f(&fa["baseline.chisq"]),
        ),
        ("baseline.df", fm.baseline_df, f(&fa["baseline.df"])),
        (
            "baseline.chisq.scaled",
            rf.baseline_chisq_scaled,
            f(&fa["baseline.chisq.scaled"]),
        ),
        ("cfi", fm.cfi, f(&fa["cfi"])),
        ("tli", fm.tli, f(&fa["tli"])),
        ("cfi.scaled", rf.cfi_scaled, f(&fa["cfi.scaled"])),
        ("tli.scaled", rf.tli_scaled, f(&fa["tli.scaled"])),
        ("cfi.robust", rf.cfi_robust, f(&fa["cfi.robust"])),
        ("tli.robust", rf.tli_robust, f(&fa["tli.robust"])),
        ("rmsea", fm.rmsea, f(&fa["rmsea"])),
        ("rmsea.scaled", rf.rmsea_scaled, f(&fa["rmsea.scaled"])),
        (
            "rmsea.ci.lower.scaled",
            rf.rmsea_ci_lower_scaled,
            f(&fa["rmsea.ci.lower.scaled"]),
        ),
        (
            "rmsea.ci.upper.scaled",
            rf.rmsea_ci_upper_scaled,
            f(&fa["rmsea.ci.upper.scaled"]),
        ),
        ("rmsea.robust", rf.rmsea_robust, f(&fa["rmsea.robust"])),
        (
            "rmsea.ci.upper.robust",
            rf.rmsea_ci_upper_robust,
            f(&fa["rmsea.ci.upper.robust"]),
        ),
        ("srmr", fm.srmr, f(&fa["srmr"])),
        ("rmr", fm.rmr, f(&fa["rmr"])),
        ("crmr", fm.crmr, f(&fa["crmr"])),
        ("gfi", fm.gfi, f(&fa["gfi"])),
    ];
    let mut worst = 0.0f64;
    for (name, ours, theirs) in checks {
        let d = (ours - theirs).abs();
        eprintln!("{name}: ours {ours}, lavaan {theirs}, diff {d:.2e}");
        worst = worst.max(d);
    }
    if let Some(cp) = r.get("catml_patched") {
        for (name, ours) in [
            ("cfi.robust", rf.cfi_robust),
            ("tli.robust", rf.tli_robust),
            ("rmsea.robust", rf.rmsea_robust),
            ("rmsea.ci.lower.robust", rf.rmsea_ci_lower_robust),
            ("rmsea.ci.upper.robust", rf.rmsea_ci_upper_robust),
        ] {
            let theirs = f(&cp[name]);
            let d = (ours - theirs).abs();
            eprintln!("{name} (lavaan's catML with the patch): ours {ours}, lavaan {theirs}, diff {d:.2e}");
            worst = worst.max(d);
        }
    }
    eprintln!("largest fit difference {worst:.2e}");
    assert!(worst < 1e-4, "a fit measure differs by {worst:.2e}");
    // Each group's part of the test, and of the scaled-shifted test (a T_g + (N_g/N) b).
    let a = 1.0 / rf.chisq_scaling_factor;
    let b = rf.shift_parameter.unwrap();
    for g in fit.groups() {
        let standard = f(&r["chisq_per_group"]["standard"][&g.label]);
        let scaled = f(&r["chisq_per_group"]["scaled.shifted"][&g.label]);
        assert!((g.chisq - standard).abs() < 1e-4, "group {}", g.label);
        let share = g.n_used as f64 / fit.n_used() as f64;
        assert!(
            (a * g.chisq + share * b - scaled).abs() < 1e-4,
            "group {}",
            g.label
        );
    }
}

#[test]
fn group_labels_row_by_row_give_the_same_fit() {
    let data = two_genders();
    let labels: Vec<Option<String>> = data
        .column("gender")
        .unwrap()
        .into_iter()
        .map(|g| {
            g.map(|x| {
                if x == 1.0 {
                    "m".to_string()
                } else {
                    "w".to_string()
                }
            })
        })
        .collect();
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let by_column = model.fit(&data, &options()).unwrap();
    let by_rows = model
        .fit_with_group_labels(&data, &labels, &options())
        .unwrap();
    assert_eq!(by_rows.fit_measures().chisq, by_column.fit_measures().chisq);
    assert_eq!(by_rows.groups()[0].label, "w");
    // A row without a group is left out, and the fit says so.
    let mut some_missing = labels.clone();
    some_missing[0] = None;
    let fit = model
        .fit_with_group_labels(&data, &some_missing, &options())
        .unwrap();
    assert_eq!(fit.n_used(), data.n_rows() - 1);
    assert!(
        fit.warnings().iter().any(|w| w
            .to_string()
            .contains("1 rows were left out: rows with no value in the group column")),
        "{:?}",
        fit.warnings()
    );
}

#[test]
fn scaled_differences_match_lavaan_test_lrt() {
    let r = reference("ext/mg_wlsmv_cocreation_gender_lrt");
    let data = two_genders();
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let configural = model.fit(&data, &options()).unwrap();
    let metric = model
        .fit(&data, &tied(&[GroupEqual::Loadings], ""))
        .unwrap();
    let scalar = model
        .fit(
            &data,
            &tied(&[GroupEqual::Loadings, GroupEqual::Intercepts], ""),
        )
        .unwrap();
    let t = lav_test_lrt(&[
        ("configural", &configural),
        ("metric", &metric),
        ("scalar", &scalar),
    ])
    .unwrap();
    assert_eq!(t.method.as_str(), "satorra.2000");
    let mut worst = 0.0f64;
    let mut check = |rows: &[cocreate_core::sem::LrtRow], refs: &Value| {
        for (ours, theirs) in rows.iter().zip(refs["rows"].as_array().unwrap()) {
            assert_eq!(ours.df, f(&theirs["df"]));
            worst = worst.max((ours.chisq - f(&theirs["chisq"])).abs());
            if let Some(d) = ours.chisq_diff {
                worst = worst.max((d - f(&theirs["chisq_diff"])).abs());
                worst = worst.max((ours.pvalue.unwrap() - f(&theirs["pvalue"])).abs());
                assert_eq!(ours.df_diff.unwrap(), f(&theirs["df_diff"]));
            } else {
                assert!(theirs["chisq_diff"].is_null());
            }
        }
    };
    check(&t.rows, &r["groups"]);
    let one = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    let free = model.fit(&data, &one).unwrap();
    let equal = Model::parse(r["single_syntax_equal"].as_str().unwrap())
        .unwrap()
        .fit(&data, &one)
        .unwrap();
    let t = lav_test_lrt(&[("single_free", &free), ("single_equal", &equal)]).unwrap();
    check(&t.rows, &r["single"]);
    eprintln!("largest difference {worst:.2e}");
    assert!(worst < 1e-4, "{worst:.2e}");
}

#[test]
fn the_bootstrap_resamples_within_groups() {
    let data = two_genders();
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let robust = model
        .fit(
            &data,
            &tied(&[GroupEqual::Thresholds, GroupEqual::Loadings], ""),
        )
        .unwrap();
    let opts = tied(&[GroupEqual::Thresholds, GroupEqual::Loadings], "")
        .to_builder()
        .se(cocreate_core::sem::SeMethod::Bootstrap)
        .bootstrap(100)
        .seed(7)
        .build()
        .unwrap();
    let boot = model.fit(&data, &opts).unwrap();
    let again = model.fit(&data, &opts).unwrap();
    assert_eq!(boot.parameter_estimates(), again.parameter_estimates());
    // The same estimates; standard errors of the same size as the sandwich's (100 draws).
    let mut ratios = Vec::new();
    for (b, r) in boot
        .parameter_estimates()
        .iter()
        .zip(robust.parameter_estimates())
    {
        assert_eq!(b.est, r.est);
        if let (Some(sb), Some(sr), Some(_)) = (b.se, r.se, r.free) {
            if sr > 0.0 {
                ratios.push(sb / sr);
            }
        }
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    eprintln!(
        "bootstrap/robust SE: median {median:.3}, range {:.3}..{:.3}",
        ratios[0],
        ratios[ratios.len() - 1]
    );
    assert!(
        (0.85..1.15).contains(&median),
        "median bootstrap/robust SE {median}"
    );
    assert!(ratios.iter().all(|r| (0.6..1.6).contains(r)), "{ratios:?}");
    assert_eq!(boot.fit_measures().chisq, robust.fit_measures().chisq);
}

#[test]
fn labels_tie_as_group_equal_does() {
    let data = two_genders();
    let labelled =
        Model::parse("II =~ II1 + a*II2 + b*II3 + c*II4\nEI =~ EI1 + d*EI2 + e*EI3 + f*EI4")
            .unwrap();
    let by_labels = labelled.fit(&data, &options()).unwrap();
    let plain = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let by_option = plain
        .fit(&data, &tied(&[GroupEqual::Loadings], ""))
        .unwrap();
    let (a, b) = (by_labels.fit_measures(), by_option.fit_measures());
    assert_eq!(a.df, b.df);
    assert!(
        (a.chisq - b.chisq).abs() < 1e-8,
        "{} vs {}",
        a.chisq,
        b.chisq
    );
    let (ra, rb) = (by_labels.robust().unwrap(), by_option.robust().unwrap());
    assert!((ra.chisq_scaled - rb.chisq_scaled).abs() < 1e-8);
}

#[test]
fn what_ordered_groups_refuse_says_so() {
    let data = two_genders();
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    // A threshold the variables do not have.
    let e = model
        .fit(&data, &tied(&[GroupEqual::Thresholds], "II1 | t9"))
        .unwrap_err();
    assert!(e.to_string().contains("t1 … t(K−1)"), "{e}");
    // Thresholds held equal without ordered variables.
    let continuous = SemOptions::builder()
        .group("gender")
        .group_equal([GroupEqual::Thresholds])
        .build()
        .unwrap();
    let e = model.fit(&data, &continuous).unwrap_err();
    assert!(e.to_string().contains("ordered"), "{e}");
    // General constraints.
    let constrained =
        Model::parse("II =~ II1 + a*II2 + b*II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4\na == 2*b")
            .unwrap();
    let e = constrained.fit(&data, &options()).unwrap_err();
    assert!(e.to_string().contains("constraint"), "{e}");
    // A threshold is named t1, t2, ….
    assert!("II1 | x".parse::<ParameterId>().is_err());
    assert_eq!("II1|t2".parse::<ParameterId>().unwrap().op(), Op::Threshold);
}

#[test]
fn a_group_with_an_unchosen_category_names_its_group() {
    // One group whose answers to II1 are all the same: its threshold cannot be estimated.
    let data = two_genders();
    let (g, c) = (
        data.column_index("gender").unwrap(),
        data.column_index("II1").unwrap(),
    );
    let rows: Vec<Vec<Option<f64>>> = (0..data.n_rows())
        .map(|r| {
            (0..data.n_cols())
                .map(|k| {
                    if k == c && data.get(r, g) == Some(1.0) {
                        Some(3.0)
                    } else {
                        data.get(r, k)
                    }
                })
                .collect()
        })
        .collect();
    let data = Table::new(data.names().to_vec(), rows).unwrap();
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    match model.fit(&data, &options()) {
        Err(e) => assert!(e.to_string().contains("group \"1\""), "{e}"),
        Ok(fit) => panic!(
            "a constant item in group 1 was fitted: {}",
            fit.fit_measures().chisq
        ),
    }
}

#[test]
fn a_category_empty_in_one_group_is_refused_as_lavaan_does() {
    // With gender 3 (14 rows) nobody of that group answered 5 to II1: lavaan stops with
    // "some categories of variable `II1' are empty in group 3".
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let e = model.fit(&keyed_survey(), &options()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("group \"3\"") && text.contains("\"II1\""),
        "{text}"
    );
    assert!(text.contains("2, 6, 3, 3, 0"), "{text}");
}

#[test]
fn the_invariance_sequence_of_ordered_variables_matches_lavaan() {
    let r = reference("ext/mg_wlsmv_cocreation_gender_lrt");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let report = measurement_invariance(
        &model,
        &two_genders(),
        &options(),
        &InvarianceOptions::default(),
    )
    .unwrap();
    // Configural, metric, scalar (loadings and thresholds); no strict step, said so.
    let names: Vec<&str> = report.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["configural", "metric", "scalar"]);
    assert_eq!(
        report.steps[2].group_equal,
        [GroupEqual::Loadings, GroupEqual::Thresholds]
    );
    assert!(report.notes[0].contains("strict"), "{:?}", report.notes);
    let rows = r["groups"]["rows"].as_array().unwrap();
    for (step, theirs) in report.steps.iter().zip(rows) {
        assert!(
            (step.fit.chisq - f(&theirs["chisq"])).abs() < 1e-4,
            "{}",
            step.name
        );
        if let Some(d) = step.chisq_diff {
            assert!((d - f(&theirs["chisq_diff"])).abs() < 1e-4, "{}", step.name);
        }
    }
    let text = report.to_string();
    assert!(
        text.contains("satorra.2000") && text.contains("strict"),
        "{text}"
    );
    // A partial scalar model frees thresholds; an intercept of an ordered variable is no
    // parameter to free.
    let partial = InvarianceOptions::builder()
        .partial(ParameterId::parse_list("II1 | t1").unwrap())
        .build()
        .unwrap();
    let report = measurement_invariance(&model, &two_genders(), &options(), &partial).unwrap();
    assert_eq!(report.steps.last().unwrap().name, "partial scalar");
    let bad = InvarianceOptions::builder()
        .partial(ParameterId::parse_list("II1 ~ 1").unwrap())
        .build()
        .unwrap();
    let e = measurement_invariance(&model, &two_genders(), &options(), &bad).unwrap_err();
    assert!(e.to_string().contains("thresholds"), "{e}");
}

#[cfg(feature = "serde")]
#[test]
fn a_grouped_wlsmv_fit_round_trips_through_json() {
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let fit = model.fit(&two_genders(), &options()).unwrap();
    let back: cocreate_core::sem::SemFit =
        serde_json::from_str(&serde_json::to_string(&fit).unwrap()).unwrap();
    assert_eq!(back.parameter_estimates(), fit.parameter_estimates());
    assert_eq!(back.groups().len(), 2);
    assert!(fit.summary().contains("Scaled and shifted"));
    // What the difference test needs is not in the JSON: comparing says so.
    let metric = model
        .fit(&two_genders(), &tied(&[GroupEqual::Loadings], ""))
        .unwrap();
    let e = lav_test_lrt(&[("configural", &back), ("metric", &metric)]).unwrap_err();
    assert!(e.to_string().contains("read back from JSON"), "{e}");
}

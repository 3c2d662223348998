//! Multiple-group WLSMV (ordered indicators by group) against lavaan 0.6-14: a two-factor
//! CFA of eight keyed co-creation items by gender, the configural model
//! (`tests/data/ext/mg_wlsmv_cocreation_gender_configural.json`, made by
//! `docs/reference-scripts/groups_ordinal.R`), and what stays refused.

mod common;

use cocreate_core::data::Table;
use cocreate_core::ordinal::Ordered;
use cocreate_core::sem::{
    measurement_invariance, GroupEqual, InvarianceOptions, Model, Op, SemError, SemOptions,
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
    let r = reference("ext/mg_wlsmv_cocreation_gender_configural");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model.fit(&two_genders(), &options()).unwrap();
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
        d_est = d_est.max((ours.est - f(&row["est"])).abs());
        if let Some(se) = ours.se {
            d_se = d_se.max((se - f(&row["se"])).abs());
        }
        d_std = d_std.max((ours.std_all - f(&row["std.all"])).abs());
    }
    eprintln!("largest differences: est {d_est:.2e}, se {d_se:.2e}, std.all {d_std:.2e}");
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
        assert!(d < 1e-4, "{name}: ours {ours}, lavaan {theirs}");
        worst = worst.max(d);
    }
    eprintln!("largest fit difference {worst:.2e}");
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
}

#[test]
fn ties_across_groups_are_refused_with_ordered_variables() {
    let data = two_genders();
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let equal = SemOptions::builder()
        .ordered(Ordered::All)
        .group("gender")
        .group_equal([GroupEqual::Loadings])
        .build()
        .unwrap();
    let e = model.fit(&data, &equal).unwrap_err();
    assert!(matches!(e, SemError::OrderedUnsupported { .. }), "{e}");
    assert!(e.to_string().contains("group_equal"), "{e}");
    let labelled =
        Model::parse("II =~ II1 + a*II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let e = labelled.fit(&data, &options()).unwrap_err();
    assert!(e.to_string().contains("label"), "{e}");
    let e = "thresholds".parse::<GroupEqual>().unwrap_err();
    assert!(e.to_string().contains("thresholds"), "{e}");
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
fn the_invariance_sequence_of_ordered_variables_is_refused() {
    let model = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    let e = measurement_invariance(
        &model,
        &two_genders(),
        &options(),
        &InvarianceOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("ordered variables"), "{e}");
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
}

//! Readiness across groups: the co-creation path model by gender, its test of equal
//! pathways against lavaan 0.6-14 (`lavTestLRT` of the free and `group.equal =
//! "regressions"` fits), each group's readiness model against the group's own fit, and the
//! errors.

mod common;

use cocreate_core::readiness::{
    compare_groups, Constructs, GroupComparisonOptions, ReadinessError, ReadinessModel, Threshold,
};
use cocreate_core::scoring::ResponseRange;
use cocreate_core::sem::{MeanStructure, Model, SemOptions};

fn constructs() -> Constructs {
    Constructs::cocreation(ResponseRange::new(1.0, 5.0).unwrap())
}

fn gender_labels(t: &cocreate_core::data::Table) -> Vec<Option<String>> {
    t.column("gender")
        .unwrap()
        .iter()
        .map(|v| v.map(|x| format!("{x}")))
        .collect()
}

#[test]
fn pathways_by_gender_match_lavaan() {
    let r = common::reference("ext/mg_cocreation_path_gender_lrt");
    for (key, data) in [
        ("two_groups", common::composites_by_gender(&|g| g != 3.0)),
        ("three_groups", common::composites_by_gender(&|_| true)),
    ] {
        let labels = gender_labels(&data);
        let opts = GroupComparisonOptions::builder("gender")
            .willing(Threshold::Raw(4.0))
            .build()
            .unwrap();
        let cmp = compare_groups(&data, &labels, &constructs(), &opts).unwrap();
        let want_labels: Vec<&str> = r[key]["group_labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let got: Vec<&str> = cmp.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(got, want_labels);
        let lrt = &r[key]["lrt"][1];
        let row = &cmp.lrt.rows[1];
        let close = |a: f64, b: f64, tol: f64, what: &str| {
            assert!(
                (a - b).abs() <= tol * b.abs().max(1.0),
                "{key} {what}: {a} vs lavaan {b}"
            );
        };
        close(
            row.chisq_diff.unwrap(),
            lrt["Chisq diff"].as_f64().unwrap(),
            1e-5,
            "chisq diff",
        );
        close(
            row.df_diff.unwrap(),
            lrt["Df diff"].as_f64().unwrap(),
            0.0,
            "df diff",
        );
        close(
            row.pvalue.unwrap(),
            lrt["Pr(>Chisq)"].as_f64().unwrap(),
            1e-4,
            "p",
        );
        close(
            row.rmsea.unwrap(),
            lrt["RMSEA"].as_f64().unwrap(),
            1e-4,
            "RMSEA",
        );
        // p ≈ .10 for both: the paths do not differ at .05.
        assert!(!cmp.paths_differ());
        // Each group's readiness model is the group's own fit, and its coefficients are
        // the free multiple-group estimates of that group (lavaan's free file).
        let free = common::reference(&format!(
            "ext/mg_cocreation_path_{}_free",
            if key == "two_groups" {
                "gender"
            } else {
                "gender3"
            }
        ));
        for (gi, g) in cmp.groups.iter().enumerate() {
            let est = |lhs: &str, rhs: &str| {
                free["parameter_estimates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| {
                        e["lhs"] == lhs
                            && e["op"] == "~"
                            && e["rhs"] == rhs
                            && e["group"].as_u64() == Some(gi as u64 + 1)
                    })
                    .unwrap()["est"]
                    .as_f64()
                    .unwrap()
            };
            let c = g.model.coefficients();
            close(c.a[0], est("II", "O"), 1e-4, "II ~ O");
            close(c.b[1], est("WTC", "EI"), 1e-4, "WTC ~ EI");
            close(c.c[4], est("WTC", "N"), 1e-4, "WTC ~ N");
            let seg = &g.segmentation;
            assert_eq!(seg.segments.iter().map(|s| s.count).sum::<usize>(), g.n);
            assert!(seg.expected_willing.value >= 0.0 && seg.expected_willing.value <= g.n as f64);
            let shares: f64 = g.mediated_share.iter().sum();
            assert!(shares > 0.0 && shares < 1.0);
        }
        // The per-path Wald tests: one per path, p in [0, 1], estimates per group.
        assert_eq!(cmp.paths.len(), 17);
        for p in &cmp.paths {
            assert_eq!(p.estimates.len(), cmp.groups.len());
            assert!((0.0..=1.0).contains(&p.pvalue), "{p:?}");
        }
        let text = cmp.to_string();
        assert!(text.contains("no evidence at α = 0.05"), "{text}");
        assert!(text.contains("innovation-led"), "{text}");
        println!("{text}");
    }
}

#[test]
fn a_group_model_equals_the_model_fitted_on_its_rows() {
    let data = common::composites_by_gender(&|g| g != 3.0);
    let labels = gender_labels(&data);
    let opts = GroupComparisonOptions::builder("gender").build().unwrap();
    let cmp = compare_groups(&data, &labels, &constructs(), &opts).unwrap();
    let only1 = common::composites_by_gender(&|g| g == 1.0);
    let fit = Model::parse(&constructs().path_syntax())
        .unwrap()
        .fit(
            &only1,
            &SemOptions::builder()
                .meanstructure(MeanStructure::On)
                .build()
                .unwrap(),
        )
        .unwrap();
    let own = ReadinessModel::from_fit(&fit, constructs(), "gender = 1").unwrap();
    let g1 = cmp.groups.iter().find(|g| g.label == "1").unwrap();
    assert_eq!(g1.model.coefficients(), own.coefficients());
}

#[test]
fn bad_groupings_are_errors() {
    let data = common::composites_by_gender(&|_| true);
    let opts = GroupComparisonOptions::builder("gender").build().unwrap();
    // One label per row.
    let e = compare_groups(&data, &[Some("a".into())], &constructs(), &opts).unwrap_err();
    assert!(matches!(e, ReadinessError::WrongLength { .. }), "{e}");
    // One group only.
    let one: Vec<Option<String>> = vec![Some("all".into()); data.n_rows()];
    let e = compare_groups(&data, &one, &constructs(), &opts).unwrap_err();
    assert!(e.to_string().contains("one level, \"all\""), "{e}");
    // A group too small for its variables names the group.
    let mut tiny = gender_labels(&data);
    for l in tiny.iter_mut().take(5) {
        *l = Some("tiny".into());
    }
    let e = compare_groups(&data, &tiny, &constructs(), &opts).unwrap_err();
    assert!(e.to_string().contains("\"tiny\" has 5 usable rows"), "{e}");
}

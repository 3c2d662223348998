//! The report a researcher reads: the summary before the details, a just-identified
//! model's fit indices called trivially perfect, intervals past the response scale cut
//! and marked, every abbreviation spelled out once, indirect effects printed once, lines
//! under 100 characters for names of any length; and every result type of readiness
//! round-trips through JSON.

mod common;

use cocreate_core::data::Table;
use cocreate_core::readiness::{
    diagnose, diagnose_scores, validate, BatchPrediction, Constructs, CoproducerOptions,
    CoproducerScales, CrossValidation, InvitationList, Prediction, ReadinessModel, ReadinessReport,
    Segmentation, Threshold, Validation,
};
use cocreate_core::scoring::{
    Instrument, MissingPolicy, ResponseRange, Responses, Scorer, ScoringOptions,
};
use cocreate_core::sem::{MeanStructure, Model, SeMethod, SemOptions};

fn opts(se: SeMethod) -> SemOptions {
    SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .se(se)
        .bootstrap(60)
        .seed(3)
        .build()
        .unwrap()
}

/// The whole chain on the bundled survey, as the example runs it.
fn report_of(
    syntax_for: impl Fn(&Constructs) -> String,
    se: SeMethod,
) -> (ReadinessReport, ReadinessModel, InvitationList, Validation) {
    let keys = Instrument::from_json_path(common::data_path("cocreation_keys.json")).unwrap();
    let survey = common::table("cocreation_survey.csv");
    let answers = Responses::from_table(&keys, &survey).unwrap();
    let scorer = Scorer::new(
        &keys,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 1 }),
    )
    .unwrap();
    let scores = scorer.score(&answers).unwrap();
    let rel = scorer.reliability(&answers).unwrap();
    let composites = scores.to_table().unwrap();
    let c = Constructs::cocreation(keys.range());
    let syntax = syntax_for(&c);
    let model = Model::parse(&syntax).unwrap();
    let fit = model.fit(&composites, &opts(se)).unwrap();
    let readiness = ReadinessModel::from_fit(&fit, c, "cocreation_survey.csv").unwrap();
    let list = readiness
        .invitations(&composites, Threshold::Raw(4.0))
        .unwrap();
    let seg = readiness
        .segment(&list.trait_matrix(), Threshold::Raw(4.0))
        .unwrap();
    let cv = CrossValidation::builder(1)
        .folds(5)
        .repeats(1)
        .bootstrap(5)
        .build()
        .unwrap();
    let v = validate(
        &model,
        &opts(SeMethod::Standard),
        &composites,
        readiness.constructs(),
        &cv,
    )
    .unwrap();
    let report = ReadinessReport::new(&fit, &readiness, "cocreation_survey.csv")
        .sample(answers.n_respondents(), answers.n_missing())
        .reliability(&keys, &scores, &rel)
        .customers(readiness.notable_customers(&list).unwrap())
        .segmentation(seg)
        .invitations(&list, Some("target/invitations.csv"))
        .validation(v.clone())
        .file("Path diagram", "target/path.svg");
    (report, readiness, list, v)
}

fn saturated() -> (ReadinessReport, ReadinessModel, InvitationList, Validation) {
    report_of(Constructs::path_syntax, SeMethod::Bootstrap)
}

#[test]
fn the_summary_comes_first_and_says_what_a_researcher_needs() {
    let (report, ..) = saturated();
    let text = report.to_string();
    eprintln!("{text}");
    let summary = text.find("\nSummary\n").unwrap();
    let details = text.find("\nDetails\n").unwrap();
    assert!(summary < details);
    let head = &text[..details];
    for needed in [
        "Sample: 522 respondents",
        "Reliability: Cronbach's alpha is good for II (.826)",
        "questionable for A (.698)",
        "innovation-led (through II): O 0.172 [",
        "involvement-led (through EI): C 0.067 [",
        "Segments: share of the 522 respondents",
        "Expected participation:",
        "Out of sample:",
        "Invitation list: all 522 respondents",
        "target/invitations.csv",
        "Path diagram: target/path.svg",
    ] {
        assert!(head.contains(needed), "summary lacks {needed:?}:\n{head}");
    }
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
}

#[test]
fn a_just_identified_model_says_its_fit_is_trivially_perfect() {
    let (report, ..) = saturated();
    let text = report.to_string();
    assert_eq!(report.model.df, 0.0);
    assert!(
        text.contains("just identified (0 degrees of freedom)"),
        "{text}"
    );
    assert!(text.contains("trivially"), "{text}");
    // A restricted model (full mediation) has degrees of freedom and real fit indices.
    let (restricted, ..) = report_of(
        |_| "II ~ O + C + E + A + N\nEI ~ O + C + E + A + N\nWTC ~ II + EI\nII ~~ EI".into(),
        SeMethod::Standard,
    );
    let text = restricted.to_string();
    assert_eq!(restricted.model.df, 5.0);
    assert!(!text.contains("trivially"), "{text}");
    assert!(
        text.contains("chi-square") && text.contains("on 5 degrees of freedom"),
        "{text}"
    );
    // Without defined effects, the indirect effects are the products of the paths.
    let e = &restricted.model.indirect[0][0];
    assert!(e.interval.is_none() && e.est > 0.0);
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
}

#[test]
fn abbreviations_are_spelled_out_once_and_indirect_effects_printed_once() {
    let (report, ..) = saturated();
    let text = report.to_string();
    // Compared with the line breaks of the wrapping removed.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for spelled in [
        "openness (O)",
        "innate innovativeness (II)",
        "enduring involvement (EI)",
        "willingness to co-create (WTC)",
        "root mean squared error (RMSE)",
        "comparative fit index (CFI)",
    ] {
        assert_eq!(flat.matches(spelled).count(), 1, "{spelled}");
    }
    assert!(text.contains("Guttman's lambda 6") && text.contains("McDonald's omega"));
    assert!(!text.contains("G6") && !text.contains("r.drop") && !text.contains("Std.lv"));
    // Each specific indirect effect whose interval excludes 0 appears once, as does the
    // lavaan label of none of them.
    for (k, t) in report.traits.iter().enumerate() {
        for j in 0..report.mediators.len() {
            let e = report.model.indirect[k][j];
            let shown = format!("{t} {:.3} [", e.est);
            assert!(text.matches(&shown).count() <= 1, "{shown}");
        }
    }
    assert!(!text.contains("ind_O_II") && !text.contains("_~"));
}

#[test]
fn intervals_past_the_scale_are_cut_and_marked() {
    let (report, ..) = saturated();
    let text = report.to_string();
    let top = &report.customers[0].prediction;
    assert!(top.reaches_past_scale());
    assert!(top.outcome.interval.1 > 5.0);
    assert!(text.contains("5.00]†"), "{text}");
    assert!(
        text.contains("reaches past the response scale 1–5"),
        "{text}"
    );
    assert!(!text.contains(&format!("{:.2}]", top.outcome.interval.1)));
}

#[test]
fn the_lavaan_detail_replaces_the_compact_tables() {
    let (report, ..) = saturated();
    let keys = Instrument::from_json_path(common::data_path("cocreation_keys.json")).unwrap();
    let c = Constructs::cocreation(keys.range());
    let composites = common::table("cocreation_composites.csv");
    let fit = Model::parse(&c.path_syntax())
        .unwrap()
        .fit(&composites, &opts(SeMethod::Standard))
        .unwrap();
    let full = report.lavaan_detail(&c.path_syntax(), &fit).to_string();
    assert!(full.contains("Model Test User Model"));
    assert!(full.contains("(aII_O)") && !full.contains("(aII_~"));
    assert!(!full.contains("Effects of each trait on WTC"));
}

/// Constructs with names of 120 characters: every line stays under 100 characters and no
/// name is cut (it may wrap).
#[test]
fn names_of_any_length_fit() {
    let data = common::table("cocreation_composites.csv");
    let short = ["O", "C", "E", "A", "N", "II", "EI", "WTC"];
    let long = |s: &str| format!("{s}_{}", "x".repeat(118 - s.len()));
    let names: Vec<String> = short.iter().map(|n| long(n)).collect();
    let cols: Vec<usize> = short
        .iter()
        .map(|n| data.column_index(n).unwrap())
        .collect();
    let rows: Vec<Vec<Option<f64>>> = (0..data.n_rows())
        .map(|r| cols.iter().map(|&c| data.get(r, c)).collect())
        .collect();
    let table = Table::new(names.clone(), rows).unwrap();
    let t: Vec<&str> = names[..5].iter().map(String::as_str).collect();
    let c = Constructs::new(
        &t,
        &[&names[5], &names[6]],
        &names[7],
        ResponseRange::new(1.0, 5.0).unwrap(),
    )
    .unwrap();
    let fit = Model::parse(&c.path_syntax())
        .unwrap()
        .fit(&table, &opts(SeMethod::Standard))
        .unwrap();
    let model = ReadinessModel::from_fit(&fit, c, "long.csv").unwrap();
    let list = model.invitations(&table, Threshold::Raw(4.0)).unwrap();
    let report = ReadinessReport::new(&fit, &model, "long.csv")
        .customers(model.notable_customers(&list).unwrap())
        .segmentation(
            model
                .segment(&list.trait_matrix(), Threshold::Raw(4.0))
                .unwrap(),
        )
        .invitations(&list, None);
    let text = report.to_string();
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
    let joined: String = text.split_whitespace().collect();
    for n in &names {
        assert!(joined.contains(n.as_str()), "{n} is cut");
    }
}

#[cfg(feature = "serde")]
/// Serialises, deserialises and serialises again: the same JSON (NaN is written as null,
/// so values are compared as JSON).
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) {
    let a = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&a).unwrap_or_else(|e| panic!("{e}: {a}"));
    assert_eq!(serde_json::to_string(&back).unwrap(), a);
}

#[cfg(feature = "serde")]
#[test]
fn every_result_round_trips_through_json() {
    let (report, model, list, validation) = saturated();
    round_trip(&report);
    round_trip(&list);
    round_trip(&validation);
    let p: &Prediction = &report.customers[0].prediction;
    round_trip(p);
    let seg: &Segmentation = report.segmentation.as_ref().unwrap();
    round_trip(seg);
    let batch = model.predict_batch(&list.trait_matrix()).unwrap();
    round_trip(&batch);
    round_trip(&CrossValidation::builder(4).folds(3).build().unwrap());
    round_trip(&diagnose([80.0, 70.0, 55.0, 30.0], &CoproducerOptions::default()).unwrap());
    // The co-producer report of the bundled illustrative answers.
    let keys = Instrument::from_json_path(common::data_path("coproducer_keys.json")).unwrap();
    let t = common::table("coproducer_illustrative.csv");
    let scores = Scorer::new(&keys, ScoringOptions::new())
        .unwrap()
        .score(&Responses::from_table(&keys, &t).unwrap())
        .unwrap();
    let scales =
        CoproducerScales::new("motivation", "role_clarity", "task_communicated", "ability");
    let co = diagnose_scores(
        &scores,
        &scales,
        keys.range(),
        &CoproducerOptions::default(),
    )
    .unwrap();
    round_trip(&co);
    let text = report.coproducer(co, "coproducer.csv", true).to_string();
    assert!(text.contains("ILLUSTRATIVE"));
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
}

#[cfg(feature = "serde")]
#[test]
fn tampered_json_is_refused() {
    let cv = serde_json::to_value(CrossValidation::builder(4).build().unwrap()).unwrap();
    let mut bad = cv.clone();
    bad["folds"] = 1.into();
    assert!(serde_json::from_value::<CrossValidation>(bad).is_err());
    let mut bad = cv;
    bad["level"] = 1.5.into();
    assert!(serde_json::from_value::<CrossValidation>(bad).is_err());
    let (_, model, list, _) = report_of(Constructs::path_syntax, SeMethod::None);
    let batch =
        serde_json::to_value(model.predict_batch(&list.trait_matrix()[..10]).unwrap()).unwrap();
    let mut bad = batch.clone();
    bad["codes"][0] = 9.into();
    assert!(serde_json::from_value::<BatchPrediction>(bad).is_err());
    let mut bad = batch;
    bad["outcome"] = serde_json::json!([1.0]);
    assert!(serde_json::from_value::<BatchPrediction>(bad).is_err());
}

//! The invitation list: every respondent kept, sorted by predicted outcome, each row equal
//! to the one-customer prediction, and a CSV that a CSV reader reads back unchanged.

use cocreate_core::data::Table;
use cocreate_core::readiness::{Constructs, Profile, ReadinessModel, Threshold};
use cocreate_core::scoring::ResponseRange;
use proptest::prelude::*;

fn model() -> ReadinessModel {
    let c = Constructs::new(
        &["O", "C"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(1.0, 5.0).unwrap(),
    )
    .unwrap();
    ReadinessModel::builder(c, "test coefficients")
        .coefficients(&[
            ("II ~ O", 0.6),
            ("EI ~ C", 0.5),
            ("WTC ~ II", 0.4),
            ("WTC ~ EI", 0.3),
            ("WTC ~ O", 0.05),
            ("II ~ 1", 1.2),
            ("EI ~ 1", 1.5),
            ("WTC ~ 1", 1.0),
            ("II ~~ II", 0.3),
            ("EI ~~ EI", 0.3),
            ("WTC ~~ WTC", 0.3),
            ("O ~ 1", 3.0),
            ("C ~ 1", 3.0),
            ("O ~~ O", 0.5),
            ("C ~~ C", 0.5),
            ("O ~~ C", 0.1),
        ])
        .build()
        .unwrap()
}

fn table(rows: &[(Option<f64>, Option<f64>)], ids: Vec<String>) -> Table {
    let cells = rows.iter().map(|&(o, c)| vec![o, c]).collect();
    Table::new(vec!["O".into(), "C".into()], cells)
        .unwrap()
        .with_ids("id", ids)
        .unwrap()
}

#[test]
fn text_ids_are_kept_and_quoted() {
    let m = model();
    let ids = vec!["R1,000".to_string(), "say \"hi\"".into(), "R1002".into()];
    let t = table(
        &[
            (Some(4.0), Some(3.0)),
            (Some(2.0), Some(2.0)),
            (None, Some(4.5)),
        ],
        ids.clone(),
    );
    let list = m.invitations(&t, Threshold::Raw(3.0)).unwrap();
    assert_eq!(list.rows.len(), 3);
    let imputed: Vec<_> = list.rows.iter().filter(|r| !r.imputed.is_empty()).collect();
    assert_eq!(imputed.len(), 1);
    assert_eq!(imputed[0].id, "R1002");
    assert_eq!(imputed[0].imputed, ["O"]);
    let csv = list.to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    let id_col = head.iter().position(|h| h == "id").unwrap();
    let back: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[id_col].to_string())
        .collect();
    let listed: Vec<String> = list.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(back, listed);
    let mut sorted = back.clone();
    sorted.sort();
    let mut want = ids;
    want.sort();
    assert_eq!(sorted, want);
}

#[test]
fn a_missing_trait_column_is_an_error_naming_it() {
    let t = Table::new(vec!["O".into()], vec![vec![Some(3.0)]]).unwrap();
    let err = model().invitations(&t, Threshold::Midpoint).unwrap_err();
    assert!(err.to_string().contains("\"C\""), "{err}");
}

#[test]
fn an_out_of_range_score_names_the_row_and_id() {
    let t = table(
        &[(Some(3.0), Some(3.0)), (Some(9.0), Some(3.0))],
        vec!["A".into(), "B".into()],
    );
    let err = model().invitations(&t, Threshold::Midpoint).unwrap_err();
    assert!(err.to_string().contains("row 2 (id \"B\")"), "{err}");
}

proptest! {
    #[test]
    fn every_row_is_listed_sorted_and_equal_to_its_prediction(
        rows in proptest::collection::vec(
            (proptest::option::weighted(0.9, 1.0f64..=5.0), proptest::option::weighted(0.9, 1.0f64..=5.0)),
            0..40,
        ),
        cut in 1.0f64..=5.0,
    ) {
        let m = model();
        let ids: Vec<String> = (0..rows.len()).map(|i| format!("R{i}")).collect();
        let t = table(&rows, ids);
        let list = m.invitations(&t, Threshold::Raw(cut)).unwrap();
        prop_assert_eq!(list.rows.len(), rows.len());
        prop_assert_eq!(list.to_csv().lines().count(), rows.len() + 1);
        let mut seen: Vec<usize> = list.rows.iter().map(|r| r.row).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (1..=rows.len()).collect::<Vec<_>>());
        for w in list.rows.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            prop_assert!(a.outcome.value > b.outcome.value
                || (a.outcome.value == b.outcome.value && a.row < b.row));
        }
        for r in &list.rows {
            let (o, c) = rows[r.row - 1];
            let mut p = Profile::default();
            p.set("O", o);
            p.set("C", c);
            let one = m.predict_partial(&p).unwrap();
            prop_assert_eq!(r.outcome.value, one.outcome.value);
            prop_assert_eq!(&r.mediators, &one.mediators);
            prop_assert_eq!(&r.pathway, &one.recommendation.pathway);
            prop_assert_eq!(r.willing, one.outcome.value >= cut);
            prop_assert_eq!(r.imputed.len(), usize::from(o.is_none()) + usize::from(c.is_none()));
            prop_assert!(r.why.contains(&r.pathway), "{}", r.why);
        }
    }
}

//! Bad input to the ordinal module: each is a clear error naming the variable (and row
//! and line for a cell), never a silent fallback to continuous; and the invariants of
//! the estimates (symmetry, reversal, relabelling, permutation) under proptest.

use cocreate_core::data::{DataError, Table};
use cocreate_core::ordinal::{
    lav_cor, Categories, LavCorOptions, Ordered, OrdinalError, PolychoricMatrix, MAX_CATEGORIES,
    MAX_NACOV_DIM, MAX_VARIABLES,
};
use proptest::prelude::*;

fn csv(text: &str) -> Table {
    Table::from_csv_reader(text.as_bytes()).unwrap()
}

fn default() -> LavCorOptions {
    LavCorOptions::default()
}

#[test]
fn a_fractional_answer_in_an_ordered_variable_names_row_and_line() {
    let t = csv("a,b\n1,2\n2,3\n3,1.5\n");
    let err = lav_cor(&t, &default()).unwrap_err();
    assert!(
        matches!(&err, OrdinalError::NotInteger { variable, value, .. } if variable == "b" && *value == 1.5)
    );
    assert_eq!(
        err.to_string(),
        "row 3 (line 4), variable \"b\": 1.5 is not a whole number, but an ordered variable's answers are whole-number categories (declare the variable numeric if it is continuous)"
    );
    // Declared numeric, the same column is a polyserial partner.
    let o = LavCorOptions::builder()
        .ordered(Ordered::only(["a"]))
        .build()
        .unwrap();
    assert!(lav_cor(&t, &o).is_ok());
}

#[test]
fn too_many_categories_are_refused() {
    let rows: String = (0..60).map(|i| format!("{},{}\n", i % 3, i % 30)).collect();
    let t = csv(&format!("a,b\n{rows}"));
    let err = lav_cor(&t, &default()).unwrap_err();
    assert!(
        matches!(err, OrdinalError::TooManyCategories { ref variable, found: 30, limit } if variable == "b" && limit == MAX_CATEGORIES),
        "{err}"
    );
    assert!(err
        .to_string()
        .contains("30 categories, more than the limit of 20"));
    // Exactly the limit is fine.
    let rows: String = (0..60).map(|i| format!("{},{}\n", i % 3, i % 20)).collect();
    assert!(lav_cor(&csv(&format!("a,b\n{rows}")), &default()).is_ok());
}

#[test]
fn one_answered_category_is_refused() {
    let t = csv("a,b\n1,4\n2,4\n3,4\n");
    let err = lav_cor(&t, &default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variable \"b\" has only one answered category (4) among the 3 rows used: an ordered variable needs at least two"
    );
    // Listwise deletion can leave one category too.
    let t = csv("a,b\n1,4\n2,4\n3,\n,5\n");
    assert!(matches!(
        lav_cor(&t, &default()),
        Err(OrdinalError::OneCategory { .. })
    ));
}

#[test]
fn declared_categories_refuse_empty_and_outside_ones() {
    let t = csv("a,b\n1,1\n2,2\n4,4\n5,5\n1,2\n");
    let range = LavCorOptions::builder()
        .categories(Categories::Range { min: 1.0, max: 5.0 })
        .build()
        .unwrap();
    let err = lav_cor(&t, &range).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variable \"a\": no respondent chose category 3 of the declared range (counts per category 1: 2, 2: 1, 3: 0, 4: 1, 5: 1); merge it with a neighbour, or let the observed values be the categories (lavaan's handling)"
    );
    // Observed categories: lavaan's handling, with a warning.
    let pc = lav_cor(&t, &default()).unwrap();
    assert_eq!(pc.thresholds.len(), 3 + 3);
    // (and a correlation near 1: five rows that nearly agree)
    assert!(pc.warnings.len() >= 2);
    assert_eq!(
        pc.warnings[0].to_string(),
        "variable \"a\": no respondent chose a value between 2 and 4; as lavaan does, the observed values are its 4 categories (3 thresholds)"
    );
    let t = csv("a,b\n1,1\n2,2\n3,6\n");
    let range = LavCorOptions::builder()
        .categories(Categories::Range { min: 1.0, max: 3.0 })
        .build()
        .unwrap();
    let err = lav_cor(&t, &range).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 3 (line 4), variable \"b\": 6 is outside the declared categories 1 to 3"
    );
}

#[test]
fn options_are_validated() {
    for (min, max) in [
        (1.0, 1.0),
        (1.0, 2.5),
        (f64::NAN, 3.0),
        (1.0, 40.0),
        (3.0, 1.0),
    ] {
        let err = LavCorOptions::builder()
            .categories(Categories::Range { min, max })
            .build()
            .unwrap_err();
        assert!(
            matches!(err, OrdinalError::InvalidRange { .. }),
            "{min} {max}"
        );
    }
    let err = LavCorOptions::builder()
        .variables(["a", "b", "a"])
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "variable \"a\" is named twice");
}

#[test]
fn variables_are_checked_against_the_table() {
    let t = csv("school,a,b\nPasteur,1,2\nGrant,2,1\n");
    // A text column is refused when used, naming its line.
    let err = lav_cor(&t, &default()).unwrap_err();
    assert!(
        matches!(err, OrdinalError::Data(DataError::NotANumber { .. })),
        "{err}"
    );
    let ok = LavCorOptions::builder()
        .variables(["a", "b"])
        .build()
        .unwrap();
    assert!(lav_cor(&t, &ok).is_ok());
    let unknown = LavCorOptions::builder()
        .variables(["a", "zz"])
        .build()
        .unwrap();
    assert!(matches!(
        lav_cor(&t, &unknown),
        Err(OrdinalError::Data(DataError::UnknownColumn { .. }))
    ));
    let bad_ordered = LavCorOptions::builder()
        .variables(["a", "b"])
        .ordered(Ordered::only(["c"]))
        .build()
        .unwrap();
    assert_eq!(
        lav_cor(&t, &bad_ordered).unwrap_err().to_string(),
        "ordered variable \"c\" is not among the variables (a, b)"
    );
    let one = LavCorOptions::builder().variables(["a"]).build().unwrap();
    assert!(matches!(
        lav_cor(&t, &one),
        Err(OrdinalError::TooFewVariables { found: 1 })
    ));
}

#[test]
fn no_complete_row_and_constant_numeric_are_refused() {
    let t = csv("a,b\n1,\n,2\n");
    assert_eq!(
        lav_cor(&t, &default()).unwrap_err().to_string(),
        "no row has a value for every variable (2 rows, each missing at least one): lavaan's listwise deletion leaves nothing"
    );
    let t = csv("a,x\n1,2.5\n2,2.5\n3,2.5\n");
    let o = LavCorOptions::builder()
        .ordered(Ordered::only(["a"]))
        .build()
        .unwrap();
    assert!(matches!(
        lav_cor(&t, &o),
        Err(OrdinalError::ZeroVariance { .. })
    ));
}

/// Found by the `ordinal_lav_cor` fuzz target: a numeric value of 2.2e202 overflowed the
/// fourth moments Γ needs (Γ held infinities). Such a variable is refused by name.
#[test]
fn a_numeric_variable_whose_moments_overflow_is_refused() {
    let t = csv("a,b,c\n2,1,3\n22e201,2,3\n2,2,4\n3,1,5\n1,1,2\n3,3,4\n");
    for nacov in [false, true] {
        let o = LavCorOptions::builder()
            .ordered(Ordered::only(["b", "c"]))
            .nacov(nacov)
            .build()
            .unwrap();
        let err = lav_cor(&t, &o).unwrap_err();
        assert!(
            matches!(err, OrdinalError::ValuesTooLarge { ref variable, .. } if variable == "a"),
            "{err}"
        );
        assert!(err.to_string().contains("rescale"), "{err}");
    }
}

#[test]
fn sizes_are_bounded_before_the_work() {
    let names: Vec<String> = (0..=MAX_VARIABLES).map(|i| format!("v{i}")).collect();
    let rows = vec![vec![Some(1.0); names.len()], vec![Some(2.0); names.len()]];
    let t = Table::new(names, rows).unwrap();
    assert!(matches!(
        lav_cor(&t, &default()),
        Err(OrdinalError::TooLarge {
            limit: MAX_VARIABLES,
            ..
        })
    ));
    // 92 binary items: 92 thresholds + 4186 correlations > MAX_NACOV_DIM, refused at once.
    let names: Vec<String> = (0..92).map(|i| format!("v{i}")).collect();
    let rows: Vec<Vec<Option<f64>>> = (0..4)
        .map(|r| (0..92).map(|c| Some(((r + c) % 2) as f64)).collect())
        .collect();
    let t = Table::new(names, rows).unwrap();
    let o = LavCorOptions::builder().nacov(true).build().unwrap();
    assert!(matches!(
        lav_cor(&t, &o),
        Err(OrdinalError::TooLarge {
            limit: MAX_NACOV_DIM,
            ..
        })
    ));
}

#[cfg(feature = "serde")]
#[test]
fn results_and_options_round_trip_through_json() {
    let t = csv("a,b,x\n1,1,0.5\n2,2,1.5\n3,3,2.0\n1,2,0.1\n2,1,1.1\n3,2,2.7\n2,3,1.9\n1,1,0.4\n3,3,3.1\n2,2,1.0\n");
    let o = LavCorOptions::builder()
        .ordered(Ordered::only(["a", "b"]))
        .nacov(true)
        .build()
        .unwrap();
    let pc = lav_cor(&t, &o).unwrap();
    let back: PolychoricMatrix =
        serde_json::from_str(&serde_json::to_string(&pc).unwrap()).unwrap();
    assert_eq!(back, pc);
    let back: LavCorOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
    let mut v = serde_json::to_value(&o).unwrap();
    v["categories"] = serde_json::json!({"Range": {"min": 1.0, "max": 2.5}});
    assert!(serde_json::from_value::<LavCorOptions>(v).is_err());
    // The report prints thresholds, means and the matrix.
    let text = pc.to_string();
    assert!(
        text.contains("Polychoric, polyserial and Pearson correlations"),
        "{text}"
    );
    assert!(text.contains("Means and variances"));
    assert_eq!(pc.summary(), text);
}

/// A table of ordered answers drawn from a seed: `k` items, `n` rows, `cats` categories.
fn answers(seed: u64, n: usize, k: usize, cats: u64) -> Vec<Vec<Option<f64>>> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    (0..n)
        .map(|_| {
            let common = next();
            (0..k)
                .map(|_| {
                    let x = 0.6 * common + 0.4 * next();
                    Some(((x * cats as f64).floor()).min(cats as f64 - 1.0) + 1.0)
                })
                .collect()
        })
        .collect()
}

fn names(k: usize) -> Vec<String> {
    (0..k).map(|i| format!("i{i}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)))]

    /// Symmetric, unit diagonal, inside the bounds; reversing an item's categories flips
    /// the sign of its correlations and mirrors its thresholds; an affine relabelling of
    /// the categories changes nothing.
    #[test]
    fn invariants(seed in 0u64..10_000, n in 30usize..120, k in 2usize..5, cats in 2u64..6) {
        let rows = answers(seed, n, k, cats);
        let t = Table::new(names(k), rows.clone()).unwrap();
        let Ok(pc) = lav_cor(&t, &LavCorOptions::default()) else {
            // Too few distinct answers in an item: an error, never a number.
            return Ok(());
        };
        for i in 0..k {
            prop_assert_eq!(pc.correlations[i * k + i], 1.0);
            for j in 0..k {
                let r = pc.correlations[i * k + j];
                prop_assert_eq!(r, pc.correlations[j * k + i]);
                prop_assert!(r.abs() <= 1.0);
            }
        }
        let reversed: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|r| r.iter().enumerate().map(|(c, v)| if c == 0 { v.map(|x| 10.0 - x) } else { *v }).collect())
            .collect();
        let rev = lav_cor(&Table::new(names(k), reversed).unwrap(), &LavCorOptions::default()).unwrap();
        for j in 1..k {
            let (a, b) = (pc.correlations[j], rev.correlations[j]);
            prop_assert!((a + b).abs() < 1e-7, "{} vs {}", a, b);
        }
        let th = |m: &PolychoricMatrix| -> Vec<f64> {
            m.thresholds.iter().filter(|t| t.variable == "i0").map(|t| t.value).collect()
        };
        let (t0, t1) = (th(&pc), th(&rev));
        for (a, b) in t0.iter().zip(t1.iter().rev()) {
            prop_assert!((a + b).abs() < 1e-12);
        }
        let relabelled: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|r| r.iter().map(|v| v.map(|x| 3.0 * x - 7.0)).collect())
            .collect();
        let rel = lav_cor(&Table::new(names(k), relabelled).unwrap(), &LavCorOptions::default()).unwrap();
        prop_assert_eq!(&rel.correlations, &pc.correlations);
        prop_assert_eq!(rel.thresholds.iter().map(|t| t.value).collect::<Vec<_>>(),
                        pc.thresholds.iter().map(|t| t.value).collect::<Vec<_>>());
    }

    /// Γ is symmetric with a positive diagonal, and its thresholds block does not depend
    /// on the other variables.
    #[test]
    fn nacov_is_symmetric(seed in 0u64..10_000, n in 40usize..100, cats in 2u64..5) {
        let rows = answers(seed, n, 3, cats);
        let t = Table::new(names(3), rows).unwrap();
        let o = LavCorOptions::builder().nacov(true).build().unwrap();
        let Ok(pc) = lav_cor(&t, &o) else { return Ok(()); };
        if !pc.warnings.is_empty() {
            return Ok(());
        }
        let g = pc.nacov.as_ref().unwrap();
        for r in 0..g.dim() {
            prop_assert!(g.get(r, r) > 0.0);
            for c in 0..g.dim() {
                prop_assert_eq!(g.get(r, c), g.get(c, r));
            }
        }
    }
}

//! Reading answers straight from CSV ([`Responses::from_csv_str`]) gives what reading a
//! table and then the answers gives: the same answers, ids, lines and warnings, or the
//! same error, on generated files full of the odd and the hostile.

use cocreate_core::data::{CsvOptions, Table};
use cocreate_core::scoring::{builtin, Responses, ScoringError};
use proptest::prelude::*;

/// Cells an answer column may hold: answers, missing cells, odd spellings and text.
const CELLS: &[&str] = &[
    "1", "3", "5", "", "NA", " 2 ", "4.0", "+3", "1e0", "0", "6", "2.5", "x", "inf", "NaN",
    "\"4\"", "-1", "03", "\u{e9}",
];
/// Cells a column that is not scored may hold.
const OTHER: &[&str] = &["34", "", "NA", "n/a", "2.5", "R9", "\"q,q\"", " 7 "];
/// Line endings, the last ones rare.
const ENDS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r\n", "\r"];

fn same(csv: &str, opts: &CsvOptions) -> Result<(), TestCaseError> {
    let inst = builtin::bfi10();
    let fast = Responses::from_csv_str_with(&inst, csv, opts);
    let slow = Table::from_csv_str_with(csv, opts)
        .map_err(ScoringError::from)
        .and_then(|t| Responses::from_table(&inst, &t));
    match (fast, slow) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
        (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
    }
    Ok(())
}

proptest! {
    #[test]
    fn one_pass_reading_equals_reading_a_table(
        order in Just((1..=10).collect::<Vec<usize>>()).prop_shuffle(),
        rows in prop::collection::vec(
            (prop::collection::vec(0..CELLS.len(), 10), 0..OTHER.len(), 0..6usize, prop::bool::weighted(0.1)),
            0..12,
        ),
        odd in prop::bool::weighted(0.2),
        bom in prop::bool::weighted(0.1),
        semi in prop::bool::weighted(0.2),
    ) {
        let d = if semi { ";" } else { "," };
        let mut csv = String::new();
        if bom {
            csv.push('\u{feff}');
        }
        let head: Vec<String> = std::iter::once("id".to_string())
            .chain(order.iter().map(|j| format!("Q{j}")))
            .chain(std::iter::once("age".to_string()))
            .collect();
        csv.push_str(&head.join(d));
        csv.push('\n');
        for (r, (cells, other, end, blank)) in rows.iter().enumerate() {
            if *blank {
                csv.push_str("  \n");
            }
            let mut fields = vec![format!("R{r}")];
            for (t, _) in order.iter().enumerate() {
                let c = if odd { cells[t] } else { cells[t] % 6 };
                fields.push(CELLS[c].to_string());
            }
            fields.push(OTHER[*other].to_string());
            csv.push_str(&fields.join(d));
            csv.push_str(ENDS[if odd { *end } else { end % 3 }]);
        }
        let opts = CsvOptions::builder().delimiter(d.as_bytes()[0]).build().unwrap();
        same(&csv, &opts)?;
    }
}

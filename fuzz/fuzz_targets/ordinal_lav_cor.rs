//! Thresholds and polychoric correlations of any CSV: a matrix or an error, never a panic
//! or a hang. The first byte picks the options (the first column numeric or ordered,
//! categories observed or declared 1 to 5, with or without Γ); a matrix is symmetric with
//! a unit diagonal and finite entries in [−1, 1], Γ is finite and symmetric, and every
//! error is one short line.
#![no_main]
use cocreate_core::data::Table;
use cocreate_core::ordinal::{Categories, LavCorOptions, Ordered, lav_cor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(table) = Table::from_csv_reader(rest) else {
        return;
    };
    // Keep each input cheap: small tables only.
    if table.n_cols() > 8 || table.n_rows() > 400 {
        return;
    }
    let mut builder = LavCorOptions::builder().nacov(first & 1 != 0);
    if first & 2 != 0 && table.n_cols() > 0 {
        builder = builder.ordered(Ordered::Only(table.names()[1..].to_vec()));
    }
    if first & 4 != 0 {
        builder = builder.categories(Categories::Range { min: 1.0, max: 5.0 });
    }
    let options = builder.build().expect("valid options");
    match lav_cor(&table, &options) {
        Ok(pc) => {
            let p = pc.variables.len();
            for i in 0..p {
                assert_eq!(pc.correlations[i * p + i], 1.0);
                for j in 0..p {
                    let r = pc.correlations[i * p + j];
                    assert!(r.is_finite() && r.abs() <= 1.0, "correlation {r}");
                    assert_eq!(r, pc.correlations[j * p + i]);
                }
            }
            assert!(pc.thresholds.iter().all(|t| t.value.is_finite()));
            if let Some(g) = &pc.nacov {
                for r in 0..g.dim() {
                    for c in 0..g.dim() {
                        assert!(g.get(r, c).is_finite(), "Γ[{r}, {c}]");
                        assert_eq!(g.get(r, c), g.get(c, r));
                    }
                }
            }
            let _ = pc.to_string();
        }
        Err(e) => {
            let text = e.to_string();
            assert!(text.len() < 2_000 && !text.contains('\n'), "{text}");
        }
    }
});

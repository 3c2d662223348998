//! The invitation list: every respondent of a survey, predicted, labelled with a pathway
//! and sorted by predicted willingness, ready to be written as CSV or JSON.

use std::fmt;

use crate::data::Table;

use super::error::ReadinessError;
use super::model::ReadinessModel;
use super::pathway::Threshold;
use super::predict::{ConstructPrediction, Prediction, Profile};

/// One respondent on the invitation list.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Invitation {
    /// Row of the table, counted from 1 (the order the data came in).
    pub row: usize,
    /// The respondent id the table kept, or `row N` when the table had no id column.
    pub id: String,
    /// Trait scores in model order; an imputed trait holds its predicted score.
    pub traits: Vec<f64>,
    /// Traits that were missing and predicted from the others (empty for most rows).
    pub imputed: Vec<String>,
    /// Each mediator's prediction with its interval, in model order.
    pub mediators: Vec<ConstructPrediction>,
    /// The outcome's prediction with its interval.
    pub outcome: ConstructPrediction,
    /// Contribution to the outcome through each mediator, relative to the reference
    /// customer (the trait means).
    pub via: Vec<f64>,
    /// Direct contribution of the traits to the outcome.
    pub direct: f64,
    /// The pathway's name ("innovation-led", "dual", "low readiness", …).
    pub pathway: String,
    /// Recommended co-creation formats.
    pub formats: Vec<String>,
    /// Recommended framing of the invitation.
    pub framing: Vec<String>,
    /// Whether the predicted outcome reaches the willingness threshold.
    pub willing: bool,
    /// Why the rule chose this pathway, as one sentence with the figures it compared.
    pub why: String,
}

/// Every respondent of a table, sorted by predicted outcome (descending; ties keep the
/// table's row order). Built by [`ReadinessModel::invitations`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvitationList {
    /// Trait names, in the order of [`Invitation::traits`].
    pub traits: Vec<String>,
    /// Mediator names, in the order of [`Invitation::mediators`] and [`Invitation::via`].
    pub mediators: Vec<String>,
    /// The outcome's name.
    pub outcome: String,
    /// The willingness threshold on the response scale.
    pub threshold: f64,
    /// One row per respondent of the table.
    pub rows: Vec<Invitation>,
}

impl ReadinessModel {
    /// The invitation list of every row of a table of construct scores (columns named for
    /// the traits; respondent ids from [`Table::ids`]), with `willing` the threshold the
    /// predicted outcome must reach for a customer to count as willing.
    ///
    /// A respondent without a score on some trait is not dropped: the trait is predicted
    /// from the others as in [`ReadinessModel::predict_partial`], its uncertainty is added
    /// to the intervals and it is named in [`Invitation::imputed`]. Each row needs the
    /// mediators' intervals as well as the outcome's, so the list is built from one
    /// [`ReadinessModel::predict_partial`] per row (about a microsecond each; linear in
    /// the table's rows, which [`Table`] already bounds).
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::data::Table;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let t = Table::from_csv_reader("id,O,C\nR1,2,2\nR2,4.8,3.1\nR3,,4\n".as_bytes())?;
    /// let list = model.invitations(&t, Threshold::Raw(3.0))?;
    /// assert_eq!(list.rows[0].id, "R2"); // highest predicted outcome first
    /// assert_eq!(list.rows.len(), 3); // R3 is kept, its O predicted from C
    /// assert!(list.rows.iter().any(|r| r.id == "R3" && r.imputed == ["O"]));
    /// assert!(list.to_csv().starts_with("rank,row,id,"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn invitations(
        &self,
        table: &Table,
        willing: Threshold,
    ) -> Result<InvitationList, ReadinessError> {
        let c = &self.spec.constructs;
        let traits = c.traits();
        let cols: Vec<usize> = traits
            .iter()
            .map(|t| {
                table
                    .column_index(t)
                    .ok_or_else(|| ReadinessError::MissingColumn { name: t.clone() })
            })
            .collect::<Result<_, _>>()?;
        let range = c.range();
        let threshold = willing.resolve(
            (range.min() + range.max()) / 2.0,
            self.d.mean_y,
            self.d.sd_y,
        )?;
        let ids = table.ids();
        let mut rows = Vec::with_capacity(table.n_rows());
        for row in 0..table.n_rows() {
            let mut profile = Profile::default();
            for (t, &col) in traits.iter().zip(&cols) {
                profile.set(t, table.get(row, col));
            }
            let id = match ids {
                Some(ids) => ids[row].clone(),
                None => format!("row {}", row + 1),
            };
            let p = self
                .predict_partial(&profile)
                .map_err(|e| ReadinessError::InRow {
                    row: row + 1,
                    id: ids.map(|_| id.clone()),
                    source: Box::new(e),
                })?;
            rows.push(self.invitation(row + 1, id, p, threshold));
        }
        // Stable: equal outcomes keep the table's row order. NaN cannot occur (the
        // traits are checked finite and in range), total_cmp orders it anyway.
        rows.sort_by(|a, b| b.outcome.value.total_cmp(&a.outcome.value));
        Ok(InvitationList {
            traits: traits.to_vec(),
            mediators: c.mediators().to_vec(),
            outcome: c.outcome().to_string(),
            threshold,
            rows,
        })
    }

    fn invitation(&self, row: usize, id: String, p: Prediction, threshold: f64) -> Invitation {
        Invitation {
            row,
            id,
            willing: p.outcome.value >= threshold,
            why: p.why,
            traits: p.traits,
            imputed: p.imputed,
            mediators: p.mediators,
            outcome: p.outcome,
            via: p.contributions.via,
            direct: p.contributions.direct,
            pathway: p.recommendation.pathway,
            formats: p.recommendation.formats,
            framing: p.recommendation.framing,
        }
    }

    /// One sentence saying why the rule gave a prediction its pathway.
    pub(crate) fn why(&self, p: &Prediction) -> String {
        let c = &self.spec.constructs;
        let r = self.d.rule;
        let y = p.outcome.value;
        let via = &p.contributions.via;
        let parts: Vec<String> = c
            .mediators()
            .iter()
            .zip(via)
            .map(|(m, v)| format!("via {m} {:+.2}", v + 0.0))
            .collect();
        let figures = parts.join(" vs ");
        let name = c.pathway_name(p.pathway);
        match p.pathway {
            super::Pathway::LowReadiness => format!(
                "predicted {} {y:.2} is below the low-readiness threshold {:.2}: {name}",
                c.outcome(),
                r.low
            ),
            super::Pathway::Led(j) => {
                let counted: f64 = via
                    .iter()
                    .filter(|&&v| v > 0.0 && v >= r.min_contribution)
                    .sum();
                let share = if counted > 0.0 { via[j] / counted } else { 0.0 };
                format!(
                    "{figures}: {name} ({} carries {:.0} % of the counting contributions, \
                     at least the lead share {:.0} %)",
                    c.mediators()[j],
                    100.0 * share,
                    100.0 * r.lead_share
                )
            }
            super::Pathway::Dual => format!(
                "{figures}: {name} (two or more count, none carries the lead share {:.0} % of \
                 the counting contributions)",
                100.0 * r.lead_share
            ),
            _ => format!(
                "{figures}: {name} (no mediator contributes more than 0 and at least {:.2}, the \
                 smallest contribution that counts)",
                r.min_contribution
            ),
        }
    }
}

/// Quotes a CSV field by RFC 4180 when it holds a comma, a quote, CR or LF (quotes
/// doubled); the text itself is never changed.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        String::new()
    }
}

impl InvitationList {
    /// The list as CSV (RFC 4180: CRLF-free `\n` line ends, fields with commas, quotes
    /// or line breaks quoted, quotes doubled): one header line, then one line per
    /// respondent in list order. Formats and framing are joined with `; `.
    pub fn to_csv(&self) -> String {
        let mut head: Vec<String> = vec!["rank".into(), "row".into(), "id".into()];
        head.extend(self.traits.iter().cloned());
        head.push("imputed".into());
        for m in self.mediators.iter().chain([&self.outcome]) {
            head.extend([m.clone(), format!("{m}_lower"), format!("{m}_upper")]);
        }
        head.extend(self.mediators.iter().map(|m| format!("via_{m}")));
        head.extend(
            ["direct", "pathway", "formats", "framing", "willing", "why"].map(String::from),
        );
        let mut out: String = head.iter().map(|h| field(h)).collect::<Vec<_>>().join(",");
        out.push('\n');
        for (rank, r) in self.rows.iter().enumerate() {
            let mut f: Vec<String> = vec![(rank + 1).to_string(), r.row.to_string(), field(&r.id)];
            f.extend(r.traits.iter().map(|&v| num(v)));
            f.push(field(&r.imputed.join("; ")));
            for cp in r.mediators.iter().chain([&r.outcome]) {
                f.extend([num(cp.value), num(cp.interval.0), num(cp.interval.1)]);
            }
            f.extend(r.via.iter().map(|&v| num(v + 0.0)));
            f.push(num(r.direct + 0.0));
            f.push(field(&r.pathway));
            f.push(field(&r.formats.join("; ")));
            f.push(field(&r.framing.join("; ")));
            f.push(if r.willing { "yes" } else { "no" }.into());
            f.push(field(&r.why));
            out.push_str(&f.join(","));
            out.push('\n');
        }
        out
    }

    /// Number of respondents who count as willing.
    pub fn n_willing(&self) -> usize {
        self.rows.iter().filter(|r| r.willing).count()
    }

    /// Number of respondents with an imputed trait.
    pub fn n_imputed(&self) -> usize {
        self.rows.iter().filter(|r| !r.imputed.is_empty()).count()
    }

    /// The respondents' trait scores in the table's row order, row-major in model trait
    /// order (an imputed trait at its predicted score), ready for
    /// [`ReadinessModel::segment`].
    pub fn trait_matrix(&self) -> Vec<f64> {
        let mut rows: Vec<&Invitation> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.row);
        rows.iter().flat_map(|r| r.traits.iter().copied()).collect()
    }
}

impl fmt::Display for InvitationList {
    /// A short summary: how many respondents, how many willing, how many with an
    /// imputed trait, and the first few of the list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let imputed = self.n_imputed();
        writeln!(
            f,
            "Invitation list: {} respondents, {} with predicted {} at least {:.2}, {} with an imputed trait",
            self.rows.len(),
            self.n_willing(),
            self.outcome,
            self.threshold,
            imputed
        )?;
        for (rank, r) in self.rows.iter().take(5).enumerate() {
            writeln!(
                f,
                "  {:>2}. {} {} {:.2} [{:.2}, {:.2}] {}",
                rank + 1,
                crate::data::excerpt(&r.id),
                self.outcome,
                r.outcome.value,
                r.outcome.interval.0,
                r.outcome.interval.1,
                r.pathway
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_by_rfc_4180() {
        assert_eq!(field("R1000"), "R1000");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}

//! Joining two tables on their row identifiers, with a report of what did not match.

use std::collections::HashMap;
use std::fmt;

use super::error::{DataError, JoinSide};
use super::excerpt;
use super::table::{check_cells, check_names, Ids, Table};

/// Which rows [`Table::join`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Join {
    /// Only rows whose identifier is in both tables.
    Inner,
    /// Every row of the left table, in its order; rows of the right table without a
    /// match are left out (and named in the report).
    #[default]
    Left,
    /// Every row of both: the left table's in its order, then the right table's rows
    /// without a match.
    Outer,
}

/// What a join matched and what it left out or filled with missing cells: no row is
/// dropped without being named here.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct JoinReport {
    /// The kind of join.
    pub join: Join,
    /// Identifiers found in both tables.
    pub matched: usize,
    /// Identifiers only in the left table, in its order.
    pub left_only: Vec<String>,
    /// Identifiers only in the right table, in its order.
    pub right_only: Vec<String>,
}

impl JoinReport {
    /// Whether rows of the left table without a match are in the result (with missing
    /// cells for the right table's columns).
    pub fn keeps_left_only(&self) -> bool {
        matches!(self.join, Join::Left | Join::Outer)
    }

    /// Whether rows of the right table without a match are in the result.
    pub fn keeps_right_only(&self) -> bool {
        self.join == Join::Outer
    }
}

/// One sentence per kind of row: how many matched, and which did not and what became of
/// them (the first five identifiers of each).
///
/// ```
/// use cocreate_core::data::{Join, Table};
///
/// let a = Table::from_csv_str("id,x\nR1,1\nR2,2\nR3,3\n")?;
/// let b = Table::from_csv_str("id,y\nR3,30\nR1,10\nR9,90\n")?;
/// let (joined, report) = a.join(&b, Join::Left)?;
/// assert_eq!(joined.names(), ["id", "x", "y"]);
/// assert_eq!(joined.column("y")?, vec![Some(10.0), None, Some(30.0)]);
/// assert_eq!(
///     report.to_string(),
///     "2 ids matched; 1 only in the left table, kept with missing cells: \"R2\"; \
///      1 only in the right table, left out: \"R9\""
/// );
/// # Ok::<(), cocreate_core::data::DataError>(())
/// ```
impl fmt::Display for JoinReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ids matched", self.matched)?;
        let list = |ids: &[String]| {
            let mut s: Vec<String> = ids
                .iter()
                .take(5)
                .map(|i| format!("{:?}", excerpt(i)))
                .collect();
            if ids.len() > 5 {
                s.push(format!("and {} more", ids.len() - 5));
            }
            s.join(", ")
        };
        if !self.left_only.is_empty() {
            let fate = if self.keeps_left_only() {
                "kept with missing cells"
            } else {
                "left out"
            };
            write!(
                f,
                "; {} only in the left table, {fate}: {}",
                self.left_only.len(),
                list(&self.left_only)
            )?;
        }
        if !self.right_only.is_empty() {
            let fate = if self.keeps_right_only() {
                "added with missing cells"
            } else {
                "left out"
            };
            write!(
                f,
                "; {} only in the right table, {fate}: {}",
                self.right_only.len(),
                list(&self.right_only)
            )?;
        }
        Ok(())
    }
}

impl Table {
    /// Joins `other` to this table on the row identifiers of both ([`Table::ids`]): the
    /// result has this table's columns, then `other`'s (other than its identifier
    /// column), one row per identifier kept, and this table's identifier column.
    ///
    /// Each identifier must appear once in each table ([`DataError::DuplicateId`] names
    /// the two rows otherwise), and the tables must share no column name other than
    /// the identifier column ([`DataError::JoinColumnClash`]). Rows without a match are
    /// never dropped silently: [`JoinReport`] names them and says whether they were
    /// kept (with missing cells) or left out. The result has no source lines; a column
    /// that held text keeps the note of where (in its source table).
    ///
    /// ```
    /// use cocreate_core::data::{Join, Table};
    ///
    /// let survey = Table::from_csv_str("id,O1,O2\nR1,4,5\nR2,2,1\n")?;
    /// let crm = Table::from_csv_str("id,spend\nR2,120\nR3,80\n")?;
    /// let (all, report) = survey.join(&crm, Join::Outer)?;
    /// assert_eq!(all.ids().unwrap(), ["R1", "R2", "R3"]);
    /// assert_eq!(all.column("spend")?, vec![None, Some(120.0), Some(80.0)]);
    /// assert_eq!((report.matched, report.left_only.len(), report.right_only.len()), (1, 1, 1));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn join(&self, other: &Table, how: Join) -> Result<(Table, JoinReport), DataError> {
        let left = self.ids.as_ref().ok_or(DataError::NoIds {
            side: JoinSide::Left,
        })?;
        let right = other.ids.as_ref().ok_or(DataError::NoIds {
            side: JoinSide::Right,
        })?;
        let left_at = index(left, JoinSide::Left)?;
        let right_at = index(right, JoinSide::Right)?;
        // The right table's columns, less its identifier column (the key).
        let right_cols: Vec<usize> = (0..other.names.len())
            .filter(|&c| other.names[c] != right.column)
            .collect();
        let left_key = self.names.iter().position(|n| *n == left.column);
        let mut names = self.names.clone();
        for &c in &right_cols {
            if self.names.contains(&other.names[c]) {
                return Err(DataError::JoinColumnClash {
                    column: excerpt(&other.names[c]),
                });
            }
            names.push(other.names[c].clone());
        }
        check_names(&names)?;
        // Rows: (left row, right row).
        let mut rows: Vec<(Option<usize>, Option<usize>)> = Vec::new();
        let mut left_only = Vec::new();
        for (r, id) in left.values.iter().enumerate() {
            match right_at.get(id.as_str()) {
                Some(&o) => rows.push((Some(r), Some(o))),
                None => {
                    left_only.push(id.clone());
                    if how != Join::Inner {
                        rows.push((Some(r), None));
                    }
                }
            }
        }
        let matched = left.values.len() - left_only.len();
        let mut right_only = Vec::new();
        for (o, id) in right.values.iter().enumerate() {
            if !left_at.contains_key(id.as_str()) {
                right_only.push(id.clone());
                if how == Join::Outer {
                    rows.push((None, Some(o)));
                }
            }
        }
        let k = names.len();
        check_cells(rows.len(), k, rows.len() as u64)?;
        let (kl, kr) = (self.names.len(), other.names.len());
        let mut values = Vec::with_capacity(rows.len() * k);
        let mut ids = Vec::with_capacity(rows.len());
        for &(l, o) in &rows {
            match l {
                Some(l) => values.extend_from_slice(&self.values[l * kl..(l + 1) * kl]),
                None => {
                    let start = values.len();
                    values.extend(std::iter::repeat_n(f64::NAN, kl));
                    // The key column of the left table, filled from the right's.
                    if let (Some(c), Some(o)) = (left_key, o) {
                        if let Some(rc) = other.names.iter().position(|n| *n == right.column) {
                            values[start + c] = other.values[o * kr + rc];
                        }
                    }
                }
            }
            match o {
                Some(o) => values.extend(right_cols.iter().map(|&c| other.values[o * kr + c])),
                None => values.extend(std::iter::repeat_n(f64::NAN, right_cols.len())),
            }
            ids.push(match (l, o) {
                (Some(l), _) => left.values[l].clone(),
                (None, Some(o)) => right.values[o].clone(),
                (None, None) => String::new(),
            });
        }
        let mut out = Table::from_parts(names, rows.len(), values);
        for (c, t) in self.text_cells.iter().enumerate() {
            out.text_cells[c] = t.clone();
        }
        for (i, &c) in right_cols.iter().enumerate() {
            out.text_cells[kl + i] = other.text_cells[c].clone();
        }
        out.ids = Some(Ids {
            column: left.column.clone(),
            values: ids,
        });
        Ok((
            out,
            JoinReport {
                join: how,
                matched,
                left_only,
                right_only,
            },
        ))
    }
}

/// Each identifier's row, or the first identifier that appears twice.
fn index(ids: &Ids, side: JoinSide) -> Result<HashMap<&str, usize>, DataError> {
    let mut map = HashMap::with_capacity(ids.values.len());
    for (r, id) in ids.values.iter().enumerate() {
        if let Some(first) = map.insert(id.as_str(), r) {
            return Err(DataError::DuplicateId {
                side,
                id: excerpt(id),
                first: first + 1,
                second: r + 1,
            });
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(csv: &str) -> Table {
        Table::from_csv_str(csv).unwrap()
    }

    #[test]
    fn inner_left_and_outer_keep_what_they_say_and_report_the_rest() {
        let a = t("id,x\nR1,1\nR2,2\nR3,3\n");
        let b = t("id,y\nR3,30\nR1,10\nR9,90\n");
        let (i, ri) = a.join(&b, Join::Inner).unwrap();
        assert_eq!(i.ids().unwrap(), ["R1", "R3"]);
        assert_eq!(i.column("y").unwrap(), vec![Some(10.0), Some(30.0)]);
        assert_eq!(
            (ri.left_only.clone(), ri.right_only.clone()),
            (vec!["R2".to_string()], vec!["R9".to_string()])
        );
        assert!(ri
            .to_string()
            .contains("only in the left table, left out: \"R2\""));
        let (o, ro) = a.join(&b, Join::Outer).unwrap();
        assert_eq!(o.ids().unwrap(), ["R1", "R2", "R3", "R9"]);
        assert_eq!(
            o.column("x").unwrap(),
            vec![Some(1.0), Some(2.0), Some(3.0), None]
        );
        assert!(ro.to_string().contains("added with missing cells: \"R9\""));
    }

    #[test]
    fn numeric_id_columns_are_one_key() {
        let a = t("id,x\n1,1\n2,2\n");
        let b = t("id,y\n2,20\n3,30\n");
        let (o, _) = a.join(&b, Join::Outer).unwrap();
        assert_eq!(o.names(), ["id", "x", "y"]);
        assert_eq!(
            o.column("id").unwrap(),
            vec![Some(1.0), Some(2.0), Some(3.0)]
        );
    }

    #[test]
    fn duplicates_clashes_and_missing_ids_are_errors() {
        let a = t("id,x\nR1,1\nR1,2\n");
        let b = t("id,y\nR1,1\n");
        assert!(matches!(
            a.join(&b, Join::Left),
            Err(DataError::DuplicateId {
                side: JoinSide::Left,
                first: 1,
                second: 2,
                ..
            })
        ));
        let c = t("id,x\nR1,5\n");
        assert!(matches!(b.join(&c, Join::Left).map(|_| ()), Ok(())));
        let d = t("id,y\nR1,5\n");
        assert!(matches!(
            b.join(&d, Join::Left),
            Err(DataError::JoinColumnClash { .. })
        ));
        let plain = Table::new(vec!["y".into()], vec![vec![Some(1.0)]]).unwrap();
        assert!(matches!(
            b.join(&plain, Join::Left),
            Err(DataError::NoIds {
                side: JoinSide::Right
            })
        ));
    }
}

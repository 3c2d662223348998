//! How CSV is read and written: the field delimiter and the identifier columns.

use super::error::DataError;

/// How [`super::Table::from_csv_reader_with`] reads CSV (and
/// [`super::Table::write_csv_with`] writes it): the delimiter, and the identifier
/// columns, whose text is kept for every row.
///
/// `CsvOptions::default()` is a comma, with a column named `id` (in any case) as the
/// identifier column. Identifier text is kept whatever it holds (`R1000`, `0042`), so
/// that ids survive scoring and prediction unchanged.
///
/// ```
/// use cocreate_core::data::{CsvOptions, DataError, Table};
///
/// let opts = CsvOptions::builder().delimiter(b';').id_column("respondent").build()?;
/// let t = Table::from_csv_str_with("respondent;x\nR1;1\nR2;2\n", &opts)?;
/// assert_eq!(t.ids().unwrap(), ["R1", "R2"]);
/// assert_eq!(opts.delimiter(), b';');
/// assert!(matches!(
///     CsvOptions::builder().delimiter(b'"').build(),
///     Err(DataError::Delimiter { byte: b'"' })
/// ));
/// # Ok::<(), DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CsvOptionsBuilder", into = "CsvOptionsBuilder")
)]
pub struct CsvOptions {
    delimiter: u8,
    id_columns: Vec<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            id_columns: Vec::new(),
        }
    }
}

impl CsvOptions {
    /// The default options (the same as `CsvOptions::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder starting from the default options.
    pub fn builder() -> CsvOptionsBuilder {
        CsvOptionsBuilder::default()
    }

    /// The field delimiter.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The identifier columns named with [`CsvOptionsBuilder::id_column`] (empty: a
    /// column named `id` in any case).
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }
}

/// Builds [`CsvOptions`], checking them in [`CsvOptionsBuilder::build`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct CsvOptionsBuilder {
    #[cfg_attr(feature = "serde", serde(default = "comma"))]
    delimiter: u8,
    #[cfg_attr(feature = "serde", serde(default))]
    id_columns: Vec<String>,
}

#[cfg(feature = "serde")]
fn comma() -> u8 {
    b','
}

impl Default for CsvOptionsBuilder {
    fn default() -> Self {
        let d = CsvOptions::default();
        CsvOptionsBuilder {
            delimiter: d.delimiter,
            id_columns: d.id_columns,
        }
    }
}

impl CsvOptionsBuilder {
    /// The field delimiter: a printable ASCII character or a tab, other than `"`.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Names an identifier column (exact name). Once any is named, the default `id` is
    /// no longer looked for; the first named column gives [`super::Table::ids`]. A named
    /// column missing from the header is an error when reading.
    pub fn id_column(mut self, name: impl Into<String>) -> Self {
        self.id_columns.push(name.into());
        self
    }

    /// The options, or [`DataError::Delimiter`] when the delimiter is not a tab or a
    /// printable ASCII character other than `"`.
    pub fn build(self) -> Result<CsvOptions, DataError> {
        let d = self.delimiter;
        let ok = d == b'\t' || (d.is_ascii_graphic() || d == b' ') && d != b'"';
        if !ok {
            return Err(DataError::Delimiter { byte: d });
        }
        Ok(CsvOptions {
            delimiter: d,
            id_columns: self.id_columns,
        })
    }
}

#[cfg(feature = "serde")]
impl TryFrom<CsvOptionsBuilder> for CsvOptions {
    type Error = DataError;
    fn try_from(b: CsvOptionsBuilder) -> Result<Self, DataError> {
        b.build()
    }
}

#[cfg(feature = "serde")]
impl From<CsvOptions> for CsvOptionsBuilder {
    fn from(o: CsvOptions) -> Self {
        CsvOptionsBuilder {
            delimiter: o.delimiter,
            id_columns: o.id_columns,
        }
    }
}

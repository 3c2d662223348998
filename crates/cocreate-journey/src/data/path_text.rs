//! Paths from CSV text in memory: split in place, and with the `parallel` feature read
//! as two halves when large (kept apart from `paths` so that the loader of halves, which
//! builds on `paths`, is only ever called from here).

use super::error::LoadError;
use super::paths::{PathCsvOptions, PathData};
use super::records::Records;

impl PathData {
    /// Reads paths in ChannelAttribution's layout from CSV text.
    ///
    /// With the `parallel` feature, text of 8 MiB or more is read as two halves on two
    /// threads; the result (and any error) is the same as reading it in one pass.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let data = PathData::from_csv_str("path,total_conversions,total_conversion_value,total_null\nad,1,10,2\n")?;
    /// assert_eq!(data.n_rows(), 1);
    /// # Ok::<(), cocreate_journey::LoadError>(())
    /// ```
    pub fn from_csv_str(text: &str) -> Result<Self, LoadError> {
        PathData::from_csv_str_with(text, &PathCsvOptions::default())
    }

    /// Reads paths from CSV text in the layout `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{PathCsvOptions, PathData};
    ///
    /// let options = PathCsvOptions::builder().value(None).nulls(None).build()?;
    /// let data = PathData::from_csv_str_with("path,total_conversions\nad > web,3\n", &options)?;
    /// assert_eq!(data.totals().conversions, 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_str_with(text: &str, options: &PathCsvOptions) -> Result<Self, LoadError> {
        #[cfg(feature = "parallel")]
        if super::paths_split::worth_halves(text.len()) {
            if let Some(data) = super::paths_split::load_halves(text.as_bytes(), options) {
                return Ok(data);
            }
        }
        PathData::from_records(Records::new(text.as_bytes()), options, text.len() as u64)
    }
}

//! Where path CSVs are read from: text in memory (split in place) and files, each read
//! as two halves when large with the `parallel` feature (kept apart from `paths` so that
//! the loader of halves, which builds on `paths`, is only ever called from here).

use std::path::Path;

use super::error::LoadError;
use super::paths::{open, PathCsvOptions, PathData};
use super::records::{buffered, Records};

impl PathData {
    /// Reads paths in ChannelAttribution's layout from CSV text.
    ///
    /// With the `parallel` feature (on by default), text of 8 MiB or more is read as two
    /// halves on two threads; the result (and any error) is the same as reading it in
    /// one pass.
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
        if super::paths_split::worth_halves(text.len() as u64) {
            if let Some(data) = super::paths_split::load_halves(text.as_bytes(), options) {
                return Ok(data);
            }
        }
        PathData::from_records(Records::new(text.as_bytes()), options, text.len() as u64)
    }

    /// Reads paths in ChannelAttribution's layout from a CSV file (see
    /// [`PathData::from_csv_reader`]). A directory is refused as one.
    ///
    /// With the `parallel` feature (on by default), a regular file of 8 MiB or more is
    /// read as two halves on two threads, each through a buffer of its own; the result
    /// (and any error) is the same as reading it in one pass.
    ///
    /// ```
    /// use cocreate_journey::{LoadError, PathData};
    ///
    /// let err = PathData::from_csv_path("no/such/file.csv").unwrap_err();
    /// assert!(matches!(err, LoadError::Io { .. }));
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        PathData::from_csv_path_with(path, &PathCsvOptions::default())
    }

    /// Reads paths from a CSV file in the layout `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{LoadError, PathCsvOptions, PathData};
    ///
    /// let err = PathData::from_csv_path_with("no/such/file.csv", &PathCsvOptions::default());
    /// assert!(matches!(err, Err(LoadError::Io { .. })));
    /// ```
    pub fn from_csv_path_with(
        path: impl AsRef<Path>,
        options: &PathCsvOptions,
    ) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let file = open(path)?;
        // A size that cannot be read (or a file that is not regular) only loses the hint.
        let bytes = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map_or(0, |m| m.len());
        #[cfg(feature = "parallel")]
        let file = if super::paths_split::worth_halves(bytes) {
            if let Some(data) = super::paths_split::load_file_halves(path, &file, bytes, options) {
                return Ok(data);
            }
            // Read again from the start in one pass; a file that cannot be rewound is
            // opened again.
            use std::io::{Seek, SeekFrom};
            let mut file = file;
            match file.seek(SeekFrom::Start(0)) {
                Ok(_) => file,
                Err(_) => open(path)?,
            }
        } else {
            file
        };
        PathData::from_records(buffered(file), options, bytes)
    }
}

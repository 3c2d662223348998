//! Reading a JSON file or reader into text, bounded in size, for the loaders of models
//! and answers.

#[cfg(feature = "serde")]
use std::io::Read;
#[cfg(feature = "serde")]
use std::path::Path;

#[cfg(feature = "serde")]
use crate::error::FileError;

/// Largest model or answers file (or reader) the `from_json_path` and `from_json_reader`
/// loaders read, in bytes: 16 MiB.
///
/// ```
/// assert_eq!(cocreate_maturity::MAX_JSON_BYTES, 16 * 1024 * 1024);
/// ```
pub const MAX_JSON_BYTES: u64 = 16 << 20;

/// Reads the file at `path` as UTF-8 text, refusing a directory and a file larger than
/// [`MAX_JSON_BYTES`] before reading it.
#[cfg(feature = "serde")]
pub(crate) fn read_path(path: &Path) -> Result<String, FileError> {
    let failed = |e: std::io::Error| FileError::Read {
        path: Some(path.to_path_buf()),
        kind: e.kind(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(failed)?;
    if meta.is_dir() {
        return Err(FileError::Directory {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_JSON_BYTES {
        return Err(FileError::TooLarge {
            path: Some(path.to_path_buf()),
            bytes: meta.len(),
            limit: MAX_JSON_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(failed)?;
    read_bounded(file, Some(path))
}

/// Reads a reader to its end as UTF-8 text, refusing more than [`MAX_JSON_BYTES`].
#[cfg(feature = "serde")]
pub(crate) fn read_reader(reader: impl Read) -> Result<String, FileError> {
    read_bounded(reader, None)
}

/// Reads at most one byte more than the limit (a file may grow after its size was read)
/// and checks the text.
#[cfg(feature = "serde")]
fn read_bounded(reader: impl Read, path: Option<&Path>) -> Result<String, FileError> {
    let path = || path.map(Path::to_path_buf);
    let mut bytes = Vec::new();
    reader
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::Read {
            path: path(),
            kind: e.kind(),
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(FileError::TooLarge {
            path: path(),
            bytes: bytes.len() as u64,
            limit: MAX_JSON_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        path: path(),
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    #[test]
    fn refuses_directories_large_inputs_and_bytes_that_are_not_text() {
        let dir = std::env::temp_dir();
        assert!(matches!(read_path(&dir), Err(FileError::Directory { .. })));
        let big = std::io::repeat(b' ').take(MAX_JSON_BYTES + 10);
        let err = read_reader(big).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the input is larger than the limit of {MAX_JSON_BYTES} bytes for a JSON file")
        );
        assert!(matches!(err, FileError::TooLarge { bytes, .. } if bytes == MAX_JSON_BYTES + 1));
        let err = read_reader(&b"{}\xff"[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the input is not UTF-8 text (invalid byte at offset 2)"
        );
        assert_eq!(read_reader(&b"{}"[..]).unwrap(), "{}");
    }
}

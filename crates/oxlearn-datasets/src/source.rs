//! Reading a whole input into memory, decompressing gzip transparently.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use oxlearn::{Error, Result};

/// The two bytes every gzip stream starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// An [`Error::Io`] for `name`.
pub(crate) fn io_error(name: impl Into<PathBuf>, source: std::io::Error) -> Error {
    Error::Io {
        path: name.into(),
        source,
    }
}

/// Whether `bytes` start like a gzip stream.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// Decompresses `bytes` when they are gzip, returns them unchanged otherwise.
///
/// `name` names the input in errors.
pub(crate) fn maybe_gunzip(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>> {
    if !is_gzip(&bytes) {
        return Ok(bytes);
    }
    gunzip(&bytes, name)
}

/// Decompresses a gzip stream (one or more members).
pub(crate) fn gunzip(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
    MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| io_error(name, e))?;
    Ok(out)
}

/// Reads the file at `path`, decompressing it when it is gzip.
///
/// A file whose name ends in `.gz` must be gzip: anything else is an error
/// rather than being read as plain text.
pub(crate) fn read_path(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let name = path.display().to_string();
    let gz_name = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    if gz_name && !is_gzip(&bytes) {
        return Err(io_error(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the name ends in .gz but the file is not gzip-compressed",
            ),
        ));
    }
    maybe_gunzip(bytes, &name)
}

/// Reads everything from `reader`, decompressing it when it is gzip.
pub(crate) fn read_reader(mut reader: impl Read, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(name, e))?;
    maybe_gunzip(bytes, name)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    #[test]
    fn plain_bytes_pass_through_and_gzip_is_decoded() {
        let plain = b"a,b\n1,2\n".to_vec();
        assert_eq!(maybe_gunzip(plain.clone(), "x").unwrap(), plain);

        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&plain).unwrap();
        let gz = enc.finish().unwrap();
        assert!(is_gzip(&gz));
        assert_eq!(read_reader(&gz[..], "x.gz").unwrap(), plain);
    }

    #[test]
    fn corrupt_gzip_is_an_io_error() {
        let bad = vec![0x1f, 0x8b, 8, 0, 1, 2, 3];
        assert!(matches!(maybe_gunzip(bad, "bad.gz"), Err(Error::Io { .. })));
    }
}

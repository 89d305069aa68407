//! Reading and writing numpy `.npy` files.
//!
//! [`write_npy`] writes any `f32` or `f64` array (of any dimension, in any
//! memory layout) as a little-endian, C-order `.npy` file that `numpy.load`
//! reads; [`read_npy`] reads one back into an [`Array`] of the dimension the
//! caller asks for (`Array1`, `Array2`, ... or `ArrayD`).
//!
//! The reader accepts format versions 1.0, 2.0 and 3.0, C and Fortran order,
//! either byte order, and the dtypes `f4`, `f8`, `i1`..`i8`, `u1`..`u8` and
//! `b1`, converted to the requested element type (`f8` to `f32` rounds;
//! integers beyond 2^53 round when read as `f64`). Arrays come back in
//! standard (C) layout.
//!
//! A malformed file (bad magic, unsupported version or dtype, a header that is
//! not a valid dict, truncated or trailing data, a dimension other than the
//! requested one) is an [`Error::Parse`](oxlearn::Error::Parse) whose `line` is
//! 1 and whose `column` is the 1-based byte offset of the problem in the file.
//! It never panics.
//!
//! ```
//! use ndarray::{array, Array2};
//! use oxlearn_datasets::npy::{read_npy_from, write_npy_to};
//!
//! let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
//! let mut bytes = Vec::new();
//! write_npy_to(&mut bytes, &a, "<memory>")?;
//! let b: Array2<f64> = read_npy_from(&bytes[..], "<memory>")?;
//! assert_eq!(a, b);
//!
//! // The wrong dimension is an error, not a panic.
//! assert!(read_npy_from::<f64, ndarray::Ix1>(&bytes[..], "<memory>").is_err());
//! # Ok::<(), oxlearn::Error>(())
//! ```

mod header;

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use ndarray::{Array, ArrayBase, Data, Dimension, IxDyn, ShapeBuilder};
use oxlearn::Result;

use crate::source::io_error;
use header::{DType, Kind, MAGIC, npy_error};

mod sealed {
    /// Keeps [`NpyElement`](super::NpyElement) implemented only here.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// An element type that `.npy` files are read into and written from: [`f32`]
/// (`<f4`) and [`f64`] (`<f8`). Sealed.
pub trait NpyElement: sealed::Sealed + Copy + 'static {
    /// The numpy type string written for this type.
    const DESCR: &'static str;
    /// The value converted from an `f64` (rounding for `f32`).
    #[doc(hidden)]
    fn from_f64(v: f64) -> Self;
    /// Appends the little-endian bytes of the value.
    #[doc(hidden)]
    fn put_le(self, out: &mut Vec<u8>);
}

impl NpyElement for f32 {
    const DESCR: &'static str = "<f4";
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl NpyElement for f64 {
    const DESCR: &'static str = "<f8";
    fn from_f64(v: f64) -> Self {
        v
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

/// Reads the `.npy` file at `path` into an array of dimension `D`.
///
/// ```no_run
/// use ndarray::Array2;
/// use oxlearn_datasets::npy::read_npy;
///
/// let x: Array2<f64> = read_npy("features.npy")?;
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`](oxlearn::Error::Io) when the file cannot be read;
/// [`Error::Parse`](oxlearn::Error::Parse) when it is malformed, holds an
/// unsupported dtype, has data left after the array, or its dimension is not `D`.
pub fn read_npy<T: NpyElement, D: Dimension>(path: impl AsRef<Path>) -> Result<Array<T, D>> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = std::io::BufReader::new(file);
    let (array, end) = read_impl(&mut reader, &name)?;
    let mut extra = [0u8; 1];
    match reader.read(&mut extra) {
        Ok(0) => Ok(array),
        Ok(_) => Err(npy_error(
            &name,
            end,
            "unexpected data after the end of the array",
        )),
        Err(e) => Err(io_error(path, e)),
    }
}

/// Reads one `.npy` array from `reader` (which is left just after the array's
/// data); `name` names the input in errors.
///
/// # Errors
/// As [`read_npy`], except that data after the array is left unread.
pub fn read_npy_from<T: NpyElement, D: Dimension>(
    mut reader: impl Read,
    name: &str,
) -> Result<Array<T, D>> {
    read_impl(&mut reader, name).map(|(array, _)| array)
}

/// Reads up to `n` bytes; fewer only at the end of the input.
fn read_up_to(reader: &mut impl Read, n: usize, name: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n.min(1 << 20));
    reader
        .take(n as u64)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(name, e))?;
    Ok(buf)
}

/// The array and the byte offset just after its data.
fn read_impl<T: NpyElement, D: Dimension>(
    reader: &mut impl Read,
    name: &str,
) -> Result<(Array<T, D>, usize)> {
    let start = read_up_to(reader, 8, name)?;
    if start.len() < 8 || !start.starts_with(MAGIC) {
        return Err(npy_error(
            name,
            0,
            "not a .npy file: the magic string \\x93NUMPY is missing",
        ));
    }
    let (major, minor) = (start[6], start[7]);
    let len_bytes = match major {
        1 => 2,
        2 | 3 => 4,
        _ => {
            return Err(npy_error(
                name,
                6,
                format!(
                    "unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are supported)"
                ),
            ));
        }
    };
    let len_field = read_up_to(reader, len_bytes, name)?;
    if len_field.len() < len_bytes {
        return Err(npy_error(name, 8, "truncated header length"));
    }
    let header_len = if len_bytes == 2 {
        usize::from(u16::from_le_bytes([len_field[0], len_field[1]]))
    } else {
        u32::from_le_bytes([len_field[0], len_field[1], len_field[2], len_field[3]]) as usize
    };
    let header_start = 8 + len_bytes;
    let text = read_up_to(reader, header_len, name)?;
    if text.len() < header_len {
        return Err(npy_error(
            name,
            header_start + text.len(),
            format!(
                "truncated header: expected {header_len} bytes, found {}",
                text.len()
            ),
        ));
    }
    let header = header::parse_dict(&text, header_start, name)?;
    let data_start = header_start + header_len;

    if let Some(ndim) = D::NDIM
        && ndim != header.shape.len()
    {
        return Err(npy_error(
            name,
            header_start,
            format!(
                "expected a {ndim}-dimensional array, the file holds shape {:?}",
                header.shape
            ),
        ));
    }
    let count = header
        .shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .filter(|&n| n.checked_mul(header.dtype.size).is_some())
        .ok_or_else(|| {
            npy_error(
                name,
                header_start,
                format!("shape {:?} is too large", header.shape),
            )
        })?;
    let n_bytes = count * header.dtype.size;
    let data = read_up_to(reader, n_bytes, name)?;
    if data.len() < n_bytes {
        return Err(npy_error(
            name,
            data_start + data.len(),
            format!(
                "truncated data: shape {:?} needs {n_bytes} bytes, found {}",
                header.shape,
                data.len()
            ),
        ));
    }
    let values = decode::<T>(&data, header.dtype);
    let shape = IxDyn(&header.shape);
    let array = if header.fortran_order {
        Array::from_shape_vec(shape.f(), values).map(|a| a.as_standard_layout().into_owned())
    } else {
        Array::from_shape_vec(shape, values)
    }
    .map_err(|e| npy_error(name, header_start, format!("inconsistent shape: {e}")))?;
    let array = array
        .into_dimensionality::<D>()
        .map_err(|e| npy_error(name, header_start, format!("wrong dimension: {e}")))?;
    Ok((array, data_start + n_bytes))
}

/// Decodes `data` (a whole number of elements of `dtype`) into `T`s.
fn decode<T: NpyElement>(data: &[u8], dtype: DType) -> Vec<T> {
    let le = dtype.little_endian;
    macro_rules! conv {
        ($ty:ty, $n:literal) => {
            data.chunks_exact($n)
                .map(|c| {
                    let mut b = [0u8; $n];
                    b.copy_from_slice(c);
                    let v = if le {
                        <$ty>::from_le_bytes(b)
                    } else {
                        <$ty>::from_be_bytes(b)
                    };
                    T::from_f64(v as f64)
                })
                .collect()
        };
    }
    match (dtype.kind, dtype.size) {
        (Kind::Float, 4) => conv!(f32, 4),
        (Kind::Float, _) => conv!(f64, 8),
        (Kind::Int, 1) => conv!(i8, 1),
        (Kind::Int, 2) => conv!(i16, 2),
        (Kind::Int, 4) => conv!(i32, 4),
        (Kind::Int, _) => conv!(i64, 8),
        (Kind::Uint, 1) => conv!(u8, 1),
        (Kind::Uint, 2) => conv!(u16, 2),
        (Kind::Uint, 4) => conv!(u32, 4),
        (Kind::Uint, _) => conv!(u64, 8),
        (Kind::Bool, _) => data
            .iter()
            .map(|&b| T::from_f64(f64::from(u8::from(b != 0))))
            .collect(),
    }
}

/// Writes `array` to `path` as a little-endian, C-order `.npy` file.
///
/// ```no_run
/// use ndarray::array;
/// use oxlearn_datasets::npy::write_npy;
///
/// write_npy("x.npy", &array![[1.0f32, 2.0], [3.0, 4.0]])?;
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`](oxlearn::Error::Io) when the file cannot be written.
pub fn write_npy<T, S, D>(path: impl AsRef<Path>, array: &ArrayBase<S, D>) -> Result<()>
where
    T: NpyElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    let path = path.as_ref();
    let file = File::create(path).map_err(|e| io_error(path, e))?;
    let mut writer = BufWriter::new(file);
    write_npy_to(&mut writer, array, &path.display().to_string())?;
    writer.flush().map_err(|e| io_error(path, e))
}

/// Writes `array` as `.npy` data to `writer`; `name` names it in errors.
///
/// # Errors
/// [`Error::Io`](oxlearn::Error::Io) when writing fails.
pub fn write_npy_to<T, S, D>(
    mut writer: impl Write,
    array: &ArrayBase<S, D>,
    name: &str,
) -> Result<()>
where
    T: NpyElement,
    S: Data<Elem = T>,
    D: Dimension,
{
    let header = header::encode(T::DESCR, array.shape());
    writer.write_all(&header).map_err(|e| io_error(name, e))?;
    const CHUNK: usize = 1 << 14;
    let mut buf = Vec::with_capacity(CHUNK * size_of::<T>());
    for &v in array.iter() {
        v.put_le(&mut buf);
        if buf.len() >= CHUNK * size_of::<T>() {
            writer.write_all(&buf).map_err(|e| io_error(name, e))?;
            buf.clear();
        }
    }
    writer.write_all(&buf).map_err(|e| io_error(name, e))
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2, ArrayD, Ix2, array};

    use super::*;

    fn raw(descr: &str, fortran: bool, shape: &str, data: &[u8], version: u8) -> Vec<u8> {
        let dict = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}\n",
            if fortran { "True" } else { "False" }
        );
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[version, 0]);
        if version == 1 {
            out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(dict.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_fortran_order_and_v2_headers() {
        // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
        let data: Vec<u8> = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        for version in [1, 2] {
            let bytes = raw("<f8", true, "(2, 3)", &data, version);
            let a: Array2<f64> = read_npy_from(&bytes[..], "t").unwrap();
            assert_eq!(a, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
            assert!(a.is_standard_layout());
        }
    }

    #[test]
    fn converts_integer_big_endian_and_bool_dtypes() {
        let data: Vec<u8> = [-3i64, 7].iter().flat_map(|v| v.to_le_bytes()).collect();
        let a: Array1<f64> = read_npy_from(&raw("<i8", false, "(2,)", &data, 1)[..], "t").unwrap();
        assert_eq!(a, array![-3.0, 7.0]);

        let data: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let a: Array1<f32> = read_npy_from(&raw(">f4", false, "(2,)", &data, 1)[..], "t").unwrap();
        assert_eq!(a, array![1.5f32, -2.0]);

        let a: ArrayD<f64> =
            read_npy_from(&raw("|b1", false, "(3,)", &[0, 1, 2], 1)[..], "t").unwrap();
        assert_eq!(a.into_raw_vec_and_offset().0, vec![0.0, 1.0, 1.0]);
    }

    #[test]
    fn zero_sized_and_scalar_arrays() {
        let a = Array2::<f64>::zeros((0, 3));
        let mut bytes = Vec::new();
        write_npy_to(&mut bytes, &a, "t").unwrap();
        let b: Array2<f64> = read_npy_from(&bytes[..], "t").unwrap();
        assert_eq!(b.dim(), (0, 3));

        let s = ndarray::arr0(2.5f64);
        let mut bytes = Vec::new();
        write_npy_to(&mut bytes, &s, "t").unwrap();
        let back: ndarray::Array0<f64> = read_npy_from(&bytes[..], "t").unwrap();
        assert_eq!(back[()], 2.5);
    }

    #[test]
    fn non_standard_layouts_are_written_in_logical_order() {
        let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let t = a.t();
        let mut bytes = Vec::new();
        write_npy_to(&mut bytes, &t, "t").unwrap();
        let back = read_npy_from::<f32, Ix2>(&bytes[..], "t").unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn huge_shapes_are_rejected_without_allocating() {
        let bytes = raw("<f8", false, "(4611686018427387904, 4)", &[], 1);
        assert!(read_npy_from::<f64, Ix2>(&bytes[..], "t").is_err());
        let bytes = raw("<f8", false, "(1000000000, 1000)", &[0; 16], 1);
        assert!(read_npy_from::<f64, Ix2>(&bytes[..], "t").is_err());
    }
}

//! `.npy` round trips through files and memory, and malformed inputs.

use std::path::PathBuf;

use ndarray::{Array1, Array2, Array3, ArrayD, Ix1, Ix2, array};
use oxlearn::Error;
use oxlearn_datasets::npy::{read_npy, read_npy_from, write_npy, write_npy_to};
use proptest::prelude::*;

fn temp_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oxlearn-datasets-npy");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

fn to_bytes<A: oxlearn_datasets::npy::NpyElement, D: ndarray::Dimension>(
    a: &ndarray::Array<A, D>,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_npy_to(&mut bytes, a, "<memory>").unwrap();
    bytes
}

#[test]
fn file_round_trips_f64_f32_and_1d() {
    let a = array![[1.5f64, -2.0, f64::NAN], [4.0, f64::INFINITY, 6.25]];
    let path = temp_path("a.npy");
    write_npy(&path, &a).unwrap();
    let back: Array2<f64> = read_npy(&path).unwrap();
    assert_eq!(back.dim(), (2, 3));
    assert!(
        back.iter()
            .zip(&a)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
    );

    let b = array![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
    write_npy(&path, &b).unwrap();
    assert_eq!(read_npy::<f32, Ix2>(&path).unwrap(), b);
    // f4 data read as f64 is exact.
    assert_eq!(read_npy::<f64, Ix2>(&path).unwrap(), b.mapv(f64::from));

    let c = Array1::linspace(0.0f64, 1.0, 7);
    write_npy(&path, &c).unwrap();
    assert_eq!(read_npy::<f64, Ix1>(&path).unwrap(), c);
    let dynamic: ArrayD<f64> = read_npy(&path).unwrap();
    assert_eq!(dynamic.shape(), &[7]);

    let d = Array3::<f64>::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
    write_npy(&path, &d).unwrap();
    assert_eq!(read_npy::<f64, ndarray::Ix3>(&path).unwrap(), d);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn header_is_what_numpy_writes() {
    let bytes = to_bytes(&Array2::<f64>::zeros((3, 4)));
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + header_len) % 64, 0);
    let text = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    assert!(text.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"));
    assert!(text.ends_with(" \n"));
    assert_eq!(bytes.len(), 10 + header_len + 3 * 4 * 8);
    let one_d = to_bytes(&Array1::<f32>::zeros(5));
    let text = String::from_utf8_lossy(&one_d[10..74]);
    assert!(
        text.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"),
        "{text}"
    );
}

fn expect_parse_error<T: std::fmt::Debug>(result: oxlearn::Result<T>, needle: &str) {
    match result {
        Err(err @ Error::Parse { .. }) => {
            assert!(
                err.to_string().contains(needle),
                "`{err}` should mention `{needle}`"
            )
        }
        other => panic!("expected a parse error mentioning `{needle}`, got {other:?}"),
    }
}

#[test]
fn malformed_files_are_errors() {
    let good = to_bytes(&array![[1.0f64, 2.0], [3.0, 4.0]]);

    let mut bad_magic = good.clone();
    bad_magic[1] = b'X';
    expect_parse_error(read_npy_from::<f64, Ix2>(&bad_magic[..], "m"), "magic");

    expect_parse_error(read_npy_from::<f64, Ix2>(&good[..5], "m"), "magic");
    expect_parse_error(read_npy_from::<f64, Ix2>(&good[..9], "m"), "header length");
    expect_parse_error(
        read_npy_from::<f64, Ix2>(&good[..40], "m"),
        "truncated header",
    );
    expect_parse_error(
        read_npy_from::<f64, Ix2>(&good[..good.len() - 1], "m"),
        "truncated data",
    );

    let mut version = good.clone();
    version[6] = 9;
    expect_parse_error(read_npy_from::<f64, Ix2>(&version[..], "m"), "version 9.0");

    let mut dtype = good.clone();
    let pos = dtype.windows(3).position(|w| w == b"<f8").unwrap();
    dtype[pos + 1] = b'c';
    expect_parse_error(
        read_npy_from::<f64, Ix2>(&dtype[..], "m"),
        "unsupported dtype `<c8`",
    );

    expect_parse_error(
        read_npy_from::<f64, Ix1>(&good[..], "m"),
        "expected a 1-dimensional array",
    );
    expect_parse_error(
        read_npy_from::<f32, ndarray::Ix3>(&good[..], "m"),
        "shape [2, 2]",
    );

    // Trailing data is an error for files, ignored for streams.
    let path = temp_path("trailing.npy");
    let mut trailing = good.clone();
    trailing.push(0);
    std::fs::write(&path, &trailing).unwrap();
    expect_parse_error(read_npy::<f64, Ix2>(&path), "after the end");
    assert!(read_npy_from::<f64, Ix2>(&trailing[..], "m").is_ok());
    std::fs::remove_file(&path).unwrap();

    assert!(matches!(
        read_npy::<f64, Ix2>(temp_path("missing.npy")),
        Err(Error::Io { .. })
    ));
    expect_parse_error(read_npy_from::<f64, Ix2>(&b""[..], "m"), "magic");
}

#[test]
fn fortran_order_files_are_read_in_logical_order() {
    // Header of a 2 x 3 Fortran-order f8 array, written by hand.
    let dict = b"{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    let mut header = dict.to_vec();
    while !(12 + header.len() + 1).is_multiple_of(64) {
        header.push(b' ');
    }
    header.push(b'\n');
    bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&header);
    for v in [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let a: Array2<f64> = read_npy_from(&bytes[..], "f").unwrap();
    assert_eq!(a, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip_any_f64_matrix(rows in 0usize..6, cols in 0usize..6, seed in any::<u64>()) {
        let a = Array2::from_shape_fn((rows, cols), |(i, j)| {
            f64::from_bits(seed.rotate_left((i * 7 + j) as u32) ^ (i as u64 * 31 + j as u64))
        });
        let back: Array2<f64> = read_npy_from(&to_bytes(&a)[..], "p").unwrap();
        prop_assert_eq!(back.dim(), a.dim());
        prop_assert!(back.iter().zip(&a).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn round_trip_any_f32_vector(values in proptest::collection::vec(any::<f32>(), 0..40)) {
        let a = Array1::from(values);
        let back: Array1<f32> = read_npy_from(&to_bytes(&a)[..], "p").unwrap();
        prop_assert!(back.iter().zip(&a).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn corrupted_bytes_never_panic(index in 0usize..200, byte in any::<u8>(), cut in 0usize..200) {
        let mut bytes = to_bytes(&array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let i = index % bytes.len();
        bytes[i] = byte;
        bytes.truncate(bytes.len() - cut.min(bytes.len()) / 4);
        let _ = read_npy_from::<f64, Ix2>(&bytes[..], "p");
        let _ = read_npy_from::<f32, ndarray::IxDyn>(&bytes[..], "p");
    }
}

//! Input checks shared by every estimator, with messages that name the problem.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::check;
//!
//! let x = array![[1.0, f64::NAN], [2.0, 3.0]];
//! let err = check::finite(x.view(), "training records").unwrap_err();
//! assert!(err.to_string().contains("row 0, column 1"));
//! assert!(check::n_features(x.view(), 3).is_err());
//! ```

use ndarray::{ArrayView1, ArrayView2};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::float::Float;

/// A `rows x cols` array of `T` must be addressable (at most `isize::MAX`
/// bytes, as Rust allocations are); returns its number of cells.
///
/// ```
/// use oxlearn::check;
///
/// assert_eq!(check::allocatable::<f64>(3, 4, "output").unwrap(), 12);
/// assert!(check::allocatable::<f64>(usize::MAX, 2, "output").is_err());
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] naming `what` otherwise.
pub fn allocatable<T>(rows: usize, cols: usize, what: &str) -> Result<usize> {
    rows.checked_mul(cols)
        .filter(|&cells| {
            cells
                .checked_mul(size_of::<T>())
                .is_some_and(|bytes| bytes <= isize::MAX as usize)
        })
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{what} of {rows} rows x {cols} columns is too large to allocate"
            ))
        })
}

/// `x` must have at least one row and one column.
///
/// # Errors
/// [`Error::EmptyData`] otherwise.
pub fn non_empty<F>(x: ArrayView2<'_, F>, what: &str) -> Result<()> {
    if x.nrows() == 0 {
        return Err(Error::empty(format!("{what} have no samples (0 rows)")));
    }
    if x.ncols() == 0 {
        return Err(Error::empty(format!("{what} have no features (0 columns)")));
    }
    Ok(())
}

/// Every value of `x` must be finite.
///
/// # Errors
/// [`Error::NonFinite`] naming the first bad cell.
pub fn finite<F: Float>(x: ArrayView2<'_, F>, what: &str) -> Result<()> {
    reject(x, what, |v| !v.is_finite())
}

/// The first cell of `x` for which `bad` holds, as an [`Error::NonFinite`].
fn reject<F: Float>(
    x: ArrayView2<'_, F>,
    what: &str,
    bad: impl Fn(F) -> bool + Sync,
) -> Result<()> {
    // The common case, no bad value, checked without branches (so that it
    // vectorises) over blocks in parallel; the slow search only on failure.
    let any_bad = match x.as_slice_memory_order() {
        Some(all) => all
            .par_chunks(1 << 14)
            .any(|block| block.iter().fold(false, |acc, &v| acc | bad(v))),
        None => x.iter().any(|&v| bad(v)),
    };
    if !any_bad {
        return Ok(());
    }
    match x.indexed_iter().find(|(_, v)| bad(**v)) {
        Some(((row, column), v)) => Err(Error::NonFinite {
            what: what.to_string(),
            row,
            column,
            value: v.to_string(),
        }),
        None => Ok(()),
    }
}

/// Every value of `y` must be finite.
///
/// # Errors
/// [`Error::NonFinite`] naming the first bad entry.
pub fn finite_1d<F: Float>(y: ArrayView1<'_, F>, what: &str) -> Result<()> {
    match y.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(row) => Err(Error::NonFinite {
            what: what.to_string(),
            row,
            column: 0,
            value: y[row].to_string(),
        }),
    }
}

/// Records for an estimator that does not accept missing values: non-empty and
/// finite.
///
/// # Errors
/// As [`non_empty`] and [`finite`].
pub fn records<F: Float>(x: ArrayView2<'_, F>, what: &str) -> Result<()> {
    non_empty(x, what)?;
    finite(x, what)
}

/// Records for an estimator that treats NaN as missing: non-empty, no infinity.
///
/// # Errors
/// As [`non_empty`]; [`Error::NonFinite`] for an infinite value.
pub fn records_allow_nan<F: Float>(x: ArrayView2<'_, F>, what: &str) -> Result<()> {
    non_empty(x, what)?;
    reject(x, what, |v| v.is_infinite())
}

/// `x` must have `expected` columns, the number seen at fit.
///
/// # Errors
/// [`Error::ShapeMismatch`] otherwise.
pub fn n_features<F>(x: ArrayView2<'_, F>, expected: usize) -> Result<()> {
    if x.ncols() == expected {
        Ok(())
    } else {
        Err(Error::shape_mismatch(
            "number of features",
            format!("{expected} features (as at fit)"),
            format!("{} features", x.ncols()),
        ))
    }
}

/// At least `needed` samples.
///
/// # Errors
/// [`Error::TooFewSamples`] otherwise.
pub fn min_samples(actual: usize, needed: usize, what: &str) -> Result<()> {
    if actual >= needed {
        Ok(())
    } else {
        Err(Error::TooFewSamples {
            what: what.to_string(),
            needed,
            actual,
        })
    }
}

/// Two lengths that must agree.
///
/// # Errors
/// [`Error::ShapeMismatch`] otherwise.
pub fn same_length(expected: usize, actual: usize, what: &str) -> Result<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::shape_mismatch(
            what,
            format!("length {expected}"),
            format!("length {actual}"),
        ))
    }
}

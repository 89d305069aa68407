//! Shared helpers: row-parallel maps, column reductions and model checks.

use ndarray::{Array2, ArrayView1, ArrayView2};
use oxlearn::parallel::chunk_ranges;
use oxlearn::{Error, Float, check};
use rayon::prelude::*;

/// Rows per parallel chunk: a fixed partition, so results do not depend on
/// the number of threads.
pub(crate) const CHUNK_ROWS: usize = 4096;

/// Output columns (or bins, knots) above which fitting is refused: a guard
/// against a hyperparameter whose output would not fit in memory.
pub(crate) const MAX_OUTPUT_FEATURES: usize = 1 << 20;

/// An error naming `name` when `value` exceeds [`MAX_OUTPUT_FEATURES`].
pub(crate) fn check_output_size(name: &str, value: usize) -> Result<(), Error> {
    oxlearn::params::check_at_most(name, value, MAX_OUTPUT_FEATURES)
}

/// Output cells per parallel chunk of [`map_rows`]: small enough that the
/// threads share the writing (and first touch) of the output evenly.
const CHUNK_CELLS: usize = 1 << 15;

/// `n_out` output columns per row computed by `f(input_row, output_row)`, in
/// parallel over chunks of rows (each row's output depends on that row only,
/// so the partition does not change the result).
pub(crate) fn map_rows<F: Float>(
    x: ArrayView2<'_, F>,
    n_out: usize,
    f: impl Fn(&[F], &mut [F]) + Sync,
) -> Result<Array2<F>, Error> {
    let n = x.nrows();
    let d = x.ncols();
    let size = check::allocatable::<F>(n, n_out, "the output")?;
    let x = x.as_standard_layout();
    let mut out = vec![F::zero(); size];
    if n > 0 {
        let input = x
            .as_slice()
            .ok_or_else(|| Error::InvalidInput("records are not contiguous".into()))?;
        if d == 0 || n_out == 0 {
            for i in 0..n {
                f(
                    &input[i * d..(i + 1) * d],
                    &mut out[i * n_out..(i + 1) * n_out],
                );
            }
        } else {
            let rows = (CHUNK_CELLS / n_out).clamp(1, CHUNK_ROWS);
            out.par_chunks_mut(rows * n_out)
                .zip(input.par_chunks(rows * d))
                .for_each(|(o, i)| {
                    for (row_in, row_out) in i.chunks_exact(d).zip(o.chunks_exact_mut(n_out)) {
                        f(row_in, row_out);
                    }
                });
        }
    }
    Array2::from_shape_vec((n, n_out), out).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// Per-chunk accumulators of length `width`, computed in parallel by
/// `f(rows_of_chunk, row_offset, accumulator)` and combined in chunk order
/// with `combine(total, chunk)`.
pub(crate) fn reduce_rows<F: Float>(
    x: ArrayView2<'_, F>,
    width: usize,
    init: f64,
    f: impl Fn(&[F], usize, &mut [f64]) + Sync,
    combine: impl Fn(&mut [f64], &[f64]),
) -> Result<Vec<f64>, Error> {
    let n = x.nrows();
    let d = x.ncols();
    let x = x.as_standard_layout();
    let input = x
        .as_slice()
        .ok_or_else(|| Error::InvalidInput("records are not contiguous".into()))?;
    let parts: Vec<Vec<f64>> = chunk_ranges(n, CHUNK_ROWS)
        .into_par_iter()
        .map(|r| {
            let mut acc = vec![init; width];
            f(&input[r.start * d..r.end * d], r.start, &mut acc);
            acc
        })
        .collect();
    let mut total = vec![init; width];
    for p in &parts {
        combine(&mut total, p);
    }
    Ok(total)
}

/// The names of the input columns: `input` when it has one name per column,
/// else the names seen at fit.
pub(crate) fn names_or(input: &[String], fitted: &[String]) -> Vec<String> {
    if input.len() == fitted.len() {
        input.to_vec()
    } else {
        fitted.to_vec()
    }
}

/// Every statistic of a fitted model must have one entry per input feature
/// (a deserialised model could break this).
pub(crate) fn check_lengths<F>(
    model: &str,
    n_features: usize,
    arrays: &[(&str, ArrayView1<'_, F>)],
) -> Result<(), Error> {
    for (name, a) in arrays {
        if a.len() != n_features {
            return Err(Error::InvalidModel(format!(
                "{model}: `{name}` has {} entries, expected {n_features} (one per feature)",
                a.len()
            )));
        }
    }
    Ok(())
}

/// Replaces scales too small to divide by with 1, as scikit-learn's
/// `_handle_zeros_in_scale` (below 10 machine epsilons of `F`).
pub(crate) fn handle_zeros<F: Float>(scale: F) -> F {
    if scale < F::cast(10.0) * F::epsilon() {
        F::one()
    } else {
        scale
    }
}

/// Formats a category value: integers without a fractional part, NaN as `nan`.
pub(crate) fn format_value<F: Float>(v: F) -> String {
    if v.is_nan() {
        "nan".to_string()
    } else if v.fract() == F::zero() && v.abs() < F::cast(1e15) {
        format!("{}", v.as_f64() as i64)
    } else {
        format!("{v}")
    }
}

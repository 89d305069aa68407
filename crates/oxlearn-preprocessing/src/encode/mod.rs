//! Categorical encoders: [`OneHotEncoder`] and [`OrdinalEncoder`] for
//! feature columns, [`LabelEncoder`] for targets.
//!
//! Feature columns hold category values as numbers: the integer codes of
//! `oxlearn-datasets` (whose names come from
//! [`DatasetView::categories`](oxlearn::DatasetView::categories) at fit), or
//! any other numbers. The categories of a column are the distinct values seen
//! at fit, sorted, with NaN (missing) last as a category of its own, exactly
//! as scikit-learn sorts string or numeric categories.

mod label;
mod onehot;
mod ordinal;
mod target;

use ndarray::ArrayView2;
use oxlearn::Float;
use rayon::prelude::*;

pub use label::{LabelEncoder, LabelEncoderModel};
pub use onehot::{DropCategory, HandleUnknown, MinFrequency, OneHotEncoder, OneHotEncoderModel};
pub use ordinal::{OrdinalEncoder, OrdinalEncoderModel, OrdinalUnknown};
pub use target::{EncoderTarget, Smooth, TargetEncoder, TargetEncoderModel, TargetType};

use crate::error::PreprocessingError;
use crate::util::{CHUNK_ROWS, format_value};

/// The categories of every column of `x`, named by the dataset's category
/// names (`names[j]`) where it has them.
///
/// One row-major pass counts the columns holding small integer codes (the
/// usual categorical column); a column with any other value is then sorted
/// on its own.
pub(crate) fn fit_columns<F: Float>(
    x: ArrayView2<'_, F>,
    names: &[Option<Vec<String>>],
) -> Vec<ColumnCategories> {
    let tally = Tally::of(x);
    tally
        .by_code
        .into_par_iter()
        .zip(tally.n_nan)
        .zip(tally.other)
        .enumerate()
        .map(|(j, ((by_code, n_nan), other))| {
            let names = names.get(j).and_then(|n| n.as_deref());
            let (distinct, counts) = if other {
                count_sorted(
                    x.column(j)
                        .iter()
                        .filter(|v| !v.is_nan())
                        .map(|v| v.as_f64() + 0.0)
                        .collect(),
                )
            } else {
                by_code
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, c)| c > 0)
                    .map(|(code, c)| (code as f64, c))
                    .unzip()
            };
            ColumnCategories::new(distinct, counts, n_nan, names)
        })
        .collect()
}

/// Largest integer code (exclusive) counted directly by [`Tally`].
const MAX_CODE: usize = 1 << 16;

/// Per-column counts of the integer codes `0..MAX_CODE` and of NaN, from
/// one pass over the rows. Counts are integers, so the result does not
/// depend on how the rows are split between threads.
#[derive(Debug, Clone, PartialEq)]
struct Tally {
    /// Samples per code, per column (`-0.0` counts as code 0).
    by_code: Vec<Vec<usize>>,
    /// NaN per column.
    n_nan: Vec<usize>,
    /// Whether a column holds a value that is not a code (then its counts
    /// are incomplete and it is sorted instead).
    other: Vec<bool>,
}

impl Tally {
    fn empty(d: usize) -> Self {
        Tally {
            by_code: vec![Vec::new(); d],
            n_nan: vec![0; d],
            other: vec![false; d],
        }
    }

    /// The tally of every column of `x`, in parallel over blocks of rows.
    fn of<F: Float>(x: ArrayView2<'_, F>) -> Self {
        let d = x.ncols();
        let x = x.as_standard_layout();
        match x.as_slice() {
            Some(cells) if d > 0 => cells
                .par_chunks(CHUNK_ROWS * d)
                .fold(
                    || Tally::empty(d),
                    |mut t, rows| {
                        t.add_rows(rows, d);
                        t
                    },
                )
                .reduce(|| Tally::empty(d), Tally::merge),
            _ => Tally::empty(d),
        }
    }

    /// Counts `rows` (row-major, `d` columns). Consecutive cells go to
    /// different columns' counters, so increments do not wait on each other.
    fn add_rows<F: Float>(&mut self, rows: &[F], d: usize) {
        for row in rows.chunks_exact(d) {
            for (j, &v) in row.iter().enumerate() {
                let v = v.as_f64();
                // Saturating: NaN, negatives and fractions fail the equality.
                let code = v as usize;
                match self.by_code[j].get_mut(code) {
                    Some(c) if code as f64 == v => *c += 1,
                    _ => self.add_rare(j, v, code),
                }
            }
        }
    }

    /// A cell the direct count did not take: NaN, a code past the column's
    /// table (which grows), or a value that is not a code.
    #[cold]
    fn add_rare(&mut self, j: usize, v: f64, code: usize) {
        if v.is_nan() {
            self.n_nan[j] += 1;
        } else if code as f64 == v && code < MAX_CODE {
            let table = &mut self.by_code[j];
            table.resize(table.len().max(code + 1), 0);
            table[code] += 1;
        } else {
            self.other[j] = true;
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        for (j, table) in other.by_code.into_iter().enumerate() {
            let mine = &mut self.by_code[j];
            if mine.len() < table.len() {
                mine.resize(table.len(), 0);
            }
            for (m, c) in mine.iter_mut().zip(table) {
                *m += c;
            }
            self.n_nan[j] += other.n_nan[j];
            self.other[j] |= other.other[j];
        }
        self
    }
}

/// The first cell of `x` (row by row) whose value `known(column, value)`
/// rejects, as an [`PreprocessingError::UnknownCategory`]; `Ok` when every
/// value is known.
pub(crate) fn first_unknown<F: Float>(
    x: ArrayView2<'_, F>,
    feature_names: &[String],
    known: impl Fn(usize, F) -> bool,
) -> Result<(), PreprocessingError> {
    for row in x.rows() {
        for (j, &v) in row.iter().enumerate() {
            if !known(j, v) {
                return Err(PreprocessingError::UnknownCategory {
                    column: j,
                    name: feature_names.get(j).cloned().unwrap_or_default(),
                    value: format_value(v),
                });
            }
        }
    }
    Ok(())
}

/// Distinct values and their counts, ascending, by sorting.
fn count_sorted(mut values: Vec<f64>) -> (Vec<f64>, Vec<usize>) {
    values.sort_unstable_by(f64::total_cmp);
    let mut distinct: Vec<f64> = Vec::new();
    let mut counts = Vec::new();
    for v in values {
        if distinct.last() == Some(&v) {
            if let Some(c) = counts.last_mut() {
                *c += 1;
            }
        } else {
            distinct.push(v);
            counts.push(1);
        }
    }
    (distinct, counts)
}

/// The categories of one column: sorted distinct non-NaN values, their
/// counts, and the number of NaN.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct ColumnCategories {
    /// Sorted distinct observed values (NaN excluded).
    pub values: Vec<f64>,
    /// The display name of each value, then `"nan"` when `has_nan`.
    pub names: Vec<String>,
    /// Samples per category (NaN last when `has_nan`).
    pub counts: Vec<usize>,
    /// Whether NaN was seen at fit (it is then the last category).
    pub has_nan: bool,
}

impl ColumnCategories {
    /// The categories from the sorted distinct non-NaN values, their
    /// counts and the number of NaN; `names` are the dataset's category
    /// names for integer codes (`None` for a numeric column).
    fn new(
        distinct: Vec<f64>,
        mut counts: Vec<usize>,
        n_nan: usize,
        names: Option<&[String]>,
    ) -> Self {
        let mut display: Vec<String> = distinct
            .iter()
            .map(|&v| {
                let code = v as usize;
                match names {
                    Some(n) if v >= 0.0 && v.fract() == 0.0 && code < n.len() => n[code].clone(),
                    _ => format_value(v),
                }
            })
            .collect();
        if n_nan > 0 {
            display.push("nan".to_string());
            counts.push(n_nan);
        }
        ColumnCategories {
            values: distinct,
            names: display,
            counts,
            has_nan: n_nan > 0,
        }
    }

    /// Number of categories, NaN included.
    pub fn len(&self) -> usize {
        self.values.len() + usize::from(self.has_nan)
    }

    /// The category index of `v` (NaN: the last one), `None` if unseen.
    pub fn index_of<F: Float>(&self, v: F) -> Option<usize> {
        let v = v.as_f64();
        if v.is_nan() {
            return self.has_nan.then_some(self.values.len());
        }
        let v = v + 0.0;
        // Integer codes 0, 1, 2, ... sit at their own index: checked in O(1).
        let at = v as usize;
        if v >= 0.0 && self.values.get(at) == Some(&v) {
            return Some(at);
        }
        self.values.binary_search_by(|c| c.total_cmp(&v)).ok()
    }

    /// The value of category `k` (NaN for the missing category).
    pub fn value(&self, k: usize) -> f64 {
        self.values.get(k).copied().unwrap_or(f64::NAN)
    }

    /// Checks the invariants a deserialised model might break.
    pub fn is_consistent(&self) -> bool {
        self.names.len() == self.len()
            && self.counts.len() == self.len()
            && self.values.windows(2).all(|w| w[0] < w[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The categories of one column by sorting alone, as a reference.
    fn sorted_reference(column: &[f64], names: Option<&[String]>) -> ColumnCategories {
        let n_nan = column.iter().filter(|v| v.is_nan()).count();
        let values = column.iter().filter(|v| !v.is_nan()).map(|v| v + 0.0);
        let (distinct, counts) = count_sorted(values.collect());
        ColumnCategories::new(distinct, counts, n_nan, names)
    }

    #[test]
    fn counting_codes_matches_sorting() {
        // Columns: codes; codes with NaN and -0.0; a fraction; a negative;
        // a code past the direct range; all NaN. Enough rows for several
        // blocks, so the per-thread tallies are merged.
        let n = 3 * CHUNK_ROWS + 17;
        let x = ndarray::Array2::from_shape_fn((n, 6), |(i, j)| match j {
            0 => ((i * 7) % 5) as f64,
            1 if i % 11 == 0 => f64::NAN,
            1 if i % 13 == 0 => -0.0,
            1 => (i % 300) as f64,
            2 if i == n - 1 => 2.5,
            3 if i == 5 => -1.0,
            4 if i == CHUNK_ROWS => MAX_CODE as f64,
            5 => f64::NAN,
            _ => (i % 3) as f64,
        });
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let per_column = vec![Some(names.clone()), None, None, None, None, None];
        let fitted = fit_columns(x.view(), &per_column);
        for (j, c) in fitted.iter().enumerate() {
            let column = x.column(j).to_vec();
            let names = per_column[j].as_deref();
            assert_eq!(*c, sorted_reference(&column, names), "column {j}");
        }
        assert_eq!(fitted[0].names, ["a", "b", "c", "3", "4"]);
        assert_eq!(fitted[5].names, ["nan"]);
        let tally = Tally::of(x.view());
        assert_eq!(tally.other, [false, false, true, true, true, false]);
        let mut serial = Tally::empty(6);
        serial.add_rows(x.as_slice().expect("contiguous"), 6);
        assert_eq!(tally, serial);
    }

    #[test]
    fn categories_sorted_with_nan_last() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let values = ndarray::array![[2.0], [f64::NAN], [0.0], [2.0], [-0.0]];
        let c = fit_columns(values.view(), &[Some(names)]).remove(0);
        assert_eq!(c.values, vec![0.0, 2.0]);
        assert_eq!(c.names, vec!["a", "c", "nan"]);
        assert_eq!(c.counts, vec![2, 2, 1]);
        assert_eq!(c.index_of(f64::NAN), Some(2));
        assert_eq!(c.index_of(-0.0), Some(0));
        assert_eq!(c.index_of(1.0), None);
        assert!(c.is_consistent());
        // Without names, values are printed; integers without a fraction.
        let c = fit_columns(ndarray::array![[1.5f32], [3.0]].view(), &[None]).remove(0);
        assert_eq!(c.names, vec!["1.5", "3"]);
    }
}

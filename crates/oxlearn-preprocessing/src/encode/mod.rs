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
use crate::util::format_value;

/// The categories of every column of `x`, named by the dataset's category
/// names (`names[j]`) where it has them.
pub(crate) fn fit_columns<F: Float>(
    x: ArrayView2<'_, F>,
    names: &[Option<Vec<String>>],
) -> Vec<ColumnCategories> {
    (0..x.ncols())
        .into_par_iter()
        .map(|j| {
            let names = names.get(j).and_then(|n| n.as_deref());
            ColumnCategories::fit(x.column(j).iter().copied(), names)
        })
        .collect()
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

/// Distinct values and their counts, ascending, when every value is a
/// small non-negative integer (the usual integer-coded categorical column):
/// counted by code in one pass. `None` otherwise.
fn count_codes(values: impl Iterator<Item = f64> + Clone) -> Option<(Vec<f64>, Vec<usize>)> {
    const MAX_CODE: f64 = 65_536.0;
    let max = values.clone().try_fold(0.0f64, |m, v| {
        ((0.0..MAX_CODE).contains(&v) && v == (v as u32) as f64).then(|| m.max(v))
    })?;
    let mut by_code = vec![0usize; max as usize + 1];
    for v in values {
        by_code[v as usize] += 1;
    }
    Some(
        by_code
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(code, c)| (code as f64, c))
            .unzip(),
    )
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
    /// Finds the categories of `column`; `names` are the dataset's category
    /// names for integer codes (`None` for a numeric column).
    pub fn fit<F: Float>(
        column: impl Iterator<Item = F> + Clone,
        names: Option<&[String]>,
    ) -> Self {
        let n_nan = column.clone().filter(|v| v.is_nan()).count();
        // -0.0 and 0.0 are one category.
        let values = column.filter(|v| !v.is_nan()).map(|v| v.as_f64() + 0.0);
        let (distinct, mut counts) =
            count_codes(values.clone()).unwrap_or_else(|| count_sorted(values.collect()));
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

    #[test]
    fn counting_codes_matches_sorting() {
        let cases: [&[f64]; 4] = [&[3.0, 0.0, -0.0, 3.0, 7.0], &[2.0], &[], &[5.0, 5.0, 1.0]];
        for values in cases {
            let values: Vec<f64> = values.iter().map(|v| v + 0.0).collect();
            let direct = count_codes(values.iter().copied()).expect("small integer codes");
            assert_eq!(direct, count_sorted(values.clone()));
        }
        assert!(count_codes([1.5, 2.0].into_iter()).is_none());
        assert!(count_codes([70_000.0].into_iter()).is_none());
        assert!(count_codes([-1.0].into_iter()).is_none());
    }

    #[test]
    fn categories_sorted_with_nan_last() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let values = [2.0, f64::NAN, 0.0, 2.0, -0.0];
        let c = ColumnCategories::fit(values.iter().copied(), Some(&names));
        assert_eq!(c.values, vec![0.0, 2.0]);
        assert_eq!(c.names, vec!["a", "c", "nan"]);
        assert_eq!(c.counts, vec![2, 2, 1]);
        assert_eq!(c.index_of(f64::NAN), Some(2));
        assert_eq!(c.index_of(-0.0), Some(0));
        assert_eq!(c.index_of(1.0), None);
        assert!(c.is_consistent());
        // Without names, values are printed; integers without a fraction.
        let c = ColumnCategories::fit([1.5f32, 3.0].iter().copied(), None);
        assert_eq!(c.names, vec!["1.5", "3"]);
    }
}

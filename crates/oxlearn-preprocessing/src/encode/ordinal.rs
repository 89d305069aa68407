//! [`OrdinalEncoder`]: each category as its index.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::{Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use super::{ColumnCategories, first_unknown, fit_columns};
use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::map_rows;

/// What an [`OrdinalEncoder`] does with a category not seen at fit
/// (scikit-learn's `handle_unknown` and `unknown_value` in one).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OrdinalUnknown {
    /// Return an error naming the column and the value (the default).
    #[default]
    Error,
    /// Encode it as this value: an integer that is not a category index of
    /// any column, or NaN.
    UseEncodedValue(f64),
}

/// Encodes each categorical column as the index of its category (0, 1, ...
/// in sorted order), as scikit-learn's `OrdinalEncoder`.
///
/// Categories are the distinct values of each column at fit, sorted. A
/// missing value (NaN) seen at fit is encoded as `encoded_missing_value`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `handle_unknown` (default [`OrdinalUnknown::Error`]);
/// - `encoded_missing_value` (default NaN; else an integer that is not a
///   category index of a column with missing values).
///
/// Sample weights are accepted and not used (scikit-learn takes none).
/// `min_frequency` and `max_categories` are not offered here.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, OrdinalEncoder, OrdinalUnknown};
///
/// let data = Dataset::from_records(array![[10.0], [30.0], [f64::NAN], [10.0]]);
/// let model = OrdinalEncoder::default()
///     .handle_unknown(OrdinalUnknown::UseEncodedValue(-1.0))
///     .encoded_missing_value(-2.0)
///     .fit(data.view())?;
/// let codes = model.transform(array![[30.0], [f64::NAN], [20.0]].view())?;
/// assert_eq!(codes, array![[1.0], [-2.0], [-1.0]]);
/// assert_eq!(model.inverse_transform(array![[0.0]].view())?, array![[10.0]]);
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrdinalEncoder {
    /// What to do with unseen categories (default [`OrdinalUnknown::Error`]).
    pub handle_unknown: OrdinalUnknown,
    /// The code of missing values seen at fit (default NaN).
    pub encoded_missing_value: f64,
}

impl Default for OrdinalEncoder {
    fn default() -> Self {
        OrdinalEncoder {
            handle_unknown: OrdinalUnknown::Error,
            encoded_missing_value: f64::NAN,
        }
    }
}

impl OrdinalEncoder {
    /// Sets `handle_unknown`.
    pub fn handle_unknown(mut self, handle_unknown: OrdinalUnknown) -> Self {
        self.handle_unknown = handle_unknown;
        self
    }

    /// Sets `encoded_missing_value`.
    pub fn encoded_missing_value(mut self, value: f64) -> Self {
        self.encoded_missing_value = value;
        self
    }
}

fn integer_or_nan(v: f64) -> bool {
    v.is_nan() || (v.is_finite() && v.fract() == 0.0)
}

impl Params for OrdinalEncoder {
    fn validate(&self) -> Result<(), Error> {
        if let OrdinalUnknown::UseEncodedValue(v) = self.handle_unknown
            && !integer_or_nan(v)
        {
            return Err(Error::invalid_parameter(
                "unknown_value",
                "an integer or NaN",
                v,
            ));
        }
        if !integer_or_nan(self.encoded_missing_value) {
            return Err(Error::invalid_parameter(
                "encoded_missing_value",
                "an integer or NaN",
                self.encoded_missing_value,
            ));
        }
        Ok(())
    }
}

/// A fitted [`OrdinalEncoder`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrdinalEncoderModel {
    params: OrdinalEncoder,
    columns: Vec<ColumnCategories>,
    feature_names_in: Vec<String>,
}

impl<F: Float, T> Fit<F, T> for OrdinalEncoder {
    type Model = OrdinalEncoderModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<OrdinalEncoderModel, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "OrdinalEncoder training records")?;
        let names = data.categories();
        let feature_names = data.feature_names();
        let columns = fit_columns(x, &names);
        for (j, c) in columns.iter().enumerate() {
            let used = |v: f64| v >= 0.0 && v < c.values.len() as f64;
            if let OrdinalUnknown::UseEncodedValue(v) = self.handle_unknown
                && used(v)
            {
                return Err(Error::invalid_parameter(
                    "unknown_value",
                    format!(
                        "a value that is not a category index (column {j}, `{}`, uses 0..{})",
                        feature_names[j],
                        c.values.len()
                    ),
                    v,
                )
                .into());
            }
            if c.has_nan && used(self.encoded_missing_value) {
                return Err(Error::invalid_parameter(
                    "encoded_missing_value",
                    format!(
                        "a value that is not a category index (column {j}, `{}`, has missing \
                         values and uses 0..{})",
                        feature_names[j],
                        c.values.len()
                    ),
                    self.encoded_missing_value,
                )
                .into());
            }
        }
        Ok(OrdinalEncoderModel {
            params: *self,
            columns,
            feature_names_in: feature_names,
        })
    }
}

impl OrdinalEncoderModel {
    /// The category names of each input column, in code order (NaN as `nan`, last).
    pub fn categories(&self) -> Vec<&[String]> {
        self.columns.iter().map(|c| c.names.as_slice()).collect()
    }

    /// The category values of each input column (NaN last when seen at fit).
    pub fn category_values(&self) -> Vec<Vec<f64>> {
        self.columns
            .iter()
            .map(|c| (0..c.len()).map(|k| c.value(k)).collect())
            .collect()
    }

    fn check<F>(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        if self.feature_names_in.len() != self.columns.len()
            || !self.columns.iter().all(ColumnCategories::is_consistent)
        {
            return Err(Error::InvalidModel(
                "OrdinalEncoderModel: categories and names are inconsistent".into(),
            ));
        }
        check::n_features(x, self.columns.len())
    }

    /// The code of `v` in column `j`, `None` when unknown with `Error`.
    fn code<F: Float>(&self, j: usize, v: F) -> Option<F> {
        let c = &self.columns[j];
        match c.index_of(v) {
            Some(k) if k == c.values.len() => Some(F::cast(self.params.encoded_missing_value)),
            Some(k) => Some(F::cast(k)),
            None => match self.params.handle_unknown {
                OrdinalUnknown::Error => None,
                OrdinalUnknown::UseEncodedValue(u) => Some(F::cast(u)),
            },
        }
    }
}

impl<F: Float> Transform<F> for OrdinalEncoderModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "OrdinalEncoder input")?;
        let unknown = AtomicBool::new(false);
        let out = map_rows(x, x.ncols(), |row, out| {
            for (j, (o, &v)) in out.iter_mut().zip(row).enumerate() {
                match self.code(j, v) {
                    Some(c) => *o = c,
                    None => unknown.store(true, Ordering::Relaxed),
                }
            }
        })?;
        if unknown.load(Ordering::Relaxed) {
            first_unknown(x, &self.feature_names_in, |j, v| self.code(j, v).is_some())?;
        }
        Ok(out)
    }

    fn n_features_in(&self) -> usize {
        self.columns.len()
    }
}

impl<F: Float> InverseTransform<F> for OrdinalEncoderModel {
    /// Codes back to category values; the missing code and the unknown code
    /// map to NaN.
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        let mut out = Array2::zeros(x.dim());
        for ((i, j), &v) in x.indexed_iter() {
            let c = &self.columns[j];
            let v = v.as_f64();
            let unknown = match self.params.handle_unknown {
                OrdinalUnknown::UseEncodedValue(u) => same(v, u),
                OrdinalUnknown::Error => false,
            };
            out[[i, j]] = if c.has_nan && same(v, self.params.encoded_missing_value) || unknown {
                F::nan()
            } else if v >= 0.0 && v.fract() == 0.0 && v < c.values.len() as f64 {
                F::cast(c.values[v as usize])
            } else {
                return Err(PreprocessingError::NotInvertible {
                    row: i,
                    column: j,
                    message: format!(
                        "{v} is not a code of `{}` (expected 0..{})",
                        self.feature_names_in[j],
                        c.values.len()
                    ),
                });
            };
        }
        Ok(out)
    }
}

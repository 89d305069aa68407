//! [`MinMaxScaler`] and [`MaxAbsScaler`]: scaling by the observed range.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, PartialFit, Transform, check};

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{check_lengths, handle_zeros, map_rows, reduce_rows};

/// Per-column minimum and maximum of the observed (non-NaN) values; NaN for
/// a column with none.
fn column_min_max<F: Float>(x: ArrayView2<'_, F>) -> Result<(Vec<F>, Vec<F>), Error> {
    let d = x.ncols();
    let fold = |lo: &mut [f64], hi: &mut [f64], a: &[f64], b: &[f64]| {
        for (((l, h), x), y) in lo.iter_mut().zip(hi.iter_mut()).zip(a).zip(b) {
            *l = l.min(*x); // `min` and `max` ignore a NaN operand
            *h = h.max(*y);
        }
    };
    let acc = reduce_rows(
        x,
        2 * d,
        f64::NAN,
        |rows, _, acc| {
            let (lo, hi) = acc.split_at_mut(d);
            for row in rows.chunks_exact(d) {
                for ((l, h), v) in lo.iter_mut().zip(hi.iter_mut()).zip(row) {
                    let v = v.as_f64();
                    *l = l.min(v);
                    *h = h.max(v);
                }
            }
        },
        |total, part| {
            let (lo, hi) = total.split_at_mut(d);
            let (a, b) = part.split_at(d);
            fold(lo, hi, a, b);
        },
    )?;
    let (lo, hi) = acc.split_at(d);
    Ok((
        lo.iter().map(|&v| F::cast(v)).collect(),
        hi.iter().map(|&v| F::cast(v)).collect(),
    ))
}

/// Scales each feature to `feature_range` by its training minimum and
/// maximum, as scikit-learn's `MinMaxScaler`:
/// `x * scale + min` with `scale = (hi - lo) / (data_max - data_min)`.
///
/// Hyperparameters: `feature_range` (default `(0, 1)`; `lo < hi`, finite),
/// `clip` (default `false`: clip transformed values to `feature_range`).
/// NaN is ignored at fit and kept at transform; a constant column has
/// range 1. Sample weights do not change a minimum or a maximum: a weighted dataset
/// is accepted and its weights are not used (scikit-learn takes none).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, MinMaxScaler};
///
/// let data = Dataset::from_records(array![[0.0, 10.0], [5.0, 20.0], [10.0, f64::NAN]]);
/// let model = MinMaxScaler::default().feature_range(-1.0, 1.0).fit(data.view())?;
/// let z = model.transform(array![[5.0, 15.0], [20.0, 10.0]].view())?;
/// assert_eq!(z, array![[0.0, 0.0], [3.0, -1.0]]);
/// assert_eq!(model.inverse_transform(z.view())?[[1, 0]], 20.0);
/// assert!(MinMaxScaler::default().feature_range(1.0, 1.0).fit(data.view()).is_err());
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinMaxScaler {
    /// The output range `(lo, hi)`, `lo < hi` (default `(0.0, 1.0)`).
    pub feature_range: (f64, f64),
    /// Clip transformed values of new data to `feature_range` (default `false`).
    pub clip: bool,
}

impl Default for MinMaxScaler {
    fn default() -> Self {
        MinMaxScaler {
            feature_range: (0.0, 1.0),
            clip: false,
        }
    }
}

impl MinMaxScaler {
    /// Sets `feature_range` to `(lo, hi)`.
    pub fn feature_range(mut self, lo: f64, hi: f64) -> Self {
        self.feature_range = (lo, hi);
        self
    }

    /// Sets `clip`.
    pub fn clip(mut self, clip: bool) -> Self {
        self.clip = clip;
        self
    }
}

impl Params for MinMaxScaler {
    fn validate(&self) -> Result<(), Error> {
        let (lo, hi) = self.feature_range;
        if lo.is_finite() && hi.is_finite() && lo < hi {
            Ok(())
        } else {
            Err(Error::invalid_parameter(
                "feature_range",
                "finite (lo, hi) with lo < hi",
                format!("({lo}, {hi})"),
            ))
        }
    }
}

/// A fitted [`MinMaxScaler`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinMaxScalerModel<F> {
    params: MinMaxScaler,
    data_min: Array1<F>,
    data_max: Array1<F>,
    scale: Array1<F>,
    min: Array1<F>,
    n_samples_seen: usize,
}

impl<F: Float> MinMaxScalerModel<F> {
    fn new(params: MinMaxScaler, data_min: Vec<F>, data_max: Vec<F>, n: usize) -> Self {
        let (lo, hi) = (
            F::cast(params.feature_range.0),
            F::cast(params.feature_range.1),
        );
        let scale: Array1<F> = data_min
            .iter()
            .zip(&data_max)
            .map(|(&a, &b)| (hi - lo) / handle_zeros(b - a))
            .collect();
        let min = data_min
            .iter()
            .zip(&scale)
            .map(|(&a, &s)| lo - a * s)
            .collect();
        MinMaxScalerModel {
            params,
            data_min: Array1::from(data_min),
            data_max: Array1::from(data_max),
            scale,
            min,
            n_samples_seen: n,
        }
    }

    /// Per-feature minimum seen at fit (NaN for a column with no value).
    pub fn data_min(&self) -> &Array1<F> {
        &self.data_min
    }

    /// Per-feature maximum seen at fit.
    pub fn data_max(&self) -> &Array1<F> {
        &self.data_max
    }

    /// Per-feature multiplier.
    pub fn scale(&self) -> &Array1<F> {
        &self.scale
    }

    /// Per-feature offset added after scaling (scikit-learn's `min_`).
    pub fn min(&self) -> &Array1<F> {
        &self.min
    }

    /// Number of samples seen.
    pub fn n_samples_seen(&self) -> usize {
        self.n_samples_seen
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        check_lengths(
            "MinMaxScalerModel",
            self.scale.len(),
            &[
                ("data_min", self.data_min.view()),
                ("data_max", self.data_max.view()),
                ("min", self.min.view()),
            ],
        )?;
        check::n_features(x, self.scale.len())
    }
}

impl<F: Float, T> Fit<F, T> for MinMaxScaler {
    type Model = MinMaxScalerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        check::records_allow_nan(data.records(), "MinMaxScaler training records")?;
        let (lo, hi) = column_min_max(data.records())?;
        Ok(MinMaxScalerModel::new(*self, lo, hi, data.n_samples()))
    }
}

impl<F: Float, T> PartialFit<F, T> for MinMaxScalerModel<F> {
    type Error = PreprocessingError;

    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<(), PreprocessingError> {
        check::records_allow_nan(data.records(), "MinMaxScaler batch")?;
        self.check(data.records())?;
        let (lo, hi) = column_min_max(data.records())?;
        let lo = lo
            .iter()
            .zip(&self.data_min)
            .map(|(a, b)| a.min(*b))
            .collect();
        let hi = hi
            .iter()
            .zip(&self.data_max)
            .map(|(a, b)| a.max(*b))
            .collect();
        *self = MinMaxScalerModel::new(self.params, lo, hi, self.n_samples_seen + data.n_samples());
        Ok(())
    }
}

impl<F: Float> Transform<F> for MinMaxScalerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "MinMaxScaler input")?;
        let (lo, hi) = (
            F::cast(self.params.feature_range.0),
            F::cast(self.params.feature_range.1),
        );
        let clip = self.params.clip;
        let (scale, min) = (self.scale.to_vec(), self.min.to_vec());
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (((o, v), s), m) in out.iter_mut().zip(row).zip(&scale).zip(&min) {
                let z = *v * *s + *m;
                *o = if clip && !z.is_nan() {
                    z.max(lo).min(hi)
                } else {
                    z
                };
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.scale.len()
    }
}

impl<F: Float> InverseTransform<F> for MinMaxScalerModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        let (scale, min) = (self.scale.to_vec(), self.min.to_vec());
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (((o, v), s), m) in out.iter_mut().zip(row).zip(&scale).zip(&min) {
                *o = (*v - *m) / *s;
            }
        })?)
    }
}

/// Scales each feature by its maximum absolute value, into `[-1, 1]`, as
/// scikit-learn's `MaxAbsScaler` (no centering, so sparsity is kept).
///
/// No hyperparameters. NaN is ignored at fit and kept at transform; an
/// all-zero column has scale 1. Sample weights are accepted and not used
/// (a maximum does not depend on them; scikit-learn takes none).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::MaxAbsScaler;
///
/// let data = Dataset::from_records(array![[-4.0, 0.0], [2.0, 0.0]]);
/// let model = MaxAbsScaler.fit(data.view())?;
/// assert_eq!(model.transform(data.records())?, array![[-1.0, 0.0], [0.5, 0.0]]);
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MaxAbsScaler;

impl Params for MaxAbsScaler {
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// A fitted [`MaxAbsScaler`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MaxAbsScalerModel<F> {
    max_abs: Array1<F>,
    scale: Array1<F>,
    n_samples_seen: usize,
}

impl<F: Float> MaxAbsScalerModel<F> {
    fn new(max_abs: Vec<F>, n: usize) -> Self {
        let scale = max_abs.iter().map(|&m| handle_zeros(m)).collect();
        MaxAbsScalerModel {
            max_abs: Array1::from(max_abs),
            scale,
            n_samples_seen: n,
        }
    }

    /// Per-feature maximum absolute value seen at fit.
    pub fn max_abs(&self) -> &Array1<F> {
        &self.max_abs
    }

    /// Per-feature divisor (`max_abs`, 1 for all-zero columns).
    pub fn scale(&self) -> &Array1<F> {
        &self.scale
    }

    /// Number of samples seen.
    pub fn n_samples_seen(&self) -> usize {
        self.n_samples_seen
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        check_lengths(
            "MaxAbsScalerModel",
            self.scale.len(),
            &[("max_abs", self.max_abs.view())],
        )?;
        check::n_features(x, self.scale.len())
    }
}

fn max_abs<F: Float>(x: ArrayView2<'_, F>) -> Result<Vec<F>, Error> {
    let (lo, hi) = column_min_max(x)?;
    Ok(lo
        .iter()
        .zip(&hi)
        .map(|(a, b)| a.abs().max(b.abs()))
        .collect())
}

impl<F: Float, T> Fit<F, T> for MaxAbsScaler {
    type Model = MaxAbsScalerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        check::records_allow_nan(data.records(), "MaxAbsScaler training records")?;
        Ok(MaxAbsScalerModel::new(
            max_abs(data.records())?,
            data.n_samples(),
        ))
    }
}

impl<F: Float, T> PartialFit<F, T> for MaxAbsScalerModel<F> {
    type Error = PreprocessingError;

    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<(), PreprocessingError> {
        check::records_allow_nan(data.records(), "MaxAbsScaler batch")?;
        self.check(data.records())?;
        let m = max_abs(data.records())?
            .iter()
            .zip(&self.max_abs)
            .map(|(a, b)| a.max(*b))
            .collect();
        *self = MaxAbsScalerModel::new(m, self.n_samples_seen + data.n_samples());
        Ok(())
    }
}

impl<F: Float> Transform<F> for MaxAbsScalerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "MaxAbsScaler input")?;
        let scale = self.scale.to_vec();
        Ok(map_rows(x, x.ncols(), |row, out| {
            for ((o, v), s) in out.iter_mut().zip(row).zip(&scale) {
                *o = *v / *s;
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.scale.len()
    }
}

impl<F: Float> InverseTransform<F> for MaxAbsScalerModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        let scale = self.scale.to_vec();
        Ok(map_rows(x, x.ncols(), |row, out| {
            for ((o, v), s) in out.iter_mut().zip(row).zip(&scale) {
                *o = *v * *s;
            }
        })?)
    }
}

//! Small estimators for the model-selection and pipeline tests.
#![allow(dead_code)]

use std::fmt;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use oxlearn::{DatasetView, Error, Fit, Float, Predict, PredictProba, Transform, check};

/// Scales each feature to zero mean and unit variance (unweighted).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Standardize;

/// A fitted [`Standardize`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StandardizeModel<F> {
    pub mean: Array1<F>,
    pub scale: Array1<F>,
}

impl<F: Float, T> Fit<F, T> for Standardize {
    type Model = StandardizeModel<F>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, Error> {
        check::records(data.records(), "training records")?;
        let x = data.records();
        let mean = x.mean_axis(Axis(0)).unwrap_or_default();
        let scale = x
            .std_axis(Axis(0), F::zero())
            .mapv(|s| if s > F::zero() { s } else { F::one() });
        Ok(StandardizeModel { mean, scale })
    }
}

impl<F: Float> Transform<F> for StandardizeModel<F> {
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Error> {
        check::n_features(x, self.mean.len())?;
        check::finite(x, "records")?;
        Ok((&x - &self.mean) / &self.scale)
    }

    fn n_features_in(&self) -> usize {
        self.mean.len()
    }
}

/// Appends the square of each feature, named `name^2`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AppendSquares;

/// A fitted [`AppendSquares`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AppendSquaresModel {
    pub n_features: usize,
}

impl<F: Float, T> Fit<F, T> for AppendSquares {
    type Model = AppendSquaresModel;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, Error> {
        check::non_empty(data.records(), "training records")?;
        Ok(AppendSquaresModel {
            n_features: data.n_features(),
        })
    }
}

impl<F: Float> Transform<F> for AppendSquaresModel {
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Error> {
        check::n_features(x, self.n_features)?;
        let squares = x.mapv(|v| v * v);
        ndarray::concatenate(Axis(1), &[x.reborrow(), squares.view()])
            .map_err(|e| Error::InvalidInput(e.to_string()))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input
            .iter()
            .cloned()
            .chain(input.iter().map(|n| format!("{n}^2")))
            .collect()
    }
}

/// Nearest-centroid classifier; `shrink` pulls the centroids towards the
/// overall mean (a hyperparameter to search over).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NearestCentroid {
    pub shrink: f64,
}

/// A fitted [`NearestCentroid`]; also records the feature names it saw.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CentroidModel<F, T> {
    pub classes: Vec<T>,
    pub centroids: Array2<F>,
    pub feature_names: Vec<String>,
}

impl<F: Float, T: Ord + Clone> Fit<F, T> for NearestCentroid {
    type Model = CentroidModel<F, T>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, Error> {
        oxlearn::params::check_range("shrink", self.shrink, 0.0, 1.0)?;
        check::records(data.records(), "training records")?;
        let (labels, idx) = oxlearn::ClassLabels::fit(data.targets(), 2)?;
        let x = data.records();
        let overall = x.mean_axis(Axis(0)).unwrap_or_default();
        let mut centroids = Array2::zeros((labels.n_classes(), x.ncols()));
        let mut counts = vec![0usize; labels.n_classes()];
        for (row, &c) in x.rows().into_iter().zip(&idx) {
            let mut target = centroids.row_mut(c);
            target += &row;
            counts[c] += 1;
        }
        let s = F::cast(self.shrink);
        for (mut row, &n) in centroids.rows_mut().into_iter().zip(&counts) {
            row /= F::cast(n);
            let shrunk = &row * (F::one() - s) + &overall * s;
            row.assign(&shrunk);
        }
        Ok(CentroidModel {
            classes: labels.classes().to_vec(),
            centroids,
            feature_names: data.feature_names(),
        })
    }
}

impl<F: Float, T> CentroidModel<F, T> {
    fn distances(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Error> {
        check::n_features(x, self.centroids.ncols())?;
        check::finite(x, "records")?;
        Ok(Array2::from_shape_fn(
            (x.nrows(), self.classes.len()),
            |(i, c)| {
                let d = &x.row(i) - &self.centroids.row(c);
                d.dot(&d)
            },
        ))
    }
}

impl<F: Float, T: Clone> Predict<F> for CentroidModel<F, T> {
    type Output = Array1<T>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<T>, Error> {
        let d = self.distances(x)?;
        Ok(d.rows()
            .into_iter()
            .map(|row| {
                let best = (0..row.len()).fold(0, |b, c| if row[c] < row[b] { c } else { b });
                self.classes[best].clone()
            })
            .collect())
    }

    fn n_features_in(&self) -> usize {
        self.centroids.ncols()
    }
}

impl<F: Float, T: Clone> PredictProba<F> for CentroidModel<F, T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        &self.classes
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Error> {
        let mut p = self.distances(x)?.mapv(|d| (-d).exp());
        for mut row in p.rows_mut() {
            let sum = row.sum();
            if sum > F::zero() {
                row /= sum;
            } else {
                row.fill(F::one() / F::cast(row.len()));
            }
        }
        Ok(p)
    }
}

/// Predicts the weighted mean of the targets plus `shift`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanRegressor {
    pub shift: f64,
}

/// A fitted [`MeanRegressor`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeanModel<F> {
    pub value: F,
    pub n_features: usize,
}

impl<F: Float> Fit<F, F> for MeanRegressor {
    type Model = MeanModel<F>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<Self::Model, Error> {
        check::non_empty(data.records(), "training records")?;
        let y = data.targets();
        let value = match data.weights() {
            Some(w) => (&y * &w).sum() / w.sum(),
            None => y.sum() / F::cast(y.len()),
        };
        Ok(MeanModel {
            value: value + F::cast(self.shift),
            n_features: data.n_features(),
        })
    }
}

impl<F: Float> Predict<F> for MeanModel<F> {
    type Output = Array1<F>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, Error> {
        check::n_features(x, self.n_features)?;
        Ok(Array1::from_elem(x.nrows(), self.value))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

/// The error of [`Failing`]: a family-crate-like error type.
#[derive(Debug)]
pub enum ToyError {
    Refused(String),
    Core(Error),
}

impl fmt::Display for ToyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToyError::Refused(why) => write!(f, "toy estimator refused: {why}"),
            ToyError::Core(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ToyError {}

impl From<Error> for ToyError {
    fn from(e: Error) -> Self {
        ToyError::Core(e)
    }
}

/// A transformer / estimator that fails when the training set contains a
/// record whose first feature equals `poison` (identity transform otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failing {
    pub poison: f64,
}

/// A fitted [`Failing`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FailingModel {
    pub n_features: usize,
}

impl<F: Float, T> Fit<F, T> for Failing {
    type Model = FailingModel;
    type Error = ToyError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, ToyError> {
        if let Some(row) = data
            .records()
            .rows()
            .into_iter()
            .find(|r| r.first().is_some_and(|v| v.as_f64() == self.poison))
        {
            return Err(ToyError::Refused(format!("saw poison {}", row[0])));
        }
        Ok(FailingModel {
            n_features: data.n_features(),
        })
    }
}

impl<F: Float> Transform<F> for FailingModel {
    type Error = ToyError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, ToyError> {
        check::n_features(x, self.n_features)?;
        Ok(x.to_owned())
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

impl<F: Float> Predict<F> for FailingModel {
    type Output = Array1<F>;
    type Error = ToyError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, ToyError> {
        check::n_features(x, self.n_features)?;
        Ok(Array1::zeros(x.nrows()))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

/// Two well-separated blobs of `n` samples each in two features, labels 0 and 1,
/// with some overlap so that scores are not all perfect.
pub fn blobs(n: usize) -> (Array2<f64>, Array1<usize>) {
    let x = Array2::from_shape_fn((2 * n, 2), |(i, j)| {
        let class = (i % 2) as f64;
        let jitter = ((i * 7 + j * 13) % 11) as f64 / 5.0 - 1.0;
        class * 1.5 + jitter + j as f64
    });
    let y = (0..2 * n).map(|i| i % 2).collect();
    (x, y)
}

//! [`TruncatedSvd`]: the leading singular vectors of uncentred records, as
//! scikit-learn's `TruncatedSVD`.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_at_least, check_n_threads};
use oxlearn::random::DEFAULT_SEED;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use super::linalg;
use super::randomized::{self, PowerIterationNormalizer, Randomized};
use super::{Decomposition, check_model, prefixed_names, rows_to_array, to_row_major};
use crate::InverseTransform;
use crate::error::PreprocessingError;

/// The algorithm of a [`TruncatedSvd`], as scikit-learn's `algorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SvdAlgorithm {
    /// Halko et al.'s randomized SVD (the default).
    #[default]
    Randomized,
    /// The exact thin SVD (in the role of scikit-learn's `'arpack'`).
    Exact,
}

/// Dimensionality reduction by a truncated SVD of the records, without
/// centring them (latent semantic analysis on term counts), as
/// scikit-learn's `sklearn.decomposition.TruncatedSVD`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `n_components` (default 2), from 1 to `min(n_samples, n_features)`;
/// - `algorithm` (default [`SvdAlgorithm::Randomized`]);
/// - `n_iter` (default 5), `n_oversamples` (default 10),
///   `power_iteration_normalizer` (default [`PowerIterationNormalizer::Auto`]),
///   `seed` (default [`DEFAULT_SEED`]): the randomized algorithm;
/// - `n_threads` (default `None`: rayon's global pool).
///
/// `explained_variance` is the (biased) variance of each projected column,
/// its ratio relative to the sum of the records' column variances, as
/// scikit-learn. Components follow scikit-learn's sign convention (the entry
/// of largest absolute value of each is positive). scikit-learn's `'arpack'`
/// needs `n_components < min(n_samples, n_features)`; [`SvdAlgorithm::Exact`]
/// also accepts equality. At least two samples are needed (the variance
/// ratios of one sample are undefined). No sample weights (an error).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{SvdAlgorithm, TruncatedSvd};
///
/// let x = array![[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [3.0, 0.0, 0.0]];
/// let svd = TruncatedSvd::default().algorithm(SvdAlgorithm::Exact);
/// let model = svd.fit(Dataset::from_records(x.clone()).view())?;
/// assert_eq!(model.components().row(0).to_vec(), vec![1.0, 0.0, 0.0]);
/// assert!((model.singular_values()[0] - 18f64.sqrt()).abs() < 1e-12);
/// assert_eq!(model.transform(x.view())?.dim(), (4, 2));
/// assert_eq!(model.feature_names_out(&[])[1], "truncatedsvd1");
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TruncatedSvd {
    /// The number of components (default 2).
    pub n_components: usize,
    /// The algorithm (default [`SvdAlgorithm::Randomized`]).
    pub algorithm: SvdAlgorithm,
    /// Power iterations of the randomized algorithm (default 5).
    pub n_iter: usize,
    /// Extra random directions of the randomized algorithm (default 10).
    pub n_oversamples: usize,
    /// Normalisation of the power iterations (default [`PowerIterationNormalizer::Auto`]).
    pub power_iteration_normalizer: PowerIterationNormalizer,
    /// Seed of the randomized algorithm (default [`DEFAULT_SEED`]).
    pub seed: u64,
    /// Threads for the fit (default `None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for TruncatedSvd {
    fn default() -> Self {
        Self {
            n_components: 2,
            algorithm: SvdAlgorithm::Randomized,
            n_iter: 5,
            n_oversamples: 10,
            power_iteration_normalizer: PowerIterationNormalizer::Auto,
            seed: DEFAULT_SEED,
            n_threads: None,
        }
    }
}

impl TruncatedSvd {
    /// Sets `n_components`.
    pub fn n_components(mut self, n_components: usize) -> Self {
        self.n_components = n_components;
        self
    }

    /// Sets `algorithm`.
    pub fn algorithm(mut self, algorithm: SvdAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets `n_iter`.
    pub fn n_iter(mut self, n_iter: usize) -> Self {
        self.n_iter = n_iter;
        self
    }

    /// Sets `n_oversamples`.
    pub fn n_oversamples(mut self, n_oversamples: usize) -> Self {
        self.n_oversamples = n_oversamples;
        self
    }

    /// Sets `power_iteration_normalizer`.
    pub fn power_iteration_normalizer(mut self, normalizer: PowerIterationNormalizer) -> Self {
        self.power_iteration_normalizer = normalizer;
        self
    }

    /// Sets `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets `n_threads`.
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for TruncatedSvd {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("n_components", self.n_components, 1)?;
        crate::util::check_output_size("n_oversamples", self.n_oversamples)?;
        check_n_threads(self.n_threads)
    }
}

/// A fitted [`TruncatedSvd`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TruncatedSvdModel<F> {
    fitted: Decomposition<F>,
    explained_variance: Array1<F>,
}

impl<F: Float> TruncatedSvdModel<F> {
    /// The right singular vectors, `n_components x n_features` (scikit-learn's `components_`).
    pub fn components(&self) -> &Array2<F> {
        &self.fitted.components
    }

    /// The variance of the training records projected on each component.
    pub fn explained_variance(&self) -> &Array1<F> {
        &self.explained_variance
    }

    /// `explained_variance` over the total variance of the training records.
    pub fn explained_variance_ratio(&self) -> &Array1<F> {
        &self.fitted.explained_variance_ratio
    }

    /// The singular values of the records for each component.
    pub fn singular_values(&self) -> &Array1<F> {
        &self.fitted.singular_values
    }

    fn check(&self, x: ArrayView2<'_, F>, ncols: usize) -> Result<(), PreprocessingError> {
        check_model("TruncatedSvdModel", &self.fitted, None)?;
        if self.explained_variance.len() != self.fitted.components.nrows() {
            return Err(Error::InvalidModel(
                "TruncatedSvdModel: one explained variance per component expected".into(),
            )
            .into());
        }
        check::n_features(x, ncols)?;
        linalg::check_finite(x, "TruncatedSvd input")?;
        Ok(())
    }
}

impl<F: Float, T> Fit<F, T> for TruncatedSvd {
    type Model = TruncatedSvdModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(Error::InvalidInput(
                "TruncatedSvd does not take sample weights (scikit-learn's TruncatedSVD has \
                 none); fit it on an unweighted dataset"
                    .into(),
            )
            .into());
        }
        let x = data.records();
        check::non_empty(x, "TruncatedSvd training records")?;
        linalg::check_finite(x, "TruncatedSvd training records")?;
        check::min_samples(x.nrows(), 2, "TruncatedSvd training records")?;
        let (n, d) = x.dim();
        let k = self.n_components;
        if k > n.min(d) {
            return Err(Error::invalid_parameter(
                "n_components",
                format!("at most min(n_samples, n_features)={}", n.min(d)),
                k,
            )
            .into());
        }
        with_threads(self.n_threads, || self.fit_records(x))?
    }
}

impl TruncatedSvd {
    fn fit_records<F: Float>(
        &self,
        x: ArrayView2<'_, F>,
    ) -> Result<TruncatedSvdModel<F>, PreprocessingError> {
        let (n, d) = x.dim();
        let (s, mut vt) = match self.algorithm {
            SvdAlgorithm::Exact => linalg::exact_svd(&linalg::centred(x, None), n, d)?,
            SvdAlgorithm::Randomized => randomized::randomized_svd(
                linalg::Centred {
                    x: x.view(),
                    mean: None,
                },
                Randomized {
                    n_components: self.n_components,
                    n_oversamples: self.n_oversamples,
                    n_iter: self.n_iter,
                    normalizer: self.power_iteration_normalizer,
                    seed: self.seed,
                },
            )?,
        };
        linalg::flip_rows(&mut vt);
        let k = self.n_components.min(s.len());
        let vt_rows: Vec<f64> = (0..k * d).map(|t| vt[(t / d, t % d)]).collect();
        let projected = linalg::project(x, None, &vt_rows, k);
        let variance = |values: &[f64], width: usize, col: usize| {
            let mean = (0..n).map(|i| values[i * width + col]).sum::<f64>() / n as f64;
            (0..n)
                .map(|i| (values[i * width + col] - mean).powi(2))
                .sum::<f64>()
                / n as f64
        };
        let explained: Vec<f64> = (0..k).map(|c| variance(&projected, k, c)).collect();
        let means = linalg::column_means(x)?;
        let total = linalg::Centred {
            x: x.view(),
            mean: Some(&means),
        }
        .sum_of_squares()
            / n as f64;
        Ok(TruncatedSvdModel {
            fitted: Decomposition {
                components: Array2::from_shape_fn((k, d), |(i, j)| F::cast(vt[(i, j)])),
                explained_variance_ratio: explained.iter().map(|v| F::cast(v / total)).collect(),
                singular_values: s[..k].iter().map(|&v| F::cast(v)).collect(),
                n_features: d,
            },
            explained_variance: explained.iter().map(|&v| F::cast(v)).collect(),
        })
    }
}

impl<F: Float> Transform<F> for TruncatedSvdModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x, self.fitted.n_features)?;
        let k = self.fitted.components.nrows();
        let vt = to_row_major(&self.fitted.components);
        rows_to_array(linalg::project(x, None, &vt, k), x.nrows(), k)
    }

    fn n_features_in(&self) -> usize {
        self.fitted.n_features
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        prefixed_names("truncatedsvd", self.fitted.components.nrows())
    }
}

impl<F: Float> InverseTransform<F> for TruncatedSvdModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        let (k, d) = self.fitted.components.dim();
        self.check(x, k)?;
        let c = &self.fitted.components;
        let w_t: Vec<f64> = (0..d)
            .flat_map(|j| (0..k).map(move |i| c[[i, j]].as_f64()))
            .collect();
        rows_to_array(linalg::project(x, None, &w_t, d), x.nrows(), d)
    }
}

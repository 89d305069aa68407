//! Matrix decompositions as in `sklearn.decomposition`: [`Pca`] and
//! [`TruncatedSvd`], dense, through faer (see `linalg` for the numerics).

mod linalg;
mod pca;
mod pca_score;
mod randomized;
mod truncated_svd;

use ndarray::{Array1, Array2};
use oxlearn::{Error, Float};

pub use pca::{IteratedPower, Pca, PcaComponents, PcaModel, SvdSolver};
pub use randomized::PowerIterationNormalizer;
pub use truncated_svd::{SvdAlgorithm, TruncatedSvd, TruncatedSvdModel};

/// What every fitted decomposition holds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Decomposition<F> {
    components: Array2<F>,
    explained_variance_ratio: Array1<F>,
    singular_values: Array1<F>,
    n_features: usize,
}

/// Checks that a (possibly deserialised) model is consistent.
fn check_model<F>(
    model: &str,
    fitted: &Decomposition<F>,
    mean: Option<&Array1<F>>,
) -> Result<(), Error> {
    let (k, d) = fitted.components.dim();
    let bad = d != fitted.n_features
        || k == 0
        || fitted.explained_variance_ratio.len() != k
        || fitted.singular_values.len() != k
        || mean.is_some_and(|m| m.len() != d);
    if bad {
        return Err(Error::InvalidModel(format!(
            "{model}: components of shape {k} x {d}, {} variance ratios, {} singular values \
             and {} features are inconsistent",
            fitted.explained_variance_ratio.len(),
            fitted.singular_values.len(),
            fitted.n_features
        )));
    }
    Ok(())
}

/// `prefix0`, `prefix1`, ..., as scikit-learn's `ClassNamePrefixFeaturesOutMixin`.
fn prefixed_names(prefix: &str, k: usize) -> Vec<String> {
    (0..k).map(|i| format!("{prefix}{i}")).collect()
}

/// A row-major `f64` copy of `a`.
fn to_row_major<F: Float>(a: &Array2<F>) -> Vec<f64> {
    a.iter().map(|v| v.as_f64()).collect()
}

/// An `n x k` array of `F` from row-major `f64` values.
fn rows_to_array<F: Float>(
    values: Vec<f64>,
    n: usize,
    k: usize,
) -> Result<Array2<F>, crate::PreprocessingError> {
    Ok(
        Array2::from_shape_vec((n, k), values.into_iter().map(F::cast).collect())
            .map_err(|e| Error::InvalidInput(e.to_string()))?,
    )
}

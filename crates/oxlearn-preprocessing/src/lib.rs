//! # oxlearn-preprocessing
//!
//! Transformers that prepare features for estimators, with the behaviour and
//! hyperparameter names of scikit-learn's `sklearn.preprocessing` and
//! `sklearn.impute` (and PCA / truncated SVD from `sklearn.decomposition`):
//!
//! - scaling: [`StandardScaler`] (with [`PartialFit`](oxlearn::PartialFit)),
//!   [`MinMaxScaler`], [`MaxAbsScaler`], [`RobustScaler`], and the row-wise
//!   [`Normalizer`] and [`Binarizer`];
//! - distribution: [`QuantileTransformer`] (uniform or normal output),
//!   [`PowerTransformer`] (Yeo-Johnson, Box-Cox);
//! - missing values: [`SimpleImputer`], [`KnnImputer`] (nearest rows by
//!   scikit-learn's `nan_euclidean` distance);
//! - decomposition (`sklearn.decomposition`): [`Pca`] (full SVD, covariance
//!   eigendecomposition or randomized) and [`TruncatedSvd`];
//! - categorical columns (integer codes, as `oxlearn-datasets` stores them,
//!   with their names from [`Dataset::categories`](oxlearn::Dataset::categories)):
//!   [`OneHotEncoder`], [`OrdinalEncoder`], the supervised [`TargetEncoder`]
//!   (cross-fitted by [`TargetEncoder::cross_fit_transform`], and so in a
//!   pipeline or a [`ColumnTransformer`]); and
//!   [`LabelEncoder`] for targets;
//! - feature expansion and discretisation: [`PolynomialFeatures`],
//!   [`SplineTransformer`], [`KBinsDiscretizer`];
//! - mixed tables: [`ColumnTransformer`], a chain of transformers per group
//!   of columns, outputs concatenated.
//!
//! Every transformer is a hyperparameter struct implementing
//! [`Fit<F, T>`](oxlearn::Fit) for any target type `T` (for
//! [`TargetEncoder`], any [`EncoderTarget`]), so it sits in an
//! [`oxlearn::Pipeline`] before any estimator; the fitted model implements
//! [`oxlearn::Transform`] (with `feature_names_out`) and, where
//! scikit-learn has one, [`InverseTransform`]. NaN means "missing": scalers
//! ignore it when fitting and keep it, imputers replace it, encoders treat it
//! as a category of its own; the others reject it.
//!
//! Sample weights: [`StandardScaler`] weights its mean and variance, as
//! scikit-learn. The transformers whose scikit-learn counterpart takes no
//! weights (minimum, maximum, quantiles, categories, imputation statistics)
//! accept a weighted dataset, so that they sit in weighted pipelines, and
//! do not use the weights, as each one's documentation says;
//! [`KBinsDiscretizer`] and [`TargetEncoder`] (whose encodings are target
//! means that weights would change), [`Pca`] and [`TruncatedSvd`] (whose
//! components weights would change) return an error for weights.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::{Dataset, Fit, Pipeline, Transform};
//! use oxlearn_preprocessing::{SimpleImputer, StandardScaler};
//!
//! let data = Dataset::from_records(array![[1.0, f64::NAN], [3.0, 4.0], [5.0, 8.0]]);
//! let prep = Pipeline::new(SimpleImputer::default()).then(StandardScaler::default());
//! let model = prep.fit(data.view())?;
//! let z = model.transform(data.records())?;
//! assert_eq!(z.column(1).to_vec(), vec![0.0, -1.224744871391589, 1.224744871391589]);
//! # Ok::<(), oxlearn::Error>(())
//! ```

mod compose;
mod decomposition;
mod discretize;
mod encode;
mod error;
mod impute;
mod knn_impute;
mod normal;
mod polynomial;
mod power;
mod quantile;
mod scale;
mod spline;
mod util;

use ndarray::{Array2, ArrayView2};
use oxlearn::{Float, Transform};

pub use compose::{
    AnyTransformer, AnyTransformerModel, ColumnGroup, ColumnTransformer, ColumnTransformerModel,
    Columns, Remainder,
};
pub use decomposition::{
    IteratedPower, Pca, PcaComponents, PcaModel, PowerIterationNormalizer, SvdAlgorithm, SvdSolver,
    TruncatedSvd, TruncatedSvdModel,
};
pub use discretize::{BinEncoding, BinStrategy, KBinsDiscretizer, KBinsDiscretizerModel};
pub use encode::{
    DropCategory, HandleUnknown, LabelEncoder, LabelEncoderModel, MinFrequency, OneHotEncoder,
    OneHotEncoderModel, OrdinalEncoder, OrdinalEncoderModel, OrdinalUnknown,
};
pub use encode::{EncoderTarget, Smooth, TargetEncoder, TargetEncoderModel, TargetType};
pub use error::{PreprocessingError, Result};
pub use impute::{ImputeStrategy, SimpleImputer, SimpleImputerModel};
pub use knn_impute::{KnnImputer, KnnImputerModel, KnnWeights};
pub use polynomial::{PolynomialFeatures, PolynomialFeaturesModel};
pub use power::{PowerMethod, PowerTransformer, PowerTransformerModel};
pub use quantile::{OutputDistribution, QuantileTransformer, QuantileTransformerModel};
pub use scale::{
    Binarizer, BinarizerModel, MaxAbsScaler, MaxAbsScalerModel, MinMaxScaler, MinMaxScalerModel,
    Norm, Normalizer, NormalizerModel, RobustScaler, RobustScalerModel, StandardScaler,
    StandardScalerModel,
};
pub use spline::{KnotStrategy, SplineTransformer, SplineTransformerModel};

/// A fitted transformer that can map transformed records back to the
/// original feature space, as scikit-learn's `inverse_transform`.
pub trait InverseTransform<F: Float>: Transform<F> {
    /// Maps `x` (in the transformed space) back to the input space.
    ///
    /// # Errors
    /// When `x` has the wrong number of columns, or a row has no preimage.
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Self::Error>;
}

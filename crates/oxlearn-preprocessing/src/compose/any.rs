//! [`AnyTransformer`]: any transformer of this crate, as one type, so that a
//! [`ColumnTransformer`](super::ColumnTransformer) can hold different ones
//! and still serialise.

use ndarray::{Array2, ArrayView2};
use oxlearn::{DatasetView, Fit, Float, Transform};

use crate::error::PreprocessingError;
use crate::{
    Binarizer, BinarizerModel, KBinsDiscretizer, KBinsDiscretizerModel, MaxAbsScaler,
    MaxAbsScalerModel, MinMaxScaler, MinMaxScalerModel, Normalizer, NormalizerModel, OneHotEncoder,
    OneHotEncoderModel, OrdinalEncoder, OrdinalEncoderModel, PolynomialFeatures,
    PolynomialFeaturesModel, PowerTransformer, PowerTransformerModel, QuantileTransformer,
    QuantileTransformerModel, RobustScaler, RobustScalerModel, SimpleImputer, SimpleImputerModel,
    SplineTransformer, SplineTransformerModel, StandardScaler, StandardScalerModel,
};

macro_rules! any_transformer {
    ($($name:ident($params:ty) => $model:ty),* $(,)?) => {
        /// The hyperparameters of any transformer of this crate (build one
        /// with `.into()` from the transformer itself).
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum AnyTransformer {
            $(
                #[doc = concat!("A [`", stringify!($name), "`].")]
                $name($params),
            )*
        }

        /// A fitted [`AnyTransformer`].
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum AnyTransformerModel<F> {
            $(
                #[doc = concat!("A fitted [`", stringify!($name), "`].")]
                $name($model),
            )*
        }

        $(
            impl From<$params> for AnyTransformer {
                fn from(params: $params) -> Self {
                    AnyTransformer::$name(params)
                }
            }
        )*

        impl<F: Float, T> Fit<F, T> for AnyTransformer {
            type Model = AnyTransformerModel<F>;
            type Error = PreprocessingError;

            fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
                Ok(match self {
                    $(AnyTransformer::$name(p) => AnyTransformerModel::$name(p.fit(data)?),)*
                })
            }
        }

        impl<F: Float> Transform<F> for AnyTransformerModel<F> {
            type Error = PreprocessingError;

            fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
                match self {
                    $(AnyTransformerModel::$name(m) => m.transform(x),)*
                }
            }

            fn n_features_in(&self) -> usize {
                match self {
                    $(AnyTransformerModel::$name(m) => Transform::<F>::n_features_in(m),)*
                }
            }

            fn feature_names_out(&self, input: &[String]) -> Vec<String> {
                match self {
                    $(AnyTransformerModel::$name(m) => Transform::<F>::feature_names_out(m, input),)*
                }
            }
        }
    };
}

any_transformer! {
    StandardScaler(StandardScaler) => StandardScalerModel<F>,
    MinMaxScaler(MinMaxScaler) => MinMaxScalerModel<F>,
    MaxAbsScaler(MaxAbsScaler) => MaxAbsScalerModel<F>,
    RobustScaler(RobustScaler) => RobustScalerModel<F>,
    Normalizer(Normalizer) => NormalizerModel,
    Binarizer(Binarizer) => BinarizerModel,
    SimpleImputer(SimpleImputer) => SimpleImputerModel<F>,
    OneHotEncoder(OneHotEncoder) => OneHotEncoderModel,
    OrdinalEncoder(OrdinalEncoder) => OrdinalEncoderModel,
    PolynomialFeatures(PolynomialFeatures) => PolynomialFeaturesModel,
    KBinsDiscretizer(KBinsDiscretizer) => KBinsDiscretizerModel,
    QuantileTransformer(QuantileTransformer) => QuantileTransformerModel,
    PowerTransformer(PowerTransformer) => PowerTransformerModel<F>,
    SplineTransformer(SplineTransformer) => SplineTransformerModel,
}

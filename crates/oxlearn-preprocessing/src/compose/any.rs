//! [`AnyTransformer`]: any transformer of this crate, as one type, so that a
//! [`ColumnTransformer`](super::ColumnTransformer) can hold different ones
//! and still serialise.

use ndarray::{Array2, ArrayView2};
use oxlearn::{DatasetView, Fit, Float, Transform};

use crate::encode::EncoderTarget;
use crate::error::PreprocessingError;
use crate::{
    Binarizer, BinarizerModel, KBinsDiscretizer, KBinsDiscretizerModel, MaxAbsScaler,
    MaxAbsScalerModel, MinMaxScaler, MinMaxScalerModel, Normalizer, NormalizerModel, OneHotEncoder,
    OneHotEncoderModel, OrdinalEncoder, OrdinalEncoderModel, PolynomialFeatures,
    PolynomialFeaturesModel, PowerTransformer, PowerTransformerModel, QuantileTransformer,
    QuantileTransformerModel, RobustScaler, RobustScalerModel, SimpleImputer, SimpleImputerModel,
    SplineTransformer, SplineTransformerModel, StandardScaler, StandardScalerModel, TargetEncoder,
    TargetEncoderModel,
};

/// Fits one transformer into an [`AnyTransformerModel`], with or without its
/// training output.
trait FitAny<F: Float, T> {
    fn fit_any(
        &self,
        data: DatasetView<'_, F, T>,
        with_output: bool,
    ) -> Result<(AnyTransformerModel<F>, Option<Array2<F>>), PreprocessingError>;
}

/// A [`TargetEncoder`] is fitted on the targets passed to the column
/// transformer, and its classes kept by name, so that one model type holds
/// it whatever the target type.
impl<F: Float, T: EncoderTarget> FitAny<F, T> for TargetEncoder {
    fn fit_any(
        &self,
        data: DatasetView<'_, F, T>,
        with_output: bool,
    ) -> Result<(AnyTransformerModel<F>, Option<Array2<F>>), PreprocessingError> {
        let (model, out) = if with_output {
            self.fit_with_training_output(data)?
        } else {
            (self.fit(data)?, None)
        };
        Ok((
            AnyTransformerModel::TargetEncoder(model.into_named_classes()),
            out,
        ))
    }
}

macro_rules! any_transformer {
    (
        $($name:ident($params:ty) => $model:ty),* ;
        $($special:ident($sparams:ty) => $smodel:ty),* $(,)?
    ) => {
        /// The hyperparameters of any transformer of this crate (build one
        /// with `.into()` from the transformer itself).
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum AnyTransformer {
            $(
                #[doc = concat!("A [`", stringify!($name), "`].")]
                $name($params),
            )*
            $(
                #[doc = concat!("A [`", stringify!($special), "`].")]
                $special($sparams),
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
            $(
                #[doc = concat!("A fitted [`", stringify!($special), "`] (classes by name).")]
                $special($smodel),
            )*
        }

        $(
            impl From<$params> for AnyTransformer {
                fn from(params: $params) -> Self {
                    AnyTransformer::$name(params)
                }
            }

            impl<F: Float, T> FitAny<F, T> for $params {
                fn fit_any(
                    &self,
                    data: DatasetView<'_, F, T>,
                    with_output: bool,
                ) -> Result<(AnyTransformerModel<F>, Option<Array2<F>>), PreprocessingError> {
                    let (model, out) = if with_output {
                        self.fit_with_training_output(data)?
                    } else {
                        (self.fit(data)?, None)
                    };
                    Ok((AnyTransformerModel::$name(model), out))
                }
            }
        )*

        $(
            impl From<$sparams> for AnyTransformer {
                fn from(params: $sparams) -> Self {
                    AnyTransformer::$special(params)
                }
            }
        )*

        impl AnyTransformer {
            fn fit_any<F: Float, T: EncoderTarget>(
                &self,
                data: DatasetView<'_, F, T>,
                with_output: bool,
            ) -> Result<(AnyTransformerModel<F>, Option<Array2<F>>), PreprocessingError> {
                match self {
                    $(AnyTransformer::$name(p) => p.fit_any(data, with_output),)*
                    $(AnyTransformer::$special(p) => p.fit_any(data, with_output),)*
                }
            }
        }

        /// Targets of any [`EncoderTarget`] type (`()` for none): the
        /// supervised transformers ([`TargetEncoder`]) use them, the others
        /// ignore them.
        impl<F: Float, T: EncoderTarget> Fit<F, T> for AnyTransformer {
            type Model = AnyTransformerModel<F>;
            type Error = PreprocessingError;

            fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
                Ok(self.fit_any(data, false)?.0)
            }

            /// The transformer's own training output (a [`TargetEncoder`]'s
            /// cross-fitted encoding), see [`Fit::fit_with_training_output`].
            fn fit_with_training_output(
                &self,
                data: DatasetView<'_, F, T>,
            ) -> Result<(Self::Model, Option<Array2<F>>), PreprocessingError> {
                self.fit_any(data, true)
            }
        }

        impl<F: Float> Transform<F> for AnyTransformerModel<F> {
            type Error = PreprocessingError;

            fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
                match self {
                    $(AnyTransformerModel::$name(m) => m.transform(x),)*
                    $(AnyTransformerModel::$special(m) => m.transform(x),)*
                }
            }

            fn n_features_in(&self) -> usize {
                match self {
                    $(AnyTransformerModel::$name(m) => Transform::<F>::n_features_in(m),)*
                    $(AnyTransformerModel::$special(m) => Transform::<F>::n_features_in(m),)*
                }
            }

            fn feature_names_out(&self, input: &[String]) -> Vec<String> {
                match self {
                    $(AnyTransformerModel::$name(m) => Transform::<F>::feature_names_out(m, input),)*
                    $(AnyTransformerModel::$special(m) => Transform::<F>::feature_names_out(m, input),)*
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
    SplineTransformer(SplineTransformer) => SplineTransformerModel;
    TargetEncoder(TargetEncoder) => TargetEncoderModel<String>,
}

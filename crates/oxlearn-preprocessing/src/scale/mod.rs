//! Feature scaling: [`StandardScaler`], [`MinMaxScaler`], [`MaxAbsScaler`],
//! [`RobustScaler`], and the row-wise [`Normalizer`] and [`Binarizer`].

mod minmax;
mod normalize;
mod robust;
mod standard;

pub use minmax::{MaxAbsScaler, MaxAbsScalerModel, MinMaxScaler, MinMaxScalerModel};
pub use normalize::{Binarizer, BinarizerModel, Norm, Normalizer, NormalizerModel};
pub use robust::{RobustScaler, RobustScalerModel};
pub use standard::{StandardScaler, StandardScalerModel};

//! The target labels a [`TargetEncoder`](super::TargetEncoder) accepts, and
//! the check of the target type against them.

use std::cmp::Ordering;

use oxlearn::Error;

use super::TargetType;

/// A target label that a [`TargetEncoder`](super::TargetEncoder) accepts: numbers (continuous,
/// binary or multiclass), `bool`, `String` and `&str` (binary or multiclass);
/// `()` (no target) too, refused at fit. The target types a
/// [`ColumnTransformer`](crate::ColumnTransformer) takes: implement it for
/// another label type to use that one.
pub trait EncoderTarget: Clone + std::fmt::Debug + Send + Sync {
    /// The label as a number, `None` for text.
    fn to_number(&self) -> Option<f64>;
    /// A total order of labels: classes are sorted by it.
    fn cmp_label(&self, other: &Self) -> Ordering;
    /// The label in output feature names (`<feature>_<class>`), as
    /// scikit-learn prints it.
    fn label_name(&self) -> String;
}

macro_rules! integer_target {
    ($($t:ty),*) => {$(
        impl EncoderTarget for $t {
            fn to_number(&self) -> Option<f64> {
                Some(*self as f64)
            }
            fn cmp_label(&self, other: &Self) -> Ordering {
                self.cmp(other)
            }
            fn label_name(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
integer_target!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

macro_rules! float_target {
    ($($t:ty),*) => {$(
        impl EncoderTarget for $t {
            fn to_number(&self) -> Option<f64> {
                Some(f64::from(*self))
            }
            fn cmp_label(&self, other: &Self) -> Ordering {
                self.total_cmp(other)
            }
            fn label_name(&self) -> String {
                format!("{self:?}")
            }
        }
    )*};
}
float_target!(f32, f64);

impl EncoderTarget for bool {
    fn to_number(&self) -> Option<f64> {
        Some(f64::from(u8::from(*self)))
    }
    fn cmp_label(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn label_name(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

impl EncoderTarget for String {
    fn to_number(&self) -> Option<f64> {
        None
    }
    fn cmp_label(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn label_name(&self) -> String {
        self.clone()
    }
}

impl EncoderTarget for &str {
    fn to_number(&self) -> Option<f64> {
        None
    }
    fn cmp_label(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn label_name(&self) -> String {
        (*self).to_string()
    }
}

/// No target (unsupervised data, [`Dataset::from_records`](oxlearn::Dataset::from_records)),
/// so that a [`ColumnTransformer`](crate::ColumnTransformer) fits without
/// targets: a [`TargetEncoder`](super::TargetEncoder) refuses it (one class).
impl EncoderTarget for () {
    fn to_number(&self) -> Option<f64> {
        None
    }
    fn cmp_label(&self, _other: &Self) -> Ordering {
        Ordering::Equal
    }
    fn label_name(&self) -> String {
        "()".to_string()
    }
}

/// The target type to use, checked against the labels.
pub(super) fn resolve_target_type<'a, T: EncoderTarget + 'a>(
    asked: TargetType,
    mut y: impl Iterator<Item = &'a T> + Clone,
    n_classes: usize,
) -> Result<TargetType, Error> {
    let numeric = y.clone().all(|t| t.to_number().is_some());
    let resolved = match asked {
        TargetType::Auto => {
            if numeric
                && y.clone()
                    .any(|t| t.to_number().is_some_and(|v| v.fract() != 0.0))
            {
                TargetType::Continuous
            } else if n_classes <= 2 {
                TargetType::Binary
            } else {
                TargetType::Multiclass
            }
        }
        other => other,
    };
    match resolved {
        TargetType::Continuous if !numeric => {
            let label = y.find(|t| t.to_number().is_none());
            Err(Error::InvalidInput(format!(
                "TargetEncoder: target_type Continuous needs numeric targets, got the label {:?}",
                label.map(|t| format!("{t:?}")).unwrap_or_default()
            )))
        }
        TargetType::Binary if n_classes != 2 => Err(Error::InvalidInput(format!(
            "TargetEncoder: a binary target needs exactly 2 classes, got {n_classes}{}",
            if n_classes > 2 {
                "; use TargetType::Multiclass"
            } else {
                ""
            }
        ))),
        TargetType::Multiclass if n_classes < 3 => Err(Error::InvalidInput(format!(
            "TargetEncoder: a multiclass target needs at least 3 classes, got {n_classes}; \
             use TargetType::Binary for two"
        ))),
        other => Ok(other),
    }
}

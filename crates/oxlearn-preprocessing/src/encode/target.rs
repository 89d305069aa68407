//! [`TargetEncoder`]: each category as a shrunk mean of the target.

use std::cmp::Ordering;

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::model_selection::{CrossValidator, KFold, StratifiedKFold};
use oxlearn::params::{Params, check_at_least, check_non_negative};
use oxlearn::random::DEFAULT_SEED;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

mod label;

pub use label::EncoderTarget;
use label::resolve_target_type;

use super::ColumnCategories;
use crate::error::PreprocessingError;
use crate::util::{map_rows, names_or};

/// The kind of target a [`TargetEncoder`] encodes (scikit-learn's `target_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TargetType {
    /// Inferred as scikit-learn's `type_of_target`: continuous when the
    /// labels are numbers and one of them is not an integer, else binary for
    /// at most two distinct labels and multiclass for more (the default).
    #[default]
    Auto,
    /// A numeric target: categories are encoded by shrunk means.
    Continuous,
    /// Exactly two classes: categories are encoded by the shrunk share of
    /// the second (larger) class.
    Binary,
    /// Three classes or more: one output column per class and feature, the
    /// shrunk share of that class.
    Multiclass,
}

/// How much a [`TargetEncoder`] shrinks each category's mean towards the
/// global target mean (scikit-learn's `smooth`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Smooth {
    /// Empirical Bayes: the weight of a category's own mean is
    /// `n var / (n var + ssd / n)`, with `var` the target variance and `ssd`
    /// the sum of squared deviations within the category (the default).
    #[default]
    Auto,
    /// `(sum + m * mean) / (n + m)` with this `m >= 0`.
    Value(f64),
}

/// Encodes each categorical column by the mean of the target within each
/// category, shrunk towards the global mean, as scikit-learn's
/// `TargetEncoder` (`categories="auto"`).
///
/// Categories are the distinct values of each column at fit (as
/// [`OrdinalEncoder`](crate::OrdinalEncoder) finds them: NaN is a category
/// of its own); a category not seen at fit is encoded as the target mean.
/// Binary and continuous targets give one output column per feature;
/// multiclass targets one per feature and class, named `<feature>_<class>`.
///
/// **Cross fitting.** [`TargetEncoder::cross_fit_transform`] is
/// scikit-learn's `fit_transform`: it returns the model fitted on all the
/// data *and* the training matrix in which each row is encoded by the
/// encodings learnt on the other `cv` folds (`KFold` for a continuous target,
/// `StratifiedKFold` otherwise), so that a downstream model does not see its
/// own target leak through the encoding. The encoder overrides
/// [`Fit::fit_with_training_output`] with it, so
/// [`FitTransform::fit_transform`](oxlearn::FitTransform), a
/// [`Pipeline`](oxlearn::Pipeline) step and a
/// [`ColumnTransformer`](crate::ColumnTransformer) group all pass the
/// cross-fitted encoding of the training rows to what follows, as
/// scikit-learn's do. `fit` followed by `transform` instead encodes the
/// training rows with the encodings learnt on all of them, exactly as
/// scikit-learn's `fit(X, y).transform(X)`: that is what the fitted model
/// (and a fitted pipeline) does to new data. With `shuffle` (the
/// default) the folds are permuted with oxlearn's generator seeded by
/// `seed`, so fold membership differs from scikit-learn's (numpy's
/// generator); without it the folds are scikit-learn's exactly.
///
/// Hyperparameters (scikit-learn's names and defaults): `target_type`
/// ([`TargetType::Auto`]), `smooth` ([`Smooth::Auto`]), `cv` (5, at least
/// 2), `shuffle` (`true`), `seed` (scikit-learn's `random_state`).
///
/// Sample weights are refused with an error: scikit-learn's encoder takes
/// none, and ignoring them would silently change the target means.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, FitTransform, Transform};
/// use oxlearn_preprocessing::{Smooth, TargetEncoder, TargetType};
///
/// let x = array![[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]];
/// let data = Dataset::new(x, array![1.0, 2.0, 3.0, 10.0, 11.0, 12.0])?;
/// let encoder = TargetEncoder::default()
///     .target_type(TargetType::Continuous) // integers alone would mean classes
///     .smooth(Smooth::Value(0.0))
///     .cv(3)
///     .shuffle(false);
/// let model = encoder.fit(data.view())?;
/// // Category means; an unseen category gets the target mean.
/// assert_eq!(model.transform(array![[0.0], [1.0], [7.0]].view())?, array![[2.0], [11.0], [6.5]]);
/// // Cross-fitted: each row encoded without its own fold (rows 0 and 1 here).
/// let (_, z) = encoder.cross_fit_transform(data.view())?;
/// assert_eq!(z[[0, 0]], 3.0); // row 2 is the other row of category 0
/// // What fit_transform, pipelines and column transformers pass on.
/// assert_eq!(encoder.fit_transform(data.view())?.1, z);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TargetEncoder {
    /// The kind of target (default [`TargetType::Auto`]).
    pub target_type: TargetType,
    /// Shrinkage towards the target mean (default [`Smooth::Auto`]).
    pub smooth: Smooth,
    /// Folds of [`cross_fit_transform`](Self::cross_fit_transform) (default 5).
    pub cv: usize,
    /// Whether to shuffle the rows before cutting the folds (default `true`).
    pub shuffle: bool,
    /// Seed of the shuffle (default [`DEFAULT_SEED`]).
    pub seed: u64,
}

impl Default for TargetEncoder {
    fn default() -> Self {
        TargetEncoder {
            target_type: TargetType::Auto,
            smooth: Smooth::Auto,
            cv: 5,
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl TargetEncoder {
    /// Sets `target_type`.
    pub fn target_type(mut self, target_type: TargetType) -> Self {
        self.target_type = target_type;
        self
    }

    /// Sets `smooth`.
    pub fn smooth(mut self, smooth: Smooth) -> Self {
        self.smooth = smooth;
        self
    }

    /// Sets `cv`.
    pub fn cv(mut self, cv: usize) -> Self {
        self.cv = cv;
        self
    }

    /// Sets `shuffle`.
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Sets `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

impl Params for TargetEncoder {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("cv", self.cv, 2)?;
        if let Smooth::Value(m) = self.smooth {
            check_non_negative("smooth", m)?;
        }
        Ok(())
    }
}

/// A fitted [`TargetEncoder`]; `T` is the target label type.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TargetEncoderModel<T> {
    target_type: TargetType,
    classes: Option<Vec<T>>,
    columns: Vec<ColumnCategories>,
    /// One encoding per output column (feature major, class minor), one
    /// value per category.
    encodings: Vec<Vec<f64>>,
    target_mean: Vec<f64>,
    feature_names_in: Vec<String>,
}

/// The fit on all data, with what cross fitting reuses.
struct Prepared<T> {
    model: TargetEncoderModel<T>,
    /// Category index of every cell, per feature.
    codes: Vec<Vec<usize>>,
    /// Encoded target, one vector per output class (one for binary or continuous).
    ys: Vec<Vec<f64>>,
    /// Class index of each sample (zeros for a continuous target).
    class_index: Array1<usize>,
}

impl TargetEncoder {
    /// Fits on `data` and returns the model with the cross-fitted encoding of
    /// the training records: scikit-learn's `fit_transform` (see the type's
    /// documentation for how it differs from `fit` then `transform`).
    ///
    /// # Errors
    /// As [`Fit::fit`], and when the folds cannot be cut (more folds than
    /// samples, or than members of the largest class).
    pub fn cross_fit_transform<F: Float, T: EncoderTarget>(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(TargetEncoderModel<T>, Array2<F>), PreprocessingError> {
        let prepared = self.prepare(data)?;
        let x = data.records();
        let n = x.nrows();
        let folds_view = DatasetView::new(x.view(), prepared.class_index.view())?;
        let splits = if prepared.model.target_type == TargetType::Continuous {
            let kfold = KFold::new(self.cv).shuffle(self.shuffle).seed(self.seed);
            kfold.split(folds_view)?
        } else {
            let skf = StratifiedKFold::new(self.cv)
                .shuffle(self.shuffle)
                .seed(self.seed);
            skf.split(folds_view)?
        };
        let model = prepared.model;
        let n_classes = prepared.ys.len();
        let mut out = Array2::<F>::zeros((n, model.encodings.len()));
        for (train, test) in splits {
            let codes: Vec<Vec<usize>> = prepared
                .codes
                .iter()
                .map(|c| train.iter().map(|&i| c[i]).collect())
                .collect();
            let ys: Vec<Vec<f64>> = prepared
                .ys
                .iter()
                .map(|y| train.iter().map(|&i| y[i]).collect())
                .collect();
            let (encodings, _) = self.encodings(&codes, &model.columns, &ys);
            for &i in &test {
                for (j, c) in prepared.codes.iter().enumerate() {
                    for k in 0..n_classes {
                        let e = j * n_classes + k;
                        out[[i, e]] = F::cast(encodings[e][c[i]]);
                    }
                }
            }
        }
        Ok((model, out))
    }

    /// Fits the encodings on all of `data`.
    fn prepare<F: Float, T: EncoderTarget>(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<Prepared<T>, PreprocessingError> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(Error::InvalidInput(
                "TargetEncoder does not take sample weights (scikit-learn's takes none); \
                 fit it on an unweighted dataset"
                    .into(),
            )
            .into());
        }
        let x = data.records();
        check::non_empty(x, "TargetEncoder training records")?;
        check::records_allow_nan(x, "TargetEncoder training records")?;
        let y = data.targets();
        check::same_length(x.nrows(), y.len(), "TargetEncoder targets")?;
        if let Some(row) = y
            .iter()
            .position(|t| t.to_number().is_some_and(|v| !v.is_finite()))
        {
            return Err(Error::NonFinite {
                what: "TargetEncoder targets".into(),
                row,
                column: 0,
                value: format!("{:?}", y[row]),
            }
            .into());
        }
        // Sorted distinct labels and each sample's class.
        let mut classes: Vec<T> = y.to_vec();
        classes.sort_by(T::cmp_label);
        classes.dedup_by(|a, b| a.cmp_label(b) == Ordering::Equal);
        let class_index: Array1<usize> = y
            .iter()
            .map(|t| {
                classes
                    .binary_search_by(|c| c.cmp_label(t))
                    .unwrap_or_default()
            })
            .collect();
        let target_type = resolve_target_type(self.target_type, y.iter(), classes.len())?;
        let ys: Vec<Vec<f64>> = match target_type {
            TargetType::Continuous => vec![
                y.iter()
                    .map(|t| t.to_number().unwrap_or(f64::NAN))
                    .collect(),
            ],
            TargetType::Binary => vec![class_index.iter().map(|&c| c as f64).collect()],
            _ => (0..classes.len())
                .map(|k| {
                    class_index
                        .iter()
                        .map(|&c| f64::from(u8::from(c == k)))
                        .collect()
                })
                .collect(),
        };
        let names = data.categories();
        let columns = super::fit_columns(x, &names);
        let codes: Vec<Vec<usize>> = columns
            .par_iter()
            .enumerate()
            .map(|(j, c)| {
                x.column(j)
                    .iter()
                    .map(|&v| c.index_of(v).unwrap_or_default())
                    .collect()
            })
            .collect();
        let (encodings, target_mean) = self.encodings(&codes, &columns, &ys);
        let model = TargetEncoderModel {
            target_type,
            classes: (target_type != TargetType::Continuous).then_some(classes),
            columns,
            encodings,
            target_mean,
            feature_names_in: data.feature_names(),
        };
        Ok(Prepared {
            model,
            codes,
            ys,
            class_index,
        })
    }

    /// The encodings of every feature and class (feature major), and the
    /// target mean of each class, learnt from `codes` and `ys`.
    fn encodings(
        &self,
        codes: &[Vec<usize>],
        columns: &[ColumnCategories],
        ys: &[Vec<f64>],
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        let stats: Vec<(f64, f64)> = ys.iter().map(|y| mean_var(y)).collect();
        let encodings = (0..codes.len() * ys.len())
            .into_par_iter()
            .map(|e| {
                let (j, k) = (e / ys.len(), e % ys.len());
                let (mean, var) = stats[k];
                encode_feature(&codes[j], &ys[k], columns[j].len(), self.smooth, mean, var)
            })
            .collect();
        (encodings, stats.iter().map(|s| s.0).collect())
    }
}

/// Mean and (population) variance of `y`.
fn mean_var(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var)
}

/// The encoding of each of `n_cats` categories from the samples' category
/// `codes` and targets `y`, as scikit-learn's `_fit_encoding_fast` and
/// `_fit_encoding_fast_auto_smooth` (same operations, same order).
fn encode_feature(
    codes: &[usize],
    y: &[f64],
    n_cats: usize,
    smooth: Smooth,
    y_mean: f64,
    y_var: f64,
) -> Vec<f64> {
    match smooth {
        Smooth::Value(m) => {
            let mut sums = vec![m * y_mean; n_cats];
            let mut counts = vec![m; n_cats];
            for (&c, &v) in codes.iter().zip(y) {
                sums[c] += v;
                counts[c] += 1.0;
            }
            sums.iter()
                .zip(&counts)
                .map(|(&s, &n)| if n == 0.0 { y_mean } else { s / n })
                .collect()
        }
        Smooth::Auto => {
            let mut means = vec![0.0; n_cats];
            let mut counts = vec![0usize; n_cats];
            let mut ssd = vec![0.0; n_cats];
            for (&c, &v) in codes.iter().zip(y) {
                counts[c] += 1;
                means[c] += v;
            }
            for (m, &n) in means.iter_mut().zip(&counts) {
                *m /= n as f64;
            }
            for (&c, &v) in codes.iter().zip(y) {
                let diff = v - means[c];
                ssd[c] += diff * diff;
            }
            (0..n_cats)
                .map(|c| {
                    let n = counts[c] as f64;
                    let lambda = y_var * n / (y_var * n + ssd[c] / n);
                    if lambda.is_nan() {
                        y_mean
                    } else {
                        lambda * means[c] + (1.0 - lambda) * y_mean
                    }
                })
                .collect()
        }
    }
}

impl<T: EncoderTarget> TargetEncoderModel<T> {
    /// The same model with each class replaced by its name in output feature
    /// names ([`EncoderTarget::label_name`]), for holding encoders fitted on
    /// any target type in one [`AnyTransformerModel`](crate::AnyTransformerModel).
    pub(crate) fn into_named_classes(self) -> TargetEncoderModel<String> {
        TargetEncoderModel {
            target_type: self.target_type,
            classes: self
                .classes
                .map(|c| c.iter().map(EncoderTarget::label_name).collect()),
            columns: self.columns,
            encodings: self.encodings,
            target_mean: self.target_mean,
            feature_names_in: self.feature_names_in,
        }
    }

    /// The target type used (never [`TargetType::Auto`]).
    pub fn target_type(&self) -> TargetType {
        self.target_type
    }

    /// The sorted classes (scikit-learn's `classes_`); `None` for a
    /// continuous target.
    pub fn classes(&self) -> Option<&[T]> {
        self.classes.as_deref()
    }

    /// The encodings (scikit-learn's `encodings_`): one per output column
    /// (feature major, class minor), one value per category of the feature.
    pub fn encodings(&self) -> &[Vec<f64>] {
        &self.encodings
    }

    /// The target mean (scikit-learn's `target_mean_`): one value, or one
    /// class share per class for a multiclass target.
    pub fn target_mean(&self) -> &[f64] {
        &self.target_mean
    }

    /// The category names of each input column (NaN as `nan`, last).
    pub fn categories(&self) -> Vec<&[String]> {
        self.columns.iter().map(|c| c.names.as_slice()).collect()
    }

    /// The output names: the input names (`input` when it has one per
    /// column, else the names at fit), or `<feature>_<class>` for each
    /// feature and class of a multiclass target.
    pub fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        match (&self.classes, self.target_type) {
            (Some(classes), TargetType::Multiclass) => names
                .iter()
                .flat_map(|f| {
                    classes
                        .iter()
                        .map(move |c| format!("{f}_{}", c.label_name()))
                })
                .collect(),
            _ => names,
        }
    }

    fn n_outputs(&self) -> usize {
        self.classes
            .as_ref()
            .filter(|_| self.target_type == TargetType::Multiclass)
            .map_or(1, Vec::len)
    }

    fn check(&self) -> Result<(), Error> {
        let k = self.n_outputs();
        let ok = self.feature_names_in.len() == self.columns.len()
            && self.target_mean.len() == k
            && self.encodings.len() == self.columns.len() * k
            && self.columns.iter().all(ColumnCategories::is_consistent)
            && self
                .encodings
                .iter()
                .enumerate()
                .all(|(e, enc)| enc.len() == self.columns[e / k].len());
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidModel(
                "TargetEncoderModel: encodings, categories and classes are inconsistent".into(),
            ))
        }
    }
}

impl<F: Float, T: EncoderTarget> Fit<F, T> for TargetEncoder {
    type Model = TargetEncoderModel<T>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        Ok(self.prepare(data)?.model)
    }

    /// The model and the cross-fitted encoding of the training records, as
    /// [`cross_fit_transform`](TargetEncoder::cross_fit_transform): what a
    /// [`Pipeline`](oxlearn::Pipeline), a
    /// [`ColumnTransformer`](crate::ColumnTransformer) and
    /// [`FitTransform::fit_transform`](oxlearn::FitTransform) pass on.
    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>), PreprocessingError> {
        let (model, out) = self.cross_fit_transform(data)?;
        Ok((model, Some(out)))
    }
}

impl<F: Float, T: EncoderTarget> Transform<F> for TargetEncoderModel<T> {
    type Error = PreprocessingError;

    /// Encodes with the encodings learnt on all the training data; unseen
    /// categories (NaN included, when it was not seen at fit) get the
    /// target mean.
    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check()?;
        check::n_features(x, self.columns.len())?;
        check::records_allow_nan(x, "TargetEncoder input")?;
        let k = self.n_outputs();
        Ok(map_rows(x, self.encodings.len(), |row, out| {
            for (j, &v) in row.iter().enumerate() {
                let cat = self.columns[j].index_of(v);
                for c in 0..k {
                    let value = match cat {
                        Some(i) => self.encodings[j * k + c][i],
                        None => self.target_mean[c],
                    };
                    out[j * k + c] = F::cast(value);
                }
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.columns.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        TargetEncoderModel::feature_names_out(self, input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use oxlearn::Dataset;

    #[test]
    fn auto_smoothing_shrinks_small_noisy_categories() {
        let codes = [0, 0, 1, 1, 1, 1];
        let y = [0.0, 2.0, 4.0, 4.0, 4.0, 4.0];
        let (mean, var) = mean_var(&y);
        assert_eq!((mean, var), (3.0, 14.0 / 6.0));
        let e = encode_feature(&codes, &y, 3, Smooth::Auto, mean, var);
        // lambda = n var / (n var + ssd / n) = 28 / 34 towards the category mean 1.
        assert!((e[0] - 46.0 / 34.0).abs() < 1e-15);
        // Category 1 has no spread: its own mean; category 2 is empty: the mean.
        assert_eq!(e[1], 4.0);
        assert_eq!(e[2], mean);
        let e = encode_feature(&codes, &y, 3, Smooth::Value(2.0), mean, var);
        assert_eq!(e, vec![(2.0 + 6.0) / 4.0, (16.0 + 6.0) / 6.0, 3.0]);
    }

    #[test]
    fn target_types_are_inferred_and_checked() {
        let x = array![[0.0], [1.0], [0.0], [1.0]];
        let fit = |y: Array1<f64>, t| {
            let data = Dataset::new(x.clone(), y).unwrap();
            TargetEncoder::default().target_type(t).fit(data.view())
        };
        let m = fit(array![0.5, 1.0, 2.0, 3.0], TargetType::Auto).unwrap();
        assert_eq!(m.target_type(), TargetType::Continuous);
        let m = fit(array![1.0, 2.0, 1.0, 2.0], TargetType::Auto).unwrap();
        assert_eq!(m.target_type(), TargetType::Binary);
        let m = fit(array![1.0, 2.0, 3.0, 2.0], TargetType::Auto).unwrap();
        assert_eq!(m.target_type(), TargetType::Multiclass);
        assert_eq!(
            m.feature_names_out(&["a".to_string()]),
            ["a_1.0", "a_2.0", "a_3.0"]
        );
        assert!(fit(array![1.0, 2.0, 3.0, 2.0], TargetType::Binary).is_err());
        assert!(fit(array![1.0, 2.0, 1.0, 2.0], TargetType::Multiclass).is_err());
        assert!(fit(array![1.0, 1.0, 1.0, 1.0], TargetType::Auto).is_err());
        assert!(fit(array![1.0, f64::NAN, 1.0, 2.0], TargetType::Auto).is_err());
        let text = Dataset::new(x.clone(), array!["a", "b", "a", "b"]).unwrap();
        let enc = TargetEncoder::default().target_type(TargetType::Continuous);
        assert!(enc.fit(text.view()).is_err());
    }
}

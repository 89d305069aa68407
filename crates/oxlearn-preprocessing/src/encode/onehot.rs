//! [`OneHotEncoder`]: one 0/1 column per category.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::{Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use super::{ColumnCategories, first_unknown, fit_columns};
use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{map_rows, names_or};

/// What a [`OneHotEncoder`] does with a category not seen at fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HandleUnknown {
    /// Return an error naming the column and the value (the default).
    #[default]
    Error,
    /// Encode it as all zeros.
    Ignore,
    /// Encode it as the column's infrequent category when it has one, else
    /// as all zeros.
    InfrequentIfExist,
}

/// Which category of each column a [`OneHotEncoder`] drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DropCategory {
    /// The first output column of every feature.
    First,
    /// The first output column of features with exactly two output columns.
    IfBinary,
}

/// The threshold below which a category is infrequent.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MinFrequency {
    /// Fewer than this many samples (at least 1).
    Count(usize),
    /// Fewer than this fraction of the samples (in `(0, 1)`).
    Fraction(f64),
}

/// Encodes each categorical column as one 0/1 column per category, as
/// scikit-learn's `OneHotEncoder` (with dense output).
///
/// Categories are the distinct values of each column at fit, sorted, NaN
/// last as a category of its own. Output names are `<column>_<category>`,
/// with the dataset's category names for integer-coded columns
/// (`island_Biscoe`), the number otherwise, `nan` for missing, and
/// `<column>_infrequent_sklearn` for the infrequent group (scikit-learn's name).
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `handle_unknown` (default [`HandleUnknown::Error`]);
/// - `drop` (default `None`): [`DropCategory::First`] or [`DropCategory::IfBinary`];
///   a dropped category is encoded as all zeros;
/// - `min_frequency` (default `None`) and `max_categories` (default `None`,
///   at least 1, the infrequent group included): rare categories are grouped
///   into one infrequent column, placed last.
///
/// Values must not be infinite. Sample weights are accepted and not used
/// (scikit-learn's encoder takes none).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{HandleUnknown, OneHotEncoder};
///
/// let data = Dataset::from_records(array![[0.0, 1.0], [2.0, 0.0], [0.0, f64::NAN]])
///     .with_feature_names(["island", "sex"])?
///     .with_categories(vec![
///         Some(vec!["Biscoe".into(), "Dream".into(), "Torgersen".into()]),
///         Some(vec!["female".into(), "male".into()]),
///     ])?;
/// let model = OneHotEncoder::default().fit(data.view())?;
/// assert_eq!(
///     model.feature_names_out(data.feature_names()),
///     ["island_Biscoe", "island_Torgersen", "sex_female", "sex_male", "sex_nan"]
/// );
/// assert_eq!(model.transform(array![[2.0, 1.0]].view())?, array![[0.0, 1.0, 0.0, 1.0, 0.0]]);
/// assert!(model.transform(array![[1.0, 1.0]].view()).is_err()); // Dream was not seen
///
/// let lenient = OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore);
/// let model = lenient.fit(data.view())?;
/// assert_eq!(model.transform(array![[1.0, 1.0]].view())?.row(0).sum(), 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OneHotEncoder {
    /// What to do with unseen categories (default [`HandleUnknown::Error`]).
    pub handle_unknown: HandleUnknown,
    /// Category to drop per feature (default `None`).
    pub drop: Option<DropCategory>,
    /// Infrequent-category threshold (default `None`).
    pub min_frequency: Option<MinFrequency>,
    /// Maximum output columns per feature, infrequent group included (default `None`).
    pub max_categories: Option<usize>,
}

impl OneHotEncoder {
    /// Sets `handle_unknown`.
    pub fn handle_unknown(mut self, handle_unknown: HandleUnknown) -> Self {
        self.handle_unknown = handle_unknown;
        self
    }

    /// Sets `drop`.
    pub fn drop(mut self, drop: Option<DropCategory>) -> Self {
        self.drop = drop;
        self
    }

    /// Sets `min_frequency`.
    pub fn min_frequency(mut self, min_frequency: Option<MinFrequency>) -> Self {
        self.min_frequency = min_frequency;
        self
    }

    /// Sets `max_categories`.
    pub fn max_categories(mut self, max_categories: Option<usize>) -> Self {
        self.max_categories = max_categories;
        self
    }
}

impl Params for OneHotEncoder {
    fn validate(&self) -> Result<(), Error> {
        match self.min_frequency {
            Some(MinFrequency::Count(0)) => {
                return Err(Error::invalid_parameter("min_frequency", "a count >= 1", 0));
            }
            Some(MinFrequency::Fraction(f)) if !(f > 0.0 && f < 1.0) => {
                return Err(Error::invalid_parameter(
                    "min_frequency",
                    "a fraction in (0, 1)",
                    f,
                ));
            }
            _ => {}
        }
        if self.max_categories == Some(0) {
            return Err(Error::invalid_parameter("max_categories", "at least 1", 0));
        }
        Ok(())
    }
}

/// The encoding of one input column.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Encoding {
    categories: ColumnCategories,
    /// Output position (within the column's block) of each category; `None`
    /// when dropped.
    position: Vec<Option<usize>>,
    /// Output position of the infrequent group, if any and not dropped.
    infrequent: Option<usize>,
    /// Whether each category belongs to the infrequent group.
    is_infrequent: Vec<bool>,
    /// Output column names (suffixes after `<column>_`).
    suffixes: Vec<String>,
}

/// A fitted [`OneHotEncoder`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OneHotEncoderModel {
    handle_unknown: HandleUnknown,
    columns: Vec<Encoding>,
    offsets: Vec<usize>,
    feature_names_in: Vec<String>,
}

impl OneHotEncoder {
    /// scikit-learn's `_identify_infrequent`.
    fn infrequent(&self, counts: &[usize], n_samples: usize) -> Vec<bool> {
        let mut mask: Vec<bool> = match self.min_frequency {
            Some(MinFrequency::Count(m)) => counts.iter().map(|&c| c < m).collect(),
            Some(MinFrequency::Fraction(f)) => {
                let min = n_samples as f64 * f;
                counts.iter().map(|&c| (c as f64) < min).collect()
            }
            None => vec![false; counts.len()],
        };
        let n_current = counts.len() - mask.iter().filter(|&&m| m).count() + 1;
        if let Some(max) = self.max_categories
            && max < n_current
        {
            let frequent = max - 1;
            if frequent == 0 {
                mask.iter_mut().for_each(|m| *m = true);
            } else {
                // Stable sort by count: the `len - frequent` smallest are infrequent.
                let mut order: Vec<usize> = (0..counts.len()).collect();
                order.sort_by_key(|&k| counts[k]);
                for &k in &order[..counts.len().saturating_sub(frequent)] {
                    mask[k] = true;
                }
            }
        }
        mask
    }

    fn encoding(&self, categories: ColumnCategories, n_samples: usize) -> Encoding {
        let infrequent = self.infrequent(&categories.counts, n_samples);
        let has_infrequent = infrequent.iter().any(|&m| m);
        // Positions after grouping: frequent categories in order, the group last.
        let mut grouped = Vec::with_capacity(infrequent.len());
        let mut suffixes = Vec::new();
        for (k, &inf) in infrequent.iter().enumerate() {
            if !inf {
                grouped.push(suffixes.len());
                suffixes.push(categories.names[k].clone());
            } else {
                grouped.push(usize::MAX);
            }
        }
        let group = suffixes.len();
        if has_infrequent {
            suffixes.push("infrequent_sklearn".to_string());
        }
        let dropped = match self.drop {
            Some(DropCategory::First) => Some(0),
            Some(DropCategory::IfBinary) if suffixes.len() == 2 => Some(0),
            _ => None,
        };
        let shift = |p: usize| match dropped {
            Some(d) if p == d => None,
            Some(d) if p > d => Some(p - 1),
            _ => Some(p),
        };
        if let Some(d) = dropped
            && d < suffixes.len()
        {
            suffixes.remove(d);
        }
        let position = grouped
            .iter()
            .map(|&p| shift(if p == usize::MAX { group } else { p }))
            .collect();
        Encoding {
            categories,
            position,
            infrequent: if has_infrequent { shift(group) } else { None },
            is_infrequent: infrequent,
            suffixes,
        }
    }
}

impl<F: Float, T> Fit<F, T> for OneHotEncoder {
    type Model = OneHotEncoderModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<OneHotEncoderModel, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "OneHotEncoder training records")?;
        let names = data.categories();
        let columns: Vec<Encoding> = fit_columns(x, &names)
            .into_iter()
            .map(|cats| self.encoding(cats, x.nrows()))
            .collect();
        let mut offsets = vec![0];
        for c in &columns {
            offsets.push(offsets[offsets.len() - 1] + c.suffixes.len());
        }
        Ok(OneHotEncoderModel {
            handle_unknown: self.handle_unknown,
            columns,
            offsets,
            feature_names_in: data.feature_names(),
        })
    }
}

impl OneHotEncoderModel {
    /// The category names of each input column, in category order (NaN as `nan`).
    pub fn categories(&self) -> Vec<&[String]> {
        self.columns
            .iter()
            .map(|c| c.categories.names.as_slice())
            .collect()
    }

    /// The category values of each input column (NaN last when seen at fit).
    pub fn category_values(&self) -> Vec<Vec<f64>> {
        self.columns
            .iter()
            .map(|c| {
                (0..c.categories.len())
                    .map(|k| c.categories.value(k))
                    .collect()
            })
            .collect()
    }

    /// The names of the infrequent categories of each input column.
    pub fn infrequent_categories(&self) -> Vec<Vec<&str>> {
        self.columns
            .iter()
            .map(|c| {
                c.categories
                    .names
                    .iter()
                    .zip(&c.is_infrequent)
                    .filter(|(_, inf)| **inf)
                    .map(|(n, _)| n.as_str())
                    .collect()
            })
            .collect()
    }

    /// The number of output columns.
    pub fn n_features_out(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0)
    }

    fn check(&self) -> Result<(), Error> {
        let ok = self.offsets.len() == self.columns.len() + 1
            && self.feature_names_in.len() == self.columns.len()
            && self.columns.iter().enumerate().all(|(j, c)| {
                let n = c.suffixes.len();
                c.categories.is_consistent()
                    && c.position.len() == c.categories.len()
                    && c.is_infrequent.len() == c.categories.len()
                    && c.position
                        .iter()
                        .chain([&c.infrequent])
                        .all(|p| p.is_none_or(|p| p < n))
                    && self.offsets[j + 1] == self.offsets[j] + n
            });
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidModel(
                "OneHotEncoderModel: categories, positions and offsets are inconsistent".into(),
            ))
        }
    }

    /// The output position (absolute column) of value `v` in column `j`:
    /// `Ok(None)` for all zeros, `Err(())` for an unknown value with
    /// `handle_unknown = Error`.
    fn position<F: Float>(&self, j: usize, v: F) -> Result<Option<usize>, ()> {
        let c = &self.columns[j];
        let p = match c.categories.index_of(v) {
            Some(k) => c.position[k],
            None => match self.handle_unknown {
                HandleUnknown::Error => return Err(()),
                HandleUnknown::Ignore => None,
                HandleUnknown::InfrequentIfExist => c.infrequent,
            },
        };
        Ok(p.map(|p| self.offsets[j] + p))
    }
}

impl<F: Float> Transform<F> for OneHotEncoderModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check()?;
        check::n_features(x, self.columns.len())?;
        check::records_allow_nan(x, "OneHotEncoder input")?;
        let unknown = AtomicBool::new(false);
        let out = map_rows(x, self.n_features_out(), |row, out| {
            for (j, &v) in row.iter().enumerate() {
                match self.position(j, v) {
                    Ok(Some(p)) => out[p] = F::one(),
                    Ok(None) => {}
                    Err(()) => unknown.store(true, Ordering::Relaxed),
                }
            }
        })?;
        if unknown.load(Ordering::Relaxed) {
            first_unknown(x, &self.feature_names_in, |j, v| {
                self.position(j, v).is_ok()
            })?;
        }
        Ok(out)
    }

    fn n_features_in(&self) -> usize {
        self.columns.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        OneHotEncoderModel::feature_names_out(self, input)
    }
}

impl<F: Float> InverseTransform<F> for OneHotEncoderModel {
    /// One-hot blocks back to category values, as scikit-learn: the first
    /// largest column of each block gives the category; a block of zeros
    /// gives the dropped category when one was dropped, NaN (unknown) with
    /// `handle_unknown` `Ignore` or `InfrequentIfExist`, and an error with
    /// `Error`. The infrequent group maps to NaN (it stands for several
    /// categories).
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check()?;
        check::n_features(x, self.n_features_out())?;
        let mut out = Array2::from_elem((x.nrows(), self.columns.len()), F::nan());
        for (j, c) in self.columns.iter().enumerate() {
            let width = c.suffixes.len();
            let mut values = vec![f64::NAN; width];
            let mut dropped = None;
            for (k, (p, inf)) in c.position.iter().zip(&c.is_infrequent).enumerate() {
                match (p, inf) {
                    (Some(p), false) => values[*p] = c.categories.value(k),
                    (None, false) => dropped = Some(c.categories.value(k)),
                    _ => {}
                }
            }
            let n_grouped = c.is_infrequent.iter().filter(|&&i| !i).count()
                + usize::from(c.is_infrequent.iter().any(|&i| i));
            if dropped.is_none() && width < n_grouped {
                dropped = Some(f64::NAN); // the infrequent group was dropped
            }
            let block = x.slice(ndarray::s![.., self.offsets[j]..self.offsets[j] + width]);
            for (i, row) in block.rows().into_iter().enumerate() {
                let best = row.iter().enumerate().fold(
                    None,
                    |best: Option<(usize, F)>, (p, &v)| match best {
                        Some((_, b)) if b >= v => best,
                        _ => Some((p, v)),
                    },
                );
                out[[i, j]] = F::cast(match best {
                    Some((p, v)) if v > F::zero() => values[p],
                    _ => match (dropped, self.handle_unknown) {
                        (Some(v), _) => v,
                        (None, HandleUnknown::Error) => {
                            return Err(PreprocessingError::NotInvertible {
                                row: i,
                                column: self.offsets[j],
                                message: format!(
                                    "the block of `{}` is all zeros, which no category \
                                     encodes without drop or handle_unknown",
                                    self.feature_names_in[j]
                                ),
                            });
                        }
                        (None, _) => f64::NAN,
                    },
                });
            }
        }
        Ok(out)
    }
}

impl OneHotEncoderModel {
    /// The output column names, `<column>_<category>`, given the input
    /// column names (the names seen at fit when `input` has the wrong length).
    pub fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        self.columns
            .iter()
            .zip(&names)
            .flat_map(|(c, name)| c.suffixes.iter().map(move |s| format!("{name}_{s}")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infrequent_categories_as_scikit_learn() {
        let counts = [5, 20, 10, 3, 10];
        let enc = OneHotEncoder::default().min_frequency(Some(MinFrequency::Count(6)));
        assert_eq!(
            enc.infrequent(&counts, 48),
            vec![true, false, false, true, false]
        );
        let enc = OneHotEncoder::default().max_categories(Some(3));
        // Two frequent kept: the stable sort puts 3, 5, 10 (index 2) first.
        assert_eq!(
            enc.infrequent(&counts, 48),
            vec![true, false, true, true, false]
        );
        let enc = OneHotEncoder::default().max_categories(Some(1));
        assert!(enc.infrequent(&counts, 48).iter().all(|&m| m));
        let enc = OneHotEncoder::default().min_frequency(Some(MinFrequency::Fraction(0.2)));
        assert_eq!(
            enc.infrequent(&counts, 48),
            vec![true, false, false, true, false]
        );
    }
}

//! [`SimpleImputer`]: replace missing values (NaN) column by column.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::stats::median;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{format_value, map_rows, names_or};

/// What a [`SimpleImputer`] fills missing values with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ImputeStrategy {
    /// The column's mean (the default).
    #[default]
    Mean,
    /// The column's median.
    Median,
    /// The column's most frequent value (the smallest one on ties).
    MostFrequent,
    /// `fill_value` (0 when unset).
    Constant,
}

/// Replaces missing values (NaN) with a per-column statistic, as
/// scikit-learn's `SimpleImputer` with `missing_values = NaN`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `strategy` (default [`ImputeStrategy::Mean`]);
/// - `fill_value` (default `None`, meaning 0; used by `Constant`, finite);
/// - `add_indicator` (default `false`): append one 0/1 column per feature
///   that had missing values at fit, named `missingindicator_<name>`;
/// - `keep_empty_features` (default `false`).
///
/// A column with no observed value at fit has no mean, median or most
/// frequent value: as in scikit-learn, it is dropped from the output unless
/// `keep_empty_features` is set (it is then filled with 0). The dropped
/// columns are listed by [`SimpleImputerModel::dropped_features`]. When every
/// column would be dropped, `fit` returns an error naming the first one.
/// Infinite values are rejected. Sample weights are accepted and not used
/// (scikit-learn's imputer takes none).
///
/// With `add_indicator`, the model implements [`InverseTransform`]: NaN is
/// put back wherever an indicator column is non-zero, as scikit-learn's
/// `inverse_transform` (which needs the indicators too). A column dropped at
/// fit comes back as NaN throughout (scikit-learn assumes it is still all
/// missing).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{ImputeStrategy, SimpleImputer};
///
/// let nan = f64::NAN;
/// let data = Dataset::from_records(array![[1.0, nan, nan], [3.0, 4.0, nan], [nan, 4.0, nan]])
///     .with_feature_names(["a", "b", "empty"])?;
/// let model = SimpleImputer::default().add_indicator(true).fit(data.view())?;
/// let out = model.transform(data.records())?;
/// // `empty` is dropped; indicators for a, b and empty follow.
/// assert_eq!(out.row(0).to_vec(), vec![1.0, 4.0, 0.0, 1.0, 1.0]);
/// assert_eq!(out.row(2).to_vec(), vec![2.0, 4.0, 1.0, 0.0, 1.0]);
/// let names = model.feature_names_out(data.feature_names());
/// assert_eq!(names[2], "missingindicator_a");
///
/// let median = SimpleImputer::default().strategy(ImputeStrategy::Median);
/// assert_eq!(median.fit(data.view())?.statistics()[0], 2.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimpleImputer {
    /// The statistic to fill with (default [`ImputeStrategy::Mean`]).
    pub strategy: ImputeStrategy,
    /// The value of [`ImputeStrategy::Constant`] (default `None`: 0).
    pub fill_value: Option<f64>,
    /// Append missing-value indicator columns (default `false`).
    pub add_indicator: bool,
    /// Keep columns with no observed value, filled with 0 (default `false`).
    pub keep_empty_features: bool,
}

impl SimpleImputer {
    /// Sets `strategy`.
    pub fn strategy(mut self, strategy: ImputeStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets `fill_value` (and nothing else: choose [`ImputeStrategy::Constant`] to use it).
    pub fn fill_value(mut self, fill_value: f64) -> Self {
        self.fill_value = Some(fill_value);
        self
    }

    /// Sets `add_indicator`.
    pub fn add_indicator(mut self, add_indicator: bool) -> Self {
        self.add_indicator = add_indicator;
        self
    }

    /// Sets `keep_empty_features`.
    pub fn keep_empty_features(mut self, keep: bool) -> Self {
        self.keep_empty_features = keep;
        self
    }
}

impl Params for SimpleImputer {
    fn validate(&self) -> Result<(), Error> {
        match self.fill_value {
            Some(v) if !v.is_finite() => Err(Error::invalid_parameter(
                "fill_value",
                "a finite value (or None for 0)",
                v,
            )),
            _ => Ok(()),
        }
    }
}

/// A fitted [`SimpleImputer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimpleImputerModel<F> {
    #[cfg_attr(feature = "serde", serde(default))]
    add_indicator: bool,
    statistics: Array1<F>,
    #[cfg_attr(feature = "serde", serde(flatten))]
    columns: ImputedColumns,
}

/// Which input columns an imputer outputs, which get a missing-value
/// indicator, and the input names: shared by [`SimpleImputer`] and
/// [`KnnImputer`](crate::KnnImputer).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct ImputedColumns {
    kept: Vec<usize>,
    indicator: Vec<usize>,
    feature_names_in: Vec<String>,
}

impl ImputedColumns {
    /// Keeps column `j` where `keep(j)`, adds an indicator where
    /// `add_indicator && missing(j)`; an error naming `estimator` (with
    /// `remedy`) when nothing would be output.
    pub(crate) fn new(
        estimator: &str,
        remedy: &str,
        names: Vec<String>,
        keep: impl Fn(usize) -> bool,
        add_indicator: bool,
        missing: impl Fn(usize) -> bool,
    ) -> Result<Self, Error> {
        let d = names.len();
        let kept: Vec<usize> = (0..d).filter(|&j| keep(j)).collect();
        let indicator: Vec<usize> = if add_indicator {
            (0..d).filter(|&j| missing(j)).collect()
        } else {
            Vec::new()
        };
        if kept.is_empty() && indicator.is_empty() {
            return Err(Error::InvalidInput(format!(
                "{estimator}: every column has no observed value (column 0, `{}`, is all NaN); \
                 nothing to impute from ({remedy})",
                names[0]
            )));
        }
        Ok(ImputedColumns {
            kept,
            indicator,
            feature_names_in: names,
        })
    }

    /// The imputed input columns, in output order.
    pub(crate) fn kept(&self) -> &[usize] {
        &self.kept
    }

    /// The input columns with an indicator, in output order after the kept ones.
    pub(crate) fn indicator(&self) -> &[usize] {
        &self.indicator
    }

    /// The number of output columns.
    pub(crate) fn n_out(&self) -> usize {
        self.kept.len() + self.indicator.len()
    }

    /// The input columns that are not output.
    pub(crate) fn dropped(&self) -> Vec<usize> {
        (0..self.feature_names_in.len())
            .filter(|j| !self.kept.contains(j))
            .collect()
    }

    /// Whether the indices and names fit `d` input features (a loaded model
    /// may not).
    pub(crate) fn consistent(&self, d: usize) -> bool {
        self.kept.iter().chain(&self.indicator).all(|&j| j < d) && self.feature_names_in.len() == d
    }

    /// The kept columns' names, then `missingindicator_<name>` per indicator.
    pub(crate) fn names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        let get = |j: usize| {
            names
                .get(j)
                .cloned()
                .unwrap_or_else(|| format_value(j as f64))
        };
        self.kept
            .iter()
            .map(|&j| get(j))
            .chain(
                self.indicator
                    .iter()
                    .map(|&j| format!("missingindicator_{}", get(j))),
            )
            .collect()
    }
}

/// The statistic of the observed values of one column; `None` when there is none.
fn statistic(mut values: Vec<f64>, strategy: ImputeStrategy, fill: f64) -> Option<f64> {
    if strategy == ImputeStrategy::Constant {
        return Some(fill);
    }
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    Some(match strategy {
        ImputeStrategy::Mean => values.iter().sum::<f64>() / n as f64,
        ImputeStrategy::Median => return median(&values),
        ImputeStrategy::MostFrequent | ImputeStrategy::Constant => {
            values.sort_unstable_by(f64::total_cmp);
            let (mut best, mut best_count) = (values[0], 0);
            let mut i = 0;
            while i < n {
                let mut k = i;
                while k < n && values[k] == values[i] {
                    k += 1;
                }
                if k - i > best_count {
                    (best, best_count) = (values[i], k - i);
                }
                i = k;
            }
            best
        }
    })
}

impl<F: Float> SimpleImputerModel<F> {
    /// The fill value of each input column (NaN for a column with no
    /// observed value, which is dropped), as scikit-learn's `statistics_`.
    pub fn statistics(&self) -> &Array1<F> {
        &self.statistics
    }

    /// The input columns dropped because they had no observed value at fit.
    pub fn dropped_features(&self) -> Vec<usize> {
        self.columns.dropped()
    }

    /// The input columns that get a missing-value indicator (those with a
    /// missing value at fit; empty without `add_indicator`).
    pub fn indicator_features(&self) -> &[usize] {
        self.columns.indicator()
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        let d = self.statistics.len();
        if !self.columns.consistent(d) {
            return Err(Error::InvalidModel(format!(
                "SimpleImputerModel: column indices or names inconsistent with {d} features"
            )));
        }
        check::n_features(x, d)
    }
}

impl<F: Float, T> Fit<F, T> for SimpleImputer {
    type Model = SimpleImputerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "SimpleImputer training records")?;
        let fill = self.fill_value.unwrap_or(0.0);
        let stats: Vec<(Option<f64>, bool)> = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                let values: Vec<f64> = x
                    .column(j)
                    .iter()
                    .map(|v| v.as_f64())
                    .filter(|v| !v.is_nan())
                    .collect();
                let missing = values.len() < x.nrows();
                (statistic(values, self.strategy, fill), missing)
            })
            .collect();
        let names = data.feature_names();
        let keep_all = self.keep_empty_features || self.strategy == ImputeStrategy::Constant;
        let columns = ImputedColumns::new(
            "SimpleImputer",
            "set keep_empty_features or use strategy Constant",
            names,
            |j| keep_all || stats[j].0.is_some(),
            self.add_indicator,
            |j| stats[j].1,
        )?;
        let empty_fill = if keep_all { 0.0 } else { f64::NAN };
        Ok(SimpleImputerModel {
            add_indicator: self.add_indicator,
            statistics: stats
                .iter()
                .map(|s| F::cast(s.0.unwrap_or(empty_fill)))
                .collect(),
            columns,
        })
    }
}

impl<F: Float> Transform<F> for SimpleImputerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "SimpleImputer input")?;
        let fills: Vec<(usize, F)> = self
            .columns
            .kept()
            .iter()
            .map(|&j| (j, self.statistics[j]))
            .collect();
        let n_kept = fills.len();
        Ok(map_rows(x, self.columns.n_out(), |row, out| {
            let (imputed, flags) = out.split_at_mut(n_kept);
            for (o, &(j, s)) in imputed.iter_mut().zip(&fills) {
                let v = row[j];
                *o = if v.is_nan() { s } else { v };
            }
            for (o, &j) in flags.iter_mut().zip(self.columns.indicator()) {
                *o = if row[j].is_nan() { F::one() } else { F::zero() };
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.statistics.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.columns.names_out(input)
    }
}

impl<F: Float> InverseTransform<F> for SimpleImputerModel<F> {
    /// The imputed columns back in their input positions, NaN where the
    /// indicator of a cell is non-zero (and in columns dropped at fit).
    ///
    /// # Errors
    /// Without `add_indicator` (nothing tells which cells were missing), or
    /// when `x` does not have the transformed number of columns.
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        if !self.add_indicator {
            return Err(Error::InvalidInput(
                "SimpleImputer: inverse_transform needs add_indicator = true (the indicator \
                 columns tell which values were missing)"
                    .into(),
            )
            .into());
        }
        let d = self.statistics.len();
        if !self.columns.consistent(d) {
            return Err(Error::InvalidModel(format!(
                "SimpleImputerModel: column indices inconsistent with {d} features"
            ))
            .into());
        }
        let (kept, indicator) = (self.columns.kept(), self.columns.indicator());
        check::n_features(x, self.columns.n_out())?;
        Ok(map_rows(x, d, |row, out| {
            out.iter_mut().for_each(|o| *o = F::nan());
            for (&v, &j) in row.iter().zip(kept) {
                out[j] = v;
            }
            for (&flag, &j) in row[kept.len()..].iter().zip(indicator) {
                if flag != F::zero() {
                    out[j] = F::nan();
                }
            }
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_each_strategy() {
        let v = vec![3.0, 1.0, 3.0, 2.0, 1.0];
        assert_eq!(statistic(v.clone(), ImputeStrategy::Mean, 0.0), Some(2.0));
        assert_eq!(statistic(v.clone(), ImputeStrategy::Median, 0.0), Some(2.0));
        // Ties: the smallest of the most frequent, as scipy's mode.
        assert_eq!(
            statistic(v.clone(), ImputeStrategy::MostFrequent, 0.0),
            Some(1.0)
        );
        assert_eq!(statistic(v, ImputeStrategy::Constant, 7.0), Some(7.0));
        assert_eq!(
            statistic(vec![1.0, 4.0], ImputeStrategy::Median, 0.0),
            Some(2.5)
        );
        assert_eq!(statistic(Vec::new(), ImputeStrategy::Mean, 0.0), None);
        // Inverse: NaN back where the indicators say, dropped columns NaN.
        use ndarray::array;
        let nan = f64::NAN;
        let x = array![[1.0, nan, nan], [3.0, 4.0, nan], [nan, 6.0, nan]];
        let data = oxlearn::Dataset::from_records(x.clone());
        let m = SimpleImputer::default()
            .add_indicator(true)
            .fit(data.view())
            .unwrap();
        let z = m.transform(x.view()).unwrap();
        let back = m.inverse_transform(z.view()).unwrap();
        let same = |a: f64, b: f64| a == b || a.is_nan() && b.is_nan();
        assert!(back.iter().zip(&x).all(|(&a, &b)| same(a, b)), "{back}");
        assert!(m.inverse_transform(x.view()).is_err()); // 3 columns, not 5
        let plain = SimpleImputer::default().fit(data.view()).unwrap();
        assert!(plain.inverse_transform(z.view()).is_err());
        assert_eq!(
            statistic(Vec::new(), ImputeStrategy::Constant, 1.0),
            Some(1.0)
        );
    }
}

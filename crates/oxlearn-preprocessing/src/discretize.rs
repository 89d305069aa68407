//! [`KBinsDiscretizer`]: continuous features into bins.

use ndarray::{Array2, ArrayView2};
use oxlearn::Dataset;
use oxlearn::params::{Params, check_at_least};
use oxlearn::stats::percentile;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use oxlearn_cluster::{Init, KMeans};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{map_rows, names_or};

/// How a [`KBinsDiscretizer`] places the bin edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BinStrategy {
    /// Equal-width bins between the column's minimum and maximum.
    Uniform,
    /// Bins holding about the same number of samples: edges at evenly
    /// spaced percentiles (linear interpolation); the default.
    #[default]
    Quantile,
    /// Edges halfway between the sorted centres of a one-dimensional
    /// k-means of the column (started from the centres of equal-width bins,
    /// one run), and at the minimum and maximum.
    KMeans,
}

/// How a [`KBinsDiscretizer`] encodes the bin of each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BinEncoding {
    /// One 0/1 column per bin (the default): scikit-learn's `onehot-dense`,
    /// and its sparse `onehot` as a dense matrix.
    #[default]
    OneHot,
    /// The bin index as one number per feature.
    Ordinal,
}

/// Bins continuous features into intervals, as scikit-learn's
/// `KBinsDiscretizer`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `n_bins` (default 5, at least 2);
/// - `encode` (default [`BinEncoding::OneHot`], dense output);
/// - `strategy` (default [`BinStrategy::Quantile`], percentiles with linear
///   interpolation, scikit-learn 1.7's `quantile_method="linear"`;
///   [`BinStrategy::Uniform`]; [`BinStrategy::KMeans`], through
///   `oxlearn-cluster`'s [`KMeans`] with scikit-learn's deterministic start:
///   centres of `n_bins` equal-width bins, `n_init = 1`, Lloyd's
///   iterations, `tol` 1e-4, `max_iter` 300).
///
/// A constant column gets one bin (encoded 0). With `Quantile` and
/// `KMeans`, bins of width 1e-8 or less are removed, as in scikit-learn, so
/// a column may get fewer bins ([`KBinsDiscretizerModel::n_bins`]). Every
/// row is used (no subsampling). Missing values are rejected. Sample weights
/// are rejected with an error (not supported yet). `KMeans` needs at least
/// `n_bins` rows.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{BinEncoding, BinStrategy, InverseTransform, KBinsDiscretizer};
///
/// let data = Dataset::from_records(array![[0.0], [1.0], [2.0], [3.0], [10.0]]);
/// let bins = KBinsDiscretizer::default()
///     .n_bins(2)
///     .strategy(BinStrategy::Uniform)
///     .encode(BinEncoding::Ordinal)
///     .fit(data.view())?;
/// assert_eq!(bins.bin_edges()[0], vec![0.0, 5.0, 10.0]);
/// let codes = bins.transform(array![[4.0], [5.0], [12.0]].view())?;
/// assert_eq!(codes, array![[0.0], [1.0], [1.0]]);
/// assert_eq!(bins.inverse_transform(codes.view())?, array![[2.5], [7.5], [7.5]]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KBinsDiscretizer {
    /// Number of bins per feature (default 5, at least 2).
    pub n_bins: usize,
    /// Output encoding (default [`BinEncoding::OneHot`]).
    pub encode: BinEncoding,
    /// Edge placement (default [`BinStrategy::Quantile`]).
    pub strategy: BinStrategy,
}

impl Default for KBinsDiscretizer {
    fn default() -> Self {
        KBinsDiscretizer {
            n_bins: 5,
            encode: BinEncoding::OneHot,
            strategy: BinStrategy::Quantile,
        }
    }
}

impl KBinsDiscretizer {
    /// Sets `n_bins`.
    pub fn n_bins(mut self, n_bins: usize) -> Self {
        self.n_bins = n_bins;
        self
    }

    /// Sets `encode`.
    pub fn encode(mut self, encode: BinEncoding) -> Self {
        self.encode = encode;
        self
    }

    /// Sets `strategy`.
    pub fn strategy(mut self, strategy: BinStrategy) -> Self {
        self.strategy = strategy;
        self
    }
}

impl Params for KBinsDiscretizer {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("n_bins", self.n_bins, 2)?;
        crate::util::check_output_size("n_bins", self.n_bins)
    }
}

/// A fitted [`KBinsDiscretizer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KBinsDiscretizerModel {
    encode: BinEncoding,
    /// Per feature, the increasing edges (`n_bins + 1` of them).
    bin_edges: Vec<Vec<f64>>,
    offsets: Vec<usize>,
    feature_names_in: Vec<String>,
}

/// `n + 1` evenly spaced values from `a` to `b`, as `numpy.linspace`.
fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    let step = (b - a) / n as f64;
    (0..=n)
        .map(|i| if i == n { b } else { a + i as f64 * step })
        .collect()
}

fn edges(values: &[f64], p: &KBinsDiscretizer) -> Result<Vec<f64>, Error> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo == hi {
        return Ok(vec![f64::NEG_INFINITY, f64::INFINITY]);
    }
    let raw: Vec<f64> = match p.strategy {
        BinStrategy::Uniform => return Ok(linspace(lo, hi, p.n_bins)),
        BinStrategy::Quantile => linspace(0.0, 100.0, p.n_bins)
            .iter()
            .map(|&q| percentile(values, q).unwrap_or(f64::NAN))
            .collect(),
        BinStrategy::KMeans => {
            let mut distinct = values.to_vec();
            distinct.sort_unstable_by(f64::total_cmp);
            distinct.dedup();
            let centers = if distinct.len() <= p.n_bins {
                // scikit-learn's k-means ends with a centre on each distinct
                // value (some repeated, from relocated empty clusters; the
                // repeats give zero-width bins, removed below).
                distinct
            } else {
                kmeans_centers(values, lo, hi, p.n_bins)?
            };
            let mut e = vec![lo];
            e.extend(centers.windows(2).map(|c| (c[1] + c[0]) * 0.5));
            e.push(hi);
            e
        }
    };
    // Remove bins of width <= 1e-8 (numpy's `ediff1d(to_begin=inf) > 1e-8`).
    let mut kept = Vec::with_capacity(raw.len());
    for (i, &e) in raw.iter().enumerate() {
        if i == 0 || e - raw[i - 1] > 1e-8 {
            kept.push(e);
        }
    }
    Ok(kept)
}

/// The sorted centres of a one-dimensional k-means of `values` started from
/// the centres of `n_bins` equal-width bins of `[lo, hi]`.
fn kmeans_centers(values: &[f64], lo: f64, hi: f64, n_bins: usize) -> Result<Vec<f64>, Error> {
    let uniform = linspace(lo, hi, n_bins);
    let init = Array2::from_shape_fn((n_bins, 1), |(i, _)| (uniform[i + 1] + uniform[i]) * 0.5);
    let column = Array2::from_shape_vec((values.len(), 1), values.to_vec())
        .map_err(|e| Error::InvalidInput(e.to_string()))?;
    let km = KMeans::new(n_bins)
        .init(Init::Centers(init))
        .n_init(Some(1));
    let model = km
        .fit(Dataset::from_records(column).view())
        .map_err(Error::from)?;
    let mut centers = model.cluster_centers().column(0).to_vec();
    centers.sort_unstable_by(f64::total_cmp);
    Ok(centers)
}

impl<F: Float, T> Fit<F, T> for KBinsDiscretizer {
    type Model = KBinsDiscretizerModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records(x, "KBinsDiscretizer training records")?;
        if data.weights().is_some() {
            return Err(Error::InvalidInput(
                "KBinsDiscretizer does not support sample weights yet; fit it on an unweighted \
                 dataset"
                    .into(),
            )
            .into());
        }
        if self.strategy == BinStrategy::KMeans && x.nrows() < self.n_bins {
            return Err(Error::invalid_parameter(
                "n_bins",
                format!(
                    "at most the number of samples ({}) with the KMeans strategy",
                    x.nrows()
                ),
                self.n_bins,
            )
            .into());
        }
        let bin_edges: Vec<Vec<f64>> = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                let values: Vec<f64> = x.column(j).iter().map(|v| v.as_f64()).collect();
                edges(&values, self)
            })
            .collect::<Result<_, Error>>()?;
        let mut offsets = vec![0];
        for e in &bin_edges {
            offsets.push(offsets[offsets.len() - 1] + e.len() - 1);
        }
        Ok(KBinsDiscretizerModel {
            encode: self.encode,
            bin_edges,
            offsets,
            feature_names_in: data.feature_names(),
        })
    }
}

impl KBinsDiscretizerModel {
    /// The edges of each feature's bins, increasing (scikit-learn's
    /// `bin_edges_`; `[-inf, inf]` for a constant feature).
    pub fn bin_edges(&self) -> &[Vec<f64>] {
        &self.bin_edges
    }

    /// The number of bins of each feature.
    pub fn n_bins(&self) -> Vec<usize> {
        self.bin_edges
            .iter()
            .map(|e| e.len().saturating_sub(1))
            .collect()
    }

    /// The number of output columns.
    pub fn n_features_out(&self) -> usize {
        match self.encode {
            BinEncoding::OneHot => self.offsets.last().copied().unwrap_or(0),
            BinEncoding::Ordinal => self.bin_edges.len(),
        }
    }

    /// The output names: the input names for ordinal output,
    /// `<name>_<bin>.0` for one-hot output (scikit-learn's names).
    pub fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        match self.encode {
            BinEncoding::Ordinal => names,
            BinEncoding::OneHot => names
                .iter()
                .zip(&self.bin_edges)
                .flat_map(|(n, e)| (1..e.len()).map(move |b| format!("{n}_{}.0", b - 1)))
                .collect(),
        }
    }

    fn check<F>(&self, x: ArrayView2<'_, F>, n_columns: usize) -> Result<(), Error> {
        let ok = self.feature_names_in.len() == self.bin_edges.len()
            && self.offsets.len() == self.bin_edges.len() + 1
            && self.bin_edges.iter().enumerate().all(|(j, e)| {
                e.len() >= 2
                    && e.windows(2).all(|w| w[0] <= w[1])
                    && self.offsets[j + 1] == self.offsets[j] + e.len() - 1
            });
        if !ok {
            return Err(Error::InvalidModel(
                "KBinsDiscretizerModel: bin edges must not decrease, two or more per feature"
                    .into(),
            ));
        }
        check::n_features(x, n_columns)
    }

    /// The bin of `v` among `edges`: `searchsorted(edges[1..-1], v, "right")`.
    fn bin(edges: &[f64], v: f64) -> usize {
        edges[1..edges.len() - 1].partition_point(|&e| e <= v)
    }
}

impl<F: Float> Transform<F> for KBinsDiscretizerModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x, self.bin_edges.len())?;
        check::records(x, "KBinsDiscretizer input")?;
        let onehot = self.encode == BinEncoding::OneHot;
        Ok(map_rows(x, self.n_features_out(), |row, out| {
            for (j, (v, e)) in row.iter().zip(&self.bin_edges).enumerate() {
                let b = Self::bin(e, v.as_f64());
                if onehot {
                    out[self.offsets[j] + b] = F::one();
                } else {
                    out[j] = F::cast(b);
                }
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.bin_edges.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        KBinsDiscretizerModel::feature_names_out(self, input)
    }
}

impl<F: Float> InverseTransform<F> for KBinsDiscretizerModel {
    /// Each bin back to its centre (NaN for a constant feature's single
    /// bin, as scikit-learn). One-hot blocks take their first largest column.
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x, self.n_features_out())?;
        let mut out = Array2::zeros((x.nrows(), self.bin_edges.len()));
        for (i, row) in x.rows().into_iter().enumerate() {
            for (j, e) in self.bin_edges.iter().enumerate() {
                let n = e.len() - 1;
                let b = match self.encode {
                    BinEncoding::Ordinal => {
                        let v = row[j].as_f64();
                        if !(v >= 0.0 && v.fract() == 0.0 && v < n as f64) {
                            return Err(PreprocessingError::NotInvertible {
                                row: i,
                                column: j,
                                message: format!("{v} is not a bin index in 0..{n}"),
                            });
                        }
                        v as usize
                    }
                    BinEncoding::OneHot => (0..n).fold(0, |best, b| {
                        if row[self.offsets[j] + b] > row[self.offsets[j] + best] {
                            b
                        } else {
                            best
                        }
                    }),
                };
                out[[i, j]] = F::cast((e[b] + e[b + 1]) * 0.5);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_and_bins() {
        assert_eq!(linspace(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        let e = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(KBinsDiscretizerModel::bin(&e, -5.0), 0);
        assert_eq!(KBinsDiscretizerModel::bin(&e, 1.0), 1); // right side, as numpy
        assert_eq!(KBinsDiscretizerModel::bin(&e, 2.5), 2);
        assert_eq!(KBinsDiscretizerModel::bin(&e, 9.0), 2);
        // Quantile edges of a column with ties: narrow bins removed.
        let edges = edges(
            &[0.0, 0.0, 0.0, 0.0, 1.0],
            &KBinsDiscretizer::default().n_bins(4),
        )
        .unwrap();
        assert_eq!(edges, vec![0.0, 1.0]);
        // k-means: two clear groups, edges halfway between their centres.
        let kmeans = KBinsDiscretizer::default()
            .n_bins(2)
            .strategy(BinStrategy::KMeans);
        let e = super::edges(&[0.0, 1.0, 2.0, 10.0, 11.0, 12.0], &kmeans).unwrap();
        assert_eq!(e, vec![0.0, 6.0, 12.0]); // centres 1 and 11
    }
}

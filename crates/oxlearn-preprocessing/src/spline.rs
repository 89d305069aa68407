//! [`SplineTransformer`]: B-spline basis functions of each feature.

use ndarray::{Array2, ArrayView2};
use oxlearn::params::{Params, check_at_least};
use oxlearn::stats::percentile;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use crate::error::PreprocessingError;
use crate::util::{map_rows, names_or};

/// Where a [`SplineTransformer`] puts its inner knots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KnotStrategy {
    /// Evenly spaced between the minimum and the maximum (the default).
    #[default]
    Uniform,
    /// At evenly spaced percentiles (linear interpolation).
    Quantile,
}

/// Generates the B-spline basis of each feature, as scikit-learn's
/// `SplineTransformer` with `extrapolation="constant"`: per feature,
/// `n_knots + degree - 1` columns (one fewer without `include_bias`),
/// named `<feature>_sp_<k>`.
///
/// Hyperparameters (scikit-learn's names and defaults): `n_knots` (default
/// 5, at least 2), `degree` (default 3), `knots` (default
/// [`KnotStrategy::Uniform`]), `include_bias` (default `true`). Outside the
/// training range each basis function keeps its value at the nearest
/// boundary. Missing values are rejected; sample weights are accepted and not
/// used. The other extrapolation modes are not offered.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::SplineTransformer;
///
/// let data = Dataset::from_records(array![[0.0f64], [1.0], [2.0], [3.0], [4.0]]);
/// let model = SplineTransformer::default().n_knots(3).degree(2).fit(data.view())?;
/// let basis = model.transform(array![[1.0f64], [2.5]].view())?;
/// assert_eq!(basis.ncols(), 4);
/// for row in basis.rows() {
///     assert!((row.sum() - 1.0).abs() < 1e-12); // a partition of unity
/// }
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SplineTransformer {
    /// Number of knots, the boundaries included (default 5, at least 2).
    pub n_knots: usize,
    /// Polynomial degree of the splines (default 3).
    pub degree: usize,
    /// Knot placement (default [`KnotStrategy::Uniform`]).
    pub knots: KnotStrategy,
    /// Keep the last basis function of each feature (default `true`).
    pub include_bias: bool,
}

impl Default for SplineTransformer {
    fn default() -> Self {
        SplineTransformer {
            n_knots: 5,
            degree: 3,
            knots: KnotStrategy::Uniform,
            include_bias: true,
        }
    }
}

impl SplineTransformer {
    /// Sets `n_knots`.
    pub fn n_knots(mut self, n_knots: usize) -> Self {
        self.n_knots = n_knots;
        self
    }

    /// Sets `degree`.
    pub fn degree(mut self, degree: usize) -> Self {
        self.degree = degree;
        self
    }

    /// Sets `knots`.
    pub fn knots(mut self, knots: KnotStrategy) -> Self {
        self.knots = knots;
        self
    }

    /// Sets `include_bias`.
    pub fn include_bias(mut self, include_bias: bool) -> Self {
        self.include_bias = include_bias;
        self
    }
}

impl Params for SplineTransformer {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("n_knots", self.n_knots, 2)?;
        crate::util::check_output_size("n_knots", self.n_knots)?;
        if self.degree > 20 {
            return Err(Error::invalid_parameter(
                "degree",
                "at most 20",
                self.degree,
            ));
        }
        Ok(())
    }
}

/// A fitted [`SplineTransformer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SplineTransformerModel {
    degree: usize,
    include_bias: bool,
    /// Per feature, the full knot vector (`n_knots + 2 * degree` knots).
    knots: Vec<Vec<f64>>,
    feature_names_in: Vec<String>,
}

/// `n` evenly spaced values from `a` to `b` inclusive, as `numpy.linspace`.
fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![a];
    }
    let step = (b - a) / (n - 1) as f64;
    (0..n)
        .map(|i| if i == n - 1 { b } else { a + i as f64 * step })
        .collect()
}

/// The `degree + 1` non-zero B-spline basis values at `x` in the knot
/// interval `t[i] <= x < t[i + 1]` (de Boor's triangular recursion), with
/// the index of the first of them.
fn basis(t: &[f64], degree: usize, x: f64) -> (usize, Vec<f64>) {
    let n = t.len() - degree - 1; // number of basis functions
    // The interval: the last i in degree..n with t[i] <= x (x at the right end
    // belongs to the last interval).
    let mut i = degree;
    while i + 1 < n && t[i + 1] <= x {
        i += 1;
    }
    let mut h = vec![0.0; degree + 1];
    h[0] = 1.0;
    let mut hh = vec![0.0; degree + 1];
    for j in 1..=degree {
        hh[..j].copy_from_slice(&h[..j]);
        h[0] = 0.0;
        for n in 1..=j {
            let ind = i + n;
            let xb = t[ind];
            let xa = t[ind - j];
            if xb == xa {
                h[n] = 0.0;
                continue;
            }
            let w = hh[n - 1] / (xb - xa);
            h[n - 1] += w * (xb - x);
            h[n] = w * (x - xa);
        }
    }
    (i - degree, h)
}

impl<F: Float, T> Fit<F, T> for SplineTransformer {
    type Model = SplineTransformerModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records(x, "SplineTransformer training records")?;
        let names = data.feature_names();
        let mut knots = Vec::with_capacity(x.ncols());
        for (j, name) in names.iter().enumerate() {
            let v: Vec<f64> = x.column(j).iter().map(|v| v.as_f64()).collect();
            let base = match self.knots {
                KnotStrategy::Uniform => {
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    linspace(lo, hi, self.n_knots)
                }
                KnotStrategy::Quantile => linspace(0.0, 100.0, self.n_knots)
                    .iter()
                    .map(|&q| percentile(&v, q).unwrap_or(f64::NAN))
                    .collect(),
            };
            if base.windows(2).any(|w| w[1] <= w[0]) {
                return Err(Error::InvalidInput(format!(
                    "SplineTransformer: the knots of column {j} (`{}`) are not strictly \
                     increasing ({base:?}); the column is constant or has too few distinct values",
                    name
                ))
                .into());
            }
            let d = self.degree as f64;
            let dist_min = base[1] - base[0];
            let dist_max = base[base.len() - 1] - base[base.len() - 2];
            let first = base[0];
            let last = base[base.len() - 1];
            let mut t = if self.degree > 0 {
                linspace(first - d * dist_min, first - dist_min, self.degree)
            } else {
                Vec::new()
            };
            t.extend_from_slice(&base);
            if self.degree > 0 {
                t.extend(linspace(last + dist_max, last + d * dist_max, self.degree));
            }
            knots.push(t);
        }
        Ok(SplineTransformerModel {
            degree: self.degree,
            include_bias: self.include_bias,
            knots,
            feature_names_in: names,
        })
    }
}

impl SplineTransformerModel {
    /// Basis functions per feature (`n_knots + degree - 1`).
    fn n_splines(&self) -> usize {
        self.knots
            .first()
            .map_or(0, |t| t.len().saturating_sub(self.degree + 1))
    }

    /// Output columns per feature (0 for an inconsistent loaded model,
    /// which `transform` rejects).
    fn per_feature(&self) -> usize {
        self.n_splines()
            .saturating_sub(usize::from(!self.include_bias))
    }

    /// The number of output columns.
    pub fn n_features_out(&self) -> usize {
        self.per_feature() * self.knots.len()
    }

    /// The knot vector of each feature, boundary extensions included.
    pub fn knots(&self) -> &[Vec<f64>] {
        &self.knots
    }

    /// The output names, `<feature>_sp_<k>`.
    pub fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        let per = self.per_feature();
        names
            .iter()
            .flat_map(|n| (0..per).map(move |k| format!("{n}_sp_{k}")))
            .collect()
    }

    fn check<F>(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        let len = self.knots.first().map_or(0, Vec::len);
        let ok = self.knots.len() == self.feature_names_in.len()
            && len >= 2 * self.degree + 2
            && self
                .knots
                .iter()
                .all(|t| t.len() == len && t.windows(2).all(|w| w[0] < w[1]));
        if !ok {
            return Err(Error::InvalidModel(
                "SplineTransformerModel: knot vectors must increase and agree in length".into(),
            ));
        }
        check::n_features(x, self.knots.len())
    }
}

impl<F: Float> Transform<F> for SplineTransformerModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records(x, "SplineTransformer input")?;
        let (degree, n_splines) = (self.degree, self.n_splines());
        let per = n_splines - usize::from(!self.include_bias);
        Ok(map_rows(x, self.n_features_out(), |row, out| {
            for (j, (v, t)) in row.iter().zip(&self.knots).enumerate() {
                let (xmin, xmax) = (t[degree], t[t.len() - degree - 1]);
                // Constant extrapolation: the basis at the nearest boundary.
                let v = v.as_f64().clamp(xmin, xmax);
                let (first, values) = basis(t, degree, v);
                for (k, value) in values.into_iter().enumerate() {
                    let s = first + k;
                    if s < per {
                        out[j * per + s] = F::cast(value);
                    }
                }
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.knots.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        SplineTransformerModel::feature_names_out(self, input)
    }
}

//! `make_regression`: a random linear model, optionally on low-rank inputs.

use ndarray::{Array1, Array2, Axis, s};
use oxlearn::random::{DEFAULT_SEED, Rng, rng_from_seed};
use oxlearn::{Dataset, Error, Result};
use rand::Rng as _;
use rand::seq::SliceRandom;

use super::{StandardNormal, check_finite, check_non_negative, check_positive, shuffle_rows};

/// Parameters of [`make_regression`], with scikit-learn's names and defaults
/// (one target).
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 | >= 1 |
/// | `n_features` | 100 | >= 1 |
/// | `n_informative` | 10 | <= `n_features` |
/// | `bias` | 0.0 | finite |
/// | `effective_rank` | `None` (independent standard normal features) | >= 1 |
/// | `tail_strength` | 0.5 | [0, 1] |
/// | `noise` | 0.0 | >= 0 |
/// | `shuffle` | `true` | |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeRegression {
    /// Number of samples.
    pub n_samples: usize,
    /// Number of features.
    pub n_features: usize,
    /// Number of features with a non-zero coefficient.
    pub n_informative: usize,
    /// The intercept of the linear model.
    pub bias: f64,
    /// `None`: the features are independent standard normals. `Some(r)`: the
    /// input matrix has approximately `r` significant singular values, with a
    /// bell-shaped spectrum (correlated features, as in real data).
    pub effective_rank: Option<usize>,
    /// With `effective_rank`, the weight of the slowly decaying tail of the
    /// singular-value spectrum.
    pub tail_strength: f64,
    /// Standard deviation of the Gaussian noise added to the targets.
    pub noise: f64,
    /// Whether to shuffle the samples and the features.
    pub shuffle: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeRegression {
    fn default() -> Self {
        MakeRegression {
            n_samples: 100,
            n_features: 100,
            n_informative: 10,
            bias: 0.0,
            effective_rank: None,
            tail_strength: 0.5,
            noise: 0.0,
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeRegression {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `n_features`.
        n_features: usize,
        /// Sets `n_informative`.
        n_informative: usize,
        /// Sets `bias`.
        bias: f64,
        /// Sets `tail_strength`.
        tail_strength: f64,
        /// Sets `noise`.
        noise: f64,
        /// Sets `shuffle`.
        shuffle: bool,
        /// Sets `seed`.
        seed: u64,
    }

    /// Sets `effective_rank` (a rank, or `None` for independent features).
    #[must_use]
    pub fn effective_rank(mut self, rank: impl Into<Option<usize>>) -> Self {
        self.effective_rank = rank.into();
        self
    }

    fn validate(&self) -> Result<()> {
        check_positive("n_samples", self.n_samples)?;
        check_positive("n_features", self.n_features)?;
        super::check_records(self.n_samples, self.n_features)?;
        if self.n_informative > self.n_features {
            return Err(Error::invalid_parameter(
                "n_informative",
                format!("at most n_features = {}", self.n_features),
                self.n_informative,
            ));
        }
        check_finite("bias", self.bias)?;
        if let Some(rank) = self.effective_rank {
            check_positive("effective_rank", rank)?;
        }
        if !(0.0..=1.0).contains(&self.tail_strength) {
            return Err(Error::invalid_parameter(
                "tail_strength",
                "a value in [0, 1]",
                self.tail_strength,
            ));
        }
        check_non_negative("noise", self.noise)
    }
}

/// Orthonormalises the rows of `m` in place (modified Gram-Schmidt, run twice
/// for stability). The rows must be linearly independent, which Gaussian
/// random rows are with probability 1.
fn orthonormalise_rows(m: &mut Array2<f64>) {
    for i in 0..m.nrows() {
        for _pass in 0..2 {
            for k in 0..i {
                let (done, mut rest) = m.view_mut().split_at(Axis(0), i);
                let q = done.row(k);
                let mut row = rest.row_mut(0);
                let proj = row.dot(&q);
                row.scaled_add(-proj, &q);
            }
        }
        let mut row = m.row_mut(i);
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row /= norm;
        }
    }
}

/// A `n_samples x n_features` matrix with a bell-shaped singular-value
/// spectrum of effective rank `rank` (scikit-learn's `make_low_rank_matrix`).
fn low_rank_matrix(
    rng: &mut Rng,
    normal: &mut StandardNormal,
    n_samples: usize,
    n_features: usize,
    rank: usize,
    tail_strength: f64,
) -> Array2<f64> {
    let n = n_samples.min(n_features);
    // Rows of `ut` and `vt` are the orthonormal columns of U and V.
    let mut ut = normal.matrix(rng, n, n_samples);
    orthonormalise_rows(&mut ut);
    let mut vt = normal.matrix(rng, n, n_features);
    orthonormalise_rows(&mut vt);
    let r = rank as f64;
    let singular: Array1<f64> = (0..n)
        .map(|i| {
            let i = i as f64;
            (1.0 - tail_strength) * (-(i / r).powi(2)).exp() + tail_strength * (-0.1 * i / r).exp()
        })
        .collect();
    let scaled = ut * &singular.insert_axis(Axis(1));
    scaled.t().dot(&vt)
}

/// A random linear regression problem (scikit-learn's `make_regression`, one
/// target): `y = X coef + bias + noise`, where only `n_informative` entries of
/// `coef` are non-zero (drawn uniformly from [0, 100)).
///
/// Returns the dataset and `coef` (one per feature, in the dataset's column
/// order). With `noise = 0` the targets are exactly `records.dot(coef) + bias`
/// up to rounding.
///
/// ```
/// use oxlearn_datasets::generators::{make_regression, MakeRegression};
///
/// let params = MakeRegression::default().n_samples(50).n_features(5).n_informative(2).bias(3.0);
/// let (data, coef) = make_regression(&params)?;
/// let fitted = data.records().dot(&coef) + 3.0;
/// assert!((&fitted - &data.targets()).iter().all(|e| e.abs() < 1e-9));
/// assert_eq!(coef.iter().filter(|&&c| c != 0.0).count(), 2);
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming the first invalid parameter (see the
/// table on [`MakeRegression`]).
pub fn make_regression(params: &MakeRegression) -> Result<(Dataset<f64, f64>, Array1<f64>)> {
    params.validate()?;
    let p = params;
    let mut rng = rng_from_seed(p.seed);
    let mut normal = StandardNormal::new();
    let mut x = match p.effective_rank {
        None => normal.matrix(&mut rng, p.n_samples, p.n_features),
        Some(rank) => low_rank_matrix(
            &mut rng,
            &mut normal,
            p.n_samples,
            p.n_features,
            rank,
            p.tail_strength,
        ),
    };
    let mut coef = Array1::<f64>::zeros(p.n_features);
    for c in coef.slice_mut(s![..p.n_informative]) {
        *c = 100.0 * rng.random::<f64>();
    }
    let mut y = x.dot(&coef) + p.bias;
    if p.noise > 0.0 {
        y.mapv_inplace(|v| v + p.noise * normal.sample(&mut rng));
    }
    if p.shuffle {
        let (xs, ys) = shuffle_rows(&mut rng, x, y);
        let mut columns: Vec<usize> = (0..p.n_features).collect();
        columns.shuffle(&mut rng);
        x = xs.select(Axis(1), &columns);
        coef = coef.select(Axis(0), &columns);
        y = ys;
    }
    let data = Dataset::new(x, y)?;
    Ok((data, coef))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gram_schmidt_gives_orthonormal_rows() {
        let mut rng = rng_from_seed(5);
        let mut m = StandardNormal::new().matrix(&mut rng, 6, 40);
        orthonormalise_rows(&mut m);
        let gram = m.dot(&m.t());
        for i in 0..6 {
            for j in 0..6 {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((gram[[i, j]] - expected).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn low_rank_matrix_has_the_requested_spectrum() {
        let mut rng = rng_from_seed(5);
        let x = low_rank_matrix(&mut rng, &mut StandardNormal::new(), 60, 20, 3, 0.0);
        // Frobenius norm squared is the sum of squared singular values.
        let expected: f64 = (0..20)
            .map(|i| (-2.0 * (i as f64 / 3.0).powi(2)).exp())
            .sum();
        let actual: f64 = x.iter().map(|v| v * v).sum();
        assert!((actual - expected).abs() < 1e-9, "{actual} vs {expected}");
    }
}

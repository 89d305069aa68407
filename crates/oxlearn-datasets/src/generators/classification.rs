//! `make_classification`: Gaussian clusters on the vertices of a hypercube.

use std::collections::HashSet;

use ndarray::{Array1, Array2, Axis, s};
use oxlearn::random::{DEFAULT_SEED, Rng, rng_from_seed};
use oxlearn::{Dataset, Error, Result};
use rand::Rng as _;
use rand::seq::SliceRandom;

use super::{StandardNormal, check_finite, check_positive, shuffle_rows, uniform_matrix};

/// Parameters of [`make_classification`], with scikit-learn's names and
/// defaults.
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 | >= 1 |
/// | `n_features` | 20 | >= `n_informative + n_redundant + n_repeated` |
/// | `n_informative` | 2 | >= 1, with `2^n_informative >= n_classes * n_clusters_per_class` |
/// | `n_redundant` | 2 | any |
/// | `n_repeated` | 0 | any |
/// | `n_classes` | 2 | >= 1 |
/// | `n_clusters_per_class` | 2 | >= 1 |
/// | `weights` | `None` (balanced) | `n_classes` or `n_classes - 1` values in [0, 1] |
/// | `flip_y` | 0.01 | [0, 1] |
/// | `class_sep` | 1.0 | finite |
/// | `hypercube` | `true` | |
/// | `shift` | `Some(0.0)` (`None`: random in `[-class_sep, class_sep]` per feature) | finite |
/// | `scale` | `Some(1.0)` (`None`: random in `[1, 101]` per feature) | finite |
/// | `shuffle` | `true` | |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeClassification {
    /// Number of samples.
    pub n_samples: usize,
    /// Total number of features: informative, redundant, repeated, and
    /// useless (noise) features filling the rest.
    pub n_features: usize,
    /// Number of informative features: the clusters live in this subspace.
    pub n_informative: usize,
    /// Number of redundant features: random linear combinations of the
    /// informative ones.
    pub n_redundant: usize,
    /// Number of repeated features: copies of informative or redundant ones.
    pub n_repeated: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// Number of Gaussian clusters per class.
    pub n_clusters_per_class: usize,
    /// Proportion of samples of each class (`n_classes` values, or
    /// `n_classes - 1` with the last inferred as `1 - sum`); `None` for
    /// balanced classes. Full-length weights are normalised to sum to 1.
    pub weights: Option<Vec<f64>>,
    /// Fraction of samples whose class is replaced by a uniformly random one
    /// (label noise).
    pub flip_y: f64,
    /// Half the side of the hypercube: larger values make the task easier.
    pub class_sep: f64,
    /// Whether clusters sit on the vertices of a hypercube (`false`: of a
    /// random polytope).
    pub hypercube: bool,
    /// Added to every feature; `None` draws one shift per feature.
    pub shift: Option<f64>,
    /// Multiplies every feature (after the shift); `None` draws one scale per
    /// feature.
    pub scale: Option<f64>,
    /// Whether to shuffle the samples and the features.
    pub shuffle: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeClassification {
    fn default() -> Self {
        MakeClassification {
            n_samples: 100,
            n_features: 20,
            n_informative: 2,
            n_redundant: 2,
            n_repeated: 0,
            n_classes: 2,
            n_clusters_per_class: 2,
            weights: None,
            flip_y: 0.01,
            class_sep: 1.0,
            hypercube: true,
            shift: Some(0.0),
            scale: Some(1.0),
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeClassification {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `n_features`.
        n_features: usize,
        /// Sets `n_informative`.
        n_informative: usize,
        /// Sets `n_redundant`.
        n_redundant: usize,
        /// Sets `n_repeated`.
        n_repeated: usize,
        /// Sets `n_classes`.
        n_classes: usize,
        /// Sets `n_clusters_per_class`.
        n_clusters_per_class: usize,
        /// Sets `flip_y`.
        flip_y: f64,
        /// Sets `class_sep`.
        class_sep: f64,
        /// Sets `hypercube`.
        hypercube: bool,
        /// Sets `shuffle`.
        shuffle: bool,
        /// Sets `seed`.
        seed: u64,
    }

    /// Sets the class proportions.
    #[must_use]
    pub fn weights(mut self, weights: impl Into<Vec<f64>>) -> Self {
        self.weights = Some(weights.into());
        self
    }

    /// Sets `shift` (a value, or `None` for a random shift per feature).
    #[must_use]
    pub fn shift(mut self, shift: impl Into<Option<f64>>) -> Self {
        self.shift = shift.into();
        self
    }

    /// Sets `scale` (a value, or `None` for a random scale per feature).
    #[must_use]
    pub fn scale(mut self, scale: impl Into<Option<f64>>) -> Self {
        self.scale = scale.into();
        self
    }

    /// Checks the parameters; returns the class weights, complete and
    /// normalised.
    fn validate(&self) -> Result<Vec<f64>> {
        check_positive("n_samples", self.n_samples)?;
        check_positive("n_features", self.n_features)?;
        super::check_records(self.n_samples, self.n_features)?;
        check_positive("n_informative", self.n_informative)?;
        check_positive("n_classes", self.n_classes)?;
        check_positive("n_clusters_per_class", self.n_clusters_per_class)?;
        if self.n_informative > self.n_features {
            return Err(Error::invalid_parameter(
                "n_informative",
                format!("at most n_features = {}", self.n_features),
                self.n_informative,
            ));
        }
        let used = self
            .n_informative
            .saturating_add(self.n_redundant)
            .saturating_add(self.n_repeated);
        if used > self.n_features {
            return Err(Error::invalid_parameter(
                "n_informative + n_redundant + n_repeated",
                format!("at most n_features = {}", self.n_features),
                used,
            ));
        }
        let n_clusters = self
            .n_classes
            .checked_mul(self.n_clusters_per_class)
            .ok_or_else(|| {
                Error::invalid_parameter(
                    "n_clusters_per_class",
                    "n_classes * n_clusters_per_class within usize",
                    self.n_clusters_per_class,
                )
            })?;
        if self.n_informative < 64 && (1u64 << self.n_informative) < n_clusters as u64 {
            return Err(Error::invalid_parameter(
                "n_informative",
                format!(
                    "2^n_informative >= n_classes * n_clusters_per_class = {n_clusters} \
                     (one hypercube vertex per cluster)"
                ),
                self.n_informative,
            ));
        }
        if !(0.0..=1.0).contains(&self.flip_y) {
            return Err(Error::invalid_parameter(
                "flip_y",
                "a value in [0, 1]",
                self.flip_y,
            ));
        }
        check_finite("class_sep", self.class_sep)?;
        if let Some(shift) = self.shift {
            check_finite("shift", shift)?;
        }
        if let Some(scale) = self.scale {
            check_finite("scale", scale)?;
        }
        self.class_weights()
    }

    fn class_weights(&self) -> Result<Vec<f64>> {
        let k = self.n_classes;
        let Some(weights) = &self.weights else {
            return Ok(vec![1.0 / k as f64; k]);
        };
        let shown = format!("{weights:?}");
        if weights.len() != k && weights.len() + 1 != k {
            return Err(Error::invalid_parameter(
                "weights",
                format!("{k} or {} values (one per class)", k - 1),
                format!("{} values", weights.len()),
            ));
        }
        if weights
            .iter()
            .any(|w| !(w.is_finite() && (0.0..=1.0).contains(w)))
        {
            return Err(Error::invalid_parameter(
                "weights",
                "values in [0, 1]",
                shown,
            ));
        }
        let sum: f64 = weights.iter().sum();
        if weights.len() + 1 == k {
            if sum > 1.0 + 1e-12 {
                return Err(Error::invalid_parameter(
                    "weights",
                    "n_classes - 1 values summing to at most 1 (the last class gets 1 - sum)",
                    shown,
                ));
            }
            let mut full = weights.clone();
            full.push((1.0 - sum).max(0.0));
            return Ok(full);
        }
        if sum <= 0.0 {
            return Err(Error::invalid_parameter(
                "weights",
                "values with a positive sum",
                shown,
            ));
        }
        Ok(weights.iter().map(|w| w / sum).collect())
    }
}

/// `n` distinct vertices of the `dim`-dimensional unit hypercube, as 0/1 rows.
fn hypercube_vertices(rng: &mut Rng, n: usize, dim: usize) -> Array2<f64> {
    let mut out = Array2::zeros((n, dim));
    // Beyond 30 dimensions, the extra coordinates are random bits.
    let extra = dim.saturating_sub(30);
    let low = dim - extra;
    for i in 0..n {
        for j in 0..extra {
            out[[i, j]] = f64::from(u8::from(rng.random::<bool>()));
        }
    }
    let space = 1u64 << low;
    let codes: Vec<u64> = if space <= 2 * n as u64 + 64 {
        let mut all: Vec<u64> = (0..space).collect();
        all.shuffle(rng);
        all.truncate(n);
        all
    } else {
        let mut seen = HashSet::with_capacity(n);
        let mut codes = Vec::with_capacity(n);
        while codes.len() < n {
            let c = rng.random_range(0..space);
            if seen.insert(c) {
                codes.push(c);
            }
        }
        codes
    };
    for (i, code) in codes.into_iter().enumerate() {
        for b in 0..low {
            out[[i, extra + b]] = ((code >> (low - 1 - b)) & 1) as f64;
        }
    }
    out
}

/// A random `n_classes`-class classification problem (scikit-learn's
/// `make_classification`).
///
/// Each class is made of `n_clusters_per_class` Gaussian clusters, each
/// centred on a vertex of a hypercube of side `2 * class_sep` in the subspace
/// of the `n_informative` features, and given a random covariance. Then come
/// `n_redundant` random linear combinations of the informative features,
/// `n_repeated` copies of those, and standard normal noise for the remaining
/// features. Before shuffling, the columns are in that order. Classes are
/// coded `0..n_classes`.
///
/// ```
/// use oxlearn_datasets::generators::{make_classification, MakeClassification};
///
/// let params = MakeClassification::default()
///     .n_samples(300)
///     .n_features(8)
///     .n_informative(3)
///     .n_classes(3)
///     .seed(7);
/// let data = make_classification(&params)?;
/// assert_eq!(data.records().dim(), (300, 8));
/// assert!(data.targets().iter().all(|&y| y < 3));
///
/// let bad = MakeClassification::default().n_informative(25);
/// assert!(make_classification(&bad).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming the first invalid parameter (see the
/// table on [`MakeClassification`]).
pub fn make_classification(params: &MakeClassification) -> Result<Dataset<f64, usize>> {
    let weights = params.validate()?;
    let p = params;
    let mut rng = rng_from_seed(p.seed);
    let mut normal = StandardNormal::new();
    let n = p.n_samples;
    let d = p.n_informative;
    let n_clusters = p.n_classes * p.n_clusters_per_class;

    // Samples per cluster: the class's share split evenly between its
    // clusters, the remainder handed out round-robin.
    let mut per_cluster: Vec<usize> = (0..n_clusters)
        .map(|k| (n as f64 * weights[k % p.n_classes] / p.n_clusters_per_class as f64) as usize)
        .collect();
    let assigned: usize = per_cluster.iter().sum();
    for i in 0..n.saturating_sub(assigned) {
        per_cluster[i % n_clusters] += 1;
    }

    let mut centroids = hypercube_vertices(&mut rng, n_clusters, d);
    centroids.mapv_inplace(|v| v * 2.0 * p.class_sep - p.class_sep);
    if !p.hypercube {
        let rows = uniform_matrix(&mut rng, n_clusters, 1);
        let cols = uniform_matrix(&mut rng, 1, d);
        centroids = centroids * &rows * &cols;
    }

    let mut x = Array2::<f64>::zeros((n, p.n_features));
    let mut y = Array1::<usize>::zeros(n);
    x.slice_mut(s![.., ..d])
        .assign(&normal.matrix(&mut rng, n, d));
    let mut start = 0;
    for (k, &count) in per_cluster.iter().enumerate() {
        let stop = (start + count).min(n);
        y.slice_mut(s![start..stop]).fill(k % p.n_classes);
        let a = uniform_matrix(&mut rng, d, d).mapv(|v| 2.0 * v - 1.0);
        let mut block = x.slice_mut(s![start..stop, ..d]);
        let mixed = block.dot(&a) + centroids.row(k);
        block.assign(&mixed);
        start = stop;
    }

    let r = p.n_redundant;
    if r > 0 {
        let b = uniform_matrix(&mut rng, d, r).mapv(|v| 2.0 * v - 1.0);
        let redundant = x.slice(s![.., ..d]).dot(&b);
        x.slice_mut(s![.., d..d + r]).assign(&redundant);
    }
    let used = d + r;
    for c in 0..p.n_repeated {
        let source = ((used - 1) as f64 * rng.random::<f64>() + 0.5) as usize;
        let column = x.column(source).to_owned();
        x.column_mut(used + c).assign(&column);
    }
    let first_useless = used + p.n_repeated;
    if first_useless < p.n_features {
        let noise = normal.matrix(&mut rng, n, p.n_features - first_useless);
        x.slice_mut(s![.., first_useless..]).assign(&noise);
    }

    if p.flip_y > 0.0 {
        let flip: Vec<bool> = (0..n).map(|_| rng.random::<f64>() < p.flip_y).collect();
        for (i, _) in flip.iter().enumerate().filter(|(_, f)| **f) {
            y[i] = rng.random_range(0..p.n_classes);
        }
    }

    for mut column in x.axis_iter_mut(Axis(1)) {
        let shift = p
            .shift
            .unwrap_or_else(|| (2.0 * rng.random::<f64>() - 1.0) * p.class_sep);
        column += shift;
    }
    for mut column in x.axis_iter_mut(Axis(1)) {
        let scale = p.scale.unwrap_or_else(|| 1.0 + 100.0 * rng.random::<f64>());
        column *= scale;
    }

    if p.shuffle {
        let (xs, ys) = shuffle_rows(&mut rng, x, y);
        let mut columns: Vec<usize> = (0..p.n_features).collect();
        columns.shuffle(&mut rng);
        x = xs.select(Axis(1), &columns);
        y = ys;
    }
    Dataset::new(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypercube_vertices_are_distinct_binary_rows() {
        let mut rng = rng_from_seed(3);
        for (n, dim) in [(4, 2), (8, 3), (10, 12), (5, 40)] {
            let v = hypercube_vertices(&mut rng, n, dim);
            assert!(v.iter().all(|&b| b == 0.0 || b == 1.0));
            let rows: HashSet<Vec<u64>> = v
                .rows()
                .into_iter()
                .map(|r| r.iter().map(|b| *b as u64).collect())
                .collect();
            assert_eq!(rows.len(), n);
        }
    }

    #[test]
    fn weights_are_completed_and_normalised() {
        let p = MakeClassification::default()
            .n_classes(3)
            .weights([0.5, 0.3]);
        let w = p.class_weights().unwrap();
        assert!((w[2] - 0.2).abs() < 1e-12);
        let p = MakeClassification::default().weights([2.0, 2.0]);
        assert!(p.class_weights().is_err());
        let p = MakeClassification::default().weights([0.2, 0.6]);
        let w = p.class_weights().unwrap();
        assert!((w[0] - 0.25).abs() < 1e-12);
    }
}

//! The elastic-net penalty chosen by k-fold cross-validation over a
//! geometric grid: [`ElasticNetCV`], [`LassoCV`] and [`alpha_grid`].

use ndarray::{Array1, Array2, Array3, ArrayView2, Axis, s};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_at_least, check_at_most, check_n_threads, check_open_range};
use oxlearn::{DatasetView, Error, Fit, Float, Predict};

use crate::coordinate_descent::Selection;
use crate::elastic_net::{ElasticNet, ElasticNetModel};
use crate::error::LinearError;
use crate::least_squares;
use crate::linalg::{self, Problem};

/// Most penalties on a grid: far beyond any useful path, small enough to
/// allocate.
const MAX_ALPHAS: usize = 1 << 20;

/// `n_alphas` in `1..=MAX_ALPHAS`.
fn check_n_alphas(n_alphas: usize) -> Result<(), Error> {
    check_at_least("n_alphas", n_alphas, 1)?;
    check_at_most("n_alphas", n_alphas, MAX_ALPHAS)
}

/// The geometric grid of `n_alphas` penalties from `alpha_max` down to
/// `eps · alpha_max`, as scikit-learn's `_alpha_grid`: `alpha_max =
/// max_j |Σᵢ wᵢ xᵢⱼ yᵢ| / (Σw · l1_ratio)` on (weighted) centred data (the
/// smallest alpha at which every coefficient is 0).
///
/// ```
/// use ndarray::array;
/// use oxlearn::Dataset;
/// use oxlearn_linear::alpha_grid;
///
/// let data = Dataset::new(array![[0.0], [1.0], [2.0]], array![0.0, 1.0, 2.0])?;
/// let grid = alpha_grid(data.view(), 1.0, true, 3, 1e-2)?;
/// // Centred x = (-1, 0, 1), y likewise: alpha_max = 2 / 3.
/// assert!((grid[0] - 2.0 / 3.0).abs() < 1e-12);
/// assert!((grid[2] - 2.0 / 300.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When `l1_ratio` is not in (0, 1], `n_alphas` is 0, `eps` not in (0, 1),
/// or the data is bad.
pub fn alpha_grid<F: Float>(
    data: DatasetView<'_, F, F>,
    l1_ratio: f64,
    fit_intercept: bool,
    n_alphas: usize,
    eps: f64,
) -> Result<Vec<f64>, LinearError> {
    check_l1_ratio(l1_ratio)?;
    check_n_alphas(n_alphas)?;
    check_open_range("eps", eps, 0.0, 1.0)?;
    let y = data.targets().insert_axis(Axis(1));
    least_squares::check_inputs(data.records(), y, data.weights())?;
    let p = Problem {
        x: data.records(),
        y,
        w: data.weights(),
        fit_intercept,
    };
    grid(&p, l1_ratio, n_alphas, eps)
}

fn check_l1_ratio(l1_ratio: f64) -> Result<(), Error> {
    if l1_ratio > 0.0 && l1_ratio <= 1.0 {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "l1_ratio",
            "a value in (0, 1] (the alpha grid needs an L1 penalty)",
            l1_ratio,
        ))
    }
}

fn grid<F: Float>(
    p: &Problem<'_, F>,
    l1_ratio: f64,
    n_alphas: usize,
    eps: f64,
) -> Result<Vec<f64>, LinearError> {
    let m = linalg::moments(p)?;
    let xy = linalg::xty(p, &m);
    let alpha_max = xy.iter().fold(0.0f64, |a, v| a.max(v.abs())) / (m.sum_w * l1_ratio);
    let resolution = 1e-15;
    if alpha_max <= resolution {
        return Ok(vec![resolution; n_alphas]);
    }
    if n_alphas == 1 {
        return Ok(vec![alpha_max]);
    }
    let (hi, lo) = (alpha_max.ln(), (alpha_max * eps).ln());
    Ok((0..n_alphas)
        .map(|i| {
            if i == 0 {
                alpha_max
            } else if i + 1 == n_alphas {
                alpha_max * eps
            } else {
                (hi + (lo - hi) * i as f64 / (n_alphas - 1) as f64).exp()
            }
        })
        .collect())
}

/// Elastic net with `alpha` (and optionally `l1_ratio`) chosen by k-fold
/// cross-validation, as scikit-learn's `ElasticNetCV`.
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `l1_ratio` | 0.5 | share of the L1 penalty, in (0, 1] |
/// | `l1_ratios` | `None` | candidates for `l1_ratio` (each in (0, 1]), instead of `l1_ratio` (scikit-learn's list-valued `l1_ratio`) |
/// | `eps` | 1e-3 | smallest alpha of the grid relative to the largest, in (0, 1) |
/// | `n_alphas` | 100 | size of the geometric grid, >= 1 |
/// | `alphas` | `None` | explicit candidates (each >= 0) instead of the grid |
/// | `cv` | 5 | number of contiguous folds (scikit-learn's `KFold`, no shuffle), >= 2 |
/// | `fit_intercept`, `max_iter`, `tol`, `positive`, `selection`, `seed`, `n_threads` | as [`ElasticNet`] | |
///
/// For each fold, the path over the alphas (decreasing, warm-started, one
/// Gram matrix per fold) is fitted on the other folds and scored by the mean
/// squared error on the fold; the alpha with the lowest mean over folds wins
/// (the first on ties) and the model is refitted on all the data at that
/// alpha. With several `l1_ratios`, each has its own grid (`alpha_max`
/// depends on it; explicit `alphas` are shared), every fold fits one path per
/// ratio, and the best `(l1_ratio, alpha)` pair wins (the first ratio with the
/// lowest error, as scikit-learn's). Folds are fitted one after the other (each copies its training
/// rows). With sample weights, the grid, the fits and the fold errors are
/// weighted, as scikit-learn's.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::ElasticNetCV;
///
/// let x = Array2::from_shape_fn((60, 4), |(i, j)| ((i * (j + 5) + 3 * j) % 11) as f64);
/// let y: Array1<f64> = x.column(1).mapv(|v| 2.0 * v) + 1.0;
/// let data = Dataset::new(x, y)?;
/// let model = ElasticNetCV::default().n_alphas(20).cv(3).fit(data.view())?;
/// assert_eq!(model.mse_path().dim(), (20, 3));
/// assert!(model.alpha() <= model.alphas()[0]);
/// assert_eq!(model.predict(data.records())?.len(), 60);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElasticNetCV {
    /// Share of the L1 penalty, in (0, 1].
    pub l1_ratio: f64,
    /// Candidate shares of the L1 penalty (each in (0, 1]); `None`: only `l1_ratio`.
    pub l1_ratios: Option<Vec<f64>>,
    /// Smallest alpha of the grid relative to the largest.
    pub eps: f64,
    /// Size of the grid.
    pub n_alphas: usize,
    /// Explicit candidates instead of the grid.
    pub alphas: Option<Vec<f64>>,
    /// Number of folds.
    pub cv: usize,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Maximum number of epochs per fit.
    pub max_iter: usize,
    /// Tolerance on the duality gap.
    pub tol: f64,
    /// Whether the coefficients must be non-negative.
    pub positive: bool,
    /// Order in which coordinates are updated.
    pub selection: Selection,
    /// Seed of the random selection.
    pub seed: u64,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for ElasticNetCV {
    fn default() -> Self {
        let e = ElasticNet::default();
        ElasticNetCV {
            l1_ratio: 0.5,
            l1_ratios: None,
            eps: 1e-3,
            n_alphas: 100,
            alphas: None,
            cv: 5,
            fit_intercept: e.fit_intercept,
            max_iter: e.max_iter,
            tol: e.tol,
            positive: e.positive,
            selection: e.selection,
            seed: e.seed,
            n_threads: e.n_threads,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty,)*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = $name;
                self
            }
        )*
    };
}

impl ElasticNetCV {
    setters! {
        /// Sets `l1_ratio`.
        l1_ratio: f64,
        /// Sets `l1_ratios` (`None`: only `l1_ratio`).
        l1_ratios: Option<Vec<f64>>,
        /// Sets `eps`.
        eps: f64,
        /// Sets `n_alphas`.
        n_alphas: usize,
        /// Sets `alphas` (`None`: the geometric grid).
        alphas: Option<Vec<f64>>,
        /// Sets `cv`.
        cv: usize,
        /// Sets `fit_intercept`.
        fit_intercept: bool,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `tol`.
        tol: f64,
        /// Sets `positive`.
        positive: bool,
        /// Sets `selection`.
        selection: Selection,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    fn ratios(&self) -> Vec<f64> {
        self.l1_ratios
            .clone()
            .unwrap_or_else(|| vec![self.l1_ratio])
    }

    fn estimator(&self, alpha: f64, l1_ratio: f64) -> ElasticNet {
        ElasticNet {
            alpha,
            l1_ratio,
            fit_intercept: self.fit_intercept,
            max_iter: self.max_iter,
            tol: self.tol,
            positive: self.positive,
            selection: self.selection,
            seed: self.seed,
            n_threads: None,
        }
    }

    fn fit_impl<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
    ) -> Result<ElasticNetCvModel<F>, LinearError> {
        let n = data.n_samples();
        if self.cv > n {
            return Err(Error::invalid_parameter(
                "cv",
                format!("at most the number of samples ({n})"),
                self.cv,
            )
            .into());
        }
        let y = data.targets().insert_axis(Axis(1));
        let p = Problem {
            x: data.records(),
            y,
            w: data.weights(),
            fit_intercept: self.fit_intercept,
        };
        let ratios = self.ratios();
        let mut grids = Array2::<f64>::zeros((0, 0));
        for (r, &l1_ratio) in ratios.iter().enumerate() {
            let mut alphas = match &self.alphas {
                Some(a) => a.clone(),
                None => grid(&p, l1_ratio, self.n_alphas, self.eps)?,
            };
            alphas.sort_by(|a, b| b.total_cmp(a));
            if r == 0 {
                grids = Array2::zeros((ratios.len(), alphas.len()));
            }
            grids.row_mut(r).assign(&Array1::from(alphas));
        }
        let n_alphas = grids.ncols();
        let mut mse_paths = Array3::<f64>::zeros((ratios.len(), n_alphas, self.cv));
        let (base, extra) = (n / self.cv, n % self.cv);
        let mut start = 0;
        for fold in 0..self.cv {
            let end = start + base + usize::from(fold < extra);
            let train_idx: Vec<usize> = (0..start).chain(end..n).collect();
            let train = data.select(&train_idx)?;
            let test = data.slice(start, end)?;
            let tp = Problem {
                x: train.records(),
                y: train.targets().insert_axis(Axis(1)),
                w: train.weights(),
                fit_intercept: self.fit_intercept,
            };
            let test_w: Vec<f64> = (0..test.n_samples())
                .map(|i| test.weights().map_or(1.0, |w| w[i].as_f64()))
                .collect();
            let test_sum: f64 = test_w.iter().sum();
            if test_sum <= 0.0 {
                return Err(Error::InvalidInput(format!(
                    "validation fold {fold} (samples {start}..{end}) has zero total weight"
                ))
                .into());
            }
            for (r, &l1_ratio) in ratios.iter().enumerate() {
                let alphas = grids.row(r).to_vec();
                let path = self.estimator(0.0, l1_ratio).path_impl(&tp, &alphas)?;
                let xt = test.records();
                for (a, coef) in path.coefs.rows().into_iter().enumerate() {
                    let b0 = path.intercepts[a];
                    let mut sse = 0.0;
                    for ((row, yv), w) in xt.rows().into_iter().zip(test.targets()).zip(&test_w) {
                        let pred: f64 = b0
                            + row
                                .iter()
                                .zip(coef)
                                .map(|(x, c)| x.as_f64() * c)
                                .sum::<f64>();
                        sse += w * (yv.as_f64() - pred).powi(2);
                    }
                    mse_paths[[r, a, fold]] = sse / test_sum;
                }
            }
            start = end;
        }
        // The lowest mean error per ratio; the first ratio reaching the
        // overall lowest wins (scikit-learn's strict comparison).
        let (mut best_r, mut best_a, mut best_mse) = (0, 0, f64::INFINITY);
        for r in 0..ratios.len() {
            let means: Vec<f64> = (0..n_alphas)
                .map(|a| mse_paths.slice(s![r, a, ..]).sum() / self.cv as f64)
                .collect();
            let mut best = 0;
            for (i, m) in means.iter().enumerate() {
                if *m < means[best] {
                    best = i;
                }
            }
            if r == 0 || means[best] < best_mse {
                (best_r, best_a, best_mse) = (r, best, means[best]);
            }
        }
        let alpha = grids[[best_r, best_a]];
        let l1_ratio = ratios[best_r];
        let model = self.estimator(alpha, l1_ratio).fit(data)?;
        Ok(ElasticNetCvModel {
            model,
            alpha,
            l1_ratio,
            l1_ratios: ratios,
            best_ratio: best_r,
            alphas: grids,
            mse_path: mse_paths,
        })
    }
}

impl Params for ElasticNetCV {
    fn validate(&self) -> Result<(), Error> {
        check_l1_ratio(self.l1_ratio)?;
        if let Some(ratios) = &self.l1_ratios {
            if ratios.is_empty() {
                return Err(Error::invalid_parameter(
                    "l1_ratios",
                    "None or at least one l1_ratio",
                    "an empty list",
                ));
            }
            for &r in ratios {
                check_l1_ratio(r)?;
            }
        }
        check_open_range("eps", self.eps, 0.0, 1.0)?;
        check_n_alphas(self.n_alphas)?;
        check_at_least("cv", self.cv, 2)?;
        if let Some(alphas) = &self.alphas {
            if alphas.is_empty() {
                return Err(Error::invalid_parameter(
                    "alphas",
                    "None or at least one alpha",
                    "an empty list",
                ));
            }
            if let Some(a) = alphas.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
                return Err(Error::invalid_parameter(
                    "alphas",
                    "every alpha finite and >= 0",
                    a,
                ));
            }
        }
        self.estimator(0.0, self.l1_ratio).validate()?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

impl<F: Float> Fit<F, F> for ElasticNetCV {
    type Model = ElasticNetCvModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<ElasticNetCvModel<F>, LinearError> {
        self.validate()?;
        let y = data.targets().insert_axis(Axis(1));
        least_squares::check_inputs(data.records(), y, data.weights())?;
        with_threads(self.n_threads, || self.fit_impl(data))?
    }
}

/// Lasso with `alpha` chosen by k-fold cross-validation, as scikit-learn's
/// `LassoCV`: [`ElasticNetCV`] with `l1_ratio = 1` (same defaults: 100
/// alphas down to `1e-3 · alpha_max`, 5 folds).
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_linear::LassoCV;
///
/// let x = Array2::from_shape_fn((50, 6), |(i, j)| ((i * 3 + j * 7) % 10) as f64);
/// let y: Array1<f64> = x.column(0).mapv(|v| v * 1.5);
/// let model = LassoCV::default().n_alphas(10).fit(Dataset::new(x, y)?.view())?;
/// assert_eq!(model.alphas().len(), 10);
/// assert!(model.coef()[0] > 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LassoCV(pub ElasticNetCV);

impl Default for LassoCV {
    fn default() -> Self {
        LassoCV(ElasticNetCV::default().l1_ratio(1.0))
    }
}

impl LassoCV {
    /// Sets `eps`.
    #[must_use]
    pub fn eps(self, eps: f64) -> Self {
        LassoCV(self.0.eps(eps))
    }
    /// Sets `n_alphas`.
    #[must_use]
    pub fn n_alphas(self, n_alphas: usize) -> Self {
        LassoCV(self.0.n_alphas(n_alphas))
    }
    /// Sets `alphas`.
    #[must_use]
    pub fn alphas(self, alphas: Option<Vec<f64>>) -> Self {
        LassoCV(self.0.alphas(alphas))
    }
    /// Sets `cv`.
    #[must_use]
    pub fn cv(self, cv: usize) -> Self {
        LassoCV(self.0.cv(cv))
    }
    /// Sets `fit_intercept`.
    #[must_use]
    pub fn fit_intercept(self, fit_intercept: bool) -> Self {
        LassoCV(self.0.fit_intercept(fit_intercept))
    }
    /// Sets `max_iter`.
    #[must_use]
    pub fn max_iter(self, max_iter: usize) -> Self {
        LassoCV(self.0.max_iter(max_iter))
    }
    /// Sets `tol`.
    #[must_use]
    pub fn tol(self, tol: f64) -> Self {
        LassoCV(self.0.tol(tol))
    }
    /// Sets `positive`.
    #[must_use]
    pub fn positive(self, positive: bool) -> Self {
        LassoCV(self.0.positive(positive))
    }
    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(self, n_threads: Option<usize>) -> Self {
        LassoCV(self.0.n_threads(n_threads))
    }
}

impl Params for LassoCV {
    fn validate(&self) -> Result<(), Error> {
        if self.0.l1_ratio != 1.0 {
            return Err(Error::invalid_parameter(
                "l1_ratio",
                "1 for LassoCV",
                self.0.l1_ratio,
            ));
        }
        if self.0.l1_ratios.is_some() {
            return Err(Error::invalid_parameter(
                "l1_ratios",
                "None for LassoCV",
                "a list of l1_ratio values",
            ));
        }
        self.0.validate()
    }
}

impl<F: Float> Fit<F, F> for LassoCV {
    type Model = ElasticNetCvModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<ElasticNetCvModel<F>, LinearError> {
        self.validate()?;
        self.0.fit(data)
    }
}

/// A fitted [`ElasticNetCV`] or [`LassoCV`]: the model at the chosen alpha
/// and the cross-validation errors of every candidate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElasticNetCvModel<F> {
    model: ElasticNetModel<F>,
    alpha: f64,
    l1_ratio: f64,
    l1_ratios: Vec<f64>,
    best_ratio: usize,
    alphas: Array2<f64>,
    mse_path: Array3<f64>,
}

impl<F: Float> ElasticNetCvModel<F> {
    /// The chosen penalty (scikit-learn's `alpha_`).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The chosen share of the L1 penalty (scikit-learn's `l1_ratio_`).
    pub fn l1_ratio(&self) -> f64 {
        self.l1_ratio
    }

    /// The candidate `l1_ratio` values, in the order given.
    pub fn l1_ratios(&self) -> &[f64] {
        &self.l1_ratios
    }

    /// The alpha candidates of the chosen `l1_ratio`, decreasing
    /// (scikit-learn's `alphas_` for one ratio).
    pub fn alphas(&self) -> &[f64] {
        self.alphas
            .row(self.best_ratio)
            .to_slice()
            .unwrap_or_default()
    }

    /// The alpha candidates of every ratio, `l1_ratios x alphas`
    /// (scikit-learn's `alphas_` for a list of ratios).
    pub fn alphas_per_ratio(&self) -> &Array2<f64> {
        &self.alphas
    }

    /// Mean squared error of each alpha (rows) on each fold (columns) for
    /// the chosen `l1_ratio` (scikit-learn's `mse_path_` for one ratio).
    pub fn mse_path(&self) -> Array2<f64> {
        self.mse_path
            .index_axis(Axis(0), self.best_ratio)
            .to_owned()
    }

    /// Mean squared errors of every ratio, alpha and fold, `l1_ratios x
    /// alphas x folds` (scikit-learn's `mse_path_` for a list of ratios).
    pub fn mse_path_per_ratio(&self) -> &Array3<f64> {
        &self.mse_path
    }

    /// The model refitted on all the data at the chosen alpha.
    pub fn model(&self) -> &ElasticNetModel<F> {
        &self.model
    }

    /// The coefficients at the chosen alpha.
    pub fn coef(&self) -> &Array1<F> {
        self.model.coef()
    }

    /// The intercept at the chosen alpha.
    pub fn intercept(&self) -> F {
        self.model.intercept()
    }
}

impl<F: Float> Predict<F> for ElasticNetCvModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        self.model.predict(x)
    }

    fn n_features_in(&self) -> usize {
        self.model.n_features_in()
    }
}

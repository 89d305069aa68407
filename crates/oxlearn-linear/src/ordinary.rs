//! Ordinary least squares: [`LinearRegression`].

use ndarray::{ArrayView1, ArrayView2, Axis};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_n_threads};
use oxlearn::{DatasetView, Error, Fit, Float};

use crate::error::LinearError;
use crate::least_squares::{self, Penalty, Solved};
use crate::linalg::Problem;
use crate::model::{LinearModel, MultiTargetLinearModel};

/// Ordinary least squares, as scikit-learn's `LinearRegression`: minimises
/// `Σ wᵢ (yᵢ - xᵢ·β - β₀)²`.
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `fit_intercept` | `true` | fit `β₀` (records and targets are centred internally) |
/// | `positive` | `false` | constrain the coefficients to be >= 0 (non-negative least squares) |
/// | `n_threads` | `None` (rayon's global pool) | threads for the Gram matrix; `Some(n)`, n >= 1 |
///
/// **Solver.** The centred, weighted Gram matrix `XcᵀWXc` is accumulated in
/// `f64` in blocks of rows (no copy of the records) and solved by Cholesky
/// (faer) after rescaling to a unit diagonal. When that matrix is
/// rank-deficient or ill-conditioned (1-norm condition number above 1e8), or
/// when there are more features than samples, the fit falls back to the
/// singular value decomposition of the centred records and returns the
/// minimum-norm solution, as scikit-learn (scipy's `lstsq`) does; singular
/// values below `max(n, p) · ε · s_max` are treated as zero. Features that are
/// constant in the training data get a coefficient of 0. The result does not
/// depend on the number of threads.
///
/// Sample weights (from [`Dataset::with_weights`](oxlearn::Dataset::with_weights))
/// weight the squared residuals. With `positive = true` the coefficients are
/// found by Lawson and Hanson's active-set method on the same Gram matrix (as
/// scipy's `nnls`, which scikit-learn calls).
///
/// Several targets at once: [`LinearRegression::fit_multi`]. Inference
/// statistics (standard errors, p-values, R², F): [`LinearRegression::summary`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::LinearRegression;
///
/// let x = array![[1.0f64, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]];
/// let y = array![3.0, 6.0, 7.0, 10.0]; // y = 2 x0 + x1 + 1
/// let model = LinearRegression::default().fit(Dataset::new(x, y)?.view())?;
/// assert!((model.coef()[0] - 2.0).abs() < 1e-10);
/// assert!((model.coef()[1] - 1.0).abs() < 1e-10);
/// assert!((model.intercept() - 1.0).abs() < 1e-10);
///
/// // Wrong number of features at predict: an error, not a panic.
/// assert!(model.predict(array![[1.0]].view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinearRegression {
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Whether to constrain the coefficients to be >= 0.
    pub positive: bool,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for LinearRegression {
    fn default() -> Self {
        LinearRegression {
            fit_intercept: true,
            positive: false,
            n_threads: None,
        }
    }
}

impl LinearRegression {
    /// Sets `fit_intercept`.
    #[must_use]
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Sets `positive`.
    #[must_use]
    pub fn positive(mut self, positive: bool) -> Self {
        self.positive = positive;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    pub(crate) fn solve<'a, F: Float>(
        &self,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        w: Option<ArrayView1<'a, F>>,
    ) -> Result<Solved, LinearError> {
        self.validate()?;
        least_squares::check_inputs(x, y, w)?;
        let problem = Problem {
            x,
            y,
            w,
            fit_intercept: self.fit_intercept,
        };
        let penalty = if self.positive {
            Penalty::NonNegative
        } else {
            Penalty::None
        };
        with_threads(self.n_threads, || least_squares::solve(&problem, penalty))?
    }

    /// Fits several targets at once: `y` is samples x targets, `weights`
    /// optional sample weights. The Gram matrix is shared by all targets.
    ///
    /// (The [`Fit`] implementation takes one target per sample, as
    /// [`Dataset`](oxlearn::Dataset) holds; this method takes a target matrix.)
    ///
    /// # Errors
    /// As [`Fit::fit`]; also when `y` has no columns or a different number of
    /// rows than `x`.
    pub fn fit_multi<'a, F: Float>(
        &self,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        weights: Option<ArrayView1<'a, F>>,
    ) -> Result<MultiTargetLinearModel<F>, LinearError> {
        let solved = self.solve(x, y, weights)?;
        Ok(MultiTargetLinearModel::from_solved(&solved))
    }
}

impl Params for LinearRegression {
    fn validate(&self) -> Result<(), Error> {
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

impl<F: Float> Fit<F, F> for LinearRegression {
    type Model = LinearModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<LinearModel<F>, LinearError> {
        let y = data.targets().insert_axis(Axis(1));
        let solved = self.solve(data.records(), y, data.weights())?;
        Ok(LinearModel::from_solved(&solved))
    }
}

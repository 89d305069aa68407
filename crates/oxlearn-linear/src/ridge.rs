//! L2-penalised least squares: [`Ridge`].

use ndarray::{ArrayView1, ArrayView2, Axis};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_n_threads, check_non_negative};
use oxlearn::{DatasetView, Error, Fit, Float};

use crate::error::LinearError;
use crate::least_squares::{self, Penalty, Solved};
use crate::linalg::Problem;
use crate::model::{LinearModel, MultiTargetLinearModel};

/// Ridge regression, as scikit-learn's `Ridge`: minimises
/// `Σ wᵢ (yᵢ - xᵢ·β - β₀)² + alpha ‖β‖²` (the intercept is not penalised).
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `alpha` | 1.0 | L2 penalty strength, finite and >= 0 |
/// | `fit_intercept` | `true` | fit `β₀` (records and targets are centred internally) |
/// | `n_threads` | `None` (rayon's global pool) | threads for the Gram matrix; `Some(n)`, n >= 1 |
///
/// **Solver.** Cholesky (faer) on the centred, weighted Gram matrix plus
/// `alpha I`, accumulated in `f64` without copying the records, as
/// scikit-learn's `cholesky` solver. When there are more features than
/// samples, or the matrix is singular (`alpha = 0` on a rank-deficient design),
/// the singular value decomposition of the centred records gives
/// `β = V diag(s / (s² + alpha)) Uᵀ y`, as scikit-learn's `svd` solver.
/// Sample weights weight the squared residuals.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::Ridge;
///
/// let x = array![[0.0f64], [1.0], [2.0], [3.0]];
/// let y = array![0.0, 2.0, 4.0, 6.0];
/// let data = Dataset::new(x, y)?;
/// // Centred x has Σx² = 5, Σxy = 10: the slope shrinks from 2 to 10 / (5 + alpha).
/// let model = Ridge::default().alpha(5.0).fit(data.view())?;
/// assert!((model.coef()[0] - 1.0).abs() < 1e-12);
/// assert!((model.intercept() - 1.5).abs() < 1e-12);
///
/// assert!(Ridge::default().alpha(-1.0).fit(data.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ridge {
    /// L2 penalty strength (>= 0).
    pub alpha: f64,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for Ridge {
    fn default() -> Self {
        Ridge {
            alpha: 1.0,
            fit_intercept: true,
            n_threads: None,
        }
    }
}

impl Ridge {
    /// Sets `alpha`.
    #[must_use]
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets `fit_intercept`.
    #[must_use]
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    fn solve<'a, F: Float>(
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
        let alpha = self.alpha;
        with_threads(self.n_threads, || {
            least_squares::solve(&problem, Penalty::Ridge(alpha))
        })?
    }

    /// Fits several targets at once (samples x targets), sharing one
    /// factorisation.
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

impl Params for Ridge {
    fn validate(&self) -> Result<(), Error> {
        check_non_negative("alpha", self.alpha)?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

impl<F: Float> Fit<F, F> for Ridge {
    type Model = LinearModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<LinearModel<F>, LinearError> {
        let y = data.targets().insert_axis(Axis(1));
        let solved = self.solve(data.records(), y, data.weights())?;
        Ok(LinearModel::from_solved(&solved))
    }
}

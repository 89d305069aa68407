//! Fitted linear models: one target ([`LinearModel`]) or several
//! ([`MultiTargetLinearModel`]).

use ndarray::{Array1, Array2, ArrayView2, Axis};
use oxlearn::{Error, Float, Predict, check};

use crate::error::LinearError;
use crate::least_squares::{Solved, Solver};

/// A fitted linear model of one target: `y = X · coef + intercept`.
///
/// Returned by [`LinearRegression`](crate::LinearRegression) and
/// [`Ridge`](crate::Ridge). Immutable; serialisable with the `serde` feature.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::LinearRegression;
///
/// let data = Dataset::new(array![[0.0f64], [1.0], [2.0]], array![1.0, 3.0, 5.0])?;
/// let model = LinearRegression::default().fit(data.view())?;
/// assert!((model.coef()[0] - 2.0).abs() < 1e-12);
/// assert!((model.intercept() - 1.0).abs() < 1e-12);
/// assert!((model.predict(array![[3.0]].view())?[0] - 7.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinearModel<F> {
    coef: Array1<F>,
    intercept: F,
    rank: usize,
    solver: Solver,
}

impl<F: Float> LinearModel<F> {
    pub(crate) fn from_solved(s: &Solved) -> Self {
        LinearModel {
            coef: s.coef.row(0).mapv(F::cast),
            intercept: F::cast(s.intercept[0]),
            rank: s.rank,
            solver: s.solver,
        }
    }

    /// The coefficients, one per feature (0 for a feature that is constant
    /// in the training data, or zero without an intercept).
    pub fn coef(&self) -> &Array1<F> {
        &self.coef
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> F {
        self.intercept
    }

    /// The numerical rank of the centred training records, as scikit-learn's
    /// `rank_` (features constant in the training data do not count).
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The factorisation that produced the coefficients.
    pub fn solver(&self) -> Solver {
        self.solver
    }
}

impl<F: Float> Predict<F> for LinearModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        check::n_features(x, self.coef.len())?;
        check::finite(x, "records")?;
        Ok(x.dot(&self.coef) + self.intercept)
    }

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }
}

/// A fitted linear model of several targets: `Y = X · coefᵀ + intercept`.
///
/// Returned by `fit_multi` of [`LinearRegression`](crate::LinearRegression)
/// and [`Ridge`](crate::Ridge). `predict` returns samples x targets.
///
/// ```
/// use ndarray::array;
/// use oxlearn::Predict;
/// use oxlearn_linear::LinearRegression;
///
/// let x = array![[0.0f64], [1.0], [2.0]];
/// let y = array![[1.0, 0.0], [3.0, -1.0], [5.0, -2.0]];
/// let model = LinearRegression::default().fit_multi(x.view(), y.view(), None)?;
/// assert_eq!(model.coef().dim(), (2, 1));
/// let pred = model.predict(array![[3.0]].view())?;
/// assert!((pred[[0, 0]] - 7.0).abs() < 1e-12 && (pred[[0, 1]] + 3.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MultiTargetLinearModel<F> {
    coef: Array2<F>,
    intercept: Array1<F>,
    rank: usize,
    solver: Solver,
}

impl<F: Float> MultiTargetLinearModel<F> {
    pub(crate) fn from_solved(s: &Solved) -> Self {
        MultiTargetLinearModel {
            coef: s.coef.mapv(F::cast),
            intercept: s.intercept.mapv(F::cast),
            rank: s.rank,
            solver: s.solver,
        }
    }

    /// The coefficients, targets x features (scikit-learn's `coef_` layout).
    pub fn coef(&self) -> &Array2<F> {
        &self.coef
    }

    /// The intercepts, one per target.
    pub fn intercept(&self) -> &Array1<F> {
        &self.intercept
    }

    /// The number of targets.
    pub fn n_targets(&self) -> usize {
        self.coef.nrows()
    }

    /// The numerical rank of the centred training records.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The factorisation that produced the coefficients.
    pub fn solver(&self) -> Solver {
        self.solver
    }
}

impl<F: Float> Predict<F> for MultiTargetLinearModel<F> {
    type Output = Array2<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        if self.intercept.len() != self.coef.nrows() {
            return Err(Error::InvalidModel(format!(
                "{} intercepts for {} targets",
                self.intercept.len(),
                self.coef.nrows()
            ))
            .into());
        }
        check::n_features(x, self.coef.ncols())?;
        check::finite(x, "records")?;
        Ok(x.dot(&self.coef.t()) + self.intercept.view().insert_axis(Axis(0)))
    }

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }
}

/// Decision values `x coef^T + intercept` of a linear classifier (samples x
/// rows of `coef`), after checking the width and finiteness of `x`.
pub(crate) fn decision_values<F: Float>(
    coef: &Array2<F>,
    intercept: &Array1<F>,
    x: ArrayView2<'_, F>,
) -> Result<Array2<F>, LinearError> {
    check::n_features(x, coef.ncols())?;
    check::finite(x, "records")?;
    Ok(x.dot(&coef.t()) + intercept.view().insert_axis(Axis(0)))
}

/// The class index of each row of decision values: one column means two
/// classes (the second where the value is positive); otherwise the first
/// column with the largest value.
pub(crate) fn decided_classes<F: Float>(d: &Array2<F>) -> impl Iterator<Item = usize> + '_ {
    d.rows().into_iter().map(|row| {
        if row.len() == 1 {
            usize::from(row[0] > F::zero())
        } else {
            let mut best = 0;
            for (k, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = k;
                }
            }
            best
        }
    })
}

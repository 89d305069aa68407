//! Partial dependence and ICE curves by brute force:
//! [`partial_dependence`], [`partial_dependence_2d`].

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, Array3, ArrayView2};
use rayon::prelude::*;

use super::grid::feature_grid;
#[cfg(doc)]
use super::response::{predict_response, proba_response};
use crate::check;
use crate::dataset::DatasetView;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::parallel::with_threads;
use crate::params::{Params, check_at_least, check_n_threads};

/// Which curves [`partial_dependence`] returns (scikit-learn's `kind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DependenceKind {
    /// The mean response over the samples (the partial dependence). Default.
    #[default]
    Average,
    /// One curve per sample (individual conditional expectation, ICE).
    Individual,
    /// Both.
    Both,
}

impl DependenceKind {
    fn average(self) -> bool {
        self != DependenceKind::Individual
    }

    fn individual(self) -> bool {
        self != DependenceKind::Average
    }
}

/// Options of [`partial_dependence`] and [`partial_dependence_2d`],
/// scikit-learn's keyword arguments of `method="brute"`.
///
/// - `grid_resolution` (default 100, at least 2): the number of grid values
///   of a feature with at least that many unique values;
/// - `percentiles` (default `(0.05, 0.95)`, `0 <= low < high <= 1`): the
///   quantiles of the column that bound such a grid;
/// - `kind` (default [`DependenceKind::Average`]);
/// - `custom_values` (default none): the grid of a feature, by feature
///   index, used as given (scikit-learn's `custom_values`);
/// - `n_threads` (default `None`, rayon's global pool): threads for the
///   grid values.
///
/// ```
/// use oxlearn::inspection::{DependenceKind, PartialDependence};
/// use oxlearn::params::Params;
///
/// let options = PartialDependence::default()
///     .grid_resolution(20)
///     .kind(DependenceKind::Both)
///     .custom_values(2, vec![0.0, 0.5, 1.0]);
/// assert!(options.validate().is_ok());
/// assert!(PartialDependence::default().percentiles((0.9, 0.1)).validate().is_err());
/// assert!(PartialDependence::default().grid_resolution(1).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PartialDependence {
    /// Grid values of a feature with at least this many unique values.
    /// Default 100; at least 2.
    pub grid_resolution: usize,
    /// The lower and upper quantiles of the column that bound its grid.
    /// Default `(0.05, 0.95)`; `0 <= low < high <= 1`.
    pub percentiles: (f64, f64),
    /// Which curves to return. Default [`DependenceKind::Average`].
    pub kind: DependenceKind,
    /// The grid of some features, by feature index, used as given (neither
    /// sorted nor deduplicated). Default: none.
    pub custom_values: BTreeMap<usize, Vec<f64>>,
    /// Threads for the grid values: `None` (default) uses rayon's global pool.
    pub n_threads: Option<usize>,
}

impl Default for PartialDependence {
    fn default() -> Self {
        PartialDependence {
            grid_resolution: 100,
            percentiles: (0.05, 0.95),
            kind: DependenceKind::Average,
            custom_values: BTreeMap::new(),
            n_threads: None,
        }
    }
}

impl PartialDependence {
    crate::setters! {
        /// Sets `grid_resolution` (at least 2).
        grid_resolution: usize,
        /// Sets the bounding quantiles `(low, high)`, `0 <= low < high <= 1`.
        percentiles: (f64, f64),
        /// Sets which curves to return.
        kind: DependenceKind,
        /// Sets the number of threads (`None`: rayon's global pool).
        n_threads: Option<usize>,
    }

    /// Sets the grid of feature `feature` to `values` (non-empty), replacing
    /// the automatic grid.
    #[must_use]
    pub fn custom_values(mut self, feature: usize, values: impl Into<Vec<f64>>) -> Self {
        self.custom_values.insert(feature, values.into());
        self
    }
}

impl Params for PartialDependence {
    fn validate(&self) -> Result<()> {
        check_at_least("grid_resolution", self.grid_resolution, 2)?;
        let (low, high) = self.percentiles;
        if !(0.0 <= low && low < high && high <= 1.0) {
            return Err(Error::invalid_parameter(
                "percentiles",
                "(low, high) with 0 <= low < high <= 1",
                format!("({low}, {high})"),
            ));
        }
        if let Some((feature, _)) = self.custom_values.iter().find(|(_, v)| v.is_empty()) {
            return Err(Error::invalid_parameter(
                "custom_values",
                "at least one grid value for each feature given",
                format!("no values for feature {feature}"),
            ));
        }
        check_n_threads(self.n_threads)
    }
}

/// What [`partial_dependence`] returns for one feature.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialDependenceResult<F> {
    /// The grid values of the feature.
    pub grid_values: Array1<F>,
    /// The mean response at each grid value, weighted by the sample weights
    /// when the data has some; `None` for [`DependenceKind::Individual`].
    pub average: Option<Array1<f64>>,
    /// The response of each sample at each grid value, samples x grid
    /// values (the ICE curves); `None` for [`DependenceKind::Average`].
    pub individual: Option<Array2<f64>>,
}

/// What [`partial_dependence_2d`] returns for a pair of features.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialDependence2dResult<F> {
    /// The grid values of each feature; the grid is their cartesian product.
    pub grid_values: [Array1<F>; 2],
    /// The mean response at each grid point, first grid x second grid;
    /// `None` for [`DependenceKind::Individual`].
    pub average: Option<Array2<f64>>,
    /// The response of each sample at each grid point, samples x first grid
    /// x second grid; `None` for [`DependenceKind::Average`].
    pub individual: Option<Array3<f64>>,
}

/// The partial dependence of `response` on feature `feature` of `data`, as
/// scikit-learn's `sklearn.inspection.partial_dependence` with
/// `method="brute"`.
///
/// For each grid value `v`, every sample's feature is set to `v` (the other
/// features keep their values) and `response` is evaluated on the modified
/// records; `average` is the (weighted) mean over the samples, `individual`
/// the values themselves. `response` maps records to one value per sample:
/// any closure, or [`predict_response`] (a regressor's prediction) or
/// [`proba_response`] (one class's probability) of a fitted model. The grid:
/// the custom values of the feature if given, else its unique values (all of
/// them for a categorical column of `data`) when fewer than
/// `grid_resolution`, else `grid_resolution` evenly spaced values between its
/// `percentiles` (numpy's linear quantiles); NaN values are left out of it.
/// The targets of `data` are not used.
///
/// Grid values run in parallel; each rayon job copies the records once and
/// overwrites the column in place for each value.
///
/// ```
/// use ndarray::{ArrayView2, array};
/// use oxlearn::inspection::{DependenceKind, PartialDependence, partial_dependence};
/// use oxlearn::Dataset;
///
/// // A "model" 2 x0 + x1: its partial dependence on x0 has slope 2, and is
/// // offset by the mean of x1 (3).
/// let response = |x: ArrayView2<'_, f64>| Ok(&x.column(0) * 2.0 + &x.column(1));
/// let data = Dataset::from_records(array![[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]]);
/// let options = PartialDependence::default().kind(DependenceKind::Both);
/// let pd = partial_dependence(response, data.view(), 0, &options)?;
/// assert_eq!(pd.grid_values, array![0.0, 1.0, 2.0]);
/// assert_eq!(pd.average, Some(array![3.0, 5.0, 7.0]));
/// // The ICE curve of sample 1 (x1 = 3).
/// assert_eq!(pd.individual.unwrap().row(1), array![3.0, 5.0, 7.0]);
/// assert!(partial_dependence(response, data.view(), 2, &options).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for invalid `options`; [`Error::EmptyData`]
/// for records without samples or features; [`Error::InvalidInput`] for a
/// feature index out of range, a column with only NaN, percentiles too close
/// to span a grid, or sample weights that sum to 0; [`Error::NonFinite`] for
/// an infinite value in the column; [`Error::ShapeMismatch`] when `response`
/// does not give one value per sample; the errors of `response` (the first
/// in grid order).
pub fn partial_dependence<F, T, R>(
    response: R,
    data: DatasetView<'_, F, T>,
    feature: usize,
    options: &PartialDependence,
) -> Result<PartialDependenceResult<F>>
where
    F: Float,
    R: Fn(ArrayView2<'_, F>) -> Result<Array1<f64>> + Sync,
{
    options.validate()?;
    check::non_empty(data.records(), "partial dependence records")?;
    let grid = grid_of(data, feature, options)?;
    let (average, individual) = evaluate(&response, data, &[feature], &grid, options)?;
    Ok(PartialDependenceResult {
        grid_values: Array1::from(grid),
        average: average.map(Array1::from),
        individual,
    })
}

/// The two-way partial dependence of `response` on features `features` of
/// `data`: [`partial_dependence`] on the cartesian product of the two
/// features' grids (each built as there), as scikit-learn's
/// `partial_dependence` with a pair of features.
///
/// ```
/// use ndarray::{ArrayView2, array};
/// use oxlearn::inspection::{PartialDependence, partial_dependence_2d};
/// use oxlearn::Dataset;
///
/// let product = |x: ArrayView2<'_, f64>| Ok(&x.column(0) * &x.column(1));
/// let data = Dataset::from_records(array![[1.0, 0.0], [2.0, 1.0], [2.0, 3.0]]);
/// let pd = partial_dependence_2d(product, data.view(), [0, 1], &PartialDependence::default())?;
/// assert_eq!(pd.grid_values, [array![1.0, 2.0], array![0.0, 1.0, 3.0]]);
/// assert_eq!(pd.average, Some(array![[0.0, 1.0, 3.0], [0.0, 2.0, 6.0]]));
/// assert!(partial_dependence_2d(product, data.view(), [1, 1], &PartialDependence::default()).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// As [`partial_dependence`], and [`Error::InvalidInput`] when the two
/// features are the same or the grid is too large to allocate.
pub fn partial_dependence_2d<F, T, R>(
    response: R,
    data: DatasetView<'_, F, T>,
    features: [usize; 2],
    options: &PartialDependence,
) -> Result<PartialDependence2dResult<F>>
where
    F: Float,
    R: Fn(ArrayView2<'_, F>) -> Result<Array1<f64>> + Sync,
{
    options.validate()?;
    check::non_empty(data.records(), "partial dependence records")?;
    if features[0] == features[1] {
        return Err(Error::InvalidInput(format!(
            "a two-way partial dependence needs two different features, got {} twice",
            features[0]
        )));
    }
    let first = grid_of(data, features[0], options)?;
    let second = grid_of(data, features[1], options)?;
    let shape = (first.len(), second.len());
    check::allocatable::<[F; 2]>(shape.0, shape.1, "two-way partial dependence grid")?;
    let points: Vec<F> = first
        .iter()
        .flat_map(|&a| second.iter().flat_map(move |&b| [a, b]))
        .collect();
    let (average, individual) = evaluate(&response, data, &features, &points, options)?;
    let n = data.n_samples();
    Ok(PartialDependence2dResult {
        grid_values: [Array1::from(first), Array1::from(second)],
        // Point `a * n1 + b` holds grid values `a` and `b`: row-major order.
        average: average
            .map(|a| Array2::from_shape_vec(shape, a))
            .transpose()
            .map_err(|e| Error::InvalidInput(e.to_string()))?,
        individual: individual
            .map(|ice| ice.into_shape_with_order((n, shape.0, shape.1)))
            .transpose()
            .map_err(|e| Error::InvalidInput(e.to_string()))?,
    })
}

/// The grid of feature `feature` of `data`, checked to be in range.
fn grid_of<F: Float, T>(
    data: DatasetView<'_, F, T>,
    feature: usize,
    options: &PartialDependence,
) -> Result<Vec<F>> {
    let n_features = data.n_features();
    if feature >= n_features {
        return Err(Error::InvalidInput(format!(
            "feature index {feature} is out of range for records of {n_features} features"
        )));
    }
    let categorical = data.categories().get(feature).is_some_and(Option::is_some);
    let grid = feature_grid(
        data.records().column(feature),
        feature,
        categorical,
        options,
    )?;
    Ok(grid.to_vec())
}

/// Average and individual responses returned by [`evaluate`].
type Evaluated = (Option<Vec<f64>>, Option<Array2<f64>>);

/// Evaluates `response` with `columns` of the records of `data` set to each
/// grid point of `points` (one value per column, points one after another),
/// in parallel over the points: the (weighted) mean response per point and,
/// when asked, every response (samples x points).
fn evaluate<F, T, R>(
    response: &R,
    data: DatasetView<'_, F, T>,
    columns: &[usize],
    points: &[F],
    options: &PartialDependence,
) -> Result<Evaluated>
where
    F: Float,
    R: Fn(ArrayView2<'_, F>) -> Result<Array1<f64>> + Sync,
{
    let records = data.records();
    let n = records.nrows();
    let n_points = points.len() / columns.len();
    let keep = options.kind.individual();
    if keep {
        check::allocatable::<f64>(n, n_points, "individual partial dependence")?;
    }
    let weights: Option<Vec<f64>> = data
        .weights()
        .map(|w| w.iter().map(|v| v.as_f64()).collect());
    let total = match &weights {
        Some(w) => w.iter().sum::<f64>(),
        None => n as f64,
    };
    if total <= 0.0 {
        return Err(Error::InvalidInput(
            "the sample weights sum to 0, so the partial dependence has no weighted mean"
                .to_string(),
        ));
    }
    let results = with_threads(options.n_threads, || {
        points
            .par_chunks(columns.len())
            // One copy of the records per rayon job: each point overwrites
            // all of `columns` and nothing else, so what a point sees does
            // not depend on the points run before it.
            .map_init(
                || records.to_owned(),
                |buffer, point| -> Result<(f64, Option<Array1<f64>>)> {
                    for (&j, &value) in columns.iter().zip(point) {
                        buffer.column_mut(j).fill(value);
                    }
                    let values = response(buffer.view())?;
                    check::same_length(n, values.len(), "partial dependence response")?;
                    let sum = match &weights {
                        Some(w) => values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>(),
                        None => values.sum(),
                    };
                    Ok((sum / total, keep.then_some(values)))
                },
            )
            .collect::<Vec<_>>()
    })?;
    let results = results.into_iter().collect::<Result<Vec<_>>>()?;
    let average = options
        .kind
        .average()
        .then(|| results.iter().map(|(mean, _)| *mean).collect());
    let individual = keep.then(|| {
        let mut ice = Array2::zeros((n, n_points));
        for (mut column, (_, values)) in ice.columns_mut().into_iter().zip(&results) {
            if let Some(values) = values {
                column.assign(values);
            }
        }
        ice
    });
    Ok((average, individual))
}

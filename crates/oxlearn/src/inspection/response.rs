//! Responses of fitted models for partial dependence: [`predict_response`]
//! (a regressor's prediction) and [`proba_response`] (one class's
//! probability).

use std::fmt::Debug;

use ndarray::{Array1, ArrayView2};

#[cfg(doc)]
use super::{partial_dependence, partial_dependence_2d};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::traits::{Predict, PredictProba};

/// The response of a regressor: its predictions, as `f64`. Pass it to
/// [`partial_dependence`] or [`partial_dependence_2d`].
///
/// ```
/// use ndarray::{Array2, array};
/// use oxlearn::dummy::DummyRegressor;
/// use oxlearn::inspection::predict_response;
/// use oxlearn::{Dataset, Fit};
///
/// let data = Dataset::new(Array2::<f32>::zeros((2, 1)), array![1.0f32, 3.0])?;
/// let model = DummyRegressor::default().fit(data.view())?;
/// let response = predict_response(&model);
/// assert_eq!(response(Array2::zeros((3, 1)).view())?, array![2.0, 2.0, 2.0]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn predict_response<'m, M, F>(
    model: &'m M,
) -> impl Fn(ArrayView2<'_, F>) -> Result<Array1<f64>> + Sync + use<'m, M, F>
where
    M: Predict<F, Output = Array1<F>> + Sync,
    F: Float,
{
    move |x: ArrayView2<'_, F>| {
        let predicted = model.predict(x).map_err(Error::from_estimator)?;
        Ok(predicted.mapv(F::as_f64))
    }
}

/// The response of a classifier: its probability of class `class`, as
/// `f64` (scikit-learn uses the greater class, `classes_[1]`, of a binary
/// classifier, and every class of a multiclass one). Pass it to
/// [`partial_dependence`] or [`partial_dependence_2d`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::dummy::DummyClassifier;
/// use oxlearn::inspection::{PartialDependence, partial_dependence, proba_response};
/// use oxlearn::{Dataset, Fit};
///
/// let data = Dataset::new(array![[0.0], [1.0], [1.0], [2.0]], array!["a", "b", "b", "b"])?;
/// let model = DummyClassifier::default().fit(data.view())?;
/// let response = proba_response(&model, &"b")?;
/// let pd = partial_dependence(response, data.view(), 0, &PartialDependence::default())?;
/// assert_eq!(pd.average, Some(array![0.75, 0.75, 0.75]));
/// // A model generic over the element type needs it named when nothing else says it.
/// assert!(proba_response::<_, f64>(&model, &"z").is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::Unknown`] when `class` is not one of the model's classes.
pub fn proba_response<'m, M, F>(
    model: &'m M,
    class: &M::Class,
) -> Result<impl Fn(ArrayView2<'_, F>) -> Result<Array1<f64>> + Sync + use<'m, M, F>>
where
    M: PredictProba<F> + Sync,
    M::Class: PartialEq + Debug,
    F: Float,
{
    let classes = model.classes();
    let Some(column) = classes.iter().position(|c| c == class) else {
        return Err(Error::Unknown {
            what: "class".to_string(),
            value: format!("{class:?} (the model's classes are {classes:?})"),
        });
    };
    Ok(move |x: ArrayView2<'_, F>| {
        let proba = model.predict_proba(x).map_err(Error::from_estimator)?;
        if column >= proba.ncols() {
            return Err(Error::shape_mismatch(
                "predicted probabilities",
                format!("more than {column} columns (one per class)"),
                format!("{} columns", proba.ncols()),
            ));
        }
        Ok(proba.column(column).mapv(F::as_f64))
    })
}

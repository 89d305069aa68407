//! Load a bundled real dataset, split it, cross-validate, tune and report.
//!
//! Runs on the wine recognition data (178 samples, 13 chemical measurements,
//! 3 cultivars). No model family crate is needed: the example writes its own
//! estimator, a nearest-centroid classifier, to show the contract every
//! oxlearn estimator follows, and compares it with a baseline that ignores the
//! features.
//!
//! ```sh
//! cargo run -p oxlearn-examples --example cross_validation
//! ```

use ndarray::{Array1, Array2, ArrayView2, Axis};
use oxlearn::dummy::DummyClassifier;
use oxlearn::metrics::{Average, balanced_accuracy_score, confusion_matrix, f1_score};
use oxlearn::model_selection::{
    Accuracy, CrossValidateOptions, F1, GridSearch, ParamGrid, StratifiedKFold, cross_validate,
    train_test_split_stratified,
};
use oxlearn::params::Params;
use oxlearn::{ClassLabels, DatasetView, Error, Fit, Predict, check};
use oxlearn_examples::{heading, print_confusion};
use serde::{Deserialize, Serialize};

/// Distance used to find the nearest centroid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Metric {
    Euclidean,
    Manhattan,
}

/// Hyperparameters of a nearest-centroid classifier (scikit-learn's
/// `NearestCentroid`), with an option to measure distances in units of each
/// feature's standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct NearestCentroid {
    metric: Metric,
    standardize: bool,
}

impl Default for NearestCentroid {
    fn default() -> Self {
        NearestCentroid {
            metric: Metric::Euclidean,
            standardize: false,
        }
    }
}

impl Params for NearestCentroid {
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// The fitted model: one centroid per class, and the per-feature scale.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct NearestCentroidModel {
    labels: ClassLabels<usize>,
    centroids: Array2<f64>,
    scale: Array1<f64>,
    metric: Metric,
}

impl Fit<f64, usize> for NearestCentroid {
    type Model = NearestCentroidModel;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, f64, usize>) -> Result<NearestCentroidModel, Error> {
        self.validate()?;
        check::records(data.records(), "training records")?;
        let (labels, idx) = ClassLabels::fit(data.targets(), 2)?;
        let x = data.records();
        let mut centroids = Array2::zeros((labels.n_classes(), x.ncols()));
        for (c, mut centroid) in centroids.axis_iter_mut(Axis(0)).enumerate() {
            let rows: Vec<usize> = (0..x.nrows()).filter(|&i| idx[i] == c).collect();
            let members = x.select(Axis(0), &rows);
            // Manhattan distance is minimised by the per-feature median.
            for (j, col) in members.axis_iter(Axis(1)).enumerate() {
                let mut v = col.to_vec();
                v.sort_by(f64::total_cmp);
                centroid[j] = match self.metric {
                    Metric::Euclidean => v.iter().sum::<f64>() / v.len() as f64,
                    Metric::Manhattan => (v[(v.len() - 1) / 2] + v[v.len() / 2]) / 2.0,
                };
            }
        }
        let scale = if self.standardize {
            x.std_axis(Axis(0), 0.0)
                .mapv(|s| if s > 0.0 { s } else { 1.0 })
        } else {
            Array1::ones(x.ncols())
        };
        Ok(NearestCentroidModel {
            labels,
            centroids,
            scale,
            metric: self.metric,
        })
    }
}

impl Predict<f64> for NearestCentroidModel {
    type Output = Array1<usize>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>, Error> {
        check::n_features(x, self.centroids.ncols())?;
        check::finite(x, "records")?;
        let nearest = x.rows().into_iter().map(|row| {
            let distance = |c: usize| -> f64 {
                let diff = (&row - &self.centroids.row(c)) / &self.scale;
                match self.metric {
                    Metric::Euclidean => diff.mapv(|d| d * d).sum(),
                    Metric::Manhattan => diff.mapv(f64::abs).sum(),
                }
            };
            (0..self.labels.n_classes())
                .min_by(|&a, &b| distance(a).total_cmp(&distance(b)))
                .unwrap_or(0)
        });
        Ok(self.labels.decode(nearest))
    }

    fn n_features_in(&self) -> usize {
        self.centroids.ncols()
    }
}

fn main() -> Result<(), Error> {
    let wine = oxlearn_datasets::wine()?;
    let classes = wine.target_names().to_vec();
    heading("Wine recognition");
    println!(
        "{} samples x {} features, classes {:?}",
        wine.n_samples(),
        wine.n_features(),
        classes
    );

    // Hold out a stratified quarter of the data for the final report.
    let (train, test) = train_test_split_stratified(wine.view(), 0.25, 42)?;
    println!(
        "stratified split: {} training, {} test samples",
        train.n_samples(),
        test.n_samples()
    );

    // 5-fold stratified cross-validation of a baseline and of the raw model.
    heading("5-fold cross-validated accuracy on the training part");
    let cv = StratifiedKFold::new(5).shuffle(true).seed(0);
    let options = CrossValidateOptions::default();
    let baseline = cross_validate(
        &DummyClassifier::default(),
        train.view(),
        &cv,
        &Accuracy,
        options,
    )?;
    let raw = cross_validate(
        &NearestCentroid::default(),
        train.view(),
        &cv,
        &Accuracy,
        options,
    )?;
    for (name, result) in [
        ("baseline (class prior)", &baseline),
        ("nearest centroid", &raw),
    ] {
        println!(
            "{name:<26} {:.3} +/- {:.3}",
            result.mean_test_score(),
            result.std_test_score()
        );
    }

    // Tune the metric and the scaling by grid search on macro F1.
    heading("Grid search (macro F1, 5 folds, candidates x folds in parallel)");
    let candidates = ParamGrid::new(NearestCentroid::default())
        .param([Metric::Euclidean, Metric::Manhattan], |p, m| p.metric = m)
        .param([false, true], |p, s| p.standardize = s)
        .build();
    let search = GridSearch::new(candidates, cv, F1::macro_average()).fit(train.view())?;
    for (i, params) in search.candidates().iter().enumerate() {
        println!(
            "{:<10?} standardize={:<5} F1 {:.3} +/- {:.3}  rank {}",
            params.metric,
            params.standardize,
            search.mean_test_scores()[i],
            search.std_test_scores()[i],
            search.ranks()[i]
        );
    }
    println!("best: {:?}", search.best_params());

    // Report the refitted best model on the held-out quarter.
    heading("Held-out test set");
    let pred = search.predict(test.records())?;
    let y = test.targets();
    println!(
        "accuracy {:.3}  balanced accuracy {:.3}  macro F1 {:.3}",
        oxlearn::metrics::accuracy_score(y, &pred)?,
        balanced_accuracy_score(y, &pred)?,
        f1_score(y, &pred, Average::Macro)?
    );
    print_confusion(&confusion_matrix(y, &pred)?, &classes);

    // A fitted model is plain data: save it and load it back.
    let model = search.into_best_model().ok_or_else(|| {
        Error::InvalidInput("grid search was asked to refit the best model".to_string())
    })?;
    let saved = serde_json::to_string(&model)
        .map_err(|e| Error::InvalidInput(format!("cannot serialise the model: {e}")))?;
    let loaded: NearestCentroidModel = serde_json::from_str(&saved)
        .map_err(|e| Error::InvalidModel(format!("cannot read the saved model: {e}")))?;
    assert_eq!(loaded.predict(test.records())?, pred);
    println!(
        "\nsaved model: {} bytes of JSON; reloaded, it predicts identically",
        saved.len()
    );
    Ok(())
}

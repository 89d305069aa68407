//! oxlearn's side of each workload: how our estimator is built from the
//! workload's hyperparameters, timed, and judged.

use std::time::Instant;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use oxlearn::metrics::{accuracy_score, adjusted_rand_score, log_loss, r2_score};
use oxlearn::parallel::with_threads;
use oxlearn::{DatasetView, Fit, Predict, PredictProba, Transform};
use serde_json::{Value, json};

use crate::Data;

/// What a fitted model produces on held-out records.
pub enum Output {
    /// Regression predictions.
    Values(Array1<f64>),
    /// Class or cluster labels.
    Labels(Array1<usize>),
    /// Transformed records.
    Records(Array2<f64>),
    /// Labels of the training records, for estimators that only label what
    /// they were fitted on (DBSCAN): judged against the training targets.
    TrainingLabels(Array1<usize>),
}

/// A fitted model of one workload, behind one interface.
pub trait Fitted {
    /// Predictions (or the transform) of `x`.
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String>;
    /// Class probabilities, for classifiers that have them.
    fn proba(&self, _x: ArrayView2<'_, f64>) -> Option<Result<Array2<f64>, String>> {
        None
    }
    /// Cluster centres, for centroid models.
    fn centers(&self) -> Option<Array2<f64>> {
        None
    }
    /// Records mapped back from their transform, where the transform inverts.
    fn inverse(&self, _t: ArrayView2<'_, f64>) -> Option<Result<Array2<f64>, String>> {
        None
    }
}

/// Fits our estimator for a workload on the training part of `Data`.
type Runner = Box<dyn Fn(&Data) -> Result<Box<dyn Fitted>, String> + Send + Sync>;

fn param(params: &Value, key: &str, default: f64) -> f64 {
    params[key].as_f64().unwrap_or(default)
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A regression model behind [`Fitted`].
struct Regressor<M>(M);

impl<M: Predict<f64, Output = Array1<f64>>> Fitted for Regressor<M> {
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.predict(x).map(Output::Values).map_err(text)
    }
}

/// A probabilistic classifier behind [`Fitted`].
struct Classifier<M>(M);

impl<M> Fitted for Classifier<M>
where
    M: PredictProba<f64, Output = Array1<usize>>,
{
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.predict(x).map(Output::Labels).map_err(text)
    }
    fn proba(&self, x: ArrayView2<'_, f64>) -> Option<Result<Array2<f64>, String>> {
        Some(self.0.predict_proba(x).map_err(text))
    }
}

/// k-means behind [`Fitted`].
struct Centroids(oxlearn_cluster::KMeansModel<f64>);

impl Fitted for Centroids {
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.predict(x).map(Output::Labels).map_err(text)
    }
    fn centers(&self) -> Option<Array2<f64>> {
        Some(self.0.cluster_centers().to_owned())
    }
}

/// DBSCAN behind [`Fitted`]: it labels its training data only.
struct Density(Array1<usize>);

impl Fitted for Density {
    fn apply(&self, _x: ArrayView2<'_, f64>) -> Result<Output, String> {
        Ok(Output::TrainingLabels(self.0.clone()))
    }
}

/// A Gaussian mixture behind [`Fitted`]: its most probable components,
/// judged by the Rand index.
struct Mixture(oxlearn_cluster::GaussianMixtureModel<f64>);

impl Fitted for Mixture {
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.predict(x).map(Output::Labels).map_err(text)
    }
}

/// A transformer behind [`Fitted`].
struct Transformer<M>(M);

impl<M: Transform<f64>> Fitted for Transformer<M> {
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.transform(x).map(Output::Records).map_err(text)
    }
}

/// A decomposition behind [`Fitted`]: a transformer whose output maps back,
/// judged by its reconstruction error (as scikit-learn's PCA is).
struct Decomposition<M>(M);

impl<M: oxlearn_preprocessing::InverseTransform<f64>> Fitted for Decomposition<M> {
    fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Output, String> {
        self.0.transform(x).map(Output::Records).map_err(text)
    }
    fn inverse(&self, t: ArrayView2<'_, f64>) -> Option<Result<Array2<f64>, String>> {
        Some(self.0.inverse_transform(t).map_err(text))
    }
}

/// The training part of `d` as a regression dataset.
fn regression(d: &Data) -> Result<DatasetView<'_, f64, f64>, String> {
    DatasetView::new(d.x_train.view(), d.y_train.view()).map_err(text)
}

/// The training part of `d` as a classification dataset.
fn classification(d: &Data) -> Result<DatasetView<'_, f64, usize>, String> {
    DatasetView::new(d.x_train.view(), d.labels_train.view()).map_err(text)
}

/// The training records of `d`, without targets (and without a copy).
fn unsupervised(d: &Data) -> Result<DatasetView<'_, f64, ()>, String> {
    DatasetView::new(d.x_train.view(), d.no_targets.view()).map_err(text)
}

fn boxed<M: Fitted + 'static>(m: M) -> Box<dyn Fitted> {
    Box::new(m)
}

/// Our estimator for workload `name`, configured from `params`; `None` while
/// its family crate does not implement it. The mapping to the peers'
/// hyperparameters is in `peers.py`.
fn runner(name: &str, params: &Value) -> Option<Runner> {
    use oxlearn_cluster::{Dbscan, KMeans};
    use oxlearn_linear::{ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge};
    use oxlearn_preprocessing::{HandleUnknown, OneHotEncoder, PolynomialFeatures, StandardScaler};

    let params = params.clone();
    Some(match name {
        "linear_regression" => Box::new(move |d: &Data| {
            Ok(boxed(Regressor(
                LinearRegression::default()
                    .fit(regression(d)?)
                    .map_err(text)?,
            )))
        }),
        "ridge" => Box::new(move |d: &Data| {
            let model = Ridge::default()
                .alpha(param(&params, "alpha", 1.0))
                .fit(regression(d)?)
                .map_err(text)?;
            Ok(boxed(Regressor(model)))
        }),
        "lasso" => Box::new(move |d: &Data| {
            let lasso = Lasso {
                alpha: param(&params, "alpha", 1.0),
                tol: param(&params, "tol", 1e-4),
                max_iter: param(&params, "max_iter", 1000.0) as usize,
                ..Lasso::default()
            };
            Ok(boxed(Regressor(lasso.fit(regression(d)?).map_err(text)?)))
        }),
        "elastic_net" => Box::new(move |d: &Data| {
            let enet = ElasticNet {
                alpha: param(&params, "alpha", 1.0),
                l1_ratio: param(&params, "l1_ratio", 0.5),
                tol: param(&params, "tol", 1e-4),
                max_iter: param(&params, "max_iter", 1000.0) as usize,
                ..ElasticNet::default()
            };
            Ok(boxed(Regressor(enet.fit(regression(d)?).map_err(text)?)))
        }),
        "logistic_binary" | "logistic_multinomial" => Box::new(move |d: &Data| {
            let logistic = LogisticRegression::default()
                .c(param(&params, "C", 1.0))
                .max_iter(param(&params, "max_iter", 100.0) as usize)
                .tol(param(&params, "tol", 1e-4));
            Ok(boxed(Classifier(
                logistic.fit(classification(d)?).map_err(text)?,
            )))
        }),
        "kmeans_fixed_iterations" | "kmeans_default" => {
            let fixed = name == "kmeans_fixed_iterations";
            Box::new(move |d: &Data| {
                let mut km = KMeans::new(param(&params, "n_clusters", 8.0) as usize).seed(0);
                if fixed {
                    km = km
                        .max_iter(param(&params, "max_iter", 20.0) as usize)
                        .tol(0.0)
                        .n_init(Some(1));
                }
                Ok(boxed(Centroids(km.fit(unsupervised(d)?).map_err(text)?)))
            })
        }
        "gaussian_mixture" => Box::new(move |d: &Data| {
            let gm =
                oxlearn_cluster::GaussianMixture::new(param(&params, "n_components", 1.0) as usize)
                    .max_iter(param(&params, "max_iter", 100.0) as usize)
                    .tol(0.0)
                    .seed(0);
            Ok(boxed(Mixture(gm.fit(unsupervised(d)?).map_err(text)?)))
        }),
        "dbscan" => Box::new(move |d: &Data| {
            let db = Dbscan::new(
                param(&params, "eps", 0.5),
                param(&params, "min_samples", 5.0) as usize,
            );
            let model = db.fit(unsupervised(d)?).map_err(text)?;
            // Noise (-1) becomes label 0, clusters 1.. for the Rand index.
            Ok(boxed(Density(model.labels().mapv(|l| (l + 1) as usize))))
        }),
        "agglomerative_ward" => Box::new(move |d: &Data| {
            let params =
                oxlearn_cluster::AgglomerativeClustering::new(
                    param(&params, "n_clusters", 2.0) as usize
                );
            let model = params.fit(unsupervised(d)?).map_err(text)?;
            Ok(boxed(Density(model.labels().to_owned())))
        }),
        "hdbscan" => Box::new(move |d: &Data| {
            let params =
                oxlearn_cluster::Hdbscan::new(param(&params, "min_cluster_size", 5.0) as usize);
            let model = params.fit(unsupervised(d)?).map_err(text)?;
            // Noise (-1) becomes label 0, clusters 1.. for the Rand index.
            Ok(boxed(Density(model.labels().mapv(|l| (l + 1) as usize))))
        }),
        "standard_scaler" => Box::new(move |d: &Data| {
            Ok(boxed(Transformer(
                StandardScaler::default()
                    .fit(unsupervised(d)?)
                    .map_err(text)?,
            )))
        }),
        "one_hot_adult" => Box::new(move |d: &Data| {
            let encoder = OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore);
            Ok(boxed(Transformer(
                encoder.fit(unsupervised(d)?).map_err(text)?,
            )))
        }),
        "polynomial_features" => Box::new(move |d: &Data| {
            let poly = PolynomialFeatures::default().degree(param(&params, "degree", 2.0) as usize);
            Ok(boxed(Transformer(
                poly.fit(unsupervised(d)?).map_err(text)?,
            )))
        }),
        "pca_exact" | "pca_randomized" => {
            use oxlearn_preprocessing::{Pca, PcaComponents, SvdSolver};
            // Exact: the covariance eigendecomposition (what scikit-learn's
            // auto picks for n >> d; equal to the full SVD's output).
            let solver = if name == "pca_exact" {
                SvdSolver::CovarianceEigh
            } else {
                SvdSolver::Randomized
            };
            Box::new(move |d: &Data| {
                let pca = Pca::default()
                    .n_components(PcaComponents::Count(
                        param(&params, "n_components", 10.0) as usize
                    ))
                    .svd_solver(solver)
                    .seed(0);
                Ok(boxed(Decomposition(
                    pca.fit(unsupervised(d)?).map_err(text)?,
                )))
            })
        }
        "decision_tree_classifier" => Box::new(move |d: &Data| {
            let model = oxlearn_trees::DecisionTreeClassifier::default()
                .fit(classification(d)?)
                .map_err(text)?;
            Ok(boxed(Classifier(model)))
        }),
        "decision_tree_regressor" => Box::new(move |d: &Data| {
            let model = oxlearn_trees::DecisionTreeRegressor::default()
                .fit(regression(d)?)
                .map_err(text)?;
            Ok(boxed(Regressor(model)))
        }),
        "random_forest_classifier" => Box::new(move |d: &Data| {
            let model = oxlearn_trees::RandomForestClassifier::default()
                .n_estimators(param(&params, "n_estimators", 100.0) as usize)
                .fit(classification(d)?)
                .map_err(text)?;
            Ok(boxed(Classifier(model)))
        }),
        "random_forest_regressor" => Box::new(move |d: &Data| {
            let model = oxlearn_trees::RandomForestRegressor::default()
                .n_estimators(param(&params, "n_estimators", 100.0) as usize)
                .fit(regression(d)?)
                .map_err(text)?;
            Ok(boxed(Regressor(model)))
        }),
        "extra_trees_regressor" => Box::new(move |d: &Data| {
            let model = oxlearn_trees::ExtraTreesRegressor::default()
                .n_estimators(param(&params, "n_estimators", 100.0) as usize)
                .fit(regression(d)?)
                .map_err(text)?;
            Ok(boxed(Regressor(model)))
        }),
        _ => return None,
    })
}

/// Whether oxlearn implements workload `name`.
pub fn available(name: &str) -> bool {
    runner(name, &Value::Null).is_some()
}

fn peak_reset() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A warm-up fit, whose peak memory is measured (the first fit of a fresh
/// process: later fits reuse memory earlier ones freed and left resident),
/// then the median of `repeats` timed fits and predictions, and the quality
/// on the held-out rows.
pub fn measure(
    name: &str,
    params: &Value,
    data: &Data,
    threads: usize,
    repeats: usize,
) -> Result<Value, String> {
    let run = runner(name, params).ok_or_else(|| format!("{name} is not implemented"))?;
    let result = with_threads(Some(threads), || -> Result<Value, String> {
        let before = status_mib("VmRSS:");
        let reset = peak_reset();
        drop(run(data)?);
        let peak = match (reset, before, status_mib("VmHWM:")) {
            (true, Some(b), Some(p)) => Some((p - b).max(0.0)),
            _ => None,
        };
        let start = Instant::now();
        let model = run(data)?;
        let mut fit_times = vec![start.elapsed().as_secs_f64()];
        for _ in 1..repeats {
            let start = Instant::now();
            run(data)?;
            fit_times.push(start.elapsed().as_secs_f64());
        }
        let x_test = data.x_test.view();
        let output = model.apply(x_test)?;
        let mut predict_times = Vec::new();
        if !matches!(output, Output::TrainingLabels(_)) {
            for _ in 0..repeats {
                let start = Instant::now();
                model.apply(x_test)?;
                predict_times.push(start.elapsed().as_secs_f64());
            }
        }
        Ok(json!({
            "workload": name,
            "library": "oxlearn",
            "fit_s": median(fit_times),
            "predict_s": (!predict_times.is_empty()).then(|| median(predict_times)),
            "peak_fit_mib": peak,
            "quality": quality(model.as_ref(), &output, data)?,
        }))
    });
    result.map_err(|e| e.to_string())?
}

fn quality(model: &dyn Fitted, output: &Output, data: &Data) -> Result<Value, String> {
    let e = |e: oxlearn::Error| e.to_string();
    let x_test = data.x_test.view();
    let mut q = serde_json::Map::new();
    match output {
        Output::Values(pred) => {
            q.insert("r2".into(), json!(r2_score(&data.y_test, pred).map_err(e)?));
        }
        Output::Labels(labels) => {
            let truth: Array1<usize> = data.y_test.mapv(|v| v as usize);
            if let Some(centers) = model.centers() {
                let inertia: f64 = x_test
                    .axis_iter(Axis(0))
                    .map(|row| {
                        centers
                            .axis_iter(Axis(0))
                            .map(|c| (&row - &c).mapv(|d| d * d).sum())
                            .fold(f64::INFINITY, f64::min)
                    })
                    .sum();
                q.insert("inertia".into(), json!(inertia));
                q.insert(
                    "ari".into(),
                    json!(adjusted_rand_score(&truth, labels).map_err(e)?),
                );
            } else if model.proba(x_test).is_none() {
                q.insert(
                    "ari".into(),
                    json!(adjusted_rand_score(&truth, labels).map_err(e)?),
                );
            } else {
                q.insert(
                    "accuracy".into(),
                    json!(accuracy_score(&truth, labels).map_err(e)?),
                );
            }
            if let Some(proba) = model.proba(x_test) {
                let proba = proba?;
                q.insert(
                    "log_loss".into(),
                    json!(log_loss(&truth, &proba, None).map_err(e)?),
                );
            }
        }
        Output::TrainingLabels(labels) => {
            let truth: Array1<usize> = data.y_train.mapv(|v| v as usize);
            q.insert(
                "ari".into(),
                json!(adjusted_rand_score(&truth, labels).map_err(e)?),
            );
        }
        Output::Records(t) => {
            // The output's width and mean square: equal output at a glance.
            q.insert("columns".into(), json!(t.ncols()));
            q.insert(
                "mean_sq".into(),
                json!(t.mapv(|v| v * v).mean().unwrap_or(f64::NAN)),
            );
            if let Some(back) = model.inverse(t.view()) {
                let back = back?;
                let mse = (&back - &x_test).mapv(|d| d * d).mean().unwrap_or(f64::NAN);
                q.insert("reconstruction_mse".into(), json!(mse));
            }
        }
    }
    Ok(Value::Object(q))
}

//! The comparison workloads: the speed tables of the family issues, one entry
//! each, with the data they use and the hyperparameters both sides fit with.

use ndarray::{Array1, Array2};
use oxlearn::Result;
use oxlearn_datasets::generators::{
    MakeBlobs, MakeClassification, MakeFriedman1, MakeRegression, make_blobs, make_classification,
    make_friedman1, make_regression,
};
use serde_json::{Value, json};

/// What a workload's model does, which decides its quality measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Predicts a number: R².
    Regression,
    /// Predicts a class: accuracy and log loss.
    Classification,
    /// Groups samples: adjusted Rand index against the generating labels, inertia.
    Clustering,
    /// Maps records to records: reconstruction error where defined.
    Transform,
}

impl Task {
    /// The name written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Classification => "classification",
            Task::Clustering => "clustering",
            Task::Transform => "transform",
        }
    }
}

/// How a workload's data is generated (seeded, by oxlearn's generators).
#[derive(Debug, Clone, Copy)]
pub enum DataSpec {
    /// `make_regression` with `n_informative` non-zero coefficients.
    Regression {
        n: usize,
        d: usize,
        informative: usize,
    },
    /// `make_classification` with `classes` classes.
    Classification { n: usize, d: usize, classes: usize },
    /// The categorical columns of the bundled adult census data (codes, NaN
    /// for missing), rows shuffled with a fixed seed; the income class as target.
    AdultCategorical,
    /// Friedman's first regression problem (five informative features, the
    /// rest noise), noise 1.
    Friedman1 { n: usize, d: usize },
    /// `make_blobs` with `centers` centres.
    Blobs {
        n: usize,
        d: usize,
        centers: usize,
        std: f64,
    },
}

impl DataSpec {
    /// A stable key naming the data, shared by workloads that use the same data.
    pub fn key(&self, quick: bool) -> String {
        let q = if quick { "_quick" } else { "" };
        match *self {
            DataSpec::Regression { n, d, informative } => {
                format!("regression_{n}x{d}_{informative}{q}")
            }
            DataSpec::Classification { n, d, classes } => {
                format!("classification_{n}x{d}_{classes}{q}")
            }
            DataSpec::Blobs { n, d, centers, .. } => format!("blobs_{n}x{d}_{centers}{q}"),
            DataSpec::Friedman1 { n, d } => format!("friedman1_{n}x{d}{q}"),
            DataSpec::AdultCategorical => format!("adult_categorical{q}"),
        }
    }

    /// The number of samples and features (divided by 20 for `quick`).
    pub fn shape(&self, quick: bool) -> (usize, usize) {
        let (n, d) = match *self {
            DataSpec::Regression { n, d, .. }
            | DataSpec::Classification { n, d, .. }
            | DataSpec::Blobs { n, d, .. }
            | DataSpec::Friedman1 { n, d } => (n, d),
            DataSpec::AdultCategorical => (48_842, 8),
        };
        (if quick { n / 20 } else { n }, d)
    }

    /// Generates the records and targets (class labels as `f64`).
    pub fn generate(&self, quick: bool) -> Result<(Array2<f64>, Array1<f64>)> {
        let (n, d) = self.shape(quick);
        let data = match *self {
            DataSpec::Regression { informative, .. } => {
                let p = MakeRegression::default()
                    .n_samples(n)
                    .n_features(d)
                    .n_informative(informative)
                    .noise(1.0)
                    .seed(7);
                make_regression(&p)?.0
            }
            DataSpec::Classification { classes, .. } => {
                let p = MakeClassification::default()
                    .n_samples(n)
                    .n_features(d)
                    .n_informative(d / 2)
                    .n_redundant(d / 10)
                    .n_classes(classes)
                    .seed(7);
                let data = make_classification(&p)?;
                let y = data.targets().mapv(|c| c as f64);
                data.with_targets(y)?
            }
            DataSpec::Friedman1 { .. } => {
                let p = MakeFriedman1::default()
                    .n_samples(n)
                    .n_features(d)
                    .noise(1.0)
                    .seed(7);
                make_friedman1(&p)?
            }
            DataSpec::AdultCategorical => {
                let adult = oxlearn_datasets::adult()?.shuffle(7);
                let columns: Vec<usize> = (0..adult.n_features())
                    .filter(|&j| adult.categories()[j].is_some())
                    .collect();
                let x = adult.records().select(ndarray::Axis(1), &columns);
                let y = adult.targets().mapv(|c| c as f64);
                oxlearn::Dataset::new(x, y)?
            }
            DataSpec::Blobs { centers, std, .. } => {
                let p = MakeBlobs::default()
                    .n_samples(n)
                    .n_features(d)
                    .n_centers(centers)
                    .cluster_std(std)
                    .seed(7);
                let data = make_blobs(&p)?.0;
                let y = data.targets().mapv(|c| c as f64);
                data.with_targets(y)?
            }
        };
        let (x, y, _) = data.into_parts();
        Ok((
            x.slice(ndarray::s![..n, ..]).to_owned(),
            y.slice(ndarray::s![..n]).to_owned(),
        ))
    }
}

/// One comparison workload.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The family crate (and docs/benchmarks.md table) it belongs to.
    pub family: &'static str,
    /// Identifier, shared with the Python side.
    pub name: &'static str,
    /// Title in the report, as in the family issue.
    pub title: &'static str,
    /// What the model does.
    pub task: Task,
    /// Its data.
    pub data: DataSpec,
    /// Fraction of the rows used to fit; the rest measure quality.
    pub train_fraction: f64,
    /// Hyperparameters, with the same meaning on both sides.
    pub params: Value,
    /// The peer libraries that run it.
    pub peers: &'static [&'static str],
    /// The target ratio of our fit time to the best peer's, from the issue.
    pub target_ratio: f64,
}

const SKLEARN: &[&str] = &["scikit-learn"];
/// Forests: scikit-learn, and LightGBM's random-forest mode.
const FORESTS: &[&str] = &["scikit-learn", "lightgbm"];

/// Every workload of every family issue.
pub fn all() -> Vec<Workload> {
    let reg_200k = DataSpec::Regression {
        n: 200_000,
        d: 50,
        informative: 50,
    };
    let sparse_50k = DataSpec::Regression {
        n: 50_000,
        d: 200,
        informative: 20,
    };
    let clf_100k = DataSpec::Classification {
        n: 100_000,
        d: 50,
        classes: 2,
    };
    let clf10_100k = DataSpec::Classification {
        n: 100_000,
        d: 50,
        classes: 10,
    };
    // Overlapping blobs (std 5), so that 20 Lloyd iterations do not converge early.
    let blobs_200k = DataSpec::Blobs {
        n: 200_000,
        d: 16,
        centers: 16,
        std: 5.0,
    };
    let blobs_20k_2d = DataSpec::Blobs {
        n: 20_000,
        d: 2,
        centers: 8,
        std: 0.5,
    };
    let blobs_50k = DataSpec::Blobs {
        n: 50_000,
        d: 16,
        centers: 16,
        std: 1.0,
    };
    let wide_1m = DataSpec::Regression {
        n: 1_000_000,
        d: 50,
        informative: 10,
    };
    let poly_100k = DataSpec::Regression {
        n: 100_000,
        d: 20,
        informative: 10,
    };
    let blobs_10k_8d = DataSpec::Blobs {
        n: 10_000,
        d: 8,
        centers: 8,
        std: 1.0,
    };
    let pca_100k = DataSpec::Regression {
        n: 100_000,
        d: 100,
        informative: 10,
    };
    let clf_100k_20 = DataSpec::Classification {
        n: 100_000,
        d: 20,
        classes: 2,
    };
    let friedman_200k = DataSpec::Friedman1 { n: 200_000, d: 20 };
    let w = |family, name, title, task, data, train_fraction, params, target_ratio| Workload {
        family,
        name,
        title,
        task,
        data,
        train_fraction,
        params,
        peers: SKLEARN,
        target_ratio,
    };
    vec![
        w(
            "linear",
            "linear_regression",
            "LinearRegression 200k x 50",
            Task::Regression,
            reg_200k,
            0.8,
            json!({}),
            0.25,
        ),
        w(
            "linear",
            "ridge",
            "Ridge 200k x 50",
            Task::Regression,
            reg_200k,
            0.8,
            json!({"alpha": 1.0}),
            0.8,
        ),
        w(
            "linear",
            "lasso",
            "Lasso 50k x 200 (alpha 0.01)",
            Task::Regression,
            sparse_50k,
            0.8,
            json!({"alpha": 0.01, "tol": 1e-4, "max_iter": 1000}),
            0.7,
        ),
        w(
            "linear",
            "elastic_net",
            "ElasticNet 50k x 200",
            Task::Regression,
            sparse_50k,
            0.8,
            json!({"alpha": 0.01, "l1_ratio": 0.5, "tol": 1e-4, "max_iter": 1000}),
            0.7,
        ),
        w(
            "linear",
            "logistic_binary",
            "LogisticRegression binary 100k x 50",
            Task::Classification,
            clf_100k,
            0.8,
            json!({"C": 1.0, "max_iter": 100, "tol": 1e-4}),
            0.7,
        ),
        w(
            "linear",
            "logistic_multinomial",
            "LogisticRegression multinomial 10 classes 100k x 50",
            Task::Classification,
            clf10_100k,
            0.8,
            json!({"C": 1.0, "max_iter": 100, "tol": 1e-4}),
            0.5,
        ),
        w(
            "cluster",
            "kmeans_fixed_iterations",
            "KMeans 200k x 16, k = 16, 20 Lloyd iterations",
            Task::Clustering,
            blobs_200k,
            0.8,
            json!({"n_clusters": 16, "max_iter": 20}),
            0.5,
        ),
        w(
            "cluster",
            "kmeans_default",
            "KMeans 200k x 16, k = 16, default settings",
            Task::Clustering,
            blobs_200k,
            0.8,
            json!({"n_clusters": 16}),
            0.7,
        ),
        w(
            "cluster",
            "gaussian_mixture",
            "GaussianMixture 50k x 16, k = 16, full, 20 iterations",
            Task::Clustering,
            blobs_50k,
            0.8,
            json!({"n_components": 16, "max_iter": 20}),
            0.7,
        ),
        w(
            "cluster",
            "dbscan",
            "DBSCAN 20k x 2",
            Task::Clustering,
            blobs_20k_2d,
            0.8,
            json!({"eps": 0.3, "min_samples": 5}),
            0.5,
        ),
        w(
            "cluster",
            "agglomerative_ward",
            "AgglomerativeClustering ward 10k x 8",
            Task::Clustering,
            blobs_10k_8d,
            1.0,
            json!({"n_clusters": 8}),
            1.0,
        ),
        w(
            "cluster",
            "hdbscan",
            "HDBSCAN 20k x 2",
            Task::Clustering,
            blobs_20k_2d,
            0.8,
            json!({"min_cluster_size": 25}),
            1.0,
        ),
        w(
            "preprocessing",
            "standard_scaler",
            "StandardScaler fit + transform 1M x 50",
            Task::Transform,
            wide_1m,
            0.8,
            json!({}),
            0.4,
        ),
        w(
            "preprocessing",
            "one_hot_adult",
            "OneHotEncoder on adult's categorical columns",
            Task::Transform,
            DataSpec::AdultCategorical,
            0.8,
            json!({"handle_unknown": "ignore"}),
            0.5,
        ),
        w(
            "preprocessing",
            "polynomial_features",
            "PolynomialFeatures degree 2, 100k x 20",
            Task::Transform,
            poly_100k,
            0.8,
            json!({"degree": 2}),
            0.5,
        ),
        w(
            "preprocessing",
            "pca_exact",
            "PCA 100k x 100 -> 10, exact",
            Task::Transform,
            pca_100k,
            0.8,
            json!({"n_components": 10}),
            0.5,
        ),
        w(
            "preprocessing",
            "pca_randomized",
            "PCA 100k x 100 -> 10, randomized",
            Task::Transform,
            pca_100k,
            0.8,
            json!({"n_components": 10}),
            0.5,
        ),
        w(
            "trees",
            "decision_tree_classifier",
            "DecisionTreeClassifier 100k x 20",
            Task::Classification,
            clf_100k_20,
            0.8,
            json!({}),
            0.3,
        ),
        w(
            "trees",
            "decision_tree_regressor",
            "DecisionTreeRegressor 200k x 20 (friedman1)",
            Task::Regression,
            friedman_200k,
            0.8,
            json!({}),
            0.25,
        ),
        Workload {
            peers: FORESTS,
            ..w(
                "trees",
                "random_forest_classifier",
                "RandomForestClassifier 100 trees, 100k x 20 (predict: 100 trees over 20k rows)",
                Task::Classification,
                clf_100k_20,
                0.8,
                json!({"n_estimators": 100}),
                0.3,
            )
        },
        Workload {
            peers: FORESTS,
            ..w(
                "trees",
                "random_forest_regressor",
                "RandomForestRegressor 100 trees, 200k x 20 (friedman1)",
                Task::Regression,
                friedman_200k,
                0.8,
                json!({"n_estimators": 100}),
                0.2,
            )
        },
        w(
            "trees",
            "extra_trees_regressor",
            "ExtraTreesRegressor 100 trees, 200k x 20 (friedman1)",
            Task::Regression,
            friedman_200k,
            0.8,
            json!({"n_estimators": 100}),
            0.3,
        ),
    ]
}

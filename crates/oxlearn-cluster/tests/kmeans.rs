//! KMeans behaviour: bad input, determinism across threads, restarts,
//! weights, persistence.

use ndarray::{Array2, array, s};
use oxlearn::metrics::adjusted_rand_score;
use oxlearn::{Dataset, Fit, FitTransform, Predict, Transform};
use oxlearn_cluster::{Algorithm, ClusterError, Init, KMeans};

fn iris() -> Dataset<f64, usize> {
    oxlearn_datasets::iris().unwrap()
}

#[test]
fn recovers_iris_species_reasonably() {
    let data = iris();
    let model = KMeans::new(3).n_init(Some(4)).fit(data.view()).unwrap();
    let ari = adjusted_rand_score(model.labels(), data.targets()).unwrap();
    assert!(ari > 0.7, "ARI {ari}");
    // Restart 0 is the single run of the same seed; the best of 4 is no worse.
    let single = KMeans::new(3).fit(data.view()).unwrap();
    assert!(model.inertia() <= single.inertia());
}

#[test]
fn same_result_on_one_and_two_threads() {
    let digits = oxlearn_datasets::digits().unwrap();
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let params = KMeans::new(10).init(init).n_init(Some(2)).seed(3);
        let a = params
            .clone()
            .n_threads(Some(1))
            .fit(digits.view())
            .unwrap();
        let b = params.n_threads(Some(2)).fit(digits.view()).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn elkan_equals_lloyd_and_is_thread_independent() {
    let digits = oxlearn_datasets::digits().unwrap();
    let lloyd = KMeans::new(10).seed(5).fit(digits.view()).unwrap();
    let params = KMeans::new(10).seed(5).algorithm(Algorithm::Elkan);
    let a = params
        .clone()
        .n_threads(Some(1))
        .fit(digits.view())
        .unwrap();
    let b = params.n_threads(Some(2)).fit(digits.view()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.labels(), lloyd.labels());
    assert_eq!(a.n_iter(), lloyd.n_iter());
    for (x, y) in a.cluster_centers().iter().zip(lloyd.cluster_centers()) {
        assert!((x - y).abs() < 1e-9);
    }
    let one = KMeans::new(1)
        .algorithm(Algorithm::Elkan)
        .fit(digits.view())
        .unwrap();
    assert_eq!(one.n_iter(), 2);
}

#[test]
fn seeds_change_kmeans_plusplus() {
    let data = oxlearn_datasets::digits().unwrap();
    let a = KMeans::new(10)
        .seed(1)
        .max_iter(1)
        .fit(data.view())
        .unwrap();
    let b = KMeans::new(10)
        .seed(2)
        .max_iter(1)
        .fit(data.view())
        .unwrap();
    assert_ne!(a.cluster_centers(), b.cluster_centers());
}

#[test]
fn works_on_f32() {
    let x = iris().records().mapv(|v| v as f32);
    let data = Dataset::from_records(x);
    let model = KMeans::new(3).fit(data.view()).unwrap();
    let model64 = KMeans::new(3).fit(iris().view()).unwrap();
    assert_eq!(model.labels(), model64.labels());
    assert!((f64::from(model.inertia()) - model64.inertia()).abs() < 1e-3);
}

#[test]
fn integer_weights_equal_repeated_rows() {
    let x: Array2<f64> = array![
        [0.0, 0.0],
        [1.0, 0.0],
        [0.0, 1.0],
        [9.0, 9.0],
        [10.0, 9.0],
        [9.0, 10.0]
    ];
    let w = array![1.0, 3.0, 1.0, 2.0, 1.0, 1.0];
    let rep_idx = [0, 1, 1, 1, 2, 3, 3, 4, 5];
    let xr = Array2::from_shape_fn((rep_idx.len(), 2), |(i, j)| x[[rep_idx[i], j]]);
    let init = Init::Centers(array![[0.0, 0.0], [10.0, 10.0]]);
    let weighted = KMeans::new(2)
        .init(init.clone())
        .fit(Dataset::from_records(x).with_weights(w).unwrap().view())
        .unwrap();
    let repeated = KMeans::new(2)
        .init(init)
        .fit(Dataset::from_records(xr).view())
        .unwrap();
    for (a, b) in weighted
        .cluster_centers()
        .iter()
        .zip(repeated.cluster_centers())
    {
        assert!((a - b).abs() < 1e-12);
    }
    assert!((weighted.inertia() - repeated.inertia()).abs() < 1e-9);
}

#[test]
fn transform_predict_score_are_consistent() {
    let data = iris();
    let (model, dist) = KMeans::new(4).fit_transform(data.view()).unwrap();
    assert_eq!(dist.dim(), (150, 4));
    let labels = model.predict(data.records()).unwrap();
    assert_eq!(labels, model.labels());
    for (row, &l) in dist.rows().into_iter().zip(&labels) {
        let argmin = (0..4).min_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
        assert_eq!(argmin, l);
    }
    let score = model.score(data.records()).unwrap();
    assert!((score + model.inertia()).abs() < 1e-9 * model.inertia());
    assert_eq!(model.feature_names_out(&[]).len(), 4);
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip_and_validation() {
    let model = KMeans::new(3).fit(iris().view()).unwrap();
    let json = serde_json::to_string(&model).unwrap();
    let back: oxlearn_cluster::KMeansModel<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, model);
    let bad = json.replacen(
        "\"labels\":{\"v\":1,\"dim\":[150],\"data\":[",
        "\"labels\":{\"v\":1,\"dim\":[150],\"data\":[7,",
        1,
    );
    let bad = bad.replacen("\"dim\":[150]", "\"dim\":[151]", 1);
    assert!(serde_json::from_str::<oxlearn_cluster::KMeansModel<f64>>(&bad).is_err());
}

#[test]
fn invalid_hyperparameters_are_errors() {
    let data = iris();
    let cases = [
        KMeans::new(0),
        KMeans::new(3).max_iter(0),
        KMeans::new(3).n_init(Some(0)),
        KMeans::new(3).tol(-1.0),
        KMeans::new(3).tol(f64::NAN),
        KMeans::new(3).n_threads(Some(0)),
        KMeans::new(2).init(Init::Centers(Array2::zeros((3, 4)))),
        KMeans::new(1).init(Init::Centers(array![[f64::INFINITY, 0.0, 0.0, 0.0]])),
    ];
    for params in cases {
        let msg = params.fit(data.view()).unwrap_err().to_string();
        assert!(
            msg.contains("invalid hyperparameter") || msg.contains("initial centres"),
            "{msg}"
        );
    }
    let err = KMeans::new(1)
        .init(Init::Centers(Array2::zeros((1, 3))))
        .fit(data.view())
        .unwrap_err();
    assert!(matches!(err, ClusterError::InitShape { .. }), "{err}");
}

#[test]
fn bad_data_is_an_error() {
    let empty = Dataset::from_records(Array2::<f64>::zeros((0, 2)));
    assert!(KMeans::new(1).fit(empty.view()).is_err());
    let nan = Dataset::from_records(array![[0.0, f64::NAN], [1.0, 1.0]]);
    assert!(
        KMeans::new(1)
            .fit(nan.view())
            .unwrap_err()
            .to_string()
            .contains("non-finite")
    );
    let few = Dataset::from_records(array![[0.0], [1.0]]);
    let err = KMeans::new(3).fit(few.view()).unwrap_err();
    assert!(err.to_string().contains("need at least 3"), "{err}");
    let zero = Dataset::from_records(array![[0.0], [1.0]])
        .with_weights(array![0.0, 0.0])
        .unwrap();
    assert!(matches!(
        KMeans::new(1).fit(zero.view()),
        Err(ClusterError::ZeroTotalWeight { .. })
    ));
    assert!(
        KMeans::new(2)
            .init(Init::Random)
            .fit(
                Dataset::from_records(array![[0.0], [1.0], [2.0]])
                    .with_weights(array![0.0, 1.0, 0.0])
                    .unwrap()
                    .view()
            )
            .is_err()
    );
}

#[test]
fn values_beyond_the_float_range_do_not_panic() {
    // Finite in f64, infinite once cast to the f32 data's type.
    let small = Dataset::from_records(array![[0.0f32], [1.0]]);
    let err = KMeans::new(1)
        .init(Init::Centers(array![[1e39]]))
        .fit(small.view())
        .unwrap_err();
    assert!(err.to_string().contains("initial centres"), "{err}");
    // Squared distances overflow to +inf: a label is still a real centre.
    let huge = Dataset::from_records(array![[3e19f32], [-3e19], [2e19], [-2e19]]);
    for k in [1, 2, 3] {
        if let Ok(model) = KMeans::new(k).fit(huge.view()) {
            assert!(model.labels().iter().all(|&l| l < k));
            assert!(model.predict(huge.records().view()).is_ok());
        }
    }
}

#[test]
fn fewer_distinct_points_than_clusters_is_an_error() {
    let dup = Dataset::from_records(array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]);
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let err = KMeans::new(3).init(init).fit(dup.view()).unwrap_err();
        assert!(
            matches!(
                err,
                ClusterError::TooFewDistinctClusters {
                    found: 2,
                    n_clusters: 3
                }
            ),
            "{err}"
        );
    }
    assert!(KMeans::new(2).fit(dup.view()).is_ok());
}

#[test]
fn predict_checks_its_input() {
    let model = KMeans::new(3).fit(iris().view()).unwrap();
    let x = iris().records().slice(s![..5, ..3]).to_owned();
    assert!(
        model
            .predict(x.view())
            .unwrap_err()
            .to_string()
            .contains("4 features")
    );
    assert!(model.transform(x.view()).is_err());
    assert!(
        model
            .predict(array![[f64::NAN, 0.0, 0.0, 0.0]].view())
            .is_err()
    );
    assert_eq!(
        model.predict(Array2::zeros((0, 4)).view()).unwrap().len(),
        0
    );
}

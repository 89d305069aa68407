//! DBSCAN behaviour: bad input, weights, metrics, threads.

use ndarray::{Array2, array};
use oxlearn::Dataset;
use oxlearn::Fit;
use oxlearn_cluster::{Dbscan, Metric};

#[test]
fn invalid_hyperparameters_are_errors() {
    let data = Dataset::from_records(array![[0.0, 0.0], [1.0, 1.0]]);
    for params in [
        Dbscan::new(0.0, 5),
        Dbscan::new(-1.0, 5),
        Dbscan::new(f64::NAN, 5),
        Dbscan::new(f64::INFINITY, 5),
        Dbscan::new(0.5, 0),
        Dbscan::new(0.5, 5).leaf_size(0),
        Dbscan::new(0.5, 5).n_threads(Some(0)),
    ] {
        let err = params.fit(data.view()).unwrap_err();
        assert!(err.to_string().contains("invalid hyperparameter"), "{err}");
    }
    // eps too small for f32.
    let data32 = Dataset::from_records(array![[0.0f32, 0.0], [1.0, 1.0]]);
    assert!(Dbscan::new(1e-300, 1).fit(data32.view()).is_err());
}

#[test]
fn bad_data_is_an_error() {
    let empty = Dataset::from_records(Array2::<f64>::zeros((0, 2)));
    assert!(Dbscan::default().fit(empty.view()).is_err());
    let inf = Dataset::from_records(array![[0.0, f64::INFINITY]]);
    assert!(
        Dbscan::default()
            .fit(inf.view())
            .unwrap_err()
            .to_string()
            .contains("non-finite")
    );
}

#[test]
fn all_noise_and_all_one_cluster() {
    let x = array![[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]];
    let data = Dataset::from_records(x);
    let noise = Dbscan::new(1.0, 2).fit(data.view()).unwrap();
    assert_eq!(noise.labels().to_vec(), vec![-1, -1, -1]);
    assert_eq!(noise.n_clusters(), 0);
    assert_eq!(noise.components().dim(), (0, 2));
    assert_eq!(noise.n_features_in(), 2);
    let one = Dbscan::new(100.0, 2).fit(data.view()).unwrap();
    assert_eq!(one.labels().to_vec(), vec![0, 0, 0]);
    assert_eq!(one.n_clusters(), 1);
}

#[test]
fn weights_count_towards_core_points() {
    let x = array![[0.0], [0.5], [5.0], [20.0]];
    let w = array![1.0, 1.0, 3.0, 0.5];
    let data = Dataset::from_records(x).with_weights(w).unwrap();
    let model = Dbscan::new(1.0, 3).fit(data.view()).unwrap();
    assert_eq!(model.labels().to_vec(), vec![-1, -1, 0, -1]);
    assert_eq!(model.core_sample_indices(), &[2]);
}

#[test]
fn metrics_change_neighbourhoods() {
    // (1, 1) is at distance 1.41 (euclidean), 2 (manhattan), 1 (chebyshev).
    let x = array![[0.0, 0.0], [1.0, 1.0]];
    let data = Dataset::from_records(x);
    let fit = |m| {
        Dbscan::new(1.2, 2)
            .metric(m)
            .fit(data.view())
            .unwrap()
            .n_clusters()
    };
    assert_eq!(fit(Metric::Euclidean), 0);
    assert_eq!(fit(Metric::Manhattan), 0);
    assert_eq!(fit(Metric::Chebyshev), 1);
}

#[test]
fn same_result_on_one_and_two_threads() {
    let data = oxlearn_datasets::iris().unwrap();
    let params = Dbscan::new(0.5, 4);
    let a = params.clone().n_threads(Some(1)).fit(data.view()).unwrap();
    let b = params.n_threads(Some(2)).fit(data.view()).unwrap();
    assert_eq!(a, b);
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let data = oxlearn_datasets::iris().unwrap();
    let a = Dbscan::new(0.5, 4).fit(data.view()).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    let back: oxlearn_cluster::DbscanModel<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}

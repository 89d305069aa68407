//! MiniBatchKMeans behaviour: quality against KMeans, threads, partial_fit,
//! bad input, persistence.

use ndarray::{Array2, array};
use oxlearn::{Dataset, Fit, PartialFit, Predict, Transform};
use oxlearn_cluster::{ClusterError, Init, KMeans, MiniBatchKMeans};

fn blobs() -> Dataset<f64, usize> {
    use oxlearn_datasets::generators::{MakeBlobs, make_blobs};
    let params = MakeBlobs::default()
        .n_samples(3000)
        .n_features(4)
        .n_centers(5)
        .seed(3);
    make_blobs(&params).unwrap().0
}

#[test]
fn close_to_full_kmeans_on_blobs() {
    let data = blobs();
    let full = KMeans::new(5).n_init(Some(3)).fit(data.view()).unwrap();
    let mini = MiniBatchKMeans::new(5)
        .batch_size(256)
        .n_init(Some(3))
        .fit(data.view())
        .unwrap();
    assert!(
        mini.inertia() < 1.05 * full.inertia(),
        "{} vs {}",
        mini.inertia(),
        full.inertia()
    );
    assert_eq!(mini.labels().len(), 3000);
    assert!(mini.n_steps() >= 1 && mini.n_iter() >= 1);
    assert_eq!(mini.predict(data.records()).unwrap(), mini.labels());
    assert_eq!(mini.transform(data.records()).unwrap().dim(), (3000, 5));
    let score = mini.score(data.records()).unwrap();
    assert!((score + mini.inertia()).abs() < 1e-9 * mini.inertia());
}

#[test]
fn same_result_on_one_and_two_threads_and_f32() {
    let data = blobs();
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let params = MiniBatchKMeans::new(5)
            .init(init)
            .batch_size(200)
            .tol(1e-3)
            .seed(9);
        let a = params.clone().n_threads(Some(1)).fit(data.view()).unwrap();
        let b = params.n_threads(Some(2)).fit(data.view()).unwrap();
        assert_eq!(a.cluster_centers(), b.cluster_centers());
        assert_eq!(a.labels(), b.labels());
        assert_eq!(a.counts(), b.counts());
        assert_eq!(a.n_steps(), b.n_steps());
    }
    let x32 = Dataset::from_records(data.records().mapv(|v| v as f32));
    let m32 = MiniBatchKMeans::new(5)
        .batch_size(200)
        .fit(x32.view())
        .unwrap();
    assert_eq!(m32.cluster_centers().dim(), (5, 4));
}

#[test]
fn partial_fit_learns_incrementally_and_keeps_model_on_error() {
    let data = blobs();
    let params = MiniBatchKMeans::new(5).batch_size(500);
    let mut model = params
        .partial_fit(data.view().slice(0, 500).unwrap())
        .unwrap();
    for b in 1..6 {
        model
            .partial_fit(data.view().slice(b * 500, (b + 1) * 500).unwrap())
            .unwrap();
    }
    assert_eq!(model.n_steps(), 6);
    let total: f64 = model.counts().iter().sum();
    assert!((total - 3000.0).abs() < 1e-9);
    let before = model.clone();
    let bad = Dataset::from_records(Array2::<f64>::zeros((3, 2)));
    assert!(model.partial_fit(bad.view()).is_err());
    let nan = Dataset::from_records(array![[f64::NAN, 0.0, 0.0, 0.0]]);
    assert!(model.partial_fit(nan.view()).is_err());
    assert_eq!(model, before);
}

#[test]
fn weights_shift_the_centres() {
    let x = array![[0.0], [1.0], [10.0], [11.0]];
    let w = array![3.0, 1.0, 1.0, 1.0];
    let data = Dataset::from_records(x).with_weights(w).unwrap();
    let model = MiniBatchKMeans::new(2)
        .init(Init::Centers(array![[0.0], [10.0]]))
        .batch_size(4)
        .partial_fit(data.view())
        .unwrap();
    assert_eq!(model.cluster_centers(), array![[0.25], [10.5]]);
    assert_eq!(model.counts(), &[4.0, 2.0]);
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip_and_validation() {
    let model = MiniBatchKMeans::new(3)
        .fit(oxlearn_datasets::iris().unwrap().view())
        .unwrap();
    let json = serde_json::to_string(&model).unwrap();
    let back: oxlearn_cluster::MiniBatchKMeansModel<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, model);
    let bad = json.replacen("\"batch_size\":150", "\"batch_size\":0", 1);
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<oxlearn_cluster::MiniBatchKMeansModel<f64>>(&bad).is_err());
}

#[test]
fn bad_input_is_an_error() {
    let data = blobs();
    for params in [
        MiniBatchKMeans::new(0),
        MiniBatchKMeans::new(3).batch_size(0),
        MiniBatchKMeans::new(3).max_iter(0),
        MiniBatchKMeans::new(3).tol(-1.0),
        MiniBatchKMeans::new(3).init_size(Some(0)),
        MiniBatchKMeans::new(3).n_init(Some(0)),
        MiniBatchKMeans::new(3).reassignment_ratio(f64::NAN),
        MiniBatchKMeans::new(3).n_threads(Some(0)),
        MiniBatchKMeans::new(2).init(Init::Centers(Array2::zeros((3, 4)))),
    ] {
        let err = params.fit(data.view()).unwrap_err();
        assert!(err.to_string().contains("invalid hyperparameter"), "{err}");
    }
    let err = MiniBatchKMeans::new(1)
        .init(Init::Centers(Array2::zeros((1, 2))))
        .fit(data.view())
        .unwrap_err();
    assert!(matches!(err, ClusterError::InitShape { .. }));
    let few = Dataset::from_records(array![[0.0], [1.0]]);
    assert!(MiniBatchKMeans::new(3).fit(few.view()).is_err());
    assert!(MiniBatchKMeans::new(3).partial_fit(few.view()).is_err());
    let empty = Dataset::from_records(Array2::<f64>::zeros((0, 2)));
    assert!(MiniBatchKMeans::new(1).fit(empty.view()).is_err());
    let model = MiniBatchKMeans::new(3).fit(data.view()).unwrap();
    assert!(model.predict(Array2::zeros((2, 3)).view()).is_err());
}

use ndarray::{Array1, Array2, array};

use super::*;

fn toy() -> Dataset<f64, usize> {
    let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 2 + j) as f64);
    let y: Array1<usize> = (0..10).map(|i| i % 2).collect();
    Dataset::new(x, y).unwrap()
}

#[test]
fn new_rejects_mismatched_lengths() {
    let err = Dataset::new(Array2::<f64>::zeros((3, 2)), array![1, 2]).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }));
    assert!(err.to_string().contains("3 targets"));
}

#[test]
fn weights_are_validated() {
    assert!(toy().with_weights(Array1::ones(9)).is_err());
    let mut w = Array1::ones(10);
    w[3] = f64::NAN;
    assert!(toy().with_weights(w.clone()).is_err());
    w[3] = -1.0;
    assert!(toy().with_weights(w).is_err());
    assert!(toy().with_weights(Array1::ones(10)).is_ok());
}

#[test]
fn feature_names_default_and_validated() {
    let d = toy();
    assert_eq!(d.feature_names(), &["x0".to_string(), "x1".to_string()]);
    assert!(d.clone().with_feature_names(["a"]).is_err());
    let d = d.with_feature_names(["a", "b"]).unwrap();
    assert_eq!(
        d.view().feature_names(),
        vec!["a".to_string(), "b".to_string()]
    );
}

#[test]
fn categories_are_validated() {
    let x = array![[0.0, 1.5], [1.0, 2.0], [f64::NAN, 3.0]];
    let d = Dataset::new(x, array![0, 1, 0]).unwrap();
    let ok = d
        .clone()
        .with_categories(vec![Some(vec!["a".into(), "b".into()]), None]);
    assert!(ok.is_ok());
    let bad = d
        .clone()
        .with_categories(vec![Some(vec!["a".into()]), None]);
    assert!(bad.is_err());
    let bad = d.with_categories(vec![None, Some(vec!["a".into(), "b".into()])]);
    assert!(bad.is_err());
}

#[test]
fn split_and_slice_are_views() {
    let d = toy();
    let (a, b) = d.view().split_at(7).unwrap();
    assert_eq!((a.n_samples(), b.n_samples()), (7, 3));
    assert_eq!(b.records()[[0, 0]], 14.0);
    assert!(d.view().split_at(11).is_err());
    assert!(d.view().slice(5, 3).is_err());
    let s = d.view().slice(2, 4).unwrap();
    assert_eq!(s.targets().to_vec(), vec![0, 1]);
}

#[test]
fn split_ratio_rounds_test_up() {
    let d = toy();
    let (train, test) = d.view().split_ratio(0.25).unwrap();
    assert_eq!((train.n_samples(), test.n_samples()), (7, 3));
    assert!(d.view().split_ratio(0.0).is_err());
    assert!(d.view().split_ratio(1.0).is_err());
    assert!(d.view().split_ratio(f64::NAN).is_err());
}

#[test]
fn select_checks_bounds_and_keeps_weights() {
    let d = toy()
        .with_weights(Array1::from_shape_fn(10, |i| i as f64))
        .unwrap();
    let s = d.select(&[9, 0, 9]).unwrap();
    assert_eq!(s.weights().unwrap().to_vec(), vec![9.0, 0.0, 9.0]);
    assert!(d.select(&[10]).is_err());
}

#[test]
fn shuffle_is_seeded_permutation() {
    let d = toy();
    let a = d.shuffle(3);
    assert_eq!(a, d.shuffle(3));
    assert_ne!(a, d.shuffle(4));
    let mut rows: Vec<f64> = a.records().column(0).to_vec();
    rows.sort_by(f64::total_cmp);
    assert_eq!(rows, d.records().column(0).to_vec());
    // Targets travel with their rows.
    for (row, t) in a.records().rows().into_iter().zip(a.targets()) {
        assert_eq!((row[0] as usize / 2) % 2, *t);
    }
}

#[test]
fn folds_partition_the_samples() {
    let d = toy();
    let folds = d.folds(3).unwrap();
    let sizes: Vec<usize> = folds.iter().map(|f| f.validation.n_samples()).collect();
    assert_eq!(sizes, vec![4, 3, 3]);
    for f in &folds {
        assert_eq!(f.train.n_samples() + f.validation.n_samples(), 10);
    }
    assert!(d.folds(1).is_err());
    assert!(d.folds(11).is_err());
}

#[test]
fn stratified_split_keeps_proportions() {
    let x = Array2::<f64>::zeros((30, 1));
    let y: Array1<&str> = (0..30).map(|i| if i < 20 { "a" } else { "b" }).collect();
    let d = Dataset::new(x, y).unwrap();
    let (train, test) = d.stratified_split(0.3, 1).unwrap();
    assert_eq!(test.n_samples(), 9);
    assert_eq!(train.n_samples(), 21);
    let b_test = test.targets().iter().filter(|t| **t == "b").count();
    assert_eq!(b_test, 3);
    assert_eq!(d.stratified_split(0.3, 1).unwrap().1, test);
}

#[test]
fn stratified_split_rejects_singleton_class() {
    let d = Dataset::new(Array2::<f64>::zeros((5, 1)), array![0, 0, 0, 0, 1]).unwrap();
    assert!(d.stratified_split(0.4, 0).is_err());
}

#[test]
fn unsupervised_dataset() {
    let d = Dataset::from_records(Array2::<f32>::zeros((4, 3)));
    assert_eq!(d.targets().len(), 4);
    assert_eq!(d.n_features(), 3);
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let d = toy().with_feature_names(["a", "b"]).unwrap();
    let s = serde_json::to_string(&d).unwrap();
    let back: Dataset<f64, usize> = serde_json::from_str(&s).unwrap();
    assert_eq!(back, d);
    // A stored dataset is checked as the constructors check it.
    let mut value: serde_json::Value = serde_json::from_str(&s).unwrap();
    value["feature_names"] = serde_json::json!(["a"]);
    let err = serde_json::from_value::<Dataset<f64, usize>>(value).unwrap_err();
    assert!(err.to_string().contains("feature names"), "{err}");
    let mut value: serde_json::Value = serde_json::from_str(&s).unwrap();
    value["weights"] = serde_json::json!({"v": 1, "dim": [1], "data": [1.0]});
    assert!(serde_json::from_value::<Dataset<f64, usize>>(value).is_err());
    let mut value: serde_json::Value = serde_json::from_str(&s).unwrap();
    value["targets"] = serde_json::json!({"v": 1, "dim": [1], "data": [0]});
    assert!(serde_json::from_value::<Dataset<f64, usize>>(value).is_err());
}

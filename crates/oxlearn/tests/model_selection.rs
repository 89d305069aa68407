//! Splitters: reference folds from scikit-learn, partition and balance
//! invariants, seeds, and errors.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2};
use oxlearn::model_selection::{
    CrossValidator, KFold, StratifiedKFold, train_test_split, train_test_split_stratified,
};
use oxlearn::{Dataset, Error};
use proptest::prelude::*;

/// A dataset whose single feature is the sample index, with labels `y`.
fn indexed<T: Clone>(y: Vec<T>) -> Dataset<f64, T> {
    let n = y.len();
    Dataset::new(
        Array2::from_shape_fn((n, 1), |(i, _)| i as f64),
        Array1::from(y),
    )
    .unwrap()
}

// ---------------------------------------------------------------- reference

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct Case {
    name: String,
    labels: Vec<i64>,
    n_splits: usize,
    kfold: Vec<Vec<usize>>,
    stratified_kfold: Vec<Vec<usize>>,
}

#[cfg(feature = "serde")]
#[test]
fn folds_match_scikit_learn() {
    let text = include_str!("fixtures/model_selection.json");
    let fixture: Fixture = serde_json::from_str(text).unwrap();
    assert!(fixture.cases.len() >= 5);
    for case in fixture.cases {
        let data = indexed(case.labels.clone());
        let tests = |splits: Vec<(Vec<usize>, Vec<usize>)>| -> Vec<Vec<usize>> {
            splits.into_iter().map(|(_, test)| test).collect()
        };
        let kfold = KFold::new(case.n_splits).split(data.view()).unwrap();
        assert_eq!(tests(kfold), case.kfold, "KFold, {}", case.name);
        let strat = StratifiedKFold::new(case.n_splits)
            .split(data.view())
            .unwrap();
        assert_eq!(
            tests(strat),
            case.stratified_kfold,
            "StratifiedKFold, {}",
            case.name
        );
    }
}

// ---------------------------------------------------------------- splitters

fn assert_partition(splits: &[(Vec<usize>, Vec<usize>)], n: usize) {
    let mut seen = vec![0; n];
    for (train, test) in splits {
        assert!(train.windows(2).all(|w| w[0] < w[1]), "train sorted");
        assert!(test.windows(2).all(|w| w[0] < w[1]), "test sorted");
        assert_eq!(train.len() + test.len(), n);
        let mut all: Vec<usize> = train.iter().chain(test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
        for &i in test {
            seen[i] += 1;
        }
    }
    assert!(seen.iter().all(|&s| s == 1), "each sample tested once");
    let sizes: Vec<usize> = splits.iter().map(|s| s.1.len()).collect();
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kfold_partitions(n in 2usize..60, k in 2usize..10, shuffle: bool, seed: u64) {
        prop_assume!(k <= n);
        let data = indexed(vec![0u8; n]);
        let cv = KFold::new(k).shuffle(shuffle).seed(seed);
        let splits = cv.split(data.view()).unwrap();
        prop_assert_eq!(splits.len(), k);
        assert_partition(&splits, n);
        prop_assert_eq!(&splits, &cv.split(data.view()).unwrap());
    }

    #[test]
    fn stratified_kfold_partitions_and_balances(
        labels in prop::collection::vec(0u8..4, 2..80),
        k in 2usize..6,
        shuffle: bool,
        seed: u64,
    ) {
        let n = labels.len();
        let mut counts = BTreeMap::new();
        for &l in &labels {
            *counts.entry(l).or_insert(0usize) += 1;
        }
        let data = indexed(labels.clone());
        let cv = StratifiedKFold::new(k).shuffle(shuffle).seed(seed);
        let result = cv.split(data.view());
        let largest = counts.values().copied().max().unwrap();
        if k > n || largest < k {
            prop_assert!(result.is_err());
            return Ok(());
        }
        let splits = result.unwrap();
        assert_partition(&splits, n);
        for (&class, &total) in &counts {
            for (_, test) in &splits {
                // Each fold holds floor or ceil of the class's share, as
                // scikit-learn's round-robin allocation guarantees.
                let in_fold = test.iter().filter(|&&i| labels[i] == class).count();
                prop_assert!(in_fold == total / k || in_fold == total.div_ceil(k),
                    "class {} has {} of {} in a fold of {}", class, in_fold, total, test.len());
            }
        }
        prop_assert_eq!(&splits, &cv.split(data.view()).unwrap());
    }

    #[test]
    fn train_test_split_partitions(n in 2usize..100, test_size in 0.01f64..0.99, shuffle: bool, seed: u64) {
        let data = indexed((0..n).collect::<Vec<usize>>());
        match train_test_split(data.view(), test_size, shuffle, seed) {
            Ok((train, test)) => {
                prop_assert_eq!(test.n_samples(), (test_size * n as f64).ceil() as usize);
                let mut all: Vec<usize> = train.targets().iter().chain(test.targets()).copied().collect();
                all.sort_unstable();
                prop_assert_eq!(all, (0..n).collect::<Vec<_>>());
                // Records travel with their targets.
                prop_assert!(test.targets().iter().zip(test.records().column(0)).all(|(&t, &x)| t as f64 == x));
            }
            Err(_) => prop_assert!((test_size * n as f64).ceil() as usize >= n),
        }
    }
}

#[test]
fn seeds_change_shuffled_splits() {
    let data = indexed(vec![0u8; 30]);
    let a = KFold::new(3)
        .shuffle(true)
        .seed(1)
        .split(data.view())
        .unwrap();
    let b = KFold::new(3)
        .shuffle(true)
        .seed(2)
        .split(data.view())
        .unwrap();
    assert_ne!(a, b);
    let unshuffled = KFold::new(3).split(data.view()).unwrap();
    assert_eq!(unshuffled[1].1, (10..20).collect::<Vec<_>>());
    // The seed is ignored without shuffling, as scikit-learn's random_state.
    assert_eq!(
        KFold::new(3).seed(9).split(data.view()).unwrap(),
        unshuffled
    );
}

#[test]
fn bad_splitter_input_is_an_error() {
    let data = indexed(vec![0usize, 1, 0, 1, 0]);
    for k in [0, 1, 6] {
        assert!(matches!(
            KFold::new(k).split(data.view()),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            StratifiedKFold::new(k).split(data.view()),
            Err(Error::InvalidParameter { .. })
        ));
    }
    // Every class smaller than n_splits is an error; only some is allowed.
    assert!(StratifiedKFold::new(4).split(data.view()).is_err());
    assert!(StratifiedKFold::new(3).split(data.view()).is_ok());
    let empty = indexed(Vec::<usize>::new());
    assert!(matches!(
        KFold::default().split(empty.view()),
        Err(Error::EmptyData { .. })
    ));
    assert!(StratifiedKFold::default().split(empty.view()).is_err());
    let strings = indexed(vec!["b", "a", "b", "a"]);
    assert_eq!(
        StratifiedKFold::new(2).split(strings.view()).unwrap()[0].1,
        vec![0, 1]
    );
}

#[test]
fn train_test_split_errors_and_order() {
    let data = indexed((0..10).collect::<Vec<usize>>());
    for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            train_test_split(data.view(), bad, true, 0),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(train_test_split_stratified(data.view(), bad, 0).is_err());
    }
    assert!(train_test_split(data.view(), 0.99, false, 0).is_err()); // empty training part
    let empty = indexed(Vec::<usize>::new());
    assert!(matches!(
        train_test_split(empty.view(), 0.5, true, 0),
        Err(Error::EmptyData { .. })
    ));
    let (train, test) = train_test_split(data.view(), 0.3, false, 0).unwrap();
    assert_eq!(train.targets().to_vec(), (0..7).collect::<Vec<_>>());
    assert_eq!(test.targets().to_vec(), vec![7, 8, 9]);
    let named = data.clone().with_feature_names(["idx"]).unwrap();
    let (train, _) = train_test_split(named.view(), 0.3, true, 5).unwrap();
    assert_eq!(train.feature_names(), ["idx"]);
}

#[test]
fn stratified_train_test_split() {
    let labels: Vec<u8> = (0..60)
        .map(|i| (i % 6 == 0) as u8 + (i % 10 == 0) as u8)
        .collect();
    let data = indexed(labels.clone());
    let (train, test) = train_test_split_stratified(data.view(), 0.25, 3).unwrap();
    assert_eq!(test.n_samples(), 15);
    for class in 0..3u8 {
        let total = labels.iter().filter(|&&l| l == class).count() as f64;
        let in_test = test.targets().iter().filter(|&&l| l == class).count() as f64;
        assert!((in_test - total * 0.25).abs() <= 1.0);
        assert_eq!(
            in_test as usize + train.targets().iter().filter(|&&l| l == class).count(),
            total as usize
        );
    }
    let again = train_test_split_stratified(data.view(), 0.25, 3).unwrap();
    assert_eq!(again.1, test);
    // A class with a single sample cannot be stratified.
    let singleton = indexed(vec![0, 0, 0, 1, 1, 1, 2]);
    assert!(matches!(
        train_test_split_stratified(singleton.view(), 0.5, 0),
        Err(Error::TooFewSamples { .. })
    ));
}

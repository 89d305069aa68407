//! Behaviour of the tree estimators: bad input is an error, models round-trip
//! and reject tampering, forests are the same on any number of threads,
//! weights mean repeated rows, constraints hold.

use ndarray::{Array1, Array2, array};
use oxlearn::{Dataset, Fit, Predict, PredictProba};
use oxlearn_trees::{
    ClassWeight, DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreesClassifier,
    ExtraTreesRegressor, ForestClassWeight, ForestClassifierModel, MaxFeatures,
    RandomForestClassifier, RandomForestRegressor, Splitter,
};

mod common;

fn regression(n: usize) -> Dataset<f64, f64> {
    common::smooth_regression(n, 11)
}

fn classification(n: usize) -> Dataset<f64, usize> {
    let data = regression(n);
    let median = 7.5;
    let y = data
        .targets()
        .mapv(|v| usize::from(v > median) + usize::from(v > 2.0 * median));
    let (x, _, _) = data.into_parts();
    Dataset::new(x, y).unwrap()
}

#[test]
fn bad_input_is_an_error_never_a_panic() {
    let clf = DecisionTreeClassifier::default();
    let empty = Dataset::new(Array2::<f64>::zeros((0, 2)), Array1::<usize>::zeros(0)).unwrap();
    assert!(clf.fit(empty.view()).is_err());
    let one = Dataset::new(array![[1.0, 2.0]], array![0usize]).unwrap();
    assert!(clf.fit(one.view()).is_err(), "one sample, one class");
    let single = Dataset::new(array![[1.0], [2.0]], array![3usize, 3]).unwrap();
    assert!(clf.fit(single.view()).is_err(), "a single class");
    let inf = Dataset::new(array![[1.0], [f64::INFINITY]], array![0usize, 1]).unwrap();
    assert!(clf.fit(inf.view()).is_err(), "infinite feature");
    let nan_y = Dataset::new(array![[1.0], [2.0]], array![1.0, f64::NAN]).unwrap();
    assert!(DecisionTreeRegressor::default().fit(nan_y.view()).is_err());
    let data = classification(60);
    // Negative weights are refused when the dataset is built.
    assert!(
        data.clone()
            .with_weights(Array1::from_elem(60, -1.0))
            .is_err()
    );
    let zero = data.clone().with_weights(Array1::zeros(60)).unwrap();
    assert!(clf.fit(zero.view()).is_err(), "all-zero weights");
    for bad in [
        clf.clone().max_depth(Some(0)),
        clf.clone().max_features(MaxFeatures::Count(0)),
        clf.clone().max_features(MaxFeatures::Count(5)),
        clf.clone().max_features(MaxFeatures::Fraction(1.5)),
        clf.clone().min_samples_split(1),
        clf.clone().min_samples_leaf(0),
        clf.clone().min_samples_leaf_fraction(1.0),
        clf.clone().min_samples_leaf_fraction(f64::NAN),
        clf.clone().min_samples_split_fraction(0.0),
        clf.clone().min_samples_split_fraction(1.5),
        clf.clone().min_weight_fraction_leaf(0.6),
        clf.clone().max_leaf_nodes(Some(1)),
        clf.clone().ccp_alpha(f64::NAN),
        clf.clone().min_impurity_decrease(-1.0),
        clf.clone()
            .class_weight(ClassWeight::PerClass(vec![1.0, 1.0])),
        clf.clone().monotonic_cst(Some(vec![1, 0, 0, 0])), // three classes
    ] {
        assert!(bad.fit(data.view()).is_err(), "{bad:?}");
    }
    let forest = RandomForestClassifier::default().n_estimators(0);
    assert!(forest.fit(data.view()).is_err());
    let no_bag = RandomForestClassifier::default()
        .bootstrap(false)
        .oob_score(true);
    assert!(no_bag.fit(data.view()).is_err());
    assert!(
        RandomForestClassifier::default()
            .n_threads(Some(0))
            .fit(data.view())
            .is_err()
    );
    let model = clf.fit(data.view()).unwrap();
    assert!(model.predict(Array2::zeros((2, 3)).view()).is_err());
    assert!(
        model
            .predict(array![[f64::NEG_INFINITY, 0.0, 0.0, 0.0]].view())
            .is_err()
    );
    let poisson =
        DecisionTreeRegressor::default().criterion(oxlearn_trees::RegressionCriterion::Poisson);
    let negative_y = Dataset::new(array![[1.0], [2.0]], array![1.0, -1.0]).unwrap();
    assert!(poisson.fit(negative_y.view()).is_err());
}

/// An edit of a saved model.
type Tamper = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn models_round_trip_and_reject_tampering() {
    let data = classification(120);
    let model = DecisionTreeClassifier::default().fit(data.view()).unwrap();
    let json = serde_json::to_string(&model).unwrap();
    let back: oxlearn_trees::DecisionTreeClassifierModel<f64, usize> =
        serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict_proba(data.records()).unwrap(),
        model.predict_proba(data.records()).unwrap()
    );
    assert_eq!(back.get_depth(), model.get_depth());
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let tamperings: [(&str, Tamper); 6] = [
        (
            "child index out of range",
            Box::new(|v| v["tree"]["nodes"][0]["left"] = 100_000.into()),
        ),
        (
            "child pointing back",
            Box::new(|v| v["tree"]["nodes"][0]["right"] = 0.into()),
        ),
        (
            "feature out of range",
            Box::new(|v| v["tree"]["nodes"][0]["feature"] = 9.into()),
        ),
        (
            "a value missing",
            Box::new(|v| {
                v["tree"]["value"].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "format version",
            Box::new(|v| v["tree"]["format_version"] = 99.into()),
        ),
        (
            "unsorted classes",
            Box::new(|v| v["labels"]["classes"] = serde_json::json!([2, 1, 0])),
        ),
    ];
    for (what, tamper) in &tamperings {
        let mut v = value.clone();
        tamper(&mut v);
        let loaded: Result<oxlearn_trees::DecisionTreeClassifierModel<f64, usize>, _> =
            serde_json::from_value(v);
        assert!(loaded.is_err(), "{what} was accepted");
    }
    value["tree"]["value"][0] = 2.0.into();
    assert!(
        serde_json::from_value::<oxlearn_trees::DecisionTreeClassifierModel<f64, usize>>(value)
            .is_err()
    );
    let truncated = &json[..json.len() / 2];
    assert!(
        serde_json::from_str::<oxlearn_trees::DecisionTreeClassifierModel<f64, usize>>(truncated)
            .is_err()
    );

    let forest = RandomForestRegressor::default()
        .n_estimators(5)
        .fit(regression(80).view())
        .unwrap();
    let json = serde_json::to_string(&forest).unwrap();
    let back: oxlearn_trees::ForestRegressorModel<f64> = serde_json::from_str(&json).unwrap();
    let x = regression(80).records().to_owned();
    assert_eq!(
        back.predict(x.view()).unwrap(),
        forest.predict(x.view()).unwrap()
    );
}

#[test]
fn forests_do_not_depend_on_the_thread_count() {
    let data = classification(300);
    let fit = |threads| {
        RandomForestClassifier::default()
            .n_estimators(12)
            .oob_score(true)
            .n_threads(Some(threads))
            .seed(3)
            .fit(data.view())
            .unwrap()
    };
    let (one, two) = (fit(1), fit(2));
    assert_eq!(one, two);
    assert_eq!(one, fit(2), "twice in one process");
    let reg = regression(300);
    let et = |threads| {
        ExtraTreesRegressor::default()
            .n_estimators(8)
            .n_threads(Some(threads))
            .fit(reg.view())
            .unwrap()
    };
    assert_eq!(et(1), et(2));
}

#[test]
fn warm_start_equals_one_fit() {
    let data = classification(200);
    let params = RandomForestClassifier::default().seed(5);
    let all = params.clone().n_estimators(10).fit(data.view()).unwrap();
    let first: ForestClassifierModel<f64, usize> =
        params.clone().n_estimators(4).fit(data.view()).unwrap();
    let more = params
        .clone()
        .n_estimators(10)
        .fit_more(first, data.view())
        .unwrap();
    assert_eq!(all.trees(), more.trees());
    let fewer = params.n_estimators(3).fit_more(more, data.view());
    assert!(fewer.is_err());
}

#[test]
fn integer_weights_are_repeated_rows_and_zero_weights_removed_rows() {
    let data = regression(40);
    let w: Array1<f64> = (0..40).map(|i| (i % 3) as f64).collect();
    let weighted = data.clone().with_weights(w.clone()).unwrap();
    let kept: Vec<usize> = (0..40).filter(|&i| w[i] > 0.0).collect();
    let removed = data.select(&kept).unwrap();
    let removed = removed
        .clone()
        .with_weights(w.select(ndarray::Axis(0), &kept))
        .unwrap();
    let x = data.records();
    let a = DecisionTreeRegressor::default()
        .fit(weighted.view())
        .unwrap();
    let b = DecisionTreeRegressor::default()
        .fit(removed.view())
        .unwrap();
    assert_eq!(
        a.predict(x).unwrap(),
        b.predict(x).unwrap(),
        "zero weight = removed row"
    );
    let repeated: Vec<usize> = kept
        .iter()
        .flat_map(|&i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    let repeated = data.select(&repeated).unwrap();
    let c = DecisionTreeRegressor::default()
        .fit(repeated.view())
        .unwrap();
    // The same tree on the training rows; rows of weight 0 may land on
    // either side of splits that tie (the tie-breaking draws differ).
    let xk = removed.records();
    assert_eq!(
        a.predict(xk).unwrap(),
        c.predict(xk).unwrap(),
        "weight k = k copies"
    );
    assert_eq!(
        a.tree().weighted_n_node_samples(0),
        c.tree().weighted_n_node_samples(0)
    );
    assert!((a.tree().impurity(0) - c.tree().impurity(0)).abs() < 1e-9);
}

#[test]
fn missing_values_follow_the_learned_direction() {
    // Feature 0 is missing exactly for the high class.
    let x = array![[1.0], [2.0], [3.0], [f64::NAN], [f64::NAN], [f64::NAN]];
    let data = Dataset::new(x, array![0usize, 0, 0, 1, 1, 1]).unwrap();
    for splitter in [Splitter::Best, Splitter::Random] {
        let model = DecisionTreeClassifier::default()
            .splitter(splitter)
            .fit(data.view())
            .unwrap();
        assert_eq!(
            model
                .predict(array![[f64::NAN], [2.5]].view())
                .unwrap()
                .to_vec(),
            vec![1, 0]
        );
    }
    let forest = RandomForestClassifier::default()
        .n_estimators(10)
        .fit(data.view())
        .unwrap();
    assert_eq!(forest.predict(array![[f64::NAN]].view()).unwrap()[0], 1);
}

#[test]
fn monotonic_constraints_hold_on_a_grid() {
    let data = regression(200);
    let model = DecisionTreeRegressor::default()
        .monotonic_cst(Some(vec![1, -1, 0, 0]))
        .fit(data.view())
        .unwrap();
    let grid: Vec<f64> = (0..60).map(|i| i as f64 / 6.0).collect();
    for base in data.records().rows().into_iter().take(10) {
        for (feature, sign) in [(0usize, 1.0), (1, -1.0)] {
            let rows = Array2::from_shape_fn((grid.len(), 4), |(g, j)| {
                if j == feature { grid[g] } else { base[j] }
            });
            let p = model.predict(rows.view()).unwrap();
            assert!(
                p.windows(2)
                    .into_iter()
                    .all(|w| sign * (w[1] - w[0]) >= -1e-12)
            );
        }
    }
}

#[test]
fn pruning_and_path_agree() {
    let data = classification(200);
    let params = DecisionTreeClassifier::default();
    let path = params.cost_complexity_pruning_path(data.view()).unwrap();
    assert_eq!(path.ccp_alphas[0], 0.0);
    assert!(path.ccp_alphas.windows(2).all(|w| w[0] <= w[1]));
    let full = params.fit(data.view()).unwrap();
    let mid = path.ccp_alphas[path.ccp_alphas.len() / 2];
    let pruned = params.clone().ccp_alpha(mid).fit(data.view()).unwrap();
    assert!(pruned.get_n_leaves() < full.get_n_leaves());
    let root_only = params
        .ccp_alpha(*path.ccp_alphas.last().unwrap())
        .fit(data.view())
        .unwrap();
    assert_eq!(root_only.get_n_leaves(), 1);
}

#[test]
fn forests_fit_and_score() {
    let data = classification(300);
    let (train, test) = data.view().split_at(220).unwrap();
    for model in [
        RandomForestClassifier::default()
            .n_estimators(30)
            .fit(train)
            .unwrap(),
        ExtraTreesClassifier::default()
            .n_estimators(30)
            .fit(train)
            .unwrap(),
        RandomForestClassifier::default()
            .n_estimators(30)
            .class_weight(ForestClassWeight::BalancedSubsample)
            .max_features(MaxFeatures::All)
            .fit(train)
            .unwrap(),
    ] {
        let p = model.predict(test.records()).unwrap();
        let acc = p.iter().zip(test.targets()).filter(|(a, b)| a == b).count() as f64 / 80.0;
        assert!(acc > 0.7, "accuracy {acc}");
        let proba = model.predict_proba(test.records()).unwrap();
        assert!(
            proba
                .rows()
                .into_iter()
                .all(|r| (r.sum() - 1.0).abs() < 1e-9)
        );
        let imp = model.feature_importances();
        assert!((imp.sum() - 1.0).abs() < 1e-9);
    }
    let reg = RandomForestRegressor::default()
        .n_estimators(30)
        .oob_score(true)
        .fit(regression(300).view())
        .unwrap();
    assert!(reg.oob_score().unwrap() > 0.5);
}

#[test]
fn f32_and_f64_trees_agree() {
    let data = classification(150);
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y).unwrap();
    let a = DecisionTreeClassifier::default()
        .max_depth(Some(4))
        .fit(data.view())
        .unwrap();
    let b = DecisionTreeClassifier::default()
        .max_depth(Some(4))
        .fit(data32.view())
        .unwrap();
    assert_eq!(
        a.predict(data.records()).unwrap(),
        b.predict(data32.records()).unwrap()
    );
}

#[test]
fn fractional_sample_counts_are_a_fraction_of_the_training_rows() {
    // scikit-learn's float min_samples_leaf / min_samples_split: ceil(f * n).
    let data = classification(60);
    let fit = |clf: DecisionTreeClassifier| clf.fit(data.view()).unwrap();
    let by_fraction = fit(DecisionTreeClassifier::default().min_samples_leaf_fraction(0.1));
    let by_count = fit(DecisionTreeClassifier::default().min_samples_leaf(6));
    assert_eq!(
        by_fraction.predict_proba(data.records()).unwrap(),
        by_count.predict_proba(data.records()).unwrap()
    );
    let by_fraction = fit(DecisionTreeClassifier::default().min_samples_split_fraction(0.25));
    let by_count = fit(DecisionTreeClassifier::default().min_samples_split(15));
    assert_eq!(by_fraction.get_n_leaves(), by_count.get_n_leaves());
    assert_eq!(
        by_fraction.predict_proba(data.records()).unwrap(),
        by_count.predict_proba(data.records()).unwrap()
    );
}

#[test]
fn forest_predictions_do_not_depend_on_how_rows_are_batched() {
    // Batches walk 16 rows at a time, a lane taking the next row when its
    // row is done; a single row walks alone.
    let data = classification(203);
    let forest = RandomForestClassifier::default()
        .n_estimators(15)
        .fit(data.view())
        .unwrap();
    let batch = forest.predict_proba(data.records()).unwrap();
    for (i, row) in data.records().rows().into_iter().enumerate() {
        let one = forest
            .predict_proba(row.insert_axis(ndarray::Axis(0)))
            .unwrap();
        assert_eq!(one.row(0), batch.row(i), "row {i}");
    }
}

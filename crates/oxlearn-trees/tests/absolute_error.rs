//! The absolute error criterion beyond the scikit-learn fixture: leaves hold
//! weighted medians, weights mean repeated rows, outliers do not pull the
//! fit, constraints hold, forests and extra trees use it, missing values
//! are refused.

use ndarray::{Array1, Array2, array};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_trees::{
    DecisionTreeRegressor, ExtraTreesRegressor, RandomForestRegressor, RegressionCriterion,
    Splitter,
};

fn mae() -> DecisionTreeRegressor {
    DecisionTreeRegressor::default().criterion(RegressionCriterion::AbsoluteError)
}

mod common;

fn regression(n: usize) -> Dataset<f64, f64> {
    common::smooth_regression(n, 5)
}

#[test]
fn leaves_hold_weighted_medians() {
    let x = array![[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [12.0]];
    let y = array![1.0, 2.0, 100.0, 3.0, 50.0, 60.0, 55.0];
    let data = Dataset::new(x, y).unwrap();
    let model = mae().max_depth(Some(1)).fit(data.view()).unwrap();
    let tree = model.tree();
    // The root's median of seven values, its impurity the mean deviation.
    assert_eq!(tree.value(0), &[50.0]);
    let dev: f64 = [1.0, 2.0, 100.0, 3.0, 50.0, 60.0, 55.0]
        .iter()
        .map(|v: &f64| (v - 50.0).abs())
        .sum();
    assert!((tree.impurity(0) - dev / 7.0).abs() < 1e-12);
    // The best split (deviations 1 + 107) isolates {1, 2}, whose median
    // holds exactly half the weight: the mean of the two.
    let p = model.predict(array![[0.5], [11.0]].view()).unwrap();
    assert_eq!(p.to_vec(), vec![1.5, 55.0]);
    // Weights move the median: 100 with weight 5 of 11 puts it at 60.
    let w = array![1.0, 1.0, 5.0, 1.0, 1.0, 1.0, 1.0];
    let weighted = data.with_weights(w).unwrap();
    let model = mae().max_depth(Some(1)).fit(weighted.view()).unwrap();
    assert_eq!(model.tree().value(0), &[60.0]);
}

#[test]
fn integer_weights_are_repeated_rows() {
    let data = regression(60);
    let w: Array1<f64> = (0..60).map(|i| (i % 3) as f64).collect();
    let weighted = data.clone().with_weights(w.clone()).unwrap();
    let kept: Vec<usize> = (0..60).filter(|&i| w[i] > 0.0).collect();
    let repeated: Vec<usize> = kept
        .iter()
        .flat_map(|&i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    let repeated = data.select(&repeated).unwrap();
    let a = mae().fit(weighted.view()).unwrap();
    let b = mae().fit(repeated.view()).unwrap();
    let xk = data.select(&kept).unwrap();
    assert_eq!(
        a.predict(xk.records()).unwrap(),
        b.predict(xk.records()).unwrap()
    );
    assert!((a.tree().impurity(0) - b.tree().impurity(0)).abs() < 1e-9);
}

#[test]
fn outliers_do_not_pull_the_fit() {
    // A step function with every tenth target replaced by a huge value.
    let n = 200;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    let y: Array1<f64> = (0..n)
        .map(|i| {
            let clean = if i < n / 2 { 0.0 } else { 10.0 };
            if i % 10 == 3 { 1e6 } else { clean }
        })
        .collect();
    let data = Dataset::new(x, y).unwrap();
    let model = mae()
        .max_depth(Some(2))
        .min_samples_leaf(20)
        .fit(data.view())
        .unwrap();
    let p = model.predict(array![[20.0], [150.0]].view()).unwrap();
    assert_eq!(p.to_vec(), vec![0.0, 10.0]);
}

#[test]
fn monotonic_constraints_hold_for_both_splitters() {
    let data = regression(150);
    let grid: Vec<f64> = (0..60).map(|i| i as f64 / 6.0).collect();
    for splitter in [Splitter::Best, Splitter::Random] {
        let model = mae()
            .splitter(splitter)
            .monotonic_cst(Some(vec![1, -1, 0, 0]))
            .fit(data.view())
            .unwrap();
        for base in data.records().rows().into_iter().take(8) {
            for (feature, sign) in [(0usize, 1.0), (1, -1.0)] {
                let rows = Array2::from_shape_fn((grid.len(), 4), |(g, j)| {
                    if j == feature { grid[g] } else { base[j] }
                });
                let p = model.predict(rows.view()).unwrap();
                assert!(
                    p.windows(2)
                        .into_iter()
                        .all(|w| sign * (w[1] - w[0]) >= -1e-12),
                    "{splitter:?}"
                );
            }
        }
    }
}

#[test]
fn forests_and_multiple_outputs_use_it() {
    let data = regression(300);
    let (train, test) = (
        data.select(&(0..200).collect::<Vec<_>>()).unwrap(),
        data.select(&(200..300).collect::<Vec<_>>()).unwrap(),
    );
    let r2 = |p: &Array1<f64>| {
        let y = test.targets();
        let mean = y.mean().unwrap();
        let ss: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
        let se: f64 = y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
        1.0 - se / ss
    };
    let forest = RandomForestRegressor::default()
        .criterion(RegressionCriterion::AbsoluteError)
        .n_estimators(20)
        .oob_score(true)
        .fit(train.view())
        .unwrap();
    assert!(r2(&forest.predict(test.records()).unwrap()) > 0.9);
    assert!(forest.oob_score().unwrap() > 0.85);
    let extra = ExtraTreesRegressor::default()
        .criterion(RegressionCriterion::AbsoluteError)
        .n_estimators(20)
        .fit(train.view())
        .unwrap();
    assert!(r2(&extra.predict(test.records()).unwrap()) > 0.9);
    // Two outputs: the second is the first doubled, so its medians are too.
    let y = train.targets();
    let targets = Array2::from_shape_fn((y.len(), 2), |(i, o)| y[i] * (1.0 + o as f64));
    let multi = mae()
        .max_depth(Some(4))
        .fit_multi(train.records(), targets.view(), None)
        .unwrap();
    let p = multi.predict_multi(test.records()).unwrap();
    for row in p.rows() {
        assert!((row[1] - 2.0 * row[0]).abs() < 1e-9);
    }
}

#[test]
fn missing_values_are_refused() {
    let x = array![[1.0, 2.0], [f64::NAN, 1.0], [3.0, 0.0]];
    let data = Dataset::new(x, array![1.0, 2.0, 3.0]).unwrap();
    let err = mae().fit(data.view()).unwrap_err().to_string();
    assert!(err.contains("absolute_error"), "{err}");
    let forest = RandomForestRegressor::default().criterion(RegressionCriterion::AbsoluteError);
    assert!(forest.fit(data.view()).is_err());
}

//! Criterion suite: decision trees and forests on make_classification and
//! friedman1 data (smaller versions of the oxlearn-trees issue's speed
//! table; the full sizes are in `cargo xtask bench --compare trees`), and
//! the shapes the learner must also handle well: narrow, wide, tiny.

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_datasets::generators::{
    MakeClassification, MakeFriedman1, make_classification, make_friedman1,
};
use oxlearn_trees::{
    DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreesRegressor, IsolationForest,
    RandomForestClassifier, RandomForestRegressor,
};
use std::hint::black_box;

fn classification(n: usize, d: usize) -> Dataset<f64, usize> {
    let params = MakeClassification::default()
        .n_samples(n)
        .n_features(d)
        .n_informative((d / 2).max(2))
        .n_redundant(d / 10)
        .seed(7);
    make_classification(&params).expect("valid generator parameters")
}

fn friedman(n: usize, d: usize) -> Dataset<f64, f64> {
    let params = MakeFriedman1::default()
        .n_samples(n)
        .n_features(d)
        .noise(1.0)
        .seed(7);
    make_friedman1(&params).expect("valid generator parameters")
}

fn trees(c: &mut Criterion) {
    let mut group = c.benchmark_group("trees/decision_tree");
    group.sample_size(10);
    for (n, d) in [(20_000, 20), (20_000, 2), (2_000, 200), (200, 10)] {
        let data = classification(n, d);
        group.bench_function(format!("classifier_{n}_x{d}"), |b| {
            b.iter(|| {
                DecisionTreeClassifier::default()
                    .fit(black_box(data.view()))
                    .expect("fit")
            })
        });
    }
    let data = friedman(20_000, 20);
    group.bench_function("regressor_20000_x20", |b| {
        b.iter(|| {
            DecisionTreeRegressor::default()
                .fit(black_box(data.view()))
                .expect("fit")
        })
    });
    group.finish();
}

fn forests(c: &mut Criterion) {
    let mut group = c.benchmark_group("trees/forest");
    group.sample_size(10);
    let data = classification(20_000, 20);
    group.bench_function("random_forest_classifier_20_trees_20000_x20", |b| {
        b.iter(|| {
            RandomForestClassifier::default()
                .n_estimators(20)
                .fit(black_box(data.view()))
                .expect("fit")
        })
    });
    let model = RandomForestClassifier::default()
        .n_estimators(100)
        .fit(data.view())
        .expect("fit");
    group.bench_function("predict_100_trees_20000_rows", |b| {
        b.iter(|| model.predict(black_box(data.records())).expect("predict"))
    });
    let reg = friedman(20_000, 20);
    group.bench_function("random_forest_regressor_20_trees_20000_x20", |b| {
        b.iter(|| {
            RandomForestRegressor::default()
                .n_estimators(20)
                .fit(black_box(reg.view()))
                .expect("fit")
        })
    });
    group.bench_function("extra_trees_regressor_20_trees_20000_x20", |b| {
        b.iter(|| {
            ExtraTreesRegressor::default()
                .n_estimators(20)
                .fit(black_box(reg.view()))
                .expect("fit")
        })
    });
    let unlabelled = Dataset::from_records(reg.records().to_owned());
    group.bench_function("isolation_forest_20000_x20", |b| {
        b.iter(|| {
            IsolationForest::default()
                .fit(black_box(unlabelled.view()))
                .expect("fit")
        })
    });
    group.finish();
}

criterion_group!(benches, trees, forests);
criterion_main!(benches);

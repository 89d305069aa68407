//! Criterion suite: linear models on the workloads (fit time).
//!
//! `LinearRegression`, `Ridge` and `RidgeCV` on `make_regression` data of
//! 200,000 x 50, fitted on the first 160,000 rows (an 80 / 20 split); `Lasso`
//! and `ElasticNet` (alpha 0.01) on 50,000 x 200 with 20 informative
//! features; `LogisticRegression` (C = 1, lbfgs defaults) binary and with 10
//! classes on `make_classification` data of 100,000 x 50: the workloads of
//! scikit-learn's reference timings in the linear-models issue.

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use oxlearn::{Dataset, Fit};
use oxlearn_datasets::generators::{
    MakeClassification, MakeRegression, make_classification, make_regression,
};
use oxlearn_linear::{
    ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge, RidgeCV, SgdClassifier, SgdLoss,
};
use std::hint::black_box;

fn train_set(
    n_samples: usize,
    n_features: usize,
    n_informative: usize,
    n_train: usize,
) -> Option<Dataset<f64, f64>> {
    let params = MakeRegression::default()
        .n_samples(n_samples)
        .n_features(n_features)
        .n_informative(n_informative)
        .noise(1.0)
        .seed(0);
    let (data, _) = make_regression(&params).ok()?;
    let (train, _) = data.view().split_at(n_train).ok()?;
    Some(train.to_owned())
}

fn least_squares(c: &mut Criterion) {
    let Some(train) = train_set(200_000, 50, 25, 160_000) else {
        return;
    };
    let mut group = c.benchmark_group("linear/least_squares");
    group.sample_size(10);
    group.bench_function("linear_regression_200000x50", |b| {
        b.iter(|| LinearRegression::default().fit(black_box(train.view())))
    });
    group.bench_function("ridge_200000x50", |b| {
        b.iter(|| Ridge::default().fit(black_box(train.view())))
    });
    group.bench_function("ridge_cv_3_alphas_200000x50", |b| {
        b.iter(|| RidgeCV::default().fit(black_box(train.view())))
    });
    group.finish();
}

fn sparse(c: &mut Criterion) {
    // 50,000 x 200 with 20 informative features, all rows used for the fit.
    let Some(train) = train_set(50_000, 200, 20, 50_000) else {
        return;
    };
    let mut group = c.benchmark_group("linear/coordinate_descent");
    group.sample_size(10);
    group.bench_function("lasso_alpha_0.01_50000x200", |b| {
        b.iter(|| Lasso::default().alpha(0.01).fit(black_box(train.view())))
    });
    group.bench_function("elastic_net_alpha_0.01_50000x200", |b| {
        b.iter(|| {
            ElasticNet::default()
                .alpha(0.01)
                .fit(black_box(train.view()))
        })
    });
    group.finish();
}

fn logistic(c: &mut Criterion) {
    let mut group = c.benchmark_group("linear/logistic");
    group.sample_size(10);
    for n_classes in [2usize, 10] {
        let params = MakeClassification::default()
            .n_samples(100_000)
            .n_features(50)
            .n_informative(20)
            .n_redundant(10)
            .n_classes(n_classes)
            .seed(0);
        let Ok(data) = make_classification(&params) else {
            continue;
        };
        let name = if n_classes == 2 {
            "binary_c1_100000x50".to_string()
        } else {
            format!("multinomial_{n_classes}_classes_c1_100000x50")
        };
        group.bench_function(name, |b| {
            b.iter(|| LogisticRegression::default().fit(black_box(data.view())))
        });
    }
    group.finish();
}

/// `SgdClassifier` (hinge and log loss, 10 epochs, no early stop) on the
/// binary 100,000 x 50 `make_classification` data of the logistic workload.
fn sgd(c: &mut Criterion) {
    let params = MakeClassification::default()
        .n_samples(100_000)
        .n_features(50)
        .n_informative(20)
        .n_redundant(10)
        .n_classes(2)
        .seed(0);
    let Ok(data) = make_classification(&params) else {
        return;
    };
    let mut group = c.benchmark_group("linear/sgd");
    group.sample_size(10);
    for (name, loss) in [("hinge", SgdLoss::Hinge), ("log_loss", SgdLoss::LogLoss)] {
        let est = SgdClassifier::default().loss(loss).max_iter(10).tol(None);
        group.bench_function(format!("sgd_{name}_10_epochs_100000x50"), |b| {
            b.iter(|| est.fit(black_box(data.view())))
        });
    }
    group.finish();
}

criterion_group!(benches, least_squares, sparse, logistic, sgd);
criterion_main!(benches);

//! Criterion suite: preprocessing on the comparison workloads
//! (StandardScaler 800,000 x 50, OneHotEncoder on adult's categorical
//! columns, PolynomialFeatures degree 2 on 100,000 x 20, PCA 100,000 x 100
//! -> 10 exact and randomized).

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::{Array2, Axis};
use oxlearn::random::rng_from_seed;
use oxlearn::{Dataset, Fit, Transform};
use oxlearn_preprocessing::{HandleUnknown, OneHotEncoder, PolynomialFeatures, StandardScaler};
use rand::Rng as _;
use std::hint::black_box;

/// `n x d` seeded values, column `j` uniform in `[j, j + j + 1)`.
fn dense(n: usize, d: usize, seed: u64) -> Array2<f64> {
    let mut rng = rng_from_seed(seed);
    Array2::from_shape_fn((n, d), |(_, j)| {
        j as f64 + rng.random::<f64>() * (j + 1) as f64
    })
}

fn standard_scaler(c: &mut Criterion) {
    let mut group = c.benchmark_group("preprocessing/standard_scaler");
    group.sample_size(10);
    // The training part of a 1,000,000 x 50 set.
    let (n, d) = (800_000, 50);
    let data = Dataset::from_records(dense(n, d, 7));
    group.throughput(Throughput::Elements((n * d) as u64));
    group.bench_function("fit_transform_800000x50", |b| {
        b.iter(|| {
            let model = StandardScaler::default()
                .fit(black_box(data.view()))
                .expect("fit");
            model.transform(data.records()).expect("transform")
        })
    });
    group.finish();
}

const ADULT_CATEGORICAL: [usize; 8] = [1, 3, 5, 6, 7, 8, 9, 13];

fn one_hot(c: &mut Criterion) {
    let mut group = c.benchmark_group("preprocessing/one_hot");
    let adult = oxlearn_datasets::adult().expect("adult");
    let x = adult.records().select(Axis(1), &ADULT_CATEGORICAL);
    let data = Dataset::from_records(x)
        .with_categories(
            ADULT_CATEGORICAL
                .iter()
                .map(|&j| adult.categories()[j].clone())
                .collect(),
        )
        .expect("categories");
    group.throughput(Throughput::Elements(data.n_samples() as u64));
    group.bench_function("fit_transform_adult_8_categorical", |b| {
        b.iter(|| {
            let model = OneHotEncoder::default()
                .handle_unknown(HandleUnknown::Ignore)
                .fit(black_box(data.view()))
                .expect("fit");
            model.transform(data.records()).expect("transform")
        })
    });
    group.finish();
}

fn polynomial(c: &mut Criterion) {
    let mut group = c.benchmark_group("preprocessing/polynomial");
    group.sample_size(10);
    let (n, d) = (100_000, 20);
    let data = Dataset::from_records(dense(n, d, 11));
    group.throughput(Throughput::Elements((n * d) as u64));
    group.bench_function("degree_2_100000x20", |b| {
        b.iter(|| {
            let model = PolynomialFeatures::default()
                .fit(black_box(data.view()))
                .expect("fit");
            model.transform(data.records()).expect("transform")
        })
    });
    group.finish();
}

/// PCA 100,000 x 100 -> 10 on `make_regression` records (issue #5), fit
/// and transform: the exact covariance solver and the randomized one.
fn pca(c: &mut Criterion) {
    use oxlearn_datasets::generators::{MakeRegression, make_regression};
    use oxlearn_preprocessing::{Pca, PcaComponents, SvdSolver};
    let mut group = c.benchmark_group("preprocessing/pca");
    group.sample_size(10);
    let (n, d) = (100_000, 100);
    let p = MakeRegression::default()
        .n_samples(n)
        .n_features(d)
        .n_informative(10)
        .noise(1.0)
        .seed(7);
    let data = make_regression(&p).expect("make_regression").0;
    let data = Dataset::from_records(data.records().to_owned());
    group.throughput(Throughput::Elements((n * d) as u64));
    for (name, solver) in [
        ("exact_100000x100_to_10", SvdSolver::CovarianceEigh),
        ("randomized_100000x100_to_10", SvdSolver::Randomized),
    ] {
        let pca = Pca::default()
            .n_components(PcaComponents::Count(10))
            .svd_solver(solver);
        group.bench_function(name, |b| {
            b.iter(|| {
                let model = pca.fit(black_box(data.view())).expect("fit");
                model.transform(data.records()).expect("transform")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, standard_scaler, one_hot, polynomial, pca);
criterion_main!(benches);

//! Criterion suite: metrics on seeded inputs of growing size.

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oxlearn::metrics::{
    Average, accuracy_score, adjusted_rand_score, f1_score, mean_squared_error, r2_score,
    roc_auc_score, silhouette_score,
};
use oxlearn_benches::{binary_scores, blobs, multiclass_labels, regression_values};
use std::hint::black_box;

fn classification(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics/classification");
    for n in [10_000usize, 1_000_000] {
        let (y, pred) = multiclass_labels(n, 10, 1);
        let (yb, score) = binary_scores(n, 2);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("accuracy", n), &n, |b, _| {
            b.iter(|| accuracy_score(black_box(&y), black_box(&pred)))
        });
        group.bench_with_input(BenchmarkId::new("f1_macro_10_classes", n), &n, |b, _| {
            b.iter(|| f1_score(black_box(&y), black_box(&pred), Average::Macro))
        });
        group.bench_with_input(BenchmarkId::new("roc_auc_binary", n), &n, |b, _| {
            b.iter(|| roc_auc_score(black_box(&yb), black_box(&score)))
        });
        group.bench_with_input(BenchmarkId::new("adjusted_rand", n), &n, |b, _| {
            b.iter(|| adjusted_rand_score(black_box(&y), black_box(&pred)))
        });
    }
    group.finish();
}

fn regression(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics/regression");
    for n in [10_000usize, 1_000_000] {
        let (y, pred) = regression_values(n, 3);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("r2", n), &n, |b, _| {
            b.iter(|| r2_score(black_box(&y), black_box(&pred)))
        });
        group.bench_with_input(BenchmarkId::new("mse", n), &n, |b, _| {
            b.iter(|| mean_squared_error(black_box(&y), black_box(&pred)))
        });
    }
    group.finish();
}

fn clustering(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics/clustering");
    group.sample_size(10);
    let n = 5_000;
    let (x, labels) = blobs(n, 8, 5, 4);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("silhouette_8d_5_clusters", n), |b| {
        b.iter(|| silhouette_score(black_box(&x), black_box(&labels)))
    });
    group.finish();
}

criterion_group!(benches, classification, regression, clustering);
criterion_main!(benches);

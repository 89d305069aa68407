//! Criterion suite: clustering on seeded blobs (the workloads of the
//! oxlearn-cluster issue's speed table).

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array2, s};
use oxlearn::{Dataset, Fit};
use oxlearn_cluster::{
    AgglomerativeClustering, Algorithm, Dbscan, GaussianMixture, Hdbscan, KMeans, MiniBatchKMeans,
};
use oxlearn_datasets::generators::{MakeBlobs, make_blobs};
use std::hint::black_box;

/// `n` blob samples in `d` dimensions around `k` centres with standard
/// deviation `std`; the first 80% are the training rows (as in the
/// scikit-learn comparison).
fn train_blobs(n: usize, d: usize, k: usize, std: f64) -> Array2<f64> {
    let params = MakeBlobs::default()
        .n_samples(n)
        .n_features(d)
        .n_centers(k)
        .cluster_std(std)
        .seed(0);
    let (data, _) = make_blobs(&params).expect("valid generator parameters");
    data.records().slice(s![..n * 4 / 5, ..]).to_owned()
}

fn kmeans(c: &mut Criterion) {
    // Overlapping blobs (std 5): 20 iterations do not converge, and the
    // default settings take about 35 (scikit-learn: 35).
    let mut group = c.benchmark_group("cluster/kmeans");
    group.sample_size(10);
    let data = Dataset::from_records(train_blobs(200_000, 16, 16, 5.0));
    let fixed = KMeans::new(16).n_init(Some(1)).max_iter(20).tol(0.0);
    group.bench_function("200k_x16_k16_20_lloyd_iterations", |b| {
        b.iter(|| fixed.fit(black_box(data.view())).expect("fit"))
    });
    let default = KMeans::new(16);
    group.bench_function("200k_x16_k16_default", |b| {
        b.iter(|| default.fit(black_box(data.view())).expect("fit"))
    });
    let elkan = KMeans::new(16).algorithm(Algorithm::Elkan);
    group.bench_function("200k_x16_k16_elkan_default", |b| {
        b.iter(|| elkan.fit(black_box(data.view())).expect("fit"))
    });
    let minibatch = MiniBatchKMeans::new(16);
    group.bench_function("200k_x16_k16_minibatch_default", |b| {
        b.iter(|| minibatch.fit(black_box(data.view())).expect("fit"))
    });
    group.finish();
}

fn dbscan(c: &mut Criterion) {
    let mut group = c.benchmark_group("cluster/dbscan");
    group.sample_size(10);
    let data = Dataset::from_records(train_blobs(20_000, 2, 5, 1.0));
    let params = Dbscan::new(0.3, 10);
    group.bench_function("20k_x2_eps0.3_min10", |b| {
        b.iter(|| params.fit(black_box(data.view())).expect("fit"))
    });
    group.finish();
}

fn gaussian_mixture(c: &mut Criterion) {
    // As the comparison workload: 50k blob samples (80% for training), 16
    // components with full covariances, all 20 EM iterations (tol 0).
    let mut group = c.benchmark_group("cluster/gaussian_mixture");
    group.sample_size(10);
    let data = Dataset::from_records(train_blobs(50_000, 16, 16, 1.0));
    let params = GaussianMixture::new(16).max_iter(20).tol(0.0).seed(0);
    group.bench_function("50k_x16_k16_full_20_iterations", |b| {
        b.iter(|| params.fit(black_box(data.view())).expect("fit"))
    });
    group.finish();
}

fn hierarchical(c: &mut Criterion) {
    // As the comparison workloads: Ward on all 10k blob samples in 8
    // dimensions (8 centres, std 1); HDBSCAN on 20k 2-d blob samples (8
    // centres, std 0.5, 80% for training), min_cluster_size 25.
    let mut group = c.benchmark_group("cluster/hierarchical");
    group.sample_size(10);
    let ward_data = Dataset::from_records(train_blobs(12_500, 8, 8, 1.0));
    let ward = AgglomerativeClustering::new(8);
    group.bench_function("agglomerative_ward_10k_x8_k8", |b| {
        b.iter(|| ward.fit(black_box(ward_data.view())).expect("fit"))
    });
    let hdbscan_data = Dataset::from_records(train_blobs(20_000, 2, 8, 0.5));
    let hdbscan = Hdbscan::new(25);
    group.bench_function("hdbscan_20k_x2_min_cluster_size25", |b| {
        b.iter(|| hdbscan.fit(black_box(hdbscan_data.view())).expect("fit"))
    });
    group.finish();
}

criterion_group!(benches, kmeans, dbscan, gaussian_mixture, hierarchical);
criterion_main!(benches);

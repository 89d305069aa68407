//! Criterion suite: loading bundled data, parsing CSV, `.npy` I/O and the
//! seeded generators.

// `criterion_group!` generates a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oxlearn_datasets::generators::{
    MakeClassification, MakeRegression, make_classification, make_regression,
};
use oxlearn_datasets::{CsvOptions, StringColumns, read_npy_from, write_npy_to};
use std::hint::black_box;

fn bundled(c: &mut Criterion) {
    let mut group = c.benchmark_group("datasets/bundled");
    group.sample_size(20);
    group.bench_function("iris", |b| b.iter(oxlearn_datasets::iris));
    group.bench_function("digits", |b| b.iter(oxlearn_datasets::digits));
    group.bench_function("penguins", |b| b.iter(oxlearn_datasets::penguins));
    group.bench_function("california_housing", |b| {
        b.iter(oxlearn_datasets::california_housing)
    });
    group.bench_function("adult", |b| b.iter(oxlearn_datasets::adult));
    group.finish();
}

/// A CSV text of `n` rows: 8 numeric columns, one text column, a text target.
fn csv_text(n: usize) -> String {
    let mut s = String::from("a,b,c,d,e,f,g,h,kind,label\n");
    for i in 0..n {
        let v = i as f64 * 0.37;
        s.push_str(&format!(
            "{v},{},{},{},{},{},{},{},k{},{}\n",
            v + 1.0,
            v * 2.0,
            v - 3.5,
            i % 17,
            v / 7.0,
            i,
            if i % 50 == 0 {
                String::new()
            } else {
                format!("{}", v * 0.5)
            },
            i % 5,
            if i % 3 == 0 { "yes" } else { "no" }
        ));
    }
    s
}

fn csv(c: &mut Criterion) {
    let mut group = c.benchmark_group("datasets/csv");
    group.sample_size(20);
    for n in [1_000usize, 100_000] {
        let text = csv_text(n);
        let options = CsvOptions::new()
            .target("label")
            .string_columns(StringColumns::Categorical);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("read_10_columns", n), &n, |b, _| {
            b.iter(|| options.read_from::<String>(black_box(text.as_bytes()), "bench.csv"))
        });
    }
    group.finish();
}

fn npy(c: &mut Criterion) {
    let mut group = c.benchmark_group("datasets/npy");
    let params = MakeRegression::default()
        .n_samples(100_000)
        .n_features(50)
        .seed(1);
    let x = make_regression(&params)
        .map(|(d, _)| d.records().to_owned())
        .unwrap_or_default();
    let mut bytes = Vec::new();
    write_npy_to(&mut bytes, &x, "bench.npy").unwrap_or_default();
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("write_100000x50_f64", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(bytes.len());
            write_npy_to(&mut out, black_box(&x), "bench.npy").map(|()| out.len())
        })
    });
    group.bench_function("read_100000x50_f64", |b| {
        b.iter(|| read_npy_from::<f64, ndarray::Ix2>(black_box(bytes.as_slice()), "bench.npy"))
    });
    group.finish();
}

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("datasets/generators");
    group.sample_size(20);
    let classification = MakeClassification::default()
        .n_samples(100_000)
        .n_features(20)
        .seed(1);
    group.bench_function("make_classification_100000x20", |b| {
        b.iter(|| make_classification(black_box(&classification)))
    });
    let regression = MakeRegression::default()
        .n_samples(100_000)
        .n_features(50)
        .seed(1);
    group.bench_function("make_regression_100000x50", |b| {
        b.iter(|| make_regression(black_box(&regression)))
    });
    group.finish();
}

criterion_group!(benches, bundled, csv, npy, generators);
criterion_main!(benches);

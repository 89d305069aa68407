//! Property tests of `Dataset` splitting: every split partitions the samples,
//! keeps rows and targets together, and is reproducible from its seed.

use ndarray::{Array1, Array2};
use oxlearn::Dataset;
use proptest::prelude::*;

/// A dataset whose single feature is the row index and whose target is a class
/// drawn from `labels`.
fn indexed(labels: &[u8]) -> Dataset<f64, u8> {
    let n = labels.len();
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    Dataset::new(x, Array1::from(labels.to_vec())).expect("lengths agree")
}

fn row_ids(d: &Dataset<f64, u8>) -> Vec<usize> {
    d.records().column(0).iter().map(|&v| v as usize).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn folds_partition_the_samples(labels in prop::collection::vec(0u8..3, 2..60), k in 2usize..8) {
        let data = indexed(&labels);
        let result = data.folds(k);
        if k > labels.len() {
            prop_assert!(result.is_err());
            return Ok(());
        }
        let folds = result.expect("valid k");
        let mut seen = vec![0usize; labels.len()];
        for fold in &folds {
            for v in fold.validation.records().column(0) {
                seen[*v as usize] += 1;
            }
            let mut all: Vec<usize> = row_ids(&fold.train);
            all.extend(fold.validation.records().column(0).iter().map(|&v| v as usize));
            all.sort_unstable();
            prop_assert_eq!(all, (0..labels.len()).collect::<Vec<_>>());
        }
        prop_assert!(seen.iter().all(|&c| c == 1));
        let sizes: Vec<usize> = folds.iter().map(|f| f.validation.n_samples()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
    }

    #[test]
    fn shuffle_keeps_rows_with_targets(labels in prop::collection::vec(0u8..5, 1..80), seed in any::<u64>()) {
        let data = indexed(&labels);
        let shuffled = data.shuffle(seed);
        prop_assert_eq!(&shuffled, &data.shuffle(seed));
        for (row, target) in row_ids(&shuffled).into_iter().zip(shuffled.targets()) {
            prop_assert_eq!(labels[row], *target);
        }
        let mut ids = row_ids(&shuffled);
        ids.sort_unstable();
        prop_assert_eq!(ids, (0..labels.len()).collect::<Vec<_>>());
    }

    #[test]
    fn stratified_split_is_a_balanced_partition(
        labels in prop::collection::vec(0u8..3, 10..120),
        ratio in 0.1f64..0.9,
        seed in any::<u64>(),
    ) {
        let data = indexed(&labels);
        let Ok((train, test)) = data.stratified_split(ratio, seed) else {
            // Too few samples of some class, or a part smaller than the class count.
            return Ok(());
        };
        let n = labels.len();
        prop_assert_eq!(test.n_samples(), (ratio * n as f64).ceil() as usize);
        let mut ids = row_ids(&train);
        ids.extend(row_ids(&test));
        ids.sort_unstable();
        prop_assert_eq!(ids, (0..n).collect::<Vec<_>>());
        for class in 0u8..3 {
            let total = labels.iter().filter(|&&c| c == class).count() as f64;
            let in_test = test.targets().iter().filter(|&&c| c == class).count() as f64;
            let expected = total * test.n_samples() as f64 / n as f64;
            prop_assert!((in_test - expected).abs() <= 1.0 + 1e-9,
                "class {} has {} test samples, expected about {}", class, in_test, expected);
        }
    }
}

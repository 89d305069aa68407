//! Every bundled dataset loads with the documented shape, names, classes and
//! missing values.
#![allow(unused_imports, dead_code)]

use oxlearn::Dataset;

fn nan_count<T>(data: &Dataset<f64, T>) -> usize {
    data.records().iter().filter(|v| v.is_nan()).count()
}

fn class_counts(data: &Dataset<f64, usize>) -> Vec<usize> {
    let mut counts = vec![0; data.target_names().len()];
    for &y in data.targets() {
        counts[y] += 1;
    }
    counts
}

#[cfg(feature = "iris")]
#[test]
fn iris() {
    let data = oxlearn_datasets::iris().unwrap();
    assert_eq!(data.records().dim(), (150, 4));
    assert_eq!(
        data.feature_names(),
        [
            "sepal length (cm)",
            "sepal width (cm)",
            "petal length (cm)",
            "petal width (cm)"
        ]
    );
    assert_eq!(data.target_names(), ["setosa", "versicolor", "virginica"]);
    assert_eq!(class_counts(&data), [50, 50, 50]);
    assert_eq!(nan_count(&data), 0);
    assert_eq!(data.records().row(0).to_vec(), vec![5.1, 3.5, 1.4, 0.2]);
    assert!(data.categories().iter().all(Option::is_none));
}

#[cfg(feature = "wine")]
#[test]
fn wine() {
    let data = oxlearn_datasets::wine().unwrap();
    assert_eq!(data.records().dim(), (178, 13));
    assert_eq!(data.feature_names()[0], "alcohol");
    assert_eq!(data.feature_names()[12], "proline");
    assert_eq!(data.target_names(), ["class_0", "class_1", "class_2"]);
    assert_eq!(class_counts(&data), [59, 71, 48]);
    assert_eq!(nan_count(&data), 0);
}

#[cfg(feature = "breast_cancer")]
#[test]
fn breast_cancer() {
    let data = oxlearn_datasets::breast_cancer().unwrap();
    assert_eq!(data.records().dim(), (569, 30));
    assert_eq!(data.feature_names()[0], "mean radius");
    assert_eq!(data.feature_names()[29], "worst fractal dimension");
    assert_eq!(data.target_names(), ["malignant", "benign"]);
    assert_eq!(class_counts(&data), [212, 357]);
    assert_eq!(nan_count(&data), 0);
}

#[cfg(feature = "diabetes")]
#[test]
fn diabetes() {
    let data = oxlearn_datasets::diabetes().unwrap();
    assert_eq!(data.records().dim(), (442, 10));
    assert_eq!(
        data.feature_names(),
        [
            "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"
        ]
    );
    assert_eq!(data.target_names(), ["progression"]);
    assert_eq!(nan_count(&data), 0);
    let (lo, hi) = data
        .targets()
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &y| (lo.min(y), hi.max(y)));
    assert_eq!((lo, hi), (25.0, 346.0));
    assert!(
        data.records()
            .column(1)
            .iter()
            .all(|&s| s == 1.0 || s == 2.0)
    );
}

#[cfg(feature = "digits")]
#[test]
fn digits() {
    let data = oxlearn_datasets::digits().unwrap();
    assert_eq!(data.records().dim(), (1797, 64));
    assert_eq!(data.feature_names()[9], "pixel_1_1");
    assert_eq!(data.target_names().len(), 10);
    assert_eq!(data.target_names()[7], "7");
    assert_eq!(class_counts(&data).iter().sum::<usize>(), 1797);
    assert!(
        class_counts(&data)
            .iter()
            .all(|&c| (170..=185).contains(&c))
    );
    assert!(
        data.records()
            .iter()
            .all(|&p| (0.0..=16.0).contains(&p) && p.fract() == 0.0)
    );
}

#[cfg(feature = "penguins")]
#[test]
fn penguins() {
    let data = oxlearn_datasets::penguins().unwrap();
    assert_eq!(data.records().dim(), (344, 7));
    assert_eq!(
        data.feature_names(),
        [
            "island",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
            "sex",
            "year"
        ]
    );
    assert_eq!(data.target_names(), ["Adelie", "Chinstrap", "Gentoo"]);
    assert_eq!(class_counts(&data), [152, 68, 124]);
    assert_eq!(nan_count(&data), 19);
    let cats = data.categories();
    assert_eq!(
        cats[0],
        Some(vec![
            "Biscoe".to_string(),
            "Dream".to_string(),
            "Torgersen".to_string()
        ])
    );
    assert_eq!(
        cats[5],
        Some(vec!["female".to_string(), "male".to_string()])
    );
    assert!(cats[1..5].iter().all(Option::is_none) && cats[6].is_none());
    // First row: Adelie, Torgersen, ..., male, 2007.
    let row = data.records().row(0).to_vec();
    assert_eq!(row, vec![2.0, 39.1, 18.7, 181.0, 3750.0, 1.0, 2007.0]);
    assert_eq!(
        data.records()
            .column(5)
            .iter()
            .filter(|v| v.is_nan())
            .count(),
        11
    );
}

#[cfg(feature = "california_housing")]
#[test]
fn california_housing() {
    let data = oxlearn_datasets::california_housing().unwrap();
    assert_eq!(data.records().dim(), (20640, 8));
    assert_eq!(
        data.feature_names(),
        [
            "MedInc",
            "HouseAge",
            "AveRooms",
            "AveBedrms",
            "Population",
            "AveOccup",
            "Latitude",
            "Longitude"
        ]
    );
    assert_eq!(data.target_names(), ["MedHouseVal"]);
    assert_eq!(nan_count(&data), 0);
    assert_eq!(data.targets()[0], 4.526);
    assert!(
        data.targets()
            .iter()
            .all(|&y| (0.14..=5.00001).contains(&y))
    );
}

#[cfg(feature = "adult")]
#[test]
fn adult() {
    let start = std::time::Instant::now();
    let data = oxlearn_datasets::adult().unwrap();
    let elapsed = start.elapsed();
    assert_eq!(data.records().dim(), (48842, 14));
    assert_eq!(data.feature_names()[1], "workclass");
    assert_eq!(data.feature_names()[13], "native-country");
    assert_eq!(data.target_names(), ["<=50K", ">50K"]);
    assert_eq!(class_counts(&data), [37155, 11687]);
    assert_eq!(nan_count(&data), 6465);
    let categorical: Vec<&str> = data
        .feature_names()
        .iter()
        .zip(data.categories())
        .filter(|(_, c)| c.is_some())
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        categorical,
        [
            "workclass",
            "education",
            "marital-status",
            "occupation",
            "relationship",
            "race",
            "gender",
            "native-country"
        ]
    );
    let workclass = data.categories()[1].as_ref().unwrap();
    assert_eq!(workclass.len(), 8);
    assert_eq!(workclass[0], "Federal-gov");
    assert!(!workclass.iter().any(|w| w.is_empty() || w == "?"));
    for (j, name) in [(1, "workclass"), (6, "occupation"), (13, "native-country")] {
        let missing = data
            .records()
            .column(j)
            .iter()
            .filter(|v| v.is_nan())
            .count();
        let expected = match name {
            "workclass" => 2799,
            "occupation" => 2809,
            _ => 857,
        };
        assert_eq!(missing, expected, "{name}");
    }
    // Generous: a debug-ish test build; release loads in a few tens of ms.
    assert!(elapsed.as_secs_f64() < 5.0, "{elapsed:?}");
}

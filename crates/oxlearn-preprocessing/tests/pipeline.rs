//! The core `Pipeline` with preprocessing steps and a small classifier: fit
//! as one unit, predict raw records with missing values, serde round trip.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use oxlearn::{Dataset, DatasetView, Error, Fit, Pipeline, Predict, Transform, check};
use oxlearn_preprocessing::{HandleUnknown, OneHotEncoder, SimpleImputer, StandardScaler};

/// Nearest class centroid: a tiny classifier for tests.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct NearestCentroid;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct CentroidModel {
    centroids: Array2<f64>,
}

impl Fit<f64, usize> for NearestCentroid {
    type Model = CentroidModel;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, f64, usize>) -> Result<CentroidModel, Error> {
        check::records(data.records(), "records")?;
        let k = data.targets().iter().max().map_or(0, |m| m + 1);
        let mut centroids = Array2::zeros((k, data.n_features()));
        let mut counts = vec![0.0; k];
        for (row, &y) in data.records().rows().into_iter().zip(data.targets()) {
            centroids.row_mut(y).scaled_add(1.0, &row);
            counts[y] += 1.0;
        }
        for (mut c, n) in centroids.rows_mut().into_iter().zip(counts) {
            c /= f64::max(n, 1.0);
        }
        Ok(CentroidModel { centroids })
    }
}

impl Predict<f64> for CentroidModel {
    type Output = Array1<usize>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>, Error> {
        check::n_features(x, self.centroids.ncols())?;
        check::finite(x, "records")?;
        Ok(x.rows()
            .into_iter()
            .map(|r| {
                let dist = |c: usize| (&self.centroids.row(c) - &r).mapv(|v| v * v).sum();
                (0..self.centroids.nrows())
                    .min_by(|&a, &b| dist(a).total_cmp(&dist(b)))
                    .unwrap_or(0)
            })
            .collect())
    }

    fn n_features_in(&self) -> usize {
        self.centroids.ncols()
    }
}

#[test]
fn impute_scale_classify_and_round_trip() -> Result<(), Error> {
    let p = oxlearn_datasets::penguins()?;
    let x = p.records().select(Axis(1), &[1, 2, 3, 4]);
    let data = Dataset::new(x, p.targets().to_owned())?.with_feature_names([
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
    ])?;
    let pipe = Pipeline::new(SimpleImputer::default().add_indicator(true))
        .then(StandardScaler::default())
        .estimator(NearestCentroid);
    let fitted = pipe.fit(data.view())?;
    // Rows 3 and 339 lack every measurement: imputed, then predicted.
    let pred = fitted.predict(data.records())?;
    let accuracy = pred
        .iter()
        .zip(data.targets())
        .filter(|(a, b)| a == b)
        .count() as f64
        / 344.0;
    assert!(accuracy > 0.75, "accuracy {accuracy}");
    assert_eq!(
        fitted.steps().feature_names_out(data.feature_names())[4],
        "missingindicator_bill_length_mm"
    );

    let json = serde_json::to_string(&fitted).expect("serialize");
    let back: oxlearn::FittedPipeline<_, CentroidModel> =
        serde_json::from_str(&json).expect("load");
    assert_eq!(back.predict(data.records())?, pred);
    assert_eq!(back, fitted);
    assert!(fitted.predict(Array2::zeros((1, 3)).view()).is_err());
    Ok(())
}

#[test]
fn one_hot_then_scale_with_any_target_type() -> Result<(), Error> {
    let p = oxlearn_datasets::penguins()?;
    let species: Array1<String> = p
        .targets()
        .iter()
        .map(|&k| p.target_names()[k].clone())
        .collect();
    let data = p.clone().with_targets(species)?;
    let pipe = Pipeline::new(OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore))
        .then(StandardScaler::default());
    // Every column is one-hot encoded here (all are treated as categories).
    let fitted = pipe.fit(data.view())?;
    let names = fitted.feature_names_out(data.feature_names());
    assert_eq!(
        names[..3],
        ["island_Biscoe", "island_Dream", "island_Torgersen"]
    );
    assert_eq!(fitted.transform(data.records())?.ncols(), names.len());
    Ok(())
}

#[test]
fn column_transformer_scaler_classifier_round_trip() -> Result<(), Error> {
    use oxlearn_preprocessing::{ColumnTransformer, Columns, ImputeStrategy, Remainder};
    let p = oxlearn_datasets::penguins()?;
    let prep = ColumnTransformer::default()
        .add(
            "cat",
            Columns::names(["island", "sex"]),
            vec![
                SimpleImputer::default()
                    .strategy(ImputeStrategy::MostFrequent)
                    .into(),
                OneHotEncoder::default()
                    .handle_unknown(HandleUnknown::Ignore)
                    .into(),
            ],
        )
        .add(
            "num",
            Columns::names([
                "bill_length_mm",
                "bill_depth_mm",
                "flipper_length_mm",
                "body_mass_g",
            ]),
            vec![
                SimpleImputer::default()
                    .strategy(ImputeStrategy::Median)
                    .into(),
            ],
        )
        .remainder(Remainder::Drop);
    let pipe = Pipeline::new(prep)
        .then(StandardScaler::default())
        .estimator(NearestCentroid);
    let fitted = pipe.fit(p.view())?;
    let pred = fitted.predict(p.records())?;
    let accuracy = pred.iter().zip(p.targets()).filter(|(a, b)| a == b).count() as f64 / 344.0;
    assert!(accuracy > 0.8, "accuracy {accuracy}");
    let names = fitted.steps().feature_names_out(p.feature_names());
    assert_eq!(names[0], "cat__island_Biscoe");
    assert_eq!(names.len(), 9);

    let json = serde_json::to_string(&fitted).expect("serialize");
    let back: oxlearn::FittedPipeline<_, CentroidModel> =
        serde_json::from_str(&json).expect("load");
    assert_eq!(back.predict(p.records())?, pred);
    assert_eq!(back, fitted);
    Ok(())
}

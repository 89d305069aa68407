//! `TargetEncoder` inside a `Pipeline` and a `ColumnTransformer`: the
//! training rows given to the next step are the cross-fitted encoding
//! (`cross_fit_transform`, scikit-learn's `fit_transform`), new rows the
//! encoding learnt on all the training data.

use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use oxlearn::{
    Dataset, DatasetView, Error, Fit, FitTransform, FittedChain, FittedPipeline, Pipeline, Predict,
    Transform, check,
};
use oxlearn_preprocessing::{
    AnyTransformerModel, ColumnTransformer, ColumnTransformerModel, Columns, ImputeStrategy,
    Remainder, SimpleImputer, StandardScaler, StandardScalerModel, TargetEncoder,
    TargetEncoderModel,
};

/// Nearest class centroid: a tiny classifier for tests.
#[derive(Debug, Clone, Copy, Default)]
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

/// Penguins' columns `cols` with their names and categories, species as targets.
fn penguins(cols: &[usize]) -> Dataset<f64, usize> {
    let p = oxlearn_datasets::penguins().expect("penguins");
    Dataset::new(p.records().select(Axis(1), cols), p.targets().to_owned())
        .and_then(|d| d.with_feature_names(cols.iter().map(|&j| p.feature_names()[j].clone())))
        .and_then(|d| d.with_categories(cols.iter().map(|&j| p.categories()[j].clone()).collect()))
        .expect("columns")
}

/// Island and sex, the categorical columns of penguins.
fn categorical() -> Dataset<f64, usize> {
    penguins(&[0, 5])
}

#[test]
fn pipeline_fits_the_next_steps_on_the_cross_fitted_encoding() -> Result<(), Error> {
    let data = categorical();
    let encoder = TargetEncoder::default().cv(4).seed(7);
    let fitted = Pipeline::new(encoder)
        .then(StandardScaler::default())
        .estimator(NearestCentroid)
        .fit(data.view())?;

    // By hand: cross-fitted encoding, then the scaler and classifier on it.
    let (te, z) = encoder.cross_fit_transform(data.view())?;
    let (scaler, z2) =
        StandardScaler::default().fit_transform(DatasetView::new(z.view(), data.targets())?)?;
    let centroid = NearestCentroid.fit(DatasetView::new(z2.view(), data.targets())?)?;
    assert_eq!(fitted.steps().first(), &te);
    assert_eq!(fitted.steps().second(), &scaler);
    assert_eq!(fitted.estimator(), &centroid);

    // The in-sample encoding (fit then transform) is a different training set.
    assert_ne!(te.transform(data.records())?, z);

    // New records: the encodings learnt on all the data.
    let x = data.records();
    let through = scaler.transform(te.transform(x)?.view())?;
    assert_eq!(fitted.predict(x)?, centroid.predict(through.view())?);
    Ok(())
}

#[test]
fn column_transformer_group_output_is_the_cross_fitted_encoding() -> Result<(), Error> {
    // island, bill length and depth, sex.
    let data = penguins(&[0, 1, 2, 5]);
    let encoder = TargetEncoder::default();
    let ct = ColumnTransformer::default()
        .add("te", Columns::names(["island"]), vec![encoder.into()])
        .add(
            "num",
            Columns::names(["bill_length_mm", "bill_depth_mm"]),
            vec![
                SimpleImputer::default()
                    .strategy(ImputeStrategy::Median)
                    .into(),
                StandardScaler::default().into(),
            ],
        )
        .remainder(Remainder::Passthrough);
    let (model, out) = ct.fit_transform(data.view())?;

    let island = penguins(&[0]);
    let (te, expected) = encoder.cross_fit_transform(island.view())?;
    // Three species: one column per class.
    assert_eq!(expected.ncols(), 3);
    assert_eq!(out.slice(s![.., 0..3]), expected);
    let nums = penguins(&[1, 2]);
    let (_, imputed) = SimpleImputer::default()
        .strategy(ImputeStrategy::Median)
        .fit_transform(nums.view())?;
    let (_, scaled) = StandardScaler::default()
        .fit_transform(DatasetView::new(imputed.view(), nums.targets())?)?;
    assert_eq!(out.slice(s![.., 3..5]), scaled);
    let sex = data.records().column(3).to_owned();
    assert!(
        out.column(5)
            .iter()
            .zip(&sex)
            .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    );

    // `fit` gives the same model; new rows get the full-data encoding.
    assert_eq!(ct.fit(data.view())?, model);
    let steps = model.group_steps("te").expect("group te");
    assert_eq!(
        steps,
        [AnyTransformerModel::TargetEncoder(te_named(
            &te,
            ["0", "1", "2"]
        ))]
    );
    let new = model.transform(data.records())?;
    assert_eq!(new.slice(s![.., 0..3]), te.transform(island.records())?);
    assert_eq!(
        model.feature_names_out(data.feature_names())[..3],
        ["te__island_0", "te__island_1", "te__island_2"]
    );
    Ok(())
}

/// `te`'s encodings with classes named `names`, as a column transformer holds it.
fn te_named(te: &TargetEncoderModel<usize>, names: [&str; 3]) -> TargetEncoderModel<String> {
    let island = penguins(&[0]);
    let species: Array1<String> = island
        .targets()
        .iter()
        .map(|&k| names[k].to_string())
        .collect();
    let named = island.with_targets(species).expect("targets");
    let model = TargetEncoder::default().fit(named.view()).expect("fit");
    assert_eq!(model.encodings(), te.encodings());
    model
}

#[test]
fn column_transformer_passes_any_target_type_and_refuses_none() -> Result<(), Error> {
    let data = categorical();
    let names: Array1<String> = data
        .targets()
        .iter()
        .map(|&k| ["Adelie", "Chinstrap", "Gentoo"][k].to_string())
        .collect();
    let named = data.clone().with_targets(names)?;
    let ct = ColumnTransformer::default().add(
        "te",
        Columns::names(["sex"]),
        vec![TargetEncoder::default().into()],
    );
    let (model, out) = ct.fit_transform(named.view())?;
    let (_, expected) = TargetEncoder::default().cross_fit_transform(penguins(&[5]).view())?;
    assert_eq!(out, expected);
    assert_eq!(
        model.feature_names_out(named.feature_names()),
        ["te__sex_Adelie", "te__sex_Chinstrap", "te__sex_Gentoo"]
    );

    // f32 records.
    let x32 = data.records().mapv(|v| v as f32);
    let d32 = Dataset::new(x32, data.targets().to_owned())?
        .with_feature_names(data.feature_names().to_vec())?;
    let (_, out32) = ct.fit_transform(d32.view())?;
    let (_, expected32) = TargetEncoder::default().cross_fit_transform(
        Dataset::new(
            d32.records().slice(s![.., 1..2]).to_owned(),
            data.targets().to_owned(),
        )?
        .view(),
    )?;
    assert_eq!(out32, expected32);

    // No targets, or weights: the encoder refuses them.
    let unsupervised = Dataset::from_records(data.records().to_owned())
        .with_feature_names(data.feature_names().to_vec())?;
    assert!(ct.fit(unsupervised.view()).is_err());
    let weighted = data.clone().with_weights(Array1::ones(data.n_samples()))?;
    assert!(ct.fit(weighted.view()).is_err());
    // Transformers that ignore targets still fit without them.
    let scale = ColumnTransformer::default().add(
        "num",
        Columns::indices([0]),
        vec![StandardScaler::default().into()],
    );
    assert!(scale.fit(unsupervised.view()).is_ok());
    Ok(())
}

#[test]
fn fitted_pipeline_with_a_target_encoder_round_trips() -> Result<(), Box<dyn std::error::Error>> {
    type Model = FittedPipeline<
        FittedChain<ColumnTransformerModel<f64>, StandardScalerModel<f64>>,
        CentroidModel,
    >;
    let data = penguins(&[0, 1, 2, 5]);
    let ct = ColumnTransformer::default()
        .add(
            "te",
            Columns::names(["island", "sex"]),
            vec![TargetEncoder::default().into()],
        )
        .add(
            "num",
            Columns::names(["bill_length_mm", "bill_depth_mm"]),
            vec![SimpleImputer::default().into()],
        );
    let pipe = Pipeline::new(ct.clone())
        .then(StandardScaler::default())
        .estimator(NearestCentroid);
    let fitted: Model = pipe.fit(data.view())?;
    // The scaler was fitted on the column transformer's cross-fitted output.
    let (_, out) = ct.fit_transform(data.view())?;
    let (scaler, _) =
        StandardScaler::default().fit_transform(DatasetView::new(out.view(), data.targets())?)?;
    assert_eq!(fitted.steps().second(), &scaler);

    let loaded: Model = serde_json::from_str(&serde_json::to_string(&fitted)?)?;
    let pred = fitted.predict(data.records())?;
    assert_eq!(loaded.predict(data.records())?, pred);
    let accuracy = pred
        .iter()
        .zip(data.targets())
        .filter(|(a, b)| a == b)
        .count() as f64
        / data.n_samples() as f64;
    assert!(accuracy > 0.8, "accuracy {accuracy}");
    Ok(())
}

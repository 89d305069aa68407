//! A mixed table end to end: the Adult census data (48,842 people, numeric
//! and categorical columns with missing cells), a `ColumnTransformer` that
//! imputes and one-hot encodes the categorical columns and imputes and
//! scales the numeric ones, then a logistic regression; 5-fold
//! cross-validated accuracy and ROC AUC, and the fitted pipeline saved as
//! JSON and reloaded with identical predictions.
//!
//! ```sh
//! cargo run --release -p oxlearn-examples --example adult_pipeline
//! ```

use oxlearn::model_selection::{
    Accuracy, CrossValidateOptions, RocAuc, StratifiedKFold, cross_validate,
};
use oxlearn::{Error, Fit, FittedPipeline, Pipeline, Predict, PredictProba, Transform};
use oxlearn_examples::heading;
use oxlearn_linear::{LogisticRegression, LogisticRegressionModel};
use oxlearn_preprocessing::{
    ColumnTransformer, ColumnTransformerModel, Columns, HandleUnknown, ImputeStrategy,
    OneHotEncoder, SimpleImputer, StandardScaler,
};

fn main() -> Result<(), Error> {
    let adult = oxlearn_datasets::adult()?;
    heading("Adult census income");
    let names = adult.feature_names();
    let (categorical, numeric): (Vec<usize>, Vec<usize>) =
        (0..adult.n_features()).partition(|&j| adult.categories()[j].is_some());
    let pick = |cols: &[usize]| cols.iter().map(|&j| names[j].clone()).collect::<Vec<_>>();
    println!("{} samples", adult.n_samples());
    println!("categorical: {}", pick(&categorical).join(", "));
    println!("numeric:     {}", pick(&numeric).join(", "));

    let prep = ColumnTransformer::default()
        .add(
            "cat",
            Columns::Names(pick(&categorical)),
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
            Columns::Names(pick(&numeric)),
            vec![
                SimpleImputer::default()
                    .strategy(ImputeStrategy::Median)
                    .into(),
                StandardScaler::default().into(),
            ],
        );
    let pipeline = Pipeline::new(prep).estimator(LogisticRegression::default());

    heading("5-fold stratified cross-validation");
    let cv = StratifiedKFold::new(5);
    let options = CrossValidateOptions::default();
    let accuracy = cross_validate(&pipeline, adult.view(), &cv, &Accuracy, options)?;
    let auc = cross_validate(&pipeline, adult.view(), &cv, &RocAuc, options)?;
    println!(
        "accuracy {:.4} +/- {:.4}",
        accuracy.mean_test_score(),
        accuracy.std_test_score()
    );
    println!(
        "ROC AUC  {:.4} +/- {:.4}",
        auc.mean_test_score(),
        auc.std_test_score()
    );

    heading("Fit on everything, save, reload");
    let fitted = pipeline.fit(adult.view())?;
    let features = fitted.steps().feature_names_out(adult.feature_names());
    println!(
        "{} features after the column transformer, e.g.",
        features.len()
    );
    for name in features.iter().take(3).chain(features.iter().rev().take(2)) {
        println!("  {name}");
    }
    let json = serde_json::to_string(&fitted)
        .map_err(|e| Error::InvalidInput(format!("cannot serialise the pipeline: {e}")))?;
    let path = std::env::temp_dir().join("oxlearn_adult_pipeline.json");
    std::fs::write(&path, &json).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    type Fitted = FittedPipeline<ColumnTransformerModel<f64>, LogisticRegressionModel<f64, usize>>;
    let reloaded: Fitted = serde_json::from_str(&text)
        .map_err(|e| Error::InvalidModel(format!("cannot load the pipeline: {e}")))?;
    let before = fitted.predict_proba(adult.records())?;
    let after = reloaded.predict_proba(adult.records())?;
    assert_eq!(before, after, "the reloaded pipeline predicts identically");
    assert_eq!(
        fitted.predict(adult.records())?,
        reloaded.predict(adult.records())?
    );
    println!(
        "saved {} KB to {}; reloaded predictions identical",
        json.len() / 1024,
        path.display()
    );
    Ok(())
}

//! The README's first program: two real datasets, three models, honest
//! evaluation.
//!
//! 1. California housing (20,640 districts, 8 features): hold out a quarter,
//!    fit `LinearRegression` and `Ridge`, report R² and mean absolute error on
//!    the held-out districts.
//! 2. Breast cancer (569 tumours, 30 features): a pipeline that standardises
//!    the features and fits a `LogisticRegression`, scored by accuracy and ROC
//!    AUC under stratified 5-fold cross-validation.
//!
//! ```sh
//! cargo run -p oxlearn-examples --example quickstart
//! ```

use oxlearn::metrics::{mean_absolute_error, r2_score};
use oxlearn::model_selection::{
    Accuracy, CrossValidateOptions, RocAuc, StratifiedKFold, cross_validate, train_test_split,
};
use oxlearn::{Fit, Pipeline, Predict};
use oxlearn_examples::heading;
use oxlearn_linear::{LinearRegression, LogisticRegression, Ridge};
use oxlearn_preprocessing::StandardScaler;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let housing = oxlearn_datasets::california_housing()?;
    heading("California housing: median house value (100k USD)");
    println!(
        "{} districts x {} features: {}",
        housing.n_samples(),
        housing.n_features(),
        housing.feature_names().join(", ")
    );
    let (train, test) = train_test_split(housing.view(), 0.25, true, 42)?;
    println!(
        "{} training and {} held-out districts\n",
        train.n_samples(),
        test.n_samples()
    );
    let ols = LinearRegression::default().fit(train.view())?;
    let ridge = Ridge::default().alpha(1.0).fit(train.view())?;
    println!("{:<20} {:>8} {:>8}", "model", "R²", "MAE");
    for (name, pred) in [
        ("LinearRegression", ols.predict(test.records())?),
        ("Ridge (alpha 1)", ridge.predict(test.records())?),
    ] {
        println!(
            "{name:<20} {:>8.4} {:>8.4}",
            r2_score(test.targets(), &pred)?,
            mean_absolute_error(test.targets(), &pred)?
        );
    }

    let cancer = oxlearn_datasets::breast_cancer()?;
    heading("Breast cancer: benign or malignant");
    println!(
        "{} tumours x {} features, classes {:?}",
        cancer.n_samples(),
        cancer.n_features(),
        cancer.target_names()
    );
    let model = Pipeline::new(StandardScaler::default()).estimator(LogisticRegression::default());
    let cv = StratifiedKFold::new(5).shuffle(true).seed(0);
    let options = CrossValidateOptions::default();
    let accuracy = cross_validate(&model, cancer.view(), &cv, &Accuracy, options)?;
    let auc = cross_validate(&model, cancer.view(), &cv, &RocAuc, options)?;
    println!("scaled LogisticRegression (C = 1), stratified 5-fold cross-validation:");
    for (name, result) in [("accuracy", &accuracy), ("ROC AUC", &auc)] {
        let folds: Vec<String> = result
            .test_scores
            .iter()
            .map(|s| format!("{s:.3}"))
            .collect();
        println!(
            "  {name:<9} {:.4} +/- {:.4}   folds [{}]",
            result.mean_test_score(),
            result.std_test_score(),
            folds.join(", ")
        );
    }
    Ok(())
}

//! Explain a linear model: a coefficient table with standard errors,
//! t statistics, p-values and confidence intervals on the diabetes data, as
//! statsmodels' OLS summary reports it; then the same features through ridge
//! (penalty chosen by leave-one-out) and the lasso (by 5-fold
//! cross-validation), to see which coefficients survive shrinkage.
//!
//! Runs on the diabetes data (442 patients, 10 baseline measurements, disease
//! progression one year later).
//!
//! ```sh
//! cargo run -p oxlearn-examples --example ols_inference
//! ```

use oxlearn::metrics::r2_score;
use oxlearn::{Fit, Predict};
use oxlearn_examples::heading;
use oxlearn_linear::{LassoCV, LinearRegression, RidgeCV};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = oxlearn_datasets::diabetes()?;
    println!(
        "diabetes: {} samples, {} features",
        data.n_samples(),
        data.n_features()
    );

    heading("Ordinary least squares (95% confidence intervals)");
    let (summary, ols) = LinearRegression::default().summary_with_model(data.view(), 0.95)?;
    print!("{summary}");
    let significant: Vec<&str> = summary
        .names
        .iter()
        .zip(&summary.p_values)
        .filter(|(name, p)| name.as_str() != "const" && **p < 0.05)
        .map(|(name, _)| name.as_str())
        .collect();
    println!("features significant at 5%: {}", significant.join(", "));

    heading("Shrinkage");
    let ridge = RidgeCV::default()
        .alphas(vec![1e-3, 1e-2, 0.1, 1.0, 10.0])
        .fit(data.view())?;
    let lasso = LassoCV::default().fit(data.view())?;
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "feature", "OLS", "ridge", "lasso"
    );
    for (j, name) in data.feature_names().iter().enumerate() {
        println!(
            "{:<8} {:>10.3} {:>10.3} {:>10.3}",
            name,
            ols.coef()[j],
            ridge.coef()[j],
            lasso.coef()[j]
        );
    }
    let targets = data.targets().to_owned();
    println!(
        "ridge alpha = {} (leave-one-out), lasso alpha = {:.4} (5-fold CV), {} of {} lasso coefficients are zero",
        ridge.alpha(),
        lasso.alpha(),
        lasso.coef().iter().filter(|c| **c == 0.0).count(),
        data.n_features()
    );
    println!(
        "training R²: OLS {:.4}, ridge {:.4}, lasso {:.4}",
        r2_score(&targets, &ols.predict(data.records())?)?,
        r2_score(&targets, &ridge.predict(data.records())?)?,
        r2_score(&targets, &lasso.predict(data.records())?)?
    );
    Ok(())
}

//! Trees with oxlearn-trees: a decision tree on the Palmer penguins with
//! their missing values, printed as text; a random forest on California
//! housing with its out-of-bag R² and permutation importances; an isolation
//! forest finding the outliers planted in a generated set.
//!
//! ```sh
//! cargo run --release -p oxlearn-examples --example trees
//! ```

use oxlearn::inspection::{PermutationImportance, permutation_importance};
use oxlearn::metrics::{accuracy_score, r2_score};
use oxlearn::model_selection::R2;
use oxlearn::random::rng_from_seed;
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_datasets::generators::{MakeBlobs, make_blobs};
use oxlearn_examples::heading;
use oxlearn_trees::{DecisionTreeClassifier, Export, IsolationForest, RandomForestRegressor};
use rand::Rng as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    heading("A decision tree on penguins (344 x 7, 19 missing cells kept as NaN)");
    let penguins = oxlearn_datasets::penguins()?;
    let missing = penguins.records().iter().filter(|v| v.is_nan()).count();
    let species = penguins.target_names().to_vec();
    let names = penguins.feature_names().to_vec();
    let labels = penguins
        .targets()
        .mapv(|c| species.get(c).cloned().unwrap_or_else(|| c.to_string()));
    let penguins = Dataset::new(penguins.records().to_owned(), labels)?;
    let (train, test) = penguins.stratified_split(0.25, 0)?;
    let tree = DecisionTreeClassifier::default()
        .max_depth(Some(3))
        .fit(train.view())?;
    let pred = tree.predict(test.records())?;
    println!(
        "{missing} missing values, no imputation; test accuracy {:.3}, {} leaves",
        accuracy_score(test.targets(), &pred)?,
        tree.get_n_leaves()
    );
    print!(
        "{}",
        tree.export_text(&Export::default().feature_names(names))
    );

    heading("A random forest on California housing (20640 x 8)");
    let housing = oxlearn_datasets::california_housing()?.shuffle(0);
    let (train, test) = housing.view().split_ratio(0.2)?;
    let forest = RandomForestRegressor::default()
        .n_estimators(50)
        .min_samples_leaf(2)
        .oob_score(true)
        .fit(train)?;
    let pred = forest.predict(test.records())?;
    println!(
        "OOB R² {:.3}, test R² {:.3}",
        forest.oob_score().unwrap_or(f64::NAN),
        r2_score(test.targets(), &pred)?
    );
    let options = PermutationImportance::default()
        .n_repeats(3)
        .max_samples(Some(2000));
    let importance = permutation_importance(&forest, test, &R2, &options)?;
    let mut order: Vec<usize> = (0..housing.n_features()).collect();
    order.sort_by(|&a, &b| {
        importance.importances_mean[b].total_cmp(&importance.importances_mean[a])
    });
    println!("permutation importance (drop in R² on 2000 test rows, 3 repeats):");
    for j in order {
        println!(
            "  {:<12} {:.3} ± {:.3}",
            housing.feature_names()[j],
            importance.importances_mean[j],
            importance.importances_std[j]
        );
    }

    heading("An isolation forest on 1000 blob points and 20 planted outliers");
    let (blobs, _) = make_blobs(
        &MakeBlobs::default()
            .n_samples(1000)
            .n_features(2)
            .n_centers(3)
            .seed(1),
    )?;
    let mut x = blobs.records().to_owned();
    let mut rng = rng_from_seed(2);
    let outliers = ndarray::Array2::from_shape_simple_fn((20, 2), || rng.random_range(-30.0..30.0));
    x.append(ndarray::Axis(0), outliers.view())?;
    let model = IsolationForest::default()
        .contamination(oxlearn_trees::Contamination::Fraction(0.02))
        .fit(Dataset::from_records(x.clone()).view())?;
    let flagged = model.predict(x.view())?;
    let found = flagged.iter().skip(1000).filter(|&&p| p == -1).count();
    let false_alarms = flagged.iter().take(1000).filter(|&&p| p == -1).count();
    println!("{found} of the 20 planted outliers flagged, {false_alarms} of the 1000 blob points");
    Ok(())
}

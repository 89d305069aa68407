//! # oxlearn-datasets
//!
//! Data for [`oxlearn`]: real datasets bundled in the crate, seeded
//! synthetic generators, and loaders for your own CSV and numpy `.npy` files.
//! Everything returns an [`oxlearn::Dataset`] (or an `ndarray` array for
//! `.npy`), and every failure is an [`oxlearn::Error`] that says what was
//! wrong and where.
//!
//! - **Bundled datasets** ([`bundled`]): [`iris`], [`wine`], [`breast_cancer`],
//!   [`diabetes`], [`digits`] and [`penguins`] (default features), plus
//!   `california_housing` and `adult` (opt-in features, or `all`). They
//!   are compiled in, so loading needs no file system or network.
//! - **Generators** ([`generators`]): [`make_classification`],
//!   [`make_regression`], [`make_blobs`], [`make_moons`], [`make_circles`] and
//!   [`make_friedman1`], with scikit-learn's algorithms, parameter names and
//!   defaults, and a `seed: u64` that makes every run reproducible.
//! - **CSV** ([`csv`]): [`CsvOptions`] reads a header, picks the target
//!   column, turns missing markers into NaN and, when asked, text columns into
//!   categorical codes; gzip is decompressed transparently.
//! - **`.npy`** ([`npy`]): [`read_npy`] and [`write_npy`] move `f32`/`f64`
//!   arrays to and from numpy.
//!
//! ```
//! use oxlearn_datasets::csv::CsvOptions;
//! use oxlearn_datasets::generators::{make_blobs, MakeBlobs};
//!
//! // A bundled dataset (feature `iris`, on by default).
//! # #[cfg(feature = "iris")] {
//! let iris = oxlearn_datasets::iris()?;
//! assert_eq!((iris.n_samples(), iris.n_features()), (150, 4));
//! assert_eq!(iris.target_names(), ["setosa", "versicolor", "virginica"]);
//! # }
//!
//! // A seeded generator: the same seed gives the same data.
//! let params = MakeBlobs::default().n_samples(60).n_centers(3).seed(1);
//! let (blobs, centers) = make_blobs(&params)?;
//! assert_eq!(blobs.records().dim(), (60, 2));
//! assert_eq!(centers.nrows(), 3);
//! assert_eq!(make_blobs(&params)?.0, blobs);
//!
//! // Your own CSV, with string class labels.
//! let csv = "length,width,kind\n1.0,0.5,small\n4.0,2.0,large\n1.2,NA,small\n";
//! let data = CsvOptions::new().target("kind").read_from::<String>(csv.as_bytes(), "shapes.csv")?;
//! assert_eq!(data.targets()[1], "large");
//! assert!(data.records()[[2, 1]].is_nan());
//! # Ok::<(), oxlearn::Error>(())
//! ```
//!
//! ## Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `iris`, `wine`, `breast_cancer`, `diabetes`, `digits`, `penguins` | yes | the small bundled datasets (about 120 kB together) |
//! | `california_housing`, `adult` | no | the larger bundled datasets (0.7 and 0.6 MB) |
//! | `all` | no | every bundled dataset |
//! | `serde` | yes | `Serialize`/`Deserialize` for the generators' parameters |

pub mod bundled;
pub mod csv;
pub mod generators;
pub mod npy;
mod source;

pub use self::csv::{CsvOptions, CsvTarget, StringColumns, TargetColumn};
#[cfg(feature = "adult")]
pub use bundled::adult;
#[cfg(feature = "breast_cancer")]
pub use bundled::breast_cancer;
#[cfg(feature = "california_housing")]
pub use bundled::california_housing;
#[cfg(feature = "diabetes")]
pub use bundled::diabetes;
#[cfg(feature = "digits")]
pub use bundled::digits;
#[cfg(feature = "iris")]
pub use bundled::iris;
#[cfg(feature = "penguins")]
pub use bundled::penguins;
#[cfg(feature = "wine")]
pub use bundled::wine;
pub use generators::{
    Centers, MakeBlobs, MakeCircles, MakeClassification, MakeFriedman1, MakeMoons, MakeRegression,
    make_blobs, make_circles, make_classification, make_friedman1, make_moons, make_regression,
};
pub use npy::{NpyElement, read_npy, read_npy_from, write_npy, write_npy_to};

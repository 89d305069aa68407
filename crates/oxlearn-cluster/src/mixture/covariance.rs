//! Covariance types: their shapes, Cholesky factors of the precisions,
//! log-determinants and numbers of free parameters.
//!
//! Everything here works in `f64` on row-major buffers:
//!
//! | type        | covariances / precision factors |
//! |-------------|---------------------------------|
//! | `Full`      | `k x d x d`                     |
//! | `Tied`      | `d x d`                         |
//! | `Diag`      | `k x d`                         |
//! | `Spherical` | `k`                             |
//!
//! As in scikit-learn, the precision factor of a covariance `C = L L^T` is
//! the upper-triangular `U = L^-T`, so that the precision is `U U^T`.

use crate::error::{ClusterError, Result};

/// The form of the components' covariance matrices, as scikit-learn's
/// `covariance_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CovarianceType {
    /// Each component has its own general covariance matrix (`"full"`).
    #[default]
    Full,
    /// All components share one general covariance matrix (`"tied"`).
    Tied,
    /// Each component has its own diagonal covariance matrix (`"diag"`).
    Diag,
    /// Each component has its own single variance (`"spherical"`).
    Spherical,
}

impl CovarianceType {
    /// scikit-learn's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            CovarianceType::Full => "full",
            CovarianceType::Tied => "tied",
            CovarianceType::Diag => "diag",
            CovarianceType::Spherical => "spherical",
        }
    }

    /// The shape of the covariances (and precisions) of `k` components in
    /// `d` dimensions: `[k, d, d]`, `[d, d]`, `[k, d]` or `[k]`.
    pub fn shape(self, k: usize, d: usize) -> Vec<usize> {
        match self {
            CovarianceType::Full => vec![k, d, d],
            CovarianceType::Tied => vec![d, d],
            CovarianceType::Diag => vec![k, d],
            CovarianceType::Spherical => vec![k],
        }
    }

    /// The number of free parameters of a mixture of `k` components in `d`
    /// dimensions (scikit-learn's `_n_parameters`): covariances, means and
    /// `k - 1` weights.
    pub fn n_parameters(self, k: usize, d: usize) -> usize {
        let cov = match self {
            CovarianceType::Full => k * d * (d + 1) / 2,
            CovarianceType::Tied => d * (d + 1) / 2,
            CovarianceType::Diag => k * d,
            CovarianceType::Spherical => k,
        };
        cov + k * d + k - 1
    }
}

/// The lower Cholesky factor of the symmetric `d x d` matrix `a` (only its
/// lower triangle is read), or `None` when `a` is not positive definite.
pub(crate) fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; d * d];
    for j in 0..d {
        let mut diag = a[j * d + j];
        for p in 0..j {
            diag -= l[j * d + p] * l[j * d + p];
        }
        if !(diag > 0.0 && diag.is_finite()) {
            return None;
        }
        let ljj = diag.sqrt();
        l[j * d + j] = ljj;
        for i in j + 1..d {
            let mut s = a[i * d + j];
            for p in 0..j {
                s -= l[i * d + p] * l[j * d + p];
            }
            l[i * d + j] = s / ljj;
        }
    }
    Some(l)
}

/// `L^-T` for a lower-triangular `L`: upper triangular.
fn inverse_transpose(l: &[f64], d: usize) -> Vec<f64> {
    // Solve L X = I column by column (forward substitution); X is lower
    // triangular and the result is its transpose.
    let mut u = vec![0.0; d * d];
    for c in 0..d {
        for i in c..d {
            let mut s = if i == c { 1.0 } else { 0.0 };
            for p in c..i {
                s -= l[i * d + p] * u[c * d + p];
            }
            // X[i][c] stored at U[c][i].
            u[c * d + i] = s / l[i * d + i];
        }
    }
    u
}

/// The error of a covariance that is not positive definite.
fn ill_defined(component: String, reg_covar: f64) -> ClusterError {
    ClusterError::IllDefinedCovariance {
        component,
        reg_covar,
    }
}

/// scikit-learn's `_compute_precision_cholesky`: the precision factors of
/// the covariances.
///
/// # Errors
/// [`ClusterError::IllDefinedCovariance`] naming the first component whose
/// covariance is not positive definite.
pub(crate) fn precision_cholesky(
    kind: CovarianceType,
    cov: &[f64],
    k: usize,
    d: usize,
    reg_covar: f64,
) -> Result<Vec<f64>> {
    match kind {
        CovarianceType::Full => {
            let mut out = Vec::with_capacity(k * d * d);
            for (c, block) in cov.chunks_exact(d * d).enumerate() {
                let l = cholesky(block, d)
                    .ok_or_else(|| ill_defined(format!("component {c}"), reg_covar))?;
                out.extend(inverse_transpose(&l, d));
            }
            Ok(out)
        }
        CovarianceType::Tied => {
            let l = cholesky(cov, d)
                .ok_or_else(|| ill_defined("the tied covariance".into(), reg_covar))?;
            Ok(inverse_transpose(&l, d))
        }
        CovarianceType::Diag | CovarianceType::Spherical => {
            let per = if kind == CovarianceType::Diag { d } else { 1 };
            if let Some(i) = cov.iter().position(|&v| !(v > 0.0 && v.is_finite())) {
                return Err(ill_defined(format!("component {}", i / per), reg_covar));
            }
            Ok(cov.iter().map(|&v| 1.0 / v.sqrt()).collect())
        }
    }
}

/// The upper factor `U` with `P = U U^T` of one symmetric positive definite
/// precision matrix (scikit-learn's flipped Cholesky), or `None`.
fn upper_factor(p: &[f64], d: usize) -> Option<Vec<f64>> {
    let flipped: Vec<f64> = (0..d * d)
        .map(|idx| p[(d - 1 - idx / d) * d + (d - 1 - idx % d)])
        .collect();
    for i in 0..d {
        for j in 0..i {
            let (a, b) = (p[i * d + j], p[j * d + i]);
            if (a - b).abs() > 1e-8 + 1e-5 * b.abs() {
                return None;
            }
        }
    }
    let l = cholesky(&flipped, d)?;
    Some(
        (0..d * d)
            .map(|idx| l[(d - 1 - idx / d) * d + (d - 1 - idx % d)])
            .collect(),
    )
}

/// scikit-learn's `_compute_precision_cholesky_from_precisions`: the factors
/// of user-given precisions (already of the right shape).
///
/// # Errors
/// An invalid `precisions_init` when a precision is not symmetric positive
/// definite (or, for diagonal types, not positive).
pub(crate) fn precision_cholesky_from_precisions(
    kind: CovarianceType,
    prec: &[f64],
    d: usize,
) -> oxlearn::Result<Vec<f64>> {
    let bad = |what: String| {
        oxlearn::Error::invalid_parameter(
            "precisions_init",
            format!(
                "{} precisions that are symmetric positive definite",
                kind.name()
            ),
            what,
        )
    };
    match kind {
        CovarianceType::Full | CovarianceType::Tied => {
            let mut out = Vec::with_capacity(prec.len());
            for (c, block) in prec.chunks_exact(d * d).enumerate() {
                let u = upper_factor(block, d)
                    .ok_or_else(|| bad(format!("matrix {c} is not symmetric positive definite")))?;
                out.extend(u);
            }
            Ok(out)
        }
        CovarianceType::Diag | CovarianceType::Spherical => {
            if let Some(i) = prec.iter().position(|&v| v <= 0.0) {
                return Err(bad(format!("value {i} is {} (<= 0)", prec[i])));
            }
            Ok(prec.iter().map(|&v| v.sqrt()).collect())
        }
    }
}

/// The log-determinant of each component's precision factor (scikit-learn's
/// `_compute_log_det_cholesky`), `k` values.
pub(crate) fn log_det_cholesky(kind: CovarianceType, pc: &[f64], k: usize, d: usize) -> Vec<f64> {
    let diag_sum = |m: &[f64]| (0..d).map(|i| m[i * d + i].ln()).sum::<f64>();
    match kind {
        CovarianceType::Full => pc.chunks_exact(d * d).map(diag_sum).collect(),
        CovarianceType::Tied => vec![diag_sum(pc); k],
        CovarianceType::Diag => pc
            .chunks_exact(d)
            .map(|r| r.iter().map(|v| v.ln()).sum())
            .collect(),
        CovarianceType::Spherical => pc.iter().map(|v| d as f64 * v.ln()).collect(),
    }
}

/// The precisions from their factors: `U U^T` for full and tied types, the
/// squares otherwise.
pub(crate) fn precisions(kind: CovarianceType, pc: &[f64], d: usize) -> Vec<f64> {
    match kind {
        CovarianceType::Full | CovarianceType::Tied => {
            let mut out = vec![0.0; pc.len()];
            for (u, p) in pc.chunks_exact(d * d).zip(out.chunks_exact_mut(d * d)) {
                for i in 0..d {
                    for j in 0..d {
                        p[i * d + j] = (0..d).map(|m| u[i * d + m] * u[j * d + m]).sum();
                    }
                }
            }
            out
        }
        CovarianceType::Diag | CovarianceType::Spherical => pc.iter().map(|v| v * v).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_of_covariance_inverts_it() {
        let cov = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let u = precision_cholesky(CovarianceType::Full, &cov, 1, 3, 0.0).unwrap();
        let p = precisions(CovarianceType::Full, &u, 3);
        // P C = I.
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|m| p[i * 3 + m] * cov[m * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        // U is upper triangular, and the factor of P itself is U again.
        assert_eq!(u[3], 0.0);
        let u2 = precision_cholesky_from_precisions(CovarianceType::Full, &p, 3).unwrap();
        for (a, b) in u.iter().zip(&u2) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn not_positive_definite_names_the_component() {
        let cov = [1.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 1.0];
        let err = precision_cholesky(CovarianceType::Full, &cov, 2, 2, 1e-6).unwrap_err();
        assert!(err.to_string().contains("component 1"), "{err}");
        assert!(err.to_string().contains("reg_covar"), "{err}");
        let err = precision_cholesky(CovarianceType::Diag, &[1.0, 1.0, 0.0, 1.0], 2, 2, 0.0);
        assert!(err.unwrap_err().to_string().contains("component 1"));
    }

    #[test]
    fn parameter_counts() {
        assert_eq!(CovarianceType::Full.n_parameters(3, 4), 3 * 10 + 12 + 2);
        assert_eq!(CovarianceType::Tied.n_parameters(3, 4), 10 + 12 + 2);
        assert_eq!(CovarianceType::Diag.n_parameters(3, 4), 12 + 12 + 2);
        assert_eq!(CovarianceType::Spherical.n_parameters(3, 4), 3 + 12 + 2);
    }
}

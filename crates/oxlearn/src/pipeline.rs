//! Transformers chained before an estimator.

/// Placeholder replaced by the pipeline implementation.
pub struct Pipeline;
/// Placeholder replaced by the pipeline implementation.
pub struct FittedPipeline;

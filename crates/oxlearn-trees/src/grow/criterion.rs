//! Split criteria as additive statistics.
//!
//! Every criterion here keeps, for a set of samples, a few weighted sums
//! (class counts; output sums and the sum of squares; output sums and the sum
//! of `y log y`), which add up over samples: a split search accumulates the
//! left child's sums in one pass and gets the right child's by subtraction.
//! The impurities and proxies are scikit-learn's (`sklearn/tree/_criterion.pyx`).

/// A split criterion over weighted sums of `width()` statistics.
pub(crate) trait Criterion: Sync {
    /// The number of statistics per sample set.
    fn width(&self) -> usize;

    /// The length of a node's value.
    fn value_width(&self) -> usize;

    /// What one sample contributes, prepared once per tree so that adding
    /// it reads one record (not the target and the weight apart).
    type Sample: Copy + Send + Sync;

    /// Sample `i` with weight `w`.
    fn prepare(&self, i: usize, w: f64) -> Self::Sample;

    /// The weight of a prepared sample.
    fn weight(sample: &Self::Sample) -> f64;

    /// Adds a prepared sample to `stats`.
    #[inline(always)]
    fn add(&self, stats: &mut [f64], sample: &Self::Sample) {
        self.add_scaled(stats, sample, 1.0);
    }

    /// Adds `scale` (0 or 1) times a prepared sample to `stats`: the random
    /// splitter's sums of one side without a branch per sample.
    fn add_scaled(&self, stats: &mut [f64], sample: &Self::Sample, scale: f64);

    /// Whether [`add`](Self::add) writes the same positions of `stats`
    /// whatever the sample (so a scan may keep the sums in registers).
    fn adds_at_fixed_positions(&self) -> bool {
        false
    }

    /// The impurity of a set with statistics `stats` and total weight `w`.
    fn impurity(&self, stats: &[f64], w: f64) -> f64;

    /// A quantity that orders splits as their impurity decrease does
    /// (greater is better).
    fn proxy(&self, left: &[f64], wl: f64, right: &[f64], wr: f64) -> f64 {
        -wl * self.impurity(left, wl) - wr * self.impurity(right, wr)
    }

    /// The weighted impurity decrease of a split, relative to the total
    /// training weight `w_total`, as scikit-learn's `impurity_improvement`.
    #[allow(clippy::too_many_arguments)]
    fn improvement(
        &self,
        parent_impurity: f64,
        w_node: f64,
        w_total: f64,
        left: &[f64],
        wl: f64,
        right: &[f64],
        wr: f64,
    ) -> f64 {
        let (il, ir) = (self.impurity(left, wl), self.impurity(right, wr));
        w_node / w_total * (parent_impurity - wr / w_node * ir - wl / w_node * il)
    }

    /// Writes the value of a set (class fractions, output means) to `out`.
    fn value(&self, stats: &[f64], w: f64, out: &mut [f64]);

    /// The scalar a monotonic constraint applies to: the fraction of the
    /// second class, or the mean of the only output.
    fn monotone_value(&self, stats: &[f64], w: f64) -> f64;

    /// The absolute error criterion, whose statistics (the weight only) do
    /// not decide a set's impurity, value or proxy: the grower and the split
    /// search take them from the samples (`super::median`). `None` for every
    /// additive criterion.
    fn absolute_error(&self) -> Option<&AbsoluteError<'_>> {
        None
    }
}

/// Gini impurity over class indices `y`.
pub(crate) struct Gini<'a> {
    pub(crate) y: &'a [u32],
    pub(crate) n_classes: usize,
}

/// Shannon entropy in bits (log loss) over class indices `y`.
pub(crate) struct Entropy<'a> {
    pub(crate) y: &'a [u32],
    pub(crate) n_classes: usize,
}

/// A classification sample: its weight and class.
#[derive(Clone, Copy)]
pub(crate) struct ClassSample {
    w: f64,
    class: u32,
}

/// A regression sample: its weight, the weighted target and square of a
/// single output, and its row (for several outputs).
#[derive(Clone, Copy)]
pub(crate) struct RegressionSample {
    w: f64,
    wy: f64,
    wy2: f64,
    row: u32,
}

impl RegressionSample {
    /// A sample known by its row and weight only (the criterion reads its
    /// targets itself).
    fn of_row(i: usize, w: f64) -> Self {
        RegressionSample {
            w,
            wy: 0.0,
            wy2: 0.0,
            row: i as u32,
        }
    }
}

fn class_value(stats: &[f64], w: f64, out: &mut [f64]) {
    for (o, &c) in out.iter_mut().zip(stats) {
        *o = if w > 0.0 { c / w } else { 0.0 };
    }
}

fn class_monotone(stats: &[f64], w: f64) -> f64 {
    if w > 0.0 { stats[1] / w } else { 0.0 }
}

impl Criterion for Gini<'_> {
    type Sample = ClassSample;
    fn prepare(&self, i: usize, w: f64) -> ClassSample {
        ClassSample {
            w,
            class: self.y[i],
        }
    }
    #[inline(always)]
    fn weight(sample: &ClassSample) -> f64 {
        sample.w
    }
    fn width(&self) -> usize {
        self.n_classes
    }
    fn value_width(&self) -> usize {
        self.n_classes
    }
    #[inline(always)]
    fn add_scaled(&self, stats: &mut [f64], sample: &ClassSample, scale: f64) {
        stats[sample.class as usize] += scale * sample.w;
    }
    fn impurity(&self, stats: &[f64], w: f64) -> f64 {
        let sq: f64 = stats.iter().map(|c| c * c).sum();
        1.0 - sq / (w * w)
    }
    /// `-wl gini_l - wr gini_r` without the constant `-w_node`.
    #[inline(always)]
    fn proxy(&self, left: &[f64], wl: f64, right: &[f64], wr: f64) -> f64 {
        let sl: f64 = left.iter().map(|c| c * c).sum();
        let sr: f64 = right.iter().map(|c| c * c).sum();
        sl / wl + sr / wr
    }
    fn value(&self, stats: &[f64], w: f64, out: &mut [f64]) {
        class_value(stats, w, out);
    }
    fn monotone_value(&self, stats: &[f64], w: f64) -> f64 {
        class_monotone(stats, w)
    }
}

impl Criterion for Entropy<'_> {
    type Sample = ClassSample;
    fn prepare(&self, i: usize, w: f64) -> ClassSample {
        ClassSample {
            w,
            class: self.y[i],
        }
    }
    #[inline(always)]
    fn weight(sample: &ClassSample) -> f64 {
        sample.w
    }
    fn width(&self) -> usize {
        self.n_classes
    }
    fn value_width(&self) -> usize {
        self.n_classes
    }
    #[inline(always)]
    fn add_scaled(&self, stats: &mut [f64], sample: &ClassSample, scale: f64) {
        stats[sample.class as usize] += scale * sample.w;
    }
    /// In bits, as scikit-learn's (its trees' `log` is base 2).
    fn impurity(&self, stats: &[f64], w: f64) -> f64 {
        let mut h = 0.0;
        for &c in stats {
            if c > 0.0 {
                let p = c / w;
                h -= p * p.log2();
            }
        }
        h
    }
    fn value(&self, stats: &[f64], w: f64, out: &mut [f64]) {
        class_value(stats, w, out);
    }
    fn monotone_value(&self, stats: &[f64], w: f64) -> f64 {
        class_monotone(stats, w)
    }
}

/// Squared error over row-major targets `y` (`n_outputs` per sample);
/// statistics: the sum of each output, then the sum of all squares.
pub(crate) struct SquaredError<'a> {
    pub(crate) y: &'a [f64],
    pub(crate) n_outputs: usize,
    /// Friedman's improvement score instead of the plain decrease.
    pub(crate) friedman: bool,
}

fn mean_value(stats: &[f64], w: f64, out: &mut [f64]) {
    for (o, &s) in out.iter_mut().zip(stats) {
        *o = if w > 0.0 { s / w } else { 0.0 };
    }
}

impl Criterion for SquaredError<'_> {
    type Sample = RegressionSample;
    fn prepare(&self, i: usize, w: f64) -> RegressionSample {
        let v = self.y[i * self.n_outputs];
        RegressionSample {
            w,
            wy: w * v,
            wy2: w * v * v,
            row: i as u32,
        }
    }
    #[inline(always)]
    fn weight(sample: &RegressionSample) -> f64 {
        sample.w
    }
    fn width(&self) -> usize {
        self.n_outputs + 1
    }
    fn value_width(&self) -> usize {
        self.n_outputs
    }
    #[inline(always)]
    fn add_scaled(&self, stats: &mut [f64], sample: &RegressionSample, scale: f64) {
        let m = self.n_outputs;
        if m == 1 {
            stats[0] += scale * sample.wy;
            stats[1] += scale * sample.wy2;
            return;
        }
        let i = sample.row as usize;
        let w = scale * sample.w;
        let mut sq = 0.0;
        for (s, &v) in stats.iter_mut().zip(&self.y[i * m..(i + 1) * m]) {
            *s += w * v;
            sq += w * v * v;
        }
        stats[m] += sq;
    }
    /// The sum and the sum of squares, for one output.
    fn adds_at_fixed_positions(&self) -> bool {
        self.n_outputs == 1
    }
    fn impurity(&self, stats: &[f64], w: f64) -> f64 {
        let m = self.n_outputs;
        let mut imp = stats[m] / w;
        for &s in &stats[..m] {
            imp -= (s / w) * (s / w);
        }
        imp / m as f64
    }
    #[inline(always)]
    fn proxy(&self, left: &[f64], wl: f64, right: &[f64], wr: f64) -> f64 {
        let m = self.n_outputs;
        if m == 1 && !self.friedman {
            return left[0] * left[0] / wl + right[0] * right[0] / wr;
        }
        if self.friedman {
            let sl: f64 = left[..m].iter().sum();
            let sr: f64 = right[..m].iter().sum();
            let diff = wr * sl - wl * sr;
            diff * diff / (wl * wr)
        } else {
            let pl: f64 = left[..m].iter().map(|s| s * s).sum();
            let pr: f64 = right[..m].iter().map(|s| s * s).sum();
            pl / wl + pr / wr
        }
    }
    fn improvement(
        &self,
        parent_impurity: f64,
        w_node: f64,
        w_total: f64,
        left: &[f64],
        wl: f64,
        right: &[f64],
        wr: f64,
    ) -> f64 {
        let m = self.n_outputs;
        if self.friedman {
            let sl: f64 = left[..m].iter().sum();
            let sr: f64 = right[..m].iter().sum();
            let diff = (wr * sl - wl * sr) / m as f64;
            diff * diff / (wl * wr * w_node)
        } else {
            let (il, ir) = (self.impurity(left, wl), self.impurity(right, wr));
            w_node / w_total * (parent_impurity - wr / w_node * ir - wl / w_node * il)
        }
    }
    fn value(&self, stats: &[f64], w: f64, out: &mut [f64]) {
        mean_value(stats, w, out);
    }
    fn monotone_value(&self, stats: &[f64], w: f64) -> f64 {
        stats[0] / w
    }
}

/// Half Poisson deviance over non-negative targets; statistics: the sum of
/// each output, then the sum of `y log y` of each output.
pub(crate) struct Poisson<'a> {
    pub(crate) y: &'a [f64],
    pub(crate) n_outputs: usize,
}

/// A sum below this is treated as zero (scikit-learn's `EPSILON`).
const EPSILON: f64 = f64::EPSILON;

impl Criterion for Poisson<'_> {
    type Sample = RegressionSample;
    fn prepare(&self, i: usize, w: f64) -> RegressionSample {
        RegressionSample::of_row(i, w)
    }
    #[inline(always)]
    fn weight(sample: &RegressionSample) -> f64 {
        sample.w
    }
    fn width(&self) -> usize {
        2 * self.n_outputs
    }
    fn value_width(&self) -> usize {
        self.n_outputs
    }
    #[inline(always)]
    fn add_scaled(&self, stats: &mut [f64], sample: &RegressionSample, scale: f64) {
        let m = self.n_outputs;
        let (i, w) = (sample.row as usize, scale * sample.w);
        for (o, &v) in self.y[i * m..(i + 1) * m].iter().enumerate() {
            stats[o] += w * v;
            if v > 0.0 {
                stats[m + o] += w * v * v.ln();
            }
        }
    }
    fn impurity(&self, stats: &[f64], w: f64) -> f64 {
        let m = self.n_outputs;
        let mut loss = 0.0;
        for o in 0..m {
            let s = stats[o];
            if s <= EPSILON {
                return f64::INFINITY;
            }
            // sum w y log(y / mean) = sum w y log y - sum(w y) log(mean)
            loss += stats[m + o] - s * (s / w).ln();
        }
        loss / (w * m as f64)
    }
    #[inline(always)]
    fn proxy(&self, left: &[f64], wl: f64, right: &[f64], wr: f64) -> f64 {
        let m = self.n_outputs;
        let mut proxy = 0.0;
        for o in 0..m {
            let (sl, sr) = (left[o], right[o]);
            if sl <= EPSILON || sr <= EPSILON {
                return f64::NEG_INFINITY;
            }
            proxy += sl * (sl / wl).ln() + sr * (sr / wr).ln();
        }
        proxy
    }
    fn value(&self, stats: &[f64], w: f64, out: &mut [f64]) {
        mean_value(stats, w, out);
    }
    fn monotone_value(&self, stats: &[f64], w: f64) -> f64 {
        stats[0] / w
    }
}

/// Mean absolute error over row-major targets `y`; leaves predict the
/// weighted median. Its only statistic is the weight: see
/// [`Criterion::absolute_error`].
pub(crate) struct AbsoluteError<'a> {
    pub(crate) y: &'a [f64],
    pub(crate) n_outputs: usize,
}

impl Criterion for AbsoluteError<'_> {
    type Sample = RegressionSample;
    fn prepare(&self, i: usize, w: f64) -> RegressionSample {
        RegressionSample::of_row(i, w)
    }
    #[inline(always)]
    fn weight(sample: &RegressionSample) -> f64 {
        sample.w
    }
    fn width(&self) -> usize {
        1
    }
    fn value_width(&self) -> usize {
        self.n_outputs
    }
    fn add_scaled(&self, stats: &mut [f64], sample: &RegressionSample, scale: f64) {
        stats[0] += scale * sample.w;
    }
    /// Not decided by the weight: NaN (the grower asks the samples).
    fn impurity(&self, _stats: &[f64], _w: f64) -> f64 {
        f64::NAN
    }
    /// Not decided by the weight: NaN (the grower asks the samples).
    fn value(&self, _stats: &[f64], _w: f64, out: &mut [f64]) {
        out.fill(f64::NAN);
    }
    /// Not decided by the weight: NaN (the grower asks the samples).
    fn monotone_value(&self, _stats: &[f64], _w: f64) -> f64 {
        f64::NAN
    }
    fn absolute_error(&self) -> Option<&AbsoluteError<'_>> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_and_entropy_of_a_balanced_pair() {
        let y = [0u32, 1];
        let g = Gini {
            y: &y,
            n_classes: 2,
        };
        let mut s = vec![0.0; 2];
        g.add(&mut s, &g.prepare(0, 1.0));
        g.add(&mut s, &g.prepare(1, 1.0));
        assert!((g.impurity(&s, 2.0) - 0.5).abs() < 1e-15);
        let e = Entropy {
            y: &y,
            n_classes: 2,
        };
        assert!((e.impurity(&s, 2.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn squared_error_is_the_variance() {
        let y = [1.0, 2.0, 3.0];
        let c = SquaredError {
            y: &y,
            n_outputs: 1,
            friedman: false,
        };
        let mut s = vec![0.0; 2];
        for i in 0..3 {
            c.add(&mut s, &c.prepare(i, 1.0));
        }
        assert!((c.impurity(&s, 3.0) - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn poisson_deviance_by_its_definition() {
        let y = [1.0, 3.0];
        let c = Poisson {
            y: &y,
            n_outputs: 1,
        };
        let mut s = vec![0.0; 2];
        c.add(&mut s, &c.prepare(0, 1.0));
        c.add(&mut s, &c.prepare(1, 1.0));
        let expected = (1.0f64 * (1.0f64 / 2.0).ln() + 3.0 * (3.0f64 / 2.0).ln()) / 2.0;
        assert!((c.impurity(&s, 2.0) - expected).abs() < 1e-12);
    }
}

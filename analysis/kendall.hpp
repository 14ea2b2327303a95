#pragma once

// Kendall's rank correlation tau-b, with ties in either variable handled as in R's
// cor(method = "kendall") and scipy.stats.kendalltau. O(n log n) (Knight 1966: one sort and a
// merge sort that counts exchanges), exact in 64-bit integer counts. Pure and thread-safe.

#include <span>

namespace vigil::analysis {

// tau-b = (concordant - discordant) / sqrt((n0 - ties_x)(n0 - ties_y)), n0 = n(n-1)/2.
// Throws std::invalid_argument when the lengths differ or a value is NaN. Returns NaN when
// fewer than 2 pairs are given or either variable is constant (the denominator is 0).
double kendall_tau_b(std::span<const double> x, std::span<const double> y);

// Trend of an indicator: tau-b of (time, value) over the entries whose value is not NaN (the
// rolling indicators start with window - 1 NaNs). NaN when fewer than 3 such entries remain.
double trend_tau(std::span<const double> time, std::span<const double> values);

}  // namespace vigil::analysis

#pragma once

// Two-sided confidence intervals at `confidence_level` in (0, 1). Bootstrap resamples come
// from one random_stream made from the given key: same key and sample, same interval on any
// machine or thread count. Thread-safe. Bad input throws std::invalid_argument; bounds the data
// cannot define (a mean of one value, zero resamples, zero trials) are NaN.

#include "analysis/roc.hpp"
#include "engine/random_stream.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <span>

namespace vigil::analysis {

struct estimate {
    double value = 0;
    double lower = 0;
    double upper = 0;
};

// Wilson score interval for a binomial proportion successes/trials; value = successes/trials.
// The bounds stay within [0, 1] and are never degenerate (0 of n has upper bound > 0).
estimate wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence_level);

// The values a quantity can take (a correlation: [-1, 1]; a share: [0, 1]; a variance: >= 0).
struct value_range {
    double lowest = -std::numeric_limits<double>::infinity();
    double highest = std::numeric_limits<double>::infinity();
};
inline constexpr value_range any_value{};
inline constexpr value_range non_negative{0, std::numeric_limits<double>::infinity()};
inline constexpr value_range unit_interval{0, 1};
inline constexpr value_range correlation_range{-1, 1};

// `interval` with its value and bounds clipped into `range` (NaN stays NaN): a normal-theory
// interval of a bounded quantity may otherwise reach values it cannot take.
estimate clipped_to(const estimate& interval, value_range range);

// Sample mean with the normal-theory (Student t, n - 1 degrees of freedom) interval
// mean +- t * s / sqrt(n), clipped to `range`. NaN bounds when n < 2.
estimate mean_with_interval(std::span<const double> sample, double confidence_level,
                            value_range range = any_value);

// Statistics for bootstrap_interval.
double sample_mean(std::span<const double> sample);
double root_mean_square(std::span<const double> sample);

using sample_statistic = std::function<double(std::span<const double>)>;

// Percentile bootstrap: value = statistic(sample); the bounds are the (1 -+ level)/2 quantiles
// (linear interpolation between order statistics) of the statistic over `resamples` resamples
// of the same size, drawn with replacement.
estimate bootstrap_interval(std::span<const double> sample, const sample_statistic& statistic,
                            double confidence_level, std::uint64_t resamples,
                            const stream_key& key);

// Statistic of two samples (negatives, positives) for the stratified bootstrap.
using two_sample_statistic =
    std::function<double(std::span<const double>, std::span<const double>)>;

// Stratified percentile bootstrap: each resample redraws the negatives and the positives
// separately, keeping both sample sizes; otherwise as bootstrap_interval.
estimate stratified_bootstrap_interval(std::span<const double> negatives,
                                       std::span<const double> positives,
                                       const two_sample_statistic& statistic,
                                       double confidence_level, std::uint64_t resamples,
                                       const stream_key& key);

// The same stratified bootstrap for a statistic of the pooled tie-group counts (roc.hpp): each
// resample is counted in O(n + m) instead of sorted. Given the same key it draws the same
// resamples as stratified_bootstrap_interval, so the two agree exactly.
using tie_group_statistic = std::function<double(const tie_groups&)>;
estimate tie_group_bootstrap_interval(std::span<const double> negatives,
                                      std::span<const double> positives,
                                      const tie_group_statistic& statistic, double confidence_level,
                                      std::uint64_t resamples, const stream_key& key);

// ROC AUC with the Hanley-McNeil (1982) normal interval, which models the score
// distributions as exponential-like; clipped to [0, 1]. Degenerate at AUC = 0 or 1.
estimate auc_hanley_mcneil_interval(std::span<const double> negatives,
                                    std::span<const double> positives, double confidence_level);

// ROC AUC with the stratified percentile bootstrap interval (no distributional assumption).
estimate auc_bootstrap_interval(std::span<const double> negatives,
                                std::span<const double> positives, double confidence_level,
                                std::uint64_t resamples, const stream_key& key);

// Minimum over thresholds of (P_FP + P_FN)/2 with the stratified percentile bootstrap
// interval; the threshold is chosen afresh in every resample, so the interval includes the
// uncertainty of choosing it.
estimate min_mean_error_bootstrap_interval(std::span<const double> negatives,
                                           std::span<const double> positives,
                                           double confidence_level, std::uint64_t resamples,
                                           const stream_key& key);

}  // namespace vigil::analysis

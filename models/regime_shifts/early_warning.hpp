#pragma once

// Early-warning trend statistics of one simulated series (specs/regime-shifts.md,
// "Indicators"): detrend, rolling-window indicators (value at the window's right end), and
// Kendall's tau-b of each indicator against time. Pure functions; thread-safe. Series too short
// for a window of 3 points give NaN statistics, never an exception.

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace vigil::regime_shifts {

enum class detrending { none, linear, gaussian, first_differences };

// The indicators whose trend is stored per replicate, in result-field order.
enum class indicator : std::size_t {
    variance,
    lag1_autocorrelation,
    coefficient_of_variation,
    skewness,
    kurtosis,
};
inline constexpr std::size_t indicator_count = 5;
const std::array<std::string, indicator_count>& indicator_names();

struct early_warning_settings {
    detrending method = detrending::gaussian;
    double bandwidth = 0.2;         // Gaussian kernel bandwidth, fraction of the series length
    double window_fraction = 0.5;   // rolling window as a fraction of the series...
    std::size_t window_points = 0;  // ...unless this is > 0 (a number of samples)
};

// The residuals after detrending (first differences: one value shorter).
std::vector<double> detrend(std::span<const double> series, const early_warning_settings& settings);

// Rolling indicators of `series`, one vector per indicator, each with one value per window
// position (window right ends from window-1 to n-1). Variance and moments are computed on the
// residuals, the coefficient of variation as residual sd over the window mean of the series.
// Sample variance (divisor w - 1), Pearson lag-1 autocorrelation of x[:-1] and x[1:],
// bias-corrected skewness and excess kurtosis (the ewstools / pandas conventions). O(n).
std::array<std::vector<double>, indicator_count> rolling_indicators(
    std::span<const double> series, const early_warning_settings& settings);

// Kendall's tau-b of `values` against their index (ties in values handled; NaNs skipped).
double kendall_tau_against_time(std::span<const double> values);

// Kendall tau of each rolling indicator of `series`; NaN when the series is too short.
std::array<double, indicator_count> indicator_trends(std::span<const double> series,
                                                     const early_warning_settings& settings);

// Whole-series sample mean, variance (divisor n - 1) and Pearson lag-1 autocorrelation.
struct series_moments {
    double mean = 0;
    double variance = 0;
    double lag1_autocorrelation = 0;
};
series_moments moments_of(std::span<const double> series);

}  // namespace vigil::regime_shifts

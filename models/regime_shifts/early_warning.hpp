#pragma once

// The early-warning trend statistics a regime-shift replicate stores (specs/regime-shifts.md,
// "Indicators"): Kendall tau-b of each rolling indicator of analysis/indicators.hpp against
// time, for one evenly sampled series, and the series' whole-run moments. Pure functions;
// thread-safe. A series too short for its window gives NaN statistics, never an exception.

#include "analysis/indicators.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace vigil::regime_shifts {

// The indicators whose trend is stored per replicate, in result-field order. The standard
// deviation is left out: its tau equals the variance's.
inline constexpr std::array<analysis::indicator, 8> stored_indicators = {
    analysis::indicator::variance,
    analysis::indicator::autocorrelation,
    analysis::indicator::coefficient_of_variation,
    analysis::indicator::ar1,
    analysis::indicator::skewness,
    analysis::indicator::kurtosis,
    analysis::indicator::return_rate,
    analysis::indicator::density_ratio,
};
inline constexpr std::size_t indicator_count = stored_indicators.size();

// Names in result fields and report columns: analysis::to_string of each stored indicator.
const std::array<std::string, indicator_count>& indicator_names();

struct early_warning_settings {
    analysis::ews_options options;  // detrending, window (fraction or points), lag
};

// The whole pipeline (detrending, rolling indicators, tau) on `series` sampled every
// `sample_interval`; nullopt when the series is shorter than 8 samples or the window does not
// fit it.
std::optional<analysis::ews_result> early_warning_of(std::span<const double> series,
                                                     double sample_interval,
                                                     const early_warning_settings& settings);

// Kendall tau of each stored indicator of `series` (sampled every `sample_interval`); NaN
// when the window does not fit the series.
std::array<double, indicator_count> indicator_trends(std::span<const double> series,
                                                     double sample_interval,
                                                     const early_warning_settings& settings);

// Whole-series sample mean, variance (divisor n - 1) and Pearson lag-1 autocorrelation.
struct series_moments {
    double mean = 0;
    double variance = 0;
    double lag1_autocorrelation = 0;
};
series_moments moments_of(std::span<const double> series);

}  // namespace vigil::regime_shifts

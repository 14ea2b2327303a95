#include "models/regime_shifts/early_warning.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace vigil::regime_shifts {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

const std::array<std::string, indicator_count>& indicator_names() {
    static const std::array<std::string, indicator_count> names = [] {
        std::array<std::string, indicator_count> out;
        for (std::size_t k = 0; k < indicator_count; ++k) {
            out[k] = analysis::to_string(stored_indicators[k]);
        }
        return out;
    }();
    return names;
}

std::optional<analysis::ews_result> early_warning_of(std::span<const double> series,
                                                     double sample_interval,
                                                     const early_warning_settings& settings) {
    if (series.size() < 8) return std::nullopt;
    std::vector<double> time(series.size());
    for (std::size_t i = 0; i < time.size(); ++i) {
        time[i] = static_cast<double>(i) * sample_interval;
    }
    try {
        return analysis::early_warning(time, series, settings.options);
    } catch (const std::invalid_argument&) {
        // The window (or a NaN state) does not fit this series.
        return std::nullopt;
    }
}

std::array<double, indicator_count> indicator_trends(std::span<const double> series,
                                                     double sample_interval,
                                                     const early_warning_settings& settings) {
    std::array<double, indicator_count> trends;
    trends.fill(not_a_number);
    const auto result = early_warning_of(series, sample_interval, settings);
    if (!result) return trends;
    for (std::size_t k = 0; k < indicator_count; ++k) {
        trends[k] = result->tau_of(stored_indicators[k]);
    }
    return trends;
}

series_moments moments_of(std::span<const double> series) {
    series_moments moments{not_a_number, not_a_number, not_a_number};
    const std::size_t n = series.size();
    if (n < 3) return moments;
    double mean = 0;
    for (const double v : series) mean += v;
    mean /= static_cast<double>(n);
    double squares = 0;
    for (const double v : series) squares += (v - mean) * (v - mean);
    moments.mean = mean;
    moments.variance = squares / static_cast<double>(n - 1);

    double mean_a = 0;
    double mean_b = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        mean_a += series[i];
        mean_b += series[i + 1];
    }
    mean_a /= static_cast<double>(n - 1);
    mean_b /= static_cast<double>(n - 1);
    double cross = 0;
    double spread_a = 0;
    double spread_b = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const double a = series[i] - mean_a;
        const double b = series[i + 1] - mean_b;
        cross += a * b;
        spread_a += a * a;
        spread_b += b * b;
    }
    moments.lag1_autocorrelation = cross / std::sqrt(spread_a * spread_b);
    return moments;
}

}  // namespace vigil::regime_shifts

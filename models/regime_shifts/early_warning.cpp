#include "models/regime_shifts/early_warning.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace vigil::regime_shifts {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Index into [0, n) with the edge sample repeated ("reflect": d c b a | a b c d | d c b a).
std::size_t reflected(std::int64_t index, std::int64_t n) {
    const std::int64_t period = 2 * n;
    std::int64_t i = index % period;
    if (i < 0) i += period;
    return static_cast<std::size_t>(i < n ? i : period - 1 - i);
}

std::vector<double> gaussian_smooth(std::span<const double> series, double bandwidth_fraction) {
    const auto n = static_cast<std::int64_t>(series.size());
    const double bandwidth_points = bandwidth_fraction * static_cast<double>(n);
    const double sigma = 0.25 * bandwidth_points / 0.675;
    if (!(sigma > 0)) return {series.begin(), series.end()};
    const auto radius = static_cast<std::int64_t>(4 * sigma + 0.5);
    std::vector<double> weights(static_cast<std::size_t>(2 * radius + 1));
    double total = 0;
    for (std::int64_t k = -radius; k <= radius; ++k) {
        const double z = static_cast<double>(k) / sigma;
        weights[static_cast<std::size_t>(k + radius)] = std::exp(-0.5 * z * z);
        total += weights[static_cast<std::size_t>(k + radius)];
    }
    for (double& w : weights) w /= total;
    std::vector<double> smooth(series.size());
    for (std::int64_t i = 0; i < n; ++i) {
        double sum = 0;
        for (std::int64_t k = -radius; k <= radius; ++k) {
            sum += weights[static_cast<std::size_t>(k + radius)] * series[reflected(i + k, n)];
        }
        smooth[static_cast<std::size_t>(i)] = sum;
    }
    return smooth;
}

std::vector<double> linear_residuals(std::span<const double> series) {
    const double n = static_cast<double>(series.size());
    const double mean_index = 0.5 * (n - 1);
    double mean_value = 0;
    for (const double v : series) mean_value += v;
    mean_value /= n;
    double covariance = 0;
    double index_variance = 0;
    for (std::size_t i = 0; i < series.size(); ++i) {
        const double di = static_cast<double>(i) - mean_index;
        covariance += di * (series[i] - mean_value);
        index_variance += di * di;
    }
    const double slope = index_variance > 0 ? covariance / index_variance : 0;
    std::vector<double> residuals(series.size());
    for (std::size_t i = 0; i < series.size(); ++i) {
        residuals[i] = series[i] - mean_value - slope * (static_cast<double>(i) - mean_index);
    }
    return residuals;
}

// Counts pairs i < j with values[i] > values[j] by merge sort; sorts `values`.
std::uint64_t count_inversions(std::vector<double>& values, std::vector<double>& scratch) {
    const std::size_t n = values.size();
    std::uint64_t inversions = 0;
    scratch.resize(n);
    for (std::size_t width = 1; width < n; width *= 2) {
        for (std::size_t low = 0; low < n; low += 2 * width) {
            const std::size_t middle = std::min(low + width, n);
            const std::size_t high = std::min(low + 2 * width, n);
            std::size_t i = low;
            std::size_t j = middle;
            std::size_t out = low;
            while (i < middle && j < high) {
                if (values[i] <= values[j]) {
                    scratch[out++] = values[i++];
                } else {
                    inversions += middle - i;
                    scratch[out++] = values[j++];
                }
            }
            while (i < middle) scratch[out++] = values[i++];
            while (j < high) scratch[out++] = values[j++];
        }
        values.swap(scratch);
    }
    return inversions;
}

}  // namespace

const std::array<std::string, indicator_count>& indicator_names() {
    static const std::array<std::string, indicator_count> names = {
        "variance", "lag1_autocorrelation", "coefficient_of_variation", "skewness", "kurtosis"};
    return names;
}

std::vector<double> detrend(std::span<const double> series,
                            const early_warning_settings& settings) {
    switch (settings.method) {
        case detrending::none:
            return {series.begin(), series.end()};
        case detrending::linear:
            return linear_residuals(series);
        case detrending::gaussian: {
            std::vector<double> residuals = gaussian_smooth(series, settings.bandwidth);
            for (std::size_t i = 0; i < series.size(); ++i) residuals[i] = series[i] - residuals[i];
            return residuals;
        }
        case detrending::first_differences: {
            if (series.size() < 2) return {};
            std::vector<double> differences(series.size() - 1);
            for (std::size_t i = 0; i + 1 < series.size(); ++i) {
                differences[i] = series[i + 1] - series[i];
            }
            return differences;
        }
    }
    return {series.begin(), series.end()};
}

std::array<std::vector<double>, indicator_count> rolling_indicators(
    std::span<const double> series, const early_warning_settings& settings) {
    std::array<std::vector<double>, indicator_count> out;
    const std::vector<double> residuals = detrend(series, settings);
    const std::size_t m = residuals.size();
    const std::size_t offset = series.size() - m;  // raw sample aligned with residual 0
    const std::size_t w =
        settings.window_points > 0
            ? settings.window_points
            : static_cast<std::size_t>(settings.window_fraction * static_cast<double>(m));
    if (w < 4 || w > m) return out;

    // Prefix sums of shifted residuals (powers 1-4), lag-1 products and raw values.
    const double shift = residuals[0];
    std::vector<double> s1(m + 1, 0), s2(m + 1, 0), s3(m + 1, 0), s4(m + 1, 0), lagged(m, 0),
        raw(m + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
        const double r = residuals[i] - shift;
        s1[i + 1] = s1[i] + r;
        s2[i + 1] = s2[i] + r * r;
        s3[i + 1] = s3[i] + r * r * r;
        s4[i + 1] = s4[i] + r * r * r * r;
        raw[i + 1] = raw[i] + series[i + offset];
        if (i + 1 < m) {
            lagged[i + 1] = lagged[i] + r * (residuals[i + 1] - shift);
        }
    }
    const double n = static_cast<double>(w);
    for (auto& v : out) v.reserve(m - w + 1);
    for (std::size_t s = 0; s + w <= m; ++s) {
        const std::size_t e = s + w;  // one past the window
        const double mean = (s1[e] - s1[s]) / n;
        const double a2 = (s2[e] - s2[s]) / n;
        const double a3 = (s3[e] - s3[s]) / n;
        const double a4 = (s4[e] - s4[s]) / n;
        const double m2 = std::max(a2 - mean * mean, 0.0);
        const double m3 = a3 - 3 * mean * a2 + 2 * mean * mean * mean;
        const double m4 = a4 - 4 * mean * a3 + 6 * mean * mean * a2 - 3 * mean * mean * mean * mean;
        const double variance = m2 * n / (n - 1);

        const double pairs = n - 1;
        const double sum_a = s1[e - 1] - s1[s];
        const double sum_b = s1[e] - s1[s + 1];
        const double sum_aa = s2[e - 1] - s2[s];
        const double sum_bb = s2[e] - s2[s + 1];
        const double sum_ab = lagged[e - 1] - lagged[s];
        const double spread_a = sum_aa - sum_a * sum_a / pairs;
        const double spread_b = sum_bb - sum_b * sum_b / pairs;
        const double autocorrelation =
            (sum_ab - sum_a * sum_b / pairs) / std::sqrt(spread_a * spread_b);

        const double window_mean = (raw[e] - raw[s]) / n;
        const double skew =
            m2 > 0 ? std::sqrt(n * (n - 1)) / (n - 2) * m3 / std::pow(m2, 1.5) : not_a_number;
        const double kurt =
            m2 > 0 ? (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / (m2 * m2) - 3 * (n - 1))
                   : not_a_number;
        out[0].push_back(variance);
        out[1].push_back(autocorrelation);
        out[2].push_back(std::sqrt(variance) / window_mean);
        out[3].push_back(skew);
        out[4].push_back(kurt);
    }
    return out;
}

double kendall_tau_against_time(std::span<const double> values) {
    std::vector<double> finite;
    finite.reserve(values.size());
    for (const double v : values) {
        if (!std::isnan(v)) finite.push_back(v);
    }
    const std::size_t n = finite.size();
    if (n < 2) return not_a_number;
    std::vector<double> scratch;
    const std::uint64_t discordant = count_inversions(finite, scratch);  // leaves `finite` sorted
    std::uint64_t tied = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && finite[j] == finite[i]) ++j;
        const std::uint64_t run = j - i;
        tied += run * (run - 1) / 2;
        i = j;
    }
    const std::uint64_t all_pairs = static_cast<std::uint64_t>(n) * (n - 1) / 2;
    if (tied == all_pairs) return not_a_number;
    const std::uint64_t concordant = all_pairs - tied - discordant;
    return (static_cast<double>(concordant) - static_cast<double>(discordant)) /
           std::sqrt(static_cast<double>(all_pairs) * static_cast<double>(all_pairs - tied));
}

std::array<double, indicator_count> indicator_trends(std::span<const double> series,
                                                     const early_warning_settings& settings) {
    std::array<double, indicator_count> trends;
    trends.fill(not_a_number);
    const auto rolling = rolling_indicators(series, settings);
    for (std::size_t k = 0; k < indicator_count; ++k) {
        if (rolling[k].size() >= 2) trends[k] = kendall_tau_against_time(rolling[k]);
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

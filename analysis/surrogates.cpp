#include "analysis/surrogates.hpp"

#include "analysis/fft.hpp"
#include "analysis/kendall.hpp"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace vigil::analysis {

namespace {

constexpr double max_abs_phi = 0.999;

}  // namespace

ar1_fit fit_ar1(std::span<const double> x) {
    const std::size_t n = x.size();
    if (n < 3) throw std::invalid_argument("an AR(1) fit needs at least 3 points");
    double mean_prev = 0;
    double mean_next = 0;
    for (std::size_t t = 1; t < n; ++t) {
        mean_prev += x[t - 1];
        mean_next += x[t];
    }
    const auto pairs = static_cast<double>(n - 1);
    mean_prev /= pairs;
    mean_next /= pairs;
    double sxx = 0;
    double sxy = 0;
    for (std::size_t t = 1; t < n; ++t) {
        sxx += (x[t - 1] - mean_prev) * (x[t - 1] - mean_prev);
        sxy += (x[t - 1] - mean_prev) * (x[t] - mean_next);
    }
    ar1_fit fit;
    const double slope = sxx > 0 ? sxy / sxx : 0.0;
    const double intercept = mean_next - slope * mean_prev;
    double squares = 0;
    for (std::size_t t = 1; t < n; ++t) {
        const double e = x[t] - intercept - slope * x[t - 1];
        squares += e * e;
    }
    fit.phi = std::clamp(slope, -max_abs_phi, max_abs_phi);
    double mean = 0;
    for (const double v : x) mean += v;
    fit.mean = mean / static_cast<double>(n);
    fit.innovation_sd = std::sqrt(squares / static_cast<double>(n - 2));
    return fit;
}

std::vector<double> ar1_surrogate(const ar1_fit& fit, std::size_t n, random_stream& stream) {
    boost::random::normal_distribution<double> normal;
    std::vector<double> x(n);
    if (n == 0) return x;
    const double stationary_sd = fit.innovation_sd / std::sqrt(1 - fit.phi * fit.phi);
    double deviation = stationary_sd * normal(stream);
    x[0] = fit.mean + deviation;
    for (std::size_t t = 1; t < n; ++t) {
        deviation = fit.phi * deviation + fit.innovation_sd * normal(stream);
        x[t] = fit.mean + deviation;
    }
    return x;
}

std::vector<double> phase_randomised_surrogate(std::span<const double> x, random_stream& stream) {
    const std::size_t n = x.size();
    if (n < 3) throw std::invalid_argument("phase randomisation needs at least 3 points");
    auto spectrum = forward_real_fft(x);
    // Bins 1 .. ceil(n/2) - 1 have a conjugate partner; 0 (the mean) and, for even n, n/2
    // (Nyquist) are real and stay as they are.
    const std::size_t last_paired = (n - 1) / 2;
    for (std::size_t k = 1; k <= last_paired; ++k) {
        const double angle = 2 * std::numbers::pi * stream.uniform_open();
        spectrum[k] *= std::polar(1.0, angle);
    }
    return inverse_real_fft(spectrum, n);
}

std::string to_string(surrogate_kind kind) {
    return kind == surrogate_kind::ar1 ? "ar1" : "phase";
}

int expected_direction(indicator which) {
    return which == indicator::return_rate ? -1 : 1;
}

double surrogate_p_value(double observed_tau, std::span<const double> surrogate_taus,
                         int direction) {
    if (std::isnan(observed_tau)) return std::numeric_limits<double>::quiet_NaN();
    std::size_t at_least = 0;
    for (const double tau : surrogate_taus) {
        if (std::isnan(tau) || direction * tau >= direction * observed_tau) ++at_least;
    }
    return static_cast<double>(1 + at_least) / static_cast<double>(1 + surrogate_taus.size());
}

std::vector<std::vector<double>> surrogate_taus(const ews_result& observed,
                                                ews_convention convention, surrogate_kind kind,
                                                std::size_t first, std::size_t count,
                                                const stream_key& key,
                                                std::span<const indicator> which) {
    const auto& series = observed.series;
    const std::size_t n = series.residuals.size();
    std::vector<std::vector<double>> taus(std::size(all_indicators));
    for (const auto each : which) taus[static_cast<std::size_t>(each)].resize(count);
    const ar1_fit fit = kind == surrogate_kind::ar1 ? fit_ar1(series.residuals) : ar1_fit{};
    const rolling_options rolling{observed.rolling.window, observed.rolling.lag, convention};

    std::vector<double> state(n);
    for (std::size_t s = 0; s < count; ++s) {
        random_stream stream({key.seed, key.stream, key.point, first + s});
        const auto residuals = kind == surrogate_kind::ar1
                                   ? ar1_surrogate(fit, n, stream)
                                   : phase_randomised_surrogate(series.residuals, stream);
        for (std::size_t i = 0; i < n; ++i) state[i] = series.trend[i] + residuals[i];
        const auto rolled = rolling_statistics(residuals, state, rolling);
        for (const auto each : which) {
            taus[static_cast<std::size_t>(each)][s] = trend_tau(series.time, rolled[each]);
        }
    }
    return taus;
}

std::vector<double> surrogate_p_values(const ews_result& observed,
                                       const std::vector<std::vector<double>>& taus,
                                       std::span<const indicator> which) {
    std::vector<double> p(std::size(all_indicators), std::numeric_limits<double>::quiet_NaN());
    for (const auto each : which) {
        const auto k = static_cast<std::size_t>(each);
        p[k] = surrogate_p_value(observed.tau[k], taus[k], expected_direction(each));
    }
    return p;
}

surrogate_result surrogate_test(const ews_result& observed, ews_convention convention,
                                surrogate_kind kind, std::size_t count, const stream_key& key,
                                std::span<const indicator> which) {
    surrogate_result out;
    out.kind = kind;
    out.taus = surrogate_taus(observed, convention, kind, 0, count, key, which);
    out.p_values = surrogate_p_values(observed, out.taus, which);
    return out;
}

}  // namespace vigil::analysis

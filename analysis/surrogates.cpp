#include "analysis/surrogates.hpp"

#include "analysis/kendall.hpp"

#include <fftw3.h>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace vigil::analysis {

namespace {

constexpr double max_abs_phi = 0.999;

std::mutex& fftw_planner_mutex() {
    static std::mutex mutex;
    return mutex;
}

struct fftw_plan_deleter {
    void operator()(fftw_plan_s* plan) const {
        const std::lock_guard lock(fftw_planner_mutex());
        fftw_destroy_plan(plan);
    }
};
using unique_plan = std::unique_ptr<fftw_plan_s, fftw_plan_deleter>;

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
    std::vector<double> real(x.begin(), x.end());
    std::vector<std::complex<double>> spectrum(n / 2 + 1);
    auto* bins = reinterpret_cast<fftw_complex*>(spectrum.data());
    const int length = static_cast<int>(n);
    unique_plan forward;
    unique_plan backward;
    {
        const std::lock_guard lock(fftw_planner_mutex());
        // FFTW_ESTIMATE leaves the input untouched while planning and picks the same plan
        // every time, so the surrogates are reproducible bit for bit.
        forward.reset(fftw_plan_dft_r2c_1d(length, real.data(), bins, FFTW_ESTIMATE));
        backward.reset(fftw_plan_dft_c2r_1d(length, bins, real.data(), FFTW_ESTIMATE));
    }
    if (!forward || !backward) throw std::runtime_error("FFTW could not make a plan");
    fftw_execute(forward.get());

    // Bins 1 .. ceil(n/2) - 1 have a conjugate partner; 0 (the mean) and, for even n, n/2
    // (Nyquist) are real and stay as they are.
    const std::size_t last_paired = (n - 1) / 2;
    for (std::size_t k = 1; k <= last_paired; ++k) {
        const double angle = 2 * std::numbers::pi * stream.uniform_open();
        spectrum[k] *= std::polar(1.0, angle);
    }
    fftw_execute(backward.get());  // c2r overwrites the spectrum; it is not needed again
    for (double& v : real) v /= static_cast<double>(n);
    return real;
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

surrogate_result surrogate_test(const ews_result& observed, ews_convention convention,
                                surrogate_kind kind, std::size_t count, const stream_key& key) {
    const auto& series = observed.series;
    const std::size_t n = series.residuals.size();
    surrogate_result out;
    out.kind = kind;
    out.taus.assign(std::size(all_indicators), std::vector<double>(count));
    const ar1_fit fit = kind == surrogate_kind::ar1 ? fit_ar1(series.residuals) : ar1_fit{};
    const rolling_options rolling{observed.rolling.window, observed.rolling.lag, convention};

    std::vector<double> state(n);
    for (std::size_t s = 0; s < count; ++s) {
        random_stream stream({key.seed, key.stream, key.point, s});
        const auto residuals = kind == surrogate_kind::ar1
                                   ? ar1_surrogate(fit, n, stream)
                                   : phase_randomised_surrogate(series.residuals, stream);
        for (std::size_t i = 0; i < n; ++i) state[i] = series.trend[i] + residuals[i];
        const auto rolled = rolling_statistics(residuals, state, rolling);
        for (std::size_t k = 0; k < std::size(all_indicators); ++k) {
            out.taus[k][s] = trend_tau(series.time, rolled[all_indicators[k]]);
        }
    }
    for (std::size_t k = 0; k < std::size(all_indicators); ++k) {
        out.p_values.push_back(
            surrogate_p_value(observed.tau[k], out.taus[k], expected_direction(all_indicators[k])));
    }
    return out;
}

}  // namespace vigil::analysis

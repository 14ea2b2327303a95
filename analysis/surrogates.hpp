#pragma once

// Surrogate significance of early-warning trends: series with the observed residuals'
// autocorrelation but no trend, drawn from keyed random streams, so one key gives the same
// surrogates and p-values run after run. AR(1) surrogates are bit-identical on every machine;
// phase surrogates go through FFTW (analysis/fft.hpp), whose SIMD codelets depend on the CPU,
// so their last bits may differ between machines. Pure apart from the stream; thread-safe.

#include "analysis/indicators.hpp"
#include "engine/random_stream.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace vigil::analysis {

// x[t] = mean + phi (x[t-1] - mean) + innovation_sd * noise, fitted by least squares of x[t] on
// x[t-1] (with intercept); innovation_sd from the fit's residuals (n - 2 degrees of freedom).
// phi is clipped to [-0.999, 0.999] so that the surrogates are stationary.
struct ar1_fit {
    double mean = 0;
    double phi = 0;
    double innovation_sd = 0;
};
ar1_fit fit_ar1(std::span<const double> x);

// n values of the fitted AR(1), started from its stationary distribution.
std::vector<double> ar1_surrogate(const ar1_fit& fit, std::size_t n, random_stream& stream);

// The series with each Fourier phase replaced by an independent uniform one (conjugate
// symmetry kept, the mean and, for even n, the Nyquist term untouched): same periodogram, so
// same sample autocorrelation function (circular), no trend in variance or autocorrelation.
std::vector<double> phase_randomised_surrogate(std::span<const double> x, random_stream& stream);

enum class surrogate_kind { ar1, phase };
std::string to_string(surrogate_kind kind);

// The direction an indicator moves before a critical transition: +1 (rises) for all except the
// return rate, -1.
int expected_direction(indicator which);

// p = (1 + #{surrogates with direction * tau >= direction * observed}) / (1 + surrogates); a
// surrogate whose tau is NaN counts as reaching the observed value (conservative). NaN when the
// observed tau is NaN.
double surrogate_p_value(double observed_tau, std::span<const double> surrogate_taus,
                         int direction);

// Per indicator (in all_indicators order): the taus of `count` surrogates of the residuals of
// `observed`, each run through the same rolling window, lag and convention (the state for the
// ewstools cv is trend + surrogate), and the p-value of the observed tau. Surrogate i draws
// from random_stream({key.seed, key.stream, key.point, i}). Only the indicators in `which`
// are tested (the others keep no taus and a NaN p-value); the surrogates do not depend on it.
struct surrogate_result {
    surrogate_kind kind = surrogate_kind::ar1;
    std::vector<std::vector<double>> taus;  // [indicator][surrogate]
    std::vector<double> p_values;           // [indicator]
};
surrogate_result surrogate_test(const ews_result& observed, ews_convention convention,
                                surrogate_kind kind, std::size_t count, const stream_key& key,
                                std::span<const indicator> which = all_indicators);

// The taus of surrogates first .. first + count - 1 alone ([indicator][surrogate - first],
// empty rows for indicators not in `which`): the same numbers surrogate_test computes for
// them, so callers may split the surrogates among threads and join the rows in order.
std::vector<std::vector<double>> surrogate_taus(const ews_result& observed,
                                                ews_convention convention, surrogate_kind kind,
                                                std::size_t first, std::size_t count,
                                                const stream_key& key,
                                                std::span<const indicator> which);

// p-values ([indicator], NaN outside `which`) of the observed taus among surrogate taus.
std::vector<double> surrogate_p_values(const ews_result& observed,
                                       const std::vector<std::vector<double>>& taus,
                                       std::span<const indicator> which);

}  // namespace vigil::analysis

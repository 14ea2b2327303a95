#pragma once

// Early-warning indicators of one time series: detrending, rolling-window statistics and their
// trend (Kendall tau, see kendall.hpp). Pure functions, thread-safe, no I/O; every rolling
// statistic costs O(n) per series whatever the window. Bad arguments (NaN values, windows that
// do not fit, unknown units) throw std::invalid_argument with a message naming the argument.
//
// Two peer conventions sit behind one switch (`ews_convention`); the default follows ewstools
// (Python), the alternative the R package earlywarnings (generic_ews):
//
// | item                   | ewstools (default)                   | earlywarnings (r) | |
// ---------------------- | ------------------------------------ | ------------------------------- |
// | window from a fraction | floor(f n)                           | round(f n), half to even | |
// Gaussian kernel sigma  | 0.25 bw / 0.675 points               | 0.25 bw / 0.6745 (ksmooth)      |
// | bandwidth from fraction| f n points                           | round(f n) points | | kernel
// edges           | reflected (scipy mode "reflect"),    | Nadaraya-Watson, weights renor- | | |
// truncated at radius int(4 sigma+0.5) | malised at the edges, |d|<=4 sig| | LOWESS | local linear,
// 3 robustness passes    | local quadratic, none (loess)   | | lag-k autocorrelation  | Pearson of
// x[:-k] and x[k:]          | acf estimator (one mean, n den.)| | AR(1) coefficient      | OLS
// slope with intercept             | OLS, no mean, no intercept      | | skewness               |
// bias-corrected G1 (pandas)           | plain g1 = m3 / m2^1.5          | | kurtosis |
// bias-corrected excess G2 (pandas)    | plain m4 / m2^2 (not excess)    | | coefficient of var. |
// sd(residuals) / mean(state)          | sd(residuals) / mean(residuals) |
//
// Both: variance and sd with n - 1; return rate = 1 / AR(1); density ratio = S(f_low) / S(1/2)
// of the AR(1) spectrum with phi = lag-1 autocorrelation and f_low = 5 * 0.5 / (windows - 1)
// cycles per step (earlywarnings' spec.ar(order = 1) at frequency index 6 and the last one).
// Deliberate differences from the peers: skewness keeps its sign (earlywarnings prints |g1|);
// the r-convention bandwidth counts sampling steps (earlywarnings applies it in the time
// column's units); LOWESS is evaluated exactly at every point (R's loess interpolates).

#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <vector>

namespace vigil::analysis {

enum class ews_convention { ewstools, earlywarnings };

// "ewstools" or "r"; parse_convention throws std::invalid_argument on anything else.
std::string to_string(ews_convention convention);
ews_convention parse_convention(const std::string& text);

// A length along the series: a fraction of the series length in (0, 1], a number of sampling
// points, or time units (the time column's units).
struct series_length {
    enum class unit { fraction, points, time };
    double value = 0;
    unit kind = unit::fraction;

    static series_length fraction(double f) { return {f, unit::fraction}; }
    static series_length points(double p) { return {p, unit::points}; }
    static series_length time_units(double t) { return {t, unit::time}; }
};

// True when all steps t[i+1] - t[i] agree with their mean to relative_tolerance (and are > 0).
bool is_evenly_sampled(std::span<const double> time, double relative_tolerance = 1e-6);

// Throws std::invalid_argument naming the first index i with t[i] <= t[i-1] or a NaN.
void check_increasing_time(std::span<const double> time);

// ---- detrending ------------------------------------------------------------------------

enum class detrend_method { none, linear, gaussian, lowess, first_difference };

// "none", "linear", "gaussian", "lowess", "first-diff"; parse throws std::invalid_argument.
std::string to_string(detrend_method method);
detrend_method parse_detrend_method(const std::string& text);

struct detrend_options {
    detrend_method method = detrend_method::gaussian;
    ews_convention convention = ews_convention::ewstools;
    // Gaussian kernel bandwidth. Time units are needed for unevenly sampled series, where the
    // smoother is Nadaraya-Watson in time with renormalised edges in both conventions.
    series_length bandwidth = series_length::fraction(0.2);
    // LOWESS neighbourhood as a fraction of the series (points or time units not accepted).
    double span = 0.2;
};

// Series, trend and residuals on a common time axis. For first differences the axis drops the
// first time: residual[i] = x[i+1] - x[i] at time t[i+1], trend[i] = x[i], state[i] = x[i+1].
// Otherwise state is the input and state = trend + residuals.
struct detrended_series {
    std::vector<double> time;
    std::vector<double> state;
    std::vector<double> trend;
    std::vector<double> residuals;
};

detrended_series detrend(std::span<const double> time, std::span<const double> values,
                         const detrend_options& options);

// The building blocks, exposed for tests and for models that detrend themselves.

// Kernel sigma in points of a bandwidth given in points, per convention (no rounding).
double gaussian_sigma_points(double bandwidth_points, ews_convention convention);

// Discrete Gaussian smoothing of an evenly sampled series, sigma in points. ewstools: scipy's
// gaussian_filter1d (mode "reflect", truncate 4); earlywarnings: R's ksmooth on index times.
// Kernels longer than 64 points are applied by FFT convolution, O(n log n) instead of
// O(n sigma); the two evaluations agree to rounding (`evaluation` forces one, for tests).
enum class kernel_evaluation { automatic, direct, fft };
std::vector<double> gaussian_smooth_points(
    std::span<const double> values, double sigma_points, ews_convention convention,
    kernel_evaluation evaluation = kernel_evaluation::automatic);

// Nadaraya-Watson Gaussian smoothing in time units (any sampling): weights within 4 sigma,
// renormalised at the edges. A direct sum: O(n times the points within 4 sigma).
std::vector<double> gaussian_smooth_time(std::span<const double> time,
                                         std::span<const double> values, double sigma_time);

// LOWESS (Cleveland 1979): at each time a weighted polynomial fit (degree 1 or 2) over the
// floor(span n) nearest points with tricube weights, then robustness_passes reweightings by
// bisquare weights of residual / (6 median |residual|). O(n * span n). The span must cover
// degree + 3 points (the farthest has weight 0; fewer would fit through the series), else
// std::invalid_argument.
std::vector<double> lowess(std::span<const double> time, std::span<const double> values,
                           double span, int degree, int robustness_passes);

// Least-squares line a + b t evaluated at each time.
std::vector<double> linear_trend(std::span<const double> time, std::span<const double> values);

// ---- rolling indicators ----------------------------------------------------------------

enum class indicator {
    variance,
    standard_deviation,
    coefficient_of_variation,
    autocorrelation,
    ar1,
    skewness,
    kurtosis,
    return_rate,
    density_ratio,
};

inline constexpr indicator all_indicators[] = {
    indicator::variance,
    indicator::standard_deviation,
    indicator::coefficient_of_variation,
    indicator::autocorrelation,
    indicator::ar1,
    indicator::skewness,
    indicator::kurtosis,
    indicator::return_rate,
    indicator::density_ratio,
};

// Short names used in files and on the command line: "variance", "sd", "cv", "autocorrelation",
// "ar1", "skewness", "kurtosis", "return_rate", "density_ratio". parse throws invalid_argument.
std::string to_string(indicator which);
indicator parse_indicator(const std::string& text);

// Window length in points for a series of n points: fractions per convention (see the table
// above); points must be a whole number, at most n. Time units are refused (windows count
// points). Throws std::invalid_argument otherwise.
std::size_t window_points(const series_length& window, std::size_t n, ews_convention convention);

// The smallest window the rolling statistics accept for a lag: max(4, lag + 3) points.
std::size_t minimum_window_points(std::size_t lag);

struct rolling_options {
    std::size_t window = 0;  // points; minimum_window_points(lag) <= window <= n
    std::size_t lag = 1;     // of `autocorrelation`; ar1, return rate and density ratio use 1
    ews_convention convention = ews_convention::ewstools;
};

// One value per input point; the value of a window sits at the window's right end, so the first
// window - 1 entries are NaN. A statistic the window cannot define (zero variance, AR(1) of 0
// for the return rate, fewer than 6 windows for the density ratio) is NaN.
struct rolling_indicators {
    std::size_t window = 0;
    std::size_t lag = 1;
    std::vector<double> variance;
    std::vector<double> standard_deviation;
    std::vector<double> coefficient_of_variation;
    std::vector<double> autocorrelation;
    std::vector<double> ar1;
    std::vector<double> skewness;
    std::vector<double> kurtosis;
    std::vector<double> return_rate;
    std::vector<double> density_ratio;

    const std::vector<double>& operator[](indicator which) const;
};

// O(n): running sums of powers and lagged products of the values minus a shift, with
// Neumaier-compensated updates; every `window` steps the shift becomes the current window's
// mean and the sums are recomputed exactly (amortised O(1)), which bounds cancellation.
// `state` (for the ewstools coefficient of variation) is the undetrended series; pass the
// residuals again, or an empty span, when there is none.
rolling_indicators rolling_statistics(std::span<const double> residuals,
                                      std::span<const double> state,
                                      const rolling_options& options);

// Indicators of one window by their two-pass definitions, O(window): the reference the
// rolling version is tested against. `windows` (the number of windows of the series) fixes the
// density ratio's low frequency.
struct window_values {
    double variance, standard_deviation, coefficient_of_variation, autocorrelation, ar1, skewness,
        kurtosis, return_rate, density_ratio;
};
window_values window_statistics(std::span<const double> residuals, std::span<const double> state,
                                std::size_t lag, std::size_t windows, ews_convention convention);

// The AR(1) spectral density ratio S(f_low) / S(1/2) = (1 + phi)^2 / (1 - 2 phi cos(2 pi
// f_low) + phi^2); NaN when windows < 6.
double density_ratio_of(double phi, std::size_t windows);

// ---- the whole pipeline ----------------------------------------------------------------

struct ews_options {
    detrend_options detrending;
    series_length window = series_length::fraction(0.5);  // resolved against the input length
    std::size_t lag = 1;
};

// Detrended series, rolling indicators on the residuals, and each indicator's Kendall tau-b
// against time (over the windows' right ends).
struct ews_result {
    detrended_series series;
    rolling_indicators rolling;
    double tau[std::size(all_indicators)] = {};

    double tau_of(indicator which) const { return tau[static_cast<std::size_t>(which)]; }
};

// Throws std::invalid_argument (naming the window or bandwidth) when the window resolves to
// fewer than minimum_window_points(lag) points or to more points than the residuals have.
ews_result early_warning(std::span<const double> time, std::span<const double> values,
                         const ews_options& options);

}  // namespace vigil::analysis

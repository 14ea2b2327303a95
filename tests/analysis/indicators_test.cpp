#include "analysis/indicators.hpp"

#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace vigil::analysis {
namespace {

constexpr auto ewstools = ews_convention::ewstools;
constexpr auto r_convention = ews_convention::earlywarnings;

std::vector<double> random_series(std::size_t n, double offset, double ar, std::uint64_t id);

// ---- one window, by hand ---------------------------------------------------------------
//
// x = 2, 4, 3, 7, 4 (n = 5). Mean 4, deviations d = -2, 0, -1, 3, 0.
//   sum d^2 = 4 + 0 + 1 + 9 + 0 = 14    -> variance 14/4 = 3.5, sd = sqrt(3.5) = 1.8708287
//   m2 = 14/5 = 2.8; sum d^3 = -8 - 1 + 27 = 18 -> m3 = 3.6; sum d^4 = 16 + 1 + 81 = 98 -> m4
//   = 19.6 g1 = 3.6 / 2.8^1.5 = 0.76836125                     (r convention) G1 = sqrt(5*4)/3 * g1
//   = 1.14540532                 (ewstools, bias-corrected) m4/m2^2 = 19.6/7.84 = 2.5 (r
//   convention, plain kurtosis) G2 = ((n+1)(2.5-3) + 6)(n-1)/((n-2)(n-3)) = 3*4/6 = 2 (ewstools,
//   excess, bias-corrected)
// Lag-1 pairs (2,4) (4,3) (3,7) (7,4): head mean 4, tail mean 4.5,
//   head dev -2,0,-1,3; tail dev -0.5,-1.5,2.5,-0.5
//   cross = 1 + 0 - 2.5 - 1.5 = -3, head ss = 14, tail ss = 9
//   Pearson = -3/sqrt(126) = -0.26726124; OLS slope with intercept = -3/14 = -0.21428571
//   acf: sum d_t d_t+1 = 0 + 0 - 3 + 0 = -3 over sum d^2 = 14 -> -0.21428571
//   R's ar.ols without mean: sum x_t x_t+1 = 8+12+21+28 = 69, sum x_t^2 (t<5) = 4+16+9+49 = 78
//   -> 69/78 = 0.88461538, return rate 78/69 = 1.13043478
// Lag-2 pairs (2,3) (4,7) (3,4): head dev -1,1,0 (mean 3), tail dev -5/3,7/3,-2/3 (mean 14/3)
//   cross = 5/3 + 7/3 = 4, head ss 2, tail ss 78/9 -> Pearson 4/sqrt(52/3) = 0.96076892
//   acf: sum d_t d_t+2 = (-2)(-1) + 0*3 + (-1)*0 = 2 -> 2/14 = 0.14285714
// cv with state = x: ewstools sd/mean(state) = 1.8708287/4 = 0.46770717; r: sd/mean(x), same.
const std::vector<double> hand_series = {2, 4, 3, 7, 4};

TEST(window_statistics, ewstools_convention_by_hand) {
    const auto v = window_statistics(hand_series, hand_series, 1, 1, ewstools);
    EXPECT_NEAR(v.variance, 3.5, 1e-12);
    EXPECT_NEAR(v.standard_deviation, 1.8708286933869707, 1e-12);
    EXPECT_NEAR(v.skewness, 1.145405322481819, 1e-12);
    EXPECT_NEAR(v.kurtosis, 2.0, 1e-12);
    EXPECT_NEAR(v.autocorrelation, -0.2672612419124244, 1e-12);
    EXPECT_NEAR(v.ar1, -3.0 / 14, 1e-12);
    EXPECT_NEAR(v.return_rate, -14.0 / 3, 1e-11);
    EXPECT_NEAR(v.coefficient_of_variation, 0.46770717334674267, 1e-12);
    EXPECT_TRUE(std::isnan(v.density_ratio));  // one window: fewer than 6

    const auto lag2 = window_statistics(hand_series, hand_series, 2, 1, ewstools);
    EXPECT_NEAR(lag2.autocorrelation, 0.9607689228305228, 1e-12);
    EXPECT_NEAR(lag2.ar1, -3.0 / 14, 1e-12);  // AR(1) stays at lag 1
}

TEST(window_statistics, r_convention_by_hand) {
    const auto v = window_statistics(hand_series, hand_series, 1, 1, r_convention);
    EXPECT_NEAR(v.variance, 3.5, 1e-12);
    EXPECT_NEAR(v.skewness, 0.7683612488578246, 1e-12);
    EXPECT_NEAR(v.kurtosis, 2.5, 1e-12);
    EXPECT_NEAR(v.autocorrelation, -3.0 / 14, 1e-12);
    EXPECT_NEAR(v.ar1, 69.0 / 78, 1e-12);
    EXPECT_NEAR(v.return_rate, 78.0 / 69, 1e-12);
    EXPECT_NEAR(v.coefficient_of_variation, 0.46770717334674267, 1e-12);

    const auto lag2 = window_statistics(hand_series, hand_series, 2, 1, r_convention);
    EXPECT_NEAR(lag2.autocorrelation, 2.0 / 14, 1e-12);
}

// cv in ewstools divides by the state's mean, in r by the residuals' mean. Residuals x - 3
// (same sd 1.8708287, mean 1) with state x (mean 4): ewstools 1.8708287/4, r 1.8708287/1.
TEST(window_statistics, coefficient_of_variation_conventions) {
    const std::vector<double> residuals = {-1, 1, 0, 4, 1};
    EXPECT_NEAR(window_statistics(residuals, hand_series, 1, 1, ewstools).coefficient_of_variation,
                1.8708286933869707 / 4, 1e-12);
    EXPECT_NEAR(
        window_statistics(residuals, hand_series, 1, 1, r_convention).coefficient_of_variation,
        1.8708286933869707, 1e-12);
}

// Density ratio by hand: phi = 0.5 with 11 windows puts f_low at 5 * 0.5 / 10 = 0.25, where
// cos(2 pi f) = 0: (1 + 0.5)^2 / (1 + 0.25) = 2.25 / 1.25 = 1.8.
TEST(density_ratio, ar1_spectrum_ratio_by_hand) {
    EXPECT_NEAR(density_ratio_of(0.5, 11), 1.8, 1e-12);
    EXPECT_NEAR(density_ratio_of(0.0, 11), 1.0, 1e-12);  // white noise: flat spectrum
    EXPECT_TRUE(std::isnan(density_ratio_of(0.5, 5)));
}

// ---- rolling, by hand ------------------------------------------------------------------
//
// x = 2, 4, 3, 7, 4, 1 with a window of 5: the first full window ends at index 4 (the values
// above); the second is 4, 3, 7, 4, 1: mean 3.8, d = 0.2, -0.8, 3.2, 0.2, -2.8,
// sum d^2 = 0.04 + 0.64 + 10.24 + 0.04 + 7.84 = 18.8 -> variance 4.7.
TEST(rolling_statistics, values_sit_at_the_window_right_end) {
    const std::vector<double> x = {2, 4, 3, 7, 4, 1};
    const auto rolled = rolling_statistics(x, x, {5, 1, ewstools});
    for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(std::isnan(rolled.variance[i])) << i;
    EXPECT_NEAR(rolled.variance[4], 3.5, 1e-12);
    EXPECT_NEAR(rolled.kurtosis[4], 2.0, 1e-12);
    EXPECT_NEAR(rolled.autocorrelation[4], -0.2672612419124244, 1e-12);
    EXPECT_NEAR(rolled.variance[5], 4.7, 1e-12);
}

TEST(rolling_statistics, refuses_windows_that_do_not_fit) {
    const std::vector<double> x = {2, 4, 3, 7, 4, 1};
    EXPECT_THROW(rolling_statistics(x, x, {7, 1, ewstools}), std::invalid_argument);
    EXPECT_THROW(rolling_statistics(x, x, {3, 1, ewstools}), std::invalid_argument);
    EXPECT_THROW(rolling_statistics(x, x, {5, 3, ewstools}), std::invalid_argument);
    const std::vector<double> with_nan = {2, 4, NAN, 7, 4, 1};
    EXPECT_THROW(rolling_statistics(with_nan, with_nan, {5, 1, ewstools}), std::invalid_argument);
}

TEST(rolling_statistics, constant_window_has_undefined_shape) {
    const std::vector<double> x(8, 3.0);
    const auto rolled = rolling_statistics(x, x, {5, 1, ewstools});
    EXPECT_NEAR(rolled.variance[7], 0.0, 1e-15);
    EXPECT_TRUE(std::isnan(rolled.skewness[7]));
    EXPECT_TRUE(std::isnan(rolled.autocorrelation[7]));
}

// ---- O(n) rolling against the O(n w) definition ----------------------------------------

std::vector<double> random_series(std::size_t n, double offset, double ar, std::uint64_t id) {
    random_stream stream({20261203, id, 0, 0});
    boost::random::normal_distribution<double> normal;
    std::vector<double> x(n);
    double state = 0;
    for (auto& value : x) {
        state = ar * state + normal(stream);
        value = offset + state;
    }
    return x;
}

void expect_close(double fast, double slow, double tolerance, const char* what, std::size_t i) {
    if (std::isnan(slow)) {
        EXPECT_TRUE(std::isnan(fast)) << what << " at " << i;
        return;
    }
    EXPECT_NEAR(fast, slow, tolerance * std::max(1.0, std::fabs(slow))) << what << " at " << i;
}

void compare_with_naive(const std::vector<double>& residuals, const std::vector<double>& state,
                        std::size_t window, std::size_t lag, ews_convention convention,
                        double tolerance) {
    const auto rolled = rolling_statistics(residuals, state, {window, lag, convention});
    const std::size_t windows = residuals.size() - window + 1;
    for (std::size_t end = window - 1; end < residuals.size(); ++end) {
        const std::span<const double> r(residuals.data() + end + 1 - window, window);
        const std::span<const double> s(state.data() + end + 1 - window, window);
        const auto v = window_statistics(r, s, lag, windows, convention);
        expect_close(rolled.variance[end], v.variance, tolerance, "variance", end);
        expect_close(rolled.standard_deviation[end], v.standard_deviation, tolerance, "sd", end);
        expect_close(rolled.coefficient_of_variation[end], v.coefficient_of_variation, tolerance,
                     "cv", end);
        expect_close(rolled.autocorrelation[end], v.autocorrelation, tolerance, "acf", end);
        expect_close(rolled.ar1[end], v.ar1, tolerance, "ar1", end);
        expect_close(rolled.skewness[end], v.skewness, tolerance, "skewness", end);
        expect_close(rolled.kurtosis[end], v.kurtosis, tolerance, "kurtosis", end);
        expect_close(rolled.return_rate[end], v.return_rate, tolerance, "return rate", end);
        expect_close(rolled.density_ratio[end], v.density_ratio, tolerance, "density", end);
    }
}

TEST(rolling_statistics, matches_the_naive_window_computation) {
    const auto residuals = random_series(2000, 0.0, 0.7, 1);
    const auto state = random_series(2000, 50.0, 0.9, 2);
    for (const auto convention : {ewstools, r_convention}) {
        for (const std::size_t window : {4u, 5u, 17u, 250u, 1000u, 2000u}) {
            for (const std::size_t lag : {1u, 2u}) {
                if (window < minimum_window_points(lag)) continue;
                compare_with_naive(residuals, state, window, lag, convention, 1e-9);
            }
        }
    }
}

// A large offset (1e6 against unit noise) is where plain running sums of x^2 ... x^4 lose
// every digit; the periodic re-centring keeps the rolling values at the naive ones.
TEST(rolling_statistics, survives_a_large_offset) {
    const auto residuals = random_series(3000, 1e6, 0.5, 3);
    compare_with_naive(residuals, residuals, 300, 1, ewstools, 1e-7);
    compare_with_naive(residuals, residuals, 300, 3, r_convention, 1e-7);
}

// Integer-valued data (like population counts) is full of ties and exact cancellations.
TEST(rolling_statistics, integer_counts) {
    auto counts = random_series(500, 0.0, 0.95, 4);
    for (auto& c : counts) c = std::round(700 + 10 * c);
    compare_with_naive(counts, counts, 40, 1, ewstools, 1e-9);
    compare_with_naive(counts, counts, 40, 1, r_convention, 1e-9);
}

// ---- window sizes ----------------------------------------------------------------------

TEST(window_points, conventions_round_differently) {
    // ewstools: int(f n); R: round(f n), which sends halves to the even neighbour.
    EXPECT_EQ(window_points(series_length::fraction(0.5), 121, ewstools), 60u);
    EXPECT_EQ(window_points(series_length::fraction(0.5), 121, r_convention), 60u);  // 60.5
    EXPECT_EQ(window_points(series_length::fraction(0.75), 10, ewstools), 7u);
    EXPECT_EQ(window_points(series_length::fraction(0.75), 10, r_convention), 8u);  // 7.5
    EXPECT_EQ(window_points(series_length::fraction(0.25), 10, r_convention), 2u);  // 2.5
    EXPECT_EQ(window_points(series_length::points(12), 100, ewstools), 12u);
    EXPECT_THROW(window_points(series_length::fraction(1.5), 10, ewstools), std::invalid_argument);
    EXPECT_THROW(window_points(series_length::points(2.5), 10, ewstools), std::invalid_argument);
}

// A count beyond the series is refused before it is cast: 1e30 points used to become 0.
TEST(window_points, more_points_than_the_series_are_refused) {
    EXPECT_EQ(window_points(series_length::points(50), 50, ewstools), 50u);
    EXPECT_THROW(window_points(series_length::points(51), 50, ewstools), std::invalid_argument);
    for (const double huge : {1e19, 18446744073709551616.0, 1e30, 1e300}) {
        EXPECT_THROW(window_points(series_length::points(huge), 50, ewstools),
                     std::invalid_argument)
            << huge;
    }
}

// ---- detrending ------------------------------------------------------------------------
//
// Gaussian kernel with sigma = 0.5 points: radius int(4 * 0.5 + 0.5) = 2, weights
// exp(-2 k^2) = 1, e^-2 = 0.13533528, e^-8 = 0.00033546 for |k| = 0, 1, 2; their sum over
// k = -2..2 is S = 1.27134149.
//   spike 0 0 1 0 0:  centre 1/S = 0.78657073, neighbours e^-2/S = 0.10645077,
//                     ends e^-8/S = 0.00026387
//   1 0 0 0 0, ewstools (reflect: index -1 -> 0, -2 -> 1): (1 + e^-2)/S = 0.89302150
//   1 0 0 0 0, r (renormalised over j = 0, 1, 2): 1/(1 + e^-2 + e^-8) = 0.88053690
TEST(gaussian_smooth_points, kernel_weights_by_hand) {
    const auto spike = gaussian_smooth_points(std::vector<double>{0, 0, 1, 0, 0}, 0.5, ewstools);
    EXPECT_NEAR(spike[2], 0.7865707258873422, 1e-12);
    EXPECT_NEAR(spike[1], 0.10645077197359151, 1e-12);
    EXPECT_NEAR(spike[3], 0.10645077197359151, 1e-12);
    EXPECT_NEAR(spike[0], 0.00026386508273735414, 1e-12);

    const auto edge = gaussian_smooth_points(std::vector<double>{1, 0, 0, 0, 0}, 0.5, ewstools);
    EXPECT_NEAR(edge[0], 0.8930214978609339, 1e-12);
    const auto edge_r =
        gaussian_smooth_points(std::vector<double>{1, 0, 0, 0, 0}, 0.5, r_convention);
    EXPECT_NEAR(edge_r[0], 0.8805369017749616, 1e-12);
}

// The FFT convolution used for long kernels gives the direct sums to rounding, in both
// conventions, for kernels shorter and longer than the series (repeated reflections).
TEST(gaussian_smooth_points, fft_equals_direct_sum) {
    for (const std::size_t n : {7u, 100u, 1001u}) {
        const auto x = random_series(n, 3.0, 0.9, 6);
        for (const double sigma : {0.8, 5.0, 40.0, 400.0}) {
            for (const auto convention : {ewstools, r_convention}) {
                const auto direct =
                    gaussian_smooth_points(x, sigma, convention, kernel_evaluation::direct);
                const auto fft =
                    gaussian_smooth_points(x, sigma, convention, kernel_evaluation::fft);
                ASSERT_EQ(direct.size(), fft.size());
                for (std::size_t i = 0; i < n; ++i) {
                    EXPECT_NEAR(fft[i], direct[i], 1e-12 * 10) << n << " " << sigma << " " << i;
                }
            }
        }
    }
}

// Bit-identical results whatever the input's address (FFTW would otherwise pick codelets by
// alignment): the same values at an 8-byte offset give exactly the same trend.
TEST(gaussian_smooth_points, fft_result_does_not_depend_on_alignment) {
    const auto x = random_series(999, 0.0, 0.5, 7);
    std::vector<double> shifted(x.size() + 1);
    std::copy(x.begin(), x.end(), shifted.begin() + 1);
    const std::span<const double> offset(shifted.data() + 1, x.size());
    for (const auto convention : {ewstools, r_convention}) {
        EXPECT_EQ(gaussian_smooth_points(x, 30.0, convention, kernel_evaluation::fft),
                  gaussian_smooth_points(offset, 30.0, convention, kernel_evaluation::fft));
    }
}

TEST(gaussian_smooth_points, sigma_per_bandwidth) {
    EXPECT_NEAR(gaussian_sigma_points(10, ewstools), 10 * 0.25 / 0.675, 1e-12);
    EXPECT_NEAR(gaussian_sigma_points(10, r_convention), 3.706506, 1e-12);
}

// On an evenly sampled series a bandwidth in time units is the same kernel as in points.
TEST(detrend, time_unit_bandwidth_equals_points_when_even) {
    const auto x = random_series(100, 0, 0.8, 5);
    std::vector<double> t(100);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = 3.0 * static_cast<double>(i);
    detrend_options in_points{detrend_method::gaussian, ewstools, series_length::points(20)};
    detrend_options in_time{detrend_method::gaussian, ewstools, series_length::time_units(60)};
    detrend_options as_fraction{detrend_method::gaussian, ewstools, series_length::fraction(0.2)};
    const auto a = detrend(t, x, in_points);
    const auto b = detrend(t, x, in_time);
    const auto c = detrend(t, x, as_fraction);
    for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_NEAR(a.trend[i], b.trend[i], 1e-12);
        EXPECT_NEAR(a.trend[i], c.trend[i], 1e-12);
        EXPECT_NEAR(a.trend[i] + a.residuals[i], x[i], 1e-12);
    }
}

TEST(detrend, uneven_sampling_needs_time_units) {
    const std::vector<double> t = {0, 1, 2, 4, 5, 7, 8, 9};
    const std::vector<double> x = {1, 2, 1, 3, 2, 4, 3, 5};
    EXPECT_FALSE(is_evenly_sampled(t));
    detrend_options fraction{detrend_method::gaussian, ewstools, series_length::fraction(0.5)};
    EXPECT_THROW(detrend(t, x, fraction), std::invalid_argument);
    detrend_options time{detrend_method::gaussian, ewstools, series_length::time_units(2.0)};
    const auto d = detrend(t, x, time);
    EXPECT_EQ(d.trend.size(), x.size());
}

// Linear: t = 0..3, x = 1, 3, 2, 4. Slope = sum (t - 1.5)(x - 2.5) / sum (t - 1.5)^2
// = (2.25 - 0.25 - 0.25 + 2.25) / 5 = 0.8; trend 2.5 + 0.8 (t - 1.5) = 1.3, 2.1, 2.9, 3.7.
TEST(detrend, linear_by_hand) {
    const std::vector<double> t = {0, 1, 2, 3};
    const std::vector<double> x = {1, 3, 2, 4};
    const auto d = detrend(t, x, {detrend_method::linear});
    const double expected[] = {1.3, 2.1, 2.9, 3.7};
    for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(d.trend[i], expected[i], 1e-12);
}

// First differences: residual i = x[i+1] - x[i] at t[i+1].
TEST(detrend, first_differences) {
    const std::vector<double> t = {10, 20, 30, 40};
    const std::vector<double> x = {1, 3, 2, 4};
    const auto d = detrend(t, x, {detrend_method::first_difference});
    ASSERT_EQ(d.residuals.size(), 3u);
    EXPECT_EQ(d.time, (std::vector<double>{20, 30, 40}));
    EXPECT_EQ(d.residuals, (std::vector<double>{2, -1, 2}));
    EXPECT_EQ(d.state, (std::vector<double>{3, 2, 4}));
}

// LOWESS reproduces any polynomial up to its degree exactly, and the robustness passes of the
// ewstools convention ignore one wild outlier on a line.
TEST(lowess, reproduces_polynomials_and_resists_outliers) {
    std::vector<double> t(40);
    std::vector<double> line(40);
    std::vector<double> parabola(40);
    for (std::size_t i = 0; i < t.size(); ++i) {
        t[i] = 0.5 * static_cast<double>(i);
        line[i] = 2 - 0.3 * t[i];
        parabola[i] = 1 + t[i] - 0.05 * t[i] * t[i];
    }
    const auto fit_line = lowess(t, line, 0.3, 1, 0);
    const auto fit_parabola = lowess(t, parabola, 0.3, 2, 0);
    for (std::size_t i = 0; i < t.size(); ++i) {
        EXPECT_NEAR(fit_line[i], line[i], 1e-10);
        EXPECT_NEAR(fit_parabola[i], parabola[i], 1e-10);
    }
    auto spoiled = line;
    spoiled[20] += 100;
    const auto robust = lowess(t, spoiled, 0.3, 1, 3);
    EXPECT_NEAR(robust[20], line[20], 1e-6);
    EXPECT_NEAR(robust[5], line[5], 1e-6);
    EXPECT_THROW(lowess(t, line, 0.05, 2, 0), std::invalid_argument);  // 2 points, degree 2
}

TEST(detrend, refuses_bad_series) {
    const std::vector<double> t = {0, 1, 1, 3};
    const std::vector<double> x = {1, 3, 2, 4};
    EXPECT_THROW(detrend(t, x, {detrend_method::none}), std::invalid_argument);
    const std::vector<double> good_t = {0, 1, 2, 3};
    const std::vector<double> nan_x = {1, NAN, 2, 4};
    EXPECT_THROW(detrend(good_t, nan_x, {detrend_method::none}), std::invalid_argument);
}

TEST(names, round_trip) {
    for (const auto which : all_indicators) EXPECT_EQ(parse_indicator(to_string(which)), which);
    EXPECT_EQ(parse_detrend_method("first-diff"), detrend_method::first_difference);
    EXPECT_EQ(parse_convention("r"), ews_convention::earlywarnings);
    EXPECT_THROW(parse_convention("matlab"), std::invalid_argument);
}

// ---- pipeline --------------------------------------------------------------------------

// AR(1) whose coefficient climbs from 0.1 to 0.95 (critical slowing down): variance and
// autocorrelation trend up strongly; a white-noise series of the same length does not.
TEST(early_warning, slowing_down_shows_rising_variance_and_autocorrelation) {
    random_stream stream({11, 0, 0, 0});
    boost::random::normal_distribution<double> normal;
    const std::size_t n = 1000;
    std::vector<double> t(n);
    std::vector<double> x(n);
    double state = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double phi = 0.1 + 0.85 * static_cast<double>(i) / static_cast<double>(n);
        state = phi * state + normal(stream);
        t[i] = static_cast<double>(i);
        x[i] = 5 + state;
    }
    const auto result = early_warning(t, x, {});
    EXPECT_EQ(result.rolling.window, 500u);
    EXPECT_GT(result.tau_of(indicator::variance), 0.7);
    EXPECT_GT(result.tau_of(indicator::autocorrelation), 0.7);
    EXPECT_GT(result.tau_of(indicator::ar1), 0.7);
    EXPECT_LT(result.tau_of(indicator::return_rate), -0.7);
}

TEST(early_warning, refuses_a_series_too_short_for_the_window) {
    const std::vector<double> t = {1, 2, 3, 4};
    const std::vector<double> x = {1, 3, 2, 4};
    ews_options options;
    options.detrending.method = detrend_method::none;
    EXPECT_THROW(early_warning(t, x, options), std::invalid_argument);  // 2-point window
    options.window = series_length::points(5);
    EXPECT_THROW(early_warning(t, x, options), std::invalid_argument);
}

}  // namespace
}  // namespace vigil::analysis

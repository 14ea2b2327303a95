#include "analysis/surrogates.hpp"

#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <vector>

namespace vigil::analysis {
namespace {

std::vector<double> ar1_series(std::size_t n, double phi, std::uint64_t id) {
    random_stream stream({99, id, 0, 0});
    boost::random::normal_distribution<double> normal;
    std::vector<double> x(n);
    double state = 0;
    for (auto& v : x) {
        state = phi * state + normal(stream);
        v = 2 + state;
    }
    return x;
}

// phi-hat has standard error sqrt((1 - phi^2) / n) = 0.0025 at n = 1e5, phi = 0.6; the
// innovation sd (1) is estimated to about 1/sqrt(2n) = 0.0022. Tolerances: 5 standard errors.
TEST(fit_ar1, recovers_the_coefficient_of_a_long_series) {
    const auto x = ar1_series(100000, 0.6, 1);
    const auto fit = fit_ar1(x);
    EXPECT_NEAR(fit.phi, 0.6, 5 * 0.0025);
    EXPECT_NEAR(fit.innovation_sd, 1.0, 5 * 0.0022);
    EXPECT_NEAR(fit.mean, 2.0, 5 * 1 / (0.4 * std::sqrt(1e5)));
}

TEST(ar1_surrogate, has_the_fitted_coefficient_and_is_keyed) {
    const ar1_fit fit{1.0, 0.8, 0.5};
    random_stream a({5, 1, 0, 3});
    random_stream b({5, 1, 0, 3});
    random_stream c({5, 1, 0, 4});
    const auto x = ar1_surrogate(fit, 50000, a);
    EXPECT_EQ(x, ar1_surrogate(fit, 50000, b));
    EXPECT_NE(x, ar1_surrogate(fit, 50000, c));
    EXPECT_NEAR(fit_ar1(x).phi, 0.8, 5 * std::sqrt((1 - 0.64) / 50000));
}

double circular_autocovariance(const std::vector<double>& x, std::size_t lag) {
    double mean = 0;
    for (const double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sum += (x[i] - mean) * (x[(i + lag) % x.size()] - mean);
    }
    return sum / static_cast<double>(x.size());
}

// Phase randomisation keeps the periodogram, hence the mean and the circular autocovariance
// at every lag, for odd and even lengths; the series itself changes.
TEST(phase_randomised_surrogate, keeps_the_circular_autocovariance) {
    for (const std::size_t n : {101u, 128u}) {
        const auto x = ar1_series(n, 0.7, 2);
        random_stream stream({5, 2, 0, 0});
        const auto s = phase_randomised_surrogate(x, stream);
        ASSERT_EQ(s.size(), n);
        for (const std::size_t lag : {0u, 1u, 2u, 5u, 17u}) {
            EXPECT_NEAR(circular_autocovariance(s, lag), circular_autocovariance(x, lag), 1e-10)
                << n << " " << lag;
        }
        double mean_x = 0;
        double mean_s = 0;
        for (std::size_t i = 0; i < n; ++i) {
            mean_x += x[i];
            mean_s += s[i];
        }
        EXPECT_NEAR(mean_s, mean_x, 1e-9);
        EXPECT_GT(std::fabs(s[0] - x[0]) + std::fabs(s[n / 2] - x[n / 2]), 1e-6);
        random_stream again({5, 2, 0, 0});
        EXPECT_EQ(s, phase_randomised_surrogate(x, again));
    }
}

// p = (1 + #{tau_s >= 0.5}) / (1 + 4) with taus 0.1, 0.6, NaN (counts), 0.4: (1 + 2) / 5.
// The return rate falls before a transition: with direction -1 the count is of tau_s <= -0.5.
TEST(surrogate_p_value, counts_the_observed_among_the_surrogates) {
    const std::vector<double> taus = {0.1, 0.6, NAN, 0.4};
    EXPECT_DOUBLE_EQ(surrogate_p_value(0.5, taus, 1), 3.0 / 5);
    EXPECT_DOUBLE_EQ(surrogate_p_value(0.7, taus, 1), 2.0 / 5);
    EXPECT_DOUBLE_EQ(surrogate_p_value(-0.5, std::vector<double>{-0.6, -0.1, 0.2}, -1), 2.0 / 4);
    EXPECT_DOUBLE_EQ(surrogate_p_value(0.5, std::vector<double>{}, 1), 1.0);
    EXPECT_TRUE(std::isnan(surrogate_p_value(NAN, taus, 1)));
    EXPECT_EQ(expected_direction(indicator::return_rate), -1);
    EXPECT_EQ(expected_direction(indicator::variance), 1);
}

// A series slowing down (AR coefficient 0.2 -> 0.95) against its own surrogates: the variance
// and autocorrelation trends are significant; every p-value lies in (0, 1].
TEST(surrogate_test, slowing_down_is_significant) {
    random_stream stream({12, 0, 0, 0});
    boost::random::normal_distribution<double> normal;
    const std::size_t n = 600;
    std::vector<double> t(n);
    std::vector<double> x(n);
    double state = 0;
    for (std::size_t i = 0; i < n; ++i) {
        state = (0.2 + 0.75 * static_cast<double>(i) / n) * state + normal(stream);
        t[i] = static_cast<double>(i);
        x[i] = state;
    }
    ews_options options;
    options.detrending.method = detrend_method::none;
    const auto observed = early_warning(t, x, options);
    for (const auto kind : {surrogate_kind::ar1, surrogate_kind::phase}) {
        const auto result =
            surrogate_test(observed, ews_convention::ewstools, kind, 99, {1, 7, 0, 0});
        ASSERT_EQ(result.p_values.size(), std::size(all_indicators));
        for (const double p : result.p_values) {
            EXPECT_GT(p, 0.0);
            EXPECT_LE(p, 1.0);
        }
        EXPECT_LE(result.p_values[static_cast<std::size_t>(indicator::variance)], 0.05);
        EXPECT_LE(result.p_values[static_cast<std::size_t>(indicator::autocorrelation)], 0.05);
    }
}

}  // namespace
}  // namespace vigil::analysis

#include "analysis/kendall.hpp"

#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace vigil::analysis {
namespace {

// x = 1, 2, 2, 3 and y = 1, 3, 2, 2. Pairs: (1,2) C, (1,3) C, (1,4) C, (2,3) tied in x,
// (2,4) D (x up, y 3 -> 2), (3,4) tied in y. C = 3, D = 1, n0 = 6, one tie in each:
// tau-b = (3 - 1) / sqrt((6 - 1)(6 - 1)) = 0.4.
TEST(kendall_tau_b, ties_in_both_by_hand) {
    EXPECT_NEAR(kendall_tau_b(std::vector<double>{1, 2, 2, 3}, std::vector<double>{1, 3, 2, 2}),
                0.4, 1e-15);
}

// The example of scipy.stats.kendalltau's documentation: x = 12, 2, 1, 12, 2 and
// y = 1, 4, 7, 1, 0. C = 2 (pairs 1-5, 4-5), D = 6, ties in x: (1,4) (2,5), in y: (1,4).
// tau-b = (2 - 6) / sqrt((10 - 2)(10 - 1)) = -4 / sqrt(72) = -0.47140452079103173.
TEST(kendall_tau_b, scipy_documentation_example) {
    EXPECT_NEAR(
        kendall_tau_b(std::vector<double>{12, 2, 1, 12, 2}, std::vector<double>{1, 4, 7, 1, 0}),
        -0.47140452079103173, 1e-15);
}

// Time against a series with ties: x = 1..5, y = 1, 1, 2, 2, 3. No discordant pair, 8
// concordant, 2 ties in y: tau-b = 8 / sqrt(10 * 8) = 0.894427191 (R: cor(..., "kendall")).
TEST(kendall_tau_b, ties_in_one_variable) {
    EXPECT_NEAR(
        kendall_tau_b(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{1, 1, 2, 2, 3}),
        8 / std::sqrt(80.0), 1e-15);
}

// No ties: y = 3, 1, 4, 5, 2 against 1..5 has C = 6, D = 4: tau = 0.2.
TEST(kendall_tau_b, no_ties) {
    EXPECT_NEAR(
        kendall_tau_b(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{3, 1, 4, 5, 2}), 0.2,
        1e-15);
    EXPECT_NEAR(kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{3, 2, 1}), -1.0,
                1e-15);
}

TEST(kendall_tau_b, degenerate_and_bad_input) {
    EXPECT_TRUE(
        std::isnan(kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{2, 2, 2})));
    EXPECT_TRUE(std::isnan(kendall_tau_b(std::vector<double>{1}, std::vector<double>{2})));
    EXPECT_THROW(kendall_tau_b(std::vector<double>{1, 2}, std::vector<double>{1}),
                 std::invalid_argument);
    EXPECT_THROW(kendall_tau_b(std::vector<double>{1, NAN}, std::vector<double>{1, 2}),
                 std::invalid_argument);
}

// The O(n^2) definition, for comparison on random data with many ties.
double brute_force_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
    double concordant_minus_discordant = 0;
    double untied_x = 0;
    double untied_y = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const double dx = x[i] - x[j];
            const double dy = y[i] - y[j];
            if (dx != 0) ++untied_x;
            if (dy != 0) ++untied_y;
            if (dx * dy > 0) ++concordant_minus_discordant;
            if (dx * dy < 0) --concordant_minus_discordant;
        }
    }
    return concordant_minus_discordant / std::sqrt(untied_x * untied_y);
}

TEST(kendall_tau_b, matches_brute_force_with_many_ties) {
    random_stream stream({7, 0, 0, 0});
    for (const std::size_t n : {2u, 3u, 10u, 101u, 1000u}) {
        for (const int levels : {3, 20, 1000000}) {
            std::vector<double> x(n);
            std::vector<double> y(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = std::floor(stream.uniform_open() * levels);
                y[i] = std::floor(stream.uniform_open() * levels) + 0.1 * x[i];
            }
            const double expected = brute_force_tau_b(x, y);
            const double tau = kendall_tau_b(x, y);
            if (std::isnan(expected)) {
                EXPECT_TRUE(std::isnan(tau));
            } else {
                EXPECT_NEAR(tau, expected, 1e-12) << n << " " << levels;
            }
        }
    }
}

// The sorted-time shortcut of trend_tau against the general tau-b, with ties in the values.
TEST(trend_tau, equals_kendall_tau_b_against_time) {
    random_stream stream({8, 0, 0, 0});
    for (const std::size_t n : {3u, 10u, 500u}) {
        std::vector<double> time(n);
        std::vector<double> values(n);
        for (std::size_t i = 0; i < n; ++i) {
            time[i] = 0.5 * static_cast<double>(i);
            values[i] = std::floor(stream.uniform_open() * 7);
        }
        EXPECT_NEAR(trend_tau(time, values), kendall_tau_b(time, values), 1e-14) << n;
    }
    EXPECT_TRUE(std::isnan(trend_tau(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4})));
}

TEST(trend_tau, skips_leading_nans) {
    const std::vector<double> time = {1, 2, 3, 4, 5, 6};
    const std::vector<double> values = {NAN, NAN, 1, 1, 2, 3};
    // Over t = 3..6 and 1, 1, 2, 3: C = 5, D = 0, one tie in y: 5 / sqrt(6 * 5).
    EXPECT_NEAR(trend_tau(time, values), 5 / std::sqrt(30.0), 1e-15);
    EXPECT_TRUE(std::isnan(trend_tau(time, std::vector<double>{NAN, NAN, NAN, NAN, 1, 2})));
}

}  // namespace
}  // namespace vigil::analysis

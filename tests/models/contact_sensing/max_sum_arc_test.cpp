#include "models/contact_sensing/max_sum_arc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double two_pi = 2 * std::numbers::pi;

double direct_run_sum(const std::vector<double>& values, const circular_run& run) {
    double sum = 0;
    for (std::size_t k = 0; k < run.length; ++k) sum += values[(run.start + k) % values.size()];
    return sum;
}

// The run's sum as (number of +inf minus number of -inf entries, sum of finite entries).
std::pair<int, double> extended_run_sum(const std::vector<double>& values,
                                        const circular_run& run) {
    std::pair<int, double> sum{0, 0.0};
    for (std::size_t k = 0; k < run.length; ++k) {
        const double v = values[(run.start + k) % values.size()];
        if (std::isinf(v)) {
            sum.first += v > 0 ? 1 : -1;
        } else {
            sum.second += v;
        }
    }
    return sum;
}

void expect_same_best(const std::vector<double>& values, const std::string& label) {
    const circular_run fast = max_sum_circular_run(values);
    const circular_run brute = max_sum_circular_run_brute_force(values);
    ASSERT_LT(fast.start, values.size()) << label;
    ASSERT_GE(fast.length, 1u) << label;
    ASSERT_LE(fast.length, values.size()) << label;
    ASSERT_FALSE(std::isnan(fast.sum)) << label;
    EXPECT_EQ(fast.sum, direct_run_sum(values, fast)) << label;  // same order of addition
    const auto fast_key = extended_run_sum(values, fast);
    const auto brute_key = extended_run_sum(values, brute);
    EXPECT_EQ(fast_key.first, brute_key.first) << label;  // as many infinities covered
    double scale = 1;
    for (const double v : values) scale += std::isinf(v) ? 0.0 : std::fabs(v);
    EXPECT_NEAR(fast_key.second, brute_key.second, 1e-12 * scale) << label;
    if (std::isinf(brute.sum)) {
        EXPECT_EQ(fast.sum, brute.sum) << label;
    }
}

TEST(max_sum_circular_run, agrees_with_brute_force_on_random_vectors) {
    std::mt19937_64 engine(2024);
    std::normal_distribution<double> gaussian(0.0, 1.0);
    int checked = 0;
    for (int trial = 0; trial < 6000; ++trial) {
        const std::size_t n = 1 + engine() % 40;
        const double offset = std::vector<double>{-3.0, -0.5, 0.0, 0.5, 3.0}[trial % 5];
        std::vector<double> values(n);
        for (double& v : values) v = offset + gaussian(engine);
        switch (trial % 6) {
            case 3:  // some +inf entries (a_I = 0: binding proves contact)
                for (double& v : values) {
                    if (engine() % 5 == 0) v = infinity;
                }
                break;
            case 4:  // some -inf entries (a_E = 0, interferer outside)
                for (double& v : values) {
                    if (engine() % 5 == 0) v = -infinity;
                }
                break;
            case 5:  // ties: small integers and zeros
                for (double& v : values)
                    v = static_cast<double>(static_cast<int>(engine() % 5) - 2);
                break;
            default:
                break;
        }
        expect_same_best(values, "trial " + std::to_string(trial));
        ++checked;
    }
    EXPECT_EQ(checked, 6000);
}

TEST(max_sum_circular_run, all_negative_takes_the_largest_single_entry) {
    const std::vector<double> values{-3, -1, -0.5, -2, -7};
    const circular_run best = max_sum_circular_run(values);
    EXPECT_EQ(best.start, 2u);
    EXPECT_EQ(best.length, 1u);
    EXPECT_EQ(best.sum, -0.5);
    EXPECT_EQ(glrt_statistic(best), 0.0);
}

TEST(max_sum_circular_run, all_positive_takes_the_whole_circle) {
    const std::vector<double> values{1, 2, 0.5, 3};
    const circular_run best = max_sum_circular_run(values);
    EXPECT_EQ(best.length, 4u);
    EXPECT_DOUBLE_EQ(best.sum, 6.5);
    EXPECT_DOUBLE_EQ(glrt_statistic(best), 6.5);
}

TEST(max_sum_circular_run, finds_a_run_through_the_end_of_the_array) {
    const std::vector<double> values{2, 3, -10, -10, 1, 4};
    const circular_run best = max_sum_circular_run(values);
    EXPECT_EQ(best.start, 4u);
    EXPECT_EQ(best.length, 4u);
    EXPECT_DOUBLE_EQ(best.sum, 10);
}

TEST(max_sum_circular_run, single_receptor) {
    EXPECT_EQ(max_sum_circular_run(std::vector<double>{-2}).sum, -2);
    EXPECT_EQ(max_sum_circular_run(std::vector<double>{infinity}).sum, infinity);
}

TEST(max_sum_circular_run, infinite_entries_give_an_infinite_sum_covering_them) {
    // Two +inf entries on either side of the array's end: the best run covers both, and among
    // such runs the one with the largest finite part (+1 at index 5, not -5 at index 2).
    const std::vector<double> values{infinity, -1, -5, -4, -1, 1, infinity};
    const circular_run best = max_sum_circular_run(values);
    EXPECT_EQ(best.sum, infinity);
    EXPECT_EQ(best.start, 5u);
    EXPECT_EQ(best.length, 3u);
    EXPECT_EQ(glrt_statistic(best), infinity);

    std::vector<double> all_infinite(7, infinity);
    EXPECT_EQ(max_sum_circular_run(all_infinite).length, 7u);
}

TEST(max_sum_circular_run, negative_infinity_is_avoided) {
    const std::vector<double> values{-infinity, 2, -infinity, -infinity};
    const circular_run best = max_sum_circular_run(values);
    EXPECT_EQ(best.start, 1u);
    EXPECT_EQ(best.length, 1u);
    EXPECT_EQ(best.sum, 2);

    const std::vector<double> hopeless(5, -infinity);
    EXPECT_EQ(max_sum_circular_run(hopeless).sum, -infinity);
    EXPECT_EQ(glrt_statistic(max_sum_circular_run(hopeless)), 0.0);
}

TEST(run_angles, centre_and_width_follow_the_receptor_grid) {
    const std::size_t n = 8;  // receptors every pi/4
    EXPECT_DOUBLE_EQ(run_centre_angle({2, 1, 0}, n), 2 * two_pi / 8);
    EXPECT_DOUBLE_EQ(run_centre_angle({2, 2, 0}, n), 2.5 * two_pi / 8);
    EXPECT_DOUBLE_EQ(run_width_angle({2, 3, 0}, n), 3 * two_pi / 8);
    // A run from receptor 7 through 0 and 1 is centred on receptor 0: wrapped to 0, not 2 pi.
    EXPECT_DOUBLE_EQ(run_centre_angle({7, 3, 0}, n), 0.0);
    EXPECT_DOUBLE_EQ(run_centre_angle({7, 2, 0}, n), 7.5 * two_pi / 8);
    EXPECT_DOUBLE_EQ(run_centre_angle({6, 8, 0}, n), 1.5 * two_pi / 8);
    for (std::size_t start = 0; start < n; ++start) {
        for (std::size_t length = 1; length <= n; ++length) {
            const double centre = run_centre_angle({start, length, 0}, n);
            EXPECT_GE(centre, 0.0);
            EXPECT_LT(centre, two_pi);
        }
    }
}

}  // namespace
}  // namespace vigil::contact_sensing

#include "analysis/intervals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigil::analysis {
namespace {

// Wilson bounds: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), with
// z = 1.959963985 at 95% (z^2 = 3.841458821). By hand:
//  0 of 10: centre = 0.192072941 / 1.384145882 = 0.138766400, half width the same,
//           so [0, 0.277532800];
//  5 of 10: centre 0.5, half = 1.959963985 / 1.384145882 * sqrt(0.025 + 0.009603647)
//           = 1.416005 * 0.1860206 = 0.263407, so [0.236593, 0.763407];
// 10 of 10: the mirror image of 0 of 10, [0.722467200, 1].
TEST(wilson_interval, matches_hand_computed_values_at_95_percent) {
    const auto none = wilson_interval(0, 10, 0.95);
    EXPECT_EQ(none.value, 0.0);
    EXPECT_EQ(none.lower, 0.0);
    EXPECT_NEAR(none.upper, 0.2775328, 1e-6);

    const auto half = wilson_interval(5, 10, 0.95);
    EXPECT_EQ(half.value, 0.5);
    EXPECT_NEAR(half.lower, 0.236593, 1e-6);
    EXPECT_NEAR(half.upper, 0.763407, 1e-6);

    const auto all = wilson_interval(10, 10, 0.95);
    EXPECT_NEAR(all.lower, 0.7224672, 1e-6);
    EXPECT_EQ(all.upper, 1.0);
}

TEST(wilson_interval, widens_with_confidence_and_handles_no_trials) {
    const auto narrow = wilson_interval(3, 40, 0.80);
    const auto wide = wilson_interval(3, 40, 0.99);
    EXPECT_LT(wide.lower, narrow.lower);
    EXPECT_GT(wide.upper, narrow.upper);

    EXPECT_TRUE(std::isnan(wilson_interval(0, 0, 0.95).value));
    EXPECT_THROW(wilson_interval(5, 4, 0.95), std::invalid_argument);
    EXPECT_THROW(wilson_interval(1, 4, 1.0), std::invalid_argument);
}

// Sample 1..5: mean 3, s^2 = 2.5, standard error sqrt(2.5/5) = 0.7071068, t(0.975, 4 dof)
// = 2.7764451, so 3 -+ 1.9632432.
TEST(mean_with_interval, matches_student_t_by_hand) {
    const std::vector<double> sample{1, 2, 3, 4, 5};
    const auto mean = mean_with_interval(sample, 0.95);
    EXPECT_EQ(mean.value, 3.0);
    EXPECT_NEAR(mean.lower, 3 - 1.9632432, 1e-6);
    EXPECT_NEAR(mean.upper, 3 + 1.9632432, 1e-6);

    const std::vector<double> single{4};
    EXPECT_EQ(mean_with_interval(single, 0.95).value, 4.0);
    EXPECT_TRUE(std::isnan(mean_with_interval(single, 0.95).lower));
}

// Two Kendall taus far apart: mean 0.15, t(0.975, 1 dof) = 12.706 times the standard error
// 0.85 reaches [-10.65, 10.95]; a correlation's interval stays in [-1, 1].
TEST(mean_with_interval, is_clipped_to_the_range_of_the_quantity) {
    const std::vector<double> taus{-0.7, 1.0};
    const auto open = mean_with_interval(taus, 0.95);
    EXPECT_LT(open.lower, -10);
    const auto clipped = mean_with_interval(taus, 0.95, correlation_range);
    EXPECT_DOUBLE_EQ(clipped.value, 0.15);
    EXPECT_EQ(clipped.lower, -1.0);
    EXPECT_EQ(clipped.upper, 1.0);

    const std::vector<double> shares{0.01, 0.02, 0.9};
    const auto share = mean_with_interval(shares, 0.95, unit_interval);
    EXPECT_EQ(share.lower, 0.0);
    EXPECT_EQ(share.upper, 1.0);
    const auto positive = mean_with_interval(shares, 0.95, non_negative);
    EXPECT_EQ(positive.lower, 0.0);
    EXPECT_GT(positive.upper, 1.0);

    // Inside the range nothing changes; NaN bounds stay NaN.
    const std::vector<double> narrow{0.40, 0.41, 0.42};
    const auto inside = mean_with_interval(narrow, 0.95, unit_interval);
    const auto plain = mean_with_interval(narrow, 0.95);
    EXPECT_EQ(inside.lower, plain.lower);
    EXPECT_EQ(inside.upper, plain.upper);
    const std::vector<double> single{0.5};
    EXPECT_TRUE(std::isnan(mean_with_interval(single, 0.95, unit_interval).lower));
}

std::vector<double> evenly_spaced(int count) {
    std::vector<double> sample;
    for (int k = 0; k < count; ++k) sample.push_back(k);
    return sample;
}

TEST(bootstrap_interval, same_key_gives_same_interval) {
    const auto sample = evenly_spaced(50);
    const stream_key key{42, 900, 0, 0};
    const auto first = bootstrap_interval(sample, root_mean_square, 0.95, 500, key);
    const auto second = bootstrap_interval(sample, root_mean_square, 0.95, 500, key);
    EXPECT_EQ(first.lower, second.lower);
    EXPECT_EQ(first.upper, second.upper);

    const auto other = bootstrap_interval(sample, root_mean_square, 0.95, 500, {43, 900, 0, 0});
    EXPECT_NE(first.lower, other.lower);
    EXPECT_EQ(first.value, other.value);
}

TEST(bootstrap_interval, is_degenerate_for_a_constant_sample) {
    const std::vector<double> sample(20, -2.0);
    const auto rms = bootstrap_interval(sample, root_mean_square, 0.95, 200, {1, 2, 3, 4});
    EXPECT_EQ(rms.value, 2.0);
    EXPECT_EQ(rms.lower, 2.0);
    EXPECT_EQ(rms.upper, 2.0);
}

// For the mean of n = 400 values 0..399 (sd 115.47), the 95% interval is about
// 2 * 1.96 * 115.47 / 20 = 22.63 wide. With 4000 resamples the Monte Carlo error of the
// 2.5% and 97.5% quantiles is below 2% of that width, so 8% is a safe tolerance.
TEST(bootstrap_interval, width_of_mean_interval_matches_normal_theory) {
    const auto sample = evenly_spaced(400);
    const auto mean = bootstrap_interval(sample, sample_mean, 0.95, 4000, {5, 900, 0, 0});
    EXPECT_EQ(mean.value, 199.5);
    EXPECT_NEAR(mean.upper - mean.lower, 22.63, 0.08 * 22.63);
    EXPECT_NEAR((mean.upper + mean.lower) / 2, 199.5, 2.0);
}

TEST(auc_intervals, contain_the_estimate_and_stay_in_unit_interval) {
    const std::vector<double> negatives{0, 1, 1, 2, 3, 3, 4, 6};
    const std::vector<double> positives{1, 3, 4, 5, 5, 7, 8};
    const stream_key key{9, 901, 0, 0};

    const auto hanley = auc_hanley_mcneil_interval(negatives, positives, 0.95);
    const auto boot = auc_bootstrap_interval(negatives, positives, 0.95, 1000, key);
    for (const auto& auc : {hanley, boot}) {
        EXPECT_LE(0.0, auc.lower);
        EXPECT_LE(auc.lower, auc.value);
        EXPECT_LE(auc.value, auc.upper);
        EXPECT_LE(auc.upper, 1.0);
    }
    EXPECT_EQ(hanley.value, boot.value);

    const auto again = auc_bootstrap_interval(negatives, positives, 0.95, 1000, key);
    EXPECT_EQ(boot.lower, again.lower);
    EXPECT_EQ(boot.upper, again.upper);
}

TEST(tie_group_bootstrap_interval, agrees_exactly_with_sorting_bootstrap) {
    // Both draw the same resamples from the same key; only the counting differs.
    const std::vector<double> negatives{0, 0, 0, 1, 1, 2, 3, 3, 4, 6, 0, 2};
    const std::vector<double> positives{1, 3, 4, 5, 5, 7, 8, 0, 3};
    const stream_key key{9, 902, 0, 0};

    const auto auc_by_sorting = [](std::span<const double> neg, std::span<const double> pos) {
        return roc_auc(neg, pos);
    };
    const auto auc = auc_bootstrap_interval(negatives, positives, 0.9, 500, key);
    const auto sorted =
        stratified_bootstrap_interval(negatives, positives, auc_by_sorting, 0.9, 500, key);
    EXPECT_EQ(auc.value, sorted.value);
    EXPECT_EQ(auc.lower, sorted.lower);
    EXPECT_EQ(auc.upper, sorted.upper);

    const auto error_by_sorting = [](std::span<const double> neg, std::span<const double> pos) {
        const auto point = minimum_mean_error_point(neg, pos);
        return (point.false_positive_rate + point.false_negative_rate) / 2;
    };
    const auto error = min_mean_error_bootstrap_interval(negatives, positives, 0.9, 500, key);
    const auto error_sorted =
        stratified_bootstrap_interval(negatives, positives, error_by_sorting, 0.9, 500, key);
    EXPECT_EQ(error.value, error_sorted.value);
    EXPECT_EQ(error.lower, error_sorted.lower);
    EXPECT_EQ(error.upper, error_sorted.upper);
    EXPECT_LT(error.lower, error.upper);
}

// Hanley-McNeil by hand for A = 0.75, 8 negatives, 7 positives: Q1 = 0.75/1.25 = 0.6,
// Q2 = 2 * 0.5625 / 1.75 = 0.6428571; variance = (0.1875 + 6 * 0.0375 + 7 * 0.0803571) / 56
// = 0.975 / 56 = 0.01741071; half width 1.959964 * 0.1319497 = 0.2586166. The upper bound
// 1.0086 is clipped to 1.
TEST(auc_intervals, hanley_mcneil_matches_hand_computation) {
    // 42 of the 56 pairs won outright: A = 0.75.
    const std::vector<double> negatives{0, 0, 0, 0, 0, 0, 10, 10};
    const std::vector<double> positives{5, 5, 5, 5, 5, 5, 5};
    const auto auc = auc_hanley_mcneil_interval(negatives, positives, 0.95);
    EXPECT_EQ(auc.value, 0.75);
    EXPECT_NEAR(auc.lower, 0.75 - 0.2586166, 1e-6);
    EXPECT_EQ(auc.upper, 1.0);
}

}  // namespace
}  // namespace vigil::analysis

#include "analysis/roc.hpp"

#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace vigil::analysis {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Scores on a coarse grid (0, 0.5, ..., levels/2) so that ties within and across samples are
// common; `shift` moves the positives up.
std::vector<double> tied_scores(random_stream& stream, std::size_t count, int levels,
                                double shift) {
    std::vector<double> scores(count);
    for (double& s : scores) {
        s = std::floor(stream.uniform_open() * levels) / 2 + shift;
    }
    return scores;
}

// The O(nm) definition: wins count 1, ties count 1/2.
double brute_force_auc(const std::vector<double>& negatives, const std::vector<double>& positives) {
    std::uint64_t twice_u = 0;
    for (const double p : positives) {
        for (const double n : negatives) twice_u += p > n ? 2 : (p == n ? 1 : 0);
    }
    return static_cast<double>(twice_u) /
           (2 * static_cast<double>(negatives.size()) * static_cast<double>(positives.size()));
}

std::size_t count_above(const std::vector<double>& scores, double threshold) {
    std::size_t count = 0;
    for (const double s : scores) count += s > threshold ? 1 : 0;
    return count;
}

// Every threshold that can matter: each score of either sample and -infinity.
std::vector<double> candidate_thresholds(const std::vector<double>& negatives,
                                         const std::vector<double>& positives) {
    std::vector<double> thresholds{-infinity};
    thresholds.insert(thresholds.end(), negatives.begin(), negatives.end());
    thresholds.insert(thresholds.end(), positives.begin(), positives.end());
    return thresholds;
}

TEST(roc_auc, matches_pairwise_count_with_ties_on_random_data) {
    random_stream stream(stream_key{7, 1, 0, 0});
    for (const std::size_t n : {1, 2, 17, 200}) {
        for (const std::size_t m : {1, 5, 150}) {
            const auto negatives = tied_scores(stream, n, 8, 0);
            const auto positives = tied_scores(stream, m, 8, 1);
            // Both are exact ratios of the same integers, so they agree to the last bit.
            EXPECT_EQ(roc_auc(negatives, positives), brute_force_auc(negatives, positives))
                << "n = " << n << ", m = " << m;
        }
    }
}

TEST(roc_auc, identical_samples_give_one_half) {
    const std::vector<double> scores{0, 0, 0, 1.5, 2, 2, 7};
    EXPECT_EQ(roc_auc(scores, scores), 0.5);
    const std::vector<double> constant(10, 3.0);
    EXPECT_EQ(roc_auc(constant, constant), 0.5);
}

TEST(roc_auc, separable_samples_give_one_or_zero) {
    const std::vector<double> low{0, 0, 1, 2};
    const std::vector<double> high{2.5, 3, 10};
    EXPECT_EQ(roc_auc(low, high), 1.0);
    EXPECT_EQ(roc_auc(high, low), 0.0);
}

TEST(roc_auc, rejects_empty_and_nan_samples) {
    const std::vector<double> some{1, 2};
    const std::vector<double> none;
    const std::vector<double> with_nan{1, std::nan("")};
    EXPECT_THROW(roc_auc(none, some), std::invalid_argument);
    EXPECT_THROW(roc_auc(some, with_nan), std::invalid_argument);
}

TEST(error_rates, react_only_strictly_above_the_threshold) {
    const std::vector<double> negatives{0, 0, 1, 2};
    const std::vector<double> positives{1, 2, 3, 4};
    EXPECT_EQ(false_positive_rate(negatives, 0), 0.5);
    EXPECT_EQ(false_positive_rate(negatives, 2), 0.0);
    EXPECT_EQ(false_negative_rate(positives, 2), 0.5);
    EXPECT_EQ(false_negative_rate(positives, 0.5), 0.0);

    const auto point = operating_point_at(negatives, positives, 1);
    EXPECT_EQ(point.false_positives, 1u);
    EXPECT_EQ(point.false_negatives, 1u);
    EXPECT_EQ(point.false_positive_rate, 0.25);
    EXPECT_EQ(point.false_negative_rate, 0.25);
}

TEST(false_negatives_at_false_positive_rate, constructed_data) {
    // Negatives 1..20: a 10% target allows 2 of 20 above the threshold, so the threshold is 18.
    std::vector<double> negatives;
    for (int k = 1; k <= 20; ++k) negatives.push_back(k);
    const std::vector<double> positives{5, 10, 18, 18.5, 19, 30, 40, 50};

    const auto point = operating_point_at_false_positive_rate(negatives, positives, 0.10);
    EXPECT_EQ(point.threshold, 18);
    EXPECT_EQ(point.false_positives, 2u);
    EXPECT_EQ(point.false_positive_rate, 0.10);
    EXPECT_EQ(point.false_negatives, 3u);  // 5, 10 and 18 (not above 18)
    EXPECT_EQ(point.false_negative_rate, 3.0 / 8);
}

TEST(false_negatives_at_false_positive_rate, is_conservative_under_ties) {
    const std::vector<double> positives{1, 8};

    // 19 zeros and one 7 out of 20: reacting above 0 gives exactly 5%.
    std::vector<double> one_high(19, 0.0);
    one_high.push_back(7);
    const auto exact = operating_point_at_false_positive_rate(one_high, positives, 0.05);
    EXPECT_EQ(exact.threshold, 0);
    EXPECT_EQ(exact.false_positive_rate, 0.05);

    // Two 7s: reacting above 0 would give 10%, so the threshold rises to 7 and achieves 0%.
    std::vector<double> two_high(18, 0.0);
    two_high.insert(two_high.end(), {7, 7});
    const auto strict = operating_point_at_false_positive_rate(two_high, positives, 0.05);
    EXPECT_EQ(strict.threshold, 7);
    EXPECT_EQ(strict.false_positive_rate, 0.0);
    EXPECT_EQ(strict.false_negatives, 1u);
}

TEST(false_negatives_at_false_positive_rate, decimal_target_is_met_exactly) {
    // 0.29 * 100 rounds below 29 in floating point; 29 of 100 above must still count as 29%.
    std::vector<double> negatives;
    for (int k = 0; k < 100; ++k) negatives.push_back(k);
    const std::vector<double> positives{50, 80};
    const auto point = operating_point_at_false_positive_rate(negatives, positives, 0.29);
    EXPECT_EQ(point.threshold, 70);
    EXPECT_EQ(point.false_positives, 29u);
}

TEST(false_negatives_at_false_positive_rate, target_of_one_reacts_always) {
    const std::vector<double> negatives{1, 2};
    const std::vector<double> positives{0};
    const auto point = operating_point_at_false_positive_rate(negatives, positives, 1.0);
    EXPECT_EQ(point.threshold, -infinity);
    EXPECT_EQ(point.false_positive_rate, 1.0);
    EXPECT_EQ(point.false_negative_rate, 0.0);
}

TEST(false_negatives_at_false_positive_rate, is_optimal_among_all_thresholds) {
    random_stream stream(stream_key{7, 2, 0, 0});
    for (int trial = 0; trial < 20; ++trial) {
        const auto negatives = tied_scores(stream, 60, 12, 0);
        const auto positives = tied_scores(stream, 45, 12, 1.5);
        for (const double target : {0.0, 0.05, 0.2, 0.5}) {
            const auto chosen =
                operating_point_at_false_positive_rate(negatives, positives, target);
            ASSERT_LE(chosen.false_positive_rate, target);
            for (const double t : candidate_thresholds(negatives, positives)) {
                const double fp = static_cast<double>(count_above(negatives, t)) / 60;
                const std::size_t fn = 45 - count_above(positives, t);
                if (fp <= target) {
                    EXPECT_GE(fn, chosen.false_negatives) << "threshold " << t;
                }
            }
        }
    }
}

TEST(minimum_mean_error, is_zero_on_separable_data) {
    const std::vector<double> negatives{0, 0, 0.5, 1};
    const std::vector<double> positives{2, 3, 3};
    const auto point = minimum_mean_error_point(negatives, positives);
    EXPECT_EQ(point.threshold, 1);
    EXPECT_EQ(point.false_positive_rate, 0.0);
    EXPECT_EQ(point.false_negative_rate, 0.0);
}

TEST(minimum_mean_error, is_one_half_on_identical_samples) {
    const std::vector<double> scores{0, 1, 1, 2, 5};
    const auto point = minimum_mean_error_point(scores, scores);
    EXPECT_EQ((point.false_positive_rate + point.false_negative_rate) / 2, 0.5);
    EXPECT_EQ(point.threshold, -infinity);  // lowest threshold wins ties
}

TEST(minimum_mean_error, matches_sweep_over_all_thresholds) {
    random_stream stream(stream_key{7, 3, 0, 0});
    for (int trial = 0; trial < 20; ++trial) {
        const auto negatives = tied_scores(stream, 70, 10, 0);
        const auto positives = tied_scores(stream, 30, 10, 1);
        const auto chosen = minimum_mean_error_point(negatives, positives);
        const double chosen_error = (chosen.false_positive_rate + chosen.false_negative_rate) / 2;
        double best = 1;
        for (const double t : candidate_thresholds(negatives, positives)) {
            const double fp = static_cast<double>(count_above(negatives, t)) / 70;
            const double fn = static_cast<double>(30 - count_above(positives, t)) / 30;
            best = std::min(best, (fp + fn) / 2);
        }
        EXPECT_NEAR(chosen_error, best, 1e-15);
    }
}

TEST(bayes_point, extreme_odds_favour_one_decision) {
    const std::vector<double> negatives{0, 1, 2, 3};
    const std::vector<double> positives{1.5, 2.5, 3.5, 4.5};
    // Contact almost certain: missing one is far worse than any number of false alarms.
    EXPECT_EQ(bayes_point(negatives, positives, 1e6).false_negatives, 0u);
    // Contact almost impossible: never raise a false alarm.
    EXPECT_EQ(bayes_point(negatives, positives, 1e-6).false_positives, 0u);
    // Even odds give the minimum mean error point.
    EXPECT_EQ(bayes_point(negatives, positives, 1).threshold,
              minimum_mean_error_point(negatives, positives).threshold);
}

TEST(roc_curve, runs_from_origin_to_corner_with_area_equal_to_auc) {
    random_stream stream(stream_key{7, 4, 0, 0});
    const auto negatives = tied_scores(stream, 90, 8, 0);
    const auto positives = tied_scores(stream, 40, 8, 1);
    const auto curve = roc_curve(negatives, positives);

    ASSERT_GE(curve.size(), 2u);
    EXPECT_EQ(curve.front().false_positive_rate, 0.0);
    EXPECT_EQ(curve.front().true_positive_rate, 0.0);
    EXPECT_EQ(curve.back().threshold, -infinity);
    EXPECT_EQ(curve.back().false_positive_rate, 1.0);
    EXPECT_EQ(curve.back().true_positive_rate, 1.0);

    double area = 0;
    for (std::size_t k = 1; k < curve.size(); ++k) {
        EXPECT_LT(curve[k].threshold, curve[k - 1].threshold);
        const double width = curve[k].false_positive_rate - curve[k - 1].false_positive_rate;
        area += width * (curve[k].true_positive_rate + curve[k - 1].true_positive_rate) / 2;
    }
    EXPECT_NEAR(area, roc_auc(negatives, positives), 1e-12);
}

}  // namespace
}  // namespace vigil::analysis

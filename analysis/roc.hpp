#pragma once

// Decision statistics of a score that separates negatives (H0) from positives (H1), with the
// rule "react when score > threshold". All functions are exact empirical statistics of the
// given samples, O((n + m) log(n + m)), pure and thread-safe. They throw std::invalid_argument
// when a sample they need is empty or contains a NaN.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vigil::analysis {

// Area under the empirical ROC curve: P(positive > negative) + P(positive == negative)/2 over
// all pairs (the Mann-Whitney U divided by n*m), computed exactly from tie groups.
double roc_auc(std::span<const double> negatives, std::span<const double> positives);

// Fraction of negatives with score > threshold.
double false_positive_rate(std::span<const double> negatives, double threshold);

// Fraction of positives with score <= threshold.
double false_negative_rate(std::span<const double> positives, double threshold);

// One threshold with its empirical error counts and rates.
struct operating_point {
    double threshold = 0;  // -infinity means "always react"
    std::size_t false_positives = 0;
    std::size_t negatives = 0;
    std::size_t false_negatives = 0;
    std::size_t positives = 0;
    double false_positive_rate = 0;
    double false_negative_rate = 0;
};

operating_point operating_point_at(std::span<const double> negatives,
                                   std::span<const double> positives, double threshold);

// The lowest threshold whose empirical false-positive rate is at most the target
// (non-randomized and conservative: achieved rate <= target). Among thresholds meeting the
// target it has the fewest false negatives. The threshold is one of the negative scores, or
// -infinity when the target is >= 1. Needs at least one negative; positives may be empty.
operating_point operating_point_at_false_positive_rate(std::span<const double> negatives,
                                                       std::span<const double> positives,
                                                       double target_false_positive_rate);

// The threshold minimising weight_fp * P_FP + weight_fn * P_FN over all thresholds (every
// distinct score and -infinity). On ties the lowest such threshold wins. Weights must be
// finite and non-negative.
operating_point minimum_weighted_error_point(std::span<const double> negatives,
                                             std::span<const double> positives, double weight_fp,
                                             double weight_fn);

// The threshold minimising the mean error (P_FP + P_FN)/2.
operating_point minimum_mean_error_point(std::span<const double> negatives,
                                         std::span<const double> positives);

// The Bayes threshold for prior odds P(H1)/P(H0): minimises the probability of a wrong
// decision, P(H0) P_FP + P(H1) P_FN. prior_odds must be finite and > 0.
operating_point bayes_point(std::span<const double> negatives, std::span<const double> positives,
                            double prior_odds);

// Both samples on their pooled distinct scores: how many negatives and positives carry each
// score. roc_auc and the weighted-error sweep depend on the samples only through these counts,
// which lets a bootstrap resample be counted in O(n + m) instead of sorted.
struct tie_groups {
    std::vector<double> scores;  // distinct scores of either sample, ascending
    std::vector<std::uint64_t> negatives;
    std::vector<std::uint64_t> positives;
};
tie_groups pool_tie_groups(std::span<const double> negatives, std::span<const double> positives);

// As the functions above, from tie-group counts (each needs both totals > 0).
double roc_auc(const tie_groups& groups);
operating_point minimum_weighted_error_point(const tie_groups& groups, double weight_fp,
                                             double weight_fn);

// The empirical ROC curve: one point per distinct score of either sample, by decreasing
// threshold (the first, at the highest score, is (0, 0)), then (-infinity: 1, 1). Joined by
// straight lines these corners enclose exactly roc_auc (ties give the diagonal segments).
struct roc_point {
    double threshold = 0;
    double false_positive_rate = 0;
    double true_positive_rate = 0;
};
std::vector<roc_point> roc_curve(std::span<const double> negatives,
                                 std::span<const double> positives);

}  // namespace vigil::analysis

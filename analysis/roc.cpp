#include "analysis/roc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace vigil::analysis {
namespace {

void check_scores(std::span<const double> scores, const char* what, bool allow_empty) {
    if (scores.empty() && !allow_empty) {
        throw std::invalid_argument(std::string("decision statistics: no ") + what + " scores");
    }
    if (std::any_of(scores.begin(), scores.end(), [](double s) { return std::isnan(s); })) {
        throw std::invalid_argument(std::string("decision statistics: a NaN among the ") + what +
                                    " scores");
    }
}

std::vector<double> sorted_scores(std::span<const double> scores, const char* what,
                                  bool allow_empty) {
    check_scores(scores, what, allow_empty);
    std::vector<double> sorted(scores.begin(), scores.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

double rate(std::size_t count, std::size_t total) {
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(count) / static_cast<double>(total);
}

operating_point make_point(double threshold, std::size_t false_positives, std::size_t negatives,
                           std::size_t false_negatives, std::size_t positives) {
    operating_point point;
    point.threshold = threshold;
    point.false_positives = false_positives;
    point.negatives = negatives;
    point.false_negatives = false_negatives;
    point.positives = positives;
    point.false_positive_rate = rate(false_positives, negatives);
    point.false_negative_rate = rate(false_negatives, positives);
    return point;
}

// Number of sorted scores <= value, and from it the number > value.
std::size_t count_at_most(const std::vector<double>& sorted, double value) {
    return static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), value) -
                                    sorted.begin());
}

}  // namespace

tie_groups pool_tie_groups(std::span<const double> negatives, std::span<const double> positives) {
    const auto neg = sorted_scores(negatives, "negative", true);
    const auto pos = sorted_scores(positives, "positive", true);

    tie_groups groups;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < neg.size() || j < pos.size()) {
        double value = 0;
        if (i == neg.size())
            value = pos[j];
        else if (j == pos.size())
            value = neg[i];
        else
            value = std::min(neg[i], pos[j]);

        std::uint64_t q = 0;
        while (i < neg.size() && neg[i] == value) ++i, ++q;
        std::uint64_t p = 0;
        while (j < pos.size() && pos[j] == value) ++j, ++p;
        groups.scores.push_back(value);
        groups.negatives.push_back(q);
        groups.positives.push_back(p);
    }
    return groups;
}

double roc_auc(const tie_groups& groups) {
    // Walk the tie groups upwards. A group with p positives and q negatives, above
    // negatives_below negatives, adds p * negatives_below wins and p * q half-wins; counting
    // 2U keeps everything in exact integers.
    std::uint64_t twice_u = 0;
    std::uint64_t negatives_below = 0;
    std::uint64_t positives_total = 0;
    for (std::size_t k = 0; k < groups.scores.size(); ++k) {
        const std::uint64_t p = groups.positives[k];
        const std::uint64_t q = groups.negatives[k];
        twice_u += 2 * p * negatives_below + p * q;
        negatives_below += q;
        positives_total += p;
    }
    if (negatives_below == 0 || positives_total == 0) {
        throw std::invalid_argument("decision statistics: ROC area of an empty sample");
    }
    const double pairs =
        static_cast<double>(negatives_below) * static_cast<double>(positives_total);
    return static_cast<double>(twice_u) / (2 * pairs);
}

double roc_auc(std::span<const double> negatives, std::span<const double> positives) {
    check_scores(negatives, "negative", false);
    check_scores(positives, "positive", false);
    return roc_auc(pool_tie_groups(negatives, positives));
}

double false_positive_rate(std::span<const double> negatives, double threshold) {
    const auto neg = sorted_scores(negatives, "negative", false);
    return rate(neg.size() - count_at_most(neg, threshold), neg.size());
}

double false_negative_rate(std::span<const double> positives, double threshold) {
    const auto pos = sorted_scores(positives, "positive", false);
    return rate(count_at_most(pos, threshold), pos.size());
}

operating_point operating_point_at(std::span<const double> negatives,
                                   std::span<const double> positives, double threshold) {
    const auto neg = sorted_scores(negatives, "negative", true);
    const auto pos = sorted_scores(positives, "positive", true);
    return make_point(threshold, neg.size() - count_at_most(neg, threshold), neg.size(),
                      count_at_most(pos, threshold), pos.size());
}

operating_point operating_point_at_false_positive_rate(std::span<const double> negatives,
                                                       std::span<const double> positives,
                                                       double target_false_positive_rate) {
    if (!(target_false_positive_rate >= 0)) {
        throw std::invalid_argument("decision statistics: the target false-positive rate " +
                                    std::to_string(target_false_positive_rate) + " must be >= 0");
    }
    const auto neg = sorted_scores(negatives, "negative", false);
    const auto pos = sorted_scores(positives, "positive", true);
    const std::size_t n = neg.size();

    // The false-positive count only changes at negative scores, and the false-negative count
    // only grows with the threshold, so the best threshold is the lowest negative score (or
    // -infinity) whose rate meets the target. Comparing count/n with the target as doubles is
    // exact when the true ratio equals a decimal target such as 0.29 = 29/100.
    double threshold = -std::numeric_limits<double>::infinity();
    std::size_t false_positives = n;
    if (target_false_positive_rate < 1) {
        for (std::size_t k = 0; k < n; ++k) {
            if (k + 1 < n && neg[k + 1] == neg[k]) continue;  // last of its tie group
            const std::size_t above = n - (k + 1);
            if (rate(above, n) <= target_false_positive_rate) {
                threshold = neg[k];
                false_positives = above;
                break;
            }
        }
    }
    return make_point(threshold, false_positives, n, count_at_most(pos, threshold), pos.size());
}

operating_point minimum_weighted_error_point(const tie_groups& groups, double weight_fp,
                                             double weight_fn) {
    if (!(weight_fp >= 0 && weight_fn >= 0 && std::isfinite(weight_fp) &&
          std::isfinite(weight_fn))) {
        throw std::invalid_argument("decision statistics: error weights must be finite and >= 0");
    }
    std::uint64_t negatives = 0;
    std::uint64_t positives = 0;
    for (const auto q : groups.negatives) negatives += q;
    for (const auto p : groups.positives) positives += p;
    if (negatives == 0 || positives == 0) {
        throw std::invalid_argument("decision statistics: error sweep over an empty sample");
    }
    const double n = static_cast<double>(negatives);
    const double m = static_cast<double>(positives);

    // Errors scaled by n*m: weight_fp * FP * m + weight_fn * FN * n (exact integers inside).
    const auto scaled_error = [&](std::uint64_t fp, std::uint64_t fn) {
        return weight_fp * (static_cast<double>(fp) * m) +
               weight_fn * (static_cast<double>(fn) * n);
    };

    // Start at -infinity (react always), then raise the threshold through each distinct score.
    double best_threshold = -std::numeric_limits<double>::infinity();
    std::uint64_t best_fp = negatives;
    std::uint64_t best_fn = 0;
    double best_error = scaled_error(best_fp, best_fn);
    std::uint64_t fp = negatives;
    std::uint64_t fn = 0;
    for (std::size_t k = 0; k < groups.scores.size(); ++k) {
        fp -= groups.negatives[k];
        fn += groups.positives[k];
        const double error = scaled_error(fp, fn);
        if (error < best_error) {
            best_threshold = groups.scores[k];
            best_fp = fp;
            best_fn = fn;
            best_error = error;
        }
    }
    return make_point(best_threshold, best_fp, negatives, best_fn, positives);
}

operating_point minimum_weighted_error_point(std::span<const double> negatives,
                                             std::span<const double> positives, double weight_fp,
                                             double weight_fn) {
    check_scores(negatives, "negative", false);
    check_scores(positives, "positive", false);
    return minimum_weighted_error_point(pool_tie_groups(negatives, positives), weight_fp,
                                        weight_fn);
}

operating_point minimum_mean_error_point(std::span<const double> negatives,
                                         std::span<const double> positives) {
    return minimum_weighted_error_point(negatives, positives, 0.5, 0.5);
}

operating_point bayes_point(std::span<const double> negatives, std::span<const double> positives,
                            double prior_odds) {
    if (!(prior_odds > 0 && std::isfinite(prior_odds))) {
        throw std::invalid_argument("decision statistics: prior odds " +
                                    std::to_string(prior_odds) + " must be finite and > 0");
    }
    const double prior_h1 = prior_odds / (1 + prior_odds);
    const double prior_h0 = 1 / (1 + prior_odds);
    return minimum_weighted_error_point(negatives, positives, prior_h0, prior_h1);
}

std::vector<roc_point> roc_curve(std::span<const double> negatives,
                                 std::span<const double> positives) {
    check_scores(negatives, "negative", false);
    check_scores(positives, "positive", false);
    const auto groups = pool_tie_groups(negatives, positives);

    // Walk downwards: at threshold v the rates count the scores strictly above v.
    std::vector<roc_point> curve;
    std::size_t false_positives = 0;
    std::size_t true_positives = 0;
    for (std::size_t k = groups.scores.size(); k-- > 0;) {
        curve.push_back({groups.scores[k], rate(false_positives, negatives.size()),
                         rate(true_positives, positives.size())});
        false_positives += groups.negatives[k];
        true_positives += groups.positives[k];
    }
    curve.push_back({-std::numeric_limits<double>::infinity(), 1, 1});
    return curve;
}

}  // namespace vigil::analysis

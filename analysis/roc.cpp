#include "analysis/roc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace vigil::analysis {
namespace {

std::vector<double> sorted_scores(std::span<const double> scores, const char* what,
                                  bool allow_empty) {
    if (scores.empty() && !allow_empty) {
        throw std::invalid_argument(std::string("decision statistics: no ") + what + " scores");
    }
    if (std::any_of(scores.begin(), scores.end(), [](double s) { return std::isnan(s); })) {
        throw std::invalid_argument(std::string("decision statistics: a NaN among the ") + what +
                                    " scores");
    }
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

double roc_auc(std::span<const double> negatives, std::span<const double> positives) {
    const auto neg = sorted_scores(negatives, "negative", false);
    const auto pos = sorted_scores(positives, "positive", false);

    // Walk the tie groups upwards. A group with p positives and q negatives, above
    // negatives_below negatives, adds p * negatives_below wins and p * q half-wins; counting
    // 2U keeps everything in exact integers.
    std::uint64_t twice_u = 0;
    std::uint64_t negatives_below = 0;
    std::size_t i = 0;
    std::size_t j = 0;
    while (j < pos.size()) {
        const double value = std::min(pos[j], i < neg.size() ? neg[i] : pos[j]);
        std::uint64_t q = 0;
        while (i < neg.size() && neg[i] == value) ++i, ++q;
        std::uint64_t p = 0;
        while (j < pos.size() && pos[j] == value) ++j, ++p;
        twice_u += 2 * p * negatives_below + p * q;
        negatives_below += q;
    }

    const double pairs = static_cast<double>(neg.size()) * static_cast<double>(pos.size());
    return static_cast<double>(twice_u) / (2 * pairs);
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

operating_point minimum_weighted_error_point(std::span<const double> negatives,
                                             std::span<const double> positives, double weight_fp,
                                             double weight_fn) {
    if (!(weight_fp >= 0 && weight_fn >= 0 && std::isfinite(weight_fp) &&
          std::isfinite(weight_fn))) {
        throw std::invalid_argument("decision statistics: error weights must be finite and >= 0");
    }
    const auto neg = sorted_scores(negatives, "negative", false);
    const auto pos = sorted_scores(positives, "positive", false);
    const double n = static_cast<double>(neg.size());
    const double m = static_cast<double>(pos.size());

    // Errors scaled by n*m: weight_fp * FP * m + weight_fn * FN * n (exact integers inside).
    const auto scaled_error = [&](std::size_t fp, std::size_t fn) {
        return weight_fp * (static_cast<double>(fp) * m) +
               weight_fn * (static_cast<double>(fn) * n);
    };

    // Start at -infinity (react always), then raise the threshold through each distinct score.
    double best_threshold = -std::numeric_limits<double>::infinity();
    std::size_t best_fp = neg.size();
    std::size_t best_fn = 0;
    double best_error = scaled_error(best_fp, best_fn);
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
        while (i < neg.size() && neg[i] == value) ++i;
        while (j < pos.size() && pos[j] == value) ++j;

        const std::size_t fp = neg.size() - i;
        const std::size_t fn = j;
        const double error = scaled_error(fp, fn);
        if (error < best_error) {
            best_threshold = value;
            best_fp = fp;
            best_fn = fn;
            best_error = error;
        }
    }
    return make_point(best_threshold, best_fp, neg.size(), best_fn, pos.size());
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
    const auto neg = sorted_scores(negatives, "negative", false);
    const auto pos = sorted_scores(positives, "positive", false);

    // Walk downwards: at threshold v the rates count the scores strictly above v.
    std::vector<roc_point> curve;
    std::size_t i = neg.size();  // neg[i..] and pos[j..] are the scores above the threshold
    std::size_t j = pos.size();
    while (i > 0 || j > 0) {
        double value = 0;
        if (i == 0)
            value = pos[j - 1];
        else if (j == 0)
            value = neg[i - 1];
        else
            value = std::max(neg[i - 1], pos[j - 1]);
        curve.push_back(
            {value, rate(neg.size() - i, neg.size()), rate(pos.size() - j, pos.size())});
        while (i > 0 && neg[i - 1] == value) --i;
        while (j > 0 && pos[j - 1] == value) --j;
    }
    curve.push_back({-std::numeric_limits<double>::infinity(), 1, 1});
    return curve;
}

}  // namespace vigil::analysis

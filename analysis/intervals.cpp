#include "analysis/intervals.hpp"

#include "analysis/roc.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::analysis {
namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

void check_confidence_level(double confidence_level) {
    if (!(confidence_level > 0 && confidence_level < 1)) {
        throw std::invalid_argument("confidence intervals: the confidence level " +
                                    std::to_string(confidence_level) + " is not in (0, 1)");
    }
}

void check_sample(std::span<const double> sample, const char* what) {
    if (sample.empty()) {
        throw std::invalid_argument(std::string("confidence intervals: the ") + what +
                                    " sample is empty");
    }
    if (std::any_of(sample.begin(), sample.end(), [](double x) { return std::isnan(x); })) {
        throw std::invalid_argument(std::string("confidence intervals: a NaN in the ") + what +
                                    " sample");
    }
}

// Two-sided standard normal quantile: P(|Z| <= z) = confidence_level.
double normal_quantile(double confidence_level) {
    const boost::math::normal_distribution<double> standard_normal;
    return boost::math::quantile(
        boost::math::complement(standard_normal, (1 - confidence_level) / 2));
}

// A uniform index in [0, n): rejects the top 2^64 mod n outputs so that every index is
// equally likely, then reduces modulo n.
std::size_t uniform_index(random_stream& stream, std::size_t n) {
    constexpr std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t count = n;
    const std::uint64_t excess = (largest % count + 1) % count;  // 2^64 mod n
    std::uint64_t draw = stream();
    while (draw > largest - excess) draw = stream();
    return static_cast<std::size_t>(draw % count);
}

void draw_resample(random_stream& stream, std::span<const double> sample,
                   std::vector<double>& resample) {
    resample.resize(sample.size());
    for (double& value : resample) value = sample[uniform_index(stream, sample.size())];
}

// Percentile interval from bootstrap replicates (sorted in place), linear interpolation
// between order statistics at (B - 1) p.
estimate percentile_interval(double value, std::vector<double>& replicates,
                             double confidence_level) {
    if (replicates.empty()) return {value, not_a_number, not_a_number};
    std::sort(replicates.begin(), replicates.end());

    const auto quantile = [&](double probability) {
        const double position = static_cast<double>(replicates.size() - 1) * probability;
        const auto below = static_cast<std::size_t>(std::floor(position));
        const std::size_t above = std::min(below + 1, replicates.size() - 1);
        const double fraction = position - static_cast<double>(below);
        return replicates[below] + fraction * (replicates[above] - replicates[below]);
    };
    const double tail = (1 - confidence_level) / 2;
    return {value, quantile(tail), quantile(1 - tail)};
}

}  // namespace

estimate wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence_level) {
    check_confidence_level(confidence_level);
    if (successes > trials) {
        throw std::invalid_argument("Wilson interval: " + std::to_string(successes) +
                                    " successes in " + std::to_string(trials) + " trials");
    }
    if (trials == 0) return {not_a_number, not_a_number, not_a_number};

    // centre = (p + z^2/2n) / (1 + z^2/n), half width = z/(1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2)
    const double n = static_cast<double>(trials);
    const double p = static_cast<double>(successes) / n;
    const double z = normal_quantile(confidence_level);
    const double z2 = z * z;
    const double shrink = 1 + z2 / n;
    const double centre = (p + z2 / (2 * n)) / shrink;
    const double half_width = z / shrink * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));

    // The bounds are exactly 0 at 0 successes and 1 at all successes; clamp rounding.
    const double lower = successes == 0 ? 0.0 : std::max(0.0, centre - half_width);
    const double upper = successes == trials ? 1.0 : std::min(1.0, centre + half_width);
    return {p, lower, upper};
}

double sample_mean(std::span<const double> sample) {
    double sum = 0;
    for (const double x : sample) sum += x;
    return sum / static_cast<double>(sample.size());
}

double root_mean_square(std::span<const double> sample) {
    double sum_of_squares = 0;
    for (const double x : sample) sum_of_squares += x * x;
    return std::sqrt(sum_of_squares / static_cast<double>(sample.size()));
}

estimate clipped_to(const estimate& interval, value_range range) {
    const auto clip = [&](double x) {
        return x < range.lowest ? range.lowest : x > range.highest ? range.highest : x;
    };
    return {clip(interval.value), clip(interval.lower), clip(interval.upper)};
}

estimate mean_with_interval(std::span<const double> sample, double confidence_level,
                            value_range range) {
    check_confidence_level(confidence_level);
    check_sample(sample, "mean");
    const double mean = sample_mean(sample);
    if (sample.size() < 2) return {mean, not_a_number, not_a_number};

    double sum_of_squares = 0;
    for (const double x : sample) sum_of_squares += (x - mean) * (x - mean);
    const double n = static_cast<double>(sample.size());
    const double standard_error = std::sqrt(sum_of_squares / (n - 1) / n);

    const boost::math::students_t_distribution<double> student(n - 1);
    const double t =
        boost::math::quantile(boost::math::complement(student, (1 - confidence_level) / 2));
    return clipped_to({mean, mean - t * standard_error, mean + t * standard_error}, range);
}

estimate bootstrap_interval(std::span<const double> sample, const sample_statistic& statistic,
                            double confidence_level, std::uint64_t resamples,
                            const stream_key& key) {
    check_confidence_level(confidence_level);
    check_sample(sample, "bootstrap");

    random_stream stream(key);
    std::vector<double> resample;
    std::vector<double> replicates;
    replicates.reserve(static_cast<std::size_t>(resamples));
    for (std::uint64_t b = 0; b < resamples; ++b) {
        draw_resample(stream, sample, resample);
        replicates.push_back(statistic(resample));
    }
    return percentile_interval(statistic(sample), replicates, confidence_level);
}

estimate stratified_bootstrap_interval(std::span<const double> negatives,
                                       std::span<const double> positives,
                                       const two_sample_statistic& statistic,
                                       double confidence_level, std::uint64_t resamples,
                                       const stream_key& key) {
    check_confidence_level(confidence_level);
    check_sample(negatives, "negative");
    check_sample(positives, "positive");

    random_stream stream(key);
    std::vector<double> negative_resample;
    std::vector<double> positive_resample;
    std::vector<double> replicates;
    replicates.reserve(static_cast<std::size_t>(resamples));
    for (std::uint64_t b = 0; b < resamples; ++b) {
        draw_resample(stream, negatives, negative_resample);
        draw_resample(stream, positives, positive_resample);
        replicates.push_back(statistic(negative_resample, positive_resample));
    }
    return percentile_interval(statistic(negatives, positives), replicates, confidence_level);
}

estimate tie_group_bootstrap_interval(std::span<const double> negatives,
                                      std::span<const double> positives,
                                      const tie_group_statistic& statistic, double confidence_level,
                                      std::uint64_t resamples, const stream_key& key) {
    check_confidence_level(confidence_level);
    check_sample(negatives, "negative");
    check_sample(positives, "positive");

    // Each value's tie group, found once; a resample then only counts group memberships.
    const tie_groups groups = pool_tie_groups(negatives, positives);
    const auto group_of = [&](double score) {
        return static_cast<std::size_t>(
            std::lower_bound(groups.scores.begin(), groups.scores.end(), score) -
            groups.scores.begin());
    };
    std::vector<std::size_t> negative_groups;
    std::vector<std::size_t> positive_groups;
    for (const double score : negatives) negative_groups.push_back(group_of(score));
    for (const double score : positives) positive_groups.push_back(group_of(score));

    random_stream stream(key);
    tie_groups resample = groups;
    std::vector<double> replicates;
    replicates.reserve(static_cast<std::size_t>(resamples));
    for (std::uint64_t b = 0; b < resamples; ++b) {
        std::fill(resample.negatives.begin(), resample.negatives.end(), 0);
        std::fill(resample.positives.begin(), resample.positives.end(), 0);
        for (std::size_t k = 0; k < negatives.size(); ++k) {
            ++resample.negatives[negative_groups[uniform_index(stream, negatives.size())]];
        }
        for (std::size_t k = 0; k < positives.size(); ++k) {
            ++resample.positives[positive_groups[uniform_index(stream, positives.size())]];
        }
        replicates.push_back(statistic(resample));
    }
    return percentile_interval(statistic(groups), replicates, confidence_level);
}

estimate auc_hanley_mcneil_interval(std::span<const double> negatives,
                                    std::span<const double> positives, double confidence_level) {
    check_confidence_level(confidence_level);
    const double auc = roc_auc(negatives, positives);

    // Hanley & McNeil, Radiology 143:29 (1982), their equation (1) with Q1 = A/(2 - A) and
    // Q2 = 2A^2/(1 + A).
    const double n_negative = static_cast<double>(negatives.size());
    const double n_positive = static_cast<double>(positives.size());
    const double q1 = auc / (2 - auc);
    const double q2 = 2 * auc * auc / (1 + auc);
    const double variance = (auc * (1 - auc) + (n_positive - 1) * (q1 - auc * auc) +
                             (n_negative - 1) * (q2 - auc * auc)) /
                            (n_positive * n_negative);
    const double half_width =
        normal_quantile(confidence_level) * std::sqrt(std::max(0.0, variance));
    return {auc, std::max(0.0, auc - half_width), std::min(1.0, auc + half_width)};
}

estimate auc_bootstrap_interval(std::span<const double> negatives,
                                std::span<const double> positives, double confidence_level,
                                std::uint64_t resamples, const stream_key& key) {
    const auto auc = [](const tie_groups& groups) { return roc_auc(groups); };
    return tie_group_bootstrap_interval(negatives, positives, auc, confidence_level, resamples,
                                        key);
}

estimate min_mean_error_bootstrap_interval(std::span<const double> negatives,
                                           std::span<const double> positives,
                                           double confidence_level, std::uint64_t resamples,
                                           const stream_key& key) {
    const auto mean_error = [](const tie_groups& groups) {
        const auto point = minimum_weighted_error_point(groups, 0.5, 0.5);
        return (point.false_positive_rate + point.false_negative_rate) / 2;
    };
    return tie_group_bootstrap_interval(negatives, positives, mean_error, confidence_level,
                                        resamples, key);
}

}  // namespace vigil::analysis

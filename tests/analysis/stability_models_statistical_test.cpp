// Monte Carlo validation of the model-based early-warning test (analysis/stability_models.hpp):
// OU parameter recovery within bootstrap intervals, a large delta and a high AUC on a series
// approaching the fold, and delta's null distribution against its asymptotic chi-square law.
// Fixed seeds; each tolerance is stated from the replicate count.

#include "analysis/stability_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace vigil::analysis {
namespace {

std::vector<double> even_times(std::size_t n, double step) {
    std::vector<double> time(n);
    for (std::size_t i = 0; i < n; ++i) time[i] = static_cast<double>(i) * step;
    return time;
}

double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const auto above = std::min(below + 1, values.size() - 1);
    return values[below] +
           (position - static_cast<double>(below)) * (values[above] - values[below]);
}

// A 500-point OU series; 300 series simulated from its fit and refitted give basic bootstrap
// intervals (the 0.5% and 99.5% quantiles of the refits reflected about the fit). Each 99% interval
// misses the truth with probability about 1% (3% for the three together); with the fixed seed the
// outcome is deterministic.
TEST(stability_models_statistical, ou_fit_recovers_its_parameters_within_bootstrap_intervals) {
    const ou_parameters truth{0.2, 5.0, 0.4};
    const auto time = even_times(500, 1.0);
    random_stream stream({2024, 1, 0, 0});
    const auto series = simulate_ou(truth, time, 5.0, stream);
    const auto fit = fit_ou(time, series);
    ASSERT_EQ(fit.status, fit_status::converged) << fit.message;

    std::vector<double> rates, means, sigmas;
    for (std::uint64_t r = 0; r < 300; ++r) {
        random_stream replicate_stream({2024, 2, 0, r});
        const auto simulated = simulate_ou(fit.parameters, time, series.front(), replicate_stream);
        const auto refit = fit_ou(time, simulated);
        if (refit.status != fit_status::converged) continue;
        rates.push_back(refit.parameters.rate);
        means.push_back(refit.parameters.mean);
        sigmas.push_back(refit.parameters.sigma);
    }
    ASSERT_GE(rates.size(), 295u);
    const auto contains = [](const std::vector<double>& estimates, double fitted,
                             double true_value) {
        const double lower = 2 * fitted - quantile(estimates, 0.995);
        const double upper = 2 * fitted - quantile(estimates, 0.005);
        return lower <= true_value && true_value <= upper;
    };
    RecordProperty("rate", std::to_string(fit.parameters.rate));
    RecordProperty("mean", std::to_string(fit.parameters.mean));
    RecordProperty("sigma", std::to_string(fit.parameters.sigma));
    EXPECT_TRUE(contains(rates, fit.parameters.rate, truth.rate)) << fit.parameters.rate;
    EXPECT_TRUE(contains(means, fit.parameters.mean, truth.mean)) << fit.parameters.mean;
    EXPECT_TRUE(contains(sigmas, fit.parameters.sigma, truth.sigma)) << fit.parameters.sigma;
}

// A 200-point LSN series whose relaxation rate falls from 1 to 0.2 (R from 0.25 to 0.01): the
// LSN must win clearly on the series, and delta must separate 60 LSN replicates from 60 OU
// replicates. The thresholds are far from the measured values (delta 19.9, AUC 0.999), so
// they hold whatever the sampling error of 60 replicates (AUC standard error < 0.03).
TEST(stability_models_statistical, approaching_the_fold_gives_a_large_delta_and_high_auc) {
    const auto time = even_times(200, 1.0);
    const lsn_parameters truth{0.25, (0.01 - 0.25) / 199.0, 2.0, 0.2};
    random_stream stream({31, 1, 0, 0});
    const auto series = simulate_lsn(truth, time, 2.5, stream);
    const auto fits = fit_both(time, series);
    ASSERT_EQ(fits.ou.status, fit_status::converged) << fits.ou.message;
    ASSERT_EQ(fits.lsn.status, fit_status::converged) << fits.lsn.message;
    EXPECT_GT(fits.delta, 10);
    EXPECT_LT(fits.lsn.parameters.m, 0);

    std::vector<bootstrap_replicate> replicates;
    for (std::uint64_t r = 0; r < 60; ++r) {
        replicates.push_back(model_test_replicate(fits.ou.parameters, fits.lsn.parameters, time,
                                                  series.front(), {31, 3, 0, r}, {31, 4, 0, r}));
    }
    const auto summary = summarize_model_test(fits.delta, replicates, 0.95, 500, {31, 5, 0, 0});
    RecordProperty("delta", std::to_string(fits.delta));
    RecordProperty("auc", std::to_string(summary.auc));
    RecordProperty("p_value", std::to_string(summary.p_value));
    EXPECT_LE(summary.p_value, 3.0 / 61.0);
    EXPECT_GT(summary.auc, 0.9);
    EXPECT_LE(summary.null_failed + summary.test_failed, 6u);
}

// Nesting: the LSN with m = 0 is the OU process with rate 2 sqrt(r0), mean sqrt(r0) + theta and
// sigma_ou = sigma sqrt(sqrt(r0) + theta); this map is one-to-one onto OU processes with a
// positive mean. So for an OU series whose mean (3) lies many standard deviations (0.5) above
// 0, the OU is the LSN's m = 0 slice, m = 0 is interior (m may take either sign), and Wilks'
// theorem gives delta ~ chi-square with 1 degree of freedom. With 400 null replicates of a
// 200-point series: the mean of chi2_1 is 1 with sd sqrt(2), standard error 0.071 (tolerance
// 0.28 = 4 se); P(delta > 3.841) = 0.05 with standard error 0.011 (tolerance 0.044 = 4 se); the
// Kolmogorov distance to the chi2_1 CDF stays below 1.63 / sqrt(400) = 0.082 with 99%
// probability for the exact law (tolerance 0.09 allows for the finite-series error).
TEST(stability_models_statistical, null_delta_follows_chi_square_with_one_degree_of_freedom) {
    const auto time = even_times(200, 1.0);
    random_stream stream({77, 1, 0, 0});
    const auto series = simulate_ou({0.5, 3.0, 0.5}, time, 3.0, stream);
    const auto observed = fit_ou(time, series);
    ASSERT_EQ(observed.status, fit_status::converged) << observed.message;

    std::vector<double> deltas;
    for (std::uint64_t r = 0; r < 400; ++r) {
        random_stream replicate_stream({77, 3, 0, r});
        const auto simulated =
            simulate_ou(observed.parameters, time, series.front(), replicate_stream);
        const double delta = fit_both(time, simulated).delta;
        if (!std::isnan(delta)) deltas.push_back(delta);
    }
    ASSERT_GE(deltas.size(), 396u);
    double mean = 0;
    for (const double d : deltas) mean += d;
    mean /= static_cast<double>(deltas.size());
    const double exceed =
        static_cast<double>(std::count_if(deltas.begin(), deltas.end(),
                                          [](double d) { return d > 3.841458820694124; })) /
        static_cast<double>(deltas.size());
    std::sort(deltas.begin(), deltas.end());
    double distance = 0;
    for (std::size_t i = 0; i < deltas.size(); ++i) {
        const double cdf = std::erf(std::sqrt(std::max(deltas[i], 0.0) / 2));
        const double n = static_cast<double>(deltas.size());
        distance = std::max({distance, std::fabs(cdf - static_cast<double>(i) / n),
                             std::fabs(cdf - static_cast<double>(i + 1) / n)});
    }
    RecordProperty("mean_delta", std::to_string(mean));
    RecordProperty("exceed_3_84", std::to_string(exceed));
    RecordProperty("ks_distance", std::to_string(distance));
    EXPECT_NEAR(mean, 1.0, 0.28);
    EXPECT_NEAR(exceed, 0.05, 0.044);
    EXPECT_LT(distance, 0.09);
    EXPECT_GE(deltas.front(), -1e-6);  // nested: the LSN never fits worse
}

}  // namespace
}  // namespace vigil::analysis

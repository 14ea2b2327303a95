// Fast checks of analysis/stability_models.hpp: the transition laws against closed forms and an
// independent quadrature, the likelihoods at uneven times, the OU/LSN nesting, fit statuses and
// the reproducibility of a bootstrap replicate.

#include "analysis/stability_models.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace vigil::analysis {
namespace {

std::vector<double> even_times(std::size_t n, double step) {
    std::vector<double> time(n);
    for (std::size_t i = 0; i < n; ++i) time[i] = static_cast<double>(i) * step;
    return time;
}

TEST(stability_models, ou_transition_is_the_closed_form) {
    const ou_parameters p{0.7, 2.0, 0.3};
    const auto law = ou_transition(p, 1.5, 3.0);
    EXPECT_NEAR(law.mean, 2.0 + 1.0 * std::exp(-1.05), 1e-15);
    EXPECT_NEAR(law.variance, 0.09 * (1 - std::exp(-2.1)) / 1.4, 1e-15);
}

TEST(stability_models, lsn_without_ramp_moves_like_its_ou_image) {
    const ou_parameters ou{0.8, 5.0, 0.6};
    const auto lsn = lsn_from_ou(ou);
    EXPECT_DOUBLE_EQ(2 * std::sqrt(lsn.r0), ou.rate);
    EXPECT_DOUBLE_EQ(std::sqrt(lsn.r0) + lsn.theta, ou.mean);
    for (const double dt : {0.01, 0.3, 2.0, 9.0}) {
        const auto expected = ou_transition(ou, dt, 4.2);
        const auto law = lsn_transition(lsn, 3.0, 3.0 + dt, 4.2);
        EXPECT_NEAR(law.mean, expected.mean, 1e-9 * std::fabs(expected.mean)) << dt;
        EXPECT_NEAR(law.variance, expected.variance, 1e-8 * expected.variance) << dt;
    }
}

// With the analytic integrating factor F(s) = exp(-int_s^t1 2 sqrt(R)), the moments are
// E = x0 F(t0) + int f F ds and V = int g^2 F^2 ds (f the drift's forcing, g^2 the noise
// variance), evaluated here by composite Simpson quadrature with 200000 panels.
gaussian_transition independent_moments(const lsn_parameters& p, double t0, double t1, double x0) {
    const auto root = [&](double s) { return std::sqrt(p.r0 + p.m * s); };
    // int_s^t1 2 sqrt(R(u)) du = (4 / (3 m)) (R(t1)^1.5 - R(s)^1.5)
    const auto decay = [&](double s) {
        const double r1 = p.r0 + p.m * t1, rs = p.r0 + p.m * s;
        return std::exp(-(4 / (3 * p.m)) * (std::pow(r1, 1.5) - std::pow(rs, 1.5)));
    };
    const int panels = 200000;
    const double h = (t1 - t0) / panels;
    double mean_integral = 0, variance_integral = 0;
    for (int k = 0; k <= panels; ++k) {
        const double s = t0 + k * h;
        const double weight = (k == 0 || k == panels) ? 1 : (k % 2 == 1 ? 4 : 2);
        const double level = root(s) + p.theta;
        mean_integral += weight * 2 * root(s) * level * decay(s);
        variance_integral += weight * p.sigma * p.sigma * level * decay(s) * decay(s);
    }
    return {x0 * decay(t0) + mean_integral * h / 3, variance_integral * h / 3};
}

// A slow interval (the mean keeps e^-1.7 of its start: Odeint) and fast ones that forget it
// (decay 9 and about 230: the closed form in the decay variable), with R falling and rising.
TEST(stability_models, lsn_moments_match_an_independent_quadrature) {
    struct interval {
        lsn_parameters p;
        double t0, t1, x0;
    };
    for (const interval& c : {interval{{0.5, -0.04, 0.3, 0.4}, 2.0, 7.0, 1.4},
                              interval{{0.5, -0.04, 0.3, 0.4}, 2.0, 12.0, 1.4},
                              interval{{400.0, 30.0, -5.0, 0.4}, 1.0, 6.0, 60.0},
                              interval{{900.0, -20.0, 2.0, 3.0}, 0.0, 4.0, -80.0}}) {
        const auto expected = independent_moments(c.p, c.t0, c.t1, c.x0);
        const auto law = lsn_transition(c.p, c.t0, c.t1, c.x0);
        EXPECT_NEAR(law.mean, expected.mean, 1e-9 * std::fabs(expected.mean)) << c.t1;
        EXPECT_NEAR(law.variance, expected.variance, 1e-8 * expected.variance) << c.t1;
    }
}

// The likelihood must not jump where lsn_transition changes method (decay 4 over the interval).
TEST(stability_models, lsn_transition_is_continuous_where_the_method_changes) {
    const lsn_parameters p{0.64, 0.0, 1.0, 0.5};  // decay 2 sqrt(R) dt = 1.6 dt: 4 at dt = 2.5
    const auto before = lsn_transition(p, 0.0, 2.5 - 1e-9, 3.0);
    const auto after = lsn_transition(p, 0.0, 2.5 + 1e-9, 3.0);
    EXPECT_NEAR(before.mean, after.mean, 1e-10);
    EXPECT_NEAR(before.variance, after.variance, 1e-10 * after.variance);
}

TEST(stability_models, likelihood_at_uneven_times_sums_the_transition_densities) {
    const std::vector<double> time{0.0, 0.5, 2.0, 2.1, 5.0};
    const std::vector<double> value{1.0, 1.3, 0.7, 0.8, 1.1};
    const ou_parameters p{0.9, 1.0, 0.5};
    double expected = 0;
    for (std::size_t i = 1; i < time.size(); ++i) {
        const auto law = ou_transition(p, time[i] - time[i - 1], value[i - 1]);
        const double r = value[i] - law.mean;
        expected +=
            -0.5 * std::log(2 * std::numbers::pi * law.variance) - r * r / (2 * law.variance);
    }
    EXPECT_NEAR(ou_log_likelihood(p, time, value), expected, 1e-12);
    EXPECT_NEAR(lsn_log_likelihood(lsn_from_ou(p), time, value), expected, 1e-8);
}

TEST(stability_models, lsn_likelihood_is_minus_infinity_past_the_fold) {
    const std::vector<double> time{0.0, 1.0, 2.0};
    const std::vector<double> value{1.0, 1.1, 0.9};
    EXPECT_EQ(lsn_log_likelihood({1.0, -0.6, 0.5, 0.3}, time, value),
              -std::numeric_limits<double>::infinity());
    EXPECT_THROW(lsn_transition({1.0, -0.6, 0.5, 0.3}, 0.0, 2.0, 1.0), std::invalid_argument);
}

TEST(stability_models, malformed_series_throw) {
    const std::vector<double> time{0.0, 1.0, 1.0};
    const std::vector<double> value{1.0, 2.0, 3.0};
    EXPECT_THROW(ou_log_likelihood({1, 0, 1}, time, value), std::invalid_argument);
    EXPECT_THROW(fit_ou(std::vector<double>{0, 1}, std::vector<double>{1}), std::invalid_argument);
}

TEST(stability_models, constant_and_short_series_report_instead_of_fitting) {
    const auto time = even_times(20, 1.0);
    const std::vector<double> flat(20, 3.0);
    const auto constant = fit_both(time, flat);
    EXPECT_EQ(constant.ou.status, fit_status::constant_series);
    EXPECT_EQ(constant.lsn.status, fit_status::constant_series);
    EXPECT_TRUE(std::isnan(constant.delta));
    EXPECT_TRUE(std::isnan(constant.ou.parameters.rate));

    const auto few = even_times(minimum_fit_points - 1, 1.0);
    const std::vector<double> values{1.0, 2.0, 1.5, 1.7, 1.2};
    const auto short_fit = fit_both(few, values);
    EXPECT_EQ(short_fit.ou.status, fit_status::too_short);
    EXPECT_TRUE(std::isnan(short_fit.delta));
    EXPECT_NE(short_fit.ou.message.find("at least 6"), std::string::npos);
}

TEST(stability_models, lsn_fit_never_falls_below_the_ou_fit_it_nests) {
    const auto time = even_times(150, 1.0);
    random_stream stream({7, 1, 0, 0});
    const auto series = simulate_ou({0.3, 4.0, 0.5}, time, 4.0, stream);
    const auto fits = fit_both(time, series);
    ASSERT_EQ(fits.ou.status, fit_status::converged) << fits.ou.message;
    ASSERT_EQ(fits.lsn.status, fit_status::converged) << fits.lsn.message;
    EXPECT_GE(fits.delta, -1e-6);
    EXPECT_NEAR(fits.ou.parameters.rate, 0.3, 0.2);
    EXPECT_NEAR(fits.ou.parameters.mean, 4.0, 0.4);
}

TEST(stability_models, fitting_unit_is_one_in_the_comfortable_range_else_a_power_of_two) {
    const std::vector<double> spread_one{4.0, 5.0, 6.0, 5.0, 4.0, 6.0};  // sd 0.894
    EXPECT_EQ(fitting_unit(spread_one), 1.0);
    for (const double scale : {0x1p-9, 0x1p9, 3.0}) {
        std::vector<double> scaled = spread_one;
        for (double& x : scaled) x *= scale;
        EXPECT_EQ(fitting_unit(scaled), 1.0) << scale;
    }
    for (const int power : {-1000, -70, -12, 12, 70, 1000}) {
        std::vector<double> scaled = spread_one;
        for (double& x : scaled) x = std::ldexp(x, power);
        EXPECT_EQ(fitting_unit(scaled), std::ldexp(1.0, power)) << power;
    }
    EXPECT_EQ(fitting_unit(std::vector<double>(8, 1e-300)), 1.0) << "constant";
    EXPECT_EQ(fitting_unit(std::vector<double>{1e300, -1e300, 1e300, -1e300}), 0x1p997);
}

TEST(stability_models, fits_of_a_tiny_series_end_in_a_status_not_an_exception) {
    // NLopt refuses a zero initial step (the OU mean's, from a spread that underflows) by
    // throwing; the fit reports it instead.
    const auto time = even_times(30, 1.0);
    std::vector<double> tiny(30);
    for (std::size_t i = 0; i < tiny.size(); ++i) tiny[i] = (i % 3 == 0 ? 2e-300 : 1e-300);
    model_pair_fit fits;
    EXPECT_NO_THROW(fits = fit_both(time, tiny));
    EXPECT_TRUE(std::isnan(fits.delta) || std::isfinite(fits.delta));
}

TEST(stability_models, a_bootstrap_replicate_is_a_function_of_its_keys) {
    const auto time = even_times(40, 1.0);
    const ou_parameters ou{0.4, 3.0, 0.5};
    const lsn_parameters lsn{0.04, -0.0009, 2.8, 0.3};
    const auto a = model_test_replicate(ou, lsn, time, 3.0, {5, 3, 0, 11}, {5, 4, 0, 11});
    const auto b = model_test_replicate(ou, lsn, time, 3.0, {5, 3, 0, 11}, {5, 4, 0, 11});
    const auto c = model_test_replicate(ou, lsn, time, 3.0, {5, 3, 0, 12}, {5, 4, 0, 12});
    EXPECT_EQ(a.under_ou.ou.log_likelihood, b.under_ou.ou.log_likelihood);
    EXPECT_EQ(a.under_lsn.lsn.log_likelihood, b.under_lsn.lsn.log_likelihood);
    EXPECT_NE(a.under_ou.ou.log_likelihood, c.under_ou.ou.log_likelihood);
}

TEST(stability_models, summary_counts_failed_replicates_and_computes_p) {
    std::vector<bootstrap_replicate> replicates(4);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double null_deltas[] = {0.5, 3.0, nan, 1.0};
    const double test_deltas[] = {4.0, 6.0, 5.0, nan};
    for (std::size_t r = 0; r < 4; ++r) {
        replicates[r].under_ou.delta = null_deltas[r];
        replicates[r].under_lsn.delta = test_deltas[r];
    }
    const auto summary = summarize_model_test(2.0, replicates, 0.95, 200, {1, 5, 0, 0});
    EXPECT_EQ(summary.null_failed, 1u);
    EXPECT_EQ(summary.test_failed, 1u);
    EXPECT_DOUBLE_EQ(summary.p_value, 2.0 / 4.0);  // (1 + one null delta >= 2) / (1 + 3)
    EXPECT_DOUBLE_EQ(summary.auc, 1.0);
}

}  // namespace
}  // namespace vigil::analysis

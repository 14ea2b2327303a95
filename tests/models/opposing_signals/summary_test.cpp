// The per-replicate summaries on hand-made histories with known answers.

#include "models/opposing_signals/summary.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::opposing_signals {
namespace {

data_set two_groups() {
    data_set data;
    data.inputs = Eigen::MatrixXd::Zero(4, 2);
    data.inputs(0, 0) = 1;
    data.inputs(1, 0) = -1;
    data.inputs(2, 1) = 1;
    data.inputs(3, 1) = 2;
    data.targets = Eigen::VectorXd::Ones(4);
    data.groups = {point_group::group_a, point_group::group_b, point_group::rest,
                   point_group::rest};
    data.group_a_count = 1;
    data.group_b_count = 1;
    return data;
}

// 101 steps of a period-2 oscillation: w_0 = 0.04 +- 0.01, group losses in antiphase, one
// loss spike of height 2 at step 10 above a running minimum of 1.
training_history oscillating_history() {
    training_history history;
    for (int t = 0; t <= 100; ++t) {
        const double sign = t % 2 == 0 ? 1.0 : -1.0;
        history.loss.push_back(t == 10 ? 3.0 : 1.0);
        history.loss_group_a.push_back(8 + sign);
        history.loss_group_b.push_back(18 - sign);
        history.loss_rest.push_back(0.1);
        history.outlier_weight.push_back(0.04 + 0.01 * sign);
        history.second_layer_norm_sq.push_back(1.28);
        history.outlier_column_norm_sq.push_back(0.001);
        history.recorded_step.push_back(t);
        history.sharpness.push_back(t < 20 ? 10.0 * t : 40 + sign);
        history.eigenvector_outlier_share.push_back(0.999);
    }
    return history;
}

TEST(summary, period2_antiphase_and_spike_of_an_oscillating_history) {
    const run_summary summary =
        summarize(oscillating_history(), two_groups(), summary_settings{0.05, 0.2});
    EXPECT_NEAR(summary.long_run_outlier_weight, 0.04, 0.001);
    EXPECT_NEAR(summary.outlier_weight_period2_amplitude, 0.01, 1e-12);
    EXPECT_LT(summary.outlier_weight_lag1_correlation, -0.9);  // 21 samples: -(n-1)/n
    EXPECT_NEAR(summary.group_loss_antiphase_correlation, -1.0, 1e-12);
    EXPECT_NEAR(summary.group_loss_alternation, 2.0 / 13.0, 1e-12);
    EXPECT_NEAR(summary.long_run_sharpness, 40.0, 0.05);
    // q alpha^2 of two_groups() is 2 / 4: the formula gives 0.5 (1.28 + 0.001).
    EXPECT_NEAR(summary.long_run_sharpness_formula_ratio, 40.0 / (0.5 * 1.281), 0.1);
    EXPECT_EQ(summary.edge_of_stability_step, 4.0);  // 10 * 4 = 40 = 2 / 0.05
    EXPECT_EQ(summary.spike_height, 2.0);
    EXPECT_EQ(summary.spike_step, 10.0);
    EXPECT_EQ(summary.spike_ratio, 3.0);
    EXPECT_EQ(summary.max_sharpness, 190.0);
}

TEST(summary, in_phase_groups_give_positive_correlation_and_no_alternation) {
    training_history history = oscillating_history();
    for (std::size_t t = 0; t < history.loss_group_b.size(); ++t) {
        history.loss_group_b[t] = history.loss_group_a[t] + 10;
    }
    const run_summary summary = summarize(history, two_groups(), summary_settings{0.05, 0.2});
    EXPECT_NEAR(summary.group_loss_antiphase_correlation, 1.0, 1e-12);
    EXPECT_NEAR(summary.group_loss_alternation, 0.0, 1e-12);
}

TEST(summary, groups_that_do_not_alternate_have_no_antiphase_correlation) {
    training_history history = oscillating_history();
    for (std::size_t t = 0; t < history.loss_group_a.size(); ++t) {
        const double drift = 1e-3 * static_cast<double>(t);
        history.loss_group_a[t] = 8 + drift * drift;
        history.loss_group_b[t] = 18 - drift;
    }
    const run_summary summary = summarize(history, two_groups(), summary_settings{0.05, 0.2});
    EXPECT_TRUE(std::isnan(summary.group_loss_antiphase_correlation));
    EXPECT_LT(summary.group_loss_alternation, 1e-6);
}

TEST(summary, a_falling_loss_has_no_spike_and_a_diverged_run_has_nan_long_run_values) {
    training_history history = oscillating_history();
    for (std::size_t t = 0; t < history.loss.size(); ++t)
        history.loss[t] = 1.0 / (1.0 + static_cast<double>(t));
    run_summary summary = summarize(history, two_groups(), summary_settings{0.05, 0.2});
    EXPECT_EQ(summary.spike_height, 0.0);
    EXPECT_TRUE(std::isnan(summary.spike_step));

    history.diverged = true;
    summary = summarize(history, two_groups(), summary_settings{0.05, 0.2});
    EXPECT_EQ(summary.diverged, 1.0);
    EXPECT_TRUE(std::isnan(summary.long_run_sharpness));
    EXPECT_TRUE(std::isnan(summary.spike_height));
}

TEST(summary, least_squares_fit_of_the_data_set) {
    // Targets 1 at x = (1, 0), (-1, 0), (0, 1), (0, 2): w*_0 = 0, w*_1 = 3/5.
    const run_summary summary =
        summarize(oscillating_history(), two_groups(), summary_settings{0.05, 0.2});
    EXPECT_NEAR(summary.least_squares_outlier_weight, 0.0, 1e-12);
    EXPECT_NEAR(summary.least_squares_weight_norm, 0.6, 1e-12);
}

}  // namespace
}  // namespace vigil::opposing_signals

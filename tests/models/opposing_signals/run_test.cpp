// One default run (3000 steps of gradient descent, ~0.05 s): the sharpness formula and the
// concentration of the top eigenvector on A[:,0] at several points, the recorded series, and
// the spec's qualitative picture at the edge of stability.

#include "run_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vigil::opposing_signals {
namespace {

using testing::defaults_with;
using testing::run_replicate;

TEST(run, trajectory_has_every_series_at_every_recorded_step) {
    const auto run = run_replicate(defaults_with({{"steps", 40.0}, {"record_every", 7.0}}), 1, 0);
    const auto& steps = run.trajectory.at("step").values;
    EXPECT_EQ(steps, (std::vector<double>{0, 7, 14, 21, 28, 35, 40}));
    for (const auto& [name, series] : run.trajectory) {
        EXPECT_EQ(series.values.size(), steps.size()) << name;
    }
}

// The measured top eigenvalue against q alpha^2 (||b||^2 + ||A[:,0]||^2) and the share of its
// eigenvector on A[:,0] at several points of a run: where sharpness first reaches 2/eta, and at
// steps 1000, 2000 and 3000 (within 1% and >= 99%, the spec's numbers). At the peaks of the
// first catapult spikes the gradient is large, the Hessian's residual term matters and both
// fail for a few steps (share down to ~0.25): of all recorded steps after sharpening (sharpness
// >= 20) at least 95% satisfy them (seen: about 98%).
TEST(run, sharpness_follows_the_formula_and_its_eigenvector_lies_on_the_outlier_column) {
    for (const std::uint64_t replicate : {0u, 1u, 2u}) {
        const auto run = run_replicate(defaults_with({}), 20231107, replicate);
        ASSERT_EQ(run.results.at("diverged"), 0.0);
        const auto& sharpness = run.trajectory.at("sharpness").values;
        const auto& formula = run.trajectory.at("sharpness_formula").values;
        const auto& share = run.trajectory.at("eigenvector_outlier_share").values;
        const auto onset = static_cast<std::size_t>(run.results.at("edge_of_stability_step"));
        for (const std::size_t step :
             {onset, std::size_t{1000}, std::size_t{2000}, std::size_t{3000}}) {
            EXPECT_NEAR(formula[step] / sharpness[step], 1.0, 0.01) << "step " << step;
            EXPECT_GE(share[step], 0.99) << "step " << step;
        }
        double sharpened = 0;
        double satisfied = 0;
        for (std::size_t step = 0; step < sharpness.size(); ++step) {
            if (sharpness[step] < 20) continue;
            sharpened += 1;
            const bool formula_holds = std::fabs(formula[step] / sharpness[step] - 1) <= 0.01;
            if (formula_holds && share[step] >= 0.99) satisfied += 1;
        }
        EXPECT_GE(satisfied / sharpened, 0.95) << satisfied << " of " << sharpened;
        std::printf("replicate %d: %g of %g sharpened steps satisfy both\n",
                    static_cast<int>(replicate), satisfied, sharpened);
    }
}

TEST(run, default_run_reaches_the_edge_of_stability_and_alternates) {
    const auto run = run_replicate(defaults_with({}), 20231107, 0);
    const auto& r = run.results;
    ASSERT_EQ(r.at("diverged"), 0.0);
    EXPECT_NEAR(r.at("long_run_sharpness"), 40.0, 0.4);
    EXPECT_LT(r.at("outlier_weight_lag1_correlation"), -0.99);
    EXPECT_LT(r.at("group_loss_antiphase_correlation"), -0.99);
    EXPECT_GT(r.at("spike_height"), 1.0);
    EXPECT_TRUE(std::isfinite(r.at("edge_of_stability_step")));
    EXPECT_GE(r.at("discovery_precision"), 0.9);
    EXPECT_EQ(r.at("unconverged_sharpness"), 0.0);
}

TEST(run, replicates_differ_and_a_replicate_repeats_exactly) {
    const auto values = defaults_with({{"steps", 200.0}});
    const auto first = run_replicate(values, 5, 0);
    const auto again = run_replicate(values, 5, 0);
    const auto other = run_replicate(values, 5, 1);
    for (const auto& [name, value] : first.results) {
        const double repeated = again.results.at(name);
        EXPECT_TRUE(value == repeated || (std::isnan(value) && std::isnan(repeated))) << name;
    }
    EXPECT_NE(first.results.at("final_loss"), other.results.at("final_loss"));
}

TEST(run, minibatch_sgd_uses_its_own_stream_and_repeats) {
    const auto values = defaults_with({{"steps", 100.0}, {"optimizer", std::string("sgd")}});
    const auto first = run_replicate(values, 3, 2);
    const auto again = run_replicate(values, 3, 2);
    EXPECT_EQ(first.trajectory.at("loss").values, again.trajectory.at("loss").values);
}

}  // namespace
}  // namespace vigil::opposing_signals

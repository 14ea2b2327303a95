#include "analysis/estimator_error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigil::analysis {
namespace {

TEST(summarize_errors, unbiased_errors_of_unit_size) {
    // Every resample of +-1 values has rms exactly 1, so the bootstrap interval is [1, 1].
    const std::vector<double> errors{1, -1, 1, -1, 1, -1};
    const auto summary = summarize_errors(errors, 0.95, 300, {1, 950, 0, 0});
    EXPECT_EQ(summary.replicates, 6u);
    EXPECT_EQ(summary.bias.value, 0.0);
    EXPECT_LT(summary.bias.lower, 0.0);
    EXPECT_GT(summary.bias.upper, 0.0);
    EXPECT_EQ(summary.rms.value, 1.0);
    EXPECT_EQ(summary.rms.lower, 1.0);
    EXPECT_EQ(summary.rms.upper, 1.0);
}

TEST(summarize_errors, biased_errors) {
    // Errors 2 + {-0.5, 0, 0.5}: bias 2, rms sqrt((6.25 + 4 + 2.25) / 3) = sqrt(12.5 / 3).
    const std::vector<double> errors{1.5, 2, 2.5};
    const auto summary = summarize_errors(errors, 0.95, 1000, {1, 951, 0, 0});
    EXPECT_DOUBLE_EQ(summary.bias.value, 2.0);
    EXPECT_DOUBLE_EQ(summary.rms.value, std::sqrt(12.5 / 3));
    EXPECT_GE(summary.rms.lower, 1.5);  // no resample can do better than all 1.5s
    EXPECT_LE(summary.rms.upper, 2.5);
}

TEST(summarize_errors, scaling_multiplies_every_number) {
    const std::vector<double> errors{0.1, -0.3, 0.2, 0.05};
    const auto radians = summarize_errors(errors, 0.9, 400, {2, 952, 0, 0});
    const auto micrometres = scaled(radians, 10);
    EXPECT_DOUBLE_EQ(micrometres.bias.value, 10 * radians.bias.value);
    EXPECT_DOUBLE_EQ(micrometres.bias.lower, 10 * radians.bias.lower);
    EXPECT_DOUBLE_EQ(micrometres.rms.upper, 10 * radians.rms.upper);
    EXPECT_EQ(micrometres.replicates, 4u);
}

TEST(summarize_errors, empty_sample_gives_nan) {
    const std::vector<double> none;
    const auto summary = summarize_errors(none, 0.95, 100, {});
    EXPECT_EQ(summary.replicates, 0u);
    EXPECT_TRUE(std::isnan(summary.bias.value));
    EXPECT_TRUE(std::isnan(summary.rms.upper));
}

}  // namespace
}  // namespace vigil::analysis

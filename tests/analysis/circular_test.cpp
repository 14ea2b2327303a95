#include "analysis/circular.hpp"

#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

namespace vigil::analysis {
namespace {

constexpr double pi = std::numbers::pi;

TEST(wrap_angle, both_ends_of_the_circle_map_to_pi) {
    EXPECT_EQ(wrap_angle(pi), pi);
    EXPECT_EQ(wrap_angle(-pi), pi);
    EXPECT_EQ(wrap_angle(3 * pi), pi);
    EXPECT_EQ(wrap_angle(-3 * pi), pi);
}

TEST(wrap_angle, keeps_angles_inside_and_folds_multiples_of_two_pi) {
    EXPECT_EQ(wrap_angle(0.0), 0.0);
    EXPECT_EQ(wrap_angle(2 * pi), 0.0);
    EXPECT_EQ(wrap_angle(-0.1), -0.1);
    EXPECT_EQ(wrap_angle(1.0), 1.0);
    EXPECT_NEAR(wrap_angle(2 * pi - 0.1), -0.1, 1e-15);
    EXPECT_NEAR(wrap_angle(0.1 - 2 * pi), 0.1, 1e-15);

    // Just beyond pi is just above -pi.
    const double past_pi = std::nextafter(pi, 4.0);
    EXPECT_GT(wrap_angle(past_pi), -pi);
    EXPECT_NEAR(wrap_angle(past_pi), -pi, 1e-15);
}

TEST(wrap_angle, stays_in_half_open_range_and_differs_by_whole_turns) {
    random_stream stream(stream_key{3, 1, 0, 0});
    for (int k = 0; k < 10000; ++k) {
        const double angle = (stream.uniform_open() - 0.5) * 200;
        const double wrapped = wrap_angle(angle);
        ASSERT_GT(wrapped, -pi);
        ASSERT_LE(wrapped, pi);
        const double turns = (angle - wrapped) / (2 * pi);
        ASSERT_NEAR(turns, std::round(turns), 1e-12);
    }
}

TEST(wrap_angle, non_finite_gives_nan) {
    EXPECT_TRUE(std::isnan(wrap_angle(std::numeric_limits<double>::infinity())));
    EXPECT_TRUE(std::isnan(wrap_angle(std::nan(""))));
}

}  // namespace
}  // namespace vigil::analysis

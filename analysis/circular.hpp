#pragma once

// Angles on a circle. wrap_angle maps any finite angle (radians) to its representative in
// (-pi, pi], exactly for the double nearest pi: pi and -pi both map to pi. Pure, thread-safe;
// a NaN or infinite angle gives NaN.

#include <cmath>
#include <numbers>

namespace vigil::analysis {

// The difference a - b of two angles is wrap_angle(a - b): the signed shortest rotation.
inline double wrap_angle(double angle_rad) {
    constexpr double pi = std::numbers::pi;
    constexpr double two_pi = 2 * std::numbers::pi;  // exact: scaling by 2 does not round

    // std::remainder is exact and lands in [-pi, pi]; only -pi itself needs moving.
    double wrapped = std::remainder(angle_rad, two_pi);
    if (wrapped <= -pi) wrapped += two_pi;
    return wrapped;
}

}  // namespace vigil::analysis

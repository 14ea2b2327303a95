// Monte Carlo check of the default study's headline number (specs/contact-sensing.md): with
// N = 400, T = 2, a_E = 1, a_I = 10, mu_E = 1, mu_I = 10, the rms centre error is about 2.2
// receptor spacings for contacts of 32 to 360 receptors. Fixed seeds.

#include "models/contact_sensing/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;

double rms_centre_error_spacings(double contact_receptors, int replicates) {
    point_configuration configuration;  // the default study's rates and geometry
    configuration.receptors = 400;
    configuration.contact_width_rad = two_pi * contact_receptors / 400;
    const contact_sensing_simulator simulator(configuration);
    std::vector<double> results(8);
    double sum_of_squares = 0;
    for (int replicate = 0; replicate < replicates; ++replicate) {
        simulator.simulate(replicate_streams(2024, 0, static_cast<std::uint64_t>(replicate)),
                           results, nullptr);
        const double error = std::remainder(results[2] - results[0], two_pi) * 400 / two_pi;
        sum_of_squares += error * error;
    }
    return std::sqrt(sum_of_squares / replicates);
}

// 2000 replicates: the rms has a standard error of about 0.07 spacings at these widths
// (measured spread of squared errors), so the +-20% band (0.44 spacings) is about 6 standard
// errors wide on each side.
TEST(default_study_statistical, rms_centre_error_is_flat_near_2_2_spacings) {
    for (const double contact_receptors : {64.0, 200.0}) {
        const double rms = rms_centre_error_spacings(contact_receptors, 2000);
        EXPECT_NEAR(rms, 2.2, 0.2 * 2.2) << "M = " << contact_receptors;
    }
}

}  // namespace
}  // namespace vigil::contact_sensing

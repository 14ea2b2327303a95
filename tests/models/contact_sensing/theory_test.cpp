#include "models/contact_sensing/theory.hpp"

#include <gtest/gtest.h>
#include <boost/math/distributions/normal.hpp>

#include <cmath>

namespace vigil::contact_sensing {
namespace {

// Reference values of specs/contact-sensing.md, to half a unit of their last printed digit.
TEST(fisher_information, per_cycle_matches_reference_value) {
    EXPECT_NEAR(fisher_information_per_cycle({1, 10, 1, 10}), 0.05551, 0.000005);
}

TEST(fisher_information, without_interferer_is_the_endres_wingreen_limit) {
    EXPECT_DOUBLE_EQ(fisher_information_per_cycle({2, 0, 1, 10}), 0.25);
    EXPECT_DOUBLE_EQ(fisher_information_per_cycle({0.5, 0, 3, 1}), 4.0);
    // The quadrature reaches the same limit continuously as a_I -> 0.
    EXPECT_NEAR(fisher_information_per_cycle({2, 1e-9, 1, 10}), 0.25, 1e-6);
}

TEST(fisher_information, per_time_divides_by_the_mean_cycle_time) {
    const kinetic_rates rates{1, 10, 1, 10};
    const double mean_cycle = 1.0 / 11 + (1.0 / 1 + 10.0 / 10) / 11;
    EXPECT_DOUBLE_EQ(fisher_information_per_time(rates),
                     fisher_information_per_cycle(rates) / mean_cycle);
}

TEST(fisher_information, mora_transition_diverges_above_r_2) {
    // r = mu_I / mu_E = 4 > 2: grows without bound as a_E -> 0 (like a_E^{-2/3} here).
    const double coarse = fisher_information_per_cycle({1e-4, 1, 1, 4});
    const double fine = fisher_information_per_cycle({1e-6, 1, 1, 4});
    EXPECT_GT(fine, 10 * coarse);
    EXPECT_EQ(fisher_information_per_cycle({0, 1, 1, 4}), std::numeric_limits<double>::infinity());
}

TEST(fisher_information, mora_transition_stays_finite_below_r_2) {
    // r = 1.5 < 2: tends to mu_E^2 / (a_I^2 mu_I (2 mu_E - mu_I)) = 1 / (1.5 * 0.5) = 4/3.
    const double limit = 1.0 / (1.5 * 0.5);
    EXPECT_NEAR(fisher_information_per_cycle({1e-8, 1, 1, 1.5}), limit, 1e-4 * limit);
    EXPECT_NEAR(fisher_information_per_cycle({1e-5, 1, 1, 1.5}), limit, 1e-2 * limit);
    EXPECT_DOUBLE_EQ(fisher_information_per_cycle({0, 1, 1, 1.5}), limit);
}

TEST(long_time_information_rates, match_reference_values) {
    const auto rates =
        long_time_information_rates({1, 10, 1, 10}, interferer_placement::everywhere);
    EXPECT_NEAR(rates.d_in, 1.652, 0.0005);
    EXPECT_NEAR(rates.d_out, 0.2750, 0.00005);

    const auto similar =
        long_time_information_rates({1, 10, 1, 2}, interferer_placement::everywhere);
    EXPECT_NEAR(similar.d_in, 0.0161, 0.00005);
    EXPECT_NEAR(similar.d_out, 0.0147, 0.00005);

    const auto less_interferer =
        long_time_information_rates({1, 1, 1, 10}, interferer_placement::everywhere);
    EXPECT_NEAR(less_interferer.d_in, 3.045, 0.0005);
    EXPECT_NEAR(less_interferer.d_out, 0.6410, 0.00005);
}

TEST(long_time_information_rates, are_positive_divergences_with_positive_variances) {
    for (const auto placement : {interferer_placement::everywhere, interferer_placement::outside}) {
        for (const kinetic_rates& rates : {kinetic_rates{1, 10, 1, 10}, kinetic_rates{1, 3, 1, 2},
                                           kinetic_rates{2, 1, 5, 1}, kinetic_rates{1, 2, 1, 1}}) {
            const auto r = long_time_information_rates(rates, placement);
            EXPECT_GT(r.d_in, 0);
            EXPECT_GT(r.d_out, 0);
            EXPECT_GT(r.variance_rate_in, 0);
            EXPECT_GT(r.variance_rate_out, 0);
        }
    }
}

TEST(long_time_information_rates, identical_ligands_carry_only_the_rate_information) {
    // mu_E = mu_I: durations say nothing; l = -a_E T_u + n log(1 + a_E / a_I). In contact the
    // receptor binds at a_E + a_I, out of contact at a_I; free-time fractions follow.
    const double a_e = 1, a_i = 3, mu = 2;
    const auto r =
        long_time_information_rates({a_e, a_i, mu, mu}, interferer_placement::everywhere);
    const double term = std::log1p(a_e / a_i);
    const auto rate_of_l = [&](double binding) {
        const double cycle = 1 / binding + 1 / mu;
        return (-a_e / binding + term) / cycle;
    };
    EXPECT_NEAR(r.d_in, rate_of_l(a_e + a_i), 1e-9);
    EXPECT_NEAR(r.d_out, -rate_of_l(a_i), 1e-9);
}

TEST(long_time_information_rates, without_interferer_contact_is_certain) {
    const auto r = long_time_information_rates({2, 0, 1, 10}, interferer_placement::everywhere);
    EXPECT_EQ(r.d_in, std::numeric_limits<double>::infinity());
    EXPECT_DOUBLE_EQ(r.d_out, 2.0);  // no binding without contact: l = -a_E T exactly
    EXPECT_EQ(r.variance_rate_out, 0.0);
}

TEST(known_arc_gaussian_errors, equal_variances_have_closed_forms) {
    // Sums ~ N(+M T, M T) with contact and N(-M T, M T) without.
    const information_rates rates{1, 1, 1, 1};
    const double m = 4, t = 2;
    const auto errors = known_arc_gaussian_errors(rates, m, t, 0.05);
    const boost::math::normal_distribution<double> standard;
    const double sd = std::sqrt(m * t);
    const double threshold = -m * t + sd * boost::math::quantile(standard, 0.95);
    EXPECT_NEAR(errors.p_fn_at_fp, boost::math::cdf(standard, (threshold - m * t) / sd), 1e-12);
    EXPECT_NEAR(errors.min_mean_error, boost::math::cdf(standard, -m * t / sd), 1e-9);
}

TEST(known_arc_gaussian_errors, shrink_with_arc_length_and_time) {
    const auto rates =
        long_time_information_rates({1, 10, 1, 10}, interferer_placement::everywhere);
    double previous = 1;
    for (const double m : {1.0, 4.0, 16.0, 64.0}) {
        const auto errors = known_arc_gaussian_errors(rates, m, 2, 0.05);
        EXPECT_GE(errors.p_fn_at_fp, 0);
        EXPECT_LE(errors.p_fn_at_fp, 1);
        EXPECT_GT(errors.min_mean_error, 0);
        EXPECT_LT(errors.min_mean_error, previous);
        EXPECT_LE(errors.min_mean_error, 0.5);
        previous = errors.min_mean_error;
    }
}

TEST(known_arc_gaussian_errors, unequal_variances_find_the_minimum) {
    // A brute-force scan over thresholds agrees with the minimiser.
    const information_rates rates{0.5, 0.1, 9.0, 0.2};
    const double m = 3, t = 2;
    const auto errors = known_arc_gaussian_errors(rates, m, t, 0.05);
    const boost::math::normal_distribution<double> contact(m * t * 0.5, std::sqrt(m * t * 9.0));
    const boost::math::normal_distribution<double> none(-m * t * 0.1, std::sqrt(m * t * 0.2));
    double best = 1;
    for (double threshold = -20; threshold < 40; threshold += 1e-3) {
        const double mean_error =
            0.5 * (boost::math::cdf(boost::math::complement(none, threshold)) +
                   boost::math::cdf(contact, threshold));
        best = std::min(best, mean_error);
    }
    EXPECT_NEAR(errors.min_mean_error, best, 1e-6);
    EXPECT_LE(errors.min_mean_error, best + 1e-12);
}

TEST(known_arc_gaussian_errors, extreme_false_positive_rates) {
    const information_rates rates{1, 1, 1, 1};
    EXPECT_EQ(known_arc_gaussian_errors(rates, 4, 2, 0.0).p_fn_at_fp, 1.0);
    EXPECT_EQ(known_arc_gaussian_errors(rates, 4, 2, 1.0).p_fn_at_fp, 0.0);
}

TEST(known_arc_gaussian_errors, infinite_information_means_no_errors) {
    const auto rates = long_time_information_rates({2, 0, 1, 10}, interferer_placement::everywhere);
    const auto errors = known_arc_gaussian_errors(rates, 10, 2, 0.05);
    EXPECT_EQ(errors.p_fn_at_fp, 0.0);
    EXPECT_EQ(errors.min_mean_error, 0.0);
}

}  // namespace
}  // namespace vigil::contact_sensing

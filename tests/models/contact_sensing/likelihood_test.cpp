#include "models/contact_sensing/likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

TEST(softplus, matches_log1p_of_exp_to_a_few_ulp) {
    for (double x = -700; x <= 700; x += 0.37) {
        const long double reference = x > 0 ? x + std::log1p(std::exp(-static_cast<long double>(x)))
                                            : std::log1p(std::exp(static_cast<long double>(x)));
        EXPECT_NEAR(softplus(x), static_cast<double>(reference),
                    4 * std::numeric_limits<double>::epsilon() * static_cast<double>(reference))
            << "x = " << x;
    }
}

TEST(softplus, is_exact_at_the_extremes) {
    EXPECT_EQ(softplus(1e300), 1e300);
    EXPECT_EQ(softplus(infinity), infinity);
    EXPECT_EQ(softplus(-infinity), 0.0);
    EXPECT_DOUBLE_EQ(softplus(-40), std::exp(-40.0));
    EXPECT_DOUBLE_EQ(softplus(0), std::log(2.0));
}

// exp_inline against long double exp at 10^5 points of [-700, 0] and at small |x|: within
// 1.02 ulp (its measured bound over 2e7 points); exact at 0; std::exp outside [-700, 700].
TEST(exp_inline, is_within_about_one_ulp_of_exp) {
    std::mt19937_64 engine(17);
    std::uniform_real_distribution<double> wide(-700.0, 0.0);
    for (int i = 0; i < 100000; ++i) {
        const double x = i % 2 == 0 ? wide(engine) : -std::ldexp(1.0, -(i % 60)) * (1 + i % 7);
        const long double reference = std::exp(static_cast<long double>(x));
        const double ulp = std::nextafter(static_cast<double>(reference), infinity) -
                           static_cast<double>(reference);
        const long double error = std::fabs(exp_inline(x) - reference);
        EXPECT_LE(static_cast<double>(error / ulp), 1.02) << "x = " << x;
    }
    EXPECT_EQ(exp_inline(0.0), 1.0);
    EXPECT_EQ(exp_inline(-0.0), 1.0);
    EXPECT_EQ(exp_inline(-infinity), 0.0);
    EXPECT_EQ(exp_inline(-720.0), std::exp(-720.0));
}

observed_receptor_path random_path(std::mt19937_64& engine, double longest_bond);

// As accurate as adding up softplus() term by term: within the rounding of a sum of n terms,
// about sqrt(n) ulp of the sum of magnitudes (4 sqrt(n) allowed).
TEST(softplus_sum, matches_a_sum_of_softplus_terms) {
    std::mt19937_64 engine(99);
    std::uniform_real_distribution<double> spread(-60.0, 60.0);
    for (int trial = 0; trial < 300; ++trial) {
        const int terms = 1 + trial * 7;  // up to ~2000 terms: several rescalings of the product
        softplus_sum fast;
        long double reference = 0;
        long double magnitude = 0;
        for (int k = 0; k < terms; ++k) {
            const double x = trial % 3 == 0 ? spread(engine) : std::fabs(spread(engine)) / 20;
            fast.add(x);
            const long double term = x > 0 ? x + std::log1p(std::exp(-static_cast<long double>(x)))
                                           : std::log1p(std::exp(static_cast<long double>(x)));
            reference += term;
            magnitude += std::fabs(term);
        }
        const double tolerance = 4 * std::sqrt(terms) * std::numeric_limits<double>::epsilon() *
                                 static_cast<double>(magnitude);
        EXPECT_NEAR(fast.value(), static_cast<double>(reference), tolerance) << "trial " << trial;
    }
}

TEST(softplus_sum, keeps_tiny_terms_and_infinities) {
    softplus_sum tiny;
    for (int k = 0; k < 10; ++k) tiny.add(-50);  // each term e^{-50}, far below 1e-16
    EXPECT_NEAR(tiny.value(), 10 * std::exp(-50.0), 1e-15 * 10 * std::exp(-50.0));

    softplus_sum with_infinity;
    with_infinity.add(1);
    with_infinity.add(infinity);
    with_infinity.add(-infinity);
    EXPECT_EQ(with_infinity.value(), infinity);

    softplus_sum huge;
    huge.add(1e4);
    huge.add(9e4);
    EXPECT_DOUBLE_EQ(huge.value(), 1e5);
}

TEST(path_sum, matches_evaluate) {
    std::mt19937_64 engine(5);
    for (const auto placement : {interferer_placement::everywhere, interferer_placement::outside}) {
        const receptor_log_likelihood_ratio llr({1, 10, 1, 10}, placement);
        for (int trial = 0; trial < 500; ++trial) {
            const observed_receptor_path path = random_path(engine, 2.0);
            receptor_log_likelihood_ratio::path_sum sum(llr);
            for (const double tau : path.completed_bonds) sum.add_completed_bond(tau);
            if (path.censored_bond) sum.add_censored_bond(*path.censored_bond);
            const double expected = llr.evaluate(path);
            EXPECT_NEAR(sum.value(path.free_time), expected, 1e-13 * (1 + std::fabs(expected)));
        }
    }
}

// A random observed path: free time, a few completed bonds and maybe a censored one.
observed_receptor_path random_path(std::mt19937_64& engine, double longest_bond) {
    std::uniform_real_distribution<double> duration(0.0, longest_bond);
    observed_receptor_path path;
    path.free_time = duration(engine);
    const int bonds = static_cast<int>(engine() % 6);
    for (int i = 0; i < bonds; ++i) path.completed_bonds.push_back(duration(engine));
    if (engine() % 2) path.censored_bond = duration(engine);
    return path;
}

void expect_closed_form_matches_path_likelihood(const kinetic_rates& rates,
                                                interferer_placement placement) {
    const receptor_log_likelihood_ratio llr(rates, placement);
    std::mt19937_64 engine(12345);
    for (int trial = 0; trial < 2000; ++trial) {
        const observed_receptor_path path = random_path(engine, 3.0);
        const double difference =
            path_log_likelihood(rates_in_contact(rates, placement), rates, path) -
            path_log_likelihood(rates_out_of_contact(rates), rates, path);
        const double closed_form = llr.evaluate(path);
        EXPECT_NEAR(closed_form, difference, 1e-12 * (1 + std::fabs(difference)))
            << "trial " << trial;
    }
}

TEST(receptor_log_likelihood_ratio, everywhere_matches_path_likelihood_difference) {
    expect_closed_form_matches_path_likelihood({1, 10, 1, 10}, interferer_placement::everywhere);
    expect_closed_form_matches_path_likelihood({1, 1, 1, 10}, interferer_placement::everywhere);
    expect_closed_form_matches_path_likelihood({0.3, 3, 2, 1}, interferer_placement::everywhere);
    expect_closed_form_matches_path_likelihood({2, 5, 1, 1}, interferer_placement::everywhere);
}

TEST(receptor_log_likelihood_ratio, outside_matches_path_likelihood_difference) {
    expect_closed_form_matches_path_likelihood({1, 10, 1, 10}, interferer_placement::outside);
    expect_closed_form_matches_path_likelihood({0.3, 3, 2, 1}, interferer_placement::outside);
    expect_closed_form_matches_path_likelihood({1, 1, 1, 1}, interferer_placement::outside);
}

TEST(receptor_log_likelihood_ratio, everywhere_has_the_spec_closed_form) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_log_likelihood_ratio llr(rates, interferer_placement::everywhere);
    const double tau = 0.3;
    EXPECT_DOUBLE_EQ(llr.free_time_rate(), -1.0);
    EXPECT_DOUBLE_EQ(llr.completed_bond(tau), std::log1p(0.01 * std::exp(9 * tau)));
    EXPECT_DOUBLE_EQ(llr.censored_bond(tau), std::log1p(0.1 * std::exp(9 * tau)));
}

TEST(receptor_log_likelihood_ratio, never_overflows_for_long_bonds) {
    const kinetic_rates rates{1, 10, 1, 10};  // mu_I - mu_E = 9: e^{9 tau} overflows at 79
    const receptor_log_likelihood_ratio llr(rates, interferer_placement::everywhere);
    const double tau = 1e4;
    EXPECT_TRUE(std::isfinite(llr.completed_bond(tau)));
    EXPECT_DOUBLE_EQ(llr.completed_bond(tau), std::log(0.01) + 9 * tau);
    EXPECT_DOUBLE_EQ(llr.censored_bond(tau), std::log(0.1) + 9 * tau);

    // mu_I < mu_E: the term decays to 0 without underflow trouble.
    const receptor_log_likelihood_ratio reversed({1, 10, 10, 1}, interferer_placement::everywhere);
    EXPECT_EQ(reversed.completed_bond(tau), 0.0);
    EXPECT_GT(reversed.completed_bond(0.0), 0.0);

    // The path likelihood is safe too: both forms agree at tau = 1e4.
    observed_receptor_path path;
    path.free_time = 1;
    path.completed_bonds = {tau};
    path.censored_bond = tau;
    const double difference =
        path_log_likelihood(rates_in_contact(rates, interferer_placement::everywhere), rates,
                            path) -
        path_log_likelihood(rates_out_of_contact(rates), rates, path);
    EXPECT_NEAR(llr.evaluate(path), difference, 1e-9 * std::fabs(difference));
}

TEST(receptor_log_likelihood_ratio, without_interferer_any_bond_proves_contact) {
    const kinetic_rates rates{2, 0, 1, 10};
    for (const auto placement : {interferer_placement::everywhere, interferer_placement::outside}) {
        const receptor_log_likelihood_ratio llr(rates, placement);
        observed_receptor_path unbound;
        unbound.free_time = 3;
        EXPECT_DOUBLE_EQ(llr.evaluate(unbound), -2 * 3.0);

        observed_receptor_path bound;
        bound.free_time = 2.5;
        bound.completed_bonds = {0.5};
        EXPECT_EQ(llr.evaluate(bound), infinity);
        EXPECT_EQ(path_log_likelihood(rates_out_of_contact(rates), rates, bound), -infinity);

        observed_receptor_path censored;
        censored.free_time = 2.5;
        censored.censored_bond = 0.5;
        EXPECT_EQ(llr.evaluate(censored), infinity);
    }
}

TEST(receptor_log_likelihood_ratio, without_ephrin_binding_is_uninformative_or_rules_out_contact) {
    const kinetic_rates rates{0, 10, 1, 10};
    observed_receptor_path path;
    path.free_time = 1;
    path.completed_bonds = {0.2, 0.1};
    EXPECT_EQ(receptor_log_likelihood_ratio(rates, interferer_placement::everywhere).evaluate(path),
              0.0);
    // Interferer outside only: a bond is impossible in contact.
    EXPECT_EQ(receptor_log_likelihood_ratio(rates, interferer_placement::outside).evaluate(path),
              -infinity);
}

TEST(local_binding_rates, follow_the_interferer_placement) {
    const kinetic_rates rates{1, 10, 1, 10};
    EXPECT_EQ(rates_in_contact(rates, interferer_placement::everywhere).interferer, 10);
    EXPECT_EQ(rates_in_contact(rates, interferer_placement::outside).interferer, 0);
    EXPECT_EQ(rates_in_contact(rates, interferer_placement::outside).ephrin, 1);
    EXPECT_EQ(rates_out_of_contact(rates).ephrin, 0);
    EXPECT_EQ(rates_out_of_contact(rates).interferer, 10);
}

}  // namespace
}  // namespace vigil::contact_sensing

// Monte Carlo checks of the renewal simulation against the renewal-reward theory: the mean and
// variance growth rates of l_j in and out of contact, and the steady start. Fixed seeds.

#include "models/contact_sensing/kinetics.hpp"
#include "models/contact_sensing/theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigil::contact_sensing {
namespace {

struct sample_moments {
    double mean = 0;
    double variance = 0;
};

// l_j of `receptors` independent receptors observed for `time`, one stream per receptor.
sample_moments simulate_log_likelihood_ratios(const kinetic_rates& rates,
                                              interferer_placement placement, bool in_contact,
                                              initial_state start, double time, int receptors,
                                              std::uint64_t seed) {
    const receptor_kinetics kinetics(
        in_contact ? rates_in_contact(rates, placement) : rates_out_of_contact(rates), rates);
    const receptor_log_likelihood_ratio scorer(rates, placement);
    double sum = 0;
    double sum_of_squares = 0;
    for (int j = 0; j < receptors; ++j) {
        random_stream stream({seed, in_contact ? 1u : 2u, 0, static_cast<std::uint64_t>(j)});
        const double llr = simulate_receptor(kinetics, &scorer, start, time, stream, 0, nullptr)
                               .log_likelihood_ratio;
        sum += llr;
        sum_of_squares += llr * llr;
    }
    const double n = receptors;
    const double mean = sum / n;
    return {mean, (sum_of_squares - n * mean * mean) / (n - 1)};
}

// Observing T = 1000 with 1000 receptors per hypothesis. The standard error of the measured
// rate E[l]/T is sqrt(variance_rate / (T n)), e.g. 0.0044 for D_in = 1.652 (variance rate
// 19.3) and 0.00037 for D_out = 0.275 (0.137); we allow 5 standard errors plus 2/T for the
// O(1) transient of E[l] (below 0.5 in all cases here). The sample variance of l/sqrt(T) has a
// relative standard error sqrt(2/n) = 4.5%; we allow 25% (5.5 standard errors).
void expect_rates_match_theory(const kinetic_rates& rates, interferer_placement placement,
                               initial_state start, std::uint64_t seed) {
    constexpr double time = 1000;
    constexpr int receptors = 1000;
    const information_rates theory = long_time_information_rates(rates, placement);
    const sample_moments in =
        simulate_log_likelihood_ratios(rates, placement, true, start, time, receptors, seed);
    const sample_moments out =
        simulate_log_likelihood_ratios(rates, placement, false, start, time, receptors, seed);

    const double se_in = std::sqrt(theory.variance_rate_in / (time * receptors));
    const double se_out = std::sqrt(theory.variance_rate_out / (time * receptors));
    EXPECT_NEAR(in.mean / time, theory.d_in, 5 * se_in + 2 / time);
    EXPECT_NEAR(-out.mean / time, theory.d_out, 5 * se_out + 2 / time);
    EXPECT_NEAR(in.variance / time, theory.variance_rate_in, 0.25 * theory.variance_rate_in);
    EXPECT_NEAR(out.variance / time, theory.variance_rate_out, 0.25 * theory.variance_rate_out);
}

TEST(information_rates_statistical, default_rates) {
    expect_rates_match_theory({1, 10, 1, 10}, interferer_placement::everywhere,
                              initial_state::unbound, 101);
}

TEST(information_rates_statistical, similar_ligands) {
    expect_rates_match_theory({1, 10, 1, 2}, interferer_placement::everywhere,
                              initial_state::unbound, 102);
}

TEST(information_rates_statistical, less_interferer) {
    expect_rates_match_theory({1, 1, 1, 10}, interferer_placement::everywhere,
                              initial_state::unbound, 103);
}

TEST(information_rates_statistical, interferer_outside) {
    expect_rates_match_theory({1, 10, 1, 10}, interferer_placement::outside, initial_state::unbound,
                              104);
}

TEST(information_rates_statistical, steady_start) {
    expect_rates_match_theory({1, 10, 1, 10}, interferer_placement::everywhere,
                              initial_state::steady, 105);
}

// Out of contact the steady start is stationary: a receptor is bound at any time t with
// probability a_I / (a_I + mu_I) = 1/2, against 0.5 (1 - e^{-(a_I + mu_I) t}) from unbound.
// 20000 receptors: standard error 0.0035; we allow 0.018 (5 standard errors).
TEST(steady_start_statistical, keeps_the_pre_contact_occupancy) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_out_of_contact(rates), rates);
    constexpr int receptors = 20000;
    for (const double time : {0.02, 0.05, 0.3}) {
        int bound_steady = 0;
        int bound_unbound = 0;
        for (int j = 0; j < receptors; ++j) {
            for (const auto start : {initial_state::steady, initial_state::unbound}) {
                random_stream stream({7, 3, 0, static_cast<std::uint64_t>(j)});
                std::vector<binding_event> history;
                simulate_receptor(kinetics, nullptr, start, time, stream, 0, &history);
                const bool bound_at_end = !history.empty() && history.back().censored;
                (start == initial_state::steady ? bound_steady : bound_unbound) += bound_at_end;
            }
        }
        const double expected_unbound = 0.5 * (1 - std::exp(-20 * time));
        EXPECT_NEAR(bound_steady / double(receptors), 0.5, 0.018) << "t = " << time;
        EXPECT_NEAR(bound_unbound / double(receptors), expected_unbound, 0.018) << "t = " << time;
    }
}

}  // namespace
}  // namespace vigil::contact_sensing

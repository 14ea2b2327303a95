#include "models/contact_sensing/kinetics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double observation_time = 5.0;

random_stream stream_for(std::uint64_t replicate) {
    return random_stream({7, 1, 0, replicate});
}

// Rebuilds what the cell observes from a recorded history (an initial bond left out).
observed_receptor_path observed_from(const std::vector<binding_event>& events, double free_time) {
    observed_receptor_path path;
    path.free_time = free_time;
    for (const binding_event& event : events) {
        if (event.start == 0 && event.ligand == bound_ligand::interferer) continue;
        if (event.censored) {
            path.censored_bond = event.duration;
        } else {
            path.completed_bonds.push_back(event.duration);
        }
    }
    return path;
}

TEST(simulate_receptor, history_tiles_the_observation_window) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_in_contact(rates, interferer_placement::everywhere),
                                     rates);
    const receptor_log_likelihood_ratio scorer(rates, interferer_placement::everywhere);
    for (std::uint64_t replicate = 0; replicate < 200; ++replicate) {
        random_stream stream = stream_for(replicate);
        std::vector<binding_event> history;
        const receptor_outcome outcome = simulate_receptor(
            kinetics, &scorer, initial_state::unbound, observation_time, stream, 3, &history);

        EXPECT_EQ(history.size(), outcome.binding_events);
        double bound_time = 0;
        double previous_end = 0;
        for (std::size_t k = 0; k < history.size(); ++k) {
            const binding_event& event = history[k];
            EXPECT_EQ(event.receptor, 3u);
            EXPECT_GT(event.start, previous_end);  // a free period (of positive length) first
            EXPECT_GT(event.duration, 0);
            EXPECT_EQ(event.censored, k + 1 == history.size() &&
                                          event.start + event.duration >= observation_time - 1e-12);
            previous_end = event.start + event.duration;
            bound_time += event.duration;
        }
        EXPECT_LE(previous_end, observation_time + 1e-12);
        EXPECT_NEAR(outcome.free_time + bound_time, observation_time, 1e-12);

        // The log-likelihood ratio added up on the fly equals the closed form on the history.
        const double expected = scorer.evaluate(observed_from(history, outcome.free_time));
        EXPECT_NEAR(outcome.log_likelihood_ratio, expected, 1e-12 * (1 + std::fabs(expected)));
    }
}

TEST(simulate_receptor, is_reproducible_from_the_stream) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_out_of_contact(rates), rates);
    const receptor_log_likelihood_ratio scorer(rates, interferer_placement::everywhere);
    random_stream first = stream_for(9);
    random_stream second = stream_for(9);
    random_stream other = stream_for(10);
    const auto a = simulate_receptor(kinetics, &scorer, initial_state::steady, observation_time,
                                     first, 0, nullptr);
    const auto b = simulate_receptor(kinetics, &scorer, initial_state::steady, observation_time,
                                     second, 0, nullptr);
    const auto c = simulate_receptor(kinetics, &scorer, initial_state::steady, observation_time,
                                     other, 0, nullptr);
    EXPECT_EQ(a.log_likelihood_ratio, b.log_likelihood_ratio);
    EXPECT_EQ(a.binding_events, b.binding_events);
    EXPECT_EQ(a.free_time, b.free_time);
    EXPECT_NE(a.log_likelihood_ratio, c.log_likelihood_ratio);
}

TEST(simulate_receptor, out_of_contact_binds_only_interferer) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_out_of_contact(rates), rates);
    std::vector<binding_event> history;
    for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
        random_stream stream = stream_for(replicate);
        simulate_receptor(kinetics, nullptr, initial_state::unbound, observation_time, stream, 0,
                          &history);
    }
    ASSERT_FALSE(history.empty());
    for (const binding_event& event : history) EXPECT_EQ(event.ligand, bound_ligand::interferer);
}

TEST(simulate_receptor, with_ephrin_only_binds_only_ephrin) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_in_contact(rates, interferer_placement::outside), rates);
    EXPECT_EQ(kinetics.ephrin_fraction(), 1.0);
    std::vector<binding_event> history;
    random_stream stream = stream_for(1);
    simulate_receptor(kinetics, nullptr, initial_state::unbound, 50.0, stream, 0, &history);
    ASSERT_FALSE(history.empty());
    for (const binding_event& event : history) EXPECT_EQ(event.ligand, bound_ligand::ephrin);
}

TEST(simulate_receptor, never_binds_without_ligand) {
    const kinetic_rates rates{1, 0, 1, 10};
    const receptor_kinetics kinetics(rates_out_of_contact(rates), rates);
    const receptor_log_likelihood_ratio scorer(rates, interferer_placement::everywhere);
    random_stream stream = stream_for(2);
    const auto outcome = simulate_receptor(kinetics, &scorer, initial_state::steady,
                                           observation_time, stream, 0, nullptr);
    EXPECT_EQ(outcome.binding_events, 0u);
    EXPECT_EQ(outcome.free_time, observation_time);
    EXPECT_EQ(outcome.log_likelihood_ratio, -observation_time);  // -a_E T
}

TEST(simulate_receptor, steady_start_opens_with_an_uncounted_interferer_bond) {
    const kinetic_rates rates{1, 10, 1, 10};
    const receptor_kinetics kinetics(rates_in_contact(rates, interferer_placement::everywhere),
                                     rates);
    const receptor_log_likelihood_ratio scorer(rates, interferer_placement::everywhere);
    int initially_bound = 0;
    for (std::uint64_t replicate = 0; replicate < 400; ++replicate) {
        random_stream stream = stream_for(replicate);
        std::vector<binding_event> history;
        const auto outcome =
            simulate_receptor(kinetics, &scorer, initial_state::steady, 0.5, stream, 0, &history);
        const bool opens_bound = !history.empty() && history.front().start == 0;
        if (opens_bound) {
            ++initially_bound;
            EXPECT_EQ(history.front().ligand, bound_ligand::interferer);
            EXPECT_EQ(outcome.binding_events + 1, history.size());
        } else {
            EXPECT_EQ(outcome.binding_events, history.size());
        }
        const double expected = scorer.evaluate(observed_from(history, outcome.free_time));
        EXPECT_NEAR(outcome.log_likelihood_ratio, expected, 1e-12 * (1 + std::fabs(expected)));
    }
    // Bound with probability a_I / (a_I + mu_I) = 1/2: 400 draws, sd 10.
    EXPECT_NEAR(initially_bound, 200, 50);
}

}  // namespace
}  // namespace vigil::contact_sensing

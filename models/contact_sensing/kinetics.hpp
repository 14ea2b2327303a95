#pragma once

// Exact simulation of one receptor's binding history on [0, T] as an alternating renewal
// process (specs/contact-sensing.md, "Kinetics"). Deterministic given the stream it draws
// from: the same stream state gives the same path, on any thread; no shared state.

#include "engine/random_stream.hpp"
#include "models/contact_sensing/likelihood.hpp"
#include "models/contact_sensing/theory.hpp"

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>

#include <cstdint>
#include <vector>

namespace vigil::contact_sensing {

enum class bound_ligand : std::uint8_t { ephrin = 0, interferer = 1 };

// How receptors start at time 0: all free, or in the pre-contact steady state with the
// interferer only (bound to it with probability a_I / (a_I + mu_I), for a residual time
// ~ Exp(mu_I) by memorylessness).
enum class initial_state { unbound, steady };

// One bound interval as recorded in an event history. A bond open at time 0 (steady start) is
// recorded with start 0 and its duration inside the window; a bond open at T is censored.
struct binding_event {
    std::uint32_t receptor = 0;
    double start = 0;
    double duration = 0;
    bound_ligand ligand = bound_ligand::interferer;
    bool censored = false;
};

// The constants of one receptor's kinetics: its local binding rates, the global unbinding
// rates and the pre-contact steady state. Immutable; safe to share between threads.
class receptor_kinetics {
public:
    receptor_kinetics(const local_binding_rates& local, const kinetic_rates& rates);

    double total_binding_rate() const { return total_binding_rate_; }
    double ephrin_fraction() const { return ephrin_fraction_.p(); }

    // Samplers; each draws from `stream` only.
    bool initially_bound(random_stream& stream) const { return initially_bound_(stream); }
    double free_period(random_stream& stream) const;
    bound_ligand next_ligand(random_stream& stream) const;
    double bond_duration(bound_ligand ligand, random_stream& stream) const;

private:
    double total_binding_rate_;
    double mean_free_period_;
    double mean_ephrin_bond_;
    double mean_interferer_bond_;
    boost::random::bernoulli_distribution<double> ephrin_fraction_;
    boost::random::bernoulli_distribution<double> initially_bound_;
};

// What one receptor's simulation leaves behind, without storing its intervals.
struct receptor_outcome {
    double log_likelihood_ratio = 0;   // l_j; 0 when no scorer is given
    double free_time = 0;              // T_u; the bound time is T - T_u
    std::uint32_t binding_events = 0;  // bonds formed inside (0, T); an initial bond is not one
};

// Simulates receptor `receptor` on [0, observation_time], adding up l_j with `scorer` as each
// interval ends (no scorer: l_j is not computed, e.g. for an observer of occupancy only). When
// `history` is not null, appends every bound interval to it, in time order.
receptor_outcome simulate_receptor(const receptor_kinetics& kinetics,
                                   const receptor_log_likelihood_ratio* scorer, initial_state start,
                                   double observation_time, random_stream& stream,
                                   std::uint32_t receptor, std::vector<binding_event>* history);

}  // namespace vigil::contact_sensing

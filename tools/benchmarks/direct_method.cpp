// Gillespie's direct method for the contact-sensing model: the whole cell as one system of 4N
// reactions (U->E, U->I, E->U, I->U per receptor), one exponential waiting time and one
// reaction choice per event, with the propensities of the firing receptor updated in place.

#include "tools/benchmarks/direct_method.hpp"

#include "models/contact_sensing/max_sum_arc.hpp"

#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace vigil::benchmarks {

namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr std::size_t reactions_per_receptor = 4;

enum class receptor_state : std::uint8_t { free, ephrin, interferer };

// Propensities of M reactions with their total, and the choice of the reaction that fires.
// Linear: a flat array scanned from the start. Tree: a complete binary tree of partial sums
// over the leaves, padded to a power of two.
class propensity_table {
public:
    propensity_table(std::size_t reactions, reaction_search search) : search_(search), leaves_(1) {
        while (leaves_ < reactions) leaves_ *= 2;
        if (search_ == reaction_search::linear) {
            values_.assign(reactions, 0.0);
        } else {
            values_.assign(2 * leaves_, 0.0);
        }
    }

    double total() const { return search_ == reaction_search::linear ? total_ : values_[1]; }

    double value(std::size_t reaction) const {
        return search_ == reaction_search::linear ? values_[reaction] : values_[leaves_ + reaction];
    }

    void set(std::size_t reaction, double propensity) {
        if (search_ == reaction_search::linear) {
            total_ += propensity - values_[reaction];
            values_[reaction] = propensity;
            return;
        }
        std::size_t node = leaves_ + reaction;
        values_[node] = propensity;
        for (node /= 2; node >= 1; node /= 2) {
            values_[node] = values_[2 * node] + values_[2 * node + 1];
        }
    }

    // The reaction r with cumulative(r - 1) <= target < cumulative(r), for target in
    // [0, total). Rounding can land on a reaction of zero propensity; the caller then redraws.
    std::size_t find(double target) const {
        if (search_ == reaction_search::linear) {
            std::size_t reaction = 0;
            double cumulative = values_[0];
            while (cumulative <= target && reaction + 1 < values_.size()) {
                cumulative += values_[++reaction];
            }
            return reaction;
        }
        std::size_t node = 1;
        while (node < leaves_) {
            const std::size_t left = 2 * node;
            if (target < values_[left]) {
                node = left;
            } else {
                target -= values_[left];
                node = left + 1;
            }
        }
        return node - leaves_;
    }

private:
    reaction_search search_;
    std::size_t leaves_;
    std::vector<double> values_;
    double total_ = 0;
};

double circular_distance(double a, double b) {
    const double d = std::fabs(a - b);
    return d > std::numbers::pi ? two_pi - d : d;
}

}  // namespace

direct_method_contact_sensing::direct_method_contact_sensing(
    const contact_sensing::point_configuration& configuration, reaction_search search)
    : configuration_(configuration),
      scorer_(configuration.rates, configuration.placement),
      search_(search) {}

std::vector<contact_sensing::local_binding_rates> direct_method_contact_sensing::binding_rates(
    double centre_rad, bool contact, double& receptors_in_contact) const {
    const std::size_t n = configuration_.receptors;
    const contact_sensing::kinetic_rates& rates = configuration_.rates;
    const double half_width = 0.5 * configuration_.contact_width_rad;
    const bool whole_perimeter = configuration_.contact_width_rad >= two_pi;
    const bool everywhere =
        configuration_.placement == contact_sensing::interferer_placement::everywhere;

    std::vector<contact_sensing::local_binding_rates> binding(n);
    receptors_in_contact = 0;
    for (std::size_t j = 0; j < n; ++j) {
        double level = 0;
        if (contact) {
            const double angle = two_pi * static_cast<double>(j) / static_cast<double>(n);
            const double distance = whole_perimeter ? 0.0 : circular_distance(angle, centre_rad);
            if (whole_perimeter || distance < half_width) receptors_in_contact += 1;
            level = contact_sensing::ephrin_level(
                configuration_.radius_um * (distance - half_width), configuration_.edge_width_um);
        }
        binding[j] = {rates.ephrin_binding * level,
                      rates.interferer_binding * (everywhere ? 1.0 : 1.0 - level)};
    }
    return binding;
}

direct_method_contact_sensing::ensemble_outcome direct_method_contact_sensing::simulate_ensemble(
    std::span<const contact_sensing::local_binding_rates> binding, random_stream& stream) const {
    const std::size_t n = binding.size();
    const double end = configuration_.observation_time;
    const contact_sensing::kinetic_rates& rates = configuration_.rates;

    std::vector<receptor_state> state(n, receptor_state::free);
    std::vector<double> since(n, 0.0);
    std::vector<double> free_time(n, 0.0);
    std::vector<bool> initial_bond(n, false);
    std::vector<contact_sensing::receptor_log_likelihood_ratio::path_sum> llr(
        n, contact_sensing::receptor_log_likelihood_ratio::path_sum(scorer_));
    propensity_table propensities(reactions_per_receptor * n, search_);

    // Initial condition: all free, or bound to the interferer with its steady probability.
    const double steady_bound =
        rates.interferer_binding / (rates.interferer_binding + rates.interferer_unbinding);
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t first = reactions_per_receptor * j;
        if (configuration_.start == contact_sensing::initial_state::steady &&
            stream.uniform_open() < steady_bound) {
            state[j] = receptor_state::interferer;
            initial_bond[j] = true;
            propensities.set(first + 3, rates.interferer_unbinding);
        } else {
            propensities.set(first + 0, binding[j].ephrin);
            propensities.set(first + 1, binding[j].interferer);
        }
    }

    double now = 0;
    double events = 0;
    while (true) {
        const double total = propensities.total();
        if (!(total > 0)) break;
        now += -std::log(stream.uniform_open()) / total;
        if (now >= end) break;

        std::size_t reaction = propensities.find(stream.uniform_open() * total);
        while (propensities.value(reaction) <= 0) {
            reaction = propensities.find(stream.uniform_open() * total);
        }
        const std::size_t j = reaction / reactions_per_receptor;
        const std::size_t first = reactions_per_receptor * j;
        const std::size_t kind = reaction % reactions_per_receptor;

        if (kind < 2) {  // binding: the free period ends
            free_time[j] += now - since[j];
            state[j] = kind == 0 ? receptor_state::ephrin : receptor_state::interferer;
            events += 1;
            propensities.set(first + 0, 0.0);
            propensities.set(first + 1, 0.0);
            propensities.set(first + 2 + kind,
                             kind == 0 ? rates.ephrin_unbinding : rates.interferer_unbinding);
        } else {  // unbinding: a completed bond is observed
            if (!initial_bond[j]) llr[j].add_completed_bond(now - since[j]);
            initial_bond[j] = false;
            state[j] = receptor_state::free;
            propensities.set(first + kind, 0.0);
            propensities.set(first + 0, binding[j].ephrin);
            propensities.set(first + 1, binding[j].interferer);
        }
        since[j] = now;
    }

    std::vector<double> log_likelihood_ratios(n);
    for (std::size_t j = 0; j < n; ++j) {
        if (state[j] == receptor_state::free) {
            free_time[j] += end - since[j];
        } else if (!initial_bond[j]) {
            llr[j].add_censored_bond(end - since[j]);
        }
        log_likelihood_ratios[j] = llr[j].value(free_time[j]);
    }
    const contact_sensing::circular_run best =
        contact_sensing::max_sum_circular_run(log_likelihood_ratios);
    return {contact_sensing::glrt_statistic(best), contact_sensing::run_centre_angle(best, n),
            contact_sensing::run_width_angle(best, n), events};
}

void direct_method_contact_sensing::simulate(const replicate_streams& streams,
                                             std::span<double> results) const {
    using contact_sensing::stream_id;
    random_stream geometry =
        streams.stream(static_cast<std::uint64_t>(stream_id::contact_geometry));
    const double centre = boost::random::uniform_real_distribution<double>(0.0, two_pi)(geometry);

    double in_contact = 0;
    double unused = 0;
    const auto with_contact_rates = binding_rates(centre, true, in_contact);
    const auto without_contact_rates = binding_rates(centre, false, unused);

    random_stream contact = streams.stream(static_cast<std::uint64_t>(stream_id::contact_ensemble));
    const ensemble_outcome with_contact = simulate_ensemble(with_contact_rates, contact);
    random_stream no_contact =
        streams.stream(static_cast<std::uint64_t>(stream_id::no_contact_ensemble));
    const ensemble_outcome without_contact = simulate_ensemble(without_contact_rates, no_contact);

    results[0] = centre;
    results[1] = with_contact.glrt_statistic;
    results[2] = with_contact.centre_estimate_rad;
    results[3] = with_contact.width_estimate_rad;
    results[4] = in_contact;
    results[5] = with_contact.binding_events;
    results[6] = without_contact.glrt_statistic;
    results[7] = without_contact.binding_events;
}

}  // namespace vigil::benchmarks

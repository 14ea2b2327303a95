#include "models/contact_sensing/kinetics.hpp"

#include <limits>
#include <optional>

namespace vigil::contact_sensing {

namespace {

// Exponential variates by Boost's ziggurat (exponential_distribution): about 98% of draws cost
// one 64-bit integer, a table lookup and a multiply, where the inverse CDF -log(uniform_open())
// needs a log per draw. Measured: a default replicate takes 30% less time (180 against 260 us).
double unit_exponential(random_stream& stream) {
    return boost::random::exponential_distribution<double>(1.0)(stream);
}

double mean_or_infinity(double rate) {
    return rate > 0 ? 1.0 / rate : std::numeric_limits<double>::infinity();
}

}  // namespace

receptor_kinetics::receptor_kinetics(const local_binding_rates& local, const kinetic_rates& rates)
    : total_binding_rate_(local.ephrin + local.interferer),
      mean_free_period_(mean_or_infinity(total_binding_rate_)),
      mean_ephrin_bond_(1.0 / rates.ephrin_unbinding),
      mean_interferer_bond_(1.0 / rates.interferer_unbinding),
      ephrin_fraction_(total_binding_rate_ > 0 ? local.ephrin / total_binding_rate_ : 0.0),
      initially_bound_(rates.interferer_binding /
                       (rates.interferer_binding + rates.interferer_unbinding)) {}

double receptor_kinetics::free_period(random_stream& stream) const {
    if (total_binding_rate_ <= 0) return std::numeric_limits<double>::infinity();
    return unit_exponential(stream) * mean_free_period_;
}

bound_ligand receptor_kinetics::next_ligand(random_stream& stream) const {
    const double p = ephrin_fraction_.p();
    if (p <= 0) return bound_ligand::interferer;  // no draw where a ligand is absent
    if (p >= 1) return bound_ligand::ephrin;
    return ephrin_fraction_(stream) ? bound_ligand::ephrin : bound_ligand::interferer;
}

double receptor_kinetics::bond_duration(bound_ligand ligand, random_stream& stream) const {
    const double mean = ligand == bound_ligand::ephrin ? mean_ephrin_bond_ : mean_interferer_bond_;
    return unit_exponential(stream) * mean;
}

receptor_outcome simulate_receptor(const receptor_kinetics& kinetics,
                                   const receptor_log_likelihood_ratio* scorer, initial_state start,
                                   double observation_time, random_stream& stream,
                                   std::uint32_t receptor, std::vector<binding_event>* history) {
    receptor_outcome outcome;
    std::optional<receptor_log_likelihood_ratio::path_sum> llr;
    if (scorer) llr.emplace(*scorer);
    double now = 0;

    // A bond open at time 0 is an interferer bond under both hypotheses: it adds nothing to l_j.
    if (start == initial_state::steady && kinetics.initially_bound(stream)) {
        const double residual = kinetics.bond_duration(bound_ligand::interferer, stream);
        const bool censored = residual >= observation_time;
        now = censored ? observation_time : residual;
        if (history) history->push_back({receptor, 0.0, now, bound_ligand::interferer, censored});
    }

    while (now < observation_time) {
        const double free_period = kinetics.free_period(stream);
        if (free_period >= observation_time - now) {
            outcome.free_time += observation_time - now;
            break;
        }
        outcome.free_time += free_period;
        now += free_period;

        const bound_ligand ligand = kinetics.next_ligand(stream);
        const double duration = kinetics.bond_duration(ligand, stream);
        ++outcome.binding_events;
        if (duration >= observation_time - now) {
            const double elapsed = observation_time - now;
            if (llr) llr->add_censored_bond(elapsed);
            if (history) history->push_back({receptor, now, elapsed, ligand, true});
            break;
        }
        if (llr) llr->add_completed_bond(duration);
        if (history) history->push_back({receptor, now, duration, ligand, false});
        now += duration;
    }

    if (llr) outcome.log_likelihood_ratio = llr->value(outcome.free_time);
    return outcome;
}

}  // namespace vigil::contact_sensing

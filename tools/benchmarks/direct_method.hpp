#pragma once

// The textbook baseline for contact sensing: Gillespie's direct method over all receptors'
// reactions at once (one well-mixed list of 4N reactions, as StochKit2 or GillesPy2 users
// would write the model), observed and scored like the engine. Same model in distribution, not
// the same variates; for benchmarks only. simulate() is const and thread-safe.

#include "engine/random_stream.hpp"
#include "models/contact_sensing/model.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace vigil::benchmarks {

// How the direct method picks the reaction that fires: a linear scan of the cumulative
// propensities (Gillespie 1977, StochKit2's and GillesPy2's SSA), or a binary tree of partial
// sums (O(log M) per event; the "logarithmic direct method").
enum class reaction_search { linear, tree };

class direct_method_contact_sensing {
public:
    direct_method_contact_sensing(const contact_sensing::point_configuration& configuration,
                                  reaction_search search);

    // Both ensembles of one replicate, into the eight result slots of the contact_sensing model
    // in the same order. The contact centre comes from the same stream as the engine's, so
    // receptors_in_contact agrees replicate by replicate; everything else only in distribution.
    void simulate(const replicate_streams& streams, std::span<double> results) const;

private:
    struct ensemble_outcome {
        double glrt_statistic = 0;
        double centre_estimate_rad = 0;
        double width_estimate_rad = 0;
        double binding_events = 0;
    };

    // Binding rates (a_E, a_I) of every receptor for a contact centred at `centre_rad`, or with
    // no contact when `contact` is false.
    std::vector<contact_sensing::local_binding_rates> binding_rates(
        double centre_rad, bool contact, double& receptors_in_contact) const;

    ensemble_outcome simulate_ensemble(
        std::span<const contact_sensing::local_binding_rates> binding, random_stream& stream) const;

    contact_sensing::point_configuration configuration_;
    contact_sensing::receptor_log_likelihood_ratio scorer_;
    reaction_search search_;
};

}  // namespace vigil::benchmarks

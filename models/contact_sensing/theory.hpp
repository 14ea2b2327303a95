#pragma once

// Theory of the contact-sensing model (specs/contact-sensing.md, "Theory"): information per
// binding cycle and per unit time, long-time information rates of the per-receptor
// log-likelihood ratio, and the known-arc Gaussian approximation of the decision errors.
// Pure functions of the rates; no randomness, thread-safe.

#include <cstdint>

namespace vigil::contact_sensing {

// Rates of one receptor. Time unit: 1/ephrin_unbinding by convention of the inputs.
struct kinetic_rates {
    double ephrin_binding = 1;         // a_E, where ephrin is present
    double interferer_binding = 10;    // a_I, where interferer is present
    double ephrin_unbinding = 1;       // mu_E
    double interferer_unbinding = 10;  // mu_I
};

enum class interferer_placement { everywhere, outside };

// Fisher information about a_E per binding cycle, from the bound-duration density (spec
// formula; 1/a_E^2 when a_I = 0), and per unit time (divided by the mean cycle time).
double fisher_information_per_cycle(const kinetic_rates& rates);
double fisher_information_per_time(const kinetic_rates& rates);

// Long-time behaviour of one receptor's log-likelihood ratio l_j ("in contact" against "not in
// contact") by renewal-reward: mean growth rates D_in = E[l | in]/T and D_out = -E[l | out]/T,
// and the variance growth rates Var[l]/T under each hypothesis.
struct information_rates {
    double d_in = 0;
    double d_out = 0;
    double variance_rate_in = 0;
    double variance_rate_out = 0;
};
information_rates long_time_information_rates(const kinetic_rates& rates,
                                              interferer_placement placement);

// Known-arc Gaussian approximation: the sum of l_j over the arc's receptors is taken as normal
// with the long-time mean and variance under each hypothesis.
struct gaussian_decision_errors {
    double p_fn_at_fp = 0;      // false negatives at the threshold giving false_positive_rate
    double min_mean_error = 0;  // min over thresholds of (P_FP + P_FN)/2
};
gaussian_decision_errors known_arc_gaussian_errors(const information_rates& rates,
                                                   double receptors_in_arc, double observation_time,
                                                   double false_positive_rate);

}  // namespace vigil::contact_sensing

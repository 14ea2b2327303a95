#pragma once

// The per-receptor log-likelihood ratio l_j, "this receptor is in contact" against "it is not",
// for an observer of free time and bound durations (specs/contact-sensing.md, "Inference").
// Every term is finite or an exact +/-infinity, never NaN or an overflow, for any duration.

#include "models/contact_sensing/theory.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace vigil::contact_sensing {

// log1p(y) for y in [0, 1], to about 1 ulp: with u = fl(1 + y), the rounding error
// y - (u - 1) is exact, and log(1 + y) = log(u) + log(1 + error/u) = log(u) + error/u to
// second order. Branch-free, unlike glibc's log1p, whose range tests mispredict on random
// durations: it made the whole simulation about 1.5x faster.
inline double log1p_unit(double y) {
    const double u = 1.0 + y;
    return std::log(u) + (y - (u - 1.0)) / u;
}

// log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): never overflows (e^{-|x|} <= 1) and keeps full
// relative precision for very negative x; +infinity and -infinity give +infinity and 0.
inline double softplus(double x) {
    return std::max(x, 0.0) + log1p_unit(std::exp(-std::fabs(x)));
}

// The binding rates a receptor sees: where ephrin and interferer are present or absent.
struct local_binding_rates {
    double ephrin = 0;      // a_E at this receptor
    double interferer = 0;  // a_I at this receptor
};

// Binding rates of one receptor in contact and out of contact, for a given interferer placement
// with sharp edges: "everywhere": (a_E, a_I) and (0, a_I); "outside": (a_E, 0) and (0, a_I).
local_binding_rates rates_in_contact(const kinetic_rates& rates, interferer_placement placement);
local_binding_rates rates_out_of_contact(const kinetic_rates& rates);

// What the cell observes of one receptor over [0, T]: its total free time, the durations of its
// completed bonds and the elapsed duration of a bond still open at T. A bond open at time 0 in
// the "steady" start is known to be an interferer bond and is left out (it cancels from l_j).
struct observed_receptor_path {
    double free_time = 0;
    std::vector<double> completed_bonds;
    std::optional<double> censored_bond;
};

// Log-likelihood of an observed path under the binding rates `local` (unbinding rates from
// `rates`): -(a_E + a_I) T_u + sum log(a_E mu_E e^{-mu_E tau} + a_I mu_I e^{-mu_I tau})
// + log(a_E e^{-mu_E tau_c} + a_I e^{-mu_I tau_c}), each log by log-sum-exp; -infinity when a
// bond is observed that the rates make impossible. Used to check the closed forms below.
double path_log_likelihood(const local_binding_rates& local, const kinetic_rates& rates,
                           const observed_receptor_path& path);

// l_j = path_log_likelihood(in contact) - path_log_likelihood(out of contact), in closed form,
// split into the contributions of free time and of each bond so that a simulation can add them
// up as the path unfolds. Cheap to copy; all members are constants of the rates.
//   everywhere: -a_E T_u + sum softplus(log(a_E mu_E / (a_I mu_I)) + (mu_I - mu_E) tau)
//               + softplus(log(a_E / a_I) + (mu_I - mu_E) tau_c)
//   outside:    (a_I - a_E) T_u + sum [log(a_E mu_E / (a_I mu_I)) + (mu_I - mu_E) tau]
//               + log(a_E / a_I) + (mu_I - mu_E) tau_c
// With a_I = 0 any bond gives +infinity (binding is impossible out of contact); with a_E = 0 and
// the interferer outside, any bond gives -infinity. a_E = a_I = 0 is not a valid model.
class receptor_log_likelihood_ratio {
public:
    receptor_log_likelihood_ratio(const kinetic_rates& rates, interferer_placement placement);

    // Contribution of free time (per unit time, and for a period of length `duration`).
    double free_time_rate() const { return free_time_rate_; }
    double free_period(double duration) const { return free_time_rate_ * duration; }

    double completed_bond(double duration) const {
        return bond_term(log_weight_completed_ + duration_slope_ * duration);
    }
    double censored_bond(double duration) const {
        return bond_term(log_weight_censored_ + duration_slope_ * duration);
    }

    double evaluate(const observed_receptor_path& path) const;

private:
    double bond_term(double log_odds) const {
        return placement_ == interferer_placement::everywhere ? softplus(log_odds) : log_odds;
    }

    interferer_placement placement_;
    double free_time_rate_;        // -a_E, or a_I - a_E when the interferer is outside
    double log_weight_completed_;  // log(a_E mu_E / (a_I mu_I))
    double log_weight_censored_;   // log(a_E / a_I)
    double duration_slope_;        // mu_I - mu_E
};

}  // namespace vigil::contact_sensing

#include "models/contact_sensing/likelihood.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::contact_sensing {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// log(e^x + e^y) where either may be -infinity (a ligand that cannot bind).
double log_sum_exp(double x, double y) {
    const double larger = std::max(x, y);
    if (larger == -infinity) return -infinity;
    return larger + std::log1p(std::exp(std::min(x, y) - larger));
}

// log(rate * e^{-unbinding * duration}), -infinity for a zero rate.
double log_weighted_survival(double rate, double unbinding, double duration) {
    return std::log(rate) - unbinding * duration;
}

}  // namespace

local_binding_rates rates_in_contact(const kinetic_rates& rates, interferer_placement placement) {
    const double interferer =
        placement == interferer_placement::everywhere ? rates.interferer_binding : 0.0;
    return {rates.ephrin_binding, interferer};
}

local_binding_rates rates_out_of_contact(const kinetic_rates& rates) {
    return {0.0, rates.interferer_binding};
}

double path_log_likelihood(const local_binding_rates& local, const kinetic_rates& rates,
                           const observed_receptor_path& path) {
    const double mu_e = rates.ephrin_unbinding;
    const double mu_i = rates.interferer_unbinding;
    double log_likelihood = -(local.ephrin + local.interferer) * path.free_time;

    for (const double tau : path.completed_bonds) {
        log_likelihood += log_sum_exp(log_weighted_survival(local.ephrin * mu_e, mu_e, tau),
                                      log_weighted_survival(local.interferer * mu_i, mu_i, tau));
    }
    if (path.censored_bond) {
        const double tau = *path.censored_bond;
        log_likelihood += log_sum_exp(log_weighted_survival(local.ephrin, mu_e, tau),
                                      log_weighted_survival(local.interferer, mu_i, tau));
    }
    return log_likelihood;
}

receptor_log_likelihood_ratio::receptor_log_likelihood_ratio(const kinetic_rates& rates,
                                                             interferer_placement placement)
    : placement_(placement),
      free_time_rate_(placement == interferer_placement::everywhere
                          ? -rates.ephrin_binding
                          : rates.interferer_binding - rates.ephrin_binding),
      log_weight_completed_(std::log(rates.ephrin_binding) + std::log(rates.ephrin_unbinding) -
                            std::log(rates.interferer_binding) -
                            std::log(rates.interferer_unbinding)),
      log_weight_censored_(std::log(rates.ephrin_binding) - std::log(rates.interferer_binding)),
      duration_slope_(rates.interferer_unbinding - rates.ephrin_unbinding) {}

double receptor_log_likelihood_ratio::evaluate(const observed_receptor_path& path) const {
    double llr = free_period(path.free_time);
    for (const double tau : path.completed_bonds) llr += completed_bond(tau);
    if (path.censored_bond) llr += censored_bond(*path.censored_bond);
    return llr;
}

}  // namespace vigil::contact_sensing

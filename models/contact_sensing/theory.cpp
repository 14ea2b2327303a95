#include "models/contact_sensing/theory.hpp"

#include "models/contact_sensing/likelihood.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::contact_sensing {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double quadrature_tolerance = 1e-11;

double log_sum_exp(double x, double y) {
    const double larger = std::max(x, y);
    if (larger == -infinity) return -infinity;
    return larger + std::log1p(std::exp(std::min(x, y) - larger));
}

// The integral of f over [0, inf): tanh-sinh on [0, split] (where f may have structure, e.g. a
// kink of the softplus or the crossover of two exponentials), exp-sinh on [split, inf).
template <class function>
double integrate_half_line(const function& f, double split) {
    double integral = 0;
    if (split > 0 && std::isfinite(split)) {
        boost::math::quadrature::tanh_sinh<double> finite_part;  // integrate() is not const
        integral += finite_part.integrate(f, 0.0, split, quadrature_tolerance);
    } else {
        split = 0;
    }
    boost::math::quadrature::exp_sinh<double> tail;
    return integral + tail.integrate(f, split, infinity, quadrature_tolerance);
}

// Where c1 e^{-k1 t} = c2 e^{-k2 t} given the logs of c1, c2; 0 when they never cross for t > 0.
double crossover_time(double log_c1, double k1, double log_c2, double k2) {
    if (k1 == k2) return 0;
    const double t = (log_c1 - log_c2) / (k1 - k2);
    return t > 0 && std::isfinite(t) ? t : 0;
}

// Density of a bound duration with local binding rates (b_E, b_I): a mixture of Exp(mu_E) and
// Exp(mu_I) with weights b_E / b and b_I / b, evaluated in log space so it never overflows.
struct bond_duration_density {
    double log_weight_ephrin;      // log(b_E mu_E / b)
    double log_weight_interferer;  // log(b_I mu_I / b)
    double ephrin_unbinding;
    double interferer_unbinding;

    bond_duration_density(const local_binding_rates& local, const kinetic_rates& rates) {
        const double total = local.ephrin + local.interferer;
        log_weight_ephrin = std::log(local.ephrin * rates.ephrin_unbinding / total);
        log_weight_interferer = std::log(local.interferer * rates.interferer_unbinding / total);
        ephrin_unbinding = rates.ephrin_unbinding;
        interferer_unbinding = rates.interferer_unbinding;
    }

    double log_density(double tau) const {
        return log_sum_exp(log_weight_ephrin - ephrin_unbinding * tau,
                           log_weight_interferer - interferer_unbinding * tau);
    }
    double operator()(double tau) const { return std::exp(log_density(tau)); }
};

// Mean growth rate and variance growth rate of l_j under one hypothesis, by renewal-reward
// over one cycle C = u + tau (free period u ~ Exp(b), then a bond), with the cycle's reward
// R = free_time_rate * u + h(tau):  E[l]/T -> E[R]/E[C],  Var[l]/T -> E[(R - rho C)^2]/E[C].
struct growth_rates {
    double mean = 0;
    double variance = 0;
};

// `kink`: the duration where the bond term h(tau) turns from nearly flat to linear (where the
// log-odds of an ephrin bond against an interferer bond cross 0); it splits the quadratures.
growth_rates renewal_reward_rates(const local_binding_rates& local, const kinetic_rates& rates,
                                  const receptor_log_likelihood_ratio& llr, double kink) {
    const double free_rate = llr.free_time_rate();
    const double total_binding = local.ephrin + local.interferer;
    if (total_binding <= 0) return {free_rate, 0.0};  // never binds: l = free_rate * T exactly

    // Every bond proves or refutes contact (a_I = 0, or a_E = 0 with the interferer outside).
    const double bond_term = llr.completed_bond(1.0);
    if (std::isinf(bond_term)) return {bond_term, infinity};

    const bond_duration_density density(local, rates);
    const double mean_free = 1.0 / total_binding;
    const double mean_bond =
        (local.ephrin / rates.ephrin_unbinding + local.interferer / rates.interferer_unbinding) /
        total_binding;
    const double mean_cycle = mean_free + mean_bond;

    const double mean_bond_term = integrate_half_line(
        [&](double tau) { return llr.completed_bond(tau) * density(tau); }, kink);
    const double mean_reward = free_rate * mean_free + mean_bond_term;
    const double rho = mean_reward / mean_cycle;

    // R - rho C = (free_rate - rho) u + g(tau) with g = h - rho tau, u and tau independent.
    const double mean_g = mean_bond_term - rho * mean_bond;
    const double mean_g_squared = integrate_half_line(
        [&](double tau) {
            const double g = llr.completed_bond(tau) - rho * tau;
            const double p = density(tau);
            return p > 0 ? g * g * p : 0.0;  // p underflows to 0 long before g could overflow
        },
        kink);
    const double slope = free_rate - rho;
    const double second_moment = slope * slope * 2.0 * mean_free * mean_free +
                                 2.0 * slope * mean_free * mean_g + mean_g_squared;
    return {rho, second_moment / mean_cycle};
}

double normal_cdf(double x, double mean, double sd) {
    if (sd <= 0) return x >= mean ? 1.0 : 0.0;
    return boost::math::cdf(boost::math::normal_distribution<double>(mean, sd), x);
}

double normal_sf(double x, double mean, double sd) {
    if (sd <= 0) return x >= mean ? 0.0 : 1.0;
    return boost::math::cdf(
        boost::math::complement(boost::math::normal_distribution<double>(mean, sd), x));
}

}  // namespace

double fisher_information_per_cycle(const kinetic_rates& rates) {
    const double a_e = rates.ephrin_binding;
    const double a_i = rates.interferer_binding;
    const double mu_e = rates.ephrin_unbinding;
    const double mu_i = rates.interferer_unbinding;
    if (a_i <= 0) return 1.0 / (a_e * a_e);
    if (a_e <= 0) {  // the a_E -> 0 limit of the integral (Mora): finite only when mu_I < 2 mu_E
        return mu_i < 2 * mu_e ? mu_e * mu_e / (a_i * a_i * mu_i * (2 * mu_e - mu_i)) : infinity;
    }

    const double log_ephrin = std::log(a_e * mu_e);
    const double log_interferer = std::log(a_i * mu_i);
    const double log_numerator_weight = 2 * std::log(mu_e);
    const auto integrand = [&](double tau) {
        const double log_denominator =
            log_sum_exp(log_ephrin - mu_e * tau, log_interferer - mu_i * tau);
        return std::exp(log_numerator_weight - 2 * mu_e * tau - log_denominator);
    };
    const double split = crossover_time(log_ephrin, mu_e, log_interferer, mu_i);
    return integrate_half_line(integrand, split) / (a_e + a_i);
}

double fisher_information_per_time(const kinetic_rates& rates) {
    const double total = rates.ephrin_binding + rates.interferer_binding;
    const double mean_cycle =
        1.0 / total + (rates.ephrin_binding / rates.ephrin_unbinding +
                       rates.interferer_binding / rates.interferer_unbinding) /
                          total;
    return fisher_information_per_cycle(rates) / mean_cycle;
}

information_rates long_time_information_rates(const kinetic_rates& rates,
                                              interferer_placement placement) {
    const receptor_log_likelihood_ratio llr(rates, placement);
    const double kink = crossover_time(
        std::log(rates.ephrin_binding * rates.ephrin_unbinding), rates.ephrin_unbinding,
        std::log(rates.interferer_binding * rates.interferer_unbinding),
        rates.interferer_unbinding);
    const growth_rates in =
        renewal_reward_rates(rates_in_contact(rates, placement), rates, llr, kink);
    const growth_rates out = renewal_reward_rates(rates_out_of_contact(rates), rates, llr, kink);
    return {in.mean, -out.mean, in.variance, out.variance};
}

gaussian_decision_errors known_arc_gaussian_errors(const information_rates& rates,
                                                   double receptors_in_arc, double observation_time,
                                                   double false_positive_rate) {
    const double scale = receptors_in_arc * observation_time;
    const double mean_contact = scale * rates.d_in;
    const double mean_no_contact = -scale * rates.d_out;
    const double sd_contact = std::sqrt(scale * rates.variance_rate_in);
    const double sd_no_contact = std::sqrt(scale * rates.variance_rate_out);

    // An infinite mean separation (a_I = 0, or a_E = 0 with the interferer outside) makes the
    // hypotheses perfectly distinguishable in this approximation.
    if (mean_contact == infinity || mean_no_contact == -infinity) return {0.0, 0.0};
    if (!std::isfinite(mean_contact) || !std::isfinite(mean_no_contact) ||
        !std::isfinite(sd_contact) || !std::isfinite(sd_no_contact)) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {nan, nan};
    }

    const auto false_positive = [&](double threshold) {
        return normal_sf(threshold, mean_no_contact, sd_no_contact);
    };
    const auto false_negative = [&](double threshold) {
        return normal_cdf(threshold, mean_contact, sd_contact);
    };
    const auto mean_error = [&](double threshold) {
        return 0.5 * (false_positive(threshold) + false_negative(threshold));
    };

    gaussian_decision_errors errors;
    double threshold_at_fp = mean_no_contact;
    if (false_positive_rate <= 0) {
        threshold_at_fp = infinity;  // never react
    } else if (false_positive_rate >= 1) {
        threshold_at_fp = -infinity;  // always react
    } else if (sd_no_contact > 0) {
        const boost::math::normal_distribution<double> no_contact(mean_no_contact, sd_no_contact);
        threshold_at_fp =
            boost::math::quantile(boost::math::complement(no_contact, false_positive_rate));
    }
    errors.p_fn_at_fp = false_negative(threshold_at_fp);

    // (P_FP + P_FN)/2 can have two local minima when the variances differ: scan a grid that
    // covers both distributions, then refine the best cell with Brent's method.
    const double spread = std::max({sd_contact, sd_no_contact, 1e-300});
    const double low = std::min(mean_contact, mean_no_contact) - 10 * spread;
    const double high = std::max(mean_contact, mean_no_contact) + 10 * spread;
    constexpr int cells = 512;
    const double step = (high - low) / cells;
    int best_cell = 0;
    double best = mean_error(low);
    for (int k = 1; k <= cells; ++k) {
        const double value = mean_error(low + k * step);
        if (value < best) {
            best = value;
            best_cell = k;
        }
    }
    const auto refined = boost::math::tools::brent_find_minima(
        mean_error, low + (best_cell - 1) * step, low + (best_cell + 1) * step,
        std::numeric_limits<double>::digits / 2);  // the most a minimiser can resolve
    best = std::min(best, refined.second);
    for (const double candidate : {mean_contact, mean_no_contact}) {
        best = std::min(
            {best, mean_error(candidate), mean_error(std::nextafter(candidate, -infinity))});
    }
    errors.min_mean_error = best;
    return errors;
}

}  // namespace vigil::contact_sensing

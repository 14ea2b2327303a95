#pragma once

// The deterministic parts of the continuous regime-shift models (specs/regime-shifts.md,
// "Models"): drift f(x; c) and its Jacobian for a control value c, plus how each model's noise
// amplitude scales with c. Plain value types with pure const member functions: thread-safe.

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>

namespace vigil::regime_shifts {

template <std::size_t N>
using state_vector = std::array<double, N>;

template <std::size_t N>
using jacobian_matrix = std::array<std::array<double, N>, N>;

// Which way a trajectory leaves the basin: its first component falls below the threshold, or
// rises above it.
enum class exit_direction { below, above };

// May's grazing model: logistic growth minus a sigmoid (type III) grazing term.
struct grazing_equations {
    static constexpr std::size_t dimension = 1;
    double growth_rate = 1;         // r
    double carrying_capacity = 10;  // K
    double half_saturation = 1;     // h

    // Written so that the division, the slow link of an integration step's dependency chain,
    // starts as early as possible.
    state_vector<1> drift(const state_vector<1>& x, double grazing_rate) const {
        const double b = x[0];
        const double b2 = b * b;
        const double h2 = half_saturation * half_saturation;
        const double grazing = (grazing_rate * b2) / (b2 + h2);
        const double growth = b * (growth_rate - (growth_rate / carrying_capacity) * b);
        return {growth - grazing};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>& x, double grazing_rate) const {
        const double b = x[0];
        const double h2 = half_saturation * half_saturation;
        const double denominator = b * b + h2;
        return {{{growth_rate * (1 - 2 * b / carrying_capacity) -
                  grazing_rate * 2 * b * h2 / (denominator * denominator)}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// Carpenter's lake: phosphorus loading a, loss b P, and recycling P^q / (1 + P^q). The
// recycling term uses |P|^q, so that a noisy excursion below 0 stays defined.
struct lake_equations {
    static constexpr std::size_t dimension = 1;
    double loss_rate = 1;      // b
    double hill_exponent = 8;  // q

    state_vector<1> drift(const state_vector<1>& x, double loading) const {
        const double p = std::pow(std::fabs(x[0]), hill_exponent);
        return {loading - loss_rate * x[0] + p / (1 + p)};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>& x, double) const {
        const double magnitude = std::fabs(x[0]);
        if (magnitude == 0) return {{{-loss_rate}}};
        const double p = std::pow(magnitude, hill_exponent);
        const double sign = x[0] < 0 ? -1.0 : 1.0;
        return {{{-loss_rate + sign * hill_exponent * p / magnitude / ((1 + p) * (1 + p))}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// Logistic growth with proportional harvest E x: transcritical at E = r.
struct harvest_equations {
    static constexpr std::size_t dimension = 1;
    double growth_rate = 1;        // r
    double carrying_capacity = 1;  // K

    state_vector<1> drift(const state_vector<1>& x, double harvest_rate) const {
        return {growth_rate * x[0] * (1 - x[0] / carrying_capacity) - harvest_rate * x[0]};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>& x, double harvest_rate) const {
        return {{{growth_rate * (1 - 2 * x[0] / carrying_capacity) - harvest_rate}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// The saddle-node normal form mu - x^2: stable state sqrt(mu), eigenvalue -2 sqrt(mu).
struct saddle_node_equations {
    static constexpr std::size_t dimension = 1;

    state_vector<1> drift(const state_vector<1>& x, double mu) const { return {mu - x[0] * x[0]}; }
    jacobian_matrix<1> jacobian(const state_vector<1>& x, double) const { return {{{-2 * x[0]}}}; }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// Ornstein-Uhlenbeck: relaxation at rate lambda (the control) towards theta. No bifurcation
// for lambda > 0.
struct ou_equations {
    static constexpr std::size_t dimension = 1;
    double mean_state = 0;  // theta

    state_vector<1> drift(const state_vector<1>& x, double relaxation_rate) const {
        return {relaxation_rate * (mean_state - x[0])};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>&, double relaxation_rate) const {
        return {{{-relaxation_rate}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// Boettiger and Hastings' linearised saddle-node: drift 2 sqrt(R) (sqrt(R) + theta - x), noise
// sigma sqrt(sqrt(R) + theta); the fold is at R = 0, where sqrt(R) is not differentiable, so the
// bifurcation is given analytically rather than found by Newton. R below 0 is clamped to 0.
struct lsn_equations {
    static constexpr std::size_t dimension = 1;
    double resting_state = 10;  // theta

    state_vector<1> drift(const state_vector<1>& x, double r) const {
        const double root = std::sqrt(std::fmax(r, 0.0));
        return {2 * root * (root + resting_state - x[0])};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>&, double r) const {
        return {{{-2 * std::sqrt(std::fmax(r, 0.0))}}};
    }
    double noise_scale(double r) const {
        return std::sqrt(std::fmax(std::sqrt(std::fmax(r, 0.0)) + resting_state, 0.0));
    }
    std::optional<double> analytic_bifurcation() const { return 0.0; }
};

// Rosenzweig-MacArthur predator-prey: logistic prey x, predator y with a Holling type II
// response; the control is the attack rate a.
struct predator_prey_equations {
    static constexpr std::size_t dimension = 2;
    double prey_growth_rate = 4;         // r
    double carrying_capacity = 1.7;      // K
    double handling_time = 0.15;         // h
    double conversion_efficiency = 0.5;  // e
    double predator_mortality = 2;       // m

    state_vector<2> drift(const state_vector<2>& s, double attack_rate) const {
        const double x = s[0];
        const double y = s[1];
        const double response = attack_rate * x / (1 + attack_rate * handling_time * x);
        return {prey_growth_rate * x * (1 - x / carrying_capacity) - response * y,
                conversion_efficiency * response * y - predator_mortality * y};
    }
    jacobian_matrix<2> jacobian(const state_vector<2>& s, double attack_rate) const {
        const double x = s[0];
        const double y = s[1];
        const double saturation = 1 + attack_rate * handling_time * x;
        const double response = attack_rate * x / saturation;
        const double response_dx = attack_rate / (saturation * saturation);
        return {{{prey_growth_rate * (1 - 2 * x / carrying_capacity) - response_dx * y, -response},
                 {conversion_efficiency * response_dx * y,
                  conversion_efficiency * response - predator_mortality}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

// The deterministic limit of allee_ibm: birth e K n^2 / (n^2 + h^2), death e n + a, where the
// extra death rate a is the control. Its linear-noise amplitude is sqrt(birth + death).
struct allee_equations {
    static constexpr std::size_t dimension = 1;
    double per_capita_rate = 0.5;     // e
    double carrying_capacity = 1000;  // K
    double allee_scale = 200;         // h

    double birth_rate(double n) const {
        return per_capita_rate * carrying_capacity * n * n / (n * n + allee_scale * allee_scale);
    }
    double death_rate(double n, double extra_death_rate) const {
        return per_capita_rate * n + extra_death_rate;
    }
    state_vector<1> drift(const state_vector<1>& x, double extra_death_rate) const {
        return {birth_rate(x[0]) - death_rate(x[0], extra_death_rate)};
    }
    jacobian_matrix<1> jacobian(const state_vector<1>& x, double) const {
        const double n = x[0];
        const double h2 = allee_scale * allee_scale;
        const double denominator = n * n + h2;
        return {{{per_capita_rate * carrying_capacity * 2 * n * h2 / (denominator * denominator) -
                  per_capita_rate}}};
    }
    double noise_scale(double) const { return 1; }
    std::optional<double> analytic_bifurcation() const { return std::nullopt; }
};

}  // namespace vigil::regime_shifts

#pragma once

// Stochastic steppers in Boost.Odeint's stepper concept (stepper_tag), so that odeint's
// integrate_n_steps / integrate_const drive them. A step draws one Wiener increment per state
// component, in component order, from normals(component), so a trajectory is a pure function of
// the streams behind `normals`. Steppers hold a reference to their normals: one per thread.

#include "engine/random_stream.hpp"

#include <boost/numeric/odeint/stepper/stepper_categories.hpp>
#include <boost/random/normal_distribution.hpp>

#include <array>
#include <cmath>
#include <cstddef>

namespace vigil::regime_shifts {

// Standard normal variates from one keyed stream (Boost's ziggurat, one 64-bit draw for most
// variates). The same source is what the integrators and the cost-floor benchmark use. Called
// with a component index it ignores it: every component draws from this one stream.
class normal_source {
public:
    explicit normal_source(random_stream stream) : stream_(stream) {}

    double operator()() { return normal_(stream_); }
    double operator()(std::size_t /*component*/) { return normal_(stream_); }
    random_stream& stream() { return stream_; }

private:
    random_stream stream_;
    boost::random::normal_distribution<double> normal_;
};

// The normals of an ensemble of `members` independent systems of `dimension` components each,
// integrated together as one state (so that their dependency chains overlap in the CPU):
// component i draws from member i / dimension's own stream, so each member's path is what it
// would be if it were integrated alone.
template <std::size_t members, std::size_t dimension>
class member_normals {
public:
    explicit member_normals(std::array<normal_source, members> sources) : sources_(sources) {}

    double operator()(std::size_t component) { return sources_[component / dimension](); }

private:
    std::array<normal_source, members> sources_;
};

// A system for these steppers provides, for state x (std::array<double, N>) at time t,
//   drift(x, t)         -> std::array<double, N>, the deterministic part f
//   diffusion(x, t)     -> std::array<double, N>, diagonal noise amplitudes g_i
// and, for the Milstein stepper, diffusion_derivative(x, t) -> dg_i/dx_i. Noise is diagonal:
// component i has its own Wiener process, and g_i may depend on x_i only.

// Euler-Maruyama: x += f dt + g sqrt(dt) Z. Strong order 1/2, weak order 1; for a linear
// drift its stationary variance is off by O(dt) (euler_maruyama_stationary_variance in
// theory.hpp).
template <std::size_t N, class Normals = normal_source>
class euler_maruyama_stepper {
public:
    using state_type = std::array<double, N>;
    using deriv_type = std::array<double, N>;
    using value_type = double;
    using time_type = double;
    using order_type = unsigned short;
    using stepper_category = boost::numeric::odeint::stepper_tag;

    static constexpr order_type order() { return 1; }  // weak order

    explicit euler_maruyama_stepper(Normals& normals) : normals_(&normals) {}

    template <class System>
    void do_step(const System& system, state_type& x, time_type t, time_type dt) {
        if (dt != cached_dt_) cache(dt);
        // The variates first: they do not depend on x, so drawing them before the drift keeps
        // calls out of the step's dependency chain.
        state_type z;
        for (std::size_t i = 0; i < N; ++i) z[i] = (*normals_)(i);
        const state_type f = system.drift(x, t);
        const state_type g = system.diffusion(x, t);
        for (std::size_t i = 0; i < N; ++i) x[i] += f[i] * dt + g[i] * sqrt_dt_ * z[i];
    }

private:
    void cache(double dt) {
        cached_dt_ = dt;
        sqrt_dt_ = std::sqrt(dt);
    }

    Normals* normals_;
    double cached_dt_ = -1;
    double sqrt_dt_ = 0;
};

// Milstein for diagonal multiplicative noise: x += f dt + g dW + g g' (dW^2 - dt) / 2, with
// dW = sqrt(dt) Z. Strong order 1. With constant g it is Euler-Maruyama.
template <std::size_t N, class Normals = normal_source>
class milstein_stepper {
public:
    using state_type = std::array<double, N>;
    using deriv_type = std::array<double, N>;
    using value_type = double;
    using time_type = double;
    using order_type = unsigned short;
    using stepper_category = boost::numeric::odeint::stepper_tag;

    static constexpr order_type order() { return 1; }  // strong and weak order

    explicit milstein_stepper(Normals& normals) : normals_(&normals) {}

    template <class System>
    void do_step(const System& system, state_type& x, time_type t, time_type dt) {
        if (dt != cached_dt_) cache(dt);
        state_type z;
        for (std::size_t i = 0; i < N; ++i) z[i] = (*normals_)(i);
        const state_type f = system.drift(x, t);
        const state_type g = system.diffusion(x, t);
        const state_type g_prime = system.diffusion_derivative(x, t);
        for (std::size_t i = 0; i < N; ++i) {
            const double increment = sqrt_dt_ * z[i];
            x[i] += f[i] * dt + g[i] * increment +
                    0.5 * g[i] * g_prime[i] * (increment * increment - dt);
        }
    }

private:
    void cache(double dt) {
        cached_dt_ = dt;
        sqrt_dt_ = std::sqrt(dt);
    }

    Normals* normals_;
    double cached_dt_ = -1;
    double sqrt_dt_ = 0;
};

// The exact transition of dx = relaxation_rate (mean - x) dt + noise dW over a time dt:
// x(t + dt) = mean + (x - mean) e^{-rate dt} + noise sqrt((1 - e^{-2 rate dt}) / (2 rate)) Z.
// The reference against which the steppers are tested on `ou`.
class exact_ou_step {
public:
    exact_ou_step(double relaxation_rate, double mean, double noise_intensity, double dt)
        : mean_(mean),
          decay_(std::exp(-relaxation_rate * dt)),
          spread_(noise_intensity *
                  std::sqrt(-std::expm1(-2 * relaxation_rate * dt) / (2 * relaxation_rate))) {}

    // The state after dt from x, given a standard normal variate.
    double operator()(double x, double standard_normal) const {
        return mean_ + (x - mean_) * decay_ + spread_ * standard_normal;
    }

    double decay() const { return decay_; }
    double spread() const { return spread_; }

private:
    double mean_;
    double decay_;
    double spread_;
};

}  // namespace vigil::regime_shifts

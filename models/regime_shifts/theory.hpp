#pragma once

// Deterministic and linear-noise theory of the regime-shift models (specs/regime-shifts.md,
// "Theory"): equilibria by Newton continued along the control parameter, the leading Jacobian
// eigenvalue, the bifurcation point where it reaches 0, and the stationary variance, lag-1
// autocorrelation and spectrum of the linearised noisy system. Pure functions; thread-safe.
// Failures to find an equilibrium are reported in the result (found = false), never thrown.

#include "models/regime_shifts/equations.hpp"

// Models must not start threads: the runner owns them (and these matrices are tiny).
#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE
#endif
#include <Eigen/Dense>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace vigil::regime_shifts {

// A model's drift behind a dimension-free interface, for the (not time-critical) theory.
class deterministic_system {
public:
    virtual ~deterministic_system() = default;
    virtual std::size_t dimension() const = 0;
    virtual Eigen::VectorXd drift(const Eigen::VectorXd& x, double control) const = 0;
    virtual Eigen::MatrixXd jacobian(const Eigen::VectorXd& x, double control) const = 0;
    // The bifurcation point, when the model knows it in closed form.
    virtual std::optional<double> analytic_bifurcation() const = 0;
};

template <class Equations>
class equations_system final : public deterministic_system {
public:
    static constexpr std::size_t n = Equations::dimension;

    explicit equations_system(const Equations& equations) : equations_(equations) {}

    std::size_t dimension() const override { return n; }
    Eigen::VectorXd drift(const Eigen::VectorXd& x, double control) const override {
        const state_vector<n> f = equations_.drift(to_state(x), control);
        Eigen::VectorXd out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = f[i];
        return out;
    }
    Eigen::MatrixXd jacobian(const Eigen::VectorXd& x, double control) const override {
        const jacobian_matrix<n> j = equations_.jacobian(to_state(x), control);
        Eigen::MatrixXd out(n, n);
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t c = 0; c < n; ++c) out(r, c) = j[r][c];
        }
        return out;
    }
    std::optional<double> analytic_bifurcation() const override {
        return equations_.analytic_bifurcation();
    }

private:
    static state_vector<n> to_state(const Eigen::VectorXd& x) {
        state_vector<n> s{};
        for (std::size_t i = 0; i < n; ++i) s[i] = x[i];
        return s;
    }

    Equations equations_;
};

// The equilibrium a model's study follows: where continuation starts, how it steps, and which
// way along the control the bifurcation lies.
struct branch_definition {
    Eigen::VectorXd reference_state;  // an equilibrium (or a Newton guess for one) at...
    double reference_control = 0;     // ...this control value
    double control_step = 1e-3;       // finest continuation step
    double jump_tolerance = 0.5;      // largest state change per step still on the branch
    double direction = 0;             // +1 or -1: towards the bifurcation; 0: none
    double control_limit = 0;         // search for the bifurcation no further than this
};

struct equilibrium {
    bool found = false;  // false: Newton failed or the branch ended (a fold) before `control`
    double control = 0;
    Eigen::VectorXd state;
    Eigen::MatrixXd jacobian;
    std::complex<double> leading_eigenvalue;  // the eigenvalue with the largest real part

    bool stable() const { return found && leading_eigenvalue.real() < 0; }
};

// Newton's method on f(x; c) = 0 from `guess`; found = false when it does not converge to
// |dx| < 1e-13 (1 + |x|) within 100 iterations.
equilibrium newton_equilibrium(const deterministic_system& system, const Eigen::VectorXd& guess,
                               double control);

// Follows the branch from the reference point to `control`, each step's Newton starting from
// the previous equilibrium. The step doubles after each accepted step and halves, down to
// control_step, after one that fails, jumps further than jump_tolerance or changes stability,
// so the work grows with log(distance / control_step) on smooth branches. found = false when a
// step of control_step fails or jumps (the branch folded away).
equilibrium continue_equilibrium(const deterministic_system& system,
                                 const branch_definition& branch, double control);

enum class bifurcation_kind { none, fold, eigenvalue_crossing, analytic };

struct bifurcation {
    bifurcation_kind kind = bifurcation_kind::none;
    double control = 0;  // NaN when kind is none
    Eigen::VectorXd state;
};

// Walks from `start` (an equilibrium) along the control in `direction` up to `control_limit`:
// where the branch ends (fold) it solves f = 0, Re lambda = 0 for (x, c) by Newton; where the
// leading eigenvalue's real part crosses 0 on a continuing branch (transcritical, Hopf) it
// bisects on c. Returns kind none when neither happens before the limit.
bifurcation locate_bifurcation(const deterministic_system& system, const equilibrium& start,
                               double direction, double control_step, double jump_tolerance,
                               double control_limit);

// The bifurcation of a branch definition (the analytic one when the model has it).
bifurcation branch_bifurcation(const deterministic_system& system, const branch_definition& branch);

// The spectral radius of I + h J: the Euler-Maruyama (and Milstein) chain with step h is stable
// near an equilibrium with Jacobian J only when it is below 1.
double euler_amplification(const Eigen::MatrixXd& jacobian, double time_step);

// The largest step h with |1 + h lambda| < 1 for every eigenvalue lambda of J: the minimum of
// -2 Re lambda / |lambda|^2 (for real lambda, 2 / |lambda|); 0 when some Re lambda >= 0.
double largest_stable_euler_step(const Eigen::MatrixXd& jacobian);

// Linear-noise predictions for dx = J x dt + G dW (G diagonal with entries `noise`), observed
// in component 0 every `sample_interval`. Stationary covariance from J S + S J^T + G G^T = 0.
struct linear_noise_prediction {
    double variance = 0;              // S_00
    double lag1_autocorrelation = 0;  // (e^{J dt} S)_00 / S_00
    // S_00 of the Euler-Maruyama chain with `time_step`; NaN when the chain is unstable
    // (euler_amplification >= 1), as is its autocorrelation.
    double variance_euler_maruyama = 0;
    // Its lag-1 autocorrelation at the sample interval (a whole number k of steps):
    // ((I + h J)^k S)_00 / S_00; NaN when time_step is 0.
    double lag1_autocorrelation_euler_maruyama = 0;
};

linear_noise_prediction linear_noise(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                                     double sample_interval, double time_step);

// Power spectral density of component 0 at angular frequency omega:
// [(J - i w)^{-1} G G^T (J - i w)^{-H}]_00 / (2 pi); for 1-D, sigma^2 / (2 pi (w^2 + lambda^2)).
double linear_noise_spectrum(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                             double omega);

// The expected plain sample variance (divisor n - 1) of n consecutive samples of the stationary
// linear process: below the stationary variance by the variance of the sample mean, which is
// large for strongly autocorrelated samples.
double expected_sample_variance(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                                double sample_interval, std::size_t samples);

// sigma^2 / (|lambda| (2 - |lambda| h)): the stationary variance of Euler-Maruyama with step h
// for dx = lambda x dt + sigma dW (lambda < 0, |lambda| h < 2).
double euler_maruyama_stationary_variance(double eigenvalue, double noise, double time_step);

}  // namespace vigil::regime_shifts

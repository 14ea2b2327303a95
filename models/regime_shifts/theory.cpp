#include "models/regime_shifts/theory.hpp"

#include <unsupported/Eigen/MatrixFunctions>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace vigil::regime_shifts {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr int newton_iterations = 100;
constexpr double infinity = std::numeric_limits<double>::infinity();

std::complex<double> leading_eigenvalue_of(const Eigen::MatrixXd& jacobian) {
    if (jacobian.rows() == 1) return {jacobian(0, 0), 0.0};
    const Eigen::EigenSolver<Eigen::MatrixXd> solver(jacobian, false);
    const auto values = solver.eigenvalues();
    std::complex<double> best = values[0];
    for (Eigen::Index i = 1; i < values.size(); ++i) {
        if (values[i].real() > best.real() ||
            (values[i].real() == best.real() && values[i].imag() > best.imag())) {
            best = values[i];
        }
    }
    return best;
}

bool finite(const Eigen::VectorXd& x) {
    return x.allFinite();
}

// Steps from `from` to `control` by Newton started at the previous state; found = false when
// Newton fails or the state moves further than jump_tolerance.
equilibrium step_along(const deterministic_system& system, const equilibrium& from, double control,
                       double jump_tolerance) {
    equilibrium next = newton_equilibrium(system, from.state, control);
    if (next.found && (next.state - from.state).lpNorm<Eigen::Infinity>() > jump_tolerance) {
        next.found = false;
    }
    return next;
}

// Newton on F(x, c) = (f(x, c), Re lambda(J(x, c))) with a central-difference Jacobian.
std::optional<Eigen::VectorXd> solve_fold(const deterministic_system& system,
                                          const Eigen::VectorXd& start_state,
                                          double start_control) {
    const auto n = static_cast<Eigen::Index>(system.dimension());
    Eigen::VectorXd z(n + 1);
    z.head(n) = start_state;
    z[n] = start_control;
    const auto residual = [&](const Eigen::VectorXd& point) {
        Eigen::VectorXd out(n + 1);
        const Eigen::VectorXd x = point.head(n);
        out.head(n) = system.drift(x, point[n]);
        out[n] = leading_eigenvalue_of(system.jacobian(x, point[n])).real();
        return out;
    };
    for (int iteration = 0; iteration < newton_iterations; ++iteration) {
        const Eigen::VectorXd value = residual(z);
        Eigen::MatrixXd derivative(n + 1, n + 1);
        for (Eigen::Index j = 0; j <= n; ++j) {
            const double delta = 1e-6 * std::max(1.0, std::fabs(z[j]));
            Eigen::VectorXd plus = z;
            Eigen::VectorXd minus = z;
            plus[j] += delta;
            minus[j] -= delta;
            derivative.col(j) = (residual(plus) - residual(minus)) / (2 * delta);
        }
        const Eigen::VectorXd step = derivative.fullPivLu().solve(-value);
        if (!finite(step)) return std::nullopt;
        z += step;
        if (step.lpNorm<Eigen::Infinity>() < 1e-13 * (1 + z.lpNorm<Eigen::Infinity>())) return z;
    }
    return std::nullopt;
}

}  // namespace

equilibrium newton_equilibrium(const deterministic_system& system, const Eigen::VectorXd& guess,
                               double control) {
    equilibrium result;
    result.control = control;
    Eigen::VectorXd x = guess;
    for (int iteration = 0; iteration < newton_iterations; ++iteration) {
        const Eigen::MatrixXd jacobian = system.jacobian(x, control);
        const Eigen::VectorXd step = jacobian.fullPivLu().solve(-system.drift(x, control));
        if (!finite(step) || jacobian.fullPivLu().rank() < jacobian.rows()) return result;
        x += step;
        if (!finite(x) || x.lpNorm<Eigen::Infinity>() > 1e12) return result;
        if (step.lpNorm<Eigen::Infinity>() < 1e-13 * (1 + x.lpNorm<Eigen::Infinity>())) {
            result.found = true;
            break;
        }
    }
    if (!result.found) return result;
    result.state = x;
    result.jacobian = system.jacobian(x, control);
    result.leading_eigenvalue = leading_eigenvalue_of(result.jacobian);
    return result;
}

equilibrium continue_equilibrium(const deterministic_system& system,
                                 const branch_definition& branch, double control) {
    equilibrium current =
        newton_equilibrium(system, branch.reference_state, branch.reference_control);
    if (!current.found) return current;
    const double direction = control >= branch.reference_control ? 1.0 : -1.0;
    double step = branch.control_step;
    while (current.control != control) {
        const double next_control = (control - current.control) * direction > step
                                        ? current.control + direction * step
                                        : control;
        equilibrium next = step_along(system, current, next_control, branch.jump_tolerance);
        const bool accepted = next.found && next.stable() == current.stable();
        if (accepted) {
            current = std::move(next);
            step *= 2;
        } else if (step > branch.control_step) {
            // Too long a step may leave the branch or land on another one: retry shorter.
            step = std::max(step / 2, branch.control_step);
        } else if (next.found) {
            current = std::move(next);  // a change of stability at the finest step is real
        } else {
            return next;  // the branch ends here (a fold) or Newton fails
        }
    }
    current.control = control;
    return current;
}

namespace {

// Golden-section search for the minimum of |Re lambda| over [low, high] along the branch
// through `near`: where two branches cross and exchange stability (transcritical), |Re lambda|
// falls linearly to 0 from both sides.
double eigenvalue_kink(const deterministic_system& system, const equilibrium& near, double low,
                       double high, double jump_tolerance) {
    const double ratio = 0.5 * (std::sqrt(5.0) - 1);
    const auto magnitude = [&](double c) {
        const equilibrium e = step_along(system, near, c, jump_tolerance);
        return e.found ? std::fabs(e.leading_eigenvalue.real()) : infinity;
    };
    double a = low;
    double b = high;
    double x1 = b - ratio * (b - a);
    double x2 = a + ratio * (b - a);
    double f1 = magnitude(x1);
    double f2 = magnitude(x2);
    for (int iteration = 0; iteration < 200 && b - a > 1e-14 * (1 + std::fabs(a)); ++iteration) {
        if (f1 < f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - ratio * (b - a);
            f1 = magnitude(x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + ratio * (b - a);
            f2 = magnitude(x2);
        }
    }
    return 0.5 * (a + b);
}

}  // namespace

bifurcation locate_bifurcation(const deterministic_system& system, const equilibrium& start,
                               double direction, double control_step, double jump_tolerance,
                               double control_limit) {
    bifurcation none{bifurcation_kind::none, not_a_number, {}};
    if (direction == 0 || !start.stable()) return none;
    equilibrium before_previous;
    equilibrium previous = start;
    while ((control_limit - previous.control) * direction > 0) {
        const double c = direction > 0 ? std::min(previous.control + control_step, control_limit)
                                       : std::max(previous.control - control_step, control_limit);
        equilibrium next = step_along(system, previous, c, jump_tolerance);
        if (!next.found) {
            // Landing exactly on a singular point (a transcritical) also fails: step past it.
            next = step_along(system, previous, c + 0.5 * control_step * direction, jump_tolerance);
        }
        if (!next.found) {
            const auto fold = solve_fold(system, previous.state, previous.control);
            if (!fold) return none;
            const auto n = static_cast<Eigen::Index>(system.dimension());
            return {bifurcation_kind::fold, (*fold)[n], fold->head(n)};
        }
        if (next.leading_eigenvalue.real() >= 0) {
            equilibrium low = previous;  // stable side
            double high_control = next.control;
            for (int iteration = 0; iteration < 200; ++iteration) {
                const double middle = 0.5 * (low.control + high_control);
                if (middle == low.control || middle == high_control) break;
                const equilibrium probe = step_along(system, low, middle, jump_tolerance);
                if (probe.found && probe.leading_eigenvalue.real() < 0) {
                    low = probe;
                } else {
                    high_control = middle;
                }
            }
            return {bifurcation_kind::eigenvalue_crossing, 0.5 * (low.control + high_control),
                    low.state};
        }
        // An exchange of stability keeps Re lambda < 0 but makes |Re lambda| a V: it falls
        // towards 0 and rises again, the fall extrapolating to 0 within one step.
        if (before_previous.found) {
            const double older = std::fabs(before_previous.leading_eigenvalue.real());
            const double last = std::fabs(previous.leading_eigenvalue.real());
            const double now = std::fabs(next.leading_eigenvalue.real());
            const double fall_per_step = older - last;
            if (last < older && last < now && last <= 1.5 * fall_per_step) {
                const double kink = eigenvalue_kink(
                    system, previous, std::min(before_previous.control, next.control),
                    std::max(before_previous.control, next.control), jump_tolerance);
                const equilibrium at = step_along(system, previous, kink, jump_tolerance);
                return {bifurcation_kind::eigenvalue_crossing, kink,
                        at.found ? at.state : previous.state};
            }
        }
        before_previous = previous;
        previous = next;
    }
    return none;
}

bifurcation branch_bifurcation(const deterministic_system& system,
                               const branch_definition& branch) {
    if (branch.direction == 0) return {bifurcation_kind::none, not_a_number, {}};
    if (const auto analytic = system.analytic_bifurcation()) {
        return {bifurcation_kind::analytic, *analytic, {}};
    }
    const equilibrium start =
        newton_equilibrium(system, branch.reference_state, branch.reference_control);
    return locate_bifurcation(system, start, branch.direction, branch.control_step,
                              branch.jump_tolerance, branch.control_limit);
}

namespace {

// Solves J S + S J^T + Q = 0 for symmetric S through its Kronecker form.
Eigen::MatrixXd continuous_lyapunov(const Eigen::MatrixXd& jacobian, const Eigen::MatrixXd& q) {
    const Eigen::Index n = jacobian.rows();
    const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
    Eigen::MatrixXd system(n * n, n * n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) {
            system.block(i * n, j * n, n, n) =
                identity(i, j) * jacobian + jacobian(i, j) * identity;
        }
    }
    const Eigen::VectorXd rhs = -Eigen::Map<const Eigen::VectorXd>(q.data(), n * n);
    const Eigen::VectorXd solution = system.fullPivLu().solve(rhs);
    return Eigen::Map<const Eigen::MatrixXd>(solution.data(), n, n);
}

// Solves S = A S A^T + Q (the stationary covariance of x' = A x + noise with covariance Q).
Eigen::MatrixXd discrete_lyapunov(const Eigen::MatrixXd& a, const Eigen::MatrixXd& q) {
    const Eigen::Index n = a.rows();
    Eigen::MatrixXd system = Eigen::MatrixXd::Identity(n * n, n * n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) system.block(i * n, j * n, n, n) -= a(i, j) * a;
    }
    const Eigen::VectorXd rhs = Eigen::Map<const Eigen::VectorXd>(q.data(), n * n);
    const Eigen::VectorXd solution = system.fullPivLu().solve(rhs);
    return Eigen::Map<const Eigen::MatrixXd>(solution.data(), n, n);
}

Eigen::MatrixXd noise_covariance(const Eigen::VectorXd& noise) {
    return noise.cwiseProduct(noise).asDiagonal();
}

}  // namespace

double euler_amplification(const Eigen::MatrixXd& jacobian, double time_step) {
    const Eigen::Index n = jacobian.rows();
    const Eigen::MatrixXd euler = Eigen::MatrixXd::Identity(n, n) + time_step * jacobian;
    if (n == 1) return std::fabs(euler(0, 0));
    const Eigen::EigenSolver<Eigen::MatrixXd> solver(euler, false);
    return solver.eigenvalues().cwiseAbs().maxCoeff();
}

double largest_stable_euler_step(const Eigen::MatrixXd& jacobian) {
    const Eigen::Index n = jacobian.rows();
    Eigen::VectorXcd values(n);
    if (n == 1) {
        values[0] = jacobian(0, 0);
    } else {
        values = Eigen::EigenSolver<Eigen::MatrixXd>(jacobian, false).eigenvalues();
    }
    double largest = infinity;
    for (Eigen::Index i = 0; i < n; ++i) {
        const std::complex<double> value = values[i];
        if (!(value.real() < 0)) return 0;
        largest = std::min(largest, -2 * value.real() / std::norm(value));
    }
    return largest;
}

linear_noise_prediction linear_noise(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                                     double sample_interval, double time_step) {
    const Eigen::MatrixXd q = noise_covariance(noise);
    const Eigen::MatrixXd covariance = continuous_lyapunov(jacobian, q);
    const Eigen::MatrixXd propagator = (jacobian * sample_interval).exp();
    const Eigen::Index n = jacobian.rows();
    const Eigen::MatrixXd euler = Eigen::MatrixXd::Identity(n, n) + time_step * jacobian;
    const Eigen::MatrixXd euler_covariance = discrete_lyapunov(euler, time_step * q);
    linear_noise_prediction prediction;
    prediction.variance = covariance(0, 0);
    prediction.lag1_autocorrelation = (propagator * covariance)(0, 0) / covariance(0, 0);
    prediction.variance_euler_maruyama = euler_covariance(0, 0);
    prediction.lag1_autocorrelation_euler_maruyama = not_a_number;
    if (time_step > 0 && !(euler_amplification(jacobian, time_step) < 1)) {
        // No stationary law: the chain grows without bound.
        prediction.variance_euler_maruyama = not_a_number;
        return prediction;
    }
    if (time_step > 0) {
        const auto steps = std::llround(sample_interval / time_step);
        Eigen::MatrixXd lagged = euler_covariance;
        for (long long k = 0; k < steps; ++k) lagged = euler * lagged;
        prediction.lag1_autocorrelation_euler_maruyama = lagged(0, 0) / euler_covariance(0, 0);
    }
    return prediction;
}

double linear_noise_spectrum(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                             double omega) {
    const Eigen::Index n = jacobian.rows();
    const Eigen::MatrixXcd shifted =
        jacobian.cast<std::complex<double>>() -
        std::complex<double>(0, omega) * Eigen::MatrixXcd::Identity(n, n);
    const Eigen::MatrixXcd resolvent = shifted.inverse();
    const Eigen::MatrixXcd q = noise_covariance(noise).cast<std::complex<double>>();
    const Eigen::MatrixXcd density = resolvent * q * resolvent.adjoint();
    return density(0, 0).real() / (2 * std::numbers::pi);
}

double expected_sample_variance(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& noise,
                                double sample_interval, std::size_t samples) {
    if (samples < 2) return not_a_number;
    const Eigen::MatrixXd covariance = continuous_lyapunov(jacobian, noise_covariance(noise));
    const Eigen::MatrixXd propagator = (jacobian * sample_interval).exp();
    const double n = static_cast<double>(samples);
    double weighted_autocovariances = 0;
    Eigen::MatrixXd lagged = covariance;
    for (std::size_t k = 1; k < samples; ++k) {
        lagged = propagator * lagged;
        const double autocovariance = lagged(0, 0);
        weighted_autocovariances += (n - static_cast<double>(k)) * autocovariance;
        if (std::fabs(autocovariance) < 1e-16 * covariance(0, 0)) break;
    }
    const double variance_of_mean = (n * covariance(0, 0) + 2 * weighted_autocovariances) / (n * n);
    return n / (n - 1) * (covariance(0, 0) - variance_of_mean);
}

double euler_maruyama_stationary_variance(double eigenvalue, double noise, double time_step) {
    const double rate = std::fabs(eigenvalue);
    return noise * noise / (rate * (2 - rate * time_step));
}

}  // namespace vigil::regime_shifts

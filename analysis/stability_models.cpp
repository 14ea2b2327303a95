#include "analysis/stability_models.hpp"

#include "analysis/intervals.hpp"
#include "analysis/roc.hpp"

#include <boost/math/quadrature/gauss.hpp>
#include <boost/numeric/odeint.hpp>
#include <boost/random/normal_distribution.hpp>
#include <nlopt.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>

namespace vigil::analysis {

namespace {

namespace odeint = boost::numeric::odeint;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// The moment equations go through Odeint's Runge-Kutta-Fehlberg 7(8) stepper with a fixed
// number of steps per interval, so that the likelihood is a smooth function of the parameters
// (an adaptive step count would make it jump by the tolerance and stall the optimiser). Steps
// are short enough that the fastest rate in the interval, the variance's 4 sqrt(R), moves at
// most 0.5 per step (local error ~0.5^9/9! ~ 5e-9 of the change), and that sqrt(R), whose
// derivative grows without bound at the fold, changes by at most 5% per step.
constexpr double largest_rate_step = 0.5;
constexpr double largest_root_change = 0.05;
constexpr double most_steps_per_interval = 400;

// Fast intervals: where the mean forgets its start by more than e^-4 within the interval, the
// moments are taken from their closed form in the decay variable instead
// (lsn_transition_relaxed); Odeint would need up to most_steps_per_interval steps there, and a
// series with one outlier makes every interval fast. Memory older than e^-40 is dropped; the
// 15-point Gauss-Legendre panels are 4 decay units wide, and the closed form is used only
// where the branch point of its integrands (R = 0) lies at least 2 units from the range
// integrated (error below 3.7^-30 of the integral).
constexpr double relaxed_interval_decay = 4;
constexpr double forgotten_decay = 40;
constexpr double decay_panel = 4;
constexpr double branch_point_distance = 2;

// NLopt settings: BOBYQA from each start, then restarts from the best until one gains less
// than restart_gain in log-likelihood.
constexpr double log_likelihood_tolerance = 1e-9;
constexpr double restart_gain = 1e-6;
constexpr int maximum_restarts = 3;
constexpr int evaluations_per_run = 4000;
constexpr double boundary_margin = 1e-6;  // of a parameter's search range

// Series whose spread lies in this range are fitted in their own units (fitting_unit).
constexpr double comfortable_spread_low = 0x1p-10;
constexpr double comfortable_spread_high = 0x1p10;

void check_series(std::span<const double> time, std::span<const double> value) {
    if (time.size() != value.size()) {
        throw std::invalid_argument("stability model: time and value differ in length");
    }
    if (time.size() < 2) {
        throw std::invalid_argument("stability model: a series needs at least 2 points");
    }
    for (std::size_t i = 0; i < time.size(); ++i) {
        if (!std::isfinite(time[i]) || !std::isfinite(value[i])) {
            throw std::invalid_argument("stability model: time or value not finite at point " +
                                        std::to_string(i));
        }
        if (i > 0 && !(time[i] > time[i - 1])) {
            throw std::invalid_argument("stability model: times do not increase at point " +
                                        std::to_string(i));
        }
    }
}

double log_normal_density(double x, const gaussian_transition& law) {
    const double residual = x - law.mean;
    return -0.5 *
           (std::log(2 * std::numbers::pi * law.variance) + residual * residual / law.variance);
}

// R(t) = r0 + m s at s = t - t_first; clipped at 0 against rounding where R reaches it.
double r_at(const lsn_parameters& p, double since_first) {
    return std::max(0.0, p.r0 + p.m * since_first);
}

bool lsn_admissible_at(const lsn_parameters& p, double since_first) {
    const double r = p.r0 + p.m * since_first;
    return r >= 0 && std::sqrt(std::max(r, 0.0)) + p.theta > 0;
}

using moment_state = std::array<double, 2>;  // mean, variance

struct lsn_moment_equations {
    lsn_parameters p;
    void operator()(const moment_state& y, moment_state& dydt, double since_first) const {
        const double root = std::sqrt(r_at(p, since_first));
        const double level = root + p.theta;
        dydt[0] = 2 * root * (level - y[0]);
        dydt[1] = -4 * root * y[1] + p.sigma * p.sigma * std::max(level, 0.0);
    }
};

// ---- the optimiser --------------------------------------------------------------------------

struct search_space {
    std::vector<double> lower;
    std::vector<double> upper;
    std::vector<double> step;  // initial BOBYQA step per parameter
    std::vector<std::string> names;
    std::vector<bool> lower_bound_admissible;  // an optimum there is a model, not a failure
    std::vector<bool> upper_bound_admissible;
};

struct optimum {
    std::vector<double> x;
    double log_likelihood = -infinity;
    std::size_t evaluations = 0;
    bool ended_on_tolerance = false;
    std::string message;
};

template <typename LogLikelihood>
struct objective_data {
    const LogLikelihood* log_likelihood;
    std::size_t evaluations = 0;
};

template <typename LogLikelihood>
double negative_log_likelihood(unsigned n, const double* x, double*, void* data) {
    auto& objective = *static_cast<objective_data<LogLikelihood>*>(data);
    ++objective.evaluations;
    const double value = (*objective.log_likelihood)(std::vector<double>(x, x + n));
    // BOBYQA needs finite values: an impossible point is merely very unlikely.
    return std::isfinite(value) ? -value : 1e300;
}

template <typename LogLikelihood>
optimum run_bobyqa(const LogLikelihood& log_likelihood, const search_space& space,
                   std::vector<double> start) {
    const auto n = static_cast<unsigned>(start.size());
    for (unsigned i = 0; i < n; ++i)
        start[i] = std::clamp(start[i], space.lower[i], space.upper[i]);
    optimum result;
    result.x = start;
    double minimum = infinity;
    objective_data<LogLikelihood> data{&log_likelihood};
    try {
        // NLopt refuses some settings (a zero step) by throwing: that too is a failed fit.
        nlopt::opt opt(nlopt::LN_BOBYQA, n);
        opt.set_lower_bounds(space.lower);
        opt.set_upper_bounds(space.upper);
        std::vector<double> step(n);
        for (unsigned i = 0; i < n; ++i) {
            // BOBYQA's first trust region must fit inside the bounds around the start.
            const double room = std::max(space.upper[i] - start[i], start[i] - space.lower[i]);
            step[i] = std::min(space.step[i], 0.5 * room);
        }
        opt.set_initial_step(step);
        opt.set_ftol_abs(log_likelihood_tolerance);
        std::vector<double> xtol(n);
        for (unsigned i = 0; i < n; ++i) xtol[i] = 1e-10 * space.step[i];
        opt.set_xtol_abs(xtol);
        opt.set_maxeval(evaluations_per_run);
        opt.set_min_objective(negative_log_likelihood<LogLikelihood>, &data);
        const auto code = opt.optimize(result.x, minimum);
        result.ended_on_tolerance =
            code == nlopt::SUCCESS || code == nlopt::FTOL_REACHED || code == nlopt::XTOL_REACHED;
        if (code == nlopt::MAXEVAL_REACHED) {
            result.message = "the optimiser used its " + std::to_string(evaluations_per_run) +
                             " evaluations without meeting its tolerance";
        }
    } catch (const nlopt::roundoff_limited&) {
        // Rounding stopped progress: the point is as good as the objective can tell.
        result.ended_on_tolerance = true;
    } catch (const std::exception& error) {
        result.message = std::string("the optimiser failed: ") + error.what();
    }
    result.log_likelihood = minimum >= 1e300 ? -infinity : -minimum;
    result.evaluations = data.evaluations;
    return result;
}

// The best of the starts, then restarts from it until the gain is negligible.
template <typename LogLikelihood>
optimum maximise(const LogLikelihood& log_likelihood, const search_space& space,
                 const std::vector<std::vector<double>>& starts) {
    optimum best;
    std::size_t evaluations = 0;
    for (const auto& start : starts) {
        auto candidate = run_bobyqa(log_likelihood, space, start);
        evaluations += candidate.evaluations;
        if (best.x.empty() || candidate.log_likelihood > best.log_likelihood) {
            best = std::move(candidate);
        }
    }
    bool settled = false;
    for (int restart = 0; restart < maximum_restarts && std::isfinite(best.log_likelihood);
         ++restart) {
        auto again = run_bobyqa(log_likelihood, space, best.x);
        evaluations += again.evaluations;
        const double gain = again.log_likelihood - best.log_likelihood;
        if (gain > 0) best = std::move(again);
        if (gain <= restart_gain) {
            settled = best.ended_on_tolerance;
            break;
        }
    }
    best.evaluations = evaluations;
    if (!std::isfinite(best.log_likelihood)) {
        best.ended_on_tolerance = false;
        best.message = "no start gave a finite likelihood";
        return best;
    }
    if (!settled) {
        best.ended_on_tolerance = false;
        if (best.message.empty()) {
            best.message = "restarts from the best point kept improving the likelihood";
        }
        return best;
    }
    for (std::size_t i = 0; i < best.x.size(); ++i) {
        const double margin = boundary_margin * (space.upper[i] - space.lower[i]);
        const bool low = best.x[i] <= space.lower[i] + margin;
        const bool high = best.x[i] >= space.upper[i] - margin;
        if ((low && space.lower_bound_admissible[i]) || (high && space.upper_bound_admissible[i])) {
            continue;
        }
        if (low || high) {
            best.ended_on_tolerance = false;
            best.message = space.names[i] + " at the " + (low ? "lower" : "upper") +
                           " end of its search range";
            return best;
        }
    }
    return best;
}

// ---- series summaries for starts and search ranges ----------------------------------------

struct series_scales {
    double span = 0;         // last time - first time
    double median_step = 0;  // of the sampling times
    double shortest_step = 0;
    double mean = 0;
    double variance = 0;
    double lag_one_slope = 0;  // least squares of x[k+1] on x[k]
};

series_scales describe(std::span<const double> time, std::span<const double> value) {
    series_scales s;
    const std::size_t n = value.size();
    s.span = time.back() - time.front();
    std::vector<double> steps(n - 1);
    for (std::size_t i = 1; i < n; ++i) steps[i - 1] = time[i] - time[i - 1];
    s.shortest_step = *std::min_element(steps.begin(), steps.end());
    std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2),
                     steps.end());
    s.median_step = steps[steps.size() / 2];
    for (const double x : value) s.mean += x;
    s.mean /= static_cast<double>(n);
    for (const double x : value) s.variance += (x - s.mean) * (x - s.mean);
    s.variance /= static_cast<double>(n - 1);
    double mean_before = 0, mean_after = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        mean_before += value[i];
        mean_after += value[i + 1];
    }
    mean_before /= static_cast<double>(n - 1);
    mean_after /= static_cast<double>(n - 1);
    double covariance = 0, before_square = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        covariance += (value[i] - mean_before) * (value[i + 1] - mean_after);
        before_square += (value[i] - mean_before) * (value[i] - mean_before);
    }
    s.lag_one_slope = before_square > 0 ? covariance / before_square : 0;
    return s;
}

// Rates the data can speak about: from 1e-4 relaxations over the whole series to 1e3 per
// shortest step.
double lowest_rate(const series_scales& s) {
    return 1e-4 / s.span;
}
double highest_rate(const series_scales& s) {
    return 1e3 / s.shortest_step;
}

std::optional<fit_status> unfit_series(std::span<const double> value, std::string& message) {
    if (value.size() < minimum_fit_points) {
        message = "the series has " + std::to_string(value.size()) + " points; the fits need at " +
                  "least " + std::to_string(minimum_fit_points);
        return fit_status::too_short;
    }
    const auto [low, high] = std::minmax_element(value.begin(), value.end());
    if (*low == *high) {
        message = "the series is constant: no variance to fit";
        return fit_status::constant_series;
    }
    return std::nullopt;
}

// LSN search coordinates: the log of the mean of sqrt(R) at the first and last sampling times
// (half the mean relaxation rate), the share of the first in that sum (1/2 for m = 0, 1 for the
// fold reached at the last time, 0 for a system leaving the fold at the first time: both ends
// are admissible optima), the log of the lowest level, log sigma.
lsn_parameters lsn_from_search(const std::vector<double>& x, double span) {
    const double mean_root = std::exp(x[0]);
    const double root_first = 2 * mean_root * x[1];
    const double root_last = 2 * mean_root * (1 - x[1]);
    lsn_parameters p;
    p.r0 = root_first * root_first;
    p.m = (root_last * root_last - p.r0) / span;
    p.theta = std::exp(x[2]) - std::min(root_first, root_last);
    p.sigma = std::exp(x[3]);
    return p;
}

std::optional<std::vector<double>> lsn_to_search(const lsn_parameters& p, double span) {
    const double r_last = p.r0 + p.m * span;
    if (!(p.r0 >= 0) || !(r_last >= 0) || !(p.r0 + r_last > 0) || !(p.sigma > 0)) {
        return std::nullopt;
    }
    const double root_first = std::sqrt(p.r0);
    const double root_last = std::sqrt(r_last);
    const double lowest_level = std::min(root_first, root_last) + p.theta;
    if (!(lowest_level > 0)) return std::nullopt;
    return std::vector<double>{std::log((root_first + root_last) / 2),
                               root_first / (root_first + root_last), std::log(lowest_level),
                               std::log(p.sigma)};
}

}  // namespace

// ---- transitions, likelihoods, simulation -------------------------------------------------

lsn_parameters lsn_from_ou(const ou_parameters& ou) {
    lsn_parameters p;
    const double root = ou.rate / 2;
    p.r0 = root * root;
    p.m = 0;
    p.theta = ou.mean - root;
    p.sigma = ou.sigma / std::sqrt(ou.mean);
    return p;
}

gaussian_transition ou_transition(const ou_parameters& p, double dt, double x0) {
    const double decay = std::exp(-p.rate * dt);
    gaussian_transition law;
    law.mean = p.mean + (x0 - p.mean) * decay;
    law.variance = p.sigma * p.sigma * (-std::expm1(-2 * p.rate * dt)) / (2 * p.rate);
    return law;
}

namespace {

// int_{t0}^{t1} 2 sqrt(R) dt for linear R, written without the 1/m of the antiderivative.
double lsn_decay_over(double r0, double r1, double dt) {
    const double root0 = std::sqrt(r0);
    const double root1 = std::sqrt(r1);
    if (root0 + root1 == 0) return 0;
    return (4.0 / 3.0) * dt * (r1 + root0 * root1 + r0) / (root0 + root1);
}

// The LSN moments at t1 in the decay variable w = int_s^t1 2 sqrt(R), in which
// rho(w) = sqrt(R(s(w))) = (R1^1.5 - 0.75 m w)^(1/3) and, for A = w(t0),
//   E = x0 e^-A + theta (1 - e^-A) + int_0^A e^-w rho dw,
//   V = sigma^2 / 2 ((1 - e^-2A) / 2 + theta int_0^A e^-2w / rho dw).
// Whether R = 0, where rho^3 = R1^1.5 - 0.75 m w vanishes, lies far enough from [0, reach].
bool relaxed_form_is_accurate(double m, double r1, double total_decay) {
    if (m == 0) return true;
    const double branch_point = r1 * std::sqrt(r1) / (0.75 * m);
    const double reach = std::min(total_decay, forgotten_decay);
    return m < 0 ? -branch_point >= branch_point_distance
                 : branch_point - reach >= branch_point_distance;
}

gaussian_transition lsn_transition_relaxed(const lsn_parameters& p, double r1, double total_decay,
                                           double x0) {
    const double r1_power = r1 * std::sqrt(r1);
    const auto rho = [&](double w) { return std::cbrt(std::max(0.0, r1_power - 0.75 * p.m * w)); };
    using gauss = boost::math::quadrature::gauss<double, 15>;
    const double reach = std::min(total_decay, forgotten_decay);
    const auto panels = static_cast<int>(std::ceil(reach / decay_panel));
    double mean_integral = 0;
    double variance_integral = 0;
    for (int k = 0; k < panels; ++k) {
        const double low = reach * k / panels;
        const double high = reach * (k + 1) / panels;
        mean_integral +=
            gauss::integrate([&](double w) { return std::exp(-w) * rho(w); }, low, high);
        variance_integral +=
            gauss::integrate([&](double w) { return std::exp(-2 * w) / rho(w); }, low, high);
    }
    const double forgotten = std::exp(-total_decay);
    gaussian_transition law;
    law.mean = x0 * forgotten + p.theta * (1 - forgotten) + mean_integral;
    law.variance = 0.5 * p.sigma * p.sigma *
                   (0.5 * -std::expm1(-2 * total_decay) + p.theta * variance_integral);
    return law;
}

}  // namespace

gaussian_transition lsn_transition(const lsn_parameters& p, double since_first0,
                                   double since_first1, double x0) {
    if (!(since_first1 > since_first0)) {
        throw std::invalid_argument("lsn_transition: the end time must follow the start time");
    }
    if (!lsn_admissible_at(p, since_first0) || !lsn_admissible_at(p, since_first1) ||
        !(p.sigma > 0)) {
        throw std::invalid_argument(
            "lsn_transition: R and the level sqrt(R) + theta must stay positive, sigma > 0");
    }
    const double r0 = r_at(p, since_first0);
    const double r1 = r_at(p, since_first1);
    const double dt = since_first1 - since_first0;
    const double total_decay = lsn_decay_over(r0, r1, dt);
    if (total_decay > relaxed_interval_decay && relaxed_form_is_accurate(p.m, r1, total_decay)) {
        return lsn_transition_relaxed(p, r1, total_decay, x0);
    }
    const double root0 = std::sqrt(r0);
    const double root1 = std::sqrt(r1);
    const double root_min = std::min(root0, root1);
    const double by_rate = 4 * std::max(root0, root1) * dt / largest_rate_step;
    const double by_root = root_min > 0
                               ? std::fabs(root1 - root0) / (largest_root_change * root_min)
                               : most_steps_per_interval;
    const auto steps = static_cast<std::size_t>(
        std::clamp(std::ceil(std::max(by_rate, by_root)), 1.0, most_steps_per_interval));
    moment_state moments{x0, 0.0};
    odeint::runge_kutta_fehlberg78<moment_state> stepper;
    const lsn_moment_equations equations{p};
    const double step = dt / static_cast<double>(steps);
    for (std::size_t k = 0; k < steps; ++k) {
        stepper.do_step(equations, moments, since_first0 + static_cast<double>(k) * step, step);
    }
    return {moments[0], moments[1]};
}

double ou_log_likelihood(const ou_parameters& p, std::span<const double> time,
                         std::span<const double> value) {
    check_series(time, value);
    if (!(p.rate > 0) || !(p.sigma > 0)) return -infinity;
    double sum = 0;
    for (std::size_t i = 1; i < time.size(); ++i) {
        sum += log_normal_density(value[i], ou_transition(p, time[i] - time[i - 1], value[i - 1]));
    }
    return sum;
}

double lsn_log_likelihood(const lsn_parameters& p, std::span<const double> time,
                          std::span<const double> value) {
    check_series(time, value);
    const double span = time.back() - time.front();
    if (!lsn_admissible_at(p, 0) || !lsn_admissible_at(p, span) || !(p.sigma > 0)) {
        return -infinity;
    }
    double sum = 0;
    for (std::size_t i = 1; i < time.size(); ++i) {
        const auto law =
            lsn_transition(p, time[i - 1] - time.front(), time[i] - time.front(), value[i - 1]);
        if (!(law.variance > 0)) return -infinity;
        sum += log_normal_density(value[i], law);
    }
    return sum;
}

std::vector<double> simulate_ou(const ou_parameters& p, std::span<const double> time, double x0,
                                random_stream& stream) {
    check_series(time, std::vector<double>(time.size(), x0));
    boost::random::normal_distribution<double> normal;
    std::vector<double> path(time.size());
    path[0] = x0;
    for (std::size_t i = 1; i < time.size(); ++i) {
        const auto law = ou_transition(p, time[i] - time[i - 1], path[i - 1]);
        path[i] = law.mean + std::sqrt(law.variance) * normal(stream);
    }
    return path;
}

std::vector<double> simulate_lsn(const lsn_parameters& p, std::span<const double> time, double x0,
                                 random_stream& stream) {
    check_series(time, std::vector<double>(time.size(), x0));
    boost::random::normal_distribution<double> normal;
    std::vector<double> path(time.size());
    path[0] = x0;
    for (std::size_t i = 1; i < time.size(); ++i) {
        const auto law =
            lsn_transition(p, time[i - 1] - time.front(), time[i] - time.front(), path[i - 1]);
        path[i] = law.mean + std::sqrt(law.variance) * normal(stream);
    }
    return path;
}

// ---- fits ------------------------------------------------------------------------------------

std::string to_string(fit_status status) {
    switch (status) {
        case fit_status::converged:
            return "converged";
        case fit_status::not_converged:
            return "not converged";
        case fit_status::too_short:
            return "series too short";
        case fit_status::constant_series:
            return "constant series";
    }
    return "unknown";
}

ou_fit fit_ou(std::span<const double> time, std::span<const double> value) {
    check_series(time, value);
    ou_fit fit;
    fit.parameters = {nan, nan, nan};
    fit.log_likelihood = nan;
    if (const auto status = unfit_series(value, fit.message)) {
        fit.status = *status;
        return fit;
    }
    const auto s = describe(time, value);
    const double sd = std::sqrt(s.variance);
    const double rate = -std::log(std::clamp(s.lag_one_slope, 0.01, 0.99)) / s.median_step;
    const double range = *std::max_element(value.begin(), value.end()) -
                         *std::min_element(value.begin(), value.end());

    search_space space;
    space.names = {"the OU rate", "the OU mean", "the OU sigma"};
    space.lower_bound_admissible = {false, false, false};
    space.upper_bound_admissible = {false, false, false};
    const double sigma_scale = std::sqrt(2 * rate * s.variance);
    space.lower = {std::log(lowest_rate(s)), s.mean - 100 * range, std::log(sigma_scale) - 25};
    space.upper = {std::log(highest_rate(s)), s.mean + 100 * range, std::log(sigma_scale) + 25};
    space.step = {0.5, 0.5 * sd, 0.5};
    std::vector<std::vector<double>> starts;
    for (const double factor : {1.0, 0.2, 5.0}) {
        const double r = rate * factor;
        starts.push_back({std::log(r), s.mean, std::log(std::sqrt(2 * r * s.variance))});
    }
    const auto log_likelihood = [&](const std::vector<double>& x) {
        return ou_log_likelihood({std::exp(x[0]), x[1], std::exp(x[2])}, time, value);
    };
    const auto best = maximise(log_likelihood, space, starts);
    fit.evaluations = best.evaluations;
    if (!std::isfinite(best.log_likelihood)) {
        fit.status = fit_status::not_converged;
        fit.message = best.message;
        return fit;
    }
    fit.parameters = {std::exp(best.x[0]), best.x[1], std::exp(best.x[2])};
    fit.log_likelihood = best.log_likelihood;
    fit.status = best.ended_on_tolerance ? fit_status::converged : fit_status::not_converged;
    fit.message = best.message;
    return fit;
}

lsn_fit fit_lsn(std::span<const double> time, std::span<const double> value, const ou_fit& ou_start,
                std::span<const lsn_parameters> extra_starts) {
    check_series(time, value);
    lsn_fit fit;
    fit.parameters = {nan, nan, nan, nan};
    fit.log_likelihood = nan;
    if (const auto status = unfit_series(value, fit.message)) {
        fit.status = *status;
        return fit;
    }
    const auto s = describe(time, value);
    const double sd = std::sqrt(s.variance);
    const double level_scale = std::max(std::fabs(s.mean), sd);

    // The OU start: its exact image with m = 0 when its mean is positive; otherwise the
    // nearest LSN, whose level must stay positive (it then cannot reproduce the OU).
    ou_parameters ou = ou_start.parameters;
    if (!std::isfinite(ou.rate) || !std::isfinite(ou.mean) || !std::isfinite(ou.sigma)) {
        const double rate = -std::log(std::clamp(s.lag_one_slope, 0.01, 0.99)) / s.median_step;
        ou = {rate, s.mean, std::sqrt(2 * rate * s.variance)};
    }
    ou_parameters positive = ou;
    positive.mean = std::max(ou.mean, 1e-3 * level_scale);
    const lsn_parameters from_ou = lsn_from_ou(positive);

    search_space space;
    space.names = {"the LSN mean relaxation rate", "the LSN ramp", "the LSN level",
                   "the LSN sigma"};
    space.lower_bound_admissible = {false, true, false, false};
    space.upper_bound_admissible = {false, true, false, false};
    const double log_level = std::log(level_scale);
    const double log_sigma = std::log(from_ou.sigma);
    space.lower = {std::log(lowest_rate(s) / 2), 0, log_level - 25, log_sigma - 25};
    space.upper = {std::log(highest_rate(s) / 2), 1, log_level + 25, log_sigma + 25};
    space.step = {0.5, 0.1, 0.5, 0.5};

    std::vector<std::vector<double>> starts;
    const auto add_start = [&](const lsn_parameters& p) {
        if (auto x = lsn_to_search(p, s.span)) starts.push_back(*x);
    };
    add_start(from_ou);
    lsn_parameters eroding = from_ou;
    eroding.m = -0.8 * from_ou.r0 / s.span;  // R(t_last) = r0 / 5, same level at the start
    add_start(eroding);
    for (const auto& p : extra_starts) add_start(p);

    const auto log_likelihood = [&](const std::vector<double>& x) {
        return lsn_log_likelihood(lsn_from_search(x, s.span), time, value);
    };
    const auto best = maximise(log_likelihood, space, starts);
    fit.evaluations = best.evaluations;
    if (!std::isfinite(best.log_likelihood)) {
        fit.status = fit_status::not_converged;
        fit.message = best.message;
        return fit;
    }
    fit.parameters = lsn_from_search(best.x, s.span);
    fit.log_likelihood = best.log_likelihood;
    fit.status = best.ended_on_tolerance ? fit_status::converged : fit_status::not_converged;
    fit.message = best.message;
    return fit;
}

// ---- units -----------------------------------------------------------------------------------

double fitting_unit(std::span<const double> value) {
    if (value.size() < 2) return 1;
    double largest = 0;
    for (const double x : value) largest = std::max(largest, std::fabs(x));
    if (!(largest > 0) || !std::isfinite(largest)) return 1;
    // The spread of value / largest, then scaled back: no overflow or underflow on the way.
    double mean = 0;
    for (const double x : value) mean += x / largest;
    mean /= static_cast<double>(value.size());
    double sum_of_squares = 0;
    for (const double x : value) sum_of_squares += (x / largest - mean) * (x / largest - mean);
    const double sd = std::sqrt(sum_of_squares / static_cast<double>(value.size() - 1)) * largest;
    if (!(sd > 0) || (sd >= comfortable_spread_low && sd <= comfortable_spread_high)) return 1;
    return std::ldexp(1.0, static_cast<int>(std::lround(std::log2(sd))));
}

// ---- the test --------------------------------------------------------------------------------

double likelihood_ratio_statistic(const ou_fit& ou, const lsn_fit& lsn) {
    if (ou.status != fit_status::converged || lsn.status != fit_status::converged) return nan;
    return 2 * (lsn.log_likelihood - ou.log_likelihood);
}

model_pair_fit fit_both(std::span<const double> time, std::span<const double> value,
                        std::span<const lsn_parameters> extra_lsn_starts) {
    model_pair_fit fits;
    fits.ou = fit_ou(time, value);
    fits.lsn = fit_lsn(time, value, fits.ou, extra_lsn_starts);
    fits.delta = likelihood_ratio_statistic(fits.ou, fits.lsn);
    return fits;
}

bootstrap_replicate model_test_replicate(const ou_parameters& ou, const lsn_parameters& lsn,
                                         std::span<const double> time, double x0,
                                         const stream_key& null_key, const stream_key& test_key) {
    bootstrap_replicate replicate;
    const std::array<lsn_parameters, 1> generating{lsn};
    random_stream null_stream(null_key);
    const auto null_series = simulate_ou(ou, time, x0, null_stream);
    replicate.under_ou = fit_both(time, null_series, generating);
    random_stream test_stream(test_key);
    const auto test_series = simulate_lsn(lsn, time, x0, test_stream);
    replicate.under_lsn = fit_both(time, test_series, generating);
    return replicate;
}

model_test_summary summarize_model_test(double observed_delta,
                                        std::span<const bootstrap_replicate> replicates,
                                        double confidence_level, std::uint64_t auc_resamples,
                                        const stream_key& auc_key) {
    model_test_summary summary;
    summary.observed_delta = observed_delta;
    for (const auto& replicate : replicates) {
        if (std::isnan(replicate.under_ou.delta)) {
            ++summary.null_failed;
        } else {
            summary.null_delta.push_back(replicate.under_ou.delta);
        }
        if (std::isnan(replicate.under_lsn.delta)) {
            ++summary.test_failed;
        } else {
            summary.test_delta.push_back(replicate.under_lsn.delta);
        }
    }
    summary.p_value = nan;
    if (!std::isnan(observed_delta) && !summary.null_delta.empty()) {
        const auto reaching = std::count_if(summary.null_delta.begin(), summary.null_delta.end(),
                                            [&](double delta) { return delta >= observed_delta; });
        summary.p_value =
            static_cast<double>(1 + reaching) / static_cast<double>(1 + summary.null_delta.size());
    }
    summary.auc = summary.auc_lower = summary.auc_upper = nan;
    summary.threshold_at_5_percent = summary.power_at_5_percent = nan;
    if (!summary.null_delta.empty() && !summary.test_delta.empty()) {
        const auto auc = auc_bootstrap_interval(summary.null_delta, summary.test_delta,
                                                confidence_level, auc_resamples, auc_key);
        summary.auc = auc.value;
        summary.auc_lower = auc.lower;
        summary.auc_upper = auc.upper;
        const auto point =
            operating_point_at_false_positive_rate(summary.null_delta, summary.test_delta, 0.05);
        summary.threshold_at_5_percent = point.threshold;
        summary.power_at_5_percent = 1 - point.false_negative_rate;
    }
    return summary;
}

}  // namespace vigil::analysis

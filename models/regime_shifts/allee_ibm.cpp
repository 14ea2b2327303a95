#include "models/regime_shifts/allee_ibm.hpp"

#include "engine/error.hpp"
#include "models/regime_shifts/theory.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace vigil::regime_shifts {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double large = 1e9;

namespace name {
constexpr const char* initial_population = "initial_population";
constexpr const char* per_capita_rate = "per_capita_rate";
constexpr const char* carrying_capacity = "carrying_capacity";
constexpr const char* allee_scale = "allee_scale";
constexpr const char* extra_death_rate = "extra_death_rate";
constexpr const char* extra_death_rate_slope = "extra_death_rate_slope";
}  // namespace name

// The extra death rate at time t: held before 0 (burn-in), then a_0 + slope t.
double extra_death_at(double a0, double slope, double t) {
    return t > 0 ? a0 + slope * t : a0;
}

// Time until the next event from t: solves the integral of the total rate over [t, t + tau]
// = `target` (an Exp(1) variate). The rate is constant before 0 and linear in time after.
double waiting_time(double t, double target, double rate_now, double slope) {
    if (!(rate_now > 0)) return infinity;
    double elapsed = 0;
    if (t < 0) {
        if (rate_now * -t >= target) return target / rate_now;
        target -= rate_now * -t;
        elapsed = -t;
    }
    if (slope == 0) return elapsed + target / rate_now;
    const double discriminant = rate_now * rate_now + 2 * slope * target;
    if (discriminant < 0) return infinity;  // the rate would reach 0 first: no event
    return elapsed + 2 * target / (rate_now + std::sqrt(discriminant));
}

branch_definition allee_branch(const allee_equations& e) {
    Eigen::VectorXd start(1);
    start[0] = e.carrying_capacity;
    const double scale = e.per_capita_rate * e.carrying_capacity;
    return {start, 0.0, 1e-3 * scale, 0.05 * e.carrying_capacity, +1.0, 2 * scale};
}

}  // namespace

member_outcome allee_ibm_simulator::run_member(random_stream stream, double slope) const {
    const allee_configuration& c = configuration_;
    const allee_equations& e = c.equations;
    member_outcome outcome;
    outcome.series.reserve(c.samples);
    std::int64_t n = c.initial_population;
    double t = -c.burn_in;
    std::size_t next_sample = 0;
    const auto below_threshold = [&](std::int64_t population) {
        return c.threshold && static_cast<double>(population) < *c.threshold;
    };
    if (below_threshold(n)) {
        outcome.transition = true;
        outcome.transition_time = t;
        outcome.transition_control = extra_death_at(c.extra_death_rate, slope, t);
        return outcome;
    }
    for (;;) {
        const double population = static_cast<double>(n);
        const double birth = e.birth_rate(population);
        const double death_now =
            n > 0 ? e.death_rate(population, extra_death_at(c.extra_death_rate, slope, t)) : 0;
        const double target = -std::log(stream.uniform_open());
        const double tau = waiting_time(t, target, birth + death_now, n > 0 ? slope : 0);
        const double event_time = t + tau;
        while (next_sample < c.samples &&
               static_cast<double>(next_sample) * c.sample_interval < event_time) {
            outcome.series.push_back(population);
            ++next_sample;
        }
        if (next_sample == c.samples) break;

        const double death_then =
            n > 0 ? e.death_rate(population, extra_death_at(c.extra_death_rate, slope, event_time))
                  : 0;
        const double total = birth + death_then;
        n += stream.uniform_open() * total < birth ? 1 : -1;
        t = event_time;
        if (below_threshold(n)) {
            outcome.transition = true;
            outcome.transition_time = t;
            outcome.transition_control = extra_death_at(c.extra_death_rate, slope, t);
            break;
        }
    }
    return outcome;
}

void allee_ibm_simulator::simulate(const replicate_streams& streams, std::span<double> results,
                                   trajectory_record* trajectory) const {
    const member_outcome approaching =
        run_member(streams.stream(static_cast<std::uint64_t>(stream_id::approaching)),
                   configuration_.extra_death_rate_slope);
    const member_outcome null =
        run_member(streams.stream(static_cast<std::uint64_t>(stream_id::null)), 0.0);
    store_ensemble_results(approaching, null, configuration_.sample_interval,
                           configuration_.early_warning, results);
    if (trajectory == nullptr) return;
    trajectory_series time{"time", "sample times", {}};
    trajectory_series control{"individuals/time", "extra death rate of the approaching member", {}};
    const std::size_t longest = std::max(approaching.series.size(), null.series.size());
    for (std::size_t i = 0; i < longest; ++i) {
        const double at = static_cast<double>(i) * configuration_.sample_interval;
        time.values.push_back(at);
        control.values.push_back(extra_death_at(configuration_.extra_death_rate,
                                                configuration_.extra_death_rate_slope, at));
    }
    (*trajectory)["time"] = std::move(time);
    (*trajectory)["approach_control"] = std::move(control);
    (*trajectory)["approach_population"] = {
        "individuals", "population of the approaching member until its transition",
        approaching.series};
    (*trajectory)["null_population"] = {"individuals", "population of the null member",
                                        null.series};
    record_indicator_series(approaching, null, configuration_.sample_interval,
                            configuration_.early_warning, "individuals", *trajectory);
}

std::string allee_ibm_model::summary() const {
    return "individual-based population with an Allee effect, exact Gillespie simulation under "
           "a ramping death rate: fold at a = 202.08";
}

std::vector<parameter_spec> allee_ibm_model::parameters() const {
    std::vector<parameter_spec> table;
    table.push_back(integer_parameter(name::initial_population, "individuals",
                                      "individuals at the start of the burn-in, n_0", 730.0, 0,
                                      large));
    table.push_back(real_parameter(name::per_capita_rate, "1/time",
                                   "per-capita rate e of the birth and density-independent death",
                                   0.5, 0, large, false));
    table.push_back(real_parameter(name::carrying_capacity, "individuals",
                                   "K in the birth rate e K n^2 / (n^2 + h^2)", 1000.0, 0, large,
                                   false));
    table.push_back(real_parameter(name::allee_scale, "individuals",
                                   "h in the birth rate: the Allee effect's scale", 200.0, 0, large,
                                   false));
    table.push_back(real_parameter(name::extra_death_rate, "individuals/time",
                                   "a: deaths per time independent of n, at time 0", 100.0, 0,
                                   large));
    table.push_back(real_parameter(name::extra_death_rate_slope, "individuals/time^2",
                                   "da/dt of the approaching member; a(t) must stay >= 0", 0.0,
                                   -large, large));
    for (auto& spec : time_grid_parameters(1000, 0, 0, 1, false)) table.push_back(std::move(spec));
    table.push_back(real_parameter(key::transition_threshold, "individuals",
                                   "the collapse is detected when the population falls below "
                                   "this",
                                   100.0, -large, large));
    for (auto& spec : early_warning_parameters()) table.push_back(std::move(spec));
    return table;
}

std::vector<result_field> allee_ibm_model::results() const {
    return ensemble_result_fields("individuals/time", "individuals");
}

void allee_ibm_model::check(const parameter_set& values) const {
    check_time_grid_and_window(values, false);
    const double end = values.real(name::extra_death_rate) +
                       values.real(name::extra_death_rate_slope) * values.real(key::duration);
    if (end < 0) {
        throw input_error(fmt::format(
            "{} = {}: the extra death rate reaches {} at t = duration, leaving the valid range "
            "a >= 0",
            name::extra_death_rate_slope, values.real(name::extra_death_rate_slope), end));
    }
}

allee_configuration allee_ibm_model::configuration(const parameter_set& values) const {
    allee_configuration c;
    c.equations = {values.real(name::per_capita_rate), values.real(name::carrying_capacity),
                   values.real(name::allee_scale)};
    c.initial_population = values.integer(name::initial_population);
    c.extra_death_rate = values.real(name::extra_death_rate);
    c.extra_death_rate_slope = values.real(name::extra_death_rate_slope);
    c.duration = values.real(key::duration);
    c.burn_in = values.real(key::burn_in);
    c.sample_interval = values.real(key::sample_interval);
    c.samples = sample_count(values);
    if (values.has(key::transition_threshold)) c.threshold = values.real(key::transition_threshold);
    c.early_warning = read_early_warning(values);
    return c;
}

std::unique_ptr<point_simulator> allee_ibm_model::prepare(const parameter_set& values) const {
    return std::make_unique<allee_ibm_simulator>(configuration(values));
}

point_theory allee_ibm_model::theory(const parameter_set& values) const {
    const allee_configuration c = configuration(values);
    const equations_system<allee_equations> system(c.equations);
    const branch_definition branch = allee_branch(c.equations);
    point_theory out;
    out.control_name = name::extra_death_rate;
    out.control_unit = "individuals/time";
    out.state_unit = "individuals";
    out.bifurcation = branch_bifurcation(system, branch).control;
    const auto at_control = [&](double a) {
        theory_at_control at;
        at.control = a;
        const equilibrium e = continue_equilibrium(system, branch, a);
        if (!e.stable()) return at;
        const double n = e.state[0];
        Eigen::VectorXd noise(1);
        noise[0] = std::sqrt(c.equations.birth_rate(n) + c.equations.death_rate(n, a));
        const linear_noise_prediction prediction =
            linear_noise(e.jacobian, noise, c.sample_interval, 0.0);
        at.equilibrium = n;
        at.eigenvalue_real = e.leading_eigenvalue.real();
        at.eigenvalue_imag = 0;
        at.variance = prediction.variance;
        at.lag1_autocorrelation = prediction.lag1_autocorrelation;
        at.spectrum_at_zero = linear_noise_spectrum(e.jacobian, noise, 0.0);
        at.expected_sample_variance =
            expected_sample_variance(e.jacobian, noise, c.sample_interval, c.samples);
        return at;
    };
    out.start = at_control(c.extra_death_rate);
    out.end = at_control(c.extra_death_rate + c.extra_death_rate_slope * c.duration);
    return out;
}

std::vector<report_column> allee_ibm_model::analyze(const parameter_set& values,
                                                    const point_results& results,
                                                    const analysis_options& options) const {
    return analyze_ensembles(theory(values), results, options);
}

}  // namespace vigil::regime_shifts

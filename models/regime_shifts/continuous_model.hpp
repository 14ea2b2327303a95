#pragma once

// The SDE models dx = f(x; c(t)) dt + g(x; c(t)) dW, integrated by the Odeint-concept steppers
// of stochastic_steppers.hpp through odeint::integrate_n_steps, with an observer that records
// every k-th step and stops the run when the state leaves the basin. One template serves every
// continuous model; a model is its equations plus a continuous_definition. A prepared
// simulator holds only constants: simulate() is const, thread-safe, and its output is a pure
// function of the replicate's streams.

#include "engine/error.hpp"
#include "engine/model.hpp"
#include "models/regime_shifts/common.hpp"
#include "models/regime_shifts/equations.hpp"
#include "models/regime_shifts/report.hpp"
#include "models/regime_shifts/stochastic_steppers.hpp"
#include "models/regime_shifts/theory.hpp"

#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace vigil::regime_shifts {

// The control over a run: `start` before time 0 (burn-in), then linear to `end` at `duration`.
struct control_ramp {
    double start = 0;
    double end = 0;
    double duration = 1;

    double at(double t) const {
        if (t <= 0) return start;
        return t >= duration ? end : start + (end - start) * (t / duration);
    }
    control_ramp held() const { return {start, start, duration}; }
};

enum class integrator_kind { euler_maruyama, milstein, exact };

template <class Equations>
struct continuous_definition {
    std::string name;
    std::string summary;
    std::string control_key;  // the parameter holding the control's start value
    std::string control_unit;
    std::string state_unit;
    std::vector<std::string> component_names;       // one per state component
    std::vector<parameter_spec> model_parameters;   // constants and the control's ramp
    std::function<Equations(const parameter_set&)> read_equations;
    std::function<control_ramp(const parameter_set&)> read_ramp;
    std::function<branch_definition(const Equations&)> branch;
    std::function<void(const parameter_set&)> extra_check;  // may be empty
    exit_direction exit = exit_direction::below;
    std::optional<double> default_threshold;
    std::string threshold_description;
    bool offers_multiplicative_noise = false;
    bool offers_exact_step = false;
    double default_noise = 0.1;
    double default_duration = 500;
    double default_burn_in = 100;
    double default_time_step = 0.01;
    double default_sample_interval = 1;
};

namespace detail {

// Thrown by the observer to stop odeint's loop when the state leaves the basin.
struct basin_exit {
    double time = 0;
};

// The SDE as the steppers see it: drift and diagonal noise at time t, with c = ramp.at(t).
template <class Equations>
struct driven_system {
    static constexpr std::size_t n = Equations::dimension;
    const Equations* equations = nullptr;
    control_ramp ramp;
    double noise_intensity = 0;
    bool multiplicative = false;

    double control(double t) const { return ramp.at(t); }
    state_vector<n> drift(const state_vector<n>& x, double t) const {
        return equations->drift(x, ramp.at(t));
    }
    state_vector<n> diffusion(const state_vector<n>& x, double t) const {
        const double scale = noise_intensity * equations->noise_scale(ramp.at(t));
        state_vector<n> g;
        for (std::size_t i = 0; i < n; ++i) g[i] = multiplicative ? scale * x[i] : scale;
        return g;
    }
    state_vector<n> diffusion_derivative(const state_vector<n>&, double t) const {
        const double scale = noise_intensity * equations->noise_scale(ramp.at(t));
        state_vector<n> g;
        g.fill(multiplicative ? scale : 0.0);
        return g;
    }
};

// The exact Gaussian transition of the OU model as an odeint stepper (the relaxation rate is
// taken at the start of each step, so it is exact only for a held control).
class exact_ou_stepper {
public:
    using state_type = state_vector<1>;
    using deriv_type = state_vector<1>;
    using value_type = double;
    using time_type = double;
    using order_type = unsigned short;
    using stepper_category = boost::numeric::odeint::stepper_tag;
    static constexpr order_type order() { return 1; }

    explicit exact_ou_stepper(normal_source& normals) : normals_(&normals) {}

    template <class System>
    void do_step(const System& system, state_type& x, double t, double dt) {
        const double rate = system.control(t);
        if (!step_ || rate != rate_ || dt != dt_) {
            step_.emplace(rate, system.equations->mean_state, system.noise_intensity, dt);
            rate_ = rate;
            dt_ = dt;
        }
        x[0] = (*step_)(x[0], *normals_);
    }

private:
    normal_source* normals_;
    std::optional<exact_ou_step> step_;
    double rate_ = 0;
    double dt_ = 0;
};

// Called by odeint before every step and after the last: stops the run on leaving the basin
// (or on a non-finite state) and, when recording, keeps every k-th state.
template <std::size_t N>
class sampling_observer {
public:
    sampling_observer(std::optional<double> threshold, exit_direction exit,
                      std::size_t steps_per_sample, bool recording,
                      std::vector<state_vector<N>>* samples)
        : threshold_(threshold.value_or(0)),
          has_threshold_(threshold.has_value()),
          below_(exit == exit_direction::below),
          steps_per_sample_(steps_per_sample),
          recording_(recording),
          samples_(samples) {}

    void operator()(const state_vector<N>& x, double t) {
        const bool crossed = has_threshold_ && (below_ ? x[0] < threshold_ : x[0] > threshold_);
        if (crossed || !std::isfinite(x[0])) throw basin_exit{t};
        if (!recording_) return;
        if (countdown_ == 0) {
            samples_->push_back(x);
            countdown_ = steps_per_sample_;
        }
        --countdown_;
    }

private:
    double threshold_;
    bool has_threshold_;
    bool below_;
    std::size_t steps_per_sample_;
    bool recording_;
    std::vector<state_vector<N>>* samples_;
    std::size_t countdown_ = 0;
};

}  // namespace detail

// Everything a continuous model's scan point needs, read and checked.
template <class Equations>
struct continuous_configuration {
    static constexpr std::size_t n = Equations::dimension;
    Equations equations;
    control_ramp ramp;
    double noise_intensity = 0;
    bool multiplicative = false;
    integrator_kind integrator = integrator_kind::euler_maruyama;
    double time_step = 0.01;
    std::size_t burn_in_steps = 0;
    std::size_t steps = 0;  // recorded part
    std::size_t steps_per_sample = 1;
    double sample_interval = 1;
    state_vector<n> initial_state{};
    std::optional<double> threshold;
    exit_direction exit = exit_direction::below;
    early_warning_settings early_warning;
};

template <class Equations>
class continuous_simulator final : public point_simulator {
public:
    static constexpr std::size_t n = Equations::dimension;

    continuous_simulator(continuous_configuration<Equations> configuration,
                         std::vector<std::string> component_names, std::string state_unit,
                         std::string control_unit)
        : configuration_(std::move(configuration)),
          component_names_(std::move(component_names)),
          state_unit_(std::move(state_unit)),
          control_unit_(std::move(control_unit)) {}

    // One member: burn-in at the start control, then the recorded run under `ramp`.
    member_outcome run_member(random_stream stream, const control_ramp& ramp,
                              std::vector<state_vector<n>>* all_samples) const {
        switch (configuration_.integrator) {
            case integrator_kind::euler_maruyama:
                return run_with<euler_maruyama_stepper<n>>(stream, ramp, all_samples);
            case integrator_kind::milstein:
                return run_with<milstein_stepper<n>>(stream, ramp, all_samples);
            case integrator_kind::exact:
                if constexpr (std::is_same_v<Equations, ou_equations>) {
                    return run_with<detail::exact_ou_stepper>(stream, ramp, all_samples);
                }
                break;
        }
        throw run_error("the exact integrator exists only for the ou model");
    }

    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override {
        std::vector<state_vector<n>> approach_samples;
        std::vector<state_vector<n>> null_samples;
        const member_outcome approaching =
            run_member(streams.stream(static_cast<std::uint64_t>(stream_id::approaching)),
                       configuration_.ramp, &approach_samples);
        const member_outcome null =
            run_member(streams.stream(static_cast<std::uint64_t>(stream_id::null)),
                       configuration_.ramp.held(), &null_samples);
        store_ensemble_results(approaching, null, configuration_.early_warning, results);
        if (trajectory != nullptr) record(approach_samples, null_samples, *trajectory);
    }

private:
    template <class Stepper>
    member_outcome run_with(random_stream stream, const control_ramp& ramp,
                            std::vector<state_vector<n>>* samples) const {
        namespace odeint = boost::numeric::odeint;
        const continuous_configuration<Equations>& c = configuration_;
        normal_source normals(stream);
        Stepper stepper(normals);
        const detail::driven_system<Equations> system{&c.equations, ramp, c.noise_intensity,
                                                      c.multiplicative};
        state_vector<n> x = c.initial_state;
        samples->clear();
        samples->reserve(c.steps / c.steps_per_sample + 1);
        member_outcome outcome;
        try {
            if (c.burn_in_steps > 0) {
                detail::sampling_observer<n> quiet(c.threshold, c.exit, c.steps_per_sample, false,
                                                   samples);
                odeint::integrate_n_steps(std::ref(stepper), system, x,
                                          -static_cast<double>(c.burn_in_steps) * c.time_step,
                                          c.time_step, c.burn_in_steps, std::ref(quiet));
            }
            detail::sampling_observer<n> recorder(c.threshold, c.exit, c.steps_per_sample, true,
                                                  samples);
            odeint::integrate_n_steps(std::ref(stepper), system, x, 0.0, c.time_step, c.steps,
                                      std::ref(recorder));
        } catch (const detail::basin_exit& exit) {
            outcome.transition = true;
            outcome.transition_time = exit.time;
            outcome.transition_control = ramp.at(exit.time);
        }
        outcome.series.reserve(samples->size());
        for (const auto& s : *samples) outcome.series.push_back(s[0]);
        return outcome;
    }

    void record(const std::vector<state_vector<n>>& approach,
                const std::vector<state_vector<n>>& null, trajectory_record& trajectory) const {
        const std::size_t longest = std::max(approach.size(), null.size());
        trajectory_series time{"time", "sample times (the recorded run starts at 0)", {}};
        trajectory_series control{control_unit_, "control of the approaching member", {}};
        for (std::size_t i = 0; i < longest; ++i) {
            const double t = static_cast<double>(i) * configuration_.sample_interval;
            time.values.push_back(t);
            control.values.push_back(configuration_.ramp.at(t));
        }
        trajectory["time"] = std::move(time);
        trajectory["approach_control"] = std::move(control);
        for (std::size_t k = 0; k < n; ++k) {
            for (const auto& [member, samples] :
                 {std::pair{"approach", &approach}, std::pair{"null", &null}}) {
                trajectory_series series{state_unit_,
                                         fmt::format("{} of the {} member, every sample_interval "
                                                     "until its transition",
                                                     component_names_[k], member),
                                         {}};
                for (const auto& s : *samples) series.values.push_back(s[k]);
                trajectory[fmt::format("{}_{}", member, component_names_[k])] = std::move(series);
            }
        }
    }

    continuous_configuration<Equations> configuration_;
    std::vector<std::string> component_names_;
    std::string state_unit_;
    std::string control_unit_;
};

template <class Equations>
class continuous_model final : public model {
public:
    static constexpr std::size_t n = Equations::dimension;

    explicit continuous_model(continuous_definition<Equations> definition)
        : definition_(std::move(definition)) {}

    std::string name() const override { return definition_.name; }
    std::string summary() const override { return definition_.summary; }

    std::vector<parameter_spec> parameters() const override {
        std::vector<parameter_spec> table = definition_.model_parameters;
        const auto& d = definition_;
        table.push_back(real_parameter(key::noise_intensity, noise_unit(),
                                       "noise intensity sigma (>= 0)", d.default_noise, 0, 1e6));
        if (d.offers_multiplicative_noise) {
            table.push_back(choice_parameter(
                key::noise_type,
                "noise amplitude: sigma (additive) or sigma times the state (multiplicative)",
                {"additive", "multiplicative"}));
        }
        std::vector<std::string> integrators = {"automatic", "euler_maruyama", "milstein"};
        if (d.offers_exact_step) integrators.push_back("exact");
        table.push_back(choice_parameter(
            key::integrator,
            "stochastic stepper: automatic (Euler-Maruyama for additive noise, Milstein for "
            "multiplicative)" +
                std::string(d.offers_exact_step ? ", or the exact Gaussian step" : ""),
            integrators));
        for (auto& spec : time_grid_parameters(d.default_duration, d.default_burn_in,
                                               d.default_time_step, d.default_sample_interval,
                                               true)) {
            table.push_back(std::move(spec));
        }
        table.push_back(real_parameter(key::initial_state, d.state_unit,
                                       "initial value of the first state component (default: "
                                       "the stable equilibrium at the control's start value)",
                                       std::nullopt, -1e12, 1e12));
        table.push_back(real_parameter(key::transition_threshold, d.state_unit,
                                       d.threshold_description, d.default_threshold, -1e12,
                                       1e12));
        for (auto& spec : early_warning_parameters()) table.push_back(std::move(spec));
        return table;
    }

    std::vector<result_field> results() const override {
        return ensemble_result_fields(definition_.control_unit, definition_.state_unit);
    }

    void check(const parameter_set& values) const override {
        check_time_grid_and_window(values, true);
        if (definition_.extra_check) definition_.extra_check(values);
        const bool multiplicative =
            values.has(key::noise_type) && values.choice(key::noise_type) == "multiplicative";
        if (values.choice(key::integrator) == "euler_maruyama" && multiplicative) {
            throw input_error(fmt::format("{} = \"euler_maruyama\" with {} = \"multiplicative\": "
                                          "use \"milstein\" or \"automatic\"",
                                          key::integrator, key::noise_type));
        }
        if (!values.has(key::initial_state) || n > 1) {
            const Equations equations = definition_.read_equations(values);
            const control_ramp ramp = definition_.read_ramp(values);
            const equations_system<Equations> system(equations);
            const equilibrium start =
                continue_equilibrium(system, definition_.branch(equations), ramp.start);
            if (!start.stable()) {
                throw input_error(fmt::format(
                    "{} = {}: the model has no stable equilibrium on its branch there to start "
                    "from{}",
                    definition_.control_key, ramp.start,
                    n == 1 ? fmt::format("; give {}", key::initial_state) : std::string()));
            }
        }
    }

    continuous_configuration<Equations> configuration(const parameter_set& values) const {
        continuous_configuration<Equations> c;
        c.equations = definition_.read_equations(values);
        c.ramp = definition_.read_ramp(values);
        c.noise_intensity = values.real(key::noise_intensity);
        c.multiplicative =
            values.has(key::noise_type) && values.choice(key::noise_type) == "multiplicative";
        const std::string& integrator = values.choice(key::integrator);
        c.integrator = integrator == "exact"      ? integrator_kind::exact
                       : integrator == "milstein" ? integrator_kind::milstein
                       : integrator == "euler_maruyama"
                           ? integrator_kind::euler_maruyama
                           : (c.multiplicative ? integrator_kind::milstein
                                               : integrator_kind::euler_maruyama);
        c.time_step = values.real(key::time_step);
        c.sample_interval = values.real(key::sample_interval);
        c.steps_per_sample =
            static_cast<std::size_t>(std::llround(c.sample_interval / c.time_step));
        c.steps = (sample_count(values) - 1) * c.steps_per_sample;
        c.burn_in_steps =
            static_cast<std::size_t>(std::llround(values.real(key::burn_in) / c.time_step));
        const equations_system<Equations> system(c.equations);
        const equilibrium start =
            continue_equilibrium(system, definition_.branch(c.equations), c.ramp.start);
        if (start.found) {
            for (std::size_t i = 0; i < n; ++i) c.initial_state[i] = start.state[static_cast<Eigen::Index>(i)];
        }
        if (values.has(key::initial_state)) c.initial_state[0] = values.real(key::initial_state);
        if (values.has(key::transition_threshold)) {
            c.threshold = values.real(key::transition_threshold);
        }
        c.exit = definition_.exit;
        c.early_warning = read_early_warning(values);
        return c;
    }

    std::unique_ptr<point_simulator> prepare(const parameter_set& values) const override {
        return std::make_unique<continuous_simulator<Equations>>(
            configuration(values), definition_.component_names, definition_.state_unit,
            definition_.control_unit);
    }

    // Theory at the start and end of the ramp and the bifurcation of the followed branch.
    point_theory theory(const parameter_set& values) const {
        const continuous_configuration<Equations> c = configuration(values);
        const equations_system<Equations> system(c.equations);
        const branch_definition branch = definition_.branch(c.equations);
        point_theory out;
        out.control_name = definition_.control_key;
        out.control_unit = definition_.control_unit;
        out.state_unit = definition_.state_unit;
        out.bifurcation = branch_bifurcation(system, branch).control;
        out.start = theory_at(system, branch, c, c.ramp.start, sample_count(values));
        out.end = theory_at(system, branch, c, c.ramp.end, sample_count(values));
        return out;
    }

    std::vector<report_column> analyze(const parameter_set& values, const point_results& results,
                                       const analysis_options& options) const override {
        return analyze_ensembles(theory(values), results, options);
    }

    const continuous_definition<Equations>& definition() const { return definition_; }

private:
    std::string noise_unit() const { return definition_.state_unit + "/sqrt(time)"; }

    static theory_at_control theory_at(const deterministic_system& system,
                                       const branch_definition& branch,
                                       const continuous_configuration<Equations>& c,
                                       double control, std::size_t samples) {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        theory_at_control at{control, nan, nan, nan, nan, nan, nan, nan, nan};
        const equilibrium e = continue_equilibrium(system, branch, control);
        if (!e.stable()) return at;
        at.equilibrium = e.state[0];
        at.eigenvalue_real = e.leading_eigenvalue.real();
        at.eigenvalue_imag = e.leading_eigenvalue.imag();
        Eigen::VectorXd noise(static_cast<Eigen::Index>(n));
        const double scale = c.noise_intensity * c.equations.noise_scale(control);
        for (Eigen::Index i = 0; i < noise.size(); ++i) {
            noise[i] = c.multiplicative ? scale * e.state[i] : scale;
        }
        const linear_noise_prediction prediction =
            linear_noise(e.jacobian, noise, c.sample_interval, c.time_step);
        at.variance = prediction.variance;
        at.lag1_autocorrelation = prediction.lag1_autocorrelation;
        at.variance_euler_maruyama =
            c.integrator == integrator_kind::exact ? nan : prediction.variance_euler_maruyama;
        at.spectrum_at_zero = linear_noise_spectrum(e.jacobian, noise, 0.0);
        at.expected_sample_variance =
            expected_sample_variance(e.jacobian, noise, c.sample_interval, samples);
        return at;
    }

    continuous_definition<Equations> definition_;
};

}  // namespace vigil::regime_shifts

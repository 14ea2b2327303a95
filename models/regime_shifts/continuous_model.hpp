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

#include <fmt/format.h>
#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace vigil::regime_shifts {

// The control over a run: `start` before time 0 (burn-in), then linear to `end` at `duration`.
class control_ramp {
public:
    control_ramp() = default;
    control_ramp(double start_value, double end_value, double ramp_duration)
        : start(start_value),
          end(end_value),
          duration(ramp_duration),
          slope_((end_value - start_value) / ramp_duration) {}

    double start = 0;
    double end = 0;
    double duration = 1;

    double at(double t) const {
        if (t <= 0) return start;
        return t >= duration ? end : start + slope_ * t;
    }
    control_ramp held() const { return {start, start, duration}; }

private:
    double slope_ = 0;
};

enum class integrator_kind { euler_maruyama, milstein, exact };

template <class Equations>
struct continuous_definition {
    std::string name;
    std::string summary;
    std::string control_key;  // the parameter holding the control's start value
    std::string control_unit;
    std::string state_unit;
    std::vector<std::string> component_names;      // one per state component
    std::vector<parameter_spec> model_parameters;  // constants and the control's ramp
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

// Thrown by the observer to end odeint's loop once every member has left its basin.
struct all_members_left {};

// M independent members of one model integrated as one state of M * n components, member m
// under its own control ramp. A member that has left its basin is still integrated (its
// states are no longer recorded): the per-step cost stays free of bookkeeping.
template <class Equations, std::size_t M>
struct ensemble_system {
    static constexpr std::size_t n = Equations::dimension;
    static constexpr std::size_t size = n * M;
    const Equations* equations = nullptr;
    std::array<control_ramp, M> ramps;
    double noise_intensity = 0;
    bool multiplicative = false;

    double control(std::size_t member, double t) const { return ramps[member].at(t); }

    state_vector<size> drift(const state_vector<size>& x, double t) const {
        state_vector<size> out;
        for (std::size_t m = 0; m < M; ++m) {
            state_vector<n> member;
            for (std::size_t i = 0; i < n; ++i) member[i] = x[m * n + i];
            const state_vector<n> f = equations->drift(member, ramps[m].at(t));
            for (std::size_t i = 0; i < n; ++i) out[m * n + i] = f[i];
        }
        return out;
    }
    state_vector<size> diffusion(const state_vector<size>& x, double t) const {
        state_vector<size> out;
        for (std::size_t m = 0; m < M; ++m) {
            const double scale = noise_intensity * equations->noise_scale(ramps[m].at(t));
            for (std::size_t i = 0; i < n; ++i) {
                out[m * n + i] = multiplicative ? scale * x[m * n + i] : scale;
            }
        }
        return out;
    }
    state_vector<size> diffusion_derivative(const state_vector<size>&, double t) const {
        state_vector<size> out{};
        if (!multiplicative) return out;
        for (std::size_t m = 0; m < M; ++m) {
            const double scale = noise_intensity * equations->noise_scale(ramps[m].at(t));
            for (std::size_t i = 0; i < n; ++i) out[m * n + i] = scale;
        }
        return out;
    }
};

// The exact Gaussian transition of the OU model as an odeint stepper, per member (the
// relaxation rate is taken at the start of each step, so it is exact only for a held control).
template <std::size_t M, class Normals>
class exact_ou_stepper {
public:
    using state_type = state_vector<M>;
    using deriv_type = state_vector<M>;
    using value_type = double;
    using time_type = double;
    using order_type = unsigned short;
    using stepper_category = boost::numeric::odeint::stepper_tag;
    static constexpr order_type order() { return 1; }

    explicit exact_ou_stepper(Normals& normals) : normals_(&normals) {}

    template <class System>
    void do_step(const System& system, state_type& x, double t, double dt) {
        for (std::size_t m = 0; m < M; ++m) {
            const double rate = system.control(m, t);
            if (!steps_[m] || rate != rates_[m] || dt != dt_) {
                steps_[m].emplace(rate, system.equations->mean_state, system.noise_intensity, dt);
                rates_[m] = rate;
            }
            x[m] = (*steps_[m])(x[m], (*normals_)(m));
        }
        dt_ = dt;
    }

private:
    Normals* normals_;
    std::array<std::optional<exact_ou_step>, M> steps_;
    std::array<double, M> rates_{};
    double dt_ = 0;
};

// What one member produced: its recorded states and its transition.
template <std::size_t n>
struct member_track {
    std::vector<state_vector<n>> samples;
    bool transition = false;
    double transition_time = 0;
};

// Called by odeint before every step and after the last. Marks a member as gone when its first
// component crosses the threshold (every step) or is not finite (every k-th step), and ends
// the run when all are gone; when recording, keeps every k-th state of the members still in.
template <std::size_t n, std::size_t M>
class ensemble_observer {
public:
    ensemble_observer(std::optional<double> threshold, exit_direction exit,
                      std::size_t steps_per_sample, bool recording,
                      std::array<member_track<n>, M>* tracks, std::array<bool, M>* active)
        : threshold_(threshold.value_or(exit == exit_direction::below
                                            ? -std::numeric_limits<double>::infinity()
                                            : std::numeric_limits<double>::infinity())),
          below_(exit == exit_direction::below),
          steps_per_sample_(steps_per_sample),
          recording_(recording),
          tracks_(tracks),
          active_(active) {}

    void operator()(const state_vector<n * M>& x, double t) {
        for (std::size_t m = 0; m < M; ++m) {
            // One comparison per member and step; written so that NaN counts as crossed.
            const double first = x[m * n];
            const bool inside = below_ ? first >= threshold_ : first <= threshold_;
            if (!inside && (*active_)[m]) leave(m, t);
        }
        if (countdown_ == 0) {
            for (std::size_t m = 0; m < M; ++m) {
                if ((*active_)[m] && !std::isfinite(x[m * n])) leave(m, t);
            }
            countdown_ = steps_per_sample_;
            if (!recording_) return;
            for (std::size_t m = 0; m < M; ++m) {
                if (!(*active_)[m]) continue;
                state_vector<n> member;
                for (std::size_t i = 0; i < n; ++i) member[i] = x[m * n + i];
                (*tracks_)[m].samples.push_back(member);
            }
        }
        --countdown_;
    }

private:
    void leave(std::size_t m, double t) {
        (*active_)[m] = false;
        (*tracks_)[m].transition = true;
        (*tracks_)[m].transition_time = t;
        for (const bool still : *active_) {
            if (still) return;
        }
        throw all_members_left{};
    }

    double threshold_;  // +-infinity without a threshold: only NaN and infinity leave
    bool below_;
    std::size_t steps_per_sample_;
    bool recording_;
    std::array<member_track<n>, M>* tracks_;
    std::array<bool, M>* active_;
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

// Simulates the replicates of one scan point: the approaching and the null member of a
// replicate are integrated together (two independent dependency chains per step run faster
// than one), each from its own stream.
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

    // M members, member m from streams[m] under ramps[m]: burn-in at each ramp's start value,
    // then the recorded run.
    template <std::size_t M>
    std::array<detail::member_track<n>, M> run_members(
        const std::array<random_stream, M>& streams,
        const std::array<control_ramp, M>& ramps) const {
        using normals_type = member_normals<M, n>;
        switch (configuration_.integrator) {
            case integrator_kind::euler_maruyama:
                return run_with<M, euler_maruyama_stepper<n * M, normals_type>>(streams, ramps);
            case integrator_kind::milstein:
                return run_with<M, milstein_stepper<n * M, normals_type>>(streams, ramps);
            case integrator_kind::exact:
                if constexpr (std::is_same_v<Equations, ou_equations>) {
                    return run_with<M, detail::exact_ou_stepper<M, normals_type>>(streams, ramps);
                }
                break;
        }
        throw run_error("the exact integrator exists only for the ou model");
    }

    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override {
        const std::array<random_stream, 2> member_streams = {
            streams.stream(static_cast<std::uint64_t>(stream_id::approaching)),
            streams.stream(static_cast<std::uint64_t>(stream_id::null))};
        const std::array<control_ramp, 2> ramps = {configuration_.ramp, configuration_.ramp.held()};
        const auto tracks = run_members<2>(member_streams, ramps);
        const member_outcome approaching = outcome_of(tracks[0], ramps[0]);
        const member_outcome null = outcome_of(tracks[1], ramps[1]);
        store_ensemble_results(approaching, null, configuration_.sample_interval,
                               configuration_.early_warning, results);
        if (trajectory != nullptr) {
            record(tracks[0].samples, tracks[1].samples, *trajectory);
            record_indicator_series(approaching, null, configuration_.sample_interval,
                                    configuration_.early_warning, state_unit_, *trajectory);
        }
    }

    const continuous_configuration<Equations>& configuration() const { return configuration_; }

private:
    template <std::size_t M, class Stepper>
    std::array<detail::member_track<n>, M> run_with(
        const std::array<random_stream, M>& streams,
        const std::array<control_ramp, M>& ramps) const {
        namespace odeint = boost::numeric::odeint;
        const continuous_configuration<Equations>& c = configuration_;
        std::array<normal_source, M> sources = make_sources(streams, std::make_index_sequence<M>{});
        member_normals<M, n> normals(sources);
        Stepper stepper(normals);
        std::array<bool, M> active;
        active.fill(true);
        const detail::ensemble_system<Equations, M> system{&c.equations, ramps, c.noise_intensity,
                                                           c.multiplicative};
        state_vector<n * M> x;
        for (std::size_t m = 0; m < M; ++m) {
            for (std::size_t i = 0; i < n; ++i) x[m * n + i] = c.initial_state[i];
        }
        std::array<detail::member_track<n>, M> tracks;
        for (auto& track : tracks) track.samples.reserve(c.steps / c.steps_per_sample + 1);
        try {
            if (c.burn_in_steps > 0) {
                detail::ensemble_observer<n, M> quiet(c.threshold, c.exit, c.steps_per_sample,
                                                      false, &tracks, &active);
                odeint::integrate_n_steps(std::ref(stepper), system, x,
                                          -static_cast<double>(c.burn_in_steps) * c.time_step,
                                          c.time_step, c.burn_in_steps, std::ref(quiet));
            }
            detail::ensemble_observer<n, M> recorder(c.threshold, c.exit, c.steps_per_sample, true,
                                                     &tracks, &active);
            odeint::integrate_n_steps(std::ref(stepper), system, x, 0.0, c.time_step, c.steps,
                                      std::ref(recorder));
        } catch (const detail::all_members_left&) {
            // every member's transition is recorded in its track
        }
        return tracks;
    }

    template <std::size_t M, std::size_t... m>
    static std::array<normal_source, M> make_sources(const std::array<random_stream, M>& streams,
                                                     std::index_sequence<m...>) {
        return {normal_source(streams[m])...};
    }

    static member_outcome outcome_of(const detail::member_track<n>& track,
                                     const control_ramp& ramp) {
        member_outcome outcome;
        outcome.series.reserve(track.samples.size());
        for (const auto& s : track.samples) outcome.series.push_back(s[0]);
        outcome.transition = track.transition;
        outcome.transition_time = track.transition_time;
        outcome.transition_control = ramp.at(track.transition_time);
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
        for (auto& spec :
             time_grid_parameters(d.default_duration, d.default_burn_in, d.default_time_step,
                                  d.default_sample_interval, true)) {
            table.push_back(std::move(spec));
        }
        table.push_back(real_parameter(key::initial_state, d.state_unit,
                                       "initial value of the first state component (default: "
                                       "the stable equilibrium at the control's start value)",
                                       std::nullopt, -1e12, 1e12));
        table.push_back(real_parameter(key::transition_threshold, d.state_unit,
                                       d.threshold_description, d.default_threshold, -1e12, 1e12));
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
            throw input_error(
                fmt::format("{} = \"euler_maruyama\" with {} = \"multiplicative\": "
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
        check_step_stability(values, multiplicative);
    }

    continuous_configuration<Equations> configuration(const parameter_set& values) const {
        continuous_configuration<Equations> c;
        c.equations = definition_.read_equations(values);
        c.ramp = definition_.read_ramp(values);
        c.noise_intensity = values.real(key::noise_intensity);
        c.multiplicative =
            values.has(key::noise_type) && values.choice(key::noise_type) == "multiplicative";
        const std::string& integrator = values.choice(key::integrator);
        c.integrator =
            integrator == "exact"      ? integrator_kind::exact
            : integrator == "milstein" ? integrator_kind::milstein
            : integrator == "euler_maruyama"
                ? integrator_kind::euler_maruyama
                : (c.multiplicative ? integrator_kind::milstein : integrator_kind::euler_maruyama);
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
            for (std::size_t i = 0; i < n; ++i)
                c.initial_state[i] = start.state[static_cast<Eigen::Index>(i)];
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

    // The explicit steppers are stable near an equilibrium only when |1 + lambda h| < 1 for
    // every eigenvalue lambda of its Jacobian; beyond that the chain blows up, which would
    // count as a transition. Checked at the ramp's start and end values (where the branch is
    // stable there); the exact OU step has no such limit.
    void check_step_stability(const parameter_set& values, bool multiplicative) const {
        const std::string& chosen = values.choice(key::integrator);
        if (chosen == "exact") return;
        const std::string stepper =
            chosen == "milstein" || (chosen == "automatic" && multiplicative) ? "milstein"
                                                                              : "euler_maruyama";
        const double time_step = values.real(key::time_step);
        const Equations equations = definition_.read_equations(values);
        const control_ramp ramp = definition_.read_ramp(values);
        const equations_system<Equations> system(equations);
        const branch_definition branch = definition_.branch(equations);
        for (const double control : {ramp.start, ramp.end}) {
            const equilibrium at = continue_equilibrium(system, branch, control);
            if (!at.stable() || euler_amplification(at.jacobian, time_step) < 1) continue;
            const double largest = largest_stable_euler_step(at.jacobian);
            const std::string where = fmt::format("at {} = {}", definition_.control_key, control);
            if (at.leading_eigenvalue.imag() == 0 && n == 1) {
                throw input_error(fmt::format(
                    "{}: relaxation rate {:.6g} x {} = {:.6g} must be < 2 for the {} stepper; "
                    "lower {} below {:.3g}",
                    where, -at.jacobian(0, 0), key::time_step, -at.jacobian(0, 0) * time_step,
                    stepper, key::time_step, largest));
            }
            throw input_error(fmt::format(
                "{}: |1 + eigenvalue x {}| = {:.6g} must be < 1 for the {} stepper; lower {} "
                "below {:.3g}",
                where, key::time_step, euler_amplification(at.jacobian, time_step), stepper,
                key::time_step, largest));
        }
    }

    static theory_at_control theory_at(const deterministic_system& system,
                                       const branch_definition& branch,
                                       const continuous_configuration<Equations>& c, double control,
                                       std::size_t samples) {
        theory_at_control at;
        at.control = control;
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
        if (c.integrator != integrator_kind::exact) {
            at.variance_euler_maruyama = prediction.variance_euler_maruyama;
            at.lag1_autocorrelation_euler_maruyama = prediction.lag1_autocorrelation_euler_maruyama;
        }
        at.spectrum_at_zero = linear_noise_spectrum(e.jacobian, noise, 0.0);
        at.expected_sample_variance =
            expected_sample_variance(e.jacobian, noise, c.sample_interval, samples);
        return at;
    }

    continuous_definition<Equations> definition_;
};

}  // namespace vigil::regime_shifts

#include "models/contact_sensing/model.hpp"

#include "engine/error.hpp"
#include "models/contact_sensing/max_sum_arc.hpp"
#include "models/contact_sensing/report.hpp"

#include <fmt/format.h>
#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

namespace vigil::contact_sensing {

namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr double default_contact_length_um = 1.0;
// Work and memory bounds: binding events one replicate may need (checked from the parameters)
// and events an event history keeps (later receptors' events are not recorded).
constexpr double max_events_per_replicate = 1e9;
constexpr std::size_t max_recorded_events = 1000000;

// Parameter names, as written in scan files.
namespace key {
constexpr const char* receptors = "receptors";
constexpr const char* radius = "radius_um";
constexpr const char* contact_length = "contact_length_um";
constexpr const char* contact_receptors = "contact_receptors";
constexpr const char* ephrin_binding = "ephrin_binding_rate";
constexpr const char* interferer_binding = "interferer_binding_rate";
constexpr const char* ephrin_unbinding = "ephrin_unbinding_rate";
constexpr const char* interferer_unbinding = "interferer_unbinding_rate";
constexpr const char* observation_time = "observation_time";
constexpr const char* interferer = "interferer";
constexpr const char* initial_state = "initial_state";
constexpr const char* observer = "observer";
constexpr const char* edge_width = "edge_width_um";
}  // namespace key

// The one table of parameters: name, unit, description, default (nullopt: optional) and range.
std::vector<parameter_spec> parameter_table() {
    constexpr bool inclusive = true;
    constexpr bool exclusive = false;
    // Upper bounds keep one replicate's work finite and the theory's integrals representable.
    constexpr double largest = 1e6;
    std::vector<parameter_spec> table;

    table.push_back(integer_parameter(key::receptors, "1",
                                      "number N of receptors, evenly spaced on the perimeter",
                                      400.0, 1, 1e7));
    table.push_back(
        real_parameter(key::radius, "um", "cell radius R", 10.0, 0, largest, exclusive));
    table.push_back(
        real_parameter(key::contact_length, "um",
                       "contact arc length R Delta; give this or contact_receptors (neither: 1 um)",
                       std::nullopt, 0, largest, exclusive));
    table.push_back(real_parameter(
        key::contact_receptors, "1",
        "contact width as a receptor count M, Delta = 2 pi M / N; alternative to contact_length_um",
        std::nullopt, 0, largest, exclusive));
    table.push_back(real_parameter(key::ephrin_binding, "1/time",
                                   "binding rate a_E of a free receptor to ephrin, on the contact",
                                   1.0, 0, largest, inclusive));
    table.push_back(real_parameter(key::interferer_binding, "1/time",
                                   "binding rate a_I of a free receptor to the interfering ligand",
                                   10.0, 0, largest, inclusive));
    table.push_back(real_parameter(key::ephrin_unbinding, "1/time",
                                   "unbinding rate mu_E of an ephrin bond", 1.0, 0, largest,
                                   exclusive));
    table.push_back(real_parameter(key::interferer_unbinding, "1/time",
                                   "unbinding rate mu_I of an interferer bond", 10.0, 0, largest,
                                   exclusive));
    table.push_back(real_parameter(key::observation_time, "time",
                                   "observation time T after the contact forms", 2.0, 0, largest,
                                   exclusive));
    table.push_back(choice_parameter(key::interferer,
                                     "where the interfering ligand is: everywhere, or only off "
                                     "the contact",
                                     {"everywhere", "outside"}));
    table.push_back(choice_parameter(key::initial_state,
                                     "receptors at time 0: all free, or the pre-contact steady "
                                     "state with the interferer only",
                                     {"unbound", "steady"}));
    table.push_back(choice_parameter(key::observer,
                                     "what the cell sees of each receptor: the durations of its "
                                     "bound and free intervals",
                                     {"binding_durations"}));
    table.push_back(real_parameter(
        key::edge_width, "um",
        "length xi over which the ephrin level falls at each contact edge (logistic); 0: sharp. "
        "The inference always assumes sharp edges",
        0.0, 0, std::numeric_limits<double>::infinity(), inclusive));
    return table;
}

double contact_width_rad(const parameter_set& values) {
    const double receptors = static_cast<double>(values.integer(key::receptors));
    if (values.has(key::contact_receptors)) {
        return two_pi * values.real(key::contact_receptors) / receptors;
    }
    const double length = values.has(key::contact_length) ? values.real(key::contact_length)
                                                          : default_contact_length_um;
    return length / values.real(key::radius);
}

// Circular distance between two angles in [0, 2 pi).
double circular_distance(double a, double b) {
    const double d = std::fabs(a - b);
    return d > std::numbers::pi ? two_pi - d : d;
}

void record_events(const std::vector<binding_event>& events, trajectory_record& trajectory) {
    trajectory_series receptor{
        "1", "receptor index j of each bound interval (contact ensemble)", {}};
    trajectory_series start{"time", "start of the bound interval (0 for a bond open at 0)", {}};
    trajectory_series duration{"time", "duration of the bound interval inside [0, T]", {}};
    trajectory_series ligand{"1", "bound ligand: 0 ephrin, 1 interferer", {}};
    trajectory_series censored{"1", "1 when the interval is cut off at T, else 0", {}};
    for (const binding_event& event : events) {
        receptor.values.push_back(event.receptor);
        start.values.push_back(event.start);
        duration.values.push_back(event.duration);
        ligand.values.push_back(static_cast<double>(event.ligand));
        censored.values.push_back(event.censored ? 1.0 : 0.0);
    }
    trajectory["event_receptor"] = std::move(receptor);
    trajectory["event_start"] = std::move(start);
    trajectory["event_duration"] = std::move(duration);
    trajectory["event_ligand"] = std::move(ligand);
    trajectory["event_censored"] = std::move(censored);
}

}  // namespace

double ephrin_level(double distance_outside_um, double edge_width_um) {
    if (edge_width_um <= 0) return distance_outside_um < 0 ? 1.0 : 0.0;
    return 1.0 / (1.0 + std::exp(4.0 * distance_outside_um / edge_width_um));
}

point_configuration read_configuration(const parameter_set& values) {
    point_configuration configuration;
    configuration.receptors = static_cast<std::size_t>(values.integer(key::receptors));
    configuration.radius_um = values.real(key::radius);
    configuration.contact_width_rad = contact_width_rad(values);
    configuration.rates = {values.real(key::ephrin_binding), values.real(key::interferer_binding),
                           values.real(key::ephrin_unbinding),
                           values.real(key::interferer_unbinding)};
    configuration.placement = values.choice(key::interferer) == "outside"
                                  ? interferer_placement::outside
                                  : interferer_placement::everywhere;
    configuration.start = values.choice(key::initial_state) == "steady" ? initial_state::steady
                                                                        : initial_state::unbound;
    configuration.observer = observer_kind::binding_durations;
    configuration.observation_time = values.real(key::observation_time);
    configuration.edge_width_um = values.real(key::edge_width);
    return configuration;
}

contact_sensing_simulator::contact_sensing_simulator(const point_configuration& configuration)
    : configuration_(configuration),
      scorer_(configuration.rates, configuration.placement),
      in_contact_(rates_in_contact(configuration.rates, configuration.placement),
                  configuration.rates),
      out_of_contact_(rates_out_of_contact(configuration.rates), configuration.rates),
      half_width_rad_(0.5 * configuration.contact_width_rad) {
    const double n = static_cast<double>(configuration.receptors);
    receptor_angles_.reserve(configuration.receptors);
    for (std::size_t j = 0; j < configuration.receptors; ++j) {
        receptor_angles_.push_back(two_pi * static_cast<double>(j) / n);
    }
}

double contact_sensing_simulator::observed_log_likelihood_ratio(
    const receptor_outcome& outcome) const {
    switch (configuration_.observer) {
        case observer_kind::binding_durations:
            return outcome.log_likelihood_ratio;
    }
    return outcome.log_likelihood_ratio;
}

receptor_kinetics contact_sensing_simulator::kinetics_at(double distance_from_centre_rad) const {
    const double distance_outside_um =
        configuration_.radius_um * (distance_from_centre_rad - half_width_rad_);
    const double level = ephrin_level(distance_outside_um, configuration_.edge_width_um);
    const kinetic_rates& rates = configuration_.rates;
    const double interferer_level =
        configuration_.placement == interferer_placement::everywhere ? 1.0 : 1.0 - level;
    return receptor_kinetics(
        {rates.ephrin_binding * level, rates.interferer_binding * interferer_level}, rates);
}

contact_sensing_simulator::ensemble_outcome contact_sensing_simulator::infer_arc(
    std::span<const double> log_likelihood_ratios, double binding_events) const {
    const circular_run best = max_sum_circular_run(log_likelihood_ratios);
    return {glrt_statistic(best), run_centre_angle(best, configuration_.receptors),
            run_width_angle(best, configuration_.receptors), binding_events};
}

void contact_sensing_simulator::simulate(const replicate_streams& streams,
                                         std::span<double> results,
                                         trajectory_record* trajectory) const {
    const std::size_t n = configuration_.receptors;
    const double time = configuration_.observation_time;
    const initial_state start = configuration_.start;
    const bool whole_perimeter = configuration_.contact_width_rad >= two_pi;
    const bool sharp_edges = configuration_.edge_width_um <= 0;

    random_stream geometry =
        streams.stream(static_cast<std::uint64_t>(stream_id::contact_geometry));
    const double centre = boost::random::uniform_real_distribution<double>(0.0, two_pi)(geometry);

    // One buffer of N values per thread, reused across replicates: no allocation per call.
    thread_local std::vector<double> log_likelihood_ratios;
    log_likelihood_ratios.resize(n);
    std::vector<binding_event> history;

    random_stream contact = streams.stream(static_cast<std::uint64_t>(stream_id::contact_ensemble));
    double in_contact_count = 0;
    double contact_events = 0;
    for (std::size_t j = 0; j < n; ++j) {
        const double distance = circular_distance(receptor_angles_[j], centre);
        const bool in_contact = whole_perimeter || distance < half_width_rad_;
        if (in_contact) in_contact_count += 1;
        std::vector<binding_event>* const history_or_null =
            trajectory != nullptr && history.size() < max_recorded_events ? &history : nullptr;
        const receptor_outcome outcome =
            sharp_edges
                ? simulate_receptor(in_contact ? in_contact_ : out_of_contact_, &scorer_, start,
                                    time, contact, static_cast<std::uint32_t>(j), history_or_null)
                : simulate_receptor(kinetics_at(whole_perimeter ? 0.0 : distance), &scorer_, start,
                                    time, contact, static_cast<std::uint32_t>(j), history_or_null);
        log_likelihood_ratios[j] = observed_log_likelihood_ratio(outcome);
        contact_events += outcome.binding_events;
    }
    const ensemble_outcome with_contact = infer_arc(log_likelihood_ratios, contact_events);

    if (trajectory) {
        (*trajectory)["log_likelihood_ratio"] = {
            "1", "log-likelihood ratio l_j of each receptor (contact ensemble)",
            log_likelihood_ratios};
        record_events(history, *trajectory);
    }

    random_stream no_contact =
        streams.stream(static_cast<std::uint64_t>(stream_id::no_contact_ensemble));
    double no_contact_events = 0;
    for (std::size_t j = 0; j < n; ++j) {
        const receptor_outcome outcome =
            simulate_receptor(out_of_contact_, &scorer_, start, time, no_contact,
                              static_cast<std::uint32_t>(j), nullptr);
        log_likelihood_ratios[j] = observed_log_likelihood_ratio(outcome);
        no_contact_events += outcome.binding_events;
    }
    const ensemble_outcome without_contact = infer_arc(log_likelihood_ratios, no_contact_events);

    results[0] = centre;
    results[1] = with_contact.glrt_statistic;
    results[2] = with_contact.centre_estimate_rad;
    results[3] = with_contact.width_estimate_rad;
    results[4] = in_contact_count;
    results[5] = with_contact.binding_events;
    results[6] = without_contact.glrt_statistic;
    results[7] = without_contact.binding_events;
}

std::string contact_sensing_model::summary() const {
    return "receptors on a circular cell sense a contact arc of ephrin among interfering ligand "
           "(Wang & Camley 2023)";
}

std::vector<parameter_spec> contact_sensing_model::parameters() const {
    return parameter_table();
}

std::vector<result_field> contact_sensing_model::results() const {
    return {
        {"contact_centre_rad", "rad", "true contact centre theta_c, uniform in [0, 2 pi)"},
        {"glrt_statistic", "1",
         "generalized likelihood-ratio statistic max(0, best arc sum of l_j), with contact"},
        {"centre_estimate_rad", "rad", "centre of the maximum-likelihood arc, with contact"},
        {"width_estimate_rad", "rad", "angular width of the maximum-likelihood arc, with contact"},
        {"receptors_in_contact", "1", "receptors within Delta/2 of the true centre"},
        {"binding_events", "1", "bonds formed during [0, T] over all receptors, with contact"},
        {"glrt_statistic_no_contact", "1",
         "generalized likelihood-ratio statistic of an independent ensemble without contact"},
        {"binding_events_no_contact", "1", "bonds formed during [0, T] without contact"},
    };
}

void contact_sensing_model::check(const parameter_set& values) const {
    if (values.has(key::contact_length) && values.has(key::contact_receptors)) {
        throw input_error(fmt::format("{} and {} are alternatives: give at most one of them",
                                      key::contact_length, key::contact_receptors));
    }

    const double width = contact_width_rad(values);
    if (width > two_pi) {
        if (values.has(key::contact_receptors)) {
            throw input_error(fmt::format("{} = {} exceeds the perimeter: allowed at most {} = {}",
                                          key::contact_receptors,
                                          values.real(key::contact_receptors), key::receptors,
                                          values.integer(key::receptors)));
        }
        const char* const given = values.has(key::contact_length) ? "" : " (the default)";
        throw input_error(
            fmt::format("{} = {:.10g} um{} exceeds the perimeter: allowed at most 2 pi {} = "
                        "{:.10g} um",
                        key::contact_length, width * values.real(key::radius), given, key::radius,
                        two_pi * values.real(key::radius)));
    }

    if (values.real(key::ephrin_binding) == 0 && values.real(key::interferer_binding) == 0) {
        throw input_error(fmt::format("{} and {} are both 0: no receptor could ever bind",
                                      key::ephrin_binding, key::interferer_binding));
    }

    // At most one binding per receptor per 1/(a_E + a_I): bound the events of one replicate.
    const double most_events =
        static_cast<double>(values.integer(key::receptors)) *
        (values.real(key::ephrin_binding) + values.real(key::interferer_binding)) *
        values.real(key::observation_time);
    if (most_events > max_events_per_replicate) {
        throw input_error(fmt::format(
            "{} x ({} + {}) x {} = {:.3g} binding events per replicate is too much work; "
            "allowed at most {:.0e}",
            key::receptors, key::ephrin_binding, key::interferer_binding, key::observation_time,
            most_events, max_events_per_replicate));
    }
}

void contact_sensing_model::complete(parameter_set& values) const {
    if (!values.has(key::contact_length) && !values.has(key::contact_receptors)) {
        values.set(key::contact_length, default_contact_length_um);
    }
}

std::unique_ptr<point_simulator> contact_sensing_model::prepare(const parameter_set& values) const {
    check(values);
    return std::make_unique<contact_sensing_simulator>(read_configuration(values));
}

std::vector<report_column> contact_sensing_model::analyze(const parameter_set& values,
                                                          const point_results& results,
                                                          const analysis_options& options) const {
    return analyze_point(values, results, options);
}

}  // namespace vigil::contact_sensing

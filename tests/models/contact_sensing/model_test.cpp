#include "models/contact_sensing/model.hpp"

#include "engine/error.hpp"
#include "models/contact_sensing/max_sum_arc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <string>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;

// The declared defaults, plus `overrides`, as the engine would pass them after checking.
parameter_set defaults_with(const std::vector<std::pair<std::string, parameter_value>>& overrides) {
    parameter_set values;
    for (const parameter_spec& spec : contact_sensing_model().parameters()) {
        if (spec.default_value) values.set(spec.name, *spec.default_value);
    }
    for (const auto& [name, value] : overrides) values.set(name, value);
    return values;
}

std::string check_message(const parameter_set& values) {
    try {
        contact_sensing_model().check(values);
    } catch (const input_error& error) {
        return error.what();
    }
    return "";
}

TEST(contact_sensing_model, declares_its_parameters_in_one_table) {
    const auto parameters = contact_sensing_model().parameters();
    std::set<std::string> names;
    for (const parameter_spec& spec : parameters) {
        EXPECT_TRUE(names.insert(spec.name).second) << spec.name << " declared twice";
        EXPECT_FALSE(spec.description.empty()) << spec.name;
        if (spec.kind != parameter_kind::choice) {
            EXPECT_FALSE(spec.unit.empty()) << spec.name;
        }
        if (spec.default_value) {
            EXPECT_NO_THROW(check_value(spec, *spec.default_value, "default")) << spec.name;
        }
    }
    const std::vector<std::string> expected{"receptors",
                                            "radius_um",
                                            "contact_length_um",
                                            "contact_receptors",
                                            "ephrin_binding_rate",
                                            "interferer_binding_rate",
                                            "ephrin_unbinding_rate",
                                            "interferer_unbinding_rate",
                                            "observation_time",
                                            "interferer",
                                            "initial_state",
                                            "observer",
                                            "edge_width_um"};
    EXPECT_EQ(names, std::set<std::string>(expected.begin(), expected.end()));

    const auto find = [&](const std::string& name) {
        return *std::find_if(parameters.begin(), parameters.end(),
                             [&](const parameter_spec& spec) { return spec.name == name; });
    };
    EXPECT_FALSE(find("contact_length_um").default_value.has_value());
    EXPECT_FALSE(find("contact_receptors").default_value.has_value());
    EXPECT_EQ(std::get<double>(*find("receptors").default_value), 400);
    EXPECT_EQ(find("receptors").kind, parameter_kind::integer);
    EXPECT_EQ(std::get<std::string>(*find("interferer").default_value), "everywhere");
    EXPECT_EQ(find("interferer").choices, (std::vector<std::string>{"everywhere", "outside"}));
    EXPECT_EQ(find("initial_state").choices, (std::vector<std::string>{"unbound", "steady"}));
    EXPECT_EQ(find("observer").choices, (std::vector<std::string>{"binding_durations"}));
    EXPECT_THROW(check_value(find("ephrin_unbinding_rate"), 0.0, "test"), input_error);
    EXPECT_NO_THROW(check_value(find("ephrin_binding_rate"), 0.0, "test"));
}

TEST(contact_sensing_model, declares_its_results_in_order) {
    std::vector<std::string> names;
    for (const result_field& field : contact_sensing_model().results()) {
        names.push_back(field.name);
        EXPECT_FALSE(field.unit.empty());
        EXPECT_FALSE(field.description.empty());
    }
    EXPECT_EQ(names, (std::vector<std::string>{
                         "contact_centre_rad", "glrt_statistic", "centre_estimate_rad",
                         "width_estimate_rad", "receptors_in_contact", "binding_events",
                         "glrt_statistic_no_contact", "binding_events_no_contact"}));
}

TEST(contact_sensing_model, check_accepts_the_defaults_and_one_width) {
    EXPECT_EQ(check_message(defaults_with({})), "");
    EXPECT_EQ(check_message(defaults_with({{"contact_length_um", 30.0}})), "");
    EXPECT_EQ(check_message(defaults_with({{"contact_receptors", 400.0}})), "");
}

TEST(contact_sensing_model, check_refuses_two_widths) {
    const std::string message =
        check_message(defaults_with({{"contact_length_um", 3.0}, {"contact_receptors", 5.0}}));
    EXPECT_NE(message.find("contact_length_um"), std::string::npos) << message;
    EXPECT_NE(message.find("contact_receptors"), std::string::npos) << message;
}

TEST(contact_sensing_model, check_refuses_a_contact_longer_than_the_perimeter) {
    const std::string by_length = check_message(defaults_with({{"contact_length_um", 70.0}}));
    EXPECT_NE(by_length.find("contact_length_um"), std::string::npos) << by_length;
    EXPECT_NE(by_length.find("62.83"), std::string::npos) << by_length;  // 2 pi R, R = 10

    const std::string by_count = check_message(defaults_with({{"contact_receptors", 401.0}}));
    EXPECT_NE(by_count.find("contact_receptors"), std::string::npos) << by_count;
    EXPECT_NE(by_count.find("400"), std::string::npos) << by_count;

    // The default 1 um contact on a cell of perimeter 2 pi 0.1 um.
    const std::string by_default = check_message(defaults_with({{"radius_um", 0.1}}));
    EXPECT_NE(by_default.find("contact_length_um"), std::string::npos) << by_default;
}

TEST(contact_sensing_model, check_refuses_a_cell_that_never_binds) {
    const std::string message = check_message(
        defaults_with({{"ephrin_binding_rate", 0.0}, {"interferer_binding_rate", 0.0}}));
    EXPECT_NE(message.find("ephrin_binding_rate"), std::string::npos) << message;
    EXPECT_NE(message.find("interferer_binding_rate"), std::string::npos) << message;
    EXPECT_EQ(check_message(defaults_with({{"interferer_binding_rate", 0.0}})), "");
}

TEST(read_configuration, uses_a_1_um_contact_by_default) {
    const point_configuration configuration = read_configuration(defaults_with({}));
    EXPECT_DOUBLE_EQ(configuration.contact_width_rad, 1.0 / 10);
    EXPECT_DOUBLE_EQ(
        read_configuration(defaults_with({{"contact_receptors", 100.0}})).contact_width_rad,
        two_pi / 4);
    const point_configuration outside = read_configuration(defaults_with(
        {{"interferer", std::string("outside")}, {"initial_state", std::string("steady")}}));
    EXPECT_EQ(outside.placement, interferer_placement::outside);
    EXPECT_EQ(outside.start, initial_state::steady);
}

TEST(ephrin_level, is_sharp_or_logistic) {
    EXPECT_EQ(ephrin_level(-0.1, 0), 1.0);
    EXPECT_EQ(ephrin_level(0.1, 0), 0.0);
    EXPECT_DOUBLE_EQ(ephrin_level(0, 2), 0.5);
    EXPECT_NEAR(ephrin_level(-0.01, 2) - ephrin_level(0.01, 2), 0.02 / 2, 1e-6);  // slope 1/xi
    EXPECT_EQ(ephrin_level(1e6, 1e-3), 0.0);
    EXPECT_EQ(ephrin_level(-1e6, 1e-3), 1.0);
}

std::vector<double> simulate_one(const point_simulator& simulator, std::uint64_t replicate,
                                 trajectory_record* trajectory = nullptr) {
    std::vector<double> results(contact_sensing_model().results().size());
    simulator.simulate(replicate_streams(11, 3, replicate), results, trajectory);
    return results;
}

TEST(contact_sensing_simulator, fills_every_result_reproducibly) {
    const auto simulator = contact_sensing_model().prepare(defaults_with({}));
    const auto first = simulate_one(*simulator, 0);
    EXPECT_EQ(first, simulate_one(*simulator, 0));
    EXPECT_NE(first, simulate_one(*simulator, 1));

    for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
        const auto r = simulate_one(*simulator, replicate);
        EXPECT_GE(r[0], 0);
        EXPECT_LT(r[0], two_pi);
        EXPECT_GE(r[1], 0);
        EXPECT_GE(r[2], 0);
        EXPECT_LT(r[2], two_pi);
        EXPECT_GT(r[3], 0);
        EXPECT_LE(r[3], two_pi);
        EXPECT_GE(r[4], 3);  // 1 um at R = 10 um: 6.37 receptor spacings
        EXPECT_LE(r[4], 7);
        EXPECT_GT(r[5], 3000);  // about 4000 bonds in each ensemble
        EXPECT_GE(r[6], 0);
        EXPECT_GT(r[7], 3000);
    }
}

TEST(contact_sensing_simulator, counts_the_receptors_in_contact) {
    const auto simulator =
        contact_sensing_model().prepare(defaults_with({{"contact_receptors", 64.0}}));
    for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
        const auto r = simulate_one(*simulator, replicate);
        EXPECT_EQ(r[4], 64);  // an arc of 64 spacings holds exactly 64 receptors (ties: measure 0)
    }
    const auto whole =
        contact_sensing_model().prepare(defaults_with({{"contact_receptors", 400.0}}));
    EXPECT_EQ(simulate_one(*whole, 0)[4], 400);
}

TEST(contact_sensing_simulator, records_the_contact_ensemble_on_request) {
    const auto simulator = contact_sensing_model().prepare(defaults_with({}));
    trajectory_record trajectory;
    const auto with = simulate_one(*simulator, 4, &trajectory);
    EXPECT_EQ(with, simulate_one(*simulator, 4));  // recording changes nothing

    ASSERT_EQ(trajectory.count("log_likelihood_ratio"), 1u);
    const auto& llr = trajectory.at("log_likelihood_ratio").values;
    EXPECT_EQ(llr.size(), 400u);
    const circular_run best = max_sum_circular_run(llr);
    EXPECT_DOUBLE_EQ(glrt_statistic(best), with[1]);
    EXPECT_DOUBLE_EQ(run_centre_angle(best, 400), with[2]);

    const std::size_t events = trajectory.at("event_receptor").values.size();
    for (const char* name : {"event_start", "event_duration", "event_ligand", "event_censored"}) {
        ASSERT_EQ(trajectory.count(name), 1u) << name;
        EXPECT_EQ(trajectory.at(name).values.size(), events) << name;
    }
    EXPECT_EQ(static_cast<double>(events), with[5]);  // unbound start: every interval is a bond
    const auto& ligand = trajectory.at("event_ligand").values;
    const auto& receptor = trajectory.at("event_receptor").values;
    EXPECT_TRUE(std::is_sorted(receptor.begin(), receptor.end()));
    EXPECT_GT(std::count(ligand.begin(), ligand.end(), 0.0), 0);
    EXPECT_GT(std::count(ligand.begin(), ligand.end(), 1.0), 0);
}

TEST(contact_sensing_simulator, without_interferer_detects_contact_with_certainty) {
    const auto simulator = contact_sensing_model().prepare(
        defaults_with({{"interferer_binding_rate", 0.0}, {"contact_receptors", 40.0}}));
    const auto r = simulate_one(*simulator, 2);
    EXPECT_EQ(r[1], std::numeric_limits<double>::infinity());
    EXPECT_EQ(r[6], 0.0);  // nothing binds without contact
    EXPECT_EQ(r[7], 0.0);
    // The arc covers the bound receptors: its centre is near the true one.
    const double error = std::remainder(r[2] - r[0], two_pi);
    EXPECT_LT(std::fabs(error), two_pi * 20 / 400);
}

TEST(contact_sensing_simulator, supports_every_option) {
    for (const char* interferer : {"everywhere", "outside"}) {
        for (const char* start : {"unbound", "steady"}) {
            for (const double edge : {0.0, 0.5}) {
                const auto simulator = contact_sensing_model().prepare(
                    defaults_with({{"interferer", std::string(interferer)},
                                   {"initial_state", std::string(start)},
                                   {"edge_width_um", edge},
                                   {"contact_length_um", 10.0}}));
                const auto r = simulate_one(*simulator, 0);
                for (const double value : r) EXPECT_TRUE(std::isfinite(value));
                EXPECT_GT(r[1], 0) << interferer << " " << start << " " << edge;
            }
        }
    }
}

TEST(registry, finds_the_contact_sensing_model) {
    EXPECT_EQ(find_model("contact_sensing").name(), "contact_sensing");
    ASSERT_FALSE(all_models().empty());
    try {
        find_model("nope");
        FAIL() << "no exception";
    } catch (const input_error& error) {
        // Other families are listed too; this one must be among them.
        const std::string message = error.what();
        EXPECT_EQ(message.rfind("unknown model \"nope\"; known models: ", 0), 0u) << message;
        EXPECT_NE(message.find("contact_sensing"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace vigil::contact_sensing

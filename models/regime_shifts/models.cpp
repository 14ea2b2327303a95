#include "models/regime_shifts/models.hpp"

#include "models/regime_shifts/allee_ibm.hpp"

#include <fmt/format.h>

#include <limits>

namespace vigil::regime_shifts {

namespace {

constexpr double large = 1e6;

// The control's start value `name` and its optional end value `name_end` (absent: held).
void add_control(std::vector<parameter_spec>& table, const std::string& name,
                 const std::string& unit, const std::string& description, double default_start,
                 double minimum, double maximum, bool minimum_inclusive = true) {
    table.push_back(real_parameter(name, unit, description + " at the start of the run",
                                   default_start, minimum, maximum, minimum_inclusive));
    table.push_back(real_parameter(name + "_end", unit,
                                   description + " at the end of the run, reached by a linear ramp "
                                                 "(default: held at the start value)",
                                   std::nullopt, minimum, maximum, minimum_inclusive));
}

std::function<control_ramp(const parameter_set&)> start_end_ramp(const std::string& name) {
    return [name](const parameter_set& values) {
        const double start = values.real(name);
        const double end = values.has(name + "_end") ? values.real(name + "_end") : start;
        return control_ramp{start, end, values.real(key::duration)};
    };
}

Eigen::VectorXd vector_of(std::initializer_list<double> values) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const double x : values) v[i++] = x;
    return v;
}

}  // namespace

continuous_definition<grazing_equations> grazing_definition() {
    continuous_definition<grazing_equations> d;
    d.name = "grazing";
    d.summary = "May's grazed vegetation, r x (1 - x/K) - c x^2/(x^2 + h^2): folds at c = 2.604";
    d.control_key = "grazing_rate";
    d.control_unit = "biomass/time";
    d.state_unit = "biomass";
    d.component_names = {"biomass"};
    auto& t = d.model_parameters;
    t.push_back(
        real_parameter("growth_rate", "1/time", "logistic growth rate r", 1.0, 0, large, false));
    t.push_back(real_parameter("carrying_capacity", "biomass", "carrying capacity K", 10.0, 0,
                               large, false));
    t.push_back(real_parameter("half_saturation", "biomass",
                               "biomass h at which grazing is half its maximum", 1.0, 0, large,
                               false));
    add_control(t, "grazing_rate", "biomass/time", "maximal grazing rate c", 1.0, 0, large);
    d.read_equations = [](const parameter_set& v) {
        return grazing_equations{v.real("growth_rate"), v.real("carrying_capacity"),
                                 v.real("half_saturation")};
    };
    d.read_ramp = start_end_ramp("grazing_rate");
    d.branch = [](const grazing_equations& e) {
        const double scale = e.growth_rate * e.carrying_capacity;
        return branch_definition{vector_of({e.carrying_capacity}), 0.0,  1e-3 * scale,
                                 0.05 * e.carrying_capacity,       +1.0, scale};
    };
    d.exit = exit_direction::below;
    d.default_threshold = 2.0;
    d.threshold_description =
        "the collapse is detected when biomass falls below this (below the unstable state for "
        "c > 2 with the default constants)";
    d.offers_multiplicative_noise = true;
    d.default_noise = 0.1;
    return d;
}

continuous_definition<lake_equations> lake_definition() {
    continuous_definition<lake_equations> d;
    d.name = "lake";
    d.summary = "Carpenter's lake phosphorus, a - b P + P^q/(1 + P^q): folds at a = 0.660";
    d.control_key = "phosphorus_loading";
    d.control_unit = "concentration/time";
    d.state_unit = "concentration";
    d.component_names = {"phosphorus"};
    auto& t = d.model_parameters;
    t.push_back(
        real_parameter("loss_rate", "1/time", "phosphorus loss rate b", 1.0, 0, large, false));
    t.push_back(
        real_parameter("hill_exponent", "1", "exponent q of the recycling term", 8.0, 1, 100));
    add_control(t, "phosphorus_loading", "concentration/time", "phosphorus loading a", 0.3, 0,
                large);
    d.read_equations = [](const parameter_set& v) {
        return lake_equations{v.real("loss_rate"), v.real("hill_exponent")};
    };
    d.read_ramp = start_end_ramp("phosphorus_loading");
    d.branch = [](const lake_equations& e) {
        return branch_definition{vector_of({0.0}), 0.0, 1e-3, 0.1, +1.0, 10 * e.loss_rate};
    };
    d.exit = exit_direction::above;
    d.default_threshold = 1.2;
    d.threshold_description =
        "the shift to the turbid state is detected when phosphorus rises above this";
    d.offers_multiplicative_noise = true;
    d.default_noise = 0.05;
    return d;
}

continuous_definition<harvest_equations> harvest_definition() {
    continuous_definition<harvest_equations> d;
    d.name = "harvest";
    d.summary =
        "logistic growth with proportional harvest, r x (1 - x/K) - E x: transcritical at "
        "E = r";
    d.control_key = "harvest_rate";
    d.control_unit = "1/time";
    d.state_unit = "biomass";
    d.component_names = {"biomass"};
    auto& t = d.model_parameters;
    t.push_back(
        real_parameter("growth_rate", "1/time", "logistic growth rate r", 1.0, 0, large, false));
    t.push_back(real_parameter("carrying_capacity", "biomass", "carrying capacity K", 1.0, 0, large,
                               false));
    add_control(t, "harvest_rate", "1/time", "harvest rate E", 0.5, 0, large);
    d.read_equations = [](const parameter_set& v) {
        return harvest_equations{v.real("growth_rate"), v.real("carrying_capacity")};
    };
    d.read_ramp = start_end_ramp("harvest_rate");
    d.branch = [](const harvest_equations& e) {
        return branch_definition{vector_of({e.carrying_capacity}), 0.0,  1e-3 * e.growth_rate,
                                 0.1 * e.carrying_capacity,        +1.0, 2 * e.growth_rate};
    };
    d.exit = exit_direction::below;
    d.default_threshold = 0.05;
    d.threshold_description = "extinction is detected when biomass falls below this";
    d.offers_multiplicative_noise = true;
    d.default_noise = 0.02;
    return d;
}

continuous_definition<saddle_node_equations> saddle_node_definition() {
    continuous_definition<saddle_node_equations> d;
    d.name = "saddle_node";
    d.summary = "the saddle-node normal form mu - x^2: stable state sqrt(mu), fold at mu = 0";
    d.control_key = "fold_distance";
    d.control_unit = "1/time";
    d.state_unit = "1";
    d.component_names = {"state"};
    auto& t = d.model_parameters;
    t.push_back(real_parameter("fold_distance", "1/time",
                               "mu at the start of the run (a stable state exists for mu > 0)", 1.0,
                               0, large, false));
    t.push_back(real_parameter("fold_distance_end", "1/time",
                               "mu at the end of the run, reached by a linear ramp; may be "
                               "negative (past the fold). Default: held",
                               std::nullopt, -large, large));
    d.read_equations = [](const parameter_set&) { return saddle_node_equations{}; };
    d.read_ramp = start_end_ramp("fold_distance");
    d.branch = [](const saddle_node_equations&) {
        return branch_definition{vector_of({1.0}), 1.0, 1e-3, 0.5, -1.0, -1.0};
    };
    d.exit = exit_direction::below;
    d.default_threshold = -1.0;
    d.threshold_description = "escape is detected when the state falls below this";
    d.default_noise = 0.1;
    return d;
}

continuous_definition<ou_equations> ou_definition() {
    continuous_definition<ou_equations> d;
    d.name = "ou";
    d.summary =
        "Ornstein-Uhlenbeck relaxation lambda (theta - x): no bifurcation; the exact "
        "Gaussian step as reference";
    d.control_key = "relaxation_rate";
    d.control_unit = "1/time";
    d.state_unit = "1";
    d.component_names = {"state"};
    auto& t = d.model_parameters;
    t.push_back(
        real_parameter("mean_state", "1", "mean theta the state relaxes to", 0.0, -large, large));
    add_control(t, "relaxation_rate", "1/time", "relaxation rate lambda", 1.0, 0, large, false);
    d.read_equations = [](const parameter_set& v) { return ou_equations{v.real("mean_state")}; };
    d.read_ramp = start_end_ramp("relaxation_rate");
    d.branch = [](const ou_equations& e) {
        return branch_definition{vector_of({e.mean_state}), 1.0, 1e-2, 1.0, 0.0, 0.0};
    };
    d.exit = exit_direction::above;
    d.threshold_description =
        "optional: a transition is recorded when the state rises above "
        "this (default: never)";
    d.offers_exact_step = true;
    d.default_noise = 0.1;
    return d;
}

continuous_definition<lsn_equations> lsn_definition() {
    continuous_definition<lsn_equations> d;
    d.name = "lsn";
    d.summary =
        "Boettiger-Hastings linearised saddle-node 2 sqrt(R)(sqrt(R) + theta - x), "
        "R(t) = R_0 + m t: fold when R reaches 0";
    d.control_key = "fold_distance";
    d.control_unit = "1/time^2";
    d.state_unit = "1";
    d.component_names = {"state"};
    auto& t = d.model_parameters;
    t.push_back(real_parameter("resting_state", "1", "theta: the stable state is sqrt(R) + theta",
                               10.0, -large, large));
    t.push_back(real_parameter("fold_distance", "1/time^2", "R_0: distance to the fold at time 0",
                               1.0, 0, large, false));
    t.push_back(real_parameter("fold_distance_rate", "1/time^3",
                               "m in R(t) = R_0 + m t; R must stay >= 0 over the run", 0.0, -large,
                               large));
    d.read_equations = [](const parameter_set& v) {
        return lsn_equations{v.real("resting_state")};
    };
    d.read_ramp = [](const parameter_set& v) {
        const double duration = v.real(key::duration);
        return control_ramp{v.real("fold_distance"),
                            v.real("fold_distance") + v.real("fold_distance_rate") * duration,
                            duration};
    };
    d.extra_check = [](const parameter_set& v) {
        const double end =
            v.real("fold_distance") + v.real("fold_distance_rate") * v.real(key::duration);
        if (end < 0) {
            throw input_error(fmt::format(
                "fold_distance_rate = {}: R(t) = fold_distance + fold_distance_rate t reaches {} "
                "at t = duration = {}, leaving the valid range R >= 0",
                v.real("fold_distance_rate"), end, v.real(key::duration)));
        }
        if (v.real("resting_state") + std::sqrt(v.real("fold_distance")) <= 0) {
            throw input_error(
                "resting_state: sqrt(fold_distance) + resting_state must be > 0 "
                "(the noise amplitude is sigma sqrt(sqrt(R) + theta))");
        }
    };
    d.branch = [](const lsn_equations& e) {
        return branch_definition{vector_of({1.0 + e.resting_state}), 1.0, 1e-3, 1.0, -1.0, 0.0};
    };
    d.exit = exit_direction::below;
    d.threshold_description =
        "optional: a transition is recorded when the state falls below "
        "this (default: never; the model is linear)";
    d.default_noise = 0.1;
    return d;
}

continuous_definition<predator_prey_equations> predator_prey_definition() {
    continuous_definition<predator_prey_equations> d;
    d.name = "predator_prey";
    d.summary =
        "Rosenzweig-MacArthur predator-prey: transcritical at a = 5.882, Hopf at "
        "a = 15.686";
    d.control_key = "attack_rate";
    d.control_unit = "1/(density time)";
    d.state_unit = "density";
    d.component_names = {"prey", "predator"};
    auto& t = d.model_parameters;
    t.push_back(real_parameter("prey_growth_rate", "1/time", "prey logistic growth rate r", 4.0, 0,
                               large, false));
    t.push_back(real_parameter("carrying_capacity", "density", "prey carrying capacity K", 1.7, 0,
                               large, false));
    t.push_back(real_parameter("handling_time", "time", "handling time h of the type II response",
                               0.15, 0, large));
    t.push_back(real_parameter("conversion_efficiency", "1", "predator births per prey eaten, e",
                               0.5, 0, large, false));
    t.push_back(real_parameter("predator_mortality", "1/time", "predator death rate m", 2.0, 0,
                               large, false));
    add_control(t, "attack_rate", "1/(density time)", "attack rate a", 10.0, 0, large);
    d.read_equations = [](const parameter_set& v) {
        return predator_prey_equations{v.real("prey_growth_rate"), v.real("carrying_capacity"),
                                       v.real("handling_time"), v.real("conversion_efficiency"),
                                       v.real("predator_mortality")};
    };
    d.read_ramp = start_end_ramp("attack_rate");
    d.branch = [](const predator_prey_equations& e) {
        // The coexistence equilibrium at a reference attack rate, from the predator isocline.
        const double a = 10;
        const double x = e.predator_mortality /
                         (a * (e.conversion_efficiency - e.predator_mortality * e.handling_time));
        const double y =
            e.prey_growth_rate * (1 - x / e.carrying_capacity) * (1 + a * e.handling_time * x) / a;
        return branch_definition{vector_of({x, y}), a, 1e-2, 0.2, +1.0, 200.0};
    };
    d.exit = exit_direction::below;
    d.default_threshold = 0.1;
    d.threshold_description = "the prey crash is detected when prey density falls below this";
    d.offers_multiplicative_noise = true;
    d.default_noise = 0.02;
    d.default_time_step = 0.005;
    d.default_sample_interval = 0.1;
    d.default_duration = 100;
    d.default_burn_in = 20;
    return d;
}

std::unique_ptr<model> make_grazing_model() {
    return std::make_unique<continuous_model<grazing_equations>>(grazing_definition());
}
std::unique_ptr<model> make_lake_model() {
    return std::make_unique<continuous_model<lake_equations>>(lake_definition());
}
std::unique_ptr<model> make_harvest_model() {
    return std::make_unique<continuous_model<harvest_equations>>(harvest_definition());
}
std::unique_ptr<model> make_saddle_node_model() {
    return std::make_unique<continuous_model<saddle_node_equations>>(saddle_node_definition());
}
std::unique_ptr<model> make_ou_model() {
    return std::make_unique<continuous_model<ou_equations>>(ou_definition());
}
std::unique_ptr<model> make_lsn_model() {
    return std::make_unique<continuous_model<lsn_equations>>(lsn_definition());
}
std::unique_ptr<model> make_predator_prey_model() {
    return std::make_unique<continuous_model<predator_prey_equations>>(predator_prey_definition());
}
std::unique_ptr<model> make_allee_ibm_model() {
    return std::make_unique<allee_ibm_model>();
}

}  // namespace vigil::regime_shifts

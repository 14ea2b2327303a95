#pragma once

// Test helpers: a parameter set of the model's defaults with overrides, and one replicate run
// through the model's simulator, with its results by name and its trajectory.

#include "models/opposing_signals/model.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vigil::opposing_signals::testing {

inline parameter_set defaults_with(
    const std::vector<std::pair<std::string, parameter_value>>& overrides) {
    const opposing_signals_model model;
    parameter_set values;
    for (const parameter_spec& spec : model.parameters()) {
        parameter_value value = *spec.default_value;
        for (const auto& [name, given] : overrides) {
            if (name == spec.name) value = given;
        }
        values.set(spec.name, value);
    }
    model.check(values);
    return values;
}

struct replicate_outcome {
    std::map<std::string, double> results;
    trajectory_record trajectory;
};

inline replicate_outcome run_replicate(const parameter_set& values, std::uint64_t seed,
                                       std::uint64_t replicate) {
    const opposing_signals_model model;
    const auto simulator = model.prepare(values);
    const auto fields = model.results();
    std::vector<double> slots(fields.size());
    replicate_outcome outcome;
    simulator->simulate(replicate_streams(seed, 0, replicate), slots, &outcome.trajectory);
    for (std::size_t i = 0; i < fields.size(); ++i) outcome.results[fields[i].name] = slots[i];
    return outcome;
}

}  // namespace vigil::opposing_signals::testing

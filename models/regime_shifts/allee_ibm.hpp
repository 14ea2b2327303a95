#pragma once

// allee_ibm: an individual-based population with an Allee effect, simulated exactly by
// Gillespie's direct method while the extra death rate a(t) ramps linearly (the waiting time
// integrates the time-varying total rate exactly). A prepared simulator holds only constants:
// simulate() is const, thread-safe, and a pure function of the replicate's streams.

#include "engine/model.hpp"
#include "models/regime_shifts/common.hpp"
#include "models/regime_shifts/equations.hpp"
#include "models/regime_shifts/report.hpp"

#include <cstdint>
#include <optional>

namespace vigil::regime_shifts {

struct allee_configuration {
    allee_equations equations;
    std::int64_t initial_population = 730;
    double extra_death_rate = 100;      // a at time 0 (and during burn-in)
    double extra_death_rate_slope = 0;  // da/dt of the approaching member
    double duration = 1000;
    double burn_in = 0;
    double sample_interval = 1;
    std::size_t samples = 0;
    std::optional<double> threshold;  // transition when n falls below it
    early_warning_settings early_warning;
};

class allee_ibm_simulator final : public point_simulator {
public:
    explicit allee_ibm_simulator(const allee_configuration& configuration)
        : configuration_(configuration) {}

    // One member with the given slope of a(t): the population every sample_interval until the
    // transition (or the end), and the transition.
    member_outcome run_member(random_stream stream, double slope) const;

    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override;

private:
    allee_configuration configuration_;
};

class allee_ibm_model final : public model {
public:
    std::string name() const override { return "allee_ibm"; }
    std::string summary() const override;
    std::vector<parameter_spec> parameters() const override;
    std::vector<result_field> results() const override;
    void check(const parameter_set& values) const override;
    std::unique_ptr<point_simulator> prepare(const parameter_set& values) const override;
    std::vector<report_column> analyze(const parameter_set& values, const point_results& results,
                                       const analysis_options& options) const override;

    allee_configuration configuration(const parameter_set& values) const;
    point_theory theory(const parameter_set& values) const;
};

}  // namespace vigil::regime_shifts

#pragma once

// The interface between the engine and a model family. A model knows its parameters, its
// equations and its statistics; it knows nothing of scans, threads or files. The engine
// calls prepare() once per scan point (single-threaded), then point_simulator::simulate()
// for every replicate of that point from many threads at once, so a point_simulator must be
// safe to call concurrently and must draw every random number from the streams it is given.

#include "parameters.hpp"
#include "random_stream.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace vigil {

// One per-replicate scalar result (a column of the point x replicate result datasets).
struct result_field {
    std::string name;
    std::string unit;
    std::string description;
};

// Optional per-replicate detail (per-receptor values, event histories, trajectories): named
// 1-D series, each with a unit. Only requested for the first few replicates of a point.
struct trajectory_series {
    std::string unit;
    std::string description;
    std::vector<double> values;
};
using trajectory_record = std::map<std::string, trajectory_series>;

class point_simulator {
public:
    virtual ~point_simulator() = default;

    // Simulates one replicate. `results` has one slot per result_field, in declared order.
    // When `trajectory` is not null, also records the replicate's detail into it.
    virtual void simulate(const replicate_streams& streams, std::span<double> results,
                          trajectory_record* trajectory) const = 0;
};

// One value of a point's analysis: a statistic of the simulated ensemble with its
// confidence interval, or a theory value (no interval) printed beside it.
struct report_column {
    std::string name;
    std::string unit;
    std::string description;
    double value = 0;
    double lower = 0;  // interval bounds; equal to value when has_interval is false
    double upper = 0;
    bool has_interval = false;
    bool headline = false;  // printed in the terminal table; every column goes to csv/json
};

struct analysis_options {
    double false_positive_rate = 0.05;
    double confidence_level = 0.95;
    std::uint64_t bootstrap_resamples = 1000;
    std::uint64_t seed = 0;   // for bootstrap resampling; the run's seed by default
    std::uint64_t point = 0;  // the scan point analysed, so each point resamples its own streams
};

// Read-only view of one scan point's per-replicate results, by result_field name.
using point_results = std::map<std::string, std::span<const double>>;

class model {
public:
    virtual ~model() = default;

    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;  // one line for `vigil models`
    virtual std::vector<parameter_spec> parameters() const = 0;
    virtual std::vector<result_field> results() const = 0;

    // Rules between parameters (exclusive alternatives, orderings). Called on a complete,
    // individually checked parameter_set; throws input_error naming the keys involved.
    virtual void check(const parameter_set& values) const = 0;

    // Fills in values implied by others (e.g. a default chosen from among alternatives), so
    // that the result file records everything a point used. Called after check().
    virtual void complete(parameter_set& values) const { (void)values; }

    virtual std::unique_ptr<point_simulator> prepare(const parameter_set& values) const = 0;

    // Statistics and theory for one scan point, from its results alone.
    virtual std::vector<report_column> analyze(const parameter_set& values,
                                               const point_results& results,
                                               const analysis_options& options) const = 0;
};

// The models this build knows, by name; defined in models/registry.cpp.
const std::vector<std::unique_ptr<model>>& all_models();
const model& find_model(const std::string& name);  // throws input_error listing the names

}  // namespace vigil

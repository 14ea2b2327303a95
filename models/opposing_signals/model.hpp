#pragma once

// The opposing-signals model (specs/opposing-signals.md): a two-layer linear network trained on
// data with paired outlier groups. One replicate draws a data set and an initialisation from
// its own streams, trains, and stores scalar summaries (and, on request, the trajectories). A
// prepared simulator holds only constants, so simulate() may run on many threads at once.

#include "engine/model.hpp"
#include "models/opposing_signals/data.hpp"
#include "models/opposing_signals/summary.hpp"
#include "models/opposing_signals/training.hpp"

#include <cstdint>

namespace vigil::opposing_signals {

// The random streams of one replicate, by id: listed here and nowhere else.
enum class stream_id : std::uint64_t {
    signal_inputs = 0,     // the signal coordinates x_s of every point
    signal_direction = 1,  // the direction of beta
    label_noise = 2,       // noise added to the targets
    initialization = 3,    // the network's initial weights
    minibatches = 4,       // the minibatches of SGD
};

// Everything one scan point needs, read from a parameter set the model accepted.
struct point_configuration {
    data_configuration data;
    std::size_t hidden_width = 20;
    double init_scale = 0.01;
    training_settings training;
    summary_settings summary;
};

point_configuration read_configuration(const parameter_set& values);

class opposing_signals_simulator final : public point_simulator {
public:
    explicit opposing_signals_simulator(const point_configuration& configuration)
        : configuration_(configuration) {}

    // Fills summary_fields() in order; with a trajectory, records the metrics at every
    // recorded step (every record_every steps and the last).
    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override;

private:
    point_configuration configuration_;
};

class opposing_signals_model final : public model {
public:
    std::string name() const override { return "opposing_signals"; }
    std::string summary() const override;
    std::vector<parameter_spec> parameters() const override;
    std::vector<result_field> results() const override;
    void check(const parameter_set& values) const override;
    std::unique_ptr<point_simulator> prepare(const parameter_set& values) const override;
    std::vector<report_column> analyze(const parameter_set& values, const point_results& results,
                                       const analysis_options& options) const override;
};

}  // namespace vigil::opposing_signals

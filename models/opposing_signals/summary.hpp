#pragma once

// Per-replicate scalar summaries of one training run (the model's result fields): long-run
// averages over the last part of the run, period-2 and antiphase statistics, the loss spike,
// group discovery and the exact least-squares fit of the data set. summarize() is pure; a
// quantity a run cannot define (no spike, a diverged run) is NaN.

#include "engine/model.hpp"
#include "models/opposing_signals/data.hpp"
#include "models/opposing_signals/training.hpp"

#include <span>
#include <vector>

namespace vigil::opposing_signals {

struct run_summary {
    double long_run_sharpness = 0;
    double long_run_sharpness_formula_ratio = 0;
    double long_run_second_layer_norm_sq = 0;
    double long_run_outlier_column_norm_sq = 0;
    double long_run_outlier_weight = 0;  // the balance point reached
    double long_run_loss = 0;
    double long_run_eigenvector_outlier_share = 0;
    double outlier_weight_period2_amplitude = 0;
    double outlier_weight_lag1_correlation = 0;
    double group_loss_antiphase_correlation = 0;
    double group_loss_alternation = 0;
    double max_sharpness = 0;
    double edge_of_stability_step = 0;
    double spike_height = 0;
    double spike_step = 0;
    double spike_ratio = 0;
    double discovery_step = 0;
    double discovery_precision = 0;
    double discovery_recall = 0;
    double discovery_opposition = 0;
    double least_squares_weight_norm = 0;
    double least_squares_outlier_weight = 0;
    double final_loss = 0;
    double unconverged_sharpness = 0;
    double diverged = 0;
};

struct summary_field {
    result_field field;
    double run_summary::*member;
};

// The result fields in the order they are stored.
const std::vector<summary_field>& summary_fields();

struct summary_settings {
    double learning_rate = 0.05;     // sets the edge of stability 2 / learning_rate
    double long_run_fraction = 0.2;  // the window: the last fraction of the steps
};

run_summary summarize(const training_history& history, const data_set& data,
                      const summary_settings& settings);

void store(const run_summary& summary, std::span<double> results);

}  // namespace vigil::opposing_signals

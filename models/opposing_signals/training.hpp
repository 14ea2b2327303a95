#pragma once

// One training run of the two-layer linear network on one data set, with the metrics of
// specs/opposing-signals.md recorded along the way. train() is a pure function of its inputs
// and of the minibatch stream (used by SGD only); it is safe to run many at once on different
// threads, each with its own data set and streams.

#include "engine/random_stream.hpp"
#include "models/opposing_signals/data.hpp"
#include "models/opposing_signals/network.hpp"
#include "models/opposing_signals/optimizers.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <vector>

namespace vigil::opposing_signals {

struct training_settings {
    optimizer_settings optimizer;
    std::size_t steps = 3000;
    std::size_t batch_size = 100;  // minibatch SGD only
    std::size_t record_every = 1;  // sharpness and trajectory stride, in steps
    double sharpness_tolerance = 1e-6;
    int sharpness_max_iterations = 100;
    std::size_t discovered_points = 50;  // points taken as the discovered groups
};

// Entries N(0, init_scale^2 / fan_in): fan_in = 1 + k for A and h for b.
Eigen::VectorXd initial_parameters(const linear_network_objective& objective, double init_scale,
                                   random_stream& stream);

struct training_history {
    // Every step t = 0, 1, ..., steps (t = 0 is the initialisation); when the loss overflows
    // the run stops there and `diverged` is set.
    bool diverged = false;
    std::vector<double> loss;
    std::vector<double> loss_group_a;  // mean point loss over group A (NaN if empty)
    std::vector<double> loss_group_b;
    std::vector<double> loss_rest;
    std::vector<double> outlier_weight;          // w_0 = b^T A[:, 0]
    std::vector<double> second_layer_norm_sq;    // ||b||^2
    std::vector<double> outlier_column_norm_sq;  // ||A[:, 0]||^2

    // Steps 0, record_every, 2 record_every, ... and the last step.
    std::vector<double> recorded_step;
    std::vector<double> sharpness;                  // top Hessian eigenvalue
    std::vector<double> eigenvector_outlier_share;  // mass of its eigenvector on A[:, 0]
    std::vector<double> sharpness_iterations;       // Lanczos products used
    std::size_t unconverged_sharpness = 0;          // Lanczos calls that hit the cap

    // Group discovery at the step of the largest total-loss increase (none: NaN): the
    // `discovered_points` points whose loss changed most, up or down, at that step.
    double discovery_step = 0;
    double discovery_precision = 0;  // discovered points that are outliers (A or B)
    double discovery_recall = 0;     // outliers that were discovered
    // Share of the discovered outliers that fit one group rising while the other falls
    // (the larger of "A rises, B falls" and "A falls, B rises"); 1: perfectly opposed.
    double discovery_opposition = 0;
};

training_history train(const data_set& data, const linear_network_objective& objective,
                       Eigen::VectorXd theta, const training_settings& settings,
                       random_stream& minibatch_stream);

}  // namespace vigil::opposing_signals

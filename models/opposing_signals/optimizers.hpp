#pragma once

// First-order optimisers for the network's parameter vector theta. Each optimiser owns its
// state (velocity, Adam moments) for one run and is not thread-safe; construction is cheap.
// step() takes the gradient at the current theta and updates theta in place, deterministically.

#include <Eigen/Dense>

#include <memory>
#include <string>

namespace vigil::opposing_signals {

enum class optimizer_kind {
    gradient_descent,          // theta -= lr g
    minibatch_sgd,             // the same with minibatch gradients (the caller draws the batches)
    heavy_ball,                // v = mu v + g, theta -= lr v
    adam,                      // Kingma & Ba, bias-corrected moments
    clipped_gradient_descent,  // theta -= lr g min(1, c / ||g||)
    split_adam,  // Adam on the first `adam_coordinates` entries (A[:, 0]), plain GD elsewhere
};

// Scan-file names: "gd", "sgd", "momentum", "adam", "clipped_gd", "split_adam".
optimizer_kind optimizer_from_name(const std::string& name);

struct optimizer_settings {
    optimizer_kind kind = optimizer_kind::gradient_descent;
    double learning_rate = 0.05;
    double momentum = 0.9;
    double adam_beta1 = 0.9;
    double adam_beta2 = 0.999;
    double adam_epsilon = 1e-8;
    double clip_norm = 1;
    Eigen::Index adam_coordinates = 0;  // split_adam: how many leading entries Adam updates
};

class optimizer {
public:
    explicit optimizer(const optimizer_settings& settings) : settings_(settings) {}

    void step(Eigen::VectorXd& theta, const Eigen::VectorXd& gradient);

private:
    void adam_update(Eigen::VectorXd& theta, const Eigen::VectorXd& gradient, Eigen::Index count);

    optimizer_settings settings_;
    Eigen::VectorXd velocity_;       // heavy ball
    Eigen::VectorXd first_moment_;   // Adam
    Eigen::VectorXd second_moment_;  // Adam
    long steps_taken_ = 0;
};

}  // namespace vigil::opposing_signals

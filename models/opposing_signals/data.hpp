#pragma once

// The opposing-signals data set (specs/opposing-signals.md, "Data"): n inputs x = (x_0, x_s)
// with Gaussian signal coordinates x_s, two paired outlier groups at x_0 = +alpha and -alpha,
// and targets y = beta^T x_s + gamma |x_0| / alpha (+ label noise). A data set is a pure
// function of its configuration and the streams it is drawn from; it is immutable afterwards.

#include "engine/random_stream.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::opposing_signals {

enum class point_group : std::uint8_t { group_a, group_b, rest };

struct data_configuration {
    std::size_t samples = 1000;        // n
    std::size_t signal_dims = 10;      // k
    double spectrum_decay = 0.6;       // rho: Var(x_s[j]) = rho^j
    double fraction_group_a = 0.03;    // p_A
    double fraction_group_b = 0.02;    // p_B
    double outlier_magnitude = 25;     // alpha
    double outlier_target_offset = 5;  // gamma
    double signal_norm = 3;            // ||beta||
    double label_noise = 0;            // standard deviation of Gaussian noise added to y

    // Group sizes: round(p n) each, group A first (indices [0, n_A)), then group B.
    std::size_t group_a_count() const;
    std::size_t group_b_count() const;
    // q alpha^2 with q = (n_A + n_B) / n: the second moment of x_0 over the data set.
    double outlier_second_moment() const;
};

struct data_set {
    Eigen::MatrixXd inputs;           // n x (1 + k); column 0 is x_0
    Eigen::VectorXd targets;          // n
    Eigen::VectorXd signal;           // beta, length k
    std::vector<point_group> groups;  // one per point
    std::size_t group_a_count = 0;
    std::size_t group_b_count = 0;
};

// Draws x_s from `input_stream`, the direction of beta (uniform on the sphere) from
// `signal_stream` and the label noise from `noise_stream` (untouched when label_noise = 0).
data_set generate_data(const data_configuration& configuration, random_stream& input_stream,
                       random_stream& signal_stream, random_stream& noise_stream);

}  // namespace vigil::opposing_signals

// One step of each optimiser against its formula.

#include "models/opposing_signals/optimizers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::opposing_signals {
namespace {

Eigen::VectorXd vector_of(std::initializer_list<double> values) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const double value : values) v(i++) = value;
    return v;
}

TEST(optimizers, names_map_to_kinds) {
    EXPECT_EQ(optimizer_from_name("gd"), optimizer_kind::gradient_descent);
    EXPECT_EQ(optimizer_from_name("split_adam"), optimizer_kind::split_adam);
    EXPECT_THROW(optimizer_from_name("lbfgs"), std::invalid_argument);
}

TEST(optimizers, gradient_descent_and_heavy_ball) {
    optimizer_settings settings;
    settings.learning_rate = 0.1;
    Eigen::VectorXd theta = vector_of({1, 2});
    optimizer(settings).step(theta, vector_of({1, -1}));
    EXPECT_DOUBLE_EQ(theta(0), 0.9);
    EXPECT_DOUBLE_EQ(theta(1), 2.1);

    settings.kind = optimizer_kind::heavy_ball;
    settings.momentum = 0.5;
    optimizer heavy(settings);
    theta = vector_of({0, 0});
    heavy.step(theta, vector_of({1, 1}));  // v = 1
    heavy.step(theta, vector_of({1, 1}));  // v = 1.5
    EXPECT_DOUBLE_EQ(theta(0), -0.25);
}

TEST(optimizers, adam_first_step_moves_every_coordinate_by_the_learning_rate) {
    optimizer_settings settings;
    settings.kind = optimizer_kind::adam;
    settings.learning_rate = 0.01;
    Eigen::VectorXd theta = vector_of({0, 0, 0});
    optimizer(settings).step(theta, vector_of({5, -0.001, 100}));
    EXPECT_NEAR(theta(0), -0.01, 1e-8);
    EXPECT_NEAR(theta(1), 0.01, 1e-6);
    EXPECT_NEAR(theta(2), -0.01, 1e-8);
}

TEST(optimizers, clipping_scales_long_gradients_to_the_clip_norm) {
    optimizer_settings settings;
    settings.kind = optimizer_kind::clipped_gradient_descent;
    settings.learning_rate = 1;
    settings.clip_norm = 1;
    Eigen::VectorXd theta = vector_of({0, 0});
    optimizer(settings).step(theta, vector_of({3, 4}));
    EXPECT_DOUBLE_EQ(theta(0), -0.6);
    EXPECT_DOUBLE_EQ(theta(1), -0.8);
    theta = vector_of({0, 0});
    optimizer(settings).step(theta, vector_of({0.3, 0.4}));
    EXPECT_DOUBLE_EQ(theta(0), -0.3);
}

TEST(optimizers, split_adam_uses_adam_only_on_the_leading_coordinates) {
    optimizer_settings settings;
    settings.kind = optimizer_kind::split_adam;
    settings.learning_rate = 0.1;
    settings.adam_coordinates = 1;
    Eigen::VectorXd theta = vector_of({0, 0});
    optimizer(settings).step(theta, vector_of({50, 50}));
    EXPECT_NEAR(theta(0), -0.1, 1e-9);
    EXPECT_DOUBLE_EQ(theta(1), -5.0);
}

}  // namespace
}  // namespace vigil::opposing_signals

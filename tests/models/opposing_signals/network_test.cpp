// The network's exact derivatives against finite differences, and the Lanczos sharpness
// against a dense eigensolver on the Hessian assembled from Hessian-vector products.

#include "models/opposing_signals/network.hpp"
#include "models/opposing_signals/data.hpp"
#include "models/opposing_signals/sharpness.hpp"
#include "models/opposing_signals/training.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <cmath>

namespace vigil::opposing_signals {
namespace {

struct fixture_data {
    data_set data;
    Eigen::VectorXd theta;
};

// A small data set and a point away from the origin (scale 0.5), where every term matters.
fixture_data make_point(std::uint64_t replicate, double scale) {
    data_configuration configuration;
    configuration.samples = 200;
    configuration.signal_dims = 4;
    configuration.label_noise = 0.1;
    const replicate_streams streams(7, 0, replicate);
    random_stream inputs = streams.stream(0);
    random_stream direction = streams.stream(1);
    random_stream noise = streams.stream(2);
    random_stream initialization = streams.stream(3);
    fixture_data point{generate_data(configuration, inputs, direction, noise), {}};
    const linear_network_objective objective(point.data, 6);
    point.theta = initial_parameters(objective, scale, initialization);
    return point;
}

TEST(data, groups_have_the_rounded_sizes_and_the_spec_targets) {
    const auto point = make_point(0, 0.5);
    const data_set& data = point.data;
    EXPECT_EQ(data.group_a_count, 6u);  // round(0.03 * 200)
    EXPECT_EQ(data.group_b_count, 4u);
    EXPECT_NEAR(data.signal.norm(), 3.0, 1e-12);
    EXPECT_EQ(data.inputs(0, 0), 25.0);
    EXPECT_EQ(data.inputs(6, 0), -25.0);
    EXPECT_EQ(data.inputs(10, 0), 0.0);
}

TEST(network, gradient_matches_central_differences_of_the_loss) {
    const auto point = make_point(1, 0.5);
    const linear_network_objective objective(point.data, 6);
    const Eigen::VectorXd gradient = objective.gradient(point.theta);
    const double step = 1e-6;
    for (Eigen::Index i = 0; i < point.theta.size(); ++i) {
        Eigen::VectorXd plus = point.theta;
        Eigen::VectorXd minus = point.theta;
        plus(i) += step;
        minus(i) -= step;
        const double difference = (objective.loss(plus) - objective.loss(minus)) / (2 * step);
        EXPECT_NEAR(gradient(i), difference, 1e-6 * (1 + std::fabs(difference))) << i;
    }
}

TEST(network, loss_from_moments_equals_the_mean_point_loss) {
    const auto point = make_point(2, 0.5);
    const linear_network_objective objective(point.data, 6);
    EXPECT_NEAR(objective.loss(point.theta), objective.point_losses(point.theta).mean(), 1e-10);
}

// Central differences of the gradient have error O(step^2) ~ 1e-10 relative here.
TEST(network, hessian_vector_product_matches_finite_differences_of_the_gradient) {
    for (const std::uint64_t replicate : {3u, 4u, 5u}) {
        const auto point = make_point(replicate, 0.5);
        const linear_network_objective objective(point.data, 6);
        random_stream directions = replicate_streams(11, 0, replicate).stream(0);
        const Eigen::VectorXd direction =
            initial_parameters(objective, 1.0, directions).normalized();
        const double step = 1e-5;
        const Eigen::VectorXd difference = (objective.gradient(point.theta + step * direction) -
                                            objective.gradient(point.theta - step * direction)) /
                                           (2 * step);
        const Eigen::VectorXd product = objective.hessian_vector_product(point.theta, direction);
        EXPECT_LT((product - difference).norm(), 1e-6 * (1 + product.norm())) << replicate;
    }
}

TEST(network, minibatch_gradient_of_every_point_is_the_full_gradient) {
    const auto point = make_point(6, 0.5);
    const linear_network_objective objective(point.data, 6);
    std::vector<std::size_t> all(point.data.groups.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    EXPECT_LT(
        (objective.minibatch_gradient(point.theta, all) - objective.gradient(point.theta)).norm(),
        1e-10);
}

TEST(sharpness, lanczos_finds_the_largest_eigenvalue_of_the_assembled_hessian) {
    for (const std::uint64_t replicate : {8u, 9u}) {
        const auto point = make_point(replicate, 0.5);
        const linear_network_objective objective(point.data, 6);
        const Eigen::Index size = objective.parameter_count();
        Eigen::MatrixXd hessian(size, size);
        for (Eigen::Index i = 0; i < size; ++i) {
            hessian.col(i) =
                objective.hessian_vector_product(point.theta, Eigen::VectorXd::Unit(size, i));
        }
        EXPECT_LT((hessian - hessian.transpose()).norm(), 1e-9 * hessian.norm());
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> dense(hessian);
        const double largest = dense.eigenvalues()(size - 1);

        const operator_product apply = [&](const Eigen::VectorXd& v) {
            return objective.hessian_vector_product(point.theta, v);
        };
        const top_eigenpair top = largest_eigenpair(apply, Eigen::VectorXd::Ones(size), 1e-10, 200);
        EXPECT_TRUE(top.converged);
        EXPECT_NEAR(top.value, largest, 1e-7 * std::fabs(largest));
        EXPECT_GT(std::fabs(top.vector.dot(dense.eigenvectors().col(size - 1))), 1 - 1e-6);
    }
}

TEST(sharpness, largest_eigenvalue_is_algebraic_not_in_magnitude) {
    Eigen::VectorXd diagonal(4);
    diagonal << -10, 1, 3, 2;
    const operator_product apply = [&](const Eigen::VectorXd& v) {
        return Eigen::VectorXd(diagonal.cwiseProduct(v));
    };
    const top_eigenpair top = largest_eigenpair(apply, Eigen::VectorXd::Ones(4), 1e-12, 10);
    EXPECT_NEAR(top.value, 3.0, 1e-10);
}

}  // namespace
}  // namespace vigil::opposing_signals

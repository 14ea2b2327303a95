#pragma once

// The two-layer linear network f(x) = b^T A x on a fixed data set, with the loss
// L = (1/n) sum_i (f(x_i) - y_i)^2 / 2, its exact gradient and exact Hessian-vector products.
// Parameters are one vector theta = (vec(A) column by column, b), so A[:, 0] (the weights on
// the outlier coordinate x_0) is theta[0, h). All methods are const and thread-safe. The
// objective refers to its data set, which must outlive it.

#include "models/opposing_signals/data.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <span>

namespace vigil::opposing_signals {

class linear_network_objective {
public:
    linear_network_objective(const data_set& data, std::size_t hidden_width);

    Eigen::Index hidden_width() const { return hidden_width_; }
    Eigen::Index input_dims() const { return input_dims_; }  // 1 + k
    Eigen::Index parameter_count() const { return hidden_width_ * (input_dims_ + 1); }

    // Views of theta as A (h x (1 + k)) and b (h).
    Eigen::Map<const Eigen::MatrixXd> first_layer(const Eigen::VectorXd& theta) const;
    Eigen::VectorXd::ConstSegmentReturnType second_layer(const Eigen::VectorXd& theta) const;

    // The end-to-end linear map w = A^T b, so that f(x) = w^T x.
    Eigen::VectorXd effective_weights(const Eigen::VectorXd& theta) const;

    // Full-batch loss and gradient, from the data's second moments (exact, O(h k + k^2)).
    double loss(const Eigen::VectorXd& theta) const;
    Eigen::VectorXd gradient(const Eigen::VectorXd& theta) const;

    // Gradient of the loss restricted to the listed points (mean over them).
    Eigen::VectorXd minibatch_gradient(const Eigen::VectorXd& theta,
                                       std::span<const std::size_t> points) const;

    // Exact Hessian of the full-batch loss times `direction`.
    Eigen::VectorXd hessian_vector_product(const Eigen::VectorXd& theta,
                                           const Eigen::VectorXd& direction) const;

    // Per-point losses (f(x_i) - y_i)^2 / 2.
    Eigen::VectorXd point_losses(const Eigen::VectorXd& theta) const;

private:
    // Gradient of the loss with respect to theta when its gradient in w is `weight_gradient`.
    Eigen::VectorXd chain_rule(const Eigen::VectorXd& theta,
                               const Eigen::VectorXd& weight_gradient) const;

    const data_set* data_;
    Eigen::Index hidden_width_;
    Eigen::Index input_dims_;
    Eigen::MatrixXd input_second_moment_;  // X^T X / n
    Eigen::VectorXd input_target_moment_;  // X^T y / n
    double target_second_moment_;          // y^T y / n
};

}  // namespace vigil::opposing_signals

#include "models/opposing_signals/network.hpp"

namespace vigil::opposing_signals {

linear_network_objective::linear_network_objective(const data_set& data, std::size_t hidden_width)
    : data_(&data),
      hidden_width_(static_cast<Eigen::Index>(hidden_width)),
      input_dims_(data.inputs.cols()) {
    const double n = static_cast<double>(data.inputs.rows());
    input_second_moment_ = data.inputs.transpose() * data.inputs / n;
    input_target_moment_ = data.inputs.transpose() * data.targets / n;
    target_second_moment_ = data.targets.squaredNorm() / n;
}

Eigen::Map<const Eigen::MatrixXd> linear_network_objective::first_layer(
    const Eigen::VectorXd& theta) const {
    return Eigen::Map<const Eigen::MatrixXd>(theta.data(), hidden_width_, input_dims_);
}

Eigen::VectorXd::ConstSegmentReturnType linear_network_objective::second_layer(
    const Eigen::VectorXd& theta) const {
    return theta.segment(hidden_width_ * input_dims_, hidden_width_);
}

Eigen::VectorXd linear_network_objective::effective_weights(const Eigen::VectorXd& theta) const {
    return first_layer(theta).transpose() * second_layer(theta);
}

double linear_network_objective::loss(const Eigen::VectorXd& theta) const {
    const Eigen::VectorXd w = effective_weights(theta);
    const double quadratic = w.dot(input_second_moment_ * w);
    return 0.5 * quadratic - w.dot(input_target_moment_) + 0.5 * target_second_moment_;
}

Eigen::VectorXd linear_network_objective::chain_rule(const Eigen::VectorXd& theta,
                                                     const Eigen::VectorXd& weight_gradient) const {
    // dL/dA = b g^T and dL/db = A g, with g = dL/dw.
    Eigen::VectorXd gradient(parameter_count());
    Eigen::Map<Eigen::MatrixXd> first(gradient.data(), hidden_width_, input_dims_);
    first.noalias() = second_layer(theta) * weight_gradient.transpose();
    gradient.segment(hidden_width_ * input_dims_, hidden_width_).noalias() =
        first_layer(theta) * weight_gradient;
    return gradient;
}

Eigen::VectorXd linear_network_objective::gradient(const Eigen::VectorXd& theta) const {
    const Eigen::VectorXd weight_gradient =
        input_second_moment_ * effective_weights(theta) - input_target_moment_;
    return chain_rule(theta, weight_gradient);
}

Eigen::VectorXd linear_network_objective::minibatch_gradient(
    const Eigen::VectorXd& theta, std::span<const std::size_t> points) const {
    const Eigen::VectorXd w = effective_weights(theta);
    Eigen::VectorXd weight_gradient = Eigen::VectorXd::Zero(input_dims_);
    for (const std::size_t point : points) {
        const auto row = data_->inputs.row(static_cast<Eigen::Index>(point));
        const double residual = row.dot(w) - data_->targets(static_cast<Eigen::Index>(point));
        weight_gradient += residual * row.transpose();
    }
    weight_gradient /= static_cast<double>(points.size());
    return chain_rule(theta, weight_gradient);
}

Eigen::VectorXd linear_network_objective::hessian_vector_product(
    const Eigen::VectorXd& theta, const Eigen::VectorXd& direction) const {
    const auto first = first_layer(theta);
    const auto second = second_layer(theta);
    const auto first_direction = first_layer(direction);
    const auto second_direction = second_layer(direction);

    // g = S w - c and its derivative along the direction, dg = S dw with dw = dA^T b + A^T db.
    const Eigen::VectorXd w = first.transpose() * second;
    const Eigen::VectorXd weight_gradient = input_second_moment_ * w - input_target_moment_;
    const Eigen::VectorXd weight_change =
        first_direction.transpose() * second + first.transpose() * second_direction;
    const Eigen::VectorXd gradient_change = input_second_moment_ * weight_change;

    // d(b g^T) = db g^T + b dg^T and d(A g) = dA g + A dg.
    Eigen::VectorXd product(parameter_count());
    Eigen::Map<Eigen::MatrixXd> first_product(product.data(), hidden_width_, input_dims_);
    first_product.noalias() = second_direction * weight_gradient.transpose();
    first_product.noalias() += second * gradient_change.transpose();
    auto second_product = product.segment(hidden_width_ * input_dims_, hidden_width_);
    second_product.noalias() = first_direction * weight_gradient;
    second_product.noalias() += first * gradient_change;
    return product;
}

Eigen::VectorXd linear_network_objective::point_losses(const Eigen::VectorXd& theta) const {
    const Eigen::VectorXd residuals = data_->inputs * effective_weights(theta) - data_->targets;
    return 0.5 * residuals.array().square().matrix();
}

}  // namespace vigil::opposing_signals

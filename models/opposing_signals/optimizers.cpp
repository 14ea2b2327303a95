#include "models/opposing_signals/optimizers.hpp"

#include <cmath>
#include <stdexcept>

namespace vigil::opposing_signals {

optimizer_kind optimizer_from_name(const std::string& name) {
    if (name == "gd") return optimizer_kind::gradient_descent;
    if (name == "sgd") return optimizer_kind::minibatch_sgd;
    if (name == "momentum") return optimizer_kind::heavy_ball;
    if (name == "adam") return optimizer_kind::adam;
    if (name == "clipped_gd") return optimizer_kind::clipped_gradient_descent;
    if (name == "split_adam") return optimizer_kind::split_adam;
    throw std::invalid_argument("unknown optimizer \"" + name + "\"");
}

void optimizer::adam_update(Eigen::VectorXd& theta, const Eigen::VectorXd& gradient,
                            Eigen::Index count) {
    if (first_moment_.size() != count) {
        first_moment_ = Eigen::VectorXd::Zero(count);
        second_moment_ = Eigen::VectorXd::Zero(count);
    }
    const double beta1 = settings_.adam_beta1;
    const double beta2 = settings_.adam_beta2;
    const auto head = gradient.head(count);
    first_moment_ = beta1 * first_moment_ + (1 - beta1) * head;
    second_moment_ = beta2 * second_moment_ + (1 - beta2) * head.cwiseAbs2();
    const double steps = static_cast<double>(steps_taken_);
    const double first_correction = 1 - std::pow(beta1, steps);
    const double second_correction = 1 - std::pow(beta2, steps);
    for (Eigen::Index i = 0; i < count; ++i) {
        const double mean = first_moment_(i) / first_correction;
        const double scale = std::sqrt(second_moment_(i) / second_correction);
        theta(i) -= settings_.learning_rate * mean / (scale + settings_.adam_epsilon);
    }
}

void optimizer::step(Eigen::VectorXd& theta, const Eigen::VectorXd& gradient) {
    ++steps_taken_;
    const double rate = settings_.learning_rate;
    switch (settings_.kind) {
        case optimizer_kind::gradient_descent:
        case optimizer_kind::minibatch_sgd:
            theta -= rate * gradient;
            return;
        case optimizer_kind::heavy_ball:
            if (velocity_.size() != gradient.size())
                velocity_ = Eigen::VectorXd::Zero(theta.size());
            velocity_ = settings_.momentum * velocity_ + gradient;
            theta -= rate * velocity_;
            return;
        case optimizer_kind::adam:
            adam_update(theta, gradient, theta.size());
            return;
        case optimizer_kind::clipped_gradient_descent: {
            const double norm = gradient.norm();
            const double factor = norm > settings_.clip_norm ? settings_.clip_norm / norm : 1.0;
            theta -= (rate * factor) * gradient;
            return;
        }
        case optimizer_kind::split_adam: {
            const Eigen::Index count = settings_.adam_coordinates;
            adam_update(theta, gradient, count);
            theta.tail(theta.size() - count) -= rate * gradient.tail(theta.size() - count);
            return;
        }
    }
}

}  // namespace vigil::opposing_signals

#include "models/opposing_signals/training.hpp"

#include "models/opposing_signals/sharpness.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vigil::opposing_signals {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Loss increases below this fraction of the loss are rounding, not a step to discover from
// (the same floor as the spike summary's).
constexpr double rounding_floor = 1e-9;

double group_mean(const Eigen::VectorXd& point_losses, std::size_t first, std::size_t count) {
    if (count == 0) return not_a_number;
    return point_losses.segment(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count))
        .mean();
}

// Draws `batch` distinct points with a partial Fisher-Yates shuffle of `order`.
void draw_minibatch(std::vector<std::size_t>& order, std::size_t batch, random_stream& stream) {
    for (std::size_t i = 0; i < batch; ++i) {
        boost::random::uniform_int_distribution<std::size_t> pick(i, order.size() - 1);
        std::swap(order[i], order[pick(stream)]);
    }
}

struct discovery_outcome {
    double precision = not_a_number;
    double recall = not_a_number;
    double opposition = not_a_number;
};

// The `count` points whose loss changed most (up or down), scored against the true groups.
discovery_outcome discover_groups(const Eigen::VectorXd& loss_change, const data_set& data,
                                  std::size_t count) {
    const std::size_t n = static_cast<std::size_t>(loss_change.size());
    const std::size_t taken = std::min(count, n);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Ties broken by index, so the choice is deterministic.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::fabs(loss_change(static_cast<Eigen::Index>(a))) >
               std::fabs(loss_change(static_cast<Eigen::Index>(b)));
    });

    std::size_t found = 0;
    std::size_t a_risers_b_fallers = 0;
    for (std::size_t i = 0; i < taken; ++i) {
        const std::size_t point = order[i];
        const point_group group = data.groups[point];
        if (group == point_group::rest) continue;
        ++found;
        const bool riser = loss_change(static_cast<Eigen::Index>(point)) > 0;
        if ((group == point_group::group_a) == riser) ++a_risers_b_fallers;
    }

    discovery_outcome outcome;
    const std::size_t outliers = data.group_a_count + data.group_b_count;
    if (taken > 0) outcome.precision = static_cast<double>(found) / static_cast<double>(taken);
    if (outliers > 0) {
        outcome.recall = static_cast<double>(found) / static_cast<double>(outliers);
    }
    if (found > 0) {
        const double split = static_cast<double>(a_risers_b_fallers) / static_cast<double>(found);
        outcome.opposition = std::max(split, 1 - split);
    }
    return outcome;
}

}  // namespace

Eigen::VectorXd initial_parameters(const linear_network_objective& objective, double init_scale,
                                   random_stream& stream) {
    const Eigen::Index first_count = objective.hidden_width() * objective.input_dims();
    const double first_scale = init_scale / std::sqrt(static_cast<double>(objective.input_dims()));
    const double second_scale =
        init_scale / std::sqrt(static_cast<double>(objective.hidden_width()));
    boost::random::normal_distribution<double> standard_normal(0.0, 1.0);
    Eigen::VectorXd theta(objective.parameter_count());
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
        theta(i) = (i < first_count ? first_scale : second_scale) * standard_normal(stream);
    }
    return theta;
}

training_history train(const data_set& data, const linear_network_objective& objective,
                       Eigen::VectorXd theta, const training_settings& settings,
                       random_stream& minibatch_stream) {
    const Eigen::Index h = objective.hidden_width();
    const std::size_t a_count = data.group_a_count;
    const std::size_t b_count = data.group_b_count;
    const std::size_t n = data.groups.size();
    const std::size_t rest_count = n - a_count - b_count;

    training_history history;
    const std::size_t steps = settings.steps;
    for (auto* series : {&history.loss, &history.loss_group_a, &history.loss_group_b,
                         &history.loss_rest, &history.outlier_weight, &history.second_layer_norm_sq,
                         &history.outlier_column_norm_sq}) {
        series->reserve(steps + 1);
    }

    optimizer_settings optimizer_config = settings.optimizer;
    optimizer_config.adam_coordinates = h;  // A[:, 0] is theta[0, h)
    optimizer update(optimizer_config);
    const bool stochastic = settings.optimizer.kind == optimizer_kind::minibatch_sgd;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t batch = std::min(settings.batch_size, n);

    const operator_product hessian = [&](const Eigen::VectorXd& direction) {
        return objective.hessian_vector_product(theta, direction);
    };
    Eigen::VectorXd eigenvector = Eigen::VectorXd::Zero(theta.size());
    eigenvector.head(h) = objective.second_layer(theta);  // the expected top direction

    Eigen::VectorXd previous_losses;
    Eigen::VectorXd discovery_change;
    double largest_increase = 0;
    for (std::size_t t = 0; t <= steps; ++t) {
        const Eigen::VectorXd point_losses = objective.point_losses(theta);
        const double total = point_losses.mean();
        if (!std::isfinite(total)) {
            history.diverged = true;
            break;
        }
        history.loss.push_back(total);
        history.loss_group_a.push_back(group_mean(point_losses, 0, a_count));
        history.loss_group_b.push_back(group_mean(point_losses, a_count, b_count));
        history.loss_rest.push_back(group_mean(point_losses, a_count + b_count, rest_count));
        const auto first = objective.first_layer(theta);
        const auto second = objective.second_layer(theta);
        history.outlier_weight.push_back(second.dot(first.col(0)));
        history.second_layer_norm_sq.push_back(second.squaredNorm());
        history.outlier_column_norm_sq.push_back(first.col(0).squaredNorm());

        const double increase = t > 0 ? total - history.loss[t - 1] : 0.0;
        if (increase > largest_increase && increase > rounding_floor * history.loss[t - 1]) {
            largest_increase = increase;
            discovery_change = point_losses - previous_losses;
            history.discovery_step = static_cast<double>(t);
        }
        previous_losses = point_losses;

        if (t % settings.record_every == 0 || t == steps) {
            const top_eigenpair top =
                largest_eigenpair(hessian, eigenvector, settings.sharpness_tolerance,
                                  settings.sharpness_max_iterations);
            eigenvector = top.vector;
            history.recorded_step.push_back(static_cast<double>(t));
            history.sharpness.push_back(top.value);
            history.eigenvector_outlier_share.push_back(top.vector.head(h).squaredNorm());
            history.sharpness_iterations.push_back(top.iterations);
            if (!top.converged) ++history.unconverged_sharpness;
        }
        if (t == steps) break;

        if (stochastic) {
            draw_minibatch(order, batch, minibatch_stream);
            update.step(theta, objective.minibatch_gradient(
                                   theta, std::span<const std::size_t>(order.data(), batch)));
        } else {
            update.step(theta, objective.gradient(theta));
        }
    }

    if (discovery_change.size() > 0) {
        const discovery_outcome outcome =
            discover_groups(discovery_change, data, settings.discovered_points);
        history.discovery_precision = outcome.precision;
        history.discovery_recall = outcome.recall;
        history.discovery_opposition = outcome.opposition;
    } else {
        history.discovery_step = not_a_number;
        history.discovery_precision = not_a_number;
        history.discovery_recall = not_a_number;
        history.discovery_opposition = not_a_number;
    }
    return history;
}

}  // namespace vigil::opposing_signals

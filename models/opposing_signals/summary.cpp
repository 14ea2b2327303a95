#include "models/opposing_signals/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::opposing_signals {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Group losses whose period-2 part is below this fraction of their level do not alternate.
constexpr double oscillation_floor = 1e-6;

// A loss that rises by less than this fraction of its running minimum is not a spike.
constexpr double spike_relative_floor = 1e-9;

double window_mean(const std::vector<double>& series, std::size_t first) {
    double sum = 0;
    for (std::size_t t = first; t < series.size(); ++t) sum += series[t];
    return sum / static_cast<double>(series.size() - first);
}

// Lag-1 autocorrelation of the series over [first, end): -1 for a pure period-2 oscillation.
double lag1_correlation(const std::vector<double>& series, std::size_t first) {
    const double mean = window_mean(series, first);
    double lagged = 0;
    double variance = 0;
    for (std::size_t t = first; t < series.size(); ++t) {
        const double deviation = series[t] - mean;
        variance += deviation * deviation;
        if (t > first) lagged += deviation * (series[t - 1] - mean);
    }
    return variance > 0 ? lagged / variance : not_a_number;
}

// The period-2 part of a series at t: its deviation from the mean of its two neighbours,
// which removes trends that are locally linear.
double period2_part(const std::vector<double>& series, std::size_t t) {
    return series[t] - 0.5 * (series[t - 1] + series[t + 1]);
}

// Correlation of the period-2 parts of two series over the window: -1 when they alternate in
// antiphase, +1 when they move together; NaN when neither alternates by more than
// `oscillation_floor` of its level (what is left is rounding and slow curvature).
double antiphase_correlation(const std::vector<double>& first_series,
                             const std::vector<double>& second_series, std::size_t first) {
    double cross = 0;
    double first_power = 0;
    double second_power = 0;
    double level = 0;
    double count = 0;
    for (std::size_t t = std::max<std::size_t>(first, 1); t + 1 < first_series.size(); ++t) {
        const double a = period2_part(first_series, t);
        const double b = period2_part(second_series, t);
        cross += a * b;
        first_power += a * a;
        second_power += b * b;
        level += 0.5 * (std::fabs(first_series[t]) + std::fabs(second_series[t]));
        count += 1;
    }
    const double largest_rms = std::sqrt(std::max(first_power, second_power) / count);
    if (!(largest_rms > oscillation_floor * level / count)) return not_a_number;
    const double norm = std::sqrt(first_power * second_power);
    return norm > 0 && std::isfinite(norm) ? cross / norm : not_a_number;
}

// The antiphase part of the alternation of two group losses, relative to their level: the rms
// over the window of (p_A - p_B) / 2, with p the period-2 parts, divided by the mean of
// (L_A + L_B) / 2. Near 0 when the groups do not alternate or alternate together.
double relative_alternation(const std::vector<double>& first_series,
                            const std::vector<double>& second_series, std::size_t first) {
    double power = 0;
    double level = 0;
    double count = 0;
    for (std::size_t t = std::max<std::size_t>(first, 1); t + 1 < first_series.size(); ++t) {
        const double opposed =
            0.5 * (period2_part(first_series, t) - period2_part(second_series, t));
        power += opposed * opposed;
        level += 0.5 * (first_series[t] + second_series[t]);
        count += 1;
    }
    return count > 0 && level > 0 ? std::sqrt(power / count) / (level / count) : not_a_number;
}

void summarize_spike(const std::vector<double>& loss, run_summary& summary) {
    double running_minimum = loss.front();
    double height = 0;
    double ratio = 1;
    double step = not_a_number;
    for (std::size_t t = 1; t < loss.size(); ++t) {
        running_minimum = std::min(running_minimum, loss[t - 1]);
        const double rise = loss[t] - running_minimum;
        if (rise > spike_relative_floor * running_minimum && rise > height) {
            height = rise;
            step = static_cast<double>(t);
        }
        if (running_minimum > 0) ratio = std::max(ratio, loss[t] / running_minimum);
    }
    summary.spike_height = height;
    summary.spike_step = step;
    summary.spike_ratio = ratio;
}

void summarize_least_squares(const data_set& data, run_summary& summary) {
    const Eigen::MatrixXd moment = data.inputs.transpose() * data.inputs;
    const Eigen::VectorXd cross = data.inputs.transpose() * data.targets;
    const Eigen::VectorXd fit = moment.ldlt().solve(cross);
    summary.least_squares_weight_norm = fit.norm();
    summary.least_squares_outlier_weight = fit(0);
}

}  // namespace

const std::vector<summary_field>& summary_fields() {
    using S = run_summary;
    static const std::vector<summary_field> fields = {
        {{"long_run_sharpness", "1",
          "mean top Hessian eigenvalue over the long-run window (the last long_run_fraction of "
          "the steps)"},
         &S::long_run_sharpness},
        {{"long_run_sharpness_formula_ratio", "1",
          "mean over the long-run window of sharpness / (q alpha^2 (||b||^2 + ||A[:,0]||^2))"},
         &S::long_run_sharpness_formula_ratio},
        {{"long_run_second_layer_norm_sq", "1", "mean ||b||^2 over the long-run window"},
         &S::long_run_second_layer_norm_sq},
        {{"long_run_outlier_column_norm_sq", "1", "mean ||A[:,0]||^2 over the long-run window"},
         &S::long_run_outlier_column_norm_sq},
        {{"long_run_outlier_weight", "1",
          "mean effective outlier weight w_0 = b^T A[:,0] over the long-run window (the balance "
          "point)"},
         &S::long_run_outlier_weight},
        {{"long_run_loss", "1", "mean training loss over the long-run window"}, &S::long_run_loss},
        {{"long_run_eigenvector_outlier_share", "1",
          "mean share of the top Hessian eigenvector's squared norm on A[:,0], long-run window"},
         &S::long_run_eigenvector_outlier_share},
        {{"outlier_weight_period2_amplitude", "1",
          "half the mean |w_0(t) - w_0(t-1)| over the long-run window"},
         &S::outlier_weight_period2_amplitude},
        {{"outlier_weight_lag1_correlation", "1",
          "lag-1 autocorrelation of w_0 over the long-run window (-1: period 2)"},
         &S::outlier_weight_lag1_correlation},
        {{"group_loss_antiphase_correlation", "1",
          "correlation of the period-2 parts L(t) - (L(t-1) + L(t+1))/2 of the group A and "
          "group B losses over the long-run window (-1: antiphase, +1: in phase; NaN: neither "
          "alternates by 1e-6 of its level)"},
         &S::group_loss_antiphase_correlation},
        {{"group_loss_alternation", "1",
          "rms of the antiphase period-2 part (p_A - p_B)/2 of the group losses over the "
          "long-run window, relative to their mean level (L_A + L_B)/2"},
         &S::group_loss_alternation},
        {{"max_sharpness", "1", "largest recorded top Hessian eigenvalue"}, &S::max_sharpness},
        {{"edge_of_stability_step", "steps",
          "first recorded step with sharpness >= 2 / learning_rate (NaN: never)"},
         &S::edge_of_stability_step},
        {{"spike_height", "1",
          "largest rise of the training loss above its running minimum (0: never rises; NaN: "
          "diverged)"},
         &S::spike_height},
        {{"spike_step", "steps", "step of that largest rise (NaN: no rise)"}, &S::spike_step},
        {{"spike_ratio", "1", "largest ratio of the loss to its running minimum"}, &S::spike_ratio},
        {{"discovery_step", "steps",
          "step of the largest total-loss increase, where the groups are looked for"},
         &S::discovery_step},
        {{"discovery_precision", "1",
          "share of the discovered points (largest per-point loss changes, up or down) that are "
          "outliers of group A or B"},
         &S::discovery_precision},
        {{"discovery_recall", "1", "share of the outliers of groups A and B that were discovered"},
         &S::discovery_recall},
        {{"discovery_opposition", "1",
          "share of the discovered outliers that fit one group rising while the other falls (1: "
          "the groups move in opposite directions, about 0.5 to 0.6: together)"},
         &S::discovery_opposition},
        {{"least_squares_weight_norm", "1",
          "||w*|| of the exact least-squares fit of this data set (gradient flow's limit of "
          "||b||^2 from a small balanced start)"},
         &S::least_squares_weight_norm},
        {{"least_squares_outlier_weight", "1", "w*_0 of the exact least-squares fit"},
         &S::least_squares_outlier_weight},
        {{"final_loss", "1", "training loss after the last step"}, &S::final_loss},
        {{"unconverged_sharpness", "1",
          "recorded steps whose Lanczos iteration hit sharpness_max_iterations"},
         &S::unconverged_sharpness},
        {{"diverged", "1", "1 when the loss overflowed and the run stopped early, else 0"},
         &S::diverged},
    };
    return fields;
}

run_summary summarize(const training_history& history, const data_set& data,
                      const summary_settings& settings) {
    run_summary summary;
    summarize_least_squares(data, summary);
    summary.unconverged_sharpness = static_cast<double>(history.unconverged_sharpness);
    summary.diverged = history.diverged ? 1.0 : 0.0;
    summary.discovery_step = history.discovery_step;
    summary.discovery_precision = history.discovery_precision;
    summary.discovery_recall = history.discovery_recall;
    summary.discovery_opposition = history.discovery_opposition;

    const double edge = 2 / settings.learning_rate;
    summary.max_sharpness = not_a_number;
    summary.edge_of_stability_step = not_a_number;
    for (std::size_t i = 0; i < history.sharpness.size(); ++i) {
        const double value = history.sharpness[i];
        if (!(summary.max_sharpness >= value)) summary.max_sharpness = value;
        if (value >= edge && std::isnan(summary.edge_of_stability_step)) {
            summary.edge_of_stability_step = history.recorded_step[i];
        }
    }
    summarize_spike(history.loss, summary);

    if (history.diverged) {
        summary.max_sharpness = not_a_number;
        summary.spike_height = not_a_number;
        summary.spike_step = not_a_number;
        summary.spike_ratio = not_a_number;
        for (const auto& field : summary_fields()) {
            const std::string& name = field.field.name;
            if (name.starts_with("long_run") || name.starts_with("outlier_weight") ||
                name.starts_with("group_loss") || name == "final_loss") {
                summary.*field.member = not_a_number;
            }
        }
        return summary;
    }

    const std::size_t steps = history.loss.size() - 1;
    const auto window = static_cast<std::size_t>(
        std::floor(settings.long_run_fraction * static_cast<double>(steps)));
    const std::size_t first = steps - std::clamp<std::size_t>(window, 2, steps);

    summary.long_run_second_layer_norm_sq = window_mean(history.second_layer_norm_sq, first);
    summary.long_run_outlier_column_norm_sq = window_mean(history.outlier_column_norm_sq, first);
    summary.long_run_outlier_weight = window_mean(history.outlier_weight, first);
    summary.long_run_loss = window_mean(history.loss, first);
    summary.final_loss = history.loss.back();

    // q alpha^2 as the data set's second moment of x_0.
    const double outlier_moment =
        data.inputs.col(0).squaredNorm() / static_cast<double>(data.inputs.rows());
    double sharpness_sum = 0;
    double share_sum = 0;
    double formula_ratio_sum = 0;
    double recorded = 0;
    for (std::size_t i = 0; i < history.recorded_step.size(); ++i) {
        if (history.recorded_step[i] < static_cast<double>(first)) continue;
        sharpness_sum += history.sharpness[i];
        share_sum += history.eigenvector_outlier_share[i];
        const auto step = static_cast<std::size_t>(history.recorded_step[i]);
        const double formula = outlier_moment * (history.second_layer_norm_sq[step] +
                                                 history.outlier_column_norm_sq[step]);
        formula_ratio_sum += history.sharpness[i] / formula;
        recorded += 1;
    }
    summary.long_run_sharpness = sharpness_sum / recorded;
    summary.long_run_eigenvector_outlier_share = share_sum / recorded;
    summary.long_run_sharpness_formula_ratio = formula_ratio_sum / recorded;

    double change = 0;
    for (std::size_t t = first + 1; t <= steps; ++t) {
        change += std::fabs(history.outlier_weight[t] - history.outlier_weight[t - 1]);
    }
    summary.outlier_weight_period2_amplitude = 0.5 * change / static_cast<double>(steps - first);
    summary.outlier_weight_lag1_correlation = lag1_correlation(history.outlier_weight, first);
    const bool both_groups = data.group_a_count > 0 && data.group_b_count > 0;
    summary.group_loss_antiphase_correlation =
        both_groups ? antiphase_correlation(history.loss_group_a, history.loss_group_b, first)
                    : not_a_number;
    summary.group_loss_alternation =
        both_groups ? relative_alternation(history.loss_group_a, history.loss_group_b, first)
                    : not_a_number;
    return summary;
}

void store(const run_summary& summary, std::span<double> results) {
    const auto& fields = summary_fields();
    for (std::size_t i = 0; i < fields.size(); ++i) results[i] = summary.*fields[i].member;
}

}  // namespace vigil::opposing_signals

#include "models/opposing_signals/report.hpp"

#include "analysis/intervals.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vigil::opposing_signals {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

std::span<const double> result_column(const point_results& results, const std::string& name) {
    const auto found = results.find(name);
    if (found == results.end()) {
        throw std::invalid_argument("opposing_signals analysis: no result column \"" + name + "\"");
    }
    return found->second;
}

std::vector<double> finite_values(std::span<const double> values) {
    std::vector<double> kept;
    for (const double value : values) {
        if (std::isfinite(value)) kept.push_back(value);
    }
    return kept;
}

double standard_deviation(const std::vector<double>& sample) {
    if (sample.size() < 2) return not_a_number;
    double mean = 0;
    for (const double value : sample) mean += value;
    mean /= static_cast<double>(sample.size());
    double sum = 0;
    for (const double value : sample) sum += (value - mean) * (value - mean);
    return std::sqrt(sum / static_cast<double>(sample.size() - 1));
}

report_column value_column(std::string name, std::string description, double value,
                           bool headline = false, std::string unit = "1") {
    return report_column{std::move(name), std::move(unit), std::move(description),
                         value,           value,           value,
                         false,           headline};
}

class column_builder {
public:
    column_builder(const point_results& results, const analysis_options& options)
        : results_(results), options_(options) {
        std::ostringstream level;
        level << 100 * options.confidence_level;
        interval_text_ =
            ", mean over replicates with a finite value, Student t " + level.str() + "% interval";
    }

    // NAME: the mean of a result field with its interval (clipped to the values the field can
    // take); NAME_sd: its spread across seeds.
    void mean_and_spread(const std::string& name, const std::string& field,
                         const std::string& description, analysis::value_range range,
                         bool headline = false, const std::string& unit = "1", double factor = 1) {
        std::vector<double> sample = finite_values(result_column(results_, field));
        for (double& value : sample) value *= factor;
        analysis::estimate estimate{not_a_number, not_a_number, not_a_number};
        if (!sample.empty()) {
            estimate = analysis::mean_with_interval(sample, options_.confidence_level, range);
        }
        columns.push_back(report_column{name, unit, description + interval_text_, estimate.value,
                                        estimate.lower, estimate.upper, true, headline});
        columns.push_back(value_column(name + "_sd",
                                       "standard deviation across replicates of " + name,
                                       standard_deviation(sample), false, unit));
    }

    // The fraction of replicates for which `holds` is true, with its Wilson interval.
    template <typename predicate>
    void fraction(const std::string& name, const std::string& field, const std::string& description,
                  predicate holds, bool headline = false) {
        const auto values = result_column(results_, field);
        std::uint64_t successes = 0;
        for (const double value : values) successes += holds(value) ? 1 : 0;
        const auto estimate =
            analysis::wilson_interval(successes, values.size(), options_.confidence_level);
        columns.push_back(report_column{name, "1", description + ", Wilson interval",
                                        estimate.value, estimate.lower, estimate.upper, true,
                                        headline});
    }

    std::vector<report_column> columns;

private:
    const point_results& results_;
    const analysis_options& options_;
    std::string interval_text_;
};

}  // namespace

theory_predictions predict(const point_configuration& configuration) {
    const data_configuration& data = configuration.data;
    const double rate = configuration.training.optimizer.learning_rate;
    const double outlier_moment = data.outlier_second_moment();  // q alpha^2
    const double group_a = static_cast<double>(data.group_a_count());
    const double group_b = static_cast<double>(data.group_b_count());

    theory_predictions theory;
    theory.sharpness_edge = 2 / rate;
    theory.sharpness_flow = outlier_moment * data.signal_norm;
    theory.b_norm_sq_edge = 2 / (rate * outlier_moment);
    theory.b_norm_sq_flow = data.signal_norm;
    theory.balance_point = data.outlier_target_offset * (group_a - group_b) /
                           (data.outlier_magnitude * (group_a + group_b));
    theory.edge_of_stability = theory.sharpness_flow > theory.sharpness_edge;
    return theory;
}

std::vector<report_column> analyze_point(const point_configuration& configuration,
                                         const point_results& results,
                                         const analysis_options& options) {
    const theory_predictions theory = predict(configuration);
    column_builder build(results, options);
    auto& columns = build.columns;

    build.mean_and_spread("long_run_sharpness", "long_run_sharpness",
                          "top Hessian eigenvalue averaged over the long-run window",
                          analysis::non_negative, true);
    columns.push_back(value_column("theory_sharpness_edge",
                                   "2 / learning_rate: where gradient descent's sharpness stays "
                                   "at the edge of stability",
                                   theory.sharpness_edge, true));
    columns.push_back(value_column("theory_sharpness_flow",
                                   "q alpha^2 ||beta||: the sharpness gradient flow converges to",
                                   theory.sharpness_flow, true));
    build.mean_and_spread("sharpness_formula_ratio", "long_run_sharpness_formula_ratio",
                          "measured sharpness / q alpha^2 (||b||^2 + ||A[:,0]||^2) in the long run "
                          "(spec: about 1)",
                          analysis::non_negative, true);
    build.mean_and_spread("eigenvector_outlier_share", "long_run_eigenvector_outlier_share",
                          "share of the top eigenvector on A[:,0] in the long run (spec: >= 0.99)",
                          analysis::unit_interval, true);
    build.mean_and_spread("sharpness_flow_least_squares", "least_squares_weight_norm",
                          "q alpha^2 ||w*|| with w* the exact least-squares fit of each data set "
                          "(the flow limit without the finite-sample shift of w* from beta)",
                          analysis::non_negative, false, "1",
                          configuration.data.outlier_second_moment());

    build.mean_and_spread("long_run_b_norm_sq", "long_run_second_layer_norm_sq",
                          "||b||^2 averaged over the long-run window", analysis::non_negative,
                          true);
    columns.push_back(value_column("theory_b_norm_sq_edge",
                                   "2 / (learning_rate q alpha^2): ||b||^2 at the edge of "
                                   "stability",
                                   theory.b_norm_sq_edge, true));
    columns.push_back(value_column("theory_b_norm_sq_flow",
                                   "||beta||: ||b||^2 of gradient flow from a small balanced start",
                                   theory.b_norm_sq_flow));

    build.mean_and_spread("balance_point", "long_run_outlier_weight",
                          "w_0 = b^T A[:,0] averaged over the long-run window", analysis::any_value,
                          true);
    columns.push_back(value_column("theory_balance_point", "gamma (p_A - p_B) / (alpha q)",
                                   theory.balance_point, true));
    build.mean_and_spread("least_squares_outlier_weight", "least_squares_outlier_weight",
                          "w*_0 of the exact least-squares fit of each data set",
                          analysis::any_value);

    columns.push_back(value_column("theory_edge_of_stability",
                                   "1 when q alpha^2 ||beta|| > 2 / learning_rate, else 0",
                                   theory.edge_of_stability ? 1.0 : 0.0));
    build.fraction("edge_of_stability_fraction", "edge_of_stability_step",
                   "fraction of replicates whose sharpness reached 2 / learning_rate",
                   [](double step) { return std::isfinite(step); });
    build.mean_and_spread("antiphase_correlation", "group_loss_antiphase_correlation",
                          "correlation of the period-2 parts of the group A and B losses in the "
                          "long run (-1: antiphase)",
                          analysis::correlation_range, true);
    build.mean_and_spread("antiphase_alternation", "group_loss_alternation",
                          "rms antiphase period-2 part of the group losses relative to their "
                          "level (about 0: no A/B alternation)",
                          analysis::non_negative);
    build.mean_and_spread("w0_lag1_correlation", "outlier_weight_lag1_correlation",
                          "lag-1 autocorrelation of w_0 in the long run (-1: period 2)",
                          analysis::correlation_range, true);
    build.mean_and_spread("w0_period2_amplitude", "outlier_weight_period2_amplitude",
                          "half the mean step-to-step change of w_0 in the long run",
                          analysis::non_negative);

    build.mean_and_spread("spike_height", "spike_height",
                          "largest rise of the loss above its running minimum",
                          analysis::non_negative, true);
    build.mean_and_spread("spike_step", "spike_step",
                          "step of the largest rise (replicates with one)", analysis::non_negative,
                          true, "steps");
    build.mean_and_spread("spike_ratio", "spike_ratio",
                          "largest ratio of the loss to its running minimum",
                          analysis::non_negative);
    build.mean_and_spread("max_sharpness", "max_sharpness", "largest recorded sharpness",
                          analysis::non_negative);
    build.mean_and_spread("edge_of_stability_step", "edge_of_stability_step",
                          "first step with sharpness >= 2 / learning_rate (replicates that got "
                          "there)",
                          analysis::non_negative, false, "steps");

    build.mean_and_spread("discovery_precision", "discovery_precision",
                          "share of the discovered points that are outliers",
                          analysis::unit_interval);
    build.mean_and_spread("discovery_recall", "discovery_recall",
                          "share of the outliers that were discovered", analysis::unit_interval);
    build.mean_and_spread("discovery_opposition", "discovery_opposition",
                          "share of discovered outliers whose group rises while the other falls",
                          analysis::unit_interval);
    build.mean_and_spread("long_run_loss", "long_run_loss", "training loss in the long run",
                          analysis::non_negative);
    build.fraction(
        "diverged_fraction", "diverged", "fraction of runs whose loss overflowed",
        [](double diverged) { return diverged > 0; }, true);
    return columns;
}

}  // namespace vigil::opposing_signals

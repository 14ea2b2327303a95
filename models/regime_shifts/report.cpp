#include "models/regime_shifts/report.hpp"

#include "analysis/intervals.hpp"
#include "analysis/roc.hpp"
#include "models/regime_shifts/early_warning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigil::regime_shifts {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t bootstrap_stream_base = 1000;

std::vector<double> finite_values(const point_results& results, const std::string& name) {
    std::vector<double> out;
    const auto found = results.find(name);
    if (found == results.end()) return out;
    for (const double v : found->second) {
        if (std::isfinite(v)) out.push_back(v);
    }
    return out;
}

double quantile(std::vector<double> values, double q) {
    if (values.empty()) return not_a_number;
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return values[below] + fraction * (values[above] - values[below]);
}

report_column interval_column(std::string name, std::string unit, std::string description,
                              const analysis::estimate& value, bool headline) {
    return {std::move(name),
            std::move(unit),
            std::move(description),
            value.value,
            value.lower,
            value.upper,
            true,
            headline};
}

report_column value_column(std::string name, std::string unit, std::string description,
                           double value, bool headline) {
    return {std::move(name), std::move(unit), std::move(description), value, value, value,
            false,           headline};
}

analysis::estimate mean_of(const std::vector<double>& values, double level,
                           analysis::value_range range = analysis::any_value) {
    if (values.empty()) return {not_a_number, not_a_number, not_a_number};
    return analysis::mean_with_interval(values, level, range);
}

analysis::estimate fraction_of_ones(const point_results& results, const std::string& name,
                                    double level) {
    const std::vector<double> values = finite_values(results, name);
    std::uint64_t ones = 0;
    for (const double v : values) ones += v > 0.5 ? 1 : 0;
    if (values.empty()) return {not_a_number, not_a_number, not_a_number};
    return analysis::wilson_interval(ones, values.size(), level);
}

void add_theory(std::vector<report_column>& columns, const point_theory& theory,
                const theory_at_control& at, const std::string& which, bool headline) {
    const std::string& state = theory.state_unit;
    const std::string where =
        fmt::format("at the control's {} value {} = {}", which, theory.control_name, at.control);
    columns.push_back(value_column("theory_equilibrium_" + which, state,
                                   "stable equilibrium (first component) " + where, at.equilibrium,
                                   false));
    columns.push_back(value_column("theory_eigenvalue_" + which, "1/time",
                                   "real part of the leading Jacobian eigenvalue " + where,
                                   at.eigenvalue_real, headline));
    columns.push_back(value_column("theory_eigenvalue_imaginary_" + which, "1/time",
                                   "imaginary part of the leading eigenvalue " + where,
                                   at.eigenvalue_imag, false));
    columns.push_back(value_column("theory_variance_" + which, state + "^2",
                                   "linear-noise stationary variance " + where, at.variance,
                                   headline));
    columns.push_back(
        value_column("theory_lag1_autocorrelation_" + which, "1",
                     "linear-noise lag-1 autocorrelation at the sample interval " + where,
                     at.lag1_autocorrelation, headline));
    columns.push_back(value_column("theory_spectrum_at_zero_" + which, state + "^2 time",
                                   "linear-noise power spectral density at frequency 0 " + where,
                                   at.spectrum_at_zero, false));
    columns.push_back(value_column("theory_variance_euler_maruyama_" + which, state + "^2",
                                   "stationary variance of the Euler-Maruyama chain of the "
                                   "linearised system (NaN when not integrated by it) " +
                                       where,
                                   at.variance_euler_maruyama, false));
    columns.push_back(
        value_column("theory_lag1_autocorrelation_euler_maruyama_" + which, "1",
                     "lag-1 autocorrelation of that chain at the sample interval " + where,
                     at.lag1_autocorrelation_euler_maruyama, false));
}

void add_indicator(std::vector<report_column>& columns, const point_results& results,
                   const std::string& name, std::size_t index, const analysis_options& options) {
    const std::vector<double> positives = finite_values(results, "approach_tau_" + name);
    const std::vector<double> negatives = finite_values(results, "null_tau_" + name);
    const bool headline = index < 2;  // variance and lag-1 autocorrelation
    const double level = options.confidence_level;

    columns.push_back(interval_column(
        "approach_tau_" + name, "1",
        fmt::format("mean Kendall tau of the rolling {}, approaching ensemble", name),
        mean_of(positives, level, analysis::correlation_range), headline));
    columns.push_back(
        interval_column("null_tau_" + name, "1",
                        fmt::format("mean Kendall tau of the rolling {}, null ensemble", name),
                        mean_of(negatives, level, analysis::correlation_range), false));
    for (const auto& [member, sample] :
         {std::pair{"approach", &positives}, std::pair{"null", &negatives}}) {
        columns.push_back({fmt::format("{}_tau_{}_median", member, name), "1",
                           fmt::format("median Kendall tau of the rolling {} ({} ensemble); "
                                       "bounds: the quartiles",
                                       name, member),
                           quantile(*sample, 0.5), quantile(*sample, 0.25), quantile(*sample, 0.75),
                           true, false});
    }

    if (positives.empty() || negatives.empty()) {
        columns.push_back(
            value_column("auc_" + name, "1", "ROC AUC (not enough data)", not_a_number, headline));
        columns.push_back(value_column("tpr_" + name, "1", "true-positive rate (not enough data)",
                                       not_a_number, headline));
        columns.push_back(value_column("achieved_fpr_" + name, "1",
                                       "false-positive rate achieved (not enough data)",
                                       not_a_number, false));
        return;
    }
    const stream_key key{options.seed, bootstrap_stream_base + index, options.point, 0};
    columns.push_back(interval_column(
        "auc_" + name, "1",
        fmt::format("ROC AUC of the tau of the rolling {}: approaching vs null (stratified "
                    "bootstrap interval)",
                    name),
        analysis::auc_bootstrap_interval(negatives, positives, level, options.bootstrap_resamples,
                                         key),
        headline));
    const analysis::operating_point point = analysis::operating_point_at_false_positive_rate(
        negatives, positives, options.false_positive_rate);
    columns.push_back(interval_column(
        "tpr_" + name, "1",
        fmt::format("true-positive rate of tau({}) > threshold at false-positive rate <= {} "
                    "(Wilson interval)",
                    name, options.false_positive_rate),
        analysis::wilson_interval(point.positives - point.false_negatives, point.positives, level),
        headline));
    columns.push_back(value_column("achieved_fpr_" + name, "1",
                                   "false-positive rate achieved by that threshold",
                                   point.false_positive_rate, false));
}

}  // namespace

std::vector<report_column> analyze_ensembles(const point_theory& theory,
                                             const point_results& results,
                                             const analysis_options& options) {
    const double level = options.confidence_level;
    std::vector<report_column> columns;

    columns.push_back(interval_column("transition_fraction", "1",
                                      "fraction of approaching members that left the basin "
                                      "(Wilson interval)",
                                      fraction_of_ones(results, "approach_transition", level),
                                      true));
    columns.push_back(interval_column("null_transition_fraction", "1",
                                      "fraction of null members that left the basin",
                                      fraction_of_ones(results, "null_transition", level), false));
    columns.push_back(interval_column(
        "transition_control", theory.control_unit,
        "mean control value at the approaching members' transitions",
        mean_of(finite_values(results, "approach_transition_control"), level), true));
    columns.push_back(interval_column(
        "transition_time", "time", "mean time of the approaching members' transitions",
        mean_of(finite_values(results, "approach_transition_time"), level), false));

    for (std::size_t k = 0; k < indicator_count; ++k) {
        add_indicator(columns, results, indicator_names()[k], k, options);
    }

    const std::string& state = theory.state_unit;
    columns.push_back(interval_column("null_mean", state,
                                      "mean of the null members' series (sample mean over "
                                      "replicates)",
                                      mean_of(finite_values(results, "null_mean"), level), false));
    columns.push_back(interval_column(
        "null_variance", state + "^2",
        "sample variance of the null members' series, averaged over replicates",
        mean_of(finite_values(results, "null_variance"), level, analysis::non_negative), true));
    columns.push_back(interval_column(
        "null_lag1_autocorrelation", "1",
        "lag-1 autocorrelation of the null members' series, averaged over replicates",
        mean_of(finite_values(results, "null_lag1_autocorrelation"), level,
                analysis::correlation_range),
        true));
    columns.push_back(value_column("theory_expected_sample_variance", state + "^2",
                                   "linear-noise expectation of null_variance for series of "
                                   "this length (stationary variance minus the variance of the "
                                   "series mean)",
                                   theory.start.expected_sample_variance, false));

    columns.push_back(value_column("theory_bifurcation", theory.control_unit,
                                   fmt::format("{} where the leading eigenvalue of the followed "
                                               "branch reaches 0 (NaN: none)",
                                               theory.control_name),
                                   theory.bifurcation, true));
    // The same columns at every point, so that tables of a scan line up.
    add_theory(columns, theory, theory.start, "start", true);
    add_theory(columns, theory, theory.end, "end", false);
    return columns;
}

}  // namespace vigil::regime_shifts

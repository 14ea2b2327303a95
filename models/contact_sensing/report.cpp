#include "models/contact_sensing/report.hpp"

#include "analysis/circular.hpp"
#include "analysis/estimator_error.hpp"
#include "analysis/intervals.hpp"
#include "analysis/roc.hpp"
#include "models/contact_sensing/theory.hpp"

#include <cstdint>
#include <numbers>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vigil::contact_sensing {
namespace {

// Bootstrap streams of the analysis, keyed (options.seed, id, options.point, replicate 0). The
// ids lie far from the simulation's stream ids (model.hpp, 0-2), so no interval reuses the
// random numbers of a replicate, and each scan point resamples from its own streams.
enum class bootstrap_stream : std::uint64_t {
    auc = 1000,
    min_mean_error = 1001,
    centre_error_all = 1002,
    centre_error_detected = 1003,
    width_error_all = 1004,
    width_error_detected = 1005,
};

stream_key bootstrap_key(const analysis_options& options, bootstrap_stream stream) {
    return stream_key{options.seed, static_cast<std::uint64_t>(stream), options.point, 0};
}

// The contact's size in the units the error columns use.
struct contact_geometry {
    double receptors = 0;  // N
    double radius_um = 0;  // R
    double width_rad = 0;  // Delta

    double receptors_in_arc() const { return width_rad * spacings_per_rad(); }
    double spacings_per_rad() const { return receptors / (2 * std::numbers::pi); }
};

// Delta from contact_length_um or contact_receptors (the model allows at most one of them);
// a 1 um contact when neither is given.
contact_geometry read_geometry(const parameter_set& values) {
    contact_geometry geometry;
    geometry.receptors = values.real("receptors");
    geometry.radius_um = values.real("radius_um");
    if (values.has("contact_length_um")) {
        geometry.width_rad = values.real("contact_length_um") / geometry.radius_um;
    } else if (values.has("contact_receptors")) {
        geometry.width_rad = values.real("contact_receptors") / geometry.spacings_per_rad();
    } else {
        geometry.width_rad = 1.0 / geometry.radius_um;
    }
    return geometry;
}

std::span<const double> result_column(const point_results& results, const std::string& name) {
    const auto found = results.find(name);
    if (found == results.end()) {
        throw std::invalid_argument("contact_sensing analysis: no result column \"" + name + "\"");
    }
    return found->second;
}

std::string number_text(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

report_column interval_column(std::string name, std::string unit, std::string description,
                              const analysis::estimate& estimate, bool headline = false) {
    return {.name = std::move(name),
            .unit = std::move(unit),
            .description = std::move(description),
            .value = estimate.value,
            .lower = estimate.lower,
            .upper = estimate.upper,
            .has_interval = true,
            .headline = headline};
}

report_column value_column(std::string name, std::string unit, std::string description,
                           double value, bool headline = false) {
    return {.name = std::move(name),
            .unit = std::move(unit),
            .description = std::move(description),
            .value = value,
            .lower = value,
            .upper = value,
            .has_interval = false,
            .headline = headline};
}

std::string wilson_text(const analysis_options& options) {
    return ", Wilson " + number_text(100 * options.confidence_level) + "% interval";
}

// p_fn_at_fp, achieved_fp_rate, threshold_at_fp. Returns the operating point at the target
// false-positive rate, whose threshold defines "detected".
analysis::operating_point append_target_rate_columns(std::vector<report_column>& columns,
                                                     std::span<const double> no_contact,
                                                     std::span<const double> contact,
                                                     const analysis_options& options) {
    const double level = options.confidence_level;
    const std::string wilson = wilson_text(options);
    const std::string target = number_text(options.false_positive_rate);

    const auto at_fp = analysis::operating_point_at_false_positive_rate(
        no_contact, contact, options.false_positive_rate);
    columns.push_back(interval_column(
        "p_fn_at_fp", "1",
        "false-negative rate P(Lambda <= threshold_at_fp | contact) at false-positive rate <= " +
            target + wilson,
        analysis::wilson_interval(at_fp.false_negatives, at_fp.positives, level), true));
    columns.push_back(interval_column(
        "achieved_fp_rate", "1",
        "false-positive rate reached at threshold_at_fp (target " + target + ")" + wilson,
        analysis::wilson_interval(at_fp.false_positives, at_fp.negatives, level)));
    columns.push_back(value_column(
        "threshold_at_fp", "1",
        "lowest GLRT threshold (react when Lambda > threshold) with false-positive rate <= " +
            target,
        at_fp.threshold));
    return at_fp;
}

// auc, min_mean_error, and the threshold and error rates where the minimum is reached.
void append_threshold_free_columns(std::vector<report_column>& columns,
                                   std::span<const double> no_contact,
                                   std::span<const double> contact,
                                   const analysis_options& options) {
    const double level = options.confidence_level;
    const std::string wilson = wilson_text(options);

    columns.push_back(interval_column(
        "auc", "1",
        "ROC area P(Lambda_contact > Lambda_no_contact), ties half; stratified percentile "
        "bootstrap interval",
        analysis::auc_bootstrap_interval(no_contact, contact, level, options.bootstrap_resamples,
                                         bootstrap_key(options, bootstrap_stream::auc)),
        true));

    columns.push_back(interval_column(
        "min_mean_error", "1",
        "minimum over thresholds of (P_FP + P_FN)/2; stratified percentile bootstrap interval "
        "(threshold re-optimised in every resample)",
        analysis::min_mean_error_bootstrap_interval(
            no_contact, contact, level, options.bootstrap_resamples,
            bootstrap_key(options, bootstrap_stream::min_mean_error)),
        true));

    const auto at_min = analysis::minimum_mean_error_point(no_contact, contact);
    columns.push_back(value_column("threshold_min_mean_error", "1",
                                   "GLRT threshold minimising (P_FP + P_FN)/2", at_min.threshold));
    columns.push_back(interval_column(
        "fp_rate_at_min_mean_error", "1",
        "false-positive rate at threshold_min_mean_error" + wilson,
        analysis::wilson_interval(at_min.false_positives, at_min.negatives, level)));
    columns.push_back(interval_column(
        "fn_rate_at_min_mean_error", "1",
        "false-negative rate at threshold_min_mean_error" + wilson,
        analysis::wilson_interval(at_min.false_negatives, at_min.positives, level)));
}

// What one set of error columns describes: "centre" or "width", over all replicates or the
// detected ones.
struct error_subset {
    std::string quantity;
    std::string meaning;  // e.g. "centre estimate - true centre, wrapped to (-pi, pi]"
    bool detected_only = false;
    bool headline = false;  // the rms in receptor spacings, over all replicates
    bootstrap_stream stream = bootstrap_stream::centre_error_all;
};

// bias_ and rms_<quantity>_error_{rad, um, spacings}[_detected], in that order.
void append_error_columns(std::vector<report_column>& columns, const error_subset& subset,
                          std::span<const double> errors, const contact_geometry& geometry,
                          const analysis_options& options) {
    const auto in_rad =
        analysis::summarize_errors(errors, options.confidence_level, options.bootstrap_resamples,
                                   bootstrap_key(options, subset.stream));
    const std::string level = number_text(100 * options.confidence_level) + "% interval";
    const std::string over = subset.detected_only
                                 ? " over detected replicates (Lambda > threshold_at_fp)"
                                 : " over all replicates";
    const std::string suffix = subset.detected_only ? "_detected" : "";

    struct unit_choice {
        const char* name;
        double factor;
    };
    const unit_choice units[] = {
        {"rad", 1.0}, {"um", geometry.radius_um}, {"spacings", geometry.spacings_per_rad()}};
    for (const auto& unit : units) {
        const auto error = analysis::scaled(in_rad, unit.factor);
        const std::string stem = subset.quantity + "_error_" + unit.name + suffix;
        columns.push_back(interval_column(
            "bias_" + stem, unit.name, "mean of " + subset.meaning + over + ", Student t " + level,
            error.bias));
        const bool headline = subset.headline && std::string(unit.name) == "spacings";
        columns.push_back(
            interval_column("rms_" + stem, unit.name,
                            "rms of " + subset.meaning + over + ", percentile bootstrap " + level,
                            error.rms, headline));
    }
}

void append_estimator_columns(std::vector<report_column>& columns, const point_results& results,
                              const contact_geometry& geometry,
                              const analysis::operating_point& at_fp,
                              const analysis_options& options) {
    const auto contact = result_column(results, "glrt_statistic");
    const auto true_centre = result_column(results, "contact_centre_rad");
    const auto centre_estimate = result_column(results, "centre_estimate_rad");
    const auto width_estimate = result_column(results, "width_estimate_rad");
    if (true_centre.size() != contact.size() || centre_estimate.size() != contact.size() ||
        width_estimate.size() != contact.size()) {
        throw std::invalid_argument(
            "contact_sensing analysis: glrt_statistic, contact_centre_rad, "
            "centre_estimate_rad and width_estimate_rad differ in length");
    }

    std::vector<double> centre_errors;
    std::vector<double> width_errors;
    std::vector<double> centre_errors_detected;
    std::vector<double> width_errors_detected;
    for (std::size_t r = 0; r < contact.size(); ++r) {
        const double centre_error = analysis::wrap_angle(centre_estimate[r] - true_centre[r]);
        const double width_error = width_estimate[r] - geometry.width_rad;
        centre_errors.push_back(centre_error);
        width_errors.push_back(width_error);
        if (contact[r] > at_fp.threshold) {
            centre_errors_detected.push_back(centre_error);
            width_errors_detected.push_back(width_error);
        }
    }

    const std::string centre_meaning = "centre_estimate - contact_centre wrapped to (-pi, pi]";
    const std::string width_meaning = "width_estimate - contact width";
    using enum bootstrap_stream;
    append_error_columns(columns, {"centre", centre_meaning, false, true, centre_error_all},
                         centre_errors, geometry, options);
    append_error_columns(columns, {"centre", centre_meaning, true, false, centre_error_detected},
                         centre_errors_detected, geometry, options);
    append_error_columns(columns, {"width", width_meaning, false, true, width_error_all},
                         width_errors, geometry, options);
    append_error_columns(columns, {"width", width_meaning, true, false, width_error_detected},
                         width_errors_detected, geometry, options);
}

void append_mean_columns(std::vector<report_column>& columns, const point_results& results,
                         const analysis_options& options) {
    const std::string interval =
        ", Student t " + number_text(100 * options.confidence_level) + "% interval";
    const auto mean_of = [&](const std::string& name) {
        // Counts: the interval stays >= 0.
        return analysis::mean_with_interval(result_column(results, name), options.confidence_level,
                                            analysis::non_negative);
    };
    columns.push_back(interval_column("mean_binding_events", "1",
                                      "binding events per cell with contact" + interval,
                                      mean_of("binding_events")));
    columns.push_back(interval_column("mean_binding_events_no_contact", "1",
                                      "binding events per cell without contact" + interval,
                                      mean_of("binding_events_no_contact")));
    columns.push_back(interval_column("mean_receptors_in_contact", "1",
                                      "receptors inside the contact arc" + interval,
                                      mean_of("receptors_in_contact")));
}

void append_theory_columns(std::vector<report_column>& columns, const parameter_set& values,
                           const contact_geometry& geometry, const analysis_options& options) {
    kinetic_rates rates;
    rates.ephrin_binding = values.real("ephrin_binding_rate");
    rates.interferer_binding = values.real("interferer_binding_rate");
    rates.ephrin_unbinding = values.real("ephrin_unbinding_rate");
    rates.interferer_unbinding = values.real("interferer_unbinding_rate");
    const bool outside = values.has("interferer") && values.choice("interferer") == "outside";
    const auto placement =
        outside ? interferer_placement::outside : interferer_placement::everywhere;

    // A receptor in contact sees no interferer when the interferer is only outside the arc.
    kinetic_rates in_contact = rates;
    if (outside) in_contact.interferer_binding = 0;

    const auto information = long_time_information_rates(rates, placement);
    const auto errors =
        known_arc_gaussian_errors(information, geometry.receptors_in_arc(),
                                  values.real("observation_time"), options.false_positive_rate);

    columns.push_back(
        value_column("theory_fisher_information_per_cycle", "time^2",
                     "Fisher information about a_E per binding cycle of a receptor in contact",
                     fisher_information_per_cycle(in_contact)));
    columns.push_back(
        value_column("theory_fisher_information_per_time", "time",
                     "Fisher information about a_E per unit time of a receptor in contact",
                     fisher_information_per_time(in_contact)));
    columns.push_back(value_column("theory_d_in", "1/time",
                                   "long-time rate E[l_j | in contact]/T (binding durations)",
                                   information.d_in));
    columns.push_back(value_column("theory_d_out", "1/time",
                                   "long-time rate -E[l_j | no contact]/T (binding durations)",
                                   information.d_out));
    columns.push_back(
        value_column("theory_p_fn_at_fp_known_arc", "1",
                     "Gaussian known-arc false-negative rate at false-positive rate " +
                         number_text(options.false_positive_rate),
                     errors.p_fn_at_fp, true));
    columns.push_back(value_column("theory_min_mean_error_known_arc", "1",
                                   "Gaussian known-arc minimum of (P_FP + P_FN)/2",
                                   errors.min_mean_error));
}

}  // namespace

std::vector<report_column> analyze_point(const parameter_set& values, const point_results& results,
                                         const analysis_options& options) {
    const auto geometry = read_geometry(values);
    std::vector<report_column> columns;

    const auto no_contact = result_column(results, "glrt_statistic_no_contact");
    const auto contact = result_column(results, "glrt_statistic");
    const auto at_fp = append_target_rate_columns(columns, no_contact, contact, options);
    append_threshold_free_columns(columns, no_contact, contact, options);
    append_estimator_columns(columns, results, geometry, at_fp, options);
    append_mean_columns(columns, results, options);
    append_theory_columns(columns, values, geometry, options);
    return columns;
}

}  // namespace vigil::contact_sensing

#include "models/contact_sensing/report.hpp"

#include "engine/random_stream.hpp"
#include "models/contact_sensing/theory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace vigil::contact_sensing {
namespace {

constexpr double pi = std::numbers::pi;

// Per-replicate results of one synthetic scan point, filled by each test.
struct synthetic_point {
    std::vector<double> contact_centre_rad;
    std::vector<double> glrt_statistic;
    std::vector<double> centre_estimate_rad;
    std::vector<double> width_estimate_rad;
    std::vector<double> receptors_in_contact;
    std::vector<double> binding_events;
    std::vector<double> glrt_statistic_no_contact;
    std::vector<double> binding_events_no_contact;

    // `replicates` replicates with perfect estimates of a contact of width `width_rad` at
    // centre 1 rad; GLRT statistics all zero.
    synthetic_point(std::size_t replicates, double width_rad)
        : contact_centre_rad(replicates, 1.0),
          glrt_statistic(replicates, 0.0),
          centre_estimate_rad(replicates, 1.0),
          width_estimate_rad(replicates, width_rad),
          receptors_in_contact(replicates, 13.0),
          binding_events(replicates, 100.0),
          glrt_statistic_no_contact(replicates, 0.0),
          binding_events_no_contact(replicates, 90.0) {}

    point_results view() const {
        return {{"contact_centre_rad", contact_centre_rad},
                {"glrt_statistic", glrt_statistic},
                {"centre_estimate_rad", centre_estimate_rad},
                {"width_estimate_rad", width_estimate_rad},
                {"receptors_in_contact", receptors_in_contact},
                {"binding_events", binding_events},
                {"glrt_statistic_no_contact", glrt_statistic_no_contact},
                {"binding_events_no_contact", binding_events_no_contact}};
    }
};

// N = 400 receptors on R = 10 um with a 2 um contact (Delta = 0.2 rad), spec default rates.
parameter_set default_parameters() {
    parameter_set values;
    values.set("receptors", 400.0);
    values.set("radius_um", 10.0);
    values.set("contact_length_um", 2.0);
    values.set("ephrin_binding_rate", 1.0);
    values.set("interferer_binding_rate", 10.0);
    values.set("ephrin_unbinding_rate", 1.0);
    values.set("interferer_unbinding_rate", 10.0);
    values.set("observation_time", 2.0);
    values.set("interferer", std::string("everywhere"));
    values.set("initial_state", std::string("unbound"));
    values.set("observer", std::string("durations"));
    values.set("edge_width_um", 0.0);
    return values;
}

analysis_options quick_options() {
    analysis_options options;
    options.bootstrap_resamples = 200;
    options.seed = 11;
    return options;
}

const report_column& find_column(const std::vector<report_column>& columns,
                                 const std::string& name) {
    const auto found = std::find_if(columns.begin(), columns.end(),
                                    [&](const report_column& c) { return c.name == name; });
    if (found == columns.end()) throw std::runtime_error("no column " + name);
    return *found;
}

TEST(analyze_point, column_names_order_and_headlines) {
    const synthetic_point point(20, 0.2);
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());

    std::vector<std::string> expected{"p_fn_at_fp",
                                      "achieved_fp_rate",
                                      "threshold_at_fp",
                                      "auc",
                                      "min_mean_error",
                                      "threshold_min_mean_error",
                                      "fp_rate_at_min_mean_error",
                                      "fn_rate_at_min_mean_error"};
    for (const std::string quantity : {"centre", "width"}) {
        for (const std::string suffix : {"", "_detected"}) {
            for (const std::string unit : {"rad", "um", "spacings"}) {
                expected.push_back("bias_" + quantity + "_error_" + unit + suffix);
                expected.push_back("rms_" + quantity + "_error_" + unit + suffix);
            }
        }
    }
    for (const std::string name :
         {"mean_binding_events", "mean_binding_events_no_contact", "mean_receptors_in_contact",
          "theory_fisher_information_per_cycle", "theory_fisher_information_per_time",
          "theory_d_in", "theory_d_out", "theory_p_fn_at_fp_known_arc",
          "theory_min_mean_error_known_arc"}) {
        expected.push_back(name);
    }
    ASSERT_EQ(columns.size(), expected.size());
    std::vector<std::string> headlines;
    for (std::size_t k = 0; k < columns.size(); ++k) {
        EXPECT_EQ(columns[k].name, expected[k]);
        if (columns[k].headline) headlines.push_back(columns[k].name);
        EXPECT_EQ(columns[k].has_interval, columns[k].name.rfind("theory_", 0) != 0 &&
                                               columns[k].name.rfind("threshold_", 0) != 0)
            << columns[k].name;
    }
    EXPECT_EQ(headlines, (std::vector<std::string>{
                             "p_fn_at_fp", "auc", "min_mean_error", "rms_centre_error_spacings",
                             "rms_width_error_spacings", "theory_p_fn_at_fp_known_arc"}));
}

TEST(analyze_point, perfectly_separable_statistics) {
    synthetic_point point(50, 0.2);
    for (std::size_t r = 0; r < 50; ++r) {
        point.glrt_statistic_no_contact[r] = r % 3 == 0 ? 0.0 : 0.1 * static_cast<double>(r);
        point.glrt_statistic[r] = 10 + static_cast<double>(r);
    }
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());

    const auto& p_fn = find_column(columns, "p_fn_at_fp");
    EXPECT_EQ(p_fn.value, 0.0);
    EXPECT_EQ(p_fn.lower, 0.0);
    EXPECT_GT(p_fn.upper, 0.0);  // Wilson: 0 of 50 is not proof of a zero rate
    EXPECT_LE(find_column(columns, "achieved_fp_rate").value, 0.05);

    const auto& auc = find_column(columns, "auc");
    EXPECT_EQ(auc.value, 1.0);
    EXPECT_EQ(auc.lower, 1.0);  // every resample is separable too

    const auto& min_error = find_column(columns, "min_mean_error");
    EXPECT_EQ(min_error.value, 0.0);
    EXPECT_EQ(min_error.upper, 0.0);
}

TEST(analyze_point, identical_ensembles_give_auc_one_half) {
    synthetic_point point(40, 0.2);
    for (std::size_t r = 0; r < 40; ++r) {
        point.glrt_statistic[r] = static_cast<double>(r % 7);
        point.glrt_statistic_no_contact[r] = static_cast<double>(r % 7);
    }
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());
    EXPECT_EQ(find_column(columns, "auc").value, 0.5);
    EXPECT_EQ(find_column(columns, "min_mean_error").value, 0.5);
}

// Independent draws from one distribution: the AUC's standard error is
// sqrt((n + m + 1) / (12 n m)) = 0.0091 for n = m = 2000, so 0.04 is over 4 standard errors.
TEST(analyze_point, same_distribution_gives_auc_near_one_half) {
    synthetic_point point(2000, 0.2);
    random_stream stream(stream_key{5, 77, 0, 0});
    for (std::size_t r = 0; r < 2000; ++r) {
        point.glrt_statistic[r] = std::max(0.0, -std::log(stream.uniform_open()) - 0.5);
        point.glrt_statistic_no_contact[r] = std::max(0.0, -std::log(stream.uniform_open()) - 0.5);
    }
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());
    const auto& auc = find_column(columns, "auc");
    EXPECT_NEAR(auc.value, 0.5, 0.04);
    EXPECT_LT(auc.lower, auc.value);
    EXPECT_GT(auc.upper, auc.value);
}

TEST(analyze_point, centre_errors_across_the_wrap) {
    // True centres just below 2 pi with estimates just above 0, and the reverse: the errors
    // are +0.03 and -0.03 rad, not +-(2 pi - 0.03).
    synthetic_point point(4, 0.2);
    point.contact_centre_rad = {2 * pi - 0.01, 2 * pi - 0.01, 0.01, 0.01};
    point.centre_estimate_rad = {0.02, 0.02, 2 * pi - 0.02, 2 * pi - 0.02};
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());

    EXPECT_NEAR(find_column(columns, "bias_centre_error_rad").value, 0.0, 1e-12);
    EXPECT_NEAR(find_column(columns, "rms_centre_error_rad").value, 0.03, 1e-12);
    EXPECT_NEAR(find_column(columns, "rms_centre_error_um").value, 0.3, 1e-11);
    EXPECT_NEAR(find_column(columns, "rms_centre_error_spacings").value, 0.03 * 400 / (2 * pi),
                1e-10);
    const auto& rms = find_column(columns, "rms_centre_error_rad");
    EXPECT_NEAR(rms.lower, 0.03, 1e-12);  // every error has size 0.03
    EXPECT_NEAR(rms.upper, 0.03, 1e-12);
}

TEST(analyze_point, detected_subset_uses_the_threshold_at_fp) {
    // No-contact statistics 0..19: at 5% the threshold is 18 (one of 20 above it). Contact
    // replicates with Lambda > 18 have centre error 0.1, the others 0.5.
    synthetic_point point(20, 0.2);
    for (std::size_t r = 0; r < 20; ++r) {
        point.glrt_statistic_no_contact[r] = static_cast<double>(r);
        const bool detected = r % 2 == 0;
        point.glrt_statistic[r] = detected ? 30.0 : 5.0;
        point.centre_estimate_rad[r] = 1.0 + (detected ? 0.1 : 0.5);
    }
    const auto columns = analyze_point(default_parameters(), point.view(), quick_options());

    EXPECT_EQ(find_column(columns, "threshold_at_fp").value, 18.0);
    EXPECT_EQ(find_column(columns, "p_fn_at_fp").value, 0.5);
    EXPECT_NEAR(find_column(columns, "bias_centre_error_rad_detected").value, 0.1, 1e-12);
    EXPECT_NEAR(find_column(columns, "rms_centre_error_rad_detected").value, 0.1, 1e-12);
    EXPECT_NEAR(find_column(columns, "bias_centre_error_rad").value, 0.3, 1e-12);
    EXPECT_NEAR(find_column(columns, "rms_centre_error_rad").value, std::sqrt(0.13), 1e-12);
}

TEST(analyze_point, width_errors_against_contact_receptors) {
    // 40 of 400 receptors: Delta = 2 pi / 10. Estimates one receptor spacing too wide.
    auto values = default_parameters();
    parameter_set by_receptors;
    for (const auto& [name, value] : values.entries()) {
        if (name != "contact_length_um") by_receptors.set(name, value);
    }
    by_receptors.set("contact_receptors", 40.0);
    const double spacing = 2 * pi / 400;
    const synthetic_point point(10, 2 * pi / 10 + spacing);
    const auto columns = analyze_point(by_receptors, point.view(), quick_options());

    EXPECT_NEAR(find_column(columns, "bias_width_error_spacings").value, 1.0, 1e-9);
    EXPECT_NEAR(find_column(columns, "rms_width_error_spacings").value, 1.0, 1e-9);
    EXPECT_NEAR(find_column(columns, "rms_width_error_um").value, 10 * spacing, 1e-12);
}

TEST(analyze_point, theory_columns_use_in_contact_rates_and_arc_size) {
    auto values = default_parameters();
    values.set("interferer", std::string("outside"));
    const synthetic_point point(10, 0.2);
    const auto options = quick_options();
    const auto columns = analyze_point(values, point.view(), options);

    const kinetic_rates in_contact{1, 0, 1, 10};  // no interferer on the arc
    EXPECT_EQ(find_column(columns, "theory_fisher_information_per_cycle").value,
              fisher_information_per_cycle(in_contact));
    EXPECT_EQ(find_column(columns, "theory_fisher_information_per_time").value,
              fisher_information_per_time(in_contact));

    const auto rates = long_time_information_rates({1, 10, 1, 10}, interferer_placement::outside);
    EXPECT_EQ(find_column(columns, "theory_d_in").value, rates.d_in);
    EXPECT_EQ(find_column(columns, "theory_d_out").value, rates.d_out);
    // 2 um of a 10 um radius: Delta = 0.2 rad holds 0.2 * 400 / 2 pi receptors.
    const auto errors = known_arc_gaussian_errors(rates, 0.2 * 400 / (2 * pi), 2.0, 0.05);
    EXPECT_EQ(find_column(columns, "theory_p_fn_at_fp_known_arc").value, errors.p_fn_at_fp);
    EXPECT_EQ(find_column(columns, "theory_min_mean_error_known_arc").value, errors.min_mean_error);
}

TEST(analyze_point, bootstrap_intervals_are_reproducible) {
    synthetic_point point(30, 0.2);
    random_stream stream(stream_key{5, 78, 0, 0});
    for (std::size_t r = 0; r < 30; ++r) {
        point.centre_estimate_rad[r] = 1.0 + (stream.uniform_open() - 0.5) * 0.2;
        point.glrt_statistic[r] = 3 * stream.uniform_open();
        point.glrt_statistic_no_contact[r] = 2 * stream.uniform_open();
    }
    const auto first = analyze_point(default_parameters(), point.view(), quick_options());
    const auto second = analyze_point(default_parameters(), point.view(), quick_options());
    for (std::size_t k = 0; k < first.size(); ++k) {
        EXPECT_EQ(first[k].lower, second[k].lower) << first[k].name;
        EXPECT_EQ(first[k].upper, second[k].upper) << first[k].name;
    }
}

TEST(analyze_point, missing_result_column_is_named) {
    const synthetic_point point(5, 0.2);
    auto results = point.view();
    results.erase("glrt_statistic_no_contact");
    try {
        analyze_point(default_parameters(), results, quick_options());
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("glrt_statistic_no_contact"), std::string::npos);
    }
}

}  // namespace
}  // namespace vigil::contact_sensing

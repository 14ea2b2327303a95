#include "models/regime_shifts/common.hpp"

#include "engine/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace vigil::regime_shifts {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::vector<parameter_spec> time_grid_parameters(double default_duration, double default_burn_in,
                                                 double default_time_step,
                                                 double default_sample_interval,
                                                 bool with_time_step) {
    std::vector<parameter_spec> table;
    table.push_back(real_parameter(key::duration, "time",
                                   "length of the recorded run; the control ramps over it",
                                   default_duration, 0, 1e9, false));
    table.push_back(real_parameter(key::burn_in, "time",
                                   "time simulated at the start value of the control before "
                                   "recording begins",
                                   default_burn_in, 0, 1e9));
    if (with_time_step) {
        table.push_back(real_parameter(key::time_step, "time", "integration step h",
                                       default_time_step, 0, infinity, false));
    }
    table.push_back(real_parameter(key::sample_interval, "time",
                                   with_time_step
                                       ? "time between recorded samples, a whole number of steps"
                                       : "time between recorded samples",
                                   default_sample_interval, 0, infinity, false));
    return table;
}

std::vector<parameter_spec> early_warning_parameters() {
    std::vector<parameter_spec> table;
    table.push_back(choice_parameter(
        key::detrending,
        "detrending before the rolling indicators: Gaussian kernel, none, a least-squares line, "
        "LOWESS, or first differences (analysis/indicators.hpp)",
        {"gaussian", "none", "linear", "lowess", "first_difference"}));
    table.push_back(real_parameter(key::bandwidth, "1",
                                   "Gaussian kernel bandwidth as a fraction of the series length",
                                   0.2, 0, 1, false));
    table.push_back(real_parameter(key::lowess_span, "1",
                                   "LOWESS neighbourhood as a fraction of the series length", 0.2,
                                   0, 1, false));
    table.push_back(real_parameter(key::rolling_window, "1",
                                   "rolling window as a fraction of the series before the "
                                   "transition",
                                   0.5, 0, 1, false));
    table.push_back(integer_parameter(key::rolling_window_points, "1",
                                      "rolling window as a number of samples; replaces "
                                      "rolling_window when given",
                                      std::nullopt, 4, 1e9));
    table.push_back(integer_parameter(key::autocorrelation_lag, "1",
                                      "lag, in samples, of the rolling autocorrelation", 1.0, 1,
                                      1e6));
    table.push_back(choice_parameter(key::indicator_convention,
                                     "peer conventions of the indicators: ewstools (Python) or r "
                                     "(the earlywarnings package)",
                                     {"ewstools", "r"}));
    return table;
}

early_warning_settings read_early_warning(const parameter_set& values) {
    analysis::ews_options options;
    const std::string& method = values.choice(key::detrending);
    options.detrending.method = method == "none"     ? analysis::detrend_method::none
                                : method == "linear" ? analysis::detrend_method::linear
                                : method == "lowess" ? analysis::detrend_method::lowess
                                : method == "first_difference"
                                    ? analysis::detrend_method::first_difference
                                    : analysis::detrend_method::gaussian;
    options.detrending.convention = values.choice(key::indicator_convention) == "r"
                                        ? analysis::ews_convention::earlywarnings
                                        : analysis::ews_convention::ewstools;
    options.detrending.bandwidth = analysis::series_length::fraction(values.real(key::bandwidth));
    options.detrending.span = values.real(key::lowess_span);
    options.window = values.has(key::rolling_window_points)
                         ? analysis::series_length::points(
                               static_cast<double>(values.integer(key::rolling_window_points)))
                         : analysis::series_length::fraction(values.real(key::rolling_window));
    options.lag = static_cast<std::size_t>(values.integer(key::autocorrelation_lag));
    return {options};
}

namespace {

// The smallest fraction f with f * samples >= needed (as the analysis computes the product).
double smallest_fraction(double needed, std::size_t samples) {
    const auto n = static_cast<double>(samples);
    double fraction = needed / n;
    while (fraction * n < needed) fraction = std::nextafter(fraction, 2.0);
    return fraction;
}

// A detrending kernel narrower than about one sample leaves nothing to smooth: the trend is
// the series itself (or the fit fails) and every indicator is NaN. The Gaussian bandwidth must
// span at least one sample, the LOWESS neighbourhood the points its local fit needs (degree 1
// + 2 with the ewstools convention, degree 2 + 2 with r's).
void check_detrending_kernel(const parameter_set& values, std::size_t samples) {
    const std::string& method = values.choice(key::detrending);
    const auto n = static_cast<double>(samples);
    if (method == "gaussian") {
        const double bandwidth = values.real(key::bandwidth);
        if (bandwidth * n < 1) {
            throw input_error(fmt::format(
                "{} = {} spans {:.3g} of the {} samples (duration / sample_interval + 1); the "
                "kernel needs at least 1: the smallest allowed is {}",
                key::bandwidth, bandwidth, bandwidth * n, samples, smallest_fraction(1, samples)));
        }
    } else if (method == "lowess") {
        const double span = values.real(key::lowess_span);
        // LOWESS gives the farthest of its neighbours weight 0: a fit of degree d (1 with the
        // ewstools convention, 2 with r's) through d + 2 neighbours passes through the series
        // and leaves residuals of rounding noise, so it needs d + 3.
        const double needed = values.choice(key::indicator_convention) == "r" ? 5 : 4;
        if (std::floor(span * n) < needed) {
            throw input_error(fmt::format(
                "{} = {} covers {} of the {} samples (duration / sample_interval + 1); the local "
                "fit needs at least {}: the smallest allowed is {}",
                key::lowess_span, span, std::floor(span * n), samples, needed,
                smallest_fraction(needed, samples)));
        }
    }
}

}  // namespace

double recorded_samples(const parameter_set& values) {
    const double ratio = values.real(key::duration) / values.real(key::sample_interval);
    return std::floor(ratio + 1e-9) + 1;
}

std::size_t sample_count(const parameter_set& values) {
    return static_cast<std::size_t>(recorded_samples(values));
}

namespace {

// At least 8 samples (the pipeline's shortest series), at most max_samples_per_member; the
// count is compared as a double, so a grid of 1e303 samples is refused, never cast. The
// message offers the shortest sample_interval within the limit (with a time step, the
// shortest whole multiple of it).
void check_sample_count(const parameter_set& values, bool with_time_step) {
    const double duration = values.real(key::duration);
    const double interval = values.real(key::sample_interval);
    const double samples = recorded_samples(values);
    if (samples < 8) {
        throw input_error(fmt::format("{} = {} gives {} samples at {} = {}; at least 8 are needed",
                                      key::duration, duration, samples, key::sample_interval,
                                      interval));
    }
    if (samples > max_samples_per_member) {
        double shortest = duration / (max_samples_per_member - 1);
        std::string multiple;
        if (with_time_step) {
            const double step = values.real(key::time_step);
            shortest = std::ceil(shortest / step) * step;
            multiple = fmt::format(" (a whole multiple of {} = {})", key::time_step, step);
        }
        // Shown to 10 significant digits, rounded up (0.3, not 0.30000000000000004): still
        // within the limit, and a whole multiple well inside check_step_count's tolerance.
        const double digit = std::pow(10.0, std::floor(std::log10(shortest)) - 9);
        shortest = std::ceil(shortest / digit - 1e-6) * digit;
        throw input_error(fmt::format(
            "{} = {} at {} = {} gives {} samples per member (duration / sample_interval + "
            "1); at most {:.0f} are allowed (about 200 bytes of memory each per replicate): "
            "raise {} to {:.10g} or more{} or shorten {}",
            key::duration, duration, key::sample_interval, interval,
            // Whole while a double counts exactly (1000001 is over the limit, 1e+06 reads not).
            samples < 1e15 ? fmt::format("{:.0f}", samples) : fmt::format("{:.4g}", samples),
            max_samples_per_member, key::sample_interval, shortest, multiple, key::duration));
    }
}

// sample_interval a whole number of time steps, and at most 1e10 steps over burn-in and
// recorded run, which keeps every step count (burn-in, recorded part, steps per sample) far
// inside std::size_t. Compared as doubles, before anything is counted.
void check_step_count(const parameter_set& values) {
    const double interval = values.real(key::sample_interval);
    const double step = values.real(key::time_step);
    const double ratio = interval / step;
    // Written so that an infinite ratio (a step far below the interval) is refused too.
    if (!(ratio >= 1 - 1e-9) || !(std::fabs(ratio - std::round(ratio)) <= 1e-6 * ratio)) {
        throw input_error(fmt::format("{} = {} must be a whole multiple of {} = {}",
                                      key::sample_interval, interval, key::time_step, step));
    }
    const double duration = values.real(key::duration);
    const double burn_in = values.real(key::burn_in);
    const double steps = (duration + burn_in) / step;
    if (steps > 1e10) {
        throw input_error(fmt::format(
            "({} + {}) / {} = ({} + {}) / {} gives {:.3g} steps; at most 1e10 are allowed",
            key::duration, key::burn_in, key::time_step, duration, burn_in, step, steps));
    }
}

}  // namespace

void check_time_grid_and_window(const parameter_set& values, bool with_time_step) {
    if (with_time_step) check_step_count(values);
    check_sample_count(values, with_time_step);
    const std::size_t samples = sample_count(values);
    check_detrending_kernel(values, samples);
    const auto lag = static_cast<std::size_t>(values.integer(key::autocorrelation_lag));
    const std::size_t smallest = analysis::minimum_window_points(lag);
    if (values.has(key::rolling_window_points)) {
        const auto points = static_cast<std::size_t>(values.integer(key::rolling_window_points));
        if (points > samples) {
            throw input_error(fmt::format(
                "{} = {} is larger than the series ({} samples: duration / sample_interval + 1)",
                key::rolling_window_points, points, samples));
        }
        if (points < smallest) {
            throw input_error(fmt::format("{} = {}: {} = {} needs at least {} points",
                                          key::rolling_window_points, points,
                                          key::autocorrelation_lag, lag, smallest));
        }
    } else {
        const double fraction = values.real(key::rolling_window);
        const std::size_t points =
            analysis::window_points(analysis::series_length::fraction(fraction), samples,
                                    read_early_warning(values).options.detrending.convention);
        if (points < smallest) {
            throw input_error(
                fmt::format("{} = {} gives {} of the {} samples; {} = {} needs at least {}",
                            key::rolling_window, fraction, points, samples,
                            key::autocorrelation_lag, lag, smallest));
        }
    }
}

std::vector<result_field> ensemble_result_fields(const std::string& control_unit,
                                                 const std::string& state_unit) {
    std::vector<result_field> fields = {
        {"approach_transition", "1", "1 when the approaching member left the basin, else 0"},
        {"approach_transition_time", "time",
         "time of the approaching member's transition (NaN without one)"},
        {"approach_transition_control", control_unit,
         "control value at the approaching member's transition (NaN without one)"},
        {"null_transition", "1", "1 when the null member left the basin, else 0"},
        {"null_transition_time", "time", "time of the null member's transition (NaN without one)"},
        {"compared_samples", "1",
         "samples of each member's series used for the trends (the approaching member's before "
         "its transition)"},
    };
    for (const char* member : {"approach", "null"}) {
        for (const std::string& name : indicator_names()) {
            fields.push_back({fmt::format("{}_tau_{}", member, name), "1",
                              fmt::format("Kendall tau-b of the rolling {} against time ({} "
                                          "member)",
                                          name, member)});
        }
    }
    for (const char* member : {"approach", "null"}) {
        fields.push_back({fmt::format("{}_mean", member), state_unit,
                          fmt::format("mean of the {} member's recorded series", member)});
        fields.push_back(
            {fmt::format("{}_variance", member), state_unit + "^2",
             fmt::format("sample variance of the {} member's recorded series", member)});
        fields.push_back({fmt::format("{}_lag1_autocorrelation", member), "1",
                          fmt::format("lag-1 autocorrelation (one sample_interval) of the {} "
                                      "member's recorded series",
                                      member)});
    }
    return fields;
}

void store_ensemble_results(const member_outcome& approaching, const member_outcome& null,
                            double sample_interval, const early_warning_settings& settings,
                            std::span<double> results) {
    results[field::approach_transition] = approaching.transition ? 1 : 0;
    results[field::approach_transition_time] =
        approaching.transition ? approaching.transition_time : not_a_number;
    results[field::approach_transition_control] =
        approaching.transition ? approaching.transition_control : not_a_number;
    results[field::null_transition] = null.transition ? 1 : 0;
    results[field::null_transition_time] = null.transition ? null.transition_time : not_a_number;

    const std::size_t compared = std::min(approaching.series.size(), null.series.size());
    results[field::compared_samples] = static_cast<double>(compared);
    const std::span<const double> approach_part(approaching.series.data(), compared);
    const std::span<const double> null_part(null.series.data(), compared);
    const auto approach_trends = indicator_trends(approach_part, sample_interval, settings);
    const auto null_trends = indicator_trends(null_part, sample_interval, settings);
    for (std::size_t k = 0; k < indicator_count; ++k) {
        results[field::approach_tau + k] = approach_trends[k];
        results[field::null_tau + k] = null_trends[k];
    }

    const series_moments approach_moments = moments_of(approaching.series);
    const series_moments null_moments = moments_of(null.series);
    results[field::approach_moments + 0] = approach_moments.mean;
    results[field::approach_moments + 1] = approach_moments.variance;
    results[field::approach_moments + 2] = approach_moments.lag1_autocorrelation;
    results[field::null_moments + 0] = null_moments.mean;
    results[field::null_moments + 1] = null_moments.variance;
    results[field::null_moments + 2] = null_moments.lag1_autocorrelation;
}

void record_indicator_series(const member_outcome& approaching, const member_outcome& null,
                             double sample_interval, const early_warning_settings& settings,
                             const std::string& state_unit, trajectory_record& trajectory) {
    const std::size_t compared = std::min(approaching.series.size(), null.series.size());
    for (const auto& [member, outcome] :
         {std::pair{"approach", &approaching}, std::pair{"null", &null}}) {
        const auto result = early_warning_of(
            std::span<const double>(outcome->series.data(), compared), sample_interval, settings);
        if (!result) continue;
        trajectory[fmt::format("{}_trend", member)] = {
            state_unit,
            fmt::format("trend removed before the rolling indicators ({} member, compared part)",
                        member),
            result->series.trend};
        for (std::size_t k = 0; k < indicator_count; ++k) {
            const analysis::indicator which = stored_indicators[k];
            const bool squared = which == analysis::indicator::variance;
            trajectory[fmt::format("{}_rolling_{}", member, indicator_names()[k])] = {
                squared ? state_unit + "^2" : "1",
                fmt::format("rolling {} of the residuals at each window's right end ({} member); "
                            "its Kendall tau is {}_tau_{}",
                            indicator_names()[k], member, member, indicator_names()[k]),
                result->rolling[which]};
        }
    }
}

}  // namespace vigil::regime_shifts

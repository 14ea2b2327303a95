#include "ews_command.hpp"

#include "analysis/indicators.hpp"
#include "analysis/surrogates.hpp"
#include "csv_series.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "ews_model_test.hpp"
#include "option_checks.hpp"
#include "python_runner.hpp"
#include "table.hpp"
#include "vigil/plot_ews_script.hpp"
#include "vigil/version.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vigil::cli {

namespace fs = std::filesystem;
namespace an = vigil::analysis;

struct ews_arguments {
    std::string series_path;
    std::string time_column;
    std::string value_column;
    std::string detrend = "gaussian";
    double bandwidth = 0.2;
    double span = 0.2;
    double window = 0.5;
    std::size_t lag = 1;
    std::vector<std::string> indicators;
    std::size_t surrogates = 1000;
    std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
    std::uint64_t seed = 1;
    std::string convention = "ewstools";
    std::string output_path;
    std::string plot_path;
    bool overwrite = false;
    bool sensitivity = false;
    bool model_test = false;
    std::size_t bootstrap = 500;
};

namespace {

// Random stream ids of `vigil ews` (one place, as for the models).
enum ews_stream : std::uint64_t { ar1_surrogate_stream = 1, phase_surrogate_stream = 2 };

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double even_step_tolerance = 1e-6;   // relative; CSV times carry ~1e-13 rounding
constexpr std::size_t minimum_windows = 3;     // Kendall tau of fewer points says nothing
constexpr double widest_bandwidth_spans = 10;  // a Gaussian bandwidth in time units, at most
constexpr double fewest_kernel_points = 1;     // a Gaussian bandwidth in sample spacings, at least
constexpr std::size_t fewest_bootstrap = 10;
constexpr std::size_t most_bootstrap = 100000;

std::string utc_now() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

std::string number_text(double value) {
    if (std::isnan(value)) return "-";
    if (value != 0 && (std::fabs(value) < 1e-3 || std::fabs(value) >= 1e5)) {
        return fmt::format("{:.3e}", value);
    }
    return fmt::format("{:.4g}", value);
}

// "first to last" with as many significant digits as it takes to tell them apart.
std::string time_range_text(double first, double last) {
    for (int digits = 4; digits < 17; ++digits) {
        const auto first_text = fmt::format("{:.{}g}", first, digits);
        const auto last_text = fmt::format("{:.{}g}", last, digits);
        if (first_text != last_text) return fmt::format("{} to {}", first_text, last_text);
    }
    return fmt::format("{} to {}", first, last);
}

std::string p_value_text(double p) {
    return std::isnan(p) ? "-" : fmt::format("{:.4f}", p);
}

// ---- checks on the input, all before anything is computed or written --------------------

// Each output must be a file name of its own: not a directory, not the input series (which
// --overwrite would destroy), not existing unless --overwrite.
void check_output_path(const std::string& path, const char* option, bool overwrite,
                       const std::string& series_path) {
    if (path.empty()) return;
    if (fs::is_directory(path)) {
        throw input_error(fmt::format("{} {}: is a directory; give a file name", option, path));
    }
    std::error_code not_comparable;
    if (fs::exists(path) && fs::equivalent(path, series_path, not_comparable)) {
        throw input_error(fmt::format("{} {}: names the input series {}; give another file name",
                                      option, path, series_path));
    }
    if (fs::exists(path) && !overwrite) {
        throw input_error(
            fmt::format("{} {}: exists; pass --overwrite to replace it", option, path));
    }
    const auto parent = fs::absolute(path).parent_path();
    if (!fs::is_directory(parent)) {
        throw input_error(
            fmt::format("{} {}: the directory {} does not exist", option, path, parent.string()));
    }
    // Permissions alone do not tell (root, read-only mounts): a scratch file is created and
    // removed, so that an unwritable directory is refused before any work.
    std::string probe = (parent / ".vigil-check-XXXXXX").string();
    const int descriptor = mkstemp(probe.data());
    if (descriptor < 0) {
        throw input_error(fmt::format("{} {}: cannot write in the directory {} ({})", option, path,
                                      parent.string(), std::strerror(errno)));
    }
    close(descriptor);
    unlink(probe.c_str());
}

// Compared as paths, since neither output need exist yet: `./a.png` and `a.png` (or a path
// through a symbolic link to the same directory) are one file.
bool same_path(const std::string& first, const std::string& second) {
    const auto resolved = [](const std::string& path) {
        std::error_code failed;
        auto canonical = fs::weakly_canonical(fs::absolute(path), failed);
        return failed ? fs::absolute(path).lexically_normal() : canonical;
    };
    if (resolved(first) == resolved(second)) return true;
    std::error_code not_comparable;
    return fs::exists(first) && fs::equivalent(first, second, not_comparable);
}

// The figure is drawn as PNG whatever the name says; another extension would mislabel it.
void check_figure_name(const std::string& path) {
    if (path.empty()) return;
    std::string extension = fs::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension != ".png") {
        throw input_error(
            fmt::format("--plot {}: figures are PNG; give a name ending in .png", path));
    }
}

// --indicators, each occurrence comma-separated; none given: all. Every name must be known
// and given once (a repeated indicator would be tested, its surrogates drawn, and stored
// twice); an empty name (",,", a trailing comma) is refused, not dropped.
std::vector<an::indicator> parse_indicators_option(const std::vector<std::string>& given) {
    if (given.empty()) return {std::begin(an::all_indicators), std::end(an::all_indicators)};
    std::vector<std::string> allowed;
    for (const auto which : an::all_indicators) allowed.push_back(an::to_string(which));
    std::vector<an::indicator> indicators;
    for (const auto& text : given) {
        std::size_t start = 0;
        while (true) {
            const auto comma = text.find(',', start);
            const auto name =
                text.substr(start, comma == std::string::npos ? comma : comma - start);
            if (name.empty()) {
                throw input_error(fmt::format(
                    "--indicators \"{}\": an empty name; give comma-separated names from {}", text,
                    fmt::join(allowed, ", ")));
            }
            an::indicator which{};
            try {
                which = an::parse_indicator(name);
            } catch (const std::invalid_argument& error) {
                throw input_error(std::string("--indicators: ") + error.what());
            }
            if (std::find(indicators.begin(), indicators.end(), which) != indicators.end()) {
                throw input_error(fmt::format(
                    "--indicators: \"{}\" is named twice; name each indicator once", name));
            }
            indicators.push_back(which);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return indicators;
}

void check_even_sampling(const csv_series& series) {
    const auto& t = series.time;
    if (t.size() < 3) return;
    std::vector<double> steps(t.size() - 1);
    for (std::size_t i = 1; i < t.size(); ++i) steps[i - 1] = t[i] - t[i - 1];
    auto sorted = steps;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double typical = sorted[sorted.size() / 2];
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (std::fabs(steps[i] - typical) > even_step_tolerance * typical) {
            throw input_error(fmt::format(
                "{} line {}: uneven sampling: the time step from line {} is {}, the median step "
                "is {}. Autocorrelation-type indicators need evenly spaced times; interpolate "
                "the series onto an even grid first (vigil does not do this silently)",
                series.path, series.lines[i + 1], series.lines[i], steps[i], typical));
        }
    }
}

// The series is too short for the rolling window: bad input, except under --model-test with
// the default window, where the indicators are skipped and the model test still runs.
class series_too_short_for_window : public input_error {
public:
    using input_error::input_error;
};

struct resolved_settings {
    an::ews_options options;
    std::vector<an::indicator> indicators;
    std::string bandwidth_unit;
    double kernel_sigma_points = nan;
    std::size_t window_points = 0;
};

// The smallest fraction f of an n-point series with f * n >= points, the product computed as the
// analysis computes it.
double smallest_fraction(double points, std::size_t n) {
    const auto length = static_cast<double>(n);
    double fraction = points / length;
    while (fraction * length < points) fraction = std::nextafter(fraction, 2.0);
    return fraction;
}

// The points a Gaussian bandwidth spans (before the r convention rounds them), converted as the
// analysis converts them: `bandwidth` <= 1 is a fraction of the series, above 1 time units.
double points_of_time_units(double time_units, std::size_t n, double span_time) {
    return time_units * static_cast<double>(n - 1) / span_time;
}

double bandwidth_points(double bandwidth, std::size_t n, double span_time) {
    return bandwidth <= 1 ? bandwidth * static_cast<double>(n)
                          : points_of_time_units(bandwidth, n, span_time);
}

// A kernel narrower than one sample spacing leaves the trend equal to the series: residuals of
// 0 or rounding noise, every indicator undefined or meaningless.
bool kernel_spans_a_sample(double bandwidth, std::size_t n, double span_time) {
    return n < 2 || bandwidth_points(bandwidth, n, span_time) >= fewest_kernel_points;
}

// Refused like the regime-shift models refuse it, naming the smallest bandwidth in both of its
// forms where both can be given. (A series of one point has no spacing: the window refuses it.)
void check_kernel_spans_a_sample(double bandwidth, std::size_t n, double span_time) {
    if (kernel_spans_a_sample(bandwidth, n, span_time)) return;
    const double spacing = span_time / static_cast<double>(n - 1);
    const double as_fraction = smallest_fraction(fewest_kernel_points, n);
    double in_time_units = spacing;
    while (points_of_time_units(in_time_units, n, span_time) < fewest_kernel_points) {
        in_time_units = std::nextafter(in_time_units, std::numeric_limits<double>::infinity());
    }
    // Values up to 1 are fractions: a spacing of at most 1 time unit cannot be given in time units.
    const std::string fraction_text = fmt::format("{} as a fraction of the series", as_fraction);
    const std::string time_text = fmt::format("{} in time units", in_time_units);
    std::string smallest = fraction_text;
    if (bandwidth > 1) {
        smallest = time_text + ", or " + fraction_text;
    } else if (in_time_units > 1) {
        smallest += ", or " + time_text;
    }
    throw input_error(fmt::format(
        "--bandwidth {}: {:.3g} sample spacings of the {}-point series (one spacing is {} time "
        "units); the Gaussian kernel needs at least one: the smallest allowed is {}",
        bandwidth, bandwidth_points(bandwidth, n, span_time), n, number_text(spacing), smallest));
}

// LOWESS gives the farthest of its floor(span n) neighbours weight 0: a local fit of degree d
// through d + 1 weighted points passes through the series, leaving residuals of rounding noise.
// The span must cover d + 3 points (degree 1 with the ewstools convention, 2 with r's).
int lowess_degree(an::ews_convention convention) {
    return convention == an::ews_convention::ewstools ? 1 : 2;
}

double lowess_points_needed(an::ews_convention convention) {
    return lowess_degree(convention) + 3;
}

bool span_covers_enough(double span, std::size_t n, an::ews_convention convention) {
    return std::floor(span * static_cast<double>(n)) >= lowess_points_needed(convention);
}

void check_span(double span, std::size_t n, an::ews_convention convention) {
    if (!(span > 0 && span <= 1)) {
        throw input_error(
            fmt::format("--span {}: must be in (0, 1], a fraction of the series", span));
    }
    if (span_covers_enough(span, n, convention)) return;
    // The window checks come first: a series they accept has more points than any span needs.
    const double needed = lowess_points_needed(convention);
    throw input_error(fmt::format(
        "--span {}: covers {} of the {} points; a local fit of degree {} needs at least {} (the "
        "farthest has weight 0; with fewer the trend passes through the series): the smallest "
        "allowed is {}",
        span, std::floor(span * static_cast<double>(n)), n, lowess_degree(convention), needed,
        smallest_fraction(needed, n)));
}

resolved_settings resolve_settings(const ews_arguments& arguments,
                                   const std::vector<an::indicator>& indicators,
                                   const csv_series& series) {
    resolved_settings settings;
    auto& options = settings.options;
    settings.indicators = indicators;
    options.detrending.method = an::parse_detrend_method(arguments.detrend);
    options.detrending.convention = an::parse_convention(arguments.convention);
    options.lag = arguments.lag;
    const auto convention = options.detrending.convention;
    const std::size_t n = series.values.size();

    if (!(arguments.bandwidth > 0) || !std::isfinite(arguments.bandwidth)) {
        throw input_error(
            fmt::format("--bandwidth {}: must be a finite number > 0 (a fraction of the series "
                        "up to 1, or time units above 1)",
                        arguments.bandwidth));
    }
    const double span_time = series.time.back() - series.time.front();
    if (arguments.bandwidth > 1 && !(arguments.bandwidth <= widest_bandwidth_spans * span_time)) {
        throw input_error(fmt::format(
            "--bandwidth {}: at most {} times the series' span ({} time units); a wider kernel "
            "gives the same flat trend",
            arguments.bandwidth, widest_bandwidth_spans, number_text(span_time)));
    }
    if (arguments.bandwidth <= 1) {
        options.detrending.bandwidth = an::series_length::fraction(arguments.bandwidth);
        settings.bandwidth_unit = "of the series length";
    } else {
        options.detrending.bandwidth = an::series_length::time_units(arguments.bandwidth);
        settings.bandwidth_unit = "time units";
    }
    options.detrending.span = arguments.span;

    if (!(arguments.window > 0) || !std::isfinite(arguments.window) ||
        (arguments.window > 1 && arguments.window != std::floor(arguments.window))) {
        throw input_error(
            fmt::format("--window {}: give a fraction of the series in (0, 1] or "
                        "a whole number of points",
                        arguments.window));
    }
    options.window = arguments.window <= 1 ? an::series_length::fraction(arguments.window)
                                           : an::series_length::points(arguments.window);
    if (arguments.lag < 1) throw input_error("--lag: must be >= 1");
    const std::size_t detrended =
        options.detrending.method == an::detrend_method::first_difference ? n - 1 : n;
    // Compared as given: a count of 2^64 or more does not fit std::size_t.
    if (arguments.window > 1 && arguments.window > static_cast<double>(detrended)) {
        throw series_too_short_for_window(
            fmt::format("--window {}: {} points, longer than the {} detrended points of the series",
                        arguments.window, arguments.window, detrended));
    }
    settings.window_points = an::window_points(options.window, n, convention);
    const std::size_t minimum = an::minimum_window_points(arguments.lag);
    if (settings.window_points < minimum) {
        throw series_too_short_for_window(fmt::format(
            "--window {}: {} points of the {}-point series; the indicators need at least {} "
            "points per window (lag {}), so the series is too short for this window",
            arguments.window, settings.window_points, n, minimum, arguments.lag));
    }
    if (settings.window_points > detrended) {
        throw series_too_short_for_window(
            fmt::format("--window {}: {} points, longer than the {} detrended points of the series",
                        arguments.window, settings.window_points, detrended));
    }
    if (settings.window_points + minimum_windows - 1 > detrended) {
        throw series_too_short_for_window(fmt::format(
            "--window {}: {} points leave {} rolling windows in the {} detrended points; "
            "Kendall tau needs at least {} windows",
            arguments.window, settings.window_points, detrended - settings.window_points + 1,
            detrended, minimum_windows));
    }

    // After the window: a series too short for any window is named as such, whatever the kernel.
    if (options.detrending.method == an::detrend_method::gaussian) {
        check_kernel_spans_a_sample(arguments.bandwidth, n, span_time);
        double points = bandwidth_points(arguments.bandwidth, n, span_time);
        if (convention == an::ews_convention::earlywarnings) points = std::nearbyint(points);
        settings.kernel_sigma_points = an::gaussian_sigma_points(points, convention);
    } else if (options.detrending.method == an::detrend_method::lowess) {
        check_span(arguments.span, n, convention);
    }
    return settings;
}

// ---- Python for --plot ------------------------------------------------------------------

// ---- the analysis -----------------------------------------------------------------------

struct sensitivity_grid {
    std::vector<double> window_fractions;
    std::vector<double> bandwidths;  // fractions (Gaussian bandwidth or LOWESS span); NaN: none
    std::vector<std::vector<double>> taus;  // [indicator][window * bandwidths + bandwidth]
};

sensitivity_grid run_sensitivity(const csv_series& series, const an::ews_options& base) {
    sensitivity_grid grid;
    for (int w = 25; w <= 75; w += 5) grid.window_fractions.push_back(w / 100.0);
    const auto method = base.detrending.method;
    if (method == an::detrend_method::gaussian) {
        for (int b = 5; b <= 50; b += 5) grid.bandwidths.push_back(b / 100.0);
    } else if (method == an::detrend_method::lowess) {
        for (int s = 10; s <= 50; s += 5) grid.bandwidths.push_back(s / 100.0);
    } else {
        grid.bandwidths.push_back(nan);
    }
    const std::size_t cells = grid.window_fractions.size() * grid.bandwidths.size();
    grid.taus.assign(std::size(an::all_indicators), std::vector<double>(cells, nan));
    const std::size_t n = series.values.size();
    const double span_time = series.time.back() - series.time.front();
    for (std::size_t w = 0; w < grid.window_fractions.size(); ++w) {
        for (std::size_t b = 0; b < grid.bandwidths.size(); ++b) {
            an::ews_options options = base;
            options.window = an::series_length::fraction(grid.window_fractions[w]);
            if (method == an::detrend_method::gaussian) {
                options.detrending.bandwidth = an::series_length::fraction(grid.bandwidths[b]);
            } else if (method == an::detrend_method::lowess) {
                options.detrending.span = grid.bandwidths[b];
            }
            // A cell the command would refuse as an option stays NaN too: its taus would come
            // from residuals of 0 or rounding noise.
            if ((method == an::detrend_method::gaussian &&
                 !kernel_spans_a_sample(grid.bandwidths[b], n, span_time)) ||
                (method == an::detrend_method::lowess &&
                 !span_covers_enough(grid.bandwidths[b], n, base.detrending.convention))) {
                continue;
            }
            try {
                const auto result = an::early_warning(series.time, series.values, options);
                for (std::size_t k = 0; k < std::size(an::all_indicators); ++k) {
                    grid.taus[k][w * grid.bandwidths.size() + b] = result.tau[k];
                }
            } catch (const std::invalid_argument&) {
                // A cell whose window or bandwidth does not fit this series stays NaN.
            }
        }
    }
    return grid;
}

struct ews_outcome {
    bool indicators = true;  // false: uneven or too short a series under --model-test
    std::string indicators_note;
    std::string indicators_skipped;  // why, in a few words (the figure's title)
    std::optional<model_test_outcome> model_test;
    an::ews_result result;
    std::vector<an::surrogate_result> surrogates;  // AR(1), phase; empty without surrogates
    std::optional<sensitivity_grid> sensitivity;
};

std::size_t slot(an::indicator which) {
    return static_cast<std::size_t>(which);
}

// The surrogates of one kind, split into contiguous blocks among threads. Surrogate i always
// draws from the stream keyed by i, so the result does not depend on the thread count.
an::surrogate_result run_surrogates(const an::ews_result& observed,
                                    const resolved_settings& settings, an::surrogate_kind kind,
                                    const ews_arguments& arguments) {
    const auto convention = settings.options.detrending.convention;
    const stream_key key{arguments.seed, kind == an::surrogate_kind::ar1 ? ar1_surrogate_stream
                                                                         : phase_surrogate_stream};
    const std::size_t count = arguments.surrogates;
    const std::size_t threads = std::clamp<std::size_t>(arguments.threads, 1, count);
    std::vector<std::vector<std::vector<double>>> blocks(threads);
    std::vector<std::exception_ptr> failures(threads);
    {
        std::vector<std::jthread> workers;
        for (std::size_t t = 0; t < threads; ++t) {
            const std::size_t first = count * t / threads;
            const std::size_t last = count * (t + 1) / threads;
            workers.emplace_back([&, t, first, last] {
                try {
                    blocks[t] = an::surrogate_taus(observed, convention, kind, first, last - first,
                                                   key, settings.indicators);
                } catch (...) {
                    failures[t] = std::current_exception();
                }
            });
        }
    }
    for (const auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }
    an::surrogate_result result;
    result.kind = kind;
    result.taus.assign(std::size(an::all_indicators), {});
    for (const auto which : settings.indicators) {
        auto& row = result.taus[slot(which)];
        for (const auto& block : blocks) {
            row.insert(row.end(), block[slot(which)].begin(), block[slot(which)].end());
        }
    }
    result.p_values = an::surrogate_p_values(observed, result.taus, settings.indicators);
    return result;
}

// ---- output -----------------------------------------------------------------------------

void print_report(const ews_arguments& arguments, const csv_series& series,
                  const resolved_settings& settings, const ews_outcome& outcome) {
    const auto& options = settings.options;
    const auto& result = outcome.result;
    const std::size_t n = series.values.size();
    const bool range_readable = number_text(series.time.front()) != number_text(series.time.back());
    // Names from the file and the command line, with their control bytes escaped as in errors.
    fmt::print(
        "{}: column \"{}\" against {} ({} points, {})\n", one_line(series.path),
        one_line(series.value_column),
        series.time_column.empty() ? "row number" : "\"" + one_line(series.time_column) + "\"", n,
        range_readable ? number_text(series.time.front()) + " to " + number_text(series.time.back())
                       : time_range_text(series.time.front(), series.time.back()));
    if (!outcome.indicators) {
        fmt::print("{}\n", outcome.indicators_note);
        if (outcome.model_test) print_model_test(*outcome.model_test, arguments.seed);
        return;
    }
    const std::size_t windows = result.series.residuals.size() - result.rolling.window + 1;
    std::string detrending = an::to_string(options.detrending.method);
    if (options.detrending.method == an::detrend_method::gaussian) {
        detrending += fmt::format(" (bandwidth {} {}, kernel sigma {} points)",
                                  number_text(arguments.bandwidth), settings.bandwidth_unit,
                                  number_text(settings.kernel_sigma_points));
    } else if (options.detrending.method == an::detrend_method::lowess) {
        detrending += fmt::format(" (span {})", number_text(arguments.span));
    }
    fmt::print("detrending {}; window {} points ({} windows); lag {}; {} convention\n", detrending,
               result.rolling.window, windows, result.rolling.lag,
               an::to_string(options.detrending.convention));
    if (!outcome.surrogates.empty()) {
        const auto fit = an::fit_ar1(result.series.residuals);
        fmt::print(
            "surrogates: {} AR(1) (residuals fitted with phi = {:.3f}) and {} "
            "phase-randomised, seed {}\n",
            arguments.surrogates, fit.phi, arguments.surrogates, arguments.seed);
    }
    fmt::print("\n");

    text_table table;
    table.header = {"indicator", "tau", "p_ar1", "p_phase", "first", "last"};
    for (const auto which : settings.indicators) {
        const auto& values = result.rolling[which];
        double first = nan;
        for (const double v : values) {
            if (!std::isnan(v)) {
                first = v;
                break;
            }
        }
        const double last = values.back();
        const double p_ar1 =
            outcome.surrogates.empty() ? nan : outcome.surrogates[0].p_values[slot(which)];
        const double p_phase =
            outcome.surrogates.empty() ? nan : outcome.surrogates[1].p_values[slot(which)];
        const double tau = result.tau_of(which);
        table.rows.push_back(
            {an::to_string(which), std::isnan(tau) ? "-" : fmt::format("{:+.3f}", tau),
             p_value_text(p_ar1), p_value_text(p_phase), number_text(first), number_text(last)});
    }
    fmt::print("{}", table.render());
    fmt::print(
        "tau: Kendall tau-b of the indicator against time (-: undefined, the indicator is "
        "constant or missing); p: one-sided surrogate p-value (rising trend; falling for "
        "return_rate), (1 + #surrogates as extreme) / (1 + N)\n");

    if (outcome.sensitivity) {
        const auto& grid = *outcome.sensitivity;
        const bool has_bandwidth = !std::isnan(grid.bandwidths.front());
        fmt::print(
            "\nsensitivity: tau over windows {}..{}{}\n",
            number_text(grid.window_fractions.front()), number_text(grid.window_fractions.back()),
            has_bandwidth
                ? fmt::format(
                      " x {} {}..{}",
                      options.detrending.method == an::detrend_method::lowess ? "spans"
                                                                              : "bandwidths",
                      number_text(grid.bandwidths.front()), number_text(grid.bandwidths.back()))
                : std::string());
        text_table summary;
        summary.header = {"indicator", "min", "median", "max", "positive", "cells"};
        for (const auto which : settings.indicators) {
            std::vector<double> taus;
            for (const double tau : grid.taus[slot(which)]) {
                if (!std::isnan(tau)) taus.push_back(tau);
            }
            if (taus.empty()) {
                summary.rows.push_back({an::to_string(which), "-", "-", "-", "-", "0"});
                continue;
            }
            std::sort(taus.begin(), taus.end());
            const auto positive =
                std::count_if(taus.begin(), taus.end(), [](double tau) { return tau > 0; });
            const double median = taus.size() % 2 == 1
                                      ? taus[taus.size() / 2]
                                      : 0.5 * (taus[taus.size() / 2 - 1] + taus[taus.size() / 2]);
            summary.rows.push_back({an::to_string(which), fmt::format("{:+.3f}", taus.front()),
                                    fmt::format("{:+.3f}", median),
                                    fmt::format("{:+.3f}", taus.back()),
                                    fmt::format("{:.0f}%", 100.0 * static_cast<double>(positive) /
                                                               static_cast<double>(taus.size())),
                                    fmt::format("{}", taus.size())});
        }
        fmt::print("{}", summary.render());
    }
    if (outcome.model_test) print_model_test(*outcome.model_test, arguments.seed);
}

void write_result_file(const std::string& path, const ews_arguments& arguments,
                       const std::string& command_line, const csv_series& series,
                       const resolved_settings& settings, const ews_outcome& outcome) {
    const auto& result = outcome.result;
    const auto file = h5::create_file(path);
    h5::write_attribute(file, "format", std::string("vigil-ews"));
    h5::write_attribute(file, "format_version", std::int64_t{1});
    h5::write_attribute(file, "vigil_version", std::string(vigil_version));
    h5::write_attribute(file, "git_commit", std::string(vigil_git_commit));
    h5::write_attribute(file, "created_utc", utc_now());
    h5::write_attribute(file, "command_line", command_line);
    h5::write_attribute(file, "input_file", series.path);
    h5::write_attribute(file, "time_column", series.time_column);
    h5::write_attribute(file, "value_column", series.value_column);
    h5::write_attribute(file, "convention", an::to_string(settings.options.detrending.convention));
    h5::write_attribute(file, "detrending", an::to_string(settings.options.detrending.method));
    h5::write_attribute(file, "bandwidth", arguments.bandwidth);
    h5::write_attribute(file, "bandwidth_unit", settings.bandwidth_unit);
    h5::write_attribute(file, "kernel_sigma_points", settings.kernel_sigma_points);
    h5::write_attribute(file, "span", arguments.span);
    h5::write_attribute(file, "window_points", static_cast<std::int64_t>(result.rolling.window));
    h5::write_attribute(file, "lag", static_cast<std::int64_t>(result.rolling.lag));
    h5::write_attribute(file, "seed", static_cast<std::int64_t>(arguments.seed));
    h5::write_attribute(file, "surrogates", static_cast<std::int64_t>(arguments.surrogates));
    h5::write_attribute(file, "indicators", std::int64_t{outcome.indicators ? 1 : 0});
    if (!outcome.indicators) {
        h5::write_attribute(file, "indicators_skipped", outcome.indicators_skipped);
    }
    h5::write_attribute(file, "model_test", std::int64_t{outcome.model_test ? 1 : 0});

    const auto series_group = h5::create_group(file, "series");
    h5::write_vector(series_group, "time", series.time);
    h5::write_vector(series_group, "value", series.values);
    if (outcome.model_test) write_model_test(file, *outcome.model_test);
    if (!outcome.indicators) {
        h5::flush(file);
        return;
    }
    h5::write_vector(series_group, "residual_time", result.series.time);
    h5::write_vector(series_group, "state", result.series.state);
    h5::write_vector(series_group, "trend", result.series.trend);
    h5::write_vector(series_group, "residuals", result.series.residuals);

    const auto indicators_group = h5::create_group(file, "indicators");
    std::vector<std::string> names;
    std::vector<double> taus, p_ar1, p_phase, directions;
    for (const auto which : settings.indicators) {
        names.push_back(an::to_string(which));
        h5::write_vector(indicators_group, names.back(), result.rolling[which]);
        taus.push_back(result.tau_of(which));
        p_ar1.push_back(outcome.surrogates.empty() ? nan
                                                   : outcome.surrogates[0].p_values[slot(which)]);
        p_phase.push_back(outcome.surrogates.empty() ? nan
                                                     : outcome.surrogates[1].p_values[slot(which)]);
        directions.push_back(an::expected_direction(which));
    }
    const auto tests = h5::create_group(file, "tests");
    h5::write_strings(tests, "indicator", names);
    h5::write_vector(tests, "tau", taus);
    h5::write_vector(tests, "p_ar1", p_ar1);
    h5::write_vector(tests, "p_phase", p_phase);
    h5::write_vector(tests, "direction", directions);

    if (!outcome.surrogates.empty()) {
        const auto group = h5::create_group(file, "surrogates");
        for (const auto& kind : outcome.surrogates) {
            const auto matrix =
                h5::create_matrix(group, an::to_string(kind.kind) + "_tau",
                                  settings.indicators.size(), arguments.surrogates, 4096);
            for (std::size_t row = 0; row < settings.indicators.size(); ++row) {
                const auto& values = kind.taus[slot(settings.indicators[row])];
                h5::write_row_segment(matrix, row, 0, values.data(), values.size());
            }
        }
    }
    if (outcome.sensitivity) {
        const auto& grid = *outcome.sensitivity;
        const auto group = h5::create_group(file, "sensitivity");
        h5::write_vector(group, "window_fraction", grid.window_fractions);
        h5::write_vector(group, "bandwidth", grid.bandwidths);
        for (const auto which : settings.indicators) {
            const auto matrix =
                h5::create_matrix(group, an::to_string(which), grid.window_fractions.size(),
                                  grid.bandwidths.size(), grid.bandwidths.size());
            const auto& taus_of = grid.taus[slot(which)];
            for (std::size_t w = 0; w < grid.window_fractions.size(); ++w) {
                h5::write_row_segment(matrix, w, 0, taus_of.data() + w * grid.bandwidths.size(),
                                      grid.bandwidths.size());
            }
        }
    }
    h5::flush(file);
}

// Removes a file on scope exit unless released: partial outputs never outlive an error.
class scratch_file {
public:
    explicit scratch_file(std::string path) : path_(std::move(path)) {}
    scratch_file(const scratch_file&) = delete;
    scratch_file& operator=(const scratch_file&) = delete;
    ~scratch_file() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove(path_, ignored);
    }
    const std::string& path() const { return path_; }
    void keep_as(const std::string& final_path) {
        fs::rename(path_, final_path);
        path_.clear();
    }

private:
    std::string path_;
};

}  // namespace

ews_command::ews_command(CLI::App& app) : arguments_(std::make_unique<ews_arguments>()) {
    auto& a = *arguments_;
    subcommand_ = app.add_subcommand(
        "ews", "early-warning indicators of a measured series (CSV) with surrogate p-values");
    subcommand_->add_option("series", a.series_path, "CSV file: a header, then one row per sample")
        ->required();
    subcommand_->add_option("--time", a.time_column,
                            "time column (default: \"time\", else the first of 2+ columns)");
    subcommand_->add_option("--column", a.value_column,
                            "value column (default: the first that is not the time)");
    subcommand_->add_option("--detrend", a.detrend, "gaussian, lowess, linear, none, first-diff")
        ->capture_default_str()
        ->check(CLI::IsMember({"gaussian", "lowess", "linear", "none", "first-diff"}));
    subcommand_
        ->add_option("--bandwidth", a.bandwidth,
                     "Gaussian bandwidth: <= 1 a fraction of the series, > 1 time units")
        ->capture_default_str();
    subcommand_->add_option("--span", a.span, "LOWESS span, a fraction of the series")
        ->capture_default_str();
    subcommand_
        ->add_option("--window", a.window,
                     "rolling window: <= 1 a fraction of the series, > 1 points")
        ->capture_default_str();
    subcommand_->add_option("--lag", a.lag, "lag of the autocorrelation indicator")
        ->capture_default_str()
        ->check(counted("lag", 1, 1'000'000));
    subcommand_->add_option("--indicators", a.indicators,
                            "comma-separated: variance,sd,cv,autocorrelation,ar1,skewness,kurtosis,"
                            "return_rate,density_ratio (default: all)");
    subcommand_
        ->add_option("--surrogates", a.surrogates,
                     "surrogates of each kind (AR(1), phase) for p-values; 0: none")
        ->capture_default_str()
        ->check(counted("surrogates", 0, 1'000'000));
    subcommand_
        ->add_option("--threads", a.threads,
                     "threads for the surrogates and the bootstrap (results do not depend on it)")
        ->capture_default_str()
        ->check(counted("threads", 1, 4096));
    subcommand_->add_option("--seed", a.seed, "seed of the surrogate and bootstrap streams")
        ->capture_default_str()
        ->check(whole_number("seed"));
    subcommand_->add_option("--convention", a.convention, "ewstools (default) or r")
        ->capture_default_str()
        ->check(CLI::IsMember({"ewstools", "r"}));
    subcommand_->add_option("-o,--output", a.output_path, "HDF5 result file");
    subcommand_->add_option("--plot", a.plot_path,
                            "PNG figure (runs /usr/bin/python3 with matplotlib and h5py)");
    subcommand_->add_flag("--overwrite", a.overwrite, "replace existing output files");
    subcommand_->add_flag("--sensitivity", a.sensitivity,
                          "tau over a grid of windows and bandwidths (earlywarnings' "
                          "sensitivity analysis)");
    subcommand_->add_flag("--model-test", a.model_test,
                          "fit OU and linearised saddle-node models, likelihood ratio with a "
                          "parametric bootstrap (Boettiger & Hastings 2012); accepts uneven "
                          "sampling, or a series too short for the default window, skipping "
                          "the indicators");
    subcommand_
        ->add_option("--bootstrap", a.bootstrap,
                     "with --model-test: series simulated from each fitted model (10 to 100000)")
        ->capture_default_str()
        ->check(whole_number("bootstrap series",
                             fmt::format("{} to {}", fewest_bootstrap, most_bootstrap)));
}

ews_command::~ews_command() = default;

int ews_command::run(const std::string& command_line) const {
    const auto& arguments = *arguments_;
    // An empty value would otherwise read as "not given": nothing written, exit 0.
    if (subcommand_->get_option("--output")->count() > 0 && arguments.output_path.empty()) {
        throw input_error("-o: the output needs a file name");
    }
    if (subcommand_->get_option("--plot")->count() > 0 && arguments.plot_path.empty()) {
        throw input_error("--plot: the figure needs a file name ending in .png");
    }
    check_output_path(arguments.output_path, "-o", arguments.overwrite, arguments.series_path);
    check_output_path(arguments.plot_path, "--plot", arguments.overwrite, arguments.series_path);
    if (!arguments.output_path.empty() && !arguments.plot_path.empty() &&
        same_path(arguments.output_path, arguments.plot_path)) {
        throw input_error(fmt::format("-o {} and --plot {} name the same file; give two names",
                                      arguments.output_path, arguments.plot_path));
    }
    check_figure_name(arguments.plot_path);
    const auto indicators = parse_indicators_option(arguments.indicators);

    const csv_series series =
        read_csv_series(arguments.series_path, arguments.time_column, arguments.value_column);
    // A smoothing option of another detrending would be ignored without a word.
    if (subcommand_->get_option("--bandwidth")->count() > 0 && arguments.detrend != "gaussian") {
        throw input_error(fmt::format(
            "--bandwidth: only with --detrend gaussian (the default), not with --detrend {}",
            arguments.detrend));
    }
    if (subcommand_->get_option("--span")->count() > 0 && arguments.detrend != "lowess") {
        throw input_error(fmt::format("--span: only with --detrend lowess, not with --detrend {}",
                                      arguments.detrend));
    }
    if (subcommand_->get_option("--bootstrap")->count() > 0 && !arguments.model_test) {
        throw input_error("--bootstrap: only with --model-test");
    }
    if (arguments.model_test) {
        if (arguments.bootstrap < fewest_bootstrap || arguments.bootstrap > most_bootstrap) {
            throw input_error(fmt::format(
                "--bootstrap {}: give {} to {} series to simulate from each fitted model",
                arguments.bootstrap, fewest_bootstrap, most_bootstrap));
        }
        if (series.values.size() < an::minimum_fit_points) {
            throw input_error(fmt::format(
                "{}: --model-test needs at least {} points (4 LSN parameters and a check), the "
                "series has {}",
                series.path, an::minimum_fit_points, series.values.size()));
        }
    }
    ews_outcome outcome;
    if (!series.time_column.empty()) {
        try {
            check_even_sampling(series);
        } catch (const input_error&) {
            if (!arguments.model_test) throw;
            // The model test uses the sampling times as they are; the indicators cannot.
            outcome.indicators = false;
            outcome.indicators_skipped = "uneven sampling";
            outcome.indicators_note = fmt::format(
                "unevenly sampled: the indicators (which need even spacing) are skipped; the "
                "model test uses the sampling times as they are");
        }
    }
    resolved_settings settings;
    if (outcome.indicators) {
        try {
            settings = resolve_settings(arguments, indicators, series);
        } catch (const series_too_short_for_window& error) {
            if (!arguments.model_test || subcommand_->get_option("--window")->count() > 0) throw;
            outcome.indicators = false;
            outcome.indicators_skipped = "too short for the window";
            outcome.indicators_note = fmt::format(
                "too short for the indicators ({}): they are skipped; the model test runs",
                error.what());
        }
    }

    const std::string python = python_interpreter();
    if (!arguments.plot_path.empty()) {
        require_plotting_python(python, "Nothing was written; vigil ews runs without --plot");
    }

    try {
        if (outcome.indicators) {
            outcome.result = an::early_warning(series.time, series.values, settings.options);
            if (arguments.surrogates > 0) {
                for (const auto kind : {an::surrogate_kind::ar1, an::surrogate_kind::phase}) {
                    outcome.surrogates.push_back(
                        run_surrogates(outcome.result, settings, kind, arguments));
                }
            }
            if (arguments.sensitivity) {
                outcome.sensitivity = run_sensitivity(series, settings.options);
            }
        }
        if (arguments.model_test) {
            outcome.model_test = run_model_test(series.time, series.values, arguments.bootstrap,
                                                arguments.seed, arguments.threads);
        }
    } catch (const std::invalid_argument& error) {
        throw input_error(fmt::format("{}: {}", series.path, error.what()));
    }

    print_report(arguments, series, settings, outcome);
    std::fflush(stdout);

    if (arguments.output_path.empty() && arguments.plot_path.empty()) return 0;
    const std::string result_path =
        !arguments.output_path.empty()
            ? arguments.output_path + ".partial"
            : (fs::temp_directory_path() / fmt::format("vigil-ews-{}.h5", getpid())).string();
    std::error_code ignored;
    fs::remove(result_path, ignored);
    scratch_file result_file(result_path);
    write_result_file(result_path, arguments, command_line, series, settings, outcome);

    if (!arguments.plot_path.empty()) {
        scratch_file figure(arguments.plot_path + ".partial");
        fs::remove(figure.path(), ignored);
        const python_outcome drawn =
            run_python_script(python, plot_ews_script, {result_path, figure.path()});
        if (drawn.status != 0 || !fs::exists(figure.path())) {
            std::fputs(drawn.errors.c_str(), stderr);
            throw run_error(
                drawn.status == 0 && drawn.signal == 0
                    ? fmt::format("--plot {}: the plotting script exited 0 but wrote no figure",
                                  arguments.plot_path)
                    : fmt::format("--plot {}: the plotting script failed ({})", arguments.plot_path,
                                  drawn.ending()));
        }
        figure.keep_as(arguments.plot_path);
        fmt::print(stderr, "vigil: wrote {}\n", one_line(arguments.plot_path));
    }
    if (!arguments.output_path.empty()) {
        result_file.keep_as(arguments.output_path);
        fmt::print(stderr, "vigil: wrote {}\n", one_line(arguments.output_path));
    }
    return 0;
}

}  // namespace vigil::cli

#include "ews_model_test.hpp"

#include "analysis/roc.hpp"
#include "table.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

namespace vigil::cli {

namespace an = vigil::analysis;

namespace {

// Random stream ids of the model test, after the surrogates' 1 and 2 (ews_command.cpp).
enum model_test_stream : std::uint64_t {
    null_series_stream = 3,  // series simulated from the fitted OU
    test_series_stream = 4,  // series simulated from the fitted LSN
    auc_interval_stream = 5,
};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t ou_mean_index = 1;  // in parameter_row
constexpr std::size_t ou_sigma_index = 2;
constexpr double confidence_level = 0.95;
constexpr std::uint64_t auc_resamples = 2000;

std::vector<double> parameter_row(const an::model_pair_fit& fit) {
    const auto& ou = fit.ou.parameters;
    const auto& lsn = fit.lsn.parameters;
    return {ou.rate, ou.mean, ou.sigma, lsn.r0, lsn.m, lsn.theta, lsn.sigma};
}

// Percentile interval with linear interpolation between order statistics.
std::pair<double, double> percentile_interval(std::vector<double> values) {
    if (values.size() < 2) return {nan, nan};
    std::sort(values.begin(), values.end());
    const auto quantile = [&](double q) {
        const double position = q * static_cast<double>(values.size() - 1);
        const auto below = static_cast<std::size_t>(std::floor(position));
        const auto above = std::min(below + 1, values.size() - 1);
        const double weight = position - static_cast<double>(below);
        return values[below] + weight * (values[above] - values[below]);
    };
    return {quantile((1 - confidence_level) / 2), quantile((1 + confidence_level) / 2)};
}

std::string number(double value) {
    if (std::isnan(value)) return "-";
    if (value != 0 && (std::fabs(value) < 1e-3 || std::fabs(value) >= 1e5)) {
        return fmt::format("{:.4e}", value);
    }
    return fmt::format("{:.5g}", value);
}

// Progress of the bootstrap on stderr, as `vigil run` reports it: a bar redrawn after every
// replicate on a terminal, otherwise a line at every tenth of the replicates.
class bootstrap_progress {
public:
    explicit bootstrap_progress(std::size_t total)
        : total_(total),
          terminal_(isatty(fileno(stderr)) != 0),
          start_(std::chrono::steady_clock::now()) {}

    void replicate_done() {
        const std::size_t done = done_.fetch_add(1) + 1;
        const bool tenth = done * 10 / total_ != (done - 1) * 10 / total_;
        if (!terminal_ && !tenth) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const double fraction = static_cast<double>(done) / static_cast<double>(total_);
        if (terminal_) {
            constexpr std::size_t bar = 30;
            const auto filled = static_cast<std::size_t>(fraction * bar);
            fmt::print(stderr, "\rvigil: bootstrap [{}{}] {}/{} replicates, {:.0f} s",
                       std::string(filled, '#'), std::string(bar - filled, ' '), done, total_,
                       seconds);
            if (done == total_) fmt::print(stderr, "\n");
        } else {
            fmt::print(stderr, "vigil: bootstrap: {}/{} replicates done in {:.1f} s ({:.0f}%)\n",
                       done, total_, seconds, 100 * fraction);
        }
    }

private:
    std::size_t total_;
    bool terminal_;
    std::chrono::steady_clock::time_point start_;
    std::atomic<std::size_t> done_{0};
    std::mutex mutex_;
};

void ou_to_series_units(an::model_pair_fit& fit, double unit) {
    fit.ou.parameters.mean *= unit;
    fit.ou.parameters.sigma *= unit;
}

// The OU parameters (mean, sigma) of every fit and both observed log-likelihoods from the
// fitting units back to the series' (a density in x / unit is unit times the density in x).
void to_series_units(model_test_outcome& outcome, std::size_t points) {
    const double unit = outcome.unit;
    if (unit == 1) return;
    ou_to_series_units(outcome.observed, unit);
    const double log_jacobian = static_cast<double>(points - 1) * std::log(unit);
    outcome.observed.ou.log_likelihood -= log_jacobian;
    outcome.observed.lsn.log_likelihood -= log_jacobian;
    for (auto& replicate : outcome.replicates) {
        ou_to_series_units(replicate.under_ou, unit);
        ou_to_series_units(replicate.under_lsn, unit);
    }
    for (const std::size_t k : {ou_mean_index, ou_sigma_index}) {
        outcome.parameter_lower[k] *= unit;
        outcome.parameter_upper[k] *= unit;
    }
}

}  // namespace

std::vector<std::string> model_test_parameter_names() {
    return {"ou_rate", "ou_mean", "ou_sigma", "lsn_r0", "lsn_m", "lsn_theta", "lsn_sigma"};
}

model_test_outcome run_model_test(std::span<const double> time, std::span<const double> value,
                                  std::size_t bootstrap, std::uint64_t seed, std::size_t threads) {
    const auto start = std::chrono::steady_clock::now();
    model_test_outcome outcome;
    fmt::print(stderr, "vigil: model test: fitting the OU and LSN models to {} points\n",
               time.size());
    // Fitted and bootstrapped in units of a power of two near the series' spread (exact), the
    // OU parameters and both log-likelihoods mapped back to the series' units at the end.
    outcome.unit = an::fitting_unit(value);
    std::vector<double> scaled(value.begin(), value.end());
    for (double& x : scaled) x /= outcome.unit;
    outcome.observed = an::fit_both(time, scaled);
    outcome.span = time.back() - time.front();
    outcome.parameter_lower.assign(7, nan);
    outcome.parameter_upper.assign(7, nan);
    const bool fitted = !std::isnan(outcome.observed.delta);
    outcome.bootstrap = fitted ? bootstrap : 0;
    outcome.replicates.resize(outcome.bootstrap);

    const auto ou = outcome.observed.ou.parameters;
    const auto lsn = outcome.observed.lsn.parameters;
    const double x0 = scaled.front();
    const auto count = static_cast<std::int64_t>(outcome.bootstrap);
    std::vector<std::exception_ptr> failures(outcome.bootstrap);
    // No more threads than replicates (the count printed is the count used).
    const std::size_t workers =
        std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(outcome.bootstrap, 1));
    if (count > 0) {
        fmt::print(stderr,
                   "vigil: model test: {} bootstrap replicates (2 series, 4 fits each) on {} "
                   "threads\n",
                   count, workers);
    }
    bootstrap_progress progress(std::max<std::size_t>(outcome.bootstrap, 1));
#pragma omp parallel for schedule(dynamic) num_threads(static_cast <int>(workers))
    for (std::int64_t r = 0; r < count; ++r) {
        const auto replicate = static_cast<std::uint64_t>(r);
        try {
            outcome.replicates[replicate] = an::model_test_replicate(
                ou, lsn, time, x0, stream_key{seed, null_series_stream, 0, replicate},
                stream_key{seed, test_series_stream, 0, replicate});
        } catch (...) {
            failures[replicate] = std::current_exception();
        }
        progress.replicate_done();
    }
    for (const auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }

    outcome.summary =
        an::summarize_model_test(outcome.observed.delta, outcome.replicates, confidence_level,
                                 auc_resamples, stream_key{seed, auc_interval_stream, 0, 0});
    for (std::size_t k = 0; k < 7; ++k) {
        std::vector<double> values;
        for (const auto& replicate : outcome.replicates) {
            // OU parameters from the OU-simulated series, LSN ones from the LSN-simulated.
            const auto& fit = k < 3 ? replicate.under_ou : replicate.under_lsn;
            const bool converged = k < 3 ? fit.ou.status == an::fit_status::converged
                                         : fit.lsn.status == an::fit_status::converged;
            if (converged) values.push_back(parameter_row(fit)[k]);
        }
        std::tie(outcome.parameter_lower[k], outcome.parameter_upper[k]) =
            percentile_interval(std::move(values));
    }
    to_series_units(outcome, time.size());
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

void print_model_test(const model_test_outcome& outcome, std::uint64_t seed) {
    const auto& observed = outcome.observed;
    fmt::print(
        "\nmodel test (Boettiger & Hastings 2012): OU dx = rate (mean - x) dt + sigma dW against "
        "the linearised saddle-node\ndx = 2 sqrt(R) (sqrt(R) + theta - x) dt + sigma "
        "sqrt(sqrt(R) + theta) dW, R = r0 + m (t - t_first)\n");
    const auto status_text = [](an::fit_status status, const std::string& message) {
        return message.empty() ? an::to_string(status)
                               : fmt::format("{} ({})", an::to_string(status), message);
    };
    if (outcome.unit != 1) {
        fmt::print(
            "fitted in units of 2^{} (the series' spread is far from 1): the OU parameters and "
            "log L are in the series' units, the LSN's parameters in units of x / 2^{}\n",
            std::ilogb(outcome.unit), std::ilogb(outcome.unit));
    }
    fmt::print("OU fit:  {}\n", status_text(observed.ou.status, observed.ou.message));
    fmt::print("LSN fit: {}\n", status_text(observed.lsn.status, observed.lsn.message));
    const auto unfit = observed.ou.status == an::fit_status::constant_series ||
                       observed.ou.status == an::fit_status::too_short;
    if (unfit) {
        fmt::print(
            "no likelihood ratio: {}, so the models were not fitted and no bootstrap was "
            "run\n",
            observed.ou.message);
        return;
    }
    if (std::isnan(observed.delta)) {
        fmt::print("no likelihood ratio: a fit did not converge, so no bootstrap was run\n");
        return;
    }

    const auto names = model_test_parameter_names();
    const auto values = parameter_row(observed);
    text_table table;
    table.header = {"parameter", "estimate", "lower", "upper"};
    for (std::size_t k = 0; k < names.size(); ++k) {
        table.rows.push_back({names[k], number(values[k]), number(outcome.parameter_lower[k]),
                              number(outcome.parameter_upper[k])});
    }
    fmt::print("\n{}", table.render());
    fmt::print(
        "lower, upper: 95% percentile intervals over the fits to the series simulated from the "
        "same fitted model\n");
    const auto& lsn = observed.lsn.parameters;
    const double r_last = std::max(0.0, lsn.r0 + lsn.m * outcome.span);
    fmt::print("LSN relaxation rate 2 sqrt(R): {} at the first time, {} at the last ({})\n",
               number(2 * std::sqrt(lsn.r0)), number(2 * std::sqrt(r_last)),
               r_last < lsn.r0 ? "eroding" : "steady or recovering");
    fmt::print("log L: OU {:.4f}, LSN {:.4f}\n", observed.ou.log_likelihood,
               observed.lsn.log_likelihood);

    const auto& summary = outcome.summary;
    fmt::print(
        "\ndelta = 2 (log L_LSN - log L_OU) = {:.4f}\n"
        "bootstrap: {} series from each fitted model (seed {}), refitted with both; "
        "converged: {} under OU, {} under LSN\n",
        summary.observed_delta, outcome.bootstrap, seed, summary.null_delta.size(),
        summary.test_delta.size());
    fmt::print("p = {:.4f}   (1 + #null delta >= observed) / (1 + {})\n", summary.p_value,
               summary.null_delta.size());
    fmt::print("ROC AUC of delta, LSN against OU replicates: {:.3f} [{:.3f}, {:.3f}] (95%)\n",
               summary.auc, summary.auc_lower, summary.auc_upper);
    fmt::print("at 5% false positives (delta > {}): true-positive rate {:.3f}\n",
               number(summary.threshold_at_5_percent), summary.power_at_5_percent);
    fmt::print("model test: {:.1f} s\n", outcome.seconds);
}

void write_model_test(const h5::object& file, const model_test_outcome& outcome) {
    const auto group = h5::create_group(file, "model_test");
    const auto& observed = outcome.observed;
    const auto& summary = outcome.summary;
    h5::write_attribute(group, "ou_status", an::to_string(observed.ou.status));
    h5::write_attribute(group, "ou_message", observed.ou.message);
    h5::write_attribute(group, "lsn_status", an::to_string(observed.lsn.status));
    h5::write_attribute(group, "lsn_message", observed.lsn.message);
    h5::write_attribute(group, "ou_log_likelihood", observed.ou.log_likelihood);
    h5::write_attribute(group, "lsn_log_likelihood", observed.lsn.log_likelihood);
    h5::write_attribute(group, "delta", observed.delta);
    h5::write_attribute(group, "bootstrap", static_cast<std::int64_t>(outcome.bootstrap));
    h5::write_attribute(group, "p_value", outcome.bootstrap > 0 ? summary.p_value : nan);
    h5::write_attribute(group, "auc", outcome.bootstrap > 0 ? summary.auc : nan);
    h5::write_attribute(group, "auc_lower", outcome.bootstrap > 0 ? summary.auc_lower : nan);
    h5::write_attribute(group, "auc_upper", outcome.bootstrap > 0 ? summary.auc_upper : nan);
    h5::write_attribute(group, "threshold_at_5_percent",
                        outcome.bootstrap > 0 ? summary.threshold_at_5_percent : nan);
    h5::write_attribute(group, "power_at_5_percent",
                        outcome.bootstrap > 0 ? summary.power_at_5_percent : nan);
    h5::write_attribute(group, "seconds", outcome.seconds);
    h5::write_attribute(group, "fitting_unit", outcome.unit);

    h5::write_strings(group, "parameter_names", model_test_parameter_names());
    h5::write_vector(group, "parameters", parameter_row(observed));
    h5::write_vector(group, "parameters_lower", outcome.parameter_lower);
    h5::write_vector(group, "parameters_upper", outcome.parameter_upper);
    if (outcome.bootstrap == 0) return;

    std::vector<double> null_delta, test_delta;
    const auto null_fits = h5::create_matrix(group, "null_parameters", outcome.bootstrap, 7, 7);
    const auto test_fits = h5::create_matrix(group, "test_parameters", outcome.bootstrap, 7, 7);
    for (std::size_t r = 0; r < outcome.bootstrap; ++r) {
        const auto& replicate = outcome.replicates[r];
        null_delta.push_back(replicate.under_ou.delta);
        test_delta.push_back(replicate.under_lsn.delta);
        const auto null_row = parameter_row(replicate.under_ou);
        const auto test_row = parameter_row(replicate.under_lsn);
        h5::write_row_segment(null_fits, r, 0, null_row.data(), null_row.size());
        h5::write_row_segment(test_fits, r, 0, test_row.data(), test_row.size());
    }
    h5::write_vector(group, "null_delta", null_delta);
    h5::write_vector(group, "test_delta", test_delta);
    if (!summary.null_delta.empty() && !summary.test_delta.empty()) {
        std::vector<double> threshold, false_positive_rate, true_positive_rate;
        for (const auto& point : an::roc_curve(summary.null_delta, summary.test_delta)) {
            threshold.push_back(point.threshold);
            false_positive_rate.push_back(point.false_positive_rate);
            true_positive_rate.push_back(point.true_positive_rate);
        }
        h5::write_vector(group, "roc_threshold", threshold);
        h5::write_vector(group, "roc_false_positive_rate", false_positive_rate);
        h5::write_vector(group, "roc_true_positive_rate", true_positive_rate);
    }
}

}  // namespace vigil::cli

#pragma once

// `vigil ews SERIES.csv`: early-warning analysis of one measured series (detrending, rolling
// indicators, Kendall tau, AR(1) and phase-randomised surrogate p-values, an optional
// sensitivity grid), printed as a table, optionally stored in HDF5 (-o) and drawn (--plot).
// Every input is checked before anything is written: bad input throws input_error (exit 2) and
// leaves no file; outputs appear under their final names only when complete. --plot runs
// /usr/bin/python3 (or $VIGIL_PYTHON) with matplotlib and h5py; without --plot no Python is used.
// Surrogates are split among --threads std::threads, --model-test bootstrap replicates among
// --threads OpenMP threads (tools/vigil/ews_model_test.hpp); each is keyed by its index, so the
// output does not depend on the thread count. With --model-test an unevenly sampled series, or
// one too short for the default window, is accepted: the indicators are skipped (only
// /series/time, value and /model_test are written).
//
// Result file layout:
//   /                     attributes: format = "vigil-ews", format_version, vigil_version,
//                         git_commit, created_utc, command_line, input_file, time_column,
//                         value_column, convention, detrending, bandwidth, bandwidth_unit,
//                         kernel_sigma_points, span, window_points, lag, seed, surrogates,
//                         indicators (0 when skipped; indicators_skipped then says why),
//                         model_test (1 with --model-test)
//   /series/time, value   the input series
//   /series/residual_time, state, trend, residuals
//                         the detrended series (first differences drop the first time)
//   /indicators/NAME      rolling values at residual_time, NaN before the first full window
//   /tests/indicator, tau, p_ar1, p_phase, direction
//                         one entry per indicator; p = (1 + #surrogates at least as extreme
//                         in `direction`) / (1 + surrogates), NaN without surrogates
//   /surrogates/ar1_tau, phase_tau   indicators x surrogates taus (when surrogates > 0)
//   /sensitivity/window_fraction, bandwidth, NAME (windows x bandwidths taus), with --sensitivity
//   /model_test           with --model-test; attributes ou_status, ou_message, lsn_status,
//                         lsn_message, ou_log_likelihood, lsn_log_likelihood, delta (= 2 (log
//                         L_LSN - log L_OU), NaN unless both fits converged), bootstrap
//                         (replicates per model, 0 when a fit failed), p_value, auc, auc_lower,
//                         auc_upper (95% stratified bootstrap), threshold_at_5_percent,
//                         power_at_5_percent, seconds, fitting_unit (the power of two the
//                         series was divided by for the fits; 1 for spreads in [2^-10, 2^10])
//   /model_test/parameter_names, parameters, parameters_lower, parameters_upper
//                         ou_rate, ou_mean, ou_sigma, lsn_r0, lsn_m, lsn_theta, lsn_sigma fitted
//                         to the series, with 95% percentile intervals from the bootstrap; the
//                         OU's in the series' units, the LSN's in units of x / fitting_unit
//   /model_test/null_delta, test_delta
//                         delta of each replicate simulated from the fitted OU (null) and from
//                         the fitted LSN (test); NaN where a refit did not converge
//   /model_test/null_parameters, test_parameters
//                         replicates x 7: both models' parameters refitted to each replicate
//   /model_test/roc_threshold, roc_false_positive_rate, roc_true_positive_rate
//                         the empirical ROC of delta, test against null replicates

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace vigil::cli {

struct ews_arguments;

class ews_command {
public:
    // Adds the `ews` subcommand and its options to `app`.
    explicit ews_command(CLI::App& app);
    ~ews_command();
    ews_command(const ews_command&) = delete;
    ews_command& operator=(const ews_command&) = delete;

    bool parsed() const { return subcommand_->parsed(); }

    // Runs the analysis; returns the exit status or throws input_error / run_error.
    int run(const std::string& command_line) const;

private:
    CLI::App* subcommand_;
    std::unique_ptr<ews_arguments> arguments_;
};

}  // namespace vigil::cli

#pragma once

// `vigil ews SERIES.csv`: early-warning analysis of one measured series (detrending, rolling
// indicators, Kendall tau, AR(1) and phase-randomised surrogate p-values, an optional
// sensitivity grid), printed as a table, optionally stored in HDF5 (-o) and drawn (--plot).
// Every input is checked before anything is written: bad input throws input_error (exit 2) and
// leaves no file; outputs appear under their final names only when complete. --plot runs
// /usr/bin/python3 (or $VIGIL_PYTHON) with matplotlib and h5py; without --plot no Python is used.
// Surrogates are split among --threads std::threads; each is keyed by its index, so the output
// does not depend on the thread count.
//
// Result file layout:
//   /                     attributes: format = "vigil-ews", format_version, vigil_version,
//                         git_commit, created_utc, command_line, input_file, time_column,
//                         value_column, convention, detrending, bandwidth, bandwidth_unit,
//                         kernel_sigma_points, span, window_points, lag, seed, surrogates
//   /series/time, value   the input series
//   /series/residual_time, state, trend, residuals
//                         the detrended series (first differences drop the first time)
//   /indicators/NAME      rolling values at residual_time, NaN before the first full window
//   /tests/indicator, tau, p_ar1, p_phase, direction
//                         one entry per indicator; p = (1 + #surrogates at least as extreme
//                         in `direction`) / (1 + surrogates), NaN without surrogates
//   /surrogates/ar1_tau, phase_tau   indicators x surrogates taus (when surrogates > 0)
//   /sensitivity/window_fraction, bandwidth, NAME (windows x bandwidths taus), with --sensitivity

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

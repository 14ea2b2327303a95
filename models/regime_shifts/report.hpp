#pragma once

// The per-point analysis of a regime-shift scan: transition statistics, the Kendall tau
// distribution of each indicator for the approaching and null ensembles, ROC AUC and the
// true-positive rate at the requested false-positive rate (with intervals), the measured
// variance and lag-1 autocorrelation of the null members, and the theory beside them.
// Pure; NaN results of a replicate (too short a series) are left out of each statistic.

#include "engine/model.hpp"

#include <limits>
#include <string>
#include <vector>

namespace vigil::regime_shifts {

// Linear-noise theory at one control value (NaN where no stable equilibrium exists).
struct theory_at_control {
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    double control = 0;
    double equilibrium = nan;  // first state component
    double eigenvalue_real = nan;
    double eigenvalue_imag = nan;
    double variance = nan;
    double variance_euler_maruyama = nan;  // NaN for models not integrated by Euler-Maruyama
    double lag1_autocorrelation = nan;
    double lag1_autocorrelation_euler_maruyama = nan;  // NaN as variance_euler_maruyama
    double spectrum_at_zero = nan;
    double expected_sample_variance = nan;  // of a series as long as the null members'
};

struct point_theory {
    std::string control_name;
    std::string control_unit;
    std::string state_unit;
    double bifurcation = 0;  // NaN: none in the searched direction
    theory_at_control start;
    theory_at_control end;
};

std::vector<report_column> analyze_ensembles(const point_theory& theory,
                                             const point_results& results,
                                             const analysis_options& options);

}  // namespace vigil::regime_shifts

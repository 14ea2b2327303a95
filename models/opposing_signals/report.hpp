#pragma once

// The analysis of one opposing-signals scan point: each measured summary as a mean over the
// replicates (seeds of data and initialisation) with its Student t interval and standard
// deviation, next to the predictions of specs/opposing-signals.md (theory_* columns, for
// full-batch gradient descent). Pure; replicates with NaN in a field are left out of it.

#include "engine/model.hpp"
#include "models/opposing_signals/model.hpp"

#include <vector>

namespace vigil::opposing_signals {

// The spec's predictions at one configuration (q from the rounded group sizes).
struct theory_predictions {
    double sharpness_edge = 0;       // 2 / eta
    double sharpness_flow = 0;       // q alpha^2 ||beta||
    double b_norm_sq_edge = 0;       // 2 / (eta q alpha^2)
    double b_norm_sq_flow = 0;       // ||beta||
    double balance_point = 0;        // gamma (p_A - p_B) / (alpha q)
    bool edge_of_stability = false;  // q alpha^2 ||beta|| > 2 / eta
};

theory_predictions predict(const point_configuration& configuration);

std::vector<report_column> analyze_point(const point_configuration& configuration,
                                         const point_results& results,
                                         const analysis_options& options);

}  // namespace vigil::opposing_signals

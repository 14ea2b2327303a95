#pragma once

// The analysis of one contact-sensing scan point: decision errors from the contact (H1) and
// no-contact (H0) ensembles of GLRT statistics, position and width errors, each with its
// confidence interval, and the theory columns beside them (specs/contact-sensing.md,
// "Decision-theory analysis" and "Theory").

#include "engine/model.hpp"

#include <vector>

namespace vigil::contact_sensing {

std::vector<report_column> analyze_point(const parameter_set& values, const point_results& results,
                                         const analysis_options& options);

}  // namespace vigil::contact_sensing

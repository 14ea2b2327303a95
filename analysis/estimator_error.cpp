#include "analysis/estimator_error.hpp"

#include <limits>
#include <stdexcept>
#include <string>

namespace vigil::analysis {
namespace {

estimate scaled_estimate(const estimate& value, double factor) {
    return {value.value * factor, value.lower * factor, value.upper * factor};
}

}  // namespace

estimator_error summarize_errors(std::span<const double> errors, double confidence_level,
                                 std::uint64_t bootstrap_resamples, const stream_key& key) {
    estimator_error summary;
    summary.replicates = errors.size();
    if (errors.empty()) {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        summary.bias = {nan, nan, nan};
        summary.rms = {nan, nan, nan};
        return summary;
    }
    summary.bias = mean_with_interval(errors, confidence_level);
    summary.rms =
        bootstrap_interval(errors, root_mean_square, confidence_level, bootstrap_resamples, key);
    return summary;
}

estimator_error scaled(const estimator_error& error, double factor) {
    if (!(factor > 0)) {
        throw std::invalid_argument("estimator error: unit factor " + std::to_string(factor) +
                                    " must be > 0");
    }
    return {error.replicates, scaled_estimate(error.bias, factor),
            scaled_estimate(error.rms, factor)};
}

}  // namespace vigil::analysis

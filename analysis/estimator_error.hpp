#pragma once

// Accuracy of an estimator from its errors (estimate - truth) over replicates: the bias with
// a normal-theory interval and the rms error with a percentile bootstrap interval drawn from
// the given stream key (reproducible). Pure apart from that stream; thread-safe. An empty
// sample gives NaN everywhere; a NaN error throws std::invalid_argument.

#include "analysis/intervals.hpp"
#include "engine/random_stream.hpp"

#include <cstdint>
#include <span>

namespace vigil::analysis {

struct estimator_error {
    std::size_t replicates = 0;
    estimate bias;  // mean error, +- Student t standard error (NaN bounds below 2 replicates)
    estimate rms;   // sqrt(mean(error^2)), percentile bootstrap
};

estimator_error summarize_errors(std::span<const double> errors, double confidence_level,
                                 std::uint64_t bootstrap_resamples, const stream_key& key);

// The same summary in other units: every value and bound multiplied by `factor` (> 0), as
// when converting radians to micrometres or receptor spacings.
estimator_error scaled(const estimator_error& error, double factor);

}  // namespace vigil::analysis

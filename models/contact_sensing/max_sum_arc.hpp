#pragma once

// The maximum-likelihood contact arc: the circular run of consecutive receptors (length 1 to N)
// with the largest sum of log-likelihood ratios l_j. Exact for entries of +/-infinity (never
// NaN); pure functions, thread-safe.

#include <cstddef>
#include <span>

namespace vigil::contact_sensing {

// Receptors start, start + 1, ..., start + length - 1 (mod N).
struct circular_run {
    std::size_t start = 0;
    std::size_t length = 0;
    double sum = 0;
};

// O(N): the better of the best linear run (Kadane) and the best run through the end of the
// array (total minus the smallest proper linear run). Sums are compared as (number of +inf
// minus number of -inf entries, sum of the finite entries), lexicographically, so that with
// +inf entries the run covers as many of them as possible and then maximises the finite sum.
// `values` must not be empty. Among equal sums the result is one of the best runs.
circular_run max_sum_circular_run(std::span<const double> values);

// O(N^2) enumeration of all N^2 runs with the same ordering, for tests.
circular_run max_sum_circular_run_brute_force(std::span<const double> values);

// Centre of the run in radians, 2 pi (start + (length - 1) / 2) / N, wrapped to [0, 2 pi), and
// its width 2 pi length / N, for N receptors at angles 2 pi j / N.
double run_centre_angle(const circular_run& run, std::size_t receptors);
double run_width_angle(const circular_run& run, std::size_t receptors);

// The generalized likelihood-ratio statistic max(0, best run sum).
double glrt_statistic(const circular_run& best);

}  // namespace vigil::contact_sensing

#pragma once

// `vigil ews --model-test`: Boettiger & Hastings' test of one series (analysis/
// stability_models.hpp): OU and LSN fitted at the series' own times, delta = 2 (log L_LSN -
// log L_OU), and its distributions under both fitted models from a parametric bootstrap run
// by OpenMP threads. Replicate r draws from streams keyed (seed, stream, 0, r) and writes only
// its own slot, so every number is the same for any thread count. A fit that does not converge
// on the observed series is reported (and the bootstrap skipped), not thrown.

#include "analysis/stability_models.hpp"
#include "engine/hdf5.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::cli {

struct model_test_outcome {
    analysis::model_pair_fit observed;
    std::size_t bootstrap = 0;  // replicates run (0 when a fit on the series failed)
    std::vector<analysis::bootstrap_replicate> replicates;
    analysis::model_test_summary summary;
    // 95% percentile intervals of the parameters over the replicates simulated from the same
    // model (OU rate, mean, sigma, LSN r0, m, theta, sigma); NaN without replicates.
    std::vector<double> parameter_lower;
    std::vector<double> parameter_upper;
    // The power of two the series was divided by for the fits and the bootstrap
    // (analysis::fitting_unit); OU parameters and log-likelihoods are given back in the series'
    // units, the LSN's parameters (not scale-free) stay in units of x / unit.
    double unit = 1;
    double span = 0;  // last minus first sampling time
    double seconds = 0;
};

// Names of the seven parameters in the order used by the result file.
std::vector<std::string> model_test_parameter_names();

model_test_outcome run_model_test(std::span<const double> time, std::span<const double> value,
                                  std::size_t bootstrap, std::uint64_t seed, std::size_t threads);

void print_model_test(const model_test_outcome& outcome, std::uint64_t seed);

// Writes the /model_test group (layout in ews_command.hpp).
void write_model_test(const h5::object& file, const model_test_outcome& outcome);

}  // namespace vigil::cli

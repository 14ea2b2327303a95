#pragma once

// The parallel runner. Work is the (scan point, replicate) pairs of a plan, taken point by
// point in blocks of replicates; OpenMP threads simulate a block while one writer thread
// stores finished blocks. Guarantees: results are bit-identical for any thread count or block
// size (each replicate's randomness comes only from its keyed streams and every value lands
// in its own slot); memory is bounded by a few blocks, whatever the replicate count; HDF5 is
// touched only by the writer thread. An exception from a model or the writer stops the run
// and is rethrown to the caller after all threads have stopped.

#include "model.hpp"
#include "result_file.hpp"
#include "scan.hpp"

#include <cstdint>
#include <functional>

namespace vigil {

struct point_progress {
    std::uint64_t point = 0;
    std::uint64_t points = 0;
    double seconds = 0;  // wall time spent on this point
};

struct run_settings {
    int threads = 0;                        // 0: OpenMP's default
    std::uint64_t block_replicates = 2048;  // replicates per block handed to the writer
    std::function<void(const point_progress&)> on_point_done;  // called from the caller's thread
};

void run_scan(const scan_plan& plan, const model& chosen, result_writer& writer,
              const run_settings& settings);

}  // namespace vigil

#pragma once

// The parallel runner. Work is the (scan point, replicate) pairs of a plan, numbered
// point * replicates + replicate and taken in that order in blocks of replicates; OpenMP threads
// simulate a block while one writer thread hands finished blocks, in order, to a result_sink.
// Guarantees: results are bit-identical for any thread count or block size or work range (each
// replicate's randomness comes only from its keyed streams and every value lands in its own slot);
// memory is bounded by a few blocks, whatever the replicate count; the sink is called only from the
// writer thread, in work order. An exception from a model or the writer stops the run and is
// rethrown to the caller after all threads have stopped.

#include "journal.hpp"
#include "model.hpp"
#include "result_file.hpp"
#include "scan.hpp"

#include <cstdint>
#include <functional>
#include <limits>

namespace vigil {

// Where a run stands, reported after every block handed to the writer.
struct run_progress {
    std::uint64_t point = 0;  // the scan point of the last block
    std::uint64_t points = 0;
    bool point_finished = false;  // the last block finished its point
    double point_seconds = 0;     // wall time spent on that point so far
    std::uint64_t work_done = 0;  // replicates simulated in this run's slice, all points
    std::uint64_t work_total = 0;
};

struct run_settings {
    int threads = 0;                        // 0: OpenMP's default
    std::uint64_t block_replicates = 2048;  // replicates per block handed to the writer
    std::function<void(const run_progress&)> on_progress;  // called from the caller's thread
    // The slice of work to run, as [work_begin, work_end) in work numbers; the default is all.
    // A shard runs its slice; a resumed run starts after the work already done.
    std::uint64_t work_begin = 0;
    std::uint64_t work_end = std::numeric_limits<std::uint64_t>::max();
};

void run_scan(const scan_plan& plan, const model& chosen, result_sink& sink,
              const run_settings& settings);

}  // namespace vigil

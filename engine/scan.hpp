#pragma once

// Scan files: a TOML text naming a model, a seed, a replicate count, fixed parameters and
// scanned axes. read_scan() checks everything before anything runs: a scan_plan that exists
// has a known model, only declared parameters, every value finite and in range, at least one
// point and one replicate. Every failure is an input_error naming the file and the key.
//
//   model = "contact_sensing"
//   seed = 1                       # integer >= 0
//   replicates = 1200              # per scan point
//   trajectories = 2               # optional: record detail for the first 2 replicates
//                                  # (at most `replicates`)
//   [parameters]                   # fixed values; the model's defaults fill the rest
//   [scan]                         # axes; the points are their grid product, first axis slowest
//   contact_length_um = [1, 2, 4]
//   observation_time = { linspace = [1, 10, 10] }   # first, last, count
//   radius_um = { logspace = [1, 100, 3] }          # first, last, count; even in log
//   [scan.zip]                     # axes of equal length that vary together, as one axis

#include "model.hpp"
#include "parameters.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

struct scan_plan {
    std::string path;  // as given, for messages
    std::string text;  // the file verbatim, stored in every result file
    std::string model_name;
    std::uint64_t seed = 0;
    std::uint64_t replicates = 0;
    std::uint64_t trajectories = 0;
    std::vector<std::string> scanned_names;  // in file order
    std::vector<parameter_set> points;       // complete and checked, defaults filled in
};

// The most points a scan may hold. A point's parameter set takes about 1 kB of bookkeeping, so
// a million points already need about 1.3 GB; larger studies are split into several files.
inline constexpr std::size_t scan_max_points = 1'000'000;

// The largest scan file read, in bytes. Real scan files are a few kB; the cap keeps a wrong
// path (a device such as /dev/zero, a FIFO, a large data file) from filling memory: reading
// stops as soon as it is passed, with an input_error.
inline constexpr std::uint64_t scan_max_bytes = 16u << 20;  // 16 MiB

// `max_bytes` lowers the cap for tests.
scan_plan read_scan_file(const std::string& path, std::uint64_t max_bytes = scan_max_bytes);
// `max_points` lowers the limit for callers that must stay cheap (the fuzz target).
scan_plan parse_scan(const std::string& text, const std::string& path,
                     std::size_t max_points = scan_max_points);

}  // namespace vigil

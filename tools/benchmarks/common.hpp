#pragma once

// What every benchmark program shares: the "min" statistic over repetitions (the least
// disturbed run on a loaded machine), and scan points of the shipped studies built through the
// engine's own scan reader, so benchmarks see exactly what `vigil run` sees.

#include "engine/scan.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace vigil::benchmarks {

// Adds the "min" aggregate to a benchmark's repetitions; use as ->Apply(report_minimum).
void report_minimum(benchmark::internal::Benchmark* benchmark);

// The scan plan of a file under the source tree, e.g. "inputs/contact_sensing/default.toml".
scan_plan shipped_plan(const std::string& relative_path);

// A one-point plan of `model` from [parameters] lines (defaults fill the rest).
scan_plan single_point_plan(const std::string& model, const std::string& parameter_lines,
                            std::uint64_t replicates = 1);

}  // namespace vigil::benchmarks

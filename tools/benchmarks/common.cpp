// Shared helpers of the benchmark programs (see common.hpp).

#include "tools/benchmarks/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace vigil::benchmarks {

namespace {

double minimum(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

}  // namespace

void report_minimum(benchmark::internal::Benchmark* benchmark) {
    benchmark->ComputeStatistics("min", minimum);
}

scan_plan shipped_plan(const std::string& relative_path) {
    return read_scan_file(std::string(VIGIL_SOURCE_DIR) + "/" + relative_path);
}

scan_plan single_point_plan(const std::string& model, const std::string& parameter_lines,
                            std::uint64_t replicates) {
    const std::string text =
        fmt::format("model = \"{}\"\nseed = 20231101\nreplicates = {}\n[parameters]\n{}\n", model,
                    replicates, parameter_lines);
    return parse_scan(text, "benchmark.toml");
}

}  // namespace vigil::benchmarks

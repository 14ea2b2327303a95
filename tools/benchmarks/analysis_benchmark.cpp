// Early-warning statistics over series of 10^3 to 10^6 points: the rolling indicators (variance,
// autocorrelation, skewness and the rest in one O(n) pass, window half the series) and Kendall's
// tau-b of an indicator against time. The per-point cost across lengths shows the scaling.

#include "tools/benchmarks/common.hpp"

#include "analysis/indicators.hpp"
#include "analysis/kendall.hpp"
#include "engine/random_stream.hpp"

#include <boost/random/normal_distribution.hpp>

#include <cstdint>
#include <map>
#include <vector>

namespace vigil::benchmarks {

namespace {

// An AR(1) series x[t+1] = 0.9 x[t] + noise with a slow drift of the noise level, like the
// residuals of a system approaching a transition; one series per length, made once.
const std::vector<double>& ar1_series(std::size_t points) {
    static std::map<std::size_t, std::vector<double>> made;
    auto& series = made[points];
    if (!series.empty()) return series;
    random_stream stream(stream_key{20231101, 0, 0, points});
    boost::random::normal_distribution<double> noise;
    series.resize(points);
    double x = 0;
    for (std::size_t t = 0; t < points; ++t) {
        const double level = 1.0 + static_cast<double>(t) / static_cast<double>(points);
        x = 0.9 * x + level * noise(stream);
        series[t] = x;
    }
    return series;
}

void rolling_indicators(benchmark::State& state) {
    const std::vector<double>& series = ar1_series(static_cast<std::size_t>(state.range(0)));
    analysis::rolling_options options;
    options.window = series.size() / 2;
    for (auto _ : state) {
        benchmark::DoNotOptimize(analysis::rolling_statistics(series, {}, options));
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetComplexityN(state.range(0));
}

void kendall_tau(benchmark::State& state) {
    const std::vector<double>& series = ar1_series(static_cast<std::size_t>(state.range(0)));
    std::vector<double> time(series.size());
    for (std::size_t t = 0; t < time.size(); ++t) time[t] = static_cast<double>(t);
    for (auto _ : state) benchmark::DoNotOptimize(analysis::kendall_tau_b(time, series));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetComplexityN(state.range(0));
}

BENCHMARK(rolling_indicators)
    ->ArgName("points")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity(benchmark::oN)
    ->Apply(report_minimum);
BENCHMARK(kendall_tau)
    ->ArgName("points")
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity(benchmark::oNLogN)
    ->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks

// The engine's share of a study: HDF5 writing of per-replicate results (one block, and all of
// the default contact-sensing study's results and trajectories written alone) against the
// whole default study run through the engine, in the same binary.

#include "tools/benchmarks/common.hpp"

#include "engine/model.hpp"
#include "engine/result_file.hpp"
#include "engine/runner.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <vector>

#include <unistd.h>

namespace vigil::benchmarks {

namespace {

// A result file path of this process under the temporary directory, removed before use.
std::string scratch_file(const char* purpose) {
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       fmt::format("vigil-benchmark-{}-{}.h5", purpose, getpid());
    std::filesystem::remove(path);
    return path.string();
}

// The default study with real results: point 0's replicates (field-major, as the runner hands
// them to the writer) and trajectories, reused for every point.
struct study_results {
    scan_plan plan;
    std::size_t fields = 0;
    std::vector<double> values;
    std::vector<trajectory_record> trajectories;
};

const study_results& default_study() {
    static const study_results study = [] {
        study_results made;
        made.plan = shipped_plan("inputs/contact_sensing/default.toml");
        const model& chosen = find_model(made.plan.model_name);
        made.fields = chosen.results().size();
        const std::uint64_t replicates = made.plan.replicates;
        made.values.assign(made.fields * replicates, 0.0);
        made.trajectories.resize(made.plan.trajectories);

        const auto simulator = chosen.prepare(made.plan.points.front());
        std::vector<double> slots(made.fields);
        for (std::uint64_t r = 0; r < replicates; ++r) {
            trajectory_record* record =
                r < made.plan.trajectories ? &made.trajectories[r] : nullptr;
            simulator->simulate(replicate_streams(made.plan.seed, 0, r), slots, record);
            for (std::size_t f = 0; f < made.fields; ++f)
                made.values[f * replicates + r] = slots[f];
        }
        return made;
    }();
    return study;
}

// One point's block of per-replicate results (1200 replicates x 8 fields) into an open file.
void write_results_block(benchmark::State& state) {
    const study_results& study = default_study();
    const std::string path = scratch_file("block");
    {
        result_writer writer(path, study.plan, find_model(study.plan.model_name), "benchmark");
        std::uint64_t point = 0;
        for (auto _ : state) {
            writer.write_block(point++ % study.plan.points.size(), 0, study.plan.replicates,
                               study.values);
        }
        writer.finish();
    }
    std::filesystem::remove(path);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(study.plan.replicates));
}

// Everything `vigil run` writes for the default study: layout, every point's results, the
// trajectories of the first replicates, and the completion mark.
void write_default_study(benchmark::State& state) {
    const study_results& study = default_study();
    const model& chosen = find_model(study.plan.model_name);
    const std::string path = scratch_file("write");
    for (auto _ : state) {
        result_writer writer(path, study.plan, chosen, "benchmark");
        for (std::uint64_t point = 0; point < study.plan.points.size(); ++point) {
            writer.write_block(point, 0, study.plan.replicates, study.values);
            for (std::uint64_t r = 0; r < study.trajectories.size(); ++r) {
                writer.write_trajectory(point, r, study.trajectories[r]);
            }
        }
        writer.finish();
        state.PauseTiming();
        std::filesystem::remove(path);
        state.ResumeTiming();
    }
}

// The whole default study through run_scan (simulation and writing), on `threads` threads.
void run_default_study(benchmark::State& state) {
    const study_results& study = default_study();
    const model& chosen = find_model(study.plan.model_name);
    const std::string path = scratch_file("run");
    run_settings settings;
    settings.threads = static_cast<int>(state.range(0));
    for (auto _ : state) {
        result_writer writer(path, study.plan, chosen, "benchmark");
        run_scan(study.plan, chosen, writer, settings);
        writer.finish();
        state.PauseTiming();
        std::filesystem::remove(path);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(
        state.iterations() *
        static_cast<std::int64_t>(study.plan.replicates * study.plan.points.size()));
}

BENCHMARK(write_results_block)->Unit(benchmark::kMicrosecond)->Apply(report_minimum);
BENCHMARK(write_default_study)->Unit(benchmark::kMillisecond)->UseRealTime()->Apply(report_minimum);
BENCHMARK(run_default_study)
    ->ArgName("threads")
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks

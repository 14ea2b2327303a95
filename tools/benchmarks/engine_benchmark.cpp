// The engine's share of a study: HDF5 writing of per-replicate results (one block), and
// everything `vigil run` does for the default contact-sensing study except simulating (journal,
// syncs, HDF5 file, with the study's real results replayed) against the whole run, in one binary.

#include "tools/benchmarks/common.hpp"

#include "engine/model.hpp"
#include "engine/result_file.hpp"
#include "engine/runner.hpp"
#include "engine/study.hpp"

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

// The contact_sensing model with its simulation replaced by copies of stored results (point 0's,
// for every point): run through run_to_file it costs what `vigil run` spends on everything but
// the simulation (runner, journal, its syncs, the HDF5 file built from it).
class replayed_simulator final : public point_simulator {
public:
    explicit replayed_simulator(const study_results& study) : study_(study) {}

    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override {
        const std::uint64_t replicates = study_.plan.replicates;
        const std::uint64_t r = streams.replicate() % replicates;
        for (std::size_t f = 0; f < study_.fields; ++f) {
            results[f] = study_.values[f * replicates + r];
        }
        if (trajectory && r < study_.trajectories.size()) *trajectory = study_.trajectories[r];
    }

private:
    const study_results& study_;
};

class replayed_model final : public model {
public:
    replayed_model(const model& real, const study_results& study) : real_(real), study_(study) {}

    std::string name() const override { return real_.name(); }
    std::string summary() const override { return real_.summary(); }
    std::vector<parameter_spec> parameters() const override { return real_.parameters(); }
    std::vector<result_field> results() const override { return real_.results(); }
    void check(const parameter_set& values) const override { real_.check(values); }
    std::unique_ptr<point_simulator> prepare(const parameter_set&) const override {
        return std::make_unique<replayed_simulator>(study_);
    }
    std::vector<report_column> analyze(const parameter_set& values, const point_results& results,
                                       const analysis_options& options) const override {
        return real_.analyze(values, results, options);
    }

private:
    const model& real_;
    const study_results& study_;
};

// `vigil run` of the default study on one thread: with the real model (the whole run), or with
// the replayed results (writing alone). Their ratio is the share of the run spent writing.
void study_to_file(benchmark::State& state, const model& chosen, const char* purpose) {
    const study_results& study = default_study();
    run_request request;
    request.output = scratch_file(purpose);
    request.overwrite = true;
    request.command_line = "benchmark";
    request.settings.threads = 1;
    for (auto _ : state) {
        run_to_file(study.plan, chosen, request);
        state.PauseTiming();
        std::filesystem::remove(request.output);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(
        state.iterations() *
        static_cast<std::int64_t>(study.plan.replicates * study.plan.points.size()));
}

void write_default_study(benchmark::State& state) {
    const study_results& study = default_study();
    const replayed_model replayed(find_model(study.plan.model_name), study);
    study_to_file(state, replayed, "write");
}

void run_default_study(benchmark::State& state) {
    study_to_file(state, find_model(default_study().plan.model_name), "run");
}

BENCHMARK(write_results_block)->Unit(benchmark::kMicrosecond)->Apply(report_minimum);
BENCHMARK(write_default_study)->Unit(benchmark::kMillisecond)->UseRealTime()->Apply(report_minimum);
BENCHMARK(run_default_study)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks

#include "engine/runner.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/result_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace vigil {
namespace {

// A model whose replicates draw a random number of variates, so that any dependence on
// scheduling or on which thread ran what would show in the results.
class random_walk_model : public model {
public:
    std::string name() const override { return "random_walk"; }
    std::string summary() const override { return "test model"; }
    std::vector<parameter_spec> parameters() const override {
        parameter_spec steps;
        steps.name = "steps";
        steps.kind = parameter_kind::integer;
        steps.unit = "1";
        steps.description = "walk length";
        steps.default_value = 20.0;
        steps.minimum = 1;
        return {steps};
    }
    std::vector<result_field> results() const override {
        return {{"end", "1", "end point"}, {"draws", "1", "variates drawn"}};
    }
    void check(const parameter_set&) const override {}

    class simulator : public point_simulator {
    public:
        explicit simulator(std::int64_t steps) : steps_(steps) {}
        void simulate(const replicate_streams& streams, std::span<double> results,
                      trajectory_record* trajectory) const override {
            random_stream walk = streams.stream(0);
            const auto length = steps_ + static_cast<std::int64_t>(walk() % 50);
            double position = 0;
            std::vector<double> path;
            for (std::int64_t i = 0; i < length; ++i) {
                position += walk.uniform_open() - 0.5;
                path.push_back(position);
            }
            results[0] = position;
            results[1] = static_cast<double>(length);
            if (trajectory != nullptr) (*trajectory)["path"] = {"1", "positions", path};
        }

    private:
        std::int64_t steps_;
    };

    std::unique_ptr<point_simulator> prepare(const parameter_set& values) const override {
        return std::make_unique<simulator>(values.integer("steps"));
    }
    std::vector<report_column> analyze(const parameter_set&, const point_results&,
                                       const analysis_options&) const override {
        return {};
    }
};

scan_plan plan_for_test() {
    scan_plan plan;
    plan.path = "test.toml";
    plan.text = "test";
    plan.model_name = "random_walk";
    plan.seed = 99;
    plan.replicates = 1000;
    plan.trajectories = 2;
    plan.scanned_names = {"steps"};
    for (const double steps : {5.0, 50.0, 500.0}) {
        parameter_set point;
        point.set("steps", steps);
        plan.points.push_back(point);
    }
    return plan;
}

std::vector<double> run_and_read(int threads, std::uint64_t block, const std::string& path) {
    const random_walk_model walk;
    const auto plan = plan_for_test();
    std::filesystem::remove(path);
    {
        result_writer writer(path, plan, walk, "test");
        run_settings settings;
        settings.threads = threads;
        settings.block_replicates = block;
        run_scan(plan, walk, writer, settings);
        writer.finish();
    }
    const result_file file(path, false);
    EXPECT_TRUE(file.complete());
    std::vector<double> all;
    for (std::uint64_t p = 0; p < plan.points.size(); ++p) {
        for (const auto* field : {"end", "draws"}) {
            const auto row = file.results_of_point(field, p);
            all.insert(all.end(), row.begin(), row.end());
        }
    }
    std::filesystem::remove(path);
    return all;
}

TEST(runner, results_are_bit_identical_for_any_thread_count_and_block_size) {
    h5::silence_library_errors();
    const auto reference = run_and_read(1, 2048, "runner_test_1.h5");
    ASSERT_EQ(reference.size(), 3u * 2 * 1000);
    for (const double value : reference) ASSERT_FALSE(std::isnan(value));
    EXPECT_EQ(run_and_read(2, 64, "runner_test_2.h5"), reference);
    EXPECT_EQ(run_and_read(4, 7, "runner_test_4.h5"), reference);
}

TEST(runner, file_is_marked_complete_only_after_finish) {
    h5::silence_library_errors();
    const random_walk_model walk;
    const auto plan = plan_for_test();
    const std::string path = "runner_test_partial.h5";
    std::filesystem::remove(path);
    {
        result_writer writer(path, plan, walk, "test");
        h5::object file = h5::open_file(path, false);
        const result_file reader(path, false);
        EXPECT_FALSE(reader.complete());
    }
    std::filesystem::remove(path);
}

TEST(runner, refuses_to_create_over_an_existing_file) {
    h5::silence_library_errors();
    const random_walk_model walk;
    const auto plan = plan_for_test();
    const std::string path = "runner_test_exists.h5";
    std::filesystem::remove(path);
    { result_writer writer(path, plan, walk, "test"); }
    EXPECT_THROW(result_writer(path, plan, walk, "test"), run_error);
    std::filesystem::remove(path);
}

TEST(result_file, refuses_a_foreign_hdf5_file) {
    h5::silence_library_errors();
    const std::string path = "runner_test_foreign.h5";
    std::filesystem::remove(path);
    { h5::object file = h5::create_file(path); }
    EXPECT_THROW(result_file(path, false), input_error);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace vigil

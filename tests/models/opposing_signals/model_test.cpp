// The model's parameter table and rules, bad input through the real program (exit 2, naming
// the key, no file), and bit-identical results for 1 and 2 threads through the engine's runner.

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/result_file.hpp"
#include "engine/runner.hpp"
#include "engine/scan.hpp"
#include "run_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace vigil::opposing_signals {
namespace {

namespace fs = std::filesystem;
using testing::defaults_with;

// A directory of this process alone: test programs of several checkouts may run at once.
fs::path scratch_directory(const std::string& name) {
    return fs::temp_directory_path() /
           ("vigil_opposing_signals_" + name + "_" + std::to_string(getpid()));
}

TEST(model, every_parameter_has_a_unit_a_description_and_a_default_in_range) {
    const opposing_signals_model model;
    std::set<std::string> names;
    for (const parameter_spec& spec : model.parameters()) {
        EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
        EXPECT_FALSE(spec.description.empty()) << spec.name;
        ASSERT_TRUE(spec.default_value.has_value()) << spec.name;
        EXPECT_NO_THROW(check_value(spec, *spec.default_value, "defaults")) << spec.name;
        if (spec.kind != parameter_kind::choice) {
            EXPECT_FALSE(spec.unit.empty()) << spec.name;
        }
    }
    for (const char* name :
         {"samples", "signal_dims", "spectrum_decay", "fraction_group_a", "fraction_group_b",
          "outlier_magnitude", "outlier_target_offset", "signal_norm", "hidden_width", "init_scale",
          "learning_rate", "steps", "optimizer", "batch_size"}) {
        EXPECT_TRUE(names.count(name)) << name;
    }
    EXPECT_NO_THROW(defaults_with({}));
}

TEST(model, spec_defaults_give_the_spec_predictions) {
    const point_configuration configuration = read_configuration(defaults_with({}));
    EXPECT_EQ(configuration.data.samples, 1000u);
    EXPECT_EQ(configuration.data.outlier_magnitude, 25.0);
    EXPECT_EQ(configuration.training.steps, 3000u);
    EXPECT_DOUBLE_EQ(configuration.data.outlier_second_moment(), 31.25);
}

void expect_rejected(const std::vector<std::pair<std::string, parameter_value>>& overrides,
                     const std::string& key) {
    try {
        defaults_with(overrides);
        ADD_FAILURE() << "accepted; expected an error naming " << key;
    } catch (const input_error& error) {
        EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
    }
}

TEST(model, check_rejects_inconsistent_parameters_naming_the_keys) {
    expect_rejected({{"fraction_group_a", 0.0}, {"fraction_group_b", 0.0}}, "fraction_group_a");
    expect_rejected({{"fraction_group_a", 0.7}, {"fraction_group_b", 0.6}}, "fraction_group_b");
    expect_rejected({{"samples", 50.0}, {"optimizer", std::string("sgd")}, {"batch_size", 100.0}},
                    "batch_size = 100 exceeds samples = 50: optimizer = \"sgd\" draws batch_size "
                    "distinct points of the samples each step; set batch_size (default 100) to "
                    "at most 50");
    // 40 points: 1 in group A, 1 in group B; the default discovered_points = 50 does not fit.
    expect_rejected({{"samples", 40.0}},
                    "discovered_points = 50 exceeds samples = 40: group discovery takes the "
                    "discovered_points points whose loss changes most at the largest loss "
                    "increase, out of the samples; set discovered_points (default 50) to at most "
                    "40, e.g. 2, the points of groups A and B");
}

// batch_size is sgd's alone: its default must not refuse fewer points for the other optimizers.
TEST(model, batch_size_is_checked_only_for_sgd) {
    for (const char* optimizer : {"gd", "momentum", "adam", "clipped_gd", "split_adam"}) {
        EXPECT_NO_THROW(defaults_with({{"samples", 50.0}, {"optimizer", std::string(optimizer)}}))
            << optimizer;
        EXPECT_NO_THROW(defaults_with(
            {{"samples", 40.0}, {"optimizer", std::string(optimizer)}, {"discovered_points", 2.0}}))
            << optimizer;
    }
    EXPECT_NO_THROW(defaults_with({{"samples", 40.0},
                                   {"optimizer", std::string("sgd")},
                                   {"batch_size", 40.0},
                                   {"discovered_points", 40.0}}));
    const point_configuration small =
        read_configuration(defaults_with({{"samples", 40.0}, {"discovered_points", 2.0}}));
    EXPECT_EQ(small.data.samples, 40u);
}

std::string slurp(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(model, bad_parameters_exit_2_naming_the_key_and_leave_no_file) {
    const fs::path directory = scratch_directory("bad_input");
    fs::remove_all(directory);
    fs::create_directories(directory);
    const std::string head = "model = \"opposing_signals\"\nseed = 1\nreplicates = 2\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[parameters]\nlearning_rate = -0.1\n", "learning_rate"},
        {"[parameters]\noutlier_magnitude = 0.0\n", "outlier_magnitude"},
        {"[parameters]\noptimizer = \"lbfgs\"\n", "optimizer"},
        {"[parameters]\nhidden_width = 2.5\n", "hidden_width"},
        {"[parameters]\nspectrum_decay = 1.5\n", "spectrum_decay"},
        {"[parameters]\nfraction_group_a = 0.0\nfraction_group_b = 0.0\n", "fraction_group_a"},
        {"[parameters]\noptimizer = \"sgd\"\nsamples = 50\n", "batch_size = 100 exceeds samples"},
        {"[parameters]\nsamples = 40\nbatch_size = 40\n",
         "set discovered_points (default 50) to at most 40"},
        {"[parameters]\nlearning_rat = 0.1\n", "learning_rat"},
    };
    for (const auto& [body, key] : cases) {
        std::ofstream(directory / "bad.toml") << head << body;
        const std::string command = "cd '" + directory.string() +
                                    "' && '" VIGIL_BINARY
                                    "' run bad.toml -o bad.h5 >out.txt 2>err.txt";
        const int raw = std::system(command.c_str());
        ASSERT_TRUE(WIFEXITED(raw));
        EXPECT_EQ(WEXITSTATUS(raw), 2) << body;
        EXPECT_NE(slurp(directory / "err.txt").find(key), std::string::npos)
            << body << ": " << slurp(directory / "err.txt");
        EXPECT_FALSE(fs::exists(directory / "bad.h5")) << body;
        EXPECT_FALSE(fs::exists(directory / "bad.h5.partial")) << body;
        EXPECT_FALSE(fs::exists(directory / "bad.h5.journal")) << body;
    }
    fs::remove_all(directory);
}

std::vector<double> run_with_threads(const scan_plan& plan, int threads, const fs::path& path) {
    const opposing_signals_model model;
    fs::remove(path);
    {
        result_writer writer(path.string(), plan, model, "test");
        run_settings settings;
        settings.threads = threads;
        settings.block_replicates = 3;
        run_scan(plan, model, writer, settings);
        writer.finish();
    }
    const result_file file(path.string(), false);
    EXPECT_TRUE(file.complete());
    std::vector<double> all;
    for (const auto& field : file.result_names()) {
        for (std::uint64_t p = 0; p < plan.points.size(); ++p) {
            const auto row = file.results_of_point(field, p);
            all.insert(all.end(), row.begin(), row.end());
        }
    }
    fs::remove(path);
    return all;
}

TEST(model, results_are_bit_identical_for_one_and_two_threads) {
    h5::silence_library_errors();
    const scan_plan plan = parse_scan(R"(model = "opposing_signals"
seed = 17
replicates = 8
trajectories = 2
[parameters]
steps = 400
[scan]
optimizer = ["gd", "sgd", "split_adam"]
)",
                                      "threads.toml");
    const fs::path directory = scratch_directory("threads");
    fs::create_directories(directory);
    const auto one = run_with_threads(plan, 1, directory / "threads_1.h5");
    const auto two = run_with_threads(plan, 2, directory / "threads_2.h5");
    fs::remove_all(directory);
    ASSERT_EQ(one.size(), two.size());
    ASSERT_FALSE(one.empty());
    // Bitwise, NaN included: compare the representations.
    for (std::size_t i = 0; i < one.size(); ++i) {
        EXPECT_EQ(0, std::memcmp(&one[i], &two[i], sizeof(double)))
            << "value " << i << ": " << one[i] << " vs " << two[i];
    }
}

}  // namespace
}  // namespace vigil::opposing_signals

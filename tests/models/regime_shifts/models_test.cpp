// Fast tests of the regime-shift models: steppers, transition detection, parameter checks (also
// through the real `vigil` program), reproducibility across thread counts, and the analysis.

#include "models/regime_shifts/models.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/result_file.hpp"
#include "engine/runner.hpp"
#include "engine/scan.hpp"
#include "models/regime_shifts/allee_ibm.hpp"
#include "models/regime_shifts/early_warning.hpp"
#include "models/regime_shifts/stochastic_steppers.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::regime_shifts {
namespace {

namespace fs = std::filesystem;

parameter_set defaults_of(const model& chosen) {
    parameter_set values;
    for (const parameter_spec& spec : chosen.parameters()) {
        if (spec.default_value) values.set(spec.name, *spec.default_value);
    }
    return values;
}

// Runs the model's simulate() for `replicates` replicates of point 0 and gathers the results.
struct gathered {
    std::vector<std::vector<double>> columns;
    point_results view(const model& chosen) const {
        point_results out;
        const auto fields = chosen.results();
        for (std::size_t f = 0; f < fields.size(); ++f) out[fields[f].name] = columns[f];
        return out;
    }
};

gathered simulate_replicates(const model& chosen, const parameter_set& values,
                             std::uint64_t replicates, std::uint64_t seed) {
    chosen.check(values);
    const auto simulator = chosen.prepare(values);
    const std::size_t fields = chosen.results().size();
    gathered out;
    out.columns.assign(fields, {});
    std::vector<double> row(fields);
    for (std::uint64_t r = 0; r < replicates; ++r) {
        simulator->simulate(replicate_streams(seed, 0, r), row, nullptr);
        for (std::size_t f = 0; f < fields; ++f) out.columns[f].push_back(row[f]);
    }
    return out;
}

std::size_t field_index(const model& chosen, const std::string& name) {
    const auto fields = chosen.results();
    for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].name == name) return f;
    }
    ADD_FAILURE() << "no field " << name;
    return 0;
}

TEST(regime_steppers, exact_ou_step_has_the_transition_moments) {
    const double rate = 0.7;
    const double mean = 2.0;
    const double noise = 0.4;
    const double dt = 0.9;
    const exact_ou_step step(rate, mean, noise, dt);
    EXPECT_DOUBLE_EQ(step.decay(), std::exp(-rate * dt));
    EXPECT_NEAR(step.spread() * step.spread(),
                noise * noise * (1 - std::exp(-2 * rate * dt)) / (2 * rate), 1e-15);

    // 200000 one-step transitions from x = 5: mean and variance within 5 standard errors.
    normal_source normals(random_stream(stream_key{3, 0, 0, 0}));
    const std::size_t n = 200000;
    double sum = 0;
    double squares = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = step(5.0, normals());
        sum += x;
        squares += x * x;
    }
    const double sample_mean = sum / static_cast<double>(n);
    const double sample_variance = squares / static_cast<double>(n) - sample_mean * sample_mean;
    const double variance = step.spread() * step.spread();
    EXPECT_NEAR(sample_mean, mean + (5.0 - mean) * step.decay(),
                5 * std::sqrt(variance / static_cast<double>(n)));
    EXPECT_NEAR(sample_variance, variance, 5 * variance * std::sqrt(2.0 / static_cast<double>(n)));
}

struct constant_noise_system {
    state_vector<1> drift(const state_vector<1>& x, double) const { return {-0.5 * x[0]}; }
    state_vector<1> diffusion(const state_vector<1>&, double) const { return {0.3}; }
    state_vector<1> diffusion_derivative(const state_vector<1>&, double) const { return {0.0}; }
};

// Equal up to rounding: the two group sqrt(dt) * Z * g differently.
TEST(regime_steppers, milstein_with_additive_noise_is_euler_maruyama) {
    normal_source first(random_stream(stream_key{5, 1, 2, 3}));
    normal_source second(random_stream(stream_key{5, 1, 2, 3}));
    euler_maruyama_stepper<1> euler(first);
    milstein_stepper<1> milstein(second);
    state_vector<1> a{1.0};
    state_vector<1> b{1.0};
    for (int i = 0; i < 1000; ++i) {
        euler.do_step(constant_noise_system{}, a, 0.01 * i, 0.01);
        milstein.do_step(constant_noise_system{}, b, 0.01 * i, 0.01);
        ASSERT_NEAR(a[0], b[0], 1e-12);
    }
}

// Geometric Brownian motion dx = sigma x dW: Milstein keeps E[x] = x0 and its strong error is
// far below Euler-Maruyama's against the exact solution x0 exp(sigma W - sigma^2 t / 2).
struct geometric_system {
    double sigma = 0.5;
    state_vector<1> drift(const state_vector<1>&, double) const { return {0.0}; }
    state_vector<1> diffusion(const state_vector<1>& x, double) const { return {sigma * x[0]}; }
    state_vector<1> diffusion_derivative(const state_vector<1>&, double) const { return {sigma}; }
};

TEST(regime_steppers, milstein_has_a_smaller_strong_error_for_multiplicative_noise) {
    const double dt = 0.01;
    const int steps = 100;
    double euler_error = 0;
    double milstein_error = 0;
    for (std::uint64_t path = 0; path < 200; ++path) {
        normal_source a(random_stream(stream_key{9, 0, 0, path}));
        normal_source b(random_stream(stream_key{9, 0, 0, path}));
        normal_source c(random_stream(stream_key{9, 0, 0, path}));
        euler_maruyama_stepper<1> euler(a);
        milstein_stepper<1> milstein(b);
        state_vector<1> x{1.0};
        state_vector<1> y{1.0};
        double wiener = 0;
        for (int i = 0; i < steps; ++i) {
            euler.do_step(geometric_system{}, x, i * dt, dt);
            milstein.do_step(geometric_system{}, y, i * dt, dt);
            wiener += std::sqrt(dt) * c();
        }
        const double exact = std::exp(0.5 * wiener - 0.125 * steps * dt);
        euler_error += std::fabs(x[0] - exact);
        milstein_error += std::fabs(y[0] - exact);
    }
    EXPECT_LT(milstein_error, 0.3 * euler_error);
}

TEST(regime_models, every_model_runs_its_defaults) {
    for (const auto& make :
         {make_grazing_model, make_lake_model, make_harvest_model, make_saddle_node_model,
          make_ou_model, make_lsn_model, make_predator_prey_model, make_allee_ibm_model}) {
        const auto chosen = make();
        parameter_set values = defaults_of(*chosen);
        values.set("duration", 60.0);
        const gathered results = simulate_replicates(*chosen, values, 3, 1);
        const std::size_t variance = field_index(*chosen, "null_variance");
        for (const double v : results.columns[variance]) {
            EXPECT_TRUE(std::isfinite(v) && v > 0) << chosen->name();
        }
        const auto report = chosen->analyze(values, results.view(*chosen), analysis_options{});
        bool has_theory = false;
        for (const report_column& column : report) {
            if (column.name == "theory_variance_start") {
                has_theory = std::isfinite(column.value) && column.value > 0;
            }
        }
        EXPECT_TRUE(has_theory) << chosen->name();
    }
}

// Every point of a scan reports the same columns, whatever its integrator or data.
TEST(regime_models, report_columns_do_not_depend_on_the_point) {
    const auto ou = make_ou_model();
    parameter_set euler = defaults_of(*ou);
    euler.set("duration", 40.0);
    parameter_set exact = euler;
    exact.set("integrator", std::string("exact"));
    exact.set("relaxation_rate_end", 2.0);
    const auto names = [&](const parameter_set& values, std::uint64_t replicates) {
        const gathered results = simulate_replicates(*ou, values, replicates, 3);
        std::vector<std::string> out;
        for (const auto& column : ou->analyze(values, results.view(*ou), analysis_options{})) {
            out.push_back(column.name);
        }
        return out;
    };
    const auto reference = names(euler, 4);
    EXPECT_EQ(names(exact, 4), reference);
    EXPECT_EQ(names(euler, 0), reference);  // no data at all
}

TEST(regime_models, saddle_node_ramp_past_the_fold_transitions_and_the_null_does_not) {
    const auto chosen = make_saddle_node_model();
    parameter_set values = defaults_of(*chosen);
    values.set("fold_distance", 1.0);
    values.set("fold_distance_end", -1.0);
    values.set("duration", 100.0);
    values.set("noise_intensity", 0.05);
    const gathered results = simulate_replicates(*chosen, values, 20, 2);
    const auto column = [&](const char* name) {
        return results.columns[field_index(*chosen, name)];
    };
    for (std::size_t r = 0; r < 20; ++r) {
        EXPECT_EQ(column("approach_transition")[r], 1.0);
        EXPECT_EQ(column("null_transition")[r], 0.0);
        // The escape below x = -1 comes after the fold (mu = 0 at t = 50) and before mu = -1.
        EXPECT_LT(column("approach_transition_control")[r], 0.0);
        EXPECT_GT(column("approach_transition_time")[r], 50.0);
        EXPECT_NEAR(column("approach_transition_control")[r],
                    1.0 - 2.0 * column("approach_transition_time")[r] / 100.0, 1e-12);
        EXPECT_LT(column("compared_samples")[r], 101.0);
    }
}

TEST(regime_models, trajectories_hold_both_members) {
    const auto chosen = make_predator_prey_model();
    parameter_set values = defaults_of(*chosen);
    values.set("duration", 10.0);
    chosen->check(values);
    const auto simulator = chosen->prepare(values);
    std::vector<double> row(chosen->results().size());
    trajectory_record record;
    simulator->simulate(replicate_streams(1, 0, 0), row, &record);
    for (const char* name : {"time", "approach_control", "approach_prey", "approach_predator",
                             "null_prey", "null_predator"}) {
        ASSERT_TRUE(record.count(name)) << name;
    }
    EXPECT_EQ(record["null_prey"].values.size(), 101u);  // 10 / 0.1 + 1 samples
    EXPECT_EQ(record["time"].values.back(), 10.0);
}

TEST(regime_models, checks_name_the_key) {
    const auto expect_error = [](const model& chosen, parameter_set values, const char* key) {
        try {
            chosen.check(values);
            ADD_FAILURE() << "accepted; expected an error naming " << key;
        } catch (const input_error& error) {
            EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
        }
    };
    const auto lsn = make_lsn_model();
    parameter_set ramp = defaults_of(*lsn);
    ramp.set("fold_distance_rate", -0.01);  // R reaches 1 - 0.01 * 500 < 0
    expect_error(*lsn, ramp, "fold_distance_rate");

    const auto grazing = make_grazing_model();
    parameter_set window = defaults_of(*grazing);
    window.set("rolling_window_points", 600.0);  // 501 samples
    expect_error(*grazing, window, "rolling_window_points");
    parameter_set grid = defaults_of(*grazing);
    grid.set("sample_interval", 0.015);
    expect_error(*grazing, grid, "sample_interval");
    // A detrending kernel narrower than a sample leaves every indicator NaN.
    parameter_set narrow = defaults_of(*grazing);
    narrow.set("bandwidth", 1e-300);
    expect_error(*grazing, narrow, "bandwidth");
    parameter_set unused = narrow;
    unused.set("detrending", std::string("none"));
    EXPECT_NO_THROW(grazing->check(unused));
    parameter_set narrow_lowess = defaults_of(*grazing);
    narrow_lowess.set("detrending", std::string("lowess"));
    narrow_lowess.set("lowess_span", 1e-300);
    expect_error(*grazing, narrow_lowess, "lowess_span");
    narrow_lowess.set("lowess_span", 3.0 / 501);  // would fit through the series
    expect_error(*grazing, narrow_lowess, "lowess_span");
    narrow_lowess.set("lowess_span", 4.001 / 501);  // the ewstools fit needs 4 of 501 samples
    EXPECT_NO_THROW(grazing->check(narrow_lowess));
    narrow_lowess.set("indicator_convention", std::string("r"));  // r's needs 5
    expect_error(*grazing, narrow_lowess, "lowess_span");

    parameter_set beyond = defaults_of(*grazing);
    beyond.set("grazing_rate", 3.0);  // past the fold: no stable state to start from
    expect_error(*grazing, beyond, "grazing_rate");

    // An explicit step past its stability limit would blow up and count as a transition.
    const auto ou = make_ou_model();
    parameter_set stiff = defaults_of(*ou);
    stiff.set("relaxation_rate", 1000.0);  // 1000 x 0.01 = 10 >= 2
    expect_error(*ou, stiff, "time_step");
    parameter_set stiff_end = defaults_of(*ou);
    stiff_end.set("relaxation_rate_end", 250.0);  // stable at the start, not at the end
    expect_error(*ou, stiff_end, "time_step");
    parameter_set exact = stiff;
    exact.set("integrator", std::string("exact"));
    EXPECT_NO_THROW(ou->check(exact));

    const auto allee = make_allee_ibm_model();
    parameter_set decline = defaults_of(*allee);
    decline.set("extra_death_rate_slope", -1.0);
    expect_error(*allee, decline, "extra_death_rate_slope");
}

// A grid with more samples than a replicate can hold is refused by check(), whatever the
// model, with the count computed in floating point (1e303 samples are not cast to an integer).
TEST(regime_models, sample_counts_beyond_the_limit_are_refused_naming_the_grid) {
    const auto expect_sample_limit = [](const model& chosen, const parameter_set& values) {
        try {
            chosen.check(values);
            ADD_FAILURE() << chosen.name() << ": accepted; expected the sample limit";
        } catch (const input_error& error) {
            const std::string message = error.what();
            for (const char* part : {"duration", "sample_interval", "at most 1000000"}) {
                EXPECT_NE(message.find(part), std::string::npos) << message;
            }
        }
    };
    const auto allee = make_allee_ibm_model();
    for (const double interval : {1e-12, 1e-300, 5e-324}) {
        parameter_set fine = defaults_of(*allee);
        fine.set("sample_interval", interval);
        expect_sample_limit(*allee, fine);
    }

    // 1e10 steps pass the step limit, but 1e10 + 1 samples do not fit.
    const auto saddle_node = make_saddle_node_model();
    parameter_set long_run = defaults_of(*saddle_node);
    long_run.set("duration", 1e9);
    long_run.set("time_step", 0.1);
    long_run.set("sample_interval", 0.1);
    long_run.set("burn_in", 0.0);
    expect_sample_limit(*saddle_node, long_run);
    long_run.set("sample_interval", 1000.1);  // the message's offer: 999901 samples
    EXPECT_NO_THROW(saddle_node->check(long_run));

    // The limit itself: 10^6 samples are accepted, one more is not; predator_prey records
    // two components, allee_ibm has no time step.
    for (const auto& chosen :
         {make_grazing_model(), make_predator_prey_model(), make_allee_ibm_model()}) {
        parameter_set grid = defaults_of(*chosen);
        grid.set("sample_interval", 1.0);
        grid.set("duration", max_samples_per_member - 1);
        EXPECT_NO_THROW(chosen->check(grid)) << chosen->name();
        EXPECT_EQ(sample_count(grid), 1000000u);
        grid.set("duration", max_samples_per_member);
        expect_sample_limit(*chosen, grid);
    }
}

// Steps are counted over burn-in and the recorded run, and the message names both.
TEST(regime_models, step_counts_beyond_the_limit_name_duration_and_burn_in) {
    const auto grazing = make_grazing_model();
    parameter_set values = defaults_of(*grazing);
    values.set("time_step", 1e-7);
    values.set("sample_interval", 10.0);
    values.set("burn_in", 1e9);
    try {
        grazing->check(values);
        ADD_FAILURE() << "accepted 1e16 steps";
    } catch (const input_error& error) {
        const std::string message = error.what();
        for (const char* part : {"duration", "burn_in", "time_step", "at most 1e10"}) {
            EXPECT_NE(message.find(part), std::string::npos) << message;
        }
    }
}

struct outcome {
    int status = -1;
    std::string err;
};

outcome run_vigil(const fs::path& directory, const std::string& arguments) {
    const std::string command = "cd '" + directory.string() + "' && '" VIGIL_BINARY "' " +
                                arguments + " >stdout.txt 2>stderr.txt";
    const int raw = std::system(command.c_str());
    outcome result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream in(directory / "stderr.txt");
    std::ostringstream text;
    text << in.rdbuf();
    result.err = text.str();
    return result;
}

TEST(regime_cli, bad_parameters_exit_2_naming_the_key) {
    // Per process: several checkouts may run their suites at once.
    const fs::path directory =
        fs::temp_directory_path() / ("vigil_regime_cli_" + std::to_string(::getpid()));
    fs::remove_all(directory);
    fs::create_directories(directory);
    struct bad_case {
        std::string text;
        std::string key;
    };
    const std::vector<bad_case> cases = {
        {"model = \"grazing\"\nseed = 1\nreplicates = 2\n[parameters]\nnoise_intensity = -0.1\n",
         "noise_intensity"},
        {"model = \"lsn\"\nseed = 1\nreplicates = 2\n[parameters]\nfold_distance_rate = -1.0\n",
         "fold_distance_rate"},
        {"model = \"grazing\"\nseed = 1\nreplicates = 2\n[parameters]\nduration = 50\n"
         "rolling_window_points = 100\n",
         "rolling_window_points"},
        {"model = \"allee_ibm\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "extra_death_rate_slope = -1.0\n",
         "extra_death_rate_slope"},
        {"model = \"ou\"\nseed = 1\nreplicates = 3\n[parameters]\nduration = 100.0\n"
         "relaxation_rate = 1000.0\n",
         "relaxation rate 1000 x time_step = 10 must be < 2 for the euler_maruyama stepper"},
        {"model = \"grazing\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "grazing_rate_end = 2.0\nduration = 50.0\nburn_in = 5.0\nbandwidth = 1e-300\n",
         "bandwidth = 1e-300 spans 5.1e-299 of the 51 samples"},
        {"model = \"grazing\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "grazing_rate_end = 2.0\nduration = 50.0\nburn_in = 5.0\ndetrending = \"lowess\"\n"
         "lowess_span = 1e-300\n",
         "the smallest allowed is 0.0784313725490196"},
        // Sample counts a replicate cannot hold: refused before the journal is created.
        {"model = \"allee_ibm\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "sample_interval = 1e-12\n",
         "gives 1e+15 samples per member (duration / sample_interval + 1); at most 1000000 "
         "are allowed"},
        {"model = \"allee_ibm\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "duration = 1000000.0\nsample_interval = 1.0\n",
         "gives 1000001 samples per member"},
        {"model = \"allee_ibm\"\nseed = 1\nreplicates = 2\n[parameters]\n"
         "sample_interval = 1e-300\n",
         "gives 1e+303 samples per member (duration / sample_interval + 1); at most 1000000 "
         "are allowed (about 200 bytes of memory each per replicate): raise sample_interval to "
         "0.001000001001 or more or shorten duration"},
        {"model = \"saddle_node\"\nseed = 1\nreplicates = 2\n[parameters]\nduration = 1e9\n"
         "time_step = 0.1\nsample_interval = 0.1\nburn_in = 0.0\n",
         "raise sample_interval to 1000.1 or more (a whole multiple of time_step = 0.1) or "
         "shorten duration"},
    };
    for (const bad_case& bad : cases) {
        std::ofstream(directory / "bad.toml") << bad.text;
        const outcome run = run_vigil(directory, "run bad.toml -o bad.h5");
        EXPECT_EQ(run.status, 2) << bad.text;
        EXPECT_NE(run.err.find(bad.key), std::string::npos) << run.err;
        EXPECT_FALSE(fs::exists(directory / "bad.h5"));
        EXPECT_FALSE(fs::exists(directory / "bad.h5.partial"));
        EXPECT_FALSE(fs::exists(directory / "bad.h5.journal"));
    }
    fs::remove_all(directory);
}

std::vector<double> run_and_read(const scan_plan& plan, int threads, const std::string& path) {
    const model& chosen = find_model(plan.model_name);
    fs::remove(path);
    {
        result_writer writer(path, plan, chosen, "test");
        run_settings settings;
        settings.threads = threads;
        settings.block_replicates = 7;
        run_scan(plan, chosen, writer, settings);
        writer.finish();
    }
    const result_file file(path, false);
    std::vector<double> all;
    for (std::uint64_t p = 0; p < plan.points.size(); ++p) {
        for (const result_field& field : chosen.results()) {
            const auto row = file.results_of_point(field.name, p);
            all.insert(all.end(), row.begin(), row.end());
        }
    }
    fs::remove(path);
    return all;
}

TEST(regime_runner, results_are_bit_identical_for_one_and_two_threads) {
    h5::silence_library_errors();
    const std::vector<std::string> scans = {
        "model = \"grazing\"\nseed = 7\nreplicates = 24\n[parameters]\nduration = 80\n"
        "grazing_rate = 2.2\n[scan]\ngrazing_rate_end = [2.3, 2.9]\n",
        "model = \"allee_ibm\"\nseed = 7\nreplicates = 12\n[parameters]\nduration = 100\n"
        "extra_death_rate = 190\nextra_death_rate_slope = 0.2\n",
        "model = \"ou\"\nseed = 7\nreplicates = 12\n[parameters]\nduration = 50\n"
        "integrator = \"exact\"\ntime_step = 0.5\n",
    };
    for (const std::string& text : scans) {
        const scan_plan plan = parse_scan(text, "test.toml");
        const std::string stem =
            (fs::temp_directory_path() / ("regime_runner_" + std::to_string(::getpid()))).string();
        const auto one = run_and_read(plan, 1, stem + "_1.h5");
        const auto two = run_and_read(plan, 2, stem + "_2.h5");
        ASSERT_EQ(one.size(), two.size());
        for (std::size_t i = 0; i < one.size(); ++i) {
            ASSERT_TRUE(one[i] == two[i] || (std::isnan(one[i]) && std::isnan(two[i])))
                << plan.model_name << " value " << i;
        }
    }
}

TEST(regime_early_warning, whole_series_moments_by_hand) {
    const std::vector<double> series = {1, 2, 4, 3, 5};
    const series_moments m = moments_of(series);
    EXPECT_DOUBLE_EQ(m.mean, 3.0);
    EXPECT_DOUBLE_EQ(m.variance, 2.5);  // squares 4 + 1 + 1 + 0 + 4 = 10, over 4
    // Pearson of (1, 2, 4, 3) and (2, 4, 3, 5): means 2.5 and 3.5; cross 1.5 + 0.25 + 0.75 = 2.5
    // ... computed term by term: a = (-1.5, -0.5, 1.5, 0.5), b = (-1.5, 0.5, -0.5, 1.5).
    const double cross = 2.25 - 0.25 - 0.75 + 0.75;
    EXPECT_NEAR(m.lag1_autocorrelation, cross / std::sqrt(5.0 * 5.0), 1e-15);
}

TEST(regime_early_warning, short_series_give_nan_and_rising_variance_gives_positive_tau) {
    early_warning_settings settings;
    const std::vector<double> tiny = {1, 2, 3};
    for (const double tau : indicator_trends(tiny, 1.0, settings)) EXPECT_TRUE(std::isnan(tau));

    normal_source normals(random_stream(stream_key{11, 0, 0, 0}));
    std::vector<double> growing(400);
    for (std::size_t i = 0; i < growing.size(); ++i) {
        growing[i] = (1 + 0.01 * static_cast<double>(i)) * normals();
    }
    const auto trends = indicator_trends(growing, 1.0, settings);
    EXPECT_GT(trends[0], 0.8);  // variance
}

}  // namespace
}  // namespace vigil::regime_shifts

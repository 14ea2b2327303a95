// `vigil analyze FILE --plot DIR` and tools/plot_results.py: small scans of each model family
// are analysed and drawn, and every expected figure is a non-empty PNG; a file that is not a
// vigil result, a missing Python, existing figures and --no-store are refused cleanly. The
// drawing tests are skipped only where /usr/bin/python3 lacks matplotlib or h5py (CI has both).

#include "program_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::testing {
namespace {

class figures : public program_test {
protected:
    static bool python_can_plot() {
        return std::system("/usr/bin/python3 -c 'import matplotlib, h5py' >/dev/null 2>&1") == 0;
    }

    // Runs a shell command in the scratch directory, capturing status, stdout and stderr.
    outcome shell(const std::string& command) const {
        const std::string line =
            "cd '" + directory_.string() + "' && " + command + " >stdout.txt 2>stderr.txt";
        const int raw = std::system(line.c_str());
        outcome result;
        result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        result.out = slurp(path("stdout.txt"));
        result.err = slurp(path("stderr.txt"));
        return result;
    }

    bool is_png(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        char signature[8] = {};
        in.read(signature, sizeof signature);
        return in.good() && std::string(signature + 1, 3) == "PNG" &&
               fs::file_size(path(name)) > 5000;
    }

    // Runs `scan`, analyses it with --plot DIRECTORY and expects exactly the figures named.
    void run_and_plot(const std::string& stem, const std::string& scan,
                      const std::vector<std::string>& expected,
                      const std::string& directory = "figs") {
        write(stem + ".toml", scan);
        const auto run = vigil("run " + stem + ".toml --threads 2");
        ASSERT_EQ(run.status, 0) << run.err;
        const auto plotted = vigil("analyze " + stem + ".h5 --plot " + directory);
        ASSERT_EQ(plotted.status, 0) << plotted.err;
        for (const auto& name : expected) {
            const std::string file = directory + "/" + stem + "_" + name + ".png";
            EXPECT_TRUE(is_png(file)) << file << " missing or not a PNG; stderr: " << plotted.err;
            EXPECT_NE(plotted.err.find("wrote " + file), std::string::npos) << plotted.err;
        }
        std::size_t pngs = 0;
        for (const auto& entry : fs::directory_iterator(path(directory))) {
            pngs += entry.path().extension() == ".png" ? 1 : 0;
        }
        EXPECT_EQ(pngs, expected.size()) << "only the expected figures, no leftovers";
    }
};

const char* contact_scan = R"(model = "contact_sensing"
seed = 5
replicates = 40
trajectories = 1
[parameters]
receptors = 100
[scan]
contact_length_um = [1.0, 10.0, 60.0]
)";

const char* grazing_scan = R"(model = "grazing"
seed = 6
replicates = 12
trajectories = 1
[parameters]
duration = 120.0
burn_in = 10.0
time_step = 0.05
sample_interval = 1.0
[scan]
grazing_rate_end = [1.0, 2.8]
)";

const char* optimizer_scan = R"(model = "opposing_signals"
seed = 7
replicates = 3
trajectories = 1
[parameters]
steps = 150
[scan.zip]
optimizer = ["gd", "adam"]
learning_rate = [0.05, 0.01]
)";

TEST_F(figures, contact_sensing_figures_are_pngs) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    run_and_plot("contact", contact_scan, {"false_negative_rate", "position_error", "roc", "cell"});
}

TEST_F(figures, regime_shift_figures_are_pngs) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    run_and_plot("grazing", grazing_scan,
                 {"trajectories", "indicators", "tau_distributions", "roc", "theory_check"});
}

TEST_F(figures, opposing_signals_figures_are_pngs) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    run_and_plot("optimizers", optimizer_scan,
                 {"losses", "sharpness", "outlier_weight", "optimizers"});
}

// The rolling indicators a recorded regime-shift replicate keeps are those its stored tau come
// from, and recording them leaves the results bit-identical.
TEST_F(figures, regime_shift_trajectories_keep_rolling_indicators_and_results) {
    write("with.toml", grazing_scan);
    std::string without_text = grazing_scan;
    without_text.replace(without_text.find("trajectories = 1"), 16, "trajectories = 0");
    write("without.toml", without_text);
    ASSERT_EQ(vigil("run with.toml").status, 0);
    ASSERT_EQ(vigil("run without.toml").status, 0);
    const auto with = h5::open_file(path("with.h5"), false);
    const auto without = h5::open_file(path("without.h5"), false);
    const auto results_with = h5::open_group(with, "results");
    const auto results_without = h5::open_group(without, "results");
    for (const auto& name : h5::member_names(results_with)) {
        const auto a = h5::open_dataset(results_with, name);
        const auto b = h5::open_dataset(results_without, name);
        for (std::uint64_t point = 0; point < 2; ++point) {
            const auto row_a = h5::read_row(a, point);
            const auto row_b = h5::read_row(b, point);
            ASSERT_EQ(row_a.size(), row_b.size());
            for (std::size_t r = 0; r < row_a.size(); ++r) {
                if (std::isnan(row_a[r])) {
                    EXPECT_TRUE(std::isnan(row_b[r])) << name;
                } else {
                    EXPECT_EQ(row_a[r], row_b[r]) << name << " point " << point;
                }
            }
        }
    }
    const auto replicate = h5::open_group(with, "trajectories/point_1/replicate_0");
    const auto names = h5::member_names(replicate);
    for (const char* expected :
         {"time", "approach_control", "approach_biomass", "null_biomass", "approach_trend",
          "null_trend", "approach_rolling_variance", "null_rolling_autocorrelation"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    }
    // The rolling series cover the compared samples; the first window - 1 values are NaN and
    // the rest finite.
    const auto variance = h5::read_vector(replicate, "approach_rolling_variance");
    const auto trend = h5::read_vector(replicate, "approach_trend");
    EXPECT_EQ(variance.size(), trend.size());
    ASSERT_FALSE(variance.empty());
    EXPECT_TRUE(std::isnan(variance.front()));
    EXPECT_TRUE(std::isfinite(variance.back()));
}

TEST_F(figures, a_file_that_is_not_a_vigil_result_is_refused) {
    {
        const auto file = h5::create_file(path("plain.h5"));
        h5::write_vector(file, "numbers", std::vector<double>{1, 2, 3});
    }
    const auto refused = vigil("analyze plain.h5 --plot figs");
    EXPECT_EQ(refused.status, 2);
    EXPECT_NE(refused.err.find("plain.h5: not a vigil result file"), std::string::npos)
        << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_FALSE(fs::exists(path("figs")));

    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    const auto script =
        shell("/usr/bin/python3 '" VIGIL_SOURCE_DIR "/tools/plot_results.py' plain.h5 -o figs");
    EXPECT_EQ(script.status, 2);
    EXPECT_NE(script.err.find("plain.h5: not a vigil result file"), std::string::npos)
        << script.err;
    EXPECT_EQ(std::count(script.err.begin(), script.err.end(), '\n'), 1) << script.err;
    EXPECT_FALSE(fs::exists(path("figs")));
}

TEST_F(figures, missing_python_is_reported_before_anything_is_done) {
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    const auto refused =
        vigil("analyze contact.h5 --plot figs", "VIGIL_PYTHON=/nonexistent/python3");
    EXPECT_EQ(refused.status, 1);
    EXPECT_NE(refused.err.find("/nonexistent/python3 is missing"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("vigil analyze runs without --plot"), std::string::npos)
        << refused.err;
    EXPECT_TRUE(refused.out.empty()) << "nothing analysed: " << refused.out;
    EXPECT_FALSE(fs::exists(path("figs")));
    const auto file = h5::open_file(path("contact.h5"), false);
    EXPECT_FALSE(h5::exists(file, "analysis"));

    const auto plain = vigil("analyze contact.h5", "VIGIL_PYTHON=/nonexistent/python3");
    EXPECT_EQ(plain.status, 0) << "analyze without --plot needs no Python: " << plain.err;
}

TEST_F(figures, existing_figures_and_no_store_are_refused) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);

    const auto no_store = vigil("analyze contact.h5 --no-store --plot figs");
    EXPECT_EQ(no_store.status, 2);
    EXPECT_NE(no_store.err.find("drop --no-store"), std::string::npos) << no_store.err;

    ASSERT_EQ(vigil("analyze contact.h5 --plot figs").status, 0);
    const auto roc_time = fs::last_write_time(path("figs/contact_roc.png"));
    const auto again = vigil("analyze contact.h5 --plot figs");
    EXPECT_EQ(again.status, 2);
    EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
    EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;
    EXPECT_TRUE(again.out.empty()) << "refused before the analysis: " << again.out;
    EXPECT_EQ(fs::last_write_time(path("figs/contact_roc.png")), roc_time);

    const auto replaced = vigil("analyze contact.h5 --plot figs --overwrite");
    EXPECT_EQ(replaced.status, 0) << replaced.err;
    EXPECT_TRUE(is_png("figs/contact_roc.png"));

    // A directory where a figure goes is refused before the analysis, even with --overwrite.
    fs::remove(path("figs/contact_roc.png"));
    fs::create_directory(path("figs/contact_roc.png"));
    const auto blocked = vigil("analyze contact.h5 --plot figs --overwrite");
    EXPECT_EQ(blocked.status, 2) << blocked.err;
    EXPECT_NE(blocked.err.find("contact_roc.png: exists and is not a file"), std::string::npos)
        << blocked.err;
    EXPECT_TRUE(blocked.out.empty()) << "refused before the analysis: " << blocked.out;

    write("figs_file", "not a directory");
    const auto not_directory = vigil("analyze contact.h5 --plot figs_file");
    EXPECT_EQ(not_directory.status, 2);
    EXPECT_NE(not_directory.err.find("not a directory"), std::string::npos) << not_directory.err;
}

// Every line the plotting script reports is vigil's: no Python warning or traceback.
bool only_vigil_reports(const std::string& err) {
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("vigil: wrote ") && !line.starts_with("vigil: skipped ") &&
            !line.starts_with("vigil: note: ")) {
            return false;
        }
    }
    return true;
}

TEST_F(figures, a_shard_file_is_refused_with_a_pointer_to_merge) {
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml --shard 1/2").status, 0);
    for (const auto* options : {"", " --plot figs"}) {
        const auto refused = vigil(std::string("analyze contact.shard-1-of-2.h5") + options);
        EXPECT_EQ(refused.status, 2) << options;
        EXPECT_NE(refused.err.find("holds shard 1/2"), std::string::npos) << refused.err;
        EXPECT_NE(refused.err.find("vigil merge"), std::string::npos) << refused.err;
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
        EXPECT_TRUE(refused.out.empty()) << refused.out;
    }
    EXPECT_FALSE(fs::exists(path("figs")));
    const auto file = h5::open_file(path("contact.shard-1-of-2.h5"), false);
    EXPECT_FALSE(h5::exists(file, "analysis"));

    // The script run by hand refuses it too, instead of drawing and then advising analyze.
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    const auto script = shell("/usr/bin/python3 '" VIGIL_SOURCE_DIR
                              "/tools/plot_results.py' contact.shard-1-of-2.h5 -o figs");
    EXPECT_EQ(script.status, 2) << script.err;
    EXPECT_NE(script.err.find("contact.shard-1-of-2.h5: holds shard 1/2"), std::string::npos)
        << script.err;
    EXPECT_NE(script.err.find("`vigil merge`"), std::string::npos) << script.err;
    EXPECT_EQ(script.err.find("vigil analyze"), std::string::npos) << script.err;
    EXPECT_EQ(std::count(script.err.begin(), script.err.end(), '\n'), 1) << script.err;
    EXPECT_FALSE(fs::exists(path("figs")));
}

// The script run by hand with a replicate whose trajectories are not stored says which are,
// instead of failing in a figure.
TEST_F(figures, the_script_refuses_a_replicate_without_trajectories) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    const auto refused = shell("/usr/bin/python3 '" VIGIL_SOURCE_DIR
                               "/tools/plot_results.py' contact.h5 -o figs --replicate 5");
    EXPECT_EQ(refused.status, 2) << refused.err;
    EXPECT_NE(refused.err.find("--replicate 5: contact.h5 holds trajectories of replicate 0"),
              std::string::npos)
        << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_FALSE(fs::exists(path("figs")));
}

// A run killed before its end leaves only a journal: analyze points to it.
TEST_F(figures, an_unfinished_run_is_pointed_to_its_journal) {
    write("contact.h5.journal", "an unfinished run");
    for (const auto* options : {"", " --plot figs"}) {
        const auto refused = vigil(std::string("analyze contact.h5") + options);
        EXPECT_EQ(refused.status, 2) << options;
        EXPECT_NE(refused.err.find("contact.h5.journal holds its unfinished run"),
                  std::string::npos)
            << refused.err;
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    }
    EXPECT_FALSE(fs::exists(path("figs")));
}

// A directory that cannot be created (below a file, or where nobody may write) is refused
// before the analysis, in one line, instead of a Python traceback after it.
TEST_F(figures, a_directory_that_cannot_be_made_is_refused_before_the_analysis) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    for (const auto* directory : {"contact.toml/figs", "/proc/vigil-figures"}) {
        const auto refused = vigil(std::string("analyze contact.h5 --plot ") + directory);
        EXPECT_EQ(refused.status, 2) << directory << ": " << refused.err;
        EXPECT_NE(refused.err.find(std::string("--plot ") + directory), std::string::npos)
            << refused.err;
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
        EXPECT_TRUE(refused.out.empty()) << "refused before the analysis: " << refused.out;
    }
    const auto file = h5::open_file(path("contact.h5"), false);
    EXPECT_FALSE(h5::exists(file, "analysis"));
}

// Names with spaces, quotes or a leading '-' reach the script intact.
TEST_F(figures, odd_file_and_directory_names_are_passed_intact) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml -o '-it'\\''s \"a\" run.h5'").status, 0);
    const auto plotted = vigil("analyze './-it'\\''s \"a\" run.h5' --plot '-my \"figs\"'");
    ASSERT_EQ(plotted.status, 0) << plotted.err;
    EXPECT_TRUE(is_png("-my \"figs\"/-it's \"a\" run_roc.png")) << plotted.err;
    EXPECT_TRUE(only_vigil_reports(plotted.err)) << plotted.err;
}

// A regime-shift scan whose runs all start beyond the threshold records empty trajectories:
// the figures drawn from them are skipped with a note, the others drawn, exit 0.
TEST_F(figures, runs_that_tip_at_once_skip_the_trajectory_figures) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    std::string scan = grazing_scan;
    scan.replace(scan.find("[scan]"), 6, "transition_threshold = 50.0\n[scan]");
    write("tipped.toml", scan);
    ASSERT_EQ(vigil("run tipped.toml").status, 0);
    const auto plotted = vigil("analyze tipped.h5 --plot figs");
    ASSERT_EQ(plotted.status, 0) << plotted.err;
    EXPECT_NE(plotted.err.find("skipped figs/tipped_trajectories.png"), std::string::npos)
        << plotted.err;
    EXPECT_NE(plotted.err.find("skipped figs/tipped_indicators.png"), std::string::npos)
        << plotted.err;
    for (const auto* name : {"tau_distributions", "roc", "theory_check"}) {
        EXPECT_TRUE(is_png(std::string("figs/tipped_") + name + ".png")) << name;
    }
    EXPECT_TRUE(only_vigil_reports(plotted.err)) << plotted.err;
}

// One replicate at one point: every figure is drawn, without Python's warnings about empty
// or NaN data reaching the user.
TEST_F(figures, one_point_of_one_replicate_draws_quietly) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("one.toml", R"(model = "contact_sensing"
seed = 5
replicates = 1
trajectories = 1
[parameters]
receptors = 100
contact_length_um = 2.0
)");
    ASSERT_EQ(vigil("run one.toml").status, 0);
    const auto plotted = vigil("analyze one.h5 --plot figs");
    ASSERT_EQ(plotted.status, 0) << plotted.err;
    EXPECT_TRUE(is_png("figs/one_false_negative_rate.png"));
    EXPECT_TRUE(only_vigil_reports(plotted.err)) << plotted.err;
}

// A stand-in for Python: a shell script in the scratch directory.
class stand_in_python : public figures {
protected:
    void write_interpreter(const std::string& name, const std::string& body) const {
        write(name, "#!/bin/sh\n" + body);
        fs::permissions(path(name), fs::perms::owner_all, fs::perm_options::add);
    }
};

// A program that exits 0 without doing anything (e.g. /bin/true) is no plotting Python: the
// probe must answer. Refused before anything is analysed or written, by analyze and by ews.
TEST_F(stand_in_python, an_interpreter_that_only_exits_0_is_refused) {
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    const auto refused = vigil("analyze contact.h5 --plot figs", "VIGIL_PYTHON=/bin/true");
    EXPECT_EQ(refused.status, 1);
    EXPECT_NE(refused.err.find("/bin/true is missing or cannot import matplotlib and h5py: it "
                               "exited 0 without running the check"),
              std::string::npos)
        << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_TRUE(refused.out.empty()) << "nothing analysed: " << refused.out;
    EXPECT_FALSE(fs::exists(path("figs")));
    const auto file = h5::open_file(path("contact.h5"), false);
    EXPECT_FALSE(h5::exists(file, "analysis"));

    std::string series = "time,value\n";
    for (int t = 0; t < 50; ++t) series += std::to_string(t) + "," + std::to_string(t % 7) + "\n";
    write("series.csv", series);
    const auto ews = vigil("ews series.csv --plot series.png", "VIGIL_PYTHON=/bin/true");
    EXPECT_EQ(ews.status, 1);
    EXPECT_NE(ews.err.find("/bin/true is missing or cannot import"), std::string::npos) << ews.err;
    EXPECT_EQ(ews.err.find("exit 0"), std::string::npos) << ews.err;
    EXPECT_FALSE(fs::exists(path("series.png")));
}

// An interpreter killed by a signal is reported so, not as an exit status.
TEST_F(stand_in_python, an_interpreter_killed_by_a_signal_is_named) {
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    write_interpreter("crash.sh", "kill -SEGV $$\n");
    const auto probed = vigil("analyze contact.h5 --plot figs", "VIGIL_PYTHON=./crash.sh");
    EXPECT_EQ(probed.status, 1);
    EXPECT_NE(probed.err.find("./crash.sh is missing or cannot import matplotlib and h5py: "
                              "killed by signal 11 (SIGSEGV)"),
              std::string::npos)
        << probed.err;
    EXPECT_EQ(probed.err.find("exit 1"), std::string::npos) << probed.err;

    // Killed while drawing, after the probe and the check passed.
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write_interpreter("crash_drawing.sh",
                      "case \"$*\" in *--check*) ;; *--output*) kill -SEGV $$ ;; esac\n"
                      "exec /usr/bin/python3 \"$@\"\n");
    const auto drawing = vigil("analyze contact.h5 --plot figs", "VIGIL_PYTHON=./crash_drawing.sh");
    EXPECT_EQ(drawing.status, 1);
    EXPECT_NE(drawing.err.find("the plotting script failed on contact.h5: killed by signal 11 "
                               "(SIGSEGV); the analysis is stored in the file"),
              std::string::npos)
        << drawing.err;
}

// An interpreter that passes the checks but then writes no figure, or reports a figure that
// is not a PNG, fails with exit status 1 instead of a silent success.
TEST_F(stand_in_python, figures_the_script_did_not_write_are_a_failure) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    write_interpreter("idle.sh",
                      "case \"$*\" in *--check*) ;; *--output*) cat >/dev/null; exit 0 ;; esac\n"
                      "exec /usr/bin/python3 \"$@\"\n");
    const auto idle = vigil("analyze contact.h5 --plot figs", "VIGIL_PYTHON=./idle.sh");
    EXPECT_EQ(idle.status, 1);
    EXPECT_NE(idle.err.find("the plotting script (./idle.sh) exited 0 but wrote no figure of "
                            "contact.h5"),
              std::string::npos)
        << idle.err;

    // Python draws, then every figure is emptied behind its back.
    write_interpreter("emptying.sh",
                      "/usr/bin/python3 \"$@\"; status=$?\n"
                      "for figure in figs/*.png; do [ -f \"$figure\" ] && : >\"$figure\"; done\n"
                      "exit $status\n");
    const auto emptied =
        vigil("analyze contact.h5 --plot figs --overwrite", "VIGIL_PYTHON=./emptying.sh");
    EXPECT_EQ(emptied.status, 1);
    EXPECT_NE(emptied.err.find("reported writing figs/contact_"), std::string::npos) << emptied.err;
    EXPECT_NE(emptied.err.find("but it is empty"), std::string::npos) << emptied.err;
}

// The panels across a scan of two axes draw one line per value of the other axis, against the
// primary one; the script's --verbose counts the measured and theory lines of each panel.
TEST_F(figures, scans_of_two_axes_draw_a_line_per_value_of_the_other_axis) {
    if (!python_can_plot()) GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    const auto replaced = [](std::string text, const std::string& from, const std::string& to) {
        return text.replace(text.find(from), from.size(), to);
    };
    run_and_plot("contact2",
                 replaced(contact_scan, "contact_length_um = [1.0, 10.0, 60.0]",
                          "contact_length_um = [1.0, 5.0]\n"
                          "interferer_binding_rate = { logspace = [1.0, 30.0, 3] }"),
                 {"false_negative_rate", "position_error", "roc", "cell"}, "contact_figures");
    run_and_plot("grazing2",
                 replaced(grazing_scan, "[scan]\n", "[scan]\nnoise_intensity = [0.05, 0.1]\n"),
                 {"trajectories", "indicators", "tau_distributions", "roc", "theory_check"},
                 "grazing_figures");
    run_and_plot("optimizers2", replaced(optimizer_scan, "[scan.zip]", "[scan]"),
                 {"losses", "sharpness", "outlier_weight", "optimizers"}, "optimizer_figures");
    // A one-axis scan stays one line.
    write("contact.toml", contact_scan);
    ASSERT_EQ(vigil("run contact.toml").status, 0);
    ASSERT_EQ(vigil("analyze contact.h5").status, 0);

    const auto count = [&](const std::string& file) {
        const auto drawn = shell("/usr/bin/python3 '" VIGIL_SOURCE_DIR
                                 "/tools/plot_results.py' --verbose -o counted --overwrite " +
                                 file);
        EXPECT_EQ(drawn.status, 0) << drawn.err;
        return drawn.err;
    };
    const std::string contact_lines = count("contact2.h5");
    // Three binding rates: three measured lines and three (distinct) theory lines.
    EXPECT_NE(contact_lines.find("false_negative_rate \"linear scale\": 3 measured, 3 theory"),
              std::string::npos)
        << contact_lines;
    EXPECT_NE(contact_lines.find("false_negative_rate \"log scale\": 3 measured, 3 theory"),
              std::string::npos)
        << contact_lines;
    // The receptor spacing, the same along every line, is drawn once.
    EXPECT_NE(contact_lines.find("position_error \"contact centre\": 3 measured, 1 theory"),
              std::string::npos)
        << contact_lines;
    const std::string grazing_lines = count("grazing2.h5");
    // Two noise intensities, two indicators each; one bifurcation line.
    EXPECT_NE(grazing_lines.find("roc \"AUC across the scan\": 4 measured, 1 theory"),
              std::string::npos)
        << grazing_lines;
    EXPECT_NE(grazing_lines.find("theory_check \"lag-1 autocorrelation\": 2 measured"),
              std::string::npos)
        << grazing_lines;
    const std::string optimizer_lines = count("optimizers2.h5");
    // Two optimisers; 2/η once, and the gradient-flow sharpness (the same for both) once.
    EXPECT_NE(optimizer_lines.find("sharpness \"long run, across the scan\": 2 measured, 2 theory"),
              std::string::npos)
        << optimizer_lines;
    const std::string single_lines = count("contact.h5");
    EXPECT_NE(single_lines.find("false_negative_rate \"linear scale\": 1 measured, 1 theory"),
              std::string::npos)
        << single_lines;
}

}  // namespace
}  // namespace vigil::testing

// End-to-end tests of the `vigil` program: each test runs the real binary in a scratch
// directory and reads what it wrote back through HDF5.

#include "engine/hdf5.hpp"
#include "engine/result_file.hpp"
#include "program_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil {
namespace {

namespace fs = std::filesystem;
using testing::outcome;

using cli = testing::program_test;

const std::string small_scan = R"(# a small scan for the end-to-end tests
model = "contact_sensing"
seed = 42
replicates = 300
trajectories = 1

[parameters]
receptors = 100
radius_um = 5.0
observation_time = 2.0

[scan]
contact_length_um = [1.0, 8.0, 20.0]
)";

TEST_F(cli, run_writes_a_self_describing_complete_file) {
    write("small.toml", small_scan);
    const auto run = vigil("run small.toml -o small.h5");
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_TRUE(fs::exists(path("small.h5")));
    EXPECT_FALSE(fs::exists(path("small.h5.partial")));

    const result_file file(path("small.h5"), false);
    EXPECT_TRUE(file.complete());
    EXPECT_EQ(file.model_name(), "contact_sensing");
    EXPECT_EQ(file.seed(), 42u);
    EXPECT_EQ(file.scan_text(), small_scan);
    EXPECT_EQ(file.scanned_names(), std::vector<std::string>{"contact_length_um"});
    EXPECT_FALSE(file.attribute("git_commit").empty());
    EXPECT_FALSE(file.attribute("hdf5_version").empty());
    EXPECT_NE(file.attribute("command_line").find("run small.toml"), std::string::npos);

    const auto h5file = h5::open_file(path("small.h5"), false);
    const auto parameters = h5::open_group(h5file, "parameters");
    EXPECT_EQ(h5::read_string_attribute(h5::open_dataset(parameters, "contact_length_um"), "unit"),
              "um");
    const auto results = h5::open_group(h5file, "results");
    const auto statistic = h5::open_dataset(results, "glrt_statistic");
    EXPECT_EQ(h5::dimensions(statistic), (std::vector<std::uint64_t>{3, 300}));
    for (const double value : file.results_of_point("glrt_statistic", 2)) {
        ASSERT_TRUE(std::isfinite(value));
        ASSERT_GE(value, 0.0);
    }
    EXPECT_TRUE(h5::exists(h5file, "trajectories/point_0/replicate_0/log_likelihood_ratio"));
}

// The scan file is never the output, however -o spells it (the newcomer review's data loss).
TEST_F(cli, an_output_that_is_the_scan_file_is_refused_in_any_spelling) {
    write("small.toml", small_scan);
    fs::create_directories(path("sub"));
    fs::create_symlink(path("small.toml"), path("link.toml"));
    for (const auto* arguments : {"run small.toml -o ./small.toml --overwrite",
                                  "run ./small.toml -o small.toml --overwrite",
                                  "run small.toml -o sub/../small.toml --overwrite",
                                  "run small.toml -o link.toml --overwrite"}) {
        const auto result = vigil(arguments);
        EXPECT_EQ(result.status, 2) << arguments << "\n" << result.err;
        EXPECT_NE(result.err.find("would replace the scan file"), std::string::npos)
            << arguments << "\n"
            << result.err;
        EXPECT_EQ(slurp(path("small.toml")), small_scan) << arguments;
    }
}

TEST_F(cli, results_are_bit_identical_for_one_two_and_four_threads) {
    write("small.toml", small_scan);
    std::vector<std::vector<double>> runs;
    for (const int threads : {1, 2, 4}) {
        const std::string out = "t" + std::to_string(threads) + ".h5";
        ASSERT_EQ(
            vigil("run small.toml --block 37 --threads " + std::to_string(threads) + " -o " + out)
                .status,
            0);
        const result_file file(path(out), false);
        std::vector<double> all;
        for (const auto& field : file.result_names()) {
            for (std::uint64_t p = 0; p < 3; ++p) {
                const auto row = file.results_of_point(field, p);
                all.insert(all.end(), row.begin(), row.end());
            }
        }
        runs.push_back(all);
    }
    EXPECT_EQ(runs[0], runs[1]);
    EXPECT_EQ(runs[0], runs[2]);
}

TEST_F(cli, analyze_prints_a_table_and_stores_the_analysis) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    const auto table = vigil("analyze small.h5");
    ASSERT_EQ(table.status, 0) << table.err;
    for (const auto* column : {"contact_length_um", "p_fn_at_fp", "auc", "min_mean_error",
                               "rms_centre_error_spacings"}) {
        EXPECT_NE(table.out.find(column), std::string::npos) << column;
    }
    {
        const auto h5file = h5::open_file(path("small.h5"), false);
        EXPECT_TRUE(h5::exists(h5file, "analysis/p_fn_at_fp"));
        EXPECT_TRUE(h5::exists(h5file, "analysis/p_fn_at_fp_lower"));
    }

    const auto csv = vigil("analyze small.h5 --format csv --fp-rate 0.1");
    ASSERT_EQ(csv.status, 0) << csv.err;
    const auto header = csv.out.substr(0, csv.out.find('\n'));
    for (const auto* column : {"contact_length_um", "p_fn_at_fp", "auc", "min_mean_error",
                               "rms_centre_error_spacings", "rms_width_error_spacings"}) {
        EXPECT_NE(header.find(column), std::string::npos) << column;
    }

    const auto json = vigil("analyze small.h5 --format json");
    ASSERT_EQ(json.status, 0) << json.err;
    const auto document = nlohmann::json::parse(json.out);
    ASSERT_EQ(document["points"].size(), 3u);
    EXPECT_TRUE(document["points"][0].contains("auc"));
}

// Scan points must stay apart in what analyze prints: CSV gives each parameter exactly (the
// shortest text that reads back as the same double); the table keeps three digits unless two
// points would share a label, and writes 1000 as 1000.
TEST_F(cli, analyze_labels_every_scan_point_distinctly) {
    write("close.toml", R"(model = "contact_sensing"
seed = 3
replicates = 20
[parameters]
receptors = 50
[scan]
contact_length_um = [1.0001, 1.0002, 3.1072325059538586]
observation_time = [1000.0]
)");
    ASSERT_EQ(vigil("run close.toml").status, 0);
    const auto csv = vigil("analyze close.h5 --format csv --no-store");
    ASSERT_EQ(csv.status, 0) << csv.err;
    for (const auto* row : {"\n1.0001,1000,", "\n1.0002,1000,", "\n3.1072325059538586,1000,"}) {
        EXPECT_NE(csv.out.find(row), std::string::npos) << row << " in\n" << csv.out;
    }
    const auto table = vigil("analyze close.h5 --no-store");
    ASSERT_EQ(table.status, 0) << table.err;
    for (const auto* label : {" 1.0001 ", " 1.0002 ", " 1000 "}) {
        EXPECT_NE(table.out.find(label), std::string::npos) << label << " in\n" << table.out;
    }
    EXPECT_EQ(table.out.find("e+03"), std::string::npos) << table.out;
}

// A full disk while /analysis is stored, with a file-size limit standing in for it (writes past
// the limit fail with EFBIG): whether the copy or the HDF5 writes into it hit the limit, the
// finished file stays byte for byte as it was, no scratch copy is left, and the cause is named.
TEST_F(cli, a_full_disk_while_storing_the_analysis_leaves_the_file_unchanged) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    const std::string before = slurp(path("small.h5"));
    // /bin/sh counts `ulimit -f` in 512-byte blocks (POSIX). Half the file: the copy fails; a
    // few blocks more than the file: the copy fits and the HDF5 writes into it fail.
    const auto blocks = fs::file_size(path("small.h5")) / 512;
    for (const auto limit : {blocks / 2, blocks + 4}) {
        const auto full =
            vigil("analyze small.h5", "", "trap '' XFSZ; ulimit -f " + std::to_string(limit) + ";");
        EXPECT_EQ(full.status, 1) << limit << " blocks: " << full.err;
        EXPECT_NE(full.err.find("File too large"), std::string::npos) << full.err;
        EXPECT_NE(full.err.find(limit > blocks ? "HDF5: cannot" : "cannot write"),
                  std::string::npos)
            << full.err;
        EXPECT_NE(full.err.find("the file is unchanged"), std::string::npos) << full.err;
        EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;
        EXPECT_NE(full.out.find("p_fn_at_fp"), std::string::npos) << "the table is printed";
        EXPECT_TRUE(slurp(path("small.h5")) == before) << limit << " blocks: the file changed";
        EXPECT_FALSE(fs::exists(path("small.h5.analysis.partial")));
    }
    ASSERT_EQ(vigil("analyze small.h5").status, 0);
    const auto h5file = h5::open_file(path("small.h5"), false);
    EXPECT_TRUE(h5::exists(h5file, "analysis/p_fn_at_fp"));
}

// Through a symbolic link the analysis goes into the file the link names, stored beside it; the
// link stays a link.
TEST_F(cli, analyze_through_a_symbolic_link_stores_into_the_file_it_names) {
    write("small.toml", small_scan);
    fs::create_directory(path("store"));
    ASSERT_EQ(vigil("run small.toml -o store/target.h5").status, 0);
    fs::create_symlink("store/target.h5", path("link.h5"));

    const auto analyze = vigil("analyze link.h5 --format csv");
    ASSERT_EQ(analyze.status, 0) << analyze.err;
    EXPECT_TRUE(fs::is_symlink(path("link.h5")));
    EXPECT_EQ(fs::read_symlink(path("link.h5")), "store/target.h5");
    EXPECT_FALSE(fs::exists(path("link.h5.analysis.partial")));
    EXPECT_FALSE(fs::exists(path("store/target.h5.analysis.partial")));
    const auto h5file = h5::open_file(path("store/target.h5"), false);
    EXPECT_TRUE(h5::exists(h5file, "analysis/auc"));
}

// The analysed copy keeps the file's permission bits, whatever the umask would give it.
TEST_F(cli, analyze_keeps_the_permission_bits_of_the_file) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    for (const auto mode : {fs::perms{0664}, fs::perms{0666}, fs::perms{0640}}) {
        fs::permissions(path("small.h5"), mode);
        const auto analyze = vigil("analyze small.h5 --format csv", "", "umask 022;");
        ASSERT_EQ(analyze.status, 0) << analyze.err;
        EXPECT_EQ(fs::status(path("small.h5")).permissions(), mode);
    }
}

// A second analyze of a file that another is storing into stops at once (the test holds the
// store's lock as a running analyze would) and touches neither the file nor the other's copy.
// A copy that nobody holds, left by a killed analyze, is replaced.
TEST_F(cli, a_second_analyze_storing_into_the_same_file_is_refused) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    const std::string before = slurp(path("small.h5"));
    write("small.h5.analysis.partial", "a store in progress");

    const int held = ::open(path("small.h5.analysis.partial").c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(held, 0);
    ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
    const auto second = vigil("analyze small.h5");
    EXPECT_EQ(second.status, 2) << second.err;
    EXPECT_EQ(second.err, "vigil: error: small.h5: another vigil analyze is storing into it now\n");
    EXPECT_TRUE(slurp(path("small.h5")) == before) << "the file changed";
    EXPECT_EQ(slurp(path("small.h5.analysis.partial")), "a store in progress");
    ::close(held);

    const auto after_a_kill = vigil("analyze small.h5 --format csv");
    ASSERT_EQ(after_a_kill.status, 0) << after_a_kill.err;
    EXPECT_FALSE(fs::exists(path("small.h5.analysis.partial")));
    const auto h5file = h5::open_file(path("small.h5"), false);
    EXPECT_TRUE(h5::exists(h5file, "analysis/auc"));
}

// Older versions built /analysis in place under "analysis.incomplete"; one they left behind
// must not stop the file from being analysed again.
TEST_F(cli, a_leftover_scratch_analysis_group_is_replaced) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    {
        const auto h5file = h5::open_file(path("small.h5"), true);
        h5::create_group(h5file, "analysis.incomplete");
    }
    const auto analyze = vigil("analyze small.h5 --format csv");
    ASSERT_EQ(analyze.status, 0) << analyze.err;
    const auto h5file = h5::open_file(path("small.h5"), false);
    EXPECT_FALSE(h5::exists(h5file, "analysis.incomplete"));
    EXPECT_TRUE(h5::exists(h5file, "analysis/auc"));
}

TEST_F(cli, info_version_help_and_models) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml").status, 0);
    const auto info = vigil("info small.h5");
    EXPECT_EQ(info.status, 0);
    EXPECT_NE(info.out.find("complete"), std::string::npos);
    EXPECT_NE(info.out.find("100.0%"), std::string::npos);
    // Diverged training runs have NaN results but are done: a finished file is counted whole.
    write("diverging.toml", R"(model = "opposing_signals"
seed = 1
replicates = 2
[parameters]
steps = 200
[scan]
learning_rate = [0.01, 1000.0]
)");
    ASSERT_EQ(vigil("run diverging.toml").status, 0);
    EXPECT_NE(vigil("info diverging.h5").out.find("4 of 4 done (100.0%)"), std::string::npos);
    EXPECT_EQ(vigil("--version").status, 0);
    EXPECT_EQ(vigil("run --help").status, 0);
    const auto models = vigil("models contact_sensing");
    EXPECT_EQ(models.status, 0);
    EXPECT_NE(models.out.find("interferer_unbinding_rate"), std::string::npos);
}

struct bad_scan {
    std::string name;
    std::string text;
    std::string must_mention;
};

TEST_F(cli, bad_input_exits_2_names_the_key_and_leaves_no_file) {
    const std::string head = "model = \"contact_sensing\"\nseed = 1\nreplicates = 10\n";
    const std::vector<bad_scan> cases = {
        {"unknown key", head + "[parameters]\nreceptor_count = 3\n", "receptor_count"},
        {"wrong type", head + "[parameters]\nradius_um = \"ten\"\n", "radius_um"},
        {"negative rate", head + "[parameters]\nephrin_binding_rate = -1.0\n",
         "ephrin_binding_rate"},
        {"zero receptors", head + "[parameters]\nreceptors = 0\n", "receptors"},
        {"empty scan", head + "[scan]\ncontact_length_um = []\n", "contact_length_um"},
        {"nan", head + "[parameters]\nobservation_time = nan\n", "observation_time"},
        {"wide contact", head + "[parameters]\ncontact_length_um = 100.0\n", "contact_length_um"},
        {"unknown model", "model = \"x\"\nseed = 1\nreplicates = 1\n", "model"},
        {"toml syntax", head + "[parameters\n", "bad.toml:4"},
    };
    for (const auto& bad : cases) {
        write("bad.toml", bad.text);
        const auto run = vigil("run bad.toml");
        EXPECT_EQ(run.status, 2) << bad.name;
        EXPECT_NE(run.err.find(bad.must_mention), std::string::npos) << bad.name << ": " << run.err;
        EXPECT_NE(run.err.find("bad.toml"), std::string::npos) << bad.name << ": " << run.err;
        EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
        EXPECT_TRUE(only_inputs_left()) << bad.name;
    }
    EXPECT_EQ(vigil("run missing.toml").status, 2);
    EXPECT_EQ(vigil("run").status, 2);
    EXPECT_EQ(vigil("frobnicate").status, 2);
    EXPECT_TRUE(only_inputs_left());
}

// Faults a newcomer found by trying odd inputs; each stays here as a test.
TEST_F(cli, odd_inputs_found_by_review_exit_2_with_one_line) {
    const std::string head = "model = \"contact_sensing\"\nseed = 1\nreplicates = 3\n";
    write("ok.toml", head);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"run ok.toml --threads 100000", "--threads"},
        {"run ok.toml --block 0", "--block"},
        {"run ok.toml -o ok.toml --overwrite", "scan file"},
        {"run ok.toml -o ''", "file name"},
        // An empty --plot read as "no figures": exit 0 and nothing drawn.
        {"analyze ok.toml --plot ''", "--plot: the figures need a directory name"},
        {"run ok.toml -o adir", "directory"},
        {"run ok.toml -o adir/ --overwrite", "file name"},
        {"run adir", "is a directory"},
        {"bogus", "unknown command"},
        {"analyze ok.toml --bootstrap 1", "--bootstrap"},
        {"analyze ok.toml --fp-rate 1.5", "--fp-rate"},
    };
    fs::create_directory(path("adir"));
    for (const auto& [arguments, mention] : cases) {
        const auto run = vigil(arguments);
        EXPECT_EQ(run.status, 2) << arguments << ": " << run.err;
        EXPECT_NE(run.err.find(mention), std::string::npos) << arguments << ": " << run.err;
        EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    }
    const std::string axis = "{ linspace = [1.0, 2.0, 65536] }\n";
    const std::vector<std::pair<std::string, std::string>> scans = {
        {"[scan]\nephrin_binding_rate = " + axis + "interferer_binding_rate = " + axis +
             "ephrin_unbinding_rate = " + axis + "interferer_unbinding_rate = " + axis,
         "more than"},
        {"[parameters]\nobservation_time = 1e300\n", "observation_time"},
        {"[parameters]\ninterferer_binding_rate = 1e6\nobservation_time = 1e4\n", "too much work"},
        {"title = 42\n", "title"},
        {"trajectories = 1000000000000\n", "trajectories: 1000000000000 is more than replicates"},
    };
    for (const auto& [text, mention] : scans) {
        write("odd.toml", head + text);
        const auto run = vigil("run odd.toml");
        EXPECT_EQ(run.status, 2) << text << ": " << run.err;
        EXPECT_NE(run.err.find(mention), std::string::npos) << text << ": " << run.err;
    }
    EXPECT_TRUE(only_inputs_left());
}

TEST_F(cli, the_default_contact_is_recorded_in_the_file) {
    write("plain.toml", "model = \"contact_sensing\"\nseed = 1\nreplicates = 3\n");
    ASSERT_EQ(vigil("run plain.toml").status, 0);
    const result_file file(path("plain.h5"), false);
    const auto point = file.points(find_model("contact_sensing")).front();
    EXPECT_EQ(point.real("contact_length_um"), 1.0);
}

TEST_F(cli, existing_output_is_kept_without_overwrite) {
    write("small.toml", small_scan);
    write("small.h5", "precious");
    const auto run = vigil("run small.toml");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--overwrite"), std::string::npos);
    EXPECT_EQ(slurp(path("small.h5")), "precious");
    EXPECT_FALSE(fs::exists(path("small.h5.partial")));
    EXPECT_EQ(vigil("run small.toml --overwrite").status, 0);
    EXPECT_TRUE(result_file(path("small.h5"), false).complete());
}

TEST_F(cli, unreadable_or_foreign_files_are_refused) {
    write("text.h5", "not hdf5");
    EXPECT_EQ(vigil("analyze text.h5").status, 2);
    EXPECT_EQ(vigil("info text.h5").status, 2);
    EXPECT_EQ(vigil("analyze absent.h5").status, 2);
    { h5::object foreign = h5::create_file(path("foreign.h5")); }
    const auto info = vigil("info foreign.h5");
    EXPECT_EQ(info.status, 2);
    EXPECT_NE(info.err.find("not a vigil result file"), std::string::npos);

    fs::create_directory(path("adir.h5"));
    for (const auto* command : {"analyze adir.h5", "info adir.h5", "merge adir.h5 -o m.h5"}) {
        const auto directory = vigil(command);
        EXPECT_EQ(directory.status, 2) << command;
        EXPECT_NE(directory.err.find("adir.h5: is a directory"), std::string::npos)
            << command << ": " << directory.err;
    }
}

TEST_F(cli, a_run_journal_given_as_a_result_file_is_named_as_one) {
    write("small.toml", small_scan);
    const auto killed =
        vigil("run small.toml --block 50 -o part.h5", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=3000");
    ASSERT_NE(killed.status, 0);
    ASSERT_TRUE(fs::exists(path("part.h5.journal")));
    for (const auto* command : {"analyze part.h5.journal", "merge part.h5.journal -o m.h5"}) {
        const auto journal = vigil(command);
        EXPECT_EQ(journal.status, 2) << command;
        EXPECT_NE(journal.err.find("journal of an unfinished run"), std::string::npos)
            << command << ": " << journal.err;
        EXPECT_NE(journal.err.find("--resume"), std::string::npos) << journal.err;
        EXPECT_EQ(std::count(journal.err.begin(), journal.err.end(), '\n'), 1) << journal.err;
    }
    for (const auto* command : {"analyze part.h5", "merge part.h5 -o m.h5"}) {
        const auto missing = vigil(command);
        EXPECT_EQ(missing.status, 2) << command;
        EXPECT_NE(missing.err.find("part.h5.journal holds its unfinished run"), std::string::npos)
            << command << ": " << missing.err;
        EXPECT_NE(missing.err.find("--resume"), std::string::npos) << missing.err;
    }
    EXPECT_EQ(vigil("info part.h5.journal").status, 0);
    EXPECT_FALSE(fs::exists(path("m.h5")));
}

// merge called any unfinished file "this shard", though a .partial is often a whole scan's.
TEST_F(cli, merge_says_what_an_unfinished_file_is) {
    write("small.toml", small_scan);
    ASSERT_EQ(vigil("run small.toml -o whole.h5").status, 0);
    ASSERT_EQ(vigil("run small.toml --shard 1/2 -o half.h5").status, 0);
    for (const auto* name : {"whole.h5", "half.h5"}) {
        fs::copy_file(path(name), path(std::string(name) + ".partial"));
        const auto h5file = h5::open_file(path(std::string(name) + ".partial"), true);
        h5::write_attribute(h5file, "complete", std::int64_t{0});
    }
    const auto whole = vigil("merge whole.h5.partial -o m.h5");
    EXPECT_EQ(whole.status, 2) << whole.err;
    EXPECT_NE(whole.err.find("whole.h5.partial: an unfinished result file of a whole scan, not a "
                             "shard (no completion mark: a .partial file is one being built or "
                             "left by a failed run)"),
              std::string::npos)
        << whole.err;
    const auto half = vigil("merge half.h5.partial -o m.h5");
    EXPECT_EQ(half.status, 2) << half.err;
    EXPECT_NE(half.err.find("half.h5.partial: shard 1/2 did not finish"), std::string::npos)
        << half.err;
    EXPECT_FALSE(fs::exists(path("m.h5")));
}

// A scan file named with an escape sequence or a newline coloured the terminal and split the
// lines of `vigil info`, which printed the stored name and command line as they were.
TEST_F(cli, info_escapes_the_stored_names) {
    write("odd\x1b[31m\nname.toml", small_scan);
    const auto run = vigil("run \"$(printf 'odd\\033[31m\\nname.toml')\" -o odd.h5");
    ASSERT_EQ(run.status, 0) << run.err;
    const auto info = vigil("info odd.h5");
    ASSERT_EQ(info.status, 0) << info.err;
    EXPECT_NE(info.out.find("scan_file     odd\\x1b[31m\\x0aname.toml\n"), std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("odd\\x1b[31m\\x0aname.toml -o odd.h5\n"), std::string::npos)
        << info.out;
    for (const char byte : info.out) {
        const auto code = static_cast<unsigned char>(byte);
        EXPECT_TRUE(byte == '\n' || (code >= 0x20 && code != 0x7f)) << static_cast<int>(code);
    }
}

// /dev/zero as a scan file used to be read until memory ran out (8 GB); reading stops at the cap.
TEST_F(cli, a_scan_file_without_end_is_refused_at_the_size_cap) {
    const auto run = vigil("run /dev/zero -o z.h5");
    EXPECT_EQ(run.status, 2) << run.err;
    EXPECT_NE(run.err.find("/dev/zero: larger than 16 MiB, the most a scan file may hold"),
              std::string::npos)
        << run.err;
    EXPECT_FALSE(fs::exists(path("z.h5")));
}

TEST_F(cli, unwritable_output_directory_is_a_failed_run) {
    write("small.toml", small_scan);
    const auto run = vigil("run small.toml -o no/such/dir/out.h5");
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace vigil

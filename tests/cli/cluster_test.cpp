// Scale-out and survival, end to end: shards merged against a single process, kill -9 and
// --resume at many moments against an uninterrupted run, refusals of mismatched inputs, and a
// full disk. Every comparison is of the result datasets, bit for bit (NaN equal to NaN).

#include "engine/result_file.hpp"
#include "program_fixture.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil {
namespace {

using cluster = testing::program_test;
namespace fs = std::filesystem;

// 4 points x 150 replicates with trajectories: about a second of work, many journal records.
const std::string scan = R"(model = "contact_sensing"
seed = 7
replicates = 150
trajectories = 2

[parameters]
receptors = 120
radius_um = 5.0

[scan]
contact_length_um = [1.0, 4.0, 12.0, 30.0]
)";

// Every result dataset, row by row, as raw bytes (so NaN compares equal to NaN).
std::string result_bytes(const std::string& path) {
    const result_file file(path, false);
    EXPECT_TRUE(file.complete()) << path;
    std::string bytes;
    for (const auto& field : file.result_names()) {
        for (std::uint64_t p = 0; p < file.point_count(); ++p) {
            const auto row = file.results_of_point(field, p);
            bytes.append(reinterpret_cast<const char*>(row.data()), row.size() * sizeof(double));
        }
    }
    return bytes;
}

std::string trajectory_bytes(const std::string& path, const std::string& series) {
    const auto file = h5::open_file(path, false);
    const auto values = h5::read_vector(file, "trajectories/point_3/replicate_1/" + series);
    return {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)};
}

TEST_F(cluster, three_shards_merged_equal_one_process) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o single.h5 --threads 2").status, 0);
    for (const auto* shard : {"1/3", "2/3", "3/3"}) {
        const auto run = vigil(std::string("run scan.toml --threads 1 --shard ") + shard);
        ASSERT_EQ(run.status, 0) << run.err;
    }
    const auto merge = vigil(
        "merge scan.shard-3-of-3.h5 scan.shard-1-of-3.h5 "
        "scan.shard-2-of-3.h5 -o merged.h5");
    ASSERT_EQ(merge.status, 0) << merge.err;
    EXPECT_EQ(result_bytes(path("merged.h5")), result_bytes(path("single.h5")));
    EXPECT_EQ(trajectory_bytes(path("merged.h5"), "log_likelihood_ratio"),
              trajectory_bytes(path("single.h5"), "log_likelihood_ratio"));
    EXPECT_EQ(vigil("analyze merged.h5 --format csv").status, 0);
    const auto shard_info = vigil("info scan.shard-2-of-3.h5");
    EXPECT_NE(shard_info.out.find("complete shard 2/3"), std::string::npos) << shard_info.out;
    const auto merged_info = vigil("info merged.h5");
    EXPECT_NE(merged_info.out.find("status        complete\n"), std::string::npos)
        << merged_info.out;
}

TEST_F(cluster, merge_refuses_mismatched_or_incomplete_sets) {
    write("scan.toml", scan);
    write("other.toml", scan + "# another scan text\n");
    for (const auto* shard : {"1/2", "2/2"}) {
        ASSERT_EQ(vigil(std::string("run scan.toml --shard ") + shard).status, 0);
        ASSERT_EQ(vigil(std::string("run other.toml --shard ") + shard).status, 0);
    }
    ASSERT_EQ(vigil("run scan.toml --shard 1/3 -o third.h5").status, 0);

    const auto different = vigil("merge scan.shard-1-of-2.h5 other.shard-2-of-2.h5 -o m.h5");
    EXPECT_EQ(different.status, 2);
    EXPECT_NE(different.err.find("different scan text"), std::string::npos) << different.err;
    const auto missing = vigil("merge scan.shard-1-of-2.h5 -o m.h5");
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("1 of 2 shards"), std::string::npos) << missing.err;
    const auto twice = vigil("merge scan.shard-1-of-2.h5 scan.shard-1-of-2.h5 -o m.h5");
    EXPECT_EQ(twice.status, 2);
    const auto counts = vigil("merge scan.shard-1-of-2.h5 third.h5 -o m.h5");
    EXPECT_EQ(counts.status, 2);
    EXPECT_NE(counts.err.find("shard count"), std::string::npos) << counts.err;
    EXPECT_FALSE(fs::exists(path("m.h5")));
    EXPECT_FALSE(fs::exists(path("m.h5.partial")));

    // -o naming one of the inputs would replace a shard with the merge being read from it.
    const std::string shard_before = slurp(path("scan.shard-1-of-2.h5"));
    for (const auto* overwrite : {"", " --overwrite"}) {
        const auto onto_input =
            vigil(std::string(
                      "merge scan.shard-1-of-2.h5 scan.shard-2-of-2.h5 -o ./scan.shard-1-of-2.h5") +
                  overwrite);
        EXPECT_EQ(onto_input.status, 2) << onto_input.err;
        EXPECT_NE(onto_input.err.find("-o names an input"), std::string::npos) << onto_input.err;
        EXPECT_FALSE(fs::exists(path("scan.shard-1-of-2.h5.partial")));
    }
    EXPECT_TRUE(slurp(path("scan.shard-1-of-2.h5")) == shard_before);

    EXPECT_EQ(vigil("run scan.toml --shard 3/2").status, 2);
    EXPECT_EQ(vigil("run scan.toml --shard x").status, 2);
    // More shards than replicates of work: some would be empty, and merge would need them all.
    const auto too_many = vigil("run scan.toml --shard 1/1000000000000");
    EXPECT_EQ(too_many.status, 2);
    EXPECT_NE(too_many.err.find("would leave shards empty"), std::string::npos) << too_many.err;
}

TEST_F(cluster, killed_runs_resume_to_the_uninterrupted_result) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o reference.h5").status, 0);
    const std::string reference = result_bytes(path("reference.h5"));
    // Ten kill points: nine in journal bytes (inside the header, inside the first record, at
    // and around record boundaries, deep inside later records: kills during a write) and one
    // while the finished journal is being turned into the HDF5 file.
    const std::vector<std::string> kill_points = {
        "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=5",      "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=200",
        "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=1000",   "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=4000",
        "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=20000",  "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=60001",
        "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=120000", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=200000",
        "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=250003", "VIGIL_FAULT_KILL_AT=building-result-file"};
    int killed_runs = 0;
    for (std::size_t k = 0; k < kill_points.size(); ++k) {
        const std::string out = "killed_" + std::to_string(k) + ".h5";
        const auto killed = vigil("run scan.toml --block 20 --threads 2 -o " + out, kill_points[k]);
        if (killed.status == 0) {
            // The kill point lies beyond the whole journal: the run simply finished.
            EXPECT_EQ(result_bytes(path(out)), reference) << kill_points[k];
            continue;
        }
        ++killed_runs;
        EXPECT_FALSE(fs::exists(path(out))) << "a killed run must not leave a finished file";
        EXPECT_TRUE(fs::exists(path(out + ".journal"))) << kill_points[k];
        const auto resumed = vigil("run scan.toml --resume --block 33 -o " + out);
        ASSERT_EQ(resumed.status, 0) << kill_points[k] << ": " << resumed.err;
        EXPECT_EQ(result_bytes(path(out)), reference) << kill_points[k];
        EXPECT_FALSE(fs::exists(path(out + ".journal")));
    }
    EXPECT_GE(killed_runs, 8);
    const auto partial =
        vigil("run scan.toml -o half.h5", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=60001");
    ASSERT_NE(partial.status, 0);
    const auto info = vigil("info half.h5");
    EXPECT_EQ(info.status, 0) << info.err;
    EXPECT_NE(info.out.find("INCOMPLETE"), std::string::npos) << info.out;
}

TEST_F(cluster, a_real_kill_9_during_the_run_resumes_too) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o reference.h5").status, 0);
    const auto killed = vigil(
        "run scan.toml --block 5 --threads 1 -o out.h5 & pid=$!; "
        "sleep 0.4; kill -9 $pid; wait $pid; true");
    (void)killed;
    const auto resumed = vigil("run scan.toml --resume -o out.h5");
    ASSERT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_EQ(result_bytes(path("out.h5")), result_bytes(path("reference.h5")));
    const auto again = vigil("run scan.toml --resume -o out.h5");
    EXPECT_EQ(again.status, 0);
    EXPECT_NE(again.err.find("already complete"), std::string::npos);
}

TEST_F(cluster, resume_refuses_a_journal_of_another_scan) {
    write("scan.toml", scan);
    write("other.toml", scan + "# changed\n");
    const auto killed =
        vigil("run scan.toml --block 20 -o out.h5", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=30000");
    ASSERT_NE(killed.status, 0);
    const auto other = vigil("run other.toml --resume -o out.h5");
    EXPECT_EQ(other.status, 2);
    EXPECT_NE(other.err.find("different scan"), std::string::npos) << other.err;
    const auto plain = vigil("run scan.toml -o out.h5");
    EXPECT_EQ(plain.status, 2);
    EXPECT_NE(plain.err.find("--resume"), std::string::npos) << plain.err;
    EXPECT_TRUE(fs::exists(path("out.h5.journal")));
}

TEST_F(cluster, a_full_disk_fails_the_run_with_exit_1_and_no_finished_file) {
    write("scan.toml", scan);
    // A 64 KiB file-size limit stands in for a full disk: writes past it fail with EFBIG.
    const auto full =
        vigil("run scan.toml --block 20 -o out.h5", "", "trap '' XFSZ; ulimit -f 64;");
    EXPECT_EQ(full.status, 1) << full.err;
    EXPECT_NE(full.err.find("cannot write"), std::string::npos) << full.err;
    EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 2) << full.err;
    EXPECT_FALSE(fs::exists(path("out.h5")));
    const auto resumed = vigil("run scan.toml --resume -o out.h5");
    EXPECT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_TRUE(result_file(path("out.h5"), false).complete());
}

// The journal is complete but the disk fills while the HDF5 file is built from it: the half-built
// OUT.partial is removed, the journal kept, the cause named, and --resume later finishes the run.
TEST_F(cluster, a_full_disk_while_building_the_file_keeps_the_journal) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o reference.h5").status, 0);
    ASSERT_GT(fs::file_size(path("reference.h5")), 64u * 1024) << "too small for the limit";
    const auto killed =
        vigil("run scan.toml --block 20 -o out.h5", "VIGIL_FAULT_KILL_AT=building-result-file");
    ASSERT_NE(killed.status, 0);
    ASSERT_TRUE(fs::exists(path("out.h5.journal")));

    const auto full = vigil("run scan.toml --resume -o out.h5", "", "trap '' XFSZ; ulimit -f 64;");
    EXPECT_EQ(full.status, 1) << full.err;
    EXPECT_NE(full.err.find("File too large"), std::string::npos) << full.err;
    EXPECT_NE(full.err.find("out.h5.journal"), std::string::npos) << full.err;
    EXPECT_NE(full.err.find("--resume"), std::string::npos) << full.err;
    EXPECT_FALSE(fs::exists(path("out.h5")));
    EXPECT_FALSE(fs::exists(path("out.h5.partial")));
    EXPECT_TRUE(fs::exists(path("out.h5.journal")));

    const auto resumed = vigil("run scan.toml --resume -o out.h5");
    ASSERT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_EQ(result_bytes(path("out.h5")), result_bytes(path("reference.h5")));
    EXPECT_FALSE(fs::exists(path("out.h5.journal")));
}

TEST_F(cluster, merging_one_shard_file_says_file_not_files) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml --shard 1/1 -o whole.h5").status, 0);
    const auto merge = vigil("merge whole.h5 -o merged.h5");
    ASSERT_EQ(merge.status, 0) << merge.err;
    EXPECT_NE(merge.err.find("merged 1 shard file into merged.h5"), std::string::npos) << merge.err;
}

TEST_F(cluster, a_file_given_twice_to_merge_is_named_with_its_shard) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o whole.h5").status, 0);
    const auto merge = vigil("merge whole.h5 whole.h5 -o merged.h5");
    EXPECT_EQ(merge.status, 2) << merge.err;
    EXPECT_NE(merge.err.find("whole.h5: shard 1/1 is given twice"), std::string::npos) << merge.err;
    EXPECT_FALSE(fs::exists(path("merged.h5")));
}

// A killed `--overwrite` run leaves the old finished file and a new journal side by side:
// info names the journal, and --resume alone says how to finish it.
TEST_F(cluster, a_killed_overwrite_leaves_a_journal_that_info_and_resume_name) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml -o out.h5").status, 0);
    ASSERT_NE(
        vigil("run scan.toml -o out.h5 --overwrite", "VIGIL_FAULT_KILL_AT=building-result-file")
            .status,
        0);
    ASSERT_TRUE(fs::exists(path("out.h5.journal")));
    const auto info = vigil("info out.h5");
    EXPECT_EQ(info.status, 0) << info.err;
    EXPECT_NE(info.out.find("pending       out.h5.journal"), std::string::npos) << info.out;
    const auto resume = vigil("run scan.toml -o out.h5 --resume");
    EXPECT_EQ(resume.status, 2);
    EXPECT_NE(resume.err.find("--overwrite --resume"), std::string::npos) << resume.err;
    EXPECT_EQ(vigil("run scan.toml -o out.h5 --overwrite --resume").status, 0);
    EXPECT_FALSE(fs::exists(path("out.h5.journal")));
}

// A disk already full when a run starts: the journal's header (it holds the scan text, here
// over 512 bytes) cannot be written under a one-block file limit, and no empty journal is left to
// confuse the next command. (The limit must leave room for the captured stderr.)
TEST_F(cluster, a_journal_whose_header_cannot_be_written_is_removed) {
    write("scan.toml", scan + "# " + std::string(600, 'x') + "\n");
    const auto full = vigil("run scan.toml -o out.h5", "", "trap '' XFSZ; ulimit -f 1;");
    EXPECT_EQ(full.status, 1) << full.err;
    EXPECT_NE(full.err.find("cannot write the run journal"), std::string::npos) << full.err;
    EXPECT_FALSE(fs::exists(path("out.h5.journal")));
    EXPECT_FALSE(fs::exists(path("out.h5")));
    EXPECT_EQ(vigil("run scan.toml -o out.h5").status, 0);
}

// A run still writing holds a lock on its journal (here the test holds it, as that run would):
// a second run of the same output is refused, and analyze, merge and info say that a run is
// writing it instead of advising --resume. Released, the journal is an interrupted run's again.
TEST_F(cluster, a_journal_a_run_is_writing_is_named_as_such) {
    write("scan.toml", scan);
    const auto killed =
        vigil("run scan.toml --block 20 -o out.h5", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=20000");
    ASSERT_NE(killed.status, 0);
    ASSERT_TRUE(fs::exists(path("out.h5.journal")));
    const int lock = ::open(path("out.h5.journal").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(::flock(lock, LOCK_EX | LOCK_NB), 0);

    const auto second = vigil("run scan.toml --resume -o out.h5");
    EXPECT_EQ(second.status, 2);
    EXPECT_NE(second.err.find("another vigil run is writing this output now"), std::string::npos)
        << second.err;
    for (const auto* command :
         {"analyze out.h5", "merge out.h5 -o m.h5", "analyze out.h5.journal"}) {
        const auto busy = vigil(command);
        EXPECT_EQ(busy.status, 2) << command;
        EXPECT_NE(busy.err.find("writing"), std::string::npos) << command << ": " << busy.err;
        EXPECT_EQ(busy.err.find("--resume"), std::string::npos) << command << ": " << busy.err;
    }
    const auto info = vigil("info out.h5");
    EXPECT_NE(info.out.find("a run vigil is writing now"), std::string::npos) << info.out;

    ::close(lock);
    EXPECT_NE(vigil("analyze out.h5").err.find("--resume"), std::string::npos);
    EXPECT_NE(vigil("info out.h5").out.find("--resume"), std::string::npos);
    EXPECT_EQ(vigil("run scan.toml --resume -o out.h5").status, 0);
}

// --resume of a finished file is "already complete" only when the file holds the work asked
// for: another shard's file, or a shard file resumed as the whole scan, is refused.
TEST_F(cluster, resume_of_a_finished_file_of_other_work_is_refused) {
    write("scan.toml", scan);
    ASSERT_EQ(vigil("run scan.toml --shard 1/3 -o s.h5").status, 0);
    const std::string before = slurp(path("s.h5"));
    EXPECT_EQ(vigil("run scan.toml --shard 1/3 -o s.h5 --resume").status, 0);
    for (const auto* command :
         {"run scan.toml --shard 2/3 -o s.h5 --resume", "run scan.toml -o s.h5 --resume"}) {
        const auto other = vigil(command);
        EXPECT_EQ(other.status, 2) << command;
        EXPECT_NE(other.err.find("s.h5: a finished file of this scan holding shard 1/3, not "),
                  std::string::npos)
            << command << ": " << other.err;
    }
    EXPECT_EQ(slurp(path("s.h5")), before);
    ASSERT_EQ(vigil("run scan.toml -o whole.h5").status, 0);
    const auto whole = vigil("run scan.toml --shard 2/3 -o whole.h5 --resume");
    EXPECT_EQ(whole.status, 2);
    EXPECT_NE(whole.err.find("holding the whole scan, not shard 2/3"), std::string::npos)
        << whole.err;
}

// Names ending in .journal or .partial are vigil's working files: an -o of that form could
// replace another run's unfinished journal, so it is refused even with --overwrite.
TEST_F(cluster, an_output_named_like_a_working_file_is_refused) {
    write("scan.toml", scan);
    const auto killed =
        vigil("run scan.toml --block 20 -o other.h5", "VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=20000");
    ASSERT_NE(killed.status, 0);
    const std::string journal = slurp(path("other.h5.journal"));
    for (const auto* command : {"run scan.toml -o other.h5.journal --overwrite",
                                "run scan.toml -o x.h5.partial", "merge a.h5 -o b.h5.journal"}) {
        const auto refused = vigil(command);
        EXPECT_EQ(refused.status, 2) << command;
        EXPECT_NE(refused.err.find("vigil's working files"), std::string::npos)
            << command << ": " << refused.err;
    }
    EXPECT_EQ(slurp(path("other.h5.journal")), journal);
    EXPECT_FALSE(fs::exists(path("x.h5.partial")));
    EXPECT_FALSE(fs::exists(path("x.h5.partial.journal")));
}

}  // namespace
}  // namespace vigil

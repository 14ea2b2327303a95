#pragma once

// Running a scan into a result file, safely, and joining shard files. run_to_file() appends
// finished work to OUT.journal as it goes, then builds OUT.partial from the journal and renames
// it to OUT: a run killed at any moment leaves OUT untouched (absent, or the previous file) and
// a journal that --resume continues; the finished file is the same as an uninterrupted run's.
// Shards split the work numbers [0, points x replicates) into N contiguous slices; seeds come
// from the global (point, replicate), so shard files merge into the single-process result.

#include "model.hpp"
#include "runner.hpp"
#include "scan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vigil {

struct shard_spec {
    std::uint64_t index = 1;  // 1-based: shards 1/N ... N/N
    std::uint64_t count = 1;
};

// Parses "K/N" with 1 <= K <= N; input_error naming --shard otherwise.
shard_spec parse_shard(const std::string& text);

struct work_slice {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};
work_slice shard_work(const scan_plan& plan, const shard_spec& shard);

struct run_request {
    std::string output;
    bool overwrite = false;
    bool resume = false;
    shard_spec shard;
    std::string command_line;
    run_settings settings;  // threads, block size, progress; the work slice is set from shard
    std::function<void()> on_start;  // called once every check has passed, before any work
};

enum class run_outcome { completed, already_complete };

// Paths of a run's side files.
std::string journal_path(const std::string& output);
std::string partial_path(const std::string& output);
// input_error for an output named like those side files (ending in .journal or .partial).
void check_output_name(const std::string& output);

// input_error unless the result file `path` exists; when only its journal does, the message
// says the run is unfinished and how to continue it.
void require_result_exists(const std::string& path);

// Checks the output paths before any work (exit 2 on conflicts), then runs or resumes.
run_outcome run_to_file(const scan_plan& plan, const model& chosen, const run_request& request);

// Joins the complete shard files of one scan into `output`; input_error if `output` is one of
// them, or they come from different scans, seeds, shard counts or format versions, or do not
// cover every shard once.
void merge_shards(const std::vector<std::string>& inputs, const std::string& output, bool overwrite,
                  const std::string& command_line);

}  // namespace vigil

#pragma once

// The vigil result file (format "vigil-result", version 1). Layout:
//   /                 attributes: format, format_version, vigil_version, git_commit,
//                     created_utc, command_line, model, seed, replicates, points,
//                     scan_file, hdf5_version, boost_version; complete = 1 is written last
//   /scan_text        the scan file verbatim
//   /parameters/NAME  one value per scan point (numbers, or strings for choices);
//                     attributes unit, description, scanned (1 for scanned axes)
//   /results/NAME     points x replicates doubles, chunked and compressed; unit, description
//   /trajectories/point_P/replicate_R/NAME   optional per-replicate detail
//   /analysis/NAME    per-point statistics written by `vigil analyze` (NAME_lower/_upper for
//                     intervals)
// result_writer builds a file that is marked complete only by finish(); result_file reads
// one and refuses files that are not vigil results (naming a directory or a run journal as
// such). Neither is thread-safe.

#include "hdf5.hpp"
#include "journal.hpp"
#include "model.hpp"
#include "scan.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

inline constexpr const char* result_format_name = "vigil-result";
inline constexpr std::int64_t result_format_version = 1;

class result_writer : public result_sink {
public:
    // Creates `path`, which must not exist, and lays out every group and dataset.
    result_writer(const std::string& path, const scan_plan& plan, const model& chosen,
                  const std::string& command_line);

    // Stores results of replicates [first_replicate, first_replicate + count) of one point.
    // `values` is field-major: values[field * count + i].
    void write_block(std::uint64_t point, std::uint64_t first_replicate, std::uint64_t count,
                     const std::vector<double>& values);
    void write_trajectory(std::uint64_t point, std::uint64_t replicate,
                          const trajectory_record& record);
    void write(const result_block& block) override;  // results and trajectories of a block

    // Records that this file holds one shard's slice of the work (see engine/shard.hpp).
    void mark_shard(std::uint64_t index, std::uint64_t count, std::uint64_t work_begin,
                    std::uint64_t work_end);

    // Writes the completion mark, flushes and closes. Nothing may be written afterwards.
    void finish();

private:
    h5::object file_;
    h5::object trajectories_;
    std::vector<h5::object> result_datasets_;
};

class result_file {
public:
    // Opens a vigil result file; input_error if it is not one (names the file and why). With
    // `library_locking` false HDF5 takes no lock of its own (see h5::open_file()).
    result_file(const std::string& path, bool writable, bool library_locking = true);

    const std::string& path() const { return path_; }
    bool complete() const;
    std::string model_name() const;
    std::uint64_t seed() const;
    std::uint64_t replicates() const;
    std::uint64_t point_count() const;
    std::string scan_text() const;
    std::string attribute(const std::string& name) const;  // string attribute, or "" if absent

    // The parameter values of every point, in the model's declared order.
    std::vector<parameter_set> points(const model& chosen) const;
    std::vector<std::string> scanned_names() const;
    std::vector<std::string> result_names() const;
    std::vector<double> results_of_point(const std::string& field, std::uint64_t point) const;

    // The work numbers this file holds: its shard slice, or all of the scan.
    std::pair<std::uint64_t, std::uint64_t> work_held() const;

    // Writes this file's results and trajectories into `writer`, in blocks of bounded size.
    void copy_work_into(result_writer& writer, const scan_plan& plan, const model& chosen) const;

    // Replaces /analysis with one dataset per column (and _lower/_upper for intervals), in
    // place: a failure can leave this file damaged, so finished files go through
    // store_analysis() instead.
    void write_analysis(const std::vector<std::vector<report_column>>& rows,
                        const analysis_options& options);

    // Closes the file now; run_error if HDF5 cannot write what it still holds.
    void close();

private:
    void fill_analysis(const h5::object& group, const std::vector<std::vector<report_column>>& rows,
                       const analysis_options& options) const;

    std::string path_;
    h5::object file_;
};

// Where an analysis_store builds the new file: PATH.analysis.partial, beside PATH.
std::string analysis_scratch_path(const std::string& path);

// Stores /analysis into the closed result file at `path` without touching it in place. Through
// a symbolic link it stores into the file the link names, beside it, and the link stays a link.
//
// Constructing one takes the store's lock, an exclusive flock on the scratch file
// analysis_scratch_path() of the resolved file, so that one vigil analyze at a time stores into
// a file; input_error if another holds it. The kernel drops the lock when its holder exits,
// however it ends; a scratch file that nobody holds (left by a killed analyze) is reused.
// Destroyed without store(), it removes its scratch file.
class analysis_store {
public:
    explicit analysis_store(const std::string& path);
    analysis_store(const analysis_store&) = delete;
    analysis_store& operator=(const analysis_store&) = delete;
    ~analysis_store();

    // Copies the file into the scratch file with the file's permission bits (not its owner),
    // writes /analysis (dropping an old one) into the copy, makes it durable and renames it over
    // the file, which breaks any hard link to it. On any failure (a full disk) the copy is
    // removed, the file is left byte for byte as it was, and run_error gives the cause. Needs
    // room for a second copy of the file while it runs. Call once.
    void store(const std::vector<std::vector<report_column>>& rows,
               const analysis_options& options);

private:
    void release(bool remove_scratch);

    std::string path_;     // as the user named it, for messages
    std::string target_;   // the file itself, links resolved
    std::string scratch_;  // analysis_scratch_path(target_)
    int lock_ = -1;        // descriptor of scratch_, flocked; -1 once released
};

}  // namespace vigil

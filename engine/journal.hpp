#pragma once

// The run journal: an append-only file of finished work, written while a run goes on and turned
// into the HDF5 result file when the run ends. Each record carries its length and a checksum,
// so a run killed at any moment (even inside a write) leaves a journal whose valid prefix is
// exactly the work finished; the torn tail, if any, is found and cut off on resume. Records are
// appended in work order (point-major, replicate ascending), so the work done is a prefix of the
// run's work range. Not thread-safe: one writer thread appends.

#include "model.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vigil {

// Finished results of replicates [first_replicate, first_replicate + count) of one point;
// values are field-major: values[field * count + i].
struct result_block {
    std::uint64_t point = 0;
    std::uint64_t first_replicate = 0;
    std::uint64_t count = 0;
    std::vector<double> values;
    std::vector<std::pair<std::uint64_t, trajectory_record>> trajectories;
};

// Where the runner hands finished blocks, in work order.
class result_sink {
public:
    virtual ~result_sink() = default;
    virtual void write(const result_block& block) = 0;
};

class journal_writer : public result_sink {
public:
    // Starts a new journal at `path` (which must not exist) for a run identified by `identity`.
    static journal_writer create(const std::string& path, const std::string& identity);

    // Reopens a journal to continue it: checks that it belongs to the run `identity` (else
    // input_error naming the file), cuts off a torn tail, and reports through `on_block` every
    // valid block already in it, in order.
    static journal_writer resume(const std::string& path, const std::string& identity,
                                 const std::function<void(const result_block&)>& on_block);

    journal_writer(journal_writer&& other) noexcept;
    journal_writer& operator=(journal_writer&&) = delete;
    ~journal_writer() override;

    void write(const result_block& block) override;  // appends one record (one write call)
    void sync();  // makes everything appended so far durable (fdatasync)

private:
    journal_writer(int descriptor, std::string path);
    int descriptor_ = -1;
    std::string path_;
    double last_sync_ = 0;
};

// True when the file at `path` begins as a vigil run journal does (whatever its state).
bool is_journal_file(const std::string& path);

// True when a running vigil holds the journal at `path` (each writer keeps it locked).
bool journal_in_use(const std::string& path);

// Fault injection for the kill-and-resume tests: kills the process (SIGKILL) when the
// environment variable VIGIL_FAULT_KILL_AT equals `name`. VIGIL_FAULT_KILL_AT_JOURNAL_BYTE=N
// likewise kills a run once N bytes of its journal are written, possibly inside a record.
void fault_point(const char* name);

// Reads every valid block of a journal in order; returns the identity it was written for.
// A torn tail is ignored. input_error if the file is not a vigil journal.
std::string read_journal(const std::string& path,
                         const std::function<void(const result_block&)>& on_block);

}  // namespace vigil

#pragma once

// A small RAII layer over the HDF5 C API. Each h5::object closes its handle exactly once;
// every failing call becomes an exception carrying the file and object path (run_error when
// writing, input_error when reading a file the user gave). Not thread-safe: vigil calls HDF5
// from one thread only (the runner's writer thread, or the main thread).

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::h5 {

class object {
public:
    object() = default;
    explicit object(hid_t id) : id_(id) {}
    object(const object&) = delete;
    object& operator=(const object&) = delete;
    object(object&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
    object& operator=(object&& other) noexcept;
    ~object() { close(); }

    hid_t id() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void close();
    void release() { id_ = H5I_INVALID_HID; }  // gives up the handle without closing it

private:
    hid_t id_ = H5I_INVALID_HID;
};

// Silences HDF5's own error printing; vigil reports errors itself, adding the operating
// system's reason (e.g. "No space left on device") where HDF5 had one. Call once per process.
void silence_library_errors();

std::string library_version();

object create_file(const std::string& path);  // fails if it exists
// HDF5 itself flocks an open file (shared to read, exclusive to write); with
// `library_locking` false it does not, for a file whose caller holds its own lock on it.
object open_file(const std::string& path, bool writable, bool library_locking = true);
void flush(const object& file);
void close_file(object& file);  // closes now, and throws if HDF5 cannot write what it holds

object create_group(const object& parent, const std::string& name);
object open_group(const object& parent, const std::string& name);
bool exists(const object& parent, const std::string& path);
std::vector<std::string> member_names(const object& group);  // sorted by name

void write_attribute(const object& target, const std::string& name, const std::string& value);
void write_attribute(const object& target, const std::string& name, double value);
void write_attribute(const object& target, const std::string& name, std::int64_t value);
bool has_attribute(const object& target, const std::string& name);
std::string read_string_attribute(const object& target, const std::string& name);
double read_double_attribute(const object& target, const std::string& name);
std::int64_t read_integer_attribute(const object& target, const std::string& name);

// 1-D datasets written whole.
object write_vector(const object& parent, const std::string& name,
                    const std::vector<double>& values);
object write_strings(const object& parent, const std::string& name,
                     const std::vector<std::string>& values);
object write_text(const object& parent, const std::string& name, const std::string& text);

std::vector<double> read_vector(const object& parent, const std::string& name);
std::vector<std::string> read_strings(const object& parent, const std::string& name);
std::string read_text(const object& parent, const std::string& name);

// A rows x columns dataset of doubles, chunked (one row, up to chunk_columns columns) and
// compressed (shuffle + deflate), filled with NaN until written.
object create_matrix(const object& parent, const std::string& name, std::uint64_t rows,
                     std::uint64_t columns, std::uint64_t chunk_columns);
object open_dataset(const object& parent, const std::string& name);
void write_row_segment(const object& dataset, std::uint64_t row, std::uint64_t first_column,
                       const double* values, std::uint64_t count);
std::vector<double> read_row(const object& dataset, std::uint64_t row);
void read_row_segment(const object& dataset, std::uint64_t row, std::uint64_t first_column,
                      double* values, std::uint64_t count);
std::vector<std::uint64_t> dimensions(const object& dataset);

}  // namespace vigil::h5

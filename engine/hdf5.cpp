#include "hdf5.hpp"

#include "error.hpp"

#include <fmt/format.h>

#include <limits>
#include <string_view>

namespace vigil::h5 {

namespace {

// The operating system's reason for the last HDF5 call that failed ("No space left on device"),
// or "" when it had none. HDF5 puts it in the error stack as "..., error message = 'REASON'";
// record_system_cause() takes it from there when a call fails, before the next call clears it.
thread_local std::string last_system_cause;

herr_t find_system_cause(unsigned, const H5E_error2_t* entry, void* cause) {
    constexpr std::string_view marker = "error message = '";
    auto& found = *static_cast<std::string*>(cause);
    const std::string_view text = entry->desc == nullptr ? "" : entry->desc;
    const auto start = text.find(marker);
    if (!found.empty() || start == std::string_view::npos) return 0;
    const auto end = text.find('\'', start + marker.size());
    found = text.substr(start + marker.size(), end - start - marker.size());
    return 0;
}

herr_t record_system_cause(hid_t stack, void*) {
    last_system_cause.clear();
    H5Ewalk2(stack, H5E_WALK_UPWARD, find_system_cause, &last_system_cause);
    return 0;
}

// "HDF5: cannot WHAT", followed by the operating system's reason when there is one.
std::string failure(const std::string& what) {
    std::string message = "HDF5: cannot " + what;
    if (!last_system_cause.empty()) message += ": " + last_system_cause;
    last_system_cause.clear();
    return message;
}

// Object ids name what failed in messages: "/results/glrt_statistic in out.h5".
std::string describe(hid_t id) {
    if (id < 0) return "(invalid object)";
    std::string file(256, '\0');
    const auto file_length = H5Fget_name(id, file.data(), file.size());
    file.resize(file_length > 0 ? static_cast<std::size_t>(file_length) : 0);
    std::string path(512, '\0');
    const auto path_length = H5Iget_name(id, path.data(), path.size());
    path.resize(path_length > 0 ? static_cast<std::size_t>(path_length) : 0);
    return fmt::format("{} in {}", path.empty() ? "/" : path, file);
}

hid_t checked(hid_t id, const std::string& what) {
    if (id < 0) throw run_error(failure(what));
    return id;
}

void checked_status(herr_t status, const std::string& what) {
    if (status < 0) throw run_error(failure(what));
}

object scalar_space() {
    return object(checked(H5Screate(H5S_SCALAR), "create a dataspace"));
}

object vector_space(std::uint64_t length) {
    const hsize_t dims[1] = {length};
    return object(checked(H5Screate_simple(1, dims, nullptr), "create a dataspace"));
}

object string_type(std::size_t length) {
    object type(checked(H5Tcopy(H5T_C_S1), "copy the string type"));
    checked_status(H5Tset_size(type.id(), length == 0 ? 1 : length), "size a string type");
    checked_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "set UTF-8");
    return type;
}

object variable_string_type() {
    object type(checked(H5Tcopy(H5T_C_S1), "copy the string type"));
    checked_status(H5Tset_size(type.id(), H5T_VARIABLE), "make a variable string type");
    checked_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "set UTF-8");
    return type;
}

void write_attribute_raw(const object& target, const std::string& name, hid_t type,
                         const void* data) {
    if (H5Aexists(target.id(), name.c_str()) > 0) {
        checked_status(H5Adelete(target.id(), name.c_str()), "replace attribute " + name);
    }
    const object space = scalar_space();
    const object attribute(
        checked(H5Acreate2(target.id(), name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                fmt::format("create attribute {} on {}", name, describe(target.id()))));
    checked_status(H5Awrite(attribute.id(), type, data),
                   fmt::format("write attribute {} on {}", name, describe(target.id())));
}

object open_attribute(const object& target, const std::string& name) {
    const hid_t id = H5Aopen(target.id(), name.c_str(), H5P_DEFAULT);
    if (id < 0) {
        throw input_error(fmt::format("{}: missing attribute \"{}\"", describe(target.id()), name));
    }
    return object(id);
}

// Opens an attribute that must hold exactly one value (a scalar or one element): reading more
// into one variable would overrun it.
object open_single_attribute(const object& target, const std::string& name) {
    object attribute = open_attribute(target, name);
    const object space(checked(H5Aget_space(attribute.id()), "read an attribute's dataspace"));
    if (H5Sget_simple_extent_npoints(space.id()) != 1) {
        throw input_error(
            fmt::format("{}: attribute \"{}\" is not a single value", describe(target.id()), name));
    }
    return attribute;
}

}  // namespace

object& object::operator=(object&& other) noexcept {
    if (this != &other) {
        close();
        id_ = other.id_;
        other.id_ = H5I_INVALID_HID;
    }
    return *this;
}

void object::close() {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
        case H5I_FILE:
            H5Fclose(id_);
            break;
        case H5I_GROUP:
            H5Gclose(id_);
            break;
        case H5I_DATASET:
            H5Dclose(id_);
            break;
        case H5I_DATASPACE:
            H5Sclose(id_);
            break;
        case H5I_DATATYPE:
            H5Tclose(id_);
            break;
        case H5I_ATTR:
            H5Aclose(id_);
            break;
        case H5I_GENPROP_LST:
            H5Pclose(id_);
            break;
        default:
            break;
    }
    id_ = H5I_INVALID_HID;
}

void silence_library_errors() {
    H5Eset_auto2(H5E_DEFAULT, record_system_cause, nullptr);
}

std::string library_version() {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    return fmt::format("{}.{}.{}", major, minor, release);
}

object create_file(const std::string& path) {
    // Free space is tracked in the file, so replacing /analysis again and again reuses it.
    const object creation(checked(H5Pcreate(H5P_FILE_CREATE), "create file properties"));
    checked_status(H5Pset_file_space_strategy(creation.id(), H5F_FSPACE_STRATEGY_FSM_AGGR, 1, 1),
                   "set the file space strategy");
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_EXCL, creation.id(), H5P_DEFAULT);
    if (id < 0) throw run_error(failure(fmt::format("create the HDF5 file {}", path)));
    return object(id);
}

object open_file(const std::string& path, bool writable, bool library_locking) {
    if (H5Fis_hdf5(path.c_str()) <= 0) {
        throw input_error(fmt::format("{}: not a readable HDF5 file", path));
    }
    const object access(checked(H5Pcreate(H5P_FILE_ACCESS), "create file access properties"));
    if (!library_locking) {
        checked_status(H5Pset_file_locking(access.id(), false, true), "turn off file locking");
    }
    const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, access.id());
    if (id < 0) {
        throw input_error(
            fmt::format("{}: cannot open the HDF5 file{}", path, writable ? " for writing" : ""));
    }
    return object(id);
}

void flush(const object& file) {
    const std::string what = "flush " + describe(file.id());
    checked_status(H5Fflush(file.id(), H5F_SCOPE_GLOBAL), what);
}

void close_file(object& file) {
    const std::string what = "close " + describe(file.id());
    const hid_t id = file.id();
    file.release();
    checked_status(H5Fclose(id), what);
}

object create_group(const object& parent, const std::string& name) {
    return object(
        checked(H5Gcreate2(parent.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                fmt::format("create group {} under {}", name, describe(parent.id()))));
}

object open_group(const object& parent, const std::string& name) {
    const hid_t id = H5Gopen2(parent.id(), name.c_str(), H5P_DEFAULT);
    if (id < 0) {
        throw input_error(fmt::format("{}: missing group \"{}\"", describe(parent.id()), name));
    }
    return object(id);
}

bool exists(const object& parent, const std::string& path) {
    // Checks each prefix, as H5Lexists requires.
    std::size_t position = 0;
    while (true) {
        position = path.find('/', position + 1);
        const std::string prefix = path.substr(0, position);
        if (H5Lexists(parent.id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (position == std::string::npos) return true;
    }
}

std::vector<std::string> member_names(const object& group) {
    H5G_info_t info{};
    checked_status(H5Gget_info(group.id(), &info), "list " + describe(group.id()));
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const auto length = H5Lget_name_by_idx(group.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                               nullptr, 0, H5P_DEFAULT);
        if (length < 0) throw input_error("cannot list " + describe(group.id()));
        std::string name(static_cast<std::size_t>(length) + 1, '\0');
        H5Lget_name_by_idx(group.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(length));
        names.push_back(name);
    }
    return names;
}

void write_attribute(const object& target, const std::string& name, const std::string& value) {
    // Variable-length UTF-8, which h5py, rhdf5 and HDF5.jl all read as text.
    const object type = variable_string_type();
    const char* text = value.c_str();
    write_attribute_raw(target, name, type.id(), &text);
}

void write_attribute(const object& target, const std::string& name, double value) {
    write_attribute_raw(target, name, H5T_NATIVE_DOUBLE, &value);
}

void write_attribute(const object& target, const std::string& name, std::int64_t value) {
    write_attribute_raw(target, name, H5T_NATIVE_INT64, &value);
}

bool has_attribute(const object& target, const std::string& name) {
    return H5Aexists(target.id(), name.c_str()) > 0;
}

std::string read_string_attribute(const object& target, const std::string& name) {
    const object attribute = open_single_attribute(target, name);
    const object type(checked(H5Aget_type(attribute.id()), "read an attribute type"));
    if (H5Tget_class(type.id()) != H5T_STRING) {
        throw input_error(
            fmt::format("{}: attribute \"{}\" is not a string", describe(target.id()), name));
    }
    if (H5Tis_variable_str(type.id()) > 0) {
        const object memory = variable_string_type();
        char* text = nullptr;
        checked_status(H5Aread(attribute.id(), memory.id(), &text), "read attribute " + name);
        std::string value = text == nullptr ? "" : text;
        H5free_memory(text);
        return value;
    }
    const std::size_t size = H5Tget_size(type.id());
    const object memory = string_type(size);
    std::string value(size, '\0');
    checked_status(H5Aread(attribute.id(), memory.id(), value.data()), "read attribute " + name);
    value.resize(std::string_view(value.c_str()).size());
    return value;
}

double read_double_attribute(const object& target, const std::string& name) {
    const object attribute = open_single_attribute(target, name);
    double value = 0;
    if (H5Aread(attribute.id(), H5T_NATIVE_DOUBLE, &value) < 0) {
        throw input_error(
            fmt::format("{}: attribute \"{}\" is not a number", describe(target.id()), name));
    }
    return value;
}

std::int64_t read_integer_attribute(const object& target, const std::string& name) {
    const object attribute = open_single_attribute(target, name);
    std::int64_t value = 0;
    if (H5Aread(attribute.id(), H5T_NATIVE_INT64, &value) < 0) {
        throw input_error(
            fmt::format("{}: attribute \"{}\" is not an integer", describe(target.id()), name));
    }
    return value;
}

object write_vector(const object& parent, const std::string& name,
                    const std::vector<double>& values) {
    const object space = vector_space(values.size());
    object dataset(checked(H5Dcreate2(parent.id(), name.c_str(), H5T_IEEE_F64LE, space.id(),
                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           fmt::format("create dataset {} under {}", name, describe(parent.id()))));
    if (!values.empty()) {
        checked_status(
            H5Dwrite(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "write " + describe(dataset.id()));
    }
    return dataset;
}

object write_strings(const object& parent, const std::string& name,
                     const std::vector<std::string>& values) {
    const object space = vector_space(values.size());
    const object type = variable_string_type();
    object dataset(checked(H5Dcreate2(parent.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT),
                           fmt::format("create dataset {} under {}", name, describe(parent.id()))));
    std::vector<const char*> pointers;
    for (const auto& value : values) pointers.push_back(value.c_str());
    if (!values.empty()) {
        checked_status(
            H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
            "write " + describe(dataset.id()));
    }
    return dataset;
}

object write_text(const object& parent, const std::string& name, const std::string& text) {
    const object space = scalar_space();
    const object type = variable_string_type();
    object dataset(checked(H5Dcreate2(parent.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT),
                           fmt::format("create dataset {} under {}", name, describe(parent.id()))));
    const char* pointer = text.c_str();
    checked_status(H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer),
                   "write " + describe(dataset.id()));
    return dataset;
}

object open_dataset(const object& parent, const std::string& name) {
    const hid_t id = H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT);
    if (id < 0) {
        throw input_error(fmt::format("{}: missing dataset \"{}\"", describe(parent.id()), name));
    }
    return object(id);
}

std::vector<std::uint64_t> dimensions(const object& dataset) {
    const object space(checked(H5Dget_space(dataset.id()), "read a dataspace"));
    const int rank = H5Sget_simple_extent_ndims(space.id());
    if (rank < 0) throw input_error(describe(dataset.id()) + ": unreadable shape");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
    return {dims.begin(), dims.end()};
}

std::vector<double> read_vector(const object& parent, const std::string& name) {
    const object dataset = open_dataset(parent, name);
    const auto dims = dimensions(dataset);
    std::uint64_t count = 1;
    for (const auto d : dims) count *= d;
    std::vector<double> values(count);
    if (count > 0 && H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             values.data()) < 0) {
        throw input_error(describe(dataset.id()) + ": not readable as numbers");
    }
    return values;
}

std::vector<std::string> read_strings(const object& parent, const std::string& name) {
    const object dataset = open_dataset(parent, name);
    const auto dims = dimensions(dataset);
    if (dims.size() > 1) throw input_error(describe(dataset.id()) + ": not a list of strings");
    const std::uint64_t count = dims.empty() ? 1 : dims[0];
    const object type = variable_string_type();
    std::vector<char*> pointers(count, nullptr);
    if (count > 0 &&
        H5Dread(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
        throw input_error(describe(dataset.id()) + ": not readable as strings");
    }
    std::vector<std::string> values;
    for (char* pointer : pointers) {
        values.emplace_back(pointer == nullptr ? "" : pointer);
        H5free_memory(pointer);
    }
    return values;
}

std::string read_text(const object& parent, const std::string& name) {
    const auto values = read_strings(parent, name);
    return values.empty() ? std::string() : values.front();
}

object create_matrix(const object& parent, const std::string& name, std::uint64_t rows,
                     std::uint64_t columns, std::uint64_t chunk_columns) {
    const hsize_t dims[2] = {rows, columns};
    const object space(checked(H5Screate_simple(2, dims, nullptr), "create a dataspace"));
    const object properties(checked(H5Pcreate(H5P_DATASET_CREATE), "create properties"));
    const hsize_t chunk[2] = {1, std::max<hsize_t>(1, std::min<hsize_t>(chunk_columns, columns))};
    checked_status(H5Pset_chunk(properties.id(), 2, chunk), "set chunking");
    checked_status(H5Pset_shuffle(properties.id()), "set shuffle");
    checked_status(H5Pset_deflate(properties.id(), 4), "set deflate");
    const double fill = std::numeric_limits<double>::quiet_NaN();
    checked_status(H5Pset_fill_value(properties.id(), H5T_NATIVE_DOUBLE, &fill), "set fill");
    return object(checked(H5Dcreate2(parent.id(), name.c_str(), H5T_IEEE_F64LE, space.id(),
                                     H5P_DEFAULT, properties.id(), H5P_DEFAULT),
                          fmt::format("create dataset {} under {}", name, describe(parent.id()))));
}

void write_row_segment(const object& dataset, std::uint64_t row, std::uint64_t first_column,
                       const double* values, std::uint64_t count) {
    const object file_space(checked(H5Dget_space(dataset.id()), "read a dataspace"));
    const hsize_t start[2] = {row, first_column};
    const hsize_t size[2] = {1, count};
    checked_status(
        H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, size, nullptr),
        "select in " + describe(dataset.id()));
    const object memory_space = vector_space(count);
    checked_status(H5Dwrite(dataset.id(), H5T_NATIVE_DOUBLE, memory_space.id(), file_space.id(),
                            H5P_DEFAULT, values),
                   "write " + describe(dataset.id()));
}

void read_row_segment(const object& dataset, std::uint64_t row, std::uint64_t first_column,
                      double* values, std::uint64_t count) {
    const auto dims = dimensions(dataset);
    if (dims.size() != 2 || row >= dims[0] || first_column + count > dims[1]) {
        throw input_error(describe(dataset.id()) + ": has no such rows and columns");
    }
    const object file_space(checked(H5Dget_space(dataset.id()), "read a dataspace"));
    const hsize_t start[2] = {row, first_column};
    const hsize_t size[2] = {1, count};
    H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, size, nullptr);
    const object memory_space = vector_space(count);
    if (H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, memory_space.id(), file_space.id(), H5P_DEFAULT,
                values) < 0) {
        throw input_error(describe(dataset.id()) + ": not readable as numbers");
    }
}

std::vector<double> read_row(const object& dataset, std::uint64_t row) {
    const auto dims = dimensions(dataset);
    if (dims.size() != 2 || row >= dims[0]) {
        throw input_error(describe(dataset.id()) + ": not a matrix with that row");
    }
    const object file_space(checked(H5Dget_space(dataset.id()), "read a dataspace"));
    const hsize_t start[2] = {row, 0};
    const hsize_t size[2] = {1, dims[1]};
    H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, size, nullptr);
    const object memory_space = vector_space(dims[1]);
    std::vector<double> values(dims[1]);
    if (H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, memory_space.id(), file_space.id(), H5P_DEFAULT,
                values.data()) < 0) {
        throw input_error(describe(dataset.id()) + ": not readable as numbers");
    }
    return values;
}

}  // namespace vigil::h5

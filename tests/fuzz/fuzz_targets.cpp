#include "fuzz_targets.hpp"

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/result_file.hpp"
#include "engine/scan.hpp"
#include "engine/study.hpp"
#include "tools/vigil/csv_series.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::fuzz {

namespace {

namespace fs = std::filesystem;

void require(bool holds, const std::string& what) {
    if (!holds) throw invariant_broken(what);
}

std::string as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A private directory for the files the targets write, removed when the process ends. It lies
// in /dev/shm when there is one: the result-file target writes several files per input.
class scratch_directory {
public:
    scratch_directory() {
        const fs::path base = fs::is_directory("/dev/shm") && access("/dev/shm", W_OK) == 0
                                  ? fs::path("/dev/shm")
                                  : fs::temp_directory_path();
        std::string pattern = (base / "vigil-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("fuzz: cannot create a scratch directory under " +
                                     base.string());
        }
        path_ = pattern;
    }
    scratch_directory(const scratch_directory&) = delete;
    scratch_directory& operator=(const scratch_directory&) = delete;
    ~scratch_directory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

const scratch_directory& scratch() {
    static const scratch_directory directory;
    return directory;
}

void write_bytes(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("fuzz: cannot write " + path);
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// ---- scan files ------------------------------------------------------------------------

constexpr std::size_t fuzz_max_points = 10'000;

void check_plan(const scan_plan& plan) {
    require(!plan.points.empty(), "a scan plan without points");
    require(plan.replicates >= 1, "a scan plan without replicates");
    require(!plan.model_name.empty(), "a scan plan without a model");
    const auto specs = find_model(plan.model_name).parameters();
    for (const auto& name : plan.scanned_names) {
        require(plan.points.front().has(name), "scanned parameter " + name + " not in the points");
    }
    for (const auto& point : plan.points) {
        for (const auto& [name, value] : point.entries()) {
            // The message is built only on failure: a scan may hold 10^6 points.
            const auto* number = std::get_if<double>(&value);
            if (number != nullptr && !std::isfinite(*number)) {
                throw invariant_broken("parameter " + name + " is not finite");
            }
        }
    }
    const auto whole = shard_work(plan, shard_spec{});
    require(whole.begin == 0 && whole.end / plan.replicates == plan.points.size(),
            "the work of a scan is not points x replicates");
}

// ---- CSV series ------------------------------------------------------------------------

void check_series(const cli::csv_series& series) {
    require(!series.values.empty(), "a series without samples");
    require(
        series.time.size() == series.values.size() && series.lines.size() == series.values.size(),
        "time, values and lines differ in length");
    for (std::size_t i = 0; i < series.values.size(); ++i) {
        require(std::isfinite(series.values[i]) && std::isfinite(series.time[i]),
                "a sample that is not finite");
        require(std::fabs(series.values[i]) <= cli::largest_value_magnitude,
                "a value beyond the largest magnitude");
        require(i == 0 ||
                    (series.time[i] > series.time[i - 1] && series.lines[i] > series.lines[i - 1]),
                "times or lines that do not increase");
    }
    const auto has_column = [&](const std::string& name) {
        return std::find(series.columns.begin(), series.columns.end(), name) !=
               series.columns.end();
    };
    require(has_column(series.value_column), "the value column is not in the header");
    require(series.time_column.empty() || has_column(series.time_column),
            "the time column is not in the header");
    require(std::none_of(series.columns.begin(), series.columns.end(),
                         [](const std::string& name) { return name.empty(); }),
            "a column without a name");
    require(series.time_column.empty() == (series.columns.size() == 1),
            "a time column read as row numbers, or row numbers with columns to choose from");
}

// ---- result files ----------------------------------------------------------------------

// Reads the fuzzer's bytes as a stream of small decisions; past the end every answer is zero.
class byte_source {
public:
    explicit byte_source(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    bool empty() const { return position_ >= bytes_.size(); }
    std::uint8_t byte() { return empty() ? 0 : bytes_[position_++]; }
    std::size_t below(std::size_t count) { return count == 0 ? 0 : byte() % count; }

    std::uint64_t word() {
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i) value = value << 8 | byte();
        return value;
    }

    std::int64_t integer(std::int64_t near) {
        const std::array<std::int64_t, 12> values = {0,
                                                     1,
                                                     -1,
                                                     2,
                                                     near - 1,
                                                     near,
                                                     near + 1,
                                                     std::int64_t{1} << 31,
                                                     std::int64_t{1} << 62,
                                                     std::numeric_limits<std::int64_t>::max(),
                                                     std::numeric_limits<std::int64_t>::min(),
                                                     1'000'000'000};
        const auto choice = below(values.size() + 1);
        if (choice < values.size()) return values[choice];
        return static_cast<std::int64_t>(word());
    }

    double real() {
        const std::array<double, 10> values = {std::numeric_limits<double>::quiet_NaN(),
                                               std::numeric_limits<double>::infinity(),
                                               -std::numeric_limits<double>::infinity(),
                                               0.0,
                                               -0.0,
                                               0.5,
                                               1.0,
                                               1e300,
                                               -1e300,
                                               std::numeric_limits<double>::denorm_min()};
        const auto choice = below(values.size() + 1);
        if (choice < values.size()) return values[choice];
        const std::uint64_t bits = word();
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }

    std::string text(std::size_t longest) {
        const std::size_t length = below(longest + 1);
        std::string value;
        for (std::size_t i = 0; i < length && !empty(); ++i) value += static_cast<char>(byte());
        return value;
    }

    template <class T>
    const T& pick(const std::vector<T>& choices) {
        return choices[below(choices.size())];
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t position_ = 0;
};

struct base_scan {
    std::string text;
    std::array<std::string, 2> shard_bytes;  // shards 1/2 and 2/2, as vigil run wrote them
};

// Small scans of three model families, run once per process into shard files.
const std::vector<base_scan>& base_scans() {
    static const std::vector<base_scan> scans = [] {
        const std::vector<std::string> texts = {
            "model = \"ou\"\nseed = 3\nreplicates = 4\ntrajectories = 1\n[parameters]\n"
            "duration = 20.0\nburn_in = 0.0\ntime_step = 0.1\nsample_interval = 0.5\n"
            "[scan]\nrelaxation_rate = [1.0, 2.0]\n",
            "model = \"contact_sensing\"\nseed = 5\nreplicates = 4\ntrajectories = 1\n"
            "[parameters]\nreceptors = 20\nobservation_time = 1.0\n"
            "[scan]\ncontact_length_um = [2.0, 20.0]\n",
            "model = \"opposing_signals\"\nseed = 7\nreplicates = 3\ntrajectories = 1\n"
            "[parameters]\nsamples = 100\nsignal_dims = 3\nhidden_width = 4\nsteps = 30\n"
            "[scan]\nlearning_rate = [0.01, 0.05]\n"};
        std::vector<base_scan> built;
        for (const auto& text : texts) {
            const scan_plan plan = parse_scan(text, "base.toml");
            base_scan scan;
            scan.text = text;
            for (std::uint64_t k = 1; k <= 2; ++k) {
                run_request request;
                request.output = scratch().file(fmt::format("base-{}-{}.h5", built.size(), k));
                request.shard = {k, 2};
                request.command_line = "vigil run base.toml";
                request.settings.threads = 1;
                run_to_file(plan, find_model(plan.model_name), request);
                scan.shard_bytes[k - 1] = read_bytes(request.output);
                fs::remove(request.output);
            }
            built.push_back(std::move(scan));
        }
        return built;
    }();
    return scans;
}

// Every group, dataset and link below the root, to depth 4 (soft links may form cycles).
void collect_paths(hid_t file, const std::string& group, int depth,
                   std::vector<std::string>& paths) {
    if (depth > 4) return;
    const hid_t id = H5Gopen2(file, group.c_str(), H5P_DEFAULT);
    if (id < 0) return;
    const h5::object opened(id);
    std::vector<std::string> names;
    try {
        names = h5::member_names(opened);
    } catch (const std::exception&) {
        return;
    }
    for (const auto& name : names) {
        const std::string path = (group == "/" ? "/" : group + "/") + name;
        paths.push_back(path);
        collect_paths(file, path, depth + 1, paths);
    }
}

const std::vector<std::string> attribute_names = {
    "format",     "format_version", "points",    "replicates",       "seed",
    "model",      "complete",       "shard",     "shard_work_begin", "shard_work_end",
    "scan_file",  "vigil_version",  "scan_axes", "scanned",          "unit",
    "description"};

const std::vector<std::string> string_values = {"vigil-result",
                                                "ou",
                                                "contact_sensing",
                                                "opposing_signals",
                                                "grazing",
                                                "1/2",
                                                "2/2",
                                                "0/2",
                                                "3/2",
                                                "1/1",
                                                "",
                                                "learning_rate",
                                                "relaxation_rate,relaxation_rate",
                                                ",",
                                                "nope/2",
                                                "2/1"};

class mutator {
public:
    mutator(hid_t file, byte_source& source, const std::vector<base_scan>& scans)
        : file_(file), source_(source), scans_(scans) {
        collect_paths(file_, "/", 0, paths_);
        for (const auto* extra :
             {"/analysis", "/analysis.incomplete", "/trajectories", "/trajectories/point_0",
              "/trajectories/point_0/replicate_0", "/trajectories/point_1/replicate_3",
              "/results/extra", "/parameters/extra", "/scan_text", "/results", "/parameters"}) {
            paths_.push_back(extra);
        }
    }

    void apply() {
        switch (source_.below(9)) {
            case 0:
                delete_attribute();
                break;
            case 1:
            case 2:
                set_attribute();
                break;
            case 3:
                delete_link(source_.pick(paths_));
                break;
            case 4:
                replace_object();
                break;
            case 5:
            case 6:
                change_element();
                break;
            case 7:
                replace_scan_text();
                break;
            default:
                link_elsewhere();
                break;
        }
    }

private:
    // The object an attribute change goes to: the root most often.
    std::string attribute_target() {
        return source_.below(2) == 0 ? std::string("/") : source_.pick(paths_);
    }

    std::string attribute_name() {
        return source_.below(8) == 0 ? source_.text(12) : source_.pick(attribute_names);
    }

    void delete_attribute() {
        const std::string target = attribute_target();
        const std::string name = attribute_name();
        const hid_t object = H5Oopen(file_, target.c_str(), H5P_DEFAULT);
        if (object < 0) return;
        H5Adelete(object, name.c_str());
        H5Oclose(object);
    }

    // Writes an attribute of `count` elements (H5S_SCALAR when count is 1 and `scalar`).
    void write_attribute(hid_t object, const std::string& name, hid_t type, std::size_t count,
                         bool scalar, bool null_space, const void* data) {
        H5Adelete(object, name.c_str());
        const hsize_t dims[1] = {count};
        const hid_t space = null_space ? H5Screate(H5S_NULL)
                            : scalar   ? H5Screate(H5S_SCALAR)
                                       : H5Screate_simple(1, dims, nullptr);
        const hid_t attribute =
            H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attribute >= 0) {
            if (!null_space && count > 0) H5Awrite(attribute, type, data);
            H5Aclose(attribute);
        }
        H5Sclose(space);
    }

    void set_attribute() {
        const std::string target = attribute_target();
        const std::string name = attribute_name();
        const hid_t object = H5Oopen(file_, target.c_str(), H5P_DEFAULT);
        if (object < 0) return;
        const std::size_t count = source_.below(4) == 0 ? source_.below(5) : 1;
        const bool scalar = count == 1 && source_.below(4) != 0;
        const bool null_space = source_.below(16) == 0;
        switch (source_.below(7)) {
            case 0: {  // 64-bit integers
                std::vector<std::int64_t> values;
                for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
                    values.push_back(source_.integer(4));
                }
                write_attribute(object, name, H5T_NATIVE_INT64, count, scalar, null_space,
                                values.data());
                break;
            }
            case 1: {  // doubles
                std::vector<double> values;
                for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
                    values.push_back(source_.real());
                }
                write_attribute(object, name, H5T_NATIVE_DOUBLE, count, scalar, null_space,
                                values.data());
                break;
            }
            case 2:
            case 3: {  // variable-length strings
                std::vector<std::string> values;
                for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
                    values.push_back(source_.below(3) == 0 ? source_.text(24)
                                                           : source_.pick(string_values));
                }
                std::vector<const char*> pointers;
                for (const auto& value : values) pointers.push_back(value.c_str());
                const hid_t type = H5Tcopy(H5T_C_S1);
                H5Tset_size(type, H5T_VARIABLE);
                write_attribute(object, name, type, count, scalar, null_space, pointers.data());
                H5Tclose(type);
                break;
            }
            case 4: {  // a fixed-length string, padded or cut, perhaps without a terminator
                const std::string value =
                    source_.below(2) == 0 ? source_.text(24) : source_.pick(string_values);
                const std::size_t size = 1 + source_.below(32);
                std::vector<char> buffer(size * std::max<std::size_t>(count, 1), 'x');
                for (std::size_t i = 0; i < buffer.size(); ++i) {
                    buffer[i] = i % size < value.size() ? value[i % size] : '\0';
                }
                const hid_t type = H5Tcopy(H5T_C_S1);
                H5Tset_size(type, size);
                H5Tset_strpad(type, source_.below(2) == 0 ? H5T_STR_NULLPAD : H5T_STR_NULLTERM);
                write_attribute(object, name, type, count, scalar, null_space, buffer.data());
                H5Tclose(type);
                break;
            }
            case 5: {  // small or unsigned integers, floats
                const std::array<hid_t, 5> types = {H5T_NATIVE_UINT8, H5T_NATIVE_INT8,
                                                    H5T_NATIVE_UINT64, H5T_NATIVE_FLOAT,
                                                    H5T_NATIVE_INT16};
                const hid_t type = types[source_.below(types.size())];
                std::vector<std::uint8_t> buffer(8 * std::max<std::size_t>(count, 1));
                for (auto& b : buffer) b = source_.byte();
                write_attribute(object, name, type, count, scalar, null_space, buffer.data());
                break;
            }
            default: {  // a compound of two integers
                const hid_t type = H5Tcreate(H5T_COMPOUND, 16);
                H5Tinsert(type, "a", 0, H5T_NATIVE_INT64);
                H5Tinsert(type, "b", 8, H5T_NATIVE_INT64);
                std::vector<std::int64_t> values(2 * std::max<std::size_t>(count, 1));
                for (auto& value : values) value = source_.integer(4);
                write_attribute(object, name, type, count, scalar, null_space, values.data());
                H5Tclose(type);
                break;
            }
        }
        H5Oclose(object);
    }

    void delete_link(const std::string& path) {
        if (path == "/" || !h5_exists(path)) return;
        H5Ldelete(file_, path.c_str(), H5P_DEFAULT);
    }

    bool h5_exists(const std::string& path) const {
        std::size_t position = 0;
        while (true) {
            position = path.find('/', position + 1);
            const std::string prefix = path.substr(0, position);
            if (H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
            if (position == std::string::npos) return true;
        }
    }

    hid_t intermediate_groups() const {
        const hid_t properties = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(properties, 1);
        return properties;
    }

    // A dataset, group or string at `path` in place of what was there.
    void replace_object() {
        const std::string path = source_.pick(paths_);
        if (path == "/") return;
        delete_link(path);
        const hid_t links = intermediate_groups();
        const auto kind = source_.below(5);
        if (kind == 0) {
            const hid_t group = H5Gcreate2(file_, path.c_str(), links, H5P_DEFAULT, H5P_DEFAULT);
            if (group >= 0) H5Gclose(group);
            H5Pclose(links);
            return;
        }
        const int rank = static_cast<int>(source_.below(4));
        std::array<hsize_t, 3> dims{};
        std::size_t count = 1;
        for (int d = 0; d < rank; ++d) {
            dims[static_cast<std::size_t>(d)] = source_.below(6);
            count *= dims[static_cast<std::size_t>(d)];
        }
        const hid_t space =
            rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims.data(), nullptr);
        hid_t type = H5Tcopy(kind == 1 ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE);
        std::vector<double> reals(std::max<std::size_t>(count, 1));
        std::vector<std::int32_t> integers(std::max<std::size_t>(count, 1));
        std::vector<std::string> texts(std::max<std::size_t>(count, 1));
        std::vector<const char*> pointers;
        const void* data = reals.data();
        if (kind == 1) {
            for (auto& value : integers) value = static_cast<std::int32_t>(source_.integer(2));
            data = integers.data();
        } else if (kind == 2) {
            for (auto& value : reals) value = source_.real();
        } else {
            H5Tclose(type);
            type = H5Tcopy(H5T_C_S1);
            H5Tset_size(type, H5T_VARIABLE);
            for (auto& value : texts) {
                value = source_.below(2) == 0 ? source_.text(16) : source_.pick(string_values);
                pointers.push_back(value.c_str());
            }
            data = pointers.data();
        }
        const hid_t dataset =
            H5Dcreate2(file_, path.c_str(), type, space, links, H5P_DEFAULT, H5P_DEFAULT);
        if (dataset >= 0) {
            if (count > 0) H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
            H5Dclose(dataset);
        }
        H5Tclose(type);
        H5Sclose(space);
        H5Pclose(links);
    }

    // One element of a numeric dataset, often a result, set to an odd value.
    void change_element() {
        std::vector<std::string> numeric;
        for (const auto& path : paths_) {
            if (path.rfind("/results/", 0) == 0 || path.rfind("/parameters/", 0) == 0 ||
                path.rfind("/trajectories/", 0) == 0) {
                numeric.push_back(path);
            }
        }
        if (numeric.empty()) return;
        const std::string path = source_.pick(numeric);
        const hid_t dataset = H5Dopen2(file_, path.c_str(), H5P_DEFAULT);
        if (dataset < 0) return;
        const hid_t type = H5Dget_type(dataset);
        const hid_t space = H5Dget_space(dataset);
        const int rank = H5Sget_simple_extent_ndims(space);
        if (H5Tget_class(type) == H5T_FLOAT && rank >= 1 && rank <= 3) {
            std::array<hsize_t, 3> dims{}, start{}, one{1, 1, 1};
            H5Sget_simple_extent_dims(space, dims.data(), nullptr);
            bool empty = false;
            for (int d = 0; d < rank; ++d) {
                const auto axis = static_cast<std::size_t>(d);
                if (dims[axis] == 0) empty = true;
                start[axis] = dims[axis] == 0 ? 0 : source_.below(dims[axis]);
            }
            const double value = source_.real();
            const hsize_t memory_dims[1] = {1};
            const hid_t memory = H5Screate_simple(1, memory_dims, nullptr);
            if (!empty && H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr,
                                              one.data(), nullptr) >= 0) {
                H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, &value);
            }
            H5Sclose(memory);
        }
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(dataset);
    }

    void replace_scan_text() {
        std::string text;
        switch (source_.below(4)) {
            case 0:
                text = source_.text(200);
                break;
            case 1:
                text = source_.pick(scans_).text;
                break;
            default: {  // the other shard's text with one line changed
                text = scans_[source_.below(scans_.size())].text;
                const auto line = source_.pick(std::vector<std::string>{
                    "replicates = ", "seed = ", "trajectories = ", "model = \"", "[scan]\n"});
                const auto position = text.find(line.substr(0, 6));
                const std::string value = source_.text(6);
                if (position != std::string::npos) text.insert(position + line.size(), value);
                break;
            }
        }
        delete_link("/scan_text");
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hid_t space = H5Screate(H5S_SCALAR);
        const hid_t dataset =
            H5Dcreate2(file_, "/scan_text", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char* pointer = text.c_str();
        if (dataset >= 0) {
            H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer);
            H5Dclose(dataset);
        }
        H5Sclose(space);
        H5Tclose(type);
    }

    // A soft or hard link from one path to another, which may be missing or a cycle.
    void link_elsewhere() {
        const std::string path = source_.pick(paths_);
        const std::string target = source_.pick(paths_);
        if (path == "/") return;
        delete_link(path);
        const hid_t links = intermediate_groups();
        if (source_.below(2) == 0) {
            H5Lcreate_soft(target.c_str(), file_, path.c_str(), links, H5P_DEFAULT);
        } else {
            H5Lcreate_hard(file_, target.c_str(), file_, path.c_str(), links, H5P_DEFAULT);
        }
        H5Pclose(links);
    }

    hid_t file_;
    byte_source& source_;
    const std::vector<base_scan>& scans_;
    std::vector<std::string> paths_;
};

void change_file(const std::string& path, byte_source& source, const std::vector<base_scan>& scans,
                 std::size_t changes) {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) throw std::runtime_error("fuzz: cannot reopen " + path);
    for (std::size_t i = 0; i < changes && !source.empty(); ++i)
        mutator(file, source, scans).apply();
    H5Fclose(file);
}

// What `vigil info` reads.
void read_as_info(const std::string& path) {
    const result_file file(path, false);
    const model& chosen = find_model(file.model_name());
    const auto fields = chosen.results();
    for (std::uint64_t p = 0; p < file.point_count() && !fields.empty(); ++p) {
        const auto row = file.results_of_point(fields.front().name, p);
        require(row.size() == file.replicates(), "a result row that is not replicates long");
    }
    (void)file.complete();
    for (const auto* name : {"model", "vigil_version", "git_commit", "created_utc", "completed_utc",
                             "command_line", "scan_file", "hdf5_version"}) {
        (void)file.attribute(name);
    }
    (void)file.seed();
    (void)file.scanned_names();
    (void)file.result_names();
}

// What `vigil analyze` reads and stores (with the smallest bootstrap the command allows).
void read_as_analyze(const std::string& path) {
    result_file file(path, true);
    if (!file.complete()) return;
    const model& chosen = find_model(file.model_name());
    analysis_options options;
    options.bootstrap_resamples = 100;
    options.seed = file.seed();
    (void)file.scanned_names();
    const auto points = file.points(chosen);
    require(points.size() == file.point_count(), "points() is not point_count() long");
    std::vector<std::vector<report_column>> rows;
    for (std::uint64_t p = 0; p < points.size(); ++p) {
        std::map<std::string, std::vector<double>> storage;
        point_results results;
        for (const auto& field : chosen.results()) {
            storage[field.name] = file.results_of_point(field.name, p);
            results[field.name] = storage[field.name];
        }
        options.point = p;
        try {
            rows.push_back(chosen.analyze(points[p], results, options));
        } catch (const std::exception& error) {
            // `vigil analyze` reports any failure of the model's analysis as damaged input.
            throw input_error(error.what());
        }
    }
    file.write_analysis(rows, options);
}

template <class F>
outcome refused_on_error(F&& read) {
    try {
        read();
        return outcome::accepted;
    } catch (const input_error&) {
        return outcome::refused;
    } catch (const run_error&) {
        return outcome::refused;
    }
}

}  // namespace

outcome scan_text(std::span<const std::uint8_t> bytes) {
    try {
        // 10^4 points: the limit's checks are the same, and a plan at the limit is parsed in
        // well under a second under the sanitizers (10^6 points take a minute there).
        check_plan(parse_scan(as_text(bytes), "fuzz.toml", fuzz_max_points));
        return outcome::accepted;
    } catch (const input_error&) {
        return outcome::refused;
    }
}

outcome csv_text(std::span<const std::uint8_t> bytes) {
    const std::string path = scratch().file("series.csv");
    write_bytes(path, as_text(bytes));
    outcome result = outcome::accepted;
    for (const auto& [time, value] :
         std::array<std::pair<const char*, const char*>, 2>{{{"", ""}, {"time", "value"}}}) {
        try {
            check_series(cli::read_csv_series(path, time, value));
        } catch (const input_error&) {
            result = outcome::refused;
        }
    }
    return result;
}

outcome result_file_changes(std::span<const std::uint8_t> bytes) {
    h5::silence_library_errors();
    const auto& scans = base_scans();
    byte_source source(bytes);
    const base_scan& scan = scans[source.below(scans.size())];
    const std::array<std::string, 2> shards = {scratch().file("shard-1.h5"),
                                               scratch().file("shard-2.h5")};
    for (std::size_t k = 0; k < 2; ++k) write_bytes(shards[k], scan.shard_bytes[k]);
    const std::size_t changed = source.below(2);
    change_file(shards[changed], source, scans, 1 + source.below(8));

    const std::string merged = scratch().file("merged.h5");
    std::error_code ignored;
    fs::remove(merged, ignored);
    const std::array<outcome, 4> outcomes = {
        refused_on_error([&] { read_as_info(shards[changed]); }),
        refused_on_error([&] { read_as_analyze(shards[changed]); }), refused_on_error([&] {
            merge_shards({shards[0], shards[1]}, merged, true, "vigil merge");
        }),
        refused_on_error([&] {
            if (fs::exists(merged)) read_as_analyze(merged);
        })};
    for (const auto& shard : shards) fs::remove(shard, ignored);
    fs::remove(merged, ignored);
    for (const auto each : outcomes) {
        if (each == outcome::refused) return outcome::refused;
    }
    return outcome::accepted;
}

}  // namespace vigil::fuzz

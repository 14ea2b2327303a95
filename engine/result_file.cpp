#include "result_file.hpp"

#include "error.hpp"
#include "vigil/version.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/version.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace vigil {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t chunk_replicates = 4096;

std::string utc_now() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

// A file descriptor closed when it goes out of scope.
struct open_descriptor {
    int number;
    explicit open_descriptor(int opened) : number(opened) {}
    open_descriptor(const open_descriptor&) = delete;
    open_descriptor& operator=(const open_descriptor&) = delete;
    ~open_descriptor() {
        if (number >= 0) ::close(number);
    }
};

[[noreturn]] void fail_with_errno(const std::string& what) {
    throw run_error(fmt::format("cannot {}: {}", what, std::strerror(errno)));
}

// Copies `from` into the empty file open as `target` (named `to`), gives it `from`'s permission
// bits, which the umask would otherwise have cut, and makes it durable (fsync). Unlike
// std::filesystem::copy_file, a failure names the operating system's reason (a full disk).
void copy_file_durably(const std::string& from, int target, const std::string& to) {
    const open_descriptor source(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat status {};
    if (source.number < 0 || ::fstat(source.number, &status) != 0) fail_with_errno("read " + from);
    std::vector<char> buffer(1 << 20);
    while (true) {
        const auto got = ::read(source.number, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) fail_with_errno("read " + from);
        if (got == 0) break;
        for (ssize_t written = 0; written < got;) {
            const auto put =
                ::write(target, buffer.data() + written, static_cast<std::size_t>(got - written));
            if (put < 0 && errno == EINTR) continue;
            if (put < 0) fail_with_errno("write " + to);
            written += put;
        }
    }
    if (::fchmod(target, status.st_mode & 07777) != 0) fail_with_errno("set the mode of " + to);
    if (::fsync(target) != 0) fail_with_errno("write " + to + " to disk");
}

// Opens (creating it if need be) and flocks the scratch file of a store, emptied; input_error
// naming `shown` if another store holds it. The holder before us may rename or remove the file
// between our open and our lock; then the descriptor no longer names `scratch` and we start over.
int lock_scratch(const std::string& shown, const std::string& scratch) {
    while (true) {
        const int descriptor =
            ::open(scratch.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (descriptor < 0) fail_with_errno("create " + scratch);
        open_descriptor held(descriptor);
        if (::flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) {
                throw input_error(
                    fmt::format("{}: another vigil analyze is storing into it now", shown));
            }
            fail_with_errno("lock " + scratch);
        }
        struct stat opened {};
        struct stat named {};
        if (::fstat(descriptor, &opened) != 0) fail_with_errno("read " + scratch);
        if (::lstat(scratch.c_str(), &named) != 0) {
            if (errno == ENOENT) continue;
            fail_with_errno("read " + scratch);
        }
        if (opened.st_dev != named.st_dev || opened.st_ino != named.st_ino) continue;
        if (::ftruncate(descriptor, 0) != 0) fail_with_errno("empty " + scratch);
        held.number = -1;
        return descriptor;
    }
}

std::string boost_version() {
    return fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                       BOOST_VERSION % 100);
}

void describe_dataset(const h5::object& dataset, const std::string& unit,
                      const std::string& description) {
    h5::write_attribute(dataset, "unit", unit);
    h5::write_attribute(dataset, "description", description);
}

void write_parameters(const h5::object& file, const scan_plan& plan, const model& chosen) {
    const h5::object group = h5::create_group(file, "parameters");
    h5::write_attribute(group, "description",
                        "parameter values of each scan point (index = row of /results/*)");
    std::string axes;
    for (const auto& name : plan.scanned_names) axes += (axes.empty() ? "" : ",") + name;
    h5::write_attribute(group, "scan_axes", axes);
    h5::write_attribute(group, "scan_axes_description",
                        "scanned parameters in grid order, first varying slowest; comma-separated");
    for (const auto& spec : chosen.parameters()) {
        if (!plan.points.front().has(spec.name)) continue;
        h5::object dataset;
        if (spec.kind == parameter_kind::choice) {
            std::vector<std::string> values;
            for (const auto& point : plan.points) values.push_back(point.choice(spec.name));
            dataset = h5::write_strings(group, spec.name, values);
        } else {
            std::vector<double> values;
            for (const auto& point : plan.points) values.push_back(point.real(spec.name));
            dataset = h5::write_vector(group, spec.name, values);
        }
        describe_dataset(dataset, spec.unit, spec.description);
        const bool scanned = std::find(plan.scanned_names.begin(), plan.scanned_names.end(),
                                       spec.name) != plan.scanned_names.end();
        h5::write_attribute(dataset, "scanned", std::int64_t{scanned ? 1 : 0});
    }
}

}  // namespace

result_writer::result_writer(const std::string& path, const scan_plan& plan, const model& chosen,
                             const std::string& command_line)
    : file_(h5::create_file(path)) {
    h5::write_attribute(file_, "format", std::string(result_format_name));
    h5::write_attribute(file_, "format_version", result_format_version);
    h5::write_attribute(file_, "vigil_version", std::string(vigil_version));
    h5::write_attribute(file_, "git_commit", std::string(vigil_git_commit));
    h5::write_attribute(file_, "created_utc", utc_now());
    h5::write_attribute(file_, "command_line", command_line);
    h5::write_attribute(file_, "model", plan.model_name);
    h5::write_attribute(file_, "seed", static_cast<std::int64_t>(plan.seed));
    h5::write_attribute(file_, "replicates", static_cast<std::int64_t>(plan.replicates));
    h5::write_attribute(file_, "points", static_cast<std::int64_t>(plan.points.size()));
    h5::write_attribute(file_, "scan_file", plan.path);
    h5::write_attribute(file_, "hdf5_version", h5::library_version());
    h5::write_attribute(file_, "boost_version", boost_version());
    h5::write_attribute(file_, "complete", std::int64_t{0});
    h5::write_attribute(file_, "layout",
                        std::string("results/NAME[point, replicate]; parameters/NAME[point]; "
                                    "scan_text; analysis/NAME[point] after `vigil analyze`"));
    h5::write_text(file_, "scan_text", plan.text);
    write_parameters(file_, plan, chosen);

    const h5::object results = h5::create_group(file_, "results");
    h5::write_attribute(results, "description",
                        "per-replicate results: rows are scan points, columns replicates; "
                        "NaN marks work not yet done");
    for (const auto& field : chosen.results()) {
        h5::object dataset = h5::create_matrix(results, field.name, plan.points.size(),
                                               plan.replicates, chunk_replicates);
        describe_dataset(dataset, field.unit, field.description);
        result_datasets_.push_back(std::move(dataset));
    }
    if (plan.trajectories > 0) {
        trajectories_ = h5::create_group(file_, "trajectories");
        h5::write_attribute(trajectories_, "description",
                            "detail of the first replicates of each point: "
                            "point_P/replicate_R/NAME");
    }
    h5::flush(file_);
}

void result_writer::write_block(std::uint64_t point, std::uint64_t first_replicate,
                                std::uint64_t count, const std::vector<double>& values) {
    for (std::size_t field = 0; field < result_datasets_.size(); ++field) {
        h5::write_row_segment(result_datasets_[field], point, first_replicate,
                              values.data() + field * count, count);
    }
}

void result_writer::write_trajectory(std::uint64_t point, std::uint64_t replicate,
                                     const trajectory_record& record) {
    const std::string point_name = fmt::format("point_{}", point);
    if (!h5::exists(trajectories_, point_name)) h5::create_group(trajectories_, point_name);
    const h5::object point_group = h5::open_group(trajectories_, point_name);
    const h5::object group = h5::create_group(point_group, fmt::format("replicate_{}", replicate));
    for (const auto& [name, series] : record) {
        const h5::object dataset = h5::write_vector(group, name, series.values);
        describe_dataset(dataset, series.unit, series.description);
    }
}

void result_writer::write(const result_block& block) {
    write_block(block.point, block.first_replicate, block.count, block.values);
    for (const auto& [replicate, record] : block.trajectories) {
        write_trajectory(block.point, replicate, record);
    }
}

void result_writer::mark_shard(std::uint64_t index, std::uint64_t count, std::uint64_t work_begin,
                               std::uint64_t work_end) {
    h5::write_attribute(file_, "shard", fmt::format("{}/{}", index, count));
    h5::write_attribute(file_, "shard_work_begin", static_cast<std::int64_t>(work_begin));
    h5::write_attribute(file_, "shard_work_end", static_cast<std::int64_t>(work_end));
}

void result_writer::finish() {
    h5::flush(file_);
    h5::write_attribute(file_, "completed_utc", utc_now());
    h5::write_attribute(file_, "complete", std::int64_t{1});
    h5::flush(file_);
    result_datasets_.clear();
    trajectories_.close();
    file_.close();
}

namespace {

// Refuses, before HDF5 is asked, what is plainly not a result file: a directory or a journal.
const std::string& checked_result_path(const std::string& path) {
    std::error_code ignored;
    if (fs::is_directory(path, ignored)) {
        throw input_error(fmt::format("{}: is a directory, not a result file", path));
    }
    if (is_journal_file(path) && journal_in_use(path)) {
        throw input_error(fmt::format(
            "{}: is the journal of a run that vigil is writing now, not a result file; `vigil "
            "info {}` tells how far it got",
            path, path));
    }
    if (is_journal_file(path)) {
        const std::string output =
            path.ends_with(".journal") ? path.substr(0, path.size() - 8) : "OUT.h5";
        throw input_error(fmt::format(
            "{}: is the journal of an unfinished run, not a result file; `vigil info {}` tells "
            "how far it got, and `vigil run SCAN.toml -o {} --resume` finishes it",
            path, path, output));
    }
    return path;
}

}  // namespace

std::string analysis_scratch_path(const std::string& path) {
    return path + ".analysis.partial";
}

result_file::result_file(const std::string& path, bool writable, bool library_locking)
    : path_(path), file_(h5::open_file(checked_result_path(path), writable, library_locking)) {
    const auto refuse = [&](const std::string& why) {
        throw input_error(fmt::format("{}: not a vigil result file ({})", path, why));
    };
    if (!h5::has_attribute(file_, "format")) refuse("no \"format\" attribute at the root");
    const std::string format = h5::read_string_attribute(file_, "format");
    if (format != result_format_name) refuse("format is \"" + format + "\"");
    const auto version = h5::read_integer_attribute(file_, "format_version");
    if (version != result_format_version) {
        refuse(fmt::format("format version {} but this vigil reads version {}", version,
                           result_format_version));
    }
    for (const auto* count : {"points", "replicates"}) {
        if (h5::read_integer_attribute(file_, count) < 1) {
            refuse(fmt::format("attribute \"{}\" is not a positive count", count));
        }
    }
    // Every result is a points x replicates matrix: the counts are what the file holds, so no
    // reader sizes anything by an attribute alone.
    if (!h5::exists(file_, "results")) refuse("no /results group");
    const h5::object results = h5::open_group(file_, "results");
    const std::vector<std::uint64_t> shape = {point_count(), replicates()};
    for (const auto& name : h5::member_names(results)) {
        if (h5::dimensions(h5::open_dataset(results, name)) != shape) {
            refuse(fmt::format("/results/{} is not points x replicates ({} x {})", name, shape[0],
                               shape[1]));
        }
    }
}

bool result_file::complete() const {
    return h5::has_attribute(file_, "complete") &&
           h5::read_integer_attribute(file_, "complete") == 1;
}

std::string result_file::model_name() const {
    return h5::read_string_attribute(file_, "model");
}

std::uint64_t result_file::seed() const {
    return static_cast<std::uint64_t>(h5::read_integer_attribute(file_, "seed"));
}

std::uint64_t result_file::replicates() const {
    return static_cast<std::uint64_t>(h5::read_integer_attribute(file_, "replicates"));
}

std::uint64_t result_file::point_count() const {
    return static_cast<std::uint64_t>(h5::read_integer_attribute(file_, "points"));
}

std::string result_file::scan_text() const {
    return h5::read_text(file_, "scan_text");
}

std::string result_file::attribute(const std::string& name) const {
    if (!h5::has_attribute(file_, name)) return "";
    return h5::read_string_attribute(file_, name);
}

std::vector<parameter_set> result_file::points(const model& chosen) const {
    // The values are checked as a scan file's are: a file altered after the run must not hand
    // the model a parameter it would never have been given.
    const h5::object group = h5::open_group(file_, "parameters");
    std::vector<parameter_set> points(point_count());
    for (const auto& spec : chosen.parameters()) {
        if (!h5::exists(group, spec.name)) continue;
        const std::string where = fmt::format("{}: /parameters/{}", path_, spec.name);
        if (h5::dimensions(h5::open_dataset(group, spec.name)) !=
            std::vector<std::uint64_t>{points.size()}) {
            throw input_error(
                fmt::format("{}: not one value per scan point ({})", where, points.size()));
        }
        std::vector<parameter_value> values;
        if (spec.kind == parameter_kind::choice) {
            for (auto& value : h5::read_strings(group, spec.name)) values.emplace_back(value);
        } else {
            for (const double value : h5::read_vector(group, spec.name)) values.emplace_back(value);
        }
        for (std::size_t p = 0; p < points.size(); ++p) {
            points[p].set(spec.name, check_value(spec, values[p], fmt::format("{}[{}]", where, p)));
        }
    }
    for (std::size_t p = 0; p < points.size(); ++p) {
        try {
            chosen.check(points[p]);
        } catch (const std::exception& error) {
            throw input_error(
                fmt::format("{}: /parameters of scan point {}: {}", path_, p + 1, error.what()));
        }
    }
    return points;
}

std::vector<std::string> result_file::scanned_names() const {
    const h5::object group = h5::open_group(file_, "parameters");
    if (h5::has_attribute(group, "scan_axes")) {
        std::vector<std::string> names;
        std::string axes = h5::read_string_attribute(group, "scan_axes");
        for (std::size_t start = 0; !axes.empty() && start <= axes.size();) {
            const auto comma = std::min(axes.find(',', start), axes.size());
            names.push_back(axes.substr(start, comma - start));
            start = comma + 1;
        }
        return names;
    }
    std::vector<std::string> names;
    for (const auto& name : h5::member_names(group)) {
        const h5::object dataset = h5::open_dataset(group, name);
        if (h5::has_attribute(dataset, "scanned") &&
            h5::read_integer_attribute(dataset, "scanned") == 1) {
            names.push_back(name);
        }
    }
    return names;
}

std::vector<std::string> result_file::result_names() const {
    return h5::member_names(h5::open_group(file_, "results"));
}

std::vector<double> result_file::results_of_point(const std::string& field,
                                                  std::uint64_t point) const {
    const h5::object group = h5::open_group(file_, "results");
    const h5::object dataset = h5::open_dataset(group, field);
    const auto shape = h5::dimensions(dataset);
    if (shape != std::vector<std::uint64_t>{point_count(), replicates()}) {
        throw input_error(fmt::format("{}: /results/{} is not points x replicates ({} x {})", path_,
                                      field, point_count(), replicates()));
    }
    return h5::read_row(dataset, point);
}

std::pair<std::uint64_t, std::uint64_t> result_file::work_held() const {
    if (h5::has_attribute(file_, "shard_work_begin")) {
        return {static_cast<std::uint64_t>(h5::read_integer_attribute(file_, "shard_work_begin")),
                static_cast<std::uint64_t>(h5::read_integer_attribute(file_, "shard_work_end"))};
    }
    return {0, point_count() * replicates()};
}

namespace {

trajectory_record read_trajectory(const h5::object& group) {
    trajectory_record record;
    for (const auto& name : h5::member_names(group)) {
        const h5::object dataset = h5::open_dataset(group, name);
        trajectory_series series;
        series.unit = h5::read_string_attribute(dataset, "unit");
        series.description = h5::read_string_attribute(dataset, "description");
        series.values = h5::read_vector(group, name);
        record.emplace(name, std::move(series));
    }
    return record;
}

}  // namespace

void result_file::copy_work_into(result_writer& writer, const scan_plan& plan,
                                 const model& chosen) const {
    constexpr std::uint64_t copy_block = 65536;
    const auto [begin, end] = work_held();
    const auto fields = chosen.results();
    const h5::object results = h5::open_group(file_, "results");
    std::vector<h5::object> datasets;
    for (const auto& field : fields) datasets.push_back(h5::open_dataset(results, field.name));
    const bool has_trajectories = h5::exists(file_, "trajectories");

    for (std::uint64_t work = begin; work < end;) {
        const std::uint64_t point = work / plan.replicates;
        const std::uint64_t first = work - point * plan.replicates;
        const std::uint64_t count = std::min({copy_block, end - work, plan.replicates - first});
        result_block block;
        block.point = point;
        block.first_replicate = first;
        block.count = count;
        block.values.resize(fields.size() * count);
        for (std::size_t f = 0; f < fields.size(); ++f) {
            h5::read_row_segment(datasets[f], point, first, block.values.data() + f * count, count);
        }
        for (std::uint64_t r = first;
             has_trajectories && r < first + count && r < plan.trajectories; ++r) {
            const std::string path = fmt::format("trajectories/point_{}/replicate_{}", point, r);
            if (h5::exists(file_, path)) {
                block.trajectories.emplace_back(r, read_trajectory(h5::open_group(file_, path)));
            }
        }
        writer.write(block);
        work += count;
    }
}

void result_file::write_analysis(const std::vector<std::vector<report_column>>& rows,
                                 const analysis_options& options) {
    // "analysis.incomplete" is the scratch group of vigil 0.x versions that wrote in place; one
    // left behind by a failed store is dropped with the old analysis.
    for (const auto* name : {"analysis.incomplete", "analysis"}) {
        if (H5Lexists(file_.id(), name, H5P_DEFAULT) != 0 &&
            H5Ldelete(file_.id(), name, H5P_DEFAULT) < 0) {
            throw run_error(fmt::format("{}: cannot remove the old /{}", path_, name));
        }
    }
    fill_analysis(h5::create_group(file_, "analysis"), rows, options);
    h5::flush(file_);
}

void result_file::close() {
    h5::close_file(file_);
}

analysis_store::analysis_store(const std::string& path) : path_(path) {
    std::error_code error;
    target_ = fs::canonical(path, error).string();
    if (error) {
        throw run_error(
            fmt::format("{}: cannot resolve the file's path: {}", path, error.message()));
    }
    scratch_ = analysis_scratch_path(target_);
    lock_ = lock_scratch(path_, scratch_);
}

analysis_store::~analysis_store() {
    release(true);
}

// Only the lock's holder renames or removes the scratch file, so the name is still ours here.
void analysis_store::release(bool remove_scratch) {
    if (lock_ < 0) return;
    if (remove_scratch) ::unlink(scratch_.c_str());
    ::close(lock_);
    lock_ = -1;
}

void analysis_store::store(const std::vector<std::vector<report_column>>& rows,
                           const analysis_options& options) {
    try {
        if (lock_ < 0) throw run_error("the analysis was stored already");
        copy_file_durably(target_, lock_, scratch_);
        {
            // HDF5's own lock would clash with ours on the same file.
            result_file scratch(scratch_, true, false);
            scratch.write_analysis(rows, options);
            scratch.close();
        }
        if (::fsync(lock_) != 0) fail_with_errno("write " + scratch_ + " to disk");
        std::error_code error;
        fs::rename(scratch_, target_, error);
        if (error) throw run_error(fmt::format("cannot rename {}: {}", scratch_, error.message()));
    } catch (const std::exception& failure) {
        release(true);
        throw run_error(
            fmt::format("{}: the analysis was printed but not stored; the file is "
                        "unchanged: {}",
                        path_, failure.what()));
    }
    release(false);
}

void result_file::fill_analysis(const h5::object& group,
                                const std::vector<std::vector<report_column>>& rows,
                                const analysis_options& options) const {
    h5::write_attribute(group, "description",
                        "per-point statistics from `vigil analyze`; theory_* columns are theory, "
                        "NAME_lower/NAME_upper the confidence interval");
    h5::write_attribute(group, "false_positive_rate", options.false_positive_rate);
    h5::write_attribute(group, "confidence_level", options.confidence_level);
    h5::write_attribute(group, "bootstrap_resamples",
                        static_cast<std::int64_t>(options.bootstrap_resamples));
    h5::write_attribute(group, "created_utc", utc_now());
    if (rows.empty()) return;

    for (std::size_t c = 0; c < rows.front().size(); ++c) {
        const auto& first = rows.front()[c];
        std::vector<double> values, lower, upper;
        for (const auto& row : rows) {
            values.push_back(row[c].value);
            lower.push_back(row[c].lower);
            upper.push_back(row[c].upper);
        }
        describe_dataset(h5::write_vector(group, first.name, values), first.unit,
                         first.description);
        if (first.has_interval) {
            const std::string level = fmt::format("{:g}", options.confidence_level);
            describe_dataset(h5::write_vector(group, first.name + "_lower", lower), first.unit,
                             "lower end of the " + level + " interval of " + first.name);
            describe_dataset(h5::write_vector(group, first.name + "_upper", upper), first.unit,
                             "upper end of the " + level + " interval of " + first.name);
        }
    }
}

}  // namespace vigil

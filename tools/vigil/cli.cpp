#include "cli.hpp"

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/journal.hpp"
#include "engine/model.hpp"
#include "engine/result_file.hpp"
#include "engine/runner.hpp"
#include "engine/scan.hpp"
#include "engine/study.hpp"
#include "ews_command.hpp"
#include "mpi_session.hpp"
#include "option_checks.hpp"
#include "result_figures.hpp"
#include "table.hpp"
#include "vigil/version.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

namespace vigil::cli {

namespace {

namespace fs = std::filesystem;

struct run_arguments {
    std::string scan_path;
    std::string output_path;
    int threads = 0;
    bool overwrite = false;
    bool resume = false;
    bool output_given = false;
    std::string shard;
    std::uint64_t block_replicates = 2048;
};

struct analyze_arguments {
    std::string file_path;
    double false_positive_rate = 0.05;
    double confidence_level = 0.95;
    std::uint64_t bootstrap_resamples = 1000;
    std::string format = "table";
    bool store = true;
    std::string plot_directory;
    bool plot_given = false;
    bool overwrite = false;
};

std::string joined_command_line(int argc, char** argv) {
    std::string text;
    for (int i = 0; i < argc; ++i) {
        if (i > 0) text += ' ';
        text += argv[i];
    }
    return text;
}

bool stderr_is_terminal() {
    return isatty(fileno(stderr)) != 0;
}

// A bar on a terminal; otherwise a line per finished point, and for long points a line at most
// every 30 seconds, so that a log shows the run is alive.
void report_progress(const run_progress& progress) {
    using clock = std::chrono::steady_clock;
    static clock::time_point last_line = clock::now();
    const double fraction = progress.work_total == 0 ? 1.0
                                                     : static_cast<double>(progress.work_done) /
                                                           static_cast<double>(progress.work_total);
    if (stderr_is_terminal()) {
        constexpr std::size_t bar = 30;
        const auto filled = static_cast<std::size_t>(fraction * bar);
        fmt::print(stderr, "\r[{}{}] {:5.1f}%  point {}/{}", std::string(filled, '='),
                   std::string(bar - filled, ' '), 100 * fraction, progress.point + 1,
                   progress.points);
        if (progress.work_done == progress.work_total) fmt::print(stderr, "\n");
    } else if (progress.point_finished) {
        fmt::print(stderr, "vigil: point {}/{} done in {:.2f} s ({:.1f}% of the run)\n",
                   progress.point + 1, progress.points, progress.point_seconds, 100 * fraction);
        last_line = clock::now();
    } else if (clock::now() - last_line > std::chrono::seconds(30)) {
        fmt::print(stderr, "vigil: point {}/{} running, {:.1f}% of the run done\n",
                   progress.point + 1, progress.points, 100 * fraction);
        last_line = clock::now();
    }
    std::fflush(stderr);
}

// On SIGINT or SIGTERM during a run: say how to continue, then die of the signal as usual. The
// journal already holds every finished block, so nothing else needs saving.
extern "C" void announce_interruption(int signal_number) {
    constexpr char message[] =
        "\nvigil: interrupted; finished work is kept in the run journal; run the same command "
        "with --resume to continue\n";
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

// ---- vigil run -------------------------------------------------------------------------

// Whether two paths name one file: the same path once `.`, `..` and links are resolved, or
// (for an existing file) the same inode.
bool same_file(const std::string& a, const std::string& b) {
    std::error_code error_a;
    std::error_code error_b;
    const auto resolved_a = fs::weakly_canonical(a, error_a);
    const auto resolved_b = fs::weakly_canonical(b, error_b);
    if (!error_a && !error_b && resolved_a == resolved_b) return true;
    std::error_code not_comparable;
    return fs::equivalent(a, b, not_comparable);
}

std::string default_output(const run_arguments& arguments, const shard_spec& shard) {
    const std::string stem = fs::path(arguments.scan_path).stem().string();
    if (shard.count == 1) return stem + ".h5";
    return fmt::format("{}.shard-{}-of-{}.h5", stem, shard.index, shard.count);
}

// Under mpirun: rank R runs shard R+1 of N into OUT.shard-(R+1)-of-N, then rank 0 merges the
// shard files into OUT and removes them. Each rank resumes its own journal with --resume.
int run_under_mpi(const scan_plan& plan, const model& chosen, run_request request,
                  const mpi_session& mpi) {
    if (fs::exists(request.output) && !request.overwrite) {
        if (request.resume) {
            const result_file finished(request.output, false);
            if (finished.complete() && finished.scan_text() == plan.text) return 0;
        }
        throw input_error(request.output + ": output exists; pass --overwrite to replace it");
    }
    const std::string output = request.output;
    const auto count = static_cast<std::uint64_t>(mpi.size());
    request.shard = {static_cast<std::uint64_t>(mpi.rank()) + 1, count};
    request.output = fmt::format("{}.shard-{}-of-{}", output, request.shard.index, count);
    if (mpi.rank() != 0) request.settings.on_progress = nullptr;

    int status = 0;
    try {
        run_to_file(plan, chosen, request);
    } catch (const input_error& error) {
        fmt::print(stderr, "vigil: error (rank {}): {}\n", mpi.rank(), error.what());
        status = 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "vigil: run failed (rank {}): {}\n", mpi.rank(), error.what());
        status = 1;
    }
    status = mpi.maximum(status);
    if (status != 0) return status;

    if (mpi.rank() == 0) {
        std::vector<std::string> shards;
        for (std::uint64_t k = 1; k <= count; ++k) {
            shards.push_back(fmt::format("{}.shard-{}-of-{}", output, k, count));
        }
        try {
            merge_shards(shards, output, request.overwrite, request.command_line);
            for (const auto& shard : shards) fs::remove(shard);
            fmt::print(stderr, "vigil: {} ranks wrote {}\n", count, output);
        } catch (const std::exception& error) {
            fmt::print(stderr, "vigil: merging the ranks' files failed: {}\n", error.what());
            status = 1;
        }
    }
    return mpi.maximum(status);
}

int run_command(const run_arguments& arguments, const std::string& command_line,
                const mpi_session& mpi) {
    const scan_plan plan = read_scan_file(arguments.scan_path);
    const model& chosen = find_model(plan.model_name);
    if (arguments.threads < 0) throw input_error("--threads: must be >= 0 (0: all cores)");
    const shard_spec shard = arguments.shard.empty() ? shard_spec{} : parse_shard(arguments.shard);
    if (const auto work = plan.points.size() * plan.replicates; shard.count > work) {
        throw input_error(
            fmt::format("--shard: {} shards of a scan with {} replicate{} of work "
                        "would leave shards empty; use at most {} shards",
                        shard.count, work, work == 1 ? "" : "s", work));
    }
    if (mpi.active() && shard.count > 1) {
        throw input_error("--shard: cannot be combined with mpirun, which shares the work itself");
    }

    run_request request;
    if (arguments.output_given && arguments.output_path.empty()) {
        throw input_error("-o: the output needs a file name");
    }
    request.output =
        arguments.output_path.empty() ? default_output(arguments, shard) : arguments.output_path;
    request.overwrite = arguments.overwrite;
    request.resume = arguments.resume;
    request.shard = shard;
    request.command_line = command_line;
    request.settings.threads = arguments.threads;
    request.settings.block_replicates = arguments.block_replicates;
    request.settings.on_progress = report_progress;
    // Compared as files, not as spellings: `-o ./scan.toml` and `-o ../dir/scan.toml` are the
    // scan file too, as is a hard or symbolic link to it.
    if (same_file(request.output, arguments.scan_path)) {
        throw input_error(request.output + ": the output would replace the scan file");
    }
    check_output_name(request.output);
    if (mpi.active()) return run_under_mpi(plan, chosen, request, mpi);
    std::signal(SIGINT, announce_interruption);
    std::signal(SIGTERM, announce_interruption);

    const auto slice = shard_work(plan, shard);
    request.on_start = [&] {
        fmt::print(stderr, "vigil: {} point{} x {} replicate{} of {}{} -> {}\n", plan.points.size(),
                   plan.points.size() == 1 ? "" : "s", plan.replicates,
                   plan.replicates == 1 ? "" : "s", plan.model_name,
                   shard.count > 1 ? fmt::format(" (shard {}/{}: work {}..{})", shard.index,
                                                 shard.count, slice.begin, slice.end)
                                   : "",
                   request.output);
    };
    if (run_to_file(plan, chosen, request) == run_outcome::already_complete) {
        fmt::print(stderr, "vigil: {} is already complete; nothing to resume\n", request.output);
        return 0;
    }
    fmt::print(stderr, "vigil: wrote {}\n", request.output);
    return 0;
}

int merge_command(const std::vector<std::string>& inputs, const std::string& output, bool overwrite,
                  const std::string& command_line) {
    merge_shards(inputs, output, overwrite, command_line);
    fmt::print(stderr, "vigil: merged {} shard file{} into {}\n", inputs.size(),
               inputs.size() == 1 ? "" : "s", output);
    return 0;
}

// ---- vigil analyze ---------------------------------------------------------------------

// Three significant digits for reading, in fixed notation between 1e-3 and 1e5 (1000, not
// 1e+03) and in exponent notation outside.
std::string format_number(double value) {
    if (std::isnan(value)) return "nan";
    if (value != 0 && (std::fabs(value) < 1e-3 || std::fabs(value) >= 1e5)) {
        return fmt::format("{:.3e}", value);
    }
    if (value == 0) return "0";
    const int decimals =
        std::max(0, 2 - static_cast<int>(std::floor(std::log10(std::fabs(value)))));
    std::string text = fmt::format("{:.{}f}", value, decimals);
    if (text.find('.') != std::string::npos) {
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.') text.pop_back();
    }
    return text;
}

// A scan point's value of a parameter: `exact` gives the shortest text that reads back as the
// same double (for CSV), otherwise format_number's three digits.
std::string parameter_text(const parameter_set& point, const std::string& name, bool exact) {
    if (!point.has(name)) return "-";
    const auto& value = point.get(name);
    if (const auto* number = std::get_if<double>(&value)) {
        return exact ? fmt::format("{}", *number) : format_number(*number);
    }
    return std::get<std::string>(value);
}

// The labels of one scanned parameter's column: three digits, unless that would give two
// different values the same label.
std::vector<std::string> parameter_labels(const std::vector<parameter_set>& points,
                                          const std::string& name) {
    std::vector<std::string> labels;
    std::map<std::string, std::string> exact_of_label;
    bool ambiguous = false;
    for (const auto& point : points) {
        labels.push_back(parameter_text(point, name, false));
        const auto [at, inserted] =
            exact_of_label.emplace(labels.back(), parameter_text(point, name, true));
        if (!inserted && at->second != parameter_text(point, name, true)) ambiguous = true;
    }
    if (ambiguous) {
        for (std::size_t p = 0; p < points.size(); ++p) {
            labels[p] = parameter_text(points[p], name, true);
        }
    }
    return labels;
}

struct analysis_table {
    std::vector<std::string> scanned;
    std::vector<parameter_set> points;
    std::vector<std::vector<report_column>> rows;
};

void print_table(const analysis_table& analysis, const analyze_arguments& arguments) {
    text_table table;
    for (const auto& name : analysis.scanned) table.header.push_back(name);
    if (analysis.rows.empty()) return;
    for (const auto& column : analysis.rows.front()) {
        if (column.headline) table.header.push_back(column.name);
    }
    std::vector<std::vector<std::string>> labels;
    for (const auto& name : analysis.scanned) {
        labels.push_back(parameter_labels(analysis.points, name));
    }
    for (std::size_t p = 0; p < analysis.rows.size(); ++p) {
        std::vector<std::string> cells;
        for (const auto& column_labels : labels) cells.push_back(column_labels[p]);
        for (const auto& column : analysis.rows[p]) {
            if (!column.headline) continue;
            cells.push_back(column.has_interval
                                ? fmt::format("{} [{},{}]", format_number(column.value),
                                              format_number(column.lower),
                                              format_number(column.upper))
                                : format_number(column.value));
        }
        table.rows.push_back(std::move(cells));
    }
    fmt::print("{}", table.render());
    fmt::print(
        "[lower, upper]: {:g}% confidence intervals; theory_* columns are theory at the "
        "same parameters; false-positive rate {:g}\n",
        100 * arguments.confidence_level, arguments.false_positive_rate);
}

void print_csv(const analysis_table& analysis) {
    std::vector<std::string> header = analysis.scanned;
    if (analysis.rows.empty()) return;
    for (const auto& column : analysis.rows.front()) {
        header.push_back(column.name);
        if (column.has_interval) {
            header.push_back(column.name + "_lower");
            header.push_back(column.name + "_upper");
        }
    }
    fmt::print("{}\n", fmt::join(header, ","));
    for (std::size_t p = 0; p < analysis.rows.size(); ++p) {
        std::vector<std::string> cells;
        for (const auto& name : analysis.scanned) {
            cells.push_back(parameter_text(analysis.points[p], name, true));
        }
        for (const auto& column : analysis.rows[p]) {
            cells.push_back(fmt::format("{:.17g}", column.value));
            if (column.has_interval) {
                cells.push_back(fmt::format("{:.17g}", column.lower));
                cells.push_back(fmt::format("{:.17g}", column.upper));
            }
        }
        fmt::print("{}\n", fmt::join(cells, ","));
    }
}

nlohmann::json json_number(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

void print_json(const analysis_table& analysis, const result_file& file,
                const analyze_arguments& arguments) {
    nlohmann::json document;
    document["file"] = file.path();
    document["model"] = file.model_name();
    document["false_positive_rate"] = arguments.false_positive_rate;
    document["confidence_level"] = arguments.confidence_level;
    document["scanned"] = analysis.scanned;
    document["points"] = nlohmann::json::array();
    for (std::size_t p = 0; p < analysis.rows.size(); ++p) {
        nlohmann::json point;
        for (const auto& [name, value] : analysis.points[p].entries()) {
            if (const auto* number = std::get_if<double>(&value)) {
                point[name] = json_number(*number);
            } else {
                point[name] = std::get<std::string>(value);
            }
        }
        for (const auto& column : analysis.rows[p]) {
            point[column.name] = json_number(column.value);
            if (column.has_interval) {
                point[column.name + "_lower"] = json_number(column.lower);
                point[column.name + "_upper"] = json_number(column.upper);
            }
        }
        document["points"].push_back(point);
    }
    fmt::print("{}\n", document.dump(2));
}

void require_complete(const result_file& file) {
    if (!file.complete()) {
        throw input_error(file.path() +
                          ": the run that wrote this file did not finish "
                          "(no completion mark); `vigil info` tells more");
    }
    const std::string shard = file.attribute("shard");
    if (!shard.empty()) {
        throw input_error(file.path() + ": holds shard " + shard +
                          " of a scan, not all of it; join the shards with `vigil merge` and "
                          "analyse the merged file");
    }
}

int analyze_command(const analyze_arguments& arguments) {
    if (!(arguments.false_positive_rate > 0 && arguments.false_positive_rate < 1)) {
        throw input_error("--fp-rate: must be in (0, 1)");
    }
    if (!(arguments.confidence_level > 0 && arguments.confidence_level < 1)) {
        throw input_error("--confidence: must be in (0, 1)");
    }
    if (arguments.plot_given && arguments.plot_directory.empty()) {
        throw input_error("--plot: the figures need a directory name");
    }
    require_result_exists(arguments.file_path);
    const bool plotting = !arguments.plot_directory.empty();
    if (plotting && !arguments.store) {
        throw input_error("--plot draws from the analysis stored in the file; drop --no-store");
    }
    std::optional<result_figures> figures;
    if (plotting) {
        // The file is checked here first, so that its errors are vigil's own, and closed again:
        // Python cannot open a file that vigil holds open for writing.
        {
            const result_file probe(arguments.file_path, false);
            require_complete(probe);
            find_model(probe.model_name());
        }
        figures.emplace(arguments.file_path, arguments.plot_directory, arguments.overwrite);
        figures->check();
    }
    // The analysis is stored when the file and its directory are writable (the file is replaced
    // by an analysed copy; through a symbolic link, the file it names); a read-only file is still
    // analysed and printed.
    std::error_code unresolved;
    auto target = fs::canonical(arguments.file_path, unresolved);
    if (unresolved) target = fs::absolute(arguments.file_path);
    const bool writable = arguments.store && access(target.c_str(), W_OK) == 0 &&
                          access(target.parent_path().c_str(), W_OK) == 0;
    if (plotting && !writable) {
        throw input_error(arguments.file_path +
                          ": cannot be written (the file or its directory is read-only); --plot "
                          "stores the analysis in it first");
    }
    // Taken before the analysis, so that a second analyze of the same file stops at once.
    std::optional<analysis_store> store;
    if (writable) store.emplace(arguments.file_path);
    std::optional<result_file> opened(std::in_place, arguments.file_path, false);
    result_file& file = *opened;
    require_complete(file);
    const model& chosen = find_model(file.model_name());

    analysis_options options;
    options.false_positive_rate = arguments.false_positive_rate;
    options.confidence_level = arguments.confidence_level;
    options.bootstrap_resamples = arguments.bootstrap_resamples;
    options.seed = file.seed();

    analysis_table analysis;
    analysis.scanned = file.scanned_names();
    analysis.points = file.points(chosen);
    const auto fields = chosen.results();
    for (std::uint64_t p = 0; p < analysis.points.size(); ++p) {
        std::map<std::string, std::vector<double>> storage;
        point_results results;
        for (const auto& field : fields) {
            storage[field.name] = file.results_of_point(field.name, p);
            results[field.name] = storage[field.name];
        }
        options.point = p;
        try {
            analysis.rows.push_back(chosen.analyze(analysis.points[p], results, options));
        } catch (const std::exception& error) {
            // The results of a finished file are what the model wrote; anything it cannot
            // analyse means the file was altered or damaged.
            throw input_error(
                fmt::format("{}: scan point {}: cannot analyse the stored results: {}",
                            arguments.file_path, p + 1, error.what()));
        }
    }

    if (arguments.format == "csv") {
        print_csv(analysis);
    } else if (arguments.format == "json") {
        print_json(analysis, file, arguments);
    } else {
        fmt::print("{} ({} model, {} replicate{} per point)\n", arguments.file_path,
                   file.model_name(), file.replicates(), file.replicates() == 1 ? "" : "s");
        print_table(analysis, arguments);
    }
    std::fflush(stdout);

    opened.reset();  // closed before an analysed copy replaces it
    if (store) {
        store->store(analysis.rows, options);
    } else if (arguments.store) {
        fmt::print(stderr,
                   "vigil: {} cannot be written (the file or its directory is read-only); the "
                   "analysis is printed but not stored\n",
                   arguments.file_path);
    }
    if (figures) figures->draw();
    return 0;
}

// ---- vigil info ------------------------------------------------------------------------

// A run still going or killed: what its journal holds.
int journal_info(const std::string& journal) {
    std::uint64_t done = 0, blocks = 0;
    const std::string identity = read_journal(journal, [&](const result_block& block) {
        done += block.count;
        ++blocks;
    });
    const auto scan_start = identity.find("scan text:\n");
    const auto shard_start = identity.find("shard ");
    if (scan_start == std::string::npos || shard_start == std::string::npos) {
        throw input_error(journal + ": the journal's header is not understood");
    }
    const scan_plan plan = parse_scan(identity.substr(scan_start + 11), journal);
    const shard_spec shard = parse_shard(
        identity.substr(shard_start + 6, identity.find('\n', shard_start) - shard_start - 6));
    const auto slice = shard_work(plan, shard);
    const auto total = slice.end - slice.begin;
    fmt::print("file          {}\n", one_line(journal));
    fmt::print("status        INCOMPLETE: {}\n",
               journal_in_use(journal)
                   ? "a run vigil is writing now"
                   : "an interrupted run's journal; `vigil run ... --resume` continues it");
    fmt::print("replicates    {} of {} done ({:.1f}%), in {} blocks\n", done, total,
               total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0,
               blocks);
    fmt::print("model         {}\nseed          {}\nshard         {}/{}\npoints        {}\n",
               plan.model_name, plan.seed, shard.index, shard.count, plan.points.size());
    return 0;
}

int info_command(const std::string& path) {
    const bool is_journal = path.size() > 8 && path.ends_with(".journal");
    if (is_journal && fs::exists(path)) return journal_info(path);
    if (!fs::exists(path) && fs::exists(journal_path(path))) {
        return journal_info(journal_path(path));
    }
    if (!fs::exists(path)) throw input_error(path + ": no such file");
    const result_file file(path, false);
    const model& chosen = find_model(file.model_name());
    const auto points = file.point_count();
    const auto replicates = file.replicates();

    // A finished file holds its whole slice (a NaN result may be a replicate's own outcome,
    // e.g. a diverged training run); otherwise a replicate with any result is done.
    std::uint64_t done = 0;
    if (file.complete()) {
        const auto [begin, end] = file.work_held();
        done = end - begin;
    } else {
        for (std::uint64_t p = 0; p < points; ++p) {
            std::vector<bool> any(replicates, false);
            for (const auto& field : chosen.results()) {
                const auto row = file.results_of_point(field.name, p);
                for (std::size_t r = 0; r < row.size() && r < any.size(); ++r) {
                    if (!std::isnan(row[r])) any[r] = true;
                }
            }
            done += static_cast<std::uint64_t>(std::count(any.begin(), any.end(), true));
        }
    }
    const double total = static_cast<double>(points * replicates);
    // Everything read from the file or given on the command line is printed with its control
    // bytes and bytes that are not UTF-8 escaped (a scan file named with an escape sequence).
    fmt::print("file          {}\n", one_line(path));
    const std::string shard = one_line(file.attribute("shard"));
    const std::string finished = shard.empty() ? "complete"
                                               : "complete shard " + shard +
                                                     " (its slice is done; `vigil merge` the "
                                                     "shards for the whole scan)";
    fmt::print("status        {}\n",
               file.complete() ? finished : "INCOMPLETE (run did not finish)");
    fmt::print("replicates    {} of {} done ({:.1f}%)\n", done, points * replicates,
               total > 0 ? 100.0 * static_cast<double>(done) / total : 0.0);
    if (fs::exists(journal_path(path))) {
        fmt::print(
            "pending       {}: an unfinished run that will replace this file; `vigil "
            "info {}` shows it, `--overwrite --resume` finishes it\n",
            one_line(journal_path(path)), one_line(journal_path(path)));
    }
    for (const auto* name : {"model", "vigil_version", "git_commit", "created_utc", "completed_utc",
                             "command_line", "scan_file", "hdf5_version", "boost_version"}) {
        const auto value = file.attribute(name);
        if (!value.empty()) fmt::print("{:<14}{}\n", name, one_line(value));
    }
    fmt::print("seed          {}\n", file.seed());
    fmt::print("points        {}\n", points);
    fmt::print("scanned       {}\n",
               one_line(fmt::format("{}", fmt::join(file.scanned_names(), ", "))));
    fmt::print("results       {}\n",
               one_line(fmt::format("{}", fmt::join(file.result_names(), ", "))));
    return 0;
}

// ---- vigil models ----------------------------------------------------------------------

std::string value_text(const std::optional<parameter_value>& value) {
    if (!value) return "(none)";
    if (const auto* text = std::get_if<std::string>(&*value)) return "\"" + *text + "\"";
    return to_string(*value);
}

int models_command(const std::string& name) {
    if (name.empty()) {
        for (const auto& each : all_models()) {
            fmt::print("{:<20}{}\n", each->name(), each->summary());
        }
        fmt::print("\n`vigil models NAME` lists a model's parameters and results.\n");
        return 0;
    }
    const model& chosen = find_model(name);
    fmt::print("{}: {}\n\nParameters\n", chosen.name(), chosen.summary());
    text_table parameters;
    parameters.header = {"name", "unit", "default", "allowed"};
    for (const auto& spec : chosen.parameters()) {
        parameters.rows.push_back({spec.name, spec.unit.empty() ? "-" : spec.unit,
                                   value_text(spec.default_value), spec.allowed()});
    }
    fmt::print("{}", parameters.render());
    for (const auto& spec : chosen.parameters()) {
        fmt::print("  {}: {}\n", spec.name, spec.description);
    }
    fmt::print("\nPer-replicate results\n");
    for (const auto& field : chosen.results()) {
        fmt::print("  {} [{}]: {}\n", field.name, field.unit, field.description);
    }
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    h5::silence_library_errors();
    const mpi_session mpi(argc, argv);
    CLI::App app{"vigil: stochastic simulation studies of detection limits", "vigil"};
    app.set_version_flag("--version",
                         fmt::format("vigil {} ({})", vigil_version, vigil_git_commit));
    app.require_subcommand(1);

    run_arguments run;
    auto* run_app = app.add_subcommand("run", "run a scan file and write an HDF5 result file");
    run_app->add_option("scan", run.scan_path, "scan file (TOML)")->required();
    run_app->add_option("-o,--output", run.output_path, "result file (default: SCAN's name .h5)");
    run_app->add_option("--threads", run.threads, "OpenMP threads, 0 for all cores")
        ->capture_default_str()
        ->check(counted("threads", 0, 4096));
    run_app->add_flag("--overwrite", run.overwrite, "replace an existing output file");
    run_app->add_flag("--resume", run.resume,
                      "continue an interrupted run from its journal (OUT.journal)");
    run_app->add_option("--shard", run.shard,
                        "run shard K of N (K/N, 1 <= K <= N) of the scan's work; join the shard "
                        "files with `vigil merge`");
    run_app
        ->add_option("--block", run.block_replicates,
                     "replicates per block handed to the writer (results do not depend on it)")
        ->capture_default_str()
        ->check(counted("replicates per block", 1, 10'000'000));

    analyze_arguments analyze;
    auto* analyze_app =
        app.add_subcommand("analyze", "statistics and theory per scan point of a result file");
    analyze_app->add_option("file", analyze.file_path, "result file")->required();
    analyze_app
        ->add_option("--fp-rate", analyze.false_positive_rate,
                     "false-positive rate at which to report false negatives")
        ->capture_default_str()
        ->check(open_unit_interval("false-positive rate"));
    analyze_app->add_option("--confidence", analyze.confidence_level, "confidence level")
        ->capture_default_str()
        ->check(open_unit_interval("confidence level"));
    analyze_app
        ->add_option("--bootstrap", analyze.bootstrap_resamples,
                     "bootstrap resamples for intervals")
        ->capture_default_str()
        ->check(counted("bootstrap resamples", 100, 1'000'000));
    analyze_app->add_option("--format", analyze.format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    analyze_app->add_flag("!--no-store", analyze.store, "do not write /analysis into the file");
    analyze_app->add_option("--plot", analyze.plot_directory,
                            "write PNG figures into this directory (runs /usr/bin/python3 with "
                            "matplotlib and h5py)");
    analyze_app->add_flag("--overwrite", analyze.overwrite,
                          "replace figures already in the --plot directory");

    std::string info_path;
    auto* info_app = app.add_subcommand("info", "describe a result file and how complete it is");
    info_app->add_option("file", info_path, "result file")->required();

    std::vector<std::string> merge_inputs;
    std::string merge_output;
    bool merge_overwrite = false;
    auto* merge_app = app.add_subcommand("merge", "join the shard files of one scan into one file");
    merge_app->add_option("shards", merge_inputs, "shard files (all N of them)")->required();
    merge_app->add_option("-o,--output", merge_output, "merged result file")->required();
    merge_app->add_flag("--overwrite", merge_overwrite, "replace an existing output file");

    std::string model_name;
    auto* models_app = app.add_subcommand("models", "list models, or one model's parameters");
    models_app->add_option("model", model_name, "model name");

    const ews_command ews(app);

    if (argc > 1 && argv[1][0] != '-') {
        const std::string command = argv[1];
        const auto subcommands = app.get_subcommands([](CLI::App*) { return true; });
        const bool known =
            std::any_of(subcommands.begin(), subcommands.end(),
                        [&](const CLI::App* each) { return each->get_name() == command; });
        if (!known) {
            std::vector<std::string> names;
            for (const auto* each : subcommands) names.push_back(each->get_name());
            fmt::print(stderr, "vigil: error: unknown command \"{}\"; commands: {}\n", command,
                       fmt::join(names, ", "));
            return 2;
        }
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) return app.exit(error);
        std::string message = error.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        fmt::print(stderr, "vigil: error: {} (see vigil --help)\n", message);
        return 2;
    }

    try {
        run.output_given = run_app->count("--output") > 0;
        analyze.plot_given = analyze_app->count("--plot") > 0;
        if (run_app->parsed()) return run_command(run, joined_command_line(argc, argv), mpi);
        if (analyze_app->parsed()) return analyze_command(analyze);
        if (info_app->parsed()) return info_command(info_path);
        if (merge_app->parsed()) {
            return merge_command(merge_inputs, merge_output, merge_overwrite,
                                 joined_command_line(argc, argv));
        }
        if (models_app->parsed()) return models_command(model_name);
        if (ews.parsed()) return ews.run(joined_command_line(argc, argv));
    } catch (const input_error& error) {
        fmt::print(stderr, "vigil: error: {}\n", error.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "vigil: run failed: {}\n", error.what());
        // A failed HDF5 write can leave the library holding a file it cannot close; its own
        // clean-up at exit would then crash. Everything vigil wrote is already closed or removed.
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(1);
    }
    return 2;
}

}  // namespace vigil::cli

#include "study.hpp"

#include "error.hpp"
#include "journal.hpp"
#include "result_file.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

namespace vigil {

namespace {

namespace fs = std::filesystem;

std::string run_identity(const scan_plan& plan, const shard_spec& shard) {
    return fmt::format(
        "{} {}\nmodel {}\nseed {}\nreplicates {}\ntrajectories {}\nshard {}/{}\n"
        "scan text:\n{}",
        result_format_name, result_format_version, plan.model_name, plan.seed, plan.replicates,
        plan.trajectories, shard.index, shard.count, plan.text);
}

bool parse_count(const std::string& text, std::uint64_t& value) {
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    return error == std::errc() && stop == end && !text.empty();
}

void check_output_directory(const std::string& output) {
    if (output.empty() || fs::path(output).filename().empty()) {
        throw input_error(fmt::format("\"{}\": the output needs a file name", output));
    }
    check_output_name(output);
    const auto parent = fs::absolute(output).parent_path();
    if (!fs::is_directory(parent)) {
        throw run_error(
            fmt::format("{}: the output directory {} does not exist", output, parent.string()));
    }
    if (fs::is_directory(output)) {
        throw input_error(fmt::format("{}: is a directory; give a file name with -o", output));
    }
    if (fs::exists(output) && !fs::is_regular_file(output)) {
        throw input_error(
            fmt::format("{}: is not a regular file; vigil writes only to new or "
                        "regular files",
                        output));
    }
    if (::access(parent.c_str(), W_OK) != 0) {
        throw run_error(fmt::format("{}: cannot write in {}: {}", output, parent.string(),
                                    std::strerror(errno)));
    }
}

// Builds the result file from the journal, marks it complete and moves it into place. On a
// failure (a full disk) the half-built file is removed and the journal kept for --resume.
void finalize(const scan_plan& plan, const model& chosen, const run_request& request,
              const work_slice& slice) {
    const std::string journal = journal_path(request.output);
    const std::string partial = partial_path(request.output);
    std::error_code ignored;
    fs::remove(partial, ignored);
    try {
        result_writer writer(partial, plan, chosen, request.command_line);
        if (request.shard.count > 1) {
            writer.mark_shard(request.shard.index, request.shard.count, slice.begin, slice.end);
        }
        std::uint64_t blocks = 0;
        read_journal(journal, [&](const result_block& block) {
            writer.write(block);
            if (++blocks == 3) fault_point("building-result-file");
        });
        writer.finish();
        fs::rename(partial, request.output);
    } catch (const input_error&) {
        fs::remove(partial, ignored);
        throw;
    } catch (const run_error& error) {
        fs::remove(partial, ignored);
        throw run_error(fmt::format(
            "{}: cannot build the result file: {}; the finished work is kept in {}: free space "
            "and run the same command with --resume",
            request.output, error.what(), journal));
    } catch (const fs::filesystem_error& error) {
        fs::remove(partial, ignored);
        throw run_error(fmt::format(
            "{}: cannot move {} into place: {}; the finished work is kept in {}: run the same "
            "command with --resume",
            request.output, partial, error.code().message(), journal));
    }
    fs::remove(journal, ignored);
}

}  // namespace

void check_output_name(const std::string& output) {
    // vigil's own working files: a run's journal (OUT.h5.journal) and files being built
    // (OUT.h5.partial); an output of that name could replace another run's unfinished work.
    for (const std::string_view reserved : {".journal", ".partial"}) {
        if (output.ends_with(reserved)) {
            throw input_error(fmt::format(
                "{}: names ending in {} are vigil's working files (run journals, files being "
                "built); choose another output name",
                output, reserved));
        }
    }
}

shard_spec parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    shard_spec shard;
    const bool parsed = slash != std::string::npos &&
                        parse_count(text.substr(0, slash), shard.index) &&
                        parse_count(text.substr(slash + 1), shard.count);
    if (!parsed || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
        throw input_error(fmt::format(
            "--shard: \"{}\" is not a shard; write K/N with 1 <= K <= N, e.g. 2/8", text));
    }
    return shard;
}

work_slice shard_work(const scan_plan& plan, const shard_spec& shard) {
    const std::uint64_t total = plan.points.size() * plan.replicates;
    const auto boundary = [&](std::uint64_t k) {
        // floor(k * total / count), split so that no product overflows.
        const std::uint64_t quotient = total / shard.count, remainder = total % shard.count;
        return quotient * k + remainder * k / shard.count;
    };
    return {boundary(shard.index - 1), boundary(shard.index)};
}

std::string journal_path(const std::string& output) {
    return output + ".journal";
}
std::string partial_path(const std::string& output) {
    return output + ".partial";
}

void require_result_exists(const std::string& path) {
    if (fs::exists(path)) return;
    const std::string journal = journal_path(path);
    if (fs::exists(journal) && journal_in_use(journal)) {
        throw input_error(fmt::format(
            "{}: no such file yet; a vigil run is writing it now (`vigil info {}` tells how far)",
            path, path));
    }
    if (fs::exists(journal)) {
        throw input_error(fmt::format(
            "{}: no such file yet; {} holds its unfinished run (`vigil info {}` tells how far; "
            "the same `vigil run` with --resume finishes it)",
            path, journal, path));
    }
    throw input_error(path + ": no such file");
}

run_outcome run_to_file(const scan_plan& plan, const model& chosen, const run_request& request) {
    const std::string journal = journal_path(request.output);
    check_output_directory(request.output);
    if (fs::exists(journal) && journal_in_use(journal)) {
        throw input_error(journal + ": another vigil run is writing this output now");
    }
    if (fs::exists(request.output) && !request.overwrite) {
        if (request.resume && !fs::exists(journal)) {
            const result_file finished(request.output, false);
            if (finished.complete() && finished.scan_text() == plan.text &&
                finished.seed() == plan.seed) {
                const auto wanted = shard_work(plan, request.shard);
                if (finished.work_held() == std::pair(wanted.begin, wanted.end)) {
                    return run_outcome::already_complete;
                }
                const auto describe = [](const std::string& shard) {
                    return shard.empty() ? std::string("the whole scan") : "shard " + shard;
                };
                throw input_error(fmt::format(
                    "{}: a finished file of this scan holding {}, not {}; choose another -o, "
                    "or --overwrite to replace it",
                    request.output, describe(finished.attribute("shard")),
                    describe(request.shard.count > 1
                                 ? fmt::format("{}/{}", request.shard.index, request.shard.count)
                                 : "")));
            }
        }
        if (request.resume && fs::exists(journal)) {
            throw input_error(fmt::format(
                "{}: output exists beside the journal of a run that was replacing it ({}); pass "
                "--overwrite --resume to finish that run, or --overwrite alone to start again",
                request.output, journal));
        }
        throw input_error(request.output + ": output exists; pass --overwrite to replace it");
    }
    if (fs::exists(journal) && !request.resume && !request.overwrite) {
        throw input_error(journal +
                          ": an interrupted run left this journal; pass --resume to "
                          "continue it or --overwrite to start afresh");
    }

    const work_slice slice = shard_work(plan, request.shard);
    const std::string identity = run_identity(plan, request.shard);
    std::uint64_t done = slice.begin;
    const auto count_done = [&](const result_block& block) {
        done = std::max(done, block.point * plan.replicates + block.first_replicate + block.count);
    };
    auto writer =
        request.resume && fs::exists(journal)
            ? journal_writer::resume(journal, identity, count_done)
            : (std::filesystem::remove(journal), journal_writer::create(journal, identity));

    if (request.on_start) request.on_start();
    run_settings settings = request.settings;
    settings.work_begin = done;
    settings.work_end = slice.end;
    run_scan(plan, chosen, writer, settings);
    writer.sync();
    finalize(plan, chosen, request, slice);
    return run_outcome::completed;
}

void merge_shards(const std::vector<std::string>& inputs, const std::string& output, bool overwrite,
                  const std::string& command_line) {
    if (inputs.empty()) throw input_error("merge: give the shard files to join");
    check_output_directory(output);
    for (const auto& input : inputs) {
        std::error_code unrelated;
        if (fs::equivalent(input, output, unrelated)) {
            throw input_error(fmt::format(
                "{}: -o names an input shard file ({}); give the merged file a new name", output,
                input));
        }
    }
    if (fs::exists(output) && !overwrite) {
        throw input_error(output + ": output exists; pass --overwrite to replace it");
    }

    std::vector<result_file> shards;
    for (const auto& input : inputs) {
        require_result_exists(input);
        shards.emplace_back(input, false);
        if (!shards.back().complete()) {
            // A .partial (a file being built, or left by a failed run) is often no shard at all.
            const std::string shard = shards.back().attribute("shard");
            throw input_error(fmt::format(
                "{}: {} (no completion mark{}); merge takes the finished files of `vigil run "
                "--shard K/N`",
                input,
                shard.empty() ? "an unfinished result file of a whole scan, not a shard"
                              : "shard " + shard + " did not finish",
                input.ends_with(".partial")
                    ? ": a .partial file is one being built or left by a failed run"
                    : ""));
        }
    }
    const result_file& first = shards.front();
    std::set<std::uint64_t> indices;
    std::uint64_t count = 0;
    for (const auto& shard : shards) {
        const auto differ = [&](const std::string& what) {
            throw input_error(fmt::format("{}: cannot merge with {}: different {}", shard.path(),
                                          first.path(), what));
        };
        if (shard.model_name() != first.model_name()) differ("model");
        if (shard.seed() != first.seed()) differ("seed");
        if (shard.scan_text() != first.scan_text()) differ("scan text");
        if (shard.attribute("vigil_version") != first.attribute("vigil_version")) {
            differ("vigil version");
        }
        const std::string text = shard.attribute("shard");
        const shard_spec spec = text.empty() ? shard_spec{} : parse_shard(text);
        if (count == 0) count = spec.count;
        if (spec.count != count) differ("shard count");
        if (!indices.insert(spec.index).second) {
            throw input_error(fmt::format("{}: shard {}/{} is given twice", shard.path(),
                                          spec.index, spec.count));
        }
    }
    if (indices.size() != count) {
        throw input_error(fmt::format("merge: {} of {} shards given; every shard is needed once",
                                      indices.size(), count));
    }

    const model& chosen = find_model(first.model_name());
    const scan_plan plan = parse_scan(first.scan_text(), first.attribute("scan_file"));
    const std::string partial = partial_path(output);
    std::error_code ignored;
    fs::remove(partial, ignored);
    try {
        result_writer writer(partial, plan, chosen, command_line);
        for (const auto& shard : shards) shard.copy_work_into(writer, plan, chosen);
        writer.finish();
    } catch (...) {
        fs::remove(partial, ignored);
        throw;
    }
    fs::rename(partial, output);
}

}  // namespace vigil

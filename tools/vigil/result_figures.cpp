#include "result_figures.hpp"

#include "engine/error.hpp"
#include "python_runner.hpp"
#include "vigil/plot_results_script.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <sstream>
#include <string_view>
#include <vector>

namespace vigil::cli {

namespace {

std::string last_line(const std::string& text) {
    std::string line;
    std::istringstream lines(text);
    for (std::string each; std::getline(lines, each);) {
        if (!each.empty()) line = each;
    }
    return line;
}

}  // namespace

result_figures::result_figures(std::string result_path, std::string directory, bool overwrite)
    : result_path_(std::move(result_path)),
      directory_(std::move(directory)),
      overwrite_(overwrite),
      python_(python_interpreter()) {}

void result_figures::check() const {
    if (directory_.empty()) throw input_error("--plot: the figures need a directory name");
    require_plotting_python(python_,
                            "Nothing was analysed or written; vigil analyze runs without --plot");
    std::vector<std::string> arguments = {"--output=" + directory_, "--check"};
    if (overwrite_) arguments.push_back("--overwrite");
    // After "--" a file name that starts with "-" is still the file.
    arguments.insert(arguments.end(), {"--", result_path_});
    const python_outcome checked = run_python_script(python_, plot_results_script, arguments);
    if (checked.status == 2) throw input_error(last_line(checked.errors));
    if (checked.status != 0) {
        std::fputs(checked.errors.c_str(), stderr);
        throw run_error(fmt::format("--plot: the plotting script failed on {}: {}", result_path_,
                                    checked.ending()));
    }
}

void result_figures::draw() const {
    std::vector<std::string> arguments = {"--output=" + directory_};
    if (overwrite_) arguments.push_back("--overwrite");
    arguments.insert(arguments.end(), {"--", result_path_});
    const python_outcome drawn = run_python_script(python_, plot_results_script, arguments);
    if (drawn.status == 2) throw input_error(last_line(drawn.errors));
    if (drawn.signal != 0 || (drawn.status != 0 && drawn.status != 1)) {
        std::fputs(drawn.errors.c_str(), stderr);
        throw run_error(
            fmt::format("--plot: the plotting script failed on {}: {}; the "
                        "analysis is stored in the file",
                        result_path_, drawn.ending()));
    }

    // The script's own report: a line per figure written, skipped or failed. A figure it
    // reports as written must be there; an exit status 0 with no figure at all is a failure
    // too (vigil analyze always gives the script something to draw).
    std::size_t written = 0;
    std::istringstream lines(drawn.errors);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        fmt::print(stderr, "vigil: {}\n", line);
        constexpr std::string_view wrote = "wrote ";
        if (line.starts_with(wrote)) {
            require_png(line.substr(wrote.size()), "the plotting script");
            ++written;
        }
    }
    if (drawn.status == 1) {
        throw run_error(
            fmt::format("--plot: the plotting script failed on {}: exit 1; the "
                        "analysis is stored in the file",
                        result_path_));
    }
    if (written == 0) {
        throw run_error(
            fmt::format("--plot: the plotting script ({}) exited 0 but wrote no "
                        "figure of {}; the analysis is stored in the file",
                        python_, result_path_));
    }
}

}  // namespace vigil::cli

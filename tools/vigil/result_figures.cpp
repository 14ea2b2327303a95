#include "result_figures.hpp"

#include "engine/error.hpp"
#include "python_runner.hpp"
#include "vigil/plot_results_script.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <sstream>
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
        throw run_error(fmt::format("--plot: the plotting script failed on {} (exit {})",
                                    result_path_, checked.status));
    }
}

void result_figures::draw() const {
    std::vector<std::string> arguments = {"--output=" + directory_};
    if (overwrite_) arguments.push_back("--overwrite");
    arguments.insert(arguments.end(), {"--", result_path_});
    const python_outcome drawn = run_python_script(python_, plot_results_script, arguments);
    if (drawn.status == 2) throw input_error(last_line(drawn.errors));
    if (drawn.status == 0 || drawn.status == 1) {
        // The script's own report: a line per figure written, skipped or failed.
        std::istringstream lines(drawn.errors);
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty()) fmt::print(stderr, "vigil: {}\n", line);
        }
        if (drawn.status == 0) return;
    } else {
        std::fputs(drawn.errors.c_str(), stderr);
    }
    throw run_error(
        fmt::format("--plot: the plotting script failed on {} (exit {}); the "
                    "analysis is stored in the file",
                    result_path_, drawn.status));
}

}  // namespace vigil::cli

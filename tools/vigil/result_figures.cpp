#include "result_figures.hpp"

#include "engine/error.hpp"
#include "vigil/plot_results_script.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>
#include <vector>

namespace vigil::cli {

namespace {

struct script_outcome {
    int status = 0;      // the exit status; 127 when Python could not be started
    std::string errors;  // what the script wrote on stderr
};

// Runs `python - ARGUMENTS` with `script` on stdin, collecting its stderr; stdout is discarded.
script_outcome run_script(const std::string& python, const std::string& script,
                          const std::vector<std::string>& arguments) {
    int input[2];
    int errors[2];
    if (pipe(input) != 0) throw run_error("--plot: cannot create a pipe to Python");
    if (pipe(errors) != 0) {
        close(input[0]);
        close(input[1]);
        throw run_error("--plot: cannot create a pipe from Python");
    }
    const pid_t child = fork();
    if (child < 0) {
        for (const int end : {input[0], input[1], errors[0], errors[1]}) close(end);
        throw run_error("--plot: cannot start Python (fork failed)");
    }
    if (child == 0) {
        dup2(input[0], STDIN_FILENO);
        dup2(errors[1], STDERR_FILENO);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        for (const int end : {input[0], input[1], errors[0], errors[1], null}) close(end);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(python.c_str()));
        argv.push_back(const_cast<char*>("-"));
        for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
        argv.push_back(nullptr);
        // A bare VIGIL_PYTHON name (e.g. "python3") is looked up on PATH.
        execvp(python.c_str(), argv.data());
        _exit(127);
    }
    close(input[0]);
    close(errors[1]);
    // Python reads the whole script before it runs it, so writing all of it first cannot
    // block on a full stderr pipe. A Python that exits early makes the write fail with EPIPE
    // instead of killing vigil with SIGPIPE.
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    const std::string_view text = script;
    std::size_t written = 0;
    while (written < text.size()) {
        const auto count = write(input[1], text.data() + written, text.size() - written);
        if (count <= 0) break;
        written += static_cast<std::size_t>(count);
    }
    close(input[1]);
    std::signal(SIGPIPE, previous);
    script_outcome outcome;
    char buffer[4096];
    for (;;) {
        const auto count = read(errors[0], buffer, sizeof buffer);
        if (count <= 0) break;
        outcome.errors.append(buffer, static_cast<std::size_t>(count));
    }
    close(errors[0]);
    int status = 0;
    waitpid(child, &status, 0);
    outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return outcome;
}

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
      overwrite_(overwrite) {
    const char* chosen = std::getenv("VIGIL_PYTHON");
    python_ = chosen && *chosen ? chosen : "/usr/bin/python3";
}

void result_figures::check() const {
    if (directory_.empty()) throw input_error("--plot: the figures need a directory name");
    const script_outcome probe = run_script(python_, "import matplotlib, h5py\n", {});
    if (probe.status != 0) {
        throw run_error(fmt::format(
            "--plot: {} is missing or cannot import matplotlib and h5py (on Debian: apt install "
            "python3-matplotlib python3-h5py; or set VIGIL_PYTHON). Nothing was analysed or "
            "written; vigil analyze runs without --plot",
            python_));
    }
    std::vector<std::string> arguments = {"--output=" + directory_, "--check"};
    if (overwrite_) arguments.push_back("--overwrite");
    // After "--" a file name that starts with "-" is still the file.
    arguments.insert(arguments.end(), {"--", result_path_});
    const script_outcome checked = run_script(python_, plot_results_script, arguments);
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
    const script_outcome drawn = run_script(python_, plot_results_script, arguments);
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

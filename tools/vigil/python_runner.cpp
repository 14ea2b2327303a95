#include "python_runner.hpp"

#include "engine/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string_view>

namespace vigil::cli {

std::string python_interpreter() {
    const char* chosen = std::getenv("VIGIL_PYTHON");
    return chosen && *chosen ? chosen : "/usr/bin/python3";
}

python_outcome run_python_script(const std::string& python, const std::string& script,
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
    python_outcome outcome;
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

void require_plotting_python(const std::string& python, const std::string& consequence) {
    if (run_python_script(python, "import matplotlib, h5py\n", {}).status != 0) {
        throw run_error(fmt::format(
            "--plot: {} is missing or cannot import matplotlib and h5py (on Debian: apt install "
            "python3-matplotlib python3-h5py; or set VIGIL_PYTHON). {}",
            python, consequence));
    }
}

}  // namespace vigil::cli

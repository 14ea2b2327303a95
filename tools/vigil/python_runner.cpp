#include "python_runner.hpp"

#include "engine/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

namespace vigil::cli {

namespace {

constexpr std::string_view probe_token = "vigil-plotting-python-ready";

// Reads `descriptor` to its end.
std::string read_all(int descriptor) {
    std::string text;
    char buffer[4096];
    for (;;) {
        const auto count = read(descriptor, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        text.append(buffer, static_cast<std::size_t>(count));
    }
    return text;
}

}  // namespace

std::string python_outcome::ending() const {
    if (!started) return fmt::format("cannot be started: {}", errors);
    if (signal != 0) {
        const char* name = sigabbrev_np(signal);
        return name ? fmt::format("killed by signal {} (SIG{})", signal, name)
                    : fmt::format("killed by signal {}", signal);
    }
    return fmt::format("exit {}", status);
}

std::string python_interpreter() {
    const char* chosen = std::getenv("VIGIL_PYTHON");
    return chosen && *chosen ? chosen : "/usr/bin/python3";
}

python_outcome run_python_script(const std::string& python, const std::string& script,
                                 const std::vector<std::string>& arguments) {
    int input[2];
    int errors[2];
    int exec_failure[2];  // close-on-exec: the child writes errno here only if exec fails
    if (pipe(input) != 0) throw run_error("--plot: cannot create a pipe to Python");
    if (pipe(errors) != 0) {
        close(input[0]);
        close(input[1]);
        throw run_error("--plot: cannot create a pipe from Python");
    }
    if (pipe2(exec_failure, O_CLOEXEC) != 0) {
        for (const int end : {input[0], input[1], errors[0], errors[1]}) close(end);
        throw run_error("--plot: cannot create a pipe from Python");
    }
    const pid_t child = fork();
    if (child < 0) {
        for (const int end :
             {input[0], input[1], errors[0], errors[1], exec_failure[0], exec_failure[1]}) {
            close(end);
        }
        throw run_error("--plot: cannot start Python (fork failed)");
    }
    if (child == 0) {
        dup2(input[0], STDIN_FILENO);
        dup2(errors[1], STDERR_FILENO);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        for (const int end : {input[0], input[1], errors[0], errors[1], exec_failure[0], null}) {
            close(end);
        }
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(python.c_str()));
        argv.push_back(const_cast<char*>("-"));
        for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
        argv.push_back(nullptr);
        // A bare VIGIL_PYTHON name (e.g. "python3") is looked up on PATH.
        execvp(python.c_str(), argv.data());
        const int failure = errno;
        [[maybe_unused]] const auto ignored = write(exec_failure[1], &failure, sizeof failure);
        _exit(127);
    }
    close(input[0]);
    close(errors[1]);
    close(exec_failure[1]);

    // The pipe ends at exec (close-on-exec) or carries errno when exec failed.
    int failure = 0;
    ssize_t got = 0;
    do {
        got = read(exec_failure[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    close(exec_failure[0]);

    // Python reads the whole script before it runs it, so writing all of it first cannot
    // block on a full stderr pipe. A Python that exits early makes the write fail with EPIPE
    // instead of killing vigil with SIGPIPE.
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    const std::string_view text = script;
    std::size_t written = 0;
    while (got != sizeof failure && written < text.size()) {
        const auto count = write(input[1], text.data() + written, text.size() - written);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        written += static_cast<std::size_t>(count);
    }
    close(input[1]);
    std::signal(SIGPIPE, previous);

    python_outcome outcome;
    outcome.errors = read_all(errors[0]);
    close(errors[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (got == sizeof failure) {
        outcome.started = false;
        outcome.status = 127;
        outcome.errors = std::strerror(failure);
    } else if (WIFSIGNALED(status)) {
        outcome.signal = WTERMSIG(status);
        outcome.status = 128 + outcome.signal;
    } else {
        outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    }
    return outcome;
}

void require_plotting_python(const std::string& python, const std::string& consequence) {
    const std::string probe = fmt::format(
        "import sys\nimport matplotlib, h5py\nsys.stderr.write('{}\\n')\n", probe_token);
    const python_outcome probed = run_python_script(python, probe, {});
    if (probed.status == 0 && probed.errors.find(probe_token) != std::string::npos) return;

    std::string reason;
    if (!probed.started || probed.signal != 0) {
        reason = probed.ending();
    } else if (probed.status == 0) {
        reason = "it exited 0 without running the check (is it a Python 3?)";
    } else {
        // Python's last word, e.g. "ModuleNotFoundError: No module named 'h5py'".
        std::string last;
        std::size_t begin = 0;
        while (begin < probed.errors.size()) {
            auto end = probed.errors.find('\n', begin);
            if (end == std::string::npos) end = probed.errors.size();
            if (end > begin) last = probed.errors.substr(begin, end - begin);
            begin = end + 1;
        }
        reason = last.empty() ? probed.ending() : fmt::format("{}: {}", probed.ending(), last);
    }
    throw run_error(fmt::format(
        "--plot: {} is missing or cannot import matplotlib and h5py: {}; on Debian: apt install "
        "python3-matplotlib python3-h5py, or set VIGIL_PYTHON. {}",
        python, reason, consequence));
}

void require_png(const std::string& path, const std::string& reporter) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw run_error(fmt::format("--plot: {} reported writing {}, but there is no such file",
                                    reporter, path));
    }
    std::array<char, 8> signature{};
    in.read(signature.data(), signature.size());
    constexpr std::array<char, 8> png = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
    if (in.gcount() != static_cast<std::streamsize>(signature.size()) || signature != png) {
        throw run_error(fmt::format("--plot: {} reported writing {}, but it is {}", reporter, path,
                                    in.gcount() == 0 ? "empty" : "not a PNG image"));
    }
}

}  // namespace vigil::cli

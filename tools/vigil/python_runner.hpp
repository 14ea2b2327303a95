#pragma once

// The Python that draws vigil's figures: /usr/bin/python3, or VIGIL_PYTHON (a bare name is
// looked up on PATH). Scripts are embedded in the binary and fed on stdin, so an installed vigil
// needs no source tree. A Python that cannot be started, or that dies of a signal, is an
// outcome to report, never a crash of vigil.

#include <string>
#include <vector>

namespace vigil::cli {

struct python_outcome {
    bool started = true;  // false when the interpreter could not be executed at all
    int status = 0;       // exit status; 127 when not started, 128 + N when killed by signal N
    int signal = 0;       // the signal that killed it, 0 when it exited
    std::string errors;   // what it wrote on stderr (or why it could not be started)

    // "exit 3", "killed by signal 11 (SIGSEGV)" or "cannot be started: No such file or
    // directory": how the run ended, for messages.
    std::string ending() const;
};

std::string python_interpreter();

// Runs `python - ARGUMENTS` with `script` on stdin; stdout is discarded, stderr collected.
python_outcome run_python_script(const std::string& python, const std::string& script,
                                 const std::vector<std::string>& arguments);

// Throws run_error unless `python` runs, imports matplotlib and h5py, and says so: a probe
// must print a token back, so a program that merely exits 0 (e.g. /bin/true) is refused.
// `consequence` ends the message (e.g. "Nothing was written; vigil ews runs without --plot").
void require_plotting_python(const std::string& python, const std::string& consequence);

// Throws run_error unless `path` is a non-empty file that starts with the PNG signature;
// `reporter` names who claimed to have written it (e.g. "the plotting script").
void require_png(const std::string& path, const std::string& reporter);

}  // namespace vigil::cli

#pragma once

// The Python that draws vigil's figures: /usr/bin/python3, or VIGIL_PYTHON (a bare name is
// looked up on PATH). Scripts are embedded in the binary and fed on stdin, so an installed vigil
// needs no source tree. A Python that cannot be started is an exit status, never a crash.

#include <string>
#include <vector>

namespace vigil::cli {

struct python_outcome {
    int status = 0;      // the script's exit status; 127 when Python could not be started
    std::string errors;  // what it wrote on stderr
};

std::string python_interpreter();

// Runs `python - ARGUMENTS` with `script` on stdin; stdout is discarded, stderr collected.
python_outcome run_python_script(const std::string& python, const std::string& script,
                                 const std::vector<std::string>& arguments);

// Throws run_error unless `python` runs and imports matplotlib and h5py; `consequence` ends the
// message (e.g. "Nothing was written; vigil ews runs without --plot").
void require_plotting_python(const std::string& python, const std::string& consequence);

}  // namespace vigil::cli

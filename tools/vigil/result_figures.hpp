#pragma once

// `vigil analyze FILE --plot DIR`: runs the embedded tools/plot_results.py with /usr/bin/python3
// (or VIGIL_PYTHON) on a result file. check() refuses, before anything is analysed or written,
// a missing Python (run_error) and a file or directory the script cannot use (input_error);
// draw() writes the figures. Neither may run while vigil holds the file open for writing.

#include <string>

namespace vigil::cli {

class result_figures {
public:
    result_figures(std::string result_path, std::string directory, bool overwrite);

    // Python present with matplotlib and h5py, the file one the script draws, and no figure
    // it would write already in the directory (unless overwrite).
    void check() const;

    // Writes the figures and reports each on stderr.
    void draw() const;

private:
    std::string result_path_;
    std::string directory_;
    bool overwrite_;
    std::string python_;
};

}  // namespace vigil::cli

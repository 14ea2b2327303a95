#pragma once

#include <stdexcept>
#include <string>

namespace vigil {

// Bad input from the user: a scan file, a parameter value, a CSV or HDF5 file that cannot be
// used. The message names the file, key or line and what is allowed. The CLI prints it as one
// line and exits with status 2; whoever throws it must not have written anything yet.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A run that could not be completed although its input was valid (disk full, unwritable
// directory, an HDF5 failure). The CLI prints it and exits with status 1.
class run_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace vigil

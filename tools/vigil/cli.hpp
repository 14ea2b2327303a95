#pragma once

// The `vigil` command line. run_cli() parses arguments, runs one subcommand and returns the
// exit status: 0 success, 1 a run that failed (I/O, HDF5), 2 bad usage or bad input. It
// prints errors as one line on stderr and never lets an exception escape.

namespace vigil::cli {

int run_cli(int argc, char** argv);

}  // namespace vigil::cli

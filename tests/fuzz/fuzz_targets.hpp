#pragma once

// The bodies of the fuzz targets, shared by the libFuzzer programs (tests/fuzz/*_fuzz.cpp, clang
// only) and the replay test that runs every kept input in the ordinary build. Each takes
// arbitrary bytes, feeds them to one of vigil's readers through the functions the program uses,
// and returns whether the input was accepted or refused with the documented error. Anything
// else escapes: another exception, or an invariant_broken when an accepted input broke what the
// reader's header promises. Crashes and undefined behaviour are left to the sanitizers.

#include <cstdint>
#include <span>
#include <stdexcept>

namespace vigil::fuzz {

enum class outcome { accepted, refused };

// An accepted input whose result breaks the reader's documented guarantees.
class invariant_broken : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

// The bytes as a scan file, read by parse_scan() as `vigil run` does; refused: input_error.
outcome scan_text(std::span<const std::uint8_t> bytes);

// The bytes as a CSV series file, read by read_csv_series() as `vigil ews` does, once with the
// default columns and once with --time time --column value; refused: input_error.
outcome csv_text(std::span<const std::uint8_t> bytes);

// The bytes drive changes, made through the HDF5 API, to a pair of valid shard result files
// (attributes removed or retyped, datasets reshaped, groups replaced, values made NaN, ...);
// then the files go through what `vigil info`, `vigil analyze` and `vigil merge` do.
// Refused: input_error or run_error. The first byte picks the model of the base files.
outcome result_file_changes(std::span<const std::uint8_t> bytes);

}  // namespace vigil::fuzz

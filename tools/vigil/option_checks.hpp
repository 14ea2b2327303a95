#pragma once

// Command-line validators shared by the vigil commands: each accepts only the whole text of a
// value in its range and otherwise returns one line saying what is allowed and what was given.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace vigil::cli {

// An integer from low to high, written in decimal digits (no sign wrap-around, no exponent).
CLI::Validator counted(const std::string& what, std::int64_t low, std::int64_t high);

// A non-negative integer in decimal digits, of any size the option's type holds. `allowed`
// (default: what a 64-bit count holds) is named when the number is too large for that.
CLI::Validator whole_number(const std::string& what,
                            const std::string& allowed = "0 to 18446744073709551615");

// A number strictly between 0 and 1.
CLI::Validator open_unit_interval(const std::string& what);

}  // namespace vigil::cli

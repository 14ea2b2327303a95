#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace vigil {

// `message` with its control bytes (a NUL, a newline, an escape sequence read from a file)
// written as \xNN, so that an error is always one whole line of plain text.
inline std::string one_line(const std::string& message) {
    std::string text;
    text.reserve(message.size());
    for (const char byte : message) {
        const auto code = static_cast<unsigned char>(byte);
        if (code < 0x20 || code == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", code);
            text += escaped;
        } else {
            text += byte;
        }
    }
    return text;
}

// A size limit as messages name it: "16 MiB" for whole mebibytes, else "100 bytes".
inline std::string byte_count_text(std::uint64_t bytes) {
    constexpr std::uint64_t mebibyte = 1u << 20;
    if (bytes >= mebibyte && bytes % mebibyte == 0) {
        return std::to_string(bytes / mebibyte) + " MiB";
    }
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

// Bad input from the user: a scan file, a parameter value, a CSV or HDF5 file that cannot be
// used. The message names the file, key or line and what is allowed. The CLI prints it as one
// line (control bytes escaped) and exits with status 2; whoever throws it must not have written
// anything yet.
class input_error : public std::runtime_error {
public:
    explicit input_error(const std::string& message) : std::runtime_error(one_line(message)) {}
};

// A run that could not be completed although its input was valid (disk full, unwritable
// directory, an HDF5 failure). The CLI prints it as one line and exits with status 1.
class run_error : public std::runtime_error {
public:
    explicit run_error(const std::string& message) : std::runtime_error(one_line(message)) {}
};

}  // namespace vigil

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace vigil {

// The length of the UTF-8 sequence of a printable character starting at `at`, or 0 where
// the bytes are not one (a stray continuation byte, a truncated or overlong sequence, a
// surrogate, a C1 control character such as the terminal's single-byte CSI).
inline std::size_t printable_utf8_length(const std::string& text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto lead = byte(at);
    const std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (lead < 0xc2 || lead > 0xf4 || at + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80) return 0;
    }
    const auto second = byte(at + 1);
    if (lead == 0xc2 && second < 0xa0) return 0;   // C1 controls
    if (lead == 0xe0 && second < 0xa0) return 0;   // overlong
    if (lead == 0xed && second >= 0xa0) return 0;  // surrogates
    if (lead == 0xf0 && second < 0x90) return 0;   // overlong
    if (lead == 0xf4 && second >= 0x90) return 0;  // beyond U+10FFFF
    return length;
}

// `message` with its control bytes (a NUL, a newline, an escape sequence read from a file) and
// the bytes that are not UTF-8 (a binary file's header read as a name) written as \xNN, so
// that an error is always one whole line of plain text. Valid UTF-8 (τ, ±) is kept.
inline std::string one_line(const std::string& message) {
    std::string text;
    text.reserve(message.size());
    std::size_t at = 0;
    while (at < message.size()) {
        const auto code = static_cast<unsigned char>(message[at]);
        if (code >= 0x20 && code < 0x7f) {
            text += message[at++];
            continue;
        }
        if (code >= 0x80) {
            if (const auto length = printable_utf8_length(message, at); length > 0) {
                text.append(message, at, length);
                at += length;
                continue;
            }
        }
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", code);
        text += escaped;
        ++at;
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

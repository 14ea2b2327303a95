#include "option_checks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace vigil::cli {

CLI::Validator counted(const std::string& what, std::int64_t low, std::int64_t high) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            std::int64_t value = 0;
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), value);
            if (error != std::errc() || end != text.data() + text.size() || value < low ||
                value > high) {
                return fmt::format("{} must be an integer from {} to {}, got \"{}\"", what, low,
                                   high, text);
            }
            return "";
        },
        fmt::format("{}..{}", low, high));
}

CLI::Validator whole_number(const std::string& what, const std::string& allowed) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            std::uint64_t value = 0;
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), value);
            if (error == std::errc::result_out_of_range && end == text.data() + text.size()) {
                return fmt::format("{} {} is too large; give a whole number from {}", what, text,
                                   allowed);
            }
            if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
                return fmt::format("{} must be a whole number, got \"{}\"", what, text);
            }
            return "";
        },
        "");
}

CLI::Validator open_unit_interval(const std::string& what) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            char* end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (end != text.c_str() + text.size() || !(value > 0 && value < 1)) {
                return fmt::format("{} must be a number in (0, 1), got \"{}\"", what, text);
            }
            return "";
        },
        "(0,1)");
}

}  // namespace vigil::cli

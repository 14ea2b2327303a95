#include "table.hpp"

#include <algorithm>

namespace vigil::cli {

std::string text_table::render() const {
    std::vector<std::size_t> widths(header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
            widths[c] = std::max(widths[c], row[c].size());
        }
    };
    measure(header);
    for (const auto& row : rows) measure(row);

    std::string text;
    const auto append = [&](const std::vector<std::string>& row) {
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const std::string& cell = c < row.size() ? row[c] : std::string();
            if (c > 0) text += "  ";
            text += std::string(widths[c] - cell.size(), ' ') + cell;
        }
        text += '\n';
    };
    append(header);
    std::size_t total = 0;
    for (const auto width : widths) total += width;
    text += std::string(total + 2 * (widths.empty() ? 0 : widths.size() - 1), '-') + '\n';
    for (const auto& row : rows) append(row);
    return text;
}

}  // namespace vigil::cli

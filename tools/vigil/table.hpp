#pragma once

// Aligned plain-text tables for the terminal: right-aligned columns, one header row.

#include <string>
#include <vector>

namespace vigil::cli {

struct text_table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    std::string render() const;
};

}  // namespace vigil::cli

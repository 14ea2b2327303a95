// Replays every kept fuzz input (tests/fuzz/regressions/NAME/ and the seed corpora in
// tests/fuzz/corpus/NAME/) through the fuzz targets' bodies: each must be accepted or refused
// with the documented error, never anything else.
#include "fuzz_targets.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace vigil::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> kept_inputs(const std::string& target) {
    std::vector<fs::path> files;
    for (const auto* kind : {"regressions", "corpus"}) {
        const fs::path folder = fs::path(VIGIL_SOURCE_DIR) / "tests/fuzz" / kind / target;
        if (!fs::is_directory(folder)) continue;
        for (const auto& entry : fs::directory_iterator(folder)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::uint8_t> contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class Target>
void replay(const std::string& target, Target entry, std::size_t at_least) {
    const auto files = kept_inputs(target);
    EXPECT_GE(files.size(), at_least) << "kept inputs of " << target;
    for (const auto& file : files) {
        SCOPED_TRACE(file.string());
        const auto bytes = contents(file);
        EXPECT_NO_THROW(entry(bytes));
    }
}

TEST(fuzz_replay, scan_files) {
    replay("scan", scan_text, 10);
}

TEST(fuzz_replay, csv_series) {
    replay("csv", csv_text, 10);
}

TEST(fuzz_replay, result_files) {
    replay("result_file", result_file_changes, 10);
}

}  // namespace
}  // namespace vigil::fuzz

#pragma once

// A scratch directory per test and a way to run the real `vigil` program in it, capturing its
// exit status, stdout and stderr. Shared by the end-to-end tests in this folder.

#include "engine/hdf5.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::testing {

namespace fs = std::filesystem;

struct outcome {
    int status = -1;
    std::string out;
    std::string err;
};

class program_test : public ::testing::Test {
protected:
    void SetUp() override {
        h5::silence_library_errors();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        // The process id keeps checkouts that test at the same time out of each other's way.
        directory_ = fs::temp_directory_path() /
                     ("vigil_cli_" + std::to_string(getpid()) + "_" + info->name());
        fs::remove_all(directory_);
        fs::create_directories(directory_);
    }
    void TearDown() override { fs::remove_all(directory_); }

    std::string path(const std::string& name) const { return (directory_ / name).string(); }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name)) << text;
    }

    static std::string slurp(const std::string& file) {
        std::ifstream in(file);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // Runs vigil with `arguments` in the scratch directory; `environment` is prefixed to the
    // command (e.g. "NAME=value") and `shell_prelude` runs before it in the same shell.
    outcome vigil(const std::string& arguments, const std::string& environment = "",
                  const std::string& shell_prelude = "") const {
        // `cd ... || exit` (not `&&`): arguments may background vigil with `&`, and the rest of
        // the line must still run in the scratch directory.
        const std::string command = "cd '" + directory_.string() + "' || exit 125; " +
                                    shell_prelude + environment + " '" VIGIL_BINARY "' " +
                                    arguments + " >stdout.txt 2>stderr.txt";
        const int raw = std::system(command.c_str());
        outcome result;
        result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        result.out = slurp(path("stdout.txt"));
        result.err = slurp(path("stderr.txt"));
        return result;
    }

    bool only_inputs_left() const {
        for (const auto& entry : fs::directory_iterator(directory_)) {
            const auto name = entry.path().filename().string();
            if (name.find(".h5") != std::string::npos) return false;
        }
        return true;
    }

    fs::path directory_;
};

}  // namespace vigil::testing

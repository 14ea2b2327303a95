#include "cli.hpp"

int main(int argc, char** argv) {
    return vigil::cli::run_cli(argc, argv);
}

#!/usr/bin/env bash
# Quick start, part 1: installs what is missing, builds vigil in Release, runs the default
# contact-sensing study (inputs/contact_sensing/default.toml) and prints its decision-error
# table. The result file is build/default-study.h5.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vigil >/dev/null
build/release/tools/vigil run inputs/contact_sensing/default.toml \
    -o build/default-study.h5 --overwrite
build/release/tools/vigil analyze build/default-study.h5

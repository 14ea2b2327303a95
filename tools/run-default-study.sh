#!/usr/bin/env bash
# Quick start, part 1: installs what is missing, builds vigil in Release, runs the default
# contact-sensing study (inputs/contact_sensing/default.toml) and prints its decision-error
# table. The result file is build/default-study.h5.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
mkdir -p build
log=build/release-build.log
echo "Building vigil (Release); the build log is $log" >&2
if ! { cmake --preset release && cmake --build --preset release --target vigil; } >"$log" 2>&1
then
    tail -n 30 "$log" >&2
    echo "The build failed; the whole log is $log" >&2
    exit 1
fi
build/release/tools/vigil run inputs/contact_sensing/default.toml \
    -o build/default-study.h5 --overwrite
build/release/tools/vigil analyze build/default-study.h5

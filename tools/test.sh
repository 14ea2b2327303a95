#!/usr/bin/env bash
# Quick start, part 2 (and what CI runs): installs what is missing, checks formatting, builds
# everything with warnings as errors and runs the whole CTest suite.
# `tools/test.sh quick` skips the tests labelled slow.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
tools/check-format.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
if [[ "${1:-}" == "quick" ]]; then
    ctest --preset quick
else
    ctest --preset ci
fi

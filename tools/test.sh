#!/usr/bin/env bash
# Quick start, part 2 (and what CI runs): installs what is missing, checks formatting, builds
# everything with warnings as errors and runs the whole CTest suite; then builds vigil against
# OpenMPI and runs it under `mpirun -np 2`, runs the fast tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, and fuzzes the input readers for a minute each (tools/fuzz.sh).
# `tools/test.sh quick` runs only the first build's fast tests.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
tools/check-format.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
if [[ "${1:-}" == "quick" ]]; then
    ctest --preset quick
    exit 0
fi

echo "== MPI build: mpirun -np 2 against one process"
cmake --preset mpi >/dev/null
cmake --build --preset mpi
tests/cli/mpi_test.sh build/mpi/tools/vigil

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: the fast tests"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
ctest --preset sanitize

echo "== libFuzzer: the scan-file, CSV and result-file readers, 60 s each"
tools/fuzz.sh 60

echo "== The whole suite"
ctest --preset ci

#!/usr/bin/env bash
# Fails when any C++ source differs from what .clang-format prescribes.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z -- '*.cpp' '*.hpp' | xargs -0 -r clang-format --dry-run --Werror

#!/usr/bin/env bash
# Fuzzes vigil's readers: builds the libFuzzer targets of tests/fuzz with clang-14 (preset
# `fuzz`, AddressSanitizer and UBSan) and runs each for SECONDS (default 60) on a fresh copy of
# its seed corpus and kept regressions. Exits nonzero if any target crashed, hit undefined
# behaviour, threw an unexpected exception, hung or ran out of memory, and names the input that
# did it (keep it under tests/fuzz/regressions/NAME/ once fixed: the replay test in
# `ctest --preset ci` runs it from then on).
#   tools/fuzz.sh [SECONDS] [TARGET...]      TARGET: scan, csv, result_file (default: all)
# The mutations start from a fixed seed (FUZZ_SEED, default 1) so that CI explores the same
# inputs on every run; set FUZZ_SEED to another positive number to look elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
fuzz_seed=${FUZZ_SEED:-1}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(scan csv result_file)

tools/setup.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

runs=build/fuzz/runs
failed=()
for target in "${targets[@]}"; do
    work="$runs/$target"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/crashes"
    cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
    cp tests/fuzz/regressions/"$target"/* "$work/corpus/" 2>/dev/null || true
    echo "== fuzzing $target for ${seconds} s (log: $work/log.txt)"
    # -timeout: one input may take at most 60 s (the scan target caps a scan at 10^4 points,
    # parsed in about a second under the sanitizers); -rss_limit_mb: generous room for the
    # result-file target's HDF5.
    status=0
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "build/fuzz/tests/fuzz/${target}_fuzz" "$work/corpus" \
        -max_total_time="$seconds" -seed="$fuzz_seed" -timeout=60 -rss_limit_mb=4096 -max_len=8192 \
        -artifact_prefix="$work/crashes/" -print_final_stats=1 >"$work/log.txt" 2>&1 ||
        status=$?
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")
    echo "   ${executed:-?} inputs run"
    if [[ $status -ne 0 ]]; then
        failed+=("$target")
        grep -E "ERROR|runtime error|SUMMARY|terminate|what\(\)" "$work/log.txt" | head -5 || true
        for input in "$work/crashes"/*; do
            [[ -e "$input" ]] || continue
            echo "   failing input: $input"
            echo "   reproduce: build/fuzz/tests/fuzz/${target}_fuzz $input"
        done
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: no failure in ${targets[*]}"

#!/usr/bin/env bash
# The MPI build, end to end: `mpirun -np 2 vigil run` must write one finished file whose result
# datasets equal a single process's bit for bit (h5diff with delta 0), refuse to overwrite it,
# and leave no per-rank files behind. Usage: tests/cli/mpi_test.sh PATH/TO/MPI/vigil
set -euo pipefail
vigil=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

cat > scan.toml <<'TOML'
model = "contact_sensing"
seed = 11
replicates = 200
trajectories = 1
[parameters]
receptors = 100
radius_um = 5.0
[scan]
contact_length_um = [1.0, 6.0, 20.0]
TOML

mpirun=(mpirun -np 2 --oversubscribe)
[[ $(id -u) -eq 0 ]] && mpirun+=(--allow-run-as-root)

passed=0
failed=0
check() {
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $*" >&2; fi
}

"$vigil" run scan.toml -o single.h5 --threads 1 2>/dev/null
"${mpirun[@]}" "$vigil" run scan.toml -o ranks.h5 --threads 1 2>/dev/null
check test -f ranks.h5
check h5diff -d 0 single.h5 ranks.h5 /results
check test -z "$(ls | grep shard || true)"
status=0
"${mpirun[@]}" "$vigil" run scan.toml -o ranks.h5 2>/dev/null || status=$?
check test "$status" -eq 2
"${mpirun[@]}" "$vigil" run scan.toml -o ranks.h5 --resume 2>/dev/null
check h5diff -d 0 single.h5 ranks.h5 /results

echo "mpi: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# Measures vigil's performance targets (issue 8, BENCHMARKS.md): builds in Release, runs the
# benchmark programs (hot paths with their floors and baselines, in one binary), runs the
# default contact-sensing study on 1 and 2 threads, measures the peak memory of a 10^6-replicate
# scan with /usr/bin/time -v, and prints one table: figure, baseline or floor, ratio, target.
# Every ratio compares two timings of the same run; the machine's load is printed beneath.
#
#   tools/benchmark.sh                  # everything (about 15 minutes on 2 busy cores)
#   VIGIL_BENCH_REPETITIONS=5 tools/benchmark.sh
#   VIGIL_BENCH_MILLION_RECEPTORS=40 tools/benchmark.sh    # a quicker memory scan
# Outputs (JSON, timings, logs) go to build/benchmark/.
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=${VIGIL_BENCH_REPETITIONS:-3}
million_receptors=${VIGIL_BENCH_MILLION_RECEPTORS:-400}
out=build/benchmark
vigil=build/release/tools/vigil
benchmarks=build/release/tools/benchmarks/vigil_benchmarks

tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vigil vigil_benchmarks >/dev/null
mkdir -p "$out"
rm -f "$out"/*.h5 "$out"/study-seconds.txt
cut -d' ' -f1-3 /proc/loadavg >"$out/load-before.txt"

echo "vigil benchmark: hot paths ($repetitions repetitions, interleaved)" >&2
"$benchmarks" --benchmark_repetitions="$repetitions" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_out="$out/benchmarks.json" --benchmark_out_format=json \
    >"$out/benchmarks.txt" 2>"$out/benchmarks.log"

# The default study, 1 and 2 threads alternately, so that both see the same spells of load.
echo "vigil benchmark: default study on 1 and 2 threads" >&2
for ((round = 1; round <= repetitions; ++round)); do
    for threads in 1 2; do
        started=$(date +%s.%N)
        "$vigil" run inputs/contact_sensing/default.toml -o "$out/default-$threads.h5" \
            --overwrite --threads "$threads" 2>/dev/null
        finished=$(date +%s.%N)
        echo "$threads $started $finished" >>"$out/study-seconds.txt"
    done
done
identical=no
if h5diff -q "$out/default-1.h5" "$out/default-2.h5" /results; then identical=yes; fi

echo "vigil benchmark: peak memory of a 10^6-replicate scan" >&2
cat >"$out/million.toml" <<EOF
# 10^6 replicates of one contact-sensing point, no trajectories (tools/benchmark.sh).
model = "contact_sensing"
seed = 20231101
replicates = 1000000
[parameters]
receptors = $million_receptors
contact_length_um = 10.0
EOF
/usr/bin/time -v "$vigil" run "$out/million.toml" -o "$out/million.h5" --overwrite \
    --threads 2 2>"$out/million-time.txt"
cut -d' ' -f1-3 /proc/loadavg >"$out/load-after.txt"

python3 - "$out" "$identical" "$million_receptors" <<'EOF'
import json, math, re, sys

out, identical, million_receptors = sys.argv[1], sys.argv[2] == "yes", sys.argv[3]
runs = json.load(open(f"{out}/benchmarks.json"))["benchmarks"]

def timing(name, clock="cpu_time"):
    """Least-disturbed time (ns) of a benchmark: its 'min' aggregate over repetitions."""
    chosen = [r for r in runs if r["run_name"] == name and r.get("aggregate_name") == "min"]
    if not chosen:
        chosen = [r for r in runs if r["run_name"] == name and r["run_type"] == "iteration"]
    if not chosen:
        return None
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[chosen[0]["time_unit"]]
    return min(r[clock] for r in chosen) * scale

def show(ns):
    if ns is None: return "not built"
    if ns >= 1e9: return f"{ns / 1e9:.2f} s"
    if ns >= 1e6: return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3: return f"{ns / 1e3:.1f} us"
    return f"{ns:.1f} ns"

rows = []
def row(figure, value, reference, ratio, target, met):
    rows.append((figure, value, reference, ratio, target, met))

def verdict(ok):
    return "n/a" if ok is None else ("yes" if ok else "NO")

# Contact sensing: one replicate (contact and no-contact ensembles of 400 receptors).
for um in (1, 25):
    engine = timing(f"contact_replicate/contact_um:{um}")
    floor = timing(f"contact_replicate_floor/contact_um:{um}")
    linear = timing(f"contact_replicate_direct_method/contact_um:{um}/tree:0")
    tree = timing(f"contact_replicate_direct_method/contact_um:{um}/tree:1")
    if None in (engine, floor, linear, tree):
        row(f"contact replicate, {um} um contact", "missing", "", "", "", "NO"); continue
    row(f"contact replicate, {um} um: vs direct method", show(engine),
        f"direct method, linear search {show(linear)}", f"{linear / engine:.1f}x faster",
        ">= 20x", verdict(linear / engine >= 20))
    row(f"contact replicate, {um} um: vs tree search", show(engine),
        f"direct method, tree search {show(tree)}", f"{tree / engine:.1f}x faster", "-", "n/a")
    row(f"contact replicate, {um} um: vs floor", show(engine),
        f"its random variates alone {show(floor)}", f"{engine / floor:.2f}x floor", "<= 2x",
        verdict(engine / floor <= 2))

for in_contact in (0, 1):
    scored = timing(f"receptor_renewal/in_contact:{in_contact}/scored:1")
    floor = timing(f"receptor_renewal_floor/in_contact:{in_contact}")
    if scored and floor:
        where = "in contact" if in_contact else "no contact"
        row(f"400 receptor paths with l_j, {where}", show(scored),
            f"variates alone {show(floor)}", f"{scored / floor:.2f}x floor", "-", "n/a")

llr = timing("log_likelihood_ratios")
per_bond = timing("log_likelihood_ratios_softplus_per_bond")
if llr and per_bond:
    row("l_j of 400 receptors (path_sum)", show(llr), f"softplus per bond {show(per_bond)}",
        f"{per_bond / llr:.2f}x faster", "-", "n/a")
arc = timing("max_sum_arc/contact_um:1")
if arc:
    row("maximum-sum arc, N = 400", show(arc), "-", f"{arc / 400:.1f} ns per receptor", "O(N)",
        "n/a")

# Regime shifts and the opposing-signals network (present once their code is in main).
em = timing("grazing_euler_maruyama")
em_floor = timing("grazing_euler_maruyama_floor")
if em and em_floor:
    row("grazing: Euler-Maruyama steps", show(em), f"normal variates alone {show(em_floor)}",
        f"{em_floor / em:.0%} of floor speed", ">= 60%", verdict(em_floor / em >= 0.6))
else:
    row("grazing: Euler-Maruyama steps", "not in main", "-", "-", ">= 60%", "gap")
gillespie = timing("allee_ibm_gillespie")
gillespie_floor = timing("allee_ibm_gillespie_floor")
if gillespie and gillespie_floor:
    row("allee_ibm: Gillespie, one member", show(gillespie),
        f"variates of the expected events {show(gillespie_floor)}",
        f"{gillespie / gillespie_floor:.2f}x floor", "-", "n/a")
else:
    row("allee_ibm: Gillespie, one member", "not in main", "-", "-", "-", "gap")
for name, label in (("network_training_step", "network: one training step"),
                    ("network_hessian_vector_product", "network: Hessian-vector product")):
    value = timing(name)
    reference = timing("network_gradient")
    if value and reference:
        row(label, show(value), f"one gradient {show(reference)}",
            f"{value / reference:.2f}x gradient", "-", "n/a")
    else:
        row(label, "not in main", "-", "-", "-", "gap")

# Early-warning indicators: cost per point from 10^3 to 10^6 points.
for name, label, target in (("rolling_indicators", "rolling indicators (all 9)", 2.0),
                            ("kendall_tau", "Kendall tau-b", None)):
    per_point = {}
    for n in (1000, 10000, 100000, 1000000):
        t = timing(f"{name}/points:{n}")
        if t: per_point[n] = t / n
    if len(per_point) == 4:
        growth = per_point[1000000] / per_point[1000]
        scaling = " ".join(f"{per_point[n]:.1f}" for n in sorted(per_point))
        row(f"{label}, ns/point at 1e3..1e6", scaling, "per point at 1e3",
            f"{growth:.2f}x at 1e6", "<= 2x (O(n))" if target else "O(n log n)",
            verdict(growth <= target) if target else "n/a")

# Writing: one block, and the default study's writing against its whole run on one thread.
block = timing("write_results_block")
if block:
    row("HDF5: write 1200 replicates x 8 fields", show(block), "-",
        f"{block / 1200:.0f} ns per replicate", "-", "n/a")
write = timing("write_default_study/real_time", "real_time")
run = timing("run_default_study/iterations:1/real_time", "real_time")
if write and run:
    row("writing share of the default study", show(write), f"whole `vigil run`, 1 thread {show(run)}",
        f"{write / run:.1%}", "<= 5%", verdict(write / run <= 0.05))

# The default study on 1 and 2 threads (fastest of the alternating runs).
seconds = {1: [], 2: []}
for line in open(f"{out}/study-seconds.txt"):
    threads, started, finished = line.split()
    seconds[int(threads)].append(float(finished) - float(started))
one, two = min(seconds[1]), min(seconds[2])
row("default study, 2 threads vs 1", f"{two:.2f} s", f"1 thread {one:.2f} s",
    f"{one / two:.2f}x faster", ">= 1.8x", verdict(one / two >= 1.8))
row("  results identical on 1 and 2 threads", "yes" if identical else "NO", "-", "-", "yes",
    verdict(identical))

# Peak memory of the 10^6-replicate scan.
text = open(f"{out}/million-time.txt").read()
peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
row(f"peak memory, 10^6 replicates (N = {million_receptors})", f"{peak_kb / 1024:.0f} MB",
    f"run took {wall}", "-", "< 200 MB", verdict(peak_kb < 200 * 1024))

headers = ("figure", "measured", "baseline or floor", "ratio", "target", "met?")
widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(6)]
def line(cells):
    return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
print(line(headers))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in rows: print(line(r))
before = open(f"{out}/load-before.txt").read().strip()
after = open(f"{out}/load-after.txt").read().strip()
print(f"\nload average (1, 5, 15 min) on {open('/proc/cpuinfo').read().count('processor')} "
      f"cores: {before} before, {after} after; times are the minimum over repetitions, "
      f"CPU time for single-threaded benchmarks")
EOF

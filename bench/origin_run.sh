#!/usr/bin/env bash
# bench/origin_run.sh - rules-of-origin verdicts: rta against a pandas
# baseline on the same bills, in the same run.
#
#   bench/origin_run.sh [N] [RUNS]     (N default 1000000 bills of 10 materials; RUNS 3)
#   env: BENCH=path/to/bench_origin (default build/release/bench/bench_origin)
#
# 1. bench_origin N --write DIR: times rta_verdict_eval over N bills (median of
#    5 passes, one core, pinned with taskset when available), times the
#    explained verdicts, and writes the bills and rta's verdicts as CSV.
# 2. RUNS times: /usr/bin/python3 bench/origin_pandas.py DIR (the same rules,
#    vectorised pandas over the material rows); the verdict computation is
#    timed without the CSV read.
# 3. The verdicts of pandas and rta must agree on every bill.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${2:-3}
BENCH=${BENCH:-build/release/bench/bench_origin}
OUT=bench/out/origin
mkdir -p "$OUT"
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 1"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "== rta ($BENCH)"
$PIN "$BENCH" "$N" --reps 5 --write "$OUT"
echo "== pandas ($(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)'))"
for r in $(seq "$RUNS"); do
    $PIN /usr/bin/python3 bench/origin_pandas.py "$OUT"
done
if cmp -s "$OUT/verdicts_rta.csv" "$OUT/verdicts_pandas.csv"; then
    echo "agreement: rta and pandas agree on all $N verdicts"
else
    echo "DISAGREEMENT between rta and pandas:"; diff "$OUT/verdicts_rta.csv" "$OUT/verdicts_pandas.csv" | head
    exit 1
fi

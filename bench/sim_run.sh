#!/usr/bin/env bash
# bench/sim_run.sh - the evaluation benchmark: rta's SMART model over every
# US HS10 x partner cell against the same model in numpy, same cells, same run.
#
#   bench/sim_run.sh [DATE] [ROUNDS]    (DATE default 2025-10-01, ROUNDS 3;
#                                        env: BENCH_SIM, RTA, RTA_DB, DATA)
#
# Each round runs bench_sim (prepares the market, times a full scenario in
# both forms, median of 31, and a sweep of 1,000 scenarios, one core), then
# bench/sim_numpy.py on the cells it wrote (median of 11 per form, the same
# sweep) and checks that numpy's totals equal rta's to 1e-6 relative.
set -euo pipefail
cd "$(dirname "$0")/.."
DATE=${1:-2025-10-01}
ROUNDS=${2:-3}
PY=/usr/bin/python3
BENCH=${BENCH_SIM:-build/release/bench/bench_sim}
RTA=${RTA:-build/release/rta}
DB=${RTA_DB:-/tmp/bench.db}
DATA=${DATA:-data}
OUT=bench/out/sim
mkdir -p "$OUT"
if [ ! -x "$BENCH" ]; then
    cmake --preset release >/dev/null && cmake --build --preset release >/dev/null
fi
[ -f "$DB" ] || "$RTA" --db "$DB" import --quiet
$PY -c 'import numpy' 2>/dev/null || { echo "sim_run: needs Debian's python3-numpy (scripts/setup-deps.sh bench)" >&2; exit 1; }
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
     "$(free -g | awk '/^Mem:/{print $2}') GiB; numpy $($PY -c 'import numpy; print(numpy.__version__)')"
echo "command: $BENCH $DB $DATA $DATE $OUT; $PY bench/sim_numpy.py $OUT"
for r in $(seq 1 "$ROUNDS"); do
    echo "--- round $r"
    taskset -c 0 "$BENCH" "$DB" "$DATA" "$DATE" "$OUT"
    taskset -c 0 $PY bench/sim_numpy.py "$OUT" 11
done

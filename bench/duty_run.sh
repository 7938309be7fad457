#!/usr/bin/env bash
# bench/duty_run.sh - the duty batch benchmark: rta against pandas and DuckDB
# on the same N entries, in the same run.
#
#   bench/duty_run.sh N [RUNS]        (RUNS default 3; env: RTA, RTA_DB, SKIP="pandas duckdb2 ...")
#
# 1. bench/duty_ref.py (once): the baselines' reference tables from data/.
# 2. bench/duty_gen.py N (once per N, seed 1): bench/out/duty/in_N.csv.
# 3. RUNS rounds, each timing with /usr/bin/time -v (wall, peak RSS), in turn
#    (before each: the tool's previous output deleted and `sync`, untimed):
#      rta        rta --db DB duty --batch in --out out
#      rta-t2     the same with --threads 2
#      rta-full   the same through the full engine (--full-engine), no fast path
#      pandas     /usr/bin/python3 bench/duty_pandas.py in out
#      duckdb     node bench/duty_duckdb.mjs in out --threads 1
#      duckdb-t2  the same with --threads 2
# 4. bench/duty_check.py: each baseline's output against rta's, to the cent.
# 5. A table: median / min / max wall, entries per second, peak RSS, x rta.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:?usage: bench/duty_run.sh N [RUNS]}
RUNS=${2:-3}
PY=/usr/bin/python3
RTA=${RTA:-build/release/rta}
DB=${RTA_DB:-/tmp/bench.db}
SKIP=${SKIP:-}
OUT=bench/out/duty
mkdir -p "$OUT/ref"

if [ ! -x "$RTA" ]; then
    cmake --preset release >/dev/null && cmake --build --preset release >/dev/null
fi
[ -f "$DB" ] || "$RTA" --db "$DB" import --quiet
[ -f "$OUT/ref/mfn.csv" ] || $PY bench/duty_ref.py
[ -d bench/node_modules/@duckdb/node-api ] || (cd bench && npm ci --no-audit --no-fund >/dev/null)
IN="$OUT/in_$N.csv"
[ -f "$IN" ] || $PY bench/duty_gen.py "$N" "$IN"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
     "$(free -g | awk '/^Mem:/{print $2}') GiB; rta $("$RTA" --version 2>/dev/null | head -1)"
echo "input: $IN ($N entries, $(du -m "$IN" | cut -f1) MB)"

declare -A CMD
CMD[rta]="$RTA --db $DB duty --batch $IN --out $OUT/out_rta_$N.csv"
CMD[rta-t2]="$RTA --db $DB duty --batch $IN --out $OUT/out_rta-t2_$N.csv --threads 2"
CMD[rta-full]="$RTA --db $DB duty --batch $IN --out $OUT/out_rta-full_$N.csv --full-engine"
CMD[pandas]="$PY bench/duty_pandas.py $IN $OUT/out_pandas_$N.csv"
CMD[duckdb]="node bench/duty_duckdb.mjs $IN $OUT/out_duckdb_$N.csv --threads 1"
CMD[duckdb-t2]="node bench/duty_duckdb.mjs $IN $OUT/out_duckdb-t2_$N.csv --threads 2"
ORDER="rta rta-t2 rta-full pandas duckdb duckdb-t2"
TIMES="$OUT/times_$N.tsv"
: > "$TIMES"
for r in $(seq "$RUNS"); do
    for k in $ORDER; do
        case " $SKIP " in *" $k "*) continue ;; esac
        log="$OUT/time_${k}_$N.log"
        # every tool starts alike: its previous output deleted and the page
        # cache's dirty pages written back (truncating a 700 MB file on this
        # ext4 with discard costs about 0.3 s, and the last run's writeback
        # would otherwise compete for the CPU), outside the timing
        rm -f "$OUT/out_${k}_$N.csv"
        sync
        # rta exits 1 when some rows are error rows; the run still counts
        /usr/bin/time -v ${CMD[$k]} > /dev/null 2> "$log" || true
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
               awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
        printf '%s\t%s\t%s\t%s\t%s\n' "$k" "$r" "$wall" "$rss" "$cpu" >> "$TIMES"
        printf '  run %s %-10s %8.2f s %8.2f cpu-s %8.1f MiB\n' "$r" "$k" "$wall" "$cpu" \
            "$(echo "$rss/1024" | bc -l)"
    done
done

for k in rta-t2 rta-full pandas duckdb duckdb-t2; do
    case " $SKIP " in *" $k "*) continue ;; esac
    $PY bench/duty_check.py "$IN" "$OUT/out_rta_$N.csv" "$OUT/out_${k}_$N.csv" --name "$k" \
        --examples 3 > "$OUT/check_${k}_$N.txt" || true
    head -3 "$OUT/check_${k}_$N.txt"
done

$PY - "$TIMES" "$N" <<'EOF'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
n = int(sys.argv[2])
by = {}
for k, r, w, rss, cpu in rows:
    by.setdefault(k, []).append((float(w), int(rss), float(cpu)))
base = statistics.median(w for w, _, _ in by["rta"]) if "rta" in by else None
print(f"\n| N = {n:,} | median s | min s | max s | entries/s | median CPU s | peak RSS MiB | x rta |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for k, v in by.items():
    ws = [w for w, _, _ in v]
    med = statistics.median(ws)
    x = f"{med / base:.2f}" if base else ""
    cpu = statistics.median(c for _, _, c in v)
    print(f"| {k} | {med:.2f} | {min(ws):.2f} | {max(ws):.2f} | {n / med:,.0f} | {cpu:.2f} | "
          f"{max(r for _, r, _ in v) / 1024:.1f} | {x} |")
EOF

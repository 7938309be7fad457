#!/usr/bin/env bash
# Benchmarks of the foundation, with their baselines in the same run.
# Run by `make bench` (release build, store ./rta.db imported first).
# Prints medians; copy them into bench/README.md with the machine line.
set -euo pipefail
cd "$(dirname "$0")/.."
RTA=build/release/rta
DB=${RTA_DB:-rta.db}
[[ -f $DB ]] || $RTA --db "$DB" import --quiet
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo
echo "== in-process: snapshot load and line lookups"
build/release/bench/bench_snapshot "$DB" 31
echo
echo "== end to end: one process answering 'hts show 6109.10.00.12 on 2025-08-07'"
cat > /tmp/rta_bench_sqlite.sql <<SQL
SELECT r.code, r.description, coalesce(nullif(r.general,''), p.general) AS general
FROM hts_revision v JOIN hts_revision_row rr ON rr.revision_id = v.id
JOIN hts_row r ON r.id = rr.row_id LEFT JOIN hts_row p ON p.code = '61091000' AND p.id IN
  (SELECT row_id FROM hts_revision_row WHERE revision_id = v.id)
WHERE v.effective_date = (SELECT max(effective_date) FROM hts_revision WHERE effective_date <= '2025-08-07')
  AND r.code = '6109100012';
SQL
cat > /tmp/rta_bench_pandas.py <<'PY'
# What a user without rta does: load the revision in force (USITC JSON) and look up the line.
import sys, pandas as pd
df = pd.read_json(sys.argv[1], compression="gzip", dtype=False)
row = df[df.htsno == "6109.10.00.12"].iloc[0]
rate = df[df.htsno == "6109.10.00"].iloc[0]["general"]
print(row.htsno, row.description, rate)
PY
cmds=("$RTA --db $DB hts show 6109.10.00.12 --date 2025-08-07"
      "$RTA --db $DB hts show 6109.10.00.12 --date 2025-08-07 --json"
      "sqlite3 $DB \".read /tmp/rta_bench_sqlite.sql\"")
names=("rta hts show" "rta hts show --json" "sqlite3 CLI on the same store (baseline)")
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  cmds+=("/usr/bin/python3 /tmp/rta_bench_pandas.py data/hts/revisions/hts_2025_rev_18.json.gz")
  names+=("pandas read_json of one revision (baseline)")
fi
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 3 --runs 30 --export-json /tmp/rta_bench_show.json "${args[@]}" >/dev/null
# medians (the machine is noisy) and ratios to rta
python3 - <<'PY'
import json
r = json.load(open("/tmp/rta_bench_show.json"))["results"]
base = r[0]["median"]
print("| command | median ms | min ms | max ms | x rta |")
print("|---|---:|---:|---:|---:|")
for x in r:
    print(f"| {x['command']} | {x['median']*1e3:.1f} | {x['min']*1e3:.1f} | {x['max']*1e3:.1f} | {x['median']/base:.2f} |")
PY

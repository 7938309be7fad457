#!/usr/bin/env bash
# CLI contract tests for `rta duty`, `rta refund` and `rta timeline` on the
# fixture store. Amounts are hand calculations on $10,000 (see
# tests/unit/test_duty.c for the sources): T-shirt 6109.10.00.12 from Viet Nam
# on 2025-08-07 = MFN 16.5% (1,650.00) + 9903.02.69 20% (2,000.00).
# usage: test_duty_cli.sh RTA_BIN DB DATA_DIR
source "$(dirname "$0")/lib.sh" "$@"

expect_exit 0 "$RTA" duty --date 2025-08-07 --origin VN --hts 6109.10.00.12 --value 10000 --qty 100,50 --json
py '
import json,sys
d=json.load(sys.stdin)
for k in ("date","origin","hts","value","lines","total_duty","fees","effective_rate"): assert k in d, k
assert d["date"]=="2025-08-07" and d["origin"]=="VN" and d["hts"]=="6109100012" and d["value"]=="10000.00"
auth={l["authority"]:l for l in d["lines"]}
assert auth["mfn"]["amount"]=="1650.00" and auth["mfn"]["base"]=="10000.00"
assert auth["ieepa_recip"]["heading"]=="9903.02.69" and auth["ieepa_recip"]["amount"]=="2000.00"
assert d["total_duty"]=="3650.00" and d["effective_rate"]=="36.50"
assert d["fees"]["mpf"]=="34.64" and d["fees"]["hmf"]=="12.50"
assert sum(round(float(l["amount"])*100) for l in d["lines"])==round(float(d["total_duty"])*100)
' "duty --json contract"

expect_exit 0 "$RTA" duty --date 2025-08-07 --origin VN --hts 6109.10.00.12 --value 10000 --explain
grep -q "ieepa-recip-base-10" "$T/out" && grep -q "replaced by ieepa-recip-vn-20" "$T/out" && ok || bad "explain lists the replaced baseline"

# usage errors name the flag; exit 2
expect_exit 2 "$RTA" duty --date 2025-08-07 --origin Vietnam --hts 6109.10.00.12 --value 10000
grep -q "origin" "$T/err" && ok || bad "bad origin message"
expect_exit 2 "$RTA" duty --date 2025-08-07 --origin VN --hts 6109.10.00.12
grep -q "value is required" "$T/err" && ok || bad "missing value message"

# batch: header, rows, an error row with line and field, exit 1
cat >"$T/in.csv" <<CSV
entry_id,date,hts,origin,value,qty1,qty2
e1,2025-08-07,6109.10.00.12,VN,10000,100,50
e2,2025-04-09,6109.10.00.12,VN,10000,100,50
bad3,2025-08-07,6109.10.00.12,VN,12x,100,50
e4,2026-03-01,6109.10.00.12,VN,10000.00,100,50
CSV
expect_exit 1 "$RTA" duty --batch "$T/in.csv" --out "$T/out.csv"
grep -q "in.csv:4:5: value" "$T/err" && ok || bad "batch error names line 4 field 5: $(cat "$T/err")"
python3 - "$T/out.csv" <<'PY' && ok || bad "batch output"
import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0].keys())==["entry_id","total_duty","mfn","s232","s301","ieepa_recip","ieepa_fentanyl","s122","other","mpf","hmf","error"], rows[0].keys()
r={x["entry_id"]:x for x in rows}
assert r["e1"]["total_duty"]=="3650.00" and r["e1"]["ieepa_recip"]=="2000.00"
assert r["e2"]["total_duty"]=="6250.00" and r["e2"]["ieepa_recip"]=="4600.00"
assert r["bad3"]["total_duty"]=="" and "value" in r["bad3"]["error"]
assert r["e4"]["s122"]=="1000.00" and r["e4"]["total_duty"]=="2650.00"
PY
expect_exit 0 "$RTA" duty --batch "$T/in.csv" --out "$T/out2.csv" --skip-bad
grep -q "in.csv:4:5" "$T/err" && ok || bad "--skip-bad still reports the bad row"
cat "$T/in.csv" | "$RTA" duty --batch - --skip-bad >"$T/out3.csv" 2>/dev/null
[[ $(wc -l <"$T/out3.csv") -eq 4 ]] && ok || bad "--skip-bad writes 3 rows + header"

# --threads 2 gives the same output in the same order (chunks of 4096 rows: use 10,000)
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("entry_id,date,hts,origin,value,qty1,qty2\n")
    for i in range(10000):
        f.write(f"r{i},2025-{1 + i % 12:02d}-{1 + i % 28:02d},6109.10.00.12,{['VN','CN','DE','CA'][i % 4]},{100 + i}.{i % 100:02d},10,5\n")
PY
"$RTA" duty --batch "$T/big.csv" --out "$T/big1.csv" --threads 1 && "$RTA" duty --batch "$T/big.csv" --out "$T/big2.csv" --threads 2 && cmp -s "$T/big1.csv" "$T/big2.csv" && [[ $(wc -l <"$T/big2.csv") -eq 10001 ]] && ok || bad "--threads 2 output differs or is short"

# refund: IEEPA paid per entry
expect_exit 1 "$RTA" refund --batch "$T/in.csv" --out "$T/ref.csv"
python3 - "$T/ref.csv" <<'PY' && ok || bad "refund output"
import csv,sys
r={x["entry_id"]:x for x in csv.DictReader(open(sys.argv[1]))}
assert r["e1"]["refundable"]=="2000.00" and r["e2"]["refundable"]=="4600.00"
assert r["e4"]["refundable"]=="0.00"   # Section 122 is not IEEPA
PY
grep -q "refundable" "$T/err" && grep -q "6600.00" "$T/err" && ok || bad "refund totals: $(cat "$T/err")"

# timeline of the T-shirt: the intervals of TIMELINE.md
expect_exit 0 "$RTA" timeline --origin VN --hts 6109.10.00.12 --from 2025-01-01 --to 2026-08-31 --qty 100,50 --json
py '
import json,sys
d=json.load(sys.stdin)
iv=[(i["from"],i["effective_rate"]) for i in d["intervals"]]
want=[("2025-01-01","16.50"),("2025-04-05","26.50"),("2025-04-09","62.50"),("2025-04-10","26.50"),
      ("2025-08-07","36.50"),("2026-02-20","16.50"),("2026-02-24","26.50"),("2026-07-24","29.00")]
got=[x for x in iv]
for w in want: assert w in got, (w, got)
' "timeline intervals"

# a stray inch mark in an unquoted field is a literal: no row is glued to the next or lost
printf 'entry_id,date,hts,origin,value,desc\na,2025-08-07,6109.10.00.12,VN,100,12" pipe\nb,2025-08-07,6109.10.00.12,VN,100,10" pipe\nc,2025-08-07,6109.10.00.12,VN,100,"quoted, multi\nline"\nd,2025-08-07,6109.10.00.12,VN,100,x\n' >"$T/q.csv"
expect_exit 0 "$RTA" duty --batch "$T/q.csv"
[[ $(grep -c ",36.50," "$T/out") -eq 4 ]] && ok || bad "stray quotes: 4 rows expected: $(cat "$T/out")"
# a column one letter from "transshipped" is an error naming it (its 40% would be lost);
# a column rta does not read is said on stderr
printf 'entry_id,date,hts,origin,value,transhipped\na,2025-08-07,6109100012,VN,1000,true\n' >"$T/c.csv"
expect_exit 1 "$RTA" duty --batch "$T/c.csv"
grep -q 'c.csv:1:6: unknown column "transhipped": did you mean "transshipped"' "$T/err" && ok || bad "misspelt column: $(cat "$T/err")"
grep -q 'column "desc" is not one rta reads' <("$RTA" duty --batch "$T/q.csv" 2>&1 >/dev/null) && ok || bad "ignored column not said"
# a NUL byte in a field is an error row naming the field, never a shorter value
printf 'entry_id,date,hts,origin,value\na,2025-08-07,6109100012,VN,1000\0999.00\nb,2025-08-07,6109100012,VN,1000\n' >"$T/z.csv"
expect_exit 1 "$RTA" duty --batch "$T/z.csv"
grep -q 'z.csv:2:5: a NUL byte in the record' "$T/err" && ok || bad "NUL byte: $(cat "$T/err")"
# 6109.10.00.12 on 2025-08-07: 16.5% MFN + 20% (EO 14326) on $1,000 = 365.00, row b intact
grep -q '^b,365.00,' "$T/out" && ok || bad "row after the NUL row: $(cat "$T/out")"
# a write error on the output is an error, not a silent exit 0
if [[ -w /dev/full ]]; then
  "$RTA" duty --batch "$T/q.csv" >/dev/full 2>"$T/err"; [[ $? -eq 1 ]] && ok || bad "write error must exit 1"
fi

finish

#!/usr/bin/env bash
# CLI contract tests for `rta hts` and `rta code`, run by ctest against the
# fixture store. Expected values are typed from the USITC HTS: 6109.10.00.12
# "Men's (338)" (doz., kg) under 6109.10.00 "Of cotton": General 16.5%,
# Special Free for AU BH CL CO IL JO KR MA OM P PA PE S SG, Column 2 90%;
# 0702.00.20 General 3.9¢/kg.
# usage: test_hts_cli.sh RTA_BIN DB DATA_DIR
set -uo pipefail
RTA=$1 DB=$2
export RTA_DB=$DB
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_exit() { # expect_exit CODE CMD...
  local want=$1; shift
  "$@" >/tmp/rta_cli_out.$$ 2>/tmp/rta_cli_err.$$
  local got=$?
  if [[ $got -eq $want ]]; then ok; else bad "exit $got (wanted $want): $*"; cat /tmp/rta_cli_err.$$ >&2; fi
}
py() { python3 -c "$1" </tmp/rta_cli_out.$$ || bad "check failed: $2"; }

# --- the contract of `rta hts show CODE --json`
expect_exit 0 "$RTA" hts show 6109.10.00.12 --date 2025-08-07 --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["code"]=="6109100012", d["code"]
assert d["description"]=="Men'"'"'s (338)"
assert d["units"]==["doz.","kg"], d["units"]
assert d["path"][0].startswith("Apparel"), d["path"]
assert "Of cotton" in d["path"] and d["path"][-1]=="Men'"'"'s (338)", d["path"]
assert d["path"].index("Of cotton") < d["path"].index("Men'"'"'s or boys'"'"':")
g=d["general"]; assert g["text"]=="16.5%" and g["kind"]=="ad_valorem" and g["ad_valorem_millionths"]==165000, g
c=d["column2"]; assert c["text"]=="90%" and c["kind"]=="ad_valorem" and c["ad_valorem_millionths"]==900000, c
s=d["special"]; codes=sorted(p["code"] for p in s["programs"])
assert codes==sorted("AU BH CL CO IL JO KR MA OM P PA PE S SG".split()), codes
assert all(p["kind"]=="free" for p in s["programs"])
' "6109.10.00.12 json contract"

expect_exit 0 "$RTA" hts show 0702.00.20 --date 2025-03-01 --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["code"]=="07020020"
g=d["general"]; assert g["kind"]=="specific", g
assert g["specific"]==[{"micro_usd":39000,"unit":"kg"}] or (len(g["specific"])==1 and g["specific"][0]["micro_usd"]==39000 and g["specific"][0]["unit"]=="kg"), g
' "0702.00.20 specific"

# every written form of a code gives the same line
for form in 6109.10.00.12 6109100012 "6109 10 00 12"; do
  expect_exit 0 "$RTA" hts show "$form" --date 2025-08-07 --json
  py 'import json,sys; assert json.load(sys.stdin)["code"]=="6109100012"' "form $form"
done

# dated: 9903.02.69 (Viet Nam +20%, EO 14326) exists from 2025-08-07, not the day before
expect_exit 0 "$RTA" hts show 9903.02.69 --date 2025-08-07 --json
py 'import json,sys; d=json.load(sys.stdin); assert d["general"]["text"].endswith("+ 20%"), d["general"]' "9903.02.69"
expect_exit 1 "$RTA" hts show 9903.02.69 --date 2025-08-06
grep -q "not a line of HTS 2025_rev_17" /tmp/rta_cli_err.$$ && ok || bad "9903.02.69 on 2025-08-06 message"

# unknown code: exit 1 with the nearest lines; malformed code: exit 2 naming the place
expect_exit 1 "$RTA" hts show 6109.10.00.99 --date 2025-08-07
grep -q "6109.10.00.70" /tmp/rta_cli_err.$$ && ok || bad "suggestion for 6109.10.00.99"
expect_exit 2 "$RTA" hts show 6109.1O.00.12
grep -q "unexpected character 'O'" /tmp/rta_cli_err.$$ && ok || bad "malformed code message"
expect_exit 2 "$RTA" hts show 6109.10.00.12 --date 2025-02-30
expect_exit 2 "$RTA" hts show
expect_exit 2 "$RTA" hts frobnicate
expect_exit 2 "$RTA" --no-such-option

# an HS subheading that is no US line lists its lines
expect_exit 0 "$RTA" hts show 610910 --date 2025-08-07
grep -q "6109.10.00.12" /tmp/rta_cli_err.$$ /tmp/rta_cli_out.$$ && ok || bad "lines under 610910"

# search
expect_exit 0 "$RTA" hts search smartphones --date 2025-06-01 --limit 3 --json
py 'import json,sys; h=json.load(sys.stdin); assert h[0]["code"]=="8517130000", h' "search smartphones"

# coverage: zero unknown shapes everywhere
expect_exit 0 "$RTA" hts rates --stats --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["unknown_shapes"]==0, d["unknown_shapes"]
assert len(d["revisions"])==45
assert all(r["unknown_shapes"]==0 for r in d["revisions"])
b=[r for r in d["revisions"] if r["revision"]=="2025_basic"][0]
assert b["rows"]==35859, b["rows"]
' "rates --stats"

# code
expect_exit 0 "$RTA" code 6109.10 --json
py 'import json,sys; d=json.load(sys.stdin); assert d["code"]=="610910" and d["level"]=="subheading" and d["parent"]=="6109" and d["hs2022"]["exact"]' "code 6109.10"

# help, version, missing store
expect_exit 0 "$RTA" --help
grep -q "usage: rta" /tmp/rta_cli_out.$$ && ok || bad "--help text"
expect_exit 0 "$RTA" hts --help
expect_exit 0 "$RTA" import --help
expect_exit 0 "$RTA" --version
expect_exit 1 "$RTA" --db /nonexistent/dir/rta.db hts show 6109
grep -q "rta import" /tmp/rta_cli_err.$$ && ok || bad "missing store hint"

rm -f /tmp/rta_cli_out.$$ /tmp/rta_cli_err.$$
echo "$passes passed, $fails failed"
[[ $fails -eq 0 ]]

#!/usr/bin/env bash
# CLI contract tests for `rta origin check`, `rta origin rules add|list|show`
# and `rta duty --bom --rules`, on the fixture store and examples/bom_*.json.
# Expected verdicts follow from the rule texts by hand:
# - cptpp.json 847130-847190 "A change to a good of subheading 8471.30 through
#   8471.90 from any other subheading": every non-originating material of
#   examples/bom_laptop.json is outside 8471.30 -> originating by CTSH.
# - a typed rule "8407: MaxNOM <= 50%" on an ex-works price of 10000.00: the
#   limit is 5000.00, so 5000.01 of non-originating materials fails.
# usage: test_origin_cli.sh RTA_BIN DB DATA_DIR
source "$(dirname "$0")/lib.sh" "$@"
EX=$(cd "$(dirname "$0")/../../examples" && pwd)
# a private copy of the store: `rules add` writes to it
cp "$DB" "$T/store.db"
export RTA_DB="$T/store.db"

expect_exit 0 "$RTA" origin check --help
grep -q "originating or not" "$T/out" && ok || bad "origin check --help states the exit status"
expect_exit 2 "$RTA" origin check --rules cptpp
expect_exit 2 "$RTA" origin check --bom "$EX/bom_laptop.json" --rules cptpp --bogus

# the contract: originating, rule, passed_by, reasons
expect_exit 0 "$RTA" origin check --rules cptpp --bom "$EX/bom_laptop.json" --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["originating"] is True and d["status"]=="originating", d
assert d["passed_by"]=="CTSH", d["passed_by"]
assert "CTSH" in d["rule"] and d["rule"].startswith("8471.30")
assert "from any other subheading" in d["rule_text"]
assert isinstance(d["reasons"],list) and len(d["reasons"])>=2
assert d["vnm"]=="288.00" and d["vom"]=="22.00", (d["vnm"], d["vom"])
' "origin check --json contract (laptop, cptpp)"
expect_exit 0 "$RTA" origin check --rules cptpp --bom "$EX/bom_laptop.json"
grep -q "^verdict: ORIGINATING under cptpp" "$T/out" && ok || bad "text verdict"

# errors: a bad bill names file, line:col and field (exit 1); unknown set (exit 1)
printf '{"hs":"8471.30","price_basis":"fob","price":"1.005","materials":[]}' >"$T/bad.json"
expect_exit 1 "$RTA" origin check --rules cptpp --bom "$T/bad.json"
grep -q "bad.json:1:45: field \"price\"" "$T/err" && ok || bad "located BOM error: $(cat "$T/err")"
expect_exit 1 "$RTA" origin check --rules nosuchset --bom "$EX/bom_laptop.json"
grep -q 'no rule set "nosuchset"' "$T/err" && ok || bad "unknown rule set"

# user rule sets: add, version, list, show, refuse bundled names and bad files
printf '@title "test draft"\n8407: MaxNOM <= 50%%\n' >"$T/draft.rules"
expect_exit 0 "$RTA" origin rules add draft "$T/draft.rules" --author tester
grep -q "version 1" "$T/out" && ok || bad "first version"
printf '8407: MaxNOM <= 40%%\n' >"$T/draft2.rules"
expect_exit 0 "$RTA" origin rules add draft "$T/draft2.rules"
grep -q "version 2" "$T/out" && ok || bad "second version"
printf '8407: MaxNOM <=\n' >"$T/broken.rules"
expect_exit 1 "$RTA" origin rules add draft "$T/broken.rules"
grep -q "broken.rules:1:" "$T/err" && ok || bad "a bad file is reported with its place"
expect_exit 2 "$RTA" origin rules add ukvfta "$T/draft.rules"
expect_exit 0 "$RTA" origin rules list --json
py '
import json,sys
d=json.load(sys.stdin)
v=[x for x in d["user"] if x["name"]=="draft"]
assert [x["version"] for x in v]==[1,2], v
assert v[0]["author"]=="tester" and v[0]["rules"]==1
' "rules list: two versions, the bad file added nothing"
expect_exit 0 "$RTA" origin rules show draft --version 1
grep -q "MaxNOM <= 50%" "$T/out" && ok || bad "show version 1"

# MaxNOM edge under the stored set: version 1 (50%) vs the latest (40%)
printf '{"hs":"8407.90","price_basis":"ex-works","price":"10000.00","materials":[{"hs":"8409.91","origin":"JP","value":"%s"}]}' 5000.00 >"$T/eng_a.json"
printf '{"hs":"8407.90","price_basis":"ex-works","price":"10000.00","materials":[{"hs":"8409.91","origin":"JP","value":"%s"}]}' 5000.01 >"$T/eng_b.json"
expect_exit 0 "$RTA" origin check --rules draft --version 1 --bom "$T/eng_a.json" --json
py 'import json,sys; d=json.load(sys.stdin); assert d["originating"] is True, d' "5000.00 meets 50%"
expect_exit 0 "$RTA" origin check --rules draft --version 1 --bom "$T/eng_b.json" --json
py 'import json,sys; d=json.load(sys.stdin); assert d["originating"] is False and d["status"]=="not_originating", d' "5000.01 fails 50% (exit 0, verdict in the output)"
expect_exit 0 "$RTA" origin check --rules draft --bom "$T/eng_a.json" --json
py 'import json,sys; d=json.load(sys.stdin); assert d["originating"] is False, d' "latest version (40%) fails"

# user sets survive a re-import
if [[ -d "$3" ]]; then
  expect_exit 0 "$RTA" import --data "$3" --quiet
  expect_exit 0 "$RTA" origin rules list --json
  py 'import json,sys; d=json.load(sys.stdin); assert len([x for x in d["user"] if x["name"]=="draft"])==2' "rule sets survive rta import"
fi

# the duty consequence: both stacks, and the one the verdict points to
expect_exit 0 "$RTA" duty --date 2025-09-01 --hts 8471.30.01.00 --bom "$EX/bom_laptop.json" --rules cptpp --true-origin CN --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["verdict"]["originating"] is True
assert d["applies"]=="originating" and d["not_originating_basis"]=="true_origin" and d["true_origin"]=="CN"
assert d["originating"]["origin"]=="VN" and d["not_originating"]["origin"]=="CN"
' "duty --bom: stacks for VN and the true origin CN"
# transshipment treatment on 2025-09-01 (EO 14326 period): 6206.30.30 at 12.00 USD,
# MFN 15.4% = 1.848 -> 1.85; A: + 20% (9903.02.69) 2.40 = 4.25; B: + 40% (9903.02.01)
# 4.80 = 6.65. Chinese fabric: weaving not done in the party -> not originating -> B.
expect_exit 0 "$RTA" duty --date 2025-09-01 --hts 6206.30.30 --bom "$EX/bom_shirt_cn_fabric.json" --rules ukvfta --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["verdict"]["originating"] is False and d["verdict"]["status"]=="not_originating", d["verdict"]["status"]
assert d["applies"]=="not_originating" and d["not_originating_basis"]=="transshipped"
assert d["originating"]["total_duty"]=="4.25", d["originating"]["total_duty"]
assert d["not_originating"]["total_duty"]=="6.65", d["not_originating"]["total_duty"]
' "duty --bom: 20% vs the 40% transshipment stack"
finish

#!/usr/bin/env bash
# CLI contract tests for `rta negotiation`, `rta round`, `rta list` and
# `rta outstanding` on a copy of the fixture store (writes never touch the
# fixture). Expected counts are from the example files: examples/
# vn_offer_round1.csv has one line per HS 2022 chapter (the level-2 rows of
# data/hs2022/harmonized-system.csv, counted with awk below), and the small
# hand-typed files here have 3 and 2 lines.
# usage: test_negotiation_cli.sh RTA_BIN DB DATA_DIR
source "$(dirname "$0")/lib.sh" "$@"
DATA=$3
EX=$(cd "$(dirname "$0")/../../examples" && pwd)
cp "$DB" "$T/neg.db"
export RTA_DB=$T/neg.db
unset RTA_DELEGATION
chapters=$(awk -F, 'NR > 1 && $NF == 2' "$DATA/hs2022/harmonized-system.csv" | wc -l)

for c in negotiation round list outstanding; do
  expect_exit 0 "$RTA" $c --help
done
grep -q "code,treatment,value" "$T/out" || grep -q "party,kind" "$T/out" && ok || bad "help text"

# negotiation new: validation, then success
expect_exit 2 "$RTA" negotiation new vn-us
expect_exit 1 "$RTA" negotiation new vn-us --parties VN,XX --author t
grep -q "not in the store's country table" "$T/err" && ok || bad "unknown party named: $(cat "$T/err")"
expect_exit 1 "$RTA" negotiation new "Bad Name" --parties VN,US --author t
expect_exit 0 "$RTA" negotiation new vn-us --parties VN,US --title "Reciprocal trade" --author t
expect_exit 1 "$RTA" negotiation new vn-us --parties VN,US --author t
expect_exit 0 "$RTA" negotiation list --json
py 'import json,sys; d=json.load(sys.stdin); n=[x for x in d if x["name"]=="vn-us"][0]; assert [p["code"] for p in n["parties"]]==["VN","US"], n; assert n["rounds"]==0' "negotiation list --json"

# rounds
expect_exit 2 "$RTA" round add vn-us --number 1 --date 2025-02-30
expect_exit 2 "$RTA" round add vn-us --number 0 --date 2025-05-01
expect_exit 2 "$RTA" round add vn-us --number 1 --date 2025-05-01 --level summit
expect_exit 0 "$RTA" round add vn-us --number 1 --date 2025-05-01 --place Washington --level technical --topic "market access"
expect_exit 0 "$RTA" round add vn-us --number 2 --date 2025-06-10 --place Hanoi --level ministerial
expect_exit 1 "$RTA" round add vn-us --number 3 --date 2025-05-20
expect_exit 1 "$RTA" round add nope --number 1 --date 2025-05-01
expect_exit 0 "$RTA" round list vn-us --json
py 'import json,sys; d=json.load(sys.stdin); assert [(r["number"],r["date"],r["level"]) for r in d]==[(1,"2025-05-01","technical"),(2,"2025-06-10","ministerial")], d' "round list --json"

# list add: a bad file changes nothing
printf 'code,treatment,value\n5201,rate,0\n8802,cut,150\n' >"$T/bad.csv"
expect_exit 1 "$RTA" list add vn-us --party VN --round 1 --kind offer --file "$T/bad.csv" --author t
grep -q "bad.csv:3:3:" "$T/err" && ok || bad "bad file located: $(cat "$T/err")"
expect_exit 0 "$RTA" negotiation show vn-us --as VN --json
py 'import json,sys; d=json.load(sys.stdin); assert d["lists"]==[], d["lists"]' "nothing written by a bad file"
expect_exit 2 "$RTA" list add vn-us --party VN --round 1 --kind gift --file "$T/bad.csv"
expect_exit 1 "$RTA" list add vn-us --party VN --round 1 --kind offer --file "$EX/vn_offer_round1.csv" --as US --author t
expect_exit 0 "$RTA" list add vn-us --party VN --round 1 --kind offer --file "$EX/vn_offer_round1.csv" --author an
printf 'code,treatment,value,staging_years,description\n0801.32,exempt,,0,Cashew nuts shelled\n0901.11,exempt,,0,Coffee not roasted\n' >"$T/us.csv"
expect_exit 0 "$RTA" list add vn-us --party US --round 1 --kind offer --file "$T/us.csv" --author bob

# drafts: invisible to the other delegation, visible after exchange
expect_exit 1 "$RTA" list show vn-us/VN/1/offer --as US
grep -q "visible only to its own delegation" "$T/err" && ok || bad "draft refusal message"
expect_exit 1 "$RTA" list show vn-us/VN/1/offer
expect_exit 0 "$RTA" list show vn-us/VN/1/offer --as VN --json
py "import json,sys; d=json.load(sys.stdin); assert d['status']=='draft' and d['version']==1 and len(d['lines'])==$chapters, (d['status'], len(d['lines'])); l=d['lines'][0]; assert l['code']=='01' and l['treatment']=='rate' and l['value']==0" "list show --json"
expect_exit 0 "$RTA" outstanding vn-us --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert {i["party"] for i in d["items"]}=={"US"}, d' "outstanding hides the other side's draft"
expect_exit 2 "$RTA" list exchange vn-us/VN/1/offer
expect_exit 1 "$RTA" list exchange vn-us/VN/1/offer --as US
expect_exit 1 "$RTA" list withdraw vn-us/VN/1/offer --as VN
expect_exit 0 "$RTA" list exchange vn-us/VN/1/offer --as VN
RTA_DELEGATION=US expect_exit 0 "$RTA" list exchange vn-us/US/1/offer
expect_exit 0 "$RTA" list show vn-us/VN/1/offer --as US --csv
head -1 "$T/out" | grep -qx "code,treatment,value,staging_years,description" && grep -q '^01,rate,0,0,Animals; live$' "$T/out" && ok || bad "list show --csv: $(head -3 "$T/out")"

# versions
printf 'code,treatment,value\n5201,rate,0\n8802,rate,0\n0901.11,cap,5\n' >"$T/vn2.csv"
expect_exit 0 "$RTA" list add vn-us --party VN --round 1 --kind offer --file "$T/vn2.csv" --author binh
expect_exit 0 "$RTA" list versions vn-us/VN/1/offer --as VN --json
py "import json,sys; d=json.load(sys.stdin); assert [(v['version'],v['author'],v['line_count']) for v in d]==[(1,'an',$chapters),(2,'binh',3)], d" "list versions --json"
expect_exit 0 "$RTA" list show vn-us/VN/1/offer --version 1 --as VN --json
py "import json,sys; d=json.load(sys.stdin); assert len(d['lines'])==$chapters and d['versions']==2" "old version still readable"
# exchanges are per version (docs/negotiation.md, Confidentiality): version 2,
# added after the exchange, is VN's draft; US reads version 1, the one tabled
expect_exit 0 "$RTA" list versions vn-us/VN/1/offer --as US --json
py "import json,sys; d=json.load(sys.stdin); assert [(v['version'],v['author']) for v in d]==[(1,'an')], d" "list versions --as US: the exchanged version only"
expect_exit 0 "$RTA" list show vn-us/VN/1/offer --as US --json
py "import json,sys; d=json.load(sys.stdin); assert d['version']==1 and len(d['lines'])==$chapters, (d['version'], len(d['lines']))" "US reads the tabled version 1"
expect_exit 1 "$RTA" list show vn-us/VN/1/offer --version 2 --as US --json
grep -q "has no version 2 visible to US" "$T/err" && ok || bad "draft version refused to US: $(cat "$T/err")"
expect_exit 1 "$RTA" list show vn-us/VN/1/offer --version 9 --as US --json
grep -q "has no version 9 visible to US" "$T/err" && ok || bad "the same words for a version that does not exist: $(cat "$T/err")"
expect_exit 1 "$RTA" list exchange vn-us/VN/1/offer --as US
expect_exit 0 "$RTA" list exchange vn-us/VN/1/offer --as VN
expect_exit 1 "$RTA" list exchange vn-us/VN/1/offer --as VN
grep -q "already exchanged at its current version" "$T/err" && ok || bad "second exchange of the same version: $(cat "$T/err")"
expect_exit 0 "$RTA" list versions vn-us/VN/1/offer --as US --json
py "import json,sys; d=json.load(sys.stdin); assert [v['version'] for v in d]==[1,2], d" "list versions --as US after the second exchange"
expect_exit 0 "$RTA" list show vn-us/VN/1/offer --version 1 --as US --json
expect_exit 1 "$RTA" list show vn-us/VN/1/offer --version 3 --as US

# status across rounds and the outstanding query
expect_exit 0 "$RTA" list status vn-us/VN/1/offer 5201 agreed --round 1 --as US --author bob
expect_exit 0 "$RTA" list status vn-us/VN/1/offer 0901.11 agreed --as VN --author binh
expect_exit 1 "$RTA" list status vn-us/VN/1/offer 0101 agreed --as VN --author binh
expect_exit 2 "$RTA" list status vn-us/VN/1/offer 5201 done
expect_exit 0 "$RTA" outstanding vn-us --party VN --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert [(i["code"],i["last_round"]) for i in d["items"]]==[("8802",1)], d["items"]' "outstanding after agreement"
expect_exit 0 "$RTA" list status vn-us/VN/1/offer 5201 outstanding --round 2 --as US --author bob
expect_exit 0 "$RTA" outstanding vn-us --party VN --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert [(i["code"],i["last_round"]) for i in d["items"]]==[("5201",2),("8802",1)], d["items"]' "reopened in round 2"
expect_exit 1 "$RTA" outstanding vn-us --party CN
expect_exit 1 "$RTA" outstanding nope

# user data survive a re-import of the bundled data
expect_exit 0 "$RTA" import --db "$T/neg.db" --data "$DATA" --quiet
expect_exit 0 "$RTA" list versions vn-us/VN/1/offer --as VN --json
py 'import json,sys; d=json.load(sys.stdin); assert len(d)==2' "negotiation survives rta import"
expect_exit 0 "$RTA" outstanding vn-us --party VN --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert len(d["items"])==2' "statuses survive rta import"
finish

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

# list export (docs/negotiation.md, Export): base and offered rates.
# Expected base: HTS 6109.10.00 "Of cotton", General column "16.5%" (HTS
# 2025_rev_18, in force 2025-08-07; the statistical suffixes .04 and .12 carry
# it). Offered: cap 10 -> min(16.5, 10) = 10%; cut 50 -> 16.5 * (1 - 50/100) =
# 8.25%; swiss 16 -> 16 * 16.5 / (16 + 16.5) = 264 / 32.5 = 8.1230769...% ->
# 8.123077% (half up at 6 decimals). A subheading or a range has no single base.
printf 'code,treatment,value,staging_years,description\n6109100012,cap,10,0,Men'"'"'s T-shirts\n610910,rate,0,0,T-shirts of cotton\n6109100004,cut,50,5,"T-shirts, all white"\n61091000,swiss,16,0,\n0901.11,exempt,,0,Coffee\n6101-6117,cut,20,0,Knitted apparel\n' >"$T/usx.csv"
expect_exit 0 "$RTA" list add vn-us --party US --round 2 --kind offer --file "$T/usx.csv" --author bob
expect_exit 0 "$RTA" list export --help
grep -q "base_source" "$T/out" && ok || bad "export in --help"
expect_exit 0 "$RTA" list export vn-us/US/2/offer --as US --date 2025-08-07
head -1 "$T/out" | grep -qx "code,description,base_rate,offered_rate,staging_years,treatment,value,base_source" && ok || bad "export header: $(head -1 "$T/out")"
py 'import csv,sys; r={x["code"]:x for x in csv.DictReader(sys.stdin)}
a=r["6109100012"]; assert (a["base_rate"],a["offered_rate"],a["base_source"])==("16.5%","10%","HTS 2025_rev_18 General"), a
b=r["610910"]; assert (b["base_rate"],b["offered_rate"],b["base_source"])==("","0%","scope covers several lines"), b
c=r["6109100004"]; assert (c["base_rate"],c["offered_rate"],c["staging_years"],c["description"])==("16.5%","8.25%","5","T-shirts, all white"), c
d=r["61091000"]; assert (d["base_rate"],d["offered_rate"])==("16.5%","8.123077%"), d
e=r["090111"]; assert (e["base_rate"],e["offered_rate"])==("","base less the additional measures"), e
f=r["6101-6117"]; assert (f["base_rate"],f["offered_rate"],f["base_source"])==("","","scope covers several lines"), f' "list export US market"
# the draft is US's: VN may not export it, nor may anyone without --as
expect_exit 1 "$RTA" list export vn-us/US/2/offer --as VN --date 2025-08-07
grep -q "visible only to its own delegation" "$T/err" && ok || bad "export of the other side's draft: $(cat "$T/err")"
expect_exit 1 "$RTA" list export vn-us/US/2/offer
expect_exit 2 "$RTA" list export vn-us/US/2/offer --as US --date 2025-13-01
# default date: the round's (round 2, 2025-06-10); --out writes the file and names the date
expect_exit 0 "$RTA" list export vn-us/US/2/offer --as US --out "$T/usx_out.csv"
grep -q "base rates on 2025-06-10 (the round's date)" "$T/out" && ok || bad "export date: $(cat "$T/out")"
# the export reads back as a line file (extra columns ignored): a new version with the same 6 lines
expect_exit 0 "$RTA" list add vn-us --party US --round 2 --kind offer --file "$T/usx_out.csv" --author bob
expect_exit 0 "$RTA" list versions vn-us/US/2/offer --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert [(v["version"],v["line_count"]) for v in d]==[(1,6),(2,6)], d' "export round-trips through list add"
# VN market: data/vietnam/vn_evfta_base_rates_ahtn2012.csv rows
#   09011110,090111,15.0,B5,,Coffee; not roasted or decaffeinated
#   87032122,870321,,CKD,CKD,"Vehicles; with only spark-ignition ..."
# so 09011110 cut 50 -> base 15%, offered 15 * 0.5 = 7.5%; 87032122 has no base rate.
printf 'code,treatment,value\n09011110,cut,50\n87032122,cap,5\n0901,rate,0\n' >"$T/vnx.csv"
expect_exit 0 "$RTA" list add vn-us --party VN --round 2 --kind offer --file "$T/vnx.csv" --author an
expect_exit 0 "$RTA" list export vn-us/VN/2/offer --as VN --data "$DATA"
py 'import csv,sys; r={x["code"]:x for x in csv.DictReader(sys.stdin)}
a=r["09011110"]; assert (a["base_rate"],a["offered_rate"],a["base_source"])==("15%","7.5%","EVFTA Annex 2-A base rate (AHTN 2012, 2012-era MFN)"), a
b=r["87032122"]; assert (b["base_rate"],b["offered_rate"])==("",""), b; assert "no base rate" in b["base_source"], b
c=r["0901"]; assert (c["base_rate"],c["base_source"])==("","scope covers several lines"), c' "list export VN market"

# user data survive a re-import of the bundled data
expect_exit 0 "$RTA" import --db "$T/neg.db" --data "$DATA" --quiet
expect_exit 0 "$RTA" list versions vn-us/VN/1/offer --as VN --json
py 'import json,sys; d=json.load(sys.stdin); assert len(d)==2' "negotiation survives rta import"
expect_exit 0 "$RTA" outstanding vn-us --party VN --as US --json
py 'import json,sys; d=json.load(sys.stdin); assert len(d["items"])==2' "statuses survive rta import"
finish

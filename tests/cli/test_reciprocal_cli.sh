#!/usr/bin/env bash
# CLI contract tests for `rta reciprocal` and `rta balance` on the fixture
# store. Figures are typed from data/reciprocal/ (Census 2024: Viet Nam exports
# 13,098.2, imports 136,561.2 $ million; EO 14257 Annex I: Viet Nam 46%,
# Switzerland 32%, HTS 9903.01.60 31%) and by hand: (136,561.2 - 13,098.2) /
# 136,561.2 = 90.41% -> ceil(45.20) = 46; with phi 0.945: 23.92% -> 12.
# usage: test_reciprocal_cli.sh RTA_BIN DB DATA_DIR
source "$(dirname "$0")/lib.sh" "$@"

# --help for each command
expect_exit 0 "$RTA" reciprocal --help
grep -q "epsilon \* phi \* m" "$T/out" && ok || bad "reciprocal --help states the formula"
expect_exit 0 "$RTA" balance --help
grep -q "Export-side product detail is not available" "$T/out" && ok || bad "balance --help states the export caveat"

# text: the formula, the rounding and Viet Nam
expect_exit 0 "$RTA" reciprocal --partner VN
grep -q "rounding: ceil" "$T/out" && grep -Eq "^Vietnam .* 90\.41% +46% +46%" "$T/out" && ok || bad "reciprocal --partner VN text: $(cat "$T/out")"
expect_exit 0 "$RTA" reciprocal --partner VN --phi 0.945
grep -Eq "^Vietnam .* 23\.92% +12% " "$T/out" && ok || bad "phi 0.945 gives 12%"

# JSON contract: every Annex I partner, the summary and the mismatches
expect_exit 0 "$RTA" reciprocal --json
py '
import json,sys
d=json.load(sys.stdin)
assert d["parameters"]=={"epsilon":4,"phi":0.25,"halve":0.5,"floor_pct":10,"rounding":"ceil"}, d["parameters"]
p={x["iso2"]:x for x in d["partners"]}
assert len(d["partners"])==57
vn=p["VN"]
for k in ("partner","iso2","census_code","year","exports_musd","imports_musd","balance_musd","reliable","computed_pct","applied_pct","published_pct","published_hts_pct","hts_heading","match","reason"): assert k in vn, k
assert vn["exports_musd"]=="13098.20" and vn["imports_musd"]=="136561.20" and vn["census_code"]=="5520"
assert vn["computed_pct"]=="90.41" and vn["applied_pct"]==46 and vn["published_pct"]==46 and vn["match"] is True
assert vn["hts_heading"]=="9903.01.72"
assert p["EU"]["census_code"]=="0003" and p["EU"]["applied_pct"]==20
s=d["summary"]
assert (s["annex_partners"],s["reliable"],s["matches"],s["unreliable"])==(57,55,54,2), s
m={x["partner"]:x for x in s["mismatches"]}
assert set(m)=={"Switzerland","Falkland Islands (Islas Malvinas)","Syria"}, m
assert m["Switzerland"]["counted"] is True and "9903.01.60" in m["Switzerland"]["reason"]
assert m["Syria"]["counted"] is False and "unreliable" in m["Syria"]["reason"]
' "reciprocal --json contract"

# CSV contract
expect_exit 0 "$RTA" reciprocal --csv
py '
import csv,sys
rows=list(csv.DictReader(sys.stdin))
assert list(rows[0].keys())==["partner","iso2","census_code","year","exports_musd","imports_musd","balance_musd","reliable","computed_pct","applied_pct","published_pct","published_hts_pct","match","reason"], rows[0].keys()
r={x["iso2"]:x for x in rows}
assert r["VN"]["applied_pct"]=="46" and r["VN"]["match"]=="yes"
assert r["CH"]["applied_pct"]=="31" and r["CH"]["published_pct"]=="32" and r["CH"]["published_hts_pct"]=="31" and r["CH"]["match"]=="no"
assert r["SY"]["reliable"]=="0"
' "reciprocal --csv contract"
expect_exit 0 "$RTA" reciprocal --all --csv
[[ $(($(wc -l <"$T/out") - 1)) -eq 204 ]] && ok || bad "--all lists the 204 Census partners"

# PARTNER in every form
for k in VN vnm 5520 Vietnam; do
  expect_exit 0 "$RTA" reciprocal --partner "$k" --csv
  grep -q "^Vietnam,VN,5520," "$T/out" && ok || bad "--partner $k"
done
expect_exit 0 "$RTA" reciprocal --partner EU --csv
grep -q "^European Union,EU,0003," "$T/out" && ok || bad "--partner EU"

# errors name the input; usage errors exit 2, failures 1
expect_exit 1 "$RTA" reciprocal --partner XX
grep -q "^rta: --partner: \"XX\" is no partner" "$T/err" && ok || bad "unknown partner message: $(cat "$T/err")"
expect_exit 2 "$RTA" reciprocal --phi abc
grep -q -- "--phi" "$T/err" && ok || bad "bad --phi message"
expect_exit 2 "$RTA" reciprocal --phi 0
expect_exit 2 "$RTA" reciprocal --rounding up
expect_exit 2 "$RTA" reciprocal --bogus
expect_exit 2 "$RTA" balance
expect_exit 2 "$RTA" balance VN --by hs8
expect_exit 1 "$RTA" balance PS
grep -q "5082" "$T/err" && ok || bad "ambiguous PS names the Census codes"
expect_exit 1 "$RTA" --db "$T/none.db" reciprocal
grep -q "none.db" "$T/err" && ok || bad "missing store named"

# balance: text, JSON and CSV
expect_exit 0 "$RTA" balance VN --by section --top 8
grep -q "US exports 13098.20   US imports 136561.20   balance -123463.00   total trade 149659.40" "$T/out" && ok || bad "balance text: $(head -3 "$T/out")"
grep -q "Export-side product detail is not available" "$T/out" && ok || bad "balance states the export caveat"
expect_exit 0 "$RTA" balance vnm --json --by chapter --top 5
py '
import json,sys
d=json.load(sys.stdin)
assert d["partner"]["iso2"]=="VN" and d["total_trade_musd"]=="149659.40" and d["balance_musd"]=="-123463.00"
c=d["composition"]
assert c["by"]=="chapter" and c["hs10_lines"]==7272 and c["total_imports_usd"]==141361159091 and c["total_duty_usd"]==5335457796
assert len(c["rows"])==5 and c["other"] is not None
assert sum(r["imports_usd"] for r in c["rows"])+c["other"]["imports_usd"]==c["total_imports_usd"]
assert "not available" in d["exports_detail"]
' "balance --json contract"
expect_exit 0 "$RTA" balance 5520 --csv --by hs6 --top 10
py '
import csv,sys
rows=list(csv.DictReader(sys.stdin))
assert list(rows[0].keys())==["key","description","imports_usd","share_pct","duty_usd","avg_duty_pct","lines"]
assert len(rows)==11 and rows[-1]["key"]=="other"
assert all(len(r["key"])==6 for r in rows[:-1])
' "balance --csv contract"
expect_exit 0 "$RTA" balance Kiribati
grep -q "flags these figures unreliable" "$T/out" && grep -q "No product detail" "$T/out" && ok || bad "unreliable partner without detail"

# SVG: well-formed, one bar per partner / row, title, axis, source
expect_exit 0 "$RTA" reciprocal --svg "$T/r.svg"
python3 - "$T/r.svg" <<'PY' && ok || bad "reciprocal SVG"
import sys, xml.etree.ElementTree as E
ns="{http://www.w3.org/2000/svg}"
t=E.parse(sys.argv[1]).getroot()
assert t.tag==ns+"svg" and t.get("version")=="1.1"
bars=[e for e in t.iter(ns+"rect") if e.get("class")=="bar"]
assert len(bars)==57, len(bars)
marks=[e for e in t.iter(ns+"rect") if e.get("class")=="published"]
assert len(marks)==57
text=" ".join("".join(e.itertext()) for e in t.iter(ns+"text"))
assert "Source: US Census Bureau 2024 goods trade; EO 14257 Annex I (2 April 2025); computed by rta" in text
assert "(%)" in text and "Cote d'Ivoire" in text
PY
expect_exit 0 "$RTA" balance VN --by section --top 8 --svg "$T/b.svg"
python3 - "$T/b.svg" <<'PY' && ok || bad "balance SVG"
import sys, xml.etree.ElementTree as E
ns="{http://www.w3.org/2000/svg}"
t=E.parse(sys.argv[1]).getroot()
bars=[e for e in t.iter(ns+"rect") if e.get("class")=="bar"]
assert len(bars)==9, len(bars)  # 8 sections + other
text=" ".join("".join(e.itertext()) for e in t.iter(ns+"text"))
assert "US$ billion" in text and "Source: US Census Bureau" in text and "not available" in text
PY
expect_exit 1 "$RTA" balance Kiribati --svg "$T/k.svg"
[[ ! -e "$T/k.svg" ]] && ok || bad "no SVG without detail"

# the issue's flags: --year (only 2024 is bundled) and --rounding ceil|round|floor
expect_exit 0 "$RTA" reciprocal --year 2024 --partner VN --rounding round --csv
python3 -c 'import csv,sys; r=list(csv.DictReader(sys.stdin)); assert r[0]["applied_pct"]=="45", r' <"$T/out" && ok || bad "--rounding round: round(45.20) = 45"
expect_exit 2 "$RTA" reciprocal --year 2023
expect_exit 0 "$RTA" balance VN --year 2024 --json

# the chart never overwrites the store, and absurd parameters are refused (exit 2)
cp "$DB" "$T/copy.db"
expect_exit 2 "$RTA" --db "$T/copy.db" reciprocal --svg "$T/copy.db"
head -c 15 "$T/copy.db" | grep -q "SQLite format 3" && ok || bad "store overwritten by --svg"
expect_exit 2 "$RTA" reciprocal --partner VN --phi 1e-18

finish

#!/usr/bin/env bash
# The tour of what rta can do so far, on the bundled data (run by `make demo`).
# Usage: scripts/demo.sh PATH/TO/rta   (the store is $RTA_DB, default rta.db)
set -uo pipefail
RTA=${1:-build/release/rta}
rta() { "$RTA" "$@"; }
export -f rta 2>/dev/null || true
export RTA
# step TITLE COMMAND: prints the command as a user would type it, then runs it
step() {
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"
  bash -c "rta() { \"\$RTA\" \"\$@\"; }; $2"
}

step "rta and its store" "rta --version"
step "The dated US tariff schedule: 45 editions and revisions, each in force until the next" \
  "rta hts revisions | sed -n '1,3p;19,22p;40,46p'"
step "The Vietnamese cotton T-shirt line on the day the 20% deal took effect (2025-08-07)" \
  "rta hts show 6109.10.00.12 --date 2025-08-07"
step "The same line as JSON (the contract scripts rely on)" \
  "rta hts show 6109.10.00.12 --date 2025-08-07 --json | head -c 600; echo ' ...'"
step "A specific duty: fresh tomatoes, 3.9 cents per kg" "rta hts show 0702.00.20 --date 2025-03-01"
step "Chapter 99 headings are lines too: the 10% reciprocal baseline of April 2025" \
  "rta hts show 9903.01.25 --date 2025-04-05"
step "Viet Nam's 46% heading (EO 14257 Annex I), as printed in revision 2025_rev_8" \
  "rta hts show 9903.01.72 --revision 2025_rev_8"
step "Codes in any form: 6109.10 is an HS 2022 subheading" "rta code 6109.10"
step "An HS subheading that is not itself a US line lists the lines under it" \
  "rta hts show 851713 --date 2025-06-01"
step "Search descriptions" "rta hts search smartphones --limit 5 --date 2025-06-01"
step "A typo gets the nearest lines, not silence (exit status 1)" \
  "rta hts show 6109.10.00.99 --date 2025-08-07"
step "Every rate text understood: parse coverage of every edition and revision" \
  "rta hts rates --stats"
step "What a Vietnamese cotton T-shirt pays, every change from 2025-01-01 to today (on \$10,000)" \
  "rta timeline --origin VN --hts 6109.10.00.12 --qty 100,50"
step "One entry on the day the 20% took effect, line by line as on an entry summary" \
  "rta duty --date 2025-08-07 --origin VN --hts 6109.10.00.12 --value 10000 --qty 100,50"
step "The same entry found transshipped: 40% in lieu of 20% (EO 14326)" \
  "rta duty --date 2025-08-07 --origin VN --hts 6109.10.00.12 --value 10000 --qty 100,50 --transshipped"
step "A steel derivative (door fittings) with \$4,000 of steel: 232 on the steel, reciprocal on the rest" \
  "rta duty --date 2025-09-01 --origin VN --hts 8302.41.60.45 --value 10000 --steel 4000"
step "Its timeline (declared steel content 40% of value)" \
  "rta timeline --origin VN --hts 8302.41.60.45 --steel 4000"
step "A smartphone: exempt from the reciprocal duty (electronics memorandum of 2025-04-11)" \
  "rta timeline --origin VN --hts 8517.13.00.00"
step "Why: every measure considered, with its source row (excerpt)" \
  "rta duty --date 2025-04-09 --origin VN --hts 8517.13.00.00 --value 10000 --explain | grep -E 'recip-(base|vn)|s122|fl-vn'"
step "A batch (CSV in, CSV out) and the IEEPA refund view" \
  "printf 'entry_id,date,hts,origin,value,qty1,qty2\\nA1,2025-04-09,6109.10.00.12,VN,10000,100,50\\nA2,2025-09-01,6109.10.00.12,CN,5000,50,25\\nA3,2026-03-02,6109.10.00.12,VN,10000,100,50\\n' > /tmp/rta-demo.csv; rta duty --batch /tmp/rta-demo.csv; rta refund --batch /tmp/rta-demo.csv"
step "The reciprocal formula of April 2025 for Viet Nam: 90.4% computed, 46% applied (Annex I: 46%)" \
  "rta reciprocal --partner VN"
step "The 2024 balance with Viet Nam and what the US imports from it, by HS section" \
  "rta balance VN --by section --top 8"
step "Every parameter is a flag: with the pass-through phi = 0.945 (AEI) Viet Nam gets 12%" \
  "rta reciprocal --partner VN --phi 0.945"
step "Both charts as SVG, written by rta itself" \
  "rta reciprocal --svg /tmp/rta-reciprocal.svg && rta balance VN --by section --top 8 --svg /tmp/rta-balance-vn.svg >/dev/null && ls -l /tmp/rta-reciprocal.svg /tmp/rta-balance-vn.svg"
# The negotiation workbench (issue 6), on a copy of the store so the demo can be re-run.
step "A Viet Nam-US negotiation in a scratch copy of the store, two rounds" \
  "cp \"\${RTA_DB:-rta.db}\" /tmp/rta-demo-neg.db && rta --db /tmp/rta-demo-neg.db negotiation new vn-us --parties VN,US --title 'Reciprocal trade' --author demo && rta --db /tmp/rta-demo-neg.db round add vn-us --number 1 --date 2025-05-01 --place Washington --level technical --topic 'market access' && rta --db /tmp/rta-demo-neg.db round add vn-us --number 2 --date 2025-06-10 --place Hanoi --level ministerial"
step "Viet Nam tables its offer (zero duty on US goods, every HS chapter) as a draft" \
  "rta --db /tmp/rta-demo-neg.db list add vn-us --party VN --round 1 --kind offer --file examples/vn_offer_round1.csv --author demo"
step "The draft is invisible to the US delegation" \
  "rta --db /tmp/rta-demo-neg.db list show vn-us/VN/1/offer --as US; echo \"exit \$?\""
step "The US offer: the 20% stays, Annex II farm lines (ch. 08-09, from 2025-11-13) exempt" \
  "rta --db /tmp/rta-demo-neg.db list add vn-us --party US --round 1 --kind offer --file examples/us_offer_round1.csv --author demo && rta --db /tmp/rta-demo-neg.db list show vn-us/US/1/offer --as US | head -5"
step "Both lists exchanged; Viet Nam's is now readable by the US, in the exchange CSV form" \
  "rta --db /tmp/rta-demo-neg.db list exchange vn-us/VN/1/offer --as VN && rta --db /tmp/rta-demo-neg.db list exchange vn-us/US/1/offer --as US && rta --db /tmp/rta-demo-neg.db list show vn-us/VN/1/offer --as US --csv | head -4"
step "The US offer as negotiators exchange it: base rate (HTS General on the date) and offered rate" \
  "rta --db /tmp/rta-demo-neg.db list export vn-us/US/1/offer --as VN --date 2025-10-01 | head -4"
step "Round 2 (ministerial): arabica coffee and cotton agreed; what is still open" \
  "rta --db /tmp/rta-demo-neg.db list status vn-us/US/1/offer 0901110025 agreed --round 2 --as VN --author demo && rta --db /tmp/rta-demo-neg.db list status vn-us/VN/1/offer 52 agreed --round 2 --as US --author demo && rta --db /tmp/rta-demo-neg.db outstanding vn-us --as VN | head -6 && rta --db /tmp/rta-demo-neg.db negotiation show vn-us --as US"
# Origin verdicts (issue 5): a blouse made up in Viet Nam from Chinese fabric.
step "Does a blouse made from Chinese fabric originate under the UK-Viet Nam (EVFTA) rules?" \
  "rta origin check --rules ukvfta --bom examples/bom_shirt_cn_fabric.json | head -4"
step "A laptop under CPTPP: originating by change of subheading (JSON contract)" \
  "rta origin check --rules cptpp --bom examples/bom_laptop.json --json | head -c 400; echo"
step "The duty consequence on 2025-09-01: 20% if originating, 40% as transshipped" \
  "rta duty --date 2025-09-01 --hts 6206.30.30 --bom examples/bom_shirt_cn_fabric.json --rules ukvfta | tail -11"
# The rule language (issue 5, docs/origin-rules.md): one product under both agreements.
step "The rule of origin for a cotton T-shirt (6109.10) under the UK-Viet Nam FTA (EVFTA rules)" \
  "rta origin rule ukvfta 6109.10 | sed -n '/^syntax/,/^compiled/p' | cut -c1-150"
step "The same T-shirt under CPTPP: change of chapter except from yarns and fabrics, cut and sewn in a Party" \
  "rta origin rule cptpp 6109.10 | sed -n '/^syntax/,/^tolerance/p' | cut -c1-150"
step "How much of each agreement rta compiled, and why the rest needs a person" \
  "rta origin coverage ukvfta; rta origin coverage cptpp"
# The evaluation (issue 6, docs/sim.md): the SMART partial-equilibrium model in both markets.
step "What the US offer does in the US market on 2025-10-01 (before Annex II took in these farm lines)" \
  "rta --db /tmp/rta-demo-neg.db evaluate vn-us/US/1/offer --as US --date 2025-10-01 | grep -vE '^  (tariffs|trade|elasticity|left out):'"
step "The worked example, both markets: the US keeps 20% with the Annex III goods exempt; Viet Nam offers zero duty (VN side: a coarse demo, timber only, from the category fragments)" \
  "rta evaluate examples/sim_us_keeps_20_annex3.csv examples/sim_vn_offer_zero_us.csv --market both --date 2025-10-01 --imports examples/vn_imports_fragments_demo.csv --demo --json | python3 -c 'import json,sys; d=json.load(sys.stdin); [print(m[\"market\"], m[\"model\"], \"creation\", m[\"trade_creation_usd\"], \"diversion\", m[\"trade_diversion_usd\"], \"revenue\", m[\"revenue_change_usd\"], \"welfare\", m[\"welfare_usd\"], \"|\", m[\"detail\"][:70]) for m in d[\"markets\"]]; b=d[\"balance\"]; print(\"balance\", b[\"balance_before_usd\"], \"->\", b[\"balance_after_usd\"], \"reciprocal\", b[\"reciprocal\"])'"
step "The same US side in the exact CES form" \
  "rta evaluate examples/sim_us_keeps_20_annex3.csv --date 2025-10-01 --model ces | grep -E 'market:|creation|diversion|revenue|welfare'"
step "Package search: the US lines to offer Viet Nam so its exports rise by \$1 bn at least US revenue cost, with the LP bound" \
  "rta package --goal exports:1000000000 --market US --date 2025-10-01 | head -12"
echo
echo "End of the tour. How each part works: docs/*.md; speed against pandas, DuckDB, numpy: bench/README.md."

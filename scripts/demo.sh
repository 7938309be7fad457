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
echo
echo "Next in the tour (open issues): rules of origin, the negotiation workbench."

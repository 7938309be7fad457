#!/usr/bin/python3
"""Validation of rta's MFN duty against Census calculated duty, 2024, by HS10.

Reads only the project's data folder (data/trade/, data/hts/); runs the rta
binary in batch mode; prints the comparison as Markdown tables on stdout.
Standard library only. Called by bench/validation/run.sh (see docs/validation.md).
"""
import argparse
import collections
import csv
import gzip
import io
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

DATE = "2024-07-01"  # the 2024 basic edition answers for every date of 2024 in rta

# (Census code, ISO 3166 alpha-2, name, role). "validation": the four partners
# the 0.5% target applies to; "contrast": run for comparison, with the reason
# they are not a clean MFN test given in docs/validation.md.
PARTNERS = [
    ("5520", "VN", "Viet Nam", "validation"),
    ("5830", "TW", "Taiwan", "validation"),
    ("5330", "IN", "India", "validation"),
    ("5380", "BD", "Bangladesh", "validation"),
    ("5490", "TH", "Thailand", "contrast"),
    ("5880", "JP", "Japan", "contrast"),
    ("5700", "CN", "China", "contrast"),
]

TOLERANCE_PCT = 0.5
# a line where Census duty exceeds everything rta computes (MFN + chapter 99) by
# more than this many dollars and this share of the value: rta misses a duty
UNDER_MIN_USD = Decimal(500000)
UNDER_MIN_SHARE = Decimal("0.01")
AV_RE = re.compile(r"(\d+(?:\.\d+)?)%(?: on the entire set)?")
CH99_COLS = ("s232", "s301", "other", "ieepa_recip", "ieepa_fentanyl", "s122")
MARKUP_RE = re.compile(r"<[^>]*>")
PROGRAMS_RE = re.compile(r"\(([^)]*)\)")
# Kinds of line for the residual, first match wins. C (civil aircraft), K
# (pharmaceutical appendix) and L (intermediate chemicals for dyes) are open
# to goods of every origin, so a partner without preferences can claim them.
KIND_CH99 = "chapter 99 duty on the line (rta s232/s301 > 0)"
KINDS = [
    (KIND_CH99, None),
    ("pharmaceutical or dye program (K, L) in Special", {"K", "L"}),
    ("civil aircraft program (C) in Special", {"C"}),
    ("US-Japan Trade Agreement (JP) in Special, Japan only", {"JP"}),
    ("GSP for all beneficiaries (A)", {"A"}),
    ("GSP with some countries excluded (A*)", {"A*"}),
    ("GSP for least-developed only (A+)", {"A+"}),
    ("other", None),
]
CORE_EXCLUDED = {KINDS[0][0], KINDS[1][0], KINDS[2][0]}


def load_hts(path):
    """HS10 -> (general text, special text, ad valorem fraction or None).

    Rates sit on the 8-digit line (sometimes on a 10-digit line); a line
    without a rate inherits from the nearest ancestor in the indent tree that
    has one. A line is ad valorem when its General text, HTML markup removed,
    is exactly "N%" with N > 0.
    """
    out = {}
    stack = []  # (indent, general, special)
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        rd = csv.reader(f)
        next(rd)
        for row in rd:
            code, indent = row[0], int(row[1])
            general = MARKUP_RE.sub("", row[4]).strip()
            special = row[5].strip()
            while stack and stack[-1][0] >= indent:
                stack.pop()
            g, s = general, special
            if not g:
                for anc in reversed(stack):
                    if anc[1]:
                        g, s = anc[1], anc[2]
                        break
            stack.append((indent, general, special))
            digits = code.replace(".", "")
            if len(digits) == 10:
                m = AV_RE.fullmatch(g)
                frac = Decimal(m.group(1)) / 100 if m else None
                out[digits] = (g, s, frac)
    return out


def programs(special):
    progs = set()
    for grp in PROGRAMS_RE.findall(special):
        progs.update(p.strip() for p in grp.split(",") if p.strip())
    return progs


def load_trade(root, cty):
    path = os.path.join(root, "data", "trade", f"us_imports_2024_hs10_{cty}.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def money(x):
    return Decimal(x) if x not in ("", None) else None


def fmt_usd(x, unit=1e6, nd=1):
    return f"{float(x) / unit:,.{nd}f}"


def pct(a, b):
    return float((a - b) / b * 100) if b else float("nan")


def run_rta(args, entries_path, out_path, err_path):
    cmd = [args.rta, "--db", args.db, "duty", "--batch", entries_path, "--out", out_path]
    with open(err_path, "w") as err:
        rc = subprocess.run(cmd, stderr=err).returncode
    # exit 1 is expected: lines with specific or compound rates need quantities
    if rc not in (0, 1) or not os.path.exists(out_path):
        sys.exit(f"validate: {' '.join(cmd)} failed (exit {rc}); see {err_path}")
    res = {}
    with open(out_path, newline="") as f:
        for r in csv.DictReader(f):
            res[r["entry_id"]] = r
    return res


def china_s301_check(args, trade, res):
    """China lines whose 2025 basic edition footnote names a 9903.91 heading
    (the products of the 2024 four-year review) and on which rta computes no
    Section 301 duty for the 2024 entry date."""
    path = os.path.join(args.root, "data", "hts", "revisions", "hts_2025_basic.json.gz")
    if "5700" not in trade or not os.path.exists(path):
        return
    import json
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    heads = {}
    for row in data:
        found = set()
        for fn in row.get("footnotes") or []:
            found.update(re.findall(r"9903\.9[12]\.\d\d", fn.get("value", "")))
        if found:
            heads[row["htsno"].replace(".", "")] = found
    agg = collections.defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    for r in trade["5700"]:
        o = res.get("5700-" + r["hs10"])
        if o is None or o["mfn"] == "" or (money(o["s301"]) or 0) > 0:
            continue
        prefix = next((k for k in heads if r["hs10"].startswith(k)), None)
        if prefix is None:
            continue
        rta_all = money(o["mfn"]) + sum(money(o[k]) or 0 for k in CH99_COLS)
        for h in sorted(heads[prefix]):
            a = agg[h]
            a[0] += 1
            a[1] += Decimal(r["imports_consumption_usd"])
            a[2] += Decimal(r["calculated_duty_usd"])
            a[3] += rta_all
            break
    print("## China: lines with no rta Section 301 duty on the entry date whose 2025 HTS footnote names a 9903.91 heading\n")
    print("| first 9903.91 heading in the footnote | HS10 lines | imports, $ m | Census, $ m | rta MFN + ch. 99, $ m | Census - rta, $ m |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    tot = [0, Decimal(0), Decimal(0), Decimal(0)]
    for h, (n, v, cen, rt) in sorted(agg.items()):
        print(f"| {h} | {n} | {fmt_usd(v)} | {fmt_usd(cen)} | {fmt_usd(rt)} | {fmt_usd(cen - rt)} |")
        tot = [tot[0] + n, tot[1] + v, tot[2] + cen, tot[3] + rt]
    print(f"| all | {tot[0]} | {fmt_usd(tot[1])} | {fmt_usd(tot[2])} | {fmt_usd(tot[3])} | {fmt_usd(tot[2] - tot[3])} |")
    print("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--rta", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()

    hts = load_hts(os.path.join(args.root, "data", "hts", "hts_2024_basic_edition.csv.gz"))

    # 1. inputs: one entry per HS10 line of each partner
    trade = {}
    entries_path = os.path.join(args.work, "entries.csv")
    with open(entries_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["entry_id", "date", "hts", "origin", "value"])
        for cty, iso, _name, _role in PARTNERS:
            trade[cty] = load_trade(args.root, cty)
            for r in trade[cty]:
                w.writerow([f"{cty}-{r['hs10']}", DATE, r["hs10"], iso, r["imports_consumption_usd"]])

    # 2. rta
    res = run_rta(args, entries_path, os.path.join(args.work, "out.csv"),
                  os.path.join(args.work, "rta_stderr.txt"))

    # 3. compare
    p = print
    p(f"# rta MFN duty vs Census calculated duty, US imports for consumption 2024 (entry date {DATE})\n")
    summary, summary99, breakdown, tops, checks = [], [], [], {}, collections.defaultdict(list)
    notes_in_error = 0
    under = collections.defaultdict(list)
    for cty, iso, name, role in PARTNERS:
        n_lines = len(trade[cty])
        value_all = sum(Decimal(r["imports_consumption_usd"]) for r in trade[cty])
        census_all = sum(Decimal(r["calculated_duty_usd"]) for r in trade[cty])
        n_av = 0
        v_av = mfn_av = cen_av = ch99_av = Decimal(0)
        err_av = []
        cats = collections.OrderedDict((k, [0, Decimal(0), Decimal(0), Decimal(0)]) for k, _ in KINDS)
        rows = []
        free_census = free_rta = Decimal(0)
        not_in_hts = [0, Decimal(0), Decimal(0)]
        for r in trade[cty]:
            code = r["hs10"]
            v = Decimal(r["imports_consumption_usd"])
            cen = Decimal(r["calculated_duty_usd"])
            o = res.get(f"{cty}-{code}")
            if o is None:
                checks["missing output row"].append(f"{iso} {code}")
                continue
            ok = o["mfn"] != ""
            if ok and o["error"]:
                notes_in_error += 1
            if ok:
                rta_all = (money(o["mfn"]) or 0) + sum(money(o[k]) or 0 for k in CH99_COLS)
                gap = cen - rta_all
                if gap > UNDER_MIN_USD and gap > UNDER_MIN_SHARE * v:
                    under[(name, iso)].append((gap, code, v, cen, rta_all, o["s232"], o["s301"],
                                               r["description"].strip()))
            line = hts.get(code)
            if line is None:
                not_in_hts[0] += 1
                not_in_hts[1] += v
                not_in_hts[2] += cen
                if ok:
                    checks["rta computes a line absent from the 2024 basic edition CSV"].append(f"{iso} {code}")
                continue
            general, special, frac = line
            if frac is None or frac == 0:
                if general.lower() == "free":
                    free_census += cen
                    if ok:
                        free_rta += sum(money(o[k]) or 0 for k in CH99_COLS)
                    if ok and money(o["mfn"]) != 0:
                        checks["free line with non-zero rta mfn"].append(f"{iso} {code} mfn {o['mfn']}")
                elif ok and v > 0:
                    checks["non-ad-valorem line that rta computes"].append(
                        f"{iso} {code} \"{general}\" value {v} -> mfn {o['mfn']}")
                continue
            n_av += 1
            if not ok:
                err_av.append((code, v, cen, o["error"]))
                continue
            mfn = money(o["mfn"])
            expect = (frac * v).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if abs(mfn - expect) > Decimal("0.01"):
                checks["ad valorem line where rta mfn != rate x value"].append(
                    f"{iso} {code} {general} x {v} = {expect}, rta mfn {mfn}")
            ch99 = sum(money(o[k]) or 0 for k in CH99_COLS)
            v_av += v
            mfn_av += mfn
            cen_av += cen
            ch99_av += ch99
            progs = programs(special)
            k = "other"
            if ch99 > 0:
                k = KIND_CH99
            else:
                for name_k, codes in KINDS[1:-1]:
                    if "JP" in codes and iso != "JP":
                        continue  # the agreement program counts only for goods of Japan
                    if progs & codes:
                        k = name_k
                        break
            c = cats[k]
            c[0] += 1
            c[1] += mfn
            c[2] += cen
            c[3] += ch99
            rows.append((mfn - cen, code, general, v, mfn, cen, ch99, k, r["description"]))
        for code, v, cen, e in err_av:
            checks["ad valorem line that rta refuses"].append(f"{iso} {code} value {v}: {e}")
        d = pct(mfn_av, cen_av)
        core_m = sum(c[1] for k, c in cats.items() if k not in CORE_EXCLUDED)
        core_c = sum(c[2] for k, c in cats.items() if k not in CORE_EXCLUDED)
        core_n = sum(c[0] for k, c in cats.items() if k not in CORE_EXCLUDED)
        status = ("within 0.5%" if abs(d) <= TOLERANCE_PCT else "MISS") if role == "validation" else "contrast"
        summary.append((name, iso, cty, n_lines, n_av, len(err_av), value_all, v_av, mfn_av, cen_av, d, status,
                        core_n, pct(core_m, core_c)))
        d99 = pct(mfn_av + ch99_av, cen_av)
        summary99.append((name, iso, mfn_av, ch99_av, cen_av, d99, census_all, free_census, free_rta, not_in_hts))
        breakdown.append((name, iso, cen_av, cats))
        rows.sort(key=lambda x: (-abs(x[0]), x[1]))
        tops[(name, iso)] = rows[: args.top]

    p("## Comparison over the ad valorem lines (rta `mfn` column vs Census calculated duty)\n")
    p("| partner | Census code | HS10 lines | ad valorem lines | rta errors on them | imports, $ m | imports on ad valorem lines, $ m | rta MFN duty, $ m | Census duty, $ m | difference | status | difference without ch. 99 and C/K/L lines (lines) |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for (name, iso, cty, n, nav, nerr, va, vav, mfn, cen, d, st, cn, cd) in summary:
        p(f"| {name} ({iso}) | {cty} | {n:,} | {nav:,} | {nerr} | {fmt_usd(va)} | {fmt_usd(vav)} | "
          f"{fmt_usd(mfn, nd=2)} | {fmt_usd(cen, nd=2)} | {d:+.2f}% | {st} | {cd:+.2f}% ({cn:,}) |")
    p("")
    p("## Same lines with the chapter 99 duties rta computes for 2024 (s232, s301)\n")
    p("| partner | rta MFN, $ m | rta chapter 99, $ m | rta MFN + ch. 99, $ m | Census, $ m | difference | "
      "Census duty on all lines, $ m | Census on Free lines, $ m | rta ch. 99 on Free lines, $ m | lines not in the 2024 basic edition (n, imports $ m, Census duty $ m) |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for (name, iso, mfn, ch99, cen, d99, cen_all, free_cen, free_rta, nih) in summary99:
        p(f"| {name} ({iso}) | {fmt_usd(mfn, nd=2)} | {fmt_usd(ch99, nd=2)} | {fmt_usd(mfn + ch99, nd=2)} | "
          f"{fmt_usd(cen, nd=2)} | {d99:+.2f}% | {fmt_usd(cen_all, nd=1)} | {fmt_usd(free_cen, nd=1)} | {fmt_usd(free_rta, nd=1)} | "
          f"{nih[0]}, {fmt_usd(nih[1], nd=1)}, {fmt_usd(nih[2], nd=2)} |")
    p("")
    p("## Residual (rta MFN - Census) by kind of line\n")
    p("| partner | kind of line | lines | rta MFN, $ m | Census, $ m | rta - Census, $ m | share of Census total | rta ch. 99 on them, $ m |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, iso, cen_av, cats in breakdown:
        for k, (n, mfn, cen, ch99) in cats.items():
            if n == 0:
                continue
            share = float((mfn - cen) / cen_av * 100) if cen_av else 0.0
            p(f"| {name} ({iso}) | {k} | {n:,} | {fmt_usd(mfn, nd=2)} | {fmt_usd(cen, nd=2)} | "
              f"{fmt_usd(mfn - cen, nd=2)} | {share:+.2f}% | {fmt_usd(ch99, nd=2)} |")
    p("")
    p(f"## Top {args.top} lines by absolute difference\n")
    for (name, iso), rows in tops.items():
        p(f"### {name} ({iso})\n")
        p("| HS10 | General | imports, $ m | rta MFN, $ m | Census, $ m | Census / imports | rta ch. 99, $ m | kind | description |")
        p("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for diff, code, gen, v, mfn, cen, ch99, k, desc in rows:
            eff = float(cen / v * 100) if v else 0.0
            p(f"| {code} | {gen} | {fmt_usd(v, nd=2)} | {fmt_usd(mfn, nd=3)} | {fmt_usd(cen, nd=3)} | {eff:.2f}% | "
              f"{fmt_usd(ch99, nd=3)} | {k.split(' (')[0].replace(' program', '')} | {desc.strip()} |")
        p("")
    p("## Lines where Census duty exceeds all rta computes (MFN + ch. 99) by > 1% of value and > $0.5 m\n")
    p("Census calculated duty excludes AD/CVD, so on these lines rta misses a duty in force for at least part of 2024 "
      "(or one that began after the entry date used here).\n")
    p("| partner | lines | Census - rta, $ m |")
    p("| --- | ---: | ---: |")
    for (name, iso), items in under.items():
        p(f"| {name} ({iso}) | {len(items)} | {fmt_usd(sum(x[0] for x in items), nd=1)} |")
    p("")
    for (name, iso), items in under.items():
        items.sort(key=lambda x: (-x[0], x[1]))
        p(f"### {name} ({iso}): top {min(args.top, len(items))} of {len(items)}\n")
        p("| HS10 | imports, $ m | Census, $ m | Census / imports | rta total, $ m | rta / imports | rta s232, $ m | rta s301, $ m | description |")
        p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for gap, code, v, cen, rta_all, s232, s301, desc in items[: args.top]:
            p(f"| {code} | {fmt_usd(v, nd=2)} | {fmt_usd(cen, nd=3)} | {float(cen / v * 100):.2f}% | "
              f"{fmt_usd(rta_all, nd=3)} | {float(rta_all / v * 100):.2f}% | {fmt_usd(Decimal(s232), nd=3)} | "
              f"{fmt_usd(Decimal(s301), nd=3)} | {desc} |")
        p("")
    china_s301_check(args, trade, res)
    p("## Engine checks\n")
    p(f"- computed rows whose `error` column is not empty (a note, not an error): {notes_in_error:,}")
    if not checks:
        p("- no other finding")
    for k, items in checks.items():
        p(f"- {k}: {len(items)}")
        for it in items[:15]:
            p(f"  - {it}")
        if len(items) > 15:
            p(f"  - ... {len(items) - 15} more")
    p("")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""bench/duty_ref.py - the reference tables the duty baselines read (the
baselines' "import" step, untimed like `rta import`).

From data/hts/revisions.csv and the USITC JSON of every revision it writes
bench/out/duty/ref/:
  revisions.csv  idx,name,effective   (JSON revisions, by effective date)
  mfn.csv        hts,rev_from,rev_to,gen,col2
                 one row per run of revisions in which the 10-digit line's
                 General and Column 2 rate texts stay the same; gen/col2 are
                 the ad valorem rate in millionths (Free = 0), or empty when
                 the text is anything else (specific, compound, ...) or the
                 code appears twice in the revision.

From data/measures/ (the rows as data, nothing per entry) it writes:
  measures.csv   idx,id,col,rate,method,grp,priority,value_base,excl_s232,
                 excl_mask,bit,level,star,date_from,date_to
                 col = the batch output column; value_base = the base has
                 `value` (rows whose base is only metal content charge nothing:
                 the input has no content columns); excl_mask = bits of the
                 measure ids in excluded_by, bit = this measure's bit when an
                 excluded_by names it; level = evaluation order (a row after
                 every row it names and, for `s232`/-s232_content, after every
                 Section 232 row in force at the same time); star = products
                 is `*`. Rows with condition `transshipped` are left out (the
                 input never declares it); `not_usmca` rows stay (no program
                 is claimed).
  origins.csv    idx,origin          (ALL, -XX and EU expanded to ISO2)
  sels.csv       idx,role,kind,val   (role p = products, e = except;
                                      kind prefix or list; `*` is `star`)
  lists.csv      list,hts,plen,date_from,date_to
  star.csv       origin,period,idx   the `*`-product rows in force per origin
  periods.csv    period,start        and per period (dates where none of
                                     them starts or ends)

Rates inherit down the indent tree (a statistical suffix carries the text of
its 8-digit line), as in docs/hts.md. Only free and plain "N%" texts are
understood here: the benchmark input is restricted to lines whose rate in
force is one of those (bench/duty_gen.py), so the baselines need no rate
parser.

Usage: /usr/bin/python3 bench/duty_ref.py [--root /work/main] [--out DIR]
"""
import argparse
import csv
import glob
import gzip
import json
import os
import re
import sys
import time

AV = re.compile(r"^(\d+)(?:\.(\d{1,4}))?%$")


def millionths(text):
    """'Free' -> 0, '6.8%' -> 68000, anything else -> None."""
    if text == "Free":
        return 0
    m = AV.match(text)
    if not m:
        return None
    frac = (m.group(2) or "").ljust(4, "0")
    return int(m.group(1)) * 10000 + int(frac)


def revisions(root):
    out = []
    with open(os.path.join(root, "data/hts/revisions.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["format"] == "usitc_json":
                out.append((r["effective_date"], r["name"], r["file"]))
    out.sort()
    return out


def lines_of(path):
    """{hts10: (general_text, other_text)} with inheritance; duplicates -> None."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = json.load(f)
    stack = []  # (indent, general, other) of the open ancestors
    res = {}
    for r in rows:
        try:
            ind = int(r.get("indent") or 0)
        except ValueError:
            ind = 0
        while stack and stack[-1][0] >= ind:
            stack.pop()
        g = (r.get("general") or "").strip()
        o = (r.get("other") or "").strip()
        pg = stack[-1][1] if stack else ""
        po = stack[-1][2] if stack else ""
        g = g if g else pg
        o = o if o else po
        stack.append((ind, g, o))
        code = (r.get("htsno") or "").strip().replace(".", "")
        if len(code) == 10 and code.isdigit():
            res[code] = None if code in res else (g, o)
    return res


EU27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
AUTH_COL = {"mfn": "mfn", "s232": "s232", "s301": "s301", "ieepa_recip": "ieepa_recip",
            "ieepa_fentanyl": "ieepa_fentanyl", "s122": "s122"}


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))


def pct_millionths(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 10000 + int((frac or "0").ljust(4, "0")[:4])


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def measure_tables(root, out):
    import datetime as dt
    mdir = os.path.join(root, "data/measures")
    iso = json.load(open(os.path.join(root, "data/country_codes/iso_3166-1.json")))["3166-1"]
    universe = sorted(c["alpha_2"] for c in iso)
    ms = rows_of(os.path.join(mdir, "measures.csv"))
    far = "9999-12-31"
    byid = {m["id"]: i for i, m in enumerate(ms)}
    keep = [m["condition"] != "transshipped" for m in ms]

    def overlap(a, b):
        return a["from"] <= (b["to"] or far) and b["from"] <= (a["to"] or far)

    deps = []
    for i, m in enumerate(ms):
        d = set()
        for t in m["excluded_by"].split():
            if t != "s232" and overlap(m, ms[byid[t]]):
                d.add(byid[t])
        if m["authority"] != "s232" and ("s232" in m["excluded_by"].split() or
                                         "-s232_content" in m["base"].split()):
            d |= {j for j, q in enumerate(ms) if q["authority"] == "s232" and overlap(m, q)}
        deps.append(d)
    level = {}

    def lv(i, seen=()):
        if i in seen:
            raise SystemExit("duty_ref: excluded_by cycle through " + ms[i]["id"])
        if i not in level:
            level[i] = max([lv(j, seen + (i,)) + 1 for j in deps[i]], default=0)
        return level[i]

    excluders = sorted({t for m in ms for t in m["excluded_by"].split() if t != "s232"},
                       key=lambda t: byid[t])
    if len(excluders) > 62:
        raise SystemExit("duty_ref: more than 62 measures named in excluded_by")
    bit = {t: k for k, t in enumerate(excluders)}
    mrows, orows, srows = [], [], []
    for i, m in enumerate(ms):
        if not keep[i]:
            continue
        base = m["base"].split()
        mask = 0
        for t in m["excluded_by"].split():
            if t != "s232":
                mask |= 1 << bit[t]
        prods = m["products"].split()
        mrows.append([i, m["id"], AUTH_COL.get(m["authority"], "other"), pct_millionths(m["rate"]),
                      m["method"], m["group"], int(m["priority"] or 0), int("value" in base),
                      int("s232" in m["excluded_by"].split()), mask, bit.get(m["id"], -1), lv(i),
                      int("*" in prods), m["from"], m["to"] or far])
        inc = set()
        for t in m["origins"].split():
            neg = t.startswith("-")
            c = t[1:] if neg else t
            members = universe if c == "ALL" else EU27 if c == "EU" else [c]
            if neg:
                inc -= set(members)
            else:
                inc |= set(members)
        orows += [[i, c] for c in sorted(inc)]
        for role, col in (("p", "products"), ("e", "except")):
            for t in m[col].split():
                if t == "*":
                    continue
                srows.append([i, role, "list", t[1:]] if t.startswith("@") else [i, role, "prefix", t[:10]])
    write(os.path.join(out, "measures.csv"),
          ["idx", "id", "col", "rate", "method", "grp", "priority", "value_base", "excl_s232",
           "excl_mask", "bit", "level", "star", "date_from", "date_to"], mrows)
    write(os.path.join(out, "origins.csv"), ["idx", "origin"], orows)
    write(os.path.join(out, "sels.csv"), ["idx", "role", "kind", "val"], srows)
    lrows = []
    for f in sorted(glob.glob(os.path.join(mdir, "lists", "*.csv"))):
        name = os.path.basename(f)[:-4]
        for r in rows_of(f):
            lrows.append([name, r["hts"], len(r["hts"]), r["from"] or "0001-01-01", r["to"] or far])
    write(os.path.join(out, "lists.csv"), ["list", "hts", "plen", "date_from", "date_to"], lrows)
    # periods of the `*`-product rows: no such row starts or ends inside a period
    star = [r for r in mrows if r[12]]
    one = dt.timedelta(days=1)
    brk = {"0001-01-01"}
    for r in star:
        brk.add(r[13])
        if r[14] != far:
            brk.add((dt.date.fromisoformat(r[14]) + one).isoformat())
    brk = sorted(brk)
    write(os.path.join(out, "periods.csv"), ["period", "start"], list(enumerate(brk)))
    orig = {}
    for i, c in orows:
        orig.setdefault(i, []).append(c)
    st = []
    for p, start in enumerate(brk):
        for r in star:
            if r[13] <= start <= r[14]:
                st += [[c, p, r[0]] for c in orig.get(r[0], [])]
    write(os.path.join(out, "star.csv"), ["origin", "period", "idx"], st)
    return len(mrows), len(orows), len(srows), len(lrows), len(brk), len(st)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    out = a.out or os.path.join(root, "bench/out/duty/ref")
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    counts = measure_tables(root, out)
    print("duty_ref: %d measures, %d origin pairs, %d selectors, %d list rows, %d periods, "
          "%d star rows" % counts, file=sys.stderr)
    revs = revisions(root)
    runs = {}  # hts -> [rev_from, rev_to, gen, col2]
    done = []
    for idx, (eff, name, file) in enumerate(revs):
        lines = lines_of(os.path.join(root, "data/hts", file))
        for code, v in lines.items():
            if v is None:
                gen = col2 = None
            else:
                gen, col2 = millionths(v[0]), millionths(v[1])
            cur = runs.get(code)
            if cur and cur[-1][1] == idx - 1 and cur[-1][2] == gen and cur[-1][3] == col2:
                cur[-1][1] = idx
            else:
                runs.setdefault(code, []).append([idx, idx, gen, col2])
        done.append((idx, name, eff))
    with open(os.path.join(out, "revisions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["idx", "name", "effective"])
        w.writerows(done)
    n = 0
    with open(os.path.join(out, "mfn.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["hts", "rev_from", "rev_to", "gen", "col2"])
        for code in sorted(runs):
            for r in runs[code]:
                w.writerow([code, r[0], r[1], "" if r[2] is None else r[2], "" if r[3] is None else r[3]])
                n += 1
    print(f"duty_ref: {len(done)} revisions, {len(runs)} codes, {n} runs -> {out} "
          f"({time.time() - t0:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""bench/duty_gen.py - N customs entries drawn from the real 2024 US import mix.

    /usr/bin/python3 bench/duty_gen.py N OUT.csv [--seed 1]

Writes the rta batch format (`rta duty --help`): entry_id,date,hts,origin,value.

- The mix: Census 2024 imports for consumption by HS10 x partner. Read from
  data/trade/ (the bundled Census 2024 extract: 50 partners and the EU aggregate; Slovakia's own file is not bundled as it is inside the aggregate). 
  EU as one aggregate (Census code 0003); EU rows get a member state drawn
  uniformly from the 27 (every EU row of data/measures/ names the EU token, so
  the duty does not depend on which member), and the separate Slovakia file
  (4359, already inside the aggregate) is skipped.
- (HS10, partner) is drawn with probability proportional to its 2024 value;
  Census codes map to ISO2 through data/country_codes/ (census -> ISO3) and
  iso_3166-1.json (ISO3 -> ISO2).
- Dates uniform over 2025-01-01 .. 2026-10-31.
- Only pairs whose HS10 exists in the HTS revision in force on the date, and
  whose rate in force there (General; Column 2 for CU KP RU BY) is free or a
  plain ad valorem percentage, are kept (a rejected draw is drawn again): the
  baselines understand only those rates (bench/duty_ref.py). No quantities.
- Value: lognormal (sigma 1) around the line's mean entry value, taken as the
  2024 annual value / 500 entries, clamped to [2,500, 250,000] USD; cents kept.
"""
import argparse
import csv
import glob
import json
import os
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
EU27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
COLUMN2 = {"CU", "KP", "RU", "BY"}  # the origins of the column2 rows of measures.csv
D0 = np.datetime64("2025-01-01")
D1 = np.datetime64("2026-10-31")


def country_map():
    iso = json.load(open(os.path.join(ROOT, "data/country_codes/iso_3166-1.json")))["3166-1"]
    a3 = {c["alpha_3"]: c["alpha_2"] for c in iso}
    m = pd.read_csv(os.path.join(ROOT, "data/country_codes/census_country_iso3_mapping_FRBAtl_short.csv"),
                    dtype=str)
    return {r.CTY_CODE: a3.get(r.ISO3) for r in m.itertuples()}


def load_mix():
    pat = "us_imports_2024_hs10_[0-9]*.csv"
    trade = os.path.join(ROOT, "data/trade")
    files = sorted(glob.glob(os.path.join(trade, pat)) + glob.glob(os.path.join(trade, pat + ".gz")))
    if len(files) < 40:
        sys.exit(f"duty_gen: data/trade/ holds {len(files)} partner files; the 2024 mix needs "
                 "the 50 partners and the EU aggregate bundled there")
    cmap = country_map()
    parts = []
    for f in files:
        d = pd.read_csv(f, dtype={"cty_code": str, "hs10": str},
                        usecols=["cty_code", "hs10", "imports_consumption_usd"])
        parts.append(d)
    mix = pd.concat(parts, ignore_index=True)
    mix = mix[(mix.cty_code != "4359") & (mix.imports_consumption_usd > 0)]
    mix["hs10"] = mix.hs10.str.zfill(10)
    mix["origin"] = np.where(mix.cty_code == "0003", "EU", mix.cty_code.map(cmap))
    unmapped = mix.origin.isna()
    if unmapped.any():
        print(f"duty_gen: {unmapped.sum()} rows of unmapped partners dropped: "
              f"{sorted(mix.cty_code[unmapped].unique())}", file=sys.stderr)
    mix = mix[~unmapped].reset_index(drop=True)
    return trade, mix


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.time()
    ref = os.path.join(ROOT, "bench/out/duty/ref")
    if not os.path.exists(os.path.join(ref, "mfn.csv")):
        os.system(f"/usr/bin/python3 {os.path.join(HERE, 'duty_ref.py')}")
    revs = pd.read_csv(os.path.join(ref, "revisions.csv"))
    mfn = pd.read_csv(os.path.join(ref, "mfn.csv"), dtype={"hts": str})
    src, mix = load_mix()
    nrev = len(revs)
    eff = revs.effective.values.astype("datetime64[D]")

    # valid[line, rev]: the code exists in the revision and its rate in force is understood
    codes = pd.Index(mix.hs10.unique())
    ci = codes.get_indexer(mfn.hts)
    mfn = mfn[ci >= 0]
    ci = ci[ci >= 0]
    ok_gen = np.zeros((len(codes), nrev), bool)
    ok_col2 = np.zeros((len(codes), nrev), bool)
    for (c, lo, hi, g, c2) in zip(ci, mfn.rev_from.values, mfn.rev_to.values, mfn.gen.notna().values,
                                  mfn.col2.notna().values):
        ok_gen[c, lo:hi + 1] = g
        ok_col2[c, lo:hi + 1] = c2
    line_code = codes.get_indexer(mix.hs10)
    is_c2 = mix.origin.isin(COLUMN2).values

    w = mix.imports_consumption_usd.values.astype(float)
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    rng = np.random.default_rng(a.seed)
    ndays = int((D1 - D0).astype(int)) + 1
    n = a.n
    line = np.empty(n, np.int64)
    day = np.empty(n, np.int64)
    todo = np.arange(n)
    draws = 0
    while len(todo):
        draws += len(todo)
        li = np.minimum(np.searchsorted(cdf, rng.random(len(todo)), side="right"), len(cdf) - 1)
        dd = rng.integers(0, ndays, len(todo))
        rv = np.searchsorted(eff, D0 + dd, side="right") - 1
        c = line_code[li]
        good = np.where(is_c2[li], ok_col2[c, rv], ok_gen[c, rv])
        line[todo[good]] = li[good]
        day[todo[good]] = dd[good]
        todo = todo[~good]
    origin = mix.origin.values[line].astype(object)
    eu = origin == "EU"
    origin[eu] = np.array(EU27, dtype=object)[rng.integers(0, 27, int(eu.sum()))]
    mean = np.clip(w[line] / 500.0, 2500.0, 250000.0)
    val = mean * rng.lognormal(-0.5, 1.0, n)
    cents = np.maximum(np.rint(val * 100).astype(np.int64), 100)
    df = pd.DataFrame({
        "entry_id": np.char.add("E", np.arange(1, n + 1).astype(str)),
        "date": (D0 + day).astype(str),
        "hts": mix.hs10.values[line],
        "origin": origin,
        "value": np.char.add(np.char.add((cents // 100).astype(str), "."),
                             np.char.zfill((cents % 100).astype(str), 2)),
    })
    df.to_csv(a.out, index=False, quoting=csv.QUOTE_MINIMAL, chunksize=1_000_000)
    print(f"duty_gen: {n} entries from {src} ({len(mix)} HS10 x partner lines, seed {a.seed}); "
          f"{draws - n} draws rejected ({100.0 * (draws - n) / draws:.2f}%: code absent from the "
          f"revision in force or rate not free/ad valorem); {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

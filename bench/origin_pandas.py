#!/usr/bin/python3
"""bench/origin_pandas.py - the pandas baseline of bench_origin: the same
verdicts from boms.csv (one row per material), as a competent analyst would
write them with vectorised pandas, integer cents throughout.

    origin_pandas.py DIR      reads DIR/boms.csv, writes DIR/verdicts_pandas.csv

Rules (as in bench/bench_origin.c): 8407 MaxNOM <= 50%; 8457 (8444-8480)
CTH or MaxNOM <= 70%; 8471 CTSH; 8504 CTH or RVC(BD) >= 40%; 10% value
tolerance on materials failing the shift; materials from VN (the producer)
and KR (cumulation) are originating, 'unknown' is not. Prints the seconds of
the computation (read excluded) and of the read.
"""
import sys
import time

import pandas as pd

d = sys.argv[1]
t0 = time.perf_counter()
df = pd.read_csv(f"{d}/boms.csv", dtype={"product": str, "mat_hs6": str, "origin": str},
                 keep_default_na=False)
t1 = time.perf_counter()
orig = df["origin"].isin(["VN", "KR"])
non = ~orig
v = df["value_cents"]
df["vnm"] = v.where(non, 0)
df["fail_cth"] = v.where(non & (df["mat_hs6"].str[:4] == df["product"].str[:4]), 0)
df["fail_ctsh"] = v.where(non & (df["mat_hs6"] == df["product"]), 0)
g = df.groupby("bom_id", sort=True).agg(product=("product", "first"),
                                       price=("price_cents", "first"),
                                       vnm=("vnm", "sum"), fail_cth=("fail_cth", "sum"),
                                       fail_ctsh=("fail_ctsh", "sum"))
p = g["price"]
tol = 10 * p
cth = g["fail_cth"] * 100 <= tol
ctsh = g["fail_ctsh"] * 100 <= tol
maxnom50 = g["vnm"] * 100 <= 50 * p
maxnom70 = g["vnm"] * 100 <= 70 * p
bd40 = (p - g["vnm"]) * 100 >= 40 * p
h = g["product"].str[:4]
ok = ((h == "8407") & maxnom50) | ((h == "8457") & (cth | maxnom70)) | \
     ((h == "8471") & ctsh) | ((h == "8504") & (cth | bd40))
t2 = time.perf_counter()
pd.DataFrame({"bom_id": g.index, "originating": ok.astype(int).values}).to_csv(
    f"{d}/verdicts_pandas.csv", index=False)
print(f"pandas: read {t1 - t0:.3f} s, verdicts {t2 - t1:.3f} s, {len(g)} bills")

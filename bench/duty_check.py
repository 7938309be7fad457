#!/usr/bin/python3
"""bench/duty_check.py - do two batch outputs agree to the cent, row by row?

    /usr/bin/python3 bench/duty_check.py IN.csv RTA_OUT.csv OTHER_OUT.csv [--name pandas] [--examples 5]

Compares every money column (total_duty, mfn, s232, s301, ieepa_recip,
ieepa_fentanyl, s122, other, mpf, hmf) as text (both print cents as d.cc) on
the rows where neither side reports an error; an error row (amounts empty) on
one side only is a disagreement too (an empty mpf, no MPF row for the date,
must be empty on both sides). The error text itself is not compared.
Prints a summary, the rta error messages by frequency, and examples of each
kind of disagreement with the input row. Exit status 0 if all rows agree.
"""
import argparse
import re
import sys

import pandas as pd

MONEY = ["total_duty", "mfn", "s232", "s301", "ieepa_recip", "ieepa_fentanyl", "s122", "other",
         "mpf", "hmf"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("rta")
    ap.add_argument("other")
    ap.add_argument("--name", default="baseline")
    ap.add_argument("--examples", type=int, default=5)
    a = ap.parse_args()
    rd = lambda f: pd.read_csv(f, dtype=str, keep_default_na=False)
    I, A, B = rd(a.inp), rd(a.rta), rd(a.other)
    if not (len(I) == len(A) == len(B)) or not (A.entry_id.values == B.entry_id.values).all():
        print(f"check {a.name}: row sets differ (input {len(I)}, rta {len(A)}, {a.name} {len(B)})")
        return 2
    a_err = A.total_duty == ""
    b_err = B.total_duty == ""
    n = len(A)
    print(f"check {a.name}: {n} rows; rta error rows {int(a_err.sum())} ({100.0 * a_err.mean():.3f}%), "
          f"{a.name} error rows {int(b_err.sum())}; rta rows with an empty mpf (no MPF row for the date) "
          f"{int(((A.mpf == '') & ~a_err).sum())}")
    if a_err.any():
        msg = A.error[a_err].str.replace(r"^[^:]*:\d+: ", "", regex=True)
        msg = msg.str.replace(r"\d{10}|\d{4}\.\d\d\.\d\d\.\d\d", "<code>", regex=True)
        for m, c in msg.value_counts().head(8).items():
            print(f"  rta error x{c}: {m[:160]}")
    both = ~a_err & ~b_err
    bad = (a_err != b_err).copy()
    per = {}
    for c in MONEY:
        d = both & (A[c] != B[c])
        per[c] = int(d.sum())
        bad |= d
    nb = int(bad.sum())
    print(f"check {a.name}: {n - nb} of {n} rows agree to the cent on every column; "
          f"{nb} disagree ({100.0 * nb / max(n, 1):.4f}%)")
    if nb:
        print("  disagreeing rows per column: " + ", ".join(f"{k} {v}" for k, v in per.items() if v)
              + (f", error on one side only {int((a_err != b_err).sum())}" if (a_err != b_err).any() else ""))
        # group the disagreements by (origin, columns that differ) and show examples
        cols = pd.Series([""] * n)
        for c in MONEY:
            cols = cols.where(~(both & (A[c] != B[c])), cols + c + " ")
        key = I.origin + " | " + cols.str.strip()
        for k, cnt in key[bad].value_counts().head(12).items():
            print(f"  {cnt} rows: origin | columns = {k}")
            for j in list(key[bad & (key == k)].index[:a.examples]):
                r = I.loc[j]
                print(f"    {r.entry_id} {r.date} {r.hts} {r.origin} {r.value}: rta "
                      + ",".join(A.loc[j, MONEY]) + (f" [{A.error[j][:80]}]" if A.error[j] else "")
                      + f" | {a.name} " + ",".join(B.loc[j, MONEY]))
    return 1 if nb else 0


if __name__ == "__main__":
    sys.exit(main())

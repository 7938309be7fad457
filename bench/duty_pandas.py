#!/usr/bin/python3
"""bench/duty_pandas.py - the pandas baseline of `rta duty --batch`.

    /usr/bin/python3 bench/duty_pandas.py IN.csv OUT.csv [--ref bench/out/duty/ref]

The same stack as rta (data/measures/README.md), applied with vectorised
merges and array operations, no Python loop over entries (loops run over the
measure levels, list prefix lengths and fee rows only). It reads the reference
tables that bench/duty_ref.py derives from data/ (the baseline's "import",
untimed like `rta import`) and writes rta's batch output columns:
entry_id,total_duty,mfn,s232,s301,ieepa_recip,ieepa_fentanyl,s122,other,mpf,hmf,error

Scope of the input (bench/duty_gen.py): entry_id,date,hts,origin,value only;
no quantities, content, program, transshipment, mode (ocean) or export date.
So: condition `transshipped` rows never apply, `not_usmca` rows always do;
rows based only on metal content charge nothing; `-us_content` and
`-s232_content` take nothing off; no in-transit rule applies; the MFN rate is
the General rate, or Column 2 when a `column2` row applies, and must be free
or ad valorem (other rates are reported as an error row).
"""
import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

COLS = ["s232", "s301", "ieepa_recip", "ieepa_fentanyl", "s122", "other"]
EPOCH = np.datetime64("1970-01-01", "D")


def days(s):
    """ISO date strings -> int days since 1970 (9999-12-31 fits)."""
    return np.array(s, dtype="datetime64[D]").astype(np.int64)


def apply_rate(base, millionths):
    """base cents x rate, half-up to the cent (as rta); 0 when either is <= 0."""
    a = (base * millionths + 500000) // 1000000
    return np.where((base > 0) & (millionths > 0), a, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--ref", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "out/duty/ref"))
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    a = ap.parse_args()
    t0 = time.time()
    R = lambda f, **k: pd.read_csv(os.path.join(a.ref, f), keep_default_na=False, **k)
    M = R("measures.csv")
    nm = int(M.idx.max()) + 1
    col_of = np.full(nm, -1)
    m_rate = np.zeros(nm, np.int64)
    m_floor = np.zeros(nm, bool)
    m_col2 = np.zeros(nm, bool)
    m_grp = np.full(nm, -1)
    m_prio = np.zeros(nm, np.int64)
    m_vbase = np.zeros(nm, bool)
    m_xs232 = np.zeros(nm, bool)
    m_xmask = np.zeros(nm, np.int64)
    m_bit = np.full(nm, -1, np.int64)
    m_level = np.zeros(nm, np.int64)
    m_from = np.zeros(nm, np.int64)
    m_to = np.zeros(nm, np.int64)
    ix = M.idx.values
    col_of[ix] = [COLS.index(c) if c in COLS else -1 for c in M.col]
    m_rate[ix] = M.rate.values
    m_floor[ix] = (M.method == "floor").values
    m_col2[ix] = (M.method == "column2").values
    m_grp[ix] = np.where(M.grp.values == "", -1, pd.factorize(M.grp)[0])
    m_prio[ix] = M.priority.values
    m_vbase[ix] = M.value_base.values == 1
    m_xs232[ix] = M.excl_s232.values == 1
    m_xmask[ix] = M.excl_mask.values.astype(np.int64)
    m_bit[ix] = M.bit.values
    m_level[ix] = M.level.values
    m_from[ix] = days(M.date_from.values)
    m_to[ix] = days(M.date_to.values)
    is_s232 = np.zeros(nm, bool)
    is_s232[ix] = (M.col == "s232").values

    # ---- entries
    E = pd.read_csv(a.inp, dtype=str, keep_default_na=False)
    n = len(E)
    day = np.array(E.date.values, dtype="datetime64[D]").astype(np.int64)
    value = np.rint(pd.to_numeric(E.value).values * 100).astype(np.int64)
    code, U = pd.factorize(E.hts)  # entry -> code index, U = unique codes
    origins = pd.Index(sorted(set(E.origin.unique()) | set(R("origins.csv").origin.unique())))
    org = origins.get_indexer(E.origin)
    eidx = np.arange(n)

    # ---- revision in force and the MFN rate (General or Column 2)
    revs = R("revisions.csv")
    reff = days(revs.effective.values)
    rev = np.searchsorted(reff, day, side="right") - 1
    mfn = R("mfn.csv", dtype={"hts": str})
    mfn["code"] = pd.Index(U).get_indexer(mfn.hts)
    mfn = mfn[mfn.code >= 0]
    x = pd.DataFrame({"e": eidx, "code": code, "rev": rev}).merge(mfn, on="code")
    x = x[(x.rev_from <= x.rev) & (x.rev <= x.rev_to)]
    found = np.zeros(n, bool)
    found[x.e.values] = True
    gen = np.full(n, -1, np.int64)
    col2 = np.full(n, -1, np.int64)
    gen[x.e.values] = pd.to_numeric(x.gen).fillna(-1).astype(np.int64).values
    col2[x.e.values] = pd.to_numeric(x.col2).fillna(-1).astype(np.int64).values
    del x

    # ---- code-level product selectors: (code, measure, role, from, to)
    L = R("lists.csv", dtype={"hts": str})
    L["dfrom"] = days(L.date_from.values)
    L["dto"] = days(L.date_to.values)
    Ud = pd.DataFrame({"code": np.arange(len(U)), "hts": U})
    cl = []
    for plen, part in L.groupby("plen"):
        cl.append(Ud.assign(pre=Ud.hts.str[:plen]).merge(part, left_on="pre", right_on="hts")
                  [["code", "list", "dfrom", "dto"]])
    CL = pd.concat(cl, ignore_index=True)
    S = R("sels.csv", dtype={"val": str})
    cs = [CL.merge(S[S.kind == "list"], left_on="list", right_on="val")[["code", "idx", "role", "dfrom", "dto"]]]
    SP = S[S.kind == "prefix"].assign(plen=lambda d: d.val.str.len())
    for plen, part in SP.groupby("plen"):
        cs.append(Ud.assign(pre=Ud.hts.str[:plen]).merge(part, left_on="pre", right_on="val")
                  [["code", "idx", "role"]].assign(dfrom=-10**6, dto=10**7))
    CS = pd.concat(cs, ignore_index=True)
    CP = CS[(CS.role == "p") & (~M.set_index("idx").star.reindex(CS.idx).values.astype(bool))].copy()
    CP["dfrom"] = np.maximum(CP.dfrom.values, m_from[CP.idx.values])
    CP["dto"] = np.minimum(CP.dto.values, m_to[CP.idx.values])
    CP = CP[CP.dfrom <= CP.dto]
    CE = CS[CS.role == "e"]

    # ---- candidates: `*` rows by (origin, period), listed rows by code and date
    P = R("periods.csv")
    pstart = days(P.start.values)
    period = np.searchsorted(pstart, day, side="right") - 1
    ST = R("star.csv")
    st_key = origins.get_indexer(ST.origin).astype(np.int64) * 1000 + ST.period.values
    c1 = pd.DataFrame({"e": eidx, "k": org.astype(np.int64) * 1000 + period}).merge(
        pd.DataFrame({"k": st_key, "idx": ST.idx.values}), on="k")[["e", "idx"]]
    c2 = pd.DataFrame({"e": eidx, "code": code}).merge(CP[["code", "idx", "dfrom", "dto"]], on="code")
    c2 = c2[(c2.dfrom.values <= day[c2.e.values]) & (day[c2.e.values] <= c2.dto.values)]
    O = R("origins.csv")
    okey = O.idx.values.astype(np.int64) * 1000 + origins.get_indexer(O.origin)
    c2 = c2[np.isin(c2.idx.values.astype(np.int64) * 1000 + org[c2.e.values], okey)]
    C = pd.concat([c1, c2[["e", "idx"]]], ignore_index=True).drop_duplicates()
    # exemptions (except selectors), by code and date
    CE = CE.assign(k=CE.code.values.astype(np.int64) * 1024 + CE.idx.values)
    xe = pd.DataFrame({"e": C.e.values, "idx": C.idx.values,
                       "k": code[C.e.values].astype(np.int64) * 1024 + C.idx.values}).merge(
        CE[["k", "dfrom", "dto"]], on="k")
    xe = xe[(xe.dfrom.values <= day[xe.e.values]) & (day[xe.e.values] <= xe.dto.values)]
    if len(xe):
        C = C.merge(xe[["e", "idx"]].drop_duplicates(), how="left", indicator=True)
        C = C[C._merge == "left_only"][["e", "idx"]]
    ce = C.e.values
    ci = C.idx.values
    # Column 2 rows: the Column 2 rate replaces the General rate
    use_col2 = np.zeros(n, bool)
    use_col2[ce[m_col2[ci]]] = True
    keep = ~m_col2[ci]
    ce, ci = ce[keep], ci[keep]
    # groups: only the highest priority (then the first row) of each group
    g = m_grp[ci]
    order = np.lexsort((ci, -m_prio[ci], g, ce))
    ce, ci, g = ce[order], ci[order], g[order]
    first = np.ones(len(ce), bool)
    first[1:] = (ce[1:] != ce[:-1]) | (g[1:] != g[:-1])
    keep = (g < 0) | first
    ce, ci = ce[keep], ci[keep]

    # ---- MFN duty
    rate = np.where(use_col2, col2, gen)
    err = np.full(n, "", dtype=object)
    err[(rate < 0) & found] = "rate in force is not free or ad valorem (outside the baseline)"
    err[~found] = "HTS code not in the revision in force"
    mfn_c = apply_rate(value, np.maximum(rate, 0))

    # ---- measures, level by level (a row after the rows its exclusion depends on)
    charged = np.zeros(n, np.int64)  # bits of the excluded_by-named measures charged
    s232_full = np.zeros(n, bool)
    out = np.zeros((len(COLS), n), np.int64)
    lv = m_level[ci]
    for level in range(int(lv.max()) + 1 if len(lv) else 0):
        sel = lv == level
        e, i = ce[sel], ci[sel]
        ok = m_vbase[i] & ~(m_xs232[i] & s232_full[e]) & ((charged[e] & m_xmask[i]) == 0)
        amt = apply_rate(value[e], m_rate[i])
        fl = m_floor[i]
        amt = np.where(fl, np.maximum(amt - mfn_c[e], 0), amt)
        # a floor that computes 0 still applies (README: "printed even when 0")
        e, i, amt, fl = e[ok], i[ok], amt[ok], fl[ok]
        b = m_bit[i] >= 0
        np.bitwise_or.at(charged, e[b], np.left_shift(1, m_bit[i][b]))
        # "subject to" Section 232: a 232 duty above 0, or a 232 floor that applies
        s232_full[e[is_s232[i] & ((amt > 0) | fl)]] = True
        for k in range(len(COLS)):
            s = col_of[i] == k
            out[k] += np.bincount(e[s], weights=amt[s], minlength=n).astype(np.int64)
    total = mfn_c + out.sum(axis=0)

    # ---- fees (ocean: every row's modes include it)
    F = pd.read_csv(os.path.join(a.root, "data/measures/fees.csv"), comment="#", dtype=str,
                    keep_default_na=False)
    mpf = np.full(n, -1, np.int64)
    hmf = np.zeros(n, np.int64)
    for f in F.to_dict("records"):
        if "ocean" not in f["modes"].split():
            continue
        inn = (day >= days([f["from"]])[0]) & (day <= (days([f["to"]])[0] if f["to"] else 10**7))
        fee = apply_rate(value, pct(f["rate"]))
        if f["min_usd"] != "":
            fee = np.maximum(fee, pct(f["min_usd"]) // 100)
        if f["max_usd"] != "":
            fee = np.minimum(fee, pct(f["max_usd"]) // 100)
        if f["fee"] == "mpf":
            mpf = np.where(inn, fee, mpf)
        else:
            hmf = np.where(inn, hmf + fee, hmf)
    nompf = (mpf < 0) & (err == "")  # no MPF row for the date: empty, not zero (as rta)

    # ---- output
    bad = ~found | (rate < 0)
    res = pd.DataFrame({"entry_id": E.entry_id.values})
    for name, v in [("total_duty", total), ("mfn", mfn_c)] + list(zip(COLS, out)) + \
            [("mpf", mpf), ("hmf", hmf)]:
        f = v / 100.0
        f[bad] = np.nan
        if name == "mpf":
            f[mpf < 0] = np.nan
        res[name] = f
    res["error"] = err
    res.to_csv(a.out, index=False, float_format="%.2f", na_rep="")
    print(f"duty_pandas: {n} entries, {int(bad.sum())} error rows, {int(nompf.sum())} without MPF, "
          f"{time.time() - t0:.1f} s", file=sys.stderr)


def pct(text):
    whole, _, frac = str(text).partition(".")
    return int(whole) * 10000 + int((frac or "0").ljust(4, "0")[:4])


if __name__ == "__main__":
    main()

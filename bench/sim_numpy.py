#!/usr/bin/python3
"""bench/sim_numpy.py - the baseline of bench/sim_run.sh: the same SMART model
(linear and CES forms, docs/sim.md) in numpy over the cells bench_sim wrote
(product id, base imports, t0, t1, eta per cell), vectorised with
np.add.reduceat over the product spans. Times the evaluation only (not the
file read), median of RUNS, and checks its totals against rta's to 1e-6
relative.

    sim_numpy.py OUT_DIR [RUNS]
"""
import sys
import time

import numpy as np


def model(prod, m0, t0, t1, eta, sigma, ces):
    starts = np.flatnonzero(np.r_[True, prod[1:] != prod[:-1]])
    size = np.diff(np.r_[starts, len(prod)])
    mp = np.repeat(np.add.reduceat(m0, starts), size)
    rel = (1 + t1) / (1 + t0)
    wsum = np.repeat(np.add.reduceat(m0 * rel, starts), size)
    changed = (t1 != t0) & (m0 > 0)
    if ces:
        tc = np.where(changed, m0 * (rel ** eta - 1), 0.0)
    else:
        tc = np.where(changed, eta * m0 * (t1 - t0) / (1 + t0), 0.0)
    mK = mp - m0
    ok = changed & (mK > mp * 1e-12)
    safe_mK = np.where(ok, mK, 1.0)
    pK = (wsum - m0 * rel) / safe_mK
    r = rel / np.where(ok, pK, 1.0) - 1
    if ces:
        ratio = m0 / safe_mK * (1 + r) ** (-sigma)
        d = mp * ratio / (1 + ratio) - m0
    else:
        x = -r * sigma
        den = mp + m0 * x
        d = np.where(den > 0, m0 * mK * x / np.where(den > 0, den, 1.0), -m0)
    d = np.clip(d, -m0, mK)
    own = np.where(ok, d / safe_mK, 0.0)
    S = np.repeat(np.add.reduceat(own, starts), size)
    td = own * mK - m0 * (S - own)
    v = m0 + tc + td
    neg = v < 0
    tc = np.where(neg, -(m0 + td), tc)
    m1 = np.where(neg, 0.0, v)
    dt = t1 - t0
    w = np.where(dt < 0, 0.5, -0.5) * np.abs(dt) * np.abs(m1 - m0)
    w = np.where(dt == 0, 0.0, w)
    return (m1.sum(), tc.sum(), np.where(td > 0, td, 0).sum(),
            (t1 * m1 - t0 * m0).sum(), w.sum())


def main():
    out = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    cells = np.fromfile(out + "/cells.bin", dtype=np.float64).reshape(-1, 5)
    prod, m0, t0, t1, eta = (np.ascontiguousarray(cells[:, i]) for i in range(5))
    ok = True
    for name, ces in (("linear", False), ("ces", True)):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            tot = model(prod, m0, t0, t1, eta, 1.5, ces)
            times.append(time.perf_counter() - t)
        times.sort()
        ref = [float(x) for x in open(f"{out}/rta_totals_{name}.txt").read().split()]
        worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(tot, ref))
        agree = worst < 1e-6
        ok = ok and agree
        print(f"numpy_full_{name}_ms median {times[len(times)//2]*1e3:.3f} "
              f"min {times[0]*1e3:.3f} max {times[-1]*1e3:.3f} "
              f"agree {'yes' if agree else 'NO'} (worst relative difference {worst:.2e})")
    # the sweep, linear: scenario i cuts every cell by (i+1)/1000. numpy takes
    # minutes for all 1,000, so it runs the first 100 and reports 10 times that
    # (each scenario is the same work), labelled as an estimate.
    t = time.perf_counter()
    for i in range(100):
        model(prod, m0, t0, t0 * (1 - (i + 1) / 1000.0), eta, 1.5, False)
    print(f"numpy_sweep_1000_s {10 * (time.perf_counter() - t):.3f} (estimate: 100 run x 10)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

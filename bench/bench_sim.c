/*
 * bench_sim.c - the partial-equilibrium evaluation of the US market: one
 * full scenario over every HS10 x partner cell, and a sweep of 1,000
 * scenarios, on one core.
 *
 *   bench_sim DB DATA_DIR DATE [OUT_DIR]
 *
 * The market (base duty stack of every cell) is prepared once and timed
 * apart. The full scenario cuts every cell of every partner by half, so
 * every product changes (the worst case: no product is skipped). The sweep
 * evaluates 1,000 scenarios: scenario i cuts every cell by i/1000. With
 * OUT_DIR, the cells and rta's totals are written for bench/sim_numpy.py
 * (the same model in numpy, timed and checked in the same run by
 * bench/sim_run.sh).
 */
#include "rta/duty.h"
#include "rta/sim.h"
#include "rta/snapshot.h"
#include "rta/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int fail(const rta_error *e)
{
    char buf[1024];
    fprintf(stderr, "bench_sim: %s\n", rta_error_format(e, buf, sizeof buf));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_sim DB DATA_DIR DATE [OUT_DIR]\n");
        return 2;
    }
    rta_error err;
    rta_store *store = NULL;
    rta_snapshot *snap = NULL;
    rta_duty *duty = NULL;
    rta_market *m = NULL;
    rta_us_market_options o = {0};
    if (rta_date_parse(argv[3], &o.date, &err) != RTA_OK)
        return fail(&err);
    o.data_dir = argv[2];
    o.claim_programs = 1;
    double t = now();
    if (rta_store_open(argv[1], RTA_STORE_READONLY, &store, &err) != RTA_OK ||
        rta_snapshot_load(argv[1], &snap, &err) != RTA_OK ||
        rta_duty_open(store, snap, &duty, &err) != RTA_OK ||
        rta_market_load_us(store, snap, duty, &o, &m, &err) != RTA_OK)
        return fail(&err);
    double prep = now() - t;
    long n = rta_market_cells(m);
    rta_scenario *s = NULL;
    rta_sim_result *r = NULL;
    rta_sim_params p;
    rta_sim_defaults(&p);
    if (rta_scenario_new(m, &s, &err) != RTA_OK || rta_sim_result_new(m, &r, &err) != RTA_OK)
        return fail(&err);
    for (long i = 0; i < n; i++)
        rta_scenario_set(s, i, rta_market_cell_t0(m, i) * 0.5, NULL);
    enum { RUNS = 31 };
    double full[2][RUNS];
    for (int model = 0; model < 2; model++) {
        p.model = (rta_sim_model)model;
        for (int k = 0; k < RUNS; k++) {
            t = now();
            if (rta_sim_run(m, s, &p, r, &err) != RTA_OK)
                return fail(&err);
            full[model][k] = now() - t;
        }
        qsort(full[model], RUNS, sizeof(double), cmp);
        if (argc > 4) {
            char path[1024];
            snprintf(path, sizeof path, "%s/rta_totals_%s.txt", argv[4],
                     rta_sim_model_name(p.model));
            FILE *f = fopen(path, "w");
            if (f == NULL)
                return 1;
            fprintf(f, "%.6f %.6f %.6f %.6f %.6f\n", r->total.new_usd, r->total.creation_usd,
                    r->total.diversion_in_usd, r->total.revenue_change_usd, r->total.welfare_usd);
            fclose(f);
        }
    }
    /* the sweep: 1,000 scenarios, linear */
    p.model = RTA_SIM_LINEAR;
    double *base = malloc((size_t)(n ? n : 1) * sizeof *base);
    double *t1 = malloc((size_t)(n ? n : 1) * sizeof *t1);
    if (base == NULL || t1 == NULL)
        return 1;
    for (long c = 0; c < n; c++)
        base[c] = rta_market_cell_t0(m, c);
    t = now();
    double check = 0;
    for (int i = 0; i < 1000; i++) {
        double f = 1 - (i + 1) / 1000.0;
        for (long c = 0; c < n; c++)
            t1[c] = base[c] * f;
        if (rta_scenario_set_all(s, t1, &err) != RTA_OK || rta_sim_run(m, s, &p, r, &err) != RTA_OK)
            return fail(&err);
        check += r->total.creation_usd;
    }
    double sweep = now() - t;
    free(base);
    free(t1);
    if (argc > 4) {
        char path[1024];
        snprintf(path, sizeof path, "%s/cells.bin", argv[4]);
        FILE *f = fopen(path, "wb");
        if (f == NULL)
            return 1;
        /* per cell: product id, m0, t0, t1 (half), eta; doubles */
        long prod = -1;
        const char *last = "";
        for (long i = 0; i < n; i++) {
            const char *code = rta_market_cell_code(m, i);
            if (strcmp(code, last) != 0)
                prod++;
            last = code;
            double row[5] = {(double)prod, rta_market_cell_base(m, i), rta_market_cell_t0(m, i),
                             rta_market_cell_t0(m, i) * 0.5, rta_market_cell_eta(m, i)};
            fwrite(row, sizeof row, 1, f);
        }
        fclose(f);
    }
    printf("cells %ld\n", n);
    printf("prepare_market_s %.3f\n", prep);
    printf("full_linear_ms median %.3f min %.3f max %.3f\n", full[0][RUNS / 2] * 1e3,
           full[0][0] * 1e3, full[0][RUNS - 1] * 1e3);
    printf("full_ces_ms median %.3f min %.3f max %.3f\n", full[1][RUNS / 2] * 1e3, full[1][0] * 1e3,
           full[1][RUNS - 1] * 1e3);
    printf("sweep_1000_s %.3f (checksum %.0f)\n", sweep, check);
    rta_sim_result_free(r);
    rta_scenario_free(s);
    rta_market_free(m);
    rta_duty_close(duty);
    rta_snapshot_free(snap);
    rta_store_close(store);
    return 0;
}

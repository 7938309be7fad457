/*
 * bench_snapshot.c - how long loading the snapshot and looking up lines takes.
 *
 * Why: the foundation promises that loading the snapshot (all revisions) and
 * answering one `rta hts show` stays under 20 ms wall, and later engines do
 * millions of lookups. This measures, in one process: the load (median of
 * N runs) and the lookup of every line of one revision by code (ns per
 * lookup). End-to-end process timings are in bench/run.sh (hyperfine).
 * usage: bench_snapshot DB [RUNS]
 */
#include "rta/hts.h"
#include "rta/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DB [RUNS]\n", argv[0]);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 31;
    if (runs < 1)
        runs = 1;
    double *t = calloc((size_t)runs, sizeof *t);
    rta_snapshot *snap = NULL;
    rta_error err;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        if (rta_snapshot_load(argv[1], &snap, &err) != RTA_OK) {
            char buf[1024];
            fprintf(stderr, "bench_snapshot: %s\n", rta_error_format(&err, buf, sizeof buf));
            return 1;
        }
        t[i] = now_ms() - t0;
        if (i + 1 < runs)
            rta_snapshot_free(snap);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("snapshot_load_ms median %.2f min %.2f max %.2f (runs %d, image %.1f MiB)\n",
           t[runs / 2], t[0], t[runs - 1], runs,
           (double)rta_snapshot_bytes(snap) / (1024.0 * 1024.0));

    /* every line of the latest revision, looked up by code, many times */
    int rev = rta_snapshot_revision_count(snap) - 1;
    rta_code prefix = {"", 0};
    long nlines = 0;
    rta_hts_line *lines = NULL;
    for (int ch = 1; ch <= 99; ch++) {
        snprintf(prefix.digits, sizeof prefix.digits, "%02d", ch);
        prefix.len = 2;
        long n = rta_hts_lines_under(snap, rev, &prefix, NULL, 0);
        if (n == 0)
            continue;
        rta_hts_line *grown = realloc(lines, (size_t)(nlines + n) * sizeof *lines);
        if (grown == NULL)
            return 1;
        lines = grown;
        rta_hts_lines_under(snap, rev, &prefix, lines + nlines, n);
        nlines += n;
    }
    rta_code *codes = malloc((size_t)nlines * sizeof *codes);
    for (long i = 0; i < nlines; i++)
        codes[i] = lines[i].code;
    long reps = 20, found = 0;
    double t0 = now_ms();
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < nlines; i++) {
            rta_hts_line l;
            found += rta_hts_find(snap, rev, &codes[(i * 7919) % nlines], &l, NULL) == RTA_OK;
        }
    }
    double el = now_ms() - t0;
    printf("hts_find ns_per_lookup %.1f (lookups %ld, found %ld, lines %ld)\n",
           el * 1e6 / (double)(reps * nlines), reps * nlines, found, nlines);
    free(codes);
    free(lines);
    free(t);
    rta_snapshot_free(snap);
    return found == reps * nlines ? 0 : 1;
}

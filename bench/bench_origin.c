/*
 * bench_origin.c - rules-of-origin verdicts per second on one core.
 *
 * Why: issue 5 promises at least 1,000,000 verdicts a second for 10-material
 * bills. The bills are generated in memory (a fixed seed, so every run and
 * the baseline see the same ones), the rules are compiled once from the plain
 * syntax, and the timed loop is rta_verdict_eval only: the verdict in numbers,
 * no text. The explained verdict (sentences) is timed separately.
 *
 *   bench_origin [N] [--reps R] [--write DIR]
 *
 * --write DIR writes DIR/boms.csv (one row per material) and
 * DIR/verdicts_rta.csv so bench/origin_run.sh can check a pandas baseline
 * against the same bills. The rules (typed from the bundled data's patterns):
 *   8407       MaxNOM <= 50%                     (UK-VN, heading 8407)
 *   8444-8480  CTH or MaxNOM <= 70%              (UK-VN, ex chapter 84)
 *   8471       CTSH                              (CPTPP 8471.30-8471.90)
 *   8504       CTH or RVC(BD) >= 40%             (CPTPP 8504, two of its options)
 * with a 10% value tolerance and Korean materials cumulated.
 */
#include "rta/bom.h"
#include "rta/origin.h"
#include "rta/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NMAT 10

static const char rules[] = "@tolerance value 10%\n"
                            "@cumulation bilateral KR\n"
                            "8407: MaxNOM <= 50%\n"
                            "8444-8480: CTH or MaxNOM <= 70%\n"
                            "8471: CTSH\n"
                            "8504: CTH or RVC(BD) >= 40%\n";

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void set_code(rta_code *c, const char *d)
{
    snprintf(c->digits, sizeof c->digits, "%s", d);
    c->len = (int)strlen(d);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = 1000000;
    int reps = 5;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
            dir = argv[++i];
        else
            n = atol(argv[i]);
    }
    if (n < 1 || reps < 1) {
        fprintf(stderr, "usage: bench_origin [N] [--reps R] [--write DIR]\n");
        return 2;
    }
    rta_ruleset *rs = NULL;
    rta_error err;
    if (rta_ruleset_parse("bench", rules, sizeof rules - 1, &rs, &err) != RTA_OK) {
        fprintf(stderr, "rules: %s\n", err.message);
        return 1;
    }
    static const char *const products[] = {"840790", "845710", "847130", "850440"};
    static const char *const pool[][6] = {
        {"840991", "840999", "732690", "848210", "850110", "401699"},
        {"845710", "846693", "850140", "853710", "732690", "848340"},
        {"847130", "847160", "847330", "854231", "852859", "850760"},
        {"850440", "850490", "854442", "392690", "853400", "850431"}};
    static const char *const origins[] = {"VN", "CN", "KR", "JP", "", "CN", "TH", "CN"};
    rta_bom *boms = calloc((size_t)n, sizeof *boms);
    rta_bom_material *mats = calloc((size_t)n * NMAT, sizeof *mats);
    const rta_rule **rule = calloc((size_t)n, sizeof *rule);
    if (boms == NULL || mats == NULL || rule == NULL)
        return 1;
    static const char *const none[1] = {NULL};
    for (long i = 0; i < n; i++) {
        int p = (int)(next() % 4);
        rta_bom *b = &boms[i];
        set_code(&b->hs, products[p]);
        b->description = "";
        memcpy(b->producer_country, "VN", 3);
        b->price_basis = p == 3 ? RTA_PRICE_FOB : RTA_PRICE_EX_WORKS;
        b->price_cents = 10000 + (int64_t)(next() % 990000);
        b->net_cost_cents = -1;
        b->weight_g = -1;
        b->currency = "USD";
        b->processes = none;
        b->materials = &mats[i * NMAT];
        b->nmaterials = NMAT;
        b->input = "";
        /* materials worth 30%..100% of the price in total */
        int64_t budget = b->price_cents * (30 + (int64_t)(next() % 71)) / 100;
        for (int k = 0; k < NMAT; k++) {
            rta_bom_material *m = &mats[i * NMAT + k];
            const char *code =
                next() % 3 == 0 ? pool[p][next() % 6] : pool[(p + 1 + next() % 3) % 4][next() % 6];
            set_code(&m->hs, code);
            memcpy(m->origin, origins[next() % 8], 3);
            m->value_cents =
                k == NMAT - 1 ? budget : budget / (NMAT - k) / 2 + (int64_t)(next() % 100);
            if (m->value_cents > budget)
                m->value_cents = budget;
            budget -= m->value_cents;
            m->weight_g = -1;
            m->description = "";
            m->processes = none;
        }
        if (rta_ruleset_find(rs, b->hs.digits, &rule[i], &err) != RTA_OK) {
            fprintf(stderr, "no rule for %s\n", b->hs.digits);
            return 1;
        }
    }
    /* timed: the verdict in numbers */
    double *t = calloc((size_t)reps, sizeof *t);
    long originating = 0;
    rta_verdict v;
    for (int r = 0; r < reps; r++) {
        originating = 0;
        double t0 = now();
        for (long i = 0; i < n; i++) {
            if (rta_verdict_eval(rule[i], &boms[i], &v, &err) != RTA_OK)
                return 1;
            originating += v.originating;
        }
        t[r] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, cmp_d);
    printf("bills: %ld, materials per bill: %d, rules: %zu, runs: %d\n", n, NMAT,
           rta_ruleset_count(rs), reps);
    printf("originating: %ld (%.1f%%)\n", originating, 100.0 * (double)originating / (double)n);
    printf("eval: median %.3f s (min %.3f, max %.3f): %.0f verdicts/s (one core)\n", t[reps / 2],
           t[0], t[reps - 1], (double)n / t[reps / 2]);
    /* the explained verdict, with sentences */
    long ne = n < 20000 ? n : 20000;
    double t0 = now();
    for (long i = 0; i < ne; i++) {
        rta_verdict_report *rep = NULL;
        if (rta_verdict_explain(rule[i], &boms[i], "bench", &rep, &err) != RTA_OK)
            return 1;
        rta_verdict_report_free(rep);
    }
    double te = now() - t0;
    printf("explain: %ld bills in %.3f s: %.0f explained verdicts/s\n", ne, te, (double)ne / te);
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/boms.csv", dir);
        FILE *f = fopen(path, "w");
        snprintf(path, sizeof path, "%s/verdicts_rta.csv", dir);
        FILE *g = fopen(path, "w");
        if (f == NULL || g == NULL)
            return 1;
        fprintf(f, "bom_id,product,price_basis,price_cents,mat_hs6,origin,value_cents\n");
        fprintf(g, "bom_id,originating\n");
        for (long i = 0; i < n; i++) {
            const rta_bom *b = &boms[i];
            for (int k = 0; k < NMAT; k++)
                fprintf(f, "%ld,%s,%s,%lld,%s,%s,%lld\n", i, b->hs.digits,
                        rta_price_basis_name(b->price_basis), (long long)b->price_cents,
                        b->materials[k].hs.digits,
                        b->materials[k].origin[0] ? b->materials[k].origin : "unknown",
                        (long long)b->materials[k].value_cents);
            rta_verdict_eval(rule[i], b, &v, &err);
            fprintf(g, "%ld,%d\n", i, v.originating);
        }
        fclose(f);
        fclose(g);
    }
    free(t);
    free(rule);
    free(mats);
    free(boms);
    rta_ruleset_free(rs);
    return 0;
}

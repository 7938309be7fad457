/*
 * cmd_reciprocal.c - `rta reciprocal` and `rta balance`: argument parsing and
 * printing over rta/reciprocal.h and rta/balance.h.
 */
#include "cli.h"
#include "rta/balance.h"
#include "rta/reciprocal.h"
#include "rta/store.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help_reciprocal[] =
    "usage: rta reciprocal [--year 2024] [--partner P | --all] [--epsilon E] [--phi F]\n"
    "                      [--halve H] [--floor PCT] [--rounding ceil|round|floor]\n"
    "                      [--csv | --json] [--svg FILE]\n"
    "\n"
    "The USTR reciprocal formula of April 2025 over the US Census 2024 goods\n"
    "trade of each partner (m = US imports, customs basis; x = US exports):\n"
    "\n"
    "  computed = (m - x) / (epsilon * phi * m)   if m > x, else 0\n"
    "  applied  = max(floor, round(computed * halve))\n"
    "\n"
    "defaults: --epsilon 4 --phi 0.25 --halve 0.5 --floor 10 --rounding ceil (the\n"
    "published rule). Each result is compared with EO 14257 Annex I as published\n"
    "(2 April 2025) and as implemented in HTS Chapter 99; every mismatch carries\n"
    "the reason rta can see. Without --partner: the 57 Annex I partners (--all:\n"
    "every Census partner). P is an ISO code (VN, VNM), a Census code (5520) or EU.\n"
    "\n"
    "--csv: partner,iso2,census_code,year,exports_musd,imports_musd,balance_musd,\n"
    "reliable,computed_pct,applied_pct,published_pct,published_hts_pct,match,reason\n"
    "--json: {formula, parameters, partners: [...], summary}\n"
    "--svg FILE: a ranked bar chart (rta's rate, published marker) as SVG.\n";

static const char help_balance[] =
    "usage: rta balance PARTNER [--year 2024] [--by section|chapter|heading|hs6|hs10]\n"
    "                   [--top N] [--csv | --json] [--svg FILE]\n"
    "\n"
    "The 2024 US goods balance with a partner (US Census: exports, imports on a\n"
    "customs basis, balance, total trade; $ million) and what the US imports\n"
    "from it by product: the Census HS10 detail (imports for consumption and\n"
    "calculated duty) summed by HS 2022 section (default), chapter, heading,\n"
    "subheading (hs6) or line (hs10), with shares and the average duty paid.\n"
    "--top N keeps the N largest rows (default: all sections, 20 otherwise) and\n"
    "sums the rest as \"other\". Export-side product detail is not available.\n"
    "PARTNER is an ISO code (VN, VNM), a Census code (5520) or EU.\n"
    "\n"
    "--csv: key,description,imports_usd,share_pct,duty_usd,avg_duty_pct,lines\n"
    "--json: {partner, year, exports_musd, imports_musd, balance_musd,\n"
    "total_trade_musd, reliable, composition: {...}, exports_detail}\n"
    "--svg FILE: the composition as a bar chart (SVG).\n";

typedef struct ctx {
    rta_store *store;
    rta_partners *partners;
} ctx;

static int open_ctx(const cli *c, ctx *x)
{
    rta_error err;
    memset(x, 0, sizeof *x);
    if (rta_store_open(c->db, RTA_STORE_READONLY, &x->store, &err) != RTA_OK ||
        rta_partners_load(x->store, &x->partners, &err) != RTA_OK) {
        rta_partners_free(x->partners);
        rta_store_close(x->store);
        return cli_fail(&err);
    }
    return EXIT_OK;
}

static void close_ctx(ctx *x)
{
    rta_partners_free(x->partners);
    rta_store_close(x->store);
}

/* Parses a finite number for flag; 0 ok. */
static int parse_double(const char *flag, const char *v, double *out, const char *cmd)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(d))
        return cli_usage(cmd, "%s: \"%s\" is not a number", flag, v);
    *out = d;
    return 0;
}

static int parse_long(const char *flag, const char *v, long lo, long hi, long *out, const char *cmd)
{
    char *end;
    errno = 0;
    long d = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || d < lo || d > hi)
        return cli_usage(cmd, "%s: \"%s\" is not a whole number from %ld to %ld", flag, v, lo, hi);
    *out = d;
    return 0;
}

/* Writes text to path through a temporary file renamed over it, so a failed
 * write never leaves half a chart, and never over the store itself. */
static int write_file(const char *path, const char *text, const char *db)
{
    if (strcmp(path, "-") == 0) {
        if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "rta: <stdout>: write error\n");
            return EXIT_FAIL;
        }
        return EXIT_OK;
    }
    struct stat a, b;
    if (db && stat(path, &a) == 0 && stat(db, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
        fprintf(stderr, "rta: %s: that is the store; give another file for the chart\n", path);
        return EXIT_USAGE;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "rta: %s: cannot write: %s\n", path, strerror(errno));
        return EXIT_FAIL;
    }
    int bad = fputs(text, f) < 0;
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        fprintf(stderr, "rta: %s: write error\n", path);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_csv(const rta_reciprocal_result *r, long n)
{
    puts("partner,iso2,census_code,year,exports_musd,imports_musd,balance_musd,reliable,"
         "computed_pct,applied_pct,published_pct,published_hts_pct,match,reason");
    for (long i = 0; i < n; i++) {
        const rta_partner *p = r[i].partner;
        char x[32], m[32], b[32];
        csv_field(p->name);
        printf(",%s,%04d,%d,%s,%s,%s,%d,%.2f,%d,", p->iso2, p->census_code, p->year,
               rta_musd_format(p->exports_cmusd, x, sizeof x),
               rta_musd_format(p->imports_cmusd, m, sizeof m),
               rta_musd_format(p->balance_cmusd, b, sizeof b), p->reliable, r[i].computed_pct,
               r[i].applied_pct);
        if (r[i].published_pct >= 0)
            printf("%d", r[i].published_pct);
        putchar(',');
        if (r[i].hts_pct >= 0)
            printf("%d", r[i].hts_pct);
        printf(",%s,", r[i].match < 0 ? "" : r[i].match ? "yes" : "no");
        csv_field(r[i].reason);
        putchar('\n');
    }
}

static void print_json(const rta_reciprocal_result *r, long n, const rta_reciprocal_params *p,
                       const rta_reciprocal_summary *s)
{
    printf("{\"formula\":\"computed = (m - x) / (epsilon * phi * m) if m > x else 0; applied = "
           "max(floor, %s(computed * halve))\",\n",
           rta_rounding_name(p->rounding));
    printf("\"parameters\":{\"epsilon\":%g,\"phi\":%g,\"halve\":%g,\"floor_pct\":%d,"
           "\"rounding\":\"%s\"},\n\"partners\":[",
           p->epsilon, p->phi, p->halve, p->floor_pct, rta_rounding_name(p->rounding));
    for (long i = 0; i < n; i++) {
        const rta_partner *q = r[i].partner;
        char x[32], m[32], b[32];
        printf("%s\n{\"partner\":", i ? "," : "");
        cli_json_str(q->name);
        printf(",\"iso2\":\"%s\",\"census_code\":\"%04d\",\"year\":%d,\"exports_musd\":\"%s\","
               "\"imports_musd\":\"%s\",\"balance_musd\":\"%s\",\"reliable\":%s,",
               q->iso2, q->census_code, q->year, rta_musd_format(q->exports_cmusd, x, sizeof x),
               rta_musd_format(q->imports_cmusd, m, sizeof m),
               rta_musd_format(q->balance_cmusd, b, sizeof b), q->reliable ? "true" : "false");
        printf("\"computed_pct\":\"%.2f\",\"applied_pct\":%d,", r[i].computed_pct,
               r[i].applied_pct);
        if (r[i].published_pct >= 0)
            printf("\"published_pct\":%d,", r[i].published_pct);
        else
            fputs("\"published_pct\":null,", stdout);
        if (r[i].hts_pct >= 0) {
            printf("\"published_hts_pct\":%d,\"hts_heading\":", r[i].hts_pct);
            cli_json_str(q->hts_heading);
            putchar(',');
        } else {
            fputs("\"published_hts_pct\":null,\"hts_heading\":null,", stdout);
        }
        printf("\"match\":%s,\"reason\":", r[i].match < 0 ? "null" : r[i].match ? "true" : "false");
        cli_json_str(r[i].reason);
        putchar('}');
    }
    printf("\n],\n\"summary\":{\"annex_partners\":%d,\"reliable\":%d,\"matches\":%d,"
           "\"unreliable\":%d,\"mismatches\":[",
           s->annex, s->reliable, s->matches, s->unreliable);
    int first = 1;
    for (long i = 0; i < n; i++) {
        if (r[i].match != 0)
            continue;
        printf("%s{\"partner\":", first ? "" : ",");
        cli_json_str(r[i].partner->name);
        printf(",\"counted\":%s,\"applied_pct\":%d,\"published_pct\":%d,\"reason\":",
               r[i].counted ? "true" : "false", r[i].applied_pct, r[i].published_pct);
        cli_json_str(r[i].reason);
        putchar('}');
        first = 0;
    }
    puts("]}}");
}

static void print_text(const rta_reciprocal_result *r, long n, const rta_reciprocal_params *p,
                       const rta_reciprocal_summary *s, int one)
{
    printf("USTR reciprocal formula (April 2025), US Census 2024 goods trade, $ million\n"
           "  computed = (m - x) / (epsilon * phi * m) if m > x, else 0\n"
           "  applied  = max(%d%%, %s(computed x %g))\n"
           "  epsilon = %g, phi = %g; rounding: %s (to a whole percent)\n\n",
           p->floor_pct, rta_rounding_name(p->rounding), p->halve, p->epsilon, p->phi,
           rta_rounding_name(p->rounding));
    printf("%-34s %-4s %-6s %12s %12s %9s %8s %10s %5s %s\n", "partner", "iso2", "census",
           "exports", "imports", "computed", "applied", "published", "hts", "match");
    for (long i = 0; i < n; i++) {
        const rta_partner *q = r[i].partner;
        char x[32], m[32], pub[16] = "-", hts[16] = "-";
        if (r[i].published_pct >= 0)
            snprintf(pub, sizeof pub, "%d%%", r[i].published_pct);
        if (r[i].hts_pct >= 0)
            snprintf(hts, sizeof hts, "%d%%", r[i].hts_pct);
        char comp[16];
        snprintf(comp, sizeof comp, "%.2f%%", r[i].computed_pct);
        char name[64];
        snprintf(name, sizeof name, "%s%s", q->name, q->reliable ? "" : " (-)");
        printf("%-34.34s %-4s %04d   %12s %12s %9s %7d%% %10s %5s %s\n", name, q->iso2,
               q->census_code, rta_musd_format(q->exports_cmusd, x, sizeof x),
               rta_musd_format(q->imports_cmusd, m, sizeof m), comp, r[i].applied_pct, pub, hts,
               r[i].match < 0 ? ""
               : r[i].match   ? "yes"
                              : "NO");
    }
    for (long i = 0; i < n; i++)
        if (r[i].reason[0] && (one || r[i].match == 0))
            printf("\n%s: %s", r[i].partner->name, r[i].reason);
    if (!one && s->annex > 0)
        printf("\n\nAnnex I: %d partners, %d with reliable Census figures; rta reproduces %d of "
               "%d (%d flagged unreliable, not counted).\n",
               s->annex, s->reliable, s->matches, s->reliable, s->unreliable);
    else
        putchar('\n');
    if (!one)
        puts("(-) the source flags the partner's figures unreliable.");
}

int cmd_reciprocal(cli *c, int argc, char **argv)
{
    const char *cmd = "reciprocal ";
    rta_reciprocal_params p;
    rta_reciprocal_defaults(&p);
    const char *partner = NULL, *svg = NULL;
    int all = 0, csv = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help_reciprocal, stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--all") == 0) {
            all = 1;
            continue;
        }
        if (strcmp(argv[i], "--csv") == 0) {
            csv = 1;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        static const char *const valued[] = {"--partner", "--epsilon",  "--phi",
                                             "--halve",   "--floor",    "--round",
                                             "--svg",     "--rounding", "--year"};
        int k = 0, hit = 0;
        for (; k < (int)(sizeof valued / sizeof valued[0]); k++) {
            r = cli_opt(argc, argv, &i, valued[k], &v);
            if (r < 0)
                return cli_usage(cmd, "%s needs a value", valued[k]);
            if (r > 0) {
                hit = 1;
                break;
            }
        }
        if (!hit)
            return cli_usage(cmd, "unknown argument \"%s\"", argv[i]);
        long l = 0;
        switch (k) {
        case 0:
            partner = v;
            break;
        case 1:
            if (parse_double("--epsilon", v, &p.epsilon, cmd))
                return EXIT_USAGE;
            break;
        case 2:
            if (parse_double("--phi", v, &p.phi, cmd))
                return EXIT_USAGE;
            break;
        case 3:
            if (parse_double("--halve", v, &p.halve, cmd))
                return EXIT_USAGE;
            break;
        case 4:
            if (parse_long("--floor", v, 0, 1000, &l, cmd))
                return EXIT_USAGE;
            p.floor_pct = (int)l;
            break;
        case 5:
        case 7:
            if (rta_rounding_parse(v, &p.rounding) != 0)
                return cli_usage(cmd, "--rounding is ceil, round (nearest) or floor, not \"%s\"",
                                 v);
            break;
        case 8:
            if (strcmp(v, "2024") != 0)
                return cli_usage(cmd,
                                 "--year: only 2024 is bundled (Census goods trade by "
                                 "partner), not \"%s\"",
                                 v);
            break;
        default:
            svg = v;
            break;
        }
    }
    if (csv && json)
        return cli_usage(cmd, "--csv and --json exclude each other");
    if (partner && all)
        return cli_usage(cmd, "--partner and --all exclude each other");
    rta_error err;
    if (rta_reciprocal_check(&p, &err) != RTA_OK) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    ctx x;
    int rc = open_ctx(c, &x);
    if (rc != EXIT_OK)
        return rc;
    long total = rta_partners_count(x.partners), n = 0;
    rta_reciprocal_result *res = calloc((size_t)total, sizeof *res);
    if (res == NULL) {
        close_ctx(&x);
        fputs("rta: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    const rta_partner *one = NULL;
    if (partner && rta_partners_find(x.partners, partner, &one, &err) != RTA_OK) {
        snprintf(err.input, sizeof err.input, "--partner");
        rc = cli_fail(&err);
        goto done;
    }
    for (long i = 0; i < total; i++) {
        const rta_partner *q = rta_partners_at(x.partners, i);
        if (one ? q != one : !all && !q->in_annex)
            continue;
        if (rta_reciprocal_compute(q, &p, &res[n++], &err) != RTA_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    rta_reciprocal_summary s;
    rta_reciprocal_summarize(res, n, &s);
    if (svg) {
        char *doc = NULL;
        if (rta_reciprocal_svg(res, n, &p, &doc, &err) != RTA_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        rc = write_file(svg, doc, c->db);
        free(doc);
        if (rc != EXIT_OK || strcmp(svg, "-") == 0)
            goto done;
    }
    if (csv)
        print_csv(res, n);
    else if (json)
        print_json(res, n, &p, &s);
    else
        print_text(res, n, &p, &s, one != NULL);
done:
    free(res);
    close_ctx(&x);
    return rc;
}

static void print_comp_row(int json, int csv, const char *key, const char *desc, int64_t usd,
                           int64_t share, int64_t duty, int64_t avg, long lines, int first)
{
    if (csv) {
        csv_field(key);
        putchar(',');
        csv_field(desc);
        printf(",%lld,%.4f,%lld,%.4f,%ld\n", (long long)usd, (double)share / 10000.0,
               (long long)duty, (double)avg / 10000.0, lines);
    } else if (json) {
        printf("%s\n{\"key\":", first ? "" : ",");
        cli_json_str(key);
        fputs(",\"description\":", stdout);
        cli_json_str(desc);
        printf(",\"imports_usd\":%lld,\"share_pct\":\"%.4f\",\"duty_usd\":%lld,"
               "\"avg_duty_pct\":\"%.4f\",\"lines\":%ld}",
               (long long)usd, (double)share / 10000.0, (long long)duty, (double)avg / 10000.0,
               lines);
    } else {
        char d[72];
        snprintf(d, sizeof d, "%s", desc);
        printf("  %-10s %-66.66s %16lld %7.2f%% %14lld %7.2f%% %6ld\n", key, d, (long long)usd,
               (double)share / 10000.0, (long long)duty, (double)avg / 10000.0, lines);
    }
}

int cmd_balance(cli *c, int argc, char **argv)
{
    const char *cmd = "balance ";
    const char *partner = NULL, *svg = NULL;
    rta_by by = RTA_BY_SECTION;
    long top = -1;
    int csv = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help_balance, stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--csv") == 0) {
            csv = 1;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        if ((r = cli_opt(argc, argv, &i, "--year", &v)) != 0) {
            if (r < 0 || strcmp(v, "2024") != 0)
                return cli_usage(cmd, "--year: only 2024 is bundled (Census goods trade and "
                                      "imports by HS10)");
            continue;
        }
        if ((r = cli_opt(argc, argv, &i, "--by", &v)) != 0) {
            if (r < 0 || rta_by_parse(v, &by) != 0)
                return cli_usage(cmd, "--by is section, chapter, heading, hs6 or hs10");
            continue;
        }
        if ((r = cli_opt(argc, argv, &i, "--top", &v)) != 0) {
            if (r < 0)
                return cli_usage(cmd, "--top needs a number");
            if (parse_long("--top", v, 1, 100000, &top, cmd))
                return EXIT_USAGE;
            continue;
        }
        if ((r = cli_opt(argc, argv, &i, "--svg", &v)) != 0) {
            if (r < 0)
                return cli_usage(cmd, "--svg needs a file");
            svg = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage(cmd, "unknown option %s", argv[i]);
        if (partner)
            return cli_usage(cmd, "one PARTNER only (got \"%s\" and \"%s\")", partner, argv[i]);
        partner = argv[i];
    }
    if (partner == NULL)
        return cli_usage(cmd, "PARTNER is required (an ISO code like VN, a Census code, or EU)");
    if (csv && json)
        return cli_usage(cmd, "--csv and --json exclude each other");
    if (top < 0)
        top = by == RTA_BY_SECTION ? 0 : 20;
    ctx x;
    int rc = open_ctx(c, &x);
    if (rc != EXIT_OK)
        return rc;
    rta_error err;
    const rta_partner *p = NULL;
    rta_snapshot *snap = NULL;
    rta_composition *comp = NULL;
    if (rta_partners_find(x.partners, partner, &p, &err) != RTA_OK) {
        snprintf(err.input, sizeof err.input, "%s", partner);
        rc = cli_fail(&err);
        goto done;
    }
    if (rta_snapshot_open(x.store, &snap, &err) != RTA_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rta_status cst = rta_composition_build(x.store, snap, p->census_code, by, &comp, &err);
    if (cst != RTA_OK && cst != RTA_ERR_NOT_FOUND) {
        rc = cli_fail(&err);
        goto done;
    }
    if (svg) {
        if (comp == NULL) {
            snprintf(err.input, sizeof err.input, "%s", partner);
            rc = cli_fail(&err);
            goto done;
        }
        char *doc = NULL;
        if (rta_composition_svg(comp, p, top, &doc, &err) != RTA_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        rc = write_file(svg, doc, c->db);
        free(doc);
        if (rc != EXIT_OK || strcmp(svg, "-") == 0)
            goto done;
    }
    rta_balance b;
    rta_balance_of(p, &b);
    char ex[32], im[32], bl[32], tt[32];
    rta_musd_format(b.exports_cmusd, ex, sizeof ex);
    rta_musd_format(b.imports_cmusd, im, sizeof im);
    rta_musd_format(b.balance_cmusd, bl, sizeof bl);
    rta_musd_format(b.total_cmusd, tt, sizeof tt);
    long shown = comp ? (top > 0 && top < comp->nrows ? top : comp->nrows) : 0;
    int64_t o_usd = 0, o_duty = 0;
    long o_lines = 0;
    for (long i = shown; comp && i < comp->nrows; i++) {
        o_usd += comp->rows[i].imports_usd;
        o_duty += comp->rows[i].duty_usd;
        o_lines += comp->rows[i].lines;
    }
    int64_t o_share =
        comp && comp->total_imports_usd > 0
            ? (o_usd * 1000000 + comp->total_imports_usd / 2) / comp->total_imports_usd
            : 0;
    int64_t o_avg = o_usd > 0 ? (o_duty * 1000000 + o_usd / 2) / o_usd : 0;
    if (csv) {
        if (comp == NULL) {
            snprintf(err.input, sizeof err.input, "%s", partner);
            rc = cli_fail(&err);
            goto done;
        }
        puts("key,description,imports_usd,share_pct,duty_usd,avg_duty_pct,lines");
        for (long i = 0; i < shown; i++) {
            const rta_composition_row *r = &comp->rows[i];
            print_comp_row(0, 1, r->key, r->description, r->imports_usd, r->share_millionths,
                           r->duty_usd, r->avg_duty_millionths, r->lines, 0);
        }
        if (shown < comp->nrows)
            print_comp_row(0, 1, "other", "all other rows", o_usd, o_share, o_duty, o_avg, o_lines,
                           0);
    } else if (json) {
        fputs("{\"partner\":{\"name\":", stdout);
        cli_json_str(p->name);
        printf(",\"iso2\":\"%s\",\"census_code\":\"%04d\"},\"year\":%d,\"exports_musd\":\"%s\","
               "\"imports_musd\":\"%s\",\"balance_musd\":\"%s\",\"total_trade_musd\":\"%s\","
               "\"reliable\":%s,\n\"composition\":",
               p->iso2, p->census_code, p->year, ex, im, bl, tt, b.reliable ? "true" : "false");
        if (comp == NULL) {
            fputs("null", stdout);
        } else {
            printf("{\"by\":\"%s\",\"basis\":\"imports for consumption (Census HS10)\","
                   "\"total_imports_usd\":%lld,\"total_duty_usd\":%lld,\"avg_duty_pct\":"
                   "\"%.4f\",\"hs10_lines\":%ld,\"rows\":[",
                   rta_by_name(by), (long long)comp->total_imports_usd,
                   (long long)comp->total_duty_usd, (double)comp->avg_duty_millionths / 10000.0,
                   comp->hs10_lines);
            for (long i = 0; i < shown; i++) {
                const rta_composition_row *r = &comp->rows[i];
                print_comp_row(1, 0, r->key, r->description, r->imports_usd, r->share_millionths,
                               r->duty_usd, r->avg_duty_millionths, r->lines, i == 0);
            }
            fputs("],\n\"other\":", stdout);
            if (shown < comp->nrows)
                print_comp_row(1, 0, "other", "all other rows", o_usd, o_share, o_duty, o_avg,
                               o_lines, 1);
            else
                fputs("null", stdout);
            putchar('}');
        }
        puts(",\n\"exports_detail\":\"not available: the bundled data hold US exports to a "
             "partner only as a total\"}");
    } else {
        printf("%s (%s, Census %04d): US goods trade %d, $ million (US Census, customs basis)\n",
               p->name, p->iso2, p->census_code, p->year);
        printf("  US exports %s   US imports %s   balance %s   total trade %s\n", ex, im, bl, tt);
        if (!b.reliable)
            printf("  the source flags these figures unreliable: %s\n", p->note);
        if (comp == NULL) {
            printf("\nNo product detail: %s\n", err.message);
        } else {
            printf("\nUS imports for consumption from %s by %s (Census HS10 detail, %ld lines):\n"
                   "  total %lld USD, calculated duty %lld USD, average duty paid %.2f%%\n\n",
                   p->name, rta_by_name(by), comp->hs10_lines, (long long)comp->total_imports_usd,
                   (long long)comp->total_duty_usd, (double)comp->avg_duty_millionths / 10000.0);
            printf("  %-10s %-66s %16s %8s %14s %8s %6s\n", rta_by_name(by), "description",
                   "imports_usd", "share", "duty_usd", "avg_duty", "lines");
            for (long i = 0; i < shown; i++) {
                const rta_composition_row *r = &comp->rows[i];
                print_comp_row(0, 0, r->key, r->description, r->imports_usd, r->share_millionths,
                               r->duty_usd, r->avg_duty_millionths, r->lines, 0);
            }
            if (shown < comp->nrows)
                print_comp_row(0, 0, "other", "all other rows", o_usd, o_share, o_duty, o_avg,
                               o_lines, 0);
            puts("\nImports for consumption (HS10) differ from the customs-basis imports of the "
                 "balance line.");
        }
        printf("Export-side product detail is not available: US exports to %s are known only "
               "as a total.\n",
               p->name);
    }
done:
    rta_composition_free(comp);
    rta_snapshot_free(snap);
    close_ctx(&x);
    return rc;
}

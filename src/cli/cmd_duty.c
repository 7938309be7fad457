/*
 * cmd_duty.c - `rta duty`, `rta refund`, `rta timeline`: argument parsing and
 * printing over rta/duty.h.
 */
#include "cli.h"
#include "rta/duty.h"
#include "rta/store.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_duty[] =
    "usage: rta duty --date D --origin CC --hts CODE --value USD [--qty N[,N]]\n"
    "                [--steel USD] [--aluminum USD] [--copper USD] [--us-content USD]\n"
    "                [--program CODE] [--transshipped] [--mode ocean|air|other]\n"
    "                [--export-date D] [--ieepa-end legal|collection] [--json] [--explain]\n"
    "       rta duty --batch FILE|- [--out FILE|-] [--skip-bad] [--threads N]\n"
    "                [--full-engine] [--ieepa-end ...]\n"
    "\n"
    "The duty a US entry pays on a date, line by line as on an entry summary:\n"
    "the HTS rate in force (General, a claimed Special program, or Column 2),\n"
    "then every measure of data/measures/ in force for the origin and product,\n"
    "then the MPF and HMF. Money in US dollars; amounts to the cent.\n"
    "IEEPA duties end with the Supreme Court's decision (legal end: entries to\n"
    "2026-02-19, the default) or when CBP stopped collecting (2026-02-23).\n"
    "\n"
    "Batch: CSV with header entry_id,date,hts,origin,value and optional\n"
    "qty1,qty2,steel,aluminum,copper,us_content,program,transshipped,mode,\n"
    "export_date; output entry_id,total_duty,mfn,s232,s301,ieepa_recip,\n"
    "ieepa_fentanyl,s122,other,mpf,hmf,error. A bad row is reported on stderr\n"
    "with its line and field, written as an error row, and makes the exit\n"
    "status 1 (with --skip-bad it is reported but not written, exit status 0).\n"
    "--threads N computes blocks of the batch on N threads; the output order\n"
    "is the input order whatever N. --full-engine sends every entry through\n"
    "the full loop instead of the batch fast path (same cents; for checks).\n"
    "With --bom FILE --rules NAME [--true-origin CC]: the origin verdict of the\n"
    "bill and both stacks, originating vs not (`rta duty --bom x --help`).\n";

static const char help_refund[] =
    "usage: rta refund --batch FILE|- [--out FILE|-] [--ieepa-end legal|collection]\n"
    "\n"
    "For each entry of the batch (same CSV as `rta duty --batch`), the IEEPA\n"
    "duties paid (reciprocal and fentanyl), which importers claim back after\n"
    "Learning Resources v. Trump (2026-02-20); totals on stderr.\n";

static const char help_timeline[] =
    "usage: rta timeline --origin CC --hts CODE [--from D] [--to D] [--value USD]\n"
    "                    [--qty N[,N]] [--ieepa-end legal|collection] [--json]\n"
    "\n"
    "Every date on which the duty stack of a product from an origin changed,\n"
    "and the stack and effective rate in each interval (on --value, default\n"
    "10000 USD). Default span: 2025-01-01 to today.\n";

typedef struct duty_ctx {
    rta_store *store;
    rta_snapshot *snap;
    rta_duty *duty;
} duty_ctx;

static void close_ctx(duty_ctx *d)
{
    rta_duty_close(d->duty);
    rta_snapshot_free(d->snap);
    rta_store_close(d->store);
}

static int open_ctx(const cli *c, duty_ctx *d)
{
    rta_error err;
    memset(d, 0, sizeof *d);
    if (rta_store_open(c->db, RTA_STORE_READONLY, &d->store, &err) != RTA_OK ||
        rta_snapshot_open(d->store, &d->snap, &err) != RTA_OK ||
        rta_duty_open(d->store, d->snap, &d->duty, &err) != RTA_OK) {
        close_ctx(d);
        return cli_fail(&err);
    }
    return EXIT_OK;
}

/* --flag value pairs that map to entry fields */
static const struct {
    const char *flag;
    const char *field;
} entry_flags[] = {
    {"--date", "date"},         {"--origin", "origin"}, {"--hts", "hts"},
    {"--value", "value"},       {"--qty", "qty"},       {"--steel", "steel"},
    {"--aluminum", "aluminum"}, {"--copper", "copper"}, {"--us-content", "us_content"},
    {"--program", "program"},   {"--mode", "mode"},     {"--export-date", "export_date"}};

/* Parses an entry flag at argv[*i]; 1 = consumed, 0 = not an entry flag, <0 = error exit. */
static int entry_flag(int argc, char **argv, int *i, rta_entry *e, const char *cmd)
{
    for (size_t k = 0; k < sizeof entry_flags / sizeof entry_flags[0]; k++) {
        const char *v;
        int r = cli_opt(argc, argv, i, entry_flags[k].flag, &v);
        if (r == 0)
            continue;
        if (r < 0)
            return -cli_usage(cmd, "%s needs a value", entry_flags[k].flag);
        rta_error err;
        if (rta_entry_set(e, entry_flags[k].field, v, &err) != RTA_OK) {
            snprintf(err.input, sizeof err.input, "%s", entry_flags[k].flag);
            cli_fail(&err);
            return -EXIT_USAGE;
        }
        return 1;
    }
    if (strcmp(argv[*i], "--transshipped") == 0) {
        e->transshipped = 1;
        return 1;
    }
    return 0;
}

static int ieepa_flag(int argc, char **argv, int *i, rta_duty_options *o, const char *cmd)
{
    const char *v;
    int r = cli_opt(argc, argv, i, "--ieepa-end", &v);
    if (r == 0)
        return 0;
    if (r < 0 || (strcmp(v, "legal") != 0 && strcmp(v, "collection") != 0))
        return -cli_usage(cmd, "--ieepa-end is legal or collection");
    o->ieepa_collection = strcmp(v, "collection") == 0;
    return 1;
}

/* --batch FILE|- and --out FILE|-, shared by duty and refund; same returns as entry_flag. */
static int batch_flags(int argc, char **argv, int *i, const char **batch, const char **out,
                       const char *cmd)
{
    const char *v;
    int r;
    if ((r = cli_opt(argc, argv, i, "--batch", &v)) != 0) {
        if (r < 0)
            return -cli_usage(cmd, "--batch needs a file or -");
        *batch = v;
        return 1;
    }
    if ((r = cli_opt(argc, argv, i, "--out", &v)) != 0) {
        if (r < 0)
            return -cli_usage(cmd, "--out needs a file or -");
        *out = v;
        return 1;
    }
    return 0;
}

/* Bad rows are all reported; warnings (computed rows whose amount may be
 * short) are shown for the first 20 and counted, so a big batch stays readable. */
static void on_bad_row(void *ctx, const rta_error *err)
{
    long *warnings = ctx;
    if (err->code == RTA_OK && ++*warnings > 20)
        return;
    cli_fail(err);
}

static int run_batch(const cli *c, const char *in_path, const char *out_path, int skip_bad,
                     int kind, const rta_duty_options *o, int threads, int full_engine)
{
    FILE *in = strcmp(in_path, "-") == 0 ? stdin : fopen(in_path, "r");
    if (in == NULL) {
        fprintf(stderr, "rta: %s: cannot open\n", in_path);
        return EXIT_FAIL;
    }
    FILE *out = out_path == NULL || strcmp(out_path, "-") == 0 ? stdout : fopen(out_path, "w");
    if (out == NULL) {
        fprintf(stderr, "rta: %s: cannot write\n", out_path);
        if (in != stdin)
            fclose(in);
        return EXIT_FAIL;
    }
    duty_ctx d;
    long warnings = 0;
    int rc = open_ctx(c, &d);
    if (rc == EXIT_OK) {
        rta_batch_options b = {
            kind,       skip_bad,  threads,     strcmp(in_path, "-") == 0 ? "<stdin>" : in_path,
            on_bad_row, &warnings, full_engine, 20};
        rta_batch_report rep;
        rta_error err;
        if (rta_duty_batch(d.duty, in, out, o, &b, &rep, &err) != RTA_OK) {
            rc = cli_fail(&err);
        } else {
            char t[32], f[32];
            if (kind == RTA_BATCH_REFUND)
                fprintf(stderr,
                        "rta: %ld entries, %ld bad; IEEPA paid (refundable): %s USD "
                        "(reciprocal %s)\n",
                        rep.rows, rep.bad, rta_cents_format(rep.refundable_cents, t, sizeof t),
                        rta_cents_format(rep.by_authority[RTA_AUTH_IEEPA_RECIP], f, sizeof f));
            else if (isatty(2) || rep.bad)
                fprintf(stderr, "rta: %ld entries, %ld bad; total duty %s USD\n", rep.rows, rep.bad,
                        rta_cents_format(rep.total_duty_cents, t, sizeof t));
            if (rep.warned > 20)
                fprintf(stderr, "rta: %ld entries computed with a warning (the first 20 shown)\n",
                        rep.warned);
            if (rep.mpf_unknown)
                fprintf(stderr,
                        "rta: %ld entries have an empty mpf: no MPF limits are bundled for their "
                        "dates (data/measures/fees.csv covers 2024-10-01 to 2026-09-30)\n",
                        rep.mpf_unknown);
            rc = rep.bad && !skip_bad ? EXIT_FAIL : EXIT_OK;
        }
        close_ctx(&d);
    }
    if (in != stdin)
        fclose(in);
    if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, "rta: %s: write error\n", out == stdout ? "<stdout>" : out_path);
        rc = EXIT_FAIL;
    }
    return rc;
}

static void print_text(const rta_entry *e, const rta_duty_options *o, const rta_duty_result *r)
{
    char b1[32], b2[32], d[16], code[16];
    rta_code_format(&e->hts, code, sizeof code);
    printf("entry %s, origin %s, HTS %s, value %s USD (HTS %s; IEEPA end: %s)\n",
           rta_date_format(e->date, d, sizeof d), e->origin, code,
           rta_cents_format(e->value_cents, b1, sizeof b1), r->revision,
           o->ieepa_collection ? "collection" : "legal");
    printf("  %-14s %-15s %-26s %14s %12s\n", "heading", "authority", "rate", "base", "amount");
    for (int i = 0; i < r->nlines; i++) {
        const rta_duty_line *l = &r->lines[i];
        printf("  %-14s %-15s %-26.26s %14s %12s\n", l->heading, rta_authority_name(l->authority),
               l->rate, l->base_cents ? rta_cents_format(l->base_cents, b1, sizeof b1) : "",
               rta_cents_format(l->amount_cents, b2, sizeof b2));
    }
    printf("  %-84s %12s\n", "total duty", rta_cents_format(r->total_duty_cents, b1, sizeof b1));
    if (r->mpf_known)
        printf("  %-84s %12s\n", "MPF (merchandise processing fee)",
               rta_cents_format(r->mpf_cents, b1, sizeof b1));
    else
        printf("  MPF: %s\n", r->fee_note);
    printf("  %-84s %12s\n", "HMF (harbor maintenance fee)",
           rta_cents_format(r->hmf_cents, b1, sizeof b1));
    if (e->value_cents > 0) {
        int64_t bp = rta_duty_rate_hundredths(r->total_duty_cents, e->value_cents);
        printf("  effective duty rate %lld.%02lld%%\n", (long long)(bp / 100),
               (long long)(bp % 100));
    }
    if (r->warning[0])
        printf("  warning: %s\n", r->warning);
    if (o->explain) {
        printf("\n  measures considered (source rows in data/measures/measures.csv):\n");
        for (int i = 0; i < r->nnotes; i++) {
            const rta_duty_note *n = &r->notes[i];
            printf("  %s %-26s :%-4ld %s\n", n->applied ? "+" : "-", n->measure, n->source_line,
                   n->why);
        }
    }
}

int cmd_duty(cli *c, int argc, char **argv)
{
    rta_entry e;
    rta_entry_init(&e);
    rta_duty_options o = {0, 0};
    int json = 0, skip_bad = 0, threads = 1, full_engine = 0;
    const char *batch = NULL, *out = NULL;
    /* --bom FILE --rules NAME: the origin consequence (cmd_origin_check.c) */
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--bom", 5) == 0 && (argv[i][5] == '\0' || argv[i][5] == '='))
            return cmd_duty_origin(c, argc, argv);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if ((r = entry_flag(argc, argv, &i, &e, "duty ")) != 0) {
            if (r < 0)
                return -r;
        } else if ((r = ieepa_flag(argc, argv, &i, &o, "duty ")) != 0) {
            if (r < 0)
                return -r;
        } else if ((r = batch_flags(argc, argv, &i, &batch, &out, "duty ")) != 0) {
            if (r < 0)
                return -r;
        } else if ((r = cli_opt(argc, argv, &i, "--threads", &v)) != 0) {
            char *end = NULL;
            long n = r < 0 ? 0 : strtol(v, &end, 10);
            if (r < 0 || end == v || *end != '\0' || n < 1 || n > 64)
                return cli_usage("duty ", "--threads needs a number from 1 to 64");
            threads = (int)n;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--explain") == 0) {
            o.explain = 1;
        } else if (strcmp(argv[i], "--skip-bad") == 0) {
            skip_bad = 1;
        } else if (strcmp(argv[i], "--full-engine") == 0) {
            full_engine = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_duty, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("duty ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (batch)
        return run_batch(c, batch, out, skip_bad, RTA_BATCH_DUTY, &o, threads, full_engine);
    rta_error err;
    if (rta_entry_check(&e, &err) != RTA_OK) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    duty_ctx d;
    int rc = open_ctx(c, &d);
    if (rc != EXIT_OK)
        return rc;
    rta_duty_result *r = malloc(sizeof *r);
    if (r == NULL) {
        close_ctx(&d);
        return EXIT_FAIL;
    }
    if (rta_duty_compute(d.duty, &e, &o, r, &err) != RTA_OK) {
        rc = cli_fail(&err);
    } else if (json) {
        char *s = rta_duty_result_json(d.duty, &e, &o, r);
        if (s) {
            puts(s);
            free(s);
        } else {
            rc = EXIT_FAIL;
        }
    } else {
        print_text(&e, &o, r);
    }
    free(r);
    close_ctx(&d);
    return rc;
}

int cmd_refund(cli *c, int argc, char **argv)
{
    rta_duty_options o = {0, 0};
    const char *batch = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = ieepa_flag(argc, argv, &i, &o, "refund ")) != 0) {
            if (r < 0)
                return -r;
        } else if ((r = batch_flags(argc, argv, &i, &batch, &out, "refund ")) != 0) {
            if (r < 0)
                return -r;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_refund, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("refund ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (batch == NULL)
        return cli_usage("refund ", "refund needs --batch FILE");
    return run_batch(c, batch, out, 0, RTA_BATCH_REFUND, &o, 1, 0);
}

int cmd_timeline(cli *c, int argc, char **argv)
{
    rta_entry e;
    rta_entry_init(&e);
    rta_duty_options o = {0, 0};
    int json = 0;
    rta_day from = rta_date_from_ymd(2025, 1, 1), to = rta_date_today();
    rta_error err;
    rta_entry_set(&e, "value", "10000", NULL);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--from", &v)) != 0) {
            if (r < 0 || rta_date_parse(v, &from, &err) != RTA_OK)
                return cli_usage("timeline ", "--from needs YYYY-MM-DD");
        } else if ((r = cli_opt(argc, argv, &i, "--to", &v)) != 0) {
            if (r < 0 || rta_date_parse(v, &to, &err) != RTA_OK)
                return cli_usage("timeline ", "--to needs YYYY-MM-DD");
        } else if ((r = entry_flag(argc, argv, &i, &e, "timeline ")) != 0) {
            if (r < 0)
                return -r;
        } else if ((r = ieepa_flag(argc, argv, &i, &o, "timeline ")) != 0) {
            if (r < 0)
                return -r;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_timeline, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("timeline ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    e.date = from;
    e.given |= RTA_ENTRY_DATE;
    if (rta_entry_check(&e, &err) != RTA_OK) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    duty_ctx d;
    int rc = open_ctx(c, &d);
    if (rc != EXIT_OK)
        return rc;
    int max = 512, n = 0;
    rta_timeline_step *steps = calloc((size_t)max, sizeof *steps);
    if (steps == NULL ||
        rta_duty_timeline(d.duty, &e, from, to, &o, steps, max, &n, &err) != RTA_OK) {
        rc = steps ? cli_fail(&err) : EXIT_FAIL;
        n = 0;
    }
    char code[16], b1[32], d1[16], d2[16];
    rta_code_format(&e.hts, code, sizeof code);
    if (json)
        printf("{\"origin\":\"%s\",\"hts\":\"%s\",\"value\":\"%s\",\"ieepa_end\":\"%s\","
               "\"intervals\":[",
               e.origin, e.hts.digits, rta_cents_format(e.value_cents, b1, sizeof b1),
               o.ieepa_collection ? "collection" : "legal");
    else
        printf("%s from %s, value %s USD (IEEPA end: %s)\n", code, e.origin,
               rta_cents_format(e.value_cents, b1, sizeof b1),
               o.ieepa_collection ? "collection" : "legal");
    for (int i = 0; i < n && i < max; i++) {
        const rta_timeline_step *s = &steps[i];
        int64_t bp = rta_duty_rate_hundredths(s->duty_cents, e.value_cents);
        rta_date_format(s->from, d1, sizeof d1);
        rta_date_format(s->to, d2, sizeof d2);
        if (json) {
            printf("%s{\"from\":\"%s\",\"to\":\"%s\",\"duty\":\"%s\",\"effective_rate\":\"%lld.%"
                   "02lld\",\"stack\":\"",
                   i ? "," : "", d1, d2, rta_cents_format(s->duty_cents, b1, sizeof b1),
                   (long long)(bp / 100), (long long)(bp % 100));
            for (const char *p = s->stack; *p; p++) {
                if (*p == '"' || *p == '\\')
                    putchar('\\');
                putchar(*p);
            }
            printf("\"}");
        } else {
            printf("  %s .. %s  %6lld.%02lld%%  %s\n", d1, d2, (long long)(bp / 100),
                   (long long)(bp % 100), s->stack);
        }
    }
    if (json)
        printf("]%s}\n", n > max ? ",\"truncated\":true" : "");
    else if (n > max)
        printf("  ... %d more intervals not shown (narrow --from/--to)\n", n - max);
    free(steps);
    close_ctx(&d);
    return rc;
}

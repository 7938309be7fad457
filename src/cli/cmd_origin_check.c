/*
 * cmd_origin_check.c - `rta origin check`, `rta origin rules add|list|show`
 * and the origin consequence of `rta duty --bom FILE --rules NAME`:
 * argument parsing and printing over rta/verdict.h, rta/bom.h and rta/duty.h.
 */
#include "cli.h"
#include "rta/bom.h"
#include "rta/duty.h"
#include "rta/origin.h"
#include "rta/store.h"
#include "rta/verdict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_check[] =
    "usage: rta origin check --rules NAME [--version V] --bom FILE [--json]\n"
    "\n"
    "Does the product of a bill of materials originate under a rule set?\n"
    "NAME is a bundled set (ukvfta: the UK-Viet Nam FTA, mirroring the EVFTA;\n"
    "cptpp) or one stored with `rta origin rules add`. The rule for the\n"
    "product's HS code is evaluated on the bill: tariff shifts of every\n"
    "non-originating material, value tests in integer cents (build-down,\n"
    "build-up, focused value, net cost, MaxNOM), declared processes, the\n"
    "tolerance and cumulation; materials of unknown origin are non-originating;\n"
    "a rule kept as text is never met automatically (a person must decide).\n"
    "The BOM JSON format: docs/origin.md, examples/bom_*.json.\n"
    "\n"
    "--json: {originating, status, rule, rule_text, passed_by, reasons, ...}\n"
    "exit status: 0 when the verdict was reached (originating or not: read\n"
    "the output), 1 on errors (bad bill, unknown rule set, no rule for the\n"
    "product), 2 on usage errors.\n";

static const char help_rules[] =
    "usage: rta origin rules add NAME FILE [--author WHO]\n"
    "       rta origin rules list [--json]\n"
    "       rta origin rules show NAME [--version V]\n"
    "\n"
    "User rule sets in the plain rule syntax (docs/origin-rules.md), kept in the\n"
    "store with every version, its author and time. `add` parses FILE first: a\n"
    "file that does not parse changes nothing; an existing NAME gets a new\n"
    "version. The bundled names ukvfta and cptpp are refused. `show` prints the\n"
    "text of a version (default: the latest; bundled sets in the plain syntax).\n"
    "User rule sets survive `rta import`.\n";

static const char help_duty_bom[] =
    "usage: rta duty --date D --bom FILE --rules NAME [--hts CODE] [--value USD]\n"
    "                [--origin CC] [--true-origin CC] [--version V] [--qty N[,N]]\n"
    "                [--mode ocean|air|other] [--ieepa-end legal|collection] [--json]\n"
    "\n"
    "The duty consequence of origin: the bill is checked under the rule set\n"
    "(as `rta origin check`), and two duty stacks are shown side by side:\n"
    "  A: the good originating in the producer's country (--origin, default the\n"
    "     bill's producer_country, VN);\n"
    "  B: not originating: with --true-origin CC, the stack for origin CC;\n"
    "     without it, the transshipment treatment (the entry flagged\n"
    "     transshipped: 9903.02.01, 40% in lieu of the country rate, in the\n"
    "     period it was in force; outside it B equals A and the output says so).\n"
    "and which one the verdict points to. --hts defaults to the bill's code when\n"
    "it has 10 digits; --value (customs value, USD) defaults to the bill's price.\n";

/* ---- rta origin check ---- */

static int load_ruleset(const cli *c, const char *name, int version, rta_store **store,
                        rta_ruleset **rs)
{
    rta_error err;
    *rs = NULL;
    if (rta_store_open(c->db, RTA_STORE_READONLY, store, &err) != RTA_OK)
        return cli_fail(&err);
    if (rta_ruleset_resolve(*store, name, version, rs, &err) != RTA_OK) {
        rta_store_close(*store);
        *store = NULL;
        return cli_fail(&err);
    }
    return EXIT_OK;
}

static int parse_version(const char *v, int *out, const char *cmd)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 1 || n > 1000000)
        return cli_usage(cmd, "--version needs a whole number from 1");
    *out = (int)n;
    return EXIT_OK;
}

static void print_report(const rta_verdict_report *r)
{
    const char *st = r->v.status == RTA_VERDICT_ORIGINATING       ? "ORIGINATING"
                     : r->v.status == RTA_VERDICT_NOT_ORIGINATING ? "NOT ORIGINATING"
                                                                  : "NEEDS A PERSON";
    printf("verdict: %s under %s\n", st, r->ruleset);
    printf("rule:    %s\n", r->rule);
    if (r->rule_text)
        printf("text:    %s\n", r->rule_text);
    printf("passed by: %s\n", r->passed_by ? r->passed_by : "(none)");
    printf("reasons:\n");
    for (size_t i = 0; i < r->n_reasons; i++)
        printf("  - %s\n", r->reasons[i]);
}

int cmd_origin_check(cli *c, int argc, char **argv)
{
    const char *rules = NULL, *bom_path = NULL;
    int json = 0, version = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--rules", &v)) != 0) {
            if (r < 0)
                return cli_usage("origin check ", "--rules needs a rule-set name");
            rules = v;
        } else if ((r = cli_opt(argc, argv, &i, "--bom", &v)) != 0) {
            if (r < 0)
                return cli_usage("origin check ", "--bom needs a file");
            bom_path = v;
        } else if ((r = cli_opt(argc, argv, &i, "--version", &v)) != 0) {
            if (r < 0 || parse_version(v, &version, "origin check ") != EXIT_OK)
                return r < 0 ? cli_usage("origin check ", "--version needs a number") : EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_check, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("origin check ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (rules == NULL || bom_path == NULL)
        return cli_usage("origin check ", "origin check needs --rules NAME and --bom FILE");
    rta_error err;
    rta_bom *bom = NULL;
    if (rta_bom_read(bom_path, &bom, &err) != RTA_OK)
        return cli_fail(&err);
    rta_store *store = NULL;
    rta_ruleset *rs = NULL;
    int rc = load_ruleset(c, rules, version, &store, &rs);
    if (rc != EXIT_OK) {
        rta_bom_free(bom);
        return rc;
    }
    rta_verdict_report *rep = NULL;
    if (rta_verdict_check(rs, bom, &rep, &err) != RTA_OK) {
        rc = cli_fail(&err);
    } else if (json) {
        char *s = rta_verdict_report_json(rep, bom);
        if (s) {
            puts(s);
            free(s);
        } else {
            rc = EXIT_FAIL;
        }
    } else {
        print_report(rep);
    }
    rta_verdict_report_free(rep);
    rta_ruleset_free(rs);
    rta_store_close(store);
    rta_bom_free(bom);
    return rc;
}

/* ---- rta origin rules ---- */

static int rules_add(const cli *c, int argc, char **argv)
{
    const char *name = NULL, *file = NULL, *author = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--author", &v)) != 0) {
            if (r < 0)
                return cli_usage("origin rules ", "--author needs a name");
            author = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage("origin rules ", "unexpected option \"%s\"", argv[i]);
        } else if (name == NULL) {
            name = argv[i];
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return cli_usage("origin rules ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (name == NULL || file == NULL)
        return cli_usage("origin rules ", "rules add needs NAME and FILE");
    if (author == NULL) {
        author = getenv("USER");
        if (author == NULL || author[0] == '\0')
            author = "unknown";
    }
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "rta: %s: cannot open: %s\n", file, strerror(errno));
        return EXIT_FAIL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *t = realloc(text, cap);
            if (t == NULL) {
                free(text);
                if (f != stdin)
                    fclose(f);
                fprintf(stderr, "rta: out of memory\n");
                return EXIT_FAIL;
            }
            text = t;
        }
        size_t n = fread(text + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    int bad_read = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad_read) {
        free(text);
        fprintf(stderr, "rta: %s: read error\n", file);
        return EXIT_FAIL;
    }
    text[len] = '\0';
    rta_error err;
    rta_store *store = NULL;
    /* the store must exist and be current before anything is written */
    if (rta_store_open(c->db, RTA_STORE_READONLY, &store, &err) != RTA_OK) {
        free(text);
        return cli_fail(&err);
    }
    rta_store_close(store);
    int rc = EXIT_OK, version = 0;
    if (rta_store_open(c->db, RTA_STORE_READWRITE, &store, &err) != RTA_OK ||
        rta_origin_rules_add(store, name, text, len, file, author, &version, &err) != RTA_OK)
        rc = err.code == RTA_ERR_INVALID && strcmp(err.input, "<name>") == 0
                 ? (cli_fail(&err), EXIT_USAGE)
                 : cli_fail(&err);
    else
        printf("stored rule set %s version %d (by %s)\n", name, version, author);
    rta_store_close(store);
    free(text);
    return rc;
}

static int rules_list(const cli *c, int argc, char **argv)
{
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else
            return cli_usage("origin rules ", "unexpected argument \"%s\"", argv[i]);
    }
    rta_error err;
    rta_store *store = NULL;
    if (rta_store_open(c->db, RTA_STORE_READONLY, &store, &err) != RTA_OK)
        return cli_fail(&err);
    rta_stored_ruleset *v = NULL;
    size_t n = 0;
    if (rta_origin_rules_list(store, &v, &n, &err) != RTA_OK) {
        rta_store_close(store);
        return cli_fail(&err);
    }
    if (json) {
        printf("{\"bundled\":[\"ukvfta\",\"cptpp\"],\"user\":[");
        for (size_t i = 0; i < n; i++) {
            printf("%s{\"name\":", i ? "," : "");
            cli_json_str(v[i].name);
            printf(",\"version\":%d,\"author\":", v[i].version);
            cli_json_str(v[i].author);
            printf(",\"created_at\":");
            cli_json_str(v[i].created_at);
            printf(",\"source\":");
            cli_json_str(v[i].source);
            printf(",\"rules\":%ld}", v[i].rules);
        }
        printf("]}\n");
    } else {
        printf("%-20s %7s %-20s %-20s %6s  %s\n", "name", "version", "author", "created (UTC)",
               "rules", "source");
        printf("%-20s %7s %-20s %-20s %6s  %s\n", "ukvfta", "bundled", "-", "-", "-",
               "data/rules_of_origin/vietnam.json");
        printf("%-20s %7s %-20s %-20s %6s  %s\n", "cptpp", "bundled", "-", "-", "-",
               "data/rules_of_origin/cptpp.json");
        for (size_t i = 0; i < n; i++)
            printf("%-20s %7d %-20s %-20s %6ld  %s\n", v[i].name, v[i].version, v[i].author,
                   v[i].created_at, v[i].rules, v[i].source);
    }
    free(v);
    rta_store_close(store);
    return EXIT_OK;
}

static int rules_show(const cli *c, int argc, char **argv)
{
    const char *name = NULL;
    int version = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--version", &v)) != 0) {
            if (r < 0)
                return cli_usage("origin rules ", "--version needs a number");
            if (parse_version(v, &version, "origin rules ") != EXIT_OK)
                return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage("origin rules ", "unexpected option \"%s\"", argv[i]);
        } else if (name == NULL) {
            name = argv[i];
        } else {
            return cli_usage("origin rules ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (name == NULL)
        return cli_usage("origin rules ", "rules show needs NAME");
    rta_error err;
    rta_store *store = NULL;
    if (rta_store_open(c->db, RTA_STORE_READONLY, &store, &err) != RTA_OK)
        return cli_fail(&err);
    int rc = EXIT_OK;
    if (rta_ruleset_is_bundled(name)) {
        rta_ruleset *rs = NULL;
        if (rta_ruleset_resolve(store, name, version, &rs, &err) != RTA_OK ||
            rta_ruleset_write_text(rs, stdout, &err) != RTA_OK)
            rc = cli_fail(&err);
        rta_ruleset_free(rs);
    } else {
        rta_stored_ruleset s;
        if (rta_origin_rules_get(store, name, version, &s, &err) != RTA_OK) {
            rc = cli_fail(&err);
        } else {
            printf("# rule set %s version %d, added by %s at %s from %s (%ld rules)\n", s.name,
                   s.version, s.author, s.created_at, s.source, s.rules);
            fputs(s.text, stdout);
            if (s.text[0] && s.text[strlen(s.text) - 1] != '\n')
                putchar('\n');
            free(s.text);
        }
    }
    rta_store_close(store);
    return rc;
}

int cmd_origin_rules(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help_rules, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_rules, stdout);
            return EXIT_OK;
        }
    if (strcmp(argv[1], "add") == 0)
        return rules_add(c, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return rules_list(c, argc, argv);
    if (strcmp(argv[1], "show") == 0)
        return rules_show(c, argc, argv);
    return cli_usage("origin rules ", "unknown subcommand \"%s\" (add, list, show)", argv[1]);
}

/* ---- rta duty --bom FILE --rules NAME ---- */

static void print_stack(const char *title, const rta_entry *e, const rta_duty_result *r)
{
    char b1[32], b2[32], code[16];
    rta_code_format(&e->hts, code, sizeof code);
    printf("%s\n", title);
    printf("  origin %s, HTS %s, value %s USD (HTS %s)%s\n", e->origin, code,
           rta_cents_format(e->value_cents, b1, sizeof b1), r->revision,
           e->transshipped ? ", found transshipped" : "");
    for (int i = 0; i < r->nlines; i++) {
        const rta_duty_line *l = &r->lines[i];
        printf("  %-14s %-15s %-26.26s %12s\n", l->heading, rta_authority_name(l->authority),
               l->rate, rta_cents_format(l->amount_cents, b2, sizeof b2));
    }
    int64_t bp = rta_duty_rate_hundredths(r->total_duty_cents, e->value_cents);
    printf("  %-57s %12s  (%lld.%02lld%%)\n", "total duty",
           rta_cents_format(r->total_duty_cents, b1, sizeof b1), (long long)(bp / 100),
           (long long)(bp % 100));
}

static int same_stack(const rta_duty_result *a, const rta_duty_result *b)
{
    if (a->nlines != b->nlines || a->total_duty_cents != b->total_duty_cents)
        return 0;
    for (int i = 0; i < a->nlines; i++)
        if (strcmp(a->lines[i].heading, b->lines[i].heading) != 0 ||
            a->lines[i].amount_cents != b->lines[i].amount_cents)
            return 0;
    return 1;
}

int cmd_duty_origin(cli *c, int argc, char **argv)
{
    static const struct {
        const char *flag, *field;
    } flags[] = {{"--date", "date"},
                 {"--hts", "hts"},
                 {"--value", "value"},
                 {"--origin", "origin"},
                 {"--qty", "qty"},
                 {"--mode", "mode"},
                 {"--steel", "steel"},
                 {"--aluminum", "aluminum"},
                 {"--copper", "copper"},
                 {"--us-content", "us_content"},
                 {"--export-date", "export_date"}};
    const char *bom_path = NULL, *rules = NULL, *true_origin = NULL;
    int json = 0, version = 0;
    unsigned set = 0; /* bit k: flags[k] given */
    const char *vals[sizeof flags / sizeof flags[0]] = {0};
    rta_duty_options o = {0, 0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r, done = 0;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0] && !done; k++) {
            if ((r = cli_opt(argc, argv, &i, flags[k].flag, &v)) != 0) {
                if (r < 0)
                    return cli_usage("duty ", "%s needs a value", flags[k].flag);
                vals[k] = v;
                set |= 1u << k;
                done = 1;
            }
        }
        if (done)
            continue;
        if ((r = cli_opt(argc, argv, &i, "--bom", &v)) != 0) {
            if (r < 0)
                return cli_usage("duty ", "--bom needs a file");
            bom_path = v;
        } else if ((r = cli_opt(argc, argv, &i, "--rules", &v)) != 0) {
            if (r < 0)
                return cli_usage("duty ", "--rules needs a rule-set name");
            rules = v;
        } else if ((r = cli_opt(argc, argv, &i, "--true-origin", &v)) != 0) {
            if (r < 0)
                return cli_usage("duty ", "--true-origin needs a country code");
            true_origin = v;
        } else if ((r = cli_opt(argc, argv, &i, "--version", &v)) != 0) {
            if (r < 0 || parse_version(v, &version, "duty ") != EXIT_OK)
                return EXIT_USAGE;
        } else if ((r = cli_opt(argc, argv, &i, "--ieepa-end", &v)) != 0) {
            if (r < 0 || (strcmp(v, "legal") != 0 && strcmp(v, "collection") != 0))
                return cli_usage("duty ", "--ieepa-end is legal or collection");
            o.ieepa_collection = strcmp(v, "collection") == 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_duty_bom, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("duty ", "unexpected argument \"%s\" (with --bom)", argv[i]);
        }
    }
    if (bom_path == NULL || rules == NULL)
        return cli_usage("duty ", "--bom FILE needs --rules NAME (and the reverse)");
    rta_error err;
    rta_bom *bom = NULL;
    if (rta_bom_read(bom_path, &bom, &err) != RTA_OK)
        return cli_fail(&err);
    /* the entry: flags, then the bill's defaults */
    rta_entry a;
    rta_entry_init(&a);
    int rc = EXIT_OK;
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        if (!(set & (1u << k)))
            continue;
        if (rta_entry_set(&a, flags[k].field, vals[k], &err) != RTA_OK) {
            snprintf(err.input, sizeof err.input, "%s", flags[k].flag);
            cli_fail(&err);
            rta_bom_free(bom);
            return EXIT_USAGE;
        }
    }
    char buf[32];
    if (!(a.given & RTA_ENTRY_ORIGIN))
        rta_entry_set(&a, "origin", bom->producer_country, NULL);
    if (!(a.given & RTA_ENTRY_VALUE))
        rta_entry_set(&a, "value", rta_cents_format(bom->price_cents, buf, sizeof buf), NULL);
    if (!(a.given & RTA_ENTRY_HTS)) {
        if (bom->hs.len < 10) {
            rta_bom_free(bom);
            return cli_usage("duty ",
                             "the bill gives %s only; pass --hts with the 10-digit HTS "
                             "line",
                             bom->hs.digits);
        }
        rta_entry_set(&a, "hts", bom->hs.digits, NULL);
    }
    if (rta_entry_check(&a, &err) != RTA_OK) {
        cli_fail(&err);
        rta_bom_free(bom);
        return EXIT_USAGE;
    }
    /* the verdict is about the bill's product: the entry's line must be under it */
    if (strncmp(a.hts.digits, bom->hs.digits, (size_t)bom->hs.len) != 0) {
        char h1[16], h2[16];
        rta_code_format(&a.hts, h1, sizeof h1);
        rta_code_format(&bom->hs, h2, sizeof h2);
        rta_bom_free(bom);
        return cli_usage("duty ", "--hts %s is not under the bill's product %s (%s)", h1, h2,
                         bom_path);
    }
    rta_entry b = a;
    if (true_origin) {
        if (rta_entry_set(&b, "origin", true_origin, &err) != RTA_OK) {
            snprintf(err.input, sizeof err.input, "--true-origin");
            cli_fail(&err);
            rta_bom_free(bom);
            return EXIT_USAGE;
        }
    } else {
        b.transshipped = 1;
    }
    rta_store *store = NULL;
    rta_ruleset *rs = NULL;
    rta_snapshot *snap = NULL;
    rta_duty *duty = NULL;
    rta_verdict_report *rep = NULL;
    rta_duty_result *ra = malloc(sizeof *ra), *rb = malloc(sizeof *rb);
    if (ra == NULL || rb == NULL) {
        fprintf(stderr, "rta: out of memory\n");
        rc = EXIT_FAIL;
        goto done;
    }
    if ((rc = load_ruleset(c, rules, version, &store, &rs)) != EXIT_OK)
        goto done;
    if (rta_verdict_check(rs, bom, &rep, &err) != RTA_OK ||
        rta_snapshot_open(store, &snap, &err) != RTA_OK ||
        rta_duty_open(store, snap, &duty, &err) != RTA_OK ||
        rta_duty_compute(duty, &a, &o, ra, &err) != RTA_OK ||
        rta_duty_compute(duty, &b, &o, rb, &err) != RTA_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    const char *points = rep->v.status == RTA_VERDICT_ORIGINATING       ? "originating"
                         : rep->v.status == RTA_VERDICT_NOT_ORIGINATING ? "not_originating"
                                                                        : NULL;
    int equal = same_stack(ra, rb);
    char note[256] = "";
    if (!true_origin && equal)
        snprintf(note, sizeof note,
                 "no transshipment measure was in force on this date: both stacks are equal");
    if (json) {
        char *v = rta_verdict_report_json(rep, bom);
        char *ja = rta_duty_result_json(duty, &a, &o, ra);
        char *jb = rta_duty_result_json(duty, &b, &o, rb);
        if (v == NULL || ja == NULL || jb == NULL) {
            rc = EXIT_FAIL;
        } else {
            printf("{\"verdict\":%s,\"originating\":%s,\"not_originating\":%s,"
                   "\"not_originating_basis\":\"%s\",\"true_origin\":",
                   v, ja, jb, true_origin ? "true_origin" : "transshipped");
            if (true_origin)
                printf("\"%s\"", b.origin);
            else
                printf("null");
            printf(",\"stacks_equal\":%s,\"applies\":", equal ? "true" : "false");
            if (points)
                printf("\"%s\"", points);
            else
                printf("null");
            printf(",\"note\":");
            cli_json_str(note);
            printf("}\n");
        }
        free(v);
        free(ja);
        free(jb);
    } else {
        char t[160];
        print_report(rep);
        printf("\n");
        snprintf(t, sizeof t, "A. originating in %s:", a.origin);
        print_stack(t, &a, ra);
        if (true_origin)
            snprintf(t, sizeof t, "B. not originating: the true origin %s:", b.origin);
        else
            snprintf(t, sizeof t, "B. not originating: found transshipped (origin %s):", b.origin);
        print_stack(t, &b, rb);
        if (note[0])
            printf("note: %s\n", note);
        if (points) {
            char d1[32], d2[32];
            printf("the verdict points to %s: total duty %s USD (the other: %s USD)\n",
                   points[0] == 'o' ? "A" : "B",
                   rta_cents_format(points[0] == 'o' ? ra->total_duty_cents : rb->total_duty_cents,
                                    d1, sizeof d1),
                   rta_cents_format(points[0] == 'o' ? rb->total_duty_cents : ra->total_duty_cents,
                                    d2, sizeof d2));
        } else {
            printf("the verdict needs a person: either stack may apply\n");
        }
    }
done:
    free(ra);
    free(rb);
    rta_verdict_report_free(rep);
    rta_duty_close(duty);
    rta_snapshot_free(snap);
    rta_ruleset_free(rs);
    rta_store_close(store);
    rta_bom_free(bom);
    return rc;
}

/*
 * cmd_hts.c - `rta hts show|search|rates|revisions` and `rta code`.
 *
 * Why: argument parsing and printing over rta/hts.h; the JSON of a line is
 * built by the library (rta_hts_line_json) so the server prints the same.
 */
#include "cli.h"
#include "rta/code.h"
#include "rta/date.h"
#include "rta/hts.h"
#include "rta/nomenclature.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char help_hts[] =
    "usage: rta hts show CODE [--date YYYY-MM-DD | --revision NAME] [--json]\n"
    "       rta hts search WORDS... [--limit N] [--date D | --revision NAME] [--json]\n"
    "       rta hts rates --stats [--revision NAME] [--json]\n"
    "       rta hts revisions [--json]\n"
    "\n"
    "The US Harmonized Tariff Schedule as bundled: the 2024 basic edition and\n"
    "every 2025-2026 revision. A revision is in force from its effective date\n"
    "until the next one; --date picks the revision in force (default: today).\n"
    "CODE may be written 6109.10.00.12, 6109100012, 610910, 6109.10 or 6109.\n";

typedef struct when {
    const char *date;
    const char *revision;
    int index;
} when;

static int resolve_when(const rta_snapshot *snap, when *w)
{
    if (w->revision) {
        w->index = rta_snapshot_revision_find(snap, w->revision);
        if (w->index < 0) {
            fprintf(stderr, "rta: no HTS revision named \"%s\" (see `rta hts revisions`)\n",
                    w->revision);
            return EXIT_FAIL;
        }
        return EXIT_OK;
    }
    rta_day day = rta_date_today();
    if (w->date) {
        rta_error err;
        if (rta_date_parse(w->date, &day, &err) != RTA_OK) {
            snprintf(err.input, sizeof err.input, "--date");
            cli_fail(&err);
            return EXIT_USAGE;
        }
    }
    w->index = rta_snapshot_revision_on(snap, day);
    if (w->index < 0) {
        rta_revision first;
        char d[16];
        rta_snapshot_revision(snap, 0, &first);
        fprintf(stderr, "rta: no bundled HTS revision is in force on %s (the first starts %s)\n",
                w->date ? w->date : "that date", rta_date_format(first.effective, d, sizeof d));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static void print_rate_detail(const char *text, int special)
{
    rta_error err;
    if (text[0] == '\0') {
        printf("(none)\n");
        return;
    }
    if (special) {
        rta_special sp;
        if (rta_special_parse(text, strlen(text), &sp, &err) != RTA_OK) {
            printf("%s\n      UNKNOWN SHAPE: %s\n", text, err.message);
            return;
        }
        printf("%s\n", text);
        for (int g = 0; g < sp.ngroups; g++) {
            printf("      %-11s", rta_rate_kind_name(sp.rates[g].kind));
            int first = 1;
            for (int p = 0; p < sp.nprograms; p++) {
                if (sp.programs[p].group != g)
                    continue;
                printf("%s%s", first ? " " : ", ", sp.programs[p].code);
                first = 0;
            }
            printf("\n");
        }
        return;
    }
    rta_rate r;
    if (rta_rate_parse(text, strlen(text), &r, &err) != RTA_OK) {
        printf("%s\n      UNKNOWN SHAPE: %s\n", text, err.message);
        return;
    }
    printf("%s\n      %s", text, rta_rate_kind_name(r.kind));
    for (int i = 0; i < r.nparts; i++) {
        const rta_rate_part *p = &r.parts[i];
        printf("%s", i ? " +" : ":");
        if (p->sign < 0)
            printf(" minus");
        if (p->kind == RTA_PART_AD_VALOREM)
            printf(" ad valorem %lld millionths", (long long)p->ad_valorem_millionths);
        else
            printf(" %lld micro-USD per %s", (long long)p->micro_usd, p->unit);
        if (p->per > 1)
            printf(" (per %lld)", (long long)p->per);
        if (p->basis[0])
            printf(" on %s", p->basis);
    }
    if (!rta_rate_kind_is_structured(r.kind) && r.kind != RTA_RATE_NONE) {
        static const char *const needs[] = {
            "a quantity", "the referenced rate",          "component values", "a content quantity",
            "a degree",   "a U.S. note read by a person", "another value",    "bond conditions"};
        printf("  [needs:");
        for (int b = 0; b < 8; b++)
            if (r.needs & (1u << b))
                printf(" %s;", needs[b]);
        printf("]");
    }
    printf("\n");
}

static void print_line_text(const rta_snapshot *snap, const rta_hts_line *line)
{
    char code[16], d1[16], d2[16];
    rta_revision rev;
    rta_snapshot_revision(snap, line->revision, &rev);
    printf("%s  %s\n", line->has_code ? rta_code_format(&line->code, code, sizeof code) : "",
           line->description);
    printf("  %s of HTS %s, in force %s to %s\n",
           line->has_code ? rta_code_level_name(line->code.len) : "header", rev.name,
           rta_date_format(rev.effective, d1, sizeof d1),
           rev.until == INT32_MAX ? "today" : rta_date_format(rev.until, d2, sizeof d2));
    const char *desc[64];
    rta_code codes[64];
    int n = rta_hts_path(snap, line, desc, codes, 64);
    printf("  path:\n");
    for (int i = 0; i < n; i++) {
        char cb[16] = "";
        if (codes[i].len)
            rta_code_format(&codes[i], cb, sizeof cb);
        printf("    %*s%s%s%s\n", i * 2, "", cb, cb[0] ? " " : "", desc[i]);
    }
    rta_hs_entry e;
    int exact;
    if (line->has_code && rta_hs_find(snap, &line->code, &e, &exact, NULL) == RTA_OK)
        printf("  HS 2022 %s (section %s): %s\n", rta_code_format(&e.code, code, sizeof code),
               e.section, e.description);
    printf("  units: ");
    for (int i = 0; i < line->nunits; i++)
        printf("%s%s", i ? ", " : "", line->units[i]);
    printf("%s\n", line->nunits ? "" : "(none)");
    static const char *const names[3] = {"General", "Special", "Column 2"};
    for (int c = 0; c < 3; c++) {
        printf("  %-9s ", names[c]);
        if (line->rate_inherited[c] && line->rate_from[c].len) {
            char fb[16];
            printf("(from %s) ", rta_code_format(&line->rate_from[c], fb, sizeof fb));
        }
        print_rate_detail(line->rate[c], c == RTA_COL_SPECIAL);
    }
    for (int i = 0; i < line->nfootnotes; i++) {
        rta_hts_footnote f;
        if (rta_hts_footnote_get(snap, line, i, &f))
            printf("  %s [%s]: %s%s%s\n", f.type, f.columns, f.value,
                   f.ch99[0] ? "  -> chapter 99: " : "", f.ch99);
    }
}

static int not_a_line(const rta_snapshot *snap, int rev, const rta_code *code, int json)
{
    /* an HS heading/subheading that is not itself a line: show it and its lines */
    rta_hs_entry e;
    int exact = 0;
    long total = rta_hts_lines_under(snap, rev, code, NULL, 0);
    int have_hs = rta_hs_find(snap, code, &e, &exact, NULL) == RTA_OK && exact;
    char cb[16];
    rta_revision r;
    rta_snapshot_revision(snap, rev, &r);
    if (have_hs || total > 0) {
        long max = total < 200 ? total : 200;
        rta_hts_line *lines = calloc((size_t)(max > 0 ? max : 1), sizeof *lines);
        if (lines == NULL)
            return EXIT_FAIL;
        rta_hts_lines_under(snap, rev, code, lines, max);
        if (json) {
            printf("{\"code\":\"%s\",\"level\":\"%s\",\"in_hts\":false,\"revision\":\"%s\"",
                   code->digits, rta_code_level_name(code->len), r.name);
            if (have_hs) {
                printf(",\"description\":");
                cli_json_str(e.description);
                printf(",\"hs2022\":{\"code\":\"%s\",\"section\":", e.code.digits);
                cli_json_str(e.section);
                printf("}");
            }
            printf(",\"lines\":[");
            for (long i = 0; i < max; i++)
                printf("%s\"%s\"", i ? "," : "", lines[i].code.digits);
            printf("],\"lines_total\":%ld}\n", total);
        } else {
            printf("%s  %s\n", rta_code_format(code, cb, sizeof cb),
                   have_hs ? e.description : "(not in HS 2022)");
            printf("  HS 2022 %s%s%s; not itself a line of HTS %s, which has %ld line(s) "
                   "under it:\n",
                   rta_code_level_name(code->len), have_hs ? ", section " : "",
                   have_hs ? e.section : "", r.name, total);
            for (long i = 0; i < max; i++) {
                const rta_hts_line *l = &lines[i];
                printf("    %-13s %-10s %s\n", rta_code_format(&l->code, cb, sizeof cb),
                       l->rate[RTA_COL_GENERAL][0] ? l->rate[RTA_COL_GENERAL] : "", l->description);
            }
            if (total > max)
                printf("    ... and %ld more\n", total - max);
        }
        free(lines);
        return EXIT_OK;
    }
    rta_code near[5];
    int n = rta_hts_suggest(snap, rev, code, near, 5);
    fprintf(stderr, "rta: %s is not a line of HTS %s", rta_code_format(code, cb, sizeof cb),
            r.name);
    if (n > 0) {
        fprintf(stderr, "; nearest lines:\n");
        for (int i = 0; i < n; i++) {
            rta_hts_line l;
            if (rta_hts_find(snap, rev, &near[i], &l, NULL) == RTA_OK)
                fprintf(stderr, "  %-13s %s\n", rta_code_format(&near[i], cb, sizeof cb),
                        l.description);
        }
    } else {
        fprintf(stderr, "\n");
    }
    return EXIT_FAIL;
}

static int hts_show(cli *c, int argc, char **argv)
{
    when w = {0};
    int json = 0;
    const char *code_text = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--date", &v)) != 0) {
            if (r < 0)
                return cli_usage("hts ", "--date needs YYYY-MM-DD");
            w.date = v;
        } else if ((r = cli_opt(argc, argv, &i, "--revision", &v)) != 0) {
            if (r < 0)
                return cli_usage("hts ", "--revision needs a name");
            w.revision = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_hts, stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage("hts ", "unknown option %s", argv[i]);
        } else if (code_text == NULL) {
            code_text = argv[i];
        } else {
            return cli_usage("hts ", "hts show takes one CODE (got \"%s\" too)", argv[i]);
        }
    }
    if (code_text == NULL)
        return cli_usage("hts ", "hts show needs a CODE, e.g. rta hts show 6109.10.00.12");
    if (w.date && w.revision)
        return cli_usage("hts ", "give --date or --revision, not both");
    rta_code code;
    rta_error err;
    if (rta_code_parse(code_text, &code, &err) != RTA_OK) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    rta_snapshot *snap;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    if ((rc = resolve_when(snap, &w)) != EXIT_OK) {
        rta_snapshot_free(snap);
        return rc;
    }
    rta_hts_line line;
    if (rta_hts_find(snap, w.index, &code, &line, &err) != RTA_OK) {
        rc = not_a_line(snap, w.index, &code, json);
    } else if (json) {
        char *s = rta_hts_line_json(snap, &line);
        if (s == NULL) {
            fprintf(stderr, "rta: out of memory\n");
            rc = EXIT_FAIL;
        } else {
            puts(s);
            free(s);
        }
    } else {
        print_line_text(snap, &line);
    }
    rta_snapshot_free(snap);
    return rc;
}

static int hts_search(cli *c, int argc, char **argv)
{
    when w = {0};
    int json = 0;
    long limit = 20;
    char query[1024] = "";
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--date", &v)) != 0) {
            if (r < 0)
                return cli_usage("hts ", "--date needs YYYY-MM-DD");
            w.date = v;
        } else if ((r = cli_opt(argc, argv, &i, "--revision", &v)) != 0) {
            if (r < 0)
                return cli_usage("hts ", "--revision needs a name");
            w.revision = v;
        } else if ((r = cli_opt(argc, argv, &i, "--limit", &v)) != 0) {
            char *end;
            limit = r > 0 ? strtol(v, &end, 10) : 0;
            if (r < 0 || *end || limit < 1 || limit > 1000)
                return cli_usage("hts ", "--limit needs a number from 1 to 1000");
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_hts, stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return cli_usage("hts ", "unknown option %s", argv[i]);
        } else {
            if (strlen(query) + strlen(argv[i]) + 2 >= sizeof query)
                return cli_usage("hts ", "search words too long");
            strcat(query, " ");
            strcat(query, argv[i]);
        }
    }
    if (query[0] == '\0')
        return cli_usage("hts ", "hts search needs WORDS, e.g. rta hts search cotton t-shirts");
    rta_snapshot *snap;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    if ((rc = resolve_when(snap, &w)) != EXIT_OK) {
        rta_snapshot_free(snap);
        return rc;
    }
    rta_hts_hit *hits = calloc((size_t)limit, sizeof *hits);
    if (hits == NULL) {
        rta_snapshot_free(snap);
        return EXIT_FAIL;
    }
    int n = rta_hts_search(snap, w.index, query, hits, (int)limit);
    char cb[16];
    if (json) {
        printf("[");
        for (int i = 0; i < n; i++) {
            const rta_hts_line *l = &hits[i].line;
            printf("%s{\"code\":\"%s\",\"score\":%d,\"description\":", i ? "," : "", l->code.digits,
                   hits[i].score);
            cli_json_str(l->description);
            printf(",\"general\":");
            cli_json_str(l->rate[RTA_COL_GENERAL]);
            printf("}");
        }
        printf("]\n");
    } else if (n == 0) {
        fprintf(stderr, "rta: no line matches \"%s\"\n", query + 1);
        rc = EXIT_FAIL;
    } else {
        for (int i = 0; i < n; i++) {
            const rta_hts_line *l = &hits[i].line;
            const char *desc[64];
            int np = rta_hts_path(snap, l, desc, NULL, 64);
            printf("%-13s %-9s ", rta_code_format(&l->code, cb, sizeof cb),
                   l->rate[RTA_COL_GENERAL]);
            /* the path below the chapter, abbreviated */
            for (int k = 1; k < np; k++)
                printf("%s%.60s", k > 1 ? " > " : "", desc[k]);
            printf("\n");
        }
    }
    free(hits);
    rta_snapshot_free(snap);
    return rc;
}

static int hts_rates(cli *c, int argc, char **argv)
{
    int json = 0, stats = 0;
    const char *only = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if ((r = cli_opt(argc, argv, &i, "--revision", &v)) != 0) {
            if (r < 0)
                return cli_usage("hts ", "--revision needs a name");
            only = v;
        } else if (strcmp(argv[i], "--stats") == 0) {
            stats = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_hts, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("hts ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!stats)
        return cli_usage("hts ", "hts rates needs --stats");
    rta_snapshot *snap;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    int from = 0, to = rta_snapshot_revision_count(snap) - 1;
    if (only) {
        from = to = rta_snapshot_revision_find(snap, only);
        if (from < 0) {
            fprintf(stderr, "rta: no HTS revision named \"%s\" (see `rta hts revisions`)\n", only);
            rta_snapshot_free(snap);
            return EXIT_FAIL;
        }
    }
    static const char *const cols[3] = {"general", "special", "column2"};
    long total_unknown = 0;
    if (json)
        printf("{\"revisions\":[");
    else
        printf("%-12s %6s %6s %6s %6s %6s %6s %6s %6s %7s\n", "revision", "rows", "lines", "rated",
               "free", "adval", "spec", "comp", "other", "unknown");
    for (int r = from; r <= to; r++) {
        rta_revision rev;
        rta_snapshot_revision(snap, r, &rev);
        rta_rate_stats st;
        rta_error err;
        if (rta_hts_rate_stats(snap, r, &st, &err) != RTA_OK) {
            rta_snapshot_free(snap);
            return cli_fail(&err);
        }
        total_unknown += st.unknown;
        const long *g = st.kinds[RTA_COL_GENERAL];
        long other = 0;
        for (int k = RTA_RATE_REFERENCE; k < RTA_RATE_KIND_COUNT; k++)
            other += g[k];
        if (json) {
            printf("%s{\"revision\":\"%s\",\"edition\":%d,\"rows\":%ld,\"lines\":%ld,"
                   "\"rated_lines\":%ld,\"unknown_shapes\":%ld,\"columns\":{",
                   r > from ? "," : "", rev.name, rev.edition, st.rows, st.lines, st.rated_lines,
                   st.unknown);
            for (int col = 0; col < 3; col++) {
                printf("%s\"%s\":{\"cells\":%ld,\"kinds\":{", col ? "," : "", cols[col],
                       st.cells[col]);
                int first = 1;
                for (int k = 1; k < RTA_RATE_KIND_COUNT; k++) {
                    if (!st.kinds[col][k])
                        continue;
                    printf("%s\"%s\":%ld", first ? "" : ",", rta_rate_kind_name((rta_rate_kind)k),
                           st.kinds[col][k]);
                    first = 0;
                }
                printf("}}");
            }
            printf("},\"shapes\":[");
            for (long i = 0; i < st.nshapes; i++) {
                const rta_rate_shape_count *s = &st.shapes[i];
                printf("%s{\"column\":\"%s\",\"kind\":\"%s\",\"count\":%ld,\"shape\":",
                       i ? "," : "", cols[s->column],
                       s->unknown ? "unknown" : rta_rate_kind_name(s->kind), s->count);
                cli_json_str(s->shape);
                printf(",\"example\":");
                cli_json_str(s->example);
                printf(",\"example_code\":\"%s\"}", s->example_code.digits);
            }
            printf("]}");
        } else {
            printf("%-12s %6ld %6ld %6ld %6ld %6ld %6ld %6ld %6ld %7ld\n", rev.name, st.rows,
                   st.lines, st.rated_lines, g[RTA_RATE_FREE], g[RTA_RATE_AD_VALOREM],
                   g[RTA_RATE_SPECIFIC], g[RTA_RATE_COMPOUND], other, st.unknown);
            if (only || st.unknown) {
                printf("\n  non-structured and unknown shapes of %s (all columns):\n", rev.name);
                for (long i = 0; i < st.nshapes; i++) {
                    const rta_rate_shape_count *s = &st.shapes[i];
                    char cb[16] = "";
                    if (s->example_code.len)
                        rta_code_format(&s->example_code, cb, sizeof cb);
                    printf("  %5ld  %-8s %-14s %.90s   (e.g. %s)\n", s->count, cols[s->column],
                           s->unknown ? "UNKNOWN" : rta_rate_kind_name(s->kind), s->shape, cb);
                }
                printf("\n");
            }
        }
        rta_rate_stats_free(&st);
    }
    if (json)
        printf("],\"unknown_shapes\":%ld}\n", total_unknown);
    else {
        printf("\n%ld unknown shape(s) in %d revision(s). Columns: general (MFN) kinds; "
               "\"other\" = non-structured kinds.\n",
               total_unknown, to - from + 1);
        if (!only)
            printf("Use --revision NAME to list the non-structured shapes of one revision, "
                   "--json for all.\n");
    }
    rta_snapshot_free(snap);
    return total_unknown ? EXIT_FAIL : EXIT_OK;
}

static int hts_revisions(cli *c, int argc, char **argv)
{
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_hts, stdout);
            return EXIT_OK;
        } else
            return cli_usage("hts ", "unexpected argument \"%s\"", argv[i]);
    }
    rta_snapshot *snap;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    int n = rta_snapshot_revision_count(snap);
    if (json)
        printf("[");
    for (int i = 0; i < n; i++) {
        rta_revision r;
        char d1[16], d2[16], d3[16];
        rta_snapshot_revision(snap, i, &r);
        rta_date_format(r.effective, d1, sizeof d1);
        if (r.until != INT32_MAX)
            rta_date_format(r.until, d2, sizeof d2);
        else
            strcpy(d2, "");
        if (r.has_policy_date)
            rta_date_format(r.policy_date, d3, sizeof d3);
        else
            strcpy(d3, "");
        if (json) {
            printf("%s{\"name\":\"%s\",\"edition\":%d,\"format\":\"%s\",\"effective\":\"%s\","
                   "\"until\":%s%s%s,\"policy_effective\":%s%s%s,\"rows\":%ld,\"source\":",
                   i ? "," : "", r.name, r.edition, r.format, d1, d2[0] ? "\"" : "",
                   d2[0] ? d2 : "null", d2[0] ? "\"" : "", d3[0] ? "\"" : "", d3[0] ? d3 : "null",
                   d3[0] ? "\"" : "", r.rows);
            cli_json_str(r.source);
            printf(",\"note\":");
            cli_json_str(r.note);
            printf("}");
        } else {
            printf("%-12s %s .. %-10s %6ld rows  %s%s%s%.70s\n", r.name, d1, d2[0] ? d2 : "",
                   r.rows, d3[0] ? "policy " : "", d3, d3[0] ? "  " : "", r.note);
        }
    }
    if (json)
        printf("]\n");
    rta_snapshot_free(snap);
    return EXIT_OK;
}

int cmd_hts(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help_hts, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "show") == 0)
        return hts_show(c, argc, argv);
    if (strcmp(argv[1], "search") == 0)
        return hts_search(c, argc, argv);
    if (strcmp(argv[1], "rates") == 0)
        return hts_rates(c, argc, argv);
    if (strcmp(argv[1], "revisions") == 0)
        return hts_revisions(c, argc, argv);
    return cli_usage("hts ", "unknown hts command \"%s\"", argv[1]);
}

static const char help_code[] =
    "usage: rta code CODE [--json]\n"
    "\n"
    "Normalises an HS or HTS code written in any usual form and prints its\n"
    "level, parent and HS 2022 description (needs the store for the text).\n";

int cmd_code(cli *c, int argc, char **argv)
{
    int json = 0;
    const char *text = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_code, stdout);
            return EXIT_OK;
        } else if (text == NULL)
            text = argv[i];
        else
            return cli_usage("code ", "code takes one CODE");
    }
    if (text == NULL)
        return cli_usage("code ", "code needs a CODE");
    rta_code code, parent;
    rta_error err;
    if (rta_code_parse(text, &code, &err) != RTA_OK) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    char cb[16], pb[16] = "";
    int has_parent = rta_code_parent(&code, &parent);
    if (has_parent)
        rta_code_format(&parent, pb, sizeof pb);
    rta_snapshot *snap;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    rta_hs_entry e;
    int exact = 0;
    int have = rta_hs_find(snap, &code, &e, &exact, &err) == RTA_OK;
    if (json) {
        printf("{\"input\":");
        cli_json_str(text);
        printf(",\"code\":\"%s\",\"dotted\":\"%s\",\"digits\":%d,\"level\":\"%s\",\"parent\":",
               code.digits, rta_code_format(&code, cb, sizeof cb), code.len,
               rta_code_level_name(code.len));
        if (has_parent)
            printf("\"%s\"", parent.digits);
        else
            printf("null");
        if (have) {
            printf(",\"hs2022\":{\"code\":\"%s\",\"exact\":%s,\"section\":\"%s\",\"description\":",
                   e.code.digits, exact ? "true" : "false", e.section);
            cli_json_str(e.description);
            printf("}");
        }
        printf("}\n");
    } else {
        printf("%s  %s (%d digits)\n", rta_code_format(&code, cb, sizeof cb),
               rta_code_level_name(code.len), code.len);
        if (has_parent)
            printf("  parent: %s\n", pb);
        if (have)
            printf("  HS 2022 %s%s (section %s): %s\n", rta_code_format(&e.code, cb, sizeof cb),
                   exact ? "" : " (nearest HS level)", e.section, e.description);
        else
            printf("  not in HS 2022: %s\n", err.message);
    }
    rta_snapshot_free(snap);
    return have ? EXIT_OK : EXIT_FAIL;
}

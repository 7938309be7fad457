/*
 * measure_import.c - reading data/measures/ into the store, row by row checked.
 *
 * Why: see measure_internal.h. The format is documented in
 * data/measures/README.md; this file is its only reader, so the two must move
 * together.
 */
#include "measure_internal.h"

#include "csv.h"
#include "rta/code.h"
#include "rta/date.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rta__parse_fixed(const char *text, int max_digits, int decimals, int64_t *out)
{
    /* "12.5" with decimals 3 -> 12500: exact, no floating point */
    const char *p = text;
    int64_t whole = 0, frac = 0;
    int digits = 0, fd = 0;
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + (*p++ - '0');
        if (++digits > max_digits)
            return -1;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (fd == decimals)
                return -1;
            frac = frac * 10 + (*p++ - '0');
            fd++;
        }
    }
    if (*p != '\0' || (digits == 0 && fd == 0))
        return -1;
    int64_t scale = 1;
    for (int k = 0; k < decimals; k++)
        scale *= 10;
    for (; fd < decimals; fd++)
        frac *= 10;
    *out = whole * scale + frac;
    return 0;
}

int rta__parse_percent(const char *text, int64_t *millionths)
{
    /* percent with up to 4 decimals -> millionths of one (1% = 10000), at most 1000% */
    int64_t v;
    if (rta__parse_fixed(text, 4, 4, &v) != 0 || v > 10000000)
        return -1;
    *millionths = v;
    return 0;
}

int rta__parse_usd_cents(const char *text, int64_t *cents)
{
    /* dollars with up to 2 decimals, at most 12 integer digits (below $1 trillion) */
    return rta__parse_fixed(text, 12, 2, cents);
}

static int valid_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

typedef struct ctx {
    sqlite3 *db;
    const char *path;
    long line;
    int col;
    rta_error *err;
} ctx;

static rta_status fail(ctx *c, const char *fmt, const char *a, const char *b)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b ? b : "");
    return rta__error(c->err, RTA_ERR_PARSE, c->path, c->line, c->col, "%s", msg);
}

static rta_status date_or_empty(ctx *c, const char *field, const char *text, int required)
{
    if (text[0] == '\0') {
        if (required)
            return fail(c, "%s is required (YYYY-MM-DD)", field, NULL);
        return RTA_OK;
    }
    rta_day d;
    if (rta_date_parse(text, &d, NULL) != RTA_OK)
        return fail(c, "%s \"%s\" is not a date YYYY-MM-DD", field, text);
    return RTA_OK;
}

static int list_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM product_list WHERE name = ? LIMIT 1", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    }
    return found;
}

static int country_exists(sqlite3 *db, const char *iso2)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM country WHERE iso2 = ?", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, iso2, -1, SQLITE_STATIC);
        found = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    }
    return found;
}

/* Checks each space-separated token of text with fn. */
typedef rta_status (*token_fn)(ctx *c, const char *field, const char *tok);

static rta_status each_token(ctx *c, const char *field, const char *text, token_fn fn,
                             int allow_empty)
{
    char tok[128];
    const char *p = text;
    int n = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        if (len >= sizeof tok)
            return fail(c, "%s: token too long in \"%s\"", field, text);
        memcpy(tok, p, len);
        tok[len] = '\0';
        rta_status st = fn(c, field, tok);
        if (st != RTA_OK)
            return st;
        n++;
        p += len;
    }
    if (n == 0 && !allow_empty)
        return fail(c, "%s is empty", field, NULL);
    return RTA_OK;
}

static rta_status origin_token(ctx *c, const char *field, const char *tok)
{
    const char *t = tok[0] == '-' ? tok + 1 : tok;
    if (strcmp(tok, "-ALL") == 0)
        return fail(c, "%s: \"%s\" excludes everything; leave the row out instead", field, tok);
    if (strcmp(t, "ALL") == 0 || strcmp(t, "EU") == 0)
        return RTA_OK;
    if (strlen(t) != 2 || !isupper((unsigned char)t[0]) || !isupper((unsigned char)t[1]) ||
        !country_exists(c->db, t))
        return fail(c, "%s: \"%s\" is not ALL, EU or an ISO 3166 alpha-2 code", field, tok);
    return RTA_OK;
}

static rta_status product_token(ctx *c, const char *field, const char *tok)
{
    if (strcmp(tok, "*") == 0)
        return RTA_OK;
    if (tok[0] == '@') {
        if (!valid_name(tok + 1) || !list_exists(c->db, tok + 1))
            return fail(c, "%s: no product list \"%s\" in measures/lists/", field, tok + 1);
        return RTA_OK;
    }
    size_t n = strlen(tok);
    if (n < 2 || n > 10 || !all_digits(tok, n))
        return fail(c, "%s: \"%s\" is not *, @list or an HTS prefix of 2-10 digits", field, tok);
    return RTA_OK;
}

static rta_status base_token(ctx *c, const char *field, const char *tok)
{
    static const char *const ok[] = {"value",       "steel",         "aluminum", "copper",
                                     "-us_content", "-s232_content", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcmp(tok, ok[i]) == 0)
            return RTA_OK;
    return fail(c, "%s: \"%s\" is not value, steel, aluminum, copper, -us_content or -s232_content",
                field, tok);
}

static rta_status excluded_token(ctx *c, const char *field, const char *tok)
{
    if (strcmp(tok, "s232") == 0 || valid_name(tok))
        return RTA_OK; /* measure ids are checked once all rows are in */
    return fail(c, "%s: \"%s\" is not s232 or a measure id", field, tok);
}

/* ---- lists ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static rta_status import_list(sqlite3 *db, const char *dir, const char *file, long *entries,
                              rta_error *err)
{
    char path[4096], name[256];
    snprintf(path, sizeof path, "%.3000s/%.255s", dir, file);
    size_t n = strlen(file) - 4; /* ".csv" */
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, file, n);
    name[n] = '\0';
    char *text = NULL;
    size_t len;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    ctx c = {db, path, 0, 0, err};
    if (!valid_name(name)) {
        free(text);
        return fail(&c, "list file name \"%s\" must be lowercase letters, digits, _ and -", file,
                    NULL);
    }
    /* skip comment lines at the top */
    char *body = text;
    long skipped = 0;
    while (*body == '#') {
        char *nl = strchr(body, '\n');
        body = nl ? nl + 1 : body + strlen(body);
        skipped++;
    }
    rta__csv csv;
    rta__csv_init(&csv, body, strlen(body), path);
    sqlite3_stmt *ins = NULL;
    int got, fh, ff, ft, fn;
    if ((st = rta__csv_next(&csv, &got, err)) != RTA_OK)
        goto done;
    c.line = csv.record_line + skipped;
    fh = got ? rta__csv_find(&csv, "hts") : -1;
    ff = got ? rta__csv_find(&csv, "from") : -1;
    ft = got ? rta__csv_find(&csv, "to") : -1;
    fn = got ? rta__csv_find(&csv, "note") : -1;
    if (fh < 0 || ff < 0 || ft < 0) {
        st = fail(&c, "list header must be hts,from,to[,note]", NULL, NULL);
        goto done;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO product_list VALUES(?,?,?,?,?,?)", -1, &ins, NULL) !=
        SQLITE_OK) {
        st = rta__error(err, RTA_ERR_STORE, path, 0, 0, "%s", sqlite3_errmsg(db));
        goto done;
    }
    long seq = 0;
    for (;;) {
        if ((st = rta__csv_next(&csv, &got, err)) != RTA_OK || !got)
            break;
        c.line = csv.record_line + skipped;
        c.col = fh + 1;
        const char *hts = fh < csv.nfields ? csv.fields[fh] : "";
        size_t hl = strlen(hts);
        if (hl < 4 || hl > 10 || !all_digits(hts, hl)) {
            st = fail(&c, "hts \"%s\" is not an HTS prefix of 4-10 digits", hts, NULL);
            break;
        }
        const char *from = ff < csv.nfields ? csv.fields[ff] : "";
        const char *to = ft < csv.nfields ? csv.fields[ft] : "";
        c.col = ff + 1;
        if ((st = date_or_empty(&c, "from", from, 0)) != RTA_OK)
            break;
        c.col = ft + 1;
        if ((st = date_or_empty(&c, "to", to, 0)) != RTA_OK)
            break;
        if (from[0] && to[0] && strcmp(from, to) > 0) {
            st = fail(&c, "to %s is before from %s", to, from);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, seq++);
        sqlite3_bind_text(ins, 3, hts, -1, SQLITE_TRANSIENT);
        if (from[0])
            sqlite3_bind_text(ins, 4, from, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ins, 4);
        if (to[0])
            sqlite3_bind_text(ins, 5, to, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ins, 5);
        sqlite3_bind_text(ins, 6, fn >= 0 && fn < csv.nfields ? csv.fields[fn] : "", -1,
                          SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = rta__error(err, RTA_ERR_STORE, path, c.line, 0, "%s", sqlite3_errmsg(db));
            break;
        }
        (*entries)++;
    }
done:
    sqlite3_finalize(ins);
    rta__csv_free(&csv);
    free(text);
    return st;
}

static rta_status import_lists(sqlite3 *db, const char *data_dir, long *entries, rta_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/measures/lists", data_dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return rta__error(err, RTA_ERR_IO, dir, 0, 0, "cannot open the product lists folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    rta_status st = RTA_OK;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".csv") != 0 || e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *names);
            if (p == NULL) {
                st = rta__error(err, RTA_ERR_NOMEM, dir, 0, 0, "out of memory");
                break;
            }
            names = p;
        }
        names[n] = rta__strdup(e->d_name);
        if (names[n] == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st == RTA_OK) {
        qsort(names, n, sizeof *names, cmp_str); /* deterministic order */
        for (size_t i = 0; i < n && st == RTA_OK; i++)
            st = import_list(db, dir, names[i], entries, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* ---- measures.csv ---- */

enum {
    M_ID,
    M_AUTH,
    M_HEADING,
    M_ORIGINS,
    M_PRODUCTS,
    M_EXCEPT,
    M_RATE,
    M_METHOD,
    M_GROUP,
    M_PRIORITY,
    M_CONDITION,
    M_BASE,
    M_EXCLUDED,
    M_FROM,
    M_TO,
    M_COLLECT,
    M_TLOADED,
    M_TENTERED,
    M_CERTAINTY,
    M_SOURCE,
    M_NOTE,
    M_COUNT
};

static const char *const mcols[M_COUNT] = {"id",
                                           "authority",
                                           "heading",
                                           "origins",
                                           "products",
                                           "except",
                                           "rate",
                                           "method",
                                           "group",
                                           "priority",
                                           "condition",
                                           "base",
                                           "excluded_by",
                                           "from",
                                           "to",
                                           "collect_to",
                                           "transit_loaded_before",
                                           "transit_entered_before",
                                           "certainty",
                                           "source",
                                           "note"};

static int one_of(const char *s, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

static rta_status check_measure(ctx *c, char **f, const int *col)
{
    static const char *const auths[] = {"mfn",  "s232",  "s301", "ieepa_recip", "ieepa_fentanyl",
                                        "s122", "other", NULL};
    static const char *const methods[] = {"add", "floor", "column2", NULL};
    static const char *const conds[] = {"", "transshipped", "not_usmca", NULL};
    static const char *const certs[] = {"high", "medium", NULL};
    rta_status st;
#define AT(k) (c->col = col[k] + 1)
    AT(M_ID);
    if (!valid_name(f[M_ID]))
        return fail(c, "id \"%s\" must be lowercase letters, digits, _ and -", f[M_ID], NULL);
    AT(M_AUTH);
    if (!one_of(f[M_AUTH], auths))
        return fail(c,
                    "authority \"%s\" is not one of mfn s232 s301 ieepa_recip ieepa_fentanyl "
                    "s122 other",
                    f[M_AUTH], NULL);
    AT(M_HEADING);
    if (f[M_HEADING][0]) {
        rta_code hc;
        if (rta_code_parse(f[M_HEADING], &hc, NULL) != RTA_OK || hc.len != 8 ||
            strncmp(hc.digits, "99", 2) != 0)
            return fail(c, "heading \"%s\" is not a Chapter 99 heading like 9903.02.69",
                        f[M_HEADING], NULL);
    }
    AT(M_ORIGINS);
    if ((st = each_token(c, "origins", f[M_ORIGINS], origin_token, 0)) != RTA_OK)
        return st;
    AT(M_PRODUCTS);
    if ((st = each_token(c, "products", f[M_PRODUCTS], product_token, 0)) != RTA_OK)
        return st;
    AT(M_EXCEPT);
    if ((st = each_token(c, "except", f[M_EXCEPT], product_token, 1)) != RTA_OK)
        return st;
    AT(M_METHOD);
    if (!one_of(f[M_METHOD], methods))
        return fail(c, "method \"%s\" is not add, floor or column2", f[M_METHOD], NULL);
    AT(M_RATE);
    int64_t rate;
    if (strcmp(f[M_METHOD], "column2") != 0 && rta__parse_percent(f[M_RATE], &rate) != 0)
        return fail(c, "rate \"%s\" is not a percent like 20 or 12.5 (at most 4 decimals)",
                    f[M_RATE], NULL);
    AT(M_GROUP);
    if (f[M_GROUP][0] && !valid_name(f[M_GROUP]))
        return fail(c, "group \"%s\" must be lowercase letters, digits, _ and -", f[M_GROUP], NULL);
    AT(M_PRIORITY);
    char *end;
    strtol(f[M_PRIORITY], &end, 10);
    if (f[M_PRIORITY][0] == '\0' || *end)
        return fail(c, "priority \"%s\" is not an integer", f[M_PRIORITY], NULL);
    AT(M_CONDITION);
    if (!one_of(f[M_CONDITION], conds))
        return fail(c, "condition \"%s\" is not empty, transshipped or not_usmca", f[M_CONDITION],
                    NULL);
    AT(M_BASE);
    if ((st = each_token(c, "base", f[M_BASE], base_token, 0)) != RTA_OK)
        return st;
    AT(M_EXCLUDED);
    if ((st = each_token(c, "excluded_by", f[M_EXCLUDED], excluded_token, 1)) != RTA_OK)
        return st;
    AT(M_FROM);
    if ((st = date_or_empty(c, "from", f[M_FROM], 1)) != RTA_OK)
        return st;
    AT(M_TO);
    if ((st = date_or_empty(c, "to", f[M_TO], 0)) != RTA_OK)
        return st;
    if (f[M_TO][0] && strcmp(f[M_TO], f[M_FROM]) < 0)
        return fail(c, "to %s is before from %s", f[M_TO], f[M_FROM]);
    AT(M_COLLECT);
    if ((st = date_or_empty(c, "collect_to", f[M_COLLECT], 0)) != RTA_OK)
        return st;
    if (f[M_COLLECT][0] && (!f[M_TO][0] || strcmp(f[M_COLLECT], f[M_TO]) < 0))
        return fail(c, "collect_to %s needs a to date not after it (to \"%s\")", f[M_COLLECT],
                    f[M_TO]);
    AT(M_TLOADED);
    if ((st = date_or_empty(c, "transit_loaded_before", f[M_TLOADED], 0)) != RTA_OK)
        return st;
    AT(M_TENTERED);
    if ((st = date_or_empty(c, "transit_entered_before", f[M_TENTERED], 0)) != RTA_OK)
        return st;
    /* transit_entered_before alone makes no rule; loaded_before alone has no entry deadline */
    if (f[M_TLOADED][0] == '\0' && f[M_TENTERED][0] != '\0')
        return fail(c, "transit_entered_before needs transit_loaded_before", NULL, NULL);
    if (f[M_TLOADED][0] && f[M_TENTERED][0] && strcmp(f[M_TENTERED], f[M_TLOADED]) < 0)
        return fail(c, "transit_entered_before %s is before transit_loaded_before %s",
                    f[M_TENTERED], f[M_TLOADED]);
    AT(M_ORIGINS);
    {
        /* ALL with other positive codes is a typo waiting to happen: say it */
        int all = 0, pos = 0;
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", f[M_ORIGINS]);
        for (char *save = NULL, *t = strtok_r(tmp, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            all |= strcmp(t, "ALL") == 0;
            pos += t[0] != '-' && strcmp(t, "ALL") != 0;
        }
        if (all && pos)
            return fail(c, "origins \"%s\": ALL with other codes; write ALL -XX to exclude",
                        f[M_ORIGINS], NULL);
    }
    AT(M_CERTAINTY);
    if (!one_of(f[M_CERTAINTY], certs))
        return fail(c, "certainty \"%s\" is not high or medium", f[M_CERTAINTY], NULL);
    AT(M_SOURCE);
    if (f[M_SOURCE][0] == '\0')
        return fail(c, "source is required: every measure names its legal source", NULL, NULL);
#undef AT
    return RTA_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s[0])
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* The excluded_by references (row -> rows it waits for) must form no cycle:
 * the engine evaluates a row after the rows it names. Kahn's algorithm over
 * the stored rows; on a cycle, names a row in it. */
static rta_status check_no_cycle(ctx *c, int col)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(c->db, "SELECT id, line, excluded_by FROM measure ORDER BY seq", -1, &q,
                           NULL) != SQLITE_OK)
        return rta__error(c->err, RTA_ERR_STORE, c->path, 0, 0, "%s", sqlite3_errmsg(c->db));
    int n = 0, cap = 0;
    char **ids = NULL, **refs = NULL;
    long *lines = NULL;
    rta_status st = RTA_OK;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **ni = realloc(ids, (size_t)cap * sizeof *ni);
            if (ni)
                ids = ni;
            char **nr = realloc(refs, (size_t)cap * sizeof *nr);
            if (nr)
                refs = nr;
            long *nl = realloc(lines, (size_t)cap * sizeof *nl);
            if (nl)
                lines = nl;
            if (!ni || !nr || !nl) {
                st = rta__error(c->err, RTA_ERR_NOMEM, c->path, 0, 0, "out of memory");
                break;
            }
        }
        ids[n] = rta__strdup((const char *)sqlite3_column_text(q, 0));
        lines[n] = sqlite3_column_int64(q, 1);
        refs[n] = rta__strdup((const char *)sqlite3_column_text(q, 2));
        n++;
        if (!ids[n - 1] || !refs[n - 1]) {
            st = rta__error(c->err, RTA_ERR_NOMEM, c->path, 0, 0, "out of memory");
            break;
        }
    }
    sqlite3_finalize(q);
    int *done = calloc((size_t)(n ? n : 1), sizeof *done);
    if (st == RTA_OK && done == NULL)
        st = rta__error(c->err, RTA_ERR_NOMEM, c->path, 0, 0, "out of memory");
    /* repeatedly settle rows whose named rows are all settled */
    for (int progress = 1, left = n; st == RTA_OK && left > 0 && progress;) {
        progress = 0;
        for (int i = 0; i < n; i++) {
            if (done[i])
                continue;
            int ready = 1;
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s", refs[i]);
            for (char *save = NULL, *t = strtok_r(tmp, " ", &save); t && ready;
                 t = strtok_r(NULL, " ", &save))
                for (int j = 0; j < n; j++)
                    if (!done[j] && strcmp(ids[j], t) == 0)
                        ready = 0;
            if (ready) {
                done[i] = 1;
                left--;
                progress = 1;
            }
        }
        if (!progress && left > 0)
            for (int i = 0; i < n; i++)
                if (!done[i]) {
                    c->line = lines[i];
                    c->col = col;
                    st = fail(c,
                              "excluded_by of %s is part of a cycle (a row cannot wait for "
                              "itself, directly or through others)",
                              ids[i], NULL);
                    break;
                }
    }
    for (int i = 0; i < n; i++) {
        free(ids[i]);
        free(refs[i]);
    }
    free(ids);
    free(refs);
    free(lines);
    free(done);
    return st;
}

/* Reads the header of a measures table, after any comment lines (#...), and
 * finds each of cols[0..n) in it (col[i], 0-based). Names the file and line. */
static rta_status read_header(ctx *c, rta__csv *csv, const char *const *cols, int n, int *col)
{
    int got;
    rta_status st;
    do {
        if ((st = rta__csv_next(csv, &got, c->err)) != RTA_OK)
            return st;
    } while (got && csv->fields[0][0] == '#');
    c->line = csv->record_line;
    for (int i = 0; i < n; i++)
        if (!got || (col[i] = rta__csv_find(csv, cols[i])) < 0)
            return fail(c, "header has no column \"%s\" (see data/measures/README.md)", cols[i],
                        NULL);
    return RTA_OK;
}

static rta_status import_measure_rows(sqlite3 *db, const char *data_dir, long *count,
                                      rta_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/measures/measures.csv", data_dir);
    char *text = NULL;
    size_t len;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    ctx c = {db, path, 0, 0, err};
    rta__csv csv;
    rta__csv_init(&csv, text, len, path);
    sqlite3_stmt *ins = NULL;
    int got, col[M_COUNT];
    char *f[M_COUNT];
    /* comment lines (#...) may precede the header and sit between rows */
    if ((st = read_header(&c, &csv, mcols, M_COUNT, col)) != RTA_OK)
        goto done;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO measure VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?)",
                           -1, &ins, NULL) != SQLITE_OK) {
        st = rta__error(err, RTA_ERR_STORE, path, 0, 0, "%s", sqlite3_errmsg(db));
        goto done;
    }
    long seq = 0;
    for (;;) {
        if ((st = rta__csv_next(&csv, &got, err)) != RTA_OK || !got)
            break;
        if (csv.fields[0][0] == '#')
            continue;
        c.line = csv.record_line;
        c.col = 0;
        for (int i = 0; i < M_COUNT; i++) {
            if (col[i] >= csv.nfields) {
                c.col = col[i] + 1;
                st = fail(&c, "missing field \"%s\"", mcols[i], NULL);
                goto done;
            }
            f[i] = csv.fields[col[i]];
        }
        if ((st = check_measure(&c, f, col)) != RTA_OK)
            goto done;
        int64_t rate = 0;
        rta__parse_percent(f[M_RATE], &rate);
        sqlite3_reset(ins);
        int k = 1;
        sqlite3_bind_text(ins, k++, f[M_ID], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, k++, seq++);
        sqlite3_bind_int64(ins, k++, c.line);
        sqlite3_bind_text(ins, k++, f[M_AUTH], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_HEADING], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_ORIGINS], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_PRODUCTS], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_EXCEPT], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, k++, rate);
        sqlite3_bind_text(ins, k++, f[M_METHOD], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_GROUP], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, k++, strtol(f[M_PRIORITY], NULL, 10));
        sqlite3_bind_text(ins, k++, f[M_CONDITION], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_BASE], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_EXCLUDED], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_FROM], -1, SQLITE_TRANSIENT);
        bind_opt(ins, k++, f[M_TO]);
        bind_opt(ins, k++, f[M_COLLECT]);
        bind_opt(ins, k++, f[M_TLOADED]);
        bind_opt(ins, k++, f[M_TENTERED]);
        sqlite3_bind_text(ins, k++, f[M_CERTAINTY], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_SOURCE], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, f[M_NOTE], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            c.col = col[M_ID] + 1;
            st = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY
                     ? fail(&c, "id \"%s\" is used twice", f[M_ID], NULL)
                     : rta__error(err, RTA_ERR_STORE, path, c.line, 0, "%s", sqlite3_errmsg(db));
            goto done;
        }
        (*count)++;
    }
    if (st != RTA_OK)
        goto done;
    /* excluded_by ids must name measures, and the references form no cycle */
    {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT line, excluded_by FROM measure", -1, &q, NULL) !=
            SQLITE_OK) {
            st = rta__error(err, RTA_ERR_STORE, path, 0, 0, "%s", sqlite3_errmsg(db));
            goto done;
        }
        while (st == RTA_OK && sqlite3_step(q) == SQLITE_ROW) {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(q, 1));
            for (char *tok = strtok(buf, " "); tok && st == RTA_OK; tok = strtok(NULL, " ")) {
                if (strcmp(tok, "s232") == 0)
                    continue;
                sqlite3_stmt *e;
                int found = 0;
                if (sqlite3_prepare_v2(db, "SELECT 1 FROM measure WHERE id = ?", -1, &e, NULL) ==
                    SQLITE_OK) {
                    sqlite3_bind_text(e, 1, tok, -1, SQLITE_STATIC);
                    found = sqlite3_step(e) == SQLITE_ROW;
                    sqlite3_finalize(e);
                }
                if (!found) {
                    c.line = sqlite3_column_int64(q, 0);
                    c.col = col[M_EXCLUDED] + 1;
                    st = fail(&c, "excluded_by names \"%s\", which is no measure id", tok, NULL);
                }
            }
        }
        sqlite3_finalize(q);
    }
    if (st == RTA_OK)
        st = check_no_cycle(&c, col[M_EXCLUDED] + 1);
done:
    sqlite3_finalize(ins);
    rta__csv_free(&csv);
    free(text);
    return st;
}

/* ---- fees.csv: fee,rate,min_usd,max_usd,modes,from,to,source ---- */

static rta_status import_fees(sqlite3 *db, const char *data_dir, rta_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/measures/fees.csv", data_dir);
    char *text = NULL;
    size_t len;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    ctx c = {db, path, 0, 0, err};
    rta__csv csv;
    rta__csv_init(&csv, text, len, path);
    sqlite3_stmt *ins = NULL;
    static const char *const cols[] = {"fee",   "rate", "min_usd", "max_usd",
                                       "modes", "from", "to",      "source"};
    int got, col[8];
    if ((st = read_header(&c, &csv, cols, 8, col)) != RTA_OK)
        goto done;
    if (sqlite3_prepare_v2(db, "INSERT INTO fee VALUES(NULL,?,?,?,?,?,?,?,?)", -1, &ins, NULL) !=
        SQLITE_OK) {
        st = rta__error(err, RTA_ERR_STORE, path, 0, 0, "%s", sqlite3_errmsg(db));
        goto done;
    }
    for (;;) {
        if ((st = rta__csv_next(&csv, &got, err)) != RTA_OK || !got)
            break;
        if (csv.fields[0][0] == '#')
            continue;
        c.line = csv.record_line;
        const char *f[8];
        for (int i = 0; i < 8; i++)
            f[i] = col[i] < csv.nfields ? csv.fields[col[i]] : "";
        int64_t rate, mn = -1, mx = -1;
        c.col = col[0] + 1;
        if (strcmp(f[0], "mpf") != 0 && strcmp(f[0], "hmf") != 0) {
            st = fail(&c, "fee \"%s\" is not mpf or hmf", f[0], NULL);
            break;
        }
        c.col = col[1] + 1;
        if (rta__parse_percent(f[1], &rate) != 0) {
            st = fail(&c, "rate \"%s\" is not a percent", f[1], NULL);
            break;
        }
        c.col = col[2] + 1;
        if (f[2][0] && rta__parse_usd_cents(f[2], &mn) != 0) {
            st = fail(&c, "min_usd \"%s\" is not an amount like 33.58", f[2], NULL);
            break;
        }
        c.col = col[3] + 1;
        if (f[3][0] && rta__parse_usd_cents(f[3], &mx) != 0) {
            st = fail(&c, "max_usd \"%s\" is not an amount like 651.50", f[3], NULL);
            break;
        }
        c.col = col[4] + 1;
        {
            /* modes: ocean, air, other (the engine charges a fee only on these) */
            char modes[64];
            snprintf(modes, sizeof modes, "%s", f[4]);
            int nmodes = 0;
            for (char *save = NULL, *t = strtok_r(modes, " ", &save); t;
                 t = strtok_r(NULL, " ", &save)) {
                if (strcmp(t, "ocean") != 0 && strcmp(t, "air") != 0 && strcmp(t, "other") != 0) {
                    st = fail(&c, "modes: \"%s\" is not ocean, air or other", t, NULL);
                    break;
                }
                nmodes++;
            }
            if (st == RTA_OK && nmodes == 0)
                st = fail(&c, "modes is empty (ocean, air, other)", NULL, NULL);
            if (st != RTA_OK)
                break;
        }
        c.col = col[5] + 1;
        if ((st = date_or_empty(&c, "from", f[5], 1)) != RTA_OK)
            break;
        c.col = col[6] + 1;
        if ((st = date_or_empty(&c, "to", f[6], 0)) != RTA_OK)
            break;
        c.col = col[7] + 1;
        if (f[7][0] == '\0') {
            st = fail(&c, "source is required", NULL, NULL);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, f[0], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, rate);
        if (mn >= 0)
            sqlite3_bind_int64(ins, 3, mn);
        else
            sqlite3_bind_null(ins, 3);
        if (mx >= 0)
            sqlite3_bind_int64(ins, 4, mx);
        else
            sqlite3_bind_null(ins, 4);
        sqlite3_bind_text(ins, 5, f[4], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 6, f[5], -1, SQLITE_TRANSIENT);
        bind_opt(ins, 7, f[6]);
        sqlite3_bind_text(ins, 8, f[7], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = rta__error(err, RTA_ERR_STORE, path, c.line, 0, "%s", sqlite3_errmsg(db));
            break;
        }
    }
done:
    sqlite3_finalize(ins);
    rta__csv_free(&csv);
    free(text);
    return st;
}

rta_status rta__import_measures(sqlite3 *db, const char *data_dir, long *measures,
                                long *list_entries, rta_error *err)
{
    *measures = 0;
    *list_entries = 0;
    rta_status st = import_lists(db, data_dir, list_entries, err);
    if (st == RTA_OK)
        st = import_measure_rows(db, data_dir, measures, err);
    if (st == RTA_OK)
        st = import_fees(db, data_dir, err);
    return st;
}

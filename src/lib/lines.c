/*
 * lines.c - reader and writer of negotiating line files (rta/lines.h).
 *
 * Why: a line file is what a delegation hands over across the table, so it
 * is checked completely before anything uses it: every row is validated
 * (code, range, treatment, value range for that treatment, staging) and the
 * first fault names file, line and column; on a fault nothing is returned,
 * so a store write built on top of it stays all-or-nothing. Values are exact
 * fixed-point (percent * 10^6); no floating point touches them.
 */
#include "rta/lines.h"

#include "csv.h"
#include "internal.h"
#include "measure_internal.h"
#include "rta/code.h"

#include <stdlib.h>
#include <string.h>

#define MILLION     INT64_C(1000000)
#define MAX_PERCENT (1000 * MILLION)
#define MAX_STAGING 30

static const char *const treatment_names[] = {"rate", "cap", "cut", "swiss", "exempt"};

const char *rta_treatment_name(rta_treatment t)
{
    if ((int)t < 0 || (int)t > (int)RTA_TREAT_EXEMPT)
        return "?";
    return treatment_names[t];
}

int rta_treatment_parse(const char *name, rta_treatment *out)
{
    for (int i = 0; i <= (int)RTA_TREAT_EXEMPT; i++)
        if (strcmp(name, treatment_names[i]) == 0) {
            *out = (rta_treatment)i;
            return 0;
        }
    return -1;
}

void rta_lines_free(rta_lines *lines)
{
    if (!lines)
        return;
    for (size_t i = 0; i < lines->count; i++)
        free(lines->items[i].description);
    free(lines->items);
    lines->items = NULL;
    lines->count = 0;
}

/* Copies text without leading/trailing spaces and tabs into a fresh string. */
static char *trimmed_dup(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* Trims in place (the CSV scratch buffer is ours to modify). */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Parses "6109.10" or "6101-6117" into line->code / line->code_to. */
static rta_status parse_scope(char *text, rta_line *line, const char *input, long ln, long col,
                              rta_error *err)
{
    char *dash = strchr(text, '-');
    char *to = NULL;
    if (dash) {
        *dash = '\0';
        to = dash + 1;
    }
    rta_code a, b;
    rta_error cerr;
    if (text[0] == '\0' || rta_code_parse(text, &a, &cerr) != RTA_OK)
        return rta__error(err, RTA_ERR_PARSE, input, ln, col,
                          "code \"%s\" is not an HS/HTS code of 2, 4, 6, 8 or 10 digits%s%s", text,
                          text[0] ? ": " : "", text[0] ? cerr.message : "");
    memcpy(line->code, a.digits, (size_t)a.len + 1);
    line->code_to[0] = '\0';
    if (to) {
        if (to[0] == '\0' || rta_code_parse(to, &b, &cerr) != RTA_OK)
            return rta__error(err, RTA_ERR_PARSE, input, ln, col,
                              "range end \"%s\" is not an HS/HTS code of 2, 4, 6, 8 or 10 digits",
                              to);
        if (b.len != a.len)
            return rta__error(err, RTA_ERR_PARSE, input, ln, col,
                              "range %s-%s: both ends must have the same number of digits",
                              a.digits, b.digits);
        if (strcmp(a.digits, b.digits) >= 0)
            return rta__error(err, RTA_ERR_PARSE, input, ln, col,
                              "range %s-%s: the first code must be below the second", a.digits,
                              b.digits);
        memcpy(line->code_to, b.digits, (size_t)b.len + 1);
    }
    return RTA_OK;
}

static int digits_only(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int is_code_digits(const char *s)
{
    size_t n = strlen(s);
    return digits_only(s, 10) && n >= 2 && n % 2 == 0;
}

rta_status rta_line_validate(const rta_line *line, const char *input, long ln, rta_error *err)
{
    if (!is_code_digits(line->code))
        return rta__error(err, RTA_ERR_INVALID, input, ln, 1,
                          "code \"%s\" is not 2, 4, 6, 8 or 10 digits", line->code);
    if (line->code_to[0] != '\0' &&
        (!is_code_digits(line->code_to) || strlen(line->code_to) != strlen(line->code) ||
         strcmp(line->code, line->code_to) >= 0))
        return rta__error(err, RTA_ERR_INVALID, input, ln, 1,
                          "range %s-%s must join two codes of one length, in order", line->code,
                          line->code_to);
    int64_t v = line->value_millionths;
    switch (line->treatment) {
    case RTA_TREAT_RATE:
    case RTA_TREAT_CAP:
        if (v < 0 || v > MAX_PERCENT)
            return rta__error(err, RTA_ERR_RANGE, input, ln, 3,
                              "%s value must be a percent from 0 to 1000",
                              rta_treatment_name(line->treatment));
        break;
    case RTA_TREAT_CUT:
        if (v < 0 || v > 100 * MILLION)
            return rta__error(err, RTA_ERR_RANGE, input, ln, 3,
                              "cut value must be a percent from 0 to 100");
        break;
    case RTA_TREAT_SWISS:
        if (v <= 0 || v > MAX_PERCENT)
            return rta__error(err, RTA_ERR_RANGE, input, ln, 3,
                              "swiss coefficient must be above 0 and at most 1000");
        break;
    case RTA_TREAT_EXEMPT:
        if (v != 0)
            return rta__error(err, RTA_ERR_RANGE, input, ln, 3,
                              "exempt takes no value (leave it empty or 0)");
        break;
    default:
        return rta__error(err, RTA_ERR_INVALID, input, ln, 2, "unknown treatment %d",
                          (int)line->treatment);
    }
    if (line->staging_years < 0 || line->staging_years > MAX_STAGING)
        return rta__error(err, RTA_ERR_RANGE, input, ln, 4,
                          "staging_years must be a whole number from 0 to %d", MAX_STAGING);
    return RTA_OK;
}

enum { F_CODE, F_TREAT, F_VALUE, F_STAGING, F_DESC, F_COUNT };
static const char *const field_names[F_COUNT] = {"code", "treatment", "value", "staging_years",
                                                 "description"};

/* Parses one data record into *line (description left NULL; the caller owns it). */
static rta_status parse_row(rta__csv *c, const int *col, rta_line *line, const char *input,
                            rta_error *err)
{
    long ln = c->record_line;
    memset(line, 0, sizeof *line);
    line->source_line = ln;
    char *f[F_COUNT] = {0};
    for (int k = 0; k < F_COUNT; k++)
        f[k] = col[k] >= 0 ? trim(c->fields[col[k]]) : (char *)"";

    rta_status st = parse_scope(f[F_CODE], line, input, ln, col[F_CODE] + 1, err);
    if (st != RTA_OK)
        return st;

    if (rta_treatment_parse(f[F_TREAT], &line->treatment) != 0)
        return rta__error(err, RTA_ERR_PARSE, input, ln, col[F_TREAT] + 1,
                          "treatment \"%s\" is not one of rate, cap, cut, swiss, exempt",
                          f[F_TREAT]);

    const char *v = f[F_VALUE];
    if (line->treatment == RTA_TREAT_EXEMPT && v[0] == '\0') {
        line->value_millionths = 0;
    } else if (v[0] == '\0') {
        return rta__error(err, RTA_ERR_PARSE, input, ln, col[F_VALUE] + 1,
                          "value is required for treatment %s", f[F_TREAT]);
    } else {
        const char *num = v;
        size_t n = strlen(num);
        char tmp[64];
        /* tolerate a trailing % on percents ("20%") */
        if (n > 0 && n < sizeof tmp && num[n - 1] == '%' && line->treatment != RTA_TREAT_SWISS) {
            memcpy(tmp, num, n - 1);
            tmp[n - 1] = '\0';
            num = tmp;
        }
        int64_t m;
        if (rta__parse_fixed(num, 4, 6, &m) != 0)
            return rta__error(err, RTA_ERR_PARSE, input, ln, col[F_VALUE] + 1,
                              "value \"%s\" is not a non-negative decimal below 10000 with at "
                              "most 6 decimals",
                              v);
        line->value_millionths = m;
    }

    const char *s = f[F_STAGING];
    if (s[0] != '\0') {
        if (!digits_only(s, 2))
            return rta__error(err, RTA_ERR_PARSE, input, ln, col[F_STAGING] + 1,
                              "staging_years \"%s\" is not a whole number from 0 to %d", s,
                              MAX_STAGING);
        line->staging_years = atoi(s);
    }
    rta_error verr;
    if (rta_line_validate(line, input, ln, &verr) != RTA_OK) {
        /* re-locate on the CSV column of the faulty field */
        long column = verr.column;
        if (column == 1)
            column = col[F_CODE] + 1;
        else if (column == 2)
            column = col[F_TREAT] + 1;
        else if (column == 3)
            column = col[F_VALUE] + 1;
        else if (column == 4)
            column = col[F_STAGING] + 1;
        if (verr.column == 3)
            return rta__error(err, RTA_ERR_PARSE, input, ln, column, "%s, got \"%s\"", verr.message,
                              v);
        return rta__error(err, RTA_ERR_PARSE, input, ln, column, "%s", verr.message);
    }
    line->description = trimmed_dup(f[F_DESC]);
    if (!line->description)
        return rta__error(err, RTA_ERR_NOMEM, input, ln, 0, "out of memory");
    return RTA_OK;
}

static int same_scope(const rta_line *a, const rta_line *b)
{
    return strcmp(a->code, b->code) == 0 && strcmp(a->code_to, b->code_to) == 0;
}

rta_status rta_lines_parse(const char *name, const char *text, size_t len, rta_lines *out,
                           rta_error *err)
{
    rta_lines res = {0};
    rta__csv c;
    rta_status st = RTA_OK;
    int got = 0;
    size_t cap = 0;
    if (out) {
        out->items = NULL;
        out->count = 0;
    }
    if (!name)
        name = "<lines>";
    if (!text || !out)
        return rta__error(err, RTA_ERR_INVALID, name, 0, 0, "no input");
    rta__csv_init(&c, text, len, name);
    /* leading comment lines ("# source: ...") say where a list comes from */
    while (c.p < c.end && *c.p == '#') {
        while (c.p < c.end && *c.p != '\n')
            c.p++;
        if (c.p < c.end) {
            c.p++;
            c.line++;
        }
    }
    st = rta__csv_next(&c, &got, err);
    if (st != RTA_OK)
        goto fail;
    if (!got) {
        st = rta__error(err, RTA_ERR_PARSE, name, 1, 0,
                        "empty file: expected the header code,treatment,value[,staging_years,"
                        "description]");
        goto fail;
    }
    int col[F_COUNT];
    int header_fields = c.nfields;
    for (int k = 0; k < F_COUNT; k++) {
        col[k] = rta__csv_find(&c, field_names[k]);
        if (col[k] >= 0) {
            /* a column named twice is ambiguous */
            for (int i = col[k] + 1; i < c.nfields; i++) {
                char *h = trim(c.fields[i]);
                if (strcmp(h, field_names[k]) == 0) {
                    st = rta__error(err, RTA_ERR_PARSE, name, c.record_line, i + 1,
                                    "column \"%s\" appears twice in the header", field_names[k]);
                    goto fail;
                }
            }
        }
    }
    /* every other column must be one of the export's (`rta list export`): a
     * misspelt "staging" would otherwise be dropped and the cut applied at once */
    static const char *const export_only[] = {"base_rate", "offered_rate", "base_source"};
    for (int i = 0; i < c.nfields; i++) {
        const char *h = trim(c.fields[i]);
        int known = 0;
        for (int k = 0; k < F_COUNT && !known; k++)
            known = strcmp(h, field_names[k]) == 0;
        for (size_t k = 0; k < sizeof export_only / sizeof export_only[0] && !known; k++)
            known = strcmp(h, export_only[k]) == 0;
        if (!known) {
            st = rta__error(err, RTA_ERR_PARSE, name, c.record_line, i + 1,
                            "unknown column \"%.60s\" (columns: code,treatment,value,"
                            "staging_years,description; an export's base_rate,offered_rate,"
                            "base_source are read and ignored)",
                            h);
            goto fail;
        }
    }
    for (int k = 0; k <= F_VALUE; k++)
        if (col[k] < 0) {
            st = rta__error(err, RTA_ERR_PARSE, name, c.record_line, 0,
                            "header has no \"%s\" column (expected code,treatment,value"
                            "[,staging_years,description])",
                            field_names[k]);
            goto fail;
        }
    for (;;) {
        st = rta__csv_next(&c, &got, err);
        if (st != RTA_OK)
            goto fail;
        if (!got)
            break;
        if (c.nfields != header_fields) {
            st = rta__error(err, RTA_ERR_PARSE, name, c.record_line,
                            c.nfields < header_fields ? c.nfields : header_fields + 1,
                            "row has %d fields, the header has %d", c.nfields, header_fields);
            goto fail;
        }
        if (res.count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            rta_line *p = realloc(res.items, ncap * sizeof *p);
            if (!p) {
                st = rta__error(err, RTA_ERR_NOMEM, name, c.record_line, 0, "out of memory");
                goto fail;
            }
            res.items = p;
            cap = ncap;
        }
        rta_line *line = &res.items[res.count];
        st = parse_row(&c, col, line, name, err);
        if (st != RTA_OK) {
            free(line->description);
            goto fail;
        }
        res.count++;
        for (size_t i = 0; i + 1 < res.count; i++)
            if (same_scope(&res.items[i], line)) {
                char scope[24];
                st = rta__error(err, RTA_ERR_PARSE, name, c.record_line, col[F_CODE] + 1,
                                "code %s already has a line (line %ld)",
                                rta_line_scope_format(line, scope, sizeof scope),
                                res.items[i].source_line);
                goto fail;
            }
    }
    rta__csv_free(&c);
    *out = res;
    return RTA_OK;
fail:
    rta__csv_free(&c);
    rta_lines_free(&res);
    return st;
}

rta_status rta_lines_read(const char *path, rta_lines *out, rta_error *err)
{
    if (out) {
        out->items = NULL;
        out->count = 0;
    }
    char *text = NULL;
    size_t len = 0;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    st = rta_lines_parse(path, text, len, out, err);
    free(text);
    return st;
}

char *rta_line_value_format(const rta_line *line, char *buf, size_t size)
{
    int64_t v = line->value_millionths;
    int neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t whole = u / 1000000u, frac = u % 1000000u;
    if (frac == 0) {
        snprintf(buf, size, "%s%llu", neg ? "-" : "", (unsigned long long)whole);
        return buf;
    }
    char f[8];
    snprintf(f, sizeof f, "%06llu", (unsigned long long)frac);
    size_t n = 6;
    while (n > 0 && f[n - 1] == '0')
        f[--n] = '\0';
    snprintf(buf, size, "%s%llu.%s", neg ? "-" : "", (unsigned long long)whole, f);
    return buf;
}

char *rta_line_scope_format(const rta_line *line, char *buf, size_t size)
{
    if (line->code_to[0])
        snprintf(buf, size, "%s-%s", line->code, line->code_to);
    else
        snprintf(buf, size, "%s", line->code);
    return buf;
}

static int needs_quotes(const char *s)
{
    if (s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' '))
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static int put_field(FILE *f, const char *s)
{
    if (!needs_quotes(s))
        return fputs(s, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF)
            return -1;
        if (fputc(*s, f) == EOF)
            return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

rta_status rta_lines_write(FILE *f, const rta_lines *lines, rta_error *err)
{
    if (!f || !lines)
        return rta__error(err, RTA_ERR_INVALID, "<lines>", 0, 0, "no output or no lines");
    if (fputs("code,treatment,value,staging_years,description\n", f) < 0)
        return rta__error(err, RTA_ERR_IO, "<output>", 0, 0, "write failed");
    for (size_t i = 0; i < lines->count; i++) {
        const rta_line *l = &lines->items[i];
        char scope[24], value[32];
        rta_line_scope_format(l, scope, sizeof scope);
        if (l->treatment == RTA_TREAT_EXEMPT && l->value_millionths == 0)
            value[0] = '\0';
        else
            rta_line_value_format(l, value, sizeof value);
        if (fprintf(f, "%s,%s,%s,%d,", scope, rta_treatment_name(l->treatment), value,
                    l->staging_years) < 0 ||
            put_field(f, l->description ? l->description : "") != 0 || fputc('\n', f) == EOF)
            return rta__error(err, RTA_ERR_IO, "<output>", (long)i + 2, 0, "write failed");
    }
    return RTA_OK;
}

int rta_line_covers(const rta_line *line, const char *digits)
{
    if (!line || !digits)
        return 0;
    size_t n = strlen(line->code);
    size_t d = strlen(digits);
    if (n == 0 || d < n)
        return 0;
    if (line->code_to[0] == '\0')
        return strncmp(digits, line->code, n) == 0;
    return strncmp(digits, line->code, n) >= 0 && strncmp(digits, line->code_to, n) <= 0;
}

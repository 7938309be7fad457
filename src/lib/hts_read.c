/*
 * hts_read.c - USITC JSON and CSV readers producing rta__hts_row.
 *
 * Why: see hts_read.h. Normalisation done here, once for both formats: codes
 * to digits (validated: a bad number is an error naming file and line, never a
 * skipped row), units to canonical names, text trimmed. Footnotes (JSON only)
 * are kept whole; the importer extracts their Chapter 99 references.
 */
#include "hts_read.h"

#include "csv.h"
#include "json.h"
#include "rta/code.h"
#include "rta/unit.h"

#include <stdlib.h>
#include <string.h>

/* Trims spaces and newlines in place at both ends; returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static rta_status parse_indent(const char *text, const char *path, long line, int *out,
                               rta_error *err)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 0 || v > 20)
        return rta__error(err, RTA_ERR_PARSE, path, line, 0, "indent \"%s\" is not a number 0-20",
                          text);
    *out = (int)v;
    return RTA_OK;
}

static rta_status normalise_code(const char *text, char *digits, const char *path, long line,
                                 rta_error *err)
{
    digits[0] = '\0';
    if (text[0] == '\0')
        return RTA_OK;
    rta_code c;
    rta_error cerr;
    if (rta_code_parse(text, &c, &cerr) != RTA_OK)
        return rta__error(err, RTA_ERR_PARSE, path, line, 0, "HTS number: %s", cerr.message);
    memcpy(digits, c.digits, (size_t)c.len + 1);
    return RTA_OK;
}

/* Appends one unit (normalised) to a JSON array under construction. */
static int add_unit(rta__buf *units, const char *raw, int *count)
{
    char norm[64];
    size_t n = rta_unit_normalize(raw, norm, sizeof norm);
    if (n == 0)
        return 0;
    if (*count > 0 && rta__buf_puts(units, ",") != 0)
        return -1;
    (*count)++;
    return rta__json_quote(units, norm);
}

/* ---------------------------------------------------------------- JSON */

typedef struct json_row_bufs {
    rta__buf key, val, htsno, indent, desc, units, general, special, other, quota, additional, foot,
        tmp, cols, ftype, fvalue;
} json_row_bufs;

static void bufs_free(json_row_bufs *b)
{
    rta__buf *all = (rta__buf *)b;
    for (size_t i = 0; i < sizeof *b / sizeof(rta__buf); i++)
        rta__buf_free(&all[i]);
}

static rta_status read_units_array(rta__json *j, json_row_bufs *b, rta_error *err)
{
    b->units.len = 0;
    rta__buf_puts(&b->units, "[");
    int count = 0;
    if (rta__json_peek(j) == 'n') {
        rta_status st = rta__json_skip(j, err);
        if (st == RTA_OK)
            rta__buf_puts(&b->units, "]");
        return st;
    }
    rta_status st = rta__json_expect(j, '[', err);
    if (st != RTA_OK)
        return st;
    int more;
    for (int first = 1;; first = 0) {
        if ((st = rta__json_array_next(j, first, &more, err)) != RTA_OK)
            return st;
        if (!more)
            break;
        if ((st = rta__json_string(j, &b->tmp, NULL, err)) != RTA_OK)
            return st;
        if (add_unit(&b->units, b->tmp.data, &count) != 0)
            return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    }
    rta__buf_puts(&b->units, "]");
    return RTA_OK;
}

static rta_status read_footnotes(rta__json *j, json_row_bufs *b, rta_error *err)
{
    b->foot.len = 0;
    rta__buf_puts(&b->foot, "");
    if (rta__json_peek(j) == 'n')
        return rta__json_skip(j, err);
    rta_status st = rta__json_expect(j, '[', err);
    if (st != RTA_OK)
        return st;
    int more, omore;
    for (int first = 1;; first = 0) {
        if ((st = rta__json_array_next(j, first, &more, err)) != RTA_OK)
            return st;
        if (!more)
            break;
        if ((st = rta__json_expect(j, '{', err)) != RTA_OK)
            return st;
        b->cols.len = 0;
        rta__buf_puts(&b->cols, "");
        b->ftype.len = 0;
        rta__buf_puts(&b->ftype, "");
        b->fvalue.len = 0;
        rta__buf_puts(&b->fvalue, "");
        for (int ofirst = 1;; ofirst = 0) {
            if ((st = rta__json_object_next(j, ofirst, &b->key, &omore, err)) != RTA_OK)
                return st;
            if (!omore)
                break;
            if (strcmp(b->key.data, "columns") == 0 && rta__json_peek(j) == '[') {
                rta__json_expect(j, '[', err);
                int cm;
                for (int cf = 1;; cf = 0) {
                    if ((st = rta__json_array_next(j, cf, &cm, err)) != RTA_OK)
                        return st;
                    if (!cm)
                        break;
                    if ((st = rta__json_string(j, &b->tmp, NULL, err)) != RTA_OK)
                        return st;
                    if (b->cols.len)
                        rta__buf_puts(&b->cols, ",");
                    rta__buf_puts(&b->cols, b->tmp.data);
                }
            } else if (strcmp(b->key.data, "type") == 0) {
                if ((st = rta__json_scalar(j, &b->ftype, NULL, err)) != RTA_OK)
                    return st;
            } else if (strcmp(b->key.data, "value") == 0) {
                if ((st = rta__json_scalar(j, &b->fvalue, NULL, err)) != RTA_OK)
                    return st;
            } else if ((st = rta__json_skip(j, err)) != RTA_OK) {
                return st;
            }
        }
        /* one footnote per line; tabs and newlines inside values become spaces */
        for (char *q = b->fvalue.data; *q; q++)
            if (*q == '\t' || *q == '\n' || *q == '\r')
                *q = ' ';
        if (rta__buf_printf(&b->foot, "%s\t%s\t%s\n", b->cols.data, b->ftype.data,
                            trim(b->fvalue.data)) != 0)
            return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    }
    return RTA_OK;
}

static long line_of(const char *pos, const char **last, long *last_line)
{
    long line = *last_line;
    for (const char *q = *last; q < pos; q++)
        if (*q == '\n')
            line++;
    *last = pos;
    *last_line = line;
    return line;
}

rta_status rta__hts_read_usitc_json(const char *path, rta__hts_row_fn fn, void *ctx, rta_error *err)
{
    char *text = NULL;
    size_t len = 0;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    rta__json j;
    rta__json_init(&j, text, len, path);
    json_row_bufs b;
    memset(&b, 0, sizeof b);
    const char *last = text;
    long last_line = 1;
    long index = 0;
    int more, omore;
    if ((st = rta__json_expect(&j, '[', err)) != RTA_OK)
        goto done;
    for (int first = 1;; first = 0) {
        if ((st = rta__json_array_next(&j, first, &more, err)) != RTA_OK)
            goto done;
        if (!more)
            break;
        rta__json_peek(&j);
        long line = line_of(j.p, &last, &last_line);
        if ((st = rta__json_expect(&j, '{', err)) != RTA_OK)
            goto done;
        rta__buf *fields[] = {&b.htsno,   &b.indent, &b.desc,  &b.general,
                              &b.special, &b.other,  &b.quota, &b.additional};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            fields[i]->len = 0;
            rta__buf_puts(fields[i], "");
        }
        b.units.len = 0;
        rta__buf_puts(&b.units, "[]");
        b.foot.len = 0;
        rta__buf_puts(&b.foot, "");
        int seen_htsno = 0, seen_indent = 0;
        for (int ofirst = 1;; ofirst = 0) {
            if ((st = rta__json_object_next(&j, ofirst, &b.key, &omore, err)) != RTA_OK)
                goto done;
            if (!omore)
                break;
            const char *k = b.key.data;
            rta__buf *target = NULL;
            if (strcmp(k, "htsno") == 0) {
                target = &b.htsno;
                seen_htsno = 1;
            } else if (strcmp(k, "indent") == 0) {
                target = &b.indent;
                seen_indent = 1;
            } else if (strcmp(k, "description") == 0)
                target = &b.desc;
            else if (strcmp(k, "general") == 0)
                target = &b.general;
            else if (strcmp(k, "special") == 0)
                target = &b.special;
            else if (strcmp(k, "other") == 0)
                target = &b.other;
            else if (strcmp(k, "quotaQuantity") == 0)
                target = &b.quota;
            else if (strcmp(k, "additionalDuties") == 0)
                target = &b.additional;
            if (target) {
                st = rta__json_scalar(&j, target, NULL, err);
            } else if (strcmp(k, "units") == 0) {
                st = read_units_array(&j, &b, err);
            } else if (strcmp(k, "footnotes") == 0) {
                st = read_footnotes(&j, &b, err);
            } else {
                st = rta__json_skip(&j, err); /* superior, addiitionalDuties, future fields */
            }
            if (st != RTA_OK)
                goto done;
        }
        if (!seen_htsno || !seen_indent) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, 0, "row %ld has no %s field", index + 1,
                            seen_htsno ? "indent" : "htsno");
            goto done;
        }
        char digits[16];
        if ((st = normalise_code(trim(b.htsno.data), digits, path, line, err)) != RTA_OK)
            goto done;
        rta__hts_row row = {0};
        row.code = digits;
        if ((st = parse_indent(trim(b.indent.data), path, line, &row.indent, err)) != RTA_OK)
            goto done;
        row.description = trim(b.desc.data);
        row.units = b.units.data;
        row.general = trim(b.general.data);
        row.special = trim(b.special.data);
        row.column2 = trim(b.other.data);
        row.quota = trim(b.quota.data);
        row.additional = trim(b.additional.data);
        row.footnotes = b.foot.data;
        row.line = line;
        row.index = index++;
        if ((st = fn(ctx, &row, err)) != RTA_OK)
            goto done;
    }
    if (rta__json_peek(&j) != 0)
        st = rta__json_fail(&j, err, "trailing data after the top-level array");
done:
    bufs_free(&b);
    free(text);
    return st;
}

/* ---------------------------------------------------------------- CSV */

static const char *const csv_columns[] = {"HTS Number",
                                          "Indent",
                                          "Description",
                                          "Unit of Quantity",
                                          "General Rate of Duty",
                                          "Special Rate of Duty",
                                          "Column 2 Rate of Duty",
                                          "Quota Quantity",
                                          "Additional Duties"};
enum { C_NUM, C_INDENT, C_DESC, C_UNITS, C_GENERAL, C_SPECIAL, C_COL2, C_QUOTA, C_ADD, C_COUNT };

/* The CSV's unit cell is JSON-ish: ["No."] or ["doz.","kg"] or empty. */
static rta_status csv_units(const char *cell, rta__buf *units, rta__buf *tmp, const char *path,
                            long line, rta_error *err)
{
    units->len = 0;
    rta__buf_puts(units, "[");
    int count = 0;
    const char *s = cell;
    while (*s == ' ')
        s++;
    if (*s != '\0') {
        rta__json j;
        rta__json_init(&j, s, strlen(s), path);
        rta_error jerr;
        rta_status st = rta__json_expect(&j, '[', &jerr);
        int more;
        for (int first = 1; st == RTA_OK; first = 0) {
            if ((st = rta__json_array_next(&j, first, &more, &jerr)) != RTA_OK || !more)
                break;
            if ((st = rta__json_string(&j, tmp, NULL, &jerr)) != RTA_OK)
                break;
            if (add_unit(units, tmp->data, &count) != 0)
                return rta__error(err, RTA_ERR_NOMEM, path, line, 0, "out of memory");
        }
        if (st != RTA_OK)
            return rta__error(err, RTA_ERR_PARSE, path, line, C_UNITS + 1,
                              "Unit of Quantity \"%s\" is not a list of units: %s", cell,
                              jerr.message);
    }
    rta__buf_puts(units, "]");
    return RTA_OK;
}

rta_status rta__hts_read_usitc_csv(const char *path, rta__hts_row_fn fn, void *ctx, rta_error *err)
{
    char *text = NULL;
    size_t len = 0;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    rta__csv c;
    rta__csv_init(&c, text, len, path);
    rta__buf units = {0}, tmp = {0};
    int got;
    int col[C_COUNT];
    if ((st = rta__csv_next(&c, &got, err)) != RTA_OK)
        goto done;
    if (!got) {
        st = rta__error(err, RTA_ERR_PARSE, path, 1, 0, "empty file: no header");
        goto done;
    }
    for (int i = 0; i < C_COUNT; i++) {
        col[i] = rta__csv_find(&c, csv_columns[i]);
        if (col[i] < 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, 1, 0, "header has no column \"%s\"",
                            csv_columns[i]);
            goto done;
        }
    }
    long index = 0;
    for (;;) {
        if ((st = rta__csv_next(&c, &got, err)) != RTA_OK)
            goto done;
        if (!got)
            break;
        long line = c.record_line;
        if (c.nfields < C_COUNT) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, 0, "row has %d fields, expected %d",
                            c.nfields, C_COUNT);
            goto done;
        }
        char digits[16];
        if ((st = normalise_code(trim(c.fields[col[C_NUM]]), digits, path, line, err)) != RTA_OK)
            goto done;
        rta__hts_row row = {0};
        row.code = digits;
        if ((st = parse_indent(trim(c.fields[col[C_INDENT]]), path, line, &row.indent, err)) !=
            RTA_OK)
            goto done;
        if ((st = csv_units(c.fields[col[C_UNITS]], &units, &tmp, path, line, err)) != RTA_OK)
            goto done;
        row.description = trim(c.fields[col[C_DESC]]);
        row.units = units.data;
        row.general = trim(c.fields[col[C_GENERAL]]);
        row.special = trim(c.fields[col[C_SPECIAL]]);
        row.column2 = trim(c.fields[col[C_COL2]]);
        row.quota = trim(c.fields[col[C_QUOTA]]);
        row.additional = trim(c.fields[col[C_ADD]]);
        row.footnotes = "";
        row.line = line;
        row.index = index++;
        if ((st = fn(ctx, &row, err)) != RTA_OK)
            goto done;
    }
done:
    rta__buf_free(&units);
    rta__buf_free(&tmp);
    rta__csv_free(&c);
    free(text);
    return st;
}

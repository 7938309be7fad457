/*
 * csv.c - RFC 4180 records from a buffer, with line numbers.
 *
 * Why: see csv.h. Fields are copied into one scratch buffer per record so
 * quoted fields can be unescaped in place without allocating per field.
 */
#include "csv.h"

#include <string.h>

void rta__csv_init(rta__csv *c, const char *text, size_t len, const char *input)
{
    memset(c, 0, sizeof *c);
    c->p = text;
    c->end = text + len;
    c->input = input;
    c->line = 1;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        c->p += 3;
}

void rta__csv_free(rta__csv *c)
{
    rta__buf_free(&c->scratch);
}

rta_status rta__csv_next(rta__csv *c, int *got, rta_error *err)
{
    *got = 0;
    /* skip blank lines */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
        return RTA_OK;
    c->record_line = c->line;
    c->scratch.len = 0;
    size_t offsets[RTA__CSV_MAX_FIELDS];
    int n = 0;
    for (;;) {
        if (n >= RTA__CSV_MAX_FIELDS)
            return rta__error(err, RTA_ERR_PARSE, c->input, c->record_line, n + 1,
                              "more than %d fields in a record", RTA__CSV_MAX_FIELDS);
        offsets[n++] = c->scratch.len;
        if (c->p < c->end && *c->p == '"') {
            long open_line = c->line;
            c->p++;
            for (;;) {
                const char *run = c->p;
                while (c->p < c->end && *c->p != '"') {
                    if (*c->p == '\n')
                        c->line++;
                    c->p++;
                }
                if (rta__buf_append(&c->scratch, run, (size_t)(c->p - run)) != 0)
                    return rta__error(err, RTA_ERR_NOMEM, c->input, c->record_line, n,
                                      "out of memory");
                if (c->p >= c->end)
                    return rta__error(err, RTA_ERR_PARSE, c->input, open_line, n,
                                      "unterminated quoted field");
                c->p++; /* the quote */
                if (c->p < c->end && *c->p == '"') {
                    if (rta__buf_append(&c->scratch, "\"", 1) != 0)
                        return rta__error(err, RTA_ERR_NOMEM, c->input, c->record_line, n,
                                          "out of memory");
                    c->p++;
                    continue;
                }
                break;
            }
            /* after a closing quote only a separator or end of line may follow */
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                return rta__error(err, RTA_ERR_PARSE, c->input, c->line, n,
                                  "unexpected character after closing quote");
        } else {
            const char *run = c->p;
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                c->p++;
            if (rta__buf_append(&c->scratch, run, (size_t)(c->p - run)) != 0)
                return rta__error(err, RTA_ERR_NOMEM, c->input, c->record_line, n, "out of memory");
        }
        if (rta__buf_append(&c->scratch, "", 1) != 0) /* field terminator */
            return rta__error(err, RTA_ERR_NOMEM, c->input, c->record_line, n, "out of memory");
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        /* end of record */
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
            c->line++;
        }
        break;
    }
    c->nfields = n;
    for (int i = 0; i < n; i++)
        c->fields[i] = c->scratch.data + offsets[i];
    *got = 1;
    return RTA_OK;
}

int rta__csv_find(const rta__csv *c, const char *name)
{
    for (int i = 0; i < c->nfields; i++) {
        const char *f = c->fields[i];
        while (*f == ' ')
            f++;
        size_t n = strlen(f);
        while (n > 0 && f[n - 1] == ' ')
            n--;
        if (strlen(name) == n && strncmp(f, name, n) == 0)
            return i;
    }
    return -1;
}

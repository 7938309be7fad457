/*
 * csv.h - an RFC 4180 record reader over an in-memory buffer (internal).
 *
 * Why: the bundled tables (USITC CSV export, HS 2022, country codes) are CSV
 * with quoted fields, doubled quotes, embedded newlines and a UTF-8 BOM. The
 * reader hands out one record at a time with the line it started on, so
 * every error can name file, line and field.
 */
#ifndef RTA_CSV_H
#define RTA_CSV_H

#include "internal.h"

#define RTA__CSV_MAX_FIELDS 64

typedef struct rta__csv {
    const char *p, *end;
    const char *input; /* name for errors (borrowed) */
    long line;         /* line where the next record starts */
    long record_line;  /* line where the current record started */
    int nfields;
    char *fields[RTA__CSV_MAX_FIELDS]; /* NUL-terminated, point into `scratch` */
    rta__buf scratch;
} rta__csv;

void rta__csv_init(rta__csv *c, const char *text, size_t len, const char *input);
void rta__csv_free(rta__csv *c);

/* Reads the next record. *got is 0 at the end of input. Blank lines are
 * skipped. Fails on an unterminated quote or more than RTA__CSV_MAX_FIELDS. */
rta_status rta__csv_next(rta__csv *c, int *got, rta_error *err);

/* Index of a header field by name (case-sensitive, trimmed), or -1. */
int rta__csv_find(const rta__csv *c, const char *name);

#endif

/*
 * hts_read.h - the two USITC export formats read into one row model (internal).
 *
 * Why: USITC publishes the HTS as JSON (every 2025-2026 revision bundled here)
 * and as CSV (the 2024 basic edition). Both are the same indented list of rows;
 * each reader hands the importer one normalised row at a time, in file order,
 * so that everything after reading (tree, inheritance, dedup, store) is one
 * code path.
 */
#ifndef RTA_HTS_READ_H
#define RTA_HTS_READ_H

#include "internal.h"

typedef struct rta__hts_row {
    const char *code;        /* digits only ("6109100012"), "" for a row without number */
    int indent;              /* 0 = heading level in USITC's indent */
    const char *description; /* as published, trimmed */
    const char *units;       /* JSON array of normalised unit names: ["doz.","kg"] */
    const char *general;     /* rate texts as published, trimmed */
    const char *special;
    const char *column2;
    const char *quota;
    const char *additional;
    const char *footnotes; /* canonical text: one footnote per line, "columns\ttype\tvalue" */
    long line;             /* 1-based line of the file where the row starts */
    long index;            /* 0-based position of the row in the file */
} rta__hts_row;

typedef rta_status (*rta__hts_row_fn)(void *ctx, const rta__hts_row *row, rta_error *err);

/* Reads a USITC JSON export (gzip or plain): a top-level array of objects. */
rta_status rta__hts_read_usitc_json(const char *path, rta__hts_row_fn fn, void *ctx,
                                    rta_error *err);

/* Reads a USITC CSV export (gzip or plain) with the header HTS Number,Indent,
 * Description,Unit of Quantity,General Rate of Duty,Special Rate of Duty,
 * Column 2 Rate of Duty,Quota Quantity,Additional Duties. */
rta_status rta__hts_read_usitc_csv(const char *path, rta__hts_row_fn fn, void *ctx, rta_error *err);

#endif

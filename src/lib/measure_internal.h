/*
 * measure_internal.h - import of data/measures/ into the store (internal).
 *
 * Why: the dated measures are data a broker edits; the import checks every
 * row (columns, dates, rates, origins, product selectors, references to lists
 * and to other measures) and names file, line and field on the first fault,
 * inside the store's import transaction, so a bad row loses nothing.
 */
#ifndef RTA_MEASURE_INTERNAL_H
#define RTA_MEASURE_INTERNAL_H

#include "internal.h"

#include <sqlite3.h>

/* Imports data_dir/measures/ (lists, measures.csv, fees.csv) into the
 * tables measure, product_list and fee (already emptied by the caller). */
rta_status rta__import_measures(sqlite3 *db, const char *data_dir, long *measures,
                                long *list_entries, rta_error *err);

/* Parses an unsigned decimal with at most max_digits before the point and
 * `decimals` after it into an integer scaled by 10^decimals ("12.5", 3 ->
 * 12500). Returns 0 on success, -1 on anything else. */
int rta__parse_fixed(const char *text, int max_digits, int decimals, int64_t *out);

/* Parses a decimal percent ("12.5", "0.3464") into millionths (125000, 3464).
 * At most 4 decimals; 0 <= value <= 1000%. Returns 0 on success. */
int rta__parse_percent(const char *text, int64_t *millionths);

/* Parses a decimal dollar amount ("651.50") into cents. Returns 0 on success. */
int rta__parse_usd_cents(const char *text, int64_t *cents);

#endif

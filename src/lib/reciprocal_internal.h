/*
 * reciprocal_internal.h - import of the trade data behind the reciprocal
 * formula and the balances (internal).
 *
 * Why: the partner names of the Census table and of Annex I are spelled in
 * several ways; data/reciprocal/partner_names.csv maps each spelling to one
 * ISO code and one Census code, by hand. The import checks every row against
 * that table and the country tables, names file, line and field on the first
 * fault, and runs inside the store's import transaction.
 */
#ifndef RTA_RECIPROCAL_INTERNAL_H
#define RTA_RECIPROCAL_INTERNAL_H

#include "internal.h"

#include <sqlite3.h>

/* Imports data_dir/reciprocal/ and data_dir/trade/us_imports_2024_hs10_*.csv.gz
 * into partner_name, trade_partner, annex_rate, partner_import and
 * hs10_description (already emptied by the caller). Needs the country tables. */
rta_status rta__import_reciprocal(sqlite3 *db, const char *data_dir, rta_error *err);

#endif

/*
 * rta/balance.h - the US goods balance with a partner and what the US imports
 * from it, by product.
 *
 * Why: "where is the deficit?" has two halves. The balance itself comes from
 * the Census 2024 partner table (rta/reciprocal.h: exports, imports, balance,
 * total trade). The import side can be opened by product from the Census
 * HS10 detail (imports for consumption and the duty Census calculated), and
 * summed to HS 2022 chapters, headings, subheadings or sections. The export
 * side cannot: the bundled data carry US exports to a partner only as a
 * total, and every output says so rather than inventing a split.
 *
 * The HS10 detail is imports for consumption; the partner table is general
 * imports (customs basis). The two totals differ (Viet Nam 2024: 141,361.2
 * vs 136,561.2 $ million) and are never mixed in one ratio.
 */
#ifndef RTA_BALANCE_H
#define RTA_BALANCE_H

#include "rta/reciprocal.h"
#include "rta/snapshot.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rta_balance {
    int64_t exports_cmusd; /* hundredths of $ million (see rta/reciprocal.h) */
    int64_t imports_cmusd;
    int64_t balance_cmusd; /* exports - imports */
    int64_t total_cmusd;   /* exports + imports */
    int reliable;          /* the source's flag, copied */
} rta_balance;

/* The 2024 goods balance of a partner. The balance is recomputed from the
 * exact figures (the published one may differ by rounding). */
void rta_balance_of(const rta_partner *partner, rta_balance *out);

typedef enum rta_by {
    RTA_BY_SECTION = 0, /* HS 2022 section of the chapter ("XI") */
    RTA_BY_CHAPTER,     /* 2 digits */
    RTA_BY_HEADING,     /* 4 digits */
    RTA_BY_HS6,         /* 6 digits */
    RTA_BY_HS10,        /* the statistical line itself */
} rta_by;

/* "section", "chapter", "heading", "hs6", "hs10". */
const char *rta_by_name(rta_by by);

/* Parses a level name; 0 on success, -1 if unknown. */
int rta_by_parse(const char *text, rta_by *out);

typedef struct rta_composition_row {
    char key[16];                /* "XI", "61", "6109", "610910", "6109100012"; "-" no HS section */
    const char *description;     /* owned by the composition; "" if unknown */
    int64_t imports_usd;         /* imports for consumption, dollars */
    int64_t duty_usd;            /* Census calculated duty, dollars */
    long lines;                  /* HS10 lines summed */
    int64_t share_millionths;    /* imports / total imports, half up (1% = 10000) */
    int64_t avg_duty_millionths; /* duty / imports (duty actually paid), half up */
} rta_composition_row;

typedef struct rta_composition {
    int census_code;
    int year;
    rta_by by;
    int64_t total_imports_usd;
    int64_t total_duty_usd;
    int64_t avg_duty_millionths;
    long hs10_lines;
    long nrows;
    rta_composition_row *rows; /* largest imports first, then by key */
} rta_composition;

/* Sums the HS10 imports from the partner with Census code census_code to the
 * level `by`; descriptions and sections come from the snapshot's HS 2022
 * table (chapters 98 and 99 are US-only: section "-"), HS10 texts from the
 * Census file. RTA_ERR_NOT_FOUND if the store holds no HS10 detail for the
 * partner. Free with rta_composition_free. */
rta_status rta_composition_build(rta_store *store, const rta_snapshot *snap, int census_code,
                                 rta_by by, rta_composition **out, rta_error *err);

/* Frees a composition; NULL is allowed. */
void rta_composition_free(rta_composition *composition);

/* A bar chart of the first `top` rows (0 = all; the rest are summed into one
 * "other" bar) as a self-contained SVG 1.1 document: one bar per row (class
 * "bar") with its dollar value and share, title naming the partner, its
 * balance, axis in US$ billion, the export-side caveat and the source line.
 * *out is malloc'ed (free with free()). */
rta_status rta_composition_svg(const rta_composition *composition, const rta_partner *partner,
                               long top, char **out, rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

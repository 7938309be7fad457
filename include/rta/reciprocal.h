/*
 * rta/reciprocal.h - US goods trade by partner and the USTR reciprocal formula.
 *
 * Why: the "reciprocal" rates of EO 14257 (2 April 2025) were computed from
 * one line of arithmetic over the 2024 Census goods trade of each partner:
 *
 *     rate = (m - x) / (epsilon * phi * m)   when m > x (a US deficit), else 0
 *     applied = max(floor, round(rate * halve))
 *
 * with m the US imports from the partner (customs basis), x the US exports to
 * it, epsilon = 4 (import demand elasticity), phi = 0.25 (pass-through),
 * halve = 0.5, floor = 10% and rounding up (ceil). Every parameter is an
 * input here, so a critic's phi = 0.945 is one flag away. The published
 * Annex I rates (as the White House printed them and as HTS Chapter 99
 * implemented them) are kept beside each partner so a result can be checked
 * against them, and every disagreement carries the reason rta can see.
 *
 * Money: the Census publishes $ million with one or two decimals; rta keeps
 * them exact as integer hundredths of a million dollars ("cmusd", $10,000
 * units: 13,098.2 -> 1309820). The formula itself uses double (it is a ratio
 * and a policy choice of rounding, not a duty owed); results are printed with
 * fixed decimals and compared with the published rates as integers.
 */
#ifndef RTA_RECIPROCAL_H
#define RTA_RECIPROCAL_H

#include "rta/error.h"
#include "rta/store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One trade partner of the US in the Census 2024 goods table. All strings are
 * borrowed from the rta_partners that holds the partner. */
typedef struct rta_partner {
    const char *name;        /* display name ("Vietnam", "Korea, South", "European Union") */
    const char *source_name; /* spelling in the Census file ("Korea, South*") */
    char iso2[3];            /* ISO 3166-1 alpha-2; pseudo "EU" for the EU, "XK" for Kosovo */
    char iso3[4];            /* ISO alpha-3 ("" for the EU and Kosovo) */
    int census_code;         /* Census Schedule C code; 3 (printed 0003) for the EU */
    int year;                /* 2024 */
    int64_t exports_cmusd;   /* US exports to the partner, hundredths of $ million */
    int64_t imports_cmusd;   /* US imports from the partner (customs basis), same unit */
    int64_t balance_cmusd;   /* as published (exports - imports, within rounding) */
    int reliable;            /* 0 when the source flagged the row "(-)": figures unreliable */
    const char *note;        /* the source's note ("" if none) */
    int in_annex;            /* 1 if EO 14257 Annex I names the partner */
    const char *annex_name;  /* spelling in Annex I ("" if not in it) */
    int published_pct;       /* Annex I as published by the White House, 2 April 2025; -1 */
    int hts_pct;             /* Annex I as implemented in HTS Chapter 99; -1 */
    const char *hts_heading; /* "9903.01.72" ("" if none) */
} rta_partner;

/* The partners of a store, ordered by display name. */
typedef struct rta_partners rta_partners;

/* Loads every partner from the store (tables trade_partner, annex_rate).
 * Free with rta_partners_free. */
rta_status rta_partners_load(rta_store *store, rta_partners **out, rta_error *err);

/* Frees the partners; NULL is allowed. Every borrowed pointer dies. */
void rta_partners_free(rta_partners *partners);

/* Number of partners, and partner i (0-based; NULL if out of range). */
long rta_partners_count(const rta_partners *partners);
const rta_partner *rta_partners_at(const rta_partners *partners, long i);

/* Finds a partner by ISO alpha-2 ("VN", any case), alpha-3 ("VNM"), Census
 * code ("5520", "0003"), "EU", or name as printed or as in the source
 * ("Vietnam"). RTA_ERR_NOT_FOUND if nothing matches; RTA_ERR_INVALID if the
 * key names two partners (ISO "PS": the Gaza Strip and the West Bank are two
 * Census partners; use the Census code). err->input is "<partner>". */
rta_status rta_partners_find(const rta_partners *partners, const char *key, const rta_partner **out,
                             rta_error *err);

/* Formats hundredths of $ million as "-123463.00" into buf; returns buf. */
char *rta_musd_format(int64_t cmusd, char *buf, size_t size);

typedef enum rta_rounding {
    RTA_ROUND_CEIL = 0, /* up: the rule of April 2025 */
    RTA_ROUND_NEAREST,  /* half up */
    RTA_ROUND_FLOOR,    /* down */
} rta_rounding;

/* "ceil", "nearest", "floor". */
const char *rta_rounding_name(rta_rounding r);

/* Parses a rounding name; 0 on success, -1 if unknown. */
int rta_rounding_parse(const char *text, rta_rounding *out);

typedef struct rta_reciprocal_params {
    double epsilon;        /* import demand elasticity, 4 */
    double phi;            /* pass-through of tariffs to import prices, 0.25 */
    double halve;          /* factor applied to the computed rate, 0.5 */
    int floor_pct;         /* minimum applied rate in percent, 10 */
    rta_rounding rounding; /* of computed x halve to a whole percent, ceil */
} rta_reciprocal_params;

/* The parameters of April 2025: 4, 0.25, 0.5, 10, ceil. */
void rta_reciprocal_defaults(rta_reciprocal_params *params);

/* RTA_ERR_RANGE unless epsilon, phi and halve are finite and in (0, 100] and
 * floor_pct is in [0, 1000]; err->input names the parameter ("--phi"). */
rta_status rta_reciprocal_check(const rta_reciprocal_params *params, rta_error *err);

typedef struct rta_reciprocal_result {
    const rta_partner *partner; /* borrowed */
    int deficit;                /* 1 if m > x */
    double computed_pct;        /* (m - x) / (epsilon * phi * m) in percent; 0 without deficit */
    int applied_pct;            /* max(floor, rounding(computed * halve)) */
    int published_pct;          /* from the partner (Annex I, White House); -1 if none */
    int hts_pct;                /* from the partner (HTS Chapter 99); -1 if none */
    int match;                  /* 1 applied == published, 0 differs, -1 not in Annex I */
    int counted;                /* 1 if in Annex I with reliable figures (the match base) */
    char reason[320];           /* why a mismatch (or a note on a match); "" if none */
} rta_reciprocal_result;

/* Applies the formula to one partner. RTA_ERR_RANGE for bad parameters. */
rta_status rta_reciprocal_compute(const rta_partner *partner, const rta_reciprocal_params *params,
                                  rta_reciprocal_result *out, rta_error *err);

typedef struct rta_reciprocal_summary {
    int annex;      /* results naming an Annex I partner */
    int reliable;   /* of those, with reliable Census figures (counted) */
    int matches;    /* counted results whose applied rate equals the published one */
    int unreliable; /* Annex I partners whose figures the source flagged */
} rta_reciprocal_summary;

/* Counts over n results. */
void rta_reciprocal_summarize(const rta_reciprocal_result *results, long n,
                              rta_reciprocal_summary *out);

/* The ranked bar chart of n results as a self-contained SVG 1.1 document:
 * one bar per result (class "bar", rta's applied rate, ranked highest first)
 * and a marker for the published Annex I rate where there is one; title,
 * axis in percent, parameters and source line. *out is malloc'ed,
 * NUL-terminated (free with free()). */
rta_status rta_reciprocal_svg(const rta_reciprocal_result *results, long n,
                              const rta_reciprocal_params *params, char **out, rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

/*
 * rta/nomenclature.h - HS 2022 descriptions and the country tables.
 *
 * Why: a code typed by a user is first an HS code (chapter, heading,
 * subheading) with a WCO description, whatever the national extension; and
 * an origin is a country that must be named the same way in every module
 * (ISO 3166 alpha-2, with the Census code the trade data use).
 */
#ifndef RTA_NOMENCLATURE_H
#define RTA_NOMENCLATURE_H

#include "rta/code.h"
#include "rta/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rta_hs_entry {
    rta_code code;            /* 2, 4 or 6 digits */
    const char *description;  /* HS 2022 text */
    const char *section;      /* Roman numeral, "XI" */
    const char *section_name; /* "Textiles and textile articles" */
} rta_hs_entry;

/* The HS 2022 entry for the first 2, 4 or 6 digits of code (the deepest
 * level <= code->len that exists). RTA_ERR_NOT_FOUND if even the chapter is
 * unknown. `exact` (may be NULL) says whether the entry has code's own level. */
rta_status rta_hs_find(const rta_snapshot *snap, const rta_code *code, rta_hs_entry *out,
                       int *exact, rta_error *err);

/* Number of HS 2022 entries at a level (2, 4 or 6). */
long rta_hs_count(const rta_snapshot *snap, int level);

typedef struct rta_country {
    char iso2[3];
    char iso3[4];
    int numeric;      /* ISO 3166-1 numeric, 0 if none */
    const char *name; /* ISO short name */
    int census_code;  /* US Census Schedule C code, 0 if unmapped */
    int eu27;         /* 1 for an EU member state */
} rta_country;

/* Finds a country by ISO alpha-2, alpha-3 (any case) or Census code
 * ("5520"). RTA_ERR_NOT_FOUND with a clear message otherwise. */
rta_status rta_country_find(const rta_snapshot *snap, const char *key, rta_country *out,
                            rta_error *err);

/* Number of countries. */
long rta_country_count(const rta_snapshot *snap);

#ifdef __cplusplus
}
#endif

#endif

/*
 * rta/lines.h - a negotiating list's lines, as delegations exchange them in CSV.
 *
 * Why: in a tariff negotiation the unit is the tariff line. An offer or a
 * request is a list of product scopes (HS2/4/6, HTS8/10, AHTN8, or a range of
 * codes of one length) each with a treatment (a new rate, a cap, a linear cut,
 * the Swiss formula, an exemption from the additional measures) and a staging
 * period. The negotiation store keeps these lines per list version and the
 * evaluation (rta/sim.h) applies them to base tariffs; both read and write the
 * one CSV form defined here so a file a negotiator edits round-trips.
 *
 * CSV contract: header `code,treatment,value[,staging_years,description]`
 * (columns in any order; the export's base_rate, offered_rate and base_source
 * columns are read and ignored; any other column is an error naming it). Lines starting with '#'
 * before the header are comments (provenance: "# source: ..."). Reading is all-or-nothing: the
 * first bad row fails with file, line and field (column) and nothing is returned.
 */
#ifndef RTA_LINES_H
#define RTA_LINES_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_treatment {
    RTA_TREAT_RATE = 0, /* new ad valorem rate: value = percent */
    RTA_TREAT_CAP,      /* t1 = min(t0, value) */
    RTA_TREAT_CUT,      /* linear cut: t1 = t0 * (1 - value/100) */
    RTA_TREAT_SWISS,    /* Swiss formula: t1 = a*t0/(a+t0), value = a (e.g. 16) */
    RTA_TREAT_EXEMPT    /* exemption from the reciprocal-type additional measures, as an
                           Annex II/III listing lifts them: t1 = t0 less the IEEPA reciprocal,
                           IEEPA fentanyl and Section 122 layers (Sections 232 and 301 stay) */
} rta_treatment;

/* One line. value_millionths is the CSV `value` times 10^6, exactly:
 *   rate 20   -> 20000000 (20 percent), cap 5 -> 5000000, cut 50 -> 50000000,
 *   swiss 16  -> 16000000 (the coefficient a = 16), exempt -> 0.
 * NB: this is percent * 1e6, not the "millionths of one" of rta/rate.h
 * (where 20% = 200000); divide by 100 to get that form.
 * Accepted ranges: rate and cap 0..1000 (percent), cut 0..100 (percent),
 * swiss > 0 and <= 1000; at most 6 decimals. */
typedef struct rta_line {
    char code[11];    /* digits only, 2,4,6,8 or 10 of them ("610910", "6109100012") */
    char code_to[11]; /* "" or the end of a range "6101-6117" (same digit count) */
    rta_treatment treatment;
    int64_t value_millionths; /* percent * 1e6 for rate/cap/cut; the coefficient * 1e6 for swiss;
                                 0 for exempt */
    int staging_years;        /* 0 = immediate (0..30) */
    char *description;        /* malloc'ed, may be "" (never NULL in a parsed list) */
    long source_line;         /* line in the CSV it came from (1 = header) */
} rta_line;

typedef struct rta_lines {
    rta_line *items; /* owned; free with rta_lines_free */
    size_t count;
} rta_lines;

/* Reads a line file; all-or-nothing: the first bad row fails with file:line and the field.
 * *out is zeroed first, so rta_lines_free(out) is safe after any result. */
rta_status rta_lines_read(const char *path, rta_lines *out, rta_error *err);

/* The same from memory (name used in errors). text need not be NUL-terminated. */
rta_status rta_lines_parse(const char *name, const char *text, size_t len, rta_lines *out,
                           rta_error *err);

/* Writes CSV with the contract header
 * `code,treatment,value,staging_years,description` (ranges as "6101-6117",
 * values in the shortest exact decimal, descriptions quoted when needed). */
rta_status rta_lines_write(FILE *f, const rta_lines *lines, rta_error *err);

/* 1 if the HS/HTS code (digits) falls in the line's scope (prefix or range):
 * the code has at least as many digits as the line's code and its leading
 * digits equal the line's code (or lie between code and code_to). */
int rta_line_covers(const rta_line *line, const char *digits);

/* Frees the items and descriptions; accepts NULL and an empty list. */
void rta_lines_free(rta_lines *lines);

const char *rta_treatment_name(rta_treatment t); /* "rate","cap","cut","swiss","exempt" */

/* --- additions beyond the agreed seam --- */

/* Parses a treatment name ("rate", "cap", "cut", "swiss", "exempt"). 0 on success, -1 otherwise. */
int rta_treatment_parse(const char *name, rta_treatment *out);

/* Writes the line's value as the shortest exact decimal ("20", "12.5", "16",
 * "0") into buf (size >= 24). Returns buf. */
char *rta_line_value_format(const rta_line *line, char *buf, size_t size);

/* Writes the scope as "610910" or "6101-6117" into buf (size >= 22). Returns buf. */
char *rta_line_scope_format(const rta_line *line, char *buf, size_t size);

/* Checks one line's fields as the reader does (code digits, range, value
 * range for its treatment, staging). input/line_no name the place in errors. */
rta_status rta_line_validate(const rta_line *line, const char *input, long line_no, rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

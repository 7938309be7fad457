/*
 * rta/hts.h - the US Harmonized Tariff Schedule as a dated tree.
 *
 * Why: "the schedule on 2025-08-07" is a query: pick the revision in force,
 * find the line, walk its ancestors for the description path, and take its
 * rates, inherited down the indent tree as USITC intends (a statistical
 * suffix carries the rate of the 8-digit line above it). Footnotes that point
 * a line to Chapter 99 headings are kept as data for the duty engine. Chapter
 * 99 headings are lines like any other.
 *
 * All strings are borrowed from the snapshot and live as long as it does.
 */
#ifndef RTA_HTS_H
#define RTA_HTS_H

#include "rta/code.h"
#include "rta/rate.h"
#include "rta/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTA_HTS_MAX_UNITS 4

typedef enum rta_hts_column {
    RTA_COL_GENERAL = 0,
    RTA_COL_SPECIAL = 1,
    RTA_COL_COLUMN2 = 2
} rta_hts_column;

typedef struct rta_hts_line {
    uint32_t row; /* internal row id (stable within one snapshot) */
    int revision; /* revision index the line was looked up in */
    int has_code; /* 0 for an indented header row without number */
    rta_code code;
    int indent;
    const char *description;
    int nunits;
    const char *units[RTA_HTS_MAX_UNITS]; /* normalised: "doz.", "kg", "No.", "m2" */
    /* Rates in force for the line: its own text or the nearest ancestor's. */
    const char *rate[3];   /* indexed by rta_hts_column; "" if none up the tree */
    int rate_inherited[3]; /* 1 if the text comes from an ancestor */
    rta_code rate_from[3]; /* the line the text is written on (len 0 if none) */
    const char *quota;
    const char *additional;
    int nfootnotes;
} rta_hts_line;

typedef struct rta_hts_footnote {
    const char *columns; /* "general", "general,special,other", "stat,units"... */
    const char *type;    /* "endnote" or "footnote" */
    const char *value;   /* the text, e.g. "See 9903.88.15." */
    const char *ch99;    /* Chapter 99 headings it points to, space separated ("99038815") */
} rta_hts_footnote;

/* Finds the line with exactly this code in the revision. RTA_ERR_NOT_FOUND
 * (with a message naming the code and revision) if absent. */
rta_status rta_hts_find(const rta_snapshot *snap, int revision, const rta_code *code,
                        rta_hts_line *out, rta_error *err);

/* The parent row of a line (also header rows without number). Returns 0 at
 * the top of the tree. */
int rta_hts_parent(const rta_snapshot *snap, const rta_hts_line *line, rta_hts_line *out);

/* Footnote i of a line (0 <= i < line->nfootnotes). Returns 0 if out of range. */
int rta_hts_footnote_get(const rta_snapshot *snap, const rta_hts_line *line, int i,
                         rta_hts_footnote *out);

/* Lines with a number under prefix (the prefix itself included when it is a
 * line) in the revision, in code order. Writes up to max; returns how many
 * exist in total. */
long rta_hts_lines_under(const rta_snapshot *snap, int revision, const rta_code *prefix,
                         rta_hts_line *out, long max);

/* For a code that is not in the revision: up to max existing codes nearest to
 * it (same longest existing prefix, closest numbers first). Returns count. */
int rta_hts_suggest(const rta_snapshot *snap, int revision, const rta_code *code, rta_code *out,
                    int max);

typedef struct rta_hts_hit {
    rta_hts_line line;
    int score;
} rta_hts_hit;

/* Lines (8 or 10 digits) of the revision whose description path matches the
 * words of query (case-insensitive, at the start of a word; every word must
 * match somewhere in the path; a word in the line's own description scores 5,
 * in its parent 3, grandparent 2, higher up 1). Best first; ties go to the
 * shorter description, then code order. Returns the number written (<= max). */
int rta_hts_search(const rta_snapshot *snap, int revision, const char *query, rta_hts_hit *out,
                   int max);

/* The JSON object describing a line for the CLI and the server: code,
 * level, description, path (descriptions from the chapter down to the line
 * itself, chapter first) with path_codes beside it ("" for header rows), units,
 * general/special/column2 (text, kind and structure, see rta/rate.h),
 * footnotes with their Chapter 99 references, revision and HS 2022 entry.
 * Returns a malloc'ed NUL-terminated string (free with free()), or NULL when
 * out of memory. */
char *rta_hts_line_json(const rta_snapshot *snap, const rta_hts_line *line);

/* The description path of a line: up to max descriptions, chapter (from HS
 * 2022) first and the line's own last, with the code of each entry (len 0 for
 * a header row without number). Returns the count written. */
int rta_hts_path(const rta_snapshot *snap, const rta_hts_line *line, const char **desc,
                 rta_code *codes, int max);

/* ---- parse coverage ---- */

typedef struct rta_rate_shape_count {
    char shape[160];   /* rta_rate_shape of the text (truncated) */
    char example[160]; /* one real text of that shape (truncated) */
    rta_code example_code;
    int column; /* rta_hts_column */
    rta_rate_kind kind;
    int unknown; /* 1 if the parser rejected it */
    long count;
} rta_rate_shape_count;

typedef struct rta_rate_stats {
    long rows;                          /* rows in the revision as published */
    long lines;                         /* rows with a number of 8 or 10 digits */
    long rated_lines;                   /* rows with their own General rate text */
    long cells[3];                      /* non-empty cells per column */
    long kinds[3][RTA_RATE_KIND_COUNT]; /* cells per column and kind (special: per rate group) */
    long unknown;                       /* cells whose text did not parse */
    long nshapes;                       /* entries in shapes */
    rta_rate_shape_count *shapes;       /* non-structured and unknown shapes, most frequent first */
} rta_rate_stats;

/* Parses every rate cell written in the revision and counts kinds and shapes.
 * Free the result's shapes with rta_rate_stats_free. */
rta_status rta_hts_rate_stats(const rta_snapshot *snap, int revision, rta_rate_stats *out,
                              rta_error *err);

void rta_rate_stats_free(rta_rate_stats *stats);

#ifdef __cplusplus
}
#endif

#endif

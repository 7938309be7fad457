/*
 * origin_prose.h - shared helpers for compiling agreement prose (internal).
 *
 * Why: both readers (EVFTA wording in the UK JSON, CPTPP wording) need the
 * same clean-up, code lists ("heading 5208 to heading 5212, or chapter 54"),
 * percentages and production-process phrases.
 */
#ifndef RTA_ORIGIN_PROSE_H
#define RTA_ORIGIN_PROSE_H

#include "origin_internal.h"

/* Strips markdown links ("[heading&nbsp;0101](/headings/0101)" -> "heading
 * 0101"), &nbsp;, stars, and collapses white space (a run holding a newline
 * becomes one '\n'). Malloc'ed; NULL on out of memory. */
char *rta__prose_clean(const char *text);

/* Consumes prefix (case-insensitive) and returns 1, else 0. */
int rta__eat(const char **s, const char *prefix);
void rta__skip_ws(const char **s);

/* "40%", "47.5 %", "40 per cent" -> percent x 10^6; 0 ok, -1 no match. */
int rta__prose_pct(const char **s, int64_t *out);

typedef struct rta__ranges {
    rta_hs_range *v;
    size_t n, cap;
} rta__ranges;

int rta__ranges_push(rta__ranges *r, rta_hs_range x);

/* A prose code list at *s: "heading 4011 and heading 4012", "subheading
 * 8517.11 through 8517.69", "chapter 4", "heading 5208 to heading 5212, 5401
 * or 5404 to 5408". Appends ranges; *s moves past the list. 0 ok, 1 no code
 * at *s, -1 out of memory. */
int rta__prose_codes(const char **s, rta__ranges *out, int allow_trailing_words);

/* A production-process phrase ("Weaving accompanied by dyeing or by
 * coating") as PROCESS nodes joined by AND/OR. NULL with *why set when a
 * part is not a known process (or out of memory, *why NULL). */
rta_node *rta__prose_process(rta_ruleset *rs, const char *s, size_t n, const char **why);

/* Lower-case slug for a named condition ("from-unwrought-precious-metals"). */
void rta__slug(const char *s, size_t n, char *out, size_t size);

/* Compiles one EVFTA-worded rule (cleaned) into a node; what cannot be
 * compiled becomes a TEXT node with the reason. NULL only on out of memory. */
rta_node *rta__prose_evfta(rta_ruleset *rs, const char *clean);

/* The shared JSON shape of data/rules_of_origin/{vietnam,cptpp}.json. */
typedef struct rta__jrule {
    char *text;    /* "rule" (markdown) */
    char *classes; /* "|WO|CTH|" ("" if none) */
    int op_or;     /* operator "or" */
} rta__jrule;

typedef struct rta__jset {
    char *heading;     /* "ex 6202", "5208 to 5212", "851711-851769" */
    char *subdivision; /* NULL if absent */
    uint64_t lo, hi;   /* min / max */
    int valid;
    rta__jrule *rules;
    size_t n;
} rta__jset;

/* Reads the rule_sets of text (path names errors). Free with rta__jsets_free. */
rta_status rta__read_rule_json(const char *path, const char *text, size_t len, rta__jset **out,
                               size_t *nout, rta_error *err);
void rta__jsets_free(rta__jset *sets, size_t n);
/* Reads the file at path and its rule_sets (rta__read_rule_json). */
rta_status rta__read_rule_file(const char *path, rta__jset **out, size_t *nout, rta_error *err);

/* Adds a rule for [lo, hi] (digits inferred from the zeros and nines). */
rta_status rta__add_rule(rta_ruleset *rs, uint64_t lo, uint64_t hi, int ex, rta_node *root,
                         const char *text, const char *source, rta_error *err);

/* 1 if "|TAG|" is in classes. */
int rta__classes_has(const char *classes, const char *tag);

/* The general provisions of the agreements (tolerance, cumulation). */
rta_status rta__provisions_ukvfta(rta_ruleset *rs, rta_error *err);
rta_status rta__provisions_cptpp(rta_ruleset *rs, rta_error *err);

#endif

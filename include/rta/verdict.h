/*
 * rta/verdict.h - does a product originate? A rule of origin (rta/origin.h)
 * evaluated on a bill of materials (rta/bom.h), with the reasons.
 *
 * Why: an exporter must know before shipping whether a blouse made from
 * Chinese fabric, or a laptop with Korean chips, "originates" in Viet Nam:
 * under the October 2025 framework that decides between 20% and 40% (or the
 * true origin's rate). The verdict walks the compiled rule tree once over
 * the bill, with integer arithmetic on cents (a MaxNOM limit is exact to the
 * cent), and says which alternative passed or why each failed in sentences a
 * compliance officer can paste into a file.
 *
 * Semantics (docs/origin.md):
 * - a material is originating when its origin is the producer's country, or
 *   a cumulation partner of the rule (within the grant's HS scope); "unknown"
 *   origin is non-originating;
 * - SHIFT: every non-originating material must change classification; the
 *   failing ones may be saved by the rule's allowance ("materials of the same
 *   heading ... up to 20%") and then by the tolerance (de minimis: value, or
 *   weight for textiles of chapters 50-63);
 * - VALUE: build-down (V - VNM)/V, build-up VOM/V, focused value
 *   (V - FVNM)/V, net cost (NC - VNM)/NC, MaxNOM VNM <= x% of the ex-works
 *   price; compared exactly in integers;
 * - PROCESS: satisfied only by a declared process: the producer's, or one
 *   declared on a material that counts as originating (work done inside the
 *   cumulation zone);
 * - TEXT, PRODUCT (and words that name materials in prose): never satisfied
 *   automatically; the verdict then says a person must decide.
 * A result is PASS, FAIL or PERSON; OR passes if any child passes, AND fails
 * if any child fails; PERSON otherwise propagates.
 */
#ifndef RTA_VERDICT_H
#define RTA_VERDICT_H

#include "rta/bom.h"
#include "rta/error.h"
#include "rta/origin.h"
#include "rta/store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_verdict_status {
    RTA_VERDICT_ORIGINATING = 1,     /* the rule is met */
    RTA_VERDICT_NOT_ORIGINATING = 2, /* the rule is not met */
    RTA_VERDICT_NEEDS_PERSON = 3     /* only a person can decide (prose, undeclared facts) */
} rta_verdict_status;

/* "originating", "not originating", "needs a person". */
const char *rta_verdict_status_name(rta_verdict_status s);

/* The outcome in numbers, without text (the fast path). */
typedef struct rta_verdict {
    rta_verdict_status status;
    int originating;         /* 1 only when status is RTA_VERDICT_ORIGINATING */
    int passed_by;           /* 0-based index of the alternative that passed (the child
                              * of a top-level OR, else 0 for the whole rule); -1 if none */
    int n_alternatives;      /* children of a top-level OR, else 1 */
    int tolerance_used;      /* 1 if the passing alternative needed the tolerance */
    int allowance_used;      /* 1 if it needed the rule's own allowance */
    int cumulation_used;     /* 1 if a cumulated material was needed as originating */
    int64_t vnm_cents;       /* value of non-originating materials (unknown included) */
    int64_t vom_cents;       /* value of originating materials (cumulated included) */
    int64_t cumulated_cents; /* part of vom from cumulation partners */
    int64_t unknown_cents;   /* part of vnm whose origin is unknown */
} rta_verdict;

/* Evaluates rule on bom; no allocation, no text. RTA_ERR_INVALID when the
 * bill has more than 4096 materials. */
rta_status rta_verdict_eval(const rta_rule *rule, const rta_bom *bom, rta_verdict *out,
                            rta_error *err);

/* The verdict with its explanation. Owned: free with rta_verdict_report_free. */
typedef struct rta_verdict_report {
    rta_verdict v;
    char *ruleset;   /* name of the rule set ("ukvfta") */
    char *rule;      /* the rule applied, plain syntax ("8471.30: CTSH or ...") */
    char *rule_text; /* the agreement's wording, or NULL for a typed rule */
    char *scope;     /* the rule's product scope as written ("8471.30", "6201-6208") */
    char *passed_by; /* the alternative that passed, plain syntax; NULL if none */
    char **reasons;  /* sentences, in order: the outcome, each alternative, notes */
    size_t n_reasons;
} rta_verdict_report;

/* Evaluates and explains. ruleset_name labels the report (may be NULL). */
rta_status rta_verdict_explain(const rta_rule *rule, const rta_bom *bom, const char *ruleset_name,
                               rta_verdict_report **out, rta_error *err);

/* Finds the rule of rs for the bill's product (rta_ruleset_find) and
 * explains it. RTA_ERR_NOT_FOUND (err names the set and the code) if no rule
 * of the set covers the product. */
rta_status rta_verdict_check(const rta_ruleset *rs, const rta_bom *bom, rta_verdict_report **out,
                             rta_error *err);

void rta_verdict_report_free(rta_verdict_report *r);

/* The JSON of the CLI contract: {"ruleset", "product", "originating",
 * "status", "rule", "rule_text", "passed_by", "tolerance_used",
 * "cumulation_used", "vnm", "vom", "price", "price_basis", "reasons"}.
 * Malloc'ed; NULL on out of memory. */
char *rta_verdict_report_json(const rta_verdict_report *r, const rta_bom *bom);

/* ---- rule sets by name: bundled or stored ---- */

/* 1 for the names of the bundled sets ("ukvfta", "cptpp"). */
int rta_ruleset_is_bundled(const char *name);

/* Resolves a rule-set name into a compiled set: "ukvfta" and "cptpp" from
 * the data folder the store was imported from (meta data_dir), any other
 * name from the rule sets stored by rta_origin_rules_add (version 0 = the
 * latest). RTA_ERR_NOT_FOUND names what is missing. Free with
 * rta_ruleset_free. */
rta_status rta_ruleset_resolve(rta_store *store, const char *name, int version, rta_ruleset **out,
                               rta_error *err);

/* One stored version of a user rule set. */
typedef struct rta_stored_ruleset {
    char name[65];
    int version;
    char author[129];
    char created_at[32]; /* "2026-05-01T10:00:00Z" */
    char source[256];    /* the file it was added from */
    long rules;          /* rules in it */
    char *text;          /* the plain syntax (owned: free with free(); NULL in lists) */
} rta_stored_ruleset;

/* Parses text (the plain syntax) and, only if it parses, stores it as a new
 * version of name (1 for a new name), with author and the UTC time.
 * The store must be open RTA_STORE_READWRITE. Refuses bundled names and names
 * outside [a-z0-9_-]{1,64}. *version receives the new version. */
rta_status rta_origin_rules_add(rta_store *store, const char *name, const char *text, size_t len,
                                const char *source, const char *author, int *version,
                                rta_error *err);

/* Every stored version, by name then version. *out is malloc'ed (free with
 * free()); texts are NULL. */
rta_status rta_origin_rules_list(rta_store *store, rta_stored_ruleset **out, size_t *n,
                                 rta_error *err);

/* One stored version (0 = latest), with its text (free out->text). */
rta_status rta_origin_rules_get(rta_store *store, const char *name, int version,
                                rta_stored_ruleset *out, rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

/*
 * rta/origin.h - product-specific rules of origin as typed trees, and rule sets.
 *
 * Why: whether a good "originates" in Viet Nam decides between the 20% and the
 * 40% treatment, and between a preferential and an MFN rate under an FTA. The
 * rules exist as English prose (CPTPP Annex 3-D, EVFTA Protocol 1 Annex II, as
 * mirrored by the UK-Viet Nam FTA). rta compiles them into one small typed tree
 * per product scope that a verdict can walk without touching a string: code
 * scopes are arrays of numeric HS6 ranges, thresholds are integers. One plain
 * text syntax (docs/origin-rules.md) is written and read by people:
 *
 *     8471.30: CTSH or RVC(BD) >= 40%
 *     6109: process(knitting) and process(making-up)
 *     5208-5212: CC except 5106-5113, 5204-5207 or MaxNOM <= 50%
 *
 * and both bundled agreements compile into it. Prose that rta cannot compile
 * becomes a TEXT node with the reason; a TEXT node never passes by itself.
 *
 * Ownership: an rta_ruleset owns every rule, node, range and string reachable
 * from it; the pointers handed out (const rta_rule *, const rta_node *) are
 * borrowed until rta_ruleset_free. A rule set is immutable after it is built,
 * so any number of threads may read one.
 */
#ifndef RTA_ORIGIN_H
#define RTA_ORIGIN_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Thresholds and tolerances are percent x 10^6 ("millionths of a percent"):
 * 40% = 40000000, 47.5% = 47500000. */
#define RTA_PCT(p) ((int64_t)(p)*1000000)

/* A range of HS codes compared as 6-digit numbers: a material of HS6 code c
 * (as the integer 520811) is inside when lo <= c <= hi. "5208" is lo 520800,
 * hi 520899; "52" is 520000..529999; "5208-5212" is 520800..521299.
 * lo_digits / hi_digits (2, 4 or 6) keep the level the text used, so the
 * formatter writes back what was read. */
typedef struct rta_hs_range {
    uint32_t lo, hi;
    uint8_t lo_digits, hi_digits;
} rta_hs_range;

/* A list of ranges (borrowed from the rule set). n == 0: empty. */
typedef struct rta_hs_scope {
    const rta_hs_range *v;
    size_t n;
} rta_hs_scope;

/* 1 if the 6-digit code hs6 (e.g. 520811) lies in one of the ranges. */
int rta_hs_scope_has(const rta_hs_scope *scope, uint32_t hs6);

typedef enum rta_node_kind {
    RTA_NODE_WO = 1,  /* wholly obtained: the good, or (scope/words) the materials named */
    RTA_NODE_SHIFT,   /* change of tariff classification of every non-originating material */
    RTA_NODE_VALUE,   /* a value test: RVC (build-down, build-up, focused, net cost) or MaxNOM */
    RTA_NODE_WEIGHT,  /* a weight limit: materials named vs the weight of the good */
    RTA_NODE_PROCESS, /* a named production step the declaration must state ("weaving") */
    RTA_NODE_PRODUCT, /* a condition on what the good is ("mixtures ... containing 50% nuts") */
    RTA_NODE_AND,     /* all children */
    RTA_NODE_OR,      /* any child: alternatives */
    RTA_NODE_TEXT,    /* kept as prose for a person; never satisfied automatically */
} rta_node_kind;

/* Tariff shift levels: the number of HS digits that must change. */
typedef enum rta_shift_level {
    RTA_SHIFT_ANY = 0, /* "materials of any heading": no change required (AH); see except/from */
    RTA_SHIFT_CC = 2,  /* change of chapter */
    RTA_SHIFT_CTH = 4, /* change of heading */
    RTA_SHIFT_CTSH = 6 /* change of subheading */
} rta_shift_level;

/* SHIFT: every non-originating material must be classified outside the
 * product's own chapter/heading/subheading (level), and outside `except`
 * ("except from heading 52.08 through 52.12"); when `from` is not empty the
 * non-originating materials must moreover lie in it ("Manufacture from
 * materials of heading 7106 ..."). Materials failing the shift may still be
 * used up to allow_upct of the ex-works price (EVFTA "However, materials of
 * the same heading as the product may be used, provided that their total
 * value does not exceed 20 %"; -1 = no such allowance), and materials named
 * by allow_words (declared in the bill) are exempt ("However, natural
 * magnesium carbonate (magnesite) may be used"). within: 0, or a level whose
 * group the change must stay inside ("from any other subheading within
 * heading 8471"): the material must share the product's first `within`
 * digits. */
typedef struct rta_shift {
    rta_shift_level level;
    rta_hs_scope except;
    rta_hs_scope from;
    int within;
    int64_t allow_upct;      /* -1 if none */
    const char *allow_words; /* NULL if none */
} rta_shift;

typedef enum rta_value_method {
    RTA_VALUE_BD = 1, /* build-down: (V - VNM) / V >= t (CPTPP Art. 3.5) */
    RTA_VALUE_BU,     /* build-up: VOM / V >= t */
    RTA_VALUE_FV,     /* focused value: (V - FVNM) / V >= t, FVNM = NOM in `scope` only */
    RTA_VALUE_NC,     /* net cost: (NC - VNM) / NC >= t */
    RTA_VALUE_MAXNOM  /* VNM (of `scope`/`words` if given) <= t of the basis (EVFTA: ex-works) */
} rta_value_method;

typedef enum rta_cmp { RTA_CMP_GE = 1, RTA_CMP_LE = 2 } rta_cmp;

/* The value the percentage is taken of. */
typedef enum rta_basis {
    RTA_BASIS_EXWORKS = 1, /* ex-works price of the product (EVFTA / UKVFTA) */
    RTA_BASIS_VALUE,       /* value of the good: transaction value / FOB (CPTPP Art. 3.5) */
    RTA_BASIS_NET_COST     /* net cost of the good */
} rta_basis;

/* VALUE: method, comparator (>= for RVC, <= for MaxNOM), threshold in
 * percent x 10^6. scope: the focused-value materials, or for MaxNOM the
 * materials whose value is limited ("the value of non-originating materials
 * of subheading 0811.90 does not exceed 35 %"); empty = all non-originating
 * materials. words: materials named in prose instead of codes ("the
 * unprinted fabric used"); the verdict identifies them by declaration.
 * all_materials: 1 when the limit covers originating and non-originating
 * materials alike ("the value of all the materials of heading 8714 used"). */
typedef struct rta_value {
    rta_value_method method;
    rta_cmp cmp;
    int64_t threshold_upct;
    rta_basis basis;
    rta_hs_scope scope;
    const char *words; /* NULL if none */
    int all_materials;
} rta_value;

/* WEIGHT: the weight of the materials in `scope` / `words` (non-originating
 * only when nom_only), compared with threshold_upct of the weight of the
 * good (or, when base/base_words are given, of the total weight of those
 * materials: "at least 10 % by weight of all materials of chapter 24"). */
typedef struct rta_weight {
    rta_cmp cmp;
    int64_t threshold_upct;
    int nom_only;    /* 1: non-originating materials only; 0: all materials */
    int originating; /* 1: the weight limited is that of ORIGINATING materials (CPTPP polymer) */
    rta_hs_scope scope;
    const char *words; /* "sugar" (NULL if none) */
    rta_hs_scope base;
    const char *base_words; /* NULL if the base is the weight of the good */
} rta_weight;

/* PROCESS: name is a short identifier ("weaving", "making-up", "spinning",
 * "knitting", "dyeing", "printing", "refining", ...; [a-z0-9-]) that a bill of
 * materials declares; words is the agreement's phrase (may be NULL). */
typedef struct rta_process {
    const char *name;
    const char *words;
} rta_process;

/* PRODUCT: the rule part applies only if the good is (negate 0) or is not
 * (negate 1) what the words say; the declaration answers. Used where one
 * scope has several rules by description ("ex 6202" vs "any other product of
 * heading 6202"; CPTPP "A change to mixtures of subheading 2008.19 ..."). */
typedef struct rta_product {
    const char *words;
    int negate;
} rta_product;

/* TEXT: why the prose was not compiled, and the prose. */
typedef struct rta_text {
    const char *reason; /* a short stable phrase, counted in the coverage report */
    const char *words;
} rta_text;

/* A node of the tree. Children of AND/OR are an array (n children). */
typedef struct rta_node {
    rta_node_kind kind;
    union {
        struct {
            rta_hs_scope scope; /* empty: the good itself is wholly obtained */
            const char *words;  /* "the vegetable materials" (NULL if none) */
        } wo;
        rta_shift shift;
        rta_value value;
        rta_weight weight;
        rta_process process;
        rta_product product;
        rta_text text;
        struct {
            const struct rta_node *v;
            size_t n;
        } kids;
    } u;
} rta_node;

/* Tolerance (de minimis): non-originating materials that fail the rule may
 * still be used within these limits. -1 = not granted. */
typedef struct rta_tolerance {
    int64_t value_upct;  /* % of the ex-works price / value of the good (EVFTA Protocol 1 Art. 5(3):
                            10%) */
    int64_t weight_upct; /* % of weight, textiles (EVFTA Annex I Notes 6-7; CPTPP Art. 4.2: 10%) */
    const char *cite;    /* "EVFTA Protocol 1 Art. 5(3)" (NULL if none) */
} rta_tolerance;

typedef enum rta_cumulation_kind {
    RTA_CUM_NONE = 0,
    RTA_CUM_BILATERAL, /* the partner's originating materials count as originating */
    RTA_CUM_DIAGONAL,  /* also materials of third countries with linked agreements */
    RTA_CUM_FULL       /* also processing done in any party (CPTPP Art. 3.10) */
} rta_cumulation_kind;

/* One cumulation grant: these partners' originating materials count as
 * originating; when `scope` is not empty only for materials in it, and when
 * `products` is not empty only for goods in it (EVFTA Protocol 1 Art. 3(7):
 * fabrics originating in Korea, for garments of chapters 61 and 62).
 * in_force 0: written in the agreement but not applied (conditions unmet);
 * a verdict must not use it. */
typedef struct rta_cumulation {
    rta_cumulation_kind kind;
    const char (*partners)[3]; /* ISO 3166-1 alpha-2 codes, n_partners of them */
    size_t n_partners;
    rta_hs_scope scope;    /* materials (empty: all) */
    rta_hs_scope products; /* goods (empty: all) */
    int in_force;
    const char *cite; /* "EVFTA Protocol 1 Art. 3(1)" (NULL if none) */
    const char *note; /* why / conditions (NULL if none) */
} rta_cumulation;

/* A product-specific rule: for products whose 10-digit code (padded) lies in
 * [lo, hi], the tree. */
typedef struct rta_rule {
    uint64_t lo, hi;   /* 10-digit codes: 8471300000 .. 8471399999 */
    uint8_t lo_digits; /* digits the scope was written with (2..10) */
    uint8_t hi_digits;
    int ex;                  /* 1 if the agreement marks the scope "ex" (part of it) */
    const rta_node *root;    /* never NULL */
    const char *text;        /* the agreement's wording, links stripped (NULL if typed) */
    const char *source;      /* "vietnam.json rule_sets[123]" (NULL if typed) */
    rta_tolerance tolerance; /* from the set's defaults unless the rule overrides */
    const rta_cumulation *cumulation;
    size_t n_cumulation;
    int has_text_node;  /* 1 if the tree holds a TEXT node anywhere */
    int attrs_explicit; /* 1 if the rule line itself set tolerance/cumulation */
} rta_rule;

typedef struct rta_ruleset rta_ruleset;

/* Reads the UK-Viet Nam JSON (data/rules_of_origin/vietnam.json: class tags
 * and the EVFTA prose) and compiles it. The set's general provisions
 * (tolerance, cumulation) are those of the agreement (docs/origin-rules.md).
 * Free *out with rta_ruleset_free. */
rta_status rta_ruleset_read_ukvfta(const char *path, rta_ruleset **out, rta_error *err);

/* Reads the CPTPP JSON (data/rules_of_origin/cptpp.json: English prose). */
rta_status rta_ruleset_read_cptpp(const char *path, rta_ruleset **out, rta_error *err);

/* Parses the plain syntax (docs/origin-rules.md). name labels the set and
 * the errors ("input:line:col: message"). text need not be NUL-terminated. */
rta_status rta_ruleset_parse(const char *name, const char *text, size_t len, rta_ruleset **out,
                             rta_error *err);

/* Loads a bundled set by name ("ukvfta" or "cptpp") from a data folder (the
 * store's meta data_dir): data_dir/rules_of_origin/{vietnam,cptpp}.json.
 * RTA_ERR_NOT_FOUND for another name. */
rta_status rta_ruleset_load_bundled(const char *name, const char *data_dir, rta_ruleset **out,
                                    rta_error *err);

void rta_ruleset_free(rta_ruleset *rs);

/* The set's name ("ukvfta"), title, number of rules, the i-th rule
 * (ordered by lo, then narrower first). */
const char *rta_ruleset_name(const rta_ruleset *rs);
const char *rta_ruleset_title(const rta_ruleset *rs);
size_t rta_ruleset_count(const rta_ruleset *rs);
const rta_rule *rta_ruleset_rule(const rta_ruleset *rs, size_t i);

/* The set-level defaults written by "@tolerance"/"@cumulation" lines. */
const rta_tolerance *rta_ruleset_tolerance(const rta_ruleset *rs);
size_t rta_ruleset_cumulation(const rta_ruleset *rs, const rta_cumulation **out);

/* The most specific rule whose scope covers the product code (digits only,
 * 2..10 of them: "610910", "6109100012"; a shorter code matches a rule whose
 * scope contains its whole range). RTA_ERR_NOT_FOUND if none; *rule borrowed. */
rta_status rta_ruleset_find(const rta_ruleset *rs, const char *code, const rta_rule **rule,
                            rta_error *err);

/* Writes the rule as one line of the plain syntax ("8471.30: CTSH or
 * RVC(BD) >= 40%"), with its attributes when attrs_explicit. snprintf-like:
 * returns the length needed (excluding the NUL); buf may be NULL if size 0.
 * Parsing the output gives an equal tree. */
size_t rta_rule_format(const rta_rule *rule, char *buf, size_t size);

/* The tree alone (no scope prefix), same conventions. */
size_t rta_node_format(const rta_node *node, char *buf, size_t size);

/* The rule as JSON (malloc'ed, free with free()): scope, text, syntax, tree,
 * tolerance, cumulation. NULL on out of memory. */
char *rta_rule_json(const rta_rule *rule);

/* An indented, human-readable dump of the tree ("OR\n  SHIFT CTSH\n ...").
 * Malloc'ed, free with free(); NULL on out of memory. */
char *rta_node_dump(const rta_node *node);

/* 1 if a and b are the same tree (kinds, fields, ranges, words). */
int rta_node_equal(const rta_node *a, const rta_node *b);

/* Writes the whole set in the plain syntax (header, @ defaults, one rule a
 * line with its source text as a comment), readable by rta_ruleset_parse. */
rta_status rta_ruleset_write_text(const rta_ruleset *rs, FILE *f, rta_error *err);

/* Coverage: how many rules compiled into a tree without TEXT nodes. Counted
 * per source rule (a JSON "rules" entry; a line for typed sets) and per
 * compiled rule (a product scope). */
typedef struct rta_coverage_reason {
    const char *reason; /* borrowed from the rule set */
    size_t count;       /* source rules with at least one TEXT node of this reason */
} rta_coverage_reason;

typedef struct rta_coverage {
    size_t source_rules;          /* rule entries read (607 for ukvfta) */
    size_t source_compiled;       /* of them, compiled with no TEXT node */
    size_t rules;                 /* product scopes (compiled rules) */
    size_t rules_compiled;        /* of them, trees with no TEXT node */
    rta_coverage_reason *reasons; /* most frequent first; free with rta_coverage_free */
    size_t n_reasons;
    size_t tag_mismatches; /* UK JSON: compiled entries whose class tags the tree does not show */
} rta_coverage;

rta_status rta_ruleset_coverage(const rta_ruleset *rs, rta_coverage *out, rta_error *err);
void rta_coverage_free(rta_coverage *cov);

/* Names for printing: "WO", "SHIFT", ...; "CC", "CTH", "CTSH", "AH";
 * "BD", "BU", "FV", "NC", "MaxNOM"; "bilateral", "diagonal", "full". */
const char *rta_node_kind_name(rta_node_kind kind);
const char *rta_shift_level_name(rta_shift_level level);
const char *rta_value_method_name(rta_value_method method);
const char *rta_cumulation_kind_name(rta_cumulation_kind kind);

#ifdef __cplusplus
}
#endif

#endif

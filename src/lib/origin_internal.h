/*
 * origin_internal.h - building rule sets inside librta (the plain-syntax
 * parser and the two agreement readers share these).
 *
 * Why: a rule set owns all its nodes, ranges and strings in one arena, so a
 * set is freed in one call and a tree is a few contiguous arrays. Readers
 * build nodes bottom-up with these helpers; rta__ruleset_finish sorts the
 * rules and resolves the set's tolerance and cumulation into each rule.
 */
#ifndef RTA_ORIGIN_INTERNAL_H
#define RTA_ORIGIN_INTERNAL_H

#include "internal.h"
#include "rta/origin.h"

/* Bump allocator: blocks freed together. */
typedef struct rta__arena_blk rta__arena_blk;
typedef struct rta__arena {
    rta__arena_blk *head;
} rta__arena;

/* Zeroed, aligned memory owned by the arena; NULL on out of memory. */
void *rta__arena_alloc(rta__arena *a, size_t n);
/* Copy of s[0..n) with a NUL; NULL on out of memory. */
char *rta__arena_strndup(rta__arena *a, const char *s, size_t n);
void rta__arena_free(rta__arena *a);

/* One "@tolerance" directive: applies to rules inside `on` (all if empty),
 * or outside it when except is 1. */
typedef struct rta__tol_dir {
    int weight; /* 0 value, 1 weight */
    int64_t upct;
    rta_hs_scope on;
    int except;
    const char *cite;
} rta__tol_dir;

/* One source rule (a JSON entry or a typed line) for the coverage report. */
typedef struct rta__src {
    const char *reason; /* NULL: compiled; else the first TEXT reason */
} rta__src;

struct rta_ruleset {
    rta__arena arena;
    const char *name;
    const char *title;
    rta_rule *rules;
    size_t n, cap;
    uint64_t *max_hi; /* max_hi[i] = largest hi of rules[0..i] (lookup early exit) */
    rta__tol_dir *tol;
    size_t ntol, tolcap;
    rta_tolerance tol_default; /* summary for rta_ruleset_tolerance */
    rta_cumulation *cum;
    size_t ncum, cumcap;
    rta__src *src;
    size_t nsrc, srccap;
    size_t tag_mismatches; /* UK JSON: class tags that disagree with the compiled text */
};

/* A new empty set (name copied). NULL on out of memory. */
rta_ruleset *rta__ruleset_new(const char *name);

/* New nodes (zeroed apart from kind), owned by rs. NULL on out of memory. */
rta_node *rta__node_new(rta_ruleset *rs, rta_node_kind kind);
rta_node *rta__node_text(rta_ruleset *rs, const char *reason, const char *words, size_t n);
rta_node *rta__node_process(rta_ruleset *rs, const char *name, const char *words, size_t n);
rta_node *rta__node_product(rta_ruleset *rs, const char *words, size_t n, int negate);
/* AND/OR of kids (copied into one array; same-kind children are flattened;
 * one child is returned as is). NULL on out of memory or n == 0. */
rta_node *rta__node_list(rta_ruleset *rs, rta_node_kind kind, rta_node *const *kids, size_t n);

/* Copies ranges into the arena. Returns 0, or -1 on out of memory. */
int rta__scope_copy(rta_ruleset *rs, const rta_hs_range *v, size_t n, rta_hs_scope *out);

/* Parses one material code ("52", "5208", "52.08", "5208.11", "520811") into
 * a range at its level; *end gets the first byte not used. Returns 0 / -1. */
int rta__hs_code_range(const char *s, size_t n, rta_hs_range *out, size_t *used);

/* Adds a rule; fields are copied, root must be owned by rs. */
rta_status rta__ruleset_add(rta_ruleset *rs, const rta_rule *rule, rta_error *err);
/* Records a source rule for coverage; reason NULL = compiled. */
rta_status rta__ruleset_source(rta_ruleset *rs, const char *reason, rta_error *err);
/* Adds a set-level tolerance / cumulation (copied). */
rta_status rta__ruleset_tolerance(rta_ruleset *rs, const rta__tol_dir *dir, rta_error *err);
rta_status rta__ruleset_cumulation(rta_ruleset *rs, const rta_cumulation *c, rta_error *err);
/* Sorts the rules and resolves tolerance/cumulation per rule. */
rta_status rta__ruleset_finish(rta_ruleset *rs, rta_error *err);

/* The first TEXT reason in the tree, or NULL. */
const char *rta__node_text_reason(const rta_node *node);

#endif

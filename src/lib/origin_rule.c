/*
 * origin_rule.c - rule sets of origin: the arena-owned tree, lookups,
 * tolerance/cumulation resolution, and the coverage report.
 *
 * Why: a verdict walks a tree a million times a second, so a tree is a few
 * contiguous arrays (children stored by value, code scopes as numeric HS6
 * ranges) allocated from one arena per set; nothing in it is a string that a
 * verdict has to parse. The plain syntax (origin_syntax.c) and the readers
 * (origin_ukvfta.c, origin_cptpp.c) all build through the helpers here.
 */
#include "origin_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- arena ---------------------------------------------------------------- */

struct rta__arena_blk {
    rta__arena_blk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *rta__arena_alloc(rta__arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    rta__arena_blk *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (b == NULL)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *rta__arena_strndup(rta__arena *a, const char *s, size_t n)
{
    char *p = rta__arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void rta__arena_free(rta__arena *a)
{
    rta__arena_blk *b = a->head;
    while (b != NULL) {
        rta__arena_blk *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- set and nodes -------------------------------------------------------- */

rta_ruleset *rta__ruleset_new(const char *name)
{
    rta_ruleset *rs = calloc(1, sizeof *rs);
    if (rs == NULL)
        return NULL;
    rs->name = rta__arena_strndup(&rs->arena, name, strlen(name));
    rs->title = rs->name;
    rs->tol_default.value_upct = -1;
    rs->tol_default.weight_upct = -1;
    if (rs->name == NULL) {
        rta_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

void rta_ruleset_free(rta_ruleset *rs)
{
    if (rs == NULL)
        return;
    rta__arena_free(&rs->arena);
    free(rs->rules);
    free(rs->max_hi);
    free(rs->tol);
    free(rs->cum);
    free(rs->src);
    free(rs);
}

rta_node *rta__node_new(rta_ruleset *rs, rta_node_kind kind)
{
    rta_node *n = rta__arena_alloc(&rs->arena, sizeof *n);
    if (n != NULL)
        n->kind = kind;
    return n;
}

rta_node *rta__node_text(rta_ruleset *rs, const char *reason, const char *words, size_t n)
{
    rta_node *node = rta__node_new(rs, RTA_NODE_TEXT);
    if (node == NULL)
        return NULL;
    node->u.text.reason = rta__arena_strndup(&rs->arena, reason, strlen(reason));
    node->u.text.words = rta__arena_strndup(&rs->arena, words, n);
    if (node->u.text.reason == NULL || node->u.text.words == NULL)
        return NULL;
    return node;
}

rta_node *rta__node_process(rta_ruleset *rs, const char *name, const char *words, size_t n)
{
    rta_node *node = rta__node_new(rs, RTA_NODE_PROCESS);
    if (node == NULL)
        return NULL;
    node->u.process.name = rta__arena_strndup(&rs->arena, name, strlen(name));
    if (node->u.process.name == NULL)
        return NULL;
    if (words != NULL) {
        node->u.process.words = rta__arena_strndup(&rs->arena, words, n);
        if (node->u.process.words == NULL)
            return NULL;
    }
    return node;
}

rta_node *rta__node_product(rta_ruleset *rs, const char *words, size_t n, int negate)
{
    rta_node *node = rta__node_new(rs, RTA_NODE_PRODUCT);
    if (node == NULL)
        return NULL;
    node->u.product.words = rta__arena_strndup(&rs->arena, words, n);
    node->u.product.negate = negate;
    return node->u.product.words != NULL ? node : NULL;
}

rta_node *rta__node_list(rta_ruleset *rs, rta_node_kind kind, rta_node *const *kids, size_t n)
{
    if (n == 0)
        return NULL;
    if (n == 1)
        return kids[0];
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += kids[i]->kind == kind ? kids[i]->u.kids.n : 1;
    rta_node *arr = rta__arena_alloc(&rs->arena, total * sizeof *arr);
    rta_node *node = rta__node_new(rs, kind);
    if (arr == NULL || node == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (kids[i]->kind == kind) {
            memcpy(arr + k, kids[i]->u.kids.v, kids[i]->u.kids.n * sizeof *arr);
            k += kids[i]->u.kids.n;
        } else {
            arr[k++] = *kids[i];
        }
    }
    node->u.kids.v = arr;
    node->u.kids.n = k;
    return node;
}

int rta__scope_copy(rta_ruleset *rs, const rta_hs_range *v, size_t n, rta_hs_scope *out)
{
    out->v = NULL;
    out->n = 0;
    if (n == 0)
        return 0;
    rta_hs_range *p = rta__arena_alloc(&rs->arena, n * sizeof *p);
    if (p == NULL)
        return -1;
    memcpy(p, v, n * sizeof *p);
    out->v = p;
    out->n = n;
    return 0;
}

int rta_hs_scope_has(const rta_hs_scope *scope, uint32_t hs6)
{
    for (size_t i = 0; i < scope->n; i++)
        if (hs6 >= scope->v[i].lo && hs6 <= scope->v[i].hi)
            return 1;
    return 0;
}

static uint32_t pow10u(int e)
{
    uint32_t p = 1;
    while (e-- > 0)
        p *= 10;
    return p;
}

int rta__hs_code_range(const char *s, size_t n, rta_hs_range *out, size_t *used)
{
    char d[8];
    int nd = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (nd >= 7)
                return -1;
            d[nd++] = c;
        } else if (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9' && nd > 0) {
            /* a dot between digit groups */
        } else {
            break;
        }
        i++;
    }
    if (nd != 2 && nd != 4 && nd != 6)
        return -1;
    uint32_t v = 0;
    for (int k = 0; k < nd; k++)
        v = v * 10 + (uint32_t)(d[k] - '0');
    uint32_t m = pow10u(6 - nd);
    out->lo = v * m;
    out->hi = v * m + m - 1;
    out->lo_digits = out->hi_digits = (uint8_t)nd;
    if (used != NULL)
        *used = i;
    return 0;
}

/* ---- adding rules --------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (q == NULL)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

rta_status rta__ruleset_add(rta_ruleset *rs, const rta_rule *rule, rta_error *err)
{
    if (grow((void **)&rs->rules, &rs->cap, rs->n + 1, sizeof *rs->rules) != 0)
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rs->rules[rs->n++] = *rule;
    return RTA_OK;
}

rta_status rta__ruleset_source(rta_ruleset *rs, const char *reason, rta_error *err)
{
    if (grow((void **)&rs->src, &rs->srccap, rs->nsrc + 1, sizeof *rs->src) != 0)
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rs->src[rs->nsrc++].reason = reason;
    return RTA_OK;
}

rta_status rta__ruleset_tolerance(rta_ruleset *rs, const rta__tol_dir *dir, rta_error *err)
{
    if (grow((void **)&rs->tol, &rs->tolcap, rs->ntol + 1, sizeof *rs->tol) != 0)
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rta__tol_dir d = *dir;
    if (rta__scope_copy(rs, dir->on.v, dir->on.n, &d.on) != 0 ||
        (dir->cite != NULL &&
         (d.cite = rta__arena_strndup(&rs->arena, dir->cite, strlen(dir->cite))) == NULL))
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rs->tol[rs->ntol++] = d;
    if (d.on.n == 0 || d.except) {
        if (d.weight)
            rs->tol_default.weight_upct = d.upct;
        else
            rs->tol_default.value_upct = d.upct;
        rs->tol_default.cite = d.cite;
    }
    return RTA_OK;
}

rta_status rta__ruleset_cumulation(rta_ruleset *rs, const rta_cumulation *c, rta_error *err)
{
    if (grow((void **)&rs->cum, &rs->cumcap, rs->ncum + 1, sizeof *rs->cum) != 0)
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rta_cumulation d = *c;
    char(*parts)[3] = NULL;
    if (c->n_partners > 0) {
        parts = rta__arena_alloc(&rs->arena, c->n_partners * sizeof *parts);
        if (parts == NULL)
            return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
        memcpy(parts, c->partners, c->n_partners * sizeof *parts);
    }
    d.partners = (const char(*)[3])parts;
    if (rta__scope_copy(rs, c->scope.v, c->scope.n, &d.scope) != 0 ||
        rta__scope_copy(rs, c->products.v, c->products.n, &d.products) != 0 ||
        (c->cite != NULL &&
         (d.cite = rta__arena_strndup(&rs->arena, c->cite, strlen(c->cite))) == NULL) ||
        (c->note != NULL &&
         (d.note = rta__arena_strndup(&rs->arena, c->note, strlen(c->note))) == NULL))
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    rs->cum[rs->ncum++] = d;
    return RTA_OK;
}

const char *rta__node_text_reason(const rta_node *node)
{
    if (node->kind == RTA_NODE_TEXT)
        return node->u.text.reason;
    if (node->kind == RTA_NODE_AND || node->kind == RTA_NODE_OR)
        for (size_t i = 0; i < node->u.kids.n; i++) {
            const char *r = rta__node_text_reason(&node->u.kids.v[i]);
            if (r != NULL)
                return r;
        }
    return NULL;
}

static int cmp_rules(const void *a, const void *b)
{
    const rta_rule *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return 0;
}

/* A rule's scope as an HS6 range, to test "inside" against directive scopes. */
static int rule_in_scope(const rta_rule *r, const rta_hs_scope *s)
{
    uint32_t lo = (uint32_t)(r->lo / 10000), hi = (uint32_t)(r->hi / 10000);
    for (size_t i = 0; i < s->n; i++)
        if (lo >= s->v[i].lo && hi <= s->v[i].hi)
            return 1;
    return 0;
}

rta_status rta__ruleset_finish(rta_ruleset *rs, rta_error *err)
{
    if (rs->n > 1)
        qsort(rs->rules, rs->n, sizeof *rs->rules, cmp_rules);
    free(rs->max_hi);
    rs->max_hi = malloc((rs->n ? rs->n : 1) * sizeof *rs->max_hi);
    if (rs->max_hi == NULL)
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    for (size_t i = 0; i < rs->n; i++)
        rs->max_hi[i] =
            i > 0 && rs->max_hi[i - 1] > rs->rules[i].hi ? rs->max_hi[i - 1] : rs->rules[i].hi;
    for (size_t i = 0; i < rs->n; i++) {
        rta_rule *r = &rs->rules[i];
        r->has_text_node = rta__node_text_reason(r->root) != NULL;
        if (r->attrs_explicit)
            continue;
        r->tolerance.value_upct = -1;
        r->tolerance.weight_upct = -1;
        r->tolerance.cite = NULL;
        for (size_t k = 0; k < rs->ntol; k++) {
            const rta__tol_dir *d = &rs->tol[k];
            int in = d->on.n == 0 || rule_in_scope(r, &d->on);
            if (d->except && d->on.n > 0)
                in = !rule_in_scope(r, &d->on);
            if (!in)
                continue;
            if (d->weight)
                r->tolerance.weight_upct = d->upct;
            else
                r->tolerance.value_upct = d->upct;
            if (d->cite != NULL)
                r->tolerance.cite = d->cite;
        }
        r->cumulation = rs->cum;
        r->n_cumulation = rs->ncum;
    }
    return RTA_OK;
}

/* ---- accessors ------------------------------------------------------------ */

const char *rta_ruleset_name(const rta_ruleset *rs)
{
    return rs->name;
}
const char *rta_ruleset_title(const rta_ruleset *rs)
{
    return rs->title;
}
size_t rta_ruleset_count(const rta_ruleset *rs)
{
    return rs->n;
}

const rta_rule *rta_ruleset_rule(const rta_ruleset *rs, size_t i)
{
    return i < rs->n ? &rs->rules[i] : NULL;
}

const rta_tolerance *rta_ruleset_tolerance(const rta_ruleset *rs)
{
    return &rs->tol_default;
}

size_t rta_ruleset_cumulation(const rta_ruleset *rs, const rta_cumulation **out)
{
    if (out != NULL)
        *out = rs->cum;
    return rs->ncum;
}

rta_status rta_ruleset_find(const rta_ruleset *rs, const char *code, const rta_rule **rule,
                            rta_error *err)
{
    *rule = NULL;
    char d[11];
    int nd = 0;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (nd >= 10)
                return rta__error(err, RTA_ERR_INVALID, "<code>", 1, (long)(p - code) + 1,
                                  "code \"%s\" has more than 10 digits", code);
            d[nd++] = *p;
        } else if (*p != '.' && *p != ' ') {
            return rta__error(err, RTA_ERR_INVALID, "<code>", 1, (long)(p - code) + 1,
                              "unexpected character '%c' in code \"%s\"", *p, code);
        }
    }
    if (nd < 2 || nd % 2 != 0)
        return rta__error(err, RTA_ERR_INVALID, "<code>", 1, 1,
                          "code \"%s\" needs 2, 4, 6, 8 or 10 digits", code);
    uint64_t lo = 0, hi = 0;
    for (int i = 0; i < 10; i++) {
        lo = lo * 10 + (uint64_t)(i < nd ? d[i] - '0' : 0);
        hi = hi * 10 + (uint64_t)(i < nd ? d[i] - '0' : 9);
    }
    /* rules sorted by lo: binary search the last with lo <= the code, then
     * walk back while some earlier rule can still reach the code's end */
    size_t a = 0, b = rs->n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (rs->rules[m].lo <= lo)
            a = m + 1;
        else
            b = m;
    }
    const rta_rule *best = NULL;
    for (size_t i = a; i-- > 0 && rs->max_hi[i] >= hi;) {
        const rta_rule *r = &rs->rules[i];
        if (r->hi < hi)
            continue;
        if (best == NULL || r->hi - r->lo < best->hi - best->lo)
            best = r;
    }
    if (best == NULL)
        return rta__error(err, RTA_ERR_NOT_FOUND, rs->name, 0, 0, "no rule of %s covers %s",
                          rs->name, code);
    *rule = best;
    return RTA_OK;
}

/* ---- coverage ------------------------------------------------------------- */

static int cmp_reason(const void *a, const void *b)
{
    const rta_coverage_reason *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->reason, y->reason);
}

rta_status rta_ruleset_coverage(const rta_ruleset *rs, rta_coverage *out, rta_error *err)
{
    memset(out, 0, sizeof *out);
    out->source_rules = rs->nsrc;
    out->rules = rs->n;
    out->tag_mismatches = rs->tag_mismatches;
    for (size_t i = 0; i < rs->n; i++)
        out->rules_compiled += !rs->rules[i].has_text_node;
    size_t cap = 0;
    for (size_t i = 0; i < rs->nsrc; i++) {
        const char *r = rs->src[i].reason;
        if (r == NULL) {
            out->source_compiled++;
            continue;
        }
        size_t k = 0;
        while (k < out->n_reasons && strcmp(out->reasons[k].reason, r) != 0)
            k++;
        if (k == out->n_reasons) {
            if (grow((void **)&out->reasons, &cap, k + 1, sizeof *out->reasons) != 0) {
                rta_coverage_free(out);
                return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
            }
            out->reasons[k].reason = r;
            out->reasons[k].count = 0;
            out->n_reasons++;
        }
        out->reasons[k].count++;
    }
    if (out->n_reasons > 1)
        qsort(out->reasons, out->n_reasons, sizeof *out->reasons, cmp_reason);
    return RTA_OK;
}

void rta_coverage_free(rta_coverage *cov)
{
    if (cov == NULL)
        return;
    free(cov->reasons);
    cov->reasons = NULL;
    cov->n_reasons = 0;
}

/* ---- names and equality --------------------------------------------------- */

const char *rta_node_kind_name(rta_node_kind kind)
{
    switch (kind) {
    case RTA_NODE_WO:
        return "WO";
    case RTA_NODE_SHIFT:
        return "SHIFT";
    case RTA_NODE_VALUE:
        return "VALUE";
    case RTA_NODE_WEIGHT:
        return "WEIGHT";
    case RTA_NODE_PROCESS:
        return "PROCESS";
    case RTA_NODE_PRODUCT:
        return "PRODUCT";
    case RTA_NODE_AND:
        return "AND";
    case RTA_NODE_OR:
        return "OR";
    case RTA_NODE_TEXT:
        return "TEXT";
    }
    return "?";
}

const char *rta_shift_level_name(rta_shift_level level)
{
    switch (level) {
    case RTA_SHIFT_CC:
        return "CC";
    case RTA_SHIFT_CTH:
        return "CTH";
    case RTA_SHIFT_CTSH:
        return "CTSH";
    case RTA_SHIFT_ANY:
        return "AH";
    }
    return "?";
}

const char *rta_value_method_name(rta_value_method method)
{
    switch (method) {
    case RTA_VALUE_BD:
        return "BD";
    case RTA_VALUE_BU:
        return "BU";
    case RTA_VALUE_FV:
        return "FV";
    case RTA_VALUE_NC:
        return "NC";
    case RTA_VALUE_MAXNOM:
        return "MaxNOM";
    }
    return "?";
}

const char *rta_cumulation_kind_name(rta_cumulation_kind kind)
{
    switch (kind) {
    case RTA_CUM_NONE:
        return "none";
    case RTA_CUM_BILATERAL:
        return "bilateral";
    case RTA_CUM_DIAGONAL:
        return "diagonal";
    case RTA_CUM_FULL:
        return "full";
    }
    return "?";
}

static int str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int scope_eq(const rta_hs_scope *a, const rta_hs_scope *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].lo != b->v[i].lo || a->v[i].hi != b->v[i].hi ||
            a->v[i].lo_digits != b->v[i].lo_digits || a->v[i].hi_digits != b->v[i].hi_digits)
            return 0;
    return 1;
}

int rta_node_equal(const rta_node *a, const rta_node *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case RTA_NODE_WO:
        return scope_eq(&a->u.wo.scope, &b->u.wo.scope) && str_eq(a->u.wo.words, b->u.wo.words);
    case RTA_NODE_SHIFT:
        return a->u.shift.level == b->u.shift.level &&
               scope_eq(&a->u.shift.except, &b->u.shift.except) &&
               scope_eq(&a->u.shift.from, &b->u.shift.from) &&
               a->u.shift.within == b->u.shift.within &&
               a->u.shift.allow_upct == b->u.shift.allow_upct &&
               str_eq(a->u.shift.allow_words, b->u.shift.allow_words);
    case RTA_NODE_VALUE:
        return a->u.value.method == b->u.value.method && a->u.value.cmp == b->u.value.cmp &&
               a->u.value.threshold_upct == b->u.value.threshold_upct &&
               a->u.value.basis == b->u.value.basis &&
               scope_eq(&a->u.value.scope, &b->u.value.scope) &&
               str_eq(a->u.value.words, b->u.value.words) &&
               a->u.value.all_materials == b->u.value.all_materials;
    case RTA_NODE_WEIGHT:
        return a->u.weight.cmp == b->u.weight.cmp &&
               a->u.weight.threshold_upct == b->u.weight.threshold_upct &&
               a->u.weight.nom_only == b->u.weight.nom_only &&
               a->u.weight.originating == b->u.weight.originating &&
               scope_eq(&a->u.weight.scope, &b->u.weight.scope) &&
               str_eq(a->u.weight.words, b->u.weight.words) &&
               scope_eq(&a->u.weight.base, &b->u.weight.base) &&
               str_eq(a->u.weight.base_words, b->u.weight.base_words);
    case RTA_NODE_PROCESS:
        return str_eq(a->u.process.name, b->u.process.name) &&
               str_eq(a->u.process.words, b->u.process.words);
    case RTA_NODE_PRODUCT:
        return a->u.product.negate == b->u.product.negate &&
               str_eq(a->u.product.words, b->u.product.words);
    case RTA_NODE_TEXT:
        return str_eq(a->u.text.reason, b->u.text.reason) &&
               str_eq(a->u.text.words, b->u.text.words);
    case RTA_NODE_AND:
    case RTA_NODE_OR:
        if (a->u.kids.n != b->u.kids.n)
            return 0;
        for (size_t i = 0; i < a->u.kids.n; i++)
            if (!rta_node_equal(&a->u.kids.v[i], &b->u.kids.v[i]))
                return 0;
        return 1;
    }
    return 0;
}

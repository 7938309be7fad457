/*
 * origin_ukvfta.c - the rule-set JSON of the bundled agreements, and the
 * UK-Viet Nam reader (EVFTA rules) with its general provisions.
 *
 * Why: both bundled files (data/rules_of_origin/vietnam.json and cptpp.json,
 * from the UK Trade Tariff) share one shape: rule_sets with a product scope
 * (min/max 10-digit codes), a heading label ("ex 6202", "5208 to 5212"), a
 * subdivision (the product description) and rules (prose, class tags, an
 * operator). This file reads that shape once; the UK reader then compiles
 * each rule's EVFTA wording (origin_evfta.c), joins the alternatives of a
 * rule set with OR, and resolves the "ex" structure: where one scope has a
 * rule for a described part ("ex 6202: Women's ... embroidered") and one for
 * "Any other product from heading 6202", the tree asks which the good is
 * (PRODUCT nodes) instead of picking one silently.
 */
#include "json.h"
#include "origin_prose.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the shared JSON shape ------------------------------------------------ */

void rta__jsets_free(rta__jset *sets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(sets[i].heading);
        free(sets[i].subdivision);
        for (size_t k = 0; k < sets[i].n; k++) {
            free(sets[i].rules[k].text);
            free(sets[i].rules[k].classes);
        }
        free(sets[i].rules);
    }
    free(sets);
}

static int parse_code10(const char *s, uint64_t *out)
{
    if (strlen(s) != 10)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static char *dup_buf(const rta__buf *b)
{
    return rta__strdup(b->len ? b->data : "");
}

static rta_status read_rule(rta__json *j, rta__jrule *r, rta__buf *key, rta__buf *val,
                            rta_error *err)
{
    rta_status st = rta__json_expect(j, '{', err);
    int more = 0;
    for (int first = 1; st == RTA_OK; first = 0) {
        if ((st = rta__json_object_next(j, first, key, &more, err)) != RTA_OK || !more)
            break;
        if (strcmp(key->data, "rule") == 0) {
            if ((st = rta__json_string(j, val, NULL, err)) == RTA_OK &&
                (r->text = dup_buf(val)) == NULL)
                st = rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
        } else if (strcmp(key->data, "class") == 0) {
            rta__buf cls = {0};
            int m = 0;
            if ((st = rta__json_expect(j, '[', err)) != RTA_OK)
                break;
            for (int f = 1; st == RTA_OK; f = 0) {
                if ((st = rta__json_array_next(j, f, &m, err)) != RTA_OK || !m)
                    break;
                if ((st = rta__json_string(j, val, NULL, err)) == RTA_OK &&
                    (rta__buf_puts(&cls, "|") != 0 || rta__buf_puts(&cls, val->data) != 0))
                    st = rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
            }
            if (st == RTA_OK &&
                (rta__buf_puts(&cls, "|") != 0 || (r->classes = dup_buf(&cls)) == NULL))
                st = rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
            rta__buf_free(&cls);
        } else if (strcmp(key->data, "operator") == 0) {
            int is_null = 0;
            if ((st = rta__json_scalar(j, val, &is_null, err)) == RTA_OK)
                r->op_or = !is_null && strcasecmp(val->data, "or") == 0;
        } else {
            st = rta__json_skip(j, err);
        }
    }
    if (st == RTA_OK && r->text == NULL)
        return rta__json_fail(j, err, "rule without \"rule\" text");
    return st;
}

static rta_status read_set(rta__json *j, rta__jset *s, rta__buf *key, rta__buf *val, rta_error *err)
{
    rta_status st = rta__json_expect(j, '{', err);
    int more = 0, have_min = 0, have_max = 0;
    size_t cap = 0;
    s->valid = 1;
    for (int first = 1; st == RTA_OK; first = 0) {
        if ((st = rta__json_object_next(j, first, key, &more, err)) != RTA_OK || !more)
            break;
        const char *k = key->data;
        if (strcmp(k, "heading") == 0 || strcmp(k, "subdivision") == 0) {
            char **dst = k[0] == 'h' ? &s->heading : &s->subdivision;
            if ((st = rta__json_scalar(j, val, NULL, err)) == RTA_OK) {
                free(*dst);
                if ((*dst = dup_buf(val)) == NULL)
                    st = rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
            }
        } else if (strcmp(k, "min") == 0 || strcmp(k, "max") == 0) {
            if ((st = rta__json_string(j, val, NULL, err)) != RTA_OK)
                break;
            if (parse_code10(val->data, k[1] == 'i' ? &s->lo : &s->hi) != 0)
                return rta__json_fail(j, err, "min/max is not a 10-digit code");
            *(k[1] == 'i' ? &have_min : &have_max) = 1;
        } else if (strcmp(k, "valid") == 0) {
            if ((st = rta__json_scalar(j, val, NULL, err)) == RTA_OK)
                s->valid = strcmp(val->data, "false") != 0;
        } else if (strcmp(k, "rules") == 0) {
            int m = 0;
            if ((st = rta__json_expect(j, '[', err)) != RTA_OK)
                break;
            for (int f = 1; st == RTA_OK; f = 0) {
                if ((st = rta__json_array_next(j, f, &m, err)) != RTA_OK || !m)
                    break;
                if (s->n == cap) {
                    cap = cap ? cap * 2 : 4;
                    rta__jrule *q = realloc(s->rules, cap * sizeof *q);
                    if (q == NULL)
                        return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
                    s->rules = q;
                }
                memset(&s->rules[s->n], 0, sizeof s->rules[s->n]);
                s->n++;
                st = read_rule(j, &s->rules[s->n - 1], key, val, err);
            }
        } else {
            st = rta__json_skip(j, err);
        }
    }
    if (st == RTA_OK && (!have_min || !have_max || s->hi < s->lo))
        return rta__json_fail(j, err, "rule set without a valid min/max scope");
    if (st == RTA_OK && s->heading == NULL && (s->heading = rta__strdup("")) == NULL)
        st = rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    return st;
}

rta_status rta__read_rule_json(const char *path, const char *text, size_t len, rta__jset **out,
                               size_t *nout, rta_error *err)
{
    *out = NULL;
    *nout = 0;
    rta__json j;
    rta__json_init(&j, text, len, path);
    rta__buf key = {0}, val = {0};
    rta__jset *sets = NULL;
    size_t n = 0, cap = 0;
    int more = 0, found = 0;
    rta_status st = rta__json_expect(&j, '{', err);
    for (int first = 1; st == RTA_OK; first = 0) {
        if ((st = rta__json_object_next(&j, first, &key, &more, err)) != RTA_OK || !more)
            break;
        if (strcmp(key.data, "rule_sets") != 0) {
            st = rta__json_skip(&j, err);
            continue;
        }
        found = 1;
        if ((st = rta__json_expect(&j, '[', err)) != RTA_OK)
            break;
        int m = 0;
        for (int f = 1; st == RTA_OK; f = 0) {
            if ((st = rta__json_array_next(&j, f, &m, err)) != RTA_OK || !m)
                break;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                rta__jset *q = realloc(sets, cap * sizeof *q);
                if (q == NULL) {
                    st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
                    break;
                }
                sets = q;
            }
            memset(&sets[n], 0, sizeof sets[n]);
            n++;
            st = read_set(&j, &sets[n - 1], &key, &val, err);
        }
    }
    if (st == RTA_OK && !found)
        st = rta__error(err, RTA_ERR_PARSE, path, 1, 1, "no \"rule_sets\" array");
    rta__buf_free(&key);
    rta__buf_free(&val);
    if (st != RTA_OK) {
        rta__jsets_free(sets, n);
        return st;
    }
    *out = sets;
    *nout = n;
    return RTA_OK;
}

/* ---- assembling rules from sets ------------------------------------------- */

static int digits_of(uint64_t lo, uint64_t hi)
{
    for (int d = 2; d <= 10; d += 2) {
        uint64_t m = 1;
        for (int i = 0; i < 10 - d; i++)
            m *= 10;
        if (lo % m == 0 && hi % m == m - 1)
            return d;
    }
    return 10;
}

rta_status rta__add_rule(rta_ruleset *rs, uint64_t lo, uint64_t hi, int ex, rta_node *root,
                         const char *text, const char *source, rta_error *err)
{
    rta_rule r;
    memset(&r, 0, sizeof r);
    r.lo = lo;
    r.hi = hi;
    r.lo_digits = r.hi_digits = (uint8_t)digits_of(lo, hi);
    r.ex = ex;
    r.root = root;
    r.text = text != NULL ? rta__arena_strndup(&rs->arena, text, strlen(text)) : NULL;
    r.source = source != NULL ? rta__arena_strndup(&rs->arena, source, strlen(source)) : NULL;
    if ((text != NULL && r.text == NULL) || (source != NULL && r.source == NULL))
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    return rta__ruleset_add(rs, &r, err);
}

int rta__classes_has(const char *classes, const char *tag)
{
    if (classes == NULL)
        return 0;
    char pat[64];
    snprintf(pat, sizeof pat, "|%s|", tag);
    return strstr(classes, pat) != NULL;
}

static int tree_has(const rta_node *n, rta_node_kind kind, int level)
{
    if (n->kind == kind && (kind != RTA_NODE_SHIFT || level < 0 || (int)n->u.shift.level == level))
        return 1;
    /* "materials of the same heading ... up to 20% of the ex-works price" is
     * the value limit the Tariff tags MAXNOM */
    if (kind == RTA_NODE_VALUE && n->kind == RTA_NODE_SHIFT && n->u.shift.allow_upct >= 0)
        return 1;
    if (n->kind == RTA_NODE_AND || n->kind == RTA_NODE_OR)
        for (size_t i = 0; i < n->u.kids.n; i++)
            if (tree_has(&n->u.kids.v[i], kind, level))
                return 1;
    return 0;
}

/* A tag the compiled text does not show (the tags are the Tariff's reading;
 * the text is the law): counted, reported by `rta origin coverage`. */
static int tags_disagree(const char *classes, const rta_node *n)
{
    if (rta__classes_has(classes, "WO") && !tree_has(n, RTA_NODE_WO, -1))
        return 1;
    if (rta__classes_has(classes, "CTH") && !tree_has(n, RTA_NODE_SHIFT, RTA_SHIFT_CTH))
        return 1;
    if (rta__classes_has(classes, "CC") && !tree_has(n, RTA_NODE_SHIFT, RTA_SHIFT_CC))
        return 1;
    if (rta__classes_has(classes, "MAXNOM") && !tree_has(n, RTA_NODE_VALUE, -1))
        return 1;
    if ((rta__classes_has(classes, "PROCESSING") ||
         rta__classes_has(classes, "PROCESSING_TEXTILE")) &&
        !tree_has(n, RTA_NODE_PROCESS, -1))
        return 1;
    return 0;
}

typedef struct built {
    rta_node *tree;
    char *text;
    int any_other; /* subdivision "Any other product ..." */
} built;

static int starts_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* "Any other product from heading 0306", or a description whose last step
 * is "Other" ("Rubber thread and cord ... \u25b8 Other;"): the rest of the
 * scope, i.e. not what the sibling rule sets describe. */
static int is_other(const char *sub)
{
    if (starts_ci(sub, "Any other product"))
        return 1;
    size_t n = strlen(sub);
    while (n > 0 &&
           (sub[n - 1] == ';' || sub[n - 1] == '.' || sub[n - 1] == ' ' || sub[n - 1] == ':'))
        n--;
    if (n >= 4 && strncasecmp(sub + n - 4, " and", 4) == 0)
        n -= 4;
    while (n > 0 && (sub[n - 1] == ';' || sub[n - 1] == ' '))
        n--;
    return n >= 9 && strncmp(sub + n - 9, "\xe2\x96\xb8 Other", 9) == 0;
}

rta_status rta__read_rule_file(const char *path, rta__jset **out, size_t *nout, rta_error *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    *nout = 0;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    st = rta__read_rule_json(path, text, len, out, nout, err);
    free(text);
    return st;
}

/* The description without the trailing "; and" / ";" of the source. */
static size_t desc_len(const char *d)
{
    size_t n = strlen(d);
    for (;;) {
        while (n > 0 && (d[n - 1] == ';' || d[n - 1] == ' ' || d[n - 1] == ','))
            n--;
        if (n >= 4 && strncasecmp(d + n - 4, " and", 4) == 0)
            n -= 4;
        else
            break;
    }
    return n;
}

rta_status rta_ruleset_read_ukvfta(const char *path, rta_ruleset **out, rta_error *err)
{
    *out = NULL;
    rta__jset *sets = NULL;
    size_t n = 0;
    rta_status st = rta__read_rule_file(path, &sets, &n, err);
    if (st != RTA_OK)
        return st;
    rta_ruleset *rs = rta__ruleset_new("ukvfta");
    built *b = calloc(n ? n : 1, sizeof *b);
    char *done = calloc(n ? n : 1, 1);
    rta__buf t = {0}, src = {0};
    if (rs == NULL || b == NULL || done == NULL) {
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
        goto out;
    }
    rs->title = "UK-Viet Nam FTA (the EU-Viet Nam FTA's product-specific rules, Protocol 1 "
                "Annex II)";
    /* compile each set: OR of its rules */
    for (size_t i = 0; i < n && st == RTA_OK; i++) {
        rta_node *alts[32];
        size_t na = 0;
        t.len = 0;
        for (size_t k = 0; k < sets[i].n && st == RTA_OK; k++) {
            char *clean = rta__prose_clean(sets[i].rules[k].text);
            rta_node *node = clean != NULL ? rta__prose_evfta(rs, clean) : NULL;
            if (node == NULL) {
                free(clean);
                st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            const char *reason = rta__node_text_reason(node);
            if (reason == NULL && tags_disagree(sets[i].rules[k].classes, node))
                rs->tag_mismatches++;
            st = rta__ruleset_source(rs, reason, err);
            if (st == RTA_OK && na >= 32) { /* never a silently shorter rule */
                st = rta__error(err, RTA_ERR_RANGE, path, 0, 0,
                                "rule set %zu (%s) has more than 32 rules", i,
                                sets[i].heading ? sets[i].heading : "?");
                free(clean);
                break;
            }
            alts[na++] = node;
            if (rta__buf_printf(&t, "%s%s", k > 0 ? "\nor: " : "", clean) != 0)
                st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
            free(clean);
        }
        if (st != RTA_OK)
            break;
        if (na == 0) {
            alts[na++] = rta__node_text(rs, "rule set without rules", "", 0);
            if (alts[0] == NULL || rta__ruleset_source(rs, alts[0]->u.text.reason, err) != RTA_OK) {
                st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
        }
        b[i].tree = rta__node_list(rs, RTA_NODE_OR, alts, na);
        b[i].text = rta__strdup(t.len ? t.data : "");
        b[i].any_other = sets[i].subdivision != NULL && is_other(sets[i].subdivision);
        if (b[i].tree == NULL || b[i].text == NULL)
            st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    /* one rule per scope */
    for (size_t i = 0; i < n && st == RTA_OK; i++) {
        if (done[i])
            continue;
        size_t grp[16]; /* the arrays below hold as many */
        size_t ng = 0;
        for (size_t k = i; k < n && st == RTA_OK; k++)
            if (!done[k] && sets[k].lo == sets[i].lo && sets[k].hi == sets[i].hi) {
                if (ng == sizeof grp / sizeof grp[0]) { /* never a second rule for the scope */
                    st = rta__error(err, RTA_ERR_RANGE, path, 0, 0,
                                    "more than %zu rule sets share the scope of set %zu (%s)",
                                    sizeof grp / sizeof grp[0], i,
                                    sets[i].heading ? sets[i].heading : "?");
                    break;
                }
                grp[ng++] = k;
                done[k] = 1;
            }
        if (st != RTA_OK)
            break;
        rta_node *root = NULL;
        int has_other = 0, differ = 0;
        for (size_t g = 0; g < ng; g++) {
            has_other |= b[grp[g]].any_other;
            const char *d0 = sets[grp[0]].subdivision ? sets[grp[0]].subdivision : "";
            const char *dg = sets[grp[g]].subdivision ? sets[grp[g]].subdivision : "";
            differ |= strcmp(d0, dg) != 0;
        }
        t.len = 0;
        src.len = 0;
        rta__buf_printf(&src, "vietnam.json rule_sets[");
        for (size_t g = 0; g < ng; g++) {
            const rta__jset *s = &sets[grp[g]];
            rta__buf_printf(&src, "%s%zu", g ? "," : "", grp[g]);
            rta__buf_printf(&t, "%s%s (%s): %s", g ? "\n" : "", s->heading,
                            s->subdivision ? s->subdivision : "", b[grp[g]].text);
        }
        rta__buf_puts(&src, "]");
        if (ng == 1 || !differ) {
            rta_node *k[16];
            for (size_t g = 0; g < ng; g++)
                k[g] = b[grp[g]].tree;
            root = rta__node_list(rs, RTA_NODE_OR, k, ng);
        } else {
            /* described parts vs "any other product" */
            rta_node *k[17];
            rta__buf others = {0};
            size_t nk = 0;
            /* the described parts and "any other" cover the scope: passing
             * every member's rule originates whatever the good is */
            if (has_other) {
                rta_node *all_of[16];
                for (size_t g = 0; g < ng; g++)
                    all_of[g] = b[grp[g]].tree;
                k[nk++] = rta__node_list(rs, RTA_NODE_AND, all_of, ng);
            }
            for (size_t g = 0; g < ng; g++) {
                const rta__jset *s = &sets[grp[g]];
                if (b[grp[g]].any_other)
                    continue;
                const char *d = s->subdivision ? s->subdivision : s->heading;
                size_t dl = desc_len(d);
                rta__buf_printf(&others, "%s%.*s", others.len ? "; " : "", (int)dl, d);
                rta_node *cond = rta__node_product(rs, d, dl, 0);
                rta_node *pair[2] = {cond, b[grp[g]].tree};
                k[nk++] = cond ? rta__node_list(rs, RTA_NODE_AND, pair, 2) : NULL;
            }
            for (size_t g = 0; g < ng && others.len > 0; g++) {
                if (!b[grp[g]].any_other)
                    continue;
                rta_node *cond =
                    rta__node_product(rs, others.data ? others.data : "", others.len, 1);
                rta_node *pair[2] = {cond, b[grp[g]].tree};
                k[nk++] = cond ? rta__node_list(rs, RTA_NODE_AND, pair, 2) : NULL;
            }
            rta__buf_free(&others);
            for (size_t g = 0; g < nk; g++)
                if (k[g] == NULL) {
                    rta__buf_free(&others);
                    st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
                    goto out;
                }
            if (nk <= 1) { /* every member "other": nothing to tell them apart by */
                nk = 0;
                for (size_t g = 0; g < ng; g++)
                    k[nk++] = b[grp[g]].tree;
            }
            root = rta__node_list(rs, RTA_NODE_OR, k, nk);
        }
        if (root == NULL || t.data == NULL || src.data == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        int ex = starts_ci(sets[i].heading, "ex");
        /* an "ex" part inside a wider rule's scope with no "any other" rule of
         * its own: the wider rule applies to the rest of the part's scope */
        if (ex && !has_other) {
            size_t best = n;
            for (size_t k = 0; k < n; k++) {
                if (sets[k].lo > sets[i].lo || sets[k].hi < sets[i].hi ||
                    (sets[k].lo == sets[i].lo && sets[k].hi == sets[i].hi))
                    continue;
                if (best == n || sets[k].hi - sets[k].lo < sets[best].hi - sets[best].lo)
                    best = k;
            }
            if (best < n) {
                const char *d = sets[i].subdivision ? sets[i].subdivision : sets[i].heading;
                rta_node *yes = rta__node_product(rs, d, desc_len(d), 0);
                rta_node *no = rta__node_product(rs, d, desc_len(d), 1);
                rta_node *p1[2] = {yes, root}, *p2[2] = {no, b[best].tree};
                rta_node *a1 = yes ? rta__node_list(rs, RTA_NODE_AND, p1, 2) : NULL;
                rta_node *a2 = no ? rta__node_list(rs, RTA_NODE_AND, p2, 2) : NULL;
                rta_node *both[2] = {root, b[best].tree};
                rta_node *alt[3] = {rta__node_list(rs, RTA_NODE_AND, both, 2), a1, a2};
                root = alt[0] && a1 && a2 ? rta__node_list(rs, RTA_NODE_OR, alt, 3) : NULL;
                if (root == NULL ||
                    rta__buf_printf(&t, "\notherwise %s (%s): %s", sets[best].heading,
                                    sets[best].subdivision ? sets[best].subdivision : "",
                                    b[best].text) != 0) {
                    st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
                    break;
                }
            }
        }
        st = rta__add_rule(rs, sets[i].lo, sets[i].hi, ex, root, t.data, src.data, err);
    }
    if (st == RTA_OK)
        st = rta__provisions_ukvfta(rs, err);
    if (st == RTA_OK)
        st = rta__ruleset_finish(rs, err);
out:
    for (size_t i = 0; b != NULL && i < n; i++)
        free(b[i].text);
    free(b);
    free(done);
    rta__buf_free(&t);
    rta__buf_free(&src);
    rta__jsets_free(sets, n);
    if (st != RTA_OK) {
        rta_ruleset_free(rs);
        return st;
    }
    *out = rs;
    return RTA_OK;
}

/* ---- general provisions --------------------------------------------------- */

static const rta_hs_range textiles[] = {{500000, 639999, 2, 2}};
static const rta_hs_range fabrics[] = {{500000, 609999, 2, 2}};
static const rta_hs_range garments[] = {{610000, 629999, 2, 2}};

rta_status rta__provisions_ukvfta(rta_ruleset *rs, rta_error *err)
{
    rta__tol_dir v = {0,
                      RTA_PCT(10),
                      {textiles, 1},
                      1,
                      "EVFTA Protocol 1 Art. 5(3)(b) (general tolerance: 10% of the ex-works "
                      "price), incorporated by the UK-Viet Nam FTA"};
    rta__tol_dir w = {1,
                      RTA_PCT(10),
                      {textiles, 1},
                      0,
                      "EVFTA Protocol 1 Art. 5(3)(b) and Annex I Notes 6-7 (textiles of chapters "
                      "50-63: basic textile materials, 10% of their total weight)"};
    static const char gb[][3] = {"GB"};
    static const char eu[][3] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
                                 "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
                                 "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
    static const char kr[][3] = {"KR"};
    static const char asean[][3] = {"BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH"};
    rta_cumulation c1 = {RTA_CUM_BILATERAL,
                         gb,
                         1,
                         {0},
                         {0},
                         1,
                         "EVFTA Protocol 1 Art. 3(1), mutatis mutandis (UK-Viet Nam FTA)",
                         "materials originating in the United Kingdom count as originating in "
                         "Viet Nam"};
    rta_cumulation c2 = {RTA_CUM_DIAGONAL,
                         eu,
                         27,
                         {0},
                         {0},
                         1,
                         "UK-Viet Nam FTA, cumulation with the EU (extended cumulation)",
                         "materials originating in the European Union count as originating; "
                         "value from the agreement's text, not from the bundled file"};
    rta_cumulation c3 = {RTA_CUM_DIAGONAL,
                         kr,
                         1,
                         {fabrics, 1},
                         {garments, 1},
                         1,
                         "EVFTA Protocol 1 Art. 3(7)-(11) (fabrics originating in Korea, "
                         "applied from 23 December 2020)",
                         "fabrics originating in the Republic of Korea count as originating "
                         "when made up in Viet Nam into garments of chapters 61-62 (Annex V), "
                         "beyond the insufficient operations of Art. 6"};
    rta_cumulation c4 = {RTA_CUM_DIAGONAL,
                         asean,
                         9,
                         {0},
                         {0},
                         0,
                         "EVFTA Protocol 1 Art. 3(3)-(6) (ASEAN cumulation; paragraph numbers "
                         "unconfirmed)",
                         "materials originating in ASEAN member states: only once the "
                         "conditions of Art. 3 are met and notified; not applied by rta"};
    rta_status st;
    if ((st = rta__ruleset_tolerance(rs, &v, err)) != RTA_OK ||
        (st = rta__ruleset_tolerance(rs, &w, err)) != RTA_OK ||
        (st = rta__ruleset_cumulation(rs, &c1, err)) != RTA_OK ||
        (st = rta__ruleset_cumulation(rs, &c2, err)) != RTA_OK ||
        (st = rta__ruleset_cumulation(rs, &c3, err)) != RTA_OK)
        return st;
    return rta__ruleset_cumulation(rs, &c4, err);
}

rta_status rta__provisions_cptpp(rta_ruleset *rs, rta_error *err)
{
    rta__tol_dir v = {0,
                      RTA_PCT(10),
                      {textiles, 1},
                      1,
                      "CPTPP Art. 3.11 (De Minimis: 10% of the value of the good)"};
    rta__tol_dir w = {1,
                      RTA_PCT(10),
                      {textiles, 1},
                      0,
                      "CPTPP Art. 4.2 (textile and apparel goods: 10% of the total weight of "
                      "the good or of the component that determines its classification)"};
    static const char parties[][3] = {"AU", "BN", "CA", "CL", "GB", "JP",
                                      "MX", "MY", "NZ", "PE", "SG", "VN"};
    rta_cumulation c = {RTA_CUM_FULL,
                        parties,
                        12,
                        {0},
                        {0},
                        1,
                        "CPTPP Art. 3.10 (Accumulation)",
                        "originating materials of, and production in, any Party count; the "
                        "United Kingdom is a Party since 15 December 2024"};
    rta_status st;
    if ((st = rta__ruleset_tolerance(rs, &v, err)) != RTA_OK ||
        (st = rta__ruleset_tolerance(rs, &w, err)) != RTA_OK)
        return st;
    return rta__ruleset_cumulation(rs, &c, err);
}

rta_status rta_ruleset_load_bundled(const char *name, const char *data_dir, rta_ruleset **out,
                                    rta_error *err)
{
    *out = NULL;
    const char *file = NULL;
    if (strcmp(name, "ukvfta") == 0)
        file = "vietnam.json";
    else if (strcmp(name, "cptpp") == 0)
        file = "cptpp.json";
    else
        return rta__error(err, RTA_ERR_NOT_FOUND, name, 0, 0,
                          "no bundled rule set \"%s\" (bundled: ukvfta, cptpp)", name);
    rta__buf path = {0};
    if (rta__buf_printf(&path, "%s/rules_of_origin/%s", data_dir, file) != 0)
        return rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
    rta_status st = file[0] == 'v' ? rta_ruleset_read_ukvfta(path.data, out, err)
                                   : rta_ruleset_read_cptpp(path.data, out, err);
    rta__buf_free(&path);
    return st;
}

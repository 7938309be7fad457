/*
 * origin_evfta.c - compiling the EVFTA wording of the product-specific rules
 * (EVFTA Protocol 1 Annex II, mirrored by the UK-Viet Nam FTA) into trees.
 *
 * Why: the UK JSON tags each rule (WO, CTH, MAXNOM, ...) but the tags drop
 * the details that decide a verdict ("except that of the product and of
 * heading 1006", "However, materials of the same heading ... 20 %", "the
 * weight of sugar used does not exceed 20 %"). The text is the rule, so it
 * is compiled; the tags are used as a cross-check (origin_ukvfta.c).
 * Recognised shapes: the tariff shift family ("Manufacture from materials of
 * any heading, except ..."), MaxNOM ("the value of all the materials used
 * does not exceed 50 % of the ex-works price"), wholly obtained ("all the
 * materials of chapter 3 used are wholly obtained"), weight limits, "however
 * ... may be used" allowances, "Manufacture from <materials>", and the
 * textile process phrases ("Weaving accompanied by making-up (including
 * cutting)"). Anything else is a TEXT node with the reason.
 */
#include "origin_prose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ev {
    rta_ruleset *rs;
    const char *why; /* reason when a recogniser gives up */
    int oom;
} ev;

static rta_node *fail(ev *e, const char *why)
{
    if (e->why == NULL)
        e->why = why;
    return NULL;
}

static const char *find_ci(const char *s, const char *end, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; p + n <= end; p++)
        if (strncasecmp(p, w, n) == 0)
            return p;
    return NULL;
}

static int at_end(const char *p, const char *end)
{
    while (p < end &&
           (*p == '.' || *p == ' ' || *p == '\n' || *p == ',' || isdigit((unsigned char)*p)))
        p++;
    return p >= end;
}

/* codes at *p into a scope of the set; 0 ok, 1 none, -1 oom */
static int codes(ev *e, const char **p, rta_hs_scope *out)
{
    rta__ranges r = {0};
    int rc = rta__prose_codes(p, &r, 0);
    if (rc == 0 && rta__scope_copy(e->rs, r.v, r.n, out) != 0)
        rc = -1;
    free(r.v);
    if (rc < 0)
        e->oom = 1;
    return rc;
}

static rta_node *maxnom(ev *e, int64_t upct)
{
    rta_node *n = rta__node_new(e->rs, RTA_NODE_VALUE);
    if (n == NULL) {
        e->oom = 1;
        return NULL;
    }
    n->u.value.method = RTA_VALUE_MAXNOM;
    n->u.value.cmp = RTA_CMP_LE;
    n->u.value.threshold_upct = upct;
    n->u.value.basis = RTA_BASIS_EXWORKS;
    return n;
}

static rta_node *and2(ev *e, rta_node *a, rta_node *b)
{
    if (a == NULL || b == NULL)
        return NULL;
    rta_node *k[2] = {a, b};
    rta_node *n = rta__node_list(e->rs, RTA_NODE_AND, k, 2);
    if (n == NULL)
        e->oom = 1;
    return n;
}

/* "<what> used does not exceed N% of the ex-works price of the product|set"
 * where what was already consumed; returns the threshold. */
static int exworks_tail(const char **p, int64_t *upct)
{
    const char *q = *p;
    if (!(rta__eat(&q, " used does not exceed ") || rta__eat(&q, " does not exceed ")))
        return -1;
    if (rta__prose_pct(&q, upct) != 0)
        return -1;
    rta__skip_ws(&q);
    if (!rta__eat(&q, "of the")) /* "of the\n\nex-works" is cleaned to "of the\nex-works" */
        return -1;
    rta__skip_ws(&q);
    if (!(rta__eat(&q, "ex-works price of the product") ||
          rta__eat(&q, "ex-works price of the set")))
        return -1;
    *p = q;
    return 0;
}

/* A value limit: "[the ][total ]value of [all ]the X used does not exceed N%
 * of the ex-works price of the product" (p at "value" or "the value"). */
static rta_node *value_clause(ev *e, const char **p, const char *end)
{
    const char *q = *p;
    rta__eat(&q, "the ");
    rta__eat(&q, "total ");
    if (!rta__eat(&q, "value of "))
        return fail(e, "value condition not recognised");
    int all = rta__eat(&q, "all ");
    rta__eat(&q, "the ");
    const char *what = q;
    const char *used = find_ci(q, end, " used does not exceed ");
    if (used == NULL)
        used = find_ci(q, end, " does not exceed ");
    if (used == NULL)
        return fail(e, "value condition not recognised");
    int64_t upct;
    const char *t = used;
    if (exworks_tail(&t, &upct) != 0)
        return fail(e, "value condition not on the ex-works price");
    rta_node *n = maxnom(e, upct);
    if (n == NULL)
        return NULL;
    size_t wl = (size_t)(used - what);
    if (wl == 9 && strncasecmp(what, "materials", 9) == 0) {
        (void)all; /* "all the materials used": every non-originating material */
    } else {
        const char *c = what;
        if (rta__eat(&c, "materials of ")) {
            int rc = codes(e, &c, &n->u.value.scope);
            if (rc != 0 || c != used)
                return rc < 0 ? NULL : fail(e, "material list not recognised");
        } else {
            n->u.value.words = rta__arena_strndup(&e->rs->arena, what, wl);
            if (n->u.value.words == NULL) {
                e->oom = 1;
                return NULL;
            }
        }
    }
    *p = t;
    return n;
}

/* X of a weight clause: "sugar", "the materials of chapter 4", "sugar and
 * the materials of chapter 4"; fills scope/words. */
static int weight_what(ev *e, const char *s, const char *end, rta_hs_scope *scope,
                       const char **words)
{
    const char *p = s;
    rta__eat(&p, "the ");
    if (rta__eat(&p, "sugar")) {
        *words = "sugar";
        if (p == end)
            return 0;
        if (!(rta__eat(&p, " and the ") || rta__eat(&p, " and of the ") || rta__eat(&p, " and ")))
            return -1;
    }
    if (!rta__eat(&p, "materials of "))
        return -1;
    if (codes(e, &p, scope) != 0 || p != end)
        return -1;
    return 0;
}

static rta_node *weight_node(ev *e, int64_t upct, const rta_hs_scope *scope, const char *words)
{
    rta_node *n = rta__node_new(e->rs, RTA_NODE_WEIGHT);
    if (n == NULL) {
        e->oom = 1;
        return NULL;
    }
    n->u.weight.cmp = RTA_CMP_LE;
    n->u.weight.threshold_upct = upct;
    n->u.weight.scope = *scope;
    if (words != NULL &&
        (n->u.weight.words = rta__arena_strndup(&e->rs->arena, words, strlen(words))) == NULL) {
        e->oom = 1;
        return NULL;
    }
    return n;
}

/* "the [individual |total combined |total ]weight of X used does not exceed
 * N% of the weight of the final product[s]" or "... of the total weight of
 * materials of chapter 24 used"; also "the materials of ... used does not
 * exceed N% of the weight of the final product" (the text omits "weight"). */
static rta_node *weight_clause(ev *e, const char *s, const char *end)
{
    const char *p = s;
    rta__eat(&p, "in which ");
    rta__eat(&p, "the ");
    int individual = rta__eat(&p, "individual ");
    if (!individual && !rta__eat(&p, "total combined "))
        rta__eat(&p, "total ");
    rta__eat(&p, "weight of ");
    const char *used = find_ci(p, end, " used does not exceed ");
    if (used == NULL)
        return fail(e, "weight condition not recognised");
    const char *q = used + strlen(" used does not exceed ");
    int64_t upct;
    if (rta__prose_pct(&q, &upct) != 0)
        return fail(e, "weight condition not recognised");
    rta__skip_ws(&q);
    rta_hs_scope base = {0};
    int has_base = 0;
    if (rta__eat(&q, "of the weight of the final products") ||
        rta__eat(&q, "of the weight of the final product")) {
    } else if (rta__eat(&q, "of the total weight of materials of ")) {
        if (codes(e, &q, &base) != 0 || !rta__eat(&q, " used"))
            return fail(e, "weight base not recognised");
        has_base = 1;
    } else {
        return fail(e, "weight base not recognised");
    }
    if (!at_end(q, end))
        return fail(e, "text after the weight condition");
    rta_hs_scope scope = {0};
    const char *words = NULL;
    if (individual) {
        /* "individual weight of sugar and of the materials of chapter 4":
         * each limited on its own */
        const char *w = p;
        if (rta__eat(&w, "sugar and of the materials of ") ||
            rta__eat(&w, "sugar and the materials of ")) {
            if (codes(e, &w, &scope) != 0 || w != used)
                return fail(e, "weight condition not recognised");
            rta_hs_scope none = {0};
            return and2(e, weight_node(e, upct, &none, "sugar"),
                        weight_node(e, upct, &scope, NULL));
        }
    }
    if (weight_what(e, p, used, &scope, &words) != 0)
        return fail(e, "weighed materials not recognised");
    rta_node *n = weight_node(e, upct, &scope, words);
    if (n != NULL && has_base)
        n->u.weight.base = base;
    return n;
}

/* "all the X used are wholly obtained" (p after "all the ") */
static rta_node *wo_materials(ev *e, const char *p, const char *end)
{
    const char *used = find_ci(p, end, " used are wholly obtained");
    size_t ul = strlen(" used are wholly obtained");
    if (used == NULL) {
        used = find_ci(p, end, " used is wholly obtained");
        ul = strlen(" used is wholly obtained");
    }
    if (used == NULL || !at_end(used + ul, end))
        return fail(e, "wholly obtained condition not recognised");
    rta_node *n = rta__node_new(e->rs, RTA_NODE_WO);
    if (n == NULL) {
        e->oom = 1;
        return NULL;
    }
    const char *c = p;
    if (rta__eat(&c, "materials of ")) {
        int rc = codes(e, &c, &n->u.wo.scope);
        if (rc == 0 && c == used)
            return n;
        if (rc < 0)
            return NULL;
        n->u.wo.scope.n = 0;
    }
    n->u.wo.words = rta__arena_strndup(&e->rs->arena, p, (size_t)(used - p));
    if (n->u.wo.words == NULL)
        e->oom = 1;
    return n->u.wo.words != NULL ? n : NULL;
}

/* bullets of "in which:\n- a\n- b" */
static rta_node *bullets(ev *e, const char *p, const char *end)
{
    rta_node *kids[16] = {0};
    size_t nk = 0;
    while (p < end) {
        rta__skip_ws(&p);
        if (!rta__eat(&p, "- "))
            return fail(e, "list of conditions not recognised");
        const char *next = find_ci(p, end, "\n- ");
        const char *be = next != NULL ? next : end;
        const char *t = be;
        /* trailing ", and" / " and" / "," */
        while (t > p && (t[-1] == ' ' || t[-1] == ',' || t[-1] == '.' || t[-1] == '\n'))
            t--;
        if (t - p > 4 && strncasecmp(t - 4, " and", 4) == 0)
            t -= 4;
        while (t > p && (t[-1] == ' ' || t[-1] == ','))
            t--;
        rta_node *k;
        const char *q = p;
        if (rta__eat(&q, "all the "))
            k = wo_materials(e, q, t);
        else
            k = weight_clause(e, p, t);
        if (k == NULL || nk >= 16)
            return nk >= 16 ? fail(e, "too many conditions") : NULL;
        kids[nk++] = k;
        p = be;
    }
    rta_node *n = rta__node_list(e->rs, RTA_NODE_AND, kids, nk);
    if (n == NULL && nk > 0)
        e->oom = 1;
    return n != NULL ? n : fail(e, "empty list of conditions");
}

/* "Manufacture from materials of any heading, except that of the product ..." */
static rta_node *shift_family(ev *e, const char *p, const char *end, rta_shift_level level,
                              int product_excluded)
{
    rta_node *n = rta__node_new(e->rs, RTA_NODE_SHIFT);
    if (n == NULL) {
        e->oom = 1;
        return NULL;
    }
    n->u.shift.level = product_excluded ? level : RTA_SHIFT_ANY;
    n->u.shift.allow_upct = -1;
    rta__ranges ex = {0};
    /* additional exclusions */
    for (;;) {
        const char *q = p;
        if (rta__eat(&q, " and except materials of ") || rta__eat(&q, " and of ") ||
            rta__eat(&q, " and ") || rta__eat(&q, ", except those of ") ||
            rta__eat(&q, " except those of ")) {
            if (rta__prose_codes(&q, &ex, 0) == 0) {
                p = q;
                continue;
            }
        }
        break;
    }
    if (ex.n > 0 && rta__scope_copy(e->rs, ex.v, ex.n, &n->u.shift.except) != 0) {
        free(ex.v);
        e->oom = 1;
        return NULL;
    }
    free(ex.v);
    {
        const char *q = p;
        rta__ranges inc = {0};
        if (rta__eat(&q, ", including other materials of ") && rta__prose_codes(&q, &inc, 0) == 0)
            p = q; /* "including other materials of heading N": no restriction */
        free(inc.v);
    }
    if (at_end(p, end))
        return n;
    const char *q = p;
    rta__eat(&q, ".");
    rta__skip_ws(&q);
    if (rta__eat(&q, "However, materials of the same heading as the product may be used, "
                     "provided that their total value does not exceed ") ||
        rta__eat(&q, "However, materials of the same subheading as the product may be used, "
                     "provided that their total value does not exceed ")) {
        int64_t upct;
        const char *t = q;
        if (rta__prose_pct(&t, &upct) == 0) {
            rta__skip_ws(&t);
            if (rta__eat(&t, "of the") && (rta__skip_ws(&t), 1) &&
                rta__eat(&t, "ex-works price of the product") && at_end(t, end)) {
                n->u.shift.allow_upct = upct;
                return n;
            }
        }
        return fail(e, "allowance for materials of the same heading not recognised");
    }
    q = p;
    rta__eat(&q, ".");
    rta__skip_ws(&q);
    if (rta__eat(&q, "However, ")) {
        const char *may = find_ci(q, end, " may be used");
        if (find_ci(q, end, "may not be used") != NULL)
            return fail(e, "materials excluded by description in prose");
        if (may != NULL && at_end(may + strlen(" may be used"), end) &&
            find_ci(q, may, "may not") == NULL) {
            n->u.shift.allow_words = rta__arena_strndup(&e->rs->arena, q, (size_t)(may - q));
            if (n->u.shift.allow_words == NULL)
                e->oom = 1;
            return n->u.shift.allow_words != NULL ? n : NULL;
        }
        return fail(e, "condition on named materials (\"However, ...\") not recognised");
    }
    q = p;
    if (rta__eat(&q, ", in which:") || rta__eat(&q, " in which:")) {
        rta_node *bl = bullets(e, q, end);
        return bl != NULL ? and2(e, n, bl) : NULL;
    }
    q = p;
    if (rta__eat(&q, ", and in which ") || rta__eat(&q, ", in which ") ||
        rta__eat(&q, " in which ")) {
        const char *t = q;
        if (rta__eat(&t, "the value of ") || rta__eat(&t, "the total value of ")) {
            const char *v = q;
            rta_node *val = value_clause(e, &v, end);
            if (val == NULL)
                return NULL;
            if (!at_end(v, end))
                return fail(e, "text after the value condition");
            return and2(e, n, val);
        }
        if (*q == ':') {
            rta_node *b = bullets(e, q + 1, end);
            return b != NULL ? and2(e, n, b) : NULL;
        }
        rta_node *w = weight_clause(e, q, end);
        return w != NULL ? and2(e, n, w) : NULL;
    }
    q = p;
    if (rta__eat(&q, ", except from ") || rta__eat(&q, " except from ") ||
        rta__eat(&q, ", except ") || rta__eat(&q, " except "))
        return fail(e, "exception named by description, not by code");
    return fail(e, "condition after the tariff shift not recognised");
}

/* "Manufacture from <words> [of CODES]" */
static rta_node *manufacture_from(ev *e, const char *p, const char *end, const char *phrase)
{
    const char *t = end;
    while (t > p && (t[-1] == '.' || t[-1] == ' '))
        t--;
    const char *q = p;
    rta_node *n = rta__node_new(e->rs, RTA_NODE_SHIFT);
    if (n == NULL) {
        e->oom = 1;
        return NULL;
    }
    n->u.shift.level = RTA_SHIFT_ANY;
    n->u.shift.allow_upct = -1;
    if (rta__eat(&q, "materials of ") || rta__eat(&q, "materials of heading heading ")) {
        if (strncasecmp(q, "heading heading ", 16) == 0)
            q += 8; /* a doubled word in the source */
        int rc = codes(e, &q, &n->u.shift.from);
        if (rc == 0 && at_end(q, end))
            return n;
        if (rc < 0)
            return NULL;
        return fail(e, "list of materials not recognised");
    }
    /* "<words> of heading N" */
    const char *of = NULL;
    for (const char *s = p; s < t; s++)
        if (strncasecmp(s, " of heading ", 12) == 0 || strncasecmp(s, " of subheading ", 15) == 0)
            of = s;
    char slug[56];
    rta__slug(phrase, (size_t)(t - phrase), slug, sizeof slug);
    rta_node *proc = rta__node_process(e->rs, slug, phrase, (size_t)(t - phrase));
    if (proc == NULL) {
        e->oom = 1;
        return NULL;
    }
    if (of != NULL) {
        const char *c = of + 4;
        int rc = codes(e, &c, &n->u.shift.from);
        if (rc < 0)
            return NULL;
        if (rc == 0 && at_end(c, end))
            return and2(e, n, proc);
    }
    if (find_ci(p, t, " of heading") != NULL || find_ci(p, t, "provided") != NULL ||
        find_ci(p, t, "except") != NULL || find_ci(p, t, "however") != NULL)
        return fail(e, "materials named with exceptions or conditions");
    return proc;
}

static rta_node *compile(ev *e, const char *s, const char *end);

rta_node *rta__prose_evfta(rta_ruleset *rs, const char *clean)
{
    ev e = {rs, NULL, 0};
    const char *end = clean + strlen(clean);
    rta_node *n = compile(&e, clean, end);
    if (e.oom)
        return NULL;
    if (n == NULL)
        return rta__node_text(rs, e.why != NULL ? e.why : "wording not recognised", clean,
                              strlen(clean));
    return n;
}

static rta_node *compile(ev *e, const char *s, const char *end)
{
    const char *p = s;
    if (find_ci(s, end, "each item in the set") != NULL)
        return fail(e, "set of articles: each item follows its own rule");
    if (find_ci(s, end, "only the following") != NULL)
        return fail(e, "list of permitted materials in prose");
    if (find_ci(s, end, "may be used only if") != NULL)
        return fail(e, "materials allowed only on a condition in prose");
    if (isdigit((unsigned char)*s))
        return fail(e, "garbled source text (starts with a number)");
    if (find_ci(s, end, "However:") != NULL)
        return fail(e, "exception list in prose");

    /* a value proviso anywhere: "[,] provided that the [total ]value of ..." */
    const char *pv = find_ci(s, end, "provided that the ");
    if (pv != NULL && find_ci(s, pv, "may be used") == NULL) {
        const char *q = pv + strlen("provided that ");
        rta_node *val = value_clause(e, &q, end);
        if (val == NULL)
            return NULL;
        /* remove [", "]"provided that ... product" and compile the rest */
        const char *cut = pv;
        while (cut > s && (cut[-1] == ' ' || cut[-1] == ','))
            cut--;
        size_t n1 = (size_t)(cut - s), n2 = (size_t)(end - q);
        char *rest = malloc(n1 + n2 + 2);
        if (rest == NULL) {
            e->oom = 1;
            return NULL;
        }
        memcpy(rest, s, n1);
        rest[n1] = ' ';
        memcpy(rest + n1 + 1, q, n2);
        rest[n1 + 1 + n2] = '\0';
        /* the remainder's words live in the arena via the nodes made from it */
        rta_node *body = compile(e, rest, rest + n1 + 1 + n2);
        free(rest);
        return body != NULL ? and2(e, body, val) : NULL;
    }

    if (rta__eat(&p, "Manufacture from materials of any heading except that of the product") ||
        rta__eat(&p, "Manufacture from materials of any heading, except that of the product") ||
        rta__eat(&p, "Other operations in which all the materials used are classified within a "
                     "heading other than that of the product"))
        return shift_family(e, p, end, RTA_SHIFT_CTH, 1);
    if (rta__eat(&p, "Manufacture from materials of any subheading, except that of the product"))
        return shift_family(e, p, end, RTA_SHIFT_CTSH, 1);
    if (rta__eat(&p, "Manufacture from materials of any chapter, except that of the product") ||
        rta__eat(&p, "Manufacture from materials of any chapter except that of the product"))
        return shift_family(e, p, end, RTA_SHIFT_CC, 1);
    if (rta__eat(&p, "Manufacture from materials of any heading"))
        return shift_family(e, p, end, RTA_SHIFT_ANY, 0);
    p = s;
    if (rta__eat(&p, "Manufacture in which the value of all the materials used") ||
        rta__eat(&p, "Manufacture in which the total value of")) {
        const char *q = s + strlen("Manufacture in which ");
        rta_node *val = value_clause(e, &q, end);
        if (val == NULL)
            return NULL;
        return at_end(q, end) ? val : fail(e, "text after the value condition");
    }
    p = s;
    if (rta__eat(&p, "Manufacture in which:"))
        return bullets(e, p, end);
    p = s;
    if (rta__eat(&p, "Manufacture in which all the "))
        return wo_materials(e, p, end);
    p = s;
    if (rta__eat(&p, "Manufacture in which one of the following operations is included:")) {
        rta__skip_ws(&p);
        const char *why = NULL;
        rta_node *n = rta__prose_process(e->rs, p, (size_t)(end - p), &why);
        if (n == NULL && why == NULL)
            e->oom = 1;
        return n != NULL ? n : fail(e, why);
    }
    p = s;
    if (rta__eat(&p, "All ")) {
        const char *w = find_ci(p, end, " wholly obtained");
        if (w != NULL && at_end(w + strlen(" wholly obtained"), end)) {
            rta_node *n = rta__node_new(e->rs, RTA_NODE_WO);
            if (n == NULL)
                e->oom = 1;
            return n;
        }
    }
    p = s;
    if (rta__eat(&p, "Manufacture from "))
        return manufacture_from(e, p, end, s);
    const char *why = NULL;
    rta_node *n = rta__prose_process(e->rs, s, (size_t)(end - s), &why);
    if (n == NULL && why == NULL)
        e->oom = 1;
    return n != NULL ? n : fail(e, why != NULL ? why : "wording not recognised");
}

/*
 * origin_cptpp.c - compiling the CPTPP product-specific rules (Annex 3-D,
 * English text in data/rules_of_origin/cptpp.json) into trees.
 *
 * Why: the CPTPP file has no usable tags, only the treaty's sentences, which
 * follow two templates:
 *   "A change to <good> from any other <chapter|heading|subheading>[, except
 *    from <codes>][, provided <condition>]."
 *   "No change in tariff classification required for <good>, provided
 *    <condition>."
 * where the condition is a regional value content ("not less than 40 per
 * cent under the build-down method", or a list "- a) 30% under the build-up
 * method" continued by the next entries "- b) ...", "- c) ..."), a process
 * ("cut or knit to shape ... and sewn"), a value or weight limit on named
 * non-originating materials. <good> may describe part of the scope
 * ("mixtures of subheading 2008.19 containing 50% or more ... nuts") or say
 * "any other good"; those become PRODUCT conditions, so a verdict asks which
 * good it is instead of taking the easiest rule. Every entry of a rule set is
 * an alternative (the file's operator "or" and the treaty's "; or").
 */
#include "origin_prose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct alt {
    rta_node *qual;     /* PRODUCT condition or NULL */
    rta_node *parts[4]; /* AND parts: shift, proviso */
    size_t nparts;
    rta_node *rvc[8]; /* a pending RVC list ("- a) ...", "- b) ...") */
    size_t nrvc;
    int rvc_open;
    const char *why; /* TEXT reason if not compiled */
} alt;

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
    while (p < end && (*p == '.' || *p == ' ' || *p == '\n' || *p == ';'))
        p++;
    return p >= end;
}

/* "N% under the build-down method" etc.; p after the percentage */
static rta_node *rvc_method(rta_ruleset *rs, const char **pp, const char *end, int64_t upct,
                            const char **why, int *oom)
{
    const char *p = *pp;
    rta__skip_ws(&p);
    rta__eat(&p, "under ");
    rta__eat(&p, "the ");
    rta_value_method m;
    if (rta__eat(&p, "build-down method"))
        m = RTA_VALUE_BD;
    else if (rta__eat(&p, "build-up method"))
        m = RTA_VALUE_BU;
    else if (rta__eat(&p, "net cost method"))
        m = RTA_VALUE_NC;
    else if (rta__eat(&p, "focused value method"))
        m = RTA_VALUE_FV;
    else {
        *why = "regional value method not recognised";
        return NULL;
    }
    rta_node *n = rta__node_new(rs, RTA_NODE_VALUE);
    if (n == NULL) {
        *oom = 1;
        return NULL;
    }
    n->u.value.method = m;
    n->u.value.cmp = RTA_CMP_GE;
    n->u.value.threshold_upct = upct;
    n->u.value.basis = m == RTA_VALUE_NC ? RTA_BASIS_NET_COST : RTA_BASIS_VALUE;
    if (m == RTA_VALUE_FV) {
        if (!rta__eat(&p, " taking into account only the non-originating materials of ")) {
            *why = "focused value method without its materials";
            return NULL;
        }
        rta__ranges r = {0};
        int rc = rta__prose_codes(&p, &r, 0);
        if (rc == 0 && rta__scope_copy(rs, r.v, r.n, &n->u.value.scope) != 0)
            rc = -1;
        free(r.v);
        if (rc != 0) {
            *oom = rc < 0;
            *why = "focused value materials named by description, not by code";
            return NULL;
        }
        if (!at_end(p, end)) {
            *why = "focused value materials named by description, not by code";
            return NULL;
        }
    }
    *pp = p;
    return n;
}

/* A "- b) 40% under the build-down method." entry (or the "- a)" line
 * inside the opening entry). */
static rta_node *rvc_item(rta_ruleset *rs, const char **pp, const char *end, const char **why,
                          int *oom)
{
    const char *p = *pp;
    rta__skip_ws(&p);
    if (!rta__eat(&p, "- ") || !isalpha((unsigned char)p[0]) || p[1] != ')') {
        *why = "value list item not recognised";
        return NULL;
    }
    p += 2;
    rta__skip_ws(&p);
    int64_t upct;
    if (rta__prose_pct(&p, &upct) != 0) {
        *why = "value list item not recognised";
        return NULL;
    }
    rta_node *n = rvc_method(rs, &p, end, upct, why, oom);
    if (n != NULL)
        *pp = p;
    return n;
}

static int set_words(rta_ruleset *rs, const char **dst, const char *s, size_t n)
{
    *dst = rta__arena_strndup(&rs->arena, s, n);
    return *dst != NULL ? 0 : -1;
}

/* The condition after "provided [that] ". */
static int proviso(rta_ruleset *rs, alt *a, const char *p, const char *end, int *oom)
{
    const char *why = NULL;
    rta__eat(&p, "that ");
    if (rta__eat(&p, "there is a regional value content of not less than")) {
        rta__skip_ws(&p);
        if (*p == ':') {
            p++;
            a->rvc_open = 1;
            do {
                rta_node *n = a->nrvc < 8 ? rvc_item(rs, &p, end, &why, oom) : NULL;
                if (n == NULL) {
                    a->why = why != NULL ? why : "value list item not recognised";
                    return -1;
                }
                a->rvc[a->nrvc++] = n;
                while (p < end && (*p == '.' || *p == ' ' || *p == ';'))
                    p++;
            } while (p < end && *p == '\n' && (rta__skip_ws(&p), p < end));
            if (!at_end(p, end)) {
                a->why = "text after the value condition";
                return -1;
            }
            return 0;
        }
        int64_t upct;
        if (rta__prose_pct(&p, &upct) != 0) {
            a->why = "regional value content not recognised";
            return -1;
        }
        rta_node *n = rvc_method(rs, &p, end, upct, &why, oom);
        if (n == NULL || !at_end(p, end)) {
            a->why = why != NULL ? why : "text after the value condition";
            return -1;
        }
        a->parts[a->nparts++] = n;
        return 0;
    }
    static const struct {
        const char *w;
        const char *name;
    } procs[] = {
        {"the good is cut or knit to shape, or both, and sewn or otherwise assembled in the "
         "territory of one or more of the Parties",
         "cut-and-sewn"},
        {"the good is smoked from a good that is not smoked", "smoking"},
        {"the good is crushed or ground from a good that is not crushed or ground",
         "crushing-grinding"},
    };
    for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++) {
        const char *q = p;
        if (rta__eat(&q, procs[i].w) && at_end(q, end)) {
            rta_node *n = rta__node_process(rs, procs[i].name, p, strlen(procs[i].w));
            if (n == NULL) {
                *oom = 1;
                return -1;
            }
            a->parts[a->nparts++] = n;
            return 0;
        }
    }
    if (rta__eat(&p, "not less than ")) {
        int64_t upct;
        const char *q = p;
        const char *isorig = find_ci(q, end, " is originating");
        if (rta__prose_pct(&q, &upct) == 0 && rta__eat(&q, " by weight of the ") &&
            isorig != NULL && isorig > q && at_end(isorig + strlen(" is originating"), end)) {
            /* "not less than 50% by weight of the total polymer content is
             * originating": originating X / all X >= 50% */
            rta_node *n = rta__node_new(rs, RTA_NODE_WEIGHT);
            if (n == NULL || set_words(rs, &n->u.weight.words, q, (size_t)(isorig - q)) != 0 ||
                set_words(rs, &n->u.weight.base_words, q, (size_t)(isorig - q)) != 0) {
                *oom = 1;
                return -1;
            }
            n->u.weight.cmp = RTA_CMP_GE;
            n->u.weight.threshold_upct = upct;
            n->u.weight.originating = 1;
            a->parts[a->nparts++] = n;
            return 0;
        }
        a->why = find_ci(p, end, "dry weight") != NULL ? "dry-weight condition"
                                                       : "weight condition not recognised";
        return -1;
    }
    int is_value = 0;
    if ((is_value = rta__eat(&p, "the value of non-originating materials of ")) ||
        rta__eat(&p, "the weight of non-originating materials of ")) {
        rta__ranges r = {0};
        int rc = rta__prose_codes(&p, &r, 0);
        const char *q = p;
        int64_t upct = 0;
        int ok = rc == 0 && rta__eat(&q, " does not exceed ") && rta__prose_pct(&q, &upct) == 0;
        if (ok && is_value)
            ok = rta__eat(&q, " of the value of the good") && at_end(q, end);
        else if (ok)
            ok = rta__eat(&q, " by weight of the good") && at_end(q, end);
        if (!ok) {
            free(r.v);
            *oom = rc < 0;
            a->why = "limit on materials named by description, not by code";
            return -1;
        }
        rta_node *n = rta__node_new(rs, is_value ? RTA_NODE_VALUE : RTA_NODE_WEIGHT);
        rta_hs_scope sc = {0};
        if (n == NULL || rta__scope_copy(rs, r.v, r.n, &sc) != 0) {
            free(r.v);
            *oom = 1;
            return -1;
        }
        free(r.v);
        if (is_value) {
            n->u.value.method = RTA_VALUE_MAXNOM;
            n->u.value.cmp = RTA_CMP_LE;
            n->u.value.threshold_upct = upct;
            n->u.value.basis = RTA_BASIS_VALUE;
            n->u.value.scope = sc;
        } else {
            n->u.weight.cmp = RTA_CMP_LE;
            n->u.weight.threshold_upct = upct;
            n->u.weight.nom_only = 1;
            n->u.weight.scope = sc;
        }
        a->parts[a->nparts++] = n;
        return 0;
    }
    if (find_ci(p, end, "value of non-originating") != NULL)
        a->why = "limit on materials named by description, not by code";
    else if (find_ci(p, end, "alcoholic") != NULL)
        a->why = "alcoholic-strength condition";
    else if (find_ci(p, end, "dry weight") != NULL)
        a->why = "dry-weight condition";
    else
        a->why = "condition not recognised";
    return -1;
}

/* The good: "a good of subheading 8517.11 through 8517.69" (no condition),
 * "any other good of ..." (negated), anything else (a described part). */
static int good(rta_ruleset *rs, alt *a, const char *s, const char *end, rta__buf *positives,
                int *oom)
{
    const char *p = s;
    int other = 0;
    if (rta__eat(&p, "a good of ") || (other = rta__eat(&p, "any other good of "))) {
        rta__ranges r = {0};
        int rc = rta__prose_codes(&p, &r, 0);
        free(r.v);
        if (rc < 0) {
            *oom = 1;
            return -1;
        }
        if (rc == 0 && p == end) {
            if (other) {
                if (positives->len == 0) {
                    a->why = "\"any other good\" without the goods it excludes";
                    return -1;
                }
                a->qual = rta__node_product(rs, positives->data, positives->len, 1);
                if (a->qual == NULL)
                    *oom = 1;
                return a->qual != NULL ? 0 : -1;
            }
            return 0;
        }
        if (other) {
            /* "any other good of subheading N containing ..." */
            a->why = "\"any other good\" with a further description";
            return -1;
        }
    }
    while (end > s && (end[-1] == ',' || end[-1] == ' ' || end[-1] == ';'))
        end--;
    a->qual = rta__node_product(rs, s, (size_t)(end - s), 0);
    if (a->qual == NULL) {
        *oom = 1;
        return -1;
    }
    if ((positives->len > 0 && rta__buf_puts(positives, "; ") != 0) ||
        rta__buf_append(positives, s, (size_t)(end - s)) != 0) {
        *oom = 1;
        return -1;
    }
    return 0;
}

static int sentence(rta_ruleset *rs, alt *a, const char *s, const char *end, rta__buf *positives,
                    int *oom)
{
    const char *p = s;
    if (rta__eat(&p, "A change to ")) {
        const char *from = find_ci(p, end, " from any other ");
        if (from == NULL) {
            a->why = "tariff change not recognised";
            return -1;
        }
        if (good(rs, a, p, from, positives, oom) != 0)
            return -1;
        const char *q = from + strlen(" from any other ");
        rta_shift_level level;
        if (rta__eat(&q, "chapter"))
            level = RTA_SHIFT_CC;
        else if (rta__eat(&q, "subheading"))
            level = RTA_SHIFT_CTSH;
        else if (rta__eat(&q, "heading"))
            level = RTA_SHIFT_CTH;
        else {
            a->why = "tariff change level not recognised";
            return -1;
        }
        rta_node *n = rta__node_new(rs, RTA_NODE_SHIFT);
        if (n == NULL) {
            *oom = 1;
            return -1;
        }
        n->u.shift.level = level;
        n->u.shift.allow_upct = -1;
        a->parts[a->nparts++] = n;
        if (rta__eat(&q, " within ")) {
            a->why = "change within a group not recognised";
            return -1;
        }
        if (rta__eat(&q, ", except from ") || rta__eat(&q, " except from ")) {
            rta__ranges r = {0};
            int rc = rta__prose_codes(&q, &r, 0);
            if (rc == 0 && rta__scope_copy(rs, r.v, r.n, &n->u.shift.except) != 0)
                rc = -1;
            free(r.v);
            if (rc != 0) {
                *oom = rc < 0;
                a->why = "exception named by description, not by code";
                return -1;
            }
        }
        if (at_end(q, end))
            return 0;
        if (rta__eat(&q, ", provided ") || rta__eat(&q, " provided "))
            return proviso(rs, a, q, end, oom);
        a->why = rta__eat(&q, ", ") || rta__eat(&q, " or ")
                     ? "exception named by description, not by code"
                     : "text after the tariff change not recognised";
        return -1;
    }
    if (rta__eat(&p, "No change in tariff classification required for ")) {
        const char *prov = find_ci(p, end, ", provided ");
        size_t pl = strlen(", provided ");
        if (prov == NULL) {
            prov = find_ci(p, end, " provided ");
            pl = strlen(" provided ");
        }
        if (prov == NULL) {
            a->why = "condition without \"provided\"";
            return -1;
        }
        if (good(rs, a, p, prov, positives, oom) != 0)
            return -1;
        return proviso(rs, a, prov + pl, end, oom);
    }
    a->why = "wording not recognised";
    return -1;
}

/* Drops the cross-references that do not change the rule: "See also
 * Appendix 1 (...)" and the note that several rules may apply. */
static void strip_notes(char *s)
{
    static const char *cuts[] = {"\nSee also Appendix", " See also Appendix",
                                 "\nNote: Where more than one product-specific rule"};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char *c = strstr(s, cuts[i]);
        if (c != NULL)
            *c = '\0';
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        s[--n] = '\0';
}

/* The alternative without its PRODUCT condition. */
static rta_node *finish_body(rta_ruleset *rs, alt *a, const char *text)
{
    if (a->why != NULL)
        return rta__node_text(rs, a->why, text, strlen(text));
    rta_node *k[8];
    size_t nk = 0;
    for (size_t i = 0; i < a->nparts; i++)
        k[nk++] = a->parts[i];
    if (a->nrvc > 0) {
        rta_node *o = rta__node_list(rs, RTA_NODE_OR, a->rvc, a->nrvc);
        if (o == NULL)
            return NULL;
        k[nk++] = o;
    }
    if (nk == 0)
        return rta__node_text(rs, "empty rule", text, strlen(text));
    return rta__node_list(rs, RTA_NODE_AND, k, nk);
}

static rta_node *finish_alt(rta_ruleset *rs, alt *a, rta_node *body)
{
    if (a->why != NULL || a->qual == NULL)
        return body;
    rta_node *k[2] = {a->qual, body};
    return rta__node_list(rs, RTA_NODE_AND, k, 2);
}

/* When the described goods and "any other good" cover the whole scope, a
 * bill that passes an alternative of every kind of good originates whatever
 * the good is: that conjunction leads the tree, so a verdict needs no answer
 * about the good then (it still needs one when only some kinds pass). NULL
 * when the set has no "any other good" or a kind has no alternative. */
static rta_node *every_kind(rta_ruleset *rs, alt *alts, rta_node **bodies, size_t na, int *oom)
{
    int negated = 0;
    for (size_t k = 0; k < na; k++)
        if (alts[k].why == NULL && alts[k].qual != NULL && alts[k].qual->u.product.negate)
            negated = 1;
    if (!negated)
        return NULL;
    rta_node *kinds[24];
    size_t nkinds = 0;
    for (size_t k = 0; k < na; k++) {
        const rta_node *q = alts[k].why == NULL ? alts[k].qual : NULL;
        if (q == NULL)
            continue;
        int seen = 0; /* one kind per distinct condition */
        for (size_t j = 0; j < k; j++)
            if (alts[j].why == NULL && alts[j].qual != NULL && rta_node_equal(alts[j].qual, q))
                seen = 1;
        if (seen)
            continue;
        rta_node *ors[24];
        size_t no = 0;
        for (size_t j = 0; j < na; j++) {
            if (alts[j].why != NULL)
                continue;
            if (alts[j].qual == NULL || rta_node_equal(alts[j].qual, q))
                ors[no++] = bodies[j];
        }
        rta_node *o = rta__node_list(rs, RTA_NODE_OR, ors, no);
        if (o == NULL) {
            *oom = no > 0;
            return NULL;
        }
        kinds[nkinds++] = o;
    }
    rta_node *n = rta__node_list(rs, RTA_NODE_AND, kinds, nkinds);
    if (n == NULL)
        *oom = nkinds > 0;
    return n;
}

rta_status rta_ruleset_read_cptpp(const char *path, rta_ruleset **out, rta_error *err)
{
    *out = NULL;
    rta__jset *sets = NULL;
    size_t n = 0;
    rta_status st = rta__read_rule_file(path, &sets, &n, err);
    if (st != RTA_OK)
        return st;
    rta_ruleset *rs = rta__ruleset_new("cptpp");
    rta__buf positives = {0}, all = {0}, src = {0};
    if (rs == NULL) {
        rta__jsets_free(sets, n);
        return rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    rs->title = "CPTPP (Annex 3-D product-specific rules of origin)";
    int oom = 0;
    for (size_t i = 0; i < n && st == RTA_OK && !oom; i++) {
        alt alts[24];
        char *texts[24];
        size_t na = 0;
        size_t src_first = rs->nsrc;
        positives.len = 0;
        all.len = 0;
        /* source entry index per alternative, so coverage is per JSON entry */
        size_t entry_alt[64];
        size_t ne = 0;
        for (size_t k = 0; k < sets[i].n && !oom; k++) {
            char *clean = rta__prose_clean(sets[i].rules[k].text);
            if (clean == NULL) {
                oom = 1;
                break;
            }
            strip_notes(clean);
            if (rta__buf_printf(&all, "%s%s", k ? "\n" : "", clean) != 0)
                oom = 1;
            const char *end = clean + strlen(clean);
            const char *p = clean;
            rta__skip_ws(&p);
            if (p[0] == '-' && na > 0 && (alts[na - 1].rvc_open || alts[na - 1].why != NULL)) {
                /* continues the value list of the previous alternative */
                alt *a = &alts[na - 1];
                const char *why = NULL;
                rta_node *v = NULL;
                if (a->why == NULL) {
                    while (v == NULL || (p < end && *p == '\n')) {
                        rta__skip_ws(&p);
                        v = a->nrvc < 8 ? rvc_item(rs, &p, end, &why, &oom) : NULL;
                        if (v == NULL)
                            break;
                        a->rvc[a->nrvc++] = v;
                        while (p < end && (*p == '.' || *p == ' ' || *p == ';'))
                            p++;
                    }
                    if (v == NULL || !at_end(p, end))
                        a->why = why != NULL ? why : "value list item not recognised";
                }
                size_t tl = strlen(texts[na - 1]) + strlen(clean) + 2;
                char *joined = malloc(tl);
                if (joined == NULL) {
                    oom = 1;
                    free(clean);
                    break;
                }
                snprintf(joined, tl, "%s\n%s", texts[na - 1], clean);
                free(texts[na - 1]);
                texts[na - 1] = joined;
                free(clean);
                if (ne < 64)
                    entry_alt[ne++] = na - 1;
                continue;
            }
            /* two sentences in one entry ("..., or\nNo change ...", "...\nA change
             * to ..."): the second is another alternative, compiled on its own */
            char *second = NULL;
            for (char *c = clean; *c; c++) {
                if (*c == '\n' && (strncmp(c + 1, "A change to ", 12) == 0 ||
                                   strncmp(c + 1, "No change in ", 13) == 0)) {
                    second = c + 1;
                    char *t = c;
                    while (t > clean && (t[-1] == ' ' || t[-1] == ','))
                        t--;
                    if (t - clean >= 3 && strncmp(t - 3, " or", 3) == 0)
                        t -= 3;
                    while (t > clean && (t[-1] == ' ' || t[-1] == ','))
                        t--;
                    *t = '\0';
                    end = t;
                    break;
                }
            }
            if (second != NULL && na + 1 < 24) {
                char *dup = rta__strdup(second);
                if (dup == NULL) {
                    free(clean);
                    oom = 1;
                    break;
                }
                alt *a2 = &alts[na];
                memset(a2, 0, sizeof *a2);
                texts[na] = clean;
                na++;
                if (sentence(rs, a2, p, end, &positives, &oom) != 0 && a2->why == NULL && !oom)
                    a2->why = "wording not recognised";
                clean = dup;
                p = clean;
                end = clean + strlen(clean);
            }
            if (na >= 24) {
                free(clean);
                st = rta__error(err, RTA_ERR_RANGE, path, 0, 0,
                                "rule set %zu has more than 24 alternatives", i);
                break;
            }
            alt *a = &alts[na];
            memset(a, 0, sizeof *a);
            texts[na] = clean;
            na++;
            if (ne < 64)
                entry_alt[ne++] = na - 1;
            if (sentence(rs, a, p, end, &positives, &oom) != 0 && a->why == NULL && !oom)
                a->why = "wording not recognised";
        }
        rta_node *nodes[25], *bodies[24];
        for (size_t k = 0; k < na; k++) {
            if (!oom && st == RTA_OK) {
                bodies[k] = finish_body(rs, &alts[k], texts[k]);
                nodes[k] = bodies[k] ? finish_alt(rs, &alts[k], bodies[k]) : NULL;
                if (nodes[k] == NULL)
                    oom = 1;
            }
        }
        rta_node *lead = !oom && st == RTA_OK ? every_kind(rs, alts, bodies, na, &oom) : NULL;
        for (size_t k = 0; k < ne && !oom && st == RTA_OK; k++)
            st = rta__ruleset_source(rs, rta__node_text_reason(nodes[entry_alt[k]]), err);
        (void)src_first;
        if (!oom && st == RTA_OK && na > 0) {
            if (lead != NULL) {
                memmove(nodes + 1, nodes, na * sizeof *nodes);
                nodes[0] = lead;
            }
            rta_node *root = rta__node_list(rs, RTA_NODE_OR, nodes, na + (lead != NULL));
            src.len = 0;
            if (root == NULL || rta__buf_printf(&src, "cptpp.json rule_sets[%zu]", i) != 0)
                oom = 1;
            else
                st = rta__add_rule(rs, sets[i].lo, sets[i].hi, 0, root, all.data ? all.data : "",
                                   src.data, err);
        }
        for (size_t k = 0; k < na; k++)
            free(texts[k]);
    }
    if (oom && st == RTA_OK)
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    if (st == RTA_OK)
        st = rta__provisions_cptpp(rs, err);
    if (st == RTA_OK)
        st = rta__ruleset_finish(rs, err);
    rta__buf_free(&positives);
    rta__buf_free(&all);
    rta__buf_free(&src);
    rta__jsets_free(sets, n);
    if (st != RTA_OK) {
        rta_ruleset_free(rs);
        return st;
    }
    *out = rs;
    return RTA_OK;
}

/*
 * origin_prose.c - compiling the agreements' English rule wording into trees.
 *
 * Why: the bundled rules are prose ("Manufacture from materials of any
 * heading, except that of the product", "A change to a good of subheading
 * 8517.11 through 8517.69 from any other subheading"). The wording is
 * formulaic, so a small set of recognisers (tariff shift, value and weight
 * limits, wholly obtained, production processes, code lists such as
 * "heading 5208 to heading 5212, or chapter 54") compiles nearly all of it.
 * Whatever is not recognised in full becomes a TEXT node with the reason:
 * a partial parse is never passed off as the rule.
 *
 * The helpers here are shared by both readers: prose clean-up, code lists,
 * percentages, process phrases; the EVFTA wording (UK-Viet Nam JSON) is
 * compiled here too, the CPTPP wording in origin_cptpp.c.
 */
#include "origin_prose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- clean-up ------------------------------------------------------------- */

char *rta__prose_clean(const char *t)
{
    size_t n = strlen(t);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    int pending_space = 0, pending_nl = 0;
    for (size_t i = 0; i < n;) {
        char c = t[i];
        if (c == '[') {
            /* [text](url) -> text */
            const char *close = strstr(t + i, "](");
            const char *nl = strchr(t + i, '\n');
            if (close != NULL && (nl == NULL || close < nl)) {
                const char *end = strchr(close + 2, ')');
                if (end != NULL) {
                    size_t len = (size_t)(close - (t + i + 1));
                    char *inner = malloc(len + 1);
                    if (inner == NULL) {
                        free(out);
                        return NULL;
                    }
                    memcpy(inner, t + i + 1, len);
                    inner[len] = '\0';
                    char *cleaned = rta__prose_clean(inner);
                    free(inner);
                    if (cleaned == NULL) {
                        free(out);
                        return NULL;
                    }
                    if (pending_nl && k > 0)
                        out[k++] = '\n';
                    else if (pending_space && k > 0)
                        out[k++] = ' ';
                    pending_nl = pending_space = 0;
                    size_t cl = strlen(cleaned);
                    memcpy(out + k, cleaned, cl); /* never longer than the source */
                    k += cl;
                    free(cleaned);
                    i = (size_t)(end - t) + 1;
                    continue;
                }
            }
        }
        if (strncmp(t + i, "&nbsp;", 6) == 0) {
            pending_space = 1;
            i += 6;
            continue;
        }
        if (c == '*') {
            i++;
            continue;
        }
        if (c == '\n') {
            pending_nl = 1;
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || (unsigned char)c == 0xa0) {
            pending_space = 1;
            i++;
            continue;
        }
        if ((unsigned char)c == 0xc2 && (unsigned char)t[i + 1] == 0xa0) {
            pending_space = 1;
            i += 2;
            continue;
        }
        if (pending_nl && k > 0)
            out[k++] = '\n';
        else if (pending_space && k > 0)
            out[k++] = ' ';
        pending_nl = pending_space = 0;
        out[k++] = c;
        i++;
    }
    out[k] = '\0';
    return out;
}

/* ---- small matchers ------------------------------------------------------- */

int rta__eat(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(*s, prefix, n) == 0) {
        *s += n;
        return 1;
    }
    return 0;
}

void rta__skip_ws(const char **s)
{
    while (**s == ' ' || **s == '\n')
        (*s)++;
}

/* "40", "47.5", "40%", "40 %", "40 per cent" -> percent x 10^6 */
int rta__prose_pct(const char **s, int64_t *out)
{
    const char *p = *s;
    if (!isdigit((unsigned char)*p))
        return -1;
    int64_t ip = 0, fr = 0;
    int nf = 0;
    while (isdigit((unsigned char)*p) && ip < 100000)
        ip = ip * 10 + (*p++ - '0');
    if (*p == '.' && isdigit((unsigned char)p[1])) {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (nf < 6) {
                fr = fr * 10 + (*p - '0');
                nf++;
            }
            p++;
        }
    }
    for (int i = nf; i < 6; i++)
        fr *= 10;
    const char *q = p;
    while (*q == ' ')
        q++;
    if (*q == '%')
        p = q + 1;
    else if (strncasecmp(q, "per cent", 8) == 0)
        p = q + 8;
    else
        return -1;
    int64_t v = ip * 1000000 + fr;
    if (v > RTA_PCT(100))
        return -1;
    *out = v;
    *s = p;
    return 0;
}

/* One code of a prose list with its level; kind: 2/4/6 or 0 (infer). */
static int prose_code(const char **s, int kind, rta_hs_range *r)
{
    const char *p = *s;
    char d[8];
    int nd = 0;
    while (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]) && nd > 0)) {
        if (*p != '.') {
            if (nd >= 7)
                return -1;
            d[nd++] = *p;
        }
        p++;
    }
    if (nd == 0)
        return -1;
    if (kind == 2 && nd == 1) { /* "chapter 4" */
        d[1] = d[0];
        d[0] = '0';
        nd = 2;
    }
    if (kind == 4 && nd == 3) { /* "heading 401" written without its zero */
        memmove(d + 1, d, 3);
        d[0] = '0';
        nd = 4;
    }
    if (nd != 2 && nd != 4 && nd != 6)
        return -1; /* the digits decide the level ("heading 0701, 071410") */
    size_t used = 0;
    if (rta__hs_code_range(d, (size_t)nd, r, &used) != 0)
        return -1;
    *s = p;
    return 0;
}

static int eat_kind(const char **s, int *kind)
{
    static const struct {
        const char *w;
        int k;
    } kinds[] = {{"subheadings ", 6}, {"subheading ", 6}, {"headings ", 4}, {"heading ", 4},
                 {"chapters ", 2},    {"chapter ", 2},    {"Chapter ", 2}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (rta__eat(s, kinds[i].w)) {
            *kind = kinds[i].k;
            return 1;
        }
    return 0;
}

int rta__prose_codes(const char **s, rta__ranges *out, int allow_trailing_words)
{
    (void)allow_trailing_words;
    const char *p = *s;
    int kind = 0, any = 0;
    const char *last_ok = p;
    for (;;) {
        const char *item = p;
        int k = kind;
        eat_kind(&p, &k);
        rta_hs_range r;
        if (prose_code(&p, k, &r) != 0) {
            p = item;
            break;
        }
        kind = k != 0 ? k : r.lo_digits;
        /* range: "to", "through", "-" */
        const char *q = p;
        if (rta__eat(&q, " to ") || rta__eat(&q, " through ") || rta__eat(&q, "-")) {
            int k2 = kind;
            eat_kind(&q, &k2);
            rta_hs_range r2;
            if (prose_code(&q, k2, &r2) == 0 && r2.hi >= r.lo) {
                r.hi = r2.hi;
                r.hi_digits = r2.hi_digits;
                p = q;
            }
        }
        if (rta__ranges_push(out, r) != 0)
            return -1;
        any = 1;
        last_ok = p;
        q = p;
        int sep = 0;
        if (*q == ',') {
            q++;
            sep = 1;
        }
        while (*q == ' ' || *q == '\n') {
            q++;
            sep = 1;
        }
        if (sep && (rta__eat(&q, "and ") || rta__eat(&q, "or ") || 1)) {
            const char *probe = q;
            int kk = kind;
            eat_kind(&probe, &kk);
            rta_hs_range tmp;
            if (prose_code(&probe, kk, &tmp) == 0) {
                p = q;
                continue;
            }
        }
        break;
    }
    if (!any)
        return 1;
    *s = last_ok;
    return 0;
}

int rta__ranges_push(rta__ranges *r, rta_hs_range x)
{
    if (r->n == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 8;
        rta_hs_range *q = realloc(r->v, c * sizeof *q);
        if (q == NULL)
            return -1;
        r->v = q;
        r->cap = c;
    }
    r->v[r->n++] = x;
    return 0;
}

/* ---- process phrases ------------------------------------------------------ */

static const struct {
    const char *prefix;
    const char *name;
} kw[] = {
    {"spinning", "spinning"},
    {"extrusion", "extrusion"},
    {"weaving", "weaving"},
    {"knitting", "knitting"},
    {"making-up", "making-up"},
    {"making- up", "making-up"},
    {"making up", "making-up"},
    {"yarn dyeing", "yarn-dyeing"},
    {"dyeing of yarn", "yarn-dyeing"},
    {"dyeing", "dyeing"},
    {"printing", "printing"},
    {"coating", "coating"},
    {"flocking", "flocking"},
    {"tufting", "tufting"},
    {"twisting", "twisting"},
    {"texturing", "texturing"},
    {"fabric formation", "fabric-formation"},
    {"non-woven", "nonwoven"},
    {"nonwoven", "nonwoven"},
    {"any non-woven", "nonwoven"},
    {"carding", "carding"},
    {"combing", "combing"},
    {"operations of refining", "refining"},
    {"refining", "refining"},
    {"one or more specific process", "specific-process"},
    {"beading", "beading"},
    {"moulding", "moulding"},
    {"planing", "planing"},
    {"sanding", "sanding"},
    {"end-jointing", "end-jointing"},
    {"splicing", "splicing"},
    {"retreading", "retreading"},
    {"re-tanning", "re-tanning"},
    {"cutting of", "cutting"},
    {"hand-decoration", "hand-decoration"},
    {"turning", "turning"},
    {"drilling", "drilling"},
    {"reaming", "reaming"},
    {"threading", "threading"},
    {"deburring", "deburring"},
    {"sandblasting", "sandblasting"},
    {"electrolytic, thermal or chemical separation", "separation"},
    {"fusion", "fusion"},
    {"alloying", "alloying"},
    {"surfacing", "surfacing"},
    {"at least two preparatory", "finishing-operations"},
    {"use of natural fibres", "natural-fibres"},
    {"smoked", "smoking"},
    {"crushed or ground", "crushing-grinding"},
};

static const char *keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        size_t k = strlen(kw[i].prefix);
        if (k <= n && strncasecmp(s, kw[i].prefix, k) == 0 &&
            (k == n || !isalpha((unsigned char)s[k])))
            return kw[i].name;
    }
    return NULL;
}

enum { SEP_CONN, SEP_OR, SEP_AND, SEP_COMMA };

typedef struct item {
    const char *s;
    size_t n;
} item;

static const struct {
    const char *w;
    int type;
} seps[] = {
    {", in each case accompanied by ", SEP_CONN},
    {" in each case accompanied by ", SEP_CONN},
    {", accompanied by ", SEP_CONN},
    {" accompanied by ", SEP_CONN},
    {" accompanied with ", SEP_CONN},
    {" preceded by ", SEP_CONN},
    {" combined with ", SEP_CONN},
    {" followed by ", SEP_CONN},
    {", or ", SEP_OR},
    {" or ", SEP_OR},
    {", and ", SEP_AND},
    {" and ", SEP_AND},
    {", ", SEP_COMMA},
};

static int has_of(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(s + i, " of ", 4) == 0)
            return 1;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\n' || **s == ','))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '.' || (*s)[*n - 1] == '\n' ||
                      (*s)[*n - 1] == ','))
        (*n)--;
}

static void strip_by(const char **s, size_t *n)
{
    if (*n > 3 && strncasecmp(*s, "by ", 3) == 0) {
        *s += 3;
        *n -= 3;
    }
}

rta_node *rta__prose_process(rta_ruleset *rs, const char *s, size_t n, const char **why)
{
    trim(&s, &n);
    item items[32];
    int sep[32];
    size_t ni = 0;
    size_t start = 0;
    int depth = 0;
    *why = NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')')
            depth--;
        if (depth != 0)
            continue;
        for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
            size_t wl = strlen(seps[k].w);
            if (i + wl > n || strncasecmp(s + i, seps[k].w, wl) != 0)
                continue;
            const char *next = s + i + wl;
            size_t rest = n - i - wl;
            if (seps[k].type != SEP_CONN) {
                const char *nx = next;
                size_t rn = rest;
                strip_by(&nx, &rn);
                if (keyword(nx, rn) == NULL)
                    continue;
            }
            if (ni >= 31) {
                *why = "process phrase too long";
                return NULL;
            }
            items[ni].s = s + start;
            items[ni].n = i - start;
            sep[ni] = seps[k].type;
            ni++;
            start = i + wl;
            i = start - 1;
            break;
        }
    }
    items[ni].s = s + start;
    items[ni].n = n - start;
    sep[ni] = -1;
    ni++;
    const char *names[32];
    for (size_t i = 0; i < ni; i++) {
        trim(&items[i].s, &items[i].n);
        strip_by(&items[i].s, &items[i].n);
        names[i] = keyword(items[i].s, items[i].n);
        if (names[i] == NULL) {
            *why = "production process not recognised";
            return NULL;
        }
    }
    /* commas take the type of the next OR/AND separator */
    for (size_t i = 0; i + 1 < ni; i++)
        if (sep[i] == SEP_COMMA) {
            int t = SEP_OR;
            for (size_t j = i + 1; j + 1 < ni; j++)
                if (sep[j] == SEP_OR || sep[j] == SEP_AND) {
                    t = sep[j];
                    break;
                } else if (sep[j] == SEP_CONN) {
                    break;
                }
            sep[i] = t;
        }
    /* top-level ORs: after a connector, an alternative that is a whole
     * process description ("or spinning of natural fibres", "or yarn dyeing
     * accompanied by weaving") starts a new alternative */
    int top[32] = {0};
    int seen_conn = 0;
    for (size_t i = 0; i + 1 < ni; i++) {
        if (sep[i] == SEP_CONN)
            seen_conn = 1;
        if (sep[i] != SEP_OR || !seen_conn)
            continue;
        int conn_after = 0;
        for (size_t j = i + 1; j + 1 < ni && sep[j] != SEP_OR; j++)
            if (sep[j] == SEP_CONN)
                conn_after = 1;
        const char *nx = items[i + 1].s;
        int by_led = nx > s + 3 && strncasecmp(nx - 3, "by ", 3) == 0;
        int qualified = has_of(items[i + 1].s, items[i + 1].n);
        if (conn_after || (qualified && !by_led)) {
            top[i] = 1;
            seen_conn = 0;
        }
    }
    /* build: OR over top groups of AND over chunks of OR over atoms */
    rta_node *groups[32], *chunks[32], *atoms[32];
    size_t ng = 0, nc = 0, na = 0;
    for (size_t i = 0; i < ni; i++) {
        atoms[na] = rta__node_process(rs, names[i], items[i].s, items[i].n);
        if (atoms[na] == NULL)
            return NULL;
        na++;
        int s_ = sep[i];
        int end_atoms = s_ == -1 || s_ == SEP_CONN || s_ == SEP_AND || top[i];
        if (end_atoms) {
            chunks[nc] = rta__node_list(rs, RTA_NODE_OR, atoms, na);
            if (chunks[nc] == NULL)
                return NULL;
            nc++;
            na = 0;
        }
        if (s_ == -1 || top[i]) {
            groups[ng] = rta__node_list(rs, RTA_NODE_AND, chunks, nc);
            if (groups[ng] == NULL)
                return NULL;
            ng++;
            nc = 0;
        }
    }
    return rta__node_list(rs, RTA_NODE_OR, groups, ng);
}

/* lower-case slug of a phrase: "Manufacture from unwrought precious metals"
 * -> "from-unwrought-precious-metals" (at most 48 bytes) */
void rta__slug(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    int dash = 0;
    if (n > 12 && strncasecmp(s, "manufacture ", 12) == 0) {
        s += 12;
        n -= 12;
    }
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c)) {
            if (dash && k > 0)
                out[k++] = '-';
            dash = 0;
            out[k++] = (char)tolower(c);
        } else {
            dash = 1;
        }
    }
    while (k > 0 && out[k - 1] == '-')
        k--;
    if (k == 0 && size > 8) {
        memcpy(out, "process", 7);
        k = 7;
    }
    out[k] = '\0';
}

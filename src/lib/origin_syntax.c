/*
 * origin_syntax.c - the plain rule syntax: parser, formatter, tree dump,
 * JSON, and writing a whole set back as text.
 *
 * Why: one syntax that a negotiator can type ("8471.30: CTSH or RVC(BD) >=
 * 40%") and that both bundled agreements compile into, so a candidate rule
 * set (a US-Viet Nam draft) and the CPTPP rules are the same kind of object.
 * The formatter is the parser's inverse: format -> parse gives an equal tree
 * (the fuzz target and the tests check it). Grammar: docs/origin-rules.md.
 */
#include "json.h"
#include "origin_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- lexer ---------------------------------------------------------------- */

enum { T_EOF, T_NL, T_IDENT, T_NUM, T_STR, T_PUNCT, T_GE, T_LE };

#define MAX_DEPTH 48

typedef struct P {
    const char *s, *p, *end;
    const char *line_start;
    long line;
    const char *name;
    rta_ruleset *rs;
    rta_error *err;
    int depth;
    /* current token */
    int tk;
    const char *ts;
    size_t tn;
    long tline, tcol;
    rta__buf str; /* decoded string of a T_STR */
    int failed;
} P;

static rta_status perr(P *p, long line, long col, const char *fmt, const char *arg)
{
    if (!p->failed) {
        p->failed = 1;
        rta__error(p->err, RTA_ERR_PARSE, p->name, line, col, fmt, arg);
    }
    return RTA_ERR_PARSE;
}

static rta_status tok_err(P *p, const char *what)
{
    char got[40];
    if (p->tk == T_EOF)
        snprintf(got, sizeof got, "end of input");
    else if (p->tk == T_NL)
        snprintf(got, sizeof got, "end of line");
    else
        snprintf(got, sizeof got, "\"%.*s\"", (int)(p->tn > 24 ? 24 : p->tn), p->ts);
    char msg[160];
    snprintf(msg, sizeof msg, "expected %s, found %s", what, got);
    return perr(p, p->tline, p->tcol, "%s", msg);
}

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c == '@';
}
static int is_ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static rta_status lex(P *p)
{
    for (;;) {
        while (p->p < p->end && (*p->p == ' ' || *p->p == '\t' || *p->p == '\r'))
            p->p++;
        if (p->p < p->end && *p->p == '#') {
            /* a NUL byte even in a comment is refused: a stored text is read
             * back as a C string, and must mean what was checked */
            while (p->p < p->end && *p->p != '\n' && *p->p != '\0')
                p->p++;
            if (p->p < p->end && *p->p == '\0')
                return perr(p, p->line, (long)(p->p - p->line_start) + 1, "%s", "NUL byte");
            continue;
        }
        break;
    }
    p->ts = p->p;
    p->tline = p->line;
    p->tcol = (long)(p->p - p->line_start) + 1;
    if (p->p >= p->end) {
        p->tk = T_EOF;
        p->tn = 0;
        return RTA_OK;
    }
    unsigned char c = (unsigned char)*p->p;
    if (c == '\n') {
        p->p++;
        p->line++;
        p->line_start = p->p;
        p->tk = T_NL;
        p->tn = 1;
        return RTA_OK;
    }
    if (is_ident_start(c)) {
        p->p++;
        while (p->p < p->end && is_ident_char((unsigned char)*p->p))
            p->p++;
        p->tk = T_IDENT;
    } else if (isdigit(c)) {
        while (p->p < p->end && (isdigit((unsigned char)*p->p) || *p->p == '.'))
            p->p++;
        p->tk = T_NUM;
    } else if (c == '"') {
        p->p++;
        p->str.len = 0;
        if (rta__buf_puts(&p->str, "") != 0)
            return rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
        for (;;) {
            if (p->p >= p->end || *p->p == '\n')
                return perr(p, p->tline, p->tcol, "%s", "unterminated string");
            char ch = *p->p++;
            if (ch == '"')
                break;
            if (ch == '\\') {
                if (p->p >= p->end)
                    return perr(p, p->tline, p->tcol, "%s", "unterminated string");
                char e = *p->p++;
                if (e == 'n')
                    ch = '\n';
                else if (e == 't')
                    ch = '\t';
                else if (e == '"' || e == '\\')
                    ch = e;
                else
                    return perr(p, p->line, (long)(p->p - p->line_start) - 1,
                                "unknown escape \\%s in string", (char[]){e, 0});
            } else if ((unsigned char)ch < 0x20 && ch != '\t') {
                return perr(p, p->line, (long)(p->p - p->line_start), "%s",
                            "control character in string");
            }
            if (rta__buf_append(&p->str, &ch, 1) != 0)
                return rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol,
                                  "out of memory");
        }
        p->tk = T_STR;
    } else if ((c == '>' || c == '<') && p->p + 1 < p->end && p->p[1] == '=') {
        p->tk = c == '>' ? T_GE : T_LE;
        p->p += 2;
    } else if (c != '\0' && strchr(":;,()-%", c) != NULL) {
        p->tk = T_PUNCT;
        p->p++;
    } else {
        char what[8];
        if (c >= 0x20 && c < 0x7f)
            snprintf(what, sizeof what, "'%c'", c);
        else
            snprintf(what, sizeof what, "0x%02x", c);
        return perr(p, p->tline, p->tcol, "unexpected character %s", what);
    }
    p->tn = (size_t)(p->p - p->ts);
    return RTA_OK;
}

static int is_kw(const P *p, const char *kw)
{
    return p->tk == T_IDENT && p->tn == strlen(kw) && strncasecmp(p->ts, kw, p->tn) == 0;
}

static int is_punct(const P *p, char c)
{
    return p->tk == T_PUNCT && *p->ts == c;
}

static rta_status expect_punct(P *p, char c)
{
    if (!is_punct(p, c)) {
        char what[8] = {'\'', c, '\'', 0};
        return tok_err(p, what);
    }
    return lex(p);
}

/* ---- small parsers -------------------------------------------------------- */

/* "40", "47.5", "40%" -> percent x 10^6 */
static rta_status parse_pct(P *p, int64_t *out)
{
    if (p->tk != T_NUM)
        return tok_err(p, "a percentage");
    int64_t ip = 0, frac = 0;
    int nfrac = 0, dot = 0, nint = 0;
    for (size_t i = 0; i < p->tn; i++) {
        char c = p->ts[i];
        if (c == '.') {
            if (dot)
                return perr(p, p->tline, p->tcol, "%s", "malformed percentage");
            dot = 1;
        } else if (!dot) {
            if (++nint > 4)
                return perr(p, p->tline, p->tcol, "%s", "percentage out of range");
            ip = ip * 10 + (c - '0');
        } else {
            if (++nfrac > 6)
                return perr(p, p->tline, p->tcol, "%s", "more than 6 decimals");
            frac = frac * 10 + (c - '0');
        }
    }
    if (nint == 0 || (dot && nfrac == 0))
        return perr(p, p->tline, p->tcol, "%s", "malformed percentage");
    for (int i = nfrac; i < 6; i++)
        frac *= 10;
    int64_t v = ip * 1000000 + frac;
    if (v > RTA_PCT(100))
        return perr(p, p->tline, p->tcol, "%s", "percentage above 100");
    *out = v;
    rta_status st = lex(p);
    if (st == RTA_OK && is_punct(p, '%'))
        st = lex(p);
    return st;
}

typedef struct ranges {
    rta_hs_range *v;
    size_t n, cap;
} ranges;

static int ranges_push(ranges *r, rta_hs_range x)
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

static rta_status parse_code(P *p, rta_hs_range *out)
{
    size_t used = 0;
    if (p->tk != T_NUM || rta__hs_code_range(p->ts, p->tn, out, &used) != 0 || used != p->tn)
        return tok_err(p, "an HS code of 2, 4 or 6 digits");
    return lex(p);
}

/* code ['-' code] */
static rta_status parse_range(P *p, rta_hs_range *out)
{
    long line = p->tline, col = p->tcol;
    rta_status st = parse_code(p, out);
    if (st != RTA_OK || !is_punct(p, '-'))
        return st;
    if ((st = lex(p)) != RTA_OK)
        return st;
    rta_hs_range hi;
    if ((st = parse_code(p, &hi)) != RTA_OK)
        return st;
    if (hi.hi < out->lo)
        return perr(p, line, col, "%s", "range ends before it starts");
    out->hi = hi.hi;
    out->hi_digits = hi.hi_digits;
    return RTA_OK;
}

/* A code list: (range | STRING) {',' (range | STRING)}. With `words` NULL only
 * ranges are accepted (a string is reported as a missing HS code); with it, at
 * most one quoted name, returned in *words. */
static rta_status parse_code_list(P *p, rta_hs_scope *codes, const char **words)
{
    ranges r = {0};
    rta_status st = RTA_OK;
    if (words)
        *words = NULL;
    for (;;) {
        if (words && p->tk == T_STR) {
            if (*words != NULL) {
                st = perr(p, p->tline, p->tcol, "%s", "only one quoted name per list");
                goto done;
            }
            *words = rta__arena_strndup(&p->rs->arena, p->str.data, p->str.len);
            if (*words == NULL) {
                st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
                goto done;
            }
            if ((st = lex(p)) != RTA_OK)
                goto done;
        } else {
            rta_hs_range x;
            if ((st = parse_range(p, &x)) != RTA_OK)
                goto done;
            if (ranges_push(&r, x) != 0) {
                st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
                goto done;
            }
        }
        if (!is_punct(p, ','))
            break;
        if ((st = lex(p)) != RTA_OK)
            goto done;
    }
    if (rta__scope_copy(p->rs, r.v, r.n, codes) != 0)
        st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
done:
    free(r.v);
    return st;
}

/* range {',' range} */
static rta_status parse_codes(P *p, rta_hs_scope *out)
{
    return parse_code_list(p, out, NULL);
}

static rta_status take_string(P *p, const char **out)
{
    if (p->tk != T_STR)
        return tok_err(p, "a quoted string");
    *out = rta__arena_strndup(&p->rs->arena, p->str.data, p->str.len);
    if (*out == NULL)
        return rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
    return lex(p);
}

static rta_status parse_cmp(P *p, rta_cmp *cmp)
{
    if (p->tk == T_GE)
        *cmp = RTA_CMP_GE;
    else if (p->tk == T_LE)
        *cmp = RTA_CMP_LE;
    else
        return tok_err(p, "'>=' or '<='");
    return lex(p);
}

/* ---- expressions ---------------------------------------------------------- */

static rta_status parse_expr(P *p, rta_node **out);

static rta_node *new_node(P *p, rta_node_kind k)
{
    rta_node *n = rta__node_new(p->rs, k);
    if (n == NULL)
        rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
    return n;
}

static rta_status parse_shift(P *p, rta_shift_level level, rta_node **out)
{
    rta_node *n = new_node(p, RTA_NODE_SHIFT);
    if (n == NULL)
        return RTA_ERR_NOMEM;
    n->u.shift.level = level;
    n->u.shift.allow_upct = -1;
    rta_status st = lex(p);
    if (st == RTA_OK && is_kw(p, "except") && (st = lex(p)) == RTA_OK)
        st = parse_codes(p, &n->u.shift.except);
    if (st == RTA_OK && is_kw(p, "from") && (st = lex(p)) == RTA_OK)
        st = parse_codes(p, &n->u.shift.from);
    if (st == RTA_OK && is_kw(p, "within") && (st = lex(p)) == RTA_OK) {
        if (p->tk != T_NUM || !(p->tn == 1 && (*p->ts == '2' || *p->ts == '4')))
            return tok_err(p, "2 or 4 (digits shared with the product)");
        n->u.shift.within = *p->ts - '0';
        st = lex(p);
    }
    if (st == RTA_OK && is_kw(p, "allow")) {
        if ((st = lex(p)) != RTA_OK)
            return st;
        if (p->tk == T_NUM) {
            st = parse_pct(p, &n->u.shift.allow_upct);
            if (st == RTA_OK && is_kw(p, "allow") && (st = lex(p)) == RTA_OK)
                st = take_string(p, &n->u.shift.allow_words);
        } else {
            st = take_string(p, &n->u.shift.allow_words);
        }
    }
    *out = n;
    return st;
}

static rta_status parse_value(P *p, int maxnom, int all, rta_node **out)
{
    rta_node *n = new_node(p, RTA_NODE_VALUE);
    if (n == NULL)
        return RTA_ERR_NOMEM;
    rta_value *v = &n->u.value;
    rta_status st = lex(p);
    if (st != RTA_OK)
        return st;
    if (maxnom) {
        v->method = RTA_VALUE_MAXNOM;
        v->basis = RTA_BASIS_EXWORKS;
        v->all_materials = all;
        if (is_punct(p, '(')) {
            if ((st = lex(p)) != RTA_OK)
                return st;
            if (is_kw(p, "EXW"))
                v->basis = RTA_BASIS_EXWORKS;
            else if (is_kw(p, "VG"))
                v->basis = RTA_BASIS_VALUE;
            else if (is_kw(p, "NC"))
                v->basis = RTA_BASIS_NET_COST;
            else
                return tok_err(p, "EXW, VG or NC");
            if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, ')')) != RTA_OK)
                return st;
        }
    } else {
        if ((st = expect_punct(p, '(')) != RTA_OK)
            return st;
        if (is_kw(p, "BD"))
            v->method = RTA_VALUE_BD;
        else if (is_kw(p, "BU"))
            v->method = RTA_VALUE_BU;
        else if (is_kw(p, "FV"))
            v->method = RTA_VALUE_FV;
        else if (is_kw(p, "NC"))
            v->method = RTA_VALUE_NC;
        else
            return tok_err(p, "BD, BU, FV or NC");
        v->basis = v->method == RTA_VALUE_NC ? RTA_BASIS_NET_COST : RTA_BASIS_VALUE;
        if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, ')')) != RTA_OK)
            return st;
    }
    if ((st = parse_cmp(p, &v->cmp)) != RTA_OK || (st = parse_pct(p, &v->threshold_upct)) != RTA_OK)
        return st;
    if (is_kw(p, "on")) {
        if ((st = lex(p)) != RTA_OK)
            return st;
        if (maxnom)
            st = parse_code_list(p, &v->scope, &v->words);
        else
            st = parse_codes(p, &v->scope);
    }
    *out = n;
    return st;
}

static rta_status parse_weight(P *p, rta_node **out)
{
    rta_node *n = new_node(p, RTA_NODE_WEIGHT);
    if (n == NULL)
        return RTA_ERR_NOMEM;
    rta_weight *w = &n->u.weight;
    rta_status st = lex(p);
    if (st != RTA_OK || (st = expect_punct(p, '(')) != RTA_OK)
        return st;
    if (is_kw(p, "NOM"))
        w->nom_only = 1;
    else if (is_kw(p, "OM"))
        w->originating = 1;
    else if (!is_kw(p, "ALL"))
        return tok_err(p, "NOM, OM or ALL");
    if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, ')')) != RTA_OK ||
        (st = parse_cmp(p, &w->cmp)) != RTA_OK || (st = parse_pct(p, &w->threshold_upct)) != RTA_OK)
        return st;
    if (is_kw(p, "on") && (st = lex(p)) == RTA_OK)
        st = parse_code_list(p, &w->scope, &w->words);
    if (st == RTA_OK && is_kw(p, "of") && (st = lex(p)) == RTA_OK)
        st = parse_code_list(p, &w->base, &w->base_words);
    *out = n;
    return st;
}

static rta_status parse_unary(P *p, rta_node **out)
{
    rta_status st;
    *out = NULL;
    if (is_punct(p, '(')) {
        if (++p->depth > MAX_DEPTH)
            return perr(p, p->tline, p->tcol, "%s", "parentheses nested too deeply");
        if ((st = lex(p)) != RTA_OK || (st = parse_expr(p, out)) != RTA_OK)
            return st;
        p->depth--;
        return expect_punct(p, ')');
    }
    if (is_kw(p, "WO")) {
        rta_node *n = new_node(p, RTA_NODE_WO);
        if (n == NULL)
            return RTA_ERR_NOMEM;
        *out = n;
        if ((st = lex(p)) != RTA_OK || !is_punct(p, '('))
            return st;
        if ((st = lex(p)) != RTA_OK || (st = parse_code_list(p, &n->u.wo.scope, &n->u.wo.words)))
            return st;
        return expect_punct(p, ')');
    }
    if (is_kw(p, "CC"))
        return parse_shift(p, RTA_SHIFT_CC, out);
    if (is_kw(p, "CTH"))
        return parse_shift(p, RTA_SHIFT_CTH, out);
    if (is_kw(p, "CTSH"))
        return parse_shift(p, RTA_SHIFT_CTSH, out);
    if (is_kw(p, "AH"))
        return parse_shift(p, RTA_SHIFT_ANY, out);
    if (is_kw(p, "RVC"))
        return parse_value(p, 0, 0, out);
    if (is_kw(p, "MaxNOM"))
        return parse_value(p, 1, 0, out);
    if (is_kw(p, "MaxMAT"))
        return parse_value(p, 1, 1, out);
    if (is_kw(p, "weight"))
        return parse_weight(p, out);
    if (is_kw(p, "process")) {
        if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, '(')) != RTA_OK)
            return st;
        if (p->tk != T_IDENT || !islower((unsigned char)*p->ts))
            return tok_err(p, "a process name (lower case, e.g. weaving)");
        for (size_t i = 0; i < p->tn; i++)
            if (isupper((unsigned char)p->ts[i]) || p->ts[i] == '_')
                return perr(p, p->tline, p->tcol + (long)i, "%s",
                            "process names are lower case letters, digits and '-'");
        rta_node *n = new_node(p, RTA_NODE_PROCESS);
        if (n == NULL ||
            (n->u.process.name = rta__arena_strndup(&p->rs->arena, p->ts, p->tn)) == NULL)
            return rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
        *out = n;
        if ((st = lex(p)) != RTA_OK)
            return st;
        if (is_punct(p, ',')) {
            if ((st = lex(p)) != RTA_OK || (st = take_string(p, &n->u.process.words)) != RTA_OK)
                return st;
        }
        return expect_punct(p, ')');
    }
    int negate = 0;
    if (is_kw(p, "not")) {
        negate = 1;
        if ((st = lex(p)) != RTA_OK)
            return st;
        if (!is_kw(p, "good"))
            return tok_err(p, "good(\"...\") after not");
    }
    if (is_kw(p, "good")) {
        rta_node *n = new_node(p, RTA_NODE_PRODUCT);
        if (n == NULL)
            return RTA_ERR_NOMEM;
        n->u.product.negate = negate;
        *out = n;
        if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, '(')) != RTA_OK ||
            (st = take_string(p, &n->u.product.words)) != RTA_OK)
            return st;
        return expect_punct(p, ')');
    }
    if (is_kw(p, "text")) {
        rta_node *n = new_node(p, RTA_NODE_TEXT);
        if (n == NULL)
            return RTA_ERR_NOMEM;
        *out = n;
        if ((st = lex(p)) != RTA_OK || (st = expect_punct(p, '(')) != RTA_OK ||
            (st = take_string(p, &n->u.text.reason)) != RTA_OK ||
            (st = expect_punct(p, ',')) != RTA_OK ||
            (st = take_string(p, &n->u.text.words)) != RTA_OK)
            return st;
        return expect_punct(p, ')');
    }
    return tok_err(p, "a condition (WO, CC, CTH, CTSH, AH, RVC, MaxNOM, MaxMAT, weight, "
                      "process, good, text or '(')");
}

typedef struct kidvec {
    rta_node **v;
    size_t n, cap;
} kidvec;

static int kid_push(kidvec *k, rta_node *n)
{
    if (k->n == k->cap) {
        size_t c = k->cap ? k->cap * 2 : 4;
        rta_node **q = realloc(k->v, c * sizeof *q);
        if (q == NULL)
            return -1;
        k->v = q;
        k->cap = c;
    }
    k->v[k->n++] = n;
    return 0;
}

static rta_status parse_list(P *p, rta_node_kind kind, rta_node **out)
{
    kidvec k = {0};
    rta_status st;
    const char *kw = kind == RTA_NODE_OR ? "or" : "and";
    for (;;) {
        rta_node *n = NULL;
        st = kind == RTA_NODE_OR ? parse_list(p, RTA_NODE_AND, &n) : parse_unary(p, &n);
        if (st != RTA_OK)
            goto done;
        if (kid_push(&k, n) != 0) {
            st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
            goto done;
        }
        if (!is_kw(p, kw))
            break;
        if ((st = lex(p)) != RTA_OK)
            goto done;
    }
    *out = rta__node_list(p->rs, kind, k.v, k.n);
    if (*out == NULL)
        st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
done:
    free(k.v);
    return st;
}

static rta_status parse_expr(P *p, rta_node **out)
{
    return parse_list(p, RTA_NODE_OR, out);
}

/* ---- rule lines and directives -------------------------------------------- */

/* A product scope: 2..10 digits, optionally dotted. */
static rta_status parse_product_code(P *p, uint64_t *lo, uint64_t *hi, uint8_t *digits)
{
    if (p->tk != T_NUM)
        return tok_err(p, "a product code");
    char d[11];
    int nd = 0;
    for (size_t i = 0; i < p->tn; i++) {
        if (p->ts[i] == '.')
            continue;
        if (nd >= 10)
            return perr(p, p->tline, p->tcol, "%s", "product code longer than 10 digits");
        d[nd++] = p->ts[i];
    }
    if (nd < 2 || nd % 2 != 0)
        return perr(p, p->tline, p->tcol, "%s", "product code needs 2, 4, 6, 8 or 10 digits");
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 10; i++) {
        a = a * 10 + (uint64_t)(i < nd ? d[i] - '0' : 0);
        b = b * 10 + (uint64_t)(i < nd ? d[i] - '0' : 9);
    }
    *lo = a;
    *hi = b;
    *digits = (uint8_t)nd;
    return lex(p);
}

static rta_status parse_partners(P *p, rta_cumulation *c, char (**parts)[3])
{
    size_t cap = 0;
    for (;;) {
        if (p->tk != T_IDENT || p->tn != 2 || !isupper((unsigned char)p->ts[0]) ||
            !isupper((unsigned char)p->ts[1]))
            return tok_err(p, "an ISO 3166 alpha-2 code (GB, KR...)");
        if (c->n_partners == cap) {
            cap = cap ? cap * 2 : 8;
            char(*q)[3] = realloc(*parts, cap * sizeof *q);
            if (q == NULL)
                return rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol,
                                  "out of memory");
            *parts = q;
        }
        (*parts)[c->n_partners][0] = p->ts[0];
        (*parts)[c->n_partners][1] = p->ts[1];
        (*parts)[c->n_partners][2] = '\0';
        c->n_partners++;
        rta_status st = lex(p);
        if (st != RTA_OK || !is_punct(p, ','))
            return st;
        if ((st = lex(p)) != RTA_OK)
            return st;
    }
}

/* KIND PARTNERS [materials CODES] [products CODES] [suspended] [cite S] [note S] */
static rta_status parse_cumulation(P *p, rta_cumulation *c)
{
    memset(c, 0, sizeof *c);
    c->in_force = 1;
    if (is_kw(p, "bilateral"))
        c->kind = RTA_CUM_BILATERAL;
    else if (is_kw(p, "diagonal"))
        c->kind = RTA_CUM_DIAGONAL;
    else if (is_kw(p, "full"))
        c->kind = RTA_CUM_FULL;
    else
        return tok_err(p, "bilateral, diagonal or full");
    char(*parts)[3] = NULL;
    rta_status st = lex(p);
    if (st == RTA_OK)
        st = parse_partners(p, c, &parts);
    if (st == RTA_OK && c->n_partners > 0) {
        char(*q)[3] = rta__arena_alloc(&p->rs->arena, c->n_partners * sizeof *q);
        if (q == NULL)
            st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
        else
            memcpy(q, parts, c->n_partners * sizeof *q);
        c->partners = (const char(*)[3])q;
    }
    free(parts);
    if (st == RTA_OK && is_kw(p, "materials") && (st = lex(p)) == RTA_OK)
        st = parse_codes(p, &c->scope);
    if (st == RTA_OK && is_kw(p, "products") && (st = lex(p)) == RTA_OK)
        st = parse_codes(p, &c->products);
    if (st == RTA_OK && is_kw(p, "suspended")) {
        c->in_force = 0;
        st = lex(p);
    }
    if (st == RTA_OK && is_kw(p, "cite") && (st = lex(p)) == RTA_OK)
        st = take_string(p, &c->cite);
    if (st == RTA_OK && is_kw(p, "note") && (st = lex(p)) == RTA_OK)
        st = take_string(p, &c->note);
    return st;
}

/* @tolerance (value|weight) PCT [on CODES | except CODES] [cite S] */
static rta_status parse_tolerance_dir(P *p, rta__tol_dir *d)
{
    memset(d, 0, sizeof *d);
    if (is_kw(p, "weight"))
        d->weight = 1;
    else if (!is_kw(p, "value"))
        return tok_err(p, "value or weight");
    rta_status st = lex(p);
    if (st == RTA_OK)
        st = parse_pct(p, &d->upct);
    if (st == RTA_OK && (is_kw(p, "on") || is_kw(p, "except"))) {
        d->except = is_kw(p, "except");
        if ((st = lex(p)) == RTA_OK)
            st = parse_codes(p, &d->on);
    }
    if (st == RTA_OK && is_kw(p, "cite") && (st = lex(p)) == RTA_OK)
        st = take_string(p, &d->cite);
    return st;
}

static rta_status end_of_line(P *p)
{
    if (p->tk != T_NL && p->tk != T_EOF)
        return tok_err(p, "end of line");
    return RTA_OK;
}

static rta_status parse_directive(P *p)
{
    rta_status st;
    if (is_kw(p, "@title")) {
        if ((st = lex(p)) != RTA_OK || (st = take_string(p, &p->rs->title)) != RTA_OK)
            return st;
    } else if (is_kw(p, "@tolerance")) {
        rta__tol_dir d;
        if ((st = lex(p)) != RTA_OK || (st = parse_tolerance_dir(p, &d)) != RTA_OK ||
            (st = rta__ruleset_tolerance(p->rs, &d, p->err)) != RTA_OK)
            return st;
    } else if (is_kw(p, "@cumulation")) {
        rta_cumulation c;
        if ((st = lex(p)) != RTA_OK || (st = parse_cumulation(p, &c)) != RTA_OK ||
            (st = rta__ruleset_cumulation(p->rs, &c, p->err)) != RTA_OK)
            return st;
    } else {
        return tok_err(p, "@title, @tolerance or @cumulation");
    }
    return end_of_line(p);
}

static rta_status parse_rule_line(P *p)
{
    rta_rule r;
    memset(&r, 0, sizeof r);
    rta_status st;
    if (is_kw(p, "ex")) {
        r.ex = 1;
        if ((st = lex(p)) != RTA_OK)
            return st;
    }
    uint64_t lo2, hi2;
    if ((st = parse_product_code(p, &r.lo, &r.hi, &r.lo_digits)) != RTA_OK)
        return st;
    r.hi_digits = r.lo_digits;
    if (is_punct(p, '-')) {
        long line = p->tline, col = p->tcol;
        if ((st = lex(p)) != RTA_OK ||
            (st = parse_product_code(p, &lo2, &hi2, &r.hi_digits)) != RTA_OK)
            return st;
        if (hi2 < r.lo)
            return perr(p, line, col, "%s", "range ends before it starts");
        r.hi = hi2;
    }
    for (size_t i = 0; i < p->rs->n; i++)
        if (p->rs->rules[i].lo == r.lo && p->rs->rules[i].hi == r.hi)
            return perr(p, p->tline, 1, "%s",
                        "this product scope already has a rule (join the two with \"or\")");
    if ((st = expect_punct(p, ':')) != RTA_OK)
        return st;
    rta_node *root = NULL;
    p->depth = 0;
    if ((st = parse_expr(p, &root)) != RTA_OK)
        return st;
    r.root = root;
    r.tolerance.value_upct = -1;
    r.tolerance.weight_upct = -1;
    rta_cumulation *cums = NULL;
    size_t ncum = 0;
    while (st == RTA_OK && is_punct(p, ';')) {
        r.attrs_explicit = 1;
        if ((st = lex(p)) != RTA_OK)
            break;
        if (is_kw(p, "tolerance")) {
            if ((st = lex(p)) != RTA_OK)
                break;
            if (is_kw(p, "none")) {
                st = lex(p);
                continue;
            }
            int weight = is_kw(p, "weight");
            if (!weight && !is_kw(p, "value")) {
                st = tok_err(p, "value, weight or none");
                break;
            }
            if ((st = lex(p)) != RTA_OK)
                break;
            st = parse_pct(p, weight ? &r.tolerance.weight_upct : &r.tolerance.value_upct);
        } else if (is_kw(p, "cumulation")) {
            if ((st = lex(p)) != RTA_OK)
                break;
            rta_cumulation c;
            if ((st = parse_cumulation(p, &c)) != RTA_OK)
                break;
            rta_cumulation *q = rta__arena_alloc(&p->rs->arena, (ncum + 1) * sizeof *q);
            if (q == NULL) {
                st = rta__error(p->err, RTA_ERR_NOMEM, p->name, p->tline, p->tcol, "out of memory");
                break;
            }
            if (ncum > 0)
                memcpy(q, cums, ncum * sizeof *q);
            q[ncum++] = c;
            cums = q;
        } else {
            st = tok_err(p, "tolerance or cumulation");
        }
    }
    if (st != RTA_OK || (st = end_of_line(p)) != RTA_OK)
        return st;
    r.cumulation = cums;
    r.n_cumulation = ncum;
    const char *reason = rta__node_text_reason(root);
    if ((st = rta__ruleset_add(p->rs, &r, p->err)) != RTA_OK)
        return st;
    return rta__ruleset_source(p->rs, reason, p->err);
}

rta_status rta_ruleset_parse(const char *name, const char *text, size_t len, rta_ruleset **out,
                             rta_error *err)
{
    *out = NULL;
    if (name == NULL)
        name = "<rules>";
    rta_ruleset *rs = rta__ruleset_new(name);
    if (rs == NULL)
        return rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
    P p;
    memset(&p, 0, sizeof p);
    p.s = p.p = p.line_start = text;
    p.end = text + len;
    p.line = 1;
    p.name = name;
    p.rs = rs;
    p.err = err;
    rta_status st = lex(&p);
    while (st == RTA_OK && p.tk != T_EOF) {
        if (p.tk == T_NL) {
            st = lex(&p);
            continue;
        }
        if (p.tk == T_IDENT && *p.ts == '@')
            st = parse_directive(&p);
        else
            st = parse_rule_line(&p);
    }
    rta__buf_free(&p.str);
    if (st == RTA_OK)
        st = rta__ruleset_finish(rs, err);
    if (st != RTA_OK) {
        rta_ruleset_free(rs);
        return st;
    }
    *out = rs;
    return RTA_OK;
}

/* ---- formatting ----------------------------------------------------------- */

static int put_pct(rta__buf *b, int64_t upct)
{
    int64_t ip = upct / 1000000, fr = upct % 1000000;
    if (fr == 0)
        return rta__buf_printf(b, "%lld%%", (long long)ip);
    char f[8];
    snprintf(f, sizeof f, "%06lld", (long long)fr);
    size_t n = strlen(f);
    while (n > 0 && f[n - 1] == '0')
        f[--n] = '\0';
    return rta__buf_printf(b, "%lld.%s%%", (long long)ip, f);
}

static int put_pct_plain(rta__buf *b, int64_t upct)
{
    size_t at = b->len;
    if (put_pct(b, upct) != 0)
        return -1;
    if (b->len > at && b->data[b->len - 1] == '%')
        b->data[--b->len] = '\0';
    return 0;
}

static int put_hs(rta__buf *b, uint32_t v, int digits)
{
    uint32_t m = 1;
    for (int i = 0; i < 6 - digits; i++)
        m *= 10;
    uint32_t x = v / m;
    if (digits == 2)
        return rta__buf_printf(b, "%02u", x);
    if (digits == 4)
        return rta__buf_printf(b, "%04u", x);
    return rta__buf_printf(b, "%04u.%02u", x / 100, x % 100);
}

static int put_range(rta__buf *b, const rta_hs_range *r)
{
    if (put_hs(b, r->lo, r->lo_digits) != 0)
        return -1;
    uint32_t m = 1;
    for (int i = 0; i < 6 - r->lo_digits; i++)
        m *= 10;
    int single = r->lo_digits == r->hi_digits && r->hi == r->lo + m - 1;
    if (single)
        return 0;
    return rta__buf_puts(b, "-") || put_hs(b, r->hi, r->hi_digits);
}

static int put_scope(rta__buf *b, const rta_hs_scope *s)
{
    for (size_t i = 0; i < s->n; i++)
        if ((i > 0 && rta__buf_puts(b, ", ") != 0) || put_range(b, &s->v[i]) != 0)
            return -1;
    return 0;
}

static int put_str(rta__buf *b, const char *s)
{
    if (rta__buf_puts(b, "\"") != 0)
        return -1;
    for (; *s; s++) {
        int rc;
        if (*s == '"' || *s == '\\')
            rc = rta__buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            rc = rta__buf_puts(b, "\\n");
        else if (*s == '\t')
            rc = rta__buf_puts(b, "\\t");
        else if ((unsigned char)*s < 0x20)
            rc = rta__buf_puts(b, " ");
        else
            rc = rta__buf_append(b, s, 1);
        if (rc != 0)
            return -1;
    }
    return rta__buf_puts(b, "\"");
}

static int put_items(rta__buf *b, const rta_hs_scope *s, const char *words)
{
    if (put_scope(b, s) != 0)
        return -1;
    if (words != NULL)
        return (s->n > 0 && rta__buf_puts(b, ", ") != 0) || put_str(b, words);
    return 0;
}

static const char *cmp_str(rta_cmp c)
{
    return c == RTA_CMP_LE ? "<=" : ">=";
}

static int fmt_node(rta__buf *b, const rta_node *n, int parent);

static int fmt_leaf(rta__buf *b, const rta_node *n)
{
    int rc = 0;
    switch (n->kind) {
    case RTA_NODE_WO:
        rc = rta__buf_puts(b, "WO");
        if (rc == 0 && (n->u.wo.scope.n > 0 || n->u.wo.words != NULL))
            rc = rta__buf_puts(b, "(") || put_items(b, &n->u.wo.scope, n->u.wo.words) ||
                 rta__buf_puts(b, ")");
        return rc;
    case RTA_NODE_SHIFT: {
        const rta_shift *s = &n->u.shift;
        rc = rta__buf_puts(b, rta_shift_level_name(s->level));
        if (rc == 0 && s->except.n > 0)
            rc = rta__buf_puts(b, " except ") || put_scope(b, &s->except);
        if (rc == 0 && s->from.n > 0)
            rc = rta__buf_puts(b, " from ") || put_scope(b, &s->from);
        if (rc == 0 && s->within > 0)
            rc = rta__buf_printf(b, " within %d", s->within);
        if (rc == 0 && s->allow_upct >= 0)
            rc = rta__buf_puts(b, " allow ") || put_pct(b, s->allow_upct);
        if (rc == 0 && s->allow_words != NULL)
            rc = rta__buf_puts(b, " allow ") || put_str(b, s->allow_words);
        return rc;
    }
    case RTA_NODE_VALUE: {
        const rta_value *v = &n->u.value;
        if (v->method == RTA_VALUE_MAXNOM) {
            rc = rta__buf_puts(b, v->all_materials ? "MaxMAT" : "MaxNOM");
            if (rc == 0 && v->basis != RTA_BASIS_EXWORKS)
                rc = rta__buf_puts(b, v->basis == RTA_BASIS_VALUE ? "(VG)" : "(NC)");
        } else {
            rc = rta__buf_printf(b, "RVC(%s)", rta_value_method_name(v->method));
        }
        if (rc == 0)
            rc = rta__buf_printf(b, " %s ", cmp_str(v->cmp)) || put_pct(b, v->threshold_upct);
        if (rc == 0 && (v->scope.n > 0 || v->words != NULL))
            rc = rta__buf_puts(b, " on ") || put_items(b, &v->scope, v->words);
        return rc;
    }
    case RTA_NODE_WEIGHT: {
        const rta_weight *w = &n->u.weight;
        rc = rta__buf_printf(b, "weight(%s) %s ",
                             w->nom_only      ? "NOM"
                             : w->originating ? "OM"
                                              : "ALL",
                             cmp_str(w->cmp)) ||
             put_pct(b, w->threshold_upct);
        if (rc == 0 && (w->scope.n > 0 || w->words != NULL))
            rc = rta__buf_puts(b, " on ") || put_items(b, &w->scope, w->words);
        if (rc == 0 && (w->base.n > 0 || w->base_words != NULL))
            rc = rta__buf_puts(b, " of ") || put_items(b, &w->base, w->base_words);
        return rc;
    }
    case RTA_NODE_PROCESS:
        rc = rta__buf_printf(b, "process(%s", n->u.process.name);
        if (rc == 0 && n->u.process.words != NULL)
            rc = rta__buf_puts(b, ", ") || put_str(b, n->u.process.words);
        return rc || rta__buf_puts(b, ")");
    case RTA_NODE_PRODUCT:
        return rta__buf_puts(b, n->u.product.negate ? "not good(" : "good(") ||
               put_str(b, n->u.product.words) || rta__buf_puts(b, ")");
    case RTA_NODE_TEXT:
        return rta__buf_puts(b, "text(") || put_str(b, n->u.text.reason) ||
               rta__buf_puts(b, ", ") || put_str(b, n->u.text.words) || rta__buf_puts(b, ")");
    case RTA_NODE_AND:
    case RTA_NODE_OR:
        break;
    }
    return -1;
}

/* parent: 0 top, 1 inside OR, 2 inside AND */
static int fmt_node(rta__buf *b, const rta_node *n, int parent)
{
    if (n->kind != RTA_NODE_AND && n->kind != RTA_NODE_OR)
        return fmt_leaf(b, n);
    int paren = n->kind == RTA_NODE_OR ? parent == 2 : 0;
    if (paren && rta__buf_puts(b, "(") != 0)
        return -1;
    for (size_t i = 0; i < n->u.kids.n; i++) {
        if (i > 0 && rta__buf_puts(b, n->kind == RTA_NODE_OR ? " or " : " and ") != 0)
            return -1;
        const rta_node *k = &n->u.kids.v[i];
        /* a nested list of the same kind would be flattened by the parser:
         * keep it apart with parentheses so the tree round-trips */
        int same = k->kind == n->kind;
        if (same && rta__buf_puts(b, "(") != 0)
            return -1;
        if (fmt_node(b, k, same ? 0 : n->kind == RTA_NODE_OR ? 1 : 2) != 0)
            return -1;
        if (same && rta__buf_puts(b, ")") != 0)
            return -1;
    }
    return paren ? rta__buf_puts(b, ")") : 0;
}

static int put_product(rta__buf *b, uint64_t v, int digits)
{
    char d[11];
    snprintf(d, sizeof d, "%010llu", (unsigned long long)v);
    static const int dots[] = {4, 6, 8};
    int at = 0;
    for (int i = 0; i < digits; i++) {
        if (at < 3 && i == dots[at]) {
            if (rta__buf_puts(b, ".") != 0)
                return -1;
            at++;
        }
        if (rta__buf_append(b, &d[i], 1) != 0)
            return -1;
    }
    return 0;
}

static int put_cumulation(rta__buf *b, const rta_cumulation *c)
{
    int rc = rta__buf_puts(b, rta_cumulation_kind_name(c->kind));
    for (size_t i = 0; rc == 0 && i < c->n_partners; i++)
        rc = rta__buf_printf(b, "%s%s", i ? ", " : " ", c->partners[i]);
    if (rc == 0 && c->scope.n > 0)
        rc = rta__buf_puts(b, " materials ") || put_scope(b, &c->scope);
    if (rc == 0 && c->products.n > 0)
        rc = rta__buf_puts(b, " products ") || put_scope(b, &c->products);
    if (rc == 0 && !c->in_force)
        rc = rta__buf_puts(b, " suspended");
    if (rc == 0 && c->cite != NULL)
        rc = rta__buf_puts(b, " cite ") || put_str(b, c->cite);
    if (rc == 0 && c->note != NULL)
        rc = rta__buf_puts(b, " note ") || put_str(b, c->note);
    return rc;
}

static int fmt_rule(rta__buf *b, const rta_rule *r)
{
    int rc = 0;
    if (r->ex)
        rc = rta__buf_puts(b, "ex ");
    rc = rc || put_product(b, r->lo, r->lo_digits);
    uint64_t m = 1;
    for (int i = 0; i < 10 - r->lo_digits; i++)
        m *= 10;
    if (rc == 0 && !(r->lo_digits == r->hi_digits && r->hi == r->lo + m - 1))
        rc = rta__buf_puts(b, "-") || put_product(b, r->hi, r->hi_digits);
    rc = rc || rta__buf_puts(b, ": ") || fmt_node(b, r->root, 0);
    if (rc == 0 && r->attrs_explicit) {
        if (r->tolerance.value_upct >= 0)
            rc = rta__buf_puts(b, "; tolerance value ") || put_pct(b, r->tolerance.value_upct);
        if (rc == 0 && r->tolerance.weight_upct >= 0)
            rc = rta__buf_puts(b, "; tolerance weight ") || put_pct(b, r->tolerance.weight_upct);
        if (rc == 0 && r->tolerance.value_upct < 0 && r->tolerance.weight_upct < 0)
            rc = rta__buf_puts(b, "; tolerance none");
        for (size_t i = 0; rc == 0 && i < r->n_cumulation; i++)
            rc = rta__buf_puts(b, "; cumulation ") || put_cumulation(b, &r->cumulation[i]);
    }
    return rc;
}

static size_t copy_out(rta__buf *b, int rc, char *buf, size_t size)
{
    size_t need = rc == 0 ? b->len : 0;
    if (size > 0) {
        size_t k = need < size - 1 ? need : size - 1;
        if (k > 0)
            memcpy(buf, b->data, k);
        buf[k] = '\0';
    }
    rta__buf_free(b);
    return need;
}

size_t rta_rule_format(const rta_rule *rule, char *buf, size_t size)
{
    rta__buf b = {0};
    int rc = fmt_rule(&b, rule);
    return copy_out(&b, rc, buf, size);
}

size_t rta_node_format(const rta_node *node, char *buf, size_t size)
{
    rta__buf b = {0};
    int rc = fmt_node(&b, node, 0);
    return copy_out(&b, rc, buf, size);
}

/* ---- dump ----------------------------------------------------------------- */

static int dump(rta__buf *b, const rta_node *n, int depth)
{
    for (int i = 0; i < depth; i++)
        if (rta__buf_puts(b, "  ") != 0)
            return -1;
    if (n->kind == RTA_NODE_AND || n->kind == RTA_NODE_OR) {
        if (rta__buf_printf(b, "%s\n", rta_node_kind_name(n->kind)) != 0)
            return -1;
        for (size_t i = 0; i < n->u.kids.n; i++)
            if (dump(b, &n->u.kids.v[i], depth + 1) != 0)
                return -1;
        return 0;
    }
    return rta__buf_printf(b, "%-8s ", rta_node_kind_name(n->kind)) || fmt_leaf(b, n) ||
           rta__buf_puts(b, "\n");
}

char *rta_node_dump(const rta_node *node)
{
    rta__buf b = {0};
    if (dump(&b, node, 0) != 0 || rta__buf_puts(&b, "") != 0) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- JSON ----------------------------------------------------------------- */

static int json_pct(rta__buf *b, int64_t upct)
{
    if (upct < 0)
        return rta__buf_puts(b, "null");
    return rta__buf_puts(b, "\"") || put_pct_plain(b, upct) || rta__buf_puts(b, "\"");
}

static int json_str(rta__buf *b, const char *s)
{
    return s == NULL ? rta__buf_puts(b, "null") : rta__json_quote(b, s);
}

static int json_scope(rta__buf *b, const rta_hs_scope *s)
{
    if (rta__buf_puts(b, "[") != 0)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        if ((i > 0 && rta__buf_puts(b, ",") != 0) || rta__buf_puts(b, "\"") != 0 ||
            put_range(b, &s->v[i]) != 0 || rta__buf_puts(b, "\"") != 0)
            return -1;
    }
    return rta__buf_puts(b, "]");
}

static int json_node(rta__buf *b, const rta_node *n)
{
    int rc = rta__buf_printf(b, "{\"kind\":\"%s\"", rta_node_kind_name(n->kind));
    if (rc != 0)
        return -1;
    switch (n->kind) {
    case RTA_NODE_WO:
        rc = rta__buf_puts(b, ",\"materials\":") || json_scope(b, &n->u.wo.scope) ||
             rta__buf_puts(b, ",\"words\":") || json_str(b, n->u.wo.words);
        break;
    case RTA_NODE_SHIFT: {
        const rta_shift *s = &n->u.shift;
        rc = rta__buf_printf(b, ",\"level\":\"%s\",\"except\":", rta_shift_level_name(s->level)) ||
             json_scope(b, &s->except) || rta__buf_puts(b, ",\"from\":") ||
             json_scope(b, &s->from) || rta__buf_printf(b, ",\"within\":%d", s->within) ||
             rta__buf_puts(b, ",\"allow_pct\":") || json_pct(b, s->allow_upct) ||
             rta__buf_puts(b, ",\"allow_words\":") || json_str(b, s->allow_words);
        break;
    }
    case RTA_NODE_VALUE: {
        const rta_value *v = &n->u.value;
        static const char *basis[] = {"", "ex-works", "value", "net-cost"};
        rc = rta__buf_printf(b, ",\"method\":\"%s\",\"cmp\":\"%s\",\"threshold_pct\":",
                             rta_value_method_name(v->method), cmp_str(v->cmp)) ||
             json_pct(b, v->threshold_upct) ||
             rta__buf_printf(b, ",\"basis\":\"%s\",\"materials\":",
                             basis[v->basis >= 1 && v->basis <= 3 ? v->basis : 0]) ||
             json_scope(b, &v->scope) || rta__buf_puts(b, ",\"words\":") || json_str(b, v->words) ||
             rta__buf_printf(b, ",\"all_materials\":%s", v->all_materials ? "true" : "false");
        break;
    }
    case RTA_NODE_WEIGHT: {
        const rta_weight *w = &n->u.weight;
        rc = rta__buf_printf(b, ",\"of_materials\":\"%s\",\"cmp\":\"%s\",\"threshold_pct\":",
                             w->nom_only      ? "non-originating"
                             : w->originating ? "originating"
                                              : "all",
                             cmp_str(w->cmp)) ||
             json_pct(b, w->threshold_upct) || rta__buf_puts(b, ",\"materials\":") ||
             json_scope(b, &w->scope) || rta__buf_puts(b, ",\"words\":") || json_str(b, w->words) ||
             rta__buf_puts(b, ",\"base\":") || json_scope(b, &w->base) ||
             rta__buf_puts(b, ",\"base_words\":") || json_str(b, w->base_words);
        break;
    }
    case RTA_NODE_PROCESS:
        rc = rta__buf_puts(b, ",\"name\":") || json_str(b, n->u.process.name) ||
             rta__buf_puts(b, ",\"words\":") || json_str(b, n->u.process.words);
        break;
    case RTA_NODE_PRODUCT:
        rc = rta__buf_puts(b, ",\"words\":") || json_str(b, n->u.product.words) ||
             rta__buf_printf(b, ",\"negate\":%s", n->u.product.negate ? "true" : "false");
        break;
    case RTA_NODE_TEXT:
        rc = rta__buf_puts(b, ",\"reason\":") || json_str(b, n->u.text.reason) ||
             rta__buf_puts(b, ",\"words\":") || json_str(b, n->u.text.words);
        break;
    case RTA_NODE_AND:
    case RTA_NODE_OR:
        rc = rta__buf_puts(b, ",\"children\":[");
        for (size_t i = 0; rc == 0 && i < n->u.kids.n; i++)
            rc = (i > 0 && rta__buf_puts(b, ",") != 0) || json_node(b, &n->u.kids.v[i]);
        rc = rc || rta__buf_puts(b, "]");
        break;
    }
    return rc || rta__buf_puts(b, "}");
}

char *rta_rule_json(const rta_rule *r)
{
    rta__buf b = {0}, syn = {0};
    int rc = fmt_rule(&syn, r) || rta__buf_puts(&syn, "");
    rc = rc || rta__buf_puts(&b, "{\"scope\":\"") || put_product(&b, r->lo, r->lo_digits);
    uint64_t m = 1;
    for (int i = 0; i < 10 - r->lo_digits; i++)
        m *= 10;
    if (rc == 0 && !(r->lo_digits == r->hi_digits && r->hi == r->lo + m - 1))
        rc = rta__buf_puts(&b, "-") || put_product(&b, r->hi, r->hi_digits);
    rc = rc ||
         rta__buf_printf(&b, "\",\"lo\":\"%010llu\",\"hi\":\"%010llu\",\"ex\":%s,\"text\":",
                         (unsigned long long)r->lo, (unsigned long long)r->hi,
                         r->ex ? "true" : "false") ||
         json_str(&b, r->text) || rta__buf_puts(&b, ",\"source\":") || json_str(&b, r->source) ||
         rta__buf_puts(&b, ",\"syntax\":") || json_str(&b, syn.data) ||
         rta__buf_printf(&b, ",\"compiled\":%s,\"tree\":", r->has_text_node ? "false" : "true") ||
         json_node(&b, r->root) || rta__buf_puts(&b, ",\"tolerance\":{\"value_pct\":") ||
         json_pct(&b, r->tolerance.value_upct) || rta__buf_puts(&b, ",\"weight_pct\":") ||
         json_pct(&b, r->tolerance.weight_upct) || rta__buf_puts(&b, ",\"cite\":") ||
         json_str(&b, r->tolerance.cite) || rta__buf_puts(&b, "},\"cumulation\":[");
    for (size_t i = 0; rc == 0 && i < r->n_cumulation; i++) {
        const rta_cumulation *c = &r->cumulation[i];
        rc = (i > 0 && rta__buf_puts(&b, ",") != 0) ||
             rta__buf_printf(&b, "{\"kind\":\"%s\",\"partners\":[",
                             rta_cumulation_kind_name(c->kind));
        for (size_t k = 0; rc == 0 && k < c->n_partners; k++)
            rc = rta__buf_printf(&b, "%s\"%s\"", k ? "," : "", c->partners[k]);
        rc = rc || rta__buf_puts(&b, "],\"materials\":") || json_scope(&b, &c->scope) ||
             rta__buf_puts(&b, ",\"products\":") || json_scope(&b, &c->products) ||
             rta__buf_printf(&b, ",\"in_force\":%s,\"cite\":", c->in_force ? "true" : "false") ||
             json_str(&b, c->cite) || rta__buf_puts(&b, ",\"note\":") || json_str(&b, c->note) ||
             rta__buf_puts(&b, "}");
    }
    rc = rc || rta__buf_puts(&b, "]}");
    rta__buf_free(&syn);
    if (rc != 0) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- whole set as text ---------------------------------------------------- */

rta_status rta_ruleset_write_text(const rta_ruleset *rs, FILE *f, rta_error *err)
{
    rta__buf b = {0};
    int rc = rta__buf_printf(&b, "# rta rule set %s\n@title ", rs->name) ||
             put_str(&b, rs->title) || rta__buf_puts(&b, "\n");
    for (size_t i = 0; rc == 0 && i < rs->ntol; i++) {
        const rta__tol_dir *d = &rs->tol[i];
        rc = rta__buf_printf(&b, "@tolerance %s ", d->weight ? "weight" : "value") ||
             put_pct(&b, d->upct);
        if (rc == 0 && d->on.n > 0)
            rc = rta__buf_puts(&b, d->except ? " except " : " on ") || put_scope(&b, &d->on);
        if (rc == 0 && d->cite != NULL)
            rc = rta__buf_puts(&b, " cite ") || put_str(&b, d->cite);
        rc = rc || rta__buf_puts(&b, "\n");
    }
    for (size_t i = 0; rc == 0 && i < rs->ncum; i++)
        rc = rta__buf_puts(&b, "@cumulation ") || put_cumulation(&b, &rs->cum[i]) ||
             rta__buf_puts(&b, "\n");
    for (size_t i = 0; rc == 0 && i < rs->n; i++) {
        const rta_rule *r = &rs->rules[i];
        if (r->source != NULL || r->text != NULL) {
            rc = rta__buf_printf(&b, "\n# %s", r->source != NULL ? r->source : "");
            if (rc == 0 && r->text != NULL) {
                rc = rta__buf_puts(&b, ": ");
                for (const char *s = r->text; rc == 0 && *s; s++)
                    rc = rta__buf_append(&b, *s == '\n' || *s == '\r' ? " " : s, 1);
            }
            rc = rc || rta__buf_puts(&b, "\n");
        }
        rc = rc || fmt_rule(&b, r) || rta__buf_puts(&b, "\n");
    }
    if (rc != 0) {
        rta__buf_free(&b);
        return rta__error(err, RTA_ERR_NOMEM, rs->name, 0, 0, "out of memory");
    }
    size_t len = b.len;
    size_t w = fwrite(b.data, 1, len, f);
    rta__buf_free(&b);
    if (w != len || ferror(f))
        return rta__error(err, RTA_ERR_IO, rs->name, 0, 0, "cannot write the rule set");
    return RTA_OK;
}

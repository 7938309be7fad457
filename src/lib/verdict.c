/*
 * verdict.c - a rule of origin evaluated on a bill of materials (rta/verdict.h).
 *
 * Why: one walk of the compiled tree over a precomputed table of materials
 * (HS6 as an integer, originating or not after cumulation), so a verdict
 * costs a few hundred nanoseconds and allocates nothing (rta_verdict_eval).
 * The same walk, given a buffer, writes the explanation (rta_verdict_explain):
 * the two can never disagree because they are one function.
 *
 * Value tests compare exact integers: "num/den >= t%" is checked as
 * num * 10^8 >= t_upct * den in 128-bit arithmetic (t_upct is percent x 10^6),
 * so a MaxNOM limit of 40% on 10,000.00 is met by 4,000.00 and failed by
 * 4,000.01. Percentages are only rounded for display, and then shown with
 * more decimals whenever two decimals would hide the side of the limit.
 */
#include "rta/verdict.h"

#include "internal.h"
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;

#define MAX_MATERIALS 4096
#define HUNDRED_UPCT  ((i128)100000000) /* 100% in percent x 10^6 */

enum { R_PASS = 0, R_FAIL = 1, R_PERSON = 2 };

enum { M_NON = 0, M_PARTY = 1, M_CUMULATED = 2 };

typedef struct mat {
    uint32_t hs6;   /* first 6 digits as a number (a 4-digit code: hhhh00) */
    uint8_t digits; /* 4 or 6 (6 means "at least 6") */
    uint8_t orig;   /* M_NON, M_PARTY, M_CUMULATED */
} mat;

typedef struct ev {
    const rta_rule *rule;
    const rta_bom *bom;
    mat *m;
    int n;
    uint32_t prod6;
    int textile;    /* product of chapters 50-63 */
    int no_cum;     /* evaluate as if there were no cumulation */
    rta__buf *why;  /* NULL: no text (fast path) */
    int tol_used;   /* set by SHIFT nodes that needed the tolerance */
    int allow_used; /* set by SHIFT nodes that needed the allowance */
    int oom;        /* a buffer append failed */
} ev;

/* ---- small text helpers (explain mode only) ---- */

static void say(ev *e, const char *fmt, ...) RTA__PRINTF(2, 3);
static void say(ev *e, const char *fmt, ...)
{
    if (e->why == NULL)
        return;
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || rta__buf_puts(e->why, tmp) != 0)
        e->oom = 1;
}

/* Cents as "1234.56" (no thousands separators, like rta_cents_format). */
static const char *money(int64_t cents, char *buf, size_t size)
{
    uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    char tmp[32]; /* 21 digits, a sign, a point: always fits */
    int n = snprintf(tmp, sizeof tmp, "%s%llu.%02llu", cents < 0 ? "-" : "",
                     (unsigned long long)(a / 100), (unsigned long long)(a % 100));
    size_t k = n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
    memcpy(buf, tmp, k);
    buf[k] = '\0';
    return buf;
}

/* Writes the dotted HS code of a material ("5208.52", "2103"). */
static const char *hs_text(const rta_code *c, char *buf, size_t size)
{
    return rta_code_format(c, buf, size);
}

/* A percentage num/den in percent x 10^6, floored (den > 0). */
static i128 pct_upct(i128 num, i128 den)
{
    i128 q = num * HUNDRED_UPCT;
    i128 r = q / den;
    if ((q % den != 0) && ((q < 0) != (den < 0)))
        r -= 1;
    return r;
}

/* Formats percent x 10^6 with 2 decimals, or up to 6 when the value differs
 * from `versus` but would print the same with 2 decimals. */
static const char *pct_text(i128 upct, int64_t versus, char *buf, size_t size)
{
    int neg = upct < 0;
    i128 a = neg ? -upct : upct;
    long long whole = (long long)(a / 1000000);
    long long frac6 = (long long)(a % 1000000);
    long long vw = versus / 1000000, vf = (versus % 1000000) / 10000;
    if (!neg && upct != versus && whole == vw && frac6 / 10000 == vf) {
        char f[8];
        snprintf(f, sizeof f, "%06lld", frac6);
        for (int k = 5; k > 2 && f[k] == '0'; k--)
            f[k] = '\0';
        snprintf(buf, size, "%lld.%s%%", whole, f);
    } else {
        snprintf(buf, size, "%s%lld.%02lld%%", neg ? "-" : "", whole, frac6 / 10000);
    }
    return buf;
}

/* A threshold in percent x 10^6 as typed: "40%", "47.5%". */
static const char *thr_text(int64_t upct, char *buf, size_t size)
{
    long long whole = upct / 1000000, frac = upct % 1000000;
    if (frac == 0) {
        snprintf(buf, size, "%lld%%", whole);
    } else {
        char f[8];
        snprintf(f, sizeof f, "%06lld", frac);
        for (int k = 5; k > 0 && f[k] == '0'; k--)
            f[k] = '\0';
        snprintf(buf, size, "%lld.%s%%", whole, f);
    }
    return buf;
}

/* floor(t% of base) in cents */
static int64_t share_of(int64_t base_cents, int64_t upct)
{
    return (int64_t)(((i128)base_cents * upct) / HUNDRED_UPCT);
}

static const char *level_name(int digits)
{
    return digits == 2 ? "chapter" : digits == 4 ? "heading" : "subheading";
}

static void describe_material(ev *e, int i)
{
    const rta_bom_material *bm = &e->bom->materials[i];
    char c[16], v[32];
    say(e, "%s", hs_text(&bm->hs, c, sizeof c));
    if (bm->description && bm->description[0])
        say(e, " (%s", bm->description);
    else
        say(e, " (");
    say(e, "%s%s, %s %s)", bm->description && bm->description[0] ? ", " : "",
        bm->origin[0] ? bm->origin : "origin unknown", money(bm->value_cents, v, sizeof v),
        e->bom->currency);
}

/* ---- scopes ---- */

/* 1 if any range of scope overlaps [lo, hi] (material codes known to 4 digits
 * cover hhhh00..hhhh99; overlapping is enough to be caught by an except list). */
static int scope_overlaps(const rta_hs_scope *s, uint32_t lo, uint32_t hi)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->v[k].lo <= hi && lo <= s->v[k].hi)
            return 1;
    return 0;
}

/* 1 if the whole of [lo, hi] lies in the scope (a single range suffices for
 * a 6-digit code; a 4-digit code must fit inside one range). */
static int scope_contains(const rta_hs_scope *s, uint32_t lo, uint32_t hi)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->v[k].lo <= lo && hi <= s->v[k].hi)
            return 1;
    return 0;
}

static void mat_span(const mat *m, uint32_t *lo, uint32_t *hi)
{
    *lo = m->hs6;
    *hi = m->digits >= 6 ? m->hs6 : m->hs6 + 99;
}

static int is_orig(const ev *e, const mat *m)
{
    return m->orig == M_PARTY || (m->orig == M_CUMULATED && !e->no_cum);
}

/* ---- node evaluation ---- */

static int eval(ev *e, const rta_node *n);

/* Why a non-originating material fails a shift; NULL if it passes.
 * *by_level: 1 when the only fault is staying in the product's own group. */
static const char *shift_fault(const ev *e, const rta_shift *s, const mat *m, int *by_level)
{
    uint32_t lo, hi;
    mat_span(m, &lo, &hi);
    *by_level = 0;
    if (s->except.n && scope_overlaps(&s->except, lo, hi))
        return "is in a range the rule excepts";
    if (s->from.n && !scope_contains(&s->from, lo, hi))
        return "is not among the materials the rule allows";
    if (s->within) {
        uint32_t div = s->within == 2 ? 10000 : s->within == 4 ? 100 : 1;
        if (s->within > m->digits)
            return "is given with too few digits to show it stays within the group";
        if (m->hs6 / div != e->prod6 / div)
            return "is outside the group the change must stay within";
    }
    int lv = (int)s->level;
    if (lv) {
        uint32_t div = lv == 2 ? 10000 : lv == 4 ? 100 : 1;
        if (lv > m->digits) {
            /* a heading-level code under CTSH: fails unless the heading differs */
            if (m->hs6 / 100 == e->prod6 / 100)
                return "is given only to its heading, the product's heading; the rule needs "
                       "its subheading";
        } else if (m->hs6 / div == e->prod6 / div) {
            *by_level = 1;
            return lv == 2   ? "is classified in the product's own chapter"
                   : lv == 4 ? "is classified in the product's own heading"
                             : "is classified in the product's own subheading";
        }
    }
    return NULL;
}

static int eval_shift(ev *e, const rta_shift *s)
{
    const rta_bom *b = e->bom;
    int64_t fail_v = 0, fail_w = 0, level_v = 0;
    int nfail = 0, nnon = 0, weights_known = 1;
    char buf[64], buf2[64], buf3[32];
    say(e, "%s", s->level ? "" : "");
    for (int i = 0; i < e->n; i++) {
        const mat *m = &e->m[i];
        if (is_orig(e, m))
            continue;
        nnon++;
        int by_level = 0;
        const char *fault = shift_fault(e, s, m, &by_level);
        if (fault == NULL)
            continue;
        nfail++;
        fail_v += b->materials[i].value_cents;
        if (b->materials[i].weight_g < 0)
            weights_known = 0;
        else
            fail_w += b->materials[i].weight_g;
        if (by_level)
            level_v += b->materials[i].value_cents;
        if (e->why) {
            say(e, "%snon-originating material ", nfail == 1 ? "" : "; ");
            describe_material(e, i);
            say(e, " %s", fault);
        }
    }
    if (nfail == 0) {
        if (nnon == 0)
            say(e, "there are no non-originating materials");
        else
            say(e, "all %d non-originating materials satisfy the change of %s", nnon,
                s->level ? level_name((int)s->level) : "classification");
        return R_PASS;
    }
    /* the rule's own allowance: materials of the product's group up to x% */
    if (s->allow_upct >= 0 && level_v == fail_v) {
        int64_t lim = share_of(b->price_cents, s->allow_upct);
        if (fail_v <= lim) {
            say(e,
                "; the rule allows such materials up to %s of the price (%s %s) and they "
                "total %s %s, so the rule's allowance is used",
                thr_text(s->allow_upct, buf3, sizeof buf3), money(lim, buf, sizeof buf),
                b->currency, money(fail_v, buf2, sizeof buf2), b->currency);
            e->allow_used = 1;
            return R_PASS;
        }
        say(e,
            "; the rule allows such materials only up to %s of the price (%s %s), they total "
            "%s %s",
            thr_text(s->allow_upct, buf3, sizeof buf3), money(lim, buf, sizeof buf), b->currency,
            money(fail_v, buf2, sizeof buf2), b->currency);
    }
    /* tolerance (de minimis) */
    const rta_tolerance *t = &e->rule->tolerance;
    const char *cite = t->cite ? t->cite : "the rule set's general tolerance";
    if (e->textile && t->weight_upct >= 0) {
        int64_t total_w = b->weight_g;
        if (total_w < 0) {
            total_w = 0;
            for (int i = 0; i < e->n; i++) {
                if (b->materials[i].weight_g < 0) {
                    total_w = -1;
                    break;
                }
                total_w += b->materials[i].weight_g;
            }
        }
        if (!weights_known || total_w <= 0) {
            say(e,
                "; the weight tolerance of %s (%s) cannot be applied because the bill does "
                "not give the weight of every material",
                thr_text(t->weight_upct, buf3, sizeof buf3), cite);
        } else {
            int64_t lim = share_of(total_w, t->weight_upct);
            if (fail_w <= lim) {
                say(e,
                    "; they weigh %lld g, within the tolerance of %s of the weight (%lld g of "
                    "%lld g; %s), so the tolerance is used",
                    (long long)fail_w, thr_text(t->weight_upct, buf3, sizeof buf3), (long long)lim,
                    (long long)total_w, cite);
                e->tol_used = 1;
                return R_PASS;
            }
            say(e,
                "; they weigh %lld g, more than the tolerance of %s of the weight (%lld g of "
                "%lld g; %s)",
                (long long)fail_w, thr_text(t->weight_upct, buf3, sizeof buf3), (long long)lim,
                (long long)total_w, cite);
        }
    } else if (t->value_upct >= 0) {
        int64_t lim = share_of(b->price_cents, t->value_upct);
        if (fail_v <= lim) {
            say(e,
                "; together %s %s, within the tolerance of %s of the %s price (%s %s; %s), so "
                "the tolerance is used",
                money(fail_v, buf, sizeof buf), b->currency,
                thr_text(t->value_upct, buf3, sizeof buf3), rta_price_basis_name(b->price_basis),
                money(lim, buf2, sizeof buf2), b->currency, cite);
            e->tol_used = 1;
            return R_PASS;
        }
        say(e, "; together %s %s, more than the tolerance of %s of the %s price (%s %s; %s)",
            money(fail_v, buf, sizeof buf), b->currency, thr_text(t->value_upct, buf3, sizeof buf3),
            rta_price_basis_name(b->price_basis), money(lim, buf2, sizeof buf2), b->currency, cite);
    } else {
        say(e, "; the rule set grants no tolerance");
    }
    if (s->allow_words) {
        say(e,
            "; the rule also allows \"%s\": a person must decide whether the failing "
            "materials are such",
            s->allow_words);
        return R_PERSON;
    }
    return R_FAIL;
}

static int eval_value(ev *e, const rta_value *v)
{
    const rta_bom *b = e->bom;
    char a[32], c[32], d[32], p1[40], p2[40];
    if (v->words && v->scope.n == 0) {
        say(e,
            "the rule limits the value of \"%s\", named in words: a person must decide which "
            "materials of the bill these are",
            v->words);
        return R_PERSON;
    }
    int64_t base;
    const char *base_name;
    if (v->method == RTA_VALUE_NC || v->basis == RTA_BASIS_NET_COST) {
        if (b->net_cost_cents <= 0) {
            say(e, "the %s test needs the net cost, which the bill does not declare",
                rta_value_method_name(v->method));
            return R_PERSON;
        }
        base = b->net_cost_cents;
        base_name = "net cost";
    } else if (v->basis == RTA_BASIS_EXWORKS && b->price_basis != RTA_PRICE_EX_WORKS) {
        say(e,
            "the rule takes the ex-works price, but the bill gives the %s price: a person "
            "must supply the ex-works price",
            rta_price_basis_name(b->price_basis));
        return R_PERSON;
    } else if (v->basis == RTA_BASIS_VALUE && b->price_basis == RTA_PRICE_EX_WORKS) {
        say(e, "the rule takes the value of the good (transaction or FOB value), but the bill "
               "gives the ex-works price: a person must supply that value");
        return R_PERSON;
    } else {
        base = b->price_cents;
        base_name = b->price_basis == RTA_PRICE_EX_WORKS ? "ex-works price"
                    : b->price_basis == RTA_PRICE_FOB    ? "FOB value"
                                                         : "transaction value";
    }
    /* the material sum the method uses */
    int64_t sum = 0;
    for (int i = 0; i < e->n; i++) {
        const mat *m = &e->m[i];
        int orig = is_orig(e, m);
        int in_scope = 1;
        if (v->scope.n) {
            uint32_t lo, hi;
            mat_span(m, &lo, &hi);
            in_scope = scope_overlaps(&v->scope, lo, hi);
        }
        switch (v->method) {
        case RTA_VALUE_BU:
            if (orig)
                sum += b->materials[i].value_cents;
            break;
        case RTA_VALUE_FV:
            if (!orig && in_scope)
                sum += b->materials[i].value_cents;
            break;
        case RTA_VALUE_MAXNOM:
            if ((v->all_materials || !orig) && in_scope)
                sum += b->materials[i].value_cents;
            break;
        default:
            if (!orig)
                sum += b->materials[i].value_cents;
            break;
        }
    }
    i128 num;
    const char *formula;
    switch (v->method) {
    case RTA_VALUE_BU:
        num = sum;
        formula = "build-up regional value content VOM / V";
        break;
    case RTA_VALUE_FV:
        num = (i128)base - sum;
        formula = "focused value (V - FVNM) / V";
        break;
    case RTA_VALUE_NC:
        num = (i128)base - sum;
        formula = "net cost regional value content (NC - VNM) / NC";
        break;
    case RTA_VALUE_MAXNOM:
        num = sum;
        formula = NULL;
        break;
    case RTA_VALUE_BD:
    default:
        num = (i128)base - sum;
        formula = "build-down regional value content (V - VNM) / V";
        break;
    }
    /* exact: num / base >= t  <=>  num * 10^8 >= t * base */
    i128 lhs = num * HUNDRED_UPCT, rhs = (i128)v->threshold_upct * base;
    int ok = v->cmp == RTA_CMP_LE ? lhs <= rhs : lhs >= rhs;
    i128 pct = pct_upct(num, base);
    if (e->why) {
        thr_text(v->threshold_upct, p2, sizeof p2);
        if (v->method == RTA_VALUE_MAXNOM) {
            int64_t lim = share_of(base, v->threshold_upct);
            say(e, "the %s %s %s is %s of the %s %s %s; the rule allows at most %s (%s %s): %s",
                v->all_materials ? "value of the materials concerned"
                                 : "value of non-originating materials (VNM)",
                v->scope.n ? "in the rule's scope," : "", money(sum, a, sizeof a),
                pct_text(pct, v->threshold_upct, p1, sizeof p1), base_name,
                money(base, c, sizeof c), b->currency, p2, money(lim, d, sizeof d), b->currency,
                ok ? "met" : "not met");
            if (!ok)
                say(e, " (%s %s over the limit)", money(sum - lim, a, sizeof a), b->currency);
        } else {
            say(e, "%s = %s (%s %s %s, %s %s %s); %s %s required: %s", formula,
                pct_text(pct, v->threshold_upct, p1, sizeof p1),
                v->method == RTA_VALUE_BU   ? "originating materials"
                : v->method == RTA_VALUE_FV ? "non-originating materials of the focused scope"
                                            : "non-originating materials",
                money(sum, a, sizeof a), b->currency, base_name, money(base, c, sizeof c),
                b->currency, v->cmp == RTA_CMP_LE ? "at most" : "at least", p2,
                ok ? "met" : "not met");
        }
    }
    return ok ? R_PASS : R_FAIL;
}

static int eval_process(ev *e, const rta_process *p)
{
    const rta_bom *b = e->bom;
    for (int k = 0; k < b->nprocesses; k++)
        if (strcmp(b->processes[k], p->name) == 0) {
            say(e, "the producer declares %s", p->name);
            return R_PASS;
        }
    int seen_non = -1;
    for (int i = 0; i < e->n; i++) {
        const rta_bom_material *bm = &b->materials[i];
        for (int k = 0; k < bm->nprocesses; k++) {
            if (strcmp(bm->processes[k], p->name) != 0)
                continue;
            if (is_orig(e, &e->m[i])) {
                if (e->why) {
                    say(e, "%s was done upstream on originating material ", p->name);
                    describe_material(e, i);
                    if (e->m[i].orig == M_CUMULATED)
                        say(e, ", which counts as originating by cumulation");
                }
                return R_PASS;
            }
            if (seen_non < 0)
                seen_non = i;
        }
    }
    if (p->words)
        say(e, "%s (\"%s\") is not declared by the producer", p->name, p->words);
    else
        say(e, "%s is not declared by the producer", p->name);
    if (seen_non >= 0 && e->why) {
        say(e, "; it was done on non-originating material ");
        describe_material(e, seen_non);
        say(e, ", outside the party%s",
            e->rule->n_cumulation ? " and its cumulation partners" : "");
    }
    return R_FAIL;
}

static int eval_wo(ev *e, const rta_node *n)
{
    int person = n->u.wo.words && n->u.wo.scope.n == 0;
    int nfail = 0;
    for (int i = 0; i < e->n; i++) {
        const mat *m = &e->m[i];
        if (is_orig(e, m))
            continue;
        if (n->u.wo.scope.n) {
            uint32_t lo, hi;
            mat_span(m, &lo, &hi);
            if (!scope_overlaps(&n->u.wo.scope, lo, hi))
                continue;
        }
        if (e->why) {
            say(e, "%snon-originating material ", nfail ? "; " : "");
            describe_material(e, i);
            say(e, " is not wholly obtained in the party");
        }
        nfail++;
    }
    if (nfail)
        return R_FAIL;
    if (person) {
        say(e,
            "no material is non-originating; a person must confirm that \"%s\" are wholly "
            "obtained",
            n->u.wo.words);
        return R_PERSON;
    }
    say(e,
        "every material %sis originating (wholly obtained status rests on the producer's "
        "declaration)",
        n->u.wo.scope.n ? "of the scope " : "");
    return R_PASS;
}

static int eval_weight(ev *e, const rta_weight *w)
{
    const rta_bom *b = e->bom;
    char p2[40];
    if ((w->words && w->scope.n == 0) || (w->base_words && w->base.n == 0)) {
        say(e, "a weight limit on materials named in words (\"%s\"): a person must decide",
            w->words ? w->words : w->base_words);
        return R_PERSON;
    }
    int64_t part = 0, total = 0;
    for (int i = 0; i < e->n; i++) {
        const mat *m = &e->m[i];
        const rta_bom_material *bm = &b->materials[i];
        uint32_t lo, hi;
        mat_span(m, &lo, &hi);
        int orig = is_orig(e, m);
        int in = w->scope.n == 0 || scope_overlaps(&w->scope, lo, hi);
        int counted = in && (w->originating ? orig : (!w->nom_only || !orig));
        int in_base = w->base.n && scope_overlaps(&w->base, lo, hi);
        if ((counted || in_base) && bm->weight_g < 0) {
            say(e, "the weight test needs the weight of material %s, which the bill does not give",
                bm->hs.digits);
            return R_PERSON;
        }
        if (counted)
            part += bm->weight_g;
        if (in_base)
            total += bm->weight_g;
    }
    if (w->base.n == 0) {
        total = b->weight_g;
        if (total < 0) {
            say(e, "the weight test needs the weight of the product (weight_kg), which the bill "
                   "does not give");
            return R_PERSON;
        }
    }
    if (total <= 0) {
        say(e, "the weight base is zero: a person must decide");
        return R_PERSON;
    }
    i128 lhs = (i128)part * HUNDRED_UPCT, rhs = (i128)w->threshold_upct * total;
    int ok = w->cmp == RTA_CMP_LE ? lhs <= rhs : lhs >= rhs;
    say(e, "the materials concerned weigh %lld g of %lld g; %s %s required: %s", (long long)part,
        (long long)total, w->cmp == RTA_CMP_LE ? "at most" : "at least",
        thr_text(w->threshold_upct, p2, sizeof p2), ok ? "met" : "not met");
    return ok ? R_PASS : R_FAIL;
}

static int eval(ev *e, const rta_node *n)
{
    switch (n->kind) {
    case RTA_NODE_WO:
        return eval_wo(e, n);
    case RTA_NODE_SHIFT:
        return eval_shift(e, &n->u.shift);
    case RTA_NODE_VALUE:
        return eval_value(e, &n->u.value);
    case RTA_NODE_WEIGHT:
        return eval_weight(e, &n->u.weight);
    case RTA_NODE_PROCESS:
        return eval_process(e, &n->u.process);
    case RTA_NODE_PRODUCT:
        say(e, "the rule applies only if the product %s \"%s\": a person must decide",
            n->u.product.negate ? "is not" : "is", n->u.product.words);
        return R_PERSON;
    case RTA_NODE_TEXT:
        say(e, "kept as text (%s): \"%s\": a person must decide whether it is met",
            n->u.text.reason ? n->u.text.reason : "not compiled",
            n->u.text.words ? n->u.text.words : "");
        return R_PERSON;
    case RTA_NODE_AND:
    case RTA_NODE_OR: {
        int and = n->kind == RTA_NODE_AND;
        int res = and? R_PASS : R_FAIL;
        for (size_t k = 0; k < n->u.kids.n; k++) {
            if (e->why)
                say(e, "%s", k == 0 ? "" : and? "; and " : "; or ");
            int r = eval(e, &n->u.kids.v[k]);
            if (and) {
                if (r == R_FAIL)
                    res = R_FAIL;
                else if (r == R_PERSON && res == R_PASS)
                    res = R_PERSON;
                if (res == R_FAIL && e->why == NULL)
                    return res;
            } else {
                if (r == R_PASS)
                    res = R_PASS;
                else if (r == R_PERSON && res == R_FAIL)
                    res = R_PERSON;
                if (res == R_PASS && e->why == NULL)
                    return res;
            }
        }
        return res;
    }
    default:
        say(e, "unknown rule part: a person must decide");
        return R_PERSON;
    }
}

/* ---- material table ---- */

static int cumulated(const rta_rule *rule, uint32_t prod6, const rta_bom_material *bm, const mat *m)
{
    for (size_t k = 0; k < rule->n_cumulation; k++) {
        const rta_cumulation *c = &rule->cumulation[k];
        if (c->kind == RTA_CUM_NONE || !c->in_force)
            continue;
        if (c->products.n && !rta_hs_scope_has(&c->products, prod6))
            continue;
        int partner = 0;
        for (size_t p = 0; p < c->n_partners; p++)
            if (c->partners[p][0] == bm->origin[0] && c->partners[p][1] == bm->origin[1]) {
                partner = 1;
                break;
            }
        if (!partner)
            continue;
        if (c->scope.n) {
            uint32_t lo, hi;
            mat_span(m, &lo, &hi);
            if (!scope_contains(&c->scope, lo, hi))
                continue;
        }
        return 1;
    }
    return 0;
}

static uint32_t hs6_of(const rta_code *c)
{
    uint32_t v = 0;
    for (int k = 0; k < 6; k++)
        v = v * 10 + (uint32_t)(k < c->len ? c->digits[k] - '0' : 0);
    return v;
}

static rta_status setup(ev *e, const rta_rule *rule, const rta_bom *bom, mat *m, rta_verdict *out,
                        rta_error *err)
{
    if (bom->nmaterials > MAX_MATERIALS)
        return rta__error(err, RTA_ERR_INVALID, bom->input ? bom->input : "<bom>", 0, 0,
                          "the bill has %d materials; at most %d are evaluated", bom->nmaterials,
                          MAX_MATERIALS);
    const char *in = bom->input ? bom->input : "<bom>";
    if (bom->price_cents <= 0)
        return rta__error(err, RTA_ERR_INVALID, in, 0, 0, "the price must be more than zero");
    /* a bill built in code is held to the reader's bounds, so no sum overflows */
    if (bom->price_cents > RTA_BOM_MAX_CENTS || bom->net_cost_cents > RTA_BOM_MAX_CENTS ||
        bom->weight_g > RTA_BOM_MAX_GRAMS)
        return rta__error(err, RTA_ERR_INVALID, in, 0, 0,
                          "the price, net cost or weight is beyond the bounds of rta/bom.h");
    int64_t total = 0;
    for (int i = 0; i < bom->nmaterials; i++) {
        const rta_bom_material *bm = &bom->materials[i];
        if (bm->value_cents < 0 || bm->value_cents > RTA_BOM_MAX_CENTS - total ||
            bm->weight_g < -1 || bm->weight_g > RTA_BOM_MAX_GRAMS)
            return rta__error(err, RTA_ERR_INVALID, in, bm->line, 0,
                              "material %d: a negative value or weight, or values totalling "
                              "more than the bounds of rta/bom.h",
                              i + 1);
        total += bm->value_cents;
    }
    memset(e, 0, sizeof *e);
    memset(out, 0, sizeof *out);
    e->rule = rule;
    e->bom = bom;
    e->m = m;
    e->n = bom->nmaterials;
    e->prod6 = hs6_of(&bom->hs);
    e->textile = e->prod6 >= 500000 && e->prod6 < 640000;
    for (int i = 0; i < e->n; i++) {
        const rta_bom_material *bm = &bom->materials[i];
        m[i].hs6 = hs6_of(&bm->hs);
        m[i].digits = (uint8_t)(bm->hs.len >= 6 ? 6 : bm->hs.len);
        if (bm->origin[0] == '\0')
            m[i].orig = M_NON;
        else if (strcmp(bm->origin, bom->producer_country) == 0)
            m[i].orig = M_PARTY;
        else
            m[i].orig = cumulated(rule, e->prod6, bm, &m[i]) ? M_CUMULATED : M_NON;
        if (m[i].orig == M_NON) {
            out->vnm_cents += bm->value_cents;
            if (bm->origin[0] == '\0')
                out->unknown_cents += bm->value_cents;
        } else {
            out->vom_cents += bm->value_cents;
            if (m[i].orig == M_CUMULATED)
                out->cumulated_cents += bm->value_cents;
        }
    }
    return RTA_OK;
}

/* Runs the alternatives; fills out. When e->why is set, reasons[] get one
 * string per alternative (malloc'ed). */
static void run(ev *e, rta_verdict *out, char **alt_text, int *alt_res, int max_alt)
{
    const rta_node *root = e->rule->root;
    int is_or = root->kind == RTA_NODE_OR && root->u.kids.n > 0;
    int n = is_or ? (int)root->u.kids.n : 1;
    out->n_alternatives = n;
    out->passed_by = -1;
    int any_person = 0;
    for (int k = 0; k < n; k++) {
        const rta_node *alt = is_or ? &root->u.kids.v[k] : root;
        if (e->why)
            e->why->len = 0;
        e->tol_used = e->allow_used = 0;
        int r = eval(e, alt);
        if (k < max_alt) {
            if (alt_res)
                alt_res[k] = r;
            if (alt_text && e->why)
                alt_text[k] = rta__strdup(e->why->data ? e->why->data : "");
        }
        if (r == R_PASS && out->passed_by < 0) {
            out->passed_by = k;
            out->tolerance_used = e->tol_used;
            out->allowance_used = e->allow_used;
            if (out->cumulated_cents > 0) {
                /* cumulation was used if the alternative fails without it */
                rta__buf *why = e->why;
                e->why = NULL;
                e->no_cum = 1;
                out->cumulation_used = eval(e, alt) != R_PASS;
                e->no_cum = 0;
                e->why = why;
            }
            if (e->why == NULL)
                break;
        } else if (r == R_PERSON) {
            any_person = 1;
        }
    }
    if (out->passed_by >= 0)
        out->status = RTA_VERDICT_ORIGINATING;
    else
        out->status = any_person ? RTA_VERDICT_NEEDS_PERSON : RTA_VERDICT_NOT_ORIGINATING;
    out->originating = out->status == RTA_VERDICT_ORIGINATING;
}

const char *rta_verdict_status_name(rta_verdict_status s)
{
    switch (s) {
    case RTA_VERDICT_ORIGINATING:
        return "originating";
    case RTA_VERDICT_NOT_ORIGINATING:
        return "not originating";
    case RTA_VERDICT_NEEDS_PERSON:
    default:
        return "needs a person";
    }
}

rta_status rta_verdict_eval(const rta_rule *rule, const rta_bom *bom, rta_verdict *out,
                            rta_error *err)
{
    mat small[64];
    mat *m = small;
    if (bom->nmaterials > 64 && bom->nmaterials <= MAX_MATERIALS) {
        m = malloc(sizeof *m * (size_t)bom->nmaterials);
        if (m == NULL)
            return rta__error(err, RTA_ERR_NOMEM, "<verdict>", 0, 0, "out of memory");
    }
    ev e;
    rta_status st = setup(&e, rule, bom, m, out, err);
    if (st == RTA_OK)
        run(&e, out, NULL, NULL, 0);
    if (m != small)
        free(m);
    return st;
}

/* ---- the report ---- */

void rta_verdict_report_free(rta_verdict_report *r)
{
    if (r == NULL)
        return;
    free(r->ruleset);
    free(r->rule);
    free(r->rule_text);
    free(r->scope);
    free(r->passed_by);
    for (size_t i = 0; i < r->n_reasons; i++)
        free(r->reasons[i]);
    free(r->reasons);
    free(r);
}

static char *node_text(const rta_node *n)
{
    size_t need = rta_node_format(n, NULL, 0);
    char *s = malloc(need + 1);
    if (s)
        rta_node_format(n, s, need + 1);
    return s;
}

static char *rule_line(const rta_rule *rule)
{
    size_t need = rta_rule_format(rule, NULL, 0);
    char *s = malloc(need + 1);
    if (s)
        rta_rule_format(rule, s, need + 1);
    return s;
}

/* The rule's scope as its formatted line up to ": ". */
static char *scope_text(const char *line)
{
    const char *c = line ? strstr(line, ": ") : NULL;
    if (c == NULL)
        return rta__strdup(line ? line : "");
    char *s = malloc((size_t)(c - line) + 1);
    if (s) {
        memcpy(s, line, (size_t)(c - line));
        s[c - line] = '\0';
    }
    return s;
}

static int add_reason(rta_verdict_report *r, char *s)
{
    if (s == NULL)
        return -1;
    char **v = realloc(r->reasons, sizeof *v * (r->n_reasons + 1));
    if (v == NULL) {
        free(s);
        return -1;
    }
    r->reasons = v;
    r->reasons[r->n_reasons++] = s;
    return 0;
}

static char *fmt(const char *f, ...) RTA__PRINTF(1, 2);
static char *fmt(const char *f, ...)
{
    rta__buf b = {0};
    va_list ap;
    va_start(ap, f);
    char tmp[2048];
    vsnprintf(tmp, sizeof tmp, f, ap);
    va_end(ap);
    if (rta__buf_puts(&b, tmp) != 0) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* Capitalises the first letter of a clause (explanations start lower case). */
static void cap(char *s)
{
    if (s && s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
}

rta_status rta_verdict_explain(const rta_rule *rule, const rta_bom *bom, const char *ruleset_name,
                               rta_verdict_report **out, rta_error *err)
{
    *out = NULL;
    mat *m = malloc(sizeof *m * (size_t)(bom->nmaterials > 0 ? bom->nmaterials : 1));
    rta_verdict_report *r = calloc(1, sizeof *r);
    rta__buf why = {0};
    const rta_node *root = rule->root;
    int nalt = root->kind == RTA_NODE_OR && root->u.kids.n > 0 ? (int)root->u.kids.n : 1;
    char **alt_text = calloc((size_t)nalt, sizeof *alt_text);
    int *alt_res = calloc((size_t)nalt, sizeof *alt_res);
    rta_status st = RTA_OK;
    ev e;
    if (m == NULL || r == NULL || alt_text == NULL || alt_res == NULL) {
        st = rta__error(err, RTA_ERR_NOMEM, "<verdict>", 0, 0, "out of memory");
        goto done;
    }
    if (bom->nmaterials > MAX_MATERIALS) {
        st = setup(&e, rule, bom, m, &r->v, err); /* reports the limit */
        goto done;
    }
    if ((st = setup(&e, rule, bom, m, &r->v, err)) != RTA_OK)
        goto done;
    e.why = &why;
    run(&e, &r->v, alt_text, alt_res, nalt);
    if (e.oom) {
        st = rta__error(err, RTA_ERR_NOMEM, "<verdict>", 0, 0, "out of memory");
        goto done;
    }
    const rta_bom *b = bom;
    const rta_verdict *v = &r->v;
    char code[16], m1[32], m2[32];
    r->ruleset = rta__strdup(ruleset_name ? ruleset_name : "");
    r->rule = rule_line(rule);
    r->rule_text = rule->text ? rta__strdup(rule->text) : NULL;
    r->scope = scope_text(r->rule);
    if (v->passed_by >= 0)
        r->passed_by =
            node_text(nalt > 1 || root->kind == RTA_NODE_OR ? &root->u.kids.v[v->passed_by] : root);
    if (r->ruleset == NULL || r->rule == NULL || r->scope == NULL ||
        (v->passed_by >= 0 && r->passed_by == NULL)) {
        st = rta__error(err, RTA_ERR_NOMEM, "<verdict>", 0, 0, "out of memory");
        goto done;
    }
    rta_code_format(&b->hs, code, sizeof code);
    const char *rs = ruleset_name && ruleset_name[0] ? ruleset_name : "the rule set";
    int fail = 0;
    /* 1. the outcome */
    char *head;
    const char *desc_open = b->description[0] ? " (" : "",
               *desc_close = b->description[0] ? ")" : "";
    if (v->status == RTA_VERDICT_ORIGINATING) {
        char alt[48] = "the rule";
        if (nalt > 1)
            snprintf(alt, sizeof alt, "alternative %d of %d", v->passed_by + 1, nalt);
        head = fmt("The product %s%s%s%s made in %s is ORIGINATING under %s (rule for %s): it "
                   "satisfies %s, %s%s%s%s.",
                   code, desc_open, b->description, desc_close, b->producer_country, rs, r->scope,
                   alt, r->passed_by, v->tolerance_used ? "; the tolerance was used" : "",
                   v->allowance_used ? "; the rule's allowance was used" : "",
                   v->cumulation_used ? "; cumulation was used" : "");
    } else if (v->status == RTA_VERDICT_NOT_ORIGINATING) {
        head =
            fmt("The product %s%s%s%s made in %s is NOT ORIGINATING under %s (rule for %s): "
                "%s.",
                code, desc_open, b->description, desc_close, b->producer_country, rs, r->scope,
                nalt > 1 ? "none of the alternatives of the rule is met" : "the rule is not met");
    } else {
        head = fmt("The origin of product %s%s%s%s made in %s under %s (rule for %s) cannot be "
                   "decided automatically: no alternative is met on the bill, and at least one "
                   "depends on something a person must decide.",
                   code, desc_open, b->description, desc_close, b->producer_country, rs, r->scope);
    }
    fail |= add_reason(r, head);
    /* 2. each alternative */
    static const char *const res_name[] = {"met", "not met", "needs a person"};
    for (int k = 0; k < nalt; k++) {
        const rta_node *alt = nalt > 1 || root->kind == RTA_NODE_OR ? &root->u.kids.v[k] : root;
        char *syn = node_text(alt);
        char *body = alt_text[k];
        cap(body);
        if (nalt > 1)
            fail |= add_reason(r, fmt("Alternative %d of %d (%s): %s. %s.", k + 1, nalt,
                                      syn ? syn : "?", res_name[alt_res[k]], body ? body : ""));
        else
            fail |= add_reason(r, fmt("Rule (%s): %s. %s.", syn ? syn : "?", res_name[alt_res[k]],
                                      body ? body : ""));
        free(syn);
    }
    /* 3. notes */
    if (v->unknown_cents > 0)
        fail |= add_reason(r, fmt("Materials of unknown origin (%s %s) are counted as "
                                  "non-originating.",
                                  money(v->unknown_cents, m1, sizeof m1), b->currency));
    if (v->cumulated_cents > 0) {
        const char *cite = NULL;
        for (size_t k = 0; k < rule->n_cumulation && cite == NULL; k++)
            cite = rule->cumulation[k].cite;
        fail |= add_reason(
            r, fmt("Cumulation: materials from partners of %s worth %s %s count as originating "
                   "(%s)%s.",
                   rs, money(v->cumulated_cents, m1, sizeof m1), b->currency,
                   cite ? cite : "the rule's cumulation clause",
                   v->cumulation_used ? "; without them the passing alternative would fail" : ""));
    }
    fail |= add_reason(r, fmt("Totals: non-originating materials %s %s, originating %s %s, %s "
                              "%s %s.",
                              money(v->vnm_cents, m1, sizeof m1), b->currency,
                              money(v->vom_cents, m2, sizeof m2), b->currency,
                              b->price_basis == RTA_PRICE_EX_WORKS ? "ex-works price"
                              : b->price_basis == RTA_PRICE_FOB    ? "FOB value"
                                                                   : "transaction value",
                              money(b->price_cents, code, sizeof code), b->currency));
    if (rule->source)
        fail |= add_reason(r, fmt("Rule source: %s.", rule->source));
    if (fail)
        st = rta__error(err, RTA_ERR_NOMEM, "<verdict>", 0, 0, "out of memory");
done:
    if (alt_text)
        for (int k = 0; k < nalt; k++)
            free(alt_text[k]);
    free(alt_text);
    free(alt_res);
    free(m);
    rta__buf_free(&why);
    if (st != RTA_OK) {
        rta_verdict_report_free(r);
        return st;
    }
    *out = r;
    return RTA_OK;
}

rta_status rta_verdict_check(const rta_ruleset *rs, const rta_bom *bom, rta_verdict_report **out,
                             rta_error *err)
{
    *out = NULL;
    const rta_rule *rule = NULL;
    rta_error ferr;
    if (rta_ruleset_find(rs, bom->hs.digits, &rule, &ferr) != RTA_OK) {
        char code[16];
        return rta__error(err, RTA_ERR_NOT_FOUND, bom->input ? bom->input : "<bom>", 0, 0,
                          "no rule of %s covers product %s", rta_ruleset_name(rs),
                          rta_code_format(&bom->hs, code, sizeof code));
    }
    return rta_verdict_explain(rule, bom, rta_ruleset_name(rs), out, err);
}

char *rta_verdict_report_json(const rta_verdict_report *r, const rta_bom *bom)
{
    rta__buf b = {0};
    char code[16], m1[32];
    int bad = 0;
    rta_code_format(&bom->hs, code, sizeof code);
    bad |= rta__buf_puts(&b, "{\"ruleset\":");
    bad |= rta__json_quote(&b, r->ruleset ? r->ruleset : "");
    bad |= rta__buf_puts(&b, ",\"product\":");
    bad |= rta__json_quote(&b, code);
    bad |= rta__buf_printf(&b, ",\"producer_country\":\"%s\",\"originating\":%s,\"status\":",
                           bom->producer_country, r->v.originating ? "true" : "false");
    bad |= rta__json_quote(&b, r->v.status == RTA_VERDICT_ORIGINATING       ? "originating"
                               : r->v.status == RTA_VERDICT_NOT_ORIGINATING ? "not_originating"
                                                                            : "needs_person");
    bad |= rta__buf_puts(&b, ",\"rule\":");
    bad |= rta__json_quote(&b, r->rule ? r->rule : "");
    bad |= rta__buf_puts(&b, ",\"rule_text\":");
    if (r->rule_text)
        bad |= rta__json_quote(&b, r->rule_text);
    else
        bad |= rta__buf_puts(&b, "null");
    bad |= rta__buf_puts(&b, ",\"passed_by\":");
    if (r->passed_by)
        bad |= rta__json_quote(&b, r->passed_by);
    else
        bad |= rta__buf_puts(&b, "null");
    bad |= rta__buf_printf(&b,
                           ",\"alternatives\":%d,\"tolerance_used\":%s,\"allowance_used\":%s,"
                           "\"cumulation_used\":%s",
                           r->v.n_alternatives, r->v.tolerance_used ? "true" : "false",
                           r->v.allowance_used ? "true" : "false",
                           r->v.cumulation_used ? "true" : "false");
    bad |= rta__buf_printf(&b, ",\"vnm\":\"%s\"", money(r->v.vnm_cents, m1, sizeof m1));
    bad |= rta__buf_printf(&b, ",\"vom\":\"%s\"", money(r->v.vom_cents, m1, sizeof m1));
    bad |= rta__buf_printf(&b, ",\"price\":\"%s\",\"price_basis\":\"%s\",\"currency\":",
                           money(bom->price_cents, m1, sizeof m1),
                           rta_price_basis_name(bom->price_basis));
    bad |= rta__json_quote(&b, bom->currency);
    bad |= rta__buf_puts(&b, ",\"reasons\":[");
    for (size_t i = 0; i < r->n_reasons; i++) {
        if (i)
            bad |= rta__buf_puts(&b, ",");
        bad |= rta__json_quote(&b, r->reasons[i]);
    }
    bad |= rta__buf_puts(&b, "]}");
    if (bad) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/*
 * sim_package.c - package search: which products to offer so that the
 * market's imports from a partner rise by a goal at the least revenue loss.
 *
 * Why this is a knapsack: in the model every product is independent (its
 * creation, diversion and revenue depend only on its own cells), so offering
 * a set of products gives the sum of their benefits and costs. Reaching a
 * benefit goal at least cost is a covering knapsack; sorting by cost per
 * dollar of benefit and taking items until the goal is met gives the LP
 * relaxation optimum when the last item is taken fractionally (a lower bound
 * on the true optimum) and a feasible integer answer when it is taken whole.
 * A repair step tries, for the last item, the cheapest single product that
 * alone covers the remainder. The gap to the bound is reported.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rta_package_free(rta_package *p)
{
    if (p == NULL)
        return;
    free(p->chosen);
    free(p);
}

static int cmp_ratio(const void *a, const void *b)
{
    const rta_package_line *x = a, *y = b;
    /* cost per dollar of benefit, ascending; free benefits first */
    double rx = x->cost_usd / x->benefit_usd, ry = y->cost_usd / y->benefit_usd;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x->code, y->code);
}

static int sensitive(const rta_lines *s, const char *code)
{
    for (size_t i = 0; s && i < s->count; i++)
        if (rta_line_covers(&s->items[i], code))
            return 1;
    return 0;
}

rta_status rta_package_search(const rta_market *m, const rta_sim_params *params,
                              const rta_package_options *o, rta_package **out, rta_error *err)
{
    *out = NULL;
    rta_status st = rta_sim_params_check(params, err);
    if (st != RTA_OK)
        return st;
    if (!isfinite(o->goal_usd) || o->goal_usd <= 0)
        return rta__error(err, RTA_ERR_RANGE, "--goal", 0, 0, "the goal must be a positive amount");
    if (!isfinite(o->offered_rate) || o->offered_rate < 0 || o->offered_rate > 10)
        return rta__error(err, RTA_ERR_RANGE, "--rate", 0, 0,
                          "the offered rate must be in [0, 1000%%]");
    if (!isfinite(o->max_revenue_loss_usd))
        return rta__error(err, RTA_ERR_RANGE, "--max-revenue-loss", 0, 0, "not a finite number");
    int pi = -1;
    for (int i = 0; i < m->npartners; i++)
        if (o->partner && strcmp(m->partners[i], o->partner) == 0)
            pi = i;
    if (pi < 0)
        return rta__error(err, RTA_ERR_NOT_FOUND, "--partner", 0, 0,
                          "the %s market holds no imports from \"%s\"", m->info.market,
                          o->partner ? o->partner : "");
    rta_package *pk = calloc(1, sizeof *pk);
    size_t n = (size_t)(m->ncells ? m->ncells : 1);
    double *t1 = malloc(n * sizeof *t1), *tc = malloc(n * sizeof *tc), *td = malloc(n * sizeof *td),
           *m1 = malloc(n * sizeof *m1);
    rta_package_line *cand = malloc((size_t)(m->nproducts ? m->nproducts : 1) * sizeof *cand);
    if (!pk || !t1 || !tc || !td || !m1 || !cand) {
        st = rta__error(err, RTA_ERR_NOMEM, "<package>", 0, 0, "out of memory");
        goto done;
    }
    memcpy(t1, m->t0, (size_t)m->ncells * sizeof *t1);
    long nc = 0;
    for (long p = 0; p < m->nproducts; p++) {
        long a = m->first[p], b = m->first[p + 1], k = -1;
        for (long i = a; i < b; i++)
            if (m->partner[i] == pi)
                k = i;
        if (k < 0 || m->m0[k] <= 0 || m->t0[k] <= o->offered_rate)
            continue;
        if (sensitive(o->sensitive, m->code[k])) {
            pk->nsensitive++;
            continue;
        }
        t1[k] = o->offered_rate;
        rta__sim_product(m, p, t1, params, tc, td, m1);
        double drev = 0;
        for (long i = a; i < b; i++)
            drev += t1[i] * m1[i] - m->t0[i] * m->m0[i];
        t1[k] = m->t0[k];
        double benefit = m1[k] - m->m0[k];
        if (!(benefit > 0))
            continue;
        rta_package_line *c = &cand[nc++];
        snprintf(c->code, sizeof c->code, "%s", m->code[k]);
        c->base_usd = m->m0[k];
        c->t0 = m->t0[k];
        c->benefit_usd = benefit;
        c->cost_usd = drev < 0 ? -drev : 0; /* a product that raises revenue costs nothing */
        pk->max_benefit_usd += benefit;
    }
    pk->ncand = nc;
    qsort(cand, (size_t)nc, sizeof *cand, cmp_ratio);
    /* the LP relaxation (no ceiling): items by ratio, the last one fractional */
    double need = o->goal_usd, bound = -1, acc = 0, acc_cost = 0;
    for (long i = 0; i < nc && bound < 0; i++) {
        if (acc + cand[i].benefit_usd >= need)
            bound = acc_cost + cand[i].cost_usd * (need - acc) / cand[i].benefit_usd;
        acc += cand[i].benefit_usd;
        acc_cost += cand[i].cost_usd;
    }
    /* greedy by ratio within the ceiling */
    double cost = 0, benefit = 0;
    double cap = o->max_revenue_loss_usd > 0 ? o->max_revenue_loss_usd : INFINITY;
    char *used = calloc((size_t)(nc ? nc : 1), 1);
    long *pick = malloc((size_t)(nc ? nc : 1) * sizeof *pick);
    if (used == NULL || pick == NULL) {
        free(used);
        free(pick);
        st = rta__error(err, RTA_ERR_NOMEM, "<package>", 0, 0, "out of memory");
        goto done;
    }
    long taken = 0;
    for (long i = 0; i < nc && benefit < need; i++) {
        if (cost + cand[i].cost_usd > cap)
            continue; /* would break the ceiling: try the next */
        used[i] = 1;
        pick[taken++] = i;
        cost += cand[i].cost_usd;
        benefit += cand[i].benefit_usd;
    }
    pk->reached = benefit >= need;
    /* repair: the last item replaced by the cheapest unused product that covers the remainder */
    if (pk->reached && taken > 0) {
        long last = pick[taken - 1];
        double rem = need - (benefit - cand[last].benefit_usd);
        double best = cand[last].cost_usd;
        long bi = -1;
        for (long i = 0; i < nc; i++)
            if (!used[i] && cand[i].benefit_usd >= rem && cand[i].cost_usd < best &&
                cost - cand[last].cost_usd + cand[i].cost_usd <= cap) {
                best = cand[i].cost_usd;
                bi = i;
            }
        if (bi >= 0) {
            cost += best - cand[last].cost_usd;
            benefit += cand[bi].benefit_usd - cand[last].benefit_usd;
            pick[taken - 1] = bi;
        }
    }
    if (bound < 0)
        bound = cost; /* the goal is out of reach even without a ceiling */
    free(used);
    pk->chosen = malloc((size_t)(taken ? taken : 1) * sizeof *pk->chosen);
    if (pk->chosen == NULL) {
        free(pick);
        st = rta__error(err, RTA_ERR_NOMEM, "<package>", 0, 0, "out of memory");
        goto done;
    }
    for (long i = 0; i < taken; i++)
        pk->chosen[i] = cand[pick[i]];
    free(pick);
    pk->nchosen = taken;
    pk->cost_usd = cost;
    pk->benefit_usd = benefit;
    pk->lp_bound_usd = bound;
    pk->gap = bound > 0 ? (cost - bound) / bound : 0;
done:
    free(t1);
    free(tc);
    free(td);
    free(m1);
    free(cand);
    if (st != RTA_OK) {
        rta_package_free(pk);
        pk = NULL;
    }
    *out = pk;
    return st;
}

/*
 * sim.c - the SMART partial-equilibrium model over a prepared market:
 * building a market, scenarios from negotiating lines, one evaluation, the
 * bilateral balance before and after.
 *
 * Why this shape: a market is prepared once (the costly part: the duty stack
 * of every cell); a scenario is one array of new tariffs; an evaluation is one
 * pass over the cells that touches only the products whose tariffs changed,
 * and allocates nothing, so a package search or a sweep runs thousands of
 * scenarios. Formulas and their sources: rta/sim.h and docs/sim.md. The model
 * is double precision by design (an economic model, not a duty owed).
 */
#include "sim_internal.h"

#include "rta/nomenclature.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const model_names[] = {"linear", "ces"};

const char *rta_sim_model_name(rta_sim_model m)
{
    return (unsigned)m < 2 ? model_names[m] : "linear";
}

int rta_sim_model_parse(const char *text, rta_sim_model *out)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(text, model_names[i]) == 0) {
            *out = (rta_sim_model)i;
            return 0;
        }
    return -1;
}

void rta_sim_defaults(rta_sim_params *p)
{
    p->model = RTA_SIM_LINEAR;
    p->sigma = RTA_SIM_SIGMA_DEFAULT;
    p->year = -1;
}

rta_status rta_sim_params_check(const rta_sim_params *p, rta_error *err)
{
    if (p->model != RTA_SIM_LINEAR && p->model != RTA_SIM_CES)
        return rta__error(err, RTA_ERR_RANGE, "--model", 0, 0, "model must be linear or ces");
    if (!isfinite(p->sigma) || p->sigma <= 0 || p->sigma > 100)
        return rta__error(err, RTA_ERR_RANGE, "--sigma", 0, 0,
                          "the substitution elasticity must be a number in (0, 100]");
    if (p->year != -1 && (p->year < 1 || p->year > 100))
        return rta__error(err, RTA_ERR_RANGE, "--year", 0, 0,
                          "the staging year must be 1..100 (1 = the first year in force)");
    return RTA_OK;
}

static const char *const sections[] = {"I",    "II",    "III", "IV",  "V",    "VI",  "VII", "VIII",
                                       "IX",   "X",     "XI",  "XII", "XIII", "XIV", "XV",  "XVI",
                                       "XVII", "XVIII", "XIX", "XX",  "XXI",  "-"};

const char *rta__sim_section_name(int i)
{
    return i >= 0 && i < 22 ? sections[i] : "-";
}

int rta__sim_set_text(char **slot, const char *text)
{
    char *c = rta__strdup(text ? text : "");
    if (c == NULL)
        return -1;
    free(*slot);
    *slot = c;
    return 0;
}

/* ---- building ---- */

void rta_market_free(rta_market *m)
{
    if (m == NULL)
        return;
    free(m->code);
    free(m->partner);
    free(m->product);
    free(m->m0);
    free(m->t0);
    free(m->t0_exempt);
    free(m->line);
    free(m->first);
    free(m->eta);
    free(m->eta_src);
    free(m->chapter);
    free(m->mp);
    free(m->eta_code);
    free(m->eta_val);
    free(m->detail);
    free(m->tariff_note);
    free(m->trade_note);
    free(m->eta_note);
    free(m->skipped_note);
    free(m->sources);
    free(m);
}

rta_status rta_market_new(const char *market, rta_market **out, rta_error *err)
{
    *out = NULL;
    if (market == NULL || strlen(market) != 2)
        return rta__error(err, RTA_ERR_INVALID, "<market>", 0, 0,
                          "a market is named by two letters (US, VN)");
    rta_market *m = calloc(1, sizeof *m);
    if (m == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
    memcpy(m->info.market, market, 3);
    for (int c = 0; c < 100; c++)
        m->chapter_section[c] = -1;
    if (rta__sim_set_text(&m->detail, "cells given by the caller") != 0 ||
        rta__sim_set_text(&m->tariff_note, "") != 0 || rta__sim_set_text(&m->trade_note, "") != 0 ||
        rta__sim_set_text(&m->eta_note, "") != 0 || rta__sim_set_text(&m->skipped_note, "") != 0 ||
        rta__sim_set_text(&m->sources, "[]") != 0) {
        rta_market_free(m);
        return rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
    }
    *out = m;
    return RTA_OK;
}

static int valid_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n < 2 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return 1;
}

int rta__sim_partner_index(rta_market *m, const char *iso2, int add)
{
    if (iso2 == NULL || strlen(iso2) != 2 || iso2[0] < 'A' || iso2[0] > 'Z' || iso2[1] < 'A' ||
        iso2[1] > 'Z')
        return -1;
    for (int i = 0; i < m->npartners; i++)
        if (memcmp(m->partners[i], iso2, 2) == 0)
            return i;
    if (!add || m->npartners >= RTA__SIM_MAX_PARTNERS)
        return -1;
    memcpy(m->partners[m->npartners], iso2, 3);
    return m->npartners++;
}

static int grow(void **p, long cap, size_t size)
{
    void *n = realloc(*p, (size_t)cap * size);
    if (n == NULL)
        return -1;
    *p = n;
    return 0;
}

rta_status rta_market_add(rta_market *m, const char *code, const char *partner, double base_usd,
                          double t0, double t0_exempt, const char *input, long line, rta_error *err)
{
    if (m->finished)
        return rta__error(err, RTA_ERR_INVALID, input, line, 0, "the market is already finished");
    if (!valid_code(code))
        return rta__error(err, RTA_ERR_PARSE, input, line, 0, "code \"%s\" is not 2 to 10 digits",
                          code ? code : "");
    if (!isfinite(base_usd) || base_usd < 0)
        return rta__error(err, RTA_ERR_RANGE, input, line, 0,
                          "value of %s must be a finite number >= 0", code);
    if (!isfinite(t0) || t0 < 0 || t0 > 10)
        return rta__error(err, RTA_ERR_RANGE, input, line, 0,
                          "base rate of %s must be in [0, 1000%%]", code);
    if (!isfinite(t0_exempt) || t0_exempt < 0 || t0_exempt > t0 + 1e-12)
        return rta__error(err, RTA_ERR_RANGE, input, line, 0,
                          "rate after exemption of %s must be in [0, base rate]", code);
    int pi = rta__sim_partner_index(m, partner, 1);
    if (pi < 0)
        return rta__error(err, RTA_ERR_INVALID, input, line, 0,
                          "partner \"%s\" is not an ISO 3166 alpha-2 code (or more than %d "
                          "partners)",
                          partner ? partner : "", RTA__SIM_MAX_PARTNERS);
    if (m->ncells == m->cap) {
        long nc = m->cap ? m->cap * 2 : 1024;
        if (grow((void **)&m->code, nc, sizeof *m->code) || grow((void **)&m->partner, nc, 2) ||
            grow((void **)&m->m0, nc, sizeof(double)) ||
            grow((void **)&m->t0, nc, sizeof(double)) ||
            grow((void **)&m->t0_exempt, nc, sizeof(double)) ||
            grow((void **)&m->line, nc, sizeof(long)))
            return rta__error(err, RTA_ERR_NOMEM, input, line, 0, "out of memory");
        m->cap = nc;
    }
    long i = m->ncells++;
    snprintf(m->code[i], sizeof m->code[i], "%s", code);
    m->partner[i] = (uint16_t)pi;
    m->m0[i] = base_usd;
    m->t0[i] = t0;
    m->t0_exempt[i] = t0_exempt > t0 ? t0 : t0_exempt;
    m->line[i] = line;
    return RTA_OK;
}

rta_status rta_market_set_eta(rta_market *m, const char *code, double eta, rta_error *err)
{
    if (!valid_code(code))
        return rta__error(err, RTA_ERR_PARSE, "<eta>", 0, 0, "code \"%s\" is not 2 to 10 digits",
                          code ? code : "");
    if (!isfinite(eta) || eta >= 0)
        return rta__error(err, RTA_ERR_RANGE, "<eta>", 0, 0,
                          "the import demand elasticity of %s must be a finite number < 0", code);
    if (m->neta == m->etacap) {
        long nc = m->etacap ? m->etacap * 2 : 64;
        if (grow((void **)&m->eta_code, nc, sizeof *m->eta_code) ||
            grow((void **)&m->eta_val, nc, sizeof(double)))
            return rta__error(err, RTA_ERR_NOMEM, "<eta>", 0, 0, "out of memory");
        m->etacap = nc;
    }
    snprintf(m->eta_code[m->neta], sizeof m->eta_code[0], "%s", code);
    m->eta_val[m->neta++] = eta;
    return RTA_OK;
}

/* qsort context-free comparison over a permutation: cells are compared
 * through a pointer stashed in the index array's element. */
typedef struct sort_key {
    const char *code;
    const char *partner;
    long i;
} sort_key;

static int cmp_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c == 0)
        c = strcmp(x->partner, y->partner);
    return c;
}

static int chapter_of(const char *code)
{
    return (code[0] - '0') * 10 + (code[1] - '0');
}

rta_status rta_market_finish(rta_market *m, double eta_default, rta_error *err)
{
    if (m->finished)
        return RTA_OK;
    if (!isfinite(eta_default) || eta_default >= 0)
        return rta__error(err, RTA_ERR_RANGE, "<eta>", 0, 0,
                          "the default import demand elasticity must be a finite number < 0");
    long n = m->ncells;
    rta_status res = RTA_OK;
    sort_key *k = malloc((size_t)(n ? n : 1) * sizeof *k);
    char(*code)[11] = malloc((size_t)(n ? n : 1) * sizeof *code);
    uint16_t *partner = malloc((size_t)(n ? n : 1) * sizeof *partner);
    double *m0 = malloc((size_t)(n ? n : 1) * sizeof *m0);
    double *t0 = malloc((size_t)(n ? n : 1) * sizeof *t0);
    double *te = malloc((size_t)(n ? n : 1) * sizeof *te);
    long *line = malloc((size_t)(n ? n : 1) * sizeof *line);
    m->product = malloc((size_t)(n ? n : 1) * sizeof *m->product);
    if (!k || !code || !partner || !m0 || !t0 || !te || !line || !m->product) {
        res = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
        goto done;
    }
    for (long i = 0; i < n; i++) {
        k[i].code = m->code[i];
        k[i].partner = m->partners[m->partner[i]];
        k[i].i = i;
    }
    qsort(k, (size_t)n, sizeof *k, cmp_key);
    for (long j = 0; j < n; j++) {
        long i = k[j].i;
        if (j > 0 && cmp_key(&k[j - 1], &k[j]) == 0) {
            res = rta__error(err, RTA_ERR_INVALID, m->input[0] ? m->input : "<market>", m->line[i],
                             0, "%s from %s appears twice (also at line %ld)", m->code[i],
                             m->partners[m->partner[i]], m->line[k[j - 1].i]);
            goto done;
        }
        memcpy(code[j], m->code[i], sizeof code[j]);
        partner[j] = m->partner[i];
        m0[j] = m->m0[i];
        t0[j] = m->t0[i];
        te[j] = m->t0_exempt[i];
        line[j] = m->line[i];
    }
    /* A code under another code of the same partner (6109 and 61091010 from
     * US) counts the same imports twice: an error naming both lines. In code
     * order, every code between a prefix and a code under it also starts
     * with the prefix, so the first such pair shows as a partner's code
     * starting with that partner's previous code. */
    long last[RTA__SIM_MAX_PARTNERS];
    for (int q = 0; q < RTA__SIM_MAX_PARTNERS; q++)
        last[q] = -1;
    for (long j = 0; j < n; j++) {
        long prev = last[partner[j]];
        if (prev >= 0 && strncmp(code[j], code[prev], strlen(code[prev])) == 0) {
            long a = line[prev] > line[j] ? line[prev] : line[j];
            res = rta__error(err, RTA_ERR_INVALID, m->input[0] ? m->input : "<market>", a, 0,
                             "%s from %s (line %ld) is under %s (line %ld): the same imports "
                             "would be counted twice; give either the code or the codes under it",
                             code[j], m->partners[partner[j]], line[j], code[prev], line[prev]);
            goto done;
        }
        last[partner[j]] = j;
    }
    free(m->code), m->code = code, code = NULL;
    free(m->partner), m->partner = partner, partner = NULL;
    free(m->m0), m->m0 = m0, m0 = NULL;
    free(m->t0), m->t0 = t0, t0 = NULL;
    free(m->t0_exempt), m->t0_exempt = te, te = NULL;
    free(m->line), m->line = line, line = NULL;

    /* products: runs of one code */
    long np = 0;
    for (long i = 0; i < n; i++)
        if (i == 0 || strcmp(m->code[i], m->code[i - 1]) != 0)
            np++;
    m->first = malloc((size_t)(np + 1) * sizeof *m->first);
    m->eta = malloc((size_t)(np ? np : 1) * sizeof *m->eta);
    m->eta_src = malloc((size_t)(np ? np : 1));
    m->chapter = malloc((size_t)(np ? np : 1));
    m->mp = calloc((size_t)(np ? np : 1), sizeof *m->mp);
    if (!m->first || !m->eta || !m->eta_src || !m->chapter || !m->mp) {
        res = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
        goto done;
    }
    long p = -1;
    for (long i = 0; i < n; i++) {
        if (i == 0 || strcmp(m->code[i], m->code[i - 1]) != 0) {
            p++;
            m->first[p] = i;
            m->chapter[p] = (unsigned char)chapter_of(m->code[i]);
            m->eta[p] = eta_default;
            m->eta_src[p] = RTA_ETA_ALL;
            for (long e = 0; e < m->neta; e++)
                if (strcmp(m->eta_code[e], m->code[i]) == 0) {
                    m->eta[p] = m->eta_val[e];
                    m->eta_src[p] = RTA_ETA_GIVEN;
                }
        }
        m->product[i] = (uint32_t)p;
        m->mp[p] += m->m0[i];
    }
    m->first[np] = n;
    m->nproducts = np;
    m->finished = 1;

    /* base aggregates */
    memset(m->partner_base, 0, sizeof m->partner_base);
    memset(m->partner_revenue, 0, sizeof m->partner_revenue);
    memset(m->chapter_base, 0, sizeof m->chapter_base);
    memset(m->chapter_revenue, 0, sizeof m->chapter_revenue);
    m->info.base_imports_usd = 0;
    m->info.base_revenue_usd = 0;
    for (long i = 0; i < n; i++) {
        double rev = m->t0[i] * m->m0[i];
        int c = chapter_of(m->code[i]);
        m->partner_base[m->partner[i]] += m->m0[i];
        m->partner_revenue[m->partner[i]] += rev;
        m->chapter_base[c] += m->m0[i];
        m->chapter_revenue[c] += rev;
        m->info.base_imports_usd += m->m0[i];
        m->info.base_revenue_usd += rev;
    }
    memset(m->info.eta_products, 0, sizeof m->info.eta_products);
    memset(m->info.eta_imports_usd, 0, sizeof m->info.eta_imports_usd);
    for (long q = 0; q < np; q++) {
        m->info.eta_products[m->eta_src[q]]++;
        m->info.eta_imports_usd[m->eta_src[q]] += m->mp[q];
    }
    m->info.ncells = n;
    m->info.nproducts = np;
    m->info.npartners = m->npartners;
done:
    free(k);
    free(code);
    free(partner);
    free(m0);
    free(t0);
    free(te);
    free(line);
    return res;
}

void rta__sim_sections(rta_market *m, const rta_snapshot *snap)
{
    for (int c = 0; c < 100; c++) {
        char d[3] = {(char)('0' + c / 10), (char)('0' + c % 10), 0};
        rta_code code;
        rta_hs_entry e;
        int exact = 0;
        m->chapter_known[c] = 0;
        m->chapter_section[c] = -1;
        if (rta_code_parse(d, &code, NULL) != RTA_OK ||
            rta_hs_find(snap, &code, &e, &exact, NULL) != RTA_OK || !exact)
            continue;
        m->chapter_known[c] = 1;
        for (int s = 0; s < 21; s++)
            if (e.section && strcmp(e.section, sections[s]) == 0)
                m->chapter_section[c] = (signed char)s;
    }
    m->chapters_checked = 1;
}

void rta_market_get_info(const rta_market *m, rta_market_info *out)
{
    *out = m->info;
    out->detail = m->detail;
    out->tariff_note = m->tariff_note;
    out->trade_note = m->trade_note;
    out->eta_note = m->eta_note;
    out->skipped_note = m->skipped_note;
}

long rta_market_cells(const rta_market *m)
{
    return m->ncells;
}
const char *rta_market_cell_code(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells ? m->code[i] : "";
}
const char *rta_market_cell_partner(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells ? m->partners[m->partner[i]] : "";
}
double rta_market_cell_base(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells ? m->m0[i] : 0;
}
double rta_market_cell_t0(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells ? m->t0[i] : 0;
}
double rta_market_cell_t0_exempt(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells ? m->t0_exempt[i] : 0;
}
double rta_market_cell_eta(const rta_market *m, long i)
{
    return i >= 0 && i < m->ncells && m->finished ? m->eta[m->product[i]] : 0;
}

/* First cell whose first `len` digits compare >= key (or > key when `after`). */
static long bound(const rta_market *m, const char *key, size_t len, int after)
{
    long lo = 0, hi = m->ncells;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        int c = strncmp(m->code[mid], key, len);
        if (c < 0 || (after && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long rta_market_find(const rta_market *m, const char *code, const char *partner)
{
    if (!m->finished || code == NULL || partner == NULL)
        return -1;
    size_t len = strlen(code) + 1;
    for (long i = bound(m, code, len, 0); i < m->ncells && strcmp(m->code[i], code) == 0; i++)
        if (strcmp(m->partners[m->partner[i]], partner) == 0)
            return i;
    return -1;
}

/* ---- scenarios ---- */

rta_status rta_scenario_new(const rta_market *m, rta_scenario **out, rta_error *err)
{
    *out = NULL;
    if (!m->finished)
        return rta__error(err, RTA_ERR_INVALID, "<market>", 0, 0, "the market is not finished");
    rta_scenario *s = calloc(1, sizeof *s);
    if (s == NULL ||
        (s->t1 = malloc((size_t)(m->ncells ? m->ncells : 1) * sizeof(double))) == NULL) {
        free(s);
        return rta__error(err, RTA_ERR_NOMEM, "<scenario>", 0, 0, "out of memory");
    }
    s->m = m;
    rta_scenario_reset(s);
    *out = s;
    return RTA_OK;
}

void rta_scenario_free(rta_scenario *s)
{
    if (s == NULL)
        return;
    free(s->t1);
    free(s);
}

void rta_scenario_reset(rta_scenario *s)
{
    if (s->m->ncells)
        memcpy(s->t1, s->m->t0, (size_t)s->m->ncells * sizeof(double));
}

rta_status rta_scenario_set(rta_scenario *s, long cell, double t1, rta_error *err)
{
    if (cell < 0 || cell >= s->m->ncells)
        return rta__error(err, RTA_ERR_RANGE, "<scenario>", 0, 0, "cell %ld out of range", cell);
    if (!isfinite(t1) || t1 < 0 || t1 > 10)
        return rta__error(err, RTA_ERR_RANGE, "<scenario>", 0, 0,
                          "new rate of cell %ld must be in [0, 1000%%]", cell);
    s->t1[cell] = t1;
    return RTA_OK;
}

rta_status rta_scenario_set_all(rta_scenario *s, const double *t1, rta_error *err)
{
    long n = s->m->ncells;
    for (long i = 0; i < n; i++)
        if (!(t1[i] >= 0 && t1[i] <= 10)) /* also refuses NaN */
            return rta__error(err, RTA_ERR_RANGE, "<scenario>", 0, 0,
                              "new rate of cell %ld must be in [0, 1000%%]", i);
    if (n)
        memcpy(s->t1, t1, (size_t)n * sizeof *t1);
    return RTA_OK;
}

double rta_scenario_get(const rta_scenario *s, long cell)
{
    return cell >= 0 && cell < s->m->ncells ? s->t1[cell] : 0;
}

/* The end-state rate of a treatment on a cell. */
static double treat(const rta_line *l, double t0, double t0_exempt)
{
    double v = (double)l->value_millionths / 1e6; /* percent, or the Swiss coefficient */
    switch (l->treatment) {
    case RTA_TREAT_RATE:
        return v / 100;
    case RTA_TREAT_CAP:
        return t0 < v / 100 ? t0 : v / 100;
    case RTA_TREAT_CUT:
        return t0 * (1 - v / 100);
    case RTA_TREAT_SWISS: {
        double p = t0 * 100;
        return v + p > 0 ? v * p / (v + p) / 100 : 0;
    }
    case RTA_TREAT_EXEMPT:
        return t0_exempt;
    }
    return t0;
}

typedef struct line_order {
    size_t len;
    long source_line;
    size_t i;
} line_order;

static int cmp_order(const void *a, const void *b)
{
    const line_order *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    if (x->source_line != y->source_line)
        return x->source_line < y->source_line ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

rta_status rta_scenario_apply_lines(rta_scenario *s, const rta_snapshot *snap,
                                    const rta_lines *lines, const char *partner,
                                    const rta_sim_params *params, const char *input,
                                    rta_apply_report *report, rta_error *err)
{
    const rta_market *m = s->m;
    rta_apply_report rep = {0};
    const char *in = input ? input : "<lines>";
    rta_status st = rta_sim_params_check(params, err);
    if (st != RTA_OK)
        return st;
    int pi = -1;
    for (int i = 0; i < m->npartners; i++)
        if (partner && memcmp(m->partners[i], partner, 3) == 0)
            pi = i;
    if (partner == NULL || strlen(partner) != 2)
        return rta__error(err, RTA_ERR_INVALID, "--partner", 0, 0,
                          "the exporter is an ISO 3166 alpha-2 code");
    size_t n = lines ? lines->count : 0;
    line_order *ord = malloc((n ? n : 1) * sizeof *ord);
    if (ord == NULL)
        return rta__error(err, RTA_ERR_NOMEM, in, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const rta_line *l = &lines->items[i];
        if ((st = rta_line_validate(l, in, l->source_line, err)) != RTA_OK) {
            free(ord);
            return st;
        }
        int ch = chapter_of(l->code);
        int known = 1;
        if (m->chapters_checked)
            known = m->chapter_known[ch];
        else if (snap) {
            rta_code code;
            rta_hs_entry e;
            int exact = 0;
            char d[3] = {l->code[0], l->code[1], 0};
            known = rta_code_parse(d, &code, NULL) == RTA_OK &&
                    rta_hs_find(snap, &code, &e, &exact, NULL) == RTA_OK && exact;
        }
        if (!known && ch != 98 && ch != 99) {
            free(ord);
            return rta__error(err, RTA_ERR_NOT_FOUND, in, l->source_line, 1,
                              "code %s: chapter %.2s is not in HS 2022", l->code, l->code);
        }
        ord[i].len = strlen(l->code);
        ord[i].source_line = l->source_line;
        ord[i].i = i;
    }
    qsort(ord, n, sizeof *ord, cmp_order);
    for (size_t o = 0; o < n; o++) {
        const rta_line *l = &lines->items[ord[o].i];
        size_t len = ord[o].len;
        const char *to = l->code_to[0] ? l->code_to : l->code;
        long lo = bound(m, l->code, len, 0), hi = bound(m, to, len, 1);
        long covered = 0, changed = 0;
        int n_years = l->staging_years;
        double frac = 1;
        if (n_years > 0) {
            rep.staged++;
            if (params->year > 0 && params->year < n_years)
                frac = (double)params->year / n_years;
        }
        for (long c = lo; c < hi && pi >= 0; c++) {
            if (m->partner[c] != pi || strlen(m->code[c]) < len)
                continue;
            covered++;
            double t0 = m->t0[c];
            double t1 = t0 + (treat(l, t0, m->t0_exempt[c]) - t0) * frac;
            if (t1 < 0)
                t1 = 0;
            if (t1 != t0)
                changed++;
            s->t1[c] = t1;
        }
        if (covered > 0)
            rep.lines_with_trade++;
        else if (rep.first_unmatched == 0)
            rep.first_unmatched = l->source_line;
        if (covered > 0 && changed == 0 && l->treatment == RTA_TREAT_EXEMPT)
            rep.exempt_no_effect++;
    }
    rep.lines = (long)n;
    for (long c = 0; c < m->ncells; c++)
        if (s->t1[c] != m->t0[c])
            rep.cells_changed++;
    free(ord);
    if (report)
        *report = rep;
    return RTA_OK;
}

/* ---- the model ---- */

long rta__sim_product(const rta_market *m, long p, const double *t1, const rta_sim_params *params,
                      double *tc, double *td, double *m1)
{
    long a = m->first[p], b = m->first[p + 1];
    double mp = m->mp[p], eta = m->eta[p], sigma = params->sigma;
    double wsum = 0; /* sum of M0 * price relative */
    for (long i = a; i < b; i++) {
        tc[i] = 0;
        td[i] = 0; /* holds d_k / M_K of a changed cell until the last pass */
        wsum += m->m0[i] * (1 + t1[i]) / (1 + m->t0[i]);
    }
    /* Each changed exporter k gains d_k and every other exporter j gives up
     * d_k * M_j / M_K: td_j = d_j - M_j * (S - d_j / M_K(j)), S = sum_k d_k / M_K(k),
     * which is the same sum without a loop over pairs. */
    double S = 0;
    for (long k = a; k < b; k++) {
        double t0k = m->t0[k], t1k = t1[k], mk = m->m0[k];
        if (t1k == t0k || mk <= 0)
            continue;
        double rel = (1 + t1k) / (1 + t0k);
        if (params->model == RTA_SIM_LINEAR)
            tc[k] = eta * mk * (t1k - t0k) / (1 + t0k);
        else
            tc[k] = mk * (pow(rel, eta) - 1);
        double mK = mp - mk;
        if (mK <= mp * 1e-12)
            continue; /* the only supplier: nothing to divert */
        double pK = (wsum - mk * rel) / mK;
        double r = rel / pK - 1;
        double d;
        if (params->model == RTA_SIM_LINEAR) {
            double x = -r * sigma;
            double den = mp + mk * x;
            d = den > 0 ? mk * mK * x / den : -mk;
        } else {
            double ratio = mk / mK * pow(1 + r, -sigma);
            d = mp * ratio / (1 + ratio) - mk;
        }
        if (d > mK)
            d = mK;
        if (d < -mk)
            d = -mk;
        td[k] = d / mK;
        S += td[k];
    }
    long clamped = 0;
    for (long i = a; i < b; i++) {
        double own = td[i];               /* d_i / M_K(i), 0 if i did not change */
        double d = own * (mp - m->m0[i]); /* d_i */
        td[i] = d - m->m0[i] * (S - own);
        double v = m->m0[i] + tc[i] + td[i];
        if (v < 0) {
            if (v < -1e-9 * (mp > 1 ? mp : 1))
                clamped++;
            tc[i] = -(m->m0[i] + td[i]);
            v = 0;
        }
        m1[i] = v;
    }
    return clamped;
}

void rta_sim_result_free(rta_sim_result *r)
{
    if (r == NULL)
        return;
    free(r->partners);
    free(r->chapters);
    free(r->sections);
    free(r->t1);
    free(r->creation);
    free(r->diversion);
    free(r->new_imports);
    free(r);
}

rta_status rta_sim_result_new(const rta_market *m, rta_sim_result **out, rta_error *err)
{
    *out = NULL;
    if (!m->finished)
        return rta__error(err, RTA_ERR_INVALID, "<market>", 0, 0, "the market is not finished");
    rta_sim_result *r = calloc(1, sizeof *r);
    size_t n = (size_t)(m->ncells ? m->ncells : 1);
    if (r == NULL || !(r->partners = calloc((size_t)(m->npartners + 1), sizeof *r->partners)) ||
        !(r->chapters = calloc(100, sizeof *r->chapters)) ||
        !(r->sections = calloc(22, sizeof *r->sections)) || !(r->t1 = malloc(n * sizeof(double))) ||
        !(r->creation = malloc(n * sizeof(double))) ||
        !(r->diversion = malloc(n * sizeof(double))) ||
        !(r->new_imports = malloc(n * sizeof(double)))) {
        rta_sim_result_free(r);
        return rta__error(err, RTA_ERR_NOMEM, "<result>", 0, 0, "out of memory");
    }
    *out = r;
    return RTA_OK;
}

static void totals_base(rta_sim_totals *t, double base, double rev)
{
    memset(t, 0, sizeof *t);
    t->base_usd = base;
    t->new_usd = base;
    t->revenue_base_usd = rev;
}

static void totals_add(rta_sim_totals *t, double tc, double td, double drev, double w)
{
    t->new_usd += tc + td;
    t->creation_usd += tc;
    t->diversion_usd += td;
    if (td > 0)
        t->diversion_in_usd += td;
    t->revenue_change_usd += drev;
    t->welfare_usd += w;
}

rta_status rta_sim_run(const rta_market *m, const rta_scenario *s, const rta_sim_params *params,
                       rta_sim_result *r, rta_error *err)
{
    rta_status st = rta_sim_params_check(params, err);
    if (st != RTA_OK)
        return st;
    if (s->m != m)
        return rta__error(err, RTA_ERR_INVALID, "<scenario>", 0, 0,
                          "the scenario belongs to another market");
    long n = m->ncells;
    r->params = *params;
    r->cells_changed = r->products_changed = r->clamped = 0;
    totals_base(&r->total, m->info.base_imports_usd, m->info.base_revenue_usd);
    r->npartners = m->npartners;
    for (int i = 0; i < m->npartners; i++) {
        memcpy(r->partners[i].key, m->partners[i], 3);
        totals_base(&r->partners[i].t, m->partner_base[i], m->partner_revenue[i]);
    }
    /* chapters with trade, in code order; sections I..XXI then "-" */
    int chslot[100], secslot[22];
    double secbase[22] = {0}, secrev[22] = {0};
    r->nchapters = 0;
    for (int c = 0; c < 100; c++) {
        chslot[c] = -1;
        if (m->chapter_base[c] > 0 || m->chapter_revenue[c] > 0) {
            chslot[c] = (int)r->nchapters;
            snprintf(r->chapters[r->nchapters].key, sizeof r->chapters[0].key, "%02d", c);
            totals_base(&r->chapters[r->nchapters].t, m->chapter_base[c], m->chapter_revenue[c]);
            r->nchapters++;
            int sidx = m->chapter_section[c] >= 0 ? m->chapter_section[c] : 21;
            secbase[sidx] += m->chapter_base[c];
            secrev[sidx] += m->chapter_revenue[c];
        }
    }
    r->nsections = 0;
    for (int i = 0; i < 22; i++) {
        secslot[i] = -1;
        if (secbase[i] > 0) {
            secslot[i] = (int)r->nsections;
            snprintf(r->sections[r->nsections].key, sizeof r->sections[0].key, "%s", sections[i]);
            totals_base(&r->sections[r->nsections].t, secbase[i], secrev[i]);
            r->nsections++;
        }
    }
    if (n) {
        memcpy(r->t1, s->t1, (size_t)n * sizeof(double));
        memcpy(r->new_imports, m->m0, (size_t)n * sizeof(double));
        memset(r->creation, 0, (size_t)n * sizeof(double));
        memset(r->diversion, 0, (size_t)n * sizeof(double));
    }
    const double *t1 = s->t1;
    for (long p = 0; p < m->nproducts; p++) {
        long a = m->first[p], b = m->first[p + 1];
        int any = 0;
        for (long i = a; i < b; i++)
            if (t1[i] != m->t0[i]) {
                any = 1;
                r->cells_changed++;
            }
        if (!any)
            continue;
        r->products_changed++;
        r->clamped += rta__sim_product(m, p, t1, params, r->creation, r->diversion, r->new_imports);
        int c = m->chapter[p];
        int sidx = m->chapter_section[c] >= 0 ? m->chapter_section[c] : 21;
        for (long i = a; i < b; i++) {
            double tc = r->creation[i], td = r->diversion[i];
            double dt = t1[i] - m->t0[i];
            double dm = r->new_imports[i] - m->m0[i];
            double drev = t1[i] * r->new_imports[i] - m->t0[i] * m->m0[i];
            double w = dt == 0 ? 0 : (dt < 0 ? 0.5 : -0.5) * fabs(dt) * fabs(dm);
            totals_add(&r->total, tc, td, drev, w);
            totals_add(&r->partners[m->partner[i]].t, tc, td, drev, w);
            if (chslot[c] >= 0)
                totals_add(&r->chapters[chslot[c]].t, tc, td, drev, w);
            if (secslot[sidx] >= 0)
                totals_add(&r->sections[secslot[sidx]].t, tc, td, drev, w);
        }
    }
    return RTA_OK;
}

const rta_sim_group *rta_sim_partner(const rta_sim_result *r, const char *iso2)
{
    for (long i = 0; r && iso2 && i < r->npartners; i++)
        if (strcmp(r->partners[i].key, iso2) == 0)
            return &r->partners[i];
    return NULL;
}

/* ---- balance ---- */

rta_status rta_sim_balance_compute(const rta_partner *partner, const rta_sim_result *us,
                                   const rta_sim_result *vn, rta_sim_balance *out, rta_error *err)
{
    memset(out, 0, sizeof *out);
    if (partner == NULL)
        return rta__error(err, RTA_ERR_INVALID, "<balance>", 0, 0, "no partner");
    out->partner = partner;
    out->exports_before_usd = (double)partner->exports_cmusd * 1e4;
    out->imports_before_usd = (double)partner->imports_cmusd * 1e4;
    double dm = 0, dx = 0;
    const rta_sim_group *g = rta_sim_partner(us, partner->iso2);
    if (g)
        dm = g->t.new_usd - g->t.base_usd;
    g = rta_sim_partner(vn, "US");
    if (g)
        dx = g->t.new_usd - g->t.base_usd;
    out->exports_after_usd = out->exports_before_usd + dx;
    out->imports_after_usd = out->imports_before_usd + dm;
    if (out->imports_after_usd < 0)
        out->imports_after_usd = 0;
    out->balance_before_usd = out->exports_before_usd - out->imports_before_usd;
    out->balance_after_usd = out->exports_after_usd - out->imports_after_usd;
    rta_reciprocal_params rp;
    rta_reciprocal_defaults(&rp);
    rta_status st = rta_reciprocal_compute(partner, &rp, &out->reciprocal_before, err);
    if (st != RTA_OK)
        return st;
    rta_partner after = *partner;
    after.exports_cmusd = llround(out->exports_after_usd / 1e4);
    after.imports_cmusd = llround(out->imports_after_usd / 1e4);
    after.balance_cmusd = after.exports_cmusd - after.imports_cmusd;
    st = rta_reciprocal_compute(&after, &rp, &out->reciprocal_after, err);
    out->reciprocal_after.partner = partner;
    return st;
}

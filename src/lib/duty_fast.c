/*
 * duty_fast.c - the batch fast path of the duty engine (see duty_internal.h).
 *
 * Why: a batch of ten million entries must not run the full loop of
 * rta__duty_compute for each one. Which rows of data/measures/ apply to an
 * entry is the AND of three masks over the rows:
 *   - the line's product mask on the date: product scope matched and no
 *     exemption list holding the line, computed once per HTS row for each
 *     interval between the dates on which a list entry covering the line
 *     starts or ends;
 *   - the origin's mask (computed when the engine is opened);
 *   - the epoch's in-force mask (between two boundary dates of the rows).
 * The rows that survive, their group replacements, exclusions and evaluation
 * order depend only on that AND, so they are memoised by it. What is left per
 * entry is a handful of rate x value products, rounded as the engine rounds.
 *
 * The full engine stays the reference. This file replays its rules for the
 * shape it accepts and hands anything else back (return 0): contents, special
 * programs, export dates, Column 2, non ad valorem General rates, and a
 * Section 232 amount that rounds to zero (which would change what 232
 * excludes). tests/unit/test_duty_fast.c requires identical cents from both.
 */
#include "duty_internal.h"

#include "internal.h"
#include "rta/rate.h"

#include <stdlib.h>
#include <string.h>

/* Every entry of every product list, sorted by its digits. */
typedef struct lx_entry {
    char hts[12];
    int len;
    int list;
    rta_day from, to;
} lx_entry;

/* code -> its rows over the revisions (spans of revisions, as in the
 * snapshot), in the slot itself so a lookup touches one cache line */
#define CODE_SPANS 14
typedef struct code_slot {
    uint64_t key; /* rta_code_key + 1; 0 = empty */
    uint8_t n;    /* spans; SPANS_MANY: more than fit (look up in the snapshot) */
    uint8_t from[CODE_SPANS], to[CODE_SPANS];
    uint32_t row[CODE_SPANS];
} code_slot;

#define SPANS_MANY 0xFF

/* per HTS row: its General rate and its product masks */
typedef struct row_info {
    int64_t rate; /* millionths; -2 unknown, -1 not plain ad valorem */
    uint32_t tl;  /* 0 = not computed, else 1 + offset into tl */
} row_info;

/* a memoised resolution: the AND mask (its words in keys) -> ops */
typedef struct res_slot {
    uint64_t hash; /* 0 = empty */
    uint32_t key;  /* offset into keys */
    uint32_t ops;  /* offset into ops */
} res_slot;

enum { RES_OK = 0, RES_UNSUPPORTED = 1 };
enum { OP_FLOOR = 1u << 16, OP_MUST_CHARGE = 1u << 17 };

/* The fees of a day and mode, from data/measures/fees.csv: the MPF row and
 * the HMF row that apply, nfees when none does (the zero row at that
 * index), FEE_LOOP when more than one would (the engine's loop then runs). */
#define FEE_MODES 3 /* rta_transport */
#define FEE_LOOP  0xFF
typedef struct fee_pick {
    uint8_t mpf, hmf;
} fee_pick;

typedef struct fee_calc {
    int64_t rate, min, max; /* max INT64_MAX when none */
} fee_calc;

/* value x rate rounded half-up, clamped: the engine's fee for one row, for
 * a value of at most 9,223,372,036 cents and a rate of at most 1000% (the
 * product fits in 64 bits; a rate of 0 gives 0) */
static inline int64_t fee_amount(const fee_calc *c, int64_t value_cents)
{
    int64_t a = (value_cents * c->rate + 500000) / 1000000;
    a = a < c->min ? c->min : a;
    return a > c->max ? c->max : a;
}

/* Memory of a batch does not grow with its input: past these sizes a table
 * starts again empty. */
#define FAST_MAX_CODES 65536u
#define FAST_MAX_RES   65536u

struct rta__duty_fast {
    const rta_duty *d;
    int words;
    uint64_t *inforce;   /* (nbounds + 1) x words, for the batch's options */
    uint64_t *transship; /* rows charged only on goods found transshipped */
    lx_entry *lx;
    size_t nlx;
    unsigned lens; /* bit k: some list entry has k digits */
    /* per snapshot row */
    size_t nrows;
    row_info *rows;
    uint64_t *tl; /* n, then n x (first day, mask words) */
    size_t ntl, captl;
    code_slot *codes;
    size_t codes_cap, codes_used;
    size_t nrevs;
    /* day -> revision and epoch, for the days from day0 on */
    rta_day day0;
    size_t ndays;
    int16_t *day_rev;
    int16_t *day_epoch;
    fee_pick *day_fees; /* ndays x FEE_MODES */
    fee_calc *fee_rows; /* nfees + 1: the last is zero */
    uint8_t fee_none;   /* nfees */
    int fees_fast;      /* every fee rate is within 0..1000% (the 64-bit product) */
    res_slot *res;
    size_t res_cap, res_used;
    uint64_t *keys;
    size_t nkeys, capkeys;
    uint32_t *ops;
    size_t nops, capops;
    /* scratch */
    uint64_t *mask;
    unsigned char *alive, *done, *applied, *inl;
    lx_entry **hits;
    size_t caphits;
};

static int cmp_lx(const void *a, const void *b)
{
    const lx_entry *x = a, *y = b;
    int c = strcmp(x->hts, y->hts);
    return c ? c : (x->list > y->list) - (x->list < y->list);
}

static int in_force_on(const measure *m, rta_day date, int collect)
{
    if (date < m->from)
        return 0;
    rta_day end = m->has_to ? m->to : INT32_MAX;
    if (collect && m->has_collect)
        end = m->collect_to;
    return date <= end;
}

void rta__duty_fast_free(rta__duty_fast *f)
{
    if (f == NULL)
        return;
    free(f->inforce);
    free(f->transship);
    free(f->lx);
    free(f->rows);
    free(f->tl);
    free(f->codes);
    free(f->day_rev);
    free(f->day_epoch);
    free(f->day_fees);
    free(f->fee_rows);
    free(f->res);
    free(f->keys);
    free(f->ops);
    free(f->mask);
    free(f->alive);
    free(f->done);
    free(f->applied);
    free(f->inl);
    free(f->hits);
    free(f);
}

/* The MPF and HMF rows of day for each mode, as the engine's loop over the
 * fee rows picks them (the last MPF row that applies; the HMF rows summed). */
static void day_fees(const rta_duty *d, rta_day day, fee_pick *pick)
{
    for (int mode = 0; mode < FEE_MODES; mode++) {
        int mpf = d->nfees, hmf = d->nfees, nmpf = 0, nhmf = 0;
        for (int i = 0; i < d->nfees; i++) {
            const fee_row *fr = &d->fees[i];
            if (day < fr->from || (fr->has_to && day > fr->to) || !(fr->modes & (1u << mode)))
                continue;
            if (fr->is_mpf) {
                mpf = i;
                nmpf++;
            } else {
                hmf = i;
                nhmf++;
            }
        }
        pick[mode].mpf = (uint8_t)(nmpf > 1 ? FEE_LOOP : mpf);
        pick[mode].hmf = (uint8_t)(nhmf > 1 ? FEE_LOOP : hmf);
    }
}

rta__duty_fast *rta__duty_fast_new(const rta_duty *d, const rta_duty_options *opt)
{
    rta__duty_fast *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->d = d;
    int w = f->words = d->mask_words > 0 ? d->mask_words : 1;
    int collect = opt && opt->ieepa_collection;
    size_t nep = (size_t)d->nbounds + 1;
    size_t nm = (size_t)d->nm + 1;
    f->inforce = calloc(nep * (size_t)w, sizeof *f->inforce);
    f->transship = calloc((size_t)w, sizeof *f->transship);
    f->mask = calloc((size_t)w, sizeof *f->mask);
    f->alive = calloc(nm, 1);
    f->done = calloc(nm, 1);
    f->applied = calloc(nm, 1);
    f->inl = calloc((size_t)d->nlists + 1, 1);
    f->nrows = d->snap->nrows;
    f->rows = malloc((f->nrows + 1) * sizeof *f->rows);
    f->codes_cap = 1 << 15; /* untouched pages cost nothing: no rehash up to 16,384 codes */
    f->codes = calloc(f->codes_cap, sizeof *f->codes);
    f->nrevs = d->snap->nrevs;
    /* the days of the schedule (first revision to the last boundary and a
     * year beyond) in a table; other days are searched */
    if (f->nrevs > 0 && f->nrevs < INT16_MAX && d->nbounds < INT16_MAX) {
        rta_day first = d->snap->revs[0].effective;
        rta_day last = d->snap->revs[f->nrevs - 1].effective;
        if (d->nbounds > 0 && d->bounds[d->nbounds - 1] > last)
            last = d->bounds[d->nbounds - 1];
        if (last >= first && last - first < 20 * 366) {
            f->day0 = first;
            f->ndays = (size_t)(last - first) + 367;
            f->day_rev = malloc(f->ndays * sizeof *f->day_rev);
            f->day_epoch = malloc(f->ndays * sizeof *f->day_epoch);
            f->day_fees = malloc(f->ndays * FEE_MODES * sizeof *f->day_fees);
            if (f->day_rev && f->day_epoch && f->day_fees)
                for (size_t k = 0; k < f->ndays; k++) {
                    rta_day day = first + (rta_day)k;
                    f->day_rev[k] = (int16_t)rta_snapshot_revision_on(d->snap, day);
                    f->day_epoch[k] = (int16_t)rta__duty_epoch_of(d, day);
                    if (d->nfees < FEE_LOOP) /* else the indices do not fit: the loop */
                        day_fees(d, day, f->day_fees + k * FEE_MODES);
                }
            else
                f->ndays = 0;
        }
    }
    f->fee_none = (uint8_t)(d->nfees < FEE_LOOP ? d->nfees : 0);
    f->fee_rows = calloc((size_t)d->nfees + 1, sizeof *f->fee_rows);
    f->fees_fast = d->nfees < FEE_LOOP;
    for (int i = 0; f->fee_rows && i < d->nfees; i++) {
        const fee_row *fr = &d->fees[i];
        if (fr->rate < 0 || fr->rate > 1000000000LL)
            f->fees_fast = 0;
        f->fee_rows[i].rate = fr->rate;
        f->fee_rows[i].min = fr->has_min ? fr->min : 0;
        f->fee_rows[i].max = fr->has_max ? fr->max : INT64_MAX;
    }
    f->res_cap = 1 << 10;
    f->res = calloc(f->res_cap, sizeof *f->res);
    size_t nlx = 0;
    for (int i = 0; i < d->nlists; i++)
        nlx += (size_t)d->lists[i].n;
    f->lx = malloc((nlx + 1) * sizeof *f->lx);
    if (!f->inforce || !f->transship || !f->mask || !f->alive || !f->done || !f->applied ||
        !f->inl || !f->rows || !f->codes || !f->res || !f->lx || !f->fee_rows) {
        rta__duty_fast_free(f);
        return NULL;
    }
    for (size_t r = 0; r <= f->nrows; r++) {
        f->rows[r].rate = -2;
        f->rows[r].tl = 0;
    }
    /* in force per epoch: epoch k holds the days from bounds[k-1] to bounds[k]-1 */
    for (size_t k = 0; k < nep; k++) {
        rta_day rep = d->nbounds == 0 ? 0 : k == 0 ? d->bounds[0] - 1 : d->bounds[k - 1];
        for (int i = 0; i < d->nm; i++)
            if (in_force_on(&d->m[i], rep, collect))
                f->inforce[k * (size_t)w + (size_t)(i / 64)] |= 1ULL << (i % 64);
    }
    for (int i = 0; i < d->nm; i++)
        if (d->m[i].cond == COND_TRANSSHIPPED)
            f->transship[i / 64] |= 1ULL << (i % 64);
    for (int i = 0; i < d->nlists; i++)
        for (int k = 0; k < d->lists[i].n; k++) {
            const list_entry *le = &d->lists[i].e[k];
            lx_entry *x = &f->lx[f->nlx++];
            memcpy(x->hts, le->hts, sizeof x->hts);
            x->len = le->len;
            x->list = i;
            x->from = le->from;
            x->to = le->to;
            if (le->len >= 0 && le->len < 32)
                f->lens |= 1u << le->len;
        }
    qsort(f->lx, f->nlx, sizeof *f->lx, cmp_lx);
    return f;
}

/* ---- per HTS row: the product mask on each interval of dates ---- */

static int push_hit(rta__duty_fast *f, size_t *n, lx_entry *x)
{
    if (*n == f->caphits) {
        size_t cap = f->caphits ? f->caphits * 2 : 64;
        lx_entry **nh = realloc(f->hits, cap * sizeof *nh);
        if (nh == NULL)
            return -1;
        f->hits = nh;
        f->caphits = cap;
    }
    f->hits[(*n)++] = x;
    return 0;
}

static int cmp_day32(const void *a, const void *b)
{
    rta_day x = *(const rta_day *)a, y = *(const rta_day *)b;
    return (x > y) - (x < y);
}

static int sel_hit(const rta__duty_fast *f, const sel *s, int n, const rta_code *code)
{
    for (int i = 0; i < n; i++) {
        if (s[i].kind == SEL_ALL)
            return 1;
        if (s[i].kind == SEL_PREFIX) {
            if (s[i].len <= code->len && memcmp(s[i].digits, code->digits, (size_t)s[i].len) == 0)
                return 1;
        } else if (f->inl[s[i].list]) {
            return 1;
        }
    }
    return 0;
}

/* Fills tl for row (the line `code`); returns its offset + 1, 0 on no memory. */
static uint32_t row_timeline(rta__duty_fast *f, uint32_t row, const rta_code *code)
{
    const rta_duty *d = f->d;
    /* the list entries equal to a prefix of the code (a list entry "6109"
     * covers 6109.10.00.12) */
    size_t nh = 0;
    for (int pl = 2; pl <= code->len; pl++) {
        if (!(f->lens & (1u << pl)))
            continue;
        size_t lo = 0, hi = f->nlx;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strncmp(f->lx[mid].hts, code->digits, (size_t)pl);
            if (c < 0 || (c == 0 && f->lx[mid].len < pl))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < f->nlx && f->lx[i].len == pl &&
                            strncmp(f->lx[i].hts, code->digits, (size_t)pl) == 0;
             i++)
            if (push_hit(f, &nh, &f->lx[i]) != 0)
                return 0;
    }
    /* the days on which one of them starts or ends cut the line's time */
    rta_day cuts[2 * 64 + 1];
    rta_day *days = cuts;
    rta_day *heap = NULL;
    if (2 * nh + 1 > sizeof cuts / sizeof cuts[0]) {
        heap = malloc((2 * nh + 1) * sizeof *heap);
        if (heap == NULL)
            return 0;
        days = heap;
    }
    size_t nd = 0;
    days[nd++] = INT32_MIN;
    for (size_t i = 0; i < nh; i++) {
        if (f->hits[i]->from != INT32_MIN)
            days[nd++] = f->hits[i]->from;
        if (f->hits[i]->to != INT32_MAX)
            days[nd++] = f->hits[i]->to + 1;
    }
    qsort(days, nd, sizeof *days, cmp_day32);
    size_t u = 0;
    for (size_t i = 0; i < nd; i++)
        if (u == 0 || days[u - 1] != days[i])
            days[u++] = days[i];
    nd = u;
    size_t w = (size_t)f->words;
    size_t need = 1 + nd * (1 + w);
    if (f->ntl + need > f->captl) {
        size_t cap = f->captl ? f->captl * 2 : 1 << 14;
        while (cap < f->ntl + need)
            cap *= 2;
        uint64_t *nt = realloc(f->tl, cap * sizeof *nt);
        if (nt == NULL) {
            free(heap);
            return 0;
        }
        f->tl = nt;
        f->captl = cap;
    }
    size_t off = f->ntl;
    uint64_t *t = f->tl + off;
    t[0] = nd;
    for (size_t k = 0; k < nd; k++) {
        rta_day day = days[k] == INT32_MIN ? INT32_MIN + 1 : days[k];
        memset(f->inl, 0, (size_t)d->nlists);
        for (size_t i = 0; i < nh; i++)
            if (f->hits[i]->from <= day && day <= f->hits[i]->to)
                f->inl[f->hits[i]->list] = 1;
        uint64_t *iv = t + 1 + k * (1 + w);
        iv[0] = (uint64_t)(uint32_t)days[k];
        memset(iv + 1, 0, w * sizeof *iv);
        for (int i = 0; i < d->nm; i++) {
            const measure *m = &d->m[i];
            if (sel_hit(f, m->prod, m->nprod, code) && !sel_hit(f, m->exc, m->nexc, code))
                iv[1 + (size_t)(i / 64)] |= 1ULL << (i % 64);
        }
    }
    f->ntl += need;
    free(heap);
    f->rows[row].tl = (uint32_t)(off + 1);
    return (uint32_t)(off + 1);
}

/* ---- memoised resolutions ---- */

static uint64_t mask_hash(const uint64_t *m, int w)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < w; i++) {
        h ^= m[i];
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    return h | 1;
}

static int grow_ops(rta__duty_fast *f, size_t more)
{
    if (f->nops + more <= f->capops)
        return 0;
    size_t cap = f->capops ? f->capops * 2 : 4096;
    while (cap < f->nops + more)
        cap *= 2;
    uint32_t *n = realloc(f->ops, cap * sizeof *n);
    if (n == NULL)
        return -1;
    f->ops = n;
    f->capops = cap;
    return 0;
}

/* The charged rows of a candidate mask, in the engine's evaluation order:
 * the same group, exclusion and Section 232 rules as rta__duty_compute for an
 * entry without contents, assuming every Section 232 amount is positive
 * (each such row is flagged; the replay checks it). Appends
 * [status, warn + 1, n, op...] to ops; returns its offset, or -1. */
static long resolve(rta__duty_fast *f, const uint64_t *cand)
{
    const rta_duty *d = f->d;
    int nm = d->nm;
    int list[1024];
    int n = 0;
    for (int wd = 0; wd < f->words; wd++) {
        uint64_t bits = cand[wd];
        while (bits) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            int i = wd * 64 + b;
            if (i < nm && n < 1024)
                list[n++] = i;
        }
    }
    if (grow_ops(f, (size_t)n + 3) != 0)
        return -1;
    long at = (long)f->nops;
    uint32_t *o = f->ops + at;
    o[0] = RES_OK;
    o[1] = 0;
    o[2] = 0;
    for (int a = 0; a < n; a++) {
        f->alive[list[a]] = 1;
        if (d->m[list[a]].method == METHOD_COLUMN2)
            o[0] = RES_UNSUPPORTED; /* the Column 2 rate: the full engine */
    }
    /* groups: only the highest priority of each group is charged */
    for (int a = 0; a < n; a++) {
        int i = list[a];
        if (!f->alive[i] || d->m[i].group < 0)
            continue;
        for (int b = 0; b < n; b++) {
            int j = list[b];
            if (j == i || !f->alive[j] || d->m[j].group != d->m[i].group)
                continue;
            if (d->m[j].priority > d->m[i].priority ||
                (d->m[j].priority == d->m[i].priority && j < i)) {
                f->alive[i] = 0;
                break;
            }
        }
    }
    int remaining = 0;
    for (int a = 0; a < n; a++)
        remaining += f->alive[list[a]];
    int s232_full = 0;
    uint32_t nops = 0;
    while (remaining > 0 && o[0] == RES_OK) {
        int progressed = 0;
        for (int a = 0; a < n; a++) {
            int i = list[a];
            const measure *m = &d->m[i];
            if (!f->alive[i] || f->done[i])
                continue;
            int ready = 1;
            for (int k = 0; k < m->nexcl && ready; k++)
                if (m->excl[k] >= 0 && f->alive[m->excl[k]] && !f->done[m->excl[k]])
                    ready = 0;
            if (ready && m->auth != RTA_AUTH_S232 && (m->excl_s232 || (m->base & BASE_LESS_232)))
                for (int b = 0; b < n && ready; b++) {
                    int j = list[b];
                    if (f->alive[j] && !f->done[j] && d->m[j].auth == RTA_AUTH_S232)
                        ready = 0;
                }
            if (!ready)
                continue;
            f->done[i] = 1;
            remaining--;
            progressed = 1;
            if (m->excl_s232 && s232_full)
                continue;
            int excluded = 0;
            for (int k = 0; k < m->nexcl; k++)
                if (m->excl[k] >= 0 && f->applied[m->excl[k]])
                    excluded = 1;
            if (excluded)
                continue;
            int content = (m->base & (BASE_STEEL | BASE_ALUMINUM | BASE_COPPER)) != 0;
            if (content && !(m->base & BASE_VALUE)) {
                /* charged on a content the entry does not declare: 0.00 and the
                 * warning of the first such row */
                if (o[1] == 0)
                    o[1] = (uint32_t)i + 1;
                continue;
            }
            if (!(m->base & BASE_VALUE)) {
                o[0] = RES_UNSUPPORTED; /* a base this replay does not know */
                break;
            }
            f->applied[i] = 1;
            uint32_t op = (uint32_t)i;
            if (m->method == METHOD_FLOOR)
                op |= OP_FLOOR;
            if (m->auth == RTA_AUTH_S232) {
                s232_full = 1;
                if (m->method != METHOD_FLOOR)
                    op |= OP_MUST_CHARGE;
            }
            o[3 + nops++] = op;
        }
        if (!progressed)
            o[0] = RES_UNSUPPORTED; /* a cycle: the full engine reports it */
    }
    for (int a = 0; a < n; a++) /* the scratch flags are all zero between calls */
        f->alive[list[a]] = f->done[list[a]] = f->applied[list[a]] = 0;
    o[2] = nops;
    f->nops += 3 + nops;
    return at;
}

static void clear_res(rta__duty_fast *f)
{
    memset(f->res, 0, f->res_cap * sizeof *f->res);
    f->res_used = 0;
    f->nkeys = 0;
    f->nops = 0;
}

/* The ops of a candidate mask; NULL on no memory. */
static const uint32_t *resolution_h(rta__duty_fast *f, const uint64_t *cand, uint64_t h)
{
    int w = f->words;
    size_t j = (size_t)(h >> 17) & (f->res_cap - 1);
    while (f->res[j].hash) {
        if (f->res[j].hash == h) {
            const uint64_t *k = f->keys + f->res[j].key;
            int same = 1;
            for (int i = 0; i < w; i++)
                same &= k[i] == cand[i];
            if (same)
                return f->ops + f->res[j].ops;
        }
        j = (j + 1) & (f->res_cap - 1);
    }
    if (f->res_used >= FAST_MAX_RES)
        clear_res(f);
    if ((f->res_used + 1) * 2 > f->res_cap) {
        size_t cap = f->res_cap * 2;
        res_slot *ns = calloc(cap, sizeof *ns);
        if (ns == NULL)
            return NULL;
        for (size_t i = 0; i < f->res_cap; i++) {
            if (!f->res[i].hash)
                continue;
            size_t k = (size_t)(f->res[i].hash >> 17) & (cap - 1);
            while (ns[k].hash)
                k = (k + 1) & (cap - 1);
            ns[k] = f->res[i];
        }
        free(f->res);
        f->res = ns;
        f->res_cap = cap;
        return resolution_h(f, cand, h);
    }
    if (f->nkeys + (size_t)w > f->capkeys) {
        size_t cap = f->capkeys ? f->capkeys * 2 : 4096;
        while (cap < f->nkeys + (size_t)w)
            cap *= 2;
        uint64_t *nk = realloc(f->keys, cap * sizeof *nk);
        if (nk == NULL)
            return NULL;
        f->keys = nk;
        f->capkeys = cap;
    }
    long at = resolve(f, cand);
    if (at < 0)
        return NULL;
    memcpy(f->keys + f->nkeys, cand, (size_t)w * 8);
    f->res[j].hash = h;
    f->res[j].key = (uint32_t)f->nkeys;
    f->res[j].ops = (uint32_t)at;
    f->nkeys += (size_t)w;
    f->res_used++;
    return f->ops + at;
}

/* ---- lines and rates ---- */

static size_t code_hash(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 24) & (cap - 1);
}

/* The row of code in revision rev; 0 if the revision has no such line. */
static int find_row(rta__duty_fast *f, int rev, const rta_code *code, uint64_t key, uint32_t *row)
{
    size_t j = code_hash(key, f->codes_cap);
    while (f->codes[j].key && f->codes[j].key != key)
        j = (j + 1) & (f->codes_cap - 1);
    code_slot *cs = &f->codes[j];
    if (!cs->key) {
        if (f->codes_used >= FAST_MAX_CODES) {
            memset(f->codes, 0, f->codes_cap * sizeof *f->codes);
            f->codes_used = 0;
            return find_row(f, rev, code, key, row);
        }
        if ((f->codes_used + 1) * 2 > f->codes_cap) {
            size_t cap = f->codes_cap * 2;
            code_slot *ns = calloc(cap, sizeof *ns);
            if (ns == NULL)
                return rta__hts_find_row(f->d->snap, rev, code, row); /* no room to remember */
            for (size_t i = 0; i < f->codes_cap; i++) {
                if (!f->codes[i].key)
                    continue;
                size_t k = code_hash(f->codes[i].key, cap);
                while (ns[k].key)
                    k = (k + 1) & (cap - 1);
                ns[k] = f->codes[i];
            }
            free(f->codes);
            f->codes = ns;
            f->codes_cap = cap;
            return find_row(f, rev, code, key, row);
        }
        rta__code_span sp[CODE_SPANS];
        int n = rta__hts_code_spans(f->d->snap, code, sp, CODE_SPANS);
        cs->key = key;
        cs->n = SPANS_MANY;
        if (n >= 0) {
            cs->n = (uint8_t)n;
            for (int k = 0; k < n; k++) {
                if (sp[k].rev_from > 254 || sp[k].rev_to > 254) {
                    cs->n = SPANS_MANY;
                    break;
                }
                cs->from[k] = (uint8_t)sp[k].rev_from;
                cs->to[k] = (uint8_t)sp[k].rev_to;
                cs->row[k] = sp[k].row;
            }
        }
        f->codes_used++;
    }
    if (cs->n == SPANS_MANY)
        return rta__hts_find_row(f->d->snap, rev, code, row);
    for (int k = 0; k < cs->n; k++)
        if (cs->from[k] <= rev && rev <= cs->to[k]) {
            *row = cs->row[k];
            return 1;
        }
    return 0;
}

/* The General rate of row when it is Free or one plain ad valorem part, the
 * same test as the engine's rate cache; -1 otherwise. */
static int64_t row_rate(rta__duty_fast *f, uint32_t row)
{
    if (f->rows[row].rate != -2)
        return f->rows[row].rate;
    const char *text = rta__hts_rate_text(f->d->snap, row, RTA_COL_GENERAL);
    rta_rate r;
    int64_t v = -1;
    if (text[0] && rta_rate_parse(text, strlen(text), &r, NULL) == RTA_OK &&
        (r.kind == RTA_RATE_FREE || (r.kind == RTA_RATE_AD_VALOREM && r.nparts == 1 &&
                                     r.parts[0].sign >= 0 && r.parts[0].basis[0] == '\0')))
        v = r.kind == RTA_RATE_FREE ? 0 : r.parts[0].ad_valorem_millionths;
    f->rows[row].rate = v;
    return v;
}

/* ---- one entry, in stages ----
 *
 * A batch worker runs a group of entries through each stage before the next,
 * so the cache misses of one entry (its code's slot, its row, its masks)
 * overlap with the work on the others. */

void rta__duty_fast_begin(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job)
{
    const rta_duty *d = f->d;
    job->state = 0;
    if (e->value_cents <= 0 || e->hts.len < 8 || e->program[0] || e->has_export_date ||
        e->steel_cents || e->aluminum_cents || e->copper_cents || e->us_content_cents)
        return;
    if (!(e->origin[0] >= 'A' && e->origin[0] <= 'Z' && e->origin[1] >= 'A' &&
          e->origin[1] <= 'Z' && e->origin[2] == '\0'))
        return;
    int ci = d->cidx[(e->origin[0] - 'A') * 26 + (e->origin[1] - 'A')];
    if (ci < 0)
        return;
    int rev, epoch;
    size_t dk = (size_t)(e->date - f->day0);
    job->day = -1;
    if (e->date >= f->day0 && dk < f->ndays) {
        rev = f->day_rev[dk];
        epoch = f->day_epoch[dk];
        job->day = (int)dk;
    } else {
        rev = rta_snapshot_revision_on(d->snap, e->date);
        epoch = rta__duty_epoch_of(d, e->date);
    }
    if (rev < 0)
        return;
    job->ci = ci;
    job->rev = rev;
    job->epoch = epoch;
    job->state = 1;
    job->key = rta_code_key(&e->hts) + 1;
    __builtin_prefetch(&f->codes[code_hash(job->key, f->codes_cap)]);
}

void rta__duty_fast_row(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job)
{
    if (job->state != 1)
        return;
    uint32_t row;
    if (!find_row(f, job->rev, &e->hts, job->key, &row) || row >= f->nrows) {
        job->state = 0;
        return;
    }
    job->row = row;
    job->state = 2;
    __builtin_prefetch(&f->rows[row]);
}

int rta__duty_fast_masks(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job)
{
    if (job->state != 2)
        return 0;
    if (row_rate(f, job->row) < 0) {
        job->state = 0;
        return 0;
    }
    uint32_t off = f->rows[job->row].tl;
    if (off == 0 && (off = row_timeline(f, job->row, &e->hts)) == 0)
        return -1;
    job->state = 3;
    __builtin_prefetch(f->tl + off);
    return 0;
}

int rta__duty_fast_stages(rta__duty_fast *f, const rta_entry *const *e, rta__duty_job *const *job,
                          int n)
{
    /* each stage over the whole group before the next (see duty_internal.h) */
    int fail = 0;
    for (int k = 0; k < n; k++)
        if (job[k]->state == 1)
            rta__duty_fast_row(f, e[k], job[k]);
    for (int k = 0; k < n; k++)
        if (job[k]->state == 2 && rta__duty_fast_masks(f, e[k], job[k]) < 0)
            fail = -1;
    for (int k = 0; k < n; k++)
        if (job[k]->state == 3)
            rta__duty_fast_probe(f, e[k], job[k]);
    return fail;
}

int rta__duty_fast_amounts(rta__duty_fast *f, const rta_entry *e, rta__duty_amounts *out)
{
    rta__duty_job job;
    rta__duty_fast_begin(f, e, &job);
    rta__duty_fast_row(f, e, &job);
    if (rta__duty_fast_masks(f, e, &job) < 0)
        return -1;
    rta__duty_fast_probe(f, e, &job);
    return rta__duty_fast_finish(f, e, &job, out);
}

/* The AND of the line's product mask on the date, the epoch's in-force mask
 * and the origin's mask (less the rows for goods found transshipped). */
static void entry_mask(rta__duty_fast *f, const rta_entry *e, const rta__duty_job *job,
                       uint64_t *mask)
{
    const rta_duty *d = f->d;
    const uint64_t *t = f->tl + (f->rows[job->row].tl - 1);
    size_t nint = (size_t)t[0], w = (size_t)f->words;
    const uint64_t *pm = t + 1;
    for (size_t k = 1; k < nint; k++) {
        const uint64_t *iv = t + 1 + k * (1 + w);
        if ((rta_day)(uint32_t)iv[0] > e->date)
            break;
        pm = iv;
    }
    pm++; /* past the day */
    const uint64_t *fm = f->inforce + (size_t)job->epoch * w;
    const uint64_t *om = d->origin_mask + (size_t)job->ci * (size_t)d->mask_words;
    for (size_t k = 0; k < w; k++) {
        uint64_t m = pm[k] & fm[k] & (d->mask_words ? om[k] : 0);
        if (!e->transshipped)
            m &= ~f->transship[k];
        mask[k] = m;
    }
}

void rta__duty_fast_probe(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job)
{
    if (job->state != 3 || f->words > RTA__FAST_MASK_WORDS)
        return;
    entry_mask(f, e, job, job->mask);
    job->hash = mask_hash(job->mask, f->words);
    size_t j = (size_t)(job->hash >> 17) & (f->res_cap - 1);
    __builtin_prefetch(&f->res[j]);
    if (f->res[j].hash)
        __builtin_prefetch(f->keys + f->res[j].key);
    job->state = 4;
}

int rta__duty_fast_finish(rta__duty_fast *f, const rta_entry *e, const rta__duty_job *job,
                          rta__duty_amounts *out)
{
    const rta_duty *d = f->d;
    if (job->state != 3 && job->state != 4)
        return 0;
    int64_t mfn_rate = f->rows[job->row].rate;
    const uint32_t *ops;
    if (job->state == 4) {
        ops = resolution_h(f, job->mask, job->hash);
    } else {
        entry_mask(f, e, job, f->mask);
        ops = resolution_h(f, f->mask, mask_hash(f->mask, f->words));
    }
    if (ops == NULL)
        return -1;
    if (ops[0] != RES_OK)
        return 0;
    /* field by field: a memset of the struct compiles to `rep stos`, slow to start */
    for (int k = 0; k < RTA_AUTH_COUNT; k++)
        out->by_authority[k] = 0;
    out->mpf = out->hmf = 0;
    out->mpf_known = 0;
    int64_t v = e->value_cents;
    int64_t mfn = rta__duty_apply_rate_fast(v, mfn_rate);
    out->by_authority[RTA_AUTH_MFN] = mfn;
    int64_t total = mfn;
    for (uint32_t k = 0; k < ops[2]; k++) {
        uint32_t op = ops[3 + k];
        const measure *m = &d->m[op & 0xFFFF];
        int64_t a = rta__duty_apply_rate_fast(v, m->rate);
        if (op & OP_FLOOR)
            a = a > mfn ? a - mfn : 0; /* the MFN duty on the full value */
        else if ((op & OP_MUST_CHARGE) && a == 0)
            return 0; /* a 232 charge of 0.00 changes what it excludes */
        out->by_authority[m->auth] += a;
        total += a;
    }
    out->total = total;
    out->warn_measure = ops[1] ? (int)ops[1] - 1 : -1;
    if (job->day >= 0 && f->fees_fast && (unsigned)e->mode < FEE_MODES && v <= 9223372036LL) {
        /* the day's rows, without a branch on the date or the mode (a
         * batch's dates jump between fiscal years) */
        fee_pick pk = f->day_fees[(size_t)job->day * FEE_MODES + (unsigned)e->mode];
        if (pk.mpf != FEE_LOOP && pk.hmf != FEE_LOOP) {
            out->mpf = fee_amount(&f->fee_rows[pk.mpf], v);
            out->mpf_known = pk.mpf != f->fee_none;
            out->hmf = fee_amount(&f->fee_rows[pk.hmf], v);
            return 1;
        }
    }
    for (int i = 0; i < d->nfees; i++) {
        const fee_row *fr = &d->fees[i];
        if (e->date < fr->from || (fr->has_to && e->date > fr->to))
            continue;
        if (!(fr->modes & (1u << e->mode)))
            continue;
        int64_t a = rta__duty_apply_rate_fast(v, fr->rate);
        if (fr->has_min && a < fr->min)
            a = fr->min;
        if (fr->has_max && a > fr->max)
            a = fr->max;
        if (fr->is_mpf) {
            out->mpf = a;
            out->mpf_known = 1;
        } else {
            out->hmf += a;
        }
    }
    return 1;
}

/*
 * duty.c - the dated US duty stack of one entry, as one generic loop over rows.
 *
 * Why: see rta/duty.h. Every rule of 2025-2026 is a row of data/measures/;
 * this file knows only the row semantics documented in
 * data/measures/README.md: in force on the date, origin and product scope
 * with exemptions, groups whose highest priority replaces the others, the
 * Section 232 exclusions and content bases, floors, in-transit rules. If a
 * case seems to need `if (origin == VN)` here, the data model is missing a
 * column.
 */
#include "rta/duty.h"

#include "duty_internal.h"

#include "json.h"
#include "measure_internal.h"
#include "rta/unit.h"
#include "rta/hts.h"
#include "rta/nomenclature.h"
#include "rta/rate.h"
#include "snapshot_internal.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const auth_names[RTA_AUTH_COUNT] = {
    "mfn", "special", "column2", "s232", "s301", "ieepa_recip", "ieepa_fentanyl", "s122", "other"};

const char *rta_authority_name(rta_authority a)
{
    return (unsigned)a < RTA_AUTH_COUNT ? auth_names[a] : "other";
}

static rta_authority auth_from(const char *s)
{
    if (strcmp(s, "mfn") == 0)
        return RTA_AUTH_MFN;
    for (int i = 0; i < RTA_AUTH_COUNT; i++)
        if (strcmp(s, auth_names[i]) == 0)
            return (rta_authority)i;
    return RTA_AUTH_OTHER;
}

static void percent_text(int64_t millionths, char *buf, size_t size);

/* ------------------------------------------------------------ loading */

static const char *text_or_empty(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? (const char *)t : "";
}

static int day_of(const char *s, rta_day *out)
{
    return s[0] && rta_date_parse(s, out, NULL) == RTA_OK;
}

static int country_index(const rta_snapshot *s, const char *iso2)
{
    size_t lo = 0, hi = s->ncountries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->countries[mid].iso2, iso2);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int find_list(const rta_duty *d, const char *name)
{
    for (int i = 0; i < d->nlists; i++)
        if (strcmp(d->lists[i].name, name) == 0)
            return i;
    return -1;
}

static int parse_sels(rta_duty *d, const char *text, sel **out, int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            sel *ns = realloc(*out, (size_t)cap * sizeof *ns);
            if (ns == NULL)
                return -1;
            *out = ns;
        }
        sel *s = &(*out)[(*n)++];
        memset(s, 0, sizeof *s);
        if (len == 1 && *p == '*') {
            s->kind = SEL_ALL;
        } else if (*p == '@') {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(len - 1), p + 1);
            s->kind = SEL_LIST;
            s->list = find_list(d, name);
            if (s->list < 0)
                return -1;
        } else {
            s->kind = SEL_PREFIX;
            s->len = (int)(len > 10 ? 10 : len);
            memcpy(s->digits, p, (size_t)s->len);
        }
        p += len;
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const list_entry *x = a, *y = b;
    int c = strcmp(x->hts, y->hts);
    return c ? c : (x->from > y->from) - (x->from < y->from);
}

static rta_status load_lists(rta_duty *d, sqlite3 *db, rta_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, hts, date_from, date_to FROM product_list "
                           "ORDER BY name, seq",
                           -1, &q, NULL) != SQLITE_OK)
        return rta__error(err, RTA_ERR_STORE, "product_list", 0, 0, "%s", sqlite3_errmsg(db));
    int cap_lists = 0;
    int cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *name = text_or_empty(q, 0);
        plist *l = d->nlists ? &d->lists[d->nlists - 1] : NULL;
        if (l == NULL || strcmp(l->name, name) != 0) {
            if (d->nlists == cap_lists) {
                cap_lists = cap_lists ? cap_lists * 2 : 16;
                plist *nl = realloc(d->lists, (size_t)cap_lists * sizeof *nl);
                if (nl == NULL)
                    goto nomem;
                d->lists = nl;
            }
            l = &d->lists[d->nlists++];
            memset(l, 0, sizeof *l);
            l->name = rta__strdup(name);
            if (l->name == NULL)
                goto nomem;
            cap = 0;
        }
        if (l->n == cap) {
            cap = cap ? cap * 2 : 64;
            list_entry *ne = realloc(l->e, (size_t)cap * sizeof *ne);
            if (ne == NULL)
                goto nomem;
            l->e = ne;
        }
        list_entry *e = &l->e[l->n++];
        snprintf(e->hts, sizeof e->hts, "%s", text_or_empty(q, 1));
        e->len = (int)strlen(e->hts);
        if (!day_of(text_or_empty(q, 2), &e->from))
            e->from = INT32_MIN;
        if (!day_of(text_or_empty(q, 3), &e->to))
            e->to = INT32_MAX;
    }
    sqlite3_finalize(q);
    for (int i = 0; i < d->nlists; i++) {
        qsort(d->lists[i].e, (size_t)d->lists[i].n, sizeof(list_entry), cmp_entry);
        for (int k = 0; k < d->lists[i].n; k++)
            d->lists[i].lens |= 1u << (d->lists[i].e[k].len & 31);
    }
    return RTA_OK;
nomem:
    sqlite3_finalize(q);
    return rta__error(err, RTA_ERR_NOMEM, "product_list", 0, 0, "out of memory");
}

/* Copies a field for tokenising: into buf when it fits, else a heap copy
 * (*heap, freed by the caller). NULL when out of memory. */
static char *field_copy(const char *text, char *buf, size_t size, char **heap)
{
    size_t n = strlen(text);
    *heap = NULL;
    if (n < size) {
        memcpy(buf, text, n + 1);
        return buf;
    }
    *heap = rta__strdup(text);
    return *heap;
}

static int group_id(rta_duty *d, char **names, const char *g)
{
    if (g[0] == '\0')
        return -1;
    for (int i = 0; i < d->ngroups; i++)
        if (strcmp(names[i], g) == 0)
            return i;
    names[d->ngroups] = rta__strdup(g);
    if (names[d->ngroups] == NULL)
        return -2; /* out of memory: the caller fails */
    return d->ngroups++;
}

static rta_status load_measures(rta_duty *d, sqlite3 *db, rta_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, line, authority, heading, origins, products, "
                           "except_products, rate_millionths, method, grp, priority, condition, "
                           "base, excluded_by, date_from, date_to, collect_to, "
                           "transit_loaded_before, transit_entered_before, certainty, source, note "
                           "FROM measure ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK)
        return rta__error(err, RTA_ERR_STORE, "measure", 0, 0, "%s", sqlite3_errmsg(db));
    int count = 0;
    while (sqlite3_step(q) == SQLITE_ROW)
        count++;
    sqlite3_reset(q);
    d->m = calloc((size_t)(count ? count : 1), sizeof *d->m);
    char **gnames = calloc((size_t)(count ? count : 1), sizeof *gnames);
    if (d->m == NULL || gnames == NULL) {
        free(gnames);
        sqlite3_finalize(q);
        return rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
    }
    rta_status st = RTA_OK;
    size_t nc = d->snap->ncountries;
    while (st == RTA_OK && sqlite3_step(q) == SQLITE_ROW) {
        measure *m = &d->m[d->nm++];
        m->id = rta__strdup(text_or_empty(q, 0));
        m->line = sqlite3_column_int64(q, 1);
        m->auth = auth_from(text_or_empty(q, 2));
        m->heading = rta__strdup(text_or_empty(q, 3));
        /* origins */
        m->origin_in = calloc(nc ? nc : 1, 1);
        char buf[1024], *heap = NULL, *save = NULL;
        char *tx = field_copy(text_or_empty(q, 4), buf, sizeof buf, &heap);
        if (m->origin_in == NULL || tx == NULL) {
            free(heap);
            st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
            break;
        }
        for (char *t = tx ? strtok_r(tx, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
            int neg = t[0] == '-';
            const char *c = neg ? t + 1 : t;
            if (strcmp(c, "ALL") == 0) {
                m->origin_all = 1;
                memset(m->origin_in, 1, nc);
            } else if (strcmp(c, "EU") == 0) {
                for (size_t i = 0; i < nc; i++)
                    if (d->snap->countries[i].eu27)
                        m->origin_in[i] = (unsigned char)!neg;
            } else {
                int ci = country_index(d->snap, c);
                if (ci >= 0)
                    m->origin_in[ci] = (unsigned char)!neg;
            }
        }
        if (parse_sels(d, text_or_empty(q, 5), &m->prod, &m->nprod) != 0 ||
            parse_sels(d, text_or_empty(q, 6), &m->exc, &m->nexc) != 0) {
            st = rta__error(err, RTA_ERR_STORE, "measure", m->line, 0,
                            "measure %s names a product list the store does not hold", m->id);
            break;
        }
        m->rate = sqlite3_column_int64(q, 7);
        const char *method = text_or_empty(q, 8);
        m->method = strcmp(method, "floor") == 0     ? METHOD_FLOOR
                    : strcmp(method, "column2") == 0 ? METHOD_COLUMN2
                                                     : METHOD_ADD;
        {
            char pct[24];
            percent_text(m->rate, pct, sizeof pct);
            snprintf(m->label, sizeof m->label,
                     m->method == METHOD_FLOOR ? "%s%% all-in floor" : "+%s%%", pct);
        }
        m->group_name = rta__strdup(text_or_empty(q, 9));
        m->group = group_id(d, gnames, text_or_empty(q, 9));
        m->priority = sqlite3_column_int(q, 10);
        const char *cond = text_or_empty(q, 11);
        m->cond = strcmp(cond, "transshipped") == 0 ? COND_TRANSSHIPPED
                  : strcmp(cond, "not_usmca") == 0  ? COND_NOT_USMCA
                                                    : COND_NONE;
        free(heap);
        tx = field_copy(text_or_empty(q, 12), buf, sizeof buf, &heap);
        if (tx == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
            break;
        }
        for (char *t = tx ? strtok_r(tx, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
            m->base |= strcmp(t, "value") == 0           ? BASE_VALUE
                       : strcmp(t, "steel") == 0         ? BASE_STEEL
                       : strcmp(t, "aluminum") == 0      ? BASE_ALUMINUM
                       : strcmp(t, "copper") == 0        ? BASE_COPPER
                       : strcmp(t, "-us_content") == 0   ? BASE_LESS_US
                       : strcmp(t, "-s232_content") == 0 ? BASE_LESS_232
                                                         : 0u;
        }
        free(heap);
        tx = field_copy(text_or_empty(q, 13), buf, sizeof buf, &heap);
        if (tx == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
            break;
        }
        for (char *t = tx ? strtok_r(tx, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
            if (strcmp(t, "s232") == 0) {
                m->excl_s232 = 1;
                continue;
            }
            /* another measure's id: resolved to its index once all rows are loaded */
            int *ne = realloc(m->excl, (size_t)(m->nexcl + 1) * sizeof *ne);
            if (ne == NULL) {
                st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
                break;
            }
            m->excl = ne;
            m->excl[m->nexcl++] = -1;
        }
        free(heap);
        if (tx == NULL || m->group == -2)
            st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
        day_of(text_or_empty(q, 14), &m->from);
        m->has_to = day_of(text_or_empty(q, 15), &m->to);
        m->has_collect = day_of(text_or_empty(q, 16), &m->collect_to);
        m->has_transit = day_of(text_or_empty(q, 17), &m->t_loaded);
        if (!day_of(text_or_empty(q, 18), &m->t_entered))
            m->t_entered = INT32_MAX; /* loaded before the date: no entry deadline */
        m->medium = strcmp(text_or_empty(q, 19), "medium") == 0;
        m->source = rta__strdup(text_or_empty(q, 20));
        m->note = rta__strdup(text_or_empty(q, 21));
        if (!m->id || !m->heading || !m->source || !m->note || !m->origin_in || !m->group_name)
            st = rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
    }
    sqlite3_finalize(q);
    for (int i = 0; i < d->ngroups; i++)
        free(gnames[i]);
    free(gnames);
    if (st != RTA_OK)
        return st;
    /* resolve excluded_by ids */
    if (sqlite3_prepare_v2(db, "SELECT seq, excluded_by FROM measure ORDER BY seq", -1, &q, NULL) !=
        SQLITE_OK)
        return rta__error(err, RTA_ERR_STORE, "measure", 0, 0, "%s", sqlite3_errmsg(db));
    int row = 0;
    while (sqlite3_step(q) == SQLITE_ROW && row < d->nm) {
        measure *m = &d->m[row++];
        char buf[1024], *heap = NULL, *save = NULL;
        char *tx = field_copy(text_or_empty(q, 1), buf, sizeof buf, &heap);
        int k = 0;
        for (char *t = tx ? strtok_r(tx, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
            if (strcmp(t, "s232") == 0 || k >= m->nexcl)
                continue;
            for (int j = 0; j < d->nm; j++)
                if (strcmp(d->m[j].id, t) == 0)
                    m->excl[k] = j;
            k++;
        }
        free(heap);
        if (tx == NULL) {
            sqlite3_finalize(q);
            return rta__error(err, RTA_ERR_NOMEM, "measure", 0, 0, "out of memory");
        }
    }
    sqlite3_finalize(q);
    return RTA_OK;
}

static rta_status load_fees(rta_duty *d, sqlite3 *db, rta_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT fee, rate_millionths, min_cents, max_cents, modes, date_from, "
                           "date_to, source FROM fee ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK)
        return rta__error(err, RTA_ERR_STORE, "fee", 0, 0, "%s", sqlite3_errmsg(db));
    while (sqlite3_step(q) == SQLITE_ROW) {
        fee_row *nf = realloc(d->fees, (size_t)(d->nfees + 1) * sizeof *nf);
        if (nf == NULL) {
            sqlite3_finalize(q);
            return rta__error(err, RTA_ERR_NOMEM, "fee", 0, 0, "out of memory");
        }
        d->fees = nf;
        fee_row *f = &d->fees[d->nfees++];
        memset(f, 0, sizeof *f);
        f->is_mpf = strcmp(text_or_empty(q, 0), "mpf") == 0;
        f->rate = sqlite3_column_int64(q, 1);
        f->has_min = sqlite3_column_type(q, 2) != SQLITE_NULL;
        f->min = sqlite3_column_int64(q, 2);
        f->has_max = sqlite3_column_type(q, 3) != SQLITE_NULL;
        f->max = sqlite3_column_int64(q, 3);
        const char *modes = text_or_empty(q, 4);
        if (strstr(modes, "ocean"))
            f->modes |= 1u << RTA_MODE_OCEAN;
        if (strstr(modes, "air"))
            f->modes |= 1u << RTA_MODE_AIR;
        if (strstr(modes, "other"))
            f->modes |= 1u << RTA_MODE_OTHER;
        day_of(text_or_empty(q, 5), &f->from);
        f->has_to = day_of(text_or_empty(q, 6), &f->to);
        f->source = rta__strdup(text_or_empty(q, 7));
    }
    sqlite3_finalize(q);
    return RTA_OK;
}

static int cmp_day(const void *a, const void *b)
{
    rta_day x = *(const rta_day *)a, y = *(const rta_day *)b;
    return (x > y) - (x < y);
}

/* The dates on which the selection of rows for a (line, origin) can change:
 * between two of them nothing starts or ends, so a batch can reuse a
 * selection within one such epoch. */
static rta_status make_bounds(rta_duty *d, rta_error *err)
{
    size_t cap = (size_t)d->nm * 3 + 8;
    for (int i = 0; i < d->nlists; i++)
        cap += (size_t)d->lists[i].n * 2;
    d->bounds = malloc(cap * sizeof *d->bounds);
    if (d->bounds == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
    int n = 0;
    for (int i = 0; i < d->nm; i++) {
        const measure *m = &d->m[i];
        d->bounds[n++] = m->from;
        if (m->has_to)
            d->bounds[n++] = m->to + 1;
        if (m->has_collect)
            d->bounds[n++] = m->collect_to + 1;
    }
    for (int i = 0; i < d->nlists; i++)
        for (int k = 0; k < d->lists[i].n; k++) {
            const list_entry *e = &d->lists[i].e[k];
            if (e->from != INT32_MIN)
                d->bounds[n++] = e->from;
            if (e->to != INT32_MAX)
                d->bounds[n++] = e->to + 1;
        }
    qsort(d->bounds, (size_t)n, sizeof *d->bounds, cmp_day);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || d->bounds[u - 1] != d->bounds[i])
            d->bounds[u++] = d->bounds[i];
    d->nbounds = u;
    return RTA_OK;
}

static int epoch_of(const rta_duty *d, rta_day day)
{
    int lo = 0, hi = d->nbounds;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (d->bounds[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int rta__duty_epoch_of(const rta_duty *d, rta_day day)
{
    return epoch_of(d, day);
}

rta_status rta_duty_open(rta_store *store, const rta_snapshot *snap, rta_duty **out, rta_error *err)
{
    *out = NULL;
    rta_duty *d = calloc(1, sizeof *d);
    if (d == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
    d->snap = snap;
    for (int i = 0; i < 26 * 26; i++)
        d->cidx[i] = -1;
    for (size_t i = 0; i < snap->ncountries; i++) {
        const char *c = snap->countries[i].iso2;
        if (c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z')
            d->cidx[(c[0] - 'A') * 26 + (c[1] - 'A')] = (int16_t)i;
    }
    sqlite3 *db = rta__store_db(store);
    rta_status st = load_lists(d, db, err);
    if (st == RTA_OK)
        st = load_measures(d, db, err);
    if (st == RTA_OK)
        st = load_fees(d, db, err);
    if (st == RTA_OK && d->nm > 1024)
        st = rta__error(err, RTA_ERR_RANGE, "measure", 0, 0,
                        "%d measure rows: this engine handles at most 1024", d->nm);
    if (st == RTA_OK)
        st = make_bounds(d, err);
    if (st == RTA_OK && d->nbounds >= 0x3FFF)
        st = rta__error(err, RTA_ERR_RANGE, "measure", 0, 0,
                        "%d distinct boundary dates: at most 16382", d->nbounds);
    if (st == RTA_OK) {
        d->mask_words = (d->nm + 63) / 64;
        size_t nc = snap->ncountries;
        d->origin_mask = calloc(nc * (size_t)d->mask_words + 1, sizeof *d->origin_mask);
        if (d->origin_mask == NULL)
            st = rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
        for (size_t ci = 0; st == RTA_OK && ci < nc; ci++)
            for (int i = 0; i < d->nm; i++)
                if (d->m[i].origin_in[ci])
                    d->origin_mask[ci * (size_t)d->mask_words + (size_t)(i / 64)] |= 1ULL
                                                                                     << (i % 64);
    }
    if (st != RTA_OK) {
        rta_duty_close(d);
        return st;
    }
    *out = d;
    return RTA_OK;
}

void rta_duty_close(rta_duty *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < d->nm; i++) {
        measure *m = &d->m[i];
        free(m->id);
        free(m->heading);
        free(m->source);
        free(m->note);
        free(m->group_name);
        free(m->origin_in);
        free(m->prod);
        free(m->exc);
        free(m->excl);
    }
    free(d->m);
    for (int i = 0; i < d->nlists; i++) {
        free(d->lists[i].name);
        free(d->lists[i].e);
    }
    free(d->lists);
    for (int i = 0; i < d->nfees; i++)
        free(d->fees[i].source);
    free(d->fees);
    free(d->bounds);
    free(d->origin_mask);
    free(d);
}

int rta_duty_measure_count(const rta_duty *duty)
{
    return duty->nm;
}

/* ------------------------------------------------------------ computing */

/* strlcpy-like: copies at most size-1 bytes and terminates */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* 128-bit intermediates: a product of cents and millionths exceeds 64 bits
 * from about $92 million at 100%. */
__extension__ typedef __int128 i128;

static int64_t clamp64(i128 v)
{
    return v > (i128)INT64_MAX ? INT64_MAX : v < (i128)INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* base x rate, rounded half-up to the cent (amounts are never negative here) */
static int64_t apply_rate(int64_t base_cents, int64_t millionths)
{
    if (base_cents <= 0 || millionths <= 0)
        return 0;
    /* 64 bits when the product fits (every real entry): a division by a
     * constant; 128 bits beyond */
    if (base_cents <= (INT64_MAX - 500000) / millionths)
        return (base_cents * millionths + 500000) / 1000000;
    return clamp64(((i128)base_cents * millionths + 500000) / 1000000);
}

int64_t rta__duty_apply_rate(int64_t base_cents, int64_t millionths)
{
    return apply_rate(base_cents, millionths);
}

static int list_match(const plist *l, const char *digits, int len, rta_day date)
{
    for (int pl = 2; pl <= len; pl++) {
        if (!(l->lens & (1u << pl)))
            continue;
        /* binary search for the first entry equal to the prefix of length pl */
        int lo = 0, hi = l->n;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            int c = strncmp(l->e[mid].hts, digits, (size_t)pl);
            if (c < 0 || (c == 0 && l->e[mid].len < pl))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int i = lo;
             i < l->n && l->e[i].len == pl && strncmp(l->e[i].hts, digits, (size_t)pl) == 0; i++)
            if (date == INT32_MIN || (l->e[i].from <= date && date <= l->e[i].to))
                return 1; /* INT32_MIN: on any date */
    }
    return 0;
}

/* Index of the first selector that matches, or -1. */
static int sels_match(const rta_duty *d, const sel *s, int n, const rta_code *hts, rta_day date)
{
    for (int i = 0; i < n; i++) {
        if (s[i].kind == SEL_ALL)
            return i;
        if (s[i].kind == SEL_PREFIX) {
            if (s[i].len <= hts->len && memcmp(s[i].digits, hts->digits, (size_t)s[i].len) == 0)
                return i;
        } else if (list_match(&d->lists[s[i].list], hts->digits, hts->len, date)) {
            return i;
        }
    }
    return -1;
}

static void sel_text(const rta_duty *d, const sel *s, char *buf, size_t size)
{
    if (s->kind == SEL_ALL)
        snprintf(buf, size, "*");
    else if (s->kind == SEL_PREFIX)
        snprintf(buf, size, "%s", s->digits);
    else
        snprintf(buf, size, "@%s", d->lists[s->list].name);
}

static void note(rta_duty_result *r, const rta_duty_options *o, const measure *m, int applied,
                 const char *fmt, ...) RTA__PRINTF(5, 6);

/* Notes are written (and their arguments formatted) only when explaining. */
#define NOTE(r, o, ...)                                                                            \
    do {                                                                                           \
        if ((o)->explain)                                                                          \
            note((r), (o), __VA_ARGS__);                                                           \
    } while (0)

static void note(rta_duty_result *r, const rta_duty_options *o, const measure *m, int applied,
                 const char *fmt, ...)
{
    if (!o->explain)
        return;
    if (r->nnotes >= RTA_DUTY_MAX_NOTES) {
        r->notes_truncated = 1;
        return;
    }
    rta_duty_note *n = &r->notes[r->nnotes++];
    n->measure = m->id;
    n->source_line = m->line;
    n->source = m->source;
    n->applied = applied;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->why, sizeof n->why, fmt, ap);
    va_end(ap);
}

static void percent_text(int64_t millionths, char *buf, size_t size)
{
    /* 165000 -> "16.5", 200000 -> "20", 3464 -> "0.3464" */
    int64_t whole = millionths / 10000, frac = millionths % 10000;
    if (frac == 0) {
        snprintf(buf, size, "%lld", (long long)whole);
        return;
    }
    char f[24];
    snprintf(f, sizeof f, "%04lld", (long long)frac);
    for (int i = 3; i > 0 && f[i] == '0'; i--)
        f[i] = '\0';
    snprintf(buf, size, "%lld.%.4s", (long long)whole, f);
}

static rta_status add_line(rta_duty_result *r, const char *heading, rta_authority a,
                           const char *rate, int64_t base, int64_t amount, const char *measure_id,
                           rta_error *err)
{
    if (r->nlines >= RTA_DUTY_MAX_LINES)
        return rta__error(err, RTA_ERR_RANGE, "<duty>", 0, 0, "more than %d lines on one entry",
                          RTA_DUTY_MAX_LINES);
    rta_duty_line *l = &r->lines[r->nlines++];
    copy_str(l->heading, sizeof l->heading, heading);
    l->authority = a;
    copy_str(l->rate, sizeof l->rate, rate);
    l->base_cents = base;
    l->amount_cents = amount;
    l->measure = measure_id;
    r->total_duty_cents += amount;
    r->by_authority[a] += amount;
    return RTA_OK;
}

/* The quantity (thousandths) of the entry in `unit`, matched against the
 * line's units; -1 if the entry gives none. */
static int64_t qty_for(const rta_hts_line *line, const rta_entry *e, const char *unit)
{
    for (int i = 0; i < line->nunits && i < 2; i++)
        if (rta_unit_same(unit, line->units[i]))
            return i < e->nqty ? e->qty_milli[i] : -1;
    /* a single-unit line and a rate "each"/"No." style unit */
    if (line->nunits == 1 && e->nqty >= 1 && rta_unit_same(unit, line->units[0]))
        return e->qty_milli[0];
    return -1;
}

/* Duty of an HTS rate text (General, a Special rate, or Column 2) on the entry. */
static rta_status hts_rate_amount(const rta_hts_line *line, const rta_rate *rate, const char *text,
                                  const rta_entry *e, int64_t *amount, rta_error *err)
{
    *amount = 0;
    if (!rta_rate_kind_is_structured(rate->kind))
        return rta__error(err, RTA_ERR_UNSUPPORTED, "<duty>", 0, 0,
                          "the rate \"%s\" is of kind %s and needs more than rta's entry model "
                          "gives (a person must compute it)",
                          text, rta_rate_kind_name(rate->kind));
    int64_t total = 0;
    for (int i = 0; i < rate->nparts; i++) {
        const rta_rate_part *p = &rate->parts[i];
        int64_t a = 0;
        if (p->kind == RTA_PART_AD_VALOREM) {
            a = apply_rate(e->value_cents, p->ad_valorem_millionths);
        } else if (p->kind == RTA_PART_SPECIFIC) {
            int64_t q = qty_for(line, e, p->unit);
            if (q < 0)
                return rta__error(err, RTA_ERR_INVALID, "<duty>", 0, 0,
                                  "the rate \"%s\" is specific per %s: give the quantity in %s "
                                  "(--qty; line units: %s%s%s)",
                                  text, p->unit, p->unit, line->nunits ? line->units[0] : "none",
                                  line->nunits > 1 ? ", " : "",
                                  line->nunits > 1 ? line->units[1] : "");
            /* micro-USD per `per` units x quantity (thousandths) -> cents, half-up */
            int64_t per = p->per > 0 ? p->per : 1;
            i128 num = (i128)q * p->micro_usd;   /* micro-USD x 1000 */
            i128 den = (i128)per * 1000 * 10000; /* -> cents */
            a = clamp64((num + den / 2) / den);
        }
        total += p->sign < 0 ? -a : a;
    }
    *amount = total < 0 ? 0 : total;
    return RTA_OK;
}

static int in_force(const measure *m, rta_day date, const rta_duty_options *o)
{
    if (date < m->from)
        return 0;
    rta_day end = m->has_to ? m->to : INT32_MAX;
    if (o->ieepa_collection && m->has_collect)
        end = m->collect_to;
    return date <= end;
}

/* Measures that may apply to (line row, origin) on some date: origin and
 * product scope ignoring dates. Exemptions and dates are checked per entry. */
/* Whether a row's product scope can match the code on some date (exemptions
 * and dates are checked per entry). */
static int product_could_match(const rta_duty *d, const measure *m, const rta_code *hts)
{
    for (int k = 0; k < m->nprod; k++) {
        const sel *s = &m->prod[k];
        if (s->kind == SEL_ALL)
            return 1;
        if (s->kind == SEL_PREFIX) {
            if (s->len <= hts->len && memcmp(s->digits, hts->digits, (size_t)s->len) == 0)
                return 1;
        } else if (list_match(&d->lists[s->list], hts->digits, hts->len, INT32_MIN)) {
            return 1;
        }
    }
    return 0;
}

/* ---- the candidate cache of batches: (line row, origin) -> measures ---- */

typedef struct cache_slot {
    uint32_t row; /* snapshot row + 1; 0 = empty */
    uint16_t origin;
    uint16_t count;
    uint32_t first; /* into idx */
} cache_slot;

/* Per line row: its General rate when it is Free or one plain ad valorem part
 * (most lines), so a batch parses each rate text once. */
typedef struct rate_slot {
    uint32_t row;   /* snapshot row + 1; 0 = empty */
    int32_t simple; /* 1 simple, 0 not (parse each time) */
    int64_t millionths;
} rate_slot;

/* A selection memo: (line row, origin, epoch, entry flags) -> the rows that
 * survive dates, scopes, exemptions, conditions and groups. */
typedef struct memo_slot {
    uint64_t key; /* 0 = empty */
    uint32_t first;
    uint16_t count;
    int16_t column2;
} memo_slot;

struct rta__duty_cache {
    memo_slot *memo;
    size_t memo_cap, memo_used;
    cache_slot *slots;
    size_t cap, used;
    rate_slot *rates; /* direct-mapped by row */
    size_t nrates;
    uint64_t *prod; /* per line row: a known mask, then a match mask over the rows */
    size_t nprod_rows;
    uint16_t *idx;
    size_t nidx, capidx;
};

rta__duty_cache *rta__duty_cache_new(void)
{
    rta__duty_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->cap = 1 << 12;
    c->slots = calloc(c->cap, sizeof *c->slots);
    if (c->slots == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void rta__duty_cache_free(rta__duty_cache *c)
{
    if (c == NULL)
        return;
    free(c->rates);
    free(c->prod);
    free(c->memo);
    free(c->slots);
    free(c->idx);
    free(c);
}

static size_t slot_hash(uint32_t row, uint16_t origin, size_t cap)
{
    uint64_t h = ((uint64_t)row << 16 | origin) * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 20) & (cap - 1);
}

static int cache_grow(rta__duty_cache *c)
{
    size_t cap = c->cap * 2;
    cache_slot *ns = calloc(cap, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].row)
            continue;
        size_t j = slot_hash(c->slots[i].row, c->slots[i].origin, cap);
        while (ns[j].row)
            j = (j + 1) & (cap - 1);
        ns[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = cap;
    return 0;
}

static memo_slot *memo_find(rta__duty_cache *c, uint64_t key, int *found)
{
    if (c->memo == NULL || (c->memo_used + 1) * 2 > c->memo_cap) {
        size_t cap = c->memo_cap ? c->memo_cap * 2 : 1 << 12;
        memo_slot *nm = calloc(cap, sizeof *nm);
        if (nm == NULL)
            return NULL;
        for (size_t i = 0; i < c->memo_cap; i++) {
            if (!c->memo[i].key)
                continue;
            size_t j = (size_t)((c->memo[i].key * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
            while (nm[j].key)
                j = (j + 1) & (cap - 1);
            nm[j] = c->memo[i];
        }
        free(c->memo);
        c->memo = nm;
        c->memo_cap = cap;
    }
    size_t j = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (c->memo_cap - 1);
    while (c->memo[j].key && c->memo[j].key != key)
        j = (j + 1) & (c->memo_cap - 1);
    *found = c->memo[j].key == key;
    return &c->memo[j];
}

static int idx_push(rta__duty_cache *c, uint16_t v)
{
    if (c->nidx == c->capidx) {
        size_t cap = c->capidx ? c->capidx * 2 : 1024;
        uint16_t *ni = realloc(c->idx, cap * sizeof *ni);
        if (ni == NULL)
            return -1;
        c->idx = ni;
        c->capidx = cap;
    }
    c->idx[c->nidx++] = v;
    return 0;
}

/* The candidate measures of (row, origin), computed once. NULL when out of memory. */
static const uint16_t *candidates(const rta_duty *d, rta__duty_cache *c, uint32_t row, int ci,
                                  const rta_code *hts, int *n)
{
    uint32_t key = row + 1;
    size_t j = slot_hash(key, (uint16_t)ci, c->cap);
    while (c->slots[j].row) {
        if (c->slots[j].row == key && c->slots[j].origin == ci) {
            *n = c->slots[j].count;
            return c->idx + c->slots[j].first;
        }
        j = (j + 1) & (c->cap - 1);
    }
    if ((c->used + 1) * 2 > c->cap) {
        if (cache_grow(c) != 0)
            return NULL;
        return candidates(d, c, row, ci, hts, n);
    }
    /* product scope per line row, computed lazily per row and measure and
     * shared by every origin; origin scope per country (precomputed at open) */
    int words = d->mask_words;
    if (c->prod == NULL) {
        c->nprod_rows = d->snap->nrows;
        c->prod = calloc(c->nprod_rows * (size_t)words * 2 + 1, sizeof *c->prod);
        if (c->prod == NULL)
            return NULL;
    }
    uint64_t *known = c->prod + (size_t)row * (size_t)words * 2;
    uint64_t *match = known + words;
    const uint64_t *om = d->origin_mask + (size_t)ci * (size_t)words;
    size_t first = c->nidx;
    for (int w = 0; w < words; w++) {
        uint64_t bits = om[w];
        while (bits) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            uint64_t bit = 1ULL << b;
            int i = w * 64 + b;
            if (!(known[w] & bit)) {
                known[w] |= bit;
                if (product_could_match(d, &d->m[i], hts))
                    match[w] |= bit;
            }
            if ((match[w] & bit) && idx_push(c, (uint16_t)i) != 0)
                return NULL;
        }
    }
    cache_slot *s = &c->slots[j];
    s->row = key;
    s->origin = (uint16_t)ci;
    s->count = (uint16_t)(c->nidx - first);
    s->first = (uint32_t)first;
    c->used++;
    *n = s->count;
    return c->idx + first;
}

rta_status rta_duty_compute(const rta_duty *d, const rta_entry *e, const rta_duty_options *opt,
                            rta_duty_result *r, rta_error *err)
{
    return rta__duty_compute(d, NULL, e, opt, r, err);
}

/* Memory of a batch must not grow with its input: past these sizes the
 * candidate and selection caches start again empty (the per-row caches are
 * bounded by the schedule). */
#define CACHE_MAX_MEMO  200000u
#define CACHE_MAX_SLOTS 100000u
#define CACHE_MAX_IDX   1500000u

static void cache_trim(rta__duty_cache *c)
{
    if (c->memo_used < CACHE_MAX_MEMO && c->used < CACHE_MAX_SLOTS && c->nidx < CACHE_MAX_IDX)
        return;
    if (c->memo)
        memset(c->memo, 0, c->memo_cap * sizeof *c->memo);
    memset(c->slots, 0, c->cap * sizeof *c->slots);
    c->memo_used = 0;
    c->used = 0;
    c->nidx = 0;
}

rta_status rta__duty_compute(const rta_duty *d, rta__duty_cache *cache, const rta_entry *e,
                             const rta_duty_options *opt, rta_duty_result *r, rta_error *err)
{
    if (cache)
        cache_trim(cache);
    rta_duty_options defaults = {0, 0};
    if (opt == NULL)
        opt = &defaults;
    memset(r, 0, offsetof(rta_duty_result, notes)); /* the notes are filled on demand */
    char code[16], d1[16];
    rta_code_format(&e->hts, code, sizeof code);
    if (e->value_cents < 0)
        return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0, "value must not be negative");
    if (e->hts.len < 8)
        return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0,
                          "%s is not a tariff line: give the 8- or 10-digit HTS number", code);
    int rev = rta_snapshot_revision_on(d->snap, e->date);
    if (rev < 0)
        return rta__error(err, RTA_ERR_NOT_FOUND, "<entry>", 0, 0,
                          "no HTS revision is bundled for %s",
                          rta_date_format(e->date, d1, sizeof d1));
    copy_str(r->revision, sizeof r->revision, rta__snap_str(d->snap, d->snap->revs[rev].name));
    /* the line: its row by code; the full line (path links, units) only when needed */
    rta_hts_line line;
    uint32_t row;
    if (!rta__hts_find_row(d->snap, rev, &e->hts, &row)) {
        rta_status fst = rta_hts_find(d->snap, rev, &e->hts, &line, err);
        return fst != RTA_OK ? fst : RTA_ERR_NOT_FOUND;
    }
    int line_filled = 0;
    line.row = row;
    int ci = -1;
    if (e->origin[0] >= 'A' && e->origin[0] <= 'Z' && e->origin[1] >= 'A' && e->origin[1] <= 'Z' &&
        e->origin[2] == '\0')
        ci = d->cidx[(e->origin[0] - 'A') * 26 + (e->origin[1] - 'A')];
    if (ci < 0)
        return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0,
                          "origin \"%s\" is not an ISO 3166 alpha-2 code", e->origin);

    /* which measures could apply: in force, origin, product, condition */
    unsigned char cand[1024];
    if (d->nm > (int)sizeof cand)
        return rta__error(err, RTA_ERR_RANGE, "<duty>", 0, 0, "too many measures");
    memset(cand, 0, (size_t)d->nm);
    int ncand = 0;
    uint16_t candl[1024];
    int column2 = -1;
    /* a batch reuses the selection of a (line, origin, epoch, flags) it has seen */
    memo_slot *memo = NULL;
    int memo_pending = 0; /* a new memo slot is filled below; undone on failure */
    int usmca = strcmp(e->program, "S") == 0 || strcmp(e->program, "S+") == 0;
    if (cache && !opt->explain && !e->has_export_date) {
        uint64_t key = ((uint64_t)line.row + 1) << 32 | (uint64_t)(unsigned)ci << 16 |
                       (uint64_t)(epoch_of(d, e->date) & 0x3FFF) << 2 |
                       (uint64_t)(e->transshipped != 0) << 1 | (uint64_t)usmca;
        int found = 0;
        memo = memo_find(cache, key, &found);
        if (memo == NULL)
            return rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
        if (found) {
            for (int k = 0; k < memo->count; k++) {
                candl[ncand++] = cache->idx[memo->first + (uint32_t)k];
                cand[candl[ncand - 1]] = 1;
            }
            column2 = memo->column2;
            memo = NULL; /* nothing to store */
            goto selected;
        }
        memo->key = key;
        memo->count = 0;
        memo->first = 0;
        memo->column2 = -1;
        cache->memo_used++;
        memo_pending = 1;
    }
    /* the measures to look at: all (and explain each), or a batch's cached candidates */
    uint16_t all_idx[1024];
    const uint16_t *look = all_idx;
    int nlook = d->nm;
    if (cache && !opt->explain) {
        look = candidates(d, cache, line.row, ci, &e->hts, &nlook);
        if (look == NULL) {
            if (memo_pending) { /* never leave an empty selection behind */
                memo->key = 0;
                cache->memo_used--;
            }
            return rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
        }
    } else {
        for (int i = 0; i < d->nm; i++)
            all_idx[i] = (uint16_t)i;
    }
    for (int k = 0; k < nlook; k++) {
        int i = look[k];
        const measure *m = &d->m[i];
        char a[16], b[16];
        if (!in_force(m, e->date, opt)) {
            NOTE(r, opt, m, 0, "not in force on %s (%s to %s)", rta_date_format(e->date, d1, 16),
                 rta_date_format(m->from, a, sizeof a),
                 m->has_to ? rta_date_format(opt->ieepa_collection && m->has_collect ? m->collect_to
                                                                                     : m->to,
                                             b, sizeof b)
                           : "open");
            continue;
        }
        if (!m->origin_in[ci]) {
            NOTE(r, opt, m, 0, "origin %s not covered", e->origin);
            continue;
        }
        if (sels_match(d, m->prod, m->nprod, &e->hts, e->date) < 0) {
            NOTE(r, opt, m, 0, "product %s not covered", code);
            continue;
        }
        int x = sels_match(d, m->exc, m->nexc, &e->hts, e->date);
        if (x >= 0) {
            char st[140];
            sel_text(d, &m->exc[x], st, sizeof st);
            NOTE(r, opt, m, 0, "exempt: %s is on %s on %s", code, st,
                 rta_date_format(e->date, d1, 16));
            continue;
        }
        if (m->cond == COND_TRANSSHIPPED && !e->transshipped) {
            NOTE(r, opt, m, 0, "applies only to goods found transshipped");
            continue;
        }
        if (m->cond == COND_NOT_USMCA &&
            (strcmp(e->program, "S") == 0 || strcmp(e->program, "S+") == 0)) {
            NOTE(r, opt, m, 0, "not charged: USMCA (program %s) claimed", e->program);
            continue;
        }
        if (m->has_transit && e->has_export_date && e->export_date < m->t_loaded &&
            e->date < m->t_entered) {
            NOTE(r, opt, m, 0, "in transit: loaded %s (before %s) and entered before %s",
                 rta_date_format(e->export_date, d1, 16), rta_date_format(m->t_loaded, a, 16),
                 rta_date_format(m->t_entered, b, 16));
            continue;
        }
        if (m->method == METHOD_COLUMN2) {
            column2 = i;
            NOTE(r, opt, m, 1, "Column 2 country: the Column 2 rate replaces the General rate");
            continue;
        }
        cand[i] = 1;
    }
    /* groups: only the highest priority of each group is charged */
    for (int k = 0; k < nlook; k++)
        if (cand[look[k]])
            candl[ncand++] = look[k];
    for (int a = 0; a < ncand; a++) {
        int i = candl[a];
        if (!cand[i] || d->m[i].group < 0)
            continue;
        for (int b2 = 0; b2 < ncand; b2++) {
            int j = candl[b2];
            if (j == i || !cand[j] || d->m[j].group != d->m[i].group)
                continue;
            if (d->m[j].priority > d->m[i].priority ||
                (d->m[j].priority == d->m[i].priority && j < i)) {
                NOTE(r, opt, &d->m[i], 0, "replaced by %s (group %s, priority %d > %d)", d->m[j].id,
                     d->m[i].group_name, d->m[j].priority, d->m[i].priority);
                cand[i] = 0;
                break;
            }
        }
    }

    if (memo) {
        /* keep only the rows that survived the groups, in index order */
        memo->first = (uint32_t)cache->nidx;
        int kept = 0;
        for (int a = 0; a < ncand; a++)
            if (cand[candl[a]]) {
                if (idx_push(cache, candl[a]) != 0) {
                    memo->key = 0;
                    cache->memo_used--;
                    return rta__error(err, RTA_ERR_NOMEM, "<duty>", 0, 0, "out of memory");
                }
                kept++;
            }
        memo->count = (uint16_t)kept;
        memo->column2 = (int16_t)column2;
    }
selected:;
    /* the HTS rate: Column 2, a claimed special program, or General */
    rta_status st;
    rta_rate rate;
    const char *text = rta__hts_rate_text(d->snap, row, RTA_COL_GENERAL);
    rta_authority mfn_auth = RTA_AUTH_MFN;
    char rate_label[96];
    if (column2 >= 0) {
        text = rta__hts_rate_text(d->snap, row, RTA_COL_COLUMN2);
        mfn_auth = RTA_AUTH_COLUMN2;
    } else if (e->program[0]) {
        if (!line_filled) {
            rta__hts_fill_line(d->snap, row, rev, &line);
            line_filled = 1;
        }
        rta_special sp;
        if (rta_special_parse(line.rate[RTA_COL_SPECIAL], strlen(line.rate[RTA_COL_SPECIAL]), &sp,
                              NULL) != RTA_OK)
            return rta__error(err, RTA_ERR_PARSE, "<duty>", 0, 0,
                              "Special rate \"%s\" of %s not understood",
                              line.rate[RTA_COL_SPECIAL], code);
        {
            const rta_rate *pr = rta_special_find(&sp, e->program);
            if (pr == NULL)
                return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0,
                                  "program %s is not available on %s (Special: \"%s\")", e->program,
                                  code, line.rate[RTA_COL_SPECIAL]);
            int g = (int)(pr - sp.rates);
            rate = *pr;
            snprintf(rate_label, sizeof rate_label, "%.*s (%s)", (int)sp.rate_length[g],
                     line.rate[RTA_COL_SPECIAL] + sp.rate_offset[g], e->program);
            mfn_auth = RTA_AUTH_SPECIAL;
        }
    }
    if (text[0] == '\0' && mfn_auth != RTA_AUTH_SPECIAL)
        return rta__error(err, RTA_ERR_NOT_FOUND, "<duty>", 0, 0, "%s has no %s rate in HTS %s",
                          code, column2 >= 0 ? "Column 2" : "General", r->revision);
    int64_t simple_av = -1;
    if (mfn_auth == RTA_AUTH_MFN && cache) {
        /* direct-mapped cache of the General rate of this line row */
        if (cache->rates == NULL) {
            cache->nrates = d->snap->nrows;
            cache->rates = calloc(cache->nrates ? cache->nrates : 1, sizeof *cache->rates);
        }
        if (cache->rates && line.row < cache->nrates) {
            rate_slot *rs = &cache->rates[line.row];
            if (rs->row == 0) {
                rta_rate tmp;
                rs->row = line.row + 1;
                rs->simple = 0;
                if (rta_rate_parse(text, strlen(text), &tmp, NULL) == RTA_OK &&
                    (tmp.kind == RTA_RATE_FREE ||
                     (tmp.kind == RTA_RATE_AD_VALOREM && tmp.nparts == 1 &&
                      tmp.parts[0].sign >= 0 && tmp.parts[0].basis[0] == '\0'))) {
                    rs->simple = 1;
                    rs->millionths =
                        tmp.kind == RTA_RATE_FREE ? 0 : tmp.parts[0].ad_valorem_millionths;
                }
            }
            if (rs->simple)
                simple_av = rs->millionths;
        }
    }
    int64_t mfn_amount = 0;
    int has_av = 1;
    if (simple_av >= 0) {
        copy_str(rate_label, sizeof rate_label, text);
        mfn_amount = apply_rate(e->value_cents, simple_av);
    } else if (mfn_auth != RTA_AUTH_SPECIAL) {
        if (rta_rate_parse(text, strlen(text), &rate, NULL) != RTA_OK)
            return rta__error(err, RTA_ERR_PARSE, "<duty>", 0, 0,
                              "rate \"%s\" of %s not understood", text, code);
        snprintf(rate_label, sizeof rate_label, "%s", text);
    }
    if (simple_av < 0) {
        if (!line_filled) {
            rta__hts_fill_line(d->snap, row, rev, &line);
            line_filled = 1;
        }
        if ((st = hts_rate_amount(&line, &rate, rate_label, e, &mfn_amount, err)) != RTA_OK)
            return st;
        has_av = rate.nparts == 0;
        for (int i = 0; i < rate.nparts; i++)
            has_av |= rate.parts[i].kind == RTA_PART_AD_VALOREM;
    }
    if ((st = add_line(r, code, mfn_auth, rate_label,
                       has_av || rate.nparts == 0 ? e->value_cents : 0, mfn_amount, NULL, err)) !=
        RTA_OK)
        return st;

    /* Section 232 first: its exclusions and content bases shape the others */
    int s232_full = 0;
    int64_t s232_content = 0;
    unsigned char applied[1024];
    memset(applied, 0, (size_t)d->nm);
    /* Evaluation order: a measure after every candidate it names in
     * excluded_by, and after all Section 232 candidates when its exclusion or
     * base depends on them ("s232", -s232_content). The rows form no cycle
     * (checked here: a stuck round is an error, never a silent skip). */
    unsigned char done[1024];
    memset(done, 0, (size_t)d->nm);
    int remaining = 0;
    for (int a = 0; a < ncand; a++)
        remaining += cand[candl[a]] != 0;
    while (remaining > 0) {
        int progressed = 0;
        for (int a = 0; a < ncand; a++) {
            int i = candl[a];
            const measure *m = &d->m[i];
            if (!cand[i] || done[i])
                continue;
            int ready = 1;
            for (int k = 0; k < m->nexcl && ready; k++)
                if (m->excl[k] >= 0 && cand[m->excl[k]] && !done[m->excl[k]])
                    ready = 0;
            if (ready && m->auth != RTA_AUTH_S232 && (m->excl_s232 || (m->base & BASE_LESS_232)))
                for (int b2 = 0; b2 < ncand && ready; b2++) {
                    int j = candl[b2];
                    if (cand[j] && !done[j] && d->m[j].auth == RTA_AUTH_S232)
                        ready = 0;
                }
            if (!ready)
                continue;
            done[i] = 1;
            remaining--;
            progressed = 1;
            if (m->excl_s232 && s232_full) {
                NOTE(r, opt, m, 0,
                     "not charged: the article is subject to Section 232 "
                     "(9903.01.33 rule)");
                continue;
            }
            int excluded = 0;
            for (int k = 0; k < m->nexcl; k++)
                if (m->excl[k] >= 0 && applied[m->excl[k]]) {
                    NOTE(r, opt, m, 0, "not charged: %s is charged", d->m[m->excl[k]].id);
                    excluded = 1;
                }
            if (excluded)
                continue;
            int64_t base = 0;
            int content = 0;
            if (m->base & BASE_VALUE)
                base = e->value_cents;
            if (m->base & BASE_STEEL) {
                base += e->steel_cents;
                content = 1;
            }
            if (m->base & BASE_ALUMINUM) {
                base += e->aluminum_cents;
                content = 1;
            }
            if (m->base & BASE_COPPER) {
                base += e->copper_cents;
                content = 1;
            }
            if (content && !(m->base & BASE_VALUE) && base == 0) {
                NOTE(r, opt, m, 0,
                     "no metal content of that kind declared (--steel, "
                     "--aluminum, --copper): nothing to charge");
                /* never a silent zero: the line is a 232 derivative charged on a
                 * content the entry did not declare */
                /* (an entry that declares some metal content is taken to have
                 * none of the others: a steel article has no aluminium) */
                if (!r->warning[0] && e->steel_cents + e->aluminum_cents + e->copper_cents == 0)
                    rta__duty_content_warning(m, r->warning, sizeof r->warning);
                continue;
            }
            if (m->base & BASE_LESS_232)
                base -= s232_content;
            int us_rule = 0;
            if ((m->base & BASE_LESS_US) && e->us_content_cents > 0 &&
                e->us_content_cents * 5 >= e->value_cents) {
                base -= e->us_content_cents;
                us_rule = 1;
            }
            if (base < 0)
                base = 0;
            int64_t amount = apply_rate(base, m->rate);
            const char *label = m->label;
            if (m->method == METHOD_FLOOR) {
                /* all-in floor: top up the MFN duty on this base to the rate */
                int64_t mfn_on_base =
                    e->value_cents > 0
                        ? clamp64(((i128)mfn_amount * base + e->value_cents / 2) / e->value_cents)
                        : 0;
                amount = amount > mfn_on_base ? amount - mfn_on_base : 0;
            }
            /* A floor the MFN duty already reaches still applies (its heading is
             * printed with 0.00): the goods are entered under it, and a Section
             * 232 floor makes them "subject to" 232 (data/measures/NOTES.md). */
            applied[i] = 1;
            if (m->auth == RTA_AUTH_S232 && (amount > 0 || m->method == METHOD_FLOOR)) {
                if (content && !(m->base & BASE_VALUE))
                    s232_content += base;
                else
                    s232_full = 1;
            }
            char bb[32];
            NOTE(r, opt, m, 1, "%s of %s%s = %s", label, rta_cents_format(base, bb, sizeof bb),
                 us_rule ? " (non-US content; US content >= 20%)" : "",
                 rta_cents_format(amount, d1, sizeof d1));
            if ((st = add_line(r, m->heading[0] ? m->heading : m->id, m->auth, label, base, amount,
                               m->id, err)) != RTA_OK)
                return st;
        }
        if (!progressed)
            return rta__error(err, RTA_ERR_STORE, "measures", 0, 0,
                              "the excluded_by references of the measures form a cycle");
    }

    /* fees */
    r->mpf_known = 0;
    for (int i = 0; i < d->nfees; i++) {
        const fee_row *f = &d->fees[i];
        if (e->date < f->from || (f->has_to && e->date > f->to))
            continue;
        if (!(f->modes & (1u << e->mode)))
            continue;
        int64_t a = apply_rate(e->value_cents, f->rate);
        if (f->has_min && a < f->min)
            a = f->min;
        if (f->has_max && a > f->max)
            a = f->max;
        if (f->is_mpf) {
            r->mpf_cents = a;
            r->mpf_known = 1;
        } else {
            r->hmf_cents += a;
        }
    }
    if (!r->mpf_known)
        snprintf(r->fee_note, sizeof r->fee_note,
                 "MPF not computed: no MPF rate and limits are bundled for %s (data/measures/"
                 "fees.csv)",
                 rta_date_format(e->date, d1, sizeof d1));
    return RTA_OK;
}

void rta__duty_content_warning(const measure *m, char *buf, size_t size)
{
    snprintf(buf, size,
             "%s (%s) is charged on its metal content, which the entry does not declare "
             "(steel, aluminum, copper): 0.00 charged",
             m->heading[0] ? m->heading : m->id, m->id);
}

int64_t rta_duty_rate_hundredths(int64_t duty_cents, int64_t value_cents)
{
    if (value_cents <= 0)
        return 0;
    return clamp64(((i128)duty_cents * 10000 + value_cents / 2) / value_cents);
}

char *rta_cents_format(int64_t cents, char *buf, size_t size)
{
    char tmp[32];
    size_t n = (size_t)(rta__cents_put(tmp, cents) - tmp);
    if (size == 0)
        return buf;
    if (n >= size)
        n = size - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return buf;
}

rta_status rta_cents_parse(const char *text, int64_t *cents, rta_error *err)
{
    if (text == NULL || rta__parse_usd_cents(text, cents) != 0)
        return rta__error(err, RTA_ERR_PARSE, "<amount>", 0, 0,
                          "\"%s\" is not an amount in dollars like 1234.56", text ? text : "");
    return RTA_OK;
}

char *rta_duty_result_json(const rta_duty *d, const rta_entry *e, const rta_duty_options *o,
                           const rta_duty_result *r)
{
    (void)d;
    rta__buf b = {0};
    char buf[64], code[16];
    int fail = 0;
    rta_code_format(&e->hts, code, sizeof code);
    fail |= rta__buf_printf(&b, "{\"date\":\"%s\"", rta_date_format(e->date, buf, sizeof buf));
    fail |= rta__buf_printf(&b, ",\"origin\":\"%s\",\"hts\":\"%s\"", e->origin, e->hts.digits);
    fail |=
        rta__buf_printf(&b, ",\"value\":\"%s\"", rta_cents_format(e->value_cents, buf, sizeof buf));
    fail |= rta__buf_printf(&b, ",\"revision\":\"%s\"", r->revision);
    fail |= rta__buf_printf(&b, ",\"ieepa_end\":\"%s\"",
                            o && o->ieepa_collection ? "collection (2026-02-23)"
                                                     : "legal (2026-02-19)");
    fail |= rta__buf_puts(&b, ",\"lines\":[");
    for (int i = 0; i < r->nlines; i++) {
        const rta_duty_line *l = &r->lines[i];
        fail |= rta__buf_puts(&b, i ? ",{\"heading\":" : "{\"heading\":");
        fail |= rta__json_quote(&b, l->heading);
        fail |= rta__buf_printf(
            &b, ",\"authority\":\"%s\",\"rate\":", rta_authority_name(l->authority));
        fail |= rta__json_quote(&b, l->rate);
        fail |= rta__buf_printf(&b, ",\"base\":\"%s\"",
                                rta_cents_format(l->base_cents, buf, sizeof buf));
        fail |= rta__buf_printf(&b, ",\"amount\":\"%s\",\"measure\":",
                                rta_cents_format(l->amount_cents, buf, sizeof buf));
        if (l->measure)
            fail |= rta__json_quote(&b, l->measure);
        else
            fail |= rta__buf_puts(&b, "null");
        fail |= rta__buf_puts(&b, "}");
    }
    fail |= rta__buf_printf(&b, "],\"total_duty\":\"%s\"",
                            rta_cents_format(r->total_duty_cents, buf, sizeof buf));
    fail |= rta__buf_puts(&b, ",\"by_authority\":{");
    for (int a = 0; a < RTA_AUTH_COUNT; a++)
        fail |= rta__buf_printf(&b, "%s\"%s\":\"%s\"", a ? "," : "",
                                rta_authority_name((rta_authority)a),
                                rta_cents_format(r->by_authority[a], buf, sizeof buf));
    fail |= rta__buf_puts(&b, "},\"fees\":{\"mpf\":");
    if (r->mpf_known)
        fail |= rta__buf_printf(&b, "\"%s\"", rta_cents_format(r->mpf_cents, buf, sizeof buf));
    else
        fail |= rta__buf_puts(&b, "null");
    fail |= rta__buf_printf(&b, ",\"hmf\":\"%s\"", rta_cents_format(r->hmf_cents, buf, sizeof buf));
    if (r->fee_note[0]) {
        fail |= rta__buf_puts(&b, ",\"note\":");
        fail |= rta__json_quote(&b, r->fee_note);
    }
    fail |= rta__buf_puts(&b, "}");
    fail |= rta__buf_puts(&b, ",\"warnings\":[");
    if (r->warning[0])
        fail |= rta__json_quote(&b, r->warning);
    fail |= rta__buf_puts(&b, "]");
    /* effective rate: total duty / value, in percent with 2 decimals (half-up) */
    if (e->value_cents > 0) {
        int64_t bp = rta_duty_rate_hundredths(r->total_duty_cents, e->value_cents);
        fail |= rta__buf_printf(&b, ",\"effective_rate\":\"%lld.%02lld\"", (long long)(bp / 100),
                                (long long)(bp % 100));
    } else {
        fail |= rta__buf_puts(&b, ",\"effective_rate\":null");
    }
    if (o && o->explain) {
        fail |= rta__buf_puts(&b, ",\"explain\":[");
        for (int i = 0; i < r->nnotes; i++) {
            const rta_duty_note *n = &r->notes[i];
            fail |= rta__buf_puts(&b, i ? ",{\"measure\":" : "{\"measure\":");
            fail |= rta__json_quote(&b, n->measure);
            fail |= rta__buf_printf(&b, ",\"applied\":%s,\"why\":", n->applied ? "true" : "false");
            fail |= rta__json_quote(&b, n->why);
            fail |= rta__buf_printf(
                &b,
                ",\"source_row\":\"data/measures/measures.csv:%ld\",\"source\":", n->source_line);
            fail |= rta__json_quote(&b, n->source);
            fail |= rta__buf_puts(&b, "}");
        }
        fail |= rta__buf_puts(&b, "]");
    }
    fail |= rta__buf_puts(&b, "}");
    if (fail) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ------------------------------------------------------------ entries from text */

void rta_entry_init(rta_entry *e)
{
    memset(e, 0, sizeof *e);
    e->mode = RTA_MODE_OCEAN;
}

/* "12", "12.5", "0.125" -> thousandths */
static int parse_qty(const char *s, int64_t *out)
{
    return rta__parse_fixed(s, 12, 3, out);
}

enum {
    EF_VALUE,
    EF_STEEL,
    EF_ALUMINUM,
    EF_COPPER,
    EF_US_CONTENT,
    EF_DATE,
    EF_EXPORT_DATE,
    EF_HTS,
    EF_ORIGIN,
    EF_QTY1,
    EF_QTY2,
    EF_QTY,
    EF_PROGRAM,
    EF_TRANSSHIPPED,
    EF_MODE,
    EF_UNKNOWN
};

/* The field a batch column or flag names: one or two comparisons, as batches
 * set several fields per entry. */
static int entry_field_id(const char *f)
{
    switch (f[0]) {
    case 'v':
        return strcmp(f, "value") == 0 ? EF_VALUE : EF_UNKNOWN;
    case 's':
        return strcmp(f, "steel") == 0 ? EF_STEEL : EF_UNKNOWN;
    case 'a':
        return strcmp(f, "aluminum") == 0 ? EF_ALUMINUM : EF_UNKNOWN;
    case 'c':
        return strcmp(f, "copper") == 0 ? EF_COPPER : EF_UNKNOWN;
    case 'u':
        return strcmp(f, "us_content") == 0 ? EF_US_CONTENT : EF_UNKNOWN;
    case 'd':
        return strcmp(f, "date") == 0 ? EF_DATE : EF_UNKNOWN;
    case 'e':
        return strcmp(f, "export_date") == 0 ? EF_EXPORT_DATE : EF_UNKNOWN;
    case 'h':
        return strcmp(f, "hts") == 0 ? EF_HTS : EF_UNKNOWN;
    case 'o':
        return strcmp(f, "origin") == 0 ? EF_ORIGIN : EF_UNKNOWN;
    case 'q':
        return strcmp(f, "qty1") == 0   ? EF_QTY1
               : strcmp(f, "qty2") == 0 ? EF_QTY2
               : strcmp(f, "qty") == 0  ? EF_QTY
                                        : EF_UNKNOWN;
    case 'p':
        return strcmp(f, "program") == 0 ? EF_PROGRAM : EF_UNKNOWN;
    case 't':
        return strcmp(f, "transshipped") == 0 ? EF_TRANSSHIPPED : EF_UNKNOWN;
    case 'm':
        return strcmp(f, "mode") == 0 ? EF_MODE : EF_UNKNOWN;
    default:
        return EF_UNKNOWN;
    }
}

rta_status rta_entry_set(rta_entry *e, const char *field, const char *v, rta_error *err)
{
    int id = entry_field_id(field);
#define BAD(what) rta__error(err, RTA_ERR_PARSE, "<entry>", 0, 0, "%s \"%s\" " what, field, v)
    int64_t *money = id == EF_VALUE        ? &e->value_cents
                     : id == EF_STEEL      ? &e->steel_cents
                     : id == EF_ALUMINUM   ? &e->aluminum_cents
                     : id == EF_COPPER     ? &e->copper_cents
                     : id == EF_US_CONTENT ? &e->us_content_cents
                                           : NULL;
    if (money) {
        if (v[0] == '\0' && money != &e->value_cents)
            return RTA_OK;
        if (rta__parse_usd_cents(v, money) != 0)
            return BAD("is not an amount in US dollars like 1234.56");
        if (money == &e->value_cents)
            e->given |= RTA_ENTRY_VALUE;
        return RTA_OK;
    }
    if (id == EF_DATE || id == EF_EXPORT_DATE) {
        rta_day dd;
        if (v[0] == '\0' && field[0] == 'e')
            return RTA_OK;
        if (rta_date_parse(v, &dd, NULL) != RTA_OK)
            return BAD("is not a date YYYY-MM-DD");
        if (field[0] == 'd') {
            e->date = dd;
            e->given |= RTA_ENTRY_DATE;
        } else {
            e->export_date = dd;
            e->has_export_date = 1;
        }
        return RTA_OK;
    }
    if (id == EF_HTS) {
        rta_error cerr;
        if (rta_code_parse(v, &e->hts, &cerr) != RTA_OK)
            return rta__error(err, RTA_ERR_PARSE, "<entry>", 0, 0, "hts: %s", cerr.message);
        e->given |= RTA_ENTRY_HTS;
        return RTA_OK;
    }
    if (id == EF_ORIGIN) {
        if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
            return BAD("is not an ISO 3166 alpha-2 code (two capital letters)");
        memcpy(e->origin, v, 3);
        e->given |= RTA_ENTRY_ORIGIN;
        return RTA_OK;
    }
    if (id == EF_QTY1 || id == EF_QTY2) {
        int k = field[3] - '1';
        if (v[0] == '\0')
            return RTA_OK;
        if (parse_qty(v, &e->qty_milli[k]) != 0)
            return BAD("is not a quantity (at most 3 decimals)");
        if (e->nqty < k + 1)
            e->nqty = k + 1;
        return RTA_OK;
    }
    if (id == EF_QTY) { /* "N" or "N,N" */
        char a[40];
        snprintf(a, sizeof a, "%s", v);
        char *comma = strchr(a, ',');
        if (comma)
            *comma = '\0';
        rta_status st = rta_entry_set(e, "qty1", a, err);
        if (st == RTA_OK && comma)
            st = rta_entry_set(e, "qty2", comma + 1, err);
        return st;
    }
    if (id == EF_PROGRAM) {
        if (strlen(v) > 3)
            return BAD("is not a special program code (AU, KR, S, S+ ...)");
        snprintf(e->program, sizeof e->program, "%s", v);
        return RTA_OK;
    }
    if (id == EF_TRANSSHIPPED) {
        if (v[0] == '\0' || strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
            e->transshipped = 0;
        else if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
            e->transshipped = 1;
        else
            return BAD("is not true/false");
        return RTA_OK;
    }
    if (id == EF_MODE) {
        if (v[0] == '\0' || strcmp(v, "ocean") == 0)
            e->mode = RTA_MODE_OCEAN;
        else if (strcmp(v, "air") == 0)
            e->mode = RTA_MODE_AIR;
        else if (strcmp(v, "other") == 0)
            e->mode = RTA_MODE_OTHER;
        else
            return BAD("is not ocean, air or other");
        return RTA_OK;
    }
    return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0, "unknown entry field \"%s\"", field);
#undef BAD
}

rta_status rta_entry_check(const rta_entry *e, rta_error *err)
{
    static const struct {
        unsigned bit;
        const char *name;
    } req[] = {{RTA_ENTRY_DATE, "date"},
               {RTA_ENTRY_HTS, "hts"},
               {RTA_ENTRY_ORIGIN, "origin"},
               {RTA_ENTRY_VALUE, "value"}};
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (!(e->given & req[i].bit))
            return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0, "%s is required", req[i].name);
    int64_t metals = e->steel_cents + e->aluminum_cents + e->copper_cents;
    if (metals > e->value_cents || e->us_content_cents > e->value_cents)
        return rta__error(err, RTA_ERR_INVALID, "<entry>", 0, 0,
                          "metal content (%lld cents) and US content (%lld cents) cannot exceed "
                          "the value (%lld cents)",
                          (long long)metals, (long long)e->us_content_cents,
                          (long long)e->value_cents);
    return RTA_OK;
}

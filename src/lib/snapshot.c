/*
 * snapshot.c - building, checking and loading the snapshot image.
 *
 * Why: see snapshot_internal.h. The builder reads only the store's tables,
 * so the image is a pure function of them; the import calls it inside its
 * transaction and stores the result. Loading reads the blob and validates
 * every offset and index before any query trusts it.
 */
/* MAP_ANONYMOUS and MAP_POPULATE are Linux/BSD extensions. */
#define _DEFAULT_SOURCE 1
#include "snapshot_internal.h"

#include "json.h"
#include "rta/code.h"
#include "rta/date.h"
#include "rta/store.h"

#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ string pool */

typedef struct pool {
    rta__buf data;
    uint32_t *slots; /* open addressing: offset+1, 0 empty */
    size_t cap, used;
} pool;

static int pool_init(pool *p)
{
    memset(p, 0, sizeof *p);
    p->cap = 1 << 16;
    p->slots = calloc(p->cap, sizeof *p->slots);
    if (p->slots == NULL)
        return -1;
    return rta__buf_append(&p->data, "", 1); /* offset 0 is "" */
}

static void pool_free(pool *p)
{
    rta__buf_free(&p->data);
    free(p->slots);
}

static int pool_grow(pool *p)
{
    size_t cap = p->cap * 2;
    uint32_t *s = calloc(cap, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < p->cap; i++) {
        if (!p->slots[i])
            continue;
        const char *str = p->data.data + p->slots[i] - 1;
        size_t j = rta__fnv1a(str, strlen(str), 0) & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = p->slots[i];
    }
    free(p->slots);
    p->slots = s;
    p->cap = cap;
    return 0;
}

/* Interns s; returns its offset or UINT32_MAX on failure. */
static uint32_t pool_add(pool *p, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return 0;
    if (p->used * 2 >= p->cap && pool_grow(p) != 0)
        return UINT32_MAX;
    size_t n = strlen(s);
    size_t j = rta__fnv1a(s, n, 0) & (p->cap - 1);
    while (p->slots[j]) {
        const char *str = p->data.data + p->slots[j] - 1;
        if (strcmp(str, s) == 0)
            return p->slots[j] - 1;
        j = (j + 1) & (p->cap - 1);
    }
    if (p->data.len + n + 1 >= UINT32_MAX)
        return UINT32_MAX;
    uint32_t off = (uint32_t)p->data.len;
    if (rta__buf_append(&p->data, s, n + 1) != 0)
        return UINT32_MAX;
    p->slots[j] = off + 1;
    p->used++;
    return off;
}

/* Interns s; on failure returns 0 and sets *oom. */
static uint32_t pool_add_checked(pool *p, const char *s, int *oom)
{
    uint32_t o = pool_add(p, s);
    if (o == UINT32_MAX) {
        *oom = 1;
        return 0;
    }
    return o;
}

/* ------------------------------------------------------------ builder */

typedef struct vec {
    void *data;
    size_t len, cap, elem;
} vec;

static void *vec_push(vec *v)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        void *d = realloc(v->data, cap * v->elem);
        if (d == NULL)
            return NULL;
        v->data = d;
        v->cap = cap;
    }
    void *slot = (char *)v->data + v->len * v->elem;
    memset(slot, 0, v->elem);
    v->len++;
    return slot;
}

typedef struct pair {
    uint32_t row;
    uint32_t rev;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->rev > y->rev) - (x->rev < y->rev);
}

typedef struct keyspan {
    uint64_t key;
    uint32_t rev_from;
    uint32_t span;
} keyspan;

static int cmp_keyspan(const void *a, const void *b)
{
    const keyspan *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->rev_from != y->rev_from)
        return x->rev_from < y->rev_from ? -1 : 1;
    return (x->span > y->span) - (x->span < y->span);
}

static int cmp_hs(const void *a, const void *b)
{
    const snap_hs *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int cmp_country(const void *a, const void *b)
{
    const snap_country *x = a, *y = b;
    return strcmp(x->iso2, y->iso2);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static rta_status prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, rta_error *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return rta__error(err, RTA_ERR_STORE, sqlite3_db_filename(db, "main"), 0, 0,
                          "reading the store: %s", sqlite3_errmsg(db));
    return RTA_OK;
}

static uint64_t image_checksum(const void *data, size_t size)
{
    /* word-wise multiply-xor hash: fast enough to check 10+ MB on every load */
    const unsigned char *p = data;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ size;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001B3ULL;
        h ^= h >> 29;
    }
    for (; i < size; i++)
        h = (h ^ p[i]) * 0x100000001B3ULL;
    return h;
}

rta_status rta__snapshot_build_image(sqlite3 *db, void **out, size_t *out_size, rta_error *err)
{
    *out = NULL;
    *out_size = 0;
    rta_status st = RTA_OK;
    pool sp;
    vec revs = {0, 0, 0, sizeof(snap_rev)}, rows = {0, 0, 0, sizeof(snap_row)},
        units = {0, 0, 0, sizeof(uint32_t)}, foots = {0, 0, 0, sizeof(snap_foot)},
        spans = {0, 0, 0, sizeof(snap_span)}, codeidx = {0, 0, 0, sizeof(snap_codeidx)},
        codespans = {0, 0, 0, sizeof(uint32_t)}, hs = {0, 0, 0, sizeof(snap_hs)},
        sections = {0, 0, 0, sizeof(snap_section)}, countries = {0, 0, 0, sizeof(snap_country)};
    sqlite3_stmt *q = NULL;
    int64_t *rev_pos = NULL; /* revision id -> position */
    uint32_t *row_index = NULL;
    int64_t max_rev_id = 0, max_row_id = 0;
    pair *pairs = NULL;
    keyspan *ks = NULL;
    rta__buf tmp = {0};
    int oom = 0;
    if (pool_init(&sp) != 0)
        return rta__error(err, RTA_ERR_NOMEM, "<snapshot>", 0, 0, "out of memory");
#define NOMEM()                                                                                    \
    do {                                                                                           \
        st = rta__error(err, RTA_ERR_NOMEM, "<snapshot>", 0, 0, "out of memory");                  \
        goto done;                                                                                 \
    } while (0)
#define ADD(s) pool_add_checked(&sp, (s), &oom)

    /* revisions, in date order */
    if ((st = prep(db, "SELECT max(id) FROM hts_revision", &q, err)) != RTA_OK)
        goto done;
    if (sqlite3_step(q) == SQLITE_ROW)
        max_rev_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    rev_pos = calloc((size_t)max_rev_id + 1, sizeof *rev_pos);
    if (rev_pos == NULL)
        NOMEM();
    if ((st = prep(db,
                   "SELECT id, name, edition, format, source, note, effective_date,"
                   " policy_effective_date, row_count FROM hts_revision ORDER BY effective_date",
                   &q, err)) != RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (revs.len >= 65535) {
            st = rta__error(err, RTA_ERR_RANGE, "<snapshot>", 0, 0, "too many revisions");
            goto done;
        }
        snap_rev *r = vec_push(&revs);
        if (r == NULL)
            NOMEM();
        int64_t id = sqlite3_column_int64(q, 0);
        if (id <= 0 || id > max_rev_id) {
            st = rta__error(err, RTA_ERR_STORE, "hts_revision", 0, 0, "bad revision id %lld",
                            (long long)id);
            goto done;
        }
        rev_pos[id] = (int64_t)revs.len - 1;
        r->name = ADD(col_text(q, 1));
        r->edition = (uint16_t)sqlite3_column_int(q, 2);
        r->format = ADD(col_text(q, 3));
        r->source = ADD(col_text(q, 4));
        r->note = ADD(col_text(q, 5));
        rta_day d = 0;
        if (rta_date_parse(col_text(q, 6), &d, err) != RTA_OK)
            goto done_err;
        r->effective = d;
        r->policy = INT32_MIN;
        if (sqlite3_column_type(q, 7) != SQLITE_NULL) {
            if (rta_date_parse(col_text(q, 7), &d, err) != RTA_OK)
                goto done_err;
            r->policy = d;
        }
        r->rows = (uint32_t)sqlite3_column_int64(q, 8);
    }
    sqlite3_finalize(q);
    q = NULL;

    /* rows, in id order (a parent is always stored before its children) */
    if ((st = prep(db, "SELECT max(id) FROM hts_row", &q, err)) != RTA_OK)
        goto done;
    if (sqlite3_step(q) == SQLITE_ROW)
        max_row_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    row_index = malloc(((size_t)max_row_id + 1) * sizeof *row_index);
    if (row_index == NULL)
        NOMEM();
    for (int64_t i = 0; i <= max_row_id; i++)
        row_index[i] = SNAP_NONE;
    if ((st = prep(db,
                   "SELECT id, code, indent, parent_id, description, units, general, special,"
                   " column2, quota, additional FROM hts_row ORDER BY id",
                   &q, err)) != RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        snap_row *r = vec_push(&rows);
        if (r == NULL)
            NOMEM();
        uint32_t idx = (uint32_t)rows.len - 1;
        int64_t id = sqlite3_column_int64(q, 0);
        if (id <= 0 || id > max_row_id) {
            st = rta__error(err, RTA_ERR_STORE, "hts_row", 0, 0, "bad row id %lld", (long long)id);
            goto done;
        }
        row_index[id] = idx;
        const char *code = col_text(q, 1);
        r->key = 0;
        if (code[0]) {
            rta_code c;
            if (rta_code_parse(code, &c, err) != RTA_OK)
                goto done_err;
            r->key = rta_code_key(&c);
        }
        int indent = sqlite3_column_int(q, 2);
        r->indent = (uint8_t)(indent < 0 ? 0 : indent > 255 ? 255 : indent);
        r->parent = SNAP_NONE;
        if (sqlite3_column_type(q, 3) != SQLITE_NULL) {
            int64_t pid = sqlite3_column_int64(q, 3);
            if (pid <= 0 || pid >= id || row_index[pid] == SNAP_NONE) {
                st = rta__error(err, RTA_ERR_STORE, "hts_row", id, 0,
                                "row %lld has parent %lld that is not an earlier row",
                                (long long)id, (long long)pid);
                goto done;
            }
            r->parent = row_index[pid];
        }
        r->desc = ADD(col_text(q, 4));
        /* units: JSON array of strings */
        const char *u = col_text(q, 5);
        r->units_first = (uint32_t)units.len;
        rta__json j;
        rta__json_init(&j, u, strlen(u), "hts_row.units");
        int more;
        if (rta__json_expect(&j, '[', err) != RTA_OK)
            goto done_err;
        for (int first = 1;; first = 0) {
            if (rta__json_array_next(&j, first, &more, err) != RTA_OK)
                goto done_err;
            if (!more)
                break;
            if (rta__json_string(&j, &tmp, NULL, err) != RTA_OK)
                goto done_err;
            uint32_t *slot = vec_push(&units);
            if (slot == NULL)
                NOMEM();
            *slot = ADD(tmp.data);
            if (r->units_count == UINT8_MAX) {
                st = rta__error(err, RTA_ERR_STORE, "hts_row", id, 0, "more than 255 units");
                goto done;
            }
            r->units_count++;
        }
        for (int c = 0; c < 3; c++)
            r->rate[c] = ADD(col_text(q, 6 + c));
        r->quota = ADD(col_text(q, 9));
        r->additional = ADD(col_text(q, 10));
        r->foot_first = 0;
        r->foot_count = 0;
        /* inheritance down the indent tree */
        for (int c = 0; c < 3; c++) {
            if (r->rate[c] != 0)
                r->rate_src[c] = idx;
            else if (r->parent != SNAP_NONE)
                r->rate_src[c] = ((snap_row *)rows.data)[r->parent].rate_src[c];
            else
                r->rate_src[c] = SNAP_NONE;
        }
    }
    sqlite3_finalize(q);
    q = NULL;

    /* footnotes */
    if ((st = prep(db,
                   "SELECT row_id, columns, type, value, ch99 FROM hts_footnote"
                   " ORDER BY row_id, seq",
                   &q, err)) != RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        if (id <= 0 || id > max_row_id || row_index[id] == SNAP_NONE) {
            st = rta__error(err, RTA_ERR_STORE, "hts_footnote", 0, 0,
                            "footnote of unknown row %lld", (long long)id);
            goto done;
        }
        snap_foot *f = vec_push(&foots);
        if (f == NULL)
            NOMEM();
        snap_row *r = &((snap_row *)rows.data)[row_index[id]];
        if (r->foot_count == 0)
            r->foot_first = (uint32_t)foots.len - 1;
        r->foot_count++;
        f->columns = ADD(col_text(q, 1));
        f->type = ADD(col_text(q, 2));
        f->value = ADD(col_text(q, 3));
        f->ch99 = ADD(col_text(q, 4));
    }
    sqlite3_finalize(q);
    q = NULL;

    /* spans: the runs of consecutive revisions in which each row appears */
    {
        size_t npairs = 0, cap = 1 << 20;
        pairs = malloc(cap * sizeof *pairs);
        if (pairs == NULL)
            NOMEM();
        if ((st = prep(db, "SELECT row_id, revision_id FROM hts_revision_row", &q, err)) != RTA_OK)
            goto done;
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (npairs == cap) {
                cap *= 2;
                pair *np = realloc(pairs, cap * sizeof *pairs);
                if (np == NULL)
                    NOMEM();
                pairs = np;
            }
            int64_t row = sqlite3_column_int64(q, 0), rev = sqlite3_column_int64(q, 1);
            if (row <= 0 || row > max_row_id || row_index[row] == SNAP_NONE || rev <= 0 ||
                rev > max_rev_id) {
                st = rta__error(err, RTA_ERR_STORE, "hts_revision_row", 0, 0,
                                "dangling reference (row %lld, revision %lld)", (long long)row,
                                (long long)rev);
                goto done;
            }
            pairs[npairs].row = row_index[row];
            pairs[npairs].rev = (uint32_t)rev_pos[rev];
            npairs++;
        }
        sqlite3_finalize(q);
        q = NULL;
        qsort(pairs, npairs, sizeof *pairs, cmp_pair);
        for (size_t i = 0; i < npairs; i++) {
            snap_span *last = spans.len ? &((snap_span *)spans.data)[spans.len - 1] : NULL;
            if (last && last->row == pairs[i].row &&
                (last->rev_to == pairs[i].rev || last->rev_to + 1u == pairs[i].rev)) {
                last->rev_to = (uint16_t)pairs[i].rev;
                continue;
            }
            snap_span *s = vec_push(&spans);
            if (s == NULL)
                NOMEM();
            s->row = pairs[i].row;
            s->rev_from = s->rev_to = (uint16_t)pairs[i].rev;
        }
    }

    /* code index: for each code, its spans by first revision */
    {
        const snap_row *R = rows.data;
        const snap_span *S = spans.data;
        size_t n = 0;
        ks = malloc((spans.len + 1) * sizeof *ks);
        if (ks == NULL)
            NOMEM();
        for (size_t i = 0; i < spans.len; i++) {
            if (R[S[i].row].key == 0)
                continue;
            ks[n].key = R[S[i].row].key;
            ks[n].rev_from = S[i].rev_from;
            ks[n].span = (uint32_t)i;
            n++;
        }
        qsort(ks, n, sizeof *ks, cmp_keyspan);
        for (size_t i = 0; i < n; i++) {
            uint32_t *cs = vec_push(&codespans);
            if (cs == NULL)
                NOMEM();
            *cs = ks[i].span;
            snap_codeidx *last =
                codeidx.len ? &((snap_codeidx *)codeidx.data)[codeidx.len - 1] : NULL;
            if (last && last->key == ks[i].key) {
                last->count++;
                continue;
            }
            snap_codeidx *ci = vec_push(&codeidx);
            if (ci == NULL)
                NOMEM();
            ci->key = ks[i].key;
            ci->first = (uint32_t)i;
            ci->count = 1;
        }
    }

    /* HS 2022 */
    if ((st = prep(db, "SELECT section, name FROM hs_section ORDER BY rowid", &q, err)) != RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        snap_section *s = vec_push(&sections);
        if (s == NULL)
            NOMEM();
        s->id = ADD(col_text(q, 0));
        s->name = ADD(col_text(q, 1));
    }
    sqlite3_finalize(q);
    q = NULL;
    if ((st = prep(db, "SELECT code, section, description FROM hs_code ORDER BY code", &q, err)) !=
        RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        snap_hs *h = vec_push(&hs);
        if (h == NULL)
            NOMEM();
        rta_code c;
        if (rta_code_parse(col_text(q, 0), &c, err) != RTA_OK)
            goto done_err;
        h->key = rta_code_key(&c);
        h->section = ADD(col_text(q, 1));
        h->desc = ADD(col_text(q, 2));
    }
    sqlite3_finalize(q);
    q = NULL;
    qsort(hs.data, hs.len, sizeof(snap_hs), cmp_hs);

    /* countries with their Census code (the smallest when several map to one ISO3) */
    if ((st = prep(db,
                   "SELECT c.iso2, c.iso3, coalesce(c.numeric, 0), c.name,"
                   " (SELECT min(code) FROM census_country k WHERE k.iso3 = c.iso3),"
                   " coalesce((SELECT max(eu27) FROM census_country k WHERE k.iso3 = c.iso3), 0)"
                   " FROM country c ORDER BY c.iso2",
                   &q, err)) != RTA_OK)
        goto done;
    while (sqlite3_step(q) == SQLITE_ROW) {
        snap_country *c = vec_push(&countries);
        if (c == NULL)
            NOMEM();
        snprintf(c->iso2, sizeof c->iso2, "%.2s", col_text(q, 0));
        snprintf(c->iso3, sizeof c->iso3, "%.3s", col_text(q, 1));
        c->numeric = (uint16_t)sqlite3_column_int(q, 2);
        c->name = ADD(col_text(q, 3));
        c->census = (uint32_t)sqlite3_column_int(q, 4);
        c->eu27 = (uint16_t)sqlite3_column_int(q, 5);
    }
    sqlite3_finalize(q);
    q = NULL;
    qsort(countries.data, countries.len, sizeof(snap_country), cmp_country);

    /* assemble */
    if (oom)
        NOMEM();
    {
        struct {
            const void *data;
            size_t size;
        } secs[SEC_COUNT] = {
            [SEC_STRINGS] = {sp.data.data, sp.data.len},
            [SEC_REVISIONS] = {revs.data, revs.len * revs.elem},
            [SEC_ROWS] = {rows.data, rows.len * rows.elem},
            [SEC_UNITS] = {units.data, units.len * units.elem},
            [SEC_FOOTNOTES] = {foots.data, foots.len * foots.elem},
            [SEC_SPANS] = {spans.data, spans.len * spans.elem},
            [SEC_CODEIDX] = {codeidx.data, codeidx.len * codeidx.elem},
            [SEC_CODESPANS] = {codespans.data, codespans.len * codespans.elem},
            [SEC_HS] = {hs.data, hs.len * hs.elem},
            [SEC_SECTIONS] = {sections.data, sections.len * sections.elem},
            [SEC_COUNTRIES] = {countries.data, countries.len * countries.elem},
        };
        size_t total = (sizeof(snap_header) + 7) & ~(size_t)7;
        snap_header h;
        memset(&h, 0, sizeof h);
        memcpy(h.magic, RTA__SNAP_MAGIC, 8);
        h.version = RTA__SNAP_VERSION;
        h.nsections = SEC_COUNT;
        for (int i = 0; i < SEC_COUNT; i++) {
            h.sec[i].offset = total;
            h.sec[i].size = secs[i].size;
            total += (secs[i].size + 7) & ~(size_t)7;
        }
        h.total = total;
        unsigned char *img = calloc(1, total);
        if (img == NULL)
            NOMEM();
        for (int i = 0; i < SEC_COUNT; i++)
            if (secs[i].size)
                memcpy(img + h.sec[i].offset, secs[i].data, secs[i].size);
        h.checksum = image_checksum(img + sizeof h, total - sizeof h);
        memcpy(img, &h, sizeof h);
        *out = img;
        *out_size = total;
    }
    goto done;
done_err:
    st = err ? err->code : RTA_ERR_STORE;
done:
#undef NOMEM
#undef ADD
    sqlite3_finalize(q);
    pool_free(&sp);
    vec *all[] = {&revs,    &rows,      &units, &foots,    &spans,
                  &codeidx, &codespans, &hs,    &sections, &countries};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]->data);
    free(rev_pos);
    free(row_index);
    free(pairs);
    free(ks);
    rta__buf_free(&tmp);
    return st;
}

/* ------------------------------------------------------------ loading */

static rta_status bad_image(rta_error *err, const char *what)
{
    return rta__error(err, RTA_ERR_STORE, "snapshot_image", 0, 0,
                      "snapshot image is damaged (%s); run `rta import` again", what);
}

static void image_release(void *image, size_t size, int mapped)
{
    if (mapped)
        munmap(image, size);
    else
        free(image);
}

static rta_status snapshot_wrap(void *image, size_t size, int mapped, rta_snapshot **out,
                                rta_error *err)
{
    *out = NULL;
    snap_header h;
    if (size < sizeof h) {
        image_release(image, size, mapped);
        return bad_image(err, "too small");
    }
    memcpy(&h, image, sizeof h);
    rta_status st = RTA_OK;
    if (memcmp(h.magic, RTA__SNAP_MAGIC, 8) != 0) {
        st = bad_image(err, "bad magic");
        goto fail;
    }
    if (h.version != RTA__SNAP_VERSION || h.nsections != SEC_COUNT) {
        st = rta__error(err, RTA_ERR_SCHEMA, "snapshot_image", 0, 0,
                        "snapshot image version %u is not %u; run `rta import` again", h.version,
                        RTA__SNAP_VERSION);
        goto fail;
    }
    if (h.total != size) {
        st = bad_image(err, "size mismatch");
        goto fail;
    }
    static const size_t elem[SEC_COUNT] = {
        [SEC_STRINGS] = 1,
        [SEC_REVISIONS] = sizeof(snap_rev),
        [SEC_ROWS] = sizeof(snap_row),
        [SEC_UNITS] = sizeof(uint32_t),
        [SEC_FOOTNOTES] = sizeof(snap_foot),
        [SEC_SPANS] = sizeof(snap_span),
        [SEC_CODEIDX] = sizeof(snap_codeidx),
        [SEC_CODESPANS] = sizeof(uint32_t),
        [SEC_HS] = sizeof(snap_hs),
        [SEC_SECTIONS] = sizeof(snap_section),
        [SEC_COUNTRIES] = sizeof(snap_country),
    };
    for (int i = 0; i < SEC_COUNT; i++) {
        if (h.sec[i].offset % 8 != 0 || h.sec[i].offset < sizeof h || h.sec[i].offset > size ||
            h.sec[i].size > size - h.sec[i].offset || h.sec[i].size % elem[i] != 0) {
            st = bad_image(err, "section bounds");
            goto fail;
        }
    }
    if (image_checksum((unsigned char *)image + sizeof h, size - sizeof h) != h.checksum) {
        st = bad_image(err, "checksum");
        goto fail;
    }
    rta_snapshot *s = calloc(1, sizeof *s);
    if (s == NULL) {
        st = rta__error(err, RTA_ERR_NOMEM, "snapshot_image", 0, 0, "out of memory");
        goto fail;
    }
    unsigned char *b = image;
#define SEC(field, n, id, type)                                                                    \
    s->field = (const type *)(b + h.sec[id].offset);                                               \
    s->n = h.sec[id].size / sizeof(type)
    SEC(strings, nstrings, SEC_STRINGS, char);
    SEC(revs, nrevs, SEC_REVISIONS, snap_rev);
    SEC(rows, nrows, SEC_ROWS, snap_row);
    SEC(units, nunits, SEC_UNITS, uint32_t);
    SEC(foots, nfoots, SEC_FOOTNOTES, snap_foot);
    SEC(spans, nspans, SEC_SPANS, snap_span);
    SEC(codeidx, ncodeidx, SEC_CODEIDX, snap_codeidx);
    SEC(codespans, ncodespans, SEC_CODESPANS, uint32_t);
    SEC(hs, nhs, SEC_HS, snap_hs);
    SEC(sections, nsections, SEC_SECTIONS, snap_section);
    SEC(countries, ncountries, SEC_COUNTRIES, snap_country);
#undef SEC
    s->image = image;
    s->size = size;
    s->mapped = mapped;
    /* structural validation: every offset and index inside its section */
    const char *why = NULL;
    size_t ns = s->nstrings;
#define STR_OK(o) ((o) < ns)
    if (ns == 0 || s->strings[ns - 1] != '\0')
        why = "string pool";
    for (size_t i = 0; !why && i < s->nrevs; i++) {
        const snap_rev *r = &s->revs[i];
        if (!STR_OK(r->name) || !STR_OK(r->format) || !STR_OK(r->source) || !STR_OK(r->note) ||
            (i > 0 && r->effective <= s->revs[i - 1].effective))
            why = "revision";
    }
    for (size_t i = 0; !why && i < s->nrows; i++) {
        const snap_row *r = &s->rows[i];
        if ((r->parent != SNAP_NONE && r->parent >= i) || !STR_OK(r->desc) || !STR_OK(r->rate[0]) ||
            !STR_OK(r->rate[1]) || !STR_OK(r->rate[2]) || !STR_OK(r->quota) ||
            !STR_OK(r->additional) || (size_t)r->units_first + r->units_count > s->nunits ||
            (r->foot_count && (size_t)r->foot_first + r->foot_count > s->nfoots))
            why = "row";
        for (int c = 0; c < 3 && !why; c++)
            if (r->rate_src[c] != SNAP_NONE && r->rate_src[c] > i)
                why = "row rate";
    }
    for (size_t i = 0; !why && i < s->nunits; i++)
        if (!STR_OK(s->units[i]))
            why = "units";
    for (size_t i = 0; !why && i < s->nfoots; i++) {
        const snap_foot *f = &s->foots[i];
        if (!STR_OK(f->columns) || !STR_OK(f->type) || !STR_OK(f->value) || !STR_OK(f->ch99))
            why = "footnote";
    }
    for (size_t i = 0; !why && i < s->nspans; i++) {
        const snap_span *sp = &s->spans[i];
        if (sp->row >= s->nrows || sp->rev_from > sp->rev_to || sp->rev_to >= s->nrevs)
            why = "span";
    }
    for (size_t i = 0; !why && i < s->ncodeidx; i++) {
        const snap_codeidx *c = &s->codeidx[i];
        if ((size_t)c->first + c->count > s->ncodespans ||
            (i > 0 && c->key <= s->codeidx[i - 1].key))
            why = "code index";
    }
    for (size_t i = 0; !why && i < s->ncodespans; i++)
        if (s->codespans[i] >= s->nspans)
            why = "code spans";
    for (size_t i = 0; !why && i < s->nhs; i++)
        if (!STR_OK(s->hs[i].desc) || !STR_OK(s->hs[i].section))
            why = "hs";
    for (size_t i = 0; !why && i < s->nsections; i++)
        if (!STR_OK(s->sections[i].id) || !STR_OK(s->sections[i].name))
            why = "sections";
    for (size_t i = 0; !why && i < s->ncountries; i++)
        if (!STR_OK(s->countries[i].name) || s->countries[i].iso2[2] != '\0' ||
            s->countries[i].iso3[3] != '\0')
            why = "countries";
#undef STR_OK
    if (why) {
        rta_snapshot_free(s);
        return bad_image(err, why);
    }
    *out = s;
    return RTA_OK;
fail:
    image_release(image, size, mapped);
    return st;
}

rta_status rta__snapshot_from_image(void *image, size_t size, rta_snapshot **out, rta_error *err)
{
    return snapshot_wrap(image, size, 0, out, err);
}

/* Image memory: an anonymous mapping populated in one call (page faults are
 * the dominant cost of loading ~10 MB on small VMs), released with munmap. */
static void *image_alloc(size_t n)
{
    void *p =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

uint64_t rta__snapshot_image_checksum(const void *image, size_t size)
{
    snap_header h;
    if (size < sizeof h)
        return 0;
    memcpy(&h, image, sizeof h);
    return h.checksum;
}

static void cache_path(const char *db_path, char *buf, size_t size)
{
    snprintf(buf, size, "%s.snapshot", db_path);
}

rta_status rta__snapshot_write_cache(const char *db_path, const void *image, size_t size)
{
    char path[4096], tmp[4200];
    cache_path(db_path, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return RTA_ERR_IO;
    const char *p = image;
    size_t left = size;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(tmp);
            return RTA_ERR_IO;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return RTA_ERR_IO;
    }
    return RTA_OK;
}

/* Maps the cache file beside the store if it is the image whose checksum
 * the store committed. Returns NULL (and the caller reads the store) if not. */
static rta_snapshot *open_cache(const char *db_path, uint64_t want)
{
    char path[4096];
    cache_path(db_path, path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(snap_header)) {
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NULL;
    if (rta__snapshot_image_checksum(map, size) != want) {
        munmap(map, size);
        return NULL;
    }
    rta_snapshot *s = NULL;
    if (snapshot_wrap(map, size, 1, &s, NULL) != RTA_OK)
        return NULL; /* snapshot_wrap released the mapping */
    return s;
}

rta_status rta_snapshot_open(rta_store *store, rta_snapshot **out, rta_error *err)
{
    *out = NULL;
    sqlite3 *db = rta__store_db(store);
    const char *dbname = sqlite3_db_filename(db, "main");
    /* fast path: the cache file, if it is the committed image */
    char hex[32];
    if (dbname && dbname[0] &&
        rta_store_meta(store, "snapshot_checksum", hex, sizeof hex, NULL) == RTA_OK) {
        rta_snapshot *s = open_cache(dbname, strtoull(hex, NULL, 16));
        if (s) {
            *out = s;
            return RTA_OK;
        }
    }
    /* read the database pages through a memory map: no second copy in SQLite's cache */
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    sqlite3_blob *blob = NULL;
    if (sqlite3_blob_open(db, "main", "snapshot_image", "data", 1, 0, &blob) != SQLITE_OK) {
        rta_status st =
            rta__error(err, RTA_ERR_NOT_FOUND, dbname, 0, 0,
                       "store holds no snapshot (%s); run `rta import`", sqlite3_errmsg(db));
        sqlite3_blob_close(blob);
        return st;
    }
    int n = sqlite3_blob_bytes(blob);
    if (n <= 0) {
        sqlite3_blob_close(blob);
        return bad_image(err, "empty");
    }
    void *img = image_alloc((size_t)n);
    if (img == NULL) {
        sqlite3_blob_close(blob);
        return rta__error(err, RTA_ERR_NOMEM, "snapshot_image", 0, 0, "out of memory");
    }
    if (sqlite3_blob_read(blob, img, n, 0) != SQLITE_OK) {
        rta_status st = rta__error(err, RTA_ERR_STORE, dbname, 0, 0, "reading snapshot: %s",
                                   sqlite3_errmsg(db));
        sqlite3_blob_close(blob);
        munmap(img, (size_t)n);
        return st;
    }
    sqlite3_blob_close(blob);
    return snapshot_wrap(img, (size_t)n, 1, out, err);
}

rta_status rta_snapshot_rebuild(rta_store *store, rta_snapshot **out, rta_error *err)
{
    *out = NULL;
    void *image = NULL;
    size_t size = 0;
    rta_status st = rta__snapshot_build_image(rta__store_db(store), &image, &size, err);
    if (st != RTA_OK)
        return st;
    return rta__snapshot_from_image(image, size, out, err);
}

rta_status rta_snapshot_load(const char *db_path, rta_snapshot **out, rta_error *err)
{
    rta_store *store = NULL;
    rta_status st = rta_store_open(db_path, RTA_STORE_READONLY, &store, err);
    if (st != RTA_OK)
        return st;
    st = rta_snapshot_open(store, out, err);
    rta_store_close(store);
    return st;
}

void rta_snapshot_free(rta_snapshot *snap)
{
    if (snap == NULL)
        return;
    image_release(snap->image, snap->size, snap->mapped);
    free(snap);
}

size_t rta_snapshot_bytes(const rta_snapshot *snap)
{
    return snap->size;
}

int rta_snapshot_revision_count(const rta_snapshot *snap)
{
    return (int)snap->nrevs;
}

int rta_snapshot_revision(const rta_snapshot *snap, int index, rta_revision *out)
{
    if (index < 0 || (size_t)index >= snap->nrevs)
        return 0;
    const snap_rev *r = &snap->revs[index];
    out->name = rta__snap_str(snap, r->name);
    out->edition = r->edition;
    out->format = rta__snap_str(snap, r->format);
    out->source = rta__snap_str(snap, r->source);
    out->note = rta__snap_str(snap, r->note);
    out->effective = r->effective;
    out->until = (size_t)index + 1 < snap->nrevs ? snap->revs[index + 1].effective - 1 : INT32_MAX;
    out->has_policy_date = r->policy != INT32_MIN;
    out->policy_date = out->has_policy_date ? r->policy : 0;
    out->rows = (long)r->rows;
    return 1;
}

int rta_snapshot_revision_on(const rta_snapshot *snap, rta_day day)
{
    int lo = 0, hi = (int)snap->nrevs - 1, ans = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (snap->revs[mid].effective <= day) {
            ans = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return ans;
}

int rta_snapshot_revision_find(const rta_snapshot *snap, const char *name)
{
    for (size_t i = 0; i < snap->nrevs; i++)
        if (strcmp(rta__snap_str(snap, snap->revs[i].name), name) == 0)
            return (int)i;
    return -1;
}

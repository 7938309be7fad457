/*
 * hts.c - queries on the dated US HTS held by a snapshot.
 *
 * Why: see rta/hts.h. A lookup is a binary search in the code index plus a
 * walk over the few spans (runs of revisions) of that code; everything else
 * (paths, inherited rates, children, suggestions, search, parse coverage) is
 * built from that and from the parent links precomputed at import.
 */
#include "rta/hts.h"

#include "snapshot_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill_line(const rta_snapshot *s, uint32_t idx, int revision, rta_hts_line *out)
{
    const snap_row *r = &s->rows[idx];
    memset(out, 0, sizeof *out);
    out->row = idx;
    out->revision = revision;
    out->has_code = r->key != 0 && rta_code_from_key(r->key, &out->code);
    out->indent = r->indent;
    out->description = rta__snap_str(s, r->desc);
    out->nunits = r->units_count > RTA_HTS_MAX_UNITS ? RTA_HTS_MAX_UNITS : r->units_count;
    for (int i = 0; i < out->nunits; i++)
        out->units[i] = rta__snap_str(s, s->units[r->units_first + (uint32_t)i]);
    for (int c = 0; c < 3; c++) {
        uint32_t src = r->rate_src[c];
        if (src == SNAP_NONE) {
            out->rate[c] = "";
            continue;
        }
        out->rate[c] = rta__snap_str(s, s->rows[src].rate[c]);
        out->rate_inherited[c] = src != idx;
        if (s->rows[src].key)
            rta_code_from_key(s->rows[src].key, &out->rate_from[c]);
    }
    out->quota = rta__snap_str(s, r->quota);
    out->additional = rta__snap_str(s, r->additional);
    out->nfootnotes = r->foot_count;
}

/* First index in codeidx whose key >= key. */
static size_t lower_bound(const rta_snapshot *s, uint64_t key)
{
    size_t lo = 0, hi = s->ncodeidx;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->codeidx[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The row of codeidx entry i in force in revision, or SNAP_NONE. */
static uint32_t row_in(const rta_snapshot *s, size_t i, int revision)
{
    const snap_codeidx *c = &s->codeidx[i];
    for (uint32_t k = 0; k < c->count; k++) {
        const snap_span *sp = &s->spans[s->codespans[c->first + k]];
        if (sp->rev_from <= revision && revision <= sp->rev_to)
            return sp->row;
    }
    return SNAP_NONE;
}

int rta__hts_find_row(const rta_snapshot *snap, int revision, const rta_code *code, uint32_t *row)
{
    if (revision < 0 || (size_t)revision >= snap->nrevs)
        return 0;
    uint64_t key = rta_code_key(code);
    size_t i = lower_bound(snap, key);
    if (i >= snap->ncodeidx || snap->codeidx[i].key != key)
        return 0;
    *row = row_in(snap, i, revision);
    return *row != SNAP_NONE;
}

int rta__hts_code_spans(const rta_snapshot *snap, const rta_code *code, rta__code_span *out,
                        int max)
{
    uint64_t key = rta_code_key(code);
    size_t i = lower_bound(snap, key);
    if (i >= snap->ncodeidx || snap->codeidx[i].key != key)
        return 0;
    const snap_codeidx *c = &snap->codeidx[i];
    if (c->count > (uint32_t)max)
        return -1;
    for (uint32_t k = 0; k < c->count; k++) {
        const snap_span *sp = &snap->spans[snap->codespans[c->first + k]];
        out[k].rev_from = sp->rev_from;
        out[k].rev_to = sp->rev_to;
        out[k].row = sp->row;
    }
    return (int)c->count;
}

const char *rta__hts_rate_text(const rta_snapshot *snap, uint32_t row, int column)
{
    uint32_t src = snap->rows[row].rate_src[column];
    return src == SNAP_NONE ? "" : rta__snap_str(snap, snap->rows[src].rate[column]);
}

void rta__hts_fill_line(const rta_snapshot *snap, uint32_t row, int revision, rta_hts_line *out)
{
    fill_line(snap, row, revision, out);
}

rta_status rta_hts_find(const rta_snapshot *snap, int revision, const rta_code *code,
                        rta_hts_line *out, rta_error *err)
{
    char buf[16];
    if (revision < 0 || (size_t)revision >= snap->nrevs)
        return rta__error(err, RTA_ERR_NOT_FOUND, "<hts>", 0, 0,
                          "no HTS revision in force on that date");
    uint64_t key = rta_code_key(code);
    size_t i = lower_bound(snap, key);
    if (i < snap->ncodeidx && snap->codeidx[i].key == key) {
        uint32_t row = row_in(snap, i, revision);
        if (row != SNAP_NONE) {
            fill_line(snap, row, revision, out);
            return RTA_OK;
        }
    }
    return rta__error(err, RTA_ERR_NOT_FOUND, "<hts>", 0, 0, "%s is not a line of HTS %s",
                      rta_code_format(code, buf, sizeof buf),
                      rta__snap_str(snap, snap->revs[revision].name));
}

int rta_hts_parent(const rta_snapshot *snap, const rta_hts_line *line, rta_hts_line *out)
{
    uint32_t p = snap->rows[line->row].parent;
    if (p == SNAP_NONE)
        return 0;
    fill_line(snap, p, line->revision, out);
    return 1;
}

int rta_hts_footnote_get(const rta_snapshot *snap, const rta_hts_line *line, int i,
                         rta_hts_footnote *out)
{
    const snap_row *r = &snap->rows[line->row];
    if (i < 0 || i >= r->foot_count)
        return 0;
    const snap_foot *f = &snap->foots[r->foot_first + (uint32_t)i];
    out->columns = rta__snap_str(snap, f->columns);
    out->type = rta__snap_str(snap, f->type);
    out->value = rta__snap_str(snap, f->value);
    out->ch99 = rta__snap_str(snap, f->ch99);
    return 1;
}

static uint64_t pow10u(int n)
{
    uint64_t v = 1;
    while (n-- > 0)
        v *= 10;
    return v;
}

static void prefix_range(const rta_code *prefix, uint64_t *lo, uint64_t *hi)
{
    uint64_t k = rta_code_key(prefix);
    uint64_t val = k / 8;
    *lo = k;
    *hi = (val + pow10u(10 - prefix->len)) * 8;
}

long rta_hts_lines_under(const rta_snapshot *snap, int revision, const rta_code *prefix,
                         rta_hts_line *out, long max)
{
    if (revision < 0 || (size_t)revision >= snap->nrevs)
        return 0;
    uint64_t lo, hi;
    prefix_range(prefix, &lo, &hi);
    long n = 0;
    for (size_t i = lower_bound(snap, lo); i < snap->ncodeidx && snap->codeidx[i].key < hi; i++) {
        uint32_t row = row_in(snap, i, revision);
        if (row == SNAP_NONE)
            continue;
        if (n < max && out)
            fill_line(snap, row, revision, &out[n]);
        n++;
    }
    return n;
}

typedef struct cand {
    uint64_t dist;
    int level_gap;
    uint64_t key;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->level_gap != y->level_gap)
        return x->level_gap - y->level_gap;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

int rta_hts_suggest(const rta_snapshot *snap, int revision, const rta_code *code, rta_code *out,
                    int max)
{
    if (max <= 0 || revision < 0 || (size_t)revision >= snap->nrevs)
        return 0;
    rta_code prefix = *code;
    uint64_t lo = 0, hi = UINT64_MAX;
    int found = 0;
    while (rta_code_parent(&prefix, &prefix)) {
        if (rta_hts_lines_under(snap, revision, &prefix, NULL, 0) > 0) {
            prefix_range(&prefix, &lo, &hi);
            found = 1;
            break;
        }
    }
    uint64_t target = rta_code_key(code) / 8;
    size_t start, end;
    if (found) {
        start = lower_bound(snap, lo);
        end = lower_bound(snap, hi);
    } else {
        /* no common chapter: the neighbours in code order */
        size_t at = lower_bound(snap, rta_code_key(code));
        start = at > 200 ? at - 200 : 0;
        end = at + 200 < snap->ncodeidx ? at + 200 : snap->ncodeidx;
    }
    size_t cap = end - start;
    cand *c = malloc((cap ? cap : 1) * sizeof *c);
    if (c == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = start; i < end; i++) {
        if (row_in(snap, i, revision) == SNAP_NONE)
            continue;
        uint64_t key = snap->codeidx[i].key;
        uint64_t v = key / 8;
        int len = (int)(key % 8) * 2;
        c[n].dist = v > target ? v - target : target - v;
        c[n].level_gap = abs(len - code->len);
        c[n].key = key;
        n++;
    }
    qsort(c, n, sizeof *c, cmp_cand);
    int k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (rta_code_from_key(c[i].key, &out[k]))
            k++;
    free(c);
    return k;
}

/* ------------------------------------------------------------ search */

#define MAX_WORDS 16

/* Case-insensitive search of word (already lowercase) at the start of a word
 * of text ("shirt" matches "T-shirts" and "Shirts", "men" does not match
 * "Women's"). Returns 1 when found, else 0. */
static int ci_match(const char *text, const char *word, size_t wl)
{
    for (const char *p = text; *p; p++) {
        if (p != text && isalnum((unsigned char)p[-1]))
            continue;
        size_t i = 0;
        while (i < wl && p[i] && tolower((unsigned char)p[i]) == (unsigned char)word[i])
            i++;
        if (i == wl)
            return 1;
    }
    return 0;
}

int rta_hts_search(const rta_snapshot *snap, int revision, const char *query, rta_hts_hit *out,
                   int max)
{
    if (max <= 0 || revision < 0 || (size_t)revision >= snap->nrevs)
        return 0;
    char words[MAX_WORDS][48];
    size_t wlen[MAX_WORDS];
    int nw = 0;
    for (const char *p = query; *p && nw < MAX_WORDS;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        size_t n = 0;
        /* a word keeps inner hyphens and apostrophes: "t-shirts", "men's" */
        while (*p && (isalnum((unsigned char)*p) ||
                      ((*p == '-' || *p == '\'') && n > 0 && isalnum((unsigned char)p[1])))) {
            if (n < sizeof words[0] - 1)
                words[nw][n++] = (char)tolower((unsigned char)*p);
            p++;
        }
        if (n) {
            words[nw][n] = '\0';
            wlen[nw] = n;
            nw++;
        }
    }
    if (nw == 0)
        return 0;
    int nout = 0;
    for (size_t si = 0; si < snap->nspans; si++) {
        const snap_span *sp = &snap->spans[si];
        if (sp->rev_from > revision || revision > sp->rev_to)
            continue;
        const snap_row *r = &snap->rows[sp->row];
        int len = (int)(r->key % 8) * 2;
        if (r->key == 0 || (len != 8 && len != 10))
            continue;
        int score = 0, ok = 1;
        for (int w = 0; w < nw && ok; w++) {
            int m = ci_match(rta__snap_str(snap, r->desc), words[w], wlen[w]);
            if (m) {
                score += 5;
                continue;
            }
            /* ancestors score less the further up they are */
            int found = 0;
            int depth = 0;
            for (uint32_t p = r->parent; p != SNAP_NONE && !found; p = snap->rows[p].parent) {
                depth++;
                int am = ci_match(rta__snap_str(snap, snap->rows[p].desc), words[w], wlen[w]);
                if (am) {
                    score += depth <= 1 ? 3 : depth == 2 ? 2 : 1;
                    found = 1;
                }
            }
            if (!found)
                ok = 0;
        }
        if (!ok)
            continue;
        /* statistical suffixes under the same 8-digit line tie: prefer shorter text */
        rta_hts_hit hit;
        fill_line(snap, sp->row, revision, &hit.line);
        hit.score = score * 1000 -
                    (int)(strlen(hit.line.description) > 999 ? 999 : strlen(hit.line.description));
        /* insert into the sorted top list */
        int pos = nout;
        while (pos > 0 && (out[pos - 1].score < hit.score ||
                           (out[pos - 1].score == hit.score &&
                            rta_code_key(&out[pos - 1].line.code) > rta_code_key(&hit.line.code))))
            pos--;
        if (pos >= max)
            continue;
        int last = nout < max ? nout : max - 1;
        memmove(&out[pos + 1], &out[pos], (size_t)(last - pos) * sizeof *out);
        out[pos] = hit;
        if (nout < max)
            nout++;
    }
    /* back to the word score: score * 1000 - len (1 <= len <= 999) rounds up to score */
    for (int i = 0; i < nout; i++)
        out[i].score = (out[i].score + 999) / 1000;
    return nout;
}

/* ------------------------------------------------------------ parse coverage */

typedef struct shape_table {
    rta_rate_shape_count *items;
    long n, cap;
} shape_table;

static int note_shape(shape_table *t, int column, const char *text, const rta_hts_line *line,
                      rta_rate_kind kind, int unknown)
{
    char shape[160];
    rta_rate_shape(text, strlen(text), shape, sizeof shape);
    for (long i = 0; i < t->n; i++) {
        if (t->items[i].column == column && strcmp(t->items[i].shape, shape) == 0) {
            t->items[i].count++;
            return 0;
        }
    }
    if (t->n == t->cap) {
        long cap = t->cap ? t->cap * 2 : 64;
        rta_rate_shape_count *p = realloc(t->items, (size_t)cap * sizeof *p);
        if (p == NULL)
            return -1;
        t->items = p;
        t->cap = cap;
    }
    rta_rate_shape_count *e = &t->items[t->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->shape, sizeof e->shape, "%s", shape);
    snprintf(e->example, sizeof e->example, "%s", text);
    if (line->has_code)
        e->example_code = line->code;
    e->column = column;
    e->kind = kind;
    e->unknown = unknown;
    e->count = 1;
    return 0;
}

static int cmp_shape(const void *a, const void *b)
{
    const rta_rate_shape_count *x = a, *y = b;
    if (x->unknown != y->unknown)
        return y->unknown - x->unknown;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    if (x->column != y->column)
        return x->column - y->column;
    return strcmp(x->shape, y->shape);
}

rta_status rta_hts_rate_stats(const rta_snapshot *snap, int revision, rta_rate_stats *out,
                              rta_error *err)
{
    memset(out, 0, sizeof *out);
    if (revision < 0 || (size_t)revision >= snap->nrevs)
        return rta__error(err, RTA_ERR_NOT_FOUND, "<hts>", 0, 0, "no such revision");
    shape_table t = {0};
    /* rows as published; identical header rows under one parent (the source
     * repeats a few, e.g. "Other:") are one row version in the snapshot */
    out->rows = (long)snap->revs[revision].rows;
    for (size_t si = 0; si < snap->nspans; si++) {
        const snap_span *sp = &snap->spans[si];
        if (sp->rev_from > revision || revision > sp->rev_to)
            continue;
        const snap_row *r = &snap->rows[sp->row];
        int len = (int)(r->key % 8) * 2;
        if (r->key && (len == 8 || len == 10))
            out->lines++;
        if (r->rate[RTA_COL_GENERAL])
            out->rated_lines++;
        rta_hts_line line;
        int have_line = 0;
        for (int c = 0; c < 3; c++) {
            if (r->rate[c] == 0)
                continue;
            const char *text = rta__snap_str(snap, r->rate[c]);
            out->cells[c]++;
            if (!have_line) {
                fill_line(snap, sp->row, revision, &line);
                have_line = 1;
            }
            rta_error perr;
            if (c == RTA_COL_SPECIAL) {
                rta_special spc;
                if (rta_special_parse(text, strlen(text), &spc, &perr) != RTA_OK) {
                    out->unknown++;
                    if (note_shape(&t, c, text, &line, RTA_RATE_NONE, 1) != 0)
                        goto nomem;
                    continue;
                }
                int odd = 0;
                for (int g = 0; g < spc.ngroups; g++) {
                    out->kinds[c][spc.rates[g].kind]++;
                    if (!rta_rate_kind_is_structured(spc.rates[g].kind))
                        odd = 1;
                }
                if (odd && note_shape(&t, c, text, &line, RTA_RATE_NONE, 0) != 0)
                    goto nomem;
            } else {
                rta_rate rate;
                if (rta_rate_parse(text, strlen(text), &rate, &perr) != RTA_OK) {
                    out->unknown++;
                    if (note_shape(&t, c, text, &line, RTA_RATE_NONE, 1) != 0)
                        goto nomem;
                    continue;
                }
                out->kinds[c][rate.kind]++;
                if (!rta_rate_kind_is_structured(rate.kind) &&
                    note_shape(&t, c, text, &line, rate.kind, 0) != 0)
                    goto nomem;
            }
        }
    }
    qsort(t.items, (size_t)t.n, sizeof *t.items, cmp_shape);
    out->shapes = t.items;
    out->nshapes = t.n;
    return RTA_OK;
nomem:
    free(t.items);
    return rta__error(err, RTA_ERR_NOMEM, "<hts>", 0, 0, "out of memory");
}

void rta_rate_stats_free(rta_rate_stats *stats)
{
    if (stats == NULL)
        return;
    free(stats->shapes);
    stats->shapes = NULL;
    stats->nshapes = 0;
}

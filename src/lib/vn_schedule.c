/*
 * vn_schedule.c - Viet Nam's EVFTA base-rate schedule (see vn_schedule.h).
 */
#include "vn_schedule.h"

#include "csv.h"
#include "internal.h"
#include "measure_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RATE (1000LL * 1000000) /* 1000%, percent x 1e6 */

typedef struct loaded {
    rta__vn_row row;
    long line; /* order in the file */
} loaded;

static int cmp_loaded(const void *a, const void *b)
{
    const loaded *x = a, *y = b;
    int c = strcmp(x->row.ahtn, y->row.ahtn);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const rta__vn_row *)a)->ahtn, ((const rta__vn_row *)b)->ahtn);
}

rta_status rta__vn_schedule_load(const char *path, rta__vn_schedule *s, rta_error *err)
{
    memset(s, 0, sizeof *s);
    char *text = NULL;
    size_t len = 0, cap = 0, n = 0;
    loaded *rows = NULL;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    rta__csv c;
    rta__csv_init(&c, text, len, path);
    int got = 0, ia = -1, ir = -1;
    if ((st = rta__csv_next(&c, &got, err)) == RTA_OK) {
        ia = got ? rta__csv_find(&c, "ahtn8") : -1;
        ir = got ? rta__csv_find(&c, "base_rate_pct") : -1;
        if (ia < 0 || ir < 0)
            st = rta__error(err, RTA_ERR_PARSE, path, 1, 0,
                            "expected the columns ahtn8, base_rate_pct");
    }
    while (st == RTA_OK && (st = rta__csv_next(&c, &got, err)) == RTA_OK && got) {
        long ln = c.record_line;
        if (c.nfields <= ia || c.nfields <= ir) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, 0, "short row");
            break;
        }
        const char *a = c.fields[ia], *v = c.fields[ir];
        if (strlen(a) != 8 || strspn(a, "0123456789") != 8) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ia + 1,
                            "ahtn8 \"%s\" is not 8 digits", a);
            break;
        }
        loaded x = {.row = {.has_rate = v[0] != '\0'}, .line = ln};
        memcpy(x.row.ahtn, a, 9);
        if (x.row.has_rate &&
            (rta__parse_fixed(v, 4, 6, &x.row.rate_pct) != 0 || x.row.rate_pct > MAX_RATE)) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ir + 1,
                            "base_rate_pct \"%s\" is not a percent in [0, 1000]", v);
            break;
        }
        s->no_rate += !x.row.has_rate;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8192;
            loaded *y = realloc(rows, nc * sizeof *y);
            if (y == NULL) {
                st = rta__error(err, RTA_ERR_NOMEM, path, ln, 0, "out of memory");
                break;
            }
            rows = y;
            cap = nc;
        }
        rows[n++] = x;
    }
    rta__csv_free(&c);
    free(text);
    if (st == RTA_OK && n > 0 && (s->r = malloc(n * sizeof *s->r)) == NULL)
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    if (st != RTA_OK) {
        free(rows);
        memset(s, 0, sizeof *s);
        return st;
    }
    /* a repeated code (ex-outs) keeps its first rated line; differing rates mark it */
    if (n)
        qsort(rows, n, sizeof *rows, cmp_loaded);
    for (size_t i = 0; i < n; i++) {
        rta__vn_row *p = s->n ? &s->r[s->n - 1] : NULL;
        if (p == NULL || strcmp(p->ahtn, rows[i].row.ahtn) != 0) {
            s->r[s->n++] = rows[i].row;
            continue;
        }
        s->duplicate++;
        if (p->has_rate != rows[i].row.has_rate || p->rate_pct != rows[i].row.rate_pct)
            p->conflict = 1;
        if (!p->has_rate && rows[i].row.has_rate) {
            int conflict = p->conflict;
            *p = rows[i].row;
            p->conflict = conflict;
        }
    }
    free(rows);
    for (size_t i = 0; i < s->n; i++)
        s->rated += s->r[i].has_rate;
    return RTA_OK;
}

const rta__vn_row *rta__vn_schedule_find(const rta__vn_schedule *s, const char *ahtn8)
{
    rta__vn_row key;
    memset(&key, 0, sizeof key);
    size_t l = strlen(ahtn8);
    memcpy(key.ahtn, ahtn8, l < 8 ? l : 8);
    return s->n ? bsearch(&key, s->r, s->n, sizeof *s->r, cmp_row) : NULL;
}

void rta__vn_schedule_free(rta__vn_schedule *s)
{
    if (s == NULL)
        return;
    free(s->r);
    memset(s, 0, sizeof *s);
}

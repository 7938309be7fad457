/*
 * balance.c - a partner's goods balance and the product composition of US
 * imports from it.
 *
 * Why: see rta/balance.h. The composition is summed in integers (dollars)
 * from the HS10 rows of the store in code order, so chapters, headings and
 * subheadings arrive contiguous and a level is one pass; sections (a few
 * dozen) are found by a short linear search. Shares and average duty are
 * integer millionths rounded half up, like every rate in rta.
 */
#include "rta/balance.h"

#include "internal.h"
#include "rta/nomenclature.h"
#include "snapshot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rta_balance_of(const rta_partner *p, rta_balance *out)
{
    out->exports_cmusd = p->exports_cmusd;
    out->imports_cmusd = p->imports_cmusd;
    out->balance_cmusd = p->exports_cmusd - p->imports_cmusd;
    out->total_cmusd = p->exports_cmusd + p->imports_cmusd;
    out->reliable = p->reliable;
}

static const char *const by_names[] = {"section", "chapter", "heading", "hs6", "hs10"};

const char *rta_by_name(rta_by by)
{
    return (unsigned)by < sizeof by_names / sizeof by_names[0] ? by_names[by] : "section";
}

int rta_by_parse(const char *text, rta_by *out)
{
    for (size_t i = 0; i < sizeof by_names / sizeof by_names[0]; i++)
        if (strcmp(text, by_names[i]) == 0) {
            *out = (rta_by)i;
            return 0;
        }
    return -1;
}

void rta_composition_free(rta_composition *c)
{
    if (c == NULL)
        return;
    for (long i = 0; i < c->nrows; i++)
        free((char *)c->rows[i].description);
    free(c->rows);
    free(c);
}

/* a / b in millionths, half up; 0 when b is 0. a, b >= 0 and a * 10^6 fits. */
static int64_t millionths(int64_t a, int64_t b)
{
    if (b <= 0)
        return 0;
    return (a * 1000000 + b / 2) / b;
}

/* The key and description of an HS10 code at a level. *desc is borrowed
 * (from the snapshot or hs10_text). */
static void key_of(const rta_snapshot *snap, const char *hs10, const char *hs10_text, rta_by by,
                   char *key, size_t ksize, const char **desc)
{
    static const int digits[] = {2, 2, 4, 6, 10};
    int n = digits[by];
    rta_code code;
    rta_hs_entry e;
    int exact = 0;
    *desc = "";
    char part[11];
    memcpy(part, hs10, (size_t)n);
    part[n] = '\0';
    if (by == RTA_BY_HS10) {
        snprintf(key, ksize, "%s", hs10);
        *desc = hs10_text;
        return;
    }
    int found = rta_code_parse(part, &code, NULL) == RTA_OK &&
                rta_hs_find(snap, &code, &e, &exact, NULL) == RTA_OK;
    if (by == RTA_BY_SECTION) {
        /* Chapters 98 and 99 are US-only: no HS section. */
        if (found && e.section && e.section[0]) {
            snprintf(key, ksize, "%s", e.section);
            *desc = e.section_name ? e.section_name : "";
        } else {
            snprintf(key, ksize, "-");
            *desc = "no HS section (US chapters 98-99)";
        }
        return;
    }
    snprintf(key, ksize, "%s", part);
    if (found && exact)
        *desc = e.description;
    else if (hs10[0] == '9' && hs10[1] == '8')
        *desc = "US chapter 98: special classification provisions (not in the HS)";
}

static int cmp_rows(const void *a, const void *b)
{
    const rta_composition_row *x = a, *y = b;
    if (x->imports_usd != y->imports_usd)
        return x->imports_usd > y->imports_usd ? -1 : 1;
    return strcmp(x->key, y->key);
}

rta_status rta_composition_build(rta_store *store, const rta_snapshot *snap, int census_code,
                                 rta_by by, rta_composition **out, rta_error *err)
{
    *out = NULL;
    if ((unsigned)by > RTA_BY_HS10)
        return rta__error(err, RTA_ERR_INVALID, "--by", 0, 0, "unknown level");
    sqlite3 *db = rta__store_db(store);
    sqlite3_stmt *st = NULL;
    rta_status res = RTA_OK;
    long cap = 0;
    rta_composition *c = calloc(1, sizeof *c);
    if (c == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "partner_import", 0, 0, "out of memory");
    c->census_code = census_code;
    c->year = 2024;
    c->by = by;
    if (sqlite3_prepare_v2(db,
                           "SELECT p.hs10, p.value_usd, p.duty_usd, COALESCE(d.description, '') "
                           "FROM partner_import p LEFT JOIN hs10_description d ON d.hs10 = p.hs10 "
                           "WHERE p.year = ?1 AND p.census_code = ?2 ORDER BY p.hs10",
                           -1, &st, NULL) != SQLITE_OK) {
        res = rta__error(err, RTA_ERR_STORE, "partner_import", 0, 0, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    sqlite3_bind_int(st, 1, c->year);
    sqlite3_bind_int(st, 2, census_code);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hs10 = (const char *)sqlite3_column_text(st, 0);
        int64_t value = sqlite3_column_int64(st, 1), duty = sqlite3_column_int64(st, 2);
        const char *text = (const char *)sqlite3_column_text(st, 3);
        if (hs10 == NULL || strlen(hs10) != 10)
            continue; /* the import admits only 10 digits */
        char key[16];
        const char *desc;
        key_of(snap, hs10, text ? text : "", by, key, sizeof key, &desc);
        long at = -1;
        if (c->nrows > 0 && strcmp(c->rows[c->nrows - 1].key, key) == 0)
            at = c->nrows - 1;
        else if (by == RTA_BY_SECTION)
            for (long i = 0; i < c->nrows && at < 0; i++)
                if (strcmp(c->rows[i].key, key) == 0)
                    at = i;
        if (at < 0) {
            if (c->nrows == cap) {
                long ncap = cap ? cap * 2 : 64;
                rta_composition_row *r = realloc(c->rows, (size_t)ncap * sizeof *r);
                if (r == NULL) {
                    res = rta__error(err, RTA_ERR_NOMEM, "partner_import", 0, 0, "out of memory");
                    goto fail;
                }
                c->rows = r;
                cap = ncap;
            }
            rta_composition_row *r = &c->rows[c->nrows];
            memset(r, 0, sizeof *r);
            snprintf(r->key, sizeof r->key, "%s", key);
            if ((r->description = rta__strdup(desc)) == NULL) {
                res = rta__error(err, RTA_ERR_NOMEM, "partner_import", 0, 0, "out of memory");
                goto fail;
            }
            at = c->nrows++;
        }
        c->rows[at].imports_usd += value;
        c->rows[at].duty_usd += duty;
        c->rows[at].lines++;
        c->total_imports_usd += value;
        c->total_duty_usd += duty;
        c->hs10_lines++;
    }
    if (rc != SQLITE_DONE) {
        res = rta__error(err, RTA_ERR_STORE, "partner_import", 0, 0, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    if (c->hs10_lines == 0) {
        res = rta__error(err, RTA_ERR_NOT_FOUND, "partner_import", 0, 0,
                         "no HS10 import detail is bundled for Census code %04d (data/trade/ "
                         "holds 49 partners and the EU)",
                         census_code);
        goto fail;
    }
    for (long i = 0; i < c->nrows; i++) {
        c->rows[i].share_millionths = millionths(c->rows[i].imports_usd, c->total_imports_usd);
        c->rows[i].avg_duty_millionths = millionths(c->rows[i].duty_usd, c->rows[i].imports_usd);
    }
    c->avg_duty_millionths = millionths(c->total_duty_usd, c->total_imports_usd);
    qsort(c->rows, (size_t)c->nrows, sizeof *c->rows, cmp_rows);
    sqlite3_finalize(st);
    *out = c;
    return RTA_OK;
fail:
    sqlite3_finalize(st);
    rta_composition_free(c);
    return res;
}

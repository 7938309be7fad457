/*
 * reciprocal.c - the trade data of the reciprocal formula: import, partners,
 * and the formula itself.
 *
 * Why: see rta/reciprocal.h and reciprocal_internal.h. The import is the only
 * reader of data/reciprocal/ and data/trade/; it refuses a row it cannot place
 * (an unmapped name, a figure with three decimals, a balance that does not
 * add up, an Annex rate whose two versions disagree about the White House
 * figure) rather than store a guess. The formula is a pure function of a
 * partner and the parameters; the reasons it gives for a mismatch only use
 * what the bundled data show.
 */
#include "rta/reciprocal.h"

#include "csv.h"
#include "reciprocal_internal.h"
#include "snapshot_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRADE_YEAR 2024

/* ------------------------------------------------------------------ import */

typedef struct ictx {
    sqlite3 *db;
    const char *data_dir;
    char path[2048]; /* the file being read, for errors */
    rta_error *err;
} ictx;

static rta_status ifail(ictx *c, long line, long col, const char *fmt, const char *a)
{
    return rta__error(c->err, RTA_ERR_PARSE, c->path, line, col, fmt, a);
}

static rta_status dbfail(ictx *c, long line)
{
    return rta__error(c->err, RTA_ERR_STORE, c->path, line, 0, "%s", sqlite3_errmsg(c->db));
}

/* Parses "-1447.10", "550", "13098.2" into hundredths; at most 2 decimals. */
static int parse_hundredths(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    int64_t v = 0;
    int digits = 0, frac = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 12)
            return -1;
        v = v * 10 + (*s - '0');
    }
    v *= 100;
    if (*s == '.') {
        s++;
        int64_t scale = 10;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (++frac > 2)
                return -1;
            v += (*s - '0') * scale;
            scale /= 10;
        }
        if (frac == 0)
            return -1;
    }
    if (*s != '\0' || digits == 0)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Parses a non-negative integer of at most 15 digits. */
static int parse_uint(const char *s, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        if (n >= 15)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (*s != '\0' || n == 0)
        return -1;
    *out = v;
    return 0;
}

/* A Census code is four digits ("0003", "5520"). */
static int parse_census_code(const char *s, int *out)
{
    if (strlen(s) != 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Opens rel (under data_dir) as CSV and finds the columns named in cols. */
static rta_status open_csv(ictx *c, const char *rel, char **text, rta__csv *csv,
                           const char *const *cols, int ncols, int *ci)
{
    snprintf(c->path, sizeof c->path, "%s/%s", c->data_dir, rel);
    size_t len = 0;
    rta_status st = rta__read_file(c->path, text, &len, c->err);
    if (st != RTA_OK)
        return st;
    rta__csv_init(csv, *text, len, c->path);
    int got = 0;
    if ((st = rta__csv_next(csv, &got, c->err)) != RTA_OK)
        return st;
    for (int i = 0; i < ncols; i++)
        if (!got || (ci[i] = rta__csv_find(csv, cols[i])) < 0)
            return ifail(c, 1, 0, "header has no column \"%s\"", cols[i]);
    return RTA_OK;
}

/* The fields of the current record in column order, or a located error. */
static rta_status fields(ictx *c, const rta__csv *csv, const int *ci, int ncols, char **f)
{
    for (int i = 0; i < ncols; i++) {
        if (ci[i] >= csv->nfields)
            return rta__error(c->err, RTA_ERR_PARSE, c->path, csv->record_line, ci[i] + 1,
                              "missing field");
        f[i] = csv->fields[ci[i]];
    }
    return RTA_OK;
}

static int one_int(sqlite3 *db, const char *sql, const char *text, int num, int *found)
{
    sqlite3_stmt *st;
    int v = 0;
    *found = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0) {
        if (text)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int(st, 1, num);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = 1;
        v = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? v : -1;
}

enum { PN_SOURCE, PN_ISO2, PN_CENSUS, PN_NAME, PN_SPELLING, PN_NOTE, PN_N };

static rta_status import_partner_names(ictx *c)
{
    static const char *const cols[PN_N] = {"source_name", "iso2",        "census_code",
                                           "name",        "spelling_in", "note"};
    char *text = NULL;
    rta__csv csv;
    int ci[PN_N], got;
    char *f[PN_N] = {0};
    sqlite3_stmt *ins = NULL, *iso = NULL, *cen = NULL;
    memset(&csv, 0, sizeof csv);
    rta_status st = open_csv(c, "reciprocal/partner_names.csv", &text, &csv, cols, PN_N, ci);
    if (st != RTA_OK)
        goto done;
    if (sqlite3_prepare_v2(c->db, "INSERT INTO partner_name VALUES(?,?,?,?,?,?)", -1, &ins, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "SELECT iso3 FROM country WHERE iso2 = ?", -1, &iso, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "SELECT iso3 FROM census_country WHERE code = ?", -1, &cen,
                           NULL) != SQLITE_OK) {
        st = dbfail(c, 0);
        goto done;
    }
    while ((st = rta__csv_next(&csv, &got, c->err)) == RTA_OK && got) {
        long line = csv.record_line;
        if ((st = fields(c, &csv, ci, PN_N, f)) != RTA_OK)
            break;
        const char *i2 = f[PN_ISO2];
        int code;
        if (f[PN_SOURCE][0] == '\0' || f[PN_NAME][0] == '\0') {
            st = ifail(c, line, ci[PN_SOURCE] + 1, "%s", "source_name and name are required");
            break;
        }
        if (strlen(i2) != 2 || !isupper((unsigned char)i2[0]) || !isupper((unsigned char)i2[1])) {
            st = ifail(c, line, ci[PN_ISO2] + 1, "iso2 \"%s\" is not two capital letters", i2);
            break;
        }
        if (parse_census_code(f[PN_CENSUS], &code) != 0) {
            st = ifail(c, line, ci[PN_CENSUS] + 1, "census_code \"%s\" is not four digits",
                       f[PN_CENSUS]);
            break;
        }
        if (strcmp(f[PN_SPELLING], "census") != 0 && strcmp(f[PN_SPELLING], "annex") != 0 &&
            strcmp(f[PN_SPELLING], "both") != 0) {
            st = ifail(c, line, ci[PN_SPELLING] + 1,
                       "spelling_in \"%s\" is not census, annex or both", f[PN_SPELLING]);
            break;
        }
        /* The pseudo codes: EU (0003) and Kosovo (XK) are in no ISO table;
         * every other code must be in both country tables and agree. */
        int pseudo = strcmp(i2, "EU") == 0 || strcmp(i2, "XK") == 0;
        if (strcmp(i2, "EU") == 0 && code != 3) {
            st = ifail(c, line, ci[PN_CENSUS] + 1, "%s", "the EU pseudo code EU goes with 0003");
            break;
        }
        char iso3[8] = "", ciso3[8] = "";
        int have_iso = 0, have_cen = 0;
        sqlite3_reset(iso);
        sqlite3_bind_text(iso, 1, i2, -1, SQLITE_STATIC);
        if (sqlite3_step(iso) == SQLITE_ROW) {
            have_iso = 1;
            snprintf(iso3, sizeof iso3, "%s", (const char *)sqlite3_column_text(iso, 0));
        }
        sqlite3_reset(cen);
        sqlite3_bind_int(cen, 1, code);
        if (sqlite3_step(cen) == SQLITE_ROW) {
            have_cen = 1;
            if (sqlite3_column_type(cen, 0) != SQLITE_NULL)
                snprintf(ciso3, sizeof ciso3, "%s", (const char *)sqlite3_column_text(cen, 0));
        }
        if (!pseudo && !have_iso) {
            st = ifail(c, line, ci[PN_ISO2] + 1, "iso2 \"%s\" is not an ISO 3166-1 code", i2);
            break;
        }
        if (code != 3 && !have_cen) {
            st = ifail(c, line, ci[PN_CENSUS] + 1, "census_code %s is not in the Census table",
                       f[PN_CENSUS]);
            break;
        }
        if (have_iso && ciso3[0] && strcmp(iso3, ciso3) != 0) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "census_code %.4s is %.3s in the Census-ISO table, iso2 %.2s "
                     "is %.3s",
                     f[PN_CENSUS], ciso3, i2, iso3);
            st = ifail(c, line, ci[PN_CENSUS] + 1, "%s", msg);
            break;
        }
        sqlite3_reset(ins);
        for (int i = 0; i < PN_N; i++)
            if (i == PN_CENSUS)
                sqlite3_bind_int(ins, i + 1, code);
            else
                sqlite3_bind_text(ins, i + 1, f[i], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
    }
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(iso);
    sqlite3_finalize(cen);
    rta__csv_free(&csv);
    free(text);
    return st;
}

/* Looks up a source spelling; fills iso2, code and the display name. */
static rta_status map_name(ictx *c, sqlite3_stmt *q, const char *name, long line, long col,
                           const char *want_in, char *iso2, int *code, char *disp, size_t dsize)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW)
        return ifail(c, line, col, "partner \"%s\" has no row in reciprocal/partner_names.csv",
                     name);
    const char *in = (const char *)sqlite3_column_text(q, 3);
    if (strcmp(in, "both") != 0 && strcmp(in, want_in) != 0)
        return ifail(c, line, col,
                     "partner \"%s\" is marked in partner_names.csv as not spelled so in this file",
                     name);
    snprintf(iso2, 3, "%s", (const char *)sqlite3_column_text(q, 0));
    *code = sqlite3_column_int(q, 1);
    snprintf(disp, dsize, "%s", (const char *)sqlite3_column_text(q, 2));
    return RTA_OK;
}

enum { CT_PARTNER, CT_EXPORTS, CT_IMPORTS, CT_BALANCE, CT_NOTE, CT_N };

static rta_status import_census(ictx *c)
{
    static const char *const cols[CT_N] = {"partner", "us_exports_musd", "us_imports_customs_musd",
                                           "balance_musd", "note"};
    char *text = NULL;
    rta__csv csv;
    int ci[CT_N], got;
    char *f[CT_N] = {0};
    sqlite3_stmt *q = NULL, *ins = NULL;
    memset(&csv, 0, sizeof csv);
    rta_status st = open_csv(c, "reciprocal/census_goods_trade_by_partner_2024.csv", &text, &csv,
                             cols, CT_N, ci);
    if (st != RTA_OK)
        goto done;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT iso2, census_code, name, spelling_in FROM partner_name "
                           "WHERE source_name = ?",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "INSERT INTO trade_partner(year,census_code,iso2,name,source_name,"
                           "exports_cmusd,imports_cmusd,balance_cmusd,reliable,note,line) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &ins, NULL) != SQLITE_OK) {
        st = dbfail(c, 0);
        goto done;
    }
    while ((st = rta__csv_next(&csv, &got, c->err)) == RTA_OK && got) {
        long line = csv.record_line;
        if ((st = fields(c, &csv, ci, CT_N, f)) != RTA_OK)
            break;
        char iso2[3], disp[128];
        int code;
        if ((st = map_name(c, q, f[CT_PARTNER], line, ci[CT_PARTNER] + 1, "census", iso2, &code,
                           disp, sizeof disp)) != RTA_OK)
            break;
        int64_t v[3];
        int bad = -1;
        for (int k = 0; k < 3; k++)
            if (parse_hundredths(f[CT_EXPORTS + k], &v[k]) != 0 && bad < 0)
                bad = k;
        if (bad >= 0) {
            st = ifail(c, line, ci[CT_EXPORTS + bad] + 1,
                       "\"%s\" is not a $ million figure with at most 2 decimals",
                       f[CT_EXPORTS + bad]);
            break;
        }
        if (v[0] < 0 || v[1] < 0) {
            st = ifail(c, line, ci[v[0] < 0 ? CT_EXPORTS : CT_IMPORTS] + 1, "%s",
                       "exports and imports cannot be negative");
            break;
        }
        int reliable = f[CT_NOTE][0] == '\0';
        /* The published balance is exports - imports rounded from finer
         * figures: allow 0.1 $ million. A flagged row's figures do not add
         * up (that is what the flag means) and are kept as they are. */
        int64_t diff = v[0] - v[1] - v[2];
        if (reliable && (diff > 10 || diff < -10)) {
            st = ifail(c, line, ci[CT_BALANCE] + 1,
                       "balance %s differs from exports - imports by more than 0.1", f[CT_BALANCE]);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_int(ins, 1, TRADE_YEAR);
        sqlite3_bind_int(ins, 2, code);
        sqlite3_bind_text(ins, 3, iso2, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 4, disp, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 5, f[CT_PARTNER], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 6, v[0]);
        sqlite3_bind_int64(ins, 7, v[1]);
        sqlite3_bind_int64(ins, 8, v[2]);
        sqlite3_bind_int(ins, 9, reliable);
        sqlite3_bind_text(ins, 10, f[CT_NOTE], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 11, line);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
    }
done:
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    rta__csv_free(&csv);
    free(text);
    return st;
}

static int parse_pct(const char *s, int *out)
{
    int64_t v;
    if (parse_uint(s, &v) != 0 || v > 1000)
        return -1;
    *out = (int)v;
    return 0;
}

static rta_status import_annex(ictx *c)
{
    static const char *const wcols[2] = {"country", "reciprocal_tariff_adjusted_pct"};
    static const char *const hcols[4] = {"country", "reciprocal_rate_pct_hts", "hts_ch99_heading",
                                         "annexI_whitehouse_apr2_pct"};
    char *text = NULL;
    rta__csv csv;
    int ci[4], got;
    char *f[4] = {0};
    sqlite3_stmt *q = NULL, *ins = NULL, *upd = NULL;
    memset(&csv, 0, sizeof csv);
    rta_status st = open_csv(c, "reciprocal/eo14257_annexI_whitehouse_2025-04-02.csv", &text, &csv,
                             wcols, 2, ci);
    if (st != RTA_OK)
        goto done;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT iso2, census_code, name, spelling_in FROM partner_name "
                           "WHERE source_name = ?",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "INSERT INTO annex_rate(census_code,country,iso2,published_pct,line) "
                           "SELECT ?1,?2,?3,?4,?5 WHERE EXISTS(SELECT 1 FROM trade_partner "
                           "WHERE census_code = ?1)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "UPDATE annex_rate SET hts_pct = ?3, hts_heading = ?4 "
                           "WHERE census_code = ?1 AND published_pct = ?2",
                           -1, &upd, NULL) != SQLITE_OK) {
        st = dbfail(c, 0);
        goto done;
    }
    while ((st = rta__csv_next(&csv, &got, c->err)) == RTA_OK && got) {
        long line = csv.record_line;
        if ((st = fields(c, &csv, ci, 2, f)) != RTA_OK)
            break;
        char iso2[3], disp[128];
        int code, pct;
        if ((st = map_name(c, q, f[0], line, ci[0] + 1, "annex", iso2, &code, disp, sizeof disp)) !=
            RTA_OK)
            break;
        if (parse_pct(f[1], &pct) != 0) {
            st = ifail(c, line, ci[1] + 1, "rate \"%s\" is not a whole percent", f[1]);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_int(ins, 1, code);
        sqlite3_bind_text(ins, 2, f[0], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, iso2, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 4, pct);
        sqlite3_bind_int64(ins, 5, line);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
        if (sqlite3_changes(c->db) != 1) {
            st = ifail(c, line, ci[0] + 1, "Annex partner \"%s\" has no row in the Census table",
                       f[0]);
            break;
        }
    }
    rta__csv_free(&csv);
    free(text);
    text = NULL;
    memset(&csv, 0, sizeof csv);
    if (st != RTA_OK)
        goto done;
    /* The HTS version must agree with the White House file on the published
     * rate it lists beside its own: the two files describe one Annex. */
    if ((st = open_csv(c, "reciprocal/eo14257_annexI_hts_ch99_vs_whitehouse.csv", &text, &csv,
                       hcols, 4, ci)) != RTA_OK)
        goto done;
    while ((st = rta__csv_next(&csv, &got, c->err)) == RTA_OK && got) {
        long line = csv.record_line;
        if ((st = fields(c, &csv, ci, 4, f)) != RTA_OK)
            break;
        char iso2[3], disp[128];
        int code, hts, wh;
        if ((st = map_name(c, q, f[0], line, ci[0] + 1, "annex", iso2, &code, disp, sizeof disp)) !=
            RTA_OK)
            break;
        if (parse_pct(f[1], &hts) != 0 || parse_pct(f[3], &wh) != 0) {
            st = ifail(c, line, ci[parse_pct(f[1], &hts) ? 1 : 3] + 1, "%s",
                       "rate is not a whole percent");
            break;
        }
        const char *h = f[2];
        if (strlen(h) != 10 || strncmp(h, "9903.", 5) != 0 || h[7] != '.') {
            st = ifail(c, line, ci[2] + 1, "heading \"%s\" is not 9903.xx.xx", h);
            break;
        }
        sqlite3_reset(upd);
        sqlite3_bind_int(upd, 1, code);
        sqlite3_bind_int(upd, 2, wh);
        sqlite3_bind_int(upd, 3, hts);
        sqlite3_bind_text(upd, 4, h, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(upd) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
        if (sqlite3_changes(c->db) != 1) {
            st = ifail(c, line, ci[3] + 1,
                       "%s: the White House rate differs from the Annex I file (or the partner "
                       "is not in it)",
                       f[0]);
            break;
        }
    }
    if (st == RTA_OK) {
        int found = 0;
        int n = one_int(c->db, "SELECT count(*) FROM annex_rate WHERE hts_pct IS NULL", NULL, 0,
                        &found);
        if (n != 0)
            st = ifail(c, 0, 0, "%s", "an Annex I partner has no row here");
    }
done:
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    rta__csv_free(&csv);
    free(text);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum { HT_CODE, HT_HS10, HT_DESC, HT_VALUE, HT_DUTY, HT_N };

static rta_status import_hs10_file(ictx *c, const char *rel, int code, sqlite3_stmt *ins,
                                   sqlite3_stmt *desc)
{
    static const char *const cols[HT_N] = {"cty_code", "hs10", "description",
                                           "imports_consumption_usd", "calculated_duty_usd"};
    char *text = NULL;
    rta__csv csv;
    int ci[HT_N], got;
    char *f[HT_N] = {0};
    memset(&csv, 0, sizeof csv);
    rta_status st = open_csv(c, rel, &text, &csv, cols, HT_N, ci);
    while (st == RTA_OK && (st = rta__csv_next(&csv, &got, c->err)) == RTA_OK && got) {
        long line = csv.record_line;
        if ((st = fields(c, &csv, ci, HT_N, f)) != RTA_OK)
            break;
        int fc;
        if (parse_census_code(f[HT_CODE], &fc) != 0 || fc != code) {
            st = ifail(c, line, ci[HT_CODE] + 1, "cty_code \"%s\" is not the file's code",
                       f[HT_CODE]);
            break;
        }
        const char *h = f[HT_HS10];
        size_t hl = strlen(h);
        int ok = hl == 10;
        for (size_t i = 0; ok && i < hl; i++)
            ok = h[i] >= '0' && h[i] <= '9';
        if (!ok) {
            st = ifail(c, line, ci[HT_HS10] + 1, "hs10 \"%s\" is not 10 digits", h);
            break;
        }
        int64_t value, duty;
        if (parse_uint(f[HT_VALUE], &value) != 0) {
            st = ifail(c, line, ci[HT_VALUE] + 1, "\"%s\" is not whole dollars", f[HT_VALUE]);
            break;
        }
        if (parse_uint(f[HT_DUTY], &duty) != 0) {
            st = ifail(c, line, ci[HT_DUTY] + 1, "\"%s\" is not whole dollars", f[HT_DUTY]);
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_int(ins, 1, TRADE_YEAR);
        sqlite3_bind_int(ins, 2, code);
        sqlite3_bind_text(ins, 3, h, 10, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 4, value);
        sqlite3_bind_int64(ins, 5, duty);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
        sqlite3_reset(desc);
        sqlite3_bind_text(desc, 1, h, 10, SQLITE_TRANSIENT);
        sqlite3_bind_text(desc, 2, f[HT_DESC], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(desc) != SQLITE_DONE) {
            st = dbfail(c, line);
            break;
        }
    }
    rta__csv_free(&csv);
    free(text);
    return st;
}

static rta_status import_hs10(ictx *c)
{
    static const char prefix[] = "us_imports_2024_hs10_";
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/trade", c->data_dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return rta__error(c->err, RTA_ERR_IO, dir, 0, 0, "cannot open the trade folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    rta_status st = RTA_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0 ||
            l != sizeof prefix - 1 + strlen("0000.csv.gz") ||
            strcmp(e->d_name + l - 7, ".csv.gz") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(names, cap * sizeof *names);
            if (p == NULL) {
                st = rta__error(c->err, RTA_ERR_NOMEM, dir, 0, 0, "out of memory");
                break;
            }
            names = p;
        }
        if ((names[n] = rta__strdup(e->d_name)) == NULL) {
            st = rta__error(c->err, RTA_ERR_NOMEM, dir, 0, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    sqlite3_stmt *ins = NULL, *desc = NULL;
    if (st == RTA_OK &&
        (sqlite3_prepare_v2(c->db, "INSERT INTO partner_import VALUES(?,?,?,?,?)", -1, &ins,
                            NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO hs10_description VALUES(?,?)", -1, &desc,
                            NULL) != SQLITE_OK))
        st = dbfail(c, 0);
    if (st == RTA_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && st == RTA_OK; i++) {
        char code_text[5], rel[256];
        memcpy(code_text, names[i] + sizeof prefix - 1, 4);
        code_text[4] = '\0';
        snprintf(rel, sizeof rel, "trade/%s", names[i]);
        snprintf(c->path, sizeof c->path, "%s/%s", c->data_dir, rel);
        int code, found = 0;
        if (parse_census_code(code_text, &code) != 0) {
            st = ifail(c, 0, 0, "file name has no Census code (%s)", names[i]);
            break;
        }
        one_int(c->db, "SELECT 1 FROM trade_partner WHERE census_code = ?", NULL, code, &found);
        if (!found) {
            st =
                ifail(c, 0, 0, "Census code %s is no partner of the Census trade table", code_text);
            break;
        }
        st = import_hs10_file(c, rel, code, ins, desc);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(desc);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

rta_status rta__import_reciprocal(sqlite3 *db, const char *data_dir, rta_error *err)
{
    ictx c;
    memset(&c, 0, sizeof c);
    c.db = db;
    c.data_dir = data_dir;
    c.err = err;
    rta_status st;
    if ((st = import_partner_names(&c)) != RTA_OK || (st = import_census(&c)) != RTA_OK ||
        (st = import_annex(&c)) != RTA_OK || (st = import_hs10(&c)) != RTA_OK)
        return st;
    return RTA_OK;
}

/* ---------------------------------------------------------------- partners */

struct rta_partners {
    long n;
    rta_partner *v;
    char **strings; /* every string the partners borrow */
    long nstrings;
};

static const char *keep(rta_partners *p, const unsigned char *s)
{
    char *d = rta__strdup(s ? (const char *)s : "");
    if (d == NULL)
        return NULL;
    p->strings[p->nstrings++] = d;
    return d;
}

void rta_partners_free(rta_partners *p)
{
    if (p == NULL)
        return;
    for (long i = 0; i < p->nstrings; i++)
        free(p->strings[i]);
    free(p->strings);
    free(p->v);
    free(p);
}

rta_status rta_partners_load(rta_store *store, rta_partners **out, rta_error *err)
{
    *out = NULL;
    sqlite3 *db = rta__store_db(store);
    sqlite3_stmt *st = NULL;
    rta_status res = RTA_OK;
    rta_partners *p = calloc(1, sizeof *p);
    if (p == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "trade_partner", 0, 0, "out of memory");
    int found = 0;
    int n = one_int(db, "SELECT count(*) FROM trade_partner", NULL, 0, &found);
    if (n < 0) {
        res = rta__error(err, RTA_ERR_STORE, "trade_partner", 0, 0, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    if (n == 0) {
        res = rta__error(err, RTA_ERR_NOT_FOUND, "trade_partner", 0, 0,
                         "the store holds no trade partners; run `rta import`");
        goto fail;
    }
    p->v = calloc((size_t)n, sizeof *p->v);
    p->strings = calloc((size_t)n * 6, sizeof *p->strings);
    if (p->v == NULL || p->strings == NULL) {
        res = rta__error(err, RTA_ERR_NOMEM, "trade_partner", 0, 0, "out of memory");
        goto fail;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT t.name, t.source_name, t.iso2, COALESCE(c.iso3, ''), "
                           "t.census_code, t.year, t.exports_cmusd, t.imports_cmusd, "
                           "t.balance_cmusd, t.reliable, t.note, a.country, a.published_pct, "
                           "a.hts_pct, a.hts_heading FROM trade_partner t "
                           "LEFT JOIN country c ON c.iso2 = t.iso2 "
                           "LEFT JOIN annex_rate a ON a.census_code = t.census_code "
                           "ORDER BY t.name, t.census_code",
                           -1, &st, NULL) != SQLITE_OK) {
        res = rta__error(err, RTA_ERR_STORE, "trade_partner", 0, 0, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    int rc;
    while (p->n < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rta_partner *r = &p->v[p->n];
        r->name = keep(p, sqlite3_column_text(st, 0));
        r->source_name = keep(p, sqlite3_column_text(st, 1));
        snprintf(r->iso2, sizeof r->iso2, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(r->iso3, sizeof r->iso3, "%s", (const char *)sqlite3_column_text(st, 3));
        r->census_code = sqlite3_column_int(st, 4);
        r->year = sqlite3_column_int(st, 5);
        r->exports_cmusd = sqlite3_column_int64(st, 6);
        r->imports_cmusd = sqlite3_column_int64(st, 7);
        r->balance_cmusd = sqlite3_column_int64(st, 8);
        r->reliable = sqlite3_column_int(st, 9);
        r->note = keep(p, sqlite3_column_text(st, 10));
        r->in_annex = sqlite3_column_type(st, 11) != SQLITE_NULL;
        r->annex_name = keep(p, sqlite3_column_text(st, 11));
        r->published_pct = r->in_annex ? sqlite3_column_int(st, 12) : -1;
        r->hts_pct = sqlite3_column_type(st, 13) != SQLITE_NULL ? sqlite3_column_int(st, 13) : -1;
        r->hts_heading = keep(p, sqlite3_column_text(st, 14));
        if (!r->name || !r->source_name || !r->note || !r->annex_name || !r->hts_heading) {
            res = rta__error(err, RTA_ERR_NOMEM, "trade_partner", 0, 0, "out of memory");
            goto fail;
        }
        p->n++;
    }
    if (p->n < n && rc != SQLITE_DONE) {
        res = rta__error(err, RTA_ERR_STORE, "trade_partner", 0, 0, "reading partners: %s",
                         sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_finalize(st);
    *out = p;
    return RTA_OK;
fail:
    sqlite3_finalize(st);
    rta_partners_free(p);
    return res;
}

long rta_partners_count(const rta_partners *p)
{
    return p->n;
}

const rta_partner *rta_partners_at(const rta_partners *p, long i)
{
    return i >= 0 && i < p->n ? &p->v[i] : NULL;
}

rta_status rta_partners_find(const rta_partners *p, const char *key, const rta_partner **out,
                             rta_error *err)
{
    *out = NULL;
    size_t len = strlen(key);
    int digits = len > 0 && len <= 4;
    for (size_t i = 0; digits && i < len; i++)
        digits = key[i] >= '0' && key[i] <= '9';
    int code = digits ? atoi(key) : -1;
    const rta_partner *hit = NULL, *second = NULL;
    for (long i = 0; i < p->n; i++) {
        const rta_partner *r = &p->v[i];
        int m = digits
                    ? r->census_code == code
                    : (len == 2 && strcasecmp(r->iso2, key) == 0) ||
                          (len == 3 && r->iso3[0] && strcasecmp(r->iso3, key) == 0) ||
                          strcasecmp(r->name, key) == 0 || strcasecmp(r->source_name, key) == 0 ||
                          (r->annex_name[0] && strcasecmp(r->annex_name, key) == 0);
        if (!m)
            continue;
        if (hit == NULL)
            hit = r;
        else if (second == NULL)
            second = r;
    }
    if (hit == NULL)
        return rta__error(err, RTA_ERR_NOT_FOUND, "<partner>", 0, 0,
                          "\"%s\" is no partner of the Census 2024 trade table (give an ISO "
                          "code like VN or VNM, a Census code like 5520, or EU)",
                          key);
    if (second != NULL)
        return rta__error(err, RTA_ERR_INVALID, "<partner>", 0, 0,
                          "\"%s\" names two partners: %s (Census %04d) and %s (Census %04d); "
                          "give the Census code",
                          key, hit->name, hit->census_code, second->name, second->census_code);
    *out = hit;
    return RTA_OK;
}

char *rta_musd_format(int64_t v, char *buf, size_t size)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, size, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
    return buf;
}

/* ----------------------------------------------------------------- formula */

const char *rta_rounding_name(rta_rounding r)
{
    switch (r) {
    case RTA_ROUND_NEAREST:
        return "nearest";
    case RTA_ROUND_FLOOR:
        return "floor";
    case RTA_ROUND_CEIL:
        break;
    }
    return "ceil";
}

int rta_rounding_parse(const char *text, rta_rounding *out)
{
    if (strcmp(text, "round") == 0) { /* the spelling of nearest */
        *out = RTA_ROUND_NEAREST;
        return 0;
    }
    static const rta_rounding all[] = {RTA_ROUND_CEIL, RTA_ROUND_NEAREST, RTA_ROUND_FLOOR};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(text, rta_rounding_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

void rta_reciprocal_defaults(rta_reciprocal_params *p)
{
    p->epsilon = 4.0;
    p->phi = 0.25;
    p->halve = 0.5;
    p->floor_pct = 10;
    p->rounding = RTA_ROUND_CEIL;
}

rta_status rta_reciprocal_check(const rta_reciprocal_params *p, rta_error *err)
{
    const struct {
        const char *name;
        double v;
    } d[] = {{"--epsilon", p->epsilon}, {"--phi", p->phi}, {"--halve", p->halve}};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (!isfinite(d[i].v) || d[i].v <= 0 || d[i].v > 100)
            return rta__error(err, RTA_ERR_RANGE, d[i].name, 0, 0,
                              "%g is out of range: give a number above 0 and at most 100", d[i].v);
    if (p->floor_pct < 0 || p->floor_pct > 1000)
        return rta__error(err, RTA_ERR_RANGE, "--floor", 0, 0,
                          "%d is out of range: give a whole percent from 0 to 1000", p->floor_pct);
    if (p->rounding != RTA_ROUND_CEIL && p->rounding != RTA_ROUND_NEAREST &&
        p->rounding != RTA_ROUND_FLOOR)
        return rta__error(err, RTA_ERR_RANGE, "--rounding", 0, 0, "unknown rounding");
    /* a product this small makes the rate meaningless (and overflows): refuse it */
    if (!(p->epsilon * p->phi >= 1e-6))
        return rta__error(err, RTA_ERR_RANGE, "--epsilon/--phi", 0, 0,
                          "epsilon x phi = %g is below 1e-6: the formula divides by it",
                          p->epsilon * p->phi);
    return RTA_OK;
}

/* Rounds to a whole percent. The inputs are decimal figures, so a value that
 * should be a whole number can arrive as 30.000000000004: snap within 1e-9
 * first, or ceil would add a point. */
static long round_pct(double v, rta_rounding r)
{
    if (!(v < 100000.0)) /* also NaN and infinity: the caller clamps to 100000 */
        return 100000;
    double n = nearbyint(v);
    if (fabs(v - n) < 1e-9)
        return (long)n;
    switch (r) {
    case RTA_ROUND_NEAREST:
        return (long)floor(v + 0.5);
    case RTA_ROUND_FLOOR:
        return (long)floor(v);
    case RTA_ROUND_CEIL:
        break;
    }
    return (long)ceil(v);
}

rta_status rta_reciprocal_compute(const rta_partner *partner, const rta_reciprocal_params *params,
                                  rta_reciprocal_result *out, rta_error *err)
{
    rta_status st = rta_reciprocal_check(params, err);
    if (st != RTA_OK)
        return st;
    memset(out, 0, sizeof *out);
    out->partner = partner;
    int64_t m = partner->imports_cmusd, x = partner->exports_cmusd;
    out->deficit = m > x;
    out->computed_pct =
        out->deficit ? 100.0 * (double)(m - x) / (params->epsilon * params->phi * (double)m) : 0.0;
    double half = out->computed_pct * params->halve;
    long applied = round_pct(half, params->rounding);
    if (applied < params->floor_pct)
        applied = params->floor_pct;
    if (applied > 100000)
        applied = 100000;
    out->applied_pct = (int)applied;
    out->published_pct = partner->published_pct;
    out->hts_pct = partner->hts_pct;
    out->counted = partner->in_annex && partner->reliable;
    if (!partner->in_annex) {
        out->match = -1;
        return RTA_OK;
    }
    out->match = out->applied_pct == out->published_pct;
    char m_s[32], x_s[32];
    rta_musd_format(m, m_s, sizeof m_s);
    rta_musd_format(x, x_s, sizeof x_s);
    if (out->match) {
        if (partner->hts_pct >= 0 && partner->hts_pct != out->published_pct)
            snprintf(out->reason, sizeof out->reason,
                     "matches Annex I as published; the HTS Chapter 99 version (%s) "
                     "carries %d%%",
                     partner->hts_heading, partner->hts_pct);
        return RTA_OK;
    }
    rta_reciprocal_params def;
    rta_reciprocal_defaults(&def);
    if (params->epsilon != def.epsilon || params->phi != def.phi || params->halve != def.halve ||
        params->floor_pct != def.floor_pct || params->rounding != def.rounding) {
        snprintf(out->reason, sizeof out->reason,
                 "the published %d%% used epsilon 4, phi 0.25, halve 0.5, floor 10%%, ceil; "
                 "with the parameters given rta computes %.2f%% -> %d%%",
                 out->published_pct, out->computed_pct, out->applied_pct);
        return RTA_OK;
    }
    if (!partner->reliable) {
        snprintf(out->reason, sizeof out->reason,
                 "the source flags this partner's Census figures unreliable (exports %s, "
                 "imports %s $ million%s); they cannot reproduce the published %d%%",
                 x_s, m_s, out->deficit ? "" : ": no deficit", out->published_pct);
        return RTA_OK;
    }
    if (partner->hts_pct == out->applied_pct) {
        snprintf(out->reason, sizeof out->reason,
                 "Annex I as published says %d%%; rta computes %.2f%% -> %d%%, which is the rate "
                 "HTS Chapter 99 implemented (%s: %d%%)",
                 out->published_pct, out->computed_pct, out->applied_pct, partner->hts_heading,
                 partner->hts_pct);
        return RTA_OK;
    }
    /* another rounding of the same figures? */
    for (int r = RTA_ROUND_CEIL; r <= RTA_ROUND_FLOOR; r++) {
        long a = round_pct(half, (rta_rounding)r);
        if (a < params->floor_pct)
            a = params->floor_pct;
        if (a == out->published_pct && r != (int)params->rounding) {
            snprintf(out->reason, sizeof out->reason,
                     "published %d%% is %.2f%% x %g rounded %s, not %s", out->published_pct,
                     out->computed_pct, params->halve, rta_rounding_name((rta_rounding)r),
                     rta_rounding_name(params->rounding));
            return RTA_OK;
        }
    }
    snprintf(out->reason, sizeof out->reason,
             "rta computes %.2f%% -> %d%% from exports %s, imports %s $ million; the published "
             "%d%% is not reproducible from the bundled figures",
             out->computed_pct, out->applied_pct, x_s, m_s, out->published_pct);
    return RTA_OK;
}

void rta_reciprocal_summarize(const rta_reciprocal_result *r, long n, rta_reciprocal_summary *out)
{
    memset(out, 0, sizeof *out);
    for (long i = 0; i < n; i++) {
        if (!r[i].partner->in_annex)
            continue;
        out->annex++;
        if (!r[i].counted) {
            out->unreliable++;
            continue;
        }
        out->reliable++;
        out->matches += r[i].match == 1;
    }
}

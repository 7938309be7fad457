/*
 * store.c - the SQLite store: schema, migrations, and the data import.
 *
 * Why: one database file holds everything rta imported, in STRICT tables
 * whose shape is versioned (PRAGMA user_version) and migrated forward step by
 * step. The import replaces the data in one transaction; SQLite's rollback
 * journal guarantees that an error, a crash or a kill leaves the previous
 * database untouched. HTS rows that do not change between revisions are
 * stored once (a row version), and each revision lists its rows in order.
 */
#include "rta/store.h"

#include "csv.h"
#include "hts_read.h"
#include "json.h"
#include "rta/code.h"
#include "rta/date.h"
#include "measure_internal.h"
#include "reciprocal_internal.h"
#include "snapshot_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rta_store {
    sqlite3 *db;
    int version;
    char path[1024];
};

sqlite3 *rta__store_db(rta_store *store)
{
    return store->db;
}

/* Migration i brings a store from user_version i to i+1. Never edit a
 * released step: add a new one and bump RTA_SCHEMA_VERSION. */
static const char *const migrations[] = {
    /* 0 -> 1: the foundation */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE source_file(path TEXT PRIMARY KEY, bytes INTEGER NOT NULL,"
    "  fnv1a64 TEXT NOT NULL) STRICT;"
    "CREATE TABLE hts_revision(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  edition INTEGER NOT NULL, format TEXT NOT NULL CHECK(format IN ('usitc_json','usitc_csv')),"
    "  source TEXT NOT NULL, effective_date TEXT NOT NULL UNIQUE, policy_effective_date TEXT,"
    "  note TEXT NOT NULL DEFAULT '', row_count INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE TABLE hts_row(id INTEGER PRIMARY KEY, code TEXT NOT NULL, indent INTEGER NOT NULL,"
    "  parent_id INTEGER REFERENCES hts_row(id), description TEXT NOT NULL,"
    "  units TEXT NOT NULL, general TEXT NOT NULL, special TEXT NOT NULL, column2 TEXT NOT NULL,"
    "  quota TEXT NOT NULL, additional TEXT NOT NULL) STRICT;"
    "CREATE INDEX hts_row_code ON hts_row(code);"
    "CREATE TABLE hts_footnote(row_id INTEGER NOT NULL REFERENCES hts_row(id),"
    "  seq INTEGER NOT NULL, columns TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,"
    "  ch99 TEXT NOT NULL, PRIMARY KEY(row_id, seq)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE hts_revision_row(revision_id INTEGER NOT NULL REFERENCES hts_revision(id),"
    "  seq INTEGER NOT NULL, row_id INTEGER NOT NULL REFERENCES hts_row(id),"
    "  PRIMARY KEY(revision_id, seq)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE hs_section(section TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT;"
    "CREATE TABLE hs_code(code TEXT PRIMARY KEY, level INTEGER NOT NULL CHECK(level IN (2,4,6)),"
    "  parent TEXT, section TEXT NOT NULL, description TEXT NOT NULL) STRICT;"
    "CREATE TABLE country(iso2 TEXT PRIMARY KEY, iso3 TEXT NOT NULL UNIQUE, numeric INTEGER,"
    "  name TEXT NOT NULL, official_name TEXT) STRICT;"
    "CREATE TABLE census_country(code INTEGER PRIMARY KEY, name TEXT NOT NULL, iso3 TEXT,"
    "  eu27 INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE TABLE snapshot_image(id INTEGER PRIMARY KEY CHECK(id = 1),"
    "  format_version INTEGER NOT NULL, bytes INTEGER NOT NULL, data BLOB NOT NULL) STRICT;",
    /* 1 -> 2: the dated measures of the duty engine (data/measures/) */
    "CREATE TABLE measure(id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, line INTEGER NOT NULL,"
    "  authority TEXT NOT NULL CHECK(authority IN ('mfn','s232','s301','ieepa_recip',"
    "  'ieepa_fentanyl','s122','other')), heading TEXT NOT NULL, origins TEXT NOT NULL,"
    "  products TEXT NOT NULL, except_products TEXT NOT NULL, rate_millionths INTEGER NOT NULL,"
    "  method TEXT NOT NULL CHECK(method IN ('add','floor','column2')), grp TEXT NOT NULL,"
    "  priority INTEGER NOT NULL, condition TEXT NOT NULL, base TEXT NOT NULL,"
    "  excluded_by TEXT NOT NULL, date_from TEXT NOT NULL, date_to TEXT, collect_to TEXT,"
    "  transit_loaded_before TEXT, transit_entered_before TEXT,"
    "  certainty TEXT NOT NULL CHECK(certainty IN ('high','medium')), source TEXT NOT NULL,"
    "  note TEXT NOT NULL) STRICT;"
    "CREATE TABLE product_list(name TEXT NOT NULL, seq INTEGER NOT NULL, hts TEXT NOT NULL,"
    "  date_from TEXT, date_to TEXT, note TEXT NOT NULL, PRIMARY KEY(name, seq)) STRICT,"
    "  WITHOUT ROWID;"
    "CREATE TABLE fee(seq INTEGER PRIMARY KEY, fee TEXT NOT NULL CHECK(fee IN ('mpf','hmf')),"
    "  rate_millionths INTEGER NOT NULL, min_cents INTEGER, max_cents INTEGER,"
    "  modes TEXT NOT NULL, date_from TEXT NOT NULL, date_to TEXT, source TEXT NOT NULL) STRICT;",
    /* 2 -> 3: partner trade, Annex I rates and HS10 imports (data/reciprocal/, data/trade/);
     * money in hundredths of $ million (cmusd) or whole dollars (usd) */
    "CREATE TABLE partner_name(source_name TEXT PRIMARY KEY, iso2 TEXT NOT NULL,"
    "  census_code INTEGER NOT NULL, name TEXT NOT NULL,"
    "  spelling_in TEXT NOT NULL CHECK(spelling_in IN ('census','annex','both')),"
    "  note TEXT NOT NULL) STRICT;"
    "CREATE TABLE trade_partner(year INTEGER NOT NULL, census_code INTEGER NOT NULL,"
    "  iso2 TEXT NOT NULL, name TEXT NOT NULL, source_name TEXT NOT NULL,"
    "  exports_cmusd INTEGER NOT NULL, imports_cmusd INTEGER NOT NULL,"
    "  balance_cmusd INTEGER NOT NULL, reliable INTEGER NOT NULL CHECK(reliable IN (0,1)),"
    "  note TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY(year, census_code)) STRICT;"
    "CREATE TABLE annex_rate(census_code INTEGER PRIMARY KEY, country TEXT NOT NULL,"
    "  iso2 TEXT NOT NULL, published_pct INTEGER NOT NULL, hts_pct INTEGER, hts_heading TEXT,"
    "  line INTEGER NOT NULL) STRICT;"
    "CREATE TABLE partner_import(year INTEGER NOT NULL, census_code INTEGER NOT NULL,"
    "  hs10 TEXT NOT NULL, value_usd INTEGER NOT NULL, duty_usd INTEGER NOT NULL,"
    "  PRIMARY KEY(year, census_code, hs10)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE hs10_description(hs10 TEXT PRIMARY KEY, description TEXT NOT NULL) STRICT,"
    "  WITHOUT ROWID;",
    /* 3 -> 4: rules of origin (issue 5): user rule sets, versioned, kept as their plain
     * syntax (src/lib/origin_store.c). User data: never in the import's DELETE list. */
    "CREATE TABLE origin_ruleset(name TEXT NOT NULL CHECK(length(name) BETWEEN 1 AND 64),"
    "  version INTEGER NOT NULL CHECK(version >= 1), text TEXT NOT NULL,"
    "  author TEXT NOT NULL, created_at TEXT NOT NULL, source TEXT NOT NULL,"
    "  rules INTEGER NOT NULL, PRIMARY KEY(name, version)) STRICT;",
    /* 4 -> 5: negotiations (issue 6): user data, never in the import's DELETE list.
     * List versions and their lines are immutable (triggers); line status is an
     * append-only history. See docs/negotiation.md. */
    "CREATE TABLE negotiation(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL) STRICT;"
    "CREATE TABLE negotiation_party(negotiation_id INTEGER NOT NULL REFERENCES negotiation(id),"
    "  party TEXT NOT NULL, market TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  PRIMARY KEY(negotiation_id, party)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE negotiation_member(negotiation_id INTEGER NOT NULL, party TEXT NOT NULL,"
    "  name TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY(negotiation_id, party, name),"
    "  FOREIGN KEY(negotiation_id, party) REFERENCES negotiation_party(negotiation_id, party))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TABLE negotiation_round(negotiation_id INTEGER NOT NULL REFERENCES negotiation(id),"
    "  number INTEGER NOT NULL CHECK(number >= 1), date TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK(level IN ('ministerial','technical','working-group')),"
    "  place TEXT NOT NULL, topic TEXT NOT NULL, PRIMARY KEY(negotiation_id, number))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TABLE negotiation_list(id INTEGER PRIMARY KEY,"
    "  negotiation_id INTEGER NOT NULL REFERENCES negotiation(id), party TEXT NOT NULL,"
    "  round INTEGER NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('offer','request')),"
    "  status TEXT NOT NULL CHECK(status IN ('draft','exchanged','withdrawn')),"
    "  UNIQUE(negotiation_id, party, round, kind),"
    "  FOREIGN KEY(negotiation_id, round) REFERENCES negotiation_round(negotiation_id, number),"
    "  FOREIGN KEY(negotiation_id, party) REFERENCES negotiation_party(negotiation_id, party))"
    "  STRICT;"
    "CREATE TABLE negotiation_list_version(list_id INTEGER NOT NULL"
    "  REFERENCES negotiation_list(id), version INTEGER NOT NULL CHECK(version >= 1),"
    "  author TEXT NOT NULL, created_at TEXT NOT NULL, source TEXT NOT NULL,"
    "  line_count INTEGER NOT NULL, PRIMARY KEY(list_id, version)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE negotiation_line(list_id INTEGER NOT NULL, version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL, code TEXT NOT NULL, code_to TEXT NOT NULL,"
    "  treatment TEXT NOT NULL CHECK(treatment IN ('rate','cap','cut','swiss','exempt')),"
    "  value_millionths INTEGER NOT NULL, staging_years INTEGER NOT NULL,"
    "  description TEXT NOT NULL, source_line INTEGER NOT NULL,"
    "  PRIMARY KEY(list_id, version, seq),"
    "  FOREIGN KEY(list_id, version) REFERENCES negotiation_list_version(list_id, version))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TABLE negotiation_line_status(id INTEGER PRIMARY KEY,"
    "  list_id INTEGER NOT NULL REFERENCES negotiation_list(id), scope TEXT NOT NULL,"
    "  round INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK(status IN ('agreed','outstanding','withdrawn')),"
    "  author TEXT NOT NULL, at TEXT NOT NULL) STRICT;"
    "CREATE INDEX negotiation_line_status_list ON negotiation_line_status(list_id, scope);"
    "CREATE TABLE negotiation_list_exchange(list_id INTEGER NOT NULL"
    "  REFERENCES negotiation_list(id), version INTEGER NOT NULL, at TEXT NOT NULL,"
    "  by_party TEXT NOT NULL, PRIMARY KEY(list_id, version),"
    "  FOREIGN KEY(list_id, version) REFERENCES negotiation_list_version(list_id, version))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TRIGGER negotiation_exchange_frozen BEFORE UPDATE ON negotiation_list_exchange"
    "  BEGIN SELECT RAISE(ABORT, 'exchanges are a record'); END;"
    "CREATE TRIGGER negotiation_exchange_kept BEFORE DELETE ON negotiation_list_exchange"
    "  BEGIN SELECT RAISE(ABORT, 'exchanges are a record'); END;"
    "CREATE TRIGGER negotiation_version_frozen BEFORE UPDATE ON negotiation_list_version"
    "  BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;"
    "CREATE TRIGGER negotiation_version_kept BEFORE DELETE ON negotiation_list_version"
    "  BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;"
    "CREATE TRIGGER negotiation_line_frozen BEFORE UPDATE ON negotiation_line"
    "  BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;"
    "CREATE TRIGGER negotiation_line_kept BEFORE DELETE ON negotiation_line"
    "  BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;"
    "CREATE TRIGGER negotiation_status_kept BEFORE UPDATE ON negotiation_line_status"
    "  BEGIN SELECT RAISE(ABORT, 'line status history is append-only'); END;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == RTA_SCHEMA_VERSION,
               "one migration step per schema version");

static rta_status db_error(sqlite3 *db, rta_error *err, const char *what)
{
    return rta__error(err, RTA_ERR_STORE, sqlite3_db_filename(db, "main"), 0, 0, "%s: %s", what,
                      sqlite3_errmsg(db));
}

static rta_status exec(sqlite3 *db, const char *sql, rta_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rta_status st = rta__error(err, RTA_ERR_STORE, sqlite3_db_filename(db, "main"), 0, 0, "%s",
                                   msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return st;
    }
    return RTA_OK;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Runs the migrations from the current version; call inside a transaction. */
static rta_status migrate(sqlite3 *db, int *version, rta_error *err)
{
    int v = user_version(db);
    if (v < 0)
        return db_error(db, err, "cannot read schema version");
    if (v > RTA_SCHEMA_VERSION)
        return rta__error(err, RTA_ERR_SCHEMA, sqlite3_db_filename(db, "main"), 0, 0,
                          "store has schema version %d, newer than this rta (%d): upgrade rta", v,
                          RTA_SCHEMA_VERSION);
    for (; v < RTA_SCHEMA_VERSION; v++) {
        rta_status st = exec(db, migrations[v], err);
        if (st != RTA_OK)
            return st;
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if ((st = exec(db, sql, err)) != RTA_OK)
            return st;
    }
    *version = v;
    return RTA_OK;
}

rta_status rta__store_migrate(sqlite3 *db, rta_error *err)
{
    int version = 0;
    return migrate(db, &version, err);
}

rta_status rta_store_open(const char *path, int mode, rta_store **out, rta_error *err)
{
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return rta__error(err, RTA_ERR_INVALID, "<store>", 0, 0, "no store path given");
    rta_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    /* A reader opens read-write when it may (but never creates the file and
     * sets query_only): after a killed import the first reader then rolls the
     * hot journal back, as SQLite requires write access to do so. */
    int flags = mode == RTA_STORE_READWRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                : access(path, W_OK) == 0   ? SQLITE_OPEN_READWRITE
                                            : SQLITE_OPEN_READONLY;
    int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rta_status st;
        if (mode == RTA_STORE_READONLY && rc == SQLITE_CANTOPEN)
            st = rta__error(err, RTA_ERR_NOT_FOUND, path, 0, 0,
                            "no store here; run `rta import` first (or pass --db / set RTA_DB)");
        else
            st = rta__error(err, RTA_ERR_STORE, path, 0, 0, "cannot open store: %s",
                            s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        rta_store_close(s);
        return st;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (mode == RTA_STORE_READONLY)
        sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
    sqlite3_extended_result_codes(s->db, 1);
    s->version = user_version(s->db);
    if (s->version < 0) {
        rta_status st =
            rta__error(err, RTA_ERR_STORE, path, 0, 0,
                       "not an rta store (not an SQLite database?): %s", sqlite3_errmsg(s->db));
        rta_store_close(s);
        return st;
    }
    if (s->version > RTA_SCHEMA_VERSION) {
        rta_status st = rta__error(err, RTA_ERR_SCHEMA, path, 0, 0,
                                   "store has schema version %d, newer than this rta (%d)",
                                   s->version, RTA_SCHEMA_VERSION);
        rta_store_close(s);
        return st;
    }
    if (mode == RTA_STORE_READONLY && s->version < RTA_SCHEMA_VERSION) {
        rta_status st =
            rta__error(err, RTA_ERR_SCHEMA, path, 0, 0,
                       s->version == 0 ? "store is empty; run `rta import` first"
                                       : "store has schema version %d; run `rta import` to "
                                         "migrate it to %d",
                       s->version, RTA_SCHEMA_VERSION);
        rta_store_close(s);
        return st;
    }
    *out = s;
    return RTA_OK;
}

void rta_store_close(rta_store *store)
{
    if (store == NULL)
        return;
    if (store->db)
        sqlite3_close_v2(store->db);
    free(store);
}

int rta_store_schema_version(const rta_store *store)
{
    return store->version;
}

rta_status rta_store_meta(rta_store *store, const char *key, char *buf, size_t size, rta_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(store->db, err, "reading meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rta_status res = RTA_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        res = rta__error(err, RTA_ERR_NOT_FOUND, store->path, 0, 0, "no meta value \"%s\"", key);
    sqlite3_finalize(st);
    return res;
}

/* ------------------------------------------------------------------ import */

typedef struct row_entry {
    uint64_t hash;
    int64_t id;
    size_t off, len; /* content in importer.content */
} row_entry;

typedef struct importer {
    sqlite3 *db;
    const char *data_dir;
    const rta_import_options *opt;
    sqlite3_stmt *ins_row, *ins_rev_row, *ins_foot;
    /* dedup of row versions: open addressing on content hash */
    row_entry *table;
    size_t table_cap, table_used;
    rta__buf content;
    int64_t next_row_id;
    /* per revision */
    int64_t revision_id;
    long seq;
    int stack_indent[64];
    int64_t stack_id[64];
    int depth;
    const char *file; /* for errors */
    rta_import_report *report;
    rta__buf key;
    int csv_col[8]; /* load_csv: file column of each requested field */
    void *image;    /* the snapshot image, kept for the cache file */
    size_t image_size;
} importer;

static void progress(importer *im, const char *stage, long done, long total)
{
    if (im->opt->progress)
        im->opt->progress(im->opt->progress_ctx, stage, done, total);
}

static int table_grow(importer *im)
{
    size_t cap = im->table_cap ? im->table_cap * 2 : 1 << 16;
    row_entry *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < im->table_cap; i++) {
        if (im->table[i].id == 0)
            continue;
        size_t j = im->table[i].hash & (cap - 1);
        while (t[j].id != 0)
            j = (j + 1) & (cap - 1);
        t[j] = im->table[i];
    }
    free(im->table);
    im->table = t;
    im->table_cap = cap;
    return 0;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Extracts Chapter 99 references ("9903.88.15") from a footnote text. */
static void ch99_refs(const char *value, rta__buf *out)
{
    out->len = 0;
    rta__buf_puts(out, "");
    for (const char *p = value; *p; p++) {
        if (p[0] == '9' && p[1] == '9' && (p == value || p[-1] < '0' || p[-1] > '9')) {
            /* 99dd.dd.dd(.dd) */
            const char *q = p;
            char digits[12];
            int n = 0;
            while (n < 10 &&
                   ((*q >= '0' && *q <= '9') || (*q == '.' && q[1] >= '0' && q[1] <= '9'))) {
                if (*q != '.')
                    digits[n++] = *q;
                q++;
            }
            if (n == 8 || n == 10) {
                digits[n] = '\0';
                if (out->len)
                    rta__buf_puts(out, " ");
                rta__buf_puts(out, digits);
            }
            p = q - 1;
        }
    }
}

static rta_status insert_row(importer *im, const rta__hts_row *r, int64_t parent, int64_t id,
                             rta_error *err)
{
    sqlite3_stmt *st = im->ins_row;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, r->code);
    sqlite3_bind_int(st, 3, r->indent);
    if (parent)
        sqlite3_bind_int64(st, 4, parent);
    else
        sqlite3_bind_null(st, 4);
    bind_text(st, 5, r->description);
    bind_text(st, 6, r->units);
    bind_text(st, 7, r->general);
    bind_text(st, 8, r->special);
    bind_text(st, 9, r->column2);
    bind_text(st, 10, r->quota);
    bind_text(st, 11, r->additional);
    if (sqlite3_step(st) != SQLITE_DONE)
        return rta__error(err, RTA_ERR_STORE, im->file, r->line, 0, "storing row: %s",
                          sqlite3_errmsg(im->db));
    /* footnotes: one per line "columns\ttype\tvalue" */
    int seq = 0;
    const char *p = r->footnotes;
    rta__buf refs = {0};
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = malloc(n + 1);
        if (line == NULL) {
            rta__buf_free(&refs);
            return rta__error(err, RTA_ERR_NOMEM, im->file, r->line, 0, "out of memory");
        }
        memcpy(line, p, n);
        line[n] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t1 && t2) {
            *t1 = *t2 = '\0';
            ch99_refs(t2 + 1, &refs);
            sqlite3_stmt *fs = im->ins_foot;
            sqlite3_reset(fs);
            sqlite3_bind_int64(fs, 1, id);
            sqlite3_bind_int(fs, 2, seq++);
            bind_text(fs, 3, line);
            bind_text(fs, 4, t1 + 1);
            bind_text(fs, 5, t2 + 1);
            bind_text(fs, 6, refs.data);
            if (sqlite3_step(fs) != SQLITE_DONE) {
                free(line);
                rta__buf_free(&refs);
                return rta__error(err, RTA_ERR_STORE, im->file, r->line, 0, "storing footnote: %s",
                                  sqlite3_errmsg(im->db));
            }
        }
        free(line);
        p += n + (nl ? 1 : 0);
    }
    rta__buf_free(&refs);
    return RTA_OK;
}

/* Called for each row of a revision, in file order. */
static rta_status on_hts_row(void *ctx, const rta__hts_row *r, rta_error *err)
{
    importer *im = ctx;
    /* parent: the nearest previous row with a smaller indent */
    while (im->depth > 0 && im->stack_indent[im->depth - 1] >= r->indent)
        im->depth--;
    int64_t parent = im->depth > 0 ? im->stack_id[im->depth - 1] : 0;

    /* identity of a row version: every field and its parent version */
    rta__buf *k = &im->key;
    k->len = 0;
    if (rta__buf_printf(k, "%s\x1f%d\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
                        r->code, r->indent, (long long)parent, r->description, r->units, r->general,
                        r->special, r->column2, r->quota, r->additional, r->footnotes) != 0)
        return rta__error(err, RTA_ERR_NOMEM, im->file, r->line, 0, "out of memory");
    uint64_t h = rta__fnv1a(k->data, k->len, 0);
    if (im->table_used * 2 >= im->table_cap && table_grow(im) != 0)
        return rta__error(err, RTA_ERR_NOMEM, im->file, r->line, 0, "out of memory");
    size_t j = h & (im->table_cap - 1);
    int64_t id = 0;
    while (im->table[j].id != 0) {
        row_entry *e = &im->table[j];
        if (e->hash == h && e->len == k->len &&
            memcmp(im->content.data + e->off, k->data, k->len) == 0) {
            id = e->id;
            break;
        }
        j = (j + 1) & (im->table_cap - 1);
    }
    if (id == 0) {
        id = im->next_row_id++;
        rta_status st = insert_row(im, r, parent, id, err);
        if (st != RTA_OK)
            return st;
        row_entry e = {h, id, im->content.len, k->len};
        if (rta__buf_append(&im->content, k->data, k->len) != 0)
            return rta__error(err, RTA_ERR_NOMEM, im->file, r->line, 0, "out of memory");
        im->table[j] = e;
        im->table_used++;
    }
    sqlite3_stmt *st = im->ins_rev_row;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, im->revision_id);
    sqlite3_bind_int64(st, 2, im->seq++);
    sqlite3_bind_int64(st, 3, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return rta__error(err, RTA_ERR_STORE, im->file, r->line, 0, "storing revision row: %s",
                          sqlite3_errmsg(im->db));
    if (im->depth >= 64)
        return rta__error(err, RTA_ERR_PARSE, im->file, r->line, 0, "indent tree deeper than 64");
    im->stack_indent[im->depth] = r->indent;
    im->stack_id[im->depth] = id;
    im->depth++;
    im->report->rows_read++;
    return RTA_OK;
}

static void join_path(char *buf, size_t size, const char *dir, const char *rel)
{
    snprintf(buf, size, "%s/%s", dir, rel);
}

/* Records a bundled file's size and checksum (so a store says what it was built from). */
static rta_status record_source(importer *im, const char *rel, rta_error *err)
{
    char path[2048];
    join_path(path, sizeof path, im->data_dir, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return rta__error(err, RTA_ERR_IO, path, 0, 0, "cannot open bundled file");
    uint64_t h = 0;
    long long bytes = 0;
    unsigned char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        h = rta__fnv1a(chunk, n, h);
        bytes += (long long)n;
    }
    fclose(f);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(im->db, "INSERT OR REPLACE INTO source_file VALUES(?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(im->db, err, "preparing source_file");
    char hex[24];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    bind_text(st, 1, rel);
    sqlite3_bind_int64(st, 2, bytes);
    bind_text(st, 3, hex);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(im->db, err, "storing source_file");
    return RTA_OK;
}

static rta_status read_text_file(importer *im, const char *rel, char **text, size_t *len,
                                 char *path, size_t path_size, rta_error *err)
{
    join_path(path, path_size, im->data_dir, rel);
    rta_status st = rta__read_file(path, text, len, err);
    if (st != RTA_OK)
        return st;
    return record_source(im, rel, err);
}

/* data/hts/revisions.csv: name,edition,format,file,effective_date,policy_effective_date,note */
static rta_status import_hts(importer *im, rta_error *err)
{
    char path[2048];
    char *text = NULL;
    size_t len = 0;
    rta_status st = read_text_file(im, "hts/revisions.csv", &text, &len, path, sizeof path, err);
    if (st != RTA_OK)
        return st;
    rta__csv c;
    rta__csv_init(&c, text, len, path);
    int got;
    const char *cols[] = {
        "name", "edition", "format", "file", "effective_date", "policy_effective_date", "note"};
    int ci[7];
    sqlite3_stmt *ins_rev = NULL, *upd_count = NULL;
    /* first pass: count revisions for progress */
    long total = 0;
    for (const char *p = text; *p; p++)
        total += *p == '\n';
    total = total > 0 ? total - 1 : 0;
    if ((st = rta__csv_next(&c, &got, err)) != RTA_OK)
        goto done;
    for (int i = 0; i < 7; i++) {
        if (!got || (ci[i] = rta__csv_find(&c, cols[i])) < 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, 1, 0, "header has no column \"%s\"", cols[i]);
            goto done;
        }
    }
    if (sqlite3_prepare_v2(im->db,
                           "INSERT INTO hts_revision(id,name,edition,format,source,effective_date,"
                           "policy_effective_date,note) VALUES(?,?,?,?,?,?,?,?)",
                           -1, &ins_rev, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(im->db, "UPDATE hts_revision SET row_count = ? WHERE id = ?", -1,
                           &upd_count, NULL) != SQLITE_OK) {
        st = db_error(im->db, err, "preparing revision insert");
        goto done;
    }
    int64_t rev_id = 0;
    for (;;) {
        if ((st = rta__csv_next(&c, &got, err)) != RTA_OK)
            goto done;
        if (!got)
            break;
        long line = c.record_line;
        if (c.nfields != 7) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, 0, "row has %d fields, expected 7",
                            c.nfields);
            goto done;
        }
        const char *name = c.fields[ci[0]], *format = c.fields[ci[2]], *file = c.fields[ci[3]];
        const char *eff = c.fields[ci[4]], *pol = c.fields[ci[5]];
        rta_day d;
        rta_error derr;
        if (rta_date_parse(eff, &d, &derr) != RTA_OK) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, ci[4] + 1, "effective_date: %s",
                            derr.message);
            goto done;
        }
        if (pol[0] && rta_date_parse(pol, &d, &derr) != RTA_OK) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, ci[5] + 1, "policy_effective_date: %s",
                            derr.message);
            goto done;
        }
        int edition = atoi(c.fields[ci[1]]);
        if (edition < 1990 || edition > 2100) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, ci[1] + 1,
                            "edition \"%s\" is not a year", c.fields[ci[1]]);
            goto done;
        }
        if (strstr(file, "..") || file[0] == '/') {
            st = rta__error(err, RTA_ERR_INVALID, path, line, ci[3] + 1,
                            "file \"%s\" must be a path inside data/hts", file);
            goto done;
        }
        int is_json = strcmp(format, "usitc_json") == 0;
        if (!is_json && strcmp(format, "usitc_csv") != 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, line, ci[2] + 1,
                            "format \"%s\" is neither usitc_json nor usitc_csv", format);
            goto done;
        }
        char rel[1024], fpath[2048];
        snprintf(rel, sizeof rel, "hts/%s", file);
        join_path(fpath, sizeof fpath, im->data_dir, rel);
        rev_id++;
        sqlite3_reset(ins_rev);
        sqlite3_bind_int64(ins_rev, 1, rev_id);
        bind_text(ins_rev, 2, name);
        sqlite3_bind_int(ins_rev, 3, edition);
        bind_text(ins_rev, 4, format);
        bind_text(ins_rev, 5, rel);
        bind_text(ins_rev, 6, eff);
        if (pol[0])
            bind_text(ins_rev, 7, pol);
        else
            sqlite3_bind_null(ins_rev, 7);
        bind_text(ins_rev, 8, c.fields[ci[6]]);
        if (sqlite3_step(ins_rev) != SQLITE_DONE) {
            st = rta__error(err, RTA_ERR_STORE, path, line, 0, "storing revision %s: %s", name,
                            sqlite3_errmsg(im->db));
            goto done;
        }
        progress(im, name, rev_id - 1, total);
        im->revision_id = rev_id;
        im->seq = 0;
        im->depth = 0;
        im->file = fpath;
        st = is_json ? rta__hts_read_usitc_json(fpath, on_hts_row, im, err)
                     : rta__hts_read_usitc_csv(fpath, on_hts_row, im, err);
        if (st != RTA_OK)
            goto done;
        if ((st = record_source(im, rel, err)) != RTA_OK)
            goto done;
        sqlite3_reset(upd_count);
        sqlite3_bind_int64(upd_count, 1, im->seq);
        sqlite3_bind_int64(upd_count, 2, rev_id);
        if (sqlite3_step(upd_count) != SQLITE_DONE) {
            st = db_error(im->db, err, "storing row count");
            goto done;
        }
        im->report->revisions++;
    }
    progress(im, "hts", total, total);
    im->report->distinct_rows = (long)(im->next_row_id - 1);
done:
    sqlite3_finalize(ins_rev);
    sqlite3_finalize(upd_count);
    rta__csv_free(&c);
    free(text);
    return st;
}

/* One bundled CSV table into one statement: the header must name `cols`;
 * for each record, fn binds the fields (in the order of `cols`) and the
 * statement is stepped. Errors name the file, line and field. */
typedef rta_status (*csv_row_fn)(importer *im, sqlite3_stmt *st, char **f, const char *path,
                                 long line, rta_error *err);

/* The 1-based file column of field k of the current load_csv record. */
#define COL(k) (im->csv_col[(k)])

static rta_status load_csv(importer *im, const char *rel, const char *const *cols, int ncols,
                           const char *sql, csv_row_fn fn, rta_error *err)
{
    char path[2048];
    char *text = NULL;
    size_t len = 0;
    sqlite3_stmt *st = NULL;
    rta__csv c;
    int got, ci[8];
    char *f[8];
    rta_status res = read_text_file(im, rel, &text, &len, path, sizeof path, err);
    if (res != RTA_OK)
        return res;
    rta__csv_init(&c, text, len, path);
    if ((res = rta__csv_next(&c, &got, err)) != RTA_OK)
        goto done;
    for (int i = 0; i < ncols; i++) {
        if (!got || (ci[i] = rta__csv_find(&c, cols[i])) < 0) {
            res =
                rta__error(err, RTA_ERR_PARSE, path, 1, 0, "header has no column \"%s\"", cols[i]);
            goto done;
        }
    }
    if (sqlite3_prepare_v2(im->db, sql, -1, &st, NULL) != SQLITE_OK) {
        res = db_error(im->db, err, "preparing import");
        goto done;
    }
    for (;;) {
        if ((res = rta__csv_next(&c, &got, err)) != RTA_OK || !got)
            break;
        for (int i = 0; i < ncols; i++) {
            im->csv_col[i] = ci[i] + 1;
            if (ci[i] >= c.nfields) {
                res = rta__error(err, RTA_ERR_PARSE, path, c.record_line, ci[i] + 1,
                                 "missing field \"%s\"", cols[i]);
                goto done;
            }
            f[i] = c.fields[ci[i]];
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if ((res = fn(im, st, f, path, c.record_line, err)) != RTA_OK)
            break;
    }
done:
    sqlite3_finalize(st);
    rta__csv_free(&c);
    free(text);
    return res;
}

/* Steps a bound statement, naming file and line on failure. */
static rta_status step(importer *im, sqlite3_stmt *st, const char *path, long line, rta_error *err)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return rta__error(err, RTA_ERR_STORE, path, line, 0, "%s", sqlite3_errmsg(im->db));
    return RTA_OK;
}

static rta_status row_section(importer *im, sqlite3_stmt *st, char **f, const char *path, long line,
                              rta_error *err)
{
    bind_text(st, 1, f[0]);
    bind_text(st, 2, f[1]);
    return step(im, st, path, line, err);
}

/* section,hscode,description,parent,level; the source's TOTAL row is skipped */
static rta_status row_hs(importer *im, sqlite3_stmt *st, char **f, const char *path, long line,
                         rta_error *err)
{
    if (strcmp(f[1], "TOTAL") == 0)
        return RTA_OK;
    rta_code hc;
    if (rta_code_parse(f[1], &hc, NULL) != RTA_OK || hc.len > 6 || atoi(f[4]) != hc.len)
        return rta__error(err, RTA_ERR_PARSE, path, line, COL(1),
                          "hscode \"%s\" is not a %s-digit HS code", f[1], f[4]);
    bind_text(st, 1, hc.digits);
    sqlite3_bind_int(st, 2, hc.len);
    if (hc.len == 2 || strcmp(f[3], "TOTAL") == 0)
        sqlite3_bind_null(st, 3);
    else
        bind_text(st, 3, f[3]);
    /* UN Comtrade's pseudo-codes 99, 9999, 999999 carry section "TOTAL": no section */
    bind_text(st, 4, strcmp(f[0], "TOTAL") == 0 ? "" : f[0]);
    bind_text(st, 5, f[2]);
    im->report->hs_codes++;
    return step(im, st, path, line, err);
}

/* Code,Name */
static rta_status row_census(importer *im, sqlite3_stmt *st, char **f, const char *path, long line,
                             rta_error *err)
{
    char *end;
    long code = strtol(f[0], &end, 10);
    if (*end || code <= 0 || code > 9999)
        return rta__error(err, RTA_ERR_PARSE, path, line, COL(0),
                          "Census code \"%s\" is not a 4-digit number", f[0]);
    sqlite3_bind_int(st, 1, (int)code);
    bind_text(st, 2, f[1]);
    im->report->census_countries++;
    return step(im, st, path, line, err);
}

/* CTY_CODE,ISO3; two source rows (e.g. Palestine) have no Census code and map nothing */
static rta_status row_census_iso3(importer *im, sqlite3_stmt *st, char **f, const char *path,
                                  long line, rta_error *err)
{
    if (f[0][0] == '\0')
        return RTA_OK;
    bind_text(st, 1, f[1]);
    sqlite3_bind_int(st, 2, atoi(f[0]));
    rta_status res = step(im, st, path, line, err);
    if (res == RTA_OK && sqlite3_changes(im->db) != 1)
        return rta__error(err, RTA_ERR_PARSE, path, line, COL(0),
                          "Census code %s is not in the Census code table", f[0]);
    return res;
}

/* CTY_NAME,CTY_CODE, checked by name against the Census table */
static rta_status row_eu27(importer *im, sqlite3_stmt *st, char **f, const char *path, long line,
                           rta_error *err)
{
    sqlite3_bind_int(st, 1, atoi(f[1]));
    bind_text(st, 2, f[0]);
    rta_status res = step(im, st, path, line, err);
    if (res == RTA_OK && sqlite3_changes(im->db) != 1)
        return rta__error(err, RTA_ERR_PARSE, path, line, COL(1),
                          "EU member %s has Census code %s, but the Census table does not give "
                          "that code to that name",
                          f[0], f[1]);
    return res;
}

static rta_status import_hs(importer *im, rta_error *err)
{
    static const char *const sec_cols[] = {"section", "name"};
    static const char *const hs_cols[] = {"section", "hscode", "description", "parent", "level"};
    rta_status st = load_csv(im, "hs2022/sections.csv", sec_cols, 2,
                             "INSERT INTO hs_section VALUES(?,?)", row_section, err);
    if (st != RTA_OK)
        return st;
    return load_csv(im, "hs2022/harmonized-system.csv", hs_cols, 5,
                    "INSERT INTO hs_code VALUES(?,?,?,?,?)", row_hs, err);
}

/* ISO 3166-1 (Debian iso-codes JSON), Census codes, the Census-ISO3 mapping
 * and the EU-27 Census codes. */
static rta_status import_countries(importer *im, rta_error *err)
{
    char path[2048];
    char *text = NULL;
    size_t len = 0;
    sqlite3_stmt *ins = NULL;
    rta__buf key = {0}, v = {0}, a2 = {0}, a3 = {0}, num = {0}, name = {0}, off = {0};
    rta__json j;
    int more, omore;
    rta_status st =
        read_text_file(im, "country_codes/iso_3166-1.json", &text, &len, path, sizeof path, err);
    if (st != RTA_OK)
        return st;
    if (sqlite3_prepare_v2(im->db, "INSERT INTO country VALUES(?,?,?,?,?)", -1, &ins, NULL) !=
        SQLITE_OK) {
        st = db_error(im->db, err, "preparing country");
        goto done;
    }
    rta__json_init(&j, text, len, path);
    if ((st = rta__json_expect(&j, '{', err)) != RTA_OK)
        goto done;
    for (int first = 1;; first = 0) {
        if ((st = rta__json_object_next(&j, first, &key, &more, err)) != RTA_OK)
            goto done;
        if (!more)
            break;
        if (strcmp(key.data, "3166-1") != 0) {
            if ((st = rta__json_skip(&j, err)) != RTA_OK)
                goto done;
            continue;
        }
        if ((st = rta__json_expect(&j, '[', err)) != RTA_OK)
            goto done;
        for (int af = 1;; af = 0) {
            if ((st = rta__json_array_next(&j, af, &more, err)) != RTA_OK)
                goto done;
            if (!more)
                break;
            if ((st = rta__json_expect(&j, '{', err)) != RTA_OK)
                goto done;
            rta__buf *bufs[] = {&a2, &a3, &num, &name, &off};
            for (int i = 0; i < 5; i++) {
                bufs[i]->len = 0;
                rta__buf_puts(bufs[i], "");
            }
            for (int of = 1;; of = 0) {
                if ((st = rta__json_object_next(&j, of, &key, &omore, err)) != RTA_OK)
                    goto done;
                if (!omore)
                    break;
                rta__buf *t = strcmp(key.data, "alpha_2") == 0         ? &a2
                              : strcmp(key.data, "alpha_3") == 0       ? &a3
                              : strcmp(key.data, "numeric") == 0       ? &num
                              : strcmp(key.data, "name") == 0          ? &name
                              : strcmp(key.data, "official_name") == 0 ? &off
                                                                       : &v;
                if ((st = rta__json_scalar(&j, t, NULL, err)) != RTA_OK)
                    goto done;
            }
            if (a2.len != 2 || a3.len != 3 || name.len == 0) {
                st = rta__json_fail(&j, err, "country entry without alpha_2, alpha_3 and name");
                goto done;
            }
            sqlite3_reset(ins);
            bind_text(ins, 1, a2.data);
            bind_text(ins, 2, a3.data);
            if (num.len)
                sqlite3_bind_int(ins, 3, atoi(num.data));
            else
                sqlite3_bind_null(ins, 3);
            bind_text(ins, 4, name.data);
            if (off.len)
                bind_text(ins, 5, off.data);
            else
                sqlite3_bind_null(ins, 5);
            if ((st = step(im, ins, path, 0, err)) != RTA_OK)
                goto done;
            im->report->countries++;
        }
    }
    {
        static const char *const census_cols[] = {"Code", "Name"};
        static const char *const iso3_cols[] = {"CTY_CODE", "ISO3"};
        static const char *const eu_cols[] = {"CTY_NAME", "CTY_CODE"};
        if ((st = load_csv(im, "country_codes/census_country_codes_budgetlab.csv", census_cols, 2,
                           "INSERT INTO census_country(code,name) VALUES(?,?)", row_census, err)) !=
                RTA_OK ||
            (st = load_csv(im, "country_codes/census_country_iso3_mapping_FRBAtl_short.csv",
                           iso3_cols, 2, "UPDATE census_country SET iso3 = ? WHERE code = ?",
                           row_census_iso3, err)) != RTA_OK ||
            (st = load_csv(im, "country_codes/eu27_census_codes.csv", eu_cols, 2,
                           "UPDATE census_country SET eu27 = 1 WHERE code = ?1 AND (name = ?2 OR "
                           "name LIKE ?2 || ' %' OR name LIKE ?2 || ',%')",
                           row_eu27, err)) != RTA_OK)
            goto done;
    }
done:
    sqlite3_finalize(ins);
    free(text);
    rta__buf *all[] = {&key, &v, &a2, &a3, &num, &name, &off};
    for (int i = 0; i < 7; i++)
        rta__buf_free(all[i]);
    return st;
}

static rta_status put_meta(sqlite3 *db, const char *key, const char *value, rta_error *err);

/* Builds the snapshot image from the tables just written, stores it in the
 * transaction, and keeps it (im->image) for the cache file written after
 * the commit. */
static rta_status store_image(importer *im, rta_error *err)
{
    progress(im, "snapshot", 0, 1);
    rta_status st = rta__snapshot_build_image(im->db, &im->image, &im->image_size, err);
    if (st != RTA_OK)
        return st;
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(im->db,
                           "INSERT INTO snapshot_image(id,format_version,bytes,data) "
                           "VALUES(1,?,?,?)",
                           -1, &ins, NULL) != SQLITE_OK)
        return db_error(im->db, err, "preparing snapshot_image");
    sqlite3_bind_int(ins, 1, (int)RTA__SNAP_VERSION);
    sqlite3_bind_int64(ins, 2, (sqlite3_int64)im->image_size);
    sqlite3_bind_blob64(ins, 3, im->image, im->image_size, SQLITE_STATIC);
    int rc = sqlite3_step(ins);
    sqlite3_finalize(ins);
    if (rc != SQLITE_DONE)
        return db_error(im->db, err, "storing snapshot image");
    char hex[24];
    snprintf(hex, sizeof hex, "%016llx",
             (unsigned long long)rta__snapshot_image_checksum(im->image, im->image_size));
    if ((st = put_meta(im->db, "snapshot_checksum", hex, err)) != RTA_OK)
        return st;
    im->report->snapshot_bytes = (long)im->image_size;
    progress(im, "snapshot", 1, 1);
    return RTA_OK;
}

static rta_status put_meta(sqlite3 *db, const char *key, const char *value, rta_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES(?,?)", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(db, err, "preparing meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? RTA_OK : db_error(db, err, "storing meta");
}

static rta_status check_foreign_keys(sqlite3 *db, rta_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK)
        return db_error(db, err, "checking references");
    rta_status st = RTA_OK;
    if (sqlite3_step(q) == SQLITE_ROW)
        st = rta__error(err, RTA_ERR_STORE, (const char *)sqlite3_column_text(q, 0),
                        sqlite3_column_int64(q, 1), 0, "row refers to a missing row of %s",
                        sqlite3_column_text(q, 2));
    sqlite3_finalize(q);
    return st;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

rta_status rta_store_import(const char *db_path, const rta_import_options *options,
                            rta_import_report *report, rta_error *err)
{
    rta_import_report local;
    rta_error local_err;
    if (report == NULL)
        report = &local;
    if (err == NULL)
        err = &local_err; /* internal steps may read err->code */
    memset(report, 0, sizeof *report);
    if (options == NULL || options->data_dir == NULL)
        return rta__error(err, RTA_ERR_INVALID, "<import>", 0, 0, "no data directory given");
    double t0 = now_seconds();
    rta_store *store = NULL;
    rta_status st = rta_store_open(db_path, RTA_STORE_READWRITE, &store, err);
    if (st != RTA_OK)
        return st;
    sqlite3 *db = store->db;
    importer im;
    memset(&im, 0, sizeof im);
    im.db = db;
    im.data_dir = options->data_dir;
    im.opt = options;
    im.report = report;
    im.next_row_id = 1;
    /* Big pages make the snapshot blob quick to read; only takes effect on a new file. */
    if ((st = exec(db, "PRAGMA page_size = 65536; PRAGMA journal_mode = DELETE;", err)) != RTA_OK)
        goto out;
    if ((st = exec(db, "BEGIN IMMEDIATE", err)) != RTA_OK)
        goto out;
    int version = 0;
    if ((st = migrate(db, &version, err)) != RTA_OK)
        goto rollback;
    /* Replace everything: the store mirrors data/ exactly. */
    if ((st = exec(db,
                   "DELETE FROM snapshot_image; DELETE FROM hts_revision_row;"
                   "DELETE FROM hts_footnote; DELETE FROM hts_row; DELETE FROM hts_revision;"
                   "DELETE FROM hs_code; DELETE FROM hs_section; DELETE FROM country;"
                   "DELETE FROM census_country; DELETE FROM source_file; DELETE FROM meta;"
                   "DELETE FROM measure; DELETE FROM product_list; DELETE FROM fee;"
                   "DELETE FROM partner_name; DELETE FROM trade_partner; DELETE FROM annex_rate;"
                   "DELETE FROM partner_import; DELETE FROM hs10_description;",
                   err)) != RTA_OK)
        goto rollback;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO hts_row(id,code,indent,parent_id,description,units,"
                           "general,special,column2,quota,additional) "
                           "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &im.ins_row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO hts_revision_row VALUES(?,?,?)", -1, &im.ins_rev_row,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO hts_footnote VALUES(?,?,?,?,?,?)", -1, &im.ins_foot,
                           NULL) != SQLITE_OK) {
        st = db_error(db, err, "preparing inserts");
        goto rollback;
    }
    progress(&im, "countries", 0, 0);
    if ((st = import_countries(&im, err)) != RTA_OK)
        goto rollback;
    progress(&im, "hs2022", 0, 0);
    if ((st = import_hs(&im, err)) != RTA_OK)
        goto rollback;
    if ((st = import_hts(&im, err)) != RTA_OK)
        goto rollback;
    progress(&im, "measures", 0, 0);
    if ((st = rta__import_measures(db, options->data_dir, &report->measures,
                                   &report->product_list_entries, err)) != RTA_OK)
        goto rollback;
    progress(&im, "trade", 0, 0);
    if ((st = rta__import_reciprocal(db, options->data_dir, err)) != RTA_OK)
        goto rollback;
    /* References are checked once over the whole import rather than per row
     * (per-row enforcement makes the bulk delete quadratic). */
    if ((st = check_foreign_keys(db, err)) != RTA_OK)
        goto rollback;
    if ((st = store_image(&im, err)) != RTA_OK)
        goto rollback;
    {
        char buf[64];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if ((st = put_meta(db, "imported_at", buf, err)) != RTA_OK ||
            (st = put_meta(db, "rta_version", RTA_VERSION_STRING, err)) != RTA_OK ||
            (st = put_meta(db, "data_dir", options->data_dir, err)) != RTA_OK)
            goto rollback;
    }
    if ((st = exec(db, "COMMIT", err)) != RTA_OK)
        goto rollback;
    /* The cache file beside the store lets readers map the image without a
     * copy; it is checked against the committed checksum on every load, and
     * a missing or stale cache only means the slower load from the store. */
    report->snapshot_cached = rta__snapshot_write_cache(db_path, im.image, im.image_size) == RTA_OK;
    report->seconds = now_seconds() - t0;
    goto out;
rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(im.ins_row);
    sqlite3_finalize(im.ins_rev_row);
    sqlite3_finalize(im.ins_foot);
    free(im.table);
    free(im.image);
    rta__buf_free(&im.content);
    rta__buf_free(&im.key);
    rta_store_close(store);
    return st;
}

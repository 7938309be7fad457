/*
 * negotiation.c - negotiations, rounds, lists with immutable versions and the
 * status of line items across rounds, in the store (rta/negotiation.h).
 *
 * Why: these are the negotiators' own records, not bundled data, so they live
 * in tables `rta import` never empties, and every write is one transaction
 * that either lands completely or not at all. Immutability of list versions
 * is enforced by the store itself (triggers in the 4 -> 5 migration), so no
 * later code path can rewrite history; status changes are appended, never
 * updated. Confidentiality is applied here, in the one place every read goes
 * through (load_list), rather than in each front end.
 */
#include "rta/negotiation.h"

#include "internal.h"
#include "rta/code.h"
#include "snapshot_internal.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = {"ministerial", "technical", "working-group"};

const char *rta_round_level_name(rta_round_level level)
{
    if ((int)level < 0 || (int)level > (int)RTA_ROUND_WORKING_GROUP)
        return "?";
    return level_names[level];
}

int rta_round_level_parse(const char *text, rta_round_level *out)
{
    for (int i = 0; i <= (int)RTA_ROUND_WORKING_GROUP; i++)
        if (text && strcmp(text, level_names[i]) == 0) {
            *out = (rta_round_level)i;
            return 0;
        }
    return -1;
}

/* ---- small helpers ---- */

static rta_status db_fail(sqlite3 *db, rta_error *err, const char *what)
{
    return rta__error(err, RTA_ERR_STORE, sqlite3_db_filename(db, "main"), 0, 0, "%s: %s", what,
                      sqlite3_errmsg(db));
}

static void copy(char *dst, size_t size, const unsigned char *src)
{
    snprintf(dst, size, "%s", src ? (const char *)src : "");
}

static void now_utc(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The store must hold the negotiation tables (schema 5, i.e. imported). */
static rta_status open_db(rta_store *store, sqlite3 **db, rta_error *err)
{
    if (!store)
        return rta__error(err, RTA_ERR_INVALID, "<store>", 0, 0, "no store");
    *db = rta__store_db(store);
    sqlite3_stmt *q = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (v != RTA_SCHEMA_VERSION)
        return rta__error(err, RTA_ERR_SCHEMA, sqlite3_db_filename(*db, "main"), 0, 0,
                          "store has schema version %d, negotiations need %d: run `rta import`", v,
                          RTA_SCHEMA_VERSION);
    /* a store written by a development build of schema 5 may lack the tables */
    int tables = 0;
    if (sqlite3_prepare_v2(*db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                           "name = 'negotiation_list_exchange'",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        tables = 1;
    sqlite3_finalize(q);
    if (!tables)
        return rta__error(err, RTA_ERR_SCHEMA, sqlite3_db_filename(*db, "main"), 0, 0,
                          "store has no negotiation tables (made by a development build): "
                          "remove it and run `rta import`");
    return RTA_OK;
}

static rta_status begin(sqlite3 *db, rta_error *err)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err, "starting a transaction");
    return RTA_OK;
}

static rta_status finish(sqlite3 *db, rta_status st, rta_error *err)
{
    if (st == RTA_OK) {
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
            return RTA_OK;
        st = db_fail(db, err, "committing");
    }
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static int valid_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= RTA_NEG_NAME_MAX || !isalnum((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(islower(ch) || isdigit(ch) || ch == '-' || ch == '_'))
            return 0;
    }
    return 1;
}

static rta_status check_name(const char *name, rta_error *err)
{
    if (!valid_name(name))
        return rta__error(err, RTA_ERR_INVALID, "<negotiation>", 0, 0,
                          "negotiation name \"%s\" must be 1-63 lowercase letters, digits, - or _, "
                          "starting with a letter or digit",
                          name ? name : "");
    return RTA_OK;
}

/* Free text fields: bounded, no control characters. */
static rta_status check_text(const char *field, const char *s, int required, rta_error *err)
{
    if (!s)
        s = "";
    if (required && s[0] == '\0')
        return rta__error(err, RTA_ERR_INVALID, field, 0, 0, "%s is required", field);
    if (strlen(s) >= RTA_NEG_TEXT_MAX)
        return rta__error(err, RTA_ERR_INVALID, field, 0, 0, "%s is longer than %d bytes", field,
                          RTA_NEG_TEXT_MAX - 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return rta__error(err, RTA_ERR_INVALID, field, 0, 0, "%s contains a control character",
                              field);
    return RTA_OK;
}

static int is_party_code(const char *s)
{
    return s && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) && s[2] == '\0';
}

static rta_status negotiation_id(sqlite3 *db, const char *name, int64_t *id, rta_error *err)
{
    rta_status st = check_name(name, err);
    if (st != RTA_OK)
        return st;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT id FROM negotiation WHERE name = ?", -1, &q, NULL) !=
        SQLITE_OK)
        return db_fail(db, err, "reading negotiations");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    else
        st = rta__error(err, RTA_ERR_NOT_FOUND, "<negotiation>", 0, 0,
                        "no negotiation \"%s\" (see `rta negotiation list`)", name);
    sqlite3_finalize(q);
    return st;
}

/* 1 if party is one of the negotiation's parties. */
static int has_party(sqlite3 *db, int64_t nid, const char *party)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM negotiation_party WHERE negotiation_id = ? AND party = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(q, 1, nid);
    sqlite3_bind_text(q, 2, party, -1, SQLITE_STATIC);
    found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return found;
}

static int round_exists(sqlite3 *db, int64_t nid, int number)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(
            db, "SELECT 1 FROM negotiation_round WHERE negotiation_id = ? AND number = ?", -1, &q,
            NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(q, 1, nid);
    sqlite3_bind_int(q, 2, number);
    found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return found;
}

/* ---- readers: one prepare, one step/grow loop, one error path ---- */

/* Opens the store's negotiation tables and resolves a negotiation's name. */
static rta_status open_negotiation(rta_store *store, const char *name, sqlite3 **db, int64_t *nid,
                                   rta_error *err)
{
    rta_status st = open_db(store, db, err);
    if (st != RTA_OK)
        return st;
    return negotiation_id(*db, name, nid, err);
}

/* Prepares sql into *q and binds id to ?1 when the statement has
 * parameters; `what` names the read in an error. */
static rta_status prepare(sqlite3 *db, const char *sql, int64_t id, const char *what,
                          sqlite3_stmt **q, rta_error *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, q, NULL) != SQLITE_OK) {
        *q = NULL;
        return db_fail(db, err, what);
    }
    if (sqlite3_bind_parameter_count(*q) > 0)
        sqlite3_bind_int64(*q, 1, id);
    return RTA_OK;
}

/* Grows *items (element size sz) to hold one more; returns the new slot or NULL. */
static void *grow(void **items, size_t *n, size_t *cap, size_t sz)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *p = realloc(*items, ncap * sz);
        if (!p)
            return NULL;
        *items = p;
        *cap = ncap;
    }
    char *slot = (char *)*items + (*n)++ * sz;
    memset(slot, 0, sz);
    return slot;
}

/* Fills one zeroed slot from the current row of q. */
typedef rta_status (*row_fill)(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err);
/* Frees what a (possibly partly) filled slot owns. */
typedef void (*row_drop)(void *slot);

/* Steps the prepared, bound statement q to its end, one slot of sz bytes per
 * row, and finalizes it. *out (malloc'ed) and *n receive the rows; on
 * failure nothing is kept (drop, if given, frees each slot's belongings). */
static rta_status collect(sqlite3 *db, sqlite3_stmt *q, size_t sz, row_fill fill, row_drop drop,
                          const char *what, void **out, size_t *n, rta_error *err)
{
    void *items = NULL;
    size_t cnt = 0, cap = 0;
    rta_status st = RTA_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        void *slot = grow(&items, &cnt, &cap, sz);
        if (!slot) {
            st = rta__error(err, RTA_ERR_NOMEM, "<negotiation>", 0, 0, "out of memory");
            break;
        }
        if ((st = fill(db, q, slot, err)) != RTA_OK)
            break;
    }
    if (st == RTA_OK && rc != SQLITE_DONE)
        st = db_fail(db, err, what);
    sqlite3_finalize(q);
    if (st != RTA_OK) {
        for (size_t i = 0; drop && i < cnt; i++)
            drop((char *)items + i * sz);
        free(items);
        items = NULL;
        cnt = 0;
    }
    *out = items;
    *n = cnt;
    return st;
}

/* The rows of sql for negotiation `name`: ?1 is bound to its id and, when
 * the statement has a second parameter, ?2 to text2 ("" for NULL). */
static rta_status negotiation_rows(rta_store *store, const char *name, const char *sql,
                                   const char *text2, const char *what, size_t sz, row_fill fill,
                                   void **out, size_t *n, rta_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = NULL;
    int64_t nid;
    sqlite3_stmt *q;
    rta_status st = open_negotiation(store, name, &db, &nid, err);
    if (st != RTA_OK || (st = prepare(db, sql, nid, what, &q, err)) != RTA_OK)
        return st;
    if (sqlite3_bind_parameter_count(q) > 1)
        sqlite3_bind_text(q, 2, text2 ? text2 : "", -1, SQLITE_STATIC);
    return collect(db, q, sz, fill, NULL, what, out, n, err);
}

/* ---- negotiations ---- */

rta_status rta_negotiation_create(rta_store *store, const char *name, const char *parties,
                                  const char *title, const char *author, rta_error *err)
{
    sqlite3 *db = NULL;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK)
        return st;
    if ((st = check_name(name, err)) != RTA_OK ||
        (st = check_text("title", title, 0, err)) != RTA_OK ||
        (st = check_text("author", author, 1, err)) != RTA_OK)
        return st;
    char code[2][3];
    if (!parties || strlen(parties) != 5 || parties[2] != ',')
        return rta__error(err, RTA_ERR_INVALID, "--parties", 0, 0,
                          "parties \"%s\" must be two ISO 3166 alpha-2 codes, e.g. VN,US",
                          parties ? parties : "");
    for (int k = 0; k < 2; k++) {
        memcpy(code[k], parties + 3 * k, 2);
        code[k][2] = '\0';
        if (!is_party_code(code[k]))
            return rta__error(err, RTA_ERR_INVALID, "--parties", 0, 3 * k + 1,
                              "party \"%s\" is not an upper-case ISO 3166 alpha-2 code", code[k]);
    }
    if (strcmp(code[0], code[1]) == 0)
        return rta__error(err, RTA_ERR_INVALID, "--parties", 0, 4, "the two parties must differ");
    if ((st = begin(db, err)) != RTA_OK)
        return st;
    sqlite3_stmt *q = NULL;
    for (int k = 0; k < 2 && st == RTA_OK; k++) {
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM country WHERE iso2 = ?", -1, &q, NULL) !=
            SQLITE_OK) {
            st = db_fail(db, err, "reading countries");
            break;
        }
        sqlite3_bind_text(q, 1, code[k], -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_ROW)
            st = rta__error(err, RTA_ERR_NOT_FOUND, "--parties", 0, 3 * k + 1,
                            "party \"%s\" is not in the store's country table (ISO 3166-1)",
                            code[k]);
        sqlite3_finalize(q);
        q = NULL;
    }
    int64_t nid = 0;
    if (st == RTA_OK) {
        sqlite3_stmt *e;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM negotiation WHERE name = ?", -1, &e, NULL) !=
            SQLITE_OK) {
            st = db_fail(db, err, "reading negotiations");
        } else {
            sqlite3_bind_text(e, 1, name, -1, SQLITE_STATIC);
            if (sqlite3_step(e) == SQLITE_ROW)
                st = rta__error(err, RTA_ERR_INVALID, "<negotiation>", 0, 0,
                                "negotiation \"%s\" already exists", name);
            sqlite3_finalize(e);
        }
    }
    if (st == RTA_OK) {
        char at[32];
        now_utc(at);
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO negotiation(name,title,created_at,created_by) "
                               "VALUES(?,?,?,?)",
                               -1, &q, NULL) != SQLITE_OK) {
            st = db_fail(db, err, "adding a negotiation");
        } else {
            sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, title ? title : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, at, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, author, -1, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_DONE)
                st = db_fail(db, err, "adding a negotiation");
            nid = sqlite3_last_insert_rowid(db);
            sqlite3_finalize(q);
            q = NULL;
        }
    }
    for (int k = 0; k < 2 && st == RTA_OK; k++) {
        if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_party VALUES(?,?,?,?)", -1, &q, NULL) !=
            SQLITE_OK) {
            st = db_fail(db, err, "adding a party");
            break;
        }
        sqlite3_bind_int64(q, 1, nid);
        sqlite3_bind_text(q, 2, code[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, code[k], -1, SQLITE_STATIC); /* market = the party's territory */
        sqlite3_bind_int(q, 4, k);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = db_fail(db, err, "adding a party");
        sqlite3_finalize(q);
        q = NULL;
    }
    return finish(db, st, err);
}

static rta_status fill_negotiation(sqlite3 *db, sqlite3_stmt *row, rta_negotiation *out,
                                   rta_error *err)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(row, 0);
    copy(out->name, sizeof out->name, sqlite3_column_text(row, 1));
    copy(out->title, sizeof out->title, sqlite3_column_text(row, 2));
    copy(out->created_at, sizeof out->created_at, sqlite3_column_text(row, 3));
    copy(out->created_by, sizeof out->created_by, sqlite3_column_text(row, 4));
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT p.party, p.market, COALESCE(c.name, '') FROM negotiation_party p"
                           " LEFT JOIN country c ON c.iso2 = p.party WHERE p.negotiation_id = ?"
                           " ORDER BY p.seq",
                           -1, &q, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading parties");
    sqlite3_bind_int64(q, 1, out->id);
    for (int k = 0; k < 2 && sqlite3_step(q) == SQLITE_ROW; k++) {
        copy(out->parties[k].code, sizeof out->parties[k].code, sqlite3_column_text(q, 0));
        copy(out->parties[k].market, sizeof out->parties[k].market, sqlite3_column_text(q, 1));
        copy(out->parties[k].name, sizeof out->parties[k].name, sqlite3_column_text(q, 2));
    }
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM negotiation_round WHERE negotiation_id = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading rounds");
    sqlite3_bind_int64(q, 1, out->id);
    if (sqlite3_step(q) == SQLITE_ROW)
        out->rounds = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return RTA_OK;
}

#define NEG_COLS "SELECT id, name, title, created_at, created_by FROM negotiation"

rta_status rta_negotiation_get(rta_store *store, const char *name, rta_negotiation *out,
                               rta_error *err)
{
    sqlite3 *db = NULL;
    int64_t id;
    sqlite3_stmt *q;
    rta_status st = open_negotiation(store, name, &db, &id, err);
    if (st != RTA_OK ||
        (st = prepare(db, NEG_COLS " WHERE id = ?", id, "reading negotiations", &q, err)) != RTA_OK)
        return st;
    if (sqlite3_step(q) == SQLITE_ROW)
        st = fill_negotiation(db, q, out, err);
    else
        st = rta__error(err, RTA_ERR_NOT_FOUND, "<negotiation>", 0, 0, "no negotiation \"%s\"",
                        name);
    sqlite3_finalize(q);
    return st;
}

static rta_status fill_negotiation_row(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    return fill_negotiation(db, q, slot, err);
}

rta_status rta_negotiation_all(rta_store *store, rta_negotiation **out, size_t *n, rta_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *q;
    void *items = NULL;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK ||
        (st = prepare(db, NEG_COLS " ORDER BY name", 0, "reading negotiations", &q, err)) != RTA_OK)
        return st;
    st = collect(db, q, sizeof **out, fill_negotiation_row, NULL, "reading negotiations", &items, n,
                 err);
    *out = items;
    return st;
}

rta_status rta_negotiation_member_add(rta_store *store, const char *name, const char *party,
                                      const char *member, const char *role, rta_error *err)
{
    sqlite3 *db = NULL;
    int64_t nid;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = check_text("member", member, 1, err)) != RTA_OK ||
        (st = check_text("role", role, 0, err)) != RTA_OK || (st = begin(db, err)) != RTA_OK)
        return st;
    if ((st = negotiation_id(db, name, &nid, err)) == RTA_OK && !has_party(db, nid, party))
        st = rta__error(err, RTA_ERR_INVALID, "--party", 0, 0,
                        "\"%s\" is not a party of negotiation %s", party ? party : "", name);
    sqlite3_stmt *q = NULL;
    if (st == RTA_OK) {
        if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_member VALUES(?,?,?,?)", -1, &q,
                               NULL) != SQLITE_OK)
            st = db_fail(db, err, "adding a member");
        else {
            sqlite3_bind_int64(q, 1, nid);
            sqlite3_bind_text(q, 2, party, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, member, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, role ? role : "", -1, SQLITE_STATIC);
            int rc = sqlite3_step(q);
            if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT)
                st = rta__error(err, RTA_ERR_INVALID, "--name", 0, 0,
                                "%s already lists member \"%s\"", party, member);
            else if (rc != SQLITE_DONE)
                st = db_fail(db, err, "adding a member");
        }
        sqlite3_finalize(q);
    }
    return finish(db, st, err);
}

static rta_status fill_member(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    (void)err;
    rta_neg_member *m = slot;
    copy(m->party, sizeof m->party, sqlite3_column_text(q, 0));
    copy(m->name, sizeof m->name, sqlite3_column_text(q, 1));
    copy(m->role, sizeof m->role, sqlite3_column_text(q, 2));
    return RTA_OK;
}

rta_status rta_negotiation_members(rta_store *store, const char *name, rta_neg_member **out,
                                   size_t *n, rta_error *err)
{
    void *items = NULL;
    rta_status st =
        negotiation_rows(store, name,
                         "SELECT m.party, m.name, m.role FROM negotiation_member m "
                         "JOIN negotiation_party p USING(negotiation_id, party) WHERE "
                         "m.negotiation_id = ? ORDER BY p.seq, m.name",
                         NULL, "reading members", sizeof **out, fill_member, &items, n, err);
    *out = items;
    return st;
}

/* ---- rounds ---- */

rta_status rta_negotiation_round_add(rta_store *store, const char *name, const rta_neg_round *round,
                                     rta_error *err)
{
    sqlite3 *db = NULL;
    int64_t nid;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK)
        return st;
    if (!round || round->number < 1 || round->number > 999)
        return rta__error(err, RTA_ERR_RANGE, "--number", 0, 0,
                          "round number must be from 1 to 999");
    if ((int)round->level < 0 || (int)round->level > (int)RTA_ROUND_WORKING_GROUP)
        return rta__error(err, RTA_ERR_INVALID, "--level", 0, 0, "unknown level");
    char date[16];
    rta_date_format(round->date, date, sizeof date);
    rta_day check;
    if (rta_date_parse(date, &check, NULL) != RTA_OK)
        return rta__error(err, RTA_ERR_RANGE, "--date", 0, 0, "round date outside 1900-2199");
    if ((st = check_text("place", round->place, 0, err)) != RTA_OK ||
        (st = check_text("topic", round->topic, 0, err)) != RTA_OK ||
        (st = begin(db, err)) != RTA_OK)
        return st;
    if ((st = negotiation_id(db, name, &nid, err)) != RTA_OK)
        return finish(db, st, err);
    if (round_exists(db, nid, round->number))
        return finish(db,
                      rta__error(err, RTA_ERR_INVALID, "--number", 0, 0,
                                 "negotiation %s already has a round %d", name, round->number),
                      err);
    sqlite3_stmt *q;
    /* rounds are numbered in the order they meet */
    if (sqlite3_prepare_v2(db,
                           "SELECT number, date FROM negotiation_round WHERE negotiation_id = ?1 "
                           "AND ((number < ?2 AND date > ?3) OR (number > ?2 AND date < ?3)) "
                           "ORDER BY number LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "reading rounds"), err);
    sqlite3_bind_int64(q, 1, nid);
    sqlite3_bind_int(q, 2, round->number);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        st = rta__error(err, RTA_ERR_INVALID, "--date", 0, 0,
                        "round %d on %s would be out of order with round %d on %s", round->number,
                        date, sqlite3_column_int(q, 0), (const char *)sqlite3_column_text(q, 1));
    sqlite3_finalize(q);
    if (st != RTA_OK)
        return finish(db, st, err);
    if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_round VALUES(?,?,?,?,?,?)", -1, &q, NULL) !=
        SQLITE_OK)
        return finish(db, db_fail(db, err, "adding a round"), err);
    sqlite3_bind_int64(q, 1, nid);
    sqlite3_bind_int(q, 2, round->number);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, rta_round_level_name(round->level), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, round->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, round->topic, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_fail(db, err, "adding a round");
    sqlite3_finalize(q);
    return finish(db, st, err);
}

static rta_status fill_round(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    (void)err;
    rta_neg_round *r = slot;
    r->number = sqlite3_column_int(q, 0);
    rta_date_parse((const char *)sqlite3_column_text(q, 1), &r->date, NULL);
    rta_round_level_parse((const char *)sqlite3_column_text(q, 2), &r->level);
    copy(r->place, sizeof r->place, sqlite3_column_text(q, 3));
    copy(r->topic, sizeof r->topic, sqlite3_column_text(q, 4));
    return RTA_OK;
}

rta_status rta_negotiation_rounds(rta_store *store, const char *name, rta_neg_round **out,
                                  size_t *n, rta_error *err)
{
    void *items = NULL;
    rta_status st =
        negotiation_rows(store, name,
                         "SELECT number, date, level, place, topic FROM "
                         "negotiation_round WHERE negotiation_id = ? ORDER BY number",
                         NULL, "reading rounds", sizeof **out, fill_round, &items, n, err);
    *out = items;
    return st;
}

/* ---- lists ---- */

/* The version of list l that the delegation bound to parameter V reads: its
 * own latest, or, for the other delegation, the latest version it was given
 * by an exchange (NULL if none: the list is a draft to it). */
#define VIS_VER(V)                                                                                 \
    "(CASE WHEN l.party = " V " THEN (SELECT max(version) FROM negotiation_list_version v"         \
    " WHERE v.list_id = l.id) ELSE (SELECT max(version) FROM negotiation_list_exchange e"          \
    " WHERE e.list_id = l.id) END)"

/* Lists that the delegation bound to parameter V may see. */
#define LIST_VISIBLE(V)                                                                            \
    "(l.party = " V " OR EXISTS (SELECT 1 FROM negotiation_list_exchange e"                        \
    " WHERE e.list_id = l.id))"

#define LIST_COLS(V)                                                                               \
    "SELECT l.id, n.name, l.party, l.round, l.kind, l.status, " VIS_VER(                           \
        V) ","                                                                                     \
           " (SELECT line_count FROM negotiation_list_version v WHERE v.list_id = l.id"            \
           "   AND v.version = " VIS_VER(                                                          \
               V) "),"                                                                             \
                  " (SELECT created_at FROM negotiation_list_version v WHERE v.list_id = l.id"     \
                  "   AND v.version = " VIS_VER(                                                   \
                      V) "),"                                                                      \
                         " (SELECT author FROM negotiation_list_version v WHERE v.list_id = l.id"  \
                         "   AND v.version = " VIS_VER(                                            \
                             V) "), l.negotiation_id"                                              \
                                " FROM negotiation_list l JOIN negotiation n ON n.id = "           \
                                "l.negotiation_id"

static void fill_list(sqlite3_stmt *q, rta_neg_list *l)
{
    memset(l, 0, sizeof *l);
    l->id = sqlite3_column_int64(q, 0);
    copy(l->negotiation, sizeof l->negotiation, sqlite3_column_text(q, 1));
    copy(l->party, sizeof l->party, sqlite3_column_text(q, 2));
    l->round = sqlite3_column_int(q, 3);
    copy(l->kind, sizeof l->kind, sqlite3_column_text(q, 4));
    copy(l->status, sizeof l->status, sqlite3_column_text(q, 5));
    l->versions = sqlite3_column_int(q, 6);
    l->line_count = sqlite3_column_int(q, 7);
    copy(l->updated_at, sizeof l->updated_at, sqlite3_column_text(q, 8));
    copy(l->updated_by, sizeof l->updated_by, sqlite3_column_text(q, 9));
}

/* A list is visible to its own delegation, and to the other once one of its
 * versions was exchanged (l->versions is then the latest exchanged one). */
static int visible(const rta_neg_list *l, const char *viewer)
{
    return (viewer && strcmp(viewer, l->party) == 0) || l->versions > 0;
}

static int parse_int(const char *s, int max, int *out)
{
    if (!s || !*s || strlen(s) > 9)
        return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* Resolves ref to a list visible to viewer; *nid receives its negotiation id. */
static rta_status load_list(sqlite3 *db, const char *ref, const char *viewer, rta_neg_list *out,
                            int64_t *nid, rta_error *err)
{
    if (!ref || !*ref)
        return rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0, "no list reference given");
    if (strlen(ref) > 120)
        return rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0, "list reference too long");
    sqlite3_stmt *q;
    int id;
    rta_status st = RTA_OK;
    if (parse_int(ref, 999999999, &id) == 0) {
        if (sqlite3_prepare_v2(db, LIST_COLS("?9") " WHERE l.id = ?1", -1, &q, NULL) != SQLITE_OK)
            return db_fail(db, err, "reading lists");
        sqlite3_bind_int64(q, 1, id);
    } else {
        char buf[128], *part[4];
        snprintf(buf, sizeof buf, "%s", ref);
        int k = 0;
        char *p = buf;
        for (; k < 4; k++) {
            part[k] = p;
            char *slash = strchr(p, '/');
            if (!slash)
                break;
            *slash = '\0';
            p = slash + 1;
        }
        int rnd;
        if (k != 3 || !valid_name(part[0]) || !is_party_code(part[1]) ||
            parse_int(part[2], 999, &rnd) != 0 ||
            (strcmp(part[3], "offer") != 0 && strcmp(part[3], "request") != 0))
            return rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0,
                              "list reference \"%s\" is neither an id (7) nor "
                              "NEGOTIATION/PARTY/ROUND/KIND (vn-us/VN/1/offer)",
                              ref);
        if (sqlite3_prepare_v2(db,
                               LIST_COLS("?9") " WHERE n.name = ?1 AND l.party = ?2 AND "
                                               "l.round = ?3 AND l.kind = ?4",
                               -1, &q, NULL) != SQLITE_OK)
            return db_fail(db, err, "reading lists");
        sqlite3_bind_text(q, 1, part[0], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 2, part[1], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 3, rnd);
        sqlite3_bind_text(q, 4, part[3], -1, SQLITE_TRANSIENT);
    }
    if (viewer && *viewer)
        sqlite3_bind_text(q, 9, viewer, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(q) == SQLITE_ROW;
    if (found) {
        fill_list(q, out);
        if (nid)
            *nid = sqlite3_column_int64(q, 10);
    }
    sqlite3_finalize(q);
    if (!found || !visible(out, viewer))
        st = rta__error(err, RTA_ERR_NOT_FOUND, "<list>", 0, 0,
                        "no list %s visible to %s (a draft is visible only to its own "
                        "delegation)",
                        ref, viewer && *viewer ? viewer : "an unnamed delegation (use --as)");
    return st;
}

static rta_status fill_line(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    rta_line *l = slot;
    copy(l->code, sizeof l->code, sqlite3_column_text(q, 0));
    copy(l->code_to, sizeof l->code_to, sqlite3_column_text(q, 1));
    rta_treatment_parse((const char *)sqlite3_column_text(q, 2), &l->treatment);
    l->value_millionths = sqlite3_column_int64(q, 3);
    l->staging_years = sqlite3_column_int(q, 4);
    l->description = rta__strdup((const char *)sqlite3_column_text(q, 5));
    l->source_line = sqlite3_column_int64(q, 6);
    if (!l->description)
        return rta__error(err, RTA_ERR_NOMEM, "<list>", 0, 0, "out of memory");
    return RTA_OK;
}

static void drop_line(void *slot)
{
    free(((rta_line *)slot)->description);
}

static rta_status read_lines(sqlite3 *db, int64_t list_id, int version, rta_lines *out,
                             rta_error *err)
{
    sqlite3_stmt *q;
    void *items = NULL;
    rta_status st = prepare(db,
                            "SELECT code, code_to, treatment, value_millionths, staging_years,"
                            " description, source_line FROM negotiation_line"
                            " WHERE list_id = ? AND version = ? ORDER BY seq",
                            list_id, "reading lines", &q, err);
    if (st != RTA_OK)
        return st;
    sqlite3_bind_int(q, 2, version);
    st = collect(db, q, sizeof *out->items, fill_line, drop_line, "reading lines", &items,
                 &out->count, err);
    out->items = items;
    return st;
}

/* Whether viewer may read version of list l: its own delegation reads every
 * version; the other reads the versions that were exchanged (a version made
 * after an exchange is a draft until the list is exchanged again). */
static rta_status version_visible(sqlite3 *db, const rta_neg_list *l, const char *viewer,
                                  int version, int *ok, rta_error *err)
{
    *ok = 0;
    if (viewer && strcmp(viewer, l->party) == 0) {
        *ok = 1;
        return RTA_OK;
    }
    sqlite3_stmt *q;
    rta_status st = prepare(db,
                            "SELECT 1 FROM negotiation_list_exchange WHERE list_id = ? AND "
                            "version = ?",
                            l->id, "reading exchanges", &q, err);
    if (st != RTA_OK)
        return st;
    sqlite3_bind_int(q, 2, version);
    int rc = sqlite3_step(q);
    *ok = rc == SQLITE_ROW;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? RTA_OK : db_fail(db, err, "reading exchanges");
}

rta_status rta_negotiation_list_add(rta_store *store, const char *name, const char *party,
                                    int round, const char *kind, const rta_lines *lines,
                                    const char *author, const char *source, const char *viewer,
                                    int64_t *list_id, int *version, rta_error *err)
{
    sqlite3 *db = NULL;
    int64_t nid = 0;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK)
        return st;
    if (!is_party_code(party))
        return rta__error(err, RTA_ERR_INVALID, "--party", 0, 0,
                          "party \"%s\" is not an upper-case ISO 3166 alpha-2 code",
                          party ? party : "");
    if (!viewer || strcmp(viewer, party) != 0)
        return rta__error(err, RTA_ERR_INVALID, "--as", 0, 0,
                          "only the %s delegation may write %s's lists (acting as \"%s\")", party,
                          party, viewer ? viewer : "");
    if (!kind || (strcmp(kind, "offer") != 0 && strcmp(kind, "request") != 0))
        return rta__error(err, RTA_ERR_INVALID, "--kind", 0, 0,
                          "kind \"%s\" must be offer or request", kind ? kind : "");
    if (!lines || lines->count == 0)
        return rta__error(err, RTA_ERR_INVALID, source ? source : "<lines>", 0, 0,
                          "a list needs at least one line");
    if ((st = check_text("author", author, 1, err)) != RTA_OK)
        return st;
    for (size_t i = 0; i < lines->count; i++)
        if ((st = rta_line_validate(&lines->items[i], source ? source : "<lines>",
                                    lines->items[i].source_line, err)) != RTA_OK)
            return st;
    if ((st = begin(db, err)) != RTA_OK)
        return st;
    if ((st = negotiation_id(db, name, &nid, err)) != RTA_OK)
        return finish(db, st, err);
    if (!has_party(db, nid, party))
        return finish(db,
                      rta__error(err, RTA_ERR_INVALID, "--party", 0, 0,
                                 "\"%s\" is not a party of negotiation %s", party, name),
                      err);
    if (!round_exists(db, nid, round))
        return finish(db,
                      rta__error(err, RTA_ERR_NOT_FOUND, "--round", 0, 0,
                                 "negotiation %s has no round %d (add it with `rta round add`)",
                                 name, round),
                      err);
    sqlite3_stmt *q = NULL;
    int64_t lid = 0;
    int ver = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT l.id, l.status, (SELECT max(version) FROM "
                           "negotiation_list_version v WHERE v.list_id = l.id) FROM "
                           "negotiation_list l WHERE negotiation_id = ? AND party = ? AND "
                           "round = ? AND kind = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "reading lists"), err);
    sqlite3_bind_int64(q, 1, nid);
    sqlite3_bind_text(q, 2, party, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, round);
    sqlite3_bind_text(q, 4, kind, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        lid = sqlite3_column_int64(q, 0);
        if (strcmp((const char *)sqlite3_column_text(q, 1), "withdrawn") == 0)
            st = rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0,
                            "list %s/%s/%d/%s was withdrawn; table a new one in a later round",
                            name, party, round, kind);
        ver = sqlite3_column_int(q, 2) + 1;
    }
    sqlite3_finalize(q);
    if (st != RTA_OK)
        return finish(db, st, err);
    if (lid == 0) {
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO negotiation_list(negotiation_id,party,round,kind,"
                               "status) VALUES(?,?,?,?,'draft')",
                               -1, &q, NULL) != SQLITE_OK)
            return finish(db, db_fail(db, err, "adding a list"), err);
        sqlite3_bind_int64(q, 1, nid);
        sqlite3_bind_text(q, 2, party, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 3, round);
        sqlite3_bind_text(q, 4, kind, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = db_fail(db, err, "adding a list");
        lid = sqlite3_last_insert_rowid(db);
        sqlite3_finalize(q);
        if (st != RTA_OK)
            return finish(db, st, err);
    }
    char at[32];
    now_utc(at);
    char src[RTA_NEG_TEXT_MAX];
    snprintf(src, sizeof src, "%s", source ? source : "");
    if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_list_version VALUES(?,?,?,?,?,?)", -1, &q,
                           NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "adding a version"), err);
    sqlite3_bind_int64(q, 1, lid);
    sqlite3_bind_int(q, 2, ver);
    sqlite3_bind_text(q, 3, author, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, src, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, (sqlite3_int64)lines->count);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_fail(db, err, "adding a version");
    sqlite3_finalize(q);
    if (st != RTA_OK)
        return finish(db, st, err);
    if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_line VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &q,
                           NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "adding lines"), err);
    for (size_t i = 0; i < lines->count && st == RTA_OK; i++) {
        const rta_line *l = &lines->items[i];
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, lid);
        sqlite3_bind_int(q, 2, ver);
        sqlite3_bind_int64(q, 3, (sqlite3_int64)i + 1);
        sqlite3_bind_text(q, 4, l->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, l->code_to, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, rta_treatment_name(l->treatment), -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 7, l->value_millionths);
        sqlite3_bind_int(q, 8, l->staging_years);
        sqlite3_bind_text(q, 9, l->description ? l->description : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 10, l->source_line);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = db_fail(db, err, "adding lines");
    }
    sqlite3_finalize(q);
    st = finish(db, st, err);
    if (st == RTA_OK) {
        if (list_id)
            *list_id = lid;
        if (version)
            *version = ver;
    }
    return st;
}

rta_status rta_negotiation_list_get(rta_store *store, const char *ref, const char *viewer,
                                    rta_neg_list *out, rta_error *err)
{
    sqlite3 *db = NULL;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK)
        return st;
    return load_list(db, ref, viewer, out, NULL, err);
}

rta_status rta_negotiation_list_version_lines(rta_store *store, const char *ref, const char *viewer,
                                              int version, rta_lines *out, rta_error *err)
{
    out->items = NULL;
    out->count = 0;
    sqlite3 *db = NULL;
    rta_neg_list l;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = load_list(db, ref, viewer, &l, NULL, err)) != RTA_OK)
        return st;
    if (version == 0)
        version = l.versions; /* the latest this delegation may read */
    int own = viewer && strcmp(viewer, l.party) == 0, ok = 0;
    if (own && (version < 1 || version > l.versions))
        return rta__error(err, RTA_ERR_NOT_FOUND, "--version", 0, 0,
                          "list %s has versions 1 to %d, not %d", ref, l.versions, version);
    if ((st = version_visible(db, &l, viewer, version, &ok, err)) != RTA_OK)
        return st;
    if (!ok) /* the same words whether or not a draft version exists */
        return rta__error(err, RTA_ERR_NOT_FOUND, "--version", 0, 0,
                          "list %s has no version %d visible to %s (another delegation reads "
                          "the versions that were exchanged)",
                          ref, version, viewer && *viewer ? viewer : "an unnamed delegation");
    return read_lines(db, l.id, version, out, err);
}

static rta_status fill_version(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    (void)err;
    rta_neg_version *v = slot;
    v->version = sqlite3_column_int(q, 0);
    copy(v->author, sizeof v->author, sqlite3_column_text(q, 1));
    copy(v->created_at, sizeof v->created_at, sqlite3_column_text(q, 2));
    v->line_count = sqlite3_column_int(q, 3);
    copy(v->source, sizeof v->source, sqlite3_column_text(q, 4));
    return RTA_OK;
}

rta_status rta_negotiation_list_versions(rta_store *store, const char *ref, const char *viewer,
                                         rta_neg_version **out, size_t *n, rta_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = NULL;
    rta_neg_list l;
    sqlite3_stmt *q;
    void *items = NULL;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = load_list(db, ref, viewer, &l, NULL, err)) != RTA_OK ||
        (st = prepare(db,
                      "SELECT version, author, created_at, line_count, source FROM "
                      "negotiation_list_version v WHERE list_id = ?1 AND (?2 OR EXISTS ("
                      "SELECT 1 FROM negotiation_list_exchange e WHERE e.list_id = v.list_id "
                      "AND e.version = v.version)) ORDER BY version",
                      l.id, "reading versions", &q, err)) != RTA_OK)
        return st;
    sqlite3_bind_int(q, 2, viewer && strcmp(viewer, l.party) == 0);
    st = collect(db, q, sizeof **out, fill_version, NULL, "reading versions", &items, n, err);
    *out = items;
    return st;
}

static rta_status fill_list_row(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    (void)err;
    fill_list(q, slot);
    return RTA_OK;
}

rta_status rta_negotiation_lists(rta_store *store, const char *name, const char *viewer,
                                 rta_neg_list **out, size_t *n, rta_error *err)
{
    void *items = NULL;
    rta_status st =
        negotiation_rows(store, name,
                         LIST_COLS("?2") " WHERE l.negotiation_id = ?1 AND " LIST_VISIBLE(
                             "?2") " ORDER BY l.round, l.party, l.kind",
                         viewer, "reading lists", sizeof **out, fill_list_row, &items, n, err);
    *out = items;
    return st;
}

/* Whether the latest version of l (its owner's view) was exchanged. */
static rta_status version_exchanged(sqlite3 *db, const rta_neg_list *l, int *yes, rta_error *err)
{
    return version_visible(db, l, NULL, l->versions, yes, err);
}

static rta_status set_list_status(rta_store *store, const char *ref, const char *viewer,
                                  const char *to, rta_error *err)
{
    sqlite3 *db = NULL;
    rta_neg_list l;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = begin(db, err)) != RTA_OK)
        return st;
    if ((st = load_list(db, ref, viewer, &l, NULL, err)) != RTA_OK)
        return finish(db, st, err);
    if (!viewer || strcmp(viewer, l.party) != 0)
        return finish(db,
                      rta__error(err, RTA_ERR_INVALID, "--as", 0, 0,
                                 "only the %s delegation may %s list %s", l.party,
                                 strcmp(to, "exchanged") == 0 ? "exchange" : "withdraw", ref),
                      err);
    int exchanged_now = 0; /* the current version was exchanged already */
    if ((st = version_exchanged(db, &l, &exchanged_now, err)) != RTA_OK)
        return finish(db, st, err);
    if (strcmp(to, "withdrawn") == 0 && strcmp(l.status, "draft") == 0)
        return finish(db,
                      rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0,
                                 "list %s is a draft, not on the table: only an exchanged list "
                                 "can be withdrawn",
                                 ref),
                      err);
    if (strcmp(l.status, "withdrawn") == 0 ||
        (strcmp(to, "exchanged") == 0 && strcmp(l.status, "exchanged") == 0 && exchanged_now))
        return finish(
            db,
            rta__error(err, RTA_ERR_INVALID, "<list>", 0, 0, "list %s is already %s%s", ref,
                       l.status,
                       strcmp(l.status, "exchanged") == 0 ? " at its current version" : ""),
            err);
    sqlite3_stmt *q;
    if (strcmp(to, "exchanged") == 0) {
        /* the version on the table from now on, for the other delegation */
        char now[32];
        now_utc(now);
        if (sqlite3_prepare_v2(db, "INSERT INTO negotiation_list_exchange VALUES(?,?,?,?)", -1, &q,
                               NULL) != SQLITE_OK)
            return finish(db, db_fail(db, err, "recording an exchange"), err);
        sqlite3_bind_int64(q, 1, l.id);
        sqlite3_bind_int(q, 2, l.versions);
        sqlite3_bind_text(q, 3, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, viewer, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE)
            return finish(db, db_fail(db, err, "recording an exchange"), err);
    }
    if (sqlite3_prepare_v2(db, "UPDATE negotiation_list SET status = ? WHERE id = ?", -1, &q,
                           NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "updating a list"), err);
    sqlite3_bind_text(q, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, l.id);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_fail(db, err, "updating a list");
    sqlite3_finalize(q);
    return finish(db, st, err);
}

rta_status rta_negotiation_list_exchange(rta_store *store, const char *ref, const char *viewer,
                                         rta_error *err)
{
    return set_list_status(store, ref, viewer, "exchanged", err);
}

rta_status rta_negotiation_list_withdraw(rta_store *store, const char *ref, const char *viewer,
                                         rta_error *err)
{
    return set_list_status(store, ref, viewer, "withdrawn", err);
}

/* Normalises "0901.11" or "6101-6117" to the stored scope text. */
static rta_status normalise_scope(const char *text, char *out, size_t size, rta_error *err)
{
    char buf[64];
    if (!text || strlen(text) >= sizeof buf)
        return rta__error(err, RTA_ERR_INVALID, "<code>", 0, 0, "code \"%s\" is not valid",
                          text ? text : "");
    snprintf(buf, sizeof buf, "%s", text);
    char *to = strchr(buf, '-');
    if (to)
        *to++ = '\0';
    rta_code a, b;
    if (rta_code_parse(buf, &a, NULL) != RTA_OK || (to && rta_code_parse(to, &b, NULL) != RTA_OK))
        return rta__error(err, RTA_ERR_INVALID, "<code>", 0, 0,
                          "code \"%s\" is not an HS/HTS code or range (0901.11, 6101-6117)", text);
    if (to)
        snprintf(out, size, "%s-%s", a.digits, b.digits);
    else
        snprintf(out, size, "%s", a.digits);
    return RTA_OK;
}

#define SCOPE_SQL "(code || CASE WHEN code_to = '' THEN '' ELSE '-' || code_to END)"

rta_status rta_negotiation_line_status(rta_store *store, const char *ref, const char *viewer,
                                       const char *scope, const char *status, int round,
                                       const char *author, rta_error *err)
{
    sqlite3 *db = NULL;
    rta_neg_list l;
    int64_t nid = 0;
    char sc[32];
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = normalise_scope(scope, sc, sizeof sc, err)) != RTA_OK ||
        (st = check_text("author", author, 1, err)) != RTA_OK)
        return st;
    if (!status || (strcmp(status, "agreed") != 0 && strcmp(status, "outstanding") != 0 &&
                    strcmp(status, "withdrawn") != 0))
        return rta__error(err, RTA_ERR_INVALID, "<status>", 0, 0,
                          "status \"%s\" must be agreed, outstanding or withdrawn",
                          status ? status : "");
    if ((st = begin(db, err)) != RTA_OK)
        return st;
    if ((st = load_list(db, ref, viewer, &l, &nid, err)) != RTA_OK)
        return finish(db, st, err);
    sqlite3_stmt *q;
    if (round == 0) {
        if (sqlite3_prepare_v2(db,
                               "SELECT max(number) FROM negotiation_round WHERE negotiation_id = ?",
                               -1, &q, NULL) != SQLITE_OK)
            return finish(db, db_fail(db, err, "reading rounds"), err);
        sqlite3_bind_int64(q, 1, nid);
        if (sqlite3_step(q) == SQLITE_ROW)
            round = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    } else if (!round_exists(db, nid, round)) {
        return finish(db,
                      rta__error(err, RTA_ERR_NOT_FOUND, "--round", 0, 0,
                                 "negotiation %s has no round %d", l.negotiation, round),
                      err);
    }
    if (round < l.round)
        return finish(db,
                      rta__error(err, RTA_ERR_INVALID, "--round", 0, 0,
                                 "list %s was tabled in round %d; a decision on it cannot be "
                                 "dated round %d",
                                 ref, l.round, round),
                      err);
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM negotiation_line WHERE list_id = ? AND version = ? AND "
                           " " SCOPE_SQL " = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "reading lines"), err);
    sqlite3_bind_int64(q, 1, l.id);
    sqlite3_bind_int(q, 2, l.versions);
    sqlite3_bind_text(q, 3, sc, -1, SQLITE_STATIC);
    int found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!found)
        return finish(db,
                      rta__error(err, RTA_ERR_NOT_FOUND, "<code>", 0, 0,
                                 "list %s (version %d) has no line %s", ref, l.versions, sc),
                      err);
    char at[32];
    now_utc(at);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO negotiation_line_status(list_id,scope,round,status,author,"
                           "at) VALUES(?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK)
        return finish(db, db_fail(db, err, "recording a status"), err);
    sqlite3_bind_int64(q, 1, l.id);
    sqlite3_bind_text(q, 2, sc, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, round);
    sqlite3_bind_text(q, 4, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, author, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, at, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_fail(db, err, "recording a status");
    sqlite3_finalize(q);
    return finish(db, st, err);
}

/* One query: for each (party, kind, scope) of the visible, not withdrawn
 * lists, the line of the latest round that holds it, its latest status event
 * (by round, then order of recording) and the last round that touched it. */
static const char outstanding_sql[] =
    "WITH vis AS ("
    "  SELECT l.id, l.party, l.kind, l.round,"
    "   " VIS_VER(
        "?2") " AS ver"
              "  FROM negotiation_list l WHERE l.negotiation_id = ?1 AND l.status != 'withdrawn'"
              "   AND " LIST_VISIBLE(
                  "?2") " AND (?3 = '' OR l.party = ?3)),"
                        " ln AS ("
                        "  SELECT vis.party, vis.kind, vis.round, vis.id AS list_id, x.code, "
                        "x.code_to,"
                        "   x.treatment, x.value_millionths, x.staging_years, x.description, "
                        "x.source_line,"
                        "   " SCOPE_SQL " AS scope"
                        "  FROM vis JOIN negotiation_line x ON x.list_id = vis.id AND x.version = "
                        "vis.ver),"
                        " latest AS ("
                        "  SELECT * FROM ln a WHERE NOT EXISTS (SELECT 1 FROM ln b WHERE b.party = "
                        "a.party"
                        "   AND b.kind = a.kind AND b.scope = a.scope AND b.round > a.round)),"
                        " ev AS ("
                        "  SELECT s.id, s.scope, s.round, s.status, l.party, l.kind FROM "
                        "negotiation_line_status s"
                        "  JOIN negotiation_list l ON l.id = s.list_id WHERE l.negotiation_id = ?1"
                        "   AND " LIST_VISIBLE(
                            "?2") ")"
                                  " SELECT * FROM ("
                                  "  SELECT latest.party, latest.kind, latest.round, "
                                  "latest.list_id, latest.code,"
                                  "   latest.code_to, latest.treatment, latest.value_millionths, "
                                  "latest.staging_years,"
                                  "   latest.description, latest.source_line,"
                                  "   COALESCE((SELECT status FROM ev WHERE ev.party = "
                                  "latest.party AND ev.kind = latest.kind"
                                  "    AND ev.scope = latest.scope ORDER BY ev.round DESC, ev.id "
                                  "DESC LIMIT 1),"
                                  "    'outstanding') AS st,"
                                  "   max(latest.round, COALESCE((SELECT max(round) FROM ev WHERE "
                                  "ev.party = latest.party"
                                  "    AND ev.kind = latest.kind AND ev.scope = latest.scope), 0)) "
                                  "AS last_round"
                                  "  FROM latest) WHERE st = 'outstanding'"
                                  " ORDER BY party, kind, code, code_to";

void rta_neg_items_free(rta_neg_item *items, size_t n)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        free(items[i].line.description);
    free(items);
}

static rta_status fill_item(sqlite3 *db, sqlite3_stmt *q, void *slot, rta_error *err)
{
    (void)db;
    rta_neg_item *it = slot;
    copy(it->party, sizeof it->party, sqlite3_column_text(q, 0));
    copy(it->kind, sizeof it->kind, sqlite3_column_text(q, 1));
    it->list_round = sqlite3_column_int(q, 2);
    it->list_id = sqlite3_column_int64(q, 3);
    copy(it->line.code, sizeof it->line.code, sqlite3_column_text(q, 4));
    copy(it->line.code_to, sizeof it->line.code_to, sqlite3_column_text(q, 5));
    rta_treatment_parse((const char *)sqlite3_column_text(q, 6), &it->line.treatment);
    it->line.value_millionths = sqlite3_column_int64(q, 7);
    it->line.staging_years = sqlite3_column_int(q, 8);
    it->line.description = rta__strdup((const char *)sqlite3_column_text(q, 9));
    it->line.source_line = sqlite3_column_int64(q, 10);
    copy(it->status, sizeof it->status, sqlite3_column_text(q, 11));
    it->last_round = sqlite3_column_int(q, 12);
    if (!it->line.description)
        return rta__error(err, RTA_ERR_NOMEM, "<negotiation>", 0, 0, "out of memory");
    return RTA_OK;
}

static void drop_item(void *slot)
{
    free(((rta_neg_item *)slot)->line.description);
}

rta_status rta_negotiation_outstanding(rta_store *store, const char *name, const char *party,
                                       const char *viewer, rta_neg_item **out, size_t *n,
                                       rta_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = NULL;
    int64_t nid;
    sqlite3_stmt *q;
    void *items = NULL;
    rta_status st = open_negotiation(store, name, &db, &nid, err);
    if (st != RTA_OK)
        return st;
    if (party && *party && !has_party(db, nid, party))
        return rta__error(err, RTA_ERR_INVALID, "--party", 0, 0,
                          "\"%s\" is not a party of negotiation %s", party, name);
    if ((st = prepare(db, outstanding_sql, nid, "querying outstanding lines", &q, err)) != RTA_OK)
        return st;
    sqlite3_bind_text(q, 2, viewer ? viewer : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, party ? party : "", -1, SQLITE_STATIC);
    st = collect(db, q, sizeof **out, fill_item, drop_item, "querying outstanding lines", &items, n,
                 err);
    *out = items;
    return st;
}

rta_status rta_negotiation_list_lines(rta_store *store, const char *list_ref, const char *viewer,
                                      rta_lines *out, char market[3], char partner[3],
                                      rta_error *err)
{
    out->items = NULL;
    out->count = 0;
    sqlite3 *db = NULL;
    rta_neg_list l;
    int64_t nid = 0;
    rta_status st = open_db(store, &db, err);
    if (st != RTA_OK || (st = load_list(db, list_ref, viewer, &l, &nid, err)) != RTA_OK)
        return st;
    sqlite3_stmt *q;
    if ((st = prepare(db, "SELECT party, market FROM negotiation_party WHERE negotiation_id = ?",
                      nid, "reading parties", &q, err)) != RTA_OK)
        return st;
    char own_market[3] = "", other[3] = "", other_market[3] = "";
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(q, 0);
        const unsigned char *m = sqlite3_column_text(q, 1);
        if (p && strcmp(p, l.party) == 0) {
            copy(own_market, sizeof own_market, m);
        } else {
            copy(other, sizeof other, (const unsigned char *)p);
            copy(other_market, sizeof other_market, m);
        }
    }
    sqlite3_finalize(q);
    if (!own_market[0] || !other[0])
        return rta__error(err, RTA_ERR_STORE, "<list>", 0, 0,
                          "negotiation %s does not have two parties", l.negotiation);
    if (strcmp(l.kind, "offer") == 0) {
        /* P offers: P's market, the other party's goods */
        memcpy(market, own_market, 3);
        memcpy(partner, other, 3);
    } else {
        /* P requests: the other party's market, P's goods */
        memcpy(market, other_market, 3);
        memcpy(partner, l.party, 3);
    }
    return read_lines(db, l.id, l.versions, out, err);
}

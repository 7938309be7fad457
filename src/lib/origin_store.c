/*
 * origin_store.c - user rule sets in the store, and rule sets by name
 * (rta/verdict.h).
 *
 * Why: a negotiator writes a candidate rule set (say a US-Viet Nam draft) in
 * the plain syntax and wants to keep every version of it. The store keeps
 * the text itself, not a compiled form: the text is what people read and
 * diff, and compiling it again takes microseconds. A text is parsed before it
 * is stored, so a bad file changes nothing. The bundled agreements are not
 * copied into the store: they are read from the data folder the store was
 * imported from (meta data_dir), so a re-import never loses a user's sets
 * and never leaves a stale copy of the bundled ones.
 */
#include "rta/verdict.h"

#include "internal.h"
#include "snapshot_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *db_name(sqlite3 *db)
{
    const char *f = sqlite3_db_filename(db, "main");
    return f && f[0] ? f : "<store>";
}

static rta_status db_fail(sqlite3 *db, rta_error *err, const char *what)
{
    return rta__error(err, RTA_ERR_STORE, db_name(db), 0, 0, "%s: %s", what, sqlite3_errmsg(db));
}

int rta_ruleset_is_bundled(const char *name)
{
    return name && (strcmp(name, "ukvfta") == 0 || strcmp(name, "cptpp") == 0);
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

rta_status rta_origin_rules_add(rta_store *store, const char *name, const char *text, size_t len,
                                const char *source, const char *author, int *version,
                                rta_error *err)
{
    sqlite3 *db = rta__store_db(store);
    if (name == NULL || !valid_name(name))
        return rta__error(err, RTA_ERR_INVALID, "<name>", 0, 0,
                          "rule-set name \"%s\" must be 1 to 64 of a-z, 0-9, '_' and '-'",
                          name ? name : "");
    if (rta_ruleset_is_bundled(name))
        return rta__error(err, RTA_ERR_INVALID, "<name>", 0, 0,
                          "\"%s\" is a bundled rule set; choose another name", name);
    /* parse first: a bad file changes nothing */
    rta_ruleset *rs = NULL;
    rta_status st = rta_ruleset_parse(source && source[0] ? source : name, text, len, &rs, err);
    if (st != RTA_OK)
        return st;
    long nrules = (long)rta_ruleset_count(rs);
    rta_ruleset_free(rs);
    if (nrules == 0)
        return rta__error(err, RTA_ERR_INVALID, source && source[0] ? source : name, 0, 0,
                          "the file holds no rules");
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err, "starting a transaction");
    sqlite3_stmt *q = NULL;
    int v = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT coalesce(max(version), 0) + 1 FROM origin_ruleset "
                           "WHERE name = ?",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_fail(db, err, "reading rule-set versions");
        goto rollback;
    }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO origin_ruleset(name, version, text, author, created_at, "
                           "source, rules) VALUES(?,?,?,?,?,?,?)",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_fail(db, err, "storing the rule set");
        goto rollback;
    }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, v);
    /* 64-bit length: a cast to int would store a truncated text */
    sqlite3_bind_text64(q, 3, text, (sqlite3_uint64)len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text(q, 4, author && author[0] ? author : "unknown", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, source ? source : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 7, nrules);
    if (sqlite3_step(q) != SQLITE_DONE) {
        st = db_fail(db, err, "storing the rule set");
        goto rollback;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_fail(db, err, "committing the rule set");
        goto rollback;
    }
    if (version)
        *version = v;
    return RTA_OK;
rollback:
    sqlite3_finalize(q);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

rta_status rta_origin_rules_list(rta_store *store, rta_stored_ruleset **out, size_t *n,
                                 rta_error *err)
{
    sqlite3 *db = rta__store_db(store);
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, version, author, created_at, source, rules "
                           "FROM origin_ruleset ORDER BY name, version",
                           -1, &q, NULL) != SQLITE_OK)
        return db_fail(db, err, "listing rule sets");
    rta_stored_ruleset *v = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            rta_stored_ruleset *g = realloc(v, sizeof *g * cap);
            if (g == NULL) {
                free(v);
                sqlite3_finalize(q);
                return rta__error(err, RTA_ERR_NOMEM, db_name(db), 0, 0, "out of memory");
            }
            v = g;
        }
        rta_stored_ruleset *s = &v[len++];
        memset(s, 0, sizeof *s);
        copy_col(q, 0, s->name, sizeof s->name);
        s->version = sqlite3_column_int(q, 1);
        copy_col(q, 2, s->author, sizeof s->author);
        copy_col(q, 3, s->created_at, sizeof s->created_at);
        copy_col(q, 4, s->source, sizeof s->source);
        s->rules = (long)sqlite3_column_int64(q, 5);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        free(v);
        return db_fail(db, err, "listing rule sets");
    }
    *out = v;
    *n = len;
    return RTA_OK;
}

rta_status rta_origin_rules_get(rta_store *store, const char *name, int version,
                                rta_stored_ruleset *out, rta_error *err)
{
    sqlite3 *db = rta__store_db(store);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, version, author, created_at, source, rules, text "
                           "FROM origin_ruleset WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
                           "ORDER BY version DESC LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading a rule set");
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, version);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE)
            return db_fail(db, err, "reading a rule set");
        if (version)
            return rta__error(err, RTA_ERR_NOT_FOUND, "<rules>", 0, 0,
                              "rule set \"%s\" has no version %d (see `rta origin rules list`)",
                              name, version);
        return rta__error(err, RTA_ERR_NOT_FOUND, "<rules>", 0, 0,
                          "no rule set \"%s\": the bundled sets are ukvfta and cptpp; add one "
                          "with `rta origin rules add %s FILE`",
                          name, name);
    }
    copy_col(q, 0, out->name, sizeof out->name);
    out->version = sqlite3_column_int(q, 1);
    copy_col(q, 2, out->author, sizeof out->author);
    copy_col(q, 3, out->created_at, sizeof out->created_at);
    copy_col(q, 4, out->source, sizeof out->source);
    out->rules = (long)sqlite3_column_int64(q, 5);
    const unsigned char *t = sqlite3_column_text(q, 6);
    int tn = sqlite3_column_bytes(q, 6);
    out->text = malloc((size_t)tn + 1);
    if (out->text == NULL) {
        sqlite3_finalize(q);
        return rta__error(err, RTA_ERR_NOMEM, db_name(db), 0, 0, "out of memory");
    }
    memcpy(out->text, t ? (const char *)t : "", (size_t)tn);
    out->text[tn] = '\0';
    sqlite3_finalize(q);
    return RTA_OK;
}

rta_status rta_ruleset_resolve(rta_store *store, const char *name, int version, rta_ruleset **out,
                               rta_error *err)
{
    *out = NULL;
    if (rta_ruleset_is_bundled(name)) {
        if (version > 1)
            return rta__error(err, RTA_ERR_NOT_FOUND, "<rules>", 0, 0,
                              "the bundled rule set %s has one version", name);
        char dir[4096];
        rta_status st = rta_store_meta(store, "data_dir", dir, sizeof dir, err);
        if (st != RTA_OK)
            return st;
        return rta_ruleset_load_bundled(name, dir, out, err);
    }
    rta_stored_ruleset s;
    rta_status st = rta_origin_rules_get(store, name, version, &s, err);
    if (st != RTA_OK)
        return st;
    st = rta_ruleset_parse(s.name, s.text, strlen(s.text), out, err);
    free(s.text);
    return st;
}

/*
 * test_negotiation.c - the negotiation model (rta/negotiation.h) on a fresh
 * store: immutable versions, drafts invisible to the other delegation,
 * exchange, all-or-nothing writes, the outstanding query, status across
 * rounds, and who applies a list to whom.
 *
 * The store is a new file migrated to the current schema with two rows of the
 * country table typed from ISO 3166-1 (VN Viet Nam VNM 704, US United States
 * USA 840), so the test needs no import. Codes are real HS 2022 codes
 * (0901.11 coffee not roasted, 0801.32 cashew nuts shelled, 5201 cotton not
 * carded, 8802 aircraft); expected values are the CSV text times 10^6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/lines.h"
#include "rta/negotiation.h"
#include "rta/store.h"
#include "snapshot_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fx {
    char path[64];
    rta_store *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/rta-test-neg-XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(f->path);
    rta_error err;
    if (rta_store_open(f->path, RTA_STORE_READWRITE, &f->s, &err) != RTA_OK ||
        rta__store_migrate(rta__store_db(f->s), &err) != RTA_OK)
        return -1;
    if (sqlite3_exec(rta__store_db(f->s),
                     "INSERT INTO country VALUES('VN','VNM',704,'Viet Nam',NULL);"
                     "INSERT INTO country VALUES('US','USA',840,'United States',NULL);",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rta_store_close(f->s);
    unlink(f->path);
    free(f);
    return 0;
}

static rta_lines lines_of(const char *text)
{
    rta_lines l;
    rta_error err;
    if (rta_lines_parse("t.csv", text, strlen(text), &l, &err) != RTA_OK)
        fail_msg("%s", err.message);
    return l;
}

/* negotiation vn-us, rounds 1 (2025-05-01) and 2 (2025-06-10) */
static void base(rta_store *s)
{
    rta_error err;
    assert_int_equal(
        rta_negotiation_create(s, "vn-us", "VN,US", "Reciprocal trade", "tester", &err), RTA_OK);
    rta_neg_round r = {.number = 1, .level = RTA_ROUND_TECHNICAL};
    assert_int_equal(rta_date_parse("2025-05-01", &r.date, NULL), RTA_OK);
    snprintf(r.place, sizeof r.place, "Washington");
    assert_int_equal(rta_negotiation_round_add(s, "vn-us", &r, &err), RTA_OK);
    r.number = 2;
    r.level = RTA_ROUND_MINISTERIAL;
    assert_int_equal(rta_date_parse("2025-06-10", &r.date, NULL), RTA_OK);
    assert_int_equal(rta_negotiation_round_add(s, "vn-us", &r, &err), RTA_OK);
}

static const char vn_offer[] = "code,treatment,value,staging_years,description\n"
                               "5201,rate,0,0,Cotton\n"
                               "8802,rate,0,0,Aircraft\n"
                               "0901.11,cap,5,3,Coffee\n";

static void test_create_and_validate(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_negotiation n;
    assert_int_equal(rta_negotiation_get(f->s, "vn-us", &n, &err), RTA_OK);
    assert_string_equal(n.parties[0].code, "VN");
    assert_string_equal(n.parties[0].name, "Viet Nam");
    assert_string_equal(n.parties[1].market, "US");
    assert_int_equal(n.rounds, 2);
    /* bad inputs */
    assert_int_equal(rta_negotiation_create(f->s, "vn-us", "VN,US", NULL, "t", &err),
                     RTA_ERR_INVALID); /* exists */
    assert_int_equal(rta_negotiation_create(f->s, "Bad Name", "VN,US", NULL, "t", &err),
                     RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_create(f->s, "x", "VN,XX", NULL, "t", &err),
                     RTA_ERR_NOT_FOUND); /* not in the country table */
    assert_int_equal(rta_negotiation_create(f->s, "x", "VN,VN", NULL, "t", &err), RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_create(f->s, "x", "vn,us", NULL, "t", &err), RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_create(f->s, "x", "VN,US", NULL, "", &err),
                     RTA_ERR_INVALID); /* no author */
    rta_neg_round r = {.number = 3, .level = RTA_ROUND_TECHNICAL};
    assert_int_equal(rta_date_parse("2025-05-20", &r.date, NULL), RTA_OK);
    /* round 3 before round 2's date */
    assert_int_equal(rta_negotiation_round_add(f->s, "vn-us", &r, &err), RTA_ERR_INVALID);
    r.number = 2;
    assert_int_equal(rta_negotiation_round_add(f->s, "vn-us", &r, &err), RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_round_add(f->s, "nope", &r, &err), RTA_ERR_NOT_FOUND);
    rta_negotiation *all;
    size_t cnt;
    assert_int_equal(rta_negotiation_all(f->s, &all, &cnt, &err), RTA_OK);
    assert_int_equal(cnt, 1); /* the failed creations left nothing */
    free(all);
}

static void test_versions_are_immutable(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_lines v1 = lines_of(vn_offer);
    rta_lines v2 = lines_of("code,treatment,value\n5201,rate,0\n");
    int64_t id1, id2;
    int ver;
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v1, "an", "a.csv",
                                              "VN", &id1, &ver, &err),
                     RTA_OK);
    assert_int_equal(ver, 1);
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v2, "binh", "b.csv",
                                              "VN", &id2, &ver, &err),
                     RTA_OK);
    assert_int_equal(ver, 2);
    assert_true(id1 == id2);
    rta_lines got;
    assert_int_equal(
        rta_negotiation_list_version_lines(f->s, "vn-us/VN/1/offer", "VN", 1, &got, &err), RTA_OK);
    assert_int_equal(got.count, 3); /* version 1 unchanged */
    assert_string_equal(got.items[2].code, "090111");
    assert_int_equal(got.items[2].treatment, RTA_TREAT_CAP);
    assert_int_equal(got.items[2].value_millionths, 5000000);
    assert_int_equal(got.items[2].staging_years, 3);
    rta_lines_free(&got);
    assert_int_equal(
        rta_negotiation_list_version_lines(f->s, "vn-us/VN/1/offer", "VN", 0, &got, &err), RTA_OK);
    assert_int_equal(got.count, 1);
    rta_lines_free(&got);
    assert_int_equal(
        rta_negotiation_list_version_lines(f->s, "vn-us/VN/1/offer", "VN", 3, &got, &err),
        RTA_ERR_NOT_FOUND);
    rta_neg_version *vs;
    size_t n;
    assert_int_equal(rta_negotiation_list_versions(f->s, "vn-us/VN/1/offer", "VN", &vs, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 2);
    assert_string_equal(vs[0].author, "an");
    assert_string_equal(vs[1].author, "binh");
    assert_string_equal(vs[1].source, "b.csv");
    assert_int_equal(vs[0].line_count, 3);
    free(vs);
    /* the store itself refuses to rewrite history */
    sqlite3 *db = rta__store_db(f->s);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE negotiation_line SET value_millionths = 1", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM negotiation_list_version", NULL, NULL, NULL),
                         SQLITE_OK);
    rta_lines_free(&v1);
    rta_lines_free(&v2);
}

static void test_drafts_are_private(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_lines v = lines_of(vn_offer);
    /* the US may not write Viet Nam's list */
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v, "x", "a.csv",
                                              "US", NULL, NULL, &err),
                     RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v, "x", "a.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_OK);
    rta_neg_list l;
    assert_int_equal(rta_negotiation_list_get(f->s, "vn-us/VN/1/offer", "VN", &l, &err), RTA_OK);
    assert_string_equal(l.status, "draft");
    assert_int_equal(rta_negotiation_list_get(f->s, "vn-us/VN/1/offer", "US", &l, &err),
                     RTA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "draft"));
    assert_int_equal(rta_negotiation_list_get(f->s, "vn-us/VN/1/offer", "", &l, &err),
                     RTA_ERR_NOT_FOUND);
    rta_lines out;
    char market[3], partner[3];
    assert_int_equal(
        rta_negotiation_list_lines(f->s, "vn-us/VN/1/offer", "US", &out, market, partner, &err),
        RTA_ERR_NOT_FOUND);
    assert_null(out.items);
    rta_neg_list *ls;
    size_t n;
    assert_int_equal(rta_negotiation_lists(f->s, "vn-us", "US", &ls, &n, &err), RTA_OK);
    assert_int_equal(n, 0);
    free(ls);
    rta_neg_item *items;
    assert_int_equal(rta_negotiation_outstanding(f->s, "vn-us", NULL, "US", &items, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 0); /* the draft's lines do not leak through the query */
    rta_neg_items_free(items, n);
    /* only Viet Nam may exchange it; a draft cannot be withdrawn */
    assert_int_equal(rta_negotiation_list_exchange(f->s, "vn-us/VN/1/offer", "US", &err),
                     RTA_ERR_NOT_FOUND);
    assert_int_equal(rta_negotiation_list_withdraw(f->s, "vn-us/VN/1/offer", "VN", &err),
                     RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_list_exchange(f->s, "vn-us/VN/1/offer", "VN", &err), RTA_OK);
    assert_int_equal(rta_negotiation_list_get(f->s, "vn-us/VN/1/offer", "US", &l, &err), RTA_OK);
    assert_string_equal(l.status, "exchanged");
    assert_int_equal(rta_negotiation_list_exchange(f->s, "vn-us/VN/1/offer", "VN", &err),
                     RTA_ERR_INVALID);
    /* by id too */
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)l.id);
    assert_int_equal(rta_negotiation_list_lines(f->s, ref, "", &out, market, partner, &err),
                     RTA_OK);
    assert_int_equal(out.count, 3);
    assert_string_equal(market, "VN"); /* Viet Nam's offer: its tariff on US goods */
    assert_string_equal(partner, "US");
    rta_lines_free(&out);
    rta_lines_free(&v);
}

/* Review fix: versions written while a list was a draft are drafts. Viet
 * Nam drafts version 1 (3 lines), revises it to version 2 (1 line) and
 * exchanges; the US must not read version 1 (nor see its author or source
 * file in the version history). Version 3, written after the exchange, is a
 * tabled revision: the US reads it, and only it. Viet Nam reads everything. */
static void test_draft_versions_stay_private_after_exchange(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_lines v1 = lines_of(vn_offer);
    rta_lines v2 = lines_of("code,treatment,value\n5201,rate,0\n");
    const char *ref = "vn-us/VN/1/offer";
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v1, "an",
                                              "secret-first-draft.csv", "VN", NULL, NULL, &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v2, "binh", "b.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_list_exchange(f->s, ref, "VN", &err), RTA_OK);
    rta_lines got;
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "US", 1, &got, &err),
                     RTA_ERR_NOT_FOUND);
    assert_null(got.items);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "", 1, &got, &err),
                     RTA_ERR_NOT_FOUND);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "US", 0, &got, &err), RTA_OK);
    assert_int_equal(got.count, 1); /* version 2, the one on the table */
    rta_lines_free(&got);
    rta_neg_version *vs;
    size_t n;
    assert_int_equal(rta_negotiation_list_versions(f->s, ref, "US", &vs, &n, &err), RTA_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vs[0].version, 2);
    assert_string_equal(vs[0].source, "b.csv");
    free(vs);
    /* the owner keeps its whole history */
    assert_int_equal(rta_negotiation_list_versions(f->s, ref, "VN", &vs, &n, &err), RTA_OK);
    assert_int_equal(n, 2);
    free(vs);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "VN", 1, &got, &err), RTA_OK);
    assert_int_equal(got.count, 3);
    rta_lines_free(&got);
    /* a revision after the exchange is the owner's draft until it is exchanged:
     * the other delegation still reads version 2, the one on the table */
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v1, "an", "c.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_list_versions(f->s, ref, "US", &vs, &n, &err), RTA_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vs[0].version, 2);
    free(vs);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "US", 3, &got, &err),
                     RTA_ERR_NOT_FOUND);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "US", 0, &got, &err), RTA_OK);
    assert_int_equal(got.count, 1); /* still version 2 */
    rta_lines_free(&got);
    /* what the evaluation reads for the other delegation is the same version */
    char market[3], partner[3];
    assert_int_equal(rta_negotiation_list_lines(f->s, ref, "US", &got, market, partner, &err),
                     RTA_OK);
    assert_int_equal(got.count, 1);
    rta_lines_free(&got);
    /* exchanged again: version 3 is on the table, and version 2 stays readable */
    assert_int_equal(rta_negotiation_list_exchange(f->s, ref, "VN", &err), RTA_OK);
    assert_int_equal(rta_negotiation_list_exchange(f->s, ref, "VN", &err), RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_list_versions(f->s, ref, "US", &vs, &n, &err), RTA_OK);
    assert_int_equal(n, 2);
    assert_int_equal(vs[0].version, 2);
    assert_int_equal(vs[1].version, 3);
    free(vs);
    assert_int_equal(rta_negotiation_list_version_lines(f->s, ref, "US", 3, &got, &err), RTA_OK);
    assert_int_equal(got.count, 3);
    rta_lines_free(&got);
    rta_lines_free(&v1);
    rta_lines_free(&v2);
}

static void test_all_or_nothing(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    /* a bad file is refused by the reader (line 3, the value column) */
    rta_lines bad;
    const char *text = "code,treatment,value\n5201,rate,0\n8802,cut,150\n";
    assert_int_equal(rta_lines_parse("bad.csv", text, strlen(text), &bad, &err), RTA_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    /* a list built by hand with one bad line writes nothing */
    rta_lines v = lines_of(vn_offer);
    v.items[1].value_millionths = 2000 * INT64_C(1000000); /* 2000% */
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &v, "x", "a.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_ERR_RANGE);
    v.items[1].value_millionths = 0;
    /* an unknown round fails inside the transaction: nothing is left behind */
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 9, "offer", &v, "x", "a.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_ERR_NOT_FOUND);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(rta__store_db(f->s),
                                        "SELECT (SELECT count(*) FROM negotiation_list) + "
                                        "(SELECT count(*) FROM negotiation_list_version) + "
                                        "(SELECT count(*) FROM negotiation_line)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    rta_lines empty = {0};
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &empty, "x", "a.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_ERR_INVALID);
    rta_lines_free(&v);
}

static int find_item(const rta_neg_item *items, size_t n, const char *party, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].party, party) == 0 && strcmp(items[i].line.code, code) == 0)
            return (int)i;
    return -1;
}

static void test_outstanding_and_status_across_rounds(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_lines vn = lines_of(vn_offer);
    rta_lines us = lines_of("code,treatment,value\n080132,exempt,\n090111,exempt,\n");
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "VN", 1, "offer", &vn, "x", "a.csv",
                                              "VN", NULL, NULL, &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "US", 1, "offer", &us, "y", "b.csv",
                                              "US", NULL, NULL, &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_list_exchange(f->s, "vn-us/VN/1/offer", "VN", &err), RTA_OK);
    assert_int_equal(rta_negotiation_list_exchange(f->s, "vn-us/US/1/offer", "US", &err), RTA_OK);
    rta_neg_item *items;
    size_t n;
    assert_int_equal(rta_negotiation_outstanding(f->s, "vn-us", NULL, "US", &items, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 5); /* 3 + 2, nothing agreed yet */
    rta_neg_items_free(items, n);
    /* cotton agreed in round 1, coffee cap agreed in round 2 */
    assert_int_equal(
        rta_negotiation_line_status(f->s, "vn-us/VN/1/offer", "US", "5201", "agreed", 1, "y", &err),
        RTA_OK);
    assert_int_equal(rta_negotiation_line_status(f->s, "vn-us/VN/1/offer", "VN", "0901.11",
                                                 "agreed", 0, "x", &err),
                     RTA_OK);
    assert_int_equal(
        rta_negotiation_line_status(f->s, "vn-us/VN/1/offer", "VN", "0101", "agreed", 0, "x", &err),
        RTA_ERR_NOT_FOUND); /* no such line */
    assert_int_equal(
        rta_negotiation_line_status(f->s, "vn-us/VN/1/offer", "VN", "5201", "done", 0, "x", &err),
        RTA_ERR_INVALID);
    assert_int_equal(rta_negotiation_outstanding(f->s, "vn-us", "VN", "US", &items, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 1); /* only aircraft is open on Viet Nam's side */
    assert_string_equal(items[0].line.code, "8802");
    assert_int_equal(items[0].last_round, 1);
    rta_neg_items_free(items, n);
    /* round 2: cotton reopened; it is open again, last touched in round 2 */
    assert_int_equal(rta_negotiation_line_status(f->s, "vn-us/VN/1/offer", "US", "5201",
                                                 "outstanding", 2, "y", &err),
                     RTA_OK);
    /* the US withdraws its cashew line in round 2 */
    assert_int_equal(rta_negotiation_line_status(f->s, "vn-us/US/1/offer", "US", "080132",
                                                 "withdrawn", 2, "y", &err),
                     RTA_OK);
    assert_int_equal(rta_negotiation_outstanding(f->s, "vn-us", NULL, "VN", &items, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 3); /* VN 5201, VN 8802, US 090111 */
    int k = find_item(items, n, "VN", "5201");
    assert_true(k >= 0);
    assert_int_equal(items[k].last_round, 2);
    assert_int_equal(items[k].list_round, 1);
    k = find_item(items, n, "US", "090111");
    assert_true(k >= 0);
    assert_int_equal(items[k].line.treatment, RTA_TREAT_EXEMPT);
    assert_int_equal(find_item(items, n, "US", "080132"), -1);
    rta_neg_items_free(items, n);
    /* a withdrawn list leaves the table; its versions stay readable */
    assert_int_equal(rta_negotiation_list_withdraw(f->s, "vn-us/US/1/offer", "US", &err), RTA_OK);
    assert_int_equal(rta_negotiation_outstanding(f->s, "vn-us", "US", "VN", &items, &n, &err),
                     RTA_OK);
    assert_int_equal(n, 0);
    rta_neg_items_free(items, n);
    rta_lines got;
    char market[3], partner[3];
    assert_int_equal(
        rta_negotiation_list_lines(f->s, "vn-us/US/1/offer", "VN", &got, market, partner, &err),
        RTA_OK);
    assert_int_equal(got.count, 2);
    assert_string_equal(market, "US"); /* the US offer: its tariff on Vietnamese goods */
    assert_string_equal(partner, "VN");
    rta_lines_free(&got);
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "US", 1, "offer", &us, "y", "b.csv",
                                              "US", NULL, NULL, &err),
                     RTA_ERR_INVALID); /* no new version of a withdrawn list */
    rta_lines_free(&vn);
    rta_lines_free(&us);
}

static void test_request_applies_in_the_other_market(void **state)
{
    fx *f = *state;
    rta_error err;
    base(f->s);
    rta_lines req = lines_of("code,treatment,value\n8802,rate,0\n");
    assert_int_equal(rta_negotiation_list_add(f->s, "vn-us", "US", 2, "request", &req, "y", "r.csv",
                                              "US", NULL, NULL, &err),
                     RTA_OK);
    rta_lines got;
    char market[3], partner[3];
    assert_int_equal(
        rta_negotiation_list_lines(f->s, "vn-us/US/2/request", "US", &got, market, partner, &err),
        RTA_OK);
    assert_string_equal(market, "VN");  /* the US asks Viet Nam to cut its tariff */
    assert_string_equal(partner, "US"); /* on US goods */
    rta_lines_free(&got);
    assert_int_equal(
        rta_negotiation_list_lines(f->s, "vn-us/US/2/nope", "US", &got, market, partner, &err),
        RTA_ERR_INVALID);
    assert_int_equal(
        rta_negotiation_list_lines(f->s, "vn-us/US/3/request", "US", &got, market, partner, &err),
        RTA_ERR_NOT_FOUND);
    rta_lines_free(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_validate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_are_immutable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drafts_are_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draft_versions_stay_private_after_exchange, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outstanding_and_status_across_rounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_applies_in_the_other_market, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

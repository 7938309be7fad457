/*
 * test_measures.c - the measure file reader: every fault named with file,
 * line and column, and nothing half-imported (the caller's transaction).
 * The rows are written here; the header is the one of data/measures/README.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "measure_internal.h"
#include "snapshot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char header[] =
    "id,authority,heading,origins,products,except,rate,method,group,priority,condition,base,"
    "excluded_by,from,to,collect_to,transit_loaded_before,transit_entered_before,certainty,"
    "source,note\n";

static char dir[64];
static sqlite3 *db;

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rta-measures-%ld", (long)getpid());
    char path[256];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/measures", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/measures/lists", dir);
    mkdir(path, 0700);
    put("measures/lists/demo.csv", "# source: test\nhts,from,to\n6109,,\n");
    put("measures/fees.csv", "fee,rate,min_usd,max_usd,modes,from,to,source\n"
                             "hmf,0.125,,,ocean,1991-01-01,,19 CFR 24.24\n");
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || rta__store_migrate(db, NULL) != RTA_OK)
        return -1;
    sqlite3_exec(db,
                 "INSERT INTO country VALUES('VN','VNM',704,'Viet Nam',NULL);"
                 "INSERT INTO country VALUES('CA','CAN',124,'Canada',NULL);",
                 NULL, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Imports header + rows inside a savepoint that is rolled back; returns the status. */
static rta_status import(const char *rows, rta_error *err)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", header, rows);
    put("measures/measures.csv", text);
    sqlite3_exec(db, "SAVEPOINT t", NULL, NULL, NULL);
    long m = 0, l = 0;
    rta_error_clear(err);
    rta_status st = rta__import_measures(db, dir, &m, &l, err);
    sqlite3_exec(db, "ROLLBACK TO t; RELEASE t", NULL, NULL, NULL);
    return st;
}

#define OK_ROW(id, excl)                                                                           \
    id ",ieepa_recip,9903.02.69,VN,*,,20,add,recip,2,,value," excl                                 \
       ",2025-08-07,,,,,high,EO 14326,\n"

static void accepts_a_valid_row(void **state)
{
    (void)state;
    rta_error err;
    rta_status st = import(OK_ROW("vn-20", "") "base,ieepa_recip,9903.01.25,ALL -CA,@demo,,10,"
                                               "add,recip,1,,value -us_content,s232 vn-20,"
                                               "2025-04-05,2026-02-19,2026-02-23,2025-04-05,,"
                                               "high,EO 14257,\n",
                           &err);
    if (st != RTA_OK)
        fail_msg("%s:%ld:%ld: %s", err.input, err.line, err.column, err.message);
}

static void names_line_and_column(void **state)
{
    (void)state;
    rta_error err;
    /* line 3, column 2: an authority that does not exist */
    assert_int_equal(import(OK_ROW("a", "") "b,tariff,,VN,*,,10,add,,0,,value,,2025-01-01,,,,,"
                                            "high,src,\n",
                            &err),
                     RTA_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.input, "measures.csv"));
    /* a list that is not bundled */
    assert_int_equal(
        import("x,s232,,VN,@nolist,,25,add,,0,,value,,2025-01-01,,,,,high,src,\n", &err),
        RTA_ERR_PARSE);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "nolist"));
    /* a date that does not exist */
    assert_int_equal(import("x,s232,,VN,*,,25,add,,0,,value,,2025-02-30,,,,,high,src,\n", &err),
                     RTA_ERR_PARSE);
    assert_int_equal(err.column, 14);
    /* no source: every row names its legal source */
    assert_int_equal(import("x,s232,,VN,*,,25,add,,0,,value,,2025-02-01,,,,,high,,\n", &err),
                     RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "source"));
    /* ALL with other codes, and -ALL */
    assert_int_equal(import("x,s232,,ALL VN,*,,25,add,,0,,value,,2025-02-01,,,,,high,s,\n", &err),
                     RTA_ERR_PARSE);
    assert_int_equal(import("x,s232,,-ALL,*,,25,add,,0,,value,,2025-02-01,,,,,high,s,\n", &err),
                     RTA_ERR_PARSE);
    /* the same id twice */
    assert_int_equal(import(OK_ROW("a", "") OK_ROW("a", ""), &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "twice"));
}

static void refuses_unknown_and_cyclic_references(void **state)
{
    (void)state;
    rta_error err;
    assert_int_equal(import(OK_ROW("a", "nosuch"), &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "nosuch"));
    assert_int_equal(import(OK_ROW("a", "a"), &err), RTA_ERR_PARSE); /* itself */
    assert_non_null(strstr(err.message, "cycle"));
    assert_int_equal(import(OK_ROW("a", "b") OK_ROW("b", "c") OK_ROW("c", "a"), &err),
                     RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "cycle"));
    assert_int_equal(err.column, 13);
    assert_int_equal(import(OK_ROW("a", "b") OK_ROW("b", "c") OK_ROW("c", ""), &err), RTA_OK);
}

static void checks_fees(void **state)
{
    (void)state;
    rta_error err;
    put("measures/fees.csv", "fee,rate,min_usd,max_usd,modes,from,to,source\n"
                             "hmf,0.125,,,ocaen,1991-01-01,,19 CFR 24.24\n");
    assert_int_equal(import(OK_ROW("a", ""), &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "ocaen"));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 5);
    put("measures/fees.csv", "fee,rate,min_usd,max_usd,modes,from,to,source\n"
                             "mpf,0.3464,33.58,651.5x,ocean,2025-10-01,2026-09-30,CBP\n");
    assert_int_equal(import(OK_ROW("a", ""), &err), RTA_ERR_PARSE);
    assert_int_equal(err.column, 4);
    put("measures/fees.csv", "fee,rate,min_usd,max_usd,modes,from,to,source\n"
                             "hmf,0.125,,,ocean,1991-01-01,,19 CFR 24.24\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_valid_row),
        cmocka_unit_test(names_line_and_column),
        cmocka_unit_test(refuses_unknown_and_cyclic_references),
        cmocka_unit_test(checks_fees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

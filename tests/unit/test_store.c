/*
 * test_store.c - the imported store and its snapshot, checked against the
 * published schedule. RTA_TEST_NEEDS_STORE: runs after the `store_import`
 * fixture has imported the bundled data into RTA_TEST_DB.
 *
 * Expected values are typed from the USITC HTS (2025 basic edition and
 * revisions, as bundled): 6109.10.00 "Of cotton" General 16.5%, Column 2 90%,
 * Special "Free (AU,BH,CL,CO,IL,JO,KR,MA,OM,P,PA,PE,S,SG)"; statistical line
 * 6109.10.00.12 "Men's (338)" in doz. and kg under "Men's or boys':" /
 * "Other T-shirts:"; 0702.00.20 General 3.9¢/kg; 9903.01.25 "+ 10%"
 * (EO 14257 baseline); 9903.02.69 "+ 20%" (EO 14326, Viet Nam) from
 * 2025_rev_18. HS 2022 counts as bundled (UN Comtrade H6: the WCO's 96
 * chapters plus Comtrade's 99 with its pseudo-codes 9999 and 999999):
 * 97 chapters, 1,229 headings, 5,613 subheadings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/hts.h"
#include "rta/nomenclature.h"
#include "rta/snapshot.h"
#include "rta/store.h"
#include "snapshot_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static rta_snapshot *snap;

static int setup(void **state)
{
    (void)state;
    rta_error err;
    if (rta_snapshot_load(RTA_TEST_DB, &snap, &err) != RTA_OK) {
        char buf[1024];
        fprintf(stderr, "cannot load %s: %s\n", RTA_TEST_DB,
                rta_error_format(&err, buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rta_snapshot_free(snap);
    return 0;
}

static int rev_on(const char *date)
{
    rta_day d;
    assert_int_equal(rta_date_parse(date, &d, NULL), RTA_OK);
    return rta_snapshot_revision_on(snap, d);
}

static const char *rev_name(int i)
{
    static rta_revision r;
    assert_true(rta_snapshot_revision(snap, i, &r));
    return r.name;
}

static void revisions_are_dated(void **state)
{
    (void)state;
    /* 2024 basic + 33 of 2025 (basic, rev 1-32) + 11 of 2026 (basic, rev 1-10) */
    assert_int_equal(rta_snapshot_revision_count(snap), 45);
    assert_int_equal(rev_on("2023-12-31"), -1);
    assert_string_equal(rev_name(rev_on("2024-06-01")), "2024_basic");
    assert_string_equal(rev_name(rev_on("2025-01-01")), "2025_basic");
    assert_string_equal(rev_name(rev_on("2025-08-06")), "2025_rev_17");
    assert_string_equal(rev_name(rev_on("2025-08-07")), "2025_rev_18");
    assert_string_equal(rev_name(rev_on("2026-05-25")), "2026_rev_8");
    assert_string_equal(rev_name(rev_on("2026-11-22")), "2026_rev_10");
    rta_revision r;
    assert_true(rta_snapshot_revision(snap, rta_snapshot_revision_find(snap, "2025_rev_17"), &r));
    char buf[16];
    assert_string_equal(rta_date_format(r.until, buf, sizeof buf), "2025-08-06");
    assert_true(r.has_policy_date);
    assert_string_equal(rta_date_format(r.policy_date, buf, sizeof buf), "2025-08-01");
}

static void tshirt_line(void **state)
{
    (void)state;
    rta_code c;
    rta_hts_line l;
    rta_error err;
    assert_int_equal(rta_code_parse("6109.10.00.12", &c, NULL), RTA_OK);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-08-07"), &c, &l, &err), RTA_OK);
    assert_string_equal(l.description, "Men's (338)");
    assert_int_equal(l.nunits, 2);
    assert_string_equal(l.units[0], "doz.");
    assert_string_equal(l.units[1], "kg");
    assert_string_equal(l.rate[RTA_COL_GENERAL], "16.5%");
    assert_true(l.rate_inherited[RTA_COL_GENERAL]);
    assert_string_equal(l.rate_from[RTA_COL_GENERAL].digits, "61091000");
    assert_string_equal(l.rate[RTA_COL_COLUMN2], "90%");
    assert_string_equal(l.rate[RTA_COL_SPECIAL], "Free (AU,BH,CL,CO,IL,JO,KR,MA,OM,P,PA,PE,S,SG)");
    const char *desc[16];
    rta_code codes[16];
    int n = rta_hts_path(snap, &l, desc, codes, 16);
    assert_int_equal(n, 6);
    assert_string_equal(codes[0].digits, "61"); /* chapter from HS 2022 */
    assert_string_equal(codes[1].digits, "6109");
    assert_string_equal(desc[2], "Of cotton");
    assert_string_equal(desc[3], "Men's or boys':");
    assert_string_equal(desc[4], "Other T-shirts:");
    assert_string_equal(desc[5], "Men's (338)");
    /* the 8-digit line carries the Section 301 list 4A footnote */
    rta_hts_line parent;
    assert_int_equal(rta_code_parse("6109.10.00", &c, NULL), RTA_OK);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-08-07"), &c, &parent, &err), RTA_OK);
    assert_true(parent.nfootnotes >= 1);
    rta_hts_footnote f;
    assert_true(rta_hts_footnote_get(snap, &parent, 0, &f));
    assert_string_equal(f.ch99, "99038815");
}

static void specific_rate_and_chapter_99(void **state)
{
    (void)state;
    rta_code c;
    rta_hts_line l;
    assert_int_equal(rta_code_parse("0702.00.20", &c, NULL), RTA_OK);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-03-01"), &c, &l, NULL), RTA_OK);
    assert_string_equal(l.rate[RTA_COL_GENERAL], "3.9¢/kg");
    assert_false(l.rate_inherited[RTA_COL_GENERAL]);
    assert_int_equal(rta_code_parse("9903.01.25", &c, NULL), RTA_OK);
    /* not yet in the schedule of 2025-01-01, printed from 2025_rev_7 (2025-04-02) */
    assert_int_equal(rta_hts_find(snap, rev_on("2025-01-01"), &c, &l, NULL), RTA_ERR_NOT_FOUND);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-04-05"), &c, &l, NULL), RTA_OK);
    assert_string_equal(l.rate[RTA_COL_GENERAL],
                        "The duty provided in the applicable subheading + 10%");
    assert_int_equal(rta_code_parse("9903.02.69", &c, NULL), RTA_OK);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-08-06"), &c, &l, NULL), RTA_ERR_NOT_FOUND);
    assert_int_equal(rta_hts_find(snap, rev_on("2025-08-07"), &c, &l, NULL), RTA_OK);
    assert_string_equal(l.rate[RTA_COL_GENERAL],
                        "The duty provided in the applicable subheading + 20%");
}

static void unknown_codes_get_neighbours(void **state)
{
    (void)state;
    rta_code c, near[5];
    rta_hts_line l;
    rta_error err;
    int rev = rev_on("2025-08-07");
    assert_int_equal(rta_code_parse("6109.10.00.99", &c, NULL), RTA_OK);
    assert_int_equal(rta_hts_find(snap, rev, &c, &l, &err), RTA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "6109.10.00.99"));
    int n = rta_hts_suggest(snap, rev, &c, near, 5);
    assert_int_equal(n, 5);
    /* the closest existing statistical line is 6109.10.00.70 "Other (339)" */
    assert_string_equal(near[0].digits, "6109100070");
    /* an HS subheading has its US lines under it */
    assert_int_equal(rta_code_parse("610910", &c, NULL), RTA_OK);
    assert_true(rta_hts_lines_under(snap, rev, &c, NULL, 0) > 10);
}

static void search_finds_tshirts(void **state)
{
    (void)state;
    rta_hts_hit hits[10];
    int n = rta_hts_search(snap, rev_on("2025-08-07"), "cotton t-shirts men", hits, 10);
    assert_true(n > 0);
    int found = 0;
    for (int i = 0; i < n; i++)
        found |= strcmp(hits[i].line.code.digits, "6109100012") == 0;
    assert_true(found);
    assert_int_equal(rta_hts_search(snap, 0, "zzzqqqxxx", hits, 10), 0);
}

static void nomenclature_and_countries(void **state)
{
    (void)state;
    assert_int_equal(rta_hs_count(snap, 2), 97);
    assert_int_equal(rta_hs_count(snap, 4), 1229);
    assert_int_equal(rta_hs_count(snap, 6), 5613);
    rta_code c;
    rta_hs_entry e;
    int exact;
    assert_int_equal(rta_code_parse("6109.10.00.12", &c, NULL), RTA_OK);
    assert_int_equal(rta_hs_find(snap, &c, &e, &exact, NULL), RTA_OK);
    assert_string_equal(e.code.digits, "610910");
    assert_false(exact);
    assert_string_equal(e.section, "XI");
    rta_country vn, mt;
    assert_int_equal(rta_country_find(snap, "vn", &vn, NULL), RTA_OK);
    assert_string_equal(vn.iso3, "VNM");
    assert_int_equal(vn.census_code, 5520); /* Census Schedule C: Vietnam */
    assert_false(vn.eu27);
    /* Malta is Census 4730 (the source EU table said 4600; corrected) */
    assert_int_equal(rta_country_find(snap, "4730", &mt, NULL), RTA_OK);
    assert_string_equal(mt.iso2, "MT");
    assert_true(mt.eu27);
    rta_error err;
    assert_int_equal(rta_country_find(snap, "XX", &mt, &err), RTA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "\"XX\""));
}

/* The image stored by the import equals a rebuild from the tables. */
static void image_matches_tables(void **state)
{
    (void)state;
    rta_store *store;
    rta_snapshot *rebuilt;
    assert_int_equal(rta_store_open(RTA_TEST_DB, RTA_STORE_READONLY, &store, NULL), RTA_OK);
    assert_int_equal(rta_store_schema_version(store), RTA_SCHEMA_VERSION);
    assert_int_equal(rta_snapshot_rebuild(store, &rebuilt, NULL), RTA_OK);
    assert_int_equal(rta_snapshot_bytes(rebuilt), rta_snapshot_bytes(snap));
    assert_memory_equal(rebuilt->image, snap->image, snap->size);
    rta_snapshot_free(rebuilt);
    rta_store_close(store);
}

/* A damaged or hostile image is refused, never trusted. */
static void damaged_image_is_refused(void **state)
{
    (void)state;
    unsigned char *copy = malloc(snap->size);
    assert_non_null(copy);
    /* flip a byte in the rows: the checksum catches it */
    memcpy(copy, snap->image, snap->size);
    snap_header h;
    memcpy(&h, copy, sizeof h);
    copy[h.sec[SEC_ROWS].offset + 100] ^= 0x5A;
    rta_snapshot *s = NULL;
    rta_error err;
    assert_int_equal(rta__snapshot_from_image(copy, snap->size, &s, &err), RTA_ERR_STORE);
    assert_non_null(strstr(err.message, "damaged"));
    /* a section pointing outside the image is refused before anything reads it */
    copy = malloc(snap->size);
    memcpy(copy, snap->image, snap->size);
    h.sec[SEC_STRINGS].size = (uint64_t)snap->size * 4;
    memcpy(copy, &h, sizeof h);
    assert_int_equal(rta__snapshot_from_image(copy, snap->size, &s, &err), RTA_ERR_STORE);
    /* a truncated image */
    copy = malloc(16);
    memcpy(copy, snap->image, 16);
    assert_int_equal(rta__snapshot_from_image(copy, 16, &s, &err), RTA_ERR_STORE);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A failing import names the file and line and leaves the store as it was. */
static void failed_import_keeps_previous_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/rta-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[512], data[512], path[1024], cmd[2048];
    snprintf(db, sizeof db, "%s/copy.db", dir);
    snprintf(data, sizeof data, "%s/data", dir);
    copy_file(RTA_TEST_DB, db);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/hts/revisions && cp -r %s/hs2022 %s/country_codes %s/",
             data, RTA_TEST_DATA_DIR, RTA_TEST_DATA_DIR, data);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/hts/revisions.csv", data);
    write_file(path, "name,edition,format,file,effective_date,policy_effective_date,note\n"
                     "2025_basic,2025,usitc_json,revisions/bad.json,2025-01-01,,\n");
    snprintf(path, sizeof path, "%s/hts/revisions/bad.json", data);
    write_file(path, "[\n{\"htsno\": \"0101\", \"indent\": \"0\", \"description\": \"ok\"},\n"
                     "{\"htsno\": \"01O1.21\", \"indent\": \"1\"}\n]\n");
    rta_import_options opt = {data, NULL, NULL};
    rta_error err;
    assert_int_equal(rta_store_import(db, &opt, NULL, &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.input, "bad.json"));
    assert_int_equal(err.line, 3);
    /* the copy still holds the full import */
    rta_snapshot *s;
    assert_int_equal(rta_snapshot_load(db, &s, &err), RTA_OK);
    assert_int_equal(rta_snapshot_revision_count(s), 45);
    rta_snapshot_free(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A kill in the middle of an import leaves the previous store intact. */
static void killed_import_keeps_previous_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/rta-kill-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[512], cmd[2048];
    snprintf(db, sizeof db, "%s/copy.db", dir);
    copy_file(RTA_TEST_DB, db);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        rta_import_options opt = {RTA_TEST_DATA_DIR, NULL, NULL};
        rta_store_import(db, &opt, NULL, NULL);
        _exit(0);
    }
    /* let it delete the old rows and write new ones, then kill it */
    struct timespec ts = {1, 500000000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status)); /* it really was killed mid-import */
    rta_snapshot *s;
    rta_error err;
    assert_int_equal(rta_snapshot_load(db, &s, &err), RTA_OK);
    assert_int_equal(rta_snapshot_revision_count(s), 45);
    rta_code c;
    rta_hts_line l;
    rta_code_parse("6109.10.00.12", &c, NULL);
    assert_int_equal(rta_hts_find(s, 1, &c, &l, NULL), RTA_OK);
    rta_snapshot_free(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The cache file beside the store is used only when it is the committed
 * image: a damaged or foreign cache falls back to the store, same answers. */
static void stale_cache_is_ignored(void **state)
{
    (void)state;
    char dir[] = "/tmp/rta-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[512], cache[600], cmd[2048];
    snprintf(db, sizeof db, "%s/copy.db", dir);
    snprintf(cache, sizeof cache, "%s.snapshot", db);
    copy_file(RTA_TEST_DB, db);
    /* no cache at all */
    rta_snapshot *s;
    assert_int_equal(rta_snapshot_load(db, &s, NULL), RTA_OK);
    assert_int_equal(rta_snapshot_bytes(s), rta_snapshot_bytes(snap));
    rta_snapshot_free(s);
    /* a cache with one byte changed in the rows */
    unsigned char *copy = malloc(snap->size);
    memcpy(copy, snap->image, snap->size);
    snap_header h;
    memcpy(&h, copy, sizeof h);
    copy[h.sec[SEC_ROWS].offset + 7] ^= 1;
    FILE *f = fopen(cache, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(copy, 1, snap->size, f), snap->size);
    fclose(f);
    free(copy);
    assert_int_equal(rta_snapshot_load(db, &s, NULL), RTA_OK);
    assert_memory_equal(s->image, snap->image, snap->size); /* read from the store instead */
    rta_snapshot_free(s);
    /* a truncated cache */
    f = fopen(cache, "wb");
    fwrite(snap->image, 1, 100, f);
    fclose(f);
    assert_int_equal(rta_snapshot_load(db, &s, NULL), RTA_OK);
    assert_memory_equal(s->image, snap->image, snap->size);
    rta_snapshot_free(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void missing_store_is_a_clear_error(void **state)
{
    (void)state;
    rta_snapshot *s;
    rta_error err;
    assert_int_equal(rta_snapshot_load("/nonexistent/rta.db", &s, &err), RTA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "rta import"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(revisions_are_dated),
        cmocka_unit_test(tshirt_line),
        cmocka_unit_test(specific_rate_and_chapter_99),
        cmocka_unit_test(unknown_codes_get_neighbours),
        cmocka_unit_test(search_finds_tshirts),
        cmocka_unit_test(nomenclature_and_countries),
        cmocka_unit_test(image_matches_tables),
        cmocka_unit_test(damaged_image_is_refused),
        cmocka_unit_test(failed_import_keeps_previous_store),
        cmocka_unit_test(killed_import_keeps_previous_store),
        cmocka_unit_test(stale_cache_is_ignored),
        cmocka_unit_test(missing_store_is_a_clear_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

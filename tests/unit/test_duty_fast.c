/*
 * test_duty_fast.c - the batch fast path gives the full engine's cents.
 * RTA_TEST_NEEDS_STORE (the store_import fixture).
 *
 * The fast path (src/lib/duty_fast.c) replays the engine's rules from masks
 * and memoised resolutions; rta__duty_compute is the reference, itself tested
 * against the legal sources in test_duty.c. Here both run on the same
 * batches, built from the real 2024 import cells of the store (HS10 x
 * partner, table partner_import) on dates spread over 2025-2026, and the
 * outputs must be byte for byte the same: every amount, every error row.
 * The batches also hold the shapes the fast path hands back (contents,
 * programs, export dates, tiny values, Column 2 origins, quoted fields, CRLF)
 * and are read in small blocks so that records straddle block ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "duty_internal.h"
#include "rta/duty.h"
#include "rta/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duty_fixture.h"

typedef struct text {
    char *data;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[512];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof line);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->data = realloc(t->data, t->cap);
        assert_non_null(t->data);
    }
    memcpy(t->data + t->len, line, (size_t)n + 1);
    t->len += (size_t)n;
}

/* The errors and warnings a batch reports, in the order reported, as text
 * ("file:line:column: message"): their order and lines must not depend on the
 * threads either. */
static void count_error(void *ctx, const rta_error *err)
{
    put(ctx, "%s:%ld:%d: %s\n", err->input, err->line, err->column, err->message);
}

/* Runs the batch `in` and returns its output (malloc'ed); *errors gets the
 * reports (freed by the caller). */
static char *run_batch(const text *in, int full_engine, int threads, rta_batch_report *rep,
                       text *errors)
{
    FILE *fin = fmemopen(in->data, in->len, "r");
    assert_non_null(fin);
    char *out = NULL;
    size_t outlen = 0;
    FILE *fout = open_memstream(&out, &outlen);
    assert_non_null(fout);
    *errors = (text){calloc(1, 1), 0, 1};
    assert_non_null(errors->data);
    rta_batch_options b = {RTA_BATCH_DUTY, 0,      threads,     "fast.csv",
                           count_error,    errors, full_engine, 0};
    rta_error err;
    rta_status st = rta_duty_batch(duty, fin, fout, NULL, &b, rep, &err);
    if (st != RTA_OK)
        fprintf(stderr, "batch: %s\n", err.message);
    assert_int_equal(st, RTA_OK);
    fclose(fin);
    fclose(fout);
    return out;
}

/* The real cells: the largest and a spread of the others. */
static void add_cells(text *t, int n)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(RTA_TEST_DB, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    const char *sql = "SELECT p.hs10, t.iso2, p.value_usd FROM partner_import p"
                      " JOIN trade_partner t ON t.year = p.year AND t.census_code = p.census_code"
                      " WHERE p.year = 2024 AND t.iso2 IN (SELECT iso2 FROM country)"
                      " ORDER BY (p.value_usd * 2654435761 + p.census_code) % 1000003 LIMIT ?";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int(q, 1, n);
    int k = 0;
    static const char *const shapes[] = {"",    "",        "",       "",       "",
                                         "",    "",        "",       "",       "transshipped",
                                         "air", "other",   "tiny",   "zero",   "steel",
                                         "us",  "program", "export", "quoted", "crlf"};
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *hs10 = (const char *)sqlite3_column_text(q, 0);
        const char *cc = (const char *)sqlite3_column_text(q, 1);
        long long usd = sqlite3_column_int64(q, 2);
        /* a date every 37 days round 2025-2026, so all the epochs appear */
        int day = (k * 37) % 730;
        int y = 2025 + day / 365, doy = day % 365;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int m = 0;
        while (doy >= mdays[m])
            doy -= mdays[m++];
        char date[40];
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m + 1, doy + 1);
        long long cents = (usd % 5000000) * 100 + k % 100 + 1; /* up to $5 million */
        const char *shape = shapes[k % (int)(sizeof shapes / sizeof shapes[0])];
        const char *trans = strcmp(shape, "transshipped") == 0 ? "true" : "";
        const char *mode = strcmp(shape, "air") == 0     ? "air"
                           : strcmp(shape, "other") == 0 ? "other"
                                                         : "";
        if (k % 97 == 0) /* past 9,223,372,036 cents: the 128-bit products of both paths */
            cents = 9300000000LL + k;
        if (strcmp(shape, "tiny") == 0)
            cents = 1;
        if (strcmp(shape, "zero") == 0)
            cents = 0;
        char steel[32] = "", us[32] = "", export_date[16] = "";
        if (strcmp(shape, "steel") == 0)
            snprintf(steel, sizeof steel, "%lld.%02lld", cents / 200, cents / 2 % 100);
        if (strcmp(shape, "us") == 0)
            snprintf(us, sizeof us, "%lld.%02lld", cents / 400, cents / 4 % 100);
        if (strcmp(shape, "export") == 0)
            snprintf(export_date, sizeof export_date, "2025-03-01");
        const char *program = strcmp(shape, "program") == 0 ? "S" : "";
        if (strcmp(shape, "quoted") == 0)
            put(t, "\"Q%d, \"\"quoted\"\"\n2 lines\",%s,%s,%s,%lld.%02lld,,,,,,,,\n", k, date, hs10,
                cc, cents / 100, cents % 100);
        else
            put(t, "E%d,%s,%s,%s,%lld.%02lld,%s,%s,%s,%s,%s,%s%s\n", k, date, hs10, cc, cents / 100,
                cents % 100, steel, us, program, trans, mode, export_date,
                strcmp(shape, "crlf") == 0 ? "\r" : "");
        k++;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    assert_true(k > 1000);
}

static void test_fast_equals_full(void **state)
{
    (void)state;
    text in = {0};
    put(&in, "entry_id,date,hts,origin,value,steel,us_content,program,transshipped,mode,"
             "export_date\n");
    add_cells(&in, 20000);
    /* Column 2 origins and a line that does not exist, through both paths */
    put(&in, "C1,2025-06-01,6109100012,RU,1000.00,,,,,,\n");
    put(&in, "C2,2025-09-01,8517130000,KP,1000.00,,,,,,\n");
    put(&in, "X1,2025-06-01,6109100099,VN,1000.00,,,,,,\n");
    rta__batch_block_bytes = 4096; /* many blocks; records straddle their ends */
    rta_batch_report full, fast, fast2, fast4;
    text efull, efast, efast2, efast4;
    char *a = run_batch(&in, 1, 1, &full, &efull);
    char *b = run_batch(&in, 0, 1, &fast, &efast);
    char *c = run_batch(&in, 0, 2, &fast2, &efast2);
    /* four workers, the third block's slow (it waits until a later block is
     * parked): the blocks after it finish first, wait in the parking slots,
     * and are written in their turn */
    long parked = rta__batch_parked;
    rta__batch_slow_block = 2;
    char *d = run_batch(&in, 0, 4, &fast4, &efast4);
    rta__batch_slow_block = -1;
    assert_true(rta__batch_parked > parked);
    rta__batch_block_bytes = 1u << 20;
    /* the same bytes, row for row (the first difference, if any, is shown) */
    if (strcmp(a, b) != 0) {
        size_t i = 0;
        while (a[i] == b[i])
            i++;
        while (i > 0 && a[i - 1] != '\n')
            i--;
        fprintf(stderr, "full: %.200s\nfast: %.200s\n", a + i, b + i);
    }
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_string_equal(a, d);
    assert_int_equal(full.rows, fast.rows);
    assert_int_equal(full.bad, fast.bad);
    assert_int_equal(full.warned, fast.warned);
    assert_string_equal(efull.data, efast.data);
    assert_string_equal(efull.data, efast2.data);
    assert_string_equal(efull.data, efast4.data);
    assert_true(strstr(efull.data, "fast.csv") != NULL); /* some were reported */
    assert_true(full.total_duty_cents == fast.total_duty_cents);
    for (int k = 0; k < RTA_AUTH_COUNT; k++)
        assert_true(full.by_authority[k] == fast.by_authority[k]);
    /* the batch is not trivial: rows, duty, some bad rows (the unknown line) */
    assert_true(full.rows > 1000);
    assert_true(full.bad >= 1);
    assert_true(full.total_duty_cents > 0);
    free(a);
    free(b);
    free(c);
    free(d);
    free(efull.data);
    free(efast.data);
    free(efast2.data);
    free(efast4.data);
    free(in.data);
}

/* The fast path itself takes most entries (else the test above proves
 * little): a plain entry is computed there, and shapes it does not know are
 * handed back to the engine. */
static void test_fast_path_taken(void **state)
{
    (void)state;
    rta__duty_fast *f = rta__duty_fast_new(duty, NULL);
    assert_non_null(f);
    rta_entry e;
    rta_error err;
    rta_entry_init(&e);
    assert_int_equal(rta_entry_set(&e, "date", "2025-08-07", &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "hts", "6109100012", &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "origin", "VN", &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "value", "10000", &err), RTA_OK);
    rta__duty_amounts am;
    assert_int_equal(rta__duty_fast_amounts(f, &e, &am), 1);
    /* 6109.10.00.12 General 16.5% (HTS) = 1,650.00; EO 14326 Annex I, Viet Nam
     * 20% from 2025-08-07 (9903.02.69) = 2,000.00 on $10,000 */
    assert_true(am.by_authority[RTA_AUTH_MFN] == 165000);
    assert_true(am.by_authority[RTA_AUTH_IEEPA_RECIP] == 200000);
    assert_true(am.total == 365000);
    /* a metal content: the full engine */
    assert_int_equal(rta_entry_set(&e, "steel", "100", &err), RTA_OK);
    assert_int_equal(rta__duty_fast_amounts(f, &e, &am), 0);
    rta__duty_fast_free(f);
}

/* Fees the bundled table never has: overlapping MPF rows for air (the
 * engine's loop keeps the last that applies), two HMF rows on ocean in
 * March 2025 (summed), a zero rate, a minimum without a maximum, and then a
 * rate over 1000% (the day table is not used at all). The fast path must
 * give the full engine's bytes with each table. */
static fee_row fee(int is_mpf, int64_t rate, int64_t min, int64_t max, unsigned modes,
                   const char *from, const char *to)
{
    fee_row f;
    memset(&f, 0, sizeof f);
    f.is_mpf = is_mpf;
    f.rate = rate; /* millionths of the value: 0.3464% = 3464 */
    f.has_min = min >= 0;
    f.min = min;
    f.has_max = max >= 0;
    f.max = max;
    f.modes = modes;
    assert_int_equal(rta_date_parse(from, &f.from, NULL), RTA_OK);
    f.has_to = to != NULL;
    if (to)
        assert_int_equal(rta_date_parse(to, &f.to, NULL), RTA_OK);
    f.source = (char *)"test";
    return f;
}

/* Whether the output row of entry id ends with tail (its last columns). */
static int row_ends(const char *out, const char *id, const char *tail)
{
    char key[32];
    snprintf(key, sizeof key, "\n%s,", id);
    const char *row = strstr(out, key);
    if (row == NULL)
        return 0;
    const char *end = strchr(row + 1, '\n');
    size_t n = strlen(tail);
    return end && (size_t)(end - row) >= n && memcmp(end - n, tail, n) == 0;
}

static void test_fee_tables(void **state)
{
    (void)state;
    const unsigned ocean = 1u << RTA_MODE_OCEAN, air = 1u << RTA_MODE_AIR,
                   other = 1u << RTA_MODE_OTHER;
    fee_row rows[6] = {
        fee(1, 3464, 3271, 63462, ocean | air | other, "2025-01-01", "2025-09-30"),
        fee(1, 5000, 100, 100000, air, "2025-06-01", "2025-12-31"),
        fee(0, 1250, -1, -1, ocean, "1991-01-01", NULL),
        fee(0, 0, -1, -1, ocean, "2025-03-01", "2025-03-31"),
        fee(0, 2000, 500, -1, other, "2025-01-01", NULL),
        fee(0, 20000000, -1, -1, other, "2025-11-01", NULL), /* 2000%: second table only */
    };
    text in = {0};
    put(&in, "entry_id,date,hts,origin,value,mode\n");
    static const char *const modes[3] = {"ocean", "air", "other"};
    static const char *const dates[] = {"2025-02-10", "2025-03-15", "2025-06-15", "2025-09-30",
                                        "2025-10-01", "2025-11-15", "2026-01-05"};
    int id = 0;
    for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++)
        for (int m = 0; m < 3; m++)
            for (long v = 1; v <= 10000000; v *= 10)
                put(&in, "F%d,%s,6109100012,VN,%ld.07,%s\n", id++, dates[d], v, modes[m]);
    fee_row *saved = duty->fees;
    int nsaved = duty->nfees;
    for (int table = 0; table < 2; table++) {
        duty->fees = rows;
        duty->nfees = table == 0 ? 5 : 6;
        rta_batch_report full, fast;
        text efull, efast;
        char *a = run_batch(&in, 1, 1, &full, &efull);
        char *b = run_batch(&in, 0, 1, &fast, &efast);
        duty->fees = saved;
        duty->nfees = nsaved;
        assert_string_equal(a, b);
        assert_string_equal(efull.data, efast.data);
        /* the last MPF row that applies: air on 2025-06-15, $100,000.07 x
         * 0.5% = 500.00 (row 2), not 346.40 (row 1); ocean in March 2025:
         * HMF 0.125% + 0% = 125.00 */
        assert_true(row_ends(a, "F61", ",500.00,0.00,"));
        assert_true(row_ends(a, "F29", ",346.40,125.00,"));
        free(a);
        free(b);
        free(efull.data);
        free(efast.data);
    }
    free(in.data);
}

/* The amount writer (the batch's, and rta_cents_format through it) against
 * printf's "%lld.%02lld": every digit count (10^k - 1, 10^k, 10^k + 1),
 * negatives and the extremes, and a million values of a simple generator
 * spread over the digit counts, half of them negative. */
static void expect_cents(int64_t c)
{
    char want[48], got[64];
    if (c < 0) {
        uint64_t m = c == INT64_MIN ? (uint64_t)INT64_MAX + 1 : (uint64_t)-c;
        snprintf(want, sizeof want, "-%llu.%02llu", (unsigned long long)(m / 100),
                 (unsigned long long)(m % 100));
    } else {
        snprintf(want, sizeof want, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
    }
    memset(got, 'x', sizeof got);
    char *end = rta__cents_put(got, c);
    assert_true(end > got && end - got < 40);
    *end = '\0';
    if (strcmp(got, want) != 0)
        fail_msg("cents %lld: wrote \"%s\", expected \"%s\"", (long long)c, got, want);
    char str[32];
    assert_string_equal(rta_cents_format(c, str, sizeof str), want);
}

static void test_cents_writer(void **state)
{
    (void)state;
    int64_t p = 1;
    for (int k = 0; k <= 18; k++) {
        expect_cents(p - 1);
        expect_cents(p);
        expect_cents(p + 1);
        expect_cents(-p);
        if (k < 18)
            p *= 10;
    }
    expect_cents(INT64_MAX);
    expect_cents(INT64_MIN);
    uint64_t x = 88172645463325252ULL; /* xorshift64 */
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t c = (int64_t)(x >> (x % 60 + 4));
        expect_cents(x & 1 ? -c : c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cents_writer),
        cmocka_unit_test(test_fast_equals_full),
        cmocka_unit_test(test_fast_path_taken),
        cmocka_unit_test(test_fee_tables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_duty.c - the dated duty stack, with the bundled measures, against the
 * legal sources. RTA_TEST_NEEDS_STORE (the store_import fixture).
 *
 * Every expected amount is a hand calculation on a customs value of
 * $10,000.00 (1,000,000 cents) shown next to the case, citing the source of
 * each rate. The MFN rate of the cotton T-shirt, HTS 6109.10.00.12, is the
 * 16.5% of 6109.10.00 (HTS General column): 10,000 x 16.5% = 1,650.00.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/duty.h"
#include "rta/store.h"

#include <stdio.h>
#include <string.h>

#include "duty_fixture.h"

typedef struct extra {
    const char *field, *value;
} extra;

/* Computes an entry of $10,000 and returns its result (static storage). */
static const rta_duty_result *run(const char *date, const char *origin, const char *hts,
                                  const extra *x, int collection)
{
    static rta_duty_result r;
    rta_entry e;
    rta_error err;
    rta_entry_init(&e);
    assert_int_equal(rta_entry_set(&e, "date", date, &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "origin", origin, &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "hts", hts, &err), RTA_OK);
    assert_int_equal(rta_entry_set(&e, "value", "10000", &err), RTA_OK);
    for (; x && x->field; x++)
        assert_int_equal(rta_entry_set(&e, x->field, x->value, &err), RTA_OK);
    assert_int_equal(rta_entry_check(&e, &err), RTA_OK);
    rta_duty_options o = {collection, 1};
    rta_status st = rta_duty_compute(duty, &e, &o, &r, &err);
    if (st != RTA_OK)
        fail_msg("%s %s %s: %s", date, origin, hts, err.message);
    /* the total always reconciles with the lines */
    int64_t sum = 0;
    for (int i = 0; i < r.nlines; i++)
        sum += r.lines[i].amount_cents;
    assert_int_equal(sum, r.total_duty_cents);
    return &r;
}

/* The amount of the line printed under heading (0 if absent). */
static int64_t line(const rta_duty_result *r, const char *heading)
{
    for (int i = 0; i < r->nlines; i++)
        if (strcmp(r->lines[i].heading, heading) == 0)
            return r->lines[i].amount_cents;
    return 0;
}

#define TSHIRT "6109.10.00.12"

/* Viet Nam, cotton T-shirt: every interval of 2025-2026. */
static void tshirt_timeline(void **state)
{
    (void)state;
    const rta_duty_result *r;
    /* 2025-01-15: MFN only */
    r = run("2025-01-15", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 165000);
    assert_int_equal(r->nlines, 1);
    /* EO 14257 sec. 2 (90 FR 15041): 10% baseline 9903.01.25 from 2025-04-05 */
    r = run("2025-04-05", "VN", TSHIRT, NULL, 0);
    assert_int_equal(line(r, "9903.01.25"), 100000);
    assert_int_equal(r->total_duty_cents, 265000);
    /* EO 14257 Annex I: Viet Nam 46%, 9903.01.72, in force 2025-04-09 only */
    r = run("2025-04-09", "VN", TSHIRT, NULL, 0);
    assert_int_equal(line(r, "9903.01.72"), 460000);
    assert_int_equal(line(r, "9903.01.25"), 0); /* in lieu of the baseline */
    assert_int_equal(r->total_duty_cents, 625000);
    /* EO 14266: Annex I rates paused from 2025-04-10; back to 10% */
    r = run("2025-04-10", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 265000);
    /* EO 14326 (90 FR 37963): Viet Nam 20%, 9903.02.69, from 2025-08-07 */
    r = run("2025-08-07", "VN", TSHIRT, NULL, 0);
    assert_int_equal(line(r, "9903.02.69"), 200000);
    assert_int_equal(r->total_duty_cents, 365000);
    /* Learning Resources v. Trump, decided 2026-02-20: legal end of IEEPA */
    r = run("2026-02-19", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 365000);
    r = run("2026-02-20", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 165000);
    /* ... CBP collected until 2026-02-23 (CSMS): the collection view keeps 20% */
    r = run("2026-02-23", "VN", TSHIRT, NULL, 1);
    assert_int_equal(r->total_duty_cents, 365000);
    /* Section 122 surcharge 10%, 9903.03.01, 2026-02-24 to 2026-07-23 */
    r = run("2026-02-24", "VN", TSHIRT, NULL, 0);
    assert_int_equal(line(r, "9903.03.01"), 100000);
    assert_int_equal(r->total_duty_cents, 265000);
    r = run("2026-07-23", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 265000);
    /* Section 301 forced-labor action, Viet Nam 12.5% from 2026-07-24 (certainty medium) */
    r = run("2026-07-24", "VN", TSHIRT, NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_S301], 125000);
    assert_int_equal(r->by_authority[RTA_AUTH_S122], 0);
    assert_int_equal(r->total_duty_cents, 290000);
}

/* EO 14326 sec. 3: goods found transshipped pay 40% (9903.02.01) in lieu of the country rate */
static void transshipment(void **state)
{
    (void)state;
    extra x[] = {{"transshipped", "true"}, {NULL, NULL}};
    const rta_duty_result *r = run("2025-08-07", "VN", TSHIRT, x, 0);
    assert_int_equal(line(r, "9903.02.01"), 400000); /* 10,000 x 40% */
    assert_int_equal(line(r, "9903.02.69"), 0);
    assert_int_equal(r->total_duty_cents, 565000);
}

/* Annex II (9903.01.32) and the electronics memorandum of 2025-04-11,
 * retroactive to 2025-04-05: no reciprocal duty. */
static void annex_ii_and_smartphones(void **state)
{
    (void)state;
    /* smartphones 8517.13.00.00: MFN Free; exempt from the reciprocal duty */
    const rta_duty_result *r = run("2025-04-07", "VN", "8517.13.00.00", NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_IEEPA_RECIP], 0);
    assert_int_equal(r->total_duty_cents, 0);
    r = run("2025-09-01", "VN", "8517.13.00.00", NULL, 0);
    assert_int_equal(r->total_duty_cents, 0);
    /* display modules 8524.91.90.00 (in the memorandum's 8524): MFN 4.5% only = 450.00 */
    r = run("2025-06-01", "VN", "8524.91.90.00", NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_IEEPA_RECIP], 0);
    assert_int_equal(r->total_duty_cents, 45000);
}

/* Proclamation 10947 (50% from 2025-06-04) on the steel content of a derivative
 * (note 16; 8302.41.60 added 2025-08-18); the reciprocal duty on the rest:
 * MFN 3.9% x 10,000 = 390.00; 232: 50% x 4,000 = 2,000.00;
 * 9903.02.69: 20% x (10,000 - 4,000) = 1,200.00; total 3,590.00 */
static void steel_derivative(void **state)
{
    (void)state;
    extra x[] = {{"steel", "4000"}, {NULL, NULL}};
    const rta_duty_result *r = run("2025-09-01", "VN", "8302.41.60.45", x, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_MFN], 39000);
    assert_int_equal(r->by_authority[RTA_AUTH_S232], 200000);
    assert_int_equal(r->by_authority[RTA_AUTH_IEEPA_RECIP], 120000);
    assert_int_equal(r->total_duty_cents, 359000);
    assert_string_equal(r->warning, "");
    /* without the steel content the 232 duty cannot be computed: 0.00 is
     * charged but the result says why (never a silent zero) */
    r = run("2025-09-01", "VN", "8302.41.60.45", NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_S232], 0);
    assert_non_null(strstr(r->warning, "9903.81.91"));
}

/* EO 14257 sec. 3(d), 9903.01.34: with US content >= 20% of value, only the
 * non-US value is charged: 20% x (10,000 - 2,500) = 1,500.00. Below 20% the
 * whole value is: 20% x 10,000 = 2,000.00. */
static void us_content(void **state)
{
    (void)state;
    extra x[] = {{"us_content", "2500"}, {NULL, NULL}};
    const rta_duty_result *r = run("2025-09-01", "VN", TSHIRT, x, 0);
    assert_int_equal(line(r, "9903.02.69"), 150000);
    extra y[] = {{"us_content", "1999.99"}, {NULL, NULL}};
    r = run("2025-09-01", "VN", TSHIRT, y, 0);
    assert_int_equal(line(r, "9903.02.69"), 200000);
}

/* EO 14326 sec. 2: loaded before 2025-08-07 and entered before 2025-10-05
 * keeps the 10% of 9903.01.25 */
static void in_transit(void **state)
{
    (void)state;
    extra x[] = {{"export_date", "2025-08-01"}, {NULL, NULL}};
    const rta_duty_result *r = run("2025-08-20", "VN", TSHIRT, x, 0);
    assert_int_equal(line(r, "9903.01.25"), 100000);
    assert_int_equal(line(r, "9903.02.69"), 0);
    r = run("2025-10-05", "VN", TSHIRT, x, 0); /* not entered before 10-05: 20% */
    assert_int_equal(line(r, "9903.02.69"), 200000);
    /* EO 14257: loaded before 2025-04-09, entered before 2025-05-27: not 46% */
    extra y[] = {{"export_date", "2025-04-01"}, {NULL, NULL}};
    r = run("2025-04-09", "VN", TSHIRT, y, 0);
    assert_int_equal(line(r, "9903.01.72"), 0);
    /* 9903.01.28 / CBP guidance: loaded before 2025-04-05 and entered before
     * 2025-06-16 (data/measures/NOTES.md): no 10% baseline either */
    r = run("2025-04-20", "VN", TSHIRT, y, 0);
    assert_int_equal(r->total_duty_cents, 165000);
    /* Section 122, 9903.03.02: loaded before 2026-02-24, entered before 2026-02-28 */
    extra z[] = {{"export_date", "2026-02-20"}, {NULL, NULL}};
    r = run("2026-02-26", "VN", TSHIRT, z, 0);
    assert_int_equal(line(r, "9903.03.01"), 0);
    r = run("2026-02-28", "VN", TSHIRT, z, 0);
    assert_int_equal(line(r, "9903.03.01"), 100000);
}

/* China, 2025-06-01: Section 301 list 4A 7.5% (9903.88.15, the footnote of
 * 6109.10.00) = 750.00; fentanyl 20% (EO 14228, 9903.01.24) = 2,000.00;
 * reciprocal 10% after the Geneva arrangement (EO 14298, from 2025-05-14) =
 * 1,000.00; MFN 1,650.00; total 5,400.00 */
static void china(void **state)
{
    (void)state;
    const rta_duty_result *r = run("2025-06-01", "CN", TSHIRT, NULL, 0);
    assert_int_equal(line(r, "9903.88.15"), 75000);
    assert_int_equal(line(r, "9903.01.24"), 200000);
    assert_int_equal(r->by_authority[RTA_AUTH_IEEPA_RECIP], 100000);
    assert_int_equal(r->total_duty_cents, 540000);
}

/* Canada: fentanyl 35% from 2025-08-01 (EO 14325) = 3,500.00; a USMCA claim
 * (program S: the Special column gives Free) removes MFN and the fentanyl duty. */
static void canada_usmca(void **state)
{
    (void)state;
    const rta_duty_result *r = run("2025-09-01", "CA", TSHIRT, NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_IEEPA_FENTANYL], 350000);
    assert_int_equal(r->total_duty_cents, 515000);
    extra x[] = {{"program", "S"}, {NULL, NULL}};
    r = run("2025-09-01", "CA", TSHIRT, x, 0);
    assert_int_equal(r->total_duty_cents, 0);
    assert_int_equal(r->lines[0].authority, RTA_AUTH_SPECIAL);
}

/* EU (Germany) and Japan: 15% all-in floor (9903.02.20, 9903.02.73). With MFN
 * 4.2% (8509.40.00) the floor adds 15% - 4.2% = 10.8% = 1,080.00; with MFN
 * 16.5% (the T-shirt) it adds nothing. */
static void floors(void **state)
{
    (void)state;
    const rta_duty_result *r = run("2025-09-01", "DE", "8509.40.00.40", NULL, 0);
    assert_int_equal(line(r, "9903.02.20"), 108000);
    assert_int_equal(r->total_duty_cents, 150000);
    r = run("2025-09-01", "DE", TSHIRT, NULL, 0);
    assert_int_equal(r->total_duty_cents, 165000);
    r = run("2025-09-20", "JP", "8509.40.00.40", NULL, 0);
    assert_int_equal(line(r, "9903.02.73"), 108000);
    /* large values do not overflow: $100,000,000 of German T-shirts, MFN 16.5%
     * = 16,500,000.00 >= 15%: the floor adds 0.00 */
    rta_entry e;
    rta_entry_init(&e);
    rta_entry_set(&e, "date", "2025-09-01", NULL);
    rta_entry_set(&e, "origin", "DE", NULL);
    rta_entry_set(&e, "hts", TSHIRT, NULL);
    rta_entry_set(&e, "value", "100000000", NULL);
    rta_duty_result rr;
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, NULL), RTA_OK);
    assert_int_equal(rr.total_duty_cents, 1650000000);
    assert_int_equal(rta_duty_rate_hundredths(rr.total_duty_cents, e.value_cents), 1650);
}

/* "Subject to" Section 232 (data/measures/NOTES.md, "Engine contract"): an EU
 * light truck 8704.21.01.00 (MFN 25%) meets the 15% all-in 232 floor of the
 * EU deal (9903.94.51, amount 0.00) and so is excluded from Section 122 on
 * 2026-03-01 (US note 2(aa)(v)): total 2,500.00. From Viet Nam the 232 autos
 * duty is 25% (Proclamation 10908): 2,500 + 2,500 = 5,000.00, no S122 either. */
static void section_232_excludes_s122(void **state)
{
    (void)state;
    const rta_duty_result *r = run("2026-03-01", "DE", "8704.21.01.00", NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_S122], 0);
    assert_int_equal(r->total_duty_cents, 250000);
    r = run("2026-03-01", "VN", "8704.21.01.00", NULL, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_S232], 250000);
    assert_int_equal(r->by_authority[RTA_AUTH_S122], 0);
    assert_int_equal(r->total_duty_cents, 500000);
}

/* Fees. MPF 0.3464% with the limits of the fiscal year (CBP Dec. 25-10,
 * 90 FR 34665): 10,000 x 0.3464% = 34.64; on $100 the FY2025 minimum 32.71,
 * the FY2026 minimum 33.58. HMF 0.125% on ocean shipments = 12.50. */
static void fees(void **state)
{
    (void)state;
    const rta_duty_result *r = run("2025-01-15", "VN", TSHIRT, NULL, 0);
    assert_true(r->mpf_known);
    assert_int_equal(r->mpf_cents, 3464);
    assert_int_equal(r->hmf_cents, 1250);
    rta_entry e;
    rta_entry_init(&e);
    rta_entry_set(&e, "date", "2025-09-30", NULL);
    rta_entry_set(&e, "origin", "VN", NULL);
    rta_entry_set(&e, "hts", TSHIRT, NULL);
    rta_entry_set(&e, "value", "100", NULL);
    rta_entry_set(&e, "mode", "air", NULL);
    rta_duty_result rr;
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, NULL), RTA_OK);
    assert_int_equal(rr.mpf_cents, 3271);
    assert_int_equal(rr.hmf_cents, 0); /* air */
    rta_entry_set(&e, "date", "2025-10-01", NULL);
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, NULL), RTA_OK);
    assert_int_equal(rr.mpf_cents, 3358);
    /* no FY2027 limits are bundled: said, not zero */
    rta_entry_set(&e, "date", "2026-10-01", NULL);
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, NULL), RTA_OK);
    assert_false(rr.mpf_known);
    assert_non_null(strstr(rr.fee_note, "MPF"));
}

/* A specific duty needs its quantity: tomatoes 0702.00.20, 3.9 cents/kg:
 * 1,000 kg -> 39.00; without a quantity, an error that says so. */
static void specific_needs_quantity(void **state)
{
    (void)state;
    extra x[] = {{"qty1", "1000"}, {NULL, NULL}};
    const rta_duty_result *r = run("2025-03-01", "MX", "0702.00.20.02", x, 0);
    assert_int_equal(r->by_authority[RTA_AUTH_MFN], 3900);
    rta_entry e;
    rta_entry_init(&e);
    rta_entry_set(&e, "date", "2025-03-01", NULL);
    rta_entry_set(&e, "origin", "MX", NULL);
    rta_entry_set(&e, "hts", "0702.00.20.02", NULL);
    rta_entry_set(&e, "value", "500", NULL);
    rta_duty_result rr;
    rta_error err;
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, &err), RTA_ERR_INVALID);
    assert_non_null(strstr(err.message, "quantity"));
}

static void bad_entries(void **state)
{
    (void)state;
    rta_entry e;
    rta_error err;
    rta_entry_init(&e);
    assert_int_equal(rta_entry_set(&e, "origin", "Vietnam", &err), RTA_ERR_PARSE);
    assert_int_equal(rta_entry_set(&e, "value", "12,5", &err), RTA_ERR_PARSE);
    assert_int_equal(rta_entry_set(&e, "date", "2025-02-30", &err), RTA_ERR_PARSE);
    assert_int_equal(rta_entry_check(&e, &err), RTA_ERR_INVALID);
    assert_non_null(strstr(err.message, "required"));
    rta_entry_set(&e, "date", "2025-09-01", NULL);
    rta_entry_set(&e, "origin", "XX", NULL);
    rta_entry_set(&e, "hts", TSHIRT, NULL);
    rta_entry_set(&e, "value", "100", NULL);
    rta_duty_result rr;
    assert_int_equal(rta_duty_compute(duty, &e, NULL, &rr, &err), RTA_ERR_INVALID);
    assert_non_null(strstr(err.message, "\"XX\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tshirt_timeline),
        cmocka_unit_test(transshipment),
        cmocka_unit_test(annex_ii_and_smartphones),
        cmocka_unit_test(steel_derivative),
        cmocka_unit_test(us_content),
        cmocka_unit_test(in_transit),
        cmocka_unit_test(china),
        cmocka_unit_test(canada_usmca),
        cmocka_unit_test(floors),
        cmocka_unit_test(section_232_excludes_s122),
        cmocka_unit_test(fees),
        cmocka_unit_test(specific_needs_quantity),
        cmocka_unit_test(bad_entries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

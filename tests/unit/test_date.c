/*
 * test_date.c - ISO dates and day numbers. Reference values: 1970-01-01 is
 * day 0; 2025-08-07 (EO 14326 rates effective) is day 20307 (55 years of
 * which 14 leap days -> 20089, plus 218 days into 2025: Jan 31 + Feb 28 +
 * Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31 + 6 = 218).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/date.h"

static void known_days(void **state)
{
    (void)state;
    rta_day d;
    char buf[16];
    assert_int_equal(rta_date_parse("1970-01-01", &d, NULL), RTA_OK);
    assert_int_equal(d, 0);
    assert_int_equal(rta_date_parse("2025-08-07", &d, NULL), RTA_OK);
    assert_int_equal(d, 20307);
    assert_string_equal(rta_date_format(d, buf, sizeof buf), "2025-08-07");
    /* 2026-02-20 (Learning Resources v. Trump) is 197 days after 2025-08-07 */
    rta_day e;
    assert_int_equal(rta_date_parse("2026-02-20", &e, NULL), RTA_OK);
    assert_int_equal(e - d, 197);
    assert_int_equal(rta_date_parse("2024-02-29", &d, NULL), RTA_OK);
    assert_string_equal(rta_date_format(d + 1, buf, sizeof buf), "2024-03-01");
}

static void rejects_bad_dates(void **state)
{
    (void)state;
    rta_day d;
    rta_error err;
    assert_int_equal(rta_date_parse("2025-02-29", &d, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_date_parse("2025-13-01", &d, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_date_parse("2025-8-7", &d, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_date_parse("07/08/2025", &d, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_date_parse("2025-08-0x", &d, &err), RTA_ERR_PARSE);
    assert_int_equal(err.column, 10);
    assert_int_equal(rta_date_parse(NULL, &d, &err), RTA_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_days),
        cmocka_unit_test(rejects_bad_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

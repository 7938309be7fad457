/*
 * test_code.c - HS/HTS code parsing, formatting, parents and keys.
 * Expected values are the code forms USITC and WCO print (e.g. HTS line
 * 6109.10.00.12 "Men's (338)", HS subheading 6109.10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/code.h"

#include <string.h>

static void parses_every_written_form(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *digits;
        int len;
    } cases[] = {
        {"6109.10.00.12", "6109100012", 10},
        {"6109100012", "6109100012", 10},
        {"610910", "610910", 6},
        {"6109.10", "610910", 6},
        {"6109", "6109", 4},
        {"61", "61", 2},
        {"0702.00.20", "07020020", 8},
        {"  8517.13.00.00 ", "8517130000", 10},
        {"6109 10 00 12", "6109100012", 10},
        {"9903.01.25", "99030125", 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rta_code c;
        rta_error err;
        assert_int_equal(rta_code_parse(cases[i].text, &c, &err), RTA_OK);
        assert_string_equal(c.digits, cases[i].digits);
        assert_int_equal(c.len, cases[i].len);
    }
}

static void rejects_malformed_codes_with_the_place(void **state)
{
    (void)state;
    rta_code c;
    rta_error err;
    assert_int_equal(rta_code_parse("6109.1", &c, &err), RTA_ERR_PARSE); /* 5 digits */
    assert_non_null(strstr(err.message, "5 digits"));
    assert_int_equal(rta_code_parse("61.09", &c, &err), RTA_ERR_PARSE); /* dot after 2 */
    assert_int_equal(err.column, 3);
    assert_int_equal(rta_code_parse("6109.1O", &c, &err), RTA_ERR_PARSE); /* letter O */
    assert_int_equal(err.column, 7);
    assert_int_equal(rta_code_parse("", &c, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_code_parse("6", &c, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_code_parse("61091000123", &c, &err), RTA_ERR_PARSE); /* 11 digits */
    assert_int_equal(rta_code_parse("6109..10", &c, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_code_parse("6109.10.", &c, &err), RTA_ERR_PARSE);
    assert_int_equal(rta_code_parse(NULL, &c, &err), RTA_ERR_INVALID);
}

static void formats_as_usitc_and_knows_levels(void **state)
{
    (void)state;
    rta_code c, p;
    char buf[16];
    assert_int_equal(rta_code_parse("6109100012", &c, NULL), RTA_OK);
    assert_string_equal(rta_code_format(&c, buf, sizeof buf), "6109.10.00.12");
    assert_string_equal(rta_code_level_name(c.len), "statistical suffix");
    assert_true(rta_code_parent(&c, &p));
    assert_string_equal(rta_code_format(&p, buf, sizeof buf), "6109.10.00");
    assert_string_equal(rta_code_level_name(p.len), "tariff line");
    assert_true(rta_code_parent(&p, &p));
    assert_string_equal(rta_code_format(&p, buf, sizeof buf), "6109.10");
    assert_true(rta_code_parent(&p, &p));
    assert_string_equal(rta_code_format(&p, buf, sizeof buf), "6109");
    assert_true(rta_code_parent(&p, &p));
    assert_string_equal(rta_code_format(&p, buf, sizeof buf), "61");
    assert_false(rta_code_parent(&p, &p));
}

static void keys_order_parents_first_and_round_trip(void **state)
{
    (void)state;
    const char *sorted[] = {"61",         "6109",       "610910", "61091000",
                            "6109100004", "6109100012", "610990", "62"};
    uint64_t prev = 0;
    for (size_t i = 0; i < sizeof sorted / sizeof sorted[0]; i++) {
        rta_code c, back;
        assert_int_equal(rta_code_parse(sorted[i], &c, NULL), RTA_OK);
        uint64_t k = rta_code_key(&c);
        assert_true(k > prev);
        prev = k;
        assert_true(rta_code_from_key(k, &back));
        assert_string_equal(back.digits, c.digits);
    }
    rta_code a, b;
    /* the key by hand: the ten digits (padded with zeros) x 8 + len / 2 */
    rta_code_parse("6109100012", &a, NULL);
    assert_true(rta_code_key(&a) == 6109100012ULL * 8 + 5);
    rta_code_parse("9903.01.33", &a, NULL);
    assert_true(rta_code_key(&a) == 9903013300ULL * 8 + 4);
    rta_code_parse("6109100012", &a, NULL);
    rta_code_parse("6109", &b, NULL);
    assert_true(rta_code_has_prefix(&a, &b));
    assert_false(rta_code_has_prefix(&b, &a));
    /* a key that is not a code's is refused */
    rta_code x;
    assert_false(rta_code_from_key(0, &x));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_written_form),
        cmocka_unit_test(rejects_malformed_codes_with_the_place),
        cmocka_unit_test(formats_as_usitc_and_knows_levels),
        cmocka_unit_test(keys_order_parents_first_and_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

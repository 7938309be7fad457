/*
 * test_lines.c - the negotiating line file (rta/lines.h): reading, validation
 * with located errors, all-or-nothing, writing and scope matching.
 *
 * Codes are real: 0901.11 (coffee, not roasted, not decaffeinated), 0801.32
 * (cashew nuts, shelled), 6101-6117 (HS chapter 61 headings), 5201 (cotton,
 * not carded), all in data/hs2022/harmonized-system.csv. Expected values are
 * the CSV text times 10^6 (the unit lines.h defines): "20" -> 20000000,
 * "12.5" -> 12500000, "16" -> 16000000.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rta_status parse(const char *text, rta_lines *out, rta_error *err)
{
    return rta_lines_parse("t.csv", text, strlen(text), out, err);
}

static void test_reads_every_treatment(void **state)
{
    (void)state;
    const char *text = "code,treatment,value,staging_years,description\n"
                       "0901.11,rate,0,0,\"Coffee, not roasted\"\n"
                       "080132,cap,12.5,3,Cashew nuts shelled\n"
                       "6101-6117,cut,50,5,Knitted apparel\n"
                       "5201,swiss,16,,Cotton\n"
                       "0901110010,exempt,,0,\n";
    rta_lines l;
    rta_error err;
    assert_int_equal(parse(text, &l, &err), RTA_OK);
    assert_int_equal(l.count, 5);
    assert_string_equal(l.items[0].code, "090111");
    assert_string_equal(l.items[0].code_to, "");
    assert_int_equal(l.items[0].treatment, RTA_TREAT_RATE);
    assert_int_equal(l.items[0].value_millionths, 0);
    assert_string_equal(l.items[0].description, "Coffee, not roasted");
    assert_int_equal(l.items[0].source_line, 2);
    assert_int_equal(l.items[1].treatment, RTA_TREAT_CAP);
    assert_int_equal(l.items[1].value_millionths, 12500000);
    assert_int_equal(l.items[1].staging_years, 3);
    assert_string_equal(l.items[2].code, "6101");
    assert_string_equal(l.items[2].code_to, "6117");
    assert_int_equal(l.items[2].value_millionths, 50000000);
    assert_int_equal(l.items[3].treatment, RTA_TREAT_SWISS);
    assert_int_equal(l.items[3].value_millionths, 16000000);
    assert_int_equal(l.items[3].staging_years, 0);
    assert_int_equal(l.items[4].treatment, RTA_TREAT_EXEMPT);
    assert_string_equal(l.items[4].code, "0901110010");
    assert_string_equal(l.items[4].description, "");
    assert_int_equal(l.items[4].source_line, 6);
    rta_lines_free(&l);
}

static void test_minimal_header_any_order_and_comments(void **state)
{
    (void)state;
    const char *text = "# source: hand-typed test\n"
                       "value,code,treatment,base_rate\n"
                       "20,5201,rate,\n";
    rta_lines l;
    assert_int_equal(parse(text, &l, NULL), RTA_OK);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].code, "5201");
    assert_int_equal(l.items[0].value_millionths, 20000000);
    assert_int_equal(l.items[0].source_line, 3);
    rta_lines_free(&l);
}

/* Each bad row fails with its line and column, and nothing is returned. */
static void expect_fail(const char *row, long line, long column, const char *needle)
{
    char text[512];
    snprintf(text, sizeof text,
             "code,treatment,value,staging_years,description\n5201,rate,0,0,ok\n%s\n", row);
    rta_lines l;
    rta_error err;
    assert_int_not_equal(parse(text, &l, &err), RTA_OK);
    assert_null(l.items);
    assert_int_equal(l.count, 0);
    assert_string_equal(err.input, "t.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    if (!strstr(err.message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void test_bad_rows_are_located(void **state)
{
    (void)state;
    expect_fail("520,rate,0,0,x", 3, 1, "code");             /* 3 digits */
    expect_fail("52011,rate,0,0,x", 3, 1, "code");           /* 5 digits */
    expect_fail("61x0,rate,0,0,x", 3, 1, "code");            /* letter */
    expect_fail("6117-6101,rate,0,0,x", 3, 1, "below");      /* reversed range */
    expect_fail("6101-611710,rate,0,0,x", 3, 1, "same");     /* unequal lengths */
    expect_fail("5202,zero,0,0,x", 3, 2, "treatment");       /* unknown treatment */
    expect_fail("5202,rate,,0,x", 3, 3, "required");         /* rate needs a value */
    expect_fail("5202,rate,1000.5,0,x", 3, 3, "1000");       /* above 1000% */
    expect_fail("5202,cut,101,0,x", 3, 3, "100");            /* a cut above 100% */
    expect_fail("5202,swiss,0,0,x", 3, 3, "swiss");          /* coefficient 0 */
    expect_fail("5202,exempt,5,0,x", 3, 3, "exempt");        /* exempt with a value */
    expect_fail("5202,rate,-1,0,x", 3, 3, "decimal");        /* negative */
    expect_fail("5202,rate,1.2345678,0,x", 3, 3, "decimal"); /* 7 decimals */
    expect_fail("5202,rate,0,31,x", 3, 4, "staging");        /* staging above 30 */
    expect_fail("5202,rate,0,2.5,x", 3, 4, "staging");       /* not whole */
    expect_fail("5202,rate,0,0", 3, 4, "fields");            /* missing a field */
    expect_fail("5201,rate,5,0,dup", 3, 1, "already");       /* same scope twice */
}

static void test_bad_headers(void **state)
{
    (void)state;
    rta_lines l;
    rta_error err;
    assert_int_equal(parse("", &l, &err), RTA_ERR_PARSE);
    assert_int_equal(parse("code,value\n5201,0\n", &l, &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "treatment"));
    assert_int_equal(parse("code,treatment,value,code\n", &l, &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "twice"));
    assert_int_equal(parse("code,treatment,value\n\"5201,rate,0\n", &l, &err), RTA_ERR_PARSE);
    assert_null(l.items);
    /* a misspelt staging column is an error at its place, not a cut applied at once */
    assert_int_equal(parse("code,treatment,value,staging\n5201,cut,50,5\n", &l, &err),
                     RTA_ERR_PARSE);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "unknown column \"staging\""));
    assert_null(l.items);
}

static void test_write_round_trips(void **state)
{
    (void)state;
    const char *text = "code,treatment,value,staging_years,description\n"
                       "090111,rate,0,0,\"Coffee, not roasted\"\n"
                       "080132,cap,12.5,3,\"Say \"\"cashew\"\"\"\n"
                       "6101-6117,cut,50,5,Knitted apparel\n"
                       "0901110010,exempt,,0,\n";
    rta_lines l, back;
    assert_int_equal(parse(text, &l, NULL), RTA_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(rta_lines_write(f, &l, NULL), RTA_OK);
    fclose(f);
    /* our writer's output is the input itself: same columns, same quoting */
    assert_string_equal(buf, text);
    assert_int_equal(rta_lines_parse("w", buf, len, &back, NULL), RTA_OK);
    assert_int_equal(back.count, l.count);
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(back.items[i].code, l.items[i].code);
        assert_int_equal(back.items[i].value_millionths, l.items[i].value_millionths);
        assert_string_equal(back.items[i].description, l.items[i].description);
    }
    rta_lines_free(&back);
    rta_lines_free(&l);
    free(buf);
}

static void test_covers(void **state)
{
    (void)state;
    rta_line prefix = {.code = "090111"};
    assert_true(rta_line_covers(&prefix, "0901110010"));
    assert_true(rta_line_covers(&prefix, "090111"));
    assert_false(rta_line_covers(&prefix, "0901"));       /* the parent is wider */
    assert_false(rta_line_covers(&prefix, "0901120000")); /* decaffeinated */
    rta_line range = {.code = "6101", .code_to = "6117"};
    assert_true(rta_line_covers(&range, "6101200010"));
    assert_true(rta_line_covers(&range, "6109100012"));
    assert_true(rta_line_covers(&range, "611790"));
    assert_false(rta_line_covers(&range, "6201"));
    assert_false(rta_line_covers(&range, "6118"));
    assert_false(rta_line_covers(&range, "61"));
}

static void test_names_and_values(void **state)
{
    (void)state;
    rta_treatment t;
    assert_string_equal(rta_treatment_name(RTA_TREAT_SWISS), "swiss");
    assert_int_equal(rta_treatment_parse("exempt", &t), 0);
    assert_int_equal(t, RTA_TREAT_EXEMPT);
    assert_int_equal(rta_treatment_parse("Rate", &t), -1);
    char buf[32];
    rta_line l = {.value_millionths = 12500000};
    assert_string_equal(rta_line_value_format(&l, buf, sizeof buf), "12.5");
    l.value_millionths = 1;
    assert_string_equal(rta_line_value_format(&l, buf, sizeof buf), "0.000001");
    rta_lines empty = {0};
    rta_lines_free(&empty);
    rta_lines_free(NULL);
}

static void test_read_missing_file(void **state)
{
    (void)state;
    rta_lines l;
    rta_error err;
    assert_int_not_equal(rta_lines_read("/nonexistent/lines.csv", &l, &err), RTA_OK);
    assert_null(l.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_every_treatment),
        cmocka_unit_test(test_minimal_header_any_order_and_comments),
        cmocka_unit_test(test_bad_rows_are_located),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_write_round_trips),
        cmocka_unit_test(test_covers),
        cmocka_unit_test(test_names_and_values),
        cmocka_unit_test(test_read_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

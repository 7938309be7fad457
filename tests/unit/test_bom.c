/*
 * test_bom.c - the bill-of-materials JSON reader: values to integers, and
 * errors that name the file, line:column and field.
 *
 * Expected values are typed from the example files (examples/bom_*.json)
 * and the small documents below: "4.80" USD is 480 cents, "0.180" kg is 180
 * grams; positions are counted by hand in the one-line documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/bom.h"

#include <stdio.h>
#include <string.h>

#define EXAMPLES RTA_TEST_DATA_DIR "/../examples/"

static rta_bom *parse_ok(const char *text)
{
    rta_bom *b = NULL;
    rta_error err;
    rta_status st = rta_bom_parse(text, strlen(text), "t.json", &b, &err);
    if (st != RTA_OK)
        fprintf(stderr, "unexpected: %s:%ld:%ld: %s\n", err.input, err.line, err.column,
                err.message);
    assert_int_equal(st, RTA_OK);
    return b;
}

static void parse_bad(const char *text, long line, long col, const char *needle)
{
    rta_bom *b = (rta_bom *)1;
    rta_error err;
    rta_status st = rta_bom_parse(text, strlen(text), "t.json", &b, &err);
    assert_int_not_equal(st, RTA_OK);
    assert_null(b);
    if (strstr(err.message, needle) == NULL || err.line != line || err.column != col)
        fprintf(stderr, "got %ld:%ld: %s (wanted %ld:%ld %s)\n", err.line, err.column, err.message,
                line, col, needle);
    assert_string_equal(err.input, "t.json");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_non_null(strstr(err.message, needle));
}

static void test_example_shirt(void **state)
{
    (void)state;
    rta_bom *b = NULL;
    rta_error err;
    assert_int_equal(rta_bom_read(EXAMPLES "bom_shirt_cn_fabric.json", &b, &err), RTA_OK);
    assert_string_equal(b->hs.digits, "620630");
    assert_string_equal(b->producer_country, "VN");
    assert_int_equal(b->price_basis, RTA_PRICE_EX_WORKS);
    assert_int_equal(b->price_cents, 1200);
    assert_int_equal(b->net_cost_cents, -1);
    assert_string_equal(b->currency, "USD");
    assert_int_equal(b->nprocesses, 2);
    assert_string_equal(b->processes[1], "making-up");
    assert_int_equal(b->nmaterials, 4);
    const rta_bom_material *f = &b->materials[0];
    assert_string_equal(f->hs.digits, "520852");
    assert_string_equal(f->origin, "CN");
    assert_int_equal(f->value_cents, 480);
    assert_int_equal(f->weight_g, 180);
    assert_int_equal(f->nprocesses, 1);
    assert_string_equal(f->processes[0], "weaving");
    assert_int_equal(f->line, 11); /* the fabric's '{' is on line 11 of the file */
    assert_string_equal(b->materials[3].origin, "");   /* "unknown" */
    assert_int_equal(rta_bom_materials_total(b), 510); /* 4.80 + 0.15 + 0.10 + 0.05 */
    rta_bom_free(b);
}

static void test_example_laptop(void **state)
{
    (void)state;
    rta_bom *b = NULL;
    rta_error err;
    assert_int_equal(rta_bom_read(EXAMPLES "bom_laptop.json", &b, &err), RTA_OK);
    assert_int_equal(b->price_cents, 40000);
    assert_int_equal(b->net_cost_cents, 36000);
    assert_int_equal(b->nmaterials, 7);
    assert_int_equal(b->materials[5].weight_g, -1); /* weights are optional */
    assert_int_equal(rta_bom_materials_total(b), 31000);
    rta_bom_free(b);
}

static void test_numbers_and_defaults(void **state)
{
    (void)state;
    rta_bom *b = parse_ok("{\"hs\":\"8504.40\",\"price_basis\":\"fob\",\"price\":100.5,"
                          "\"materials\":[{\"hs\":\"8504.90\",\"origin\":null,\"value\":3,"
                          "\"weight_kg\":1.5}, {\"hs\":\"7408\",\"origin\":\"kr\","
                          "\"value\":\"0.07\"}]}");
    assert_int_equal(b->price_basis, RTA_PRICE_FOB);
    assert_int_equal(b->price_cents, 10050);
    assert_string_equal(b->producer_country, "VN"); /* default */
    assert_int_equal(b->nprocesses, 0);
    assert_string_equal(b->materials[0].origin, ""); /* null = unknown */
    assert_int_equal(b->materials[0].value_cents, 300);
    assert_int_equal(b->materials[0].weight_g, 1500);
    assert_string_equal(b->materials[1].origin, "KR");
    assert_int_equal(b->materials[1].hs.len, 4);
    assert_int_equal(b->materials[1].value_cents, 7);
    assert_string_equal(rta_price_basis_name(b->price_basis), "fob");
    rta_bom_free(b);
}

static void test_errors(void **state)
{
    (void)state;
    /* column of the offending value, counted by hand */
    parse_bad("{\"hs\":\"6206.30\",\"price_basis\":\"ex-works\",\"price\":\"12.005\","
              "\"materials\":[]}",
              1, 50, "field \"price\"");
    parse_bad("{\"hs\":\"6206\",\"price_basis\":\"ex-works\",\"price\":\"12\",\"materials\":[]}", 1,
              7, "too short");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"cif\",\"price\":\"12\",\"materials\":[]}", 1,
              30, "not ex-works, fob or transaction");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
              "  {\"hs\":\"5208.52\",\"origin\":\"China\",\"value\":\"1\"}]}",
              2, 28, "field \"materials[0].origin\"");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
              "  {\"hs\":\"5208.52\",\"origin\":\"CN\"}]}",
              2, 3, "field \"materials[0].value\": missing");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
              "  {\"hs\":\"5208.52\",\"origin\":\"CN\",\"value\":\"-1\"}]}",
              2, 41, "not an amount");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[],"
              "\"colour\":1}",
              1, 64, "field \"colour\": unknown field");
    parse_bad("{\"hs\":\"620630\",\"hs\":\"620630\"}", 1, 16, "given twice");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"materials\":[]}", 1, 1,
              "field \"price\": missing");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"0\",\"materials\":[]}", 1, 44,
              "more than zero");
    parse_bad("[1]", 1, 1, "JSON object");
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"1\",\"materials\":[]} x", 1,
              64, "text after");
}

/* Review fixes: a repeated comment is a duplicate field like any other, and
 * the material values may not total more than the largest amount (below $1
 * trillion: 999999999999.99 = 99999999999999 cents), so no sum of a bill can
 * overflow int64 (100000 materials of that amount would). Columns by hand:
 * line 2 is `  {"hs":"5208.52","origin":"CN","value":"1","comment":"x","comment"`,
 * the second "comment" starts at column 59. */
static void test_duplicates_and_total_bound(void **state)
{
    (void)state;
    parse_bad("{\"comment\":\"a\",\"comment\":\"b\"}", 1, 16, "field \"comment\": given twice");
    parse_bad(
        "{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
        "  {\"hs\":\"5208.52\",\"origin\":\"CN\",\"value\":\"1\",\"comment\":\"x\",\"comment\":"
        "\"y\"}]}",
        2, 59, "field \"materials[0].comment\": given twice");
    static const char one[] =
        "{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
        "  {\"hs\":\"5208.52\",\"origin\":\"CN\",\"value\":\"999999999999.99\"}]}";
    rta_bom *b = parse_ok(one);
    assert_int_equal(rta_bom_materials_total(b), RTA_BOM_MAX_CENTS);
    rta_bom_free(b);
    parse_bad("{\"hs\":\"620630\",\"price_basis\":\"fob\",\"price\":\"12\",\"materials\":[\n"
              "  {\"hs\":\"5208.52\",\"origin\":\"CN\",\"value\":\"999999999999.99\"},\n"
              "  {\"hs\":\"5208.52\",\"origin\":\"CN\",\"value\":\"0.01\"}]}",
              3, 3, "field \"materials[1].value\": the material values total more than");
}

static void test_read_missing_file(void **state)
{
    (void)state;
    rta_bom *b = NULL;
    rta_error err;
    assert_int_not_equal(rta_bom_read("/nonexistent/bom.json", &b, &err), RTA_OK);
    assert_null(b);
    assert_non_null(strstr(err.input, "/nonexistent/bom.json"));
    rta_bom_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_shirt),
        cmocka_unit_test(test_example_laptop),
        cmocka_unit_test(test_numbers_and_defaults),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_read_missing_file),
        cmocka_unit_test(test_duplicates_and_total_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

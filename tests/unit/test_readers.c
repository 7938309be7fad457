/*
 * test_readers.c - the internal CSV and JSON readers: RFC 4180 quoting,
 * embedded newlines, BOM, and errors that name the line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv.h"
#include "json.h"

#include <string.h>

static void csv_quotes_newlines_and_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBFHTS Number,Description\n"
                        "\"0101.21.00\",\"Purebred, \"\"breeding\"\" animals\"\r\n"
                        "\n"
                        "\"\",\"Line one\nline two\"\n"
                        "6109,last";
    rta__csv c;
    rta__csv_init(&c, text, strlen(text), "t.csv");
    int got;
    assert_int_equal(rta__csv_next(&c, &got, NULL), RTA_OK);
    assert_true(got);
    assert_int_equal(rta__csv_find(&c, "HTS Number"), 0);
    assert_int_equal(rta__csv_find(&c, "Description"), 1);
    assert_int_equal(rta__csv_next(&c, &got, NULL), RTA_OK);
    assert_string_equal(c.fields[0], "0101.21.00");
    assert_string_equal(c.fields[1], "Purebred, \"breeding\" animals");
    assert_int_equal(c.record_line, 2);
    assert_int_equal(rta__csv_next(&c, &got, NULL), RTA_OK);
    assert_string_equal(c.fields[0], "");
    assert_string_equal(c.fields[1], "Line one\nline two");
    assert_int_equal(c.record_line, 4);
    assert_int_equal(rta__csv_next(&c, &got, NULL), RTA_OK);
    assert_int_equal(c.record_line, 6);
    assert_string_equal(c.fields[1], "last");
    assert_int_equal(rta__csv_next(&c, &got, NULL), RTA_OK);
    assert_false(got);
    rta__csv_free(&c);
}

static void csv_unterminated_quote_is_located(void **state)
{
    (void)state;
    const char text[] = "a,b\n1,\"open\n2,3\n";
    rta__csv c;
    rta__csv_init(&c, text, strlen(text), "bad.csv");
    int got;
    rta_error err;
    assert_int_equal(rta__csv_next(&c, &got, &err), RTA_OK);
    assert_int_equal(rta__csv_next(&c, &got, &err), RTA_ERR_PARSE);
    assert_string_equal(err.input, "bad.csv");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    rta__csv_free(&c);
}

static void json_pull_reader(void **state)
{
    (void)state;
    const char text[] = "[ {\"htsno\": \"6109.10.00.12\", \"units\": [\"doz.\", \"kg\"],"
                        " \"esc\": \"\\u00a2/kg \\\"q\\\" \\ud83d\\ude00\", \"n\": -1.5e3,"
                        " \"x\": null, \"nested\": {\"a\": [1, {\"b\": true}]}} ]";
    rta__json j;
    rta__json_init(&j, text, strlen(text), "t.json");
    rta__buf key = {0}, val = {0};
    int more;
    assert_int_equal(rta__json_expect(&j, '[', NULL), RTA_OK);
    assert_int_equal(rta__json_array_next(&j, 1, &more, NULL), RTA_OK);
    assert_true(more);
    assert_int_equal(rta__json_expect(&j, '{', NULL), RTA_OK);
    int seen = 0;
    for (int first = 1;; first = 0) {
        assert_int_equal(rta__json_object_next(&j, first, &key, &more, NULL), RTA_OK);
        if (!more)
            break;
        if (strcmp(key.data, "htsno") == 0) {
            assert_int_equal(rta__json_string(&j, &val, NULL, NULL), RTA_OK);
            assert_string_equal(val.data, "6109.10.00.12");
            seen++;
        } else if (strcmp(key.data, "esc") == 0) {
            assert_int_equal(rta__json_string(&j, &val, NULL, NULL), RTA_OK);
            /* U+00A2 CENT SIGN is C2 A2 in UTF-8; U+1F600 is F0 9F 98 80 */
            assert_string_equal(val.data, "\xC2\xA2/kg \"q\" \xF0\x9F\x98\x80");
            seen++;
        } else if (strcmp(key.data, "n") == 0) {
            assert_int_equal(rta__json_scalar(&j, &val, NULL, NULL), RTA_OK);
            assert_string_equal(val.data, "-1.5e3");
            seen++;
        } else if (strcmp(key.data, "x") == 0) {
            int is_null = 0;
            assert_int_equal(rta__json_string(&j, &val, &is_null, NULL), RTA_OK);
            assert_true(is_null);
            seen++;
        } else {
            assert_int_equal(rta__json_skip(&j, NULL), RTA_OK);
        }
    }
    assert_int_equal(seen, 4);
    assert_int_equal(rta__json_array_next(&j, 0, &more, NULL), RTA_OK);
    assert_false(more);
    assert_int_equal(rta__json_peek(&j), 0);
    rta__buf_free(&key);
    rta__buf_free(&val);
}

static void json_errors_name_line_and_column(void **state)
{
    (void)state;
    const char text[] = "[\n  {\"a\": 1,\n   \"b\": tru}\n]";
    rta__json j;
    rta__json_init(&j, text, strlen(text), "bad.json");
    rta_error err;
    assert_int_equal(rta__json_skip(&j, &err), RTA_ERR_PARSE);
    assert_string_equal(err.input, "bad.json");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 9);
    /* quoting escapes what JSON requires */
    rta__buf b = {0};
    assert_int_equal(rta__json_quote(&b, "a\"b\\c\n\x01"), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
    rta__buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_quotes_newlines_and_bom),
        cmocka_unit_test(csv_unterminated_quote_is_located),
        cmocka_unit_test(json_pull_reader),
        cmocka_unit_test(json_errors_name_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

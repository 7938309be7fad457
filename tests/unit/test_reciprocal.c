/*
 * test_reciprocal.c - partner trade, the reciprocal formula and the balance
 * composition against the sources. RTA_TEST_NEEDS_STORE (the store_import
 * fixture).
 *
 * Expected values are typed from the bundled files, not from rta's output:
 * - data/reciprocal/census_goods_trade_by_partner_2024.csv, row "Vietnam":
 *   exports 13098.20, imports 136561.20, balance -123463.00 ($ million);
 *   total trade 13,098.2 + 136,561.2 = 149,659.4.
 * - the formula by hand: (136,561.2 - 13,098.2) / 136,561.2 = 90.409...% ->
 *   ceil(45.20) = 46; with phi 0.945: 90.409 / (4 x 0.945) = 23.918% ->
 *   ceil(11.96) = 12 (above the floor of 10).
 * - EO 14257 Annex I (eo14257_annexI_whitehouse_2025-04-02.csv): Viet Nam 46,
 *   Thailand 37, Cambodia 49, European Union 20, Switzerland 32; the HTS
 *   version (eo14257_annexI_hts_ch99_vs_whitehouse.csv): Switzerland 31 at
 *   9903.01.60, Thailand 36 at 9903.01.65.
 * - Census HS10 detail (us_imports_2024_hs10_5520.csv, summed with awk by
 *   hand): 7,272 lines, imports 141,361,159,091 USD, duty 5,335,457,796 USD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv.h"
#include "rta/balance.h"
#include "rta/reciprocal.h"
#include "rta/snapshot.h"
#include "rta/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rta_store *store;
static rta_partners *partners;

static int setup(void **state)
{
    (void)state;
    rta_error err;
    char buf[1024];
    if (rta_store_open(RTA_TEST_DB, RTA_STORE_READONLY, &store, &err) != RTA_OK ||
        rta_partners_load(store, &partners, &err) != RTA_OK) {
        fprintf(stderr, "setup: %s\n", rta_error_format(&err, buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rta_partners_free(partners);
    rta_store_close(store);
    return 0;
}

static const rta_partner *find(const char *key)
{
    const rta_partner *p = NULL;
    rta_error err;
    if (rta_partners_find(partners, key, &p, &err) != RTA_OK)
        fail_msg("%s: %s", key, err.message);
    return p;
}

static void vn_figures(void **state)
{
    (void)state;
    const rta_partner *vn = find("VN");
    assert_string_equal(vn->name, "Vietnam");
    assert_int_equal(vn->census_code, 5520);
    assert_string_equal(vn->iso3, "VNM");
    assert_int_equal(vn->exports_cmusd, 1309820);
    assert_int_equal(vn->imports_cmusd, 13656120);
    assert_int_equal(vn->balance_cmusd, -12346300);
    assert_true(vn->reliable);
    rta_balance b;
    rta_balance_of(vn, &b);
    assert_int_equal(b.total_cmusd, 14965940);
    assert_int_equal(b.balance_cmusd, -12346300);
    /* every way of naming it finds the same partner */
    assert_ptr_equal(find("vnm"), vn);
    assert_ptr_equal(find("5520"), vn);
    assert_ptr_equal(find("Vietnam"), vn);
    char buf[32];
    assert_string_equal(rta_musd_format(vn->balance_cmusd, buf, sizeof buf), "-123463.00");
}

static void partner_keys(void **state)
{
    (void)state;
    const rta_partner *eu = find("EU");
    assert_string_equal(eu->name, "European Union");
    assert_int_equal(eu->census_code, 3);
    assert_ptr_equal(find("0003"), eu);
    assert_int_equal(eu->published_pct, 20);
    /* Korea's Census spelling carries a marker the display name drops */
    const rta_partner *kr = find("KOR");
    assert_string_equal(kr->source_name, "Korea, South*");
    assert_string_equal(kr->annex_name, "South Korea");
    const rta_partner *p = NULL;
    rta_error err;
    assert_int_equal(rta_partners_find(partners, "PS", &p, &err), RTA_ERR_INVALID);
    assert_non_null(strstr(err.message, "5082"));
    assert_int_equal(rta_partners_find(partners, "US", &p, &err), RTA_ERR_NOT_FOUND);
    assert_string_equal(err.input, "<partner>");
    /* 204 partner rows in the Census file */
    assert_int_equal(rta_partners_count(partners), 204);
}

static rta_reciprocal_result compute(const char *key, const rta_reciprocal_params *p)
{
    rta_reciprocal_result r;
    rta_error err;
    if (rta_reciprocal_compute(find(key), p, &r, &err) != RTA_OK)
        fail_msg("%s: %s", key, err.message);
    return r;
}

static void vn_formula(void **state)
{
    (void)state;
    rta_reciprocal_params p;
    rta_reciprocal_defaults(&p);
    rta_reciprocal_result r = compute("VN", &p);
    assert_true(r.deficit);
    assert_true(fabs(r.computed_pct - 90.4) < 0.05);
    assert_int_equal(r.applied_pct, 46);
    assert_int_equal(r.published_pct, 46);
    assert_int_equal(r.hts_pct, 46);
    assert_int_equal(r.match, 1);
    assert_true(r.counted);
    /* the AEI critique: phi = 0.945 */
    p.phi = 0.945;
    r = compute("VN", &p);
    assert_true(fabs(r.computed_pct - 23.9) < 0.05);
    assert_int_equal(r.applied_pct, 12);
    assert_int_equal(r.match, 0);
    /* a floor above the computed half wins */
    p.floor_pct = 15;
    assert_int_equal(compute("VN", &p).applied_pct, 15);
    /* other roundings of 45.20 */
    rta_reciprocal_defaults(&p);
    p.rounding = RTA_ROUND_FLOOR;
    assert_int_equal(compute("VN", &p).applied_pct, 45);
    p.rounding = RTA_ROUND_NEAREST;
    assert_int_equal(compute("VN", &p).applied_pct, 45);
}

static void annex_partners(void **state)
{
    (void)state;
    rta_reciprocal_params p;
    rta_reciprocal_defaults(&p);
    /* Cambodia: m 12,661.8, x 321.6 -> 97.46% -> ceil(48.73) = 49 */
    assert_int_equal(compute("KH", &p).applied_pct, 49);
    /* EU: m 605,760.4, x 370,189.2 -> 38.89% -> ceil(19.44) = 20 */
    assert_int_equal(compute("EU", &p).applied_pct, 20);
    /* Thailand: 72.02% -> ceil(36.01) = 37 as published; HTS has 36 */
    rta_reciprocal_result th = compute("TH", &p);
    assert_int_equal(th.applied_pct, 37);
    assert_int_equal(th.match, 1);
    assert_int_equal(th.hts_pct, 36);
    /* Switzerland: m 63,425.3, x 24,962.0 -> 60.64% -> ceil(30.32) = 31;
     * published 32, HTS 9903.01.60 31 */
    rta_reciprocal_result ch = compute("CH", &p);
    assert_int_equal(ch.applied_pct, 31);
    assert_int_equal(ch.published_pct, 32);
    assert_int_equal(ch.match, 0);
    assert_non_null(strstr(ch.reason, "9903.01.60"));
    /* a surplus partner: no deficit, the floor */
    rta_reciprocal_result gb = compute("GB", &p);
    assert_false(gb.deficit);
    assert_int_equal(gb.applied_pct, 10);
    assert_int_equal(gb.match, -1);
}

static void match_count(void **state)
{
    (void)state;
    rta_reciprocal_params p;
    rta_reciprocal_defaults(&p);
    long n = rta_partners_count(partners), k = 0;
    rta_reciprocal_result *r = calloc((size_t)n, sizeof *r);
    assert_non_null(r);
    rta_error err;
    for (long i = 0; i < n; i++)
        if (rta_partners_at(partners, i)->in_annex)
            assert_int_equal(
                rta_reciprocal_compute(rta_partners_at(partners, i), &p, &r[k++], &err), RTA_OK);
    rta_reciprocal_summary s;
    rta_reciprocal_summarize(r, k, &s);
    assert_int_equal(s.annex, 57);     /* Annex I rows */
    assert_int_equal(s.unreliable, 2); /* Falkland Islands, Syria: "(-)" */
    assert_int_equal(s.reliable, 55);
    assert_int_equal(s.matches, 54);
    int mism = 0;
    for (long i = 0; i < k; i++)
        if (r[i].match == 0) {
            mism++;
            assert_true(r[i].reason[0] != '\0');
            if (r[i].counted)
                assert_string_equal(r[i].partner->iso2, "CH");
            else
                assert_non_null(strstr(r[i].reason, "unreliable"));
        }
    assert_int_equal(mism, 3);
    char *svg = NULL;
    assert_int_equal(rta_reciprocal_svg(r, k, &p, &svg, &err), RTA_OK);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "Source: US Census Bureau 2024 goods trade"));
    assert_non_null(strstr(svg, "Cote d&apos;Ivoire"));
    free(svg);
    free(r);
}

static void params_checked(void **state)
{
    (void)state;
    rta_reciprocal_params p;
    rta_reciprocal_defaults(&p);
    rta_error err;
    rta_reciprocal_result r;
    p.phi = 0;
    assert_int_equal(rta_reciprocal_compute(find("VN"), &p, &r, &err), RTA_ERR_RANGE);
    assert_string_equal(err.input, "--phi");
    p.phi = NAN;
    assert_int_equal(rta_reciprocal_check(&p, &err), RTA_ERR_RANGE);
    rta_reciprocal_defaults(&p);
    p.floor_pct = -1;
    assert_int_equal(rta_reciprocal_check(&p, &err), RTA_ERR_RANGE);
    rta_rounding rd;
    assert_int_equal(rta_rounding_parse("nearest", &rd), 0);
    assert_int_equal(rd, RTA_ROUND_NEAREST);
    assert_int_equal(rta_rounding_parse("up", &rd), -1);
}

/* Every partner row of the Census file and every Annex row has a mapping. */
static void names_all_mapped(void **state)
{
    (void)state;
    static const struct {
        const char *file, *col;
    } files[] = {
        {"reciprocal/census_goods_trade_by_partner_2024.csv", "partner"},
        {"reciprocal/eo14257_annexI_whitehouse_2025-04-02.csv", "country"},
        {"reciprocal/eo14257_annexI_hts_ch99_vs_whitehouse.csv", "country"},
    };
    char path[1024], *names = NULL, *text = NULL;
    size_t nlen = 0, len = 0;
    rta_error err;
    snprintf(path, sizeof path, "%s/reciprocal/partner_names.csv", RTA_TEST_DATA_DIR);
    assert_int_equal(rta__read_file(path, &names, &nlen, &err), RTA_OK);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        snprintf(path, sizeof path, "%s/%s", RTA_TEST_DATA_DIR, files[f].file);
        assert_int_equal(rta__read_file(path, &text, &len, &err), RTA_OK);
        rta__csv c;
        int got, rows = 0;
        rta__csv_init(&c, text, len, path);
        assert_int_equal(rta__csv_next(&c, &got, &err), RTA_OK);
        int col = rta__csv_find(&c, files[f].col);
        assert_true(col >= 0);
        while (rta__csv_next(&c, &got, &err) == RTA_OK && got) {
            /* the name as the first field of a line of partner_names.csv */
            const char *name = c.fields[col];
            char quoted[256];
            snprintf(quoted, sizeof quoted, "\n\"%s\",", name);
            char plain[256];
            snprintf(plain, sizeof plain, "\n%s,", name);
            if (strstr(names, plain) == NULL && strstr(names, quoted) == NULL)
                fail_msg("%s:%ld: \"%s\" has no row in partner_names.csv", files[f].file,
                         c.record_line, name);
            rows++;
        }
        assert_int_equal(rows, f == 0 ? 204 : 57);
        rta__csv_free(&c);
        free(text);
        text = NULL;
    }
    free(names);
}

static void composition_vn(void **state)
{
    (void)state;
    rta_snapshot *snap = NULL;
    rta_error err;
    assert_int_equal(rta_snapshot_open(store, &snap, &err), RTA_OK);
    rta_composition *c = NULL;
    assert_int_equal(rta_composition_build(store, snap, 5520, RTA_BY_SECTION, &c, &err), RTA_OK);
    assert_int_equal(c->hs10_lines, 7272);
    assert_int_equal(c->total_imports_usd, 141361159091LL);
    assert_int_equal(c->total_duty_usd, 5335457796LL);
    /* 5,335,457,796 / 141,361,159,091 = 3.7743% */
    assert_int_equal(c->avg_duty_millionths / 100, 377);
    int64_t sum = 0, share = 0;
    long lines = 0;
    for (long i = 0; i < c->nrows; i++) {
        sum += c->rows[i].imports_usd;
        lines += c->rows[i].lines;
        share += c->rows[i].share_millionths;
    }
    assert_int_equal(sum, c->total_imports_usd);
    assert_int_equal(lines, 7272);
    assert_true(share > 999950 && share < 1000050);
    /* section XVI (machinery, electrical) is the largest */
    assert_string_equal(c->rows[0].key, "XVI");
    char *svg = NULL;
    assert_int_equal(rta_composition_svg(c, find("VN"), 8, &svg, &err), RTA_OK);
    assert_non_null(strstr(svg, "not available"));
    free(svg);
    rta_composition_free(c);
    /* chapter 61 (knitted apparel) holds the T-shirt line 6109.10.00.12 */
    assert_int_equal(rta_composition_build(store, snap, 5520, RTA_BY_HS10, &c, &err), RTA_OK);
    int seen = 0;
    for (long i = 0; i < c->nrows; i++)
        seen |= strcmp(c->rows[i].key, "6109100012") == 0;
    assert_true(seen);
    rta_composition_free(c);
    /* a partner without HS10 detail */
    assert_int_equal(rta_composition_build(store, snap, 6226, RTA_BY_SECTION, &c, &err),
                     RTA_ERR_NOT_FOUND);
    assert_null(c);
    rta_snapshot_free(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vn_figures),       cmocka_unit_test(partner_keys),
        cmocka_unit_test(vn_formula),       cmocka_unit_test(annex_partners),
        cmocka_unit_test(match_count),      cmocka_unit_test(params_checked),
        cmocka_unit_test(names_all_mapped), cmocka_unit_test(composition_vn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

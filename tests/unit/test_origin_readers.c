/*
 * test_origin_readers.c - the bundled agreements compiled into trees:
 * values from the sources, coverage thresholds, nothing dropped, and the
 * whole sets round-tripping through the plain syntax.
 *
 * Sources (data/rules_of_origin/, from the UK Trade Tariff; see
 * data/SOURCES.md): vietnam.json (UK-Viet Nam FTA, the EVFTA's Annex II
 * wording; the MANIFEST counts 383 rule sets and 607 rules) and cptpp.json
 * (CPTPP Annex 3-D; 1,239 rule sets, 2,561 rules). The rule texts quoted
 * above each test are copied from those files (markdown links removed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/origin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UK RTA_TEST_DATA_DIR "/rules_of_origin/vietnam.json"
#define CP RTA_TEST_DATA_DIR "/rules_of_origin/cptpp.json"

static rta_ruleset *uk, *cp;

static int setup(void **state)
{
    (void)state;
    rta_error err;
    if (rta_ruleset_read_ukvfta(UK, &uk, &err) != RTA_OK ||
        rta_ruleset_read_cptpp(CP, &cp, &err) != RTA_OK) {
        fprintf(stderr, "setup: %s:%ld: %s\n", err.input, err.line, err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rta_ruleset_free(uk);
    rta_ruleset_free(cp);
    return 0;
}

static const rta_rule *find(const rta_ruleset *rs, const char *code)
{
    const rta_rule *r = NULL;
    rta_error err;
    if (rta_ruleset_find(rs, code, &r, &err) != RTA_OK)
        fprintf(stderr, "find %s: %s\n", code, err.message);
    assert_non_null(r);
    return r;
}

static char *fmt(const rta_node *n)
{
    size_t need = rta_node_format(n, NULL, 0);
    char *s = malloc(need + 1);
    assert_non_null(s);
    rta_node_format(n, s, need + 1);
    return s;
}

static void assert_tree(const rta_rule *r, const char *want)
{
    char *got = fmt(r->root);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "got:  %s\nwant: %s\n", got, want);
    assert_string_equal(got, want);
    free(got);
}

static size_t count_kind(const rta_node *n, rta_node_kind kind)
{
    size_t k = n->kind == kind;
    if (n->kind == RTA_NODE_AND || n->kind == RTA_NODE_OR)
        for (size_t i = 0; i < n->u.kids.n; i++)
            k += count_kind(&n->u.kids.v[i], kind);
    return k;
}

/* vietnam.json "Chapter 1": "All the animals of chapter 1 are wholly
 * obtained." (class WO) */
static void test_uk_wholly_obtained(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "010121");
    assert_true(r->lo == 100000000ULL && r->hi == 199999999ULL);
    assert_tree(r, "WO");
    /* "0304": "Manufacture in which all the materials of chapter 3 used are
     * wholly obtained." */
    assert_tree(find(uk, "030441"), "WO(03)");
}

/* vietnam.json "Chapter 28": "Manufacture from materials of any heading,
 * except that of the product. However, materials of the same heading as the
 * product may be used, provided that their total value does not exceed 20%
 * of the ex-works price of the product." or "Manufacture in which the value
 * of all the materials used does not exceed 50% of the ex-works price of the
 * product." */
static void test_uk_chapter28(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "2804");
    assert_tree(r, "CTH allow 20% or MaxNOM <= 50%");
    assert_int_equal(r->root->u.kids.v[1].u.value.basis, RTA_BASIS_EXWORKS);
    /* general tolerance by value outside chapters 50-63 */
    assert_true(r->tolerance.value_upct == 10000000 && r->tolerance.weight_upct == -1);
}

/* vietnam.json "ex Chapter 84" (8444-8480): "Manufacture from materials of
 * any heading, except that of the product." or "... does not exceed 70% of
 * the ex-works price of the product." */
static void test_uk_machines(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "847130");
    assert_true(r->lo == 8444000000ULL && r->hi == 8480999999ULL && r->ex);
    assert_tree(r, "CTH or MaxNOM <= 70%");
}

/* vietnam.json two "Chapter 61" sets: "Knitting and making-up (including
 * cutting)." / "Spinning of natural or man-made staple fibres or extrusion
 * of man-made filament yarn, in each case accompanied by knitting (knitted
 * to shape products)." / "Dyeing of yarn of natural fibres accompanied by
 * knitting (knitted to shape products)." - the T-shirt 6109.10 rule. */
static void test_uk_tshirt(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "610910");
    assert_true(r->lo == 6100000000ULL && r->hi == 6199999999ULL);
    /* the two sets are told apart by their descriptions ("Obtained by
     * sewing together ... two or more pieces of knitted or crocheted fabric"
     * vs "Other"): PRODUCT conditions, the second negated; led by "both
     * rules met", which needs no answer about the good */
    assert_int_equal(r->root->kind, RTA_NODE_OR);
    assert_int_equal(r->root->u.kids.n, 3);
    const rta_node *lead = &r->root->u.kids.v[0];
    assert_int_equal(lead->kind, RTA_NODE_AND);
    assert_int_equal(count_kind(lead, RTA_NODE_PRODUCT), 0);
    const rta_node *a = &r->root->u.kids.v[1], *b = &r->root->u.kids.v[2];
    assert_int_equal(a->kind, RTA_NODE_AND);
    assert_int_equal(a->u.kids.v[0].kind, RTA_NODE_PRODUCT);
    assert_non_null(strstr(a->u.kids.v[0].u.product.words, "Obtained by sewing together"));
    assert_string_equal(a->u.kids.v[1].u.process.name, "knitting");
    assert_string_equal(a->u.kids.v[2].u.process.name, "making-up");
    assert_string_equal(a->u.kids.v[2].u.process.words, "making-up (including cutting)");
    assert_int_equal(b->u.kids.v[0].u.product.negate, 1);
    assert_string_equal(b->u.kids.v[0].u.product.words, a->u.kids.v[0].u.product.words);
    /* textiles: tolerance by weight (EVFTA Annex I notes), Korean fabric
     * cumulation for chapters 61-62 (EVFTA Protocol 1 Art. 3(7)) */
    assert_true(r->tolerance.weight_upct == 10000000 && r->tolerance.value_upct == -1);
    int korea = 0;
    for (size_t i = 0; i < r->n_cumulation; i++)
        if (strcmp(r->cumulation[i].partners[0], "KR") == 0) {
            korea = 1;
            assert_true(r->cumulation[i].in_force);
            assert_true(rta_hs_scope_has(&r->cumulation[i].products, 610910));
            assert_true(rta_hs_scope_has(&r->cumulation[i].scope, 600622));
        }
    assert_true(korea);
}

/* vietnam.json "5208 to 5212": "Weaving accompanied by dyeing or by
 * coating." and "Printing accompanied by at least two preparatory or
 * finishing operations (...), provided that the value of the unprinted
 * fabric used does not exceed 47.5% of the ex-works price of the product." */
static void test_uk_fabric_processes(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "520811");
    const rta_node *w = &r->root->u.kids.v[1];
    char *s = fmt(w);
    assert_string_equal(s, "process(weaving, \"Weaving\") and (process(dyeing, \"dyeing\") or "
                           "process(coating, \"coating\"))");
    free(s);
    const rta_node *p = &r->root->u.kids.v[3];
    assert_int_equal(p->kind, RTA_NODE_AND);
    const rta_node *v = &p->u.kids.v[p->u.kids.n - 1];
    assert_int_equal(v->kind, RTA_NODE_VALUE);
    assert_true(v->u.value.threshold_upct == 47500000);
    assert_string_equal(v->u.value.words, "unprinted fabric");
}

/* "ex 6202" (embroidered) and "Any other product from heading 6202" share a
 * scope: the tree asks which the good is. */
static void test_uk_ex_headings(void **state)
{
    (void)state;
    const rta_rule *r = find(uk, "620211");
    assert_int_equal(r->root->kind, RTA_NODE_OR);
    assert_int_equal(r->root->u.kids.n, 3);
    assert_int_equal(count_kind(&r->root->u.kids.v[0], RTA_NODE_PRODUCT), 0);
    const rta_node *a = &r->root->u.kids.v[1], *b = &r->root->u.kids.v[2];
    assert_int_equal(a->u.kids.v[0].kind, RTA_NODE_PRODUCT);
    assert_int_equal(a->u.kids.v[0].u.product.negate, 0);
    assert_non_null(strstr(a->u.kids.v[0].u.product.words, "embroidered"));
    assert_int_equal(b->u.kids.v[0].u.product.negate, 1);
    assert_string_equal(a->u.kids.v[0].u.product.words, b->u.kids.v[0].u.product.words);
}

/* cptpp.json "851711-851769": "A change to a good of subheading 851711
 * through 851769 from any other subheading." */
static void test_cp_phones(void **state)
{
    (void)state;
    const rta_rule *r = find(cp, "851762");
    assert_true(r->lo == 8517110000ULL && r->hi == 8517699999ULL);
    assert_tree(r, "CTSH");
    assert_true(r->tolerance.value_upct == 10000000);
    assert_int_equal(r->cumulation[0].kind, RTA_CUM_FULL);
}

/* cptpp.json "851770": "A change to a good of subheading 851770 from any
 * other heading." or "No change in tariff classification required for a
 * good of subheading 851770, provided there is a regional value content of
 * not less than: - a) 30% under the build-up method." "- b) 40% under the
 * build-down method." "- c) 50% under the focused value method taking into
 * account only the non-originating materials of heading 8517." */
static void test_cp_rvc_list(void **state)
{
    (void)state;
    assert_tree(find(cp, "851770"),
                "CTH or RVC(BU) >= 30% or RVC(BD) >= 40% or RVC(FV) >= 50% on 8517");
}

/* cptpp.json "6109": "A change to a good of heading 6109 from any other
 * chapter, except from heading 5106 to heading 5113, heading 5204 to heading
 * 5212 ..., provided the good is cut or knit to shape, or both, and sewn or
 * otherwise assembled in the territory of one or more of the Parties." */
static void test_cp_tshirt(void **state)
{
    (void)state;
    const rta_rule *r = find(cp, "610910");
    assert_int_equal(r->root->kind, RTA_NODE_AND);
    const rta_node *s = &r->root->u.kids.v[0];
    assert_int_equal(s->u.shift.level, RTA_SHIFT_CC);
    assert_true(rta_hs_scope_has(&s->u.shift.except, 520811));  /* 5204-5212 */
    assert_true(rta_hs_scope_has(&s->u.shift.except, 511211));  /* 5106-5113 */
    assert_false(rta_hs_scope_has(&s->u.shift.except, 520100)); /* raw cotton may be used */
    assert_string_equal(r->root->u.kids.v[1].u.process.name, "cut-and-sewn");
    assert_true(r->tolerance.weight_upct == 10000000 && r->tolerance.value_upct == -1);
}

/* cptpp.json "200819": a described part, a described mixture and "any other
 * good": PRODUCT conditions, the last one negated. */
static void test_cp_described_goods(void **state)
{
    (void)state;
    const rta_rule *r = find(cp, "200819");
    /* led by "every kind of good passes": (CC except 0802, 1202 for the
     * roasted nuts) and (the same for the mixtures) and (CC for the rest) */
    assert_int_equal(r->root->u.kids.n, 4);
    assert_int_equal(count_kind(&r->root->u.kids.v[0], RTA_NODE_PRODUCT), 0);
    char *lead = fmt(&r->root->u.kids.v[0]);
    assert_string_equal(lead, "CC except 0802, 1202 and CC except 0802, 1202 and CC");
    free(lead);
    const rta_node *last = &r->root->u.kids.v[3];
    assert_int_equal(last->u.kids.v[0].kind, RTA_NODE_PRODUCT);
    assert_int_equal(last->u.kids.v[0].u.product.negate, 1);
    assert_non_null(strstr(last->u.kids.v[0].u.product.words, "mixtures of subheading 200819"));
}

static size_t count_text(const rta_node *n)
{
    if (n->kind == RTA_NODE_TEXT) {
        assert_true(n->u.text.reason[0] != '\0' && n->u.text.words != NULL);
        return 1;
    }
    size_t k = 0;
    if (n->kind == RTA_NODE_AND || n->kind == RTA_NODE_OR)
        for (size_t i = 0; i < n->u.kids.n; i++)
            k += count_text(&n->u.kids.v[i]);
    return k;
}

/* Coverage thresholds of the issue, and no rule dropped: every JSON rule
 * is counted (607 and 2,561, the MANIFEST's counts), every product scope
 * has a rule, and every TEXT node carries its reason and words. */
static void test_coverage(void **state)
{
    (void)state;
    rta_coverage c;
    assert_int_equal(rta_ruleset_coverage(uk, &c, NULL), RTA_OK);
    assert_int_equal(c.source_rules, 607);
    assert_true(c.source_compiled * 100 >= c.source_rules * 95);
    size_t texts = 0;
    for (size_t i = 0; i < c.n_reasons; i++)
        texts += c.reasons[i].count;
    assert_int_equal(texts, c.source_rules - c.source_compiled);
    rta_coverage_free(&c);
    assert_int_equal(rta_ruleset_coverage(cp, &c, NULL), RTA_OK);
    assert_int_equal(c.source_rules, 2561);
    assert_int_equal(c.rules, 1239);
    assert_true(c.source_compiled * 100 >= c.source_rules * 90);
    rta_coverage_free(&c);
    const rta_ruleset *sets[2] = {uk, cp};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < rta_ruleset_count(sets[s]); i++) {
            const rta_rule *r = rta_ruleset_rule(sets[s], i);
            assert_int_equal(r->has_text_node, count_text(r->root) > 0);
            assert_non_null(r->text);
            assert_non_null(r->source);
        }
}

/* Both agreements written in the plain syntax read back into equal trees. */
static void test_sets_round_trip(void **state)
{
    (void)state;
    const rta_ruleset *sets[2] = {uk, cp};
    for (int s = 0; s < 2; s++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        assert_int_equal(rta_ruleset_write_text(sets[s], f, NULL), RTA_OK);
        fclose(f);
        rta_ruleset *back = NULL;
        rta_error err;
        if (rta_ruleset_parse("back", buf, len, &back, &err) != RTA_OK)
            fprintf(stderr, "%ld:%ld: %s\n", err.line, err.column, err.message);
        assert_non_null(back);
        assert_int_equal(rta_ruleset_count(back), rta_ruleset_count(sets[s]));
        for (size_t i = 0; i < rta_ruleset_count(back); i++) {
            const rta_rule *a = rta_ruleset_rule(sets[s], i), *b = rta_ruleset_rule(back, i);
            assert_true(a->lo == b->lo && a->hi == b->hi && a->ex == b->ex);
            assert_true(rta_node_equal(a->root, b->root));
            assert_true(a->tolerance.value_upct == b->tolerance.value_upct);
            assert_true(a->tolerance.weight_upct == b->tolerance.weight_upct);
            assert_int_equal(a->n_cumulation, b->n_cumulation);
        }
        rta_coverage ca, cb;
        assert_int_equal(rta_ruleset_coverage(sets[s], &ca, NULL), RTA_OK);
        assert_int_equal(rta_ruleset_coverage(back, &cb, NULL), RTA_OK);
        assert_int_equal(ca.rules_compiled, cb.rules_compiled);
        rta_coverage_free(&ca);
        rta_coverage_free(&cb);
        rta_ruleset_free(back);
        free(buf);
    }
}

static void test_bad_inputs(void **state)
{
    (void)state;
    rta_ruleset *rs = (rta_ruleset *)1;
    rta_error err;
    assert_int_equal(rta_ruleset_read_ukvfta("/nonexistent/vietnam.json", &rs, &err), RTA_ERR_IO);
    assert_null(rs);
    assert_int_equal(rta_ruleset_load_bundled("usvn", RTA_TEST_DATA_DIR, &rs, &err),
                     RTA_ERR_NOT_FOUND);
    /* a malformed file is reported with its line and column */
    char path[] = "/tmp/rta-origin-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"rule_sets\": [\n  {\"min\": \"01\"}\n]}\n", f);
    fclose(f);
    assert_int_equal(rta_ruleset_read_cptpp(path, &rs, &err), RTA_ERR_PARSE);
    assert_int_equal(err.line, 2);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uk_wholly_obtained),
        cmocka_unit_test(test_uk_chapter28),
        cmocka_unit_test(test_uk_machines),
        cmocka_unit_test(test_uk_tshirt),
        cmocka_unit_test(test_uk_fabric_processes),
        cmocka_unit_test(test_uk_ex_headings),
        cmocka_unit_test(test_cp_phones),
        cmocka_unit_test(test_cp_rvc_list),
        cmocka_unit_test(test_cp_tshirt),
        cmocka_unit_test(test_cp_described_goods),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_sets_round_trip),
        cmocka_unit_test(test_bad_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

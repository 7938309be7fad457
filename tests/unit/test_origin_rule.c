/*
 * test_origin_rule.c - the plain rule syntax: parsing into the typed tree,
 * formatting back (the round-trip property), located errors, set-level
 * tolerance and cumulation, and the most specific rule for a product.
 *
 * The rules typed here are the examples of the issue ("8471.30: CTSH or
 * RVC(BD) >= 40") and transcriptions of bundled wording, quoted above each:
 * data/rules_of_origin/vietnam.json (EVFTA wording) and cptpp.json (CPTPP
 * Annex 3-D). Expected fields are read off that wording by hand.
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

static rta_ruleset *parse_ok(const char *text)
{
    rta_ruleset *rs = NULL;
    rta_error err;
    memset(&err, 0, sizeof err);
    if (rta_ruleset_parse("t.rules", text, strlen(text), &rs, &err) != RTA_OK)
        fprintf(stderr, "%s:%ld:%ld: %s\n", err.input, err.line, err.column, err.message);
    assert_non_null(rs);
    return rs;
}

static void expect_error(const char *text, long line, long col, const char *part)
{
    rta_ruleset *rs = (rta_ruleset *)1;
    rta_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(rta_ruleset_parse("bad.rules", text, strlen(text), &rs, &err), RTA_ERR_PARSE);
    assert_null(rs);
    assert_string_equal(err.input, "bad.rules");
    if (err.line != line || err.column != col || strstr(err.message, part) == NULL)
        fprintf(stderr, "got %ld:%ld: %s\n", err.line, err.column, err.message);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_non_null(strstr(err.message, part));
}

/* The issue's example: "8471.30: CTSH or RVC(BD) >= 40". */
static void test_issue_example(void **state)
{
    (void)state;
    rta_ruleset *rs = parse_ok("8471.30: CTSH or RVC(BD) >= 40\n");
    assert_int_equal(rta_ruleset_count(rs), 1);
    const rta_rule *r = rta_ruleset_rule(rs, 0);
    assert_true(r->lo == 8471300000ULL && r->hi == 8471309999ULL);
    assert_int_equal(r->root->kind, RTA_NODE_OR);
    assert_int_equal(r->root->u.kids.n, 2);
    const rta_node *a = &r->root->u.kids.v[0], *b = &r->root->u.kids.v[1];
    assert_int_equal(a->kind, RTA_NODE_SHIFT);
    assert_int_equal(a->u.shift.level, RTA_SHIFT_CTSH);
    assert_int_equal(a->u.shift.except.n, 0);
    assert_int_equal(b->kind, RTA_NODE_VALUE);
    assert_int_equal(b->u.value.method, RTA_VALUE_BD);
    assert_int_equal(b->u.value.cmp, RTA_CMP_GE);
    assert_true(b->u.value.threshold_upct == 40000000);
    assert_int_equal(b->u.value.basis, RTA_BASIS_VALUE);
    char buf[128];
    assert_int_equal(rta_rule_format(r, buf, sizeof buf),
                     strlen("8471.30: CTSH or RVC(BD) >= 40%"));
    assert_string_equal(buf, "8471.30: CTSH or RVC(BD) >= 40%");
    /* snprintf semantics: a short buffer gets a prefix, the length is the same */
    char small[8];
    assert_int_equal(rta_rule_format(r, small, sizeof small), 31);
    assert_string_equal(small, "8471.30");
    rta_ruleset_free(rs);
}

/* CPTPP 6109 (cptpp.json): "A change to a good of heading 6101 to heading
 * 6109 from any other chapter, except from heading 5106 to heading 5113,
 * heading 5204 to heading 5212 ..., provided the good is cut or knit to
 * shape, or both, and sewn ..." - a shift with ranges and a process. */
static void test_shift_fields(void **state)
{
    (void)state;
    rta_ruleset *rs = parse_ok("6101-6109: CC except 51.06-51.13, 5204-5212, 5403.33-5403.39 "
                               "and process(cut-and-sewn, \"cut or knit to shape\")\n");
    const rta_rule *r = rta_ruleset_rule(rs, 0);
    assert_true(r->lo == 6101000000ULL && r->hi == 6109999999ULL);
    assert_int_equal(r->root->kind, RTA_NODE_AND);
    const rta_node *s = &r->root->u.kids.v[0];
    assert_int_equal(s->u.shift.level, RTA_SHIFT_CC);
    assert_int_equal(s->u.shift.except.n, 3);
    /* 51.06-51.13 -> HS6 510600..511399; 5403.33-5403.39 -> 540333..540339 */
    assert_int_equal(s->u.shift.except.v[0].lo, 510600);
    assert_int_equal(s->u.shift.except.v[0].hi, 511399);
    assert_int_equal(s->u.shift.except.v[2].lo, 540333);
    assert_int_equal(s->u.shift.except.v[2].hi, 540339);
    assert_true(rta_hs_scope_has(&s->u.shift.except, 520811));  /* woven cotton fabric */
    assert_false(rta_hs_scope_has(&s->u.shift.except, 600622)); /* knitted fabric: not listed */
    assert_int_equal(s->u.shift.allow_upct, -1);
    const rta_node *p = &r->root->u.kids.v[1];
    assert_int_equal(p->kind, RTA_NODE_PROCESS);
    assert_string_equal(p->u.process.name, "cut-and-sewn");
    assert_string_equal(p->u.process.words, "cut or knit to shape");
    rta_ruleset_free(rs);
}

/* EVFTA chapter 28 (vietnam.json): "Manufacture from materials of any
 * heading, except that of the product. However, materials of the same
 * heading as the product may be used, provided that their total value does
 * not exceed 20% of the ex-works price of the product." or "Manufacture in
 * which the value of all the materials used does not exceed 50% of the
 * ex-works price of the product." */
static void test_allowance_and_maxnom(void **state)
{
    (void)state;
    rta_ruleset *rs = parse_ok("28: CTH allow 20% or MaxNOM <= 50%\n"
                               "5208-5212: process(printing) and MaxNOM <= 47.5% on \"unprinted "
                               "fabric\"\n"
                               "0811.90: CC and MaxNOM(VG) <= 35% on 0811.90\n");
    /* sorted by scope: 0811.90, 28, 5208-5212 */
    const rta_rule *r = rta_ruleset_rule(rs, 1);
    assert_true(r->lo == 2800000000ULL && r->hi == 2899999999ULL);
    assert_true(r->root->u.kids.v[0].u.shift.allow_upct == 20000000);
    const rta_node *v = &r->root->u.kids.v[1];
    assert_int_equal(v->u.value.method, RTA_VALUE_MAXNOM);
    assert_int_equal(v->u.value.cmp, RTA_CMP_LE);
    assert_int_equal(v->u.value.basis, RTA_BASIS_EXWORKS);
    assert_true(v->u.value.threshold_upct == 50000000);
    r = rta_ruleset_rule(rs, 0);
    assert_true(r->lo == 811900000ULL);
    assert_int_equal(r->root->u.kids.v[1].u.value.basis, RTA_BASIS_VALUE);
    const rta_rule *t = NULL;
    assert_int_equal(rta_ruleset_find(rs, "521031", &t, NULL), RTA_OK);
    assert_true(t->root->u.kids.v[1].u.value.threshold_upct == 47500000);
    assert_string_equal(t->root->u.kids.v[1].u.value.words, "unprinted fabric");
    rta_ruleset_free(rs);
}

/* format(parse(x)) == x for canonical lines, and parse(format(tree)) equals
 * the tree for every line (the round-trip property). */
static void test_round_trip(void **state)
{
    (void)state;
    static const char *lines[] = {
        "8471.30: CTSH or RVC(BD) >= 40%",
        "01: WO",
        "0304: WO(03)",
        "1509-1510: WO(\"the vegetable materials\")",
        "0402: WO(04) and weight(ALL) <= 20% on \"sugar\"",
        "1704: CTH and weight(ALL) <= 20% on 04 and weight(ALL) <= 40% on \"sugar\" and "
        "weight(ALL) <= 60% on 04, \"sugar\"",
        "2403: AH and weight(ALL) <= 30% on 24 of 24",
        "3902: CTSH and weight(OM) >= 50% on \"total polymer content\" of \"total polymer "
        "content\"",
        "3824.60: CTSH except 2905.44 allow 20%",
        "2519: CTH allow \"natural magnesium carbonate (magnesite)\"",
        "7106-7108: AH from 7106, 7108, 7110",
        "4012: AH except 4011-4012 or MaxNOM <= 70%",
        "8517.70: CTH or RVC(BU) >= 30% or RVC(BD) >= 40% or RVC(FV) >= 50% on 8517",
        "8703: RVC(NC) >= 45% or MaxNOM(NC) <= 55%",
        "8714: MaxMAT <= 15% on 8714",
        "8471: CTSH within 4",
        "5208-5212: (process(spinning, \"Spinning\") or process(extrusion)) and process(weaving) "
        "or process(printing) and MaxNOM <= 47.5% on \"unprinted fabric\"",
        "2008.19: good(\"mixtures\") and CC except 0802, 1202 or not good(\"mixtures\") and CC",
        "ex 6202: text(\"set of articles\", \"Each item in the set \\\"must\\\" satisfy\\nits "
        "rule\")",
        "6109.10.00.12: CC; tolerance weight 10%; cumulation diagonal KR materials 50-60 "
        "products 61-62 cite \"EVFTA Protocol 1 Art. 3(7)\"",
        "6109: CC; tolerance none",
        "8501-8502: (CTH or CTSH) and (MaxNOM <= 50% or RVC(BD) >= 40%)",
        "8501: (CTH and CTSH) and WO", /* same-kind groups flatten: */
        "8501: (CTH or CTSH) or WO",
    };
    static const char *flat[] = {"8501: CTH and CTSH and WO", "8501: CTH or CTSH or WO"};
    size_t nl = sizeof lines / sizeof lines[0];
    for (size_t i = 0; i < nl; i++) {
        rta_ruleset *a = parse_ok(lines[i]);
        assert_int_equal(rta_ruleset_count(a), 1);
        const rta_rule *ra = rta_ruleset_rule(a, 0);
        size_t need = rta_rule_format(ra, NULL, 0);
        char *txt = malloc(need + 1);
        assert_non_null(txt);
        rta_rule_format(ra, txt, need + 1);
        const char *want = i + 2 >= nl ? flat[i + 2 - nl] : lines[i];
        if (strcmp(txt, want) != 0)
            fprintf(stderr, "in:  %s\nout: %s\n", lines[i], txt);
        assert_string_equal(txt, want);
        rta_ruleset *b = parse_ok(txt);
        const rta_rule *rb = rta_ruleset_rule(b, 0);
        assert_true(rta_node_equal(ra->root, rb->root));
        assert_true(ra->lo == rb->lo && ra->hi == rb->hi && ra->ex == rb->ex);
        assert_true(ra->tolerance.value_upct == rb->tolerance.value_upct);
        assert_true(ra->tolerance.weight_upct == rb->tolerance.weight_upct);
        assert_int_equal(ra->n_cumulation, rb->n_cumulation);
        char *j = rta_rule_json(ra);
        assert_non_null(j);
        assert_true(j[0] == '{' && j[strlen(j) - 1] == '}');
        char *d = rta_node_dump(ra->root);
        assert_non_null(d);
        free(j);
        free(d);
        free(txt);
        rta_ruleset_free(a);
        rta_ruleset_free(b);
    }
}

static void test_errors_located(void **state)
{
    (void)state;
    expect_error("8471.30 CTSH\n", 1, 9, "expected ':'");
    expect_error("8471.30: CTSH or\n8517: CTX\n", 1, 17, "expected a condition");
    expect_error("# comment\n8517: CTX\n", 2, 7, "expected a condition");
    expect_error("6109: RVC(XX) >= 40\n", 1, 11, "BD, BU, FV or NC");
    expect_error("6109: MaxNOM <= 140%\n", 1, 17, "above 100");
    expect_error("6109: MaxNOM = 40\n", 1, 14, "unexpected character '='");
    expect_error("6109: process(Weaving)\n", 1, 15, "process name");
    expect_error("6109: good(\"open\n", 1, 12, "unterminated string");
    expect_error("6109: CC except 5212-5208\n", 1, 17, "range ends before it starts");
    expect_error("6109: CC except 52081\n", 1, 17, "HS code of 2, 4 or 6 digits");
    expect_error("610: CC\n", 1, 1, "2, 4, 6, 8 or 10 digits");
    expect_error("6109: CC or\n", 1, 12, "expected a condition");
    expect_error("6109: CC CTH\n", 1, 10, "end of line");
    expect_error("@tolerance value ten\n", 1, 18, "a percentage");
    expect_error("6109: CC\n# again\n61.09: CTH\n", 3, 1, "already has a rule");
    expect_error("6109: CC; cumulation bilateral gb\n", 1, 32, "alpha-2");
    /* nesting is bounded (the fuzz target relies on it) */
    char deep[256] = "6109: ";
    for (int i = 0; i < 60; i++)
        strcat(deep, "(");
    strcat(deep, "CC");
    expect_error(deep, 1, 55, "nested too deeply");
}

/* Set-level tolerance and cumulation resolve into each rule (textiles by
 * weight, others by value: EVFTA Protocol 1 tolerance as read in
 * docs/origin-rules.md). */
static void test_directives(void **state)
{
    (void)state;
    rta_ruleset *rs = parse_ok("@title \"test set\"\n"
                               "@tolerance value 10% except 50-63 cite \"Art. X\"\n"
                               "@tolerance weight 10% on 50-63\n"
                               "@cumulation bilateral GB\n"
                               "@cumulation diagonal KR materials 50-60 products 61-62\n"
                               "@cumulation diagonal TH, MY suspended note \"not applied\"\n"
                               "61: process(knitting) and process(making-up)\n"
                               "8471: CTH\n"
                               "8471.30: CTSH; tolerance value 5%\n");
    assert_string_equal(rta_ruleset_title(rs), "test set");
    const rta_rule *r = NULL;
    assert_int_equal(rta_ruleset_find(rs, "6109100012", &r, NULL), RTA_OK);
    assert_true(r->lo == 6100000000ULL);
    assert_true(r->tolerance.value_upct == -1 && r->tolerance.weight_upct == 10000000);
    assert_int_equal(r->n_cumulation, 3);
    assert_string_equal(r->cumulation[1].partners[0], "KR");
    assert_true(rta_hs_scope_has(&r->cumulation[1].products, 610910));
    assert_false(rta_hs_scope_has(&r->cumulation[1].scope, 610910));
    assert_int_equal(r->cumulation[2].in_force, 0);
    assert_int_equal(r->cumulation[2].n_partners, 2);
    assert_int_equal(rta_ruleset_find(rs, "847150", &r, NULL), RTA_OK);
    assert_true(r->lo == 8471000000ULL);
    assert_true(r->tolerance.value_upct == 10000000 && r->tolerance.weight_upct == -1);
    assert_string_equal(r->tolerance.cite, "Art. X");
    /* the most specific rule wins, with its own attributes */
    assert_int_equal(rta_ruleset_find(rs, "8471.30", &r, NULL), RTA_OK);
    assert_true(r->lo == 8471300000ULL && r->tolerance.value_upct == 5000000);
    assert_int_equal(r->n_cumulation, 0);
    rta_error err;
    assert_int_equal(rta_ruleset_find(rs, "0101", &r, &err), RTA_ERR_NOT_FOUND);
    assert_null(r);
    assert_int_equal(rta_ruleset_find(rs, "61x9", &r, &err), RTA_ERR_INVALID);
    /* the whole set written as text reads back the same */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(rta_ruleset_write_text(rs, f, NULL), RTA_OK);
    fclose(f);
    rta_ruleset *back = parse_ok(buf);
    assert_int_equal(rta_ruleset_count(back), rta_ruleset_count(rs));
    for (size_t i = 0; i < rta_ruleset_count(rs); i++) {
        const rta_rule *x = rta_ruleset_rule(rs, i), *y = rta_ruleset_rule(back, i);
        assert_true(rta_node_equal(x->root, y->root));
        assert_true(x->tolerance.value_upct == y->tolerance.value_upct);
        assert_true(x->tolerance.weight_upct == y->tolerance.weight_upct);
        assert_int_equal(x->n_cumulation, y->n_cumulation);
    }
    free(buf);
    rta_ruleset_free(back);
    rta_ruleset_free(rs);
}

/* A TEXT node is counted, with its reason, in the coverage. */
/* Review fix: a NUL byte is refused even inside a comment. The store keeps
 * the text and reads it back as a C string: "8471.30: CTSH # x<NUL>y\n
 * 8517.12: CTH" was accepted with 2 rules but would come back as 1. The NUL
 * is the 18th byte of line 1. */
static void test_nul_byte_refused(void **state)
{
    (void)state;
    static const char text[] = "8471.30: CTSH # x\0y\n8517.12: CTH\n";
    rta_ruleset *rs = (rta_ruleset *)1;
    rta_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(rta_ruleset_parse("bad.rules", text, sizeof text - 1, &rs, &err),
                     RTA_ERR_PARSE);
    assert_null(rs);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 18);
    assert_non_null(strstr(err.message, "NUL byte"));
    /* outside a comment too */
    static const char text2[] = "8471.30: CTSH\n\0";
    rs = (rta_ruleset *)1;
    assert_int_equal(rta_ruleset_parse("bad.rules", text2, sizeof text2 - 1, &rs, &err),
                     RTA_ERR_PARSE);
    assert_null(rs);
}

static void test_coverage_counts(void **state)
{
    (void)state;
    rta_ruleset *rs = parse_ok("01: WO\n"
                               "02: text(\"prose\", \"Each item in the set ...\")\n"
                               "03: CC or text(\"prose\", \"...\")\n"
                               "04: text(\"other\", \"...\")\n");
    rta_coverage cov;
    assert_int_equal(rta_ruleset_coverage(rs, &cov, NULL), RTA_OK);
    assert_int_equal(cov.source_rules, 4);
    assert_int_equal(cov.source_compiled, 1);
    assert_int_equal(cov.rules_compiled, 1);
    assert_int_equal(cov.n_reasons, 2);
    assert_string_equal(cov.reasons[0].reason, "prose");
    assert_int_equal(cov.reasons[0].count, 2);
    rta_coverage_free(&cov);
    rta_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_example),        cmocka_unit_test(test_shift_fields),
        cmocka_unit_test(test_allowance_and_maxnom), cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_errors_located),       cmocka_unit_test(test_directives),
        cmocka_unit_test(test_coverage_counts),      cmocka_unit_test(test_nul_byte_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_rule.c - libFuzzer target for the plain rule syntax of rules of
 * origin (rta_ruleset_parse) and its formatter.
 *
 * Why: rule sets come from users (`rta origin rules add NAME FILE`) and are
 * stored as text, so the parser must survive any bytes, report a located
 * error for bad ones, and the formatter must be its inverse: every rule it
 * accepts, formatted and parsed again, gives an equal tree (the round-trip
 * property the stored sets rely on), and the whole set written with
 * rta_ruleset_write_text reads back with the same rules. Any broken promise
 * aborts.
 */
#include "rta/origin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_rule(const rta_rule *r)
{
    CHECK(r->root != NULL && r->lo <= r->hi);
    size_t need = rta_rule_format(r, NULL, 0);
    char *txt = malloc(need + 1);
    CHECK(txt != NULL);
    CHECK(rta_rule_format(r, txt, need + 1) == need && strlen(txt) == need);
    char small[9];
    CHECK(rta_rule_format(r, small, sizeof small) == need);
    CHECK(strncmp(small, txt, strlen(small)) == 0);
    rta_ruleset *back = NULL;
    rta_error err;
    CHECK(rta_ruleset_parse("back", txt, need, &back, &err) == RTA_OK);
    CHECK(rta_ruleset_count(back) == 1);
    const rta_rule *b = rta_ruleset_rule(back, 0);
    CHECK(rta_node_equal(r->root, b->root));
    CHECK(r->lo == b->lo && r->hi == b->hi && r->ex == b->ex);
    if (r->attrs_explicit) { /* set-level defaults are not part of one rule's line */
        CHECK(r->tolerance.value_upct == b->tolerance.value_upct);
        CHECK(r->tolerance.weight_upct == b->tolerance.weight_upct);
        CHECK(r->n_cumulation == b->n_cumulation);
    }
    char *j = rta_rule_json(r);
    char *d = rta_node_dump(r->root);
    CHECK(j != NULL && d != NULL);
    free(j);
    free(d);
    rta_ruleset_free(back);
    free(txt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rta_ruleset *rs = (rta_ruleset *)1;
    rta_error err;
    memset(&err, 0, sizeof err);
    rta_status st = rta_ruleset_parse("fuzz", (const char *)data, size, &rs, &err);
    if (st != RTA_OK) {
        CHECK(rs == NULL);
        CHECK(st == RTA_ERR_PARSE || st == RTA_ERR_NOMEM);
        CHECK(err.code == st && err.message[0] != '\0');
        CHECK(err.line >= 1 && err.column >= 1);
        CHECK(strcmp(err.input, "fuzz") == 0);
        return 0;
    }
    size_t n = rta_ruleset_count(rs);
    for (size_t i = 0; i < n; i++)
        check_rule(rta_ruleset_rule(rs, i));
    /* the whole set as text reads back with the same rules */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK(rta_ruleset_write_text(rs, f, NULL) == RTA_OK);
    fclose(f);
    rta_ruleset *back = NULL;
    CHECK(rta_ruleset_parse("back", buf, len, &back, &err) == RTA_OK);
    CHECK(rta_ruleset_count(back) == n);
    for (size_t i = 0; i < n; i++) {
        const rta_rule *x = rta_ruleset_rule(rs, i), *y = rta_ruleset_rule(back, i);
        CHECK(rta_node_equal(x->root, y->root));
        CHECK(x->tolerance.value_upct == y->tolerance.value_upct);
        CHECK(x->tolerance.weight_upct == y->tolerance.weight_upct);
        CHECK(x->n_cumulation == y->n_cumulation);
    }
    rta_coverage cov;
    CHECK(rta_ruleset_coverage(rs, &cov, NULL) == RTA_OK);
    CHECK(cov.rules == n && cov.source_rules == n && cov.rules_compiled == cov.source_compiled);
    rta_coverage_free(&cov);
    const rta_rule *r = NULL;
    if (n > 0)
        rta_ruleset_find(rs, "6109100012", &r, NULL);
    rta_ruleset_free(back);
    rta_ruleset_free(rs);
    free(buf);
    return 0;
}

/*
 * fuzz_bom.c - libFuzzer target for the bill-of-materials reader and the
 * verdict over it.
 *
 * Why: a bill comes from outside (a file, later an HTTP body). Besides memory
 * safety the target checks what the verdict engine relies on: a parsed bill
 * has a product code of 6+ digits, a positive price, materials with 4+ digit
 * codes, origins that are "" or two capital letters, non-negative values,
 * weights -1 or more, lower-case process names; a failed parse leaves *out
 * NULL and a located message. Every parsed bill is then evaluated under a
 * small rule set covering all node kinds, and the fast path must agree with
 * the explained one. Any broken promise aborts.
 */
#include "rta/bom.h"
#include "rta/origin.h"
#include "rta/verdict.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const char rules[] =
    "@tolerance value 10%\n"
    "@cumulation bilateral KR, GB materials 50-60\n"
    "01-49: WO or CTH allow 20% or MaxNOM <= 50%\n"
    "50-63: process(weaving) and process(making-up) or CC except 5208-5212\n"
    "64-83: CTSH or RVC(BD) >= 40% or RVC(BU) >= 30% or RVC(FV) >= 50% on 8504\n"
    "84-97: CTH and MaxNOM <= 70% or RVC(NC) >= 35% or text(\"manual\", \"a person\")\n";

static void check_text(const char *s)
{
    CHECK(s != NULL);
    for (; *s; s++)
        CHECK(!isupper((unsigned char)*s) && !isspace((unsigned char)*s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rta_bom *b = (rta_bom *)&size; /* must be reset to NULL or a bill */
    rta_error err;
    rta_status st = rta_bom_parse((const char *)data, size, "fuzz.json", &b, &err);
    if (st != RTA_OK) {
        CHECK(b == NULL);
        CHECK(err.code == st && err.message[0] != '\0');
        CHECK(strcmp(err.input, "fuzz.json") == 0);
        return 0;
    }
    CHECK(b != NULL && b->hs.len >= 6 && b->price_cents > 0);
    CHECK(b->net_cost_cents >= -1 && b->weight_g >= -1);
    for (int i = 0; i < b->nprocesses; i++)
        check_text(b->processes[i]);
    for (int i = 0; i < b->nmaterials; i++) {
        const rta_bom_material *m = &b->materials[i];
        CHECK(m->hs.len >= 4 && m->value_cents >= 0 && m->weight_g >= -1);
        CHECK(m->origin[0] == '\0' || (isupper((unsigned char)m->origin[0]) &&
                                       isupper((unsigned char)m->origin[1]) && !m->origin[2]));
        for (int k = 0; k < m->nprocesses; k++)
            check_text(m->processes[k]);
    }
    rta_ruleset *rs = NULL;
    CHECK(rta_ruleset_parse("fuzz", rules, sizeof rules - 1, &rs, NULL) == RTA_OK);
    const rta_rule *rule = NULL;
    if (rta_ruleset_find(rs, b->hs.digits, &rule, NULL) == RTA_OK) {
        rta_verdict v;
        rta_verdict_report *r = NULL;
        if (rta_verdict_eval(rule, b, &v, NULL) == RTA_OK) {
            CHECK(rta_verdict_explain(rule, b, "fuzz", &r, NULL) == RTA_OK);
            CHECK(r->v.status == v.status && r->v.passed_by == v.passed_by);
            CHECK(r->v.tolerance_used == v.tolerance_used);
            CHECK(r->v.cumulation_used == v.cumulation_used);
            CHECK(v.vnm_cents + v.vom_cents == rta_bom_materials_total(b));
            CHECK((v.passed_by >= 0) == (v.status == RTA_VERDICT_ORIGINATING));
            char *j = rta_verdict_report_json(r, b);
            CHECK(j != NULL);
            free(j);
            rta_verdict_report_free(r);
        }
    }
    rta_ruleset_free(rs);
    rta_bom_free(b);
    return 0;
}

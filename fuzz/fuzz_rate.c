/*
 * fuzz_rate.c - libFuzzer target for the rate parser, the Special column,
 * shapes, units and the JSON rendering.
 *
 * Why: rate texts come from outside (USITC files, user input to the CLI and
 * the server) and the parser walks them byte by byte with fixed buffers, so
 * it is the place where an off-by-one would hurt. Besides memory safety the
 * target checks what callers rely on: a successful parse has parts that agree
 * with its kind and integers that are the half-up rounding of their exact
 * fractions; a failure says where and why and leaves RTA_RATE_NONE; every
 * program code leads back to its group; the snprintf-style writers return the
 * same length whatever the buffer and write valid, NUL-terminated prefixes.
 * Any broken promise aborts, which the fuzzer (and the corpus replay under
 * ctest) reports as a crash.
 */
#include "rta/rate.h"
#include "rta/unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_part(const rta_rate_part *p)
{
    CHECK(p->kind >= RTA_PART_AD_VALOREM && p->kind <= RTA_PART_MINIMUM);
    CHECK(p->exact_den >= 1 && p->exact_num >= 0);
    int64_t v = p->kind == RTA_PART_AD_VALOREM ? p->ad_valorem_millionths : p->micro_usd;
    int64_t q = p->exact_num / p->exact_den, r = p->exact_num % p->exact_den;
    CHECK(v == q + (r != 0 && r >= p->exact_den - r));
    CHECK(p->per >= 1);
    CHECK(p->sign == 1 || p->sign == -1);
    CHECK(memchr(p->unit, '\0', sizeof p->unit) != NULL);
    CHECK(memchr(p->basis, '\0', sizeof p->basis) != NULL);
    if (p->kind == RTA_PART_AD_VALOREM)
        CHECK(p->unit[0] == '\0');
    else
        CHECK(rta_unit_is_rate_unit(p->unit));
}

static void check_rate(const rta_rate *r)
{
    CHECK(r->kind >= RTA_RATE_NONE && r->kind < RTA_RATE_KIND_COUNT);
    CHECK(r->nparts >= 0 && r->nparts <= RTA_RATE_MAX_PARTS);
    CHECK(memchr(r->reference, '\0', sizeof r->reference) != NULL);
    CHECK(strcmp(rta_rate_kind_name(r->kind), "unknown") != 0);
    for (int i = 0; i < r->nparts; i++)
        check_part(&r->parts[i]);
    switch (r->kind) {
    case RTA_RATE_NONE:
    case RTA_RATE_FREE:
        CHECK(r->nparts == 0 && r->needs == 0);
        break;
    case RTA_RATE_AD_VALOREM:
        CHECK(r->nparts == 1 && r->parts[0].kind == RTA_PART_AD_VALOREM && r->needs == 0);
        break;
    case RTA_RATE_SPECIFIC:
        CHECK(r->nparts == 1 && r->parts[0].kind == RTA_PART_SPECIFIC);
        CHECK(r->parts[0].basis[0] == '\0' && r->needs == RTA_NEED_QUANTITY);
        break;
    case RTA_RATE_COMPOUND:
        CHECK(r->nparts >= 2);
        for (int i = 0; i < r->nparts; i++) {
            CHECK(r->parts[i].kind == RTA_PART_AD_VALOREM || r->parts[i].kind == RTA_PART_SPECIFIC);
            CHECK(r->parts[i].basis[0] == '\0' && r->parts[i].sign == 1);
        }
        break;
    case RTA_RATE_SLIDING_SCALE:
        CHECK(r->nparts == 3 && r->parts[0].kind == RTA_PART_SPECIFIC);
        CHECK(r->parts[1].kind == RTA_PART_STEP && r->parts[2].kind == RTA_PART_MINIMUM);
        CHECK(r->step_micro_usd == r->parts[1].micro_usd);
        CHECK(r->min_micro_usd == r->parts[2].micro_usd);
        CHECK(r->needs == (RTA_NEED_QUANTITY | RTA_NEED_DEGREE));
        break;
    default:
        CHECK(!rta_rate_kind_is_structured(r->kind));
        CHECK(r->needs != 0);
        for (int i = 0; i < r->nparts; i++)
            CHECK(r->parts[i].kind == RTA_PART_AD_VALOREM || r->parts[i].kind == RTA_PART_SPECIFIC);
        break;
    }
    if (r->kind != RTA_RATE_SLIDING_SCALE)
        for (int i = 0; i < r->nparts; i++)
            CHECK(r->parts[i].kind != RTA_PART_STEP && r->parts[i].kind != RTA_PART_MINIMUM);
}

static void check_error(rta_status st, const rta_error *err, size_t size)
{
    CHECK(st == RTA_ERR_PARSE || st == RTA_ERR_RANGE);
    CHECK(err->code == st);
    CHECK(err->message[0] != '\0');
    CHECK(err->column >= 1 && (size_t)err->column <= size + 1);
}

/* Output of a JSON writer: NUL-terminated, braces and brackets balanced
 * outside strings, no raw control bytes. */
static void check_json(const char *s, size_t n)
{
    CHECK(strlen(s) == n);
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        CHECK(c >= 0x20);
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            CHECK(--depth >= 0);
    }
    CHECK(depth == 0 && !in_str);
}

typedef size_t (*render_fn)(const void *obj, const char *text, char *buf, size_t size);

static size_t render_rate(const void *obj, const char *text, char *buf, size_t size)
{
    return rta_rate_to_json(obj, text, buf, size);
}

static size_t render_special(const void *obj, const char *text, char *buf, size_t size)
{
    return rta_special_to_json(obj, text, buf, size);
}

/* Renders with no buffer, a small one and an exact one: same length, prefixes. */
static void check_render(render_fn fn, const void *obj, const char *text, size_t small)
{
    size_t need = fn(obj, text, NULL, 0);
    char *full = malloc(need + 1);
    CHECK(full != NULL);
    CHECK(fn(obj, text, full, need + 1) == need);
    check_json(full, need);
    char *part = malloc(small + 1);
    CHECK(part != NULL);
    CHECK(fn(obj, text, part, small + 1) == need);
    size_t got = strlen(part);
    CHECK(got == (need < small ? need : small));
    CHECK(memcmp(part, full, got) == 0);
    free(part);
    free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t small = size > 0 ? data[0] % 48 : 0;
    char *z = malloc(size + 1); /* NUL-terminated copy for the JSON writers */
    if (z == NULL)
        return 0;
    memcpy(z, data, size);
    z[size] = '\0';

    rta_rate r;
    rta_error err;
    memset(&err, 0, sizeof err);
    rta_status st = rta_rate_parse(text, size, &r, &err);
    if (st == RTA_OK) {
        check_rate(&r);
    } else {
        check_error(st, &err, size);
        CHECK(r.kind == RTA_RATE_NONE && r.nparts == 0);
    }
    check_render(render_rate, &r, z, small);

    static rta_special sp;
    memset(&err, 0, sizeof err);
    st = rta_special_parse(text, size, &sp, &err);
    if (st == RTA_OK) {
        CHECK(sp.ngroups >= 0 && sp.ngroups <= RTA_SPECIAL_MAX_GROUPS);
        CHECK(sp.nprograms >= 0 && sp.nprograms <= RTA_SPECIAL_MAX_PROGRAMS);
        CHECK(sp.all_group == -1 || (sp.all_group == 0 && sp.ngroups == 1 && sp.nprograms == 0));
        for (int g = 0; g < sp.ngroups; g++) {
            check_rate(&sp.rates[g]);
            CHECK(sp.rate_offset[g] <= size && sp.rate_length[g] <= size - sp.rate_offset[g]);
        }
        for (int i = 0; i < sp.nprograms; i++) {
            const rta_special_program *p = &sp.programs[i];
            CHECK(p->group >= 0 && p->group < sp.ngroups);
            CHECK(p->code[0] >= 'A' && p->code[0] <= 'Z');
            CHECK(memchr(p->code, '\0', sizeof p->code) != NULL);
            const rta_rate *found = rta_special_find(&sp, p->code);
            CHECK(found != NULL);
            /* an exact code finds its own group, unless listed twice */
            int first = 1;
            for (int j = 0; j < i; j++)
                if (strcmp(sp.programs[j].code, p->code) == 0)
                    first = 0;
            if (first)
                CHECK(found == &sp.rates[p->group]);
        }
    } else {
        check_error(st, &err, size);
        CHECK(sp.ngroups == 0 && sp.nprograms == 0 && sp.all_group == -1);
    }
    check_render(render_special, &sp, z, small);

    char shape[32];
    size_t need = rta_rate_shape(text, size, shape, sizeof shape);
    CHECK(need <= size);
    CHECK(strlen(shape) <= need && strlen(shape) < sizeof shape);
    CHECK(rta_rate_shape(text, size, NULL, 0) == need);

    char unit[16];
    need = rta_unit_normalize_n(text, size, unit, small < sizeof unit ? small : sizeof unit);
    CHECK(rta_unit_normalize_n(text, size, NULL, 0) == need);
    int64_t per = -1;
    rta_unit_normalize_rate(text, size, &per, unit, sizeof unit);
    CHECK(per >= 0);
    CHECK(memchr(unit, '\0', sizeof unit) != NULL);
    rta_unit_same(unit, z);
    rta_unit_is_rate_unit(z);

    free(z);
    return 0;
}

/*
 * bom.c - the bill-of-materials JSON reader (rta/bom.h).
 *
 * Why: an origin verdict is only as good as the bill it reads, so the reader
 * is strict: unknown fields, duplicate fields, money with more than two
 * decimals, codes shorter than a heading, and origins that are not two
 * letters are errors that name the file, line:column and the field. The
 * values are converted once, here, into integers (cents, grams) so that the
 * verdict engine never parses text. All strings of a parsed bill live in one
 * arena freed by rta_bom_free.
 */
#include "rta/bom.h"

#include "internal.h"
#include "json.h"
#include "measure_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain of blocks: every string and array of one bill. */
typedef struct arena_blk {
    struct arena_blk *next;
    max_align_t data[];
} arena_blk;

typedef struct owned_bom {
    rta_bom pub; /* first member: rta_bom_free casts back */
    arena_blk *blocks;
    rta_bom_material *mats; /* owned array (realloc'ed while parsing) */
    int cap;
} owned_bom;

static void *arena_alloc(owned_bom *b, size_t n)
{
    arena_blk *k = malloc(sizeof *k + (n ? n : 1));
    if (k == NULL)
        return NULL;
    k->next = b->blocks;
    b->blocks = k;
    return k->data;
}

static const char *arena_str(owned_bom *b, const char *s, size_t n)
{
    char *d = arena_alloc(b, n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

const char *rta_price_basis_name(rta_price_basis basis)
{
    switch (basis) {
    case RTA_PRICE_FOB:
        return "fob";
    case RTA_PRICE_TRANSACTION:
        return "transaction";
    case RTA_PRICE_EX_WORKS:
    default:
        return "ex-works";
    }
}

void rta_bom_free(rta_bom *bom)
{
    if (bom == NULL)
        return;
    owned_bom *b = (owned_bom *)bom;
    while (b->blocks) {
        arena_blk *n = b->blocks->next;
        free(b->blocks);
        b->blocks = n;
    }
    free(b->mats);
    free(b);
}

int64_t rta_bom_materials_total(const rta_bom *bom)
{
    int64_t t = 0;
    for (int i = 0; i < bom->nmaterials; i++)
        t += bom->materials[i].value_cents;
    return t;
}

/* ---- located errors ---- */

typedef struct reader {
    rta__json j;
    owned_bom *bom;
    rta__buf key, val;
    rta_error *err;
} reader;

static void where(const reader *r, const char *at, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (const char *q = r->j.start; q < at && q < r->j.end; q++) {
        if (*q == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* "field \"materials[2].value\": ..." at the position `at`. */
static rta_status fail_at(reader *r, const char *at, const char *field, const char *fmt, ...)
    RTA__PRINTF(4, 5);
static rta_status fail_at(reader *r, const char *at, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line, col;
    where(r, at, &line, &col);
    return rta__error(r->err, RTA_ERR_PARSE, r->j.input, line, col, "field \"%s\": %s", field, msg);
}

/* Position of the next value (after blanks). */
static const char *value_pos(reader *r)
{
    rta__json_peek(&r->j);
    return r->j.p;
}

/* Position of the next key (after blanks and a separating comma). */
static const char *key_pos(reader *r)
{
    const char *p = value_pos(r);
    if (p < r->j.end && *p == ',') {
        p++;
        while (p < r->j.end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
            p++;
    }
    return p;
}

/* ---- field readers ---- */

static rta_status read_text(reader *r, const char *field, const char **out)
{
    const char *at = value_pos(r);
    int is_null = 0;
    rta_status st = rta__json_string(&r->j, &r->val, &is_null, r->err);
    if (st != RTA_OK)
        return fail_at(r, at, field, "expected a string");
    *out = arena_str(r->bom, r->val.data ? r->val.data : "", r->val.len);
    return *out ? RTA_OK : rta__error(r->err, RTA_ERR_NOMEM, r->j.input, 0, 0, "out of memory");
}

static rta_status read_code(reader *r, const char *field, int min_len, rta_code *out)
{
    const char *at = value_pos(r);
    int is_null = 0;
    if (rta__json_scalar(&r->j, &r->val, &is_null, r->err) != RTA_OK || is_null)
        return fail_at(r, at, field, "expected an HS code such as \"6204.62\"");
    rta_error cerr;
    if (rta_code_parse(r->val.data, out, &cerr) != RTA_OK)
        return fail_at(r, at, field, "\"%s\" is not an HS code: %s", r->val.data, cerr.message);
    if (out->len < min_len)
        return fail_at(r, at, field, "\"%s\" is too short: give at least the %s (%d digits)",
                       r->val.data, rta_code_level_name(min_len), min_len);
    return RTA_OK;
}

/* Money: a JSON number or string, dollars with at most two decimals. */
static rta_status read_money(reader *r, const char *field, int64_t *cents, int allow_null)
{
    const char *at = value_pos(r);
    int is_null = 0;
    if (rta__json_scalar(&r->j, &r->val, &is_null, r->err) != RTA_OK)
        return fail_at(r, at, field, "expected an amount such as \"12.50\"");
    if (is_null) {
        if (allow_null) {
            *cents = -1;
            return RTA_OK;
        }
        return fail_at(r, at, field, "an amount is required");
    }
    if (rta__parse_usd_cents(r->val.data, cents) != 0)
        return fail_at(r, at, field,
                       "\"%s\" is not an amount: digits with at most two decimals, "
                       "no sign or exponent (e.g. \"12.50\")",
                       r->val.data);
    return RTA_OK;
}

static rta_status read_weight(reader *r, const char *field, int64_t *grams)
{
    const char *at = value_pos(r);
    int is_null = 0;
    if (rta__json_scalar(&r->j, &r->val, &is_null, r->err) != RTA_OK)
        return fail_at(r, at, field, "expected a weight in kg such as \"0.350\"");
    if (is_null) {
        *grams = -1;
        return RTA_OK;
    }
    if (rta__parse_fixed(r->val.data, 9, 3, grams) != 0)
        return fail_at(r, at, field,
                       "\"%s\" is not a weight in kg: digits with at most three decimals",
                       r->val.data);
    return RTA_OK;
}

/* ISO alpha-2 (any case) or "unknown"/null; out is "" when unknown. */
static rta_status read_country(reader *r, const char *field, int allow_unknown, char out[3])
{
    const char *at = value_pos(r);
    int is_null = 0;
    if (rta__json_scalar(&r->j, &r->val, &is_null, r->err) != RTA_OK)
        return fail_at(r, at, field, "expected a country code such as \"VN\"");
    const char *s = r->val.data ? r->val.data : "";
    if (allow_unknown && (is_null || strcmp(s, "unknown") == 0 || strcmp(s, "UNKNOWN") == 0 ||
                          strcmp(s, "Unknown") == 0)) {
        out[0] = '\0';
        return RTA_OK;
    }
    if (is_null || strlen(s) != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
        return fail_at(r, at, field, "\"%s\" is not an ISO 3166 alpha-2 code%s", s,
                       allow_unknown ? " or \"unknown\"" : "");
    out[0] = (char)toupper((unsigned char)s[0]);
    out[1] = (char)toupper((unsigned char)s[1]);
    out[2] = '\0';
    return RTA_OK;
}

/* An array of process names, trimmed and lower-cased; copied into the arena. */
static rta_status read_processes(reader *r, const char *field, const char *const **out, int *n)
{
    const char *at = value_pos(r);
    if (rta__json_peek(&r->j) != '[')
        return fail_at(r, at, field, "expected an array of process names");
    rta__json_expect(&r->j, '[', r->err);
    const char *names[64];
    int count = 0, more = 0;
    for (int first = 1;; first = 0) {
        rta_status st = rta__json_array_next(&r->j, first, &more, r->err);
        if (st != RTA_OK)
            return st;
        if (!more)
            break;
        char sub[64];
        snprintf(sub, sizeof sub, "%s[%d]", field, count);
        const char *vat = value_pos(r);
        int is_null = 0;
        if (rta__json_string(&r->j, &r->val, &is_null, r->err) != RTA_OK || is_null)
            return fail_at(r, vat, sub, "expected a process name such as \"weaving\"");
        if (count == (int)(sizeof names / sizeof names[0]))
            return fail_at(r, vat, sub, "more than 64 processes");
        const char *s = r->val.data;
        size_t len = r->val.len;
        while (len && isspace((unsigned char)*s))
            s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len == 0)
            return fail_at(r, vat, sub, "empty process name");
        char *d = arena_alloc(r->bom, len + 1);
        if (d == NULL)
            return rta__error(r->err, RTA_ERR_NOMEM, r->j.input, 0, 0, "out of memory");
        /* "Making up", "making_up" and "making-up" are one process */
        for (size_t i = 0; i < len; i++)
            d[i] = s[i] == ' ' || s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
        d[len] = '\0';
        names[count++] = d;
    }
    const char **arr = arena_alloc(r->bom, sizeof *arr * (size_t)(count ? count : 1));
    if (arr == NULL)
        return rta__error(r->err, RTA_ERR_NOMEM, r->j.input, 0, 0, "out of memory");
    memcpy(arr, names, sizeof *arr * (size_t)count);
    *out = arr;
    *n = count;
    return RTA_OK;
}

/* Fails if the key was already seen (bit in *seen). */
static rta_status once(reader *r, const char *at, const char *field, unsigned *seen, unsigned bit)
{
    if (*seen & bit)
        return fail_at(r, at, field, "given twice");
    *seen |= bit;
    return RTA_OK;
}

/* A required field: its bit in `seen` and its name. */
typedef struct required_field {
    unsigned bit;
    const char *name;
} required_field;

/* Fails on the first required field not in `seen`, named prefix + name and
 * placed at `at` (the start of the object). */
static rta_status require(reader *r, const char *at, const char *prefix, unsigned seen,
                          const required_field *req, size_t n, const char *msg)
{
    for (size_t i = 0; i < n; i++)
        if (!(seen & req[i].bit)) {
            char field[96];
            snprintf(field, sizeof field, "%s%s", prefix, req[i].name);
            return fail_at(r, at, field, "%s", msg);
        }
    return RTA_OK;
}

static rta_status read_material(reader *r, int index, rta_bom_material *m)
{
    char field[80];
    const char *start = value_pos(r);
    long line, col;
    where(r, start, &line, &col);
    memset(m, 0, sizeof *m);
    m->weight_g = -1;
    m->description = "";
    m->line = line;
    static const char *const none[1] = {NULL};
    m->processes = none;
    snprintf(field, sizeof field, "materials[%d]", index);
    if (rta__json_peek(&r->j) != '{')
        return fail_at(r, start, field, "expected an object with hs, origin and value");
    rta__json_expect(&r->j, '{', r->err);
    unsigned seen = 0;
    int more = 0;
    for (int first = 1;; first = 0) {
        const char *kat = key_pos(r);
        rta_status st = rta__json_object_next(&r->j, first, &r->key, &more, r->err);
        if (st != RTA_OK)
            return st;
        if (!more)
            break;
        const char *k = r->key.data;
        snprintf(field, sizeof field, "materials[%d].%.40s", index, k);
        if (strcmp(k, "hs") == 0) {
            if ((st = once(r, kat, field, &seen, 1)) != RTA_OK ||
                (st = read_code(r, field, 4, &m->hs)) != RTA_OK)
                return st;
        } else if (strcmp(k, "origin") == 0) {
            if ((st = once(r, kat, field, &seen, 2)) != RTA_OK ||
                (st = read_country(r, field, 1, m->origin)) != RTA_OK)
                return st;
        } else if (strcmp(k, "value") == 0) {
            if ((st = once(r, kat, field, &seen, 4)) != RTA_OK ||
                (st = read_money(r, field, &m->value_cents, 0)) != RTA_OK)
                return st;
        } else if (strcmp(k, "weight_kg") == 0) {
            if ((st = once(r, kat, field, &seen, 8)) != RTA_OK ||
                (st = read_weight(r, field, &m->weight_g)) != RTA_OK)
                return st;
        } else if (strcmp(k, "description") == 0) {
            if ((st = once(r, kat, field, &seen, 16)) != RTA_OK ||
                (st = read_text(r, field, &m->description)) != RTA_OK)
                return st;
        } else if (strcmp(k, "processes") == 0) {
            if ((st = once(r, kat, field, &seen, 32)) != RTA_OK ||
                (st = read_processes(r, field, &m->processes, &m->nprocesses)) != RTA_OK)
                return st;
        } else if (strcmp(k, "comment") == 0) {
            if ((st = once(r, kat, field, &seen, 64)) != RTA_OK ||
                (st = rta__json_skip(&r->j, r->err)) != RTA_OK)
                return st;
        } else {
            return fail_at(r, kat, field,
                           "unknown field (a material has hs, origin, value, weight_kg, "
                           "description, processes, comment)");
        }
    }
    static const required_field required[] = {{1, "hs"}, {2, "origin"}, {4, "value"}};
    snprintf(field, sizeof field, "materials[%d].", index);
    return require(r, start, field, seen, required, sizeof required / sizeof required[0],
                   "missing (origin may be \"unknown\")");
}

static rta_status read_materials(reader *r)
{
    const char *at = value_pos(r);
    if (rta__json_peek(&r->j) != '[')
        return fail_at(r, at, "materials", "expected an array of materials");
    rta__json_expect(&r->j, '[', r->err);
    owned_bom *b = r->bom;
    int more = 0;
    int64_t total = 0; /* every sum of material values stays within it */
    for (int first = 1;; first = 0) {
        rta_status st = rta__json_array_next(&r->j, first, &more, r->err);
        if (st != RTA_OK)
            return st;
        if (!more)
            break;
        const char *mat_at = value_pos(r);
        if (b->pub.nmaterials == 100000)
            return fail_at(r, value_pos(r), "materials", "more than 100000 materials");
        if (b->pub.nmaterials == b->cap) {
            int cap = b->cap ? b->cap * 2 : 16;
            rta_bom_material *m = realloc(b->mats, sizeof *m * (size_t)cap);
            if (m == NULL)
                return rta__error(r->err, RTA_ERR_NOMEM, r->j.input, 0, 0, "out of memory");
            b->mats = m;
            b->cap = cap;
        }
        rta_bom_material *m = &b->mats[b->pub.nmaterials];
        if ((st = read_material(r, b->pub.nmaterials, m)) != RTA_OK)
            return st;
        if (m->value_cents > RTA_BOM_MAX_CENTS - total) {
            char field[48];
            snprintf(field, sizeof field, "materials[%d].value", b->pub.nmaterials);
            return fail_at(r, mat_at, field,
                           "the material values total more than 999999999999.99, the largest "
                           "amount a bill may hold");
        }
        total += m->value_cents;
        b->pub.nmaterials++;
    }
    return RTA_OK;
}

static rta_status read_top(reader *r)
{
    owned_bom *b = r->bom;
    rta_bom *p = &b->pub;
    const char *start = value_pos(r);
    if (rta__json_peek(&r->j) != '{')
        return fail_at(r, start, "(document)", "a bill of materials is a JSON object");
    rta__json_expect(&r->j, '{', r->err);
    unsigned seen = 0;
    int more = 0;
    for (int first = 1;; first = 0) {
        const char *kat = key_pos(r);
        rta_status st = rta__json_object_next(&r->j, first, &r->key, &more, r->err);
        if (st != RTA_OK)
            return st;
        if (!more)
            break;
        char field[48];
        snprintf(field, sizeof field, "%.40s", r->key.data);
        const char *k = field;
        if (strcmp(k, "hs") == 0) {
            if ((st = once(r, kat, k, &seen, 1)) != RTA_OK ||
                (st = read_code(r, k, 6, &p->hs)) != RTA_OK)
                return st;
        } else if (strcmp(k, "price_basis") == 0) {
            const char *at = value_pos(r);
            const char *v;
            if ((st = once(r, kat, k, &seen, 2)) != RTA_OK || (st = read_text(r, k, &v)) != RTA_OK)
                return st;
            if (strcmp(v, "ex-works") == 0 || strcmp(v, "exw") == 0)
                p->price_basis = RTA_PRICE_EX_WORKS;
            else if (strcmp(v, "fob") == 0 || strcmp(v, "FOB") == 0)
                p->price_basis = RTA_PRICE_FOB;
            else if (strcmp(v, "transaction") == 0)
                p->price_basis = RTA_PRICE_TRANSACTION;
            else
                return fail_at(r, at, k, "\"%s\" is not ex-works, fob or transaction", v);
        } else if (strcmp(k, "price") == 0) {
            const char *at = value_pos(r);
            if ((st = once(r, kat, k, &seen, 4)) != RTA_OK ||
                (st = read_money(r, k, &p->price_cents, 0)) != RTA_OK)
                return st;
            if (p->price_cents <= 0)
                return fail_at(r, at, k, "the price must be more than zero");
        } else if (strcmp(k, "net_cost") == 0) {
            if ((st = once(r, kat, k, &seen, 8)) != RTA_OK ||
                (st = read_money(r, k, &p->net_cost_cents, 1)) != RTA_OK)
                return st;
        } else if (strcmp(k, "weight_kg") == 0) {
            if ((st = once(r, kat, k, &seen, 512)) != RTA_OK ||
                (st = read_weight(r, k, &p->weight_g)) != RTA_OK)
                return st;
        } else if (strcmp(k, "producer_country") == 0) {
            if ((st = once(r, kat, k, &seen, 16)) != RTA_OK ||
                (st = read_country(r, k, 0, p->producer_country)) != RTA_OK)
                return st;
        } else if (strcmp(k, "currency") == 0) {
            const char *at = value_pos(r);
            if ((st = once(r, kat, k, &seen, 32)) != RTA_OK ||
                (st = read_text(r, k, &p->currency)) != RTA_OK)
                return st;
            if (strlen(p->currency) != 3)
                return fail_at(r, at, k, "\"%s\" is not an ISO 4217 code such as \"USD\"",
                               p->currency);
        } else if (strcmp(k, "description") == 0) {
            if ((st = once(r, kat, k, &seen, 64)) != RTA_OK ||
                (st = read_text(r, k, &p->description)) != RTA_OK)
                return st;
        } else if (strcmp(k, "processes") == 0) {
            if ((st = once(r, kat, k, &seen, 128)) != RTA_OK ||
                (st = read_processes(r, k, &p->processes, &p->nprocesses)) != RTA_OK)
                return st;
        } else if (strcmp(k, "materials") == 0) {
            if ((st = once(r, kat, k, &seen, 256)) != RTA_OK || (st = read_materials(r)) != RTA_OK)
                return st;
        } else if (strcmp(k, "comment") == 0 || strcmp(k, "reference") == 0) {
            if ((st = once(r, kat, k, &seen, k[0] == 'c' ? 1024u : 2048u)) != RTA_OK ||
                (st = rta__json_skip(&r->j, r->err)) != RTA_OK)
                return st;
        } else {
            return fail_at(r, kat, k,
                           "unknown field (a bill has hs, description, producer_country, "
                           "price_basis, price, net_cost, currency, weight_kg, processes, "
                           "materials, reference, comment)");
        }
    }
    static const required_field required[] = {
        {1, "hs"}, {2, "price_basis"}, {4, "price"}, {256, "materials"}};
    rta_status st =
        require(r, start, "", seen, required, sizeof required / sizeof required[0], "missing");
    if (st != RTA_OK)
        return st;
    if (rta__json_peek(&r->j) != 0)
        return fail_at(r, r->j.p, "(document)", "text after the bill of materials");
    return RTA_OK;
}

rta_status rta_bom_parse(const char *text, size_t len, const char *input, rta_bom **out,
                         rta_error *err)
{
    *out = NULL;
    if (input == NULL)
        input = "<bom>";
    owned_bom *b = calloc(1, sizeof *b);
    if (b == NULL)
        return rta__error(err, RTA_ERR_NOMEM, input, 0, 0, "out of memory");
    static const char *const none[1] = {NULL};
    b->pub.description = "";
    b->pub.currency = "USD";
    b->pub.net_cost_cents = -1;
    b->pub.weight_g = -1;
    b->pub.processes = none;
    memcpy(b->pub.producer_country, "VN", 3);
    reader r = {0};
    r.bom = b;
    r.err = err;
    rta__json_init(&r.j, text, len, input);
    rta_status st = read_top(&r);
    if (st == RTA_OK) {
        b->pub.input = arena_str(b, input, strlen(input));
        if (b->pub.input == NULL)
            st = rta__error(err, RTA_ERR_NOMEM, input, 0, 0, "out of memory");
    }
    rta__buf_free(&r.key);
    rta__buf_free(&r.val);
    if (st != RTA_OK) {
        rta_bom_free(&b->pub);
        return st;
    }
    b->pub.materials = b->mats;
    *out = &b->pub;
    return RTA_OK;
}

rta_status rta_bom_read(const char *path, rta_bom **out, rta_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    rta_status st = rta__read_file(path, &text, &len, err);
    if (st != RTA_OK)
        return st;
    st = rta_bom_parse(text, len, path, out, err);
    free(text);
    return st;
}

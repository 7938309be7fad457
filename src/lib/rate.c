/*
 * rate.c - reading the rate-of-duty texts of the HTS into numbers and kinds.
 *
 * Why: every duty the engine computes starts from a text such as "16.5%",
 * "46.3¢/kg + 14.9%" or "The duty provided in the applicable subheading +
 * 25%". Reading those with a general-purpose guesser would sooner or later
 * turn an unfamiliar text into zero duty, so this parser only accepts the
 * shapes the schedule is known to use and fails loudly (RTA_ERR_PARSE with the
 * column) on anything else. The work is in three steps:
 *
 *   1. clean: the text is copied into a fixed buffer with HTML tags removed,
 *      whitespace collapsed and line-break hyphens joined, keeping for every
 *      byte its offset in the original so errors point at the printed text;
 *   2. phrases: the worded kinds (Free, No change, under bond, U.S. notes,
 *      sets, Chapter 98 value bases, references to other subheadings) are
 *      matched against a table of patterns, case-insensitively;
 *   3. parts: everything else must be a sum of amounts ("N%", "N¢/unit",
 *      "$N each", "N percent") each optionally on a basis ("on drained
 *      weight", "on the case"), or the sugar sliding scale. What the bases are
 *      decides the kind (components, content, value basis) and its `needs`.
 *
 * Numbers are read exactly as decimal (or "33 1/3") fractions and kept as a
 * reduced fraction of the unit next to the integer rounded half up, so a
 * value such as 0.020668¢ (206.68 micro-dollars) is never silently truncated.
 * Nothing here allocates; the output goes into fixed-size structs and
 * caller-provided buffers.
 */
#include "internal.h"
#include "rta/rate.h"
#include "rta/unit.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Step 1: the cleaned copy of a text                                       */

#define RATE_TEXT_MAX 1024

typedef struct rate_text {
    char s[RATE_TEXT_MAX];
    size_t map[RATE_TEXT_MAX + 1]; /* offset in the original of s[i]; map[n] = end */
    size_t n;
} rate_text;

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Bytes of whitespace at in[i] (ASCII, UTF-8 no-break space, &nbsp;). */
static size_t space_len(const char *in, size_t len, size_t i)
{
    unsigned char c = (unsigned char)in[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)in[i + 1] == 0xA0)
        return 2;
    if (c == '&' && len - i >= 6 && memcmp(in + i, "&nbsp;", 6) == 0)
        return 6;
    return 0;
}

/* Bytes of an HTML tag at in[i] ("<sup>", "</il>", "<u>"), 0 if none. */
static size_t tag_len(const char *in, size_t len, size_t i)
{
    if (in[i] != '<' || i + 1 >= len)
        return 0;
    int c = (unsigned char)in[i + 1];
    if (!is_alpha(c) && c != '/' && c != '!')
        return 0;
    for (size_t j = i + 1; j < len && j - i < 256; j++) {
        if (in[j] == '>')
            return j - i + 1;
        if (in[j] == '<')
            return 0;
    }
    return 0;
}

/* Cleans in[0..len) into t. Returns 0, or -1 when the cleaned text does not
 * fit RATE_TEXT_MAX - 1 bytes. */
static int clean_text(const char *in, size_t len, rate_text *t)
{
    size_t n = 0, i = 0;
    int pending = 0;
    size_t pending_at = 0;
    t->n = 0;
    while (i < len) {
        size_t k;
        if ((k = tag_len(in, len, i)) > 0) {
            i += k;
            continue;
        }
        if ((k = space_len(in, len, i)) > 0) {
            if (!pending)
                pending_at = i;
            pending = 1;
            i += k;
            continue;
        }
        unsigned char c = (unsigned char)in[i];
        /* "sub- chapter", "appli- cable": a hyphen that broke a word. */
        if (c == '-' && n > 0 && is_alpha((unsigned char)t->s[n - 1])) {
            size_t j = i + 1;
            int saw = 0;
            while (j < len && (k = space_len(in, len, j)) > 0) {
                j += k;
                saw = 1;
            }
            if (saw && j < len && in[j] >= 'a' && in[j] <= 'z') {
                i = j;
                pending = 0;
                continue;
            }
        }
        char out = (char)c;
        size_t used = 1;
        if (c == 0xC2 && i + 1 < len) {
            unsigned char d = (unsigned char)in[i + 1];
            if (d == 0xB2 || d == 0xB3 || d == 0xB9) { /* superscript 2, 3, 1 */
                out = d == 0xB2 ? '2' : d == 0xB3 ? '3' : '1';
                used = 2;
            }
        } else if (c == '&' && len - i >= 5 && memcmp(in + i, "&amp;", 5) == 0) {
            out = '&';
            used = 5;
        } else if (c == '\0') {
            out = 0x1A; /* keeps the cleaned text free of NULs */
        }
        if (pending && n > 0) {
            if (n + 1 >= RATE_TEXT_MAX)
                return -1;
            t->map[n] = pending_at;
            t->s[n++] = ' ';
        }
        pending = 0;
        if (n + 1 >= RATE_TEXT_MAX)
            return -1;
        t->map[n] = i;
        t->s[n++] = out;
        i += used;
    }
    /* end of the text: just past its last non-space byte */
    t->map[n] = pending ? pending_at : len;
    t->s[n] = '\0';
    t->n = n;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Exact numbers                                                             */

typedef struct exact {
    int64_t num;
    int64_t den;
} exact;

#define EXACT_LIMIT ((int64_t)1 << 62)

static int mul_ok(int64_t a, int64_t b, int64_t *r)
{
    if (a < 0 || b < 0)
        return 0;
    if (a != 0 && b > EXACT_LIMIT / a)
        return 0;
    *r = a * b;
    return 1;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* value * scale, reduced. 0 on overflow. */
static int exact_scale(exact v, int64_t scale, exact *out)
{
    int64_t g = gcd64(scale, v.den);
    int64_t num;
    if (!mul_ok(v.num, scale / g, &num))
        return 0;
    out->num = num;
    out->den = v.den / g;
    g = gcd64(out->num, out->den);
    if (g > 1) {
        out->num /= g;
        out->den /= g;
    }
    return 1;
}

static int64_t round_half_up(exact v)
{
    int64_t q = v.num / v.den, r = v.num % v.den;
    return (r != 0 && r >= v.den - r) ? q + 1 : q;
}

/* ------------------------------------------------------------------------ */
/* The cursor                                                                */

typedef struct rctx {
    const rate_text *t;
    size_t end;      /* parse t->s[..end) */
    size_t p;        /* cursor */
    size_t fail_at;  /* furthest failure seen */
    const char *why; /* its reason */
    rta_status code; /* RTA_ERR_PARSE, or RTA_ERR_RANGE for capacity/overflow */
} rctx;

static int fail(rctx *c, size_t at, rta_status code, const char *why)
{
    if (c->why == NULL || at >= c->fail_at || code == RTA_ERR_RANGE) {
        if (c->code != RTA_ERR_RANGE || code == RTA_ERR_RANGE) {
            c->fail_at = at;
            c->why = why;
            c->code = code;
        }
    }
    return 0;
}

static int ch(const rctx *c, size_t i)
{
    return i < c->end ? (unsigned char)c->t->s[i] : 0;
}

static void skip_sp(rctx *c)
{
    while (c->p < c->end && c->t->s[c->p] == ' ')
        c->p++;
}

/* Case-insensitive literal at the cursor; a ' ' in w matches any number of
 * spaces (also none: "inthe"). A literal ending in a letter must not be
 * followed by a letter. Advances on success. */
static int lit(rctx *c, const char *w)
{
    size_t q = c->p;
    for (const char *k = w; *k; k++) {
        if (*k == ' ') {
            while (q < c->end && c->t->s[q] == ' ')
                q++;
            continue;
        }
        if (q >= c->end || lower((unsigned char)c->t->s[q]) != lower((unsigned char)*k))
            return 0;
        q++;
    }
    size_t wl = strlen(w);
    if (wl > 0 && is_alpha((unsigned char)w[wl - 1]) && is_alpha(ch(c, q)))
        return 0;
    c->p = q;
    return 1;
}

static int at_cent(const rctx *c, size_t i)
{
    return ch(c, i) == 0xC2 && ch(c, i + 1) == 0xA2;
}

/* A decimal number "3.6606", an integer, or a mixed fraction "33 1/3" when
 * followed by "%" or "¢". */
static int parse_number(rctx *c, exact *v)
{
    size_t q = c->p;
    if (!is_digit(ch(c, q)))
        return fail(c, q, RTA_ERR_PARSE, "expected a number");
    int64_t ip = 0, den = 1, frac = 0;
    while (is_digit(ch(c, q))) {
        if (ip > 100000000000LL)
            return fail(c, q, RTA_ERR_RANGE, "number too large");
        ip = ip * 10 + (ch(c, q) - '0');
        q++;
    }
    if (ch(c, q) == '.' && is_digit(ch(c, q + 1))) {
        q++;
        while (is_digit(ch(c, q))) {
            if (den >= 1000000000000LL)
                return fail(c, q, RTA_ERR_RANGE, "too many decimals");
            den *= 10;
            frac = frac * 10 + (ch(c, q) - '0');
            q++;
        }
    } else if (ch(c, q) == ' ' && is_digit(ch(c, q + 1))) {
        /* "33 1/3%" */
        size_t r = q + 1;
        int64_t fn = 0, fd = 0;
        while (is_digit(ch(c, r)) && fn < 1000000)
            fn = fn * 10 + (ch(c, r++) - '0');
        if (ch(c, r) == '/' && is_digit(ch(c, r + 1))) {
            r++;
            while (is_digit(ch(c, r)) && fd < 1000000)
                fd = fd * 10 + (ch(c, r++) - '0');
            size_t s = r;
            while (ch(c, s) == ' ')
                s++;
            int64_t whole;
            if (!is_digit(ch(c, r)) && fd > 0 && fn < fd && (ch(c, s) == '%' || at_cent(c, s))) {
                if (!mul_ok(ip, fd, &whole))
                    return fail(c, q, RTA_ERR_RANGE, "number too large");
                v->num = whole + fn;
                v->den = fd;
                c->p = r;
                return 1;
            }
        }
    }
    int64_t num;
    if (!mul_ok(ip, den, &num))
        return fail(c, q, RTA_ERR_RANGE, "number too large");
    v->num = num + frac;
    v->den = den;
    c->p = q;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Parts                                                                     */

enum basis_class {
    BASIS_NONE = 0,
    BASIS_WHOLE,     /* names the customs value itself: "the entire set" */
    BASIS_CONTENT,   /* a content or partial quantity */
    BASIS_COMPONENT, /* a component of the article: case, strap, battery, jewels */
    BASIS_UNKNOWN
};

static int contains_ci(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t k = 0;
        while (k < nl && h[k] && lower((unsigned char)h[k]) == lower((unsigned char)needle[k]))
            k++;
        if (k == nl)
            return 1;
    }
    return 0;
}

static int equals_ci(const char *a, const char *b)
{
    while (*a && *b && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static enum basis_class classify_basis(const rta_rate_part *part)
{
    static const char *const whole[] = {"the entire set", "the full value of the imported article"};
    static const char *const content[] = {"content", "weight",    "weght",
                                          "sugars",  "container", "surface"};
    static const char *const component[] = {"case",      "strap", "battery", "movement",
                                            "apparatus", "rifle", "sight"};
    if (part->kind == RTA_PART_SPECIFIC &&
        (strcmp(part->unit, "jewel") == 0 || strcmp(part->unit, "other piece or part") == 0))
        return BASIS_COMPONENT;
    if (part->basis[0] == '\0')
        return BASIS_NONE;
    for (size_t k = 0; k < sizeof whole / sizeof whole[0]; k++)
        if (equals_ci(part->basis, whole[k]))
            return BASIS_WHOLE;
    for (size_t k = 0; k < sizeof content / sizeof content[0]; k++)
        if (contains_ci(part->basis, content[k]))
            return BASIS_CONTENT;
    for (size_t k = 0; k < sizeof component / sizeof component[0]; k++)
        if (contains_ci(part->basis, component[k]))
            return BASIS_COMPONENT;
    return BASIS_UNKNOWN;
}

/* Copies t->s[from..to) (trailing spaces and periods dropped) into dst. */
static int copy_span(rctx *c, size_t from, size_t to, char *dst, size_t size)
{
    while (to > from && (c->t->s[to - 1] == ' ' || c->t->s[to - 1] == '.'))
        to--;
    while (from < to && c->t->s[from] == ' ')
        from++;
    if (to - from >= size)
        return fail(c, from, RTA_ERR_RANGE, "text too long for its field");
    memcpy(dst, c->t->s + from, to - from);
    dst[to - from] = '\0';
    return 1;
}

/* Words after which a unit ends: "kg on drained weight", "kg less ...". */
static int unit_stops_at(const rctx *c, size_t j, size_t from)
{
    static const char *const stops[] = {" on ",   " of ",  " less ",      " for ",  " over ",
                                        " upon ", " but ", " including ", " plus ", " minus "};
    const char *s = c->t->s;
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
        size_t l = strlen(stops[k]);
        if (j + l <= c->end && memcmp(s + j, stops[k], l) == 0)
            return 1;
    }
    /* "m2of recording surface" */
    if (j > from && is_digit((unsigned char)s[j - 1]) && j + 3 <= c->end &&
        memcmp(s + j, "of ", 3) == 0)
        return 1;
    return 0;
}

/* The unit after a specific amount: " each", "/kg", "¢ /kg", "/1,000 pins",
 * " for each other piece or part". */
static int parse_unit(rctx *c, rta_rate_part *part)
{
    size_t save = c->p;
    skip_sp(c);
    part->per = 1;
    if (lit(c, "each")) {
        strcpy(part->unit, "each");
        return 1;
    }
    if (lit(c, "for each other piece or part")) {
        strcpy(part->unit, "other piece or part");
        return 1;
    }
    if (ch(c, c->p) != '/') {
        c->p = save;
        return fail(c, save, RTA_ERR_PARSE,
                    "expected a unit (\"/kg\", \" each\") after the amount");
    }
    size_t from = c->p;
    size_t j = c->p + 1;
    while (ch(c, j) == ' ')
        j++;
    while (is_digit(ch(c, j)) || (ch(c, j) == ',' && is_digit(ch(c, j + 1)) &&
                                  is_digit(ch(c, j + 2)) && is_digit(ch(c, j + 3))))
        j++;
    while (j < c->end) {
        int k = ch(c, j);
        if (k == '+' || k == ',' || k == '(' || (k == ' ' && unit_stops_at(c, j, from)) ||
            (k == 'o' && unit_stops_at(c, j, from)))
            break;
        j++;
    }
    int64_t per = 1;
    size_t need =
        rta_unit_normalize_rate(c->t->s + from, j - from, &per, part->unit, sizeof part->unit);
    if (need == 0)
        return fail(c, from + 1, RTA_ERR_PARSE, "expected a unit after \"/\"");
    if (need >= sizeof part->unit || !rta_unit_is_rate_unit(part->unit) || per <= 0) {
        part->unit[0] = '\0';
        return fail(c, from + 1, RTA_ERR_PARSE, "unknown unit");
    }
    part->per = per;
    c->p = j;
    return 1;
}

/* One amount: "16.5%", "3.9¢", "$1.035", "90 percent". *percent_word is set
 * for the worded form, which only appears as "N percent of <a value>". */
static int parse_amount(rctx *c, rta_rate_part *part, int *percent_word)
{
    size_t start = c->p;
    exact v;
    int64_t scale;
    if (ch(c, c->p) == '$') {
        c->p++;
        if (!parse_number(c, &v))
            return 0;
        part->kind = RTA_PART_SPECIFIC;
        scale = 1000000; /* dollars -> micro-dollars */
    } else {
        if (!parse_number(c, &v))
            return 0;
        size_t after = c->p;
        skip_sp(c);
        if (ch(c, c->p) == '%') {
            c->p++;
            part->kind = RTA_PART_AD_VALOREM;
            scale = 10000; /* percent -> millionths */
        } else if (at_cent(c, c->p)) {
            c->p += 2;
            part->kind = RTA_PART_SPECIFIC;
            scale = 10000; /* cents -> micro-dollars */
        } else if (lit(c, "percent")) {
            part->kind = RTA_PART_AD_VALOREM;
            scale = 10000;
            *percent_word = 1;
        } else {
            size_t at = c->p;
            c->p = after;
            return fail(c, at, RTA_ERR_PARSE, "expected \"%\", \"¢\" or \"percent\"");
        }
    }
    exact e;
    if (!exact_scale(v, scale, &e))
        return fail(c, start, RTA_ERR_RANGE, "amount too large");
    part->exact_num = e.num;
    part->exact_den = e.den;
    if (part->kind == RTA_PART_AD_VALOREM)
        part->ad_valorem_millionths = round_half_up(e);
    else
        part->micro_usd = round_half_up(e);
    part->per = 1;
    part->sign = 1;
    return 1;
}

/* Reads what a part is on: " on drained weight", " of total sugars",
 * ", including weight of container", " upon the value of the steel content",
 * " over 7" (jewels). Runs to the next "+" or the end. */
static int parse_basis(rctx *c, rta_rate_part *part)
{
    size_t save = c->p;
    skip_sp(c);
    size_t from;
    if (ch(c, c->p) == ',') {
        c->p++;
        skip_sp(c);
        if (!lit(c, "including")) {
            c->p = save;
            return 1;
        }
        from = c->p - strlen("including");
    } else if (lit(c, "over")) {
        from = c->p - strlen("over");
    } else if (lit(c, "on") || lit(c, "of") || lit(c, "upon")) {
        from = c->p;
    } else {
        c->p = save;
        return 1;
    }
    size_t j = c->p;
    while (j < c->end && c->t->s[j] != '+') {
        if (c->t->s[j] == ',' && j + 5 <= c->end && memcmp(c->t->s + j, ", but", 5) == 0)
            break;
        j++;
    }
    if (!copy_span(c, from, j, part->basis, sizeof part->basis))
        return 0;
    if (strcmp(part->basis, "over") == 0 || part->basis[0] == '\0')
        return fail(c, j, RTA_ERR_PARSE, "expected what the rate is on");
    c->p = j;
    return 1;
}

static int add_part(rctx *c, rta_rate *r, const rta_rate_part *part)
{
    if (r->nparts >= RTA_RATE_MAX_PARTS)
        return fail(c, c->p, RTA_ERR_RANGE, "more parts than RTA_RATE_MAX_PARTS");
    r->parts[r->nparts++] = *part;
    return 1;
}

static void part_init(rta_rate_part *part)
{
    memset(part, 0, sizeof *part);
    part->exact_den = 1;
    part->per = 1;
    part->sign = 1;
}

/* "N¢/kg less N¢/kg for each degree under N degrees (and fractions of a
 * degree in proportion) but not less than N¢/kg" after the base part. */
static int parse_sliding(rctx *c, rta_rate *r)
{
    rta_rate_part step, floor_part;
    int pw = 0;
    part_init(&step);
    part_init(&floor_part);
    skip_sp(c);
    if (!parse_amount(c, &step, &pw) || step.kind != RTA_PART_SPECIFIC || !parse_unit(c, &step))
        return fail(c, c->p, RTA_ERR_PARSE, "expected the reduction of a sliding scale");
    skip_sp(c);
    if (!lit(c, "for each degree under"))
        return fail(c, c->p, RTA_ERR_PARSE, "expected \"for each degree under\"");
    skip_sp(c);
    size_t deg_at = c->p;
    exact deg;
    if (!parse_number(c, &deg) || deg.den != 1)
        return fail(c, deg_at, RTA_ERR_PARSE, "expected a whole number of degrees");
    if (!lit(c, " degrees (and fractions of a degree in proportion) but not less"))
        return fail(c, c->p, RTA_ERR_PARSE, "expected the floor of a sliding scale");
    size_t keep = c->p;
    if (!lit(c, " than"))
        c->p = keep;
    skip_sp(c);
    if (!parse_amount(c, &floor_part, &pw) || floor_part.kind != RTA_PART_SPECIFIC ||
        !parse_unit(c, &floor_part))
        return fail(c, c->p, RTA_ERR_PARSE, "expected the floor of a sliding scale");
    if (strcmp(step.unit, r->parts[0].unit) != 0 || strcmp(floor_part.unit, r->parts[0].unit) != 0)
        return fail(c, c->p, RTA_ERR_PARSE, "sliding scale with mixed units");
    step.kind = RTA_PART_STEP;
    step.sign = -1;
    snprintf(step.basis, sizeof step.basis, "each degree under %lld degrees", (long long)deg.num);
    floor_part.kind = RTA_PART_MINIMUM;
    if (!add_part(c, r, &step) || !add_part(c, r, &floor_part))
        return 0;
    r->step_micro_usd = step.micro_usd;
    r->min_micro_usd = floor_part.micro_usd;
    r->scale_degrees = deg.num;
    r->kind = RTA_RATE_SLIDING_SCALE;
    return 1;
}

/* True at the end of the range, allowing a final "." and a stray final "/"
 * ("37% /" in Column 2 of 2909.19.18). */
static int at_rate_end(rctx *c)
{
    size_t q = c->p;
    while (ch(c, q) == ' ')
        q++;
    if (q < c->end && (c->t->s[q] == '.' || c->t->s[q] == '/') && q + 1 == c->end)
        q++;
    if (q >= c->end) {
        c->p = q;
        return 1;
    }
    return 0;
}

enum { PARTS_PLAIN = 0, PARTS_ADDER = 1 };

/* A sum of parts. With PARTS_ADDER (after a reference) the parts may read "a
 * duty of N% upon ..." and be subtracted with "minus". Sets *percent_word
 * when an amount is worded "N percent". Stops before anything it cannot
 * read; the caller decides whether that may follow. */
static int parse_parts(rctx *c, rta_rate *r, int mode, int sign, int *percent_word)
{
    for (;;) {
        rta_rate_part part;
        part_init(&part);
        skip_sp(c);
        if (mode == PARTS_ADDER) {
            size_t keep = c->p;
            if (!lit(c, "a duty of"))
                c->p = keep;
            skip_sp(c);
        }
        if (!parse_amount(c, &part, percent_word))
            return 0;
        if (part.kind == RTA_PART_SPECIFIC && !parse_unit(c, &part))
            return 0;
        if (!parse_basis(c, &part))
            return 0;
        part.sign = sign;
        if (!add_part(c, r, &part))
            return 0;
        if (r->nparts == 1 && mode == PARTS_PLAIN && part.kind == RTA_PART_SPECIFIC &&
            part.basis[0] == '\0') {
            size_t keep = c->p;
            skip_sp(c);
            if (lit(c, "less"))
                return parse_sliding(c, r);
            c->p = keep;
        }
        if (at_rate_end(c))
            return 1;
        skip_sp(c);
        if (ch(c, c->p) == '+') {
            c->p++;
            sign = 1;
        } else if (lit(c, "plus")) {
            sign = 1;
        } else if (mode == PARTS_ADDER && lit(c, "minus")) {
            sign = -1;
        } else {
            return 1; /* the caller decides what may follow */
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Step 2: worded kinds                                                      */

/* Pattern language (case-insensitive): ' ' any number of spaces (also none),
 * '#' a number like 2009, 9813.00.05 or 1(b), '@' a list of such numbers
 * joined by ",", "-", "or", "and", '*' any text, '^' and '$' start and end of
 * the part copied into rta_rate.reference. Everything else is literal. */
typedef struct pmatch {
    size_t ref_from, ref_to;
    int has_ref_to;
} pmatch;

static size_t match_number(const rctx *c, size_t p)
{
    if (!is_digit(ch(c, p)))
        return 0;
    size_t q = p;
    while (is_digit(ch(c, q)) || (ch(c, q) == '.' && is_digit(ch(c, q + 1))))
        q++;
    if (ch(c, q) == '(' && (is_alpha(ch(c, q + 1)) || is_digit(ch(c, q + 1)))) {
        size_t r = q + 1;
        while (r - q <= 3 && (is_alpha(ch(c, r)) || is_digit(ch(c, r))))
            r++;
        if (ch(c, r) == ')')
            q = r + 1;
    }
    return q - p;
}

static int pat_match(const rctx *c, size_t p, const char *pat, pmatch *m, size_t *endp)
{
    for (;;) {
        char k = *pat;
        if (k == '\0') {
            if (p > 0 && is_alpha(ch(c, p - 1)) && is_alpha(ch(c, p)))
                return 0;
            *endp = p;
            return 1;
        }
        if (k == ' ') {
            while (ch(c, p) == ' ')
                p++;
            pat++;
        } else if (k == '^') {
            m->ref_from = p;
            pat++;
        } else if (k == '$') {
            m->ref_to = p;
            m->has_ref_to = 1;
            pat++;
        } else if (k == '#') {
            size_t l = match_number(c, p);
            if (l == 0)
                return 0;
            p += l;
            pat++;
        } else if (k == '@') {
            size_t l = match_number(c, p);
            if (l == 0)
                return 0;
            p += l;
            for (;;) {
                static const char *const joins[] = {", ", ",", " - ", "-", " or ", " and "};
                size_t q = 0;
                for (size_t j = 0; j < sizeof joins / sizeof joins[0] && q == 0; j++) {
                    size_t jl = strlen(joins[j]);
                    if (p + jl <= c->end && memcmp(c->t->s + p, joins[j], jl) == 0 &&
                        match_number(c, p + jl) > 0)
                        q = p + jl;
                }
                if (q == 0)
                    break;
                p = q + match_number(c, q);
            }
            pat++;
        } else if (k == '*') {
            /* greedy: a final '*' takes the rest of the text */
            for (size_t q = c->end + 1; q-- > p;)
                if (pat_match(c, q, pat + 1, m, endp))
                    return 1;
            return 0;
        } else {
            if (p >= c->end || lower(ch(c, p)) != lower((unsigned char)k))
                return 0;
            p++;
            pat++;
        }
    }
}

typedef struct phrase {
    const char *pat;
    rta_rate_kind kind;
    unsigned needs;
    int head; /* 1: a reference that may be followed by "+ N%" adders */
} phrase;

#define NEED_REF   RTA_NEED_REFERENCE_RATE
#define NEED_OTHER RTA_NEED_OTHER_VALUE
#define NOTE_TAIL  " (see u.s. note # * this subchapter)"

static const phrase phrases[] = {
    {"free", RTA_RATE_FREE, 0, 0},
    {"no change", RTA_RATE_NO_CHANGE, NEED_REF, 0},
    {"free, under bond", RTA_RATE_UNDER_BOND, RTA_NEED_BOND, 0},
    {"free, under bond, as prescribed in ^u.s. note #$ to this subchapter", RTA_RATE_UNDER_BOND,
     RTA_NEED_BOND | RTA_NEED_NOTE, 0},
    {"free, for such temporary periods as the secretary of the treasury by regulation may "
     "prescribe",
     RTA_RATE_CONDITIONAL, RTA_NEED_BOND, 0},
    {"free, under the terms of ^u.s. note #$ to this subchapter", RTA_RATE_CONDITIONAL,
     RTA_NEED_NOTE, 0},
    {"free (see ^u.s. note #$ * this subchapter)", RTA_RATE_CONDITIONAL, RTA_NEED_NOTE, 0},
    {"see additional ^u.s. note #", RTA_RATE_SEE_NOTE, RTA_NEED_NOTE, 0},
    {"see ^u.s. note #$ * this subchapter", RTA_RATE_SEE_NOTE, RTA_NEED_NOTE, 0},
    {"see ^u.s. note #", RTA_RATE_SEE_NOTE, RTA_NEED_NOTE, 0},
    {"see ^@", RTA_RATE_REFERENCE, NEED_REF, 0},
    /* ensembles and sets */
    {"the rate applicable to ^each garment in the ensemble if separately entered", RTA_RATE_SET,
     NEED_REF | RTA_NEED_COMPONENT_VALUES, 0},
    {"the rate applicable to ^each garment in the ensemble if entered separately", RTA_RATE_SET,
     NEED_REF | RTA_NEED_COMPONENT_VALUES, 0},
    {"the rate applicable to ^each garment in the in the ensemble$ if separately entered",
     RTA_RATE_SET, NEED_REF | RTA_NEED_COMPONENT_VALUES, 0},
    {"the rate of duty applicable to ^that article in the set subject to the highest rate of duty",
     RTA_RATE_SET, NEED_REF | RTA_NEED_COMPONENT_VALUES, 0},
    /* duties on another value (chapter 98) */
    {"the rate applicable in ^the absence of this subheading$ on the cost of such parts",
     RTA_RATE_VALUE_BASIS, NEED_REF | NEED_OTHER, 0},
    {"a duty upon ^the value of the repairs or alterations$" NOTE_TAIL, RTA_RATE_VALUE_BASIS,
     NEED_REF | NEED_OTHER | RTA_NEED_NOTE, 0},
    {"a duty upon ^the value of such processing outside the united states$" NOTE_TAIL,
     RTA_RATE_VALUE_BASIS, NEED_REF | NEED_OTHER | RTA_NEED_NOTE, 0},
    {"a duty upon ^the full value of the imported article, less the cost or value of such "
     "products of the united states$" NOTE_TAIL,
     RTA_RATE_VALUE_BASIS, NEED_REF | NEED_OTHER | RTA_NEED_NOTE, 0},
    {"a duty upon ^the full value of the imported article less the value of fabrics, components "
     "or materials of the united states$" NOTE_TAIL,
     RTA_RATE_VALUE_BASIS, NEED_REF | NEED_OTHER | RTA_NEED_NOTE, 0},
    /* articles exported and returned (9801.00.70, 9801.00.80): the duty on
     * like articles, capped by the drawback */
    {"a duty equal to the duty upon the importation of ^like articles not previously exported$, "
     "but in no case in excess of *",
     RTA_RATE_REFERENCE, NEED_REF | NEED_OTHER, 0},
    {"a duty (in lieu of any other duty or tax) equal to the sum of any duty and internal*revenue "
     "tax imposed upon the importation of ^like articles not previously exported$, but in no case "
     "in excess of *",
     RTA_RATE_REFERENCE, NEED_REF | NEED_OTHER, 0},
    /* references, possibly followed by "+ 25%", "minus 0.5%" */
    {"the duty provided in the ^applicable subheading", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the duty provided for in the ^applicable subheading", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the duty provided in ^subheadings @", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the duty rate provided in ^such subheading", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the duty rate provided for ^originating goods of * in such subheading", RTA_RATE_REFERENCE,
     NEED_REF, 1},
    {"the rate provided for ^beneficiary countries in heading #", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the rate applicable to ^the natural juice in heading #", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the rate applicable to ^the article of which it is a part or accessory", RTA_RATE_REFERENCE,
     NEED_REF, 1},
    {"the rate applicable to ^the article of which it is an accessory", RTA_RATE_REFERENCE,
     NEED_REF, 1},
    {"the rate applicable to ^the complete, assembled movement", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the rate applicable to ^the complete, assembled", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the rate applicable to ^each article in the absence of this subheading", RTA_RATE_REFERENCE,
     NEED_REF, 1},
    {"the rate applicable, to ^each article in the absence of this subheading", RTA_RATE_REFERENCE,
     NEED_REF, 1},
    {"the rate applicable in ^the absence of this heading", RTA_RATE_REFERENCE, NEED_REF, 1},
    {"the rate applicable in ^the absence of this subheading", RTA_RATE_REFERENCE, NEED_REF, 1},
};

/* Needs of a part sum, by what the parts are on. */
static unsigned part_needs(const rta_rate *r)
{
    unsigned needs = 0;
    for (int i = 0; i < r->nparts; i++) {
        const rta_rate_part *p = &r->parts[i];
        enum basis_class b = classify_basis(p);
        if (b == BASIS_COMPONENT)
            needs |= RTA_NEED_COMPONENT_VALUES;
        else if (b == BASIS_CONTENT)
            needs |=
                p->kind == RTA_PART_AD_VALOREM ? RTA_NEED_OTHER_VALUE : RTA_NEED_CONTENT_QUANTITY;
        else if (p->kind == RTA_PART_SPECIFIC)
            needs |= RTA_NEED_QUANTITY;
    }
    return needs;
}

static int try_phrases(rctx *c, rta_rate *r)
{
    for (size_t k = 0; k < sizeof phrases / sizeof phrases[0]; k++) {
        const phrase *ph = &phrases[k];
        pmatch m = {0, 0, 0};
        size_t e;
        m.ref_from = c->p;
        if (!pat_match(c, c->p, ph->pat, &m, &e))
            continue;
        size_t ref_to = m.has_ref_to ? m.ref_to : e;
        rctx sub = *c;
        sub.p = e;
        if (!ph->head) {
            if (!at_rate_end(&sub))
                continue;
        } else if (!at_rate_end(&sub)) {
            skip_sp(&sub);
            int sign = 1, pw = 0;
            if (ch(&sub, sub.p) == '+')
                sub.p++;
            else if (lit(&sub, "plus"))
                sign = 1;
            else if (lit(&sub, "minus"))
                sign = -1;
            else
                continue;
            if (!parse_parts(&sub, r, PARTS_ADDER, sign, &pw) || pw || !at_rate_end(&sub)) {
                if (sub.why != NULL && (c->why == NULL || sub.fail_at >= c->fail_at)) {
                    c->fail_at = sub.fail_at;
                    c->why = sub.why;
                    c->code = sub.code;
                }
                if (sub.why == NULL)
                    fail(c, sub.p, RTA_ERR_PARSE, "unexpected text after the rate");
                r->nparts = 0;
                continue;
            }
            for (int i = 0; i < r->nparts; i++)
                if (r->parts[i].kind == RTA_PART_AD_VALOREM && r->parts[i].basis[0] != '\0' &&
                    classify_basis(&r->parts[i]) == BASIS_UNKNOWN) {
                    r->nparts = 0;
                    return fail(c, e, RTA_ERR_PARSE, "unknown basis of an added duty");
                }
        }
        r->kind = ph->kind;
        r->needs = ph->needs;
        if (strchr(ph->pat, '^') != NULL) {
            size_t from = m.ref_from < ref_to ? m.ref_from : ref_to;
            rctx cp = *c;
            if (!copy_span(&cp, from, ref_to, r->reference, sizeof r->reference)) {
                *c = cp;
                return 0;
            }
        }
        if (ph->head) {
            for (int i = 0; i < r->nparts; i++) {
                if (r->parts[i].kind == RTA_PART_SPECIFIC)
                    r->needs |= RTA_NEED_QUANTITY;
                else if (r->parts[i].basis[0] != '\0')
                    r->needs |= NEED_OTHER;
            }
        }
        c->p = sub.p;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Step 3: sums of parts                                                     */

static int parse_structured(rctx *c, rta_rate *r)
{
    int percent_word = 0;
    if (!parse_parts(c, r, PARTS_PLAIN, 1, &percent_word))
        return 0;
    if (r->kind == RTA_RATE_SLIDING_SCALE) {
        if (!at_rate_end(c))
            return fail(c, c->p, RTA_ERR_PARSE, "unexpected text after the sliding scale");
        r->needs = RTA_NEED_QUANTITY | RTA_NEED_DEGREE;
        return 1;
    }
    int cap = 0;
    if (!at_rate_end(c)) {
        /* watch movements: ", but if consisting in part of a plate ... the total
         * duty shall not exceed the duty for the complete movement" */
        skip_sp(c);
        if (!lit(c, ", but if consisting in part of a plate or a set of plates the total duty "
                    "shall not exceed the duty for the "))
            return fail(c, c->p, RTA_ERR_PARSE, "expected \"+\" or the end of the rate");
        size_t from = c->p;
        if (from >= c->end || !copy_span(c, from, c->end, r->reference, sizeof r->reference) ||
            r->reference[0] == '\0')
            return fail(c, from, RTA_ERR_PARSE, "expected what the duty may not exceed");
        c->p = c->end;
        cap = 1;
    }
    int comp = 0, content = 0;
    for (int i = 0; i < r->nparts; i++) {
        enum basis_class b = classify_basis(&r->parts[i]);
        if (percent_word && r->parts[i].kind == RTA_PART_AD_VALOREM) {
            if (r->parts[i].basis[0] == '\0')
                return fail(c, c->p, RTA_ERR_PARSE, "expected \"of\" after \"percent\"");
            continue;
        }
        if (b == BASIS_UNKNOWN)
            return fail(c, c->p, RTA_ERR_PARSE, "unknown basis (what the rate is on)");
        comp |= b == BASIS_COMPONENT;
        content |= b == BASIS_CONTENT;
    }
    r->needs = part_needs(r);
    if (percent_word) {
        r->kind = RTA_RATE_VALUE_BASIS;
        r->needs |= RTA_NEED_OTHER_VALUE;
    } else if (comp || cap) {
        r->kind = RTA_RATE_COMPONENTS;
        r->needs |= RTA_NEED_COMPONENT_VALUES;
        if (cap)
            r->needs |= RTA_NEED_REFERENCE_RATE;
    } else if (content) {
        r->kind = RTA_RATE_CONTENT;
    } else if (r->nparts == 1) {
        r->kind = r->parts[0].kind == RTA_PART_AD_VALOREM ? RTA_RATE_AD_VALOREM : RTA_RATE_SPECIFIC;
    } else {
        r->kind = RTA_RATE_COMPOUND;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */

static void rate_init(rta_rate *r)
{
    memset(r, 0, sizeof *r);
    r->kind = RTA_RATE_NONE;
}

static int only_punctuation(const rctx *c, size_t from)
{
    for (size_t i = from; i < c->end; i++) {
        int k = ch(c, i);
        if (k != ':' && k != '.' && k != '-' && k != ' ')
            return 0;
    }
    return 1;
}

/* Parses t->s[from..to). On failure fills err with the column in the
 * original text (through t->map) and leaves *out as RTA_RATE_NONE. */
static rta_status parse_range(const rate_text *t, size_t from, size_t to, rta_rate *out,
                              rta_error *err)
{
    rate_init(out);
    rctx c = {t, to, from, 0, NULL, RTA_ERR_PARSE};
    while (c.p < c.end && t->s[c.p] == ' ')
        c.p++;
    while (c.end > c.p && t->s[c.end - 1] == ' ')
        c.end--;
    if (c.p >= c.end || only_punctuation(&c, c.p))
        return RTA_OK;
    size_t start = c.p;
    if (try_phrases(&c, out))
        return RTA_OK;
    if (c.code == RTA_ERR_RANGE && c.why != NULL)
        goto failed;
    rate_init(out);
    c.p = start;
    if (parse_structured(&c, out))
        return RTA_OK;
failed:;
    size_t at = c.fail_at < c.end ? c.fail_at : c.end;
    if (at < start)
        at = start;
    int shown = (int)(c.end - start > 200 ? 200 : c.end - start);
    int rest = (int)(c.end - at > 24 ? 24 : c.end - at);
    rta_status code = c.code;
    rate_init(out);
    if (rest > 0)
        return rta__error(err, code, "", 0, (long)t->map[at] + 1,
                          "rate \"%.*s%s\" is not a known rate shape: %s at \"%.*s%s\"", shown,
                          t->s + start, shown < (int)(c.end - start) ? "..." : "",
                          c.why ? c.why : "unexpected text", rest, t->s + at,
                          rest < (int)(c.end - at) ? "..." : "");
    return rta__error(err, code, "", 0, (long)t->map[at] + 1,
                      "rate \"%.*s%s\" is not a known rate shape: %s at its end", shown,
                      t->s + start, shown < (int)(c.end - start) ? "..." : "",
                      c.why ? c.why : "unexpected end");
}

rta_status rta_rate_parse(const char *text, size_t len, rta_rate *out, rta_error *err)
{
    if (out == NULL)
        return rta__error(err, RTA_ERR_INVALID, "", 0, 0, "rta_rate_parse: out is NULL");
    rate_init(out);
    if (text == NULL)
        return rta__error(err, RTA_ERR_INVALID, "", 0, 0, "rta_rate_parse: text is NULL");
    rate_text t;
    if (clean_text(text, len, &t) != 0)
        return rta__error(err, RTA_ERR_RANGE, "", 0, RATE_TEXT_MAX,
                          "rate text is longer than %d bytes", RATE_TEXT_MAX - 1);
    return parse_range(&t, 0, t.n, out, err);
}

const char *rta_rate_kind_name(rta_rate_kind kind)
{
    switch (kind) {
    case RTA_RATE_NONE:
        return "none";
    case RTA_RATE_FREE:
        return "free";
    case RTA_RATE_AD_VALOREM:
        return "ad_valorem";
    case RTA_RATE_SPECIFIC:
        return "specific";
    case RTA_RATE_COMPOUND:
        return "compound";
    case RTA_RATE_REFERENCE:
        return "reference";
    case RTA_RATE_COMPONENTS:
        return "components";
    case RTA_RATE_CONTENT:
        return "content";
    case RTA_RATE_SLIDING_SCALE:
        return "sliding_scale";
    case RTA_RATE_UNDER_BOND:
        return "under_bond";
    case RTA_RATE_CONDITIONAL:
        return "conditional";
    case RTA_RATE_VALUE_BASIS:
        return "value_basis";
    case RTA_RATE_SEE_NOTE:
        return "see_note";
    case RTA_RATE_NO_CHANGE:
        return "no_change";
    case RTA_RATE_SET:
        return "set";
    case RTA_RATE_KIND_COUNT:
        break;
    }
    return "unknown";
}

int rta_rate_kind_is_structured(rta_rate_kind kind)
{
    return kind == RTA_RATE_NONE || kind == RTA_RATE_FREE || kind == RTA_RATE_AD_VALOREM ||
           kind == RTA_RATE_SPECIFIC || kind == RTA_RATE_COMPOUND;
}

/* ------------------------------------------------------------------------ */
/* Shapes                                                                    */

/* Python's str.strip() set, as far as it occurs in the data: ASCII
 * whitespace, U+001C..U+001F, U+0085 and U+00A0. */
static size_t trim_len_front(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        if (i < len && ((unsigned char)s[i] <= ' ' &&
                        (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r') ||
                         ((unsigned char)s[i] >= 0x1C && (unsigned char)s[i] <= 0x1F))))
            i++;
        else if (i + 1 < len && (unsigned char)s[i] == 0xC2 &&
                 ((unsigned char)s[i + 1] == 0xA0 || (unsigned char)s[i + 1] == 0x85))
            i += 2;
        else
            return i;
    }
}

static size_t trim_len_back(const char *s, size_t from, size_t len)
{
    size_t e = len;
    for (;;) {
        if (e > from && ((unsigned char)s[e - 1] <= ' ' &&
                         (s[e - 1] == ' ' || (s[e - 1] >= '\t' && s[e - 1] <= '\r') ||
                          ((unsigned char)s[e - 1] >= 0x1C && (unsigned char)s[e - 1] <= 0x1F))))
            e--;
        else if (e >= from + 2 && (unsigned char)s[e - 2] == 0xC2 &&
                 ((unsigned char)s[e - 1] == 0xA0 || (unsigned char)s[e - 1] == 0x85))
            e -= 2;
        else
            return e;
    }
}

size_t rta_rate_shape(const char *text, size_t len, char *buf, size_t size)
{
    size_t out = 0;
    if (text == NULL)
        len = 0;
    size_t i = len ? trim_len_front(text, len) : 0;
    size_t e = len ? trim_len_back(text, i, len) : 0;
#define SHAPE_PUT(c)                                                                               \
    do {                                                                                           \
        if (size > 0 && out + 1 < size)                                                            \
            buf[out] = (c);                                                                        \
        out++;                                                                                     \
    } while (0)
    while (i < e) {
        if (is_digit((unsigned char)text[i])) {
            while (i < e && is_digit((unsigned char)text[i]))
                i++;
            if (i + 1 < e && text[i] == '.' && is_digit((unsigned char)text[i + 1])) {
                i++;
                while (i < e && is_digit((unsigned char)text[i]))
                    i++;
            }
            SHAPE_PUT('N');
        } else {
            SHAPE_PUT(text[i]);
            i++;
        }
    }
#undef SHAPE_PUT
    if (size > 0)
        buf[out < size ? out : size - 1] = '\0';
    return out;
}

/* ------------------------------------------------------------------------ */
/* The Special column                                                        */

static int is_code_sep(int k)
{
    return k == ',' || k == ' ';
}

/* Reads a program list at t->s[open] == '(' up to ")" or, for the printed
 * slip "(PA (PA)", up to the next "(". Fills codes and *after. Returns the
 * number of codes, 0 if the parenthesis is not a program list. */
static int read_codes(const rate_text *t, size_t open, size_t end, char codes[][6], int max,
                      size_t *after)
{
    size_t i = open + 1;
    int n = 0;
    while (i < end) {
        int k = (unsigned char)t->s[i];
        if (k == ')') {
            *after = i + 1;
            return n;
        }
        if (k == '(') {
            *after = i;
            return n;
        }
        if (is_code_sep(k)) {
            i++;
            continue;
        }
        if (k == '.' && i + 1 < end && is_upper((unsigned char)t->s[i + 1]))
            i++; /* ".OM" */
        size_t from = i;
        while (i < end && is_upper((unsigned char)t->s[i]))
            i++;
        size_t letters = i - from;
        if (letters == 0 || letters > 3)
            return 0;
        if (i < end && (t->s[i] == '+' || t->s[i] == '*'))
            i++;
        if (i < end && !is_code_sep((unsigned char)t->s[i]) && t->s[i] != ')' && t->s[i] != '(')
            return 0;
        if (n >= max)
            return -1;
        memcpy(codes[n], t->s + from, i - from);
        codes[n][i - from] = '\0';
        n++;
    }
    /* unclosed at the end of the cell */
    *after = end;
    return n;
}

static rta_status special_group(rta_special *sp, const char *text, size_t len, const rate_text *t,
                                size_t from, size_t to, rta_error *err)
{
    if (sp->ngroups >= RTA_SPECIAL_MAX_GROUPS)
        return rta__error(err, RTA_ERR_RANGE, "", 0, (long)t->map[from] + 1,
                          "special rate has more than %d rate groups", RTA_SPECIAL_MAX_GROUPS);
    while (from < to && t->s[from] == ' ')
        from++;
    while (to > from && t->s[to - 1] == ' ')
        to--;
    int g = sp->ngroups;
    rta_status st = parse_range(t, from, to, &sp->rates[g], err);
    if (st != RTA_OK)
        return st;
    /* The span in the original: from the first byte of the group to the end
     * of its last character (a UTF-8 sequence or an "&amp;" counts whole). */
    size_t a = t->map[from], b = to > from ? t->map[to - 1] + 1 : a;
    if (to > from && text[b - 1] == '&') {
        while (b < len && text[b - 1] != ';')
            b++;
    }
    while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
        b++;
    sp->rate_offset[g] = a;
    sp->rate_length[g] = b - a;
    sp->ngroups++;
    return RTA_OK;
}

/* The work of rta_special_parse; on error the caller resets *out. */
static rta_status special_parse(const char *text, size_t len, const rate_text *t, rta_special *out,
                                rta_error *err)
{
    size_t pos = 0, group_from = 0;
    rta_status st;
    while (pos < t->n) {
        const char *open = memchr(t->s + pos, '(', t->n - pos);
        if (open == NULL)
            break;
        size_t q = (size_t)(open - t->s);
        char codes[RTA_SPECIAL_MAX_PROGRAMS][6];
        size_t after = q + 1;
        int n = read_codes(t, q, t->n, codes, RTA_SPECIAL_MAX_PROGRAMS, &after);
        if (n < 0)
            return rta__error(err, RTA_ERR_RANGE, "", 0, (long)t->map[q] + 1,
                              "special rate lists more than %d programs", RTA_SPECIAL_MAX_PROGRAMS);
        if (n == 0) {
            pos = q + 1;
            continue;
        }
        size_t a = group_from, b = q;
        while (a < b && t->s[a] == ' ')
            a++;
        if (a == b) {
            /* "(PA (PA)": a second list for the same rate */
            if (out->ngroups == 0)
                return rta__error(err, RTA_ERR_PARSE, "", 0, (long)t->map[q] + 1,
                                  "special rate: program list (%s...) without a rate", codes[0]);
        } else if ((st = special_group(out, text, len, t, a, b, err)) != RTA_OK) {
            return st;
        }
        int g = out->ngroups - 1;
        for (int k = 0; k < n; k++) {
            int dup = 0;
            for (int j = 0; j < out->nprograms && !dup; j++)
                dup = out->programs[j].group == g && strcmp(out->programs[j].code, codes[k]) == 0;
            if (dup)
                continue;
            if (out->nprograms >= RTA_SPECIAL_MAX_PROGRAMS)
                return rta__error(err, RTA_ERR_RANGE, "", 0, (long)t->map[q] + 1,
                                  "special rate lists more than %d programs",
                                  RTA_SPECIAL_MAX_PROGRAMS);
            memcpy(out->programs[out->nprograms].code, codes[k], sizeof codes[k]);
            out->programs[out->nprograms].group = g;
            out->nprograms++;
        }
        pos = group_from = after;
    }
    size_t a = group_from, b = t->n;
    while (a < b && t->s[a] == ' ')
        a++;
    if (a < b) {
        if (out->ngroups > 0)
            return rta__error(err, RTA_ERR_PARSE, "", 0, (long)t->map[a] + 1,
                              "special rate: \"%.*s\" has no program list",
                              (int)(b - a > 80 ? 80 : b - a), t->s + a);
        if ((st = special_group(out, text, len, t, a, b, err)) != RTA_OK)
            return st;
        if (out->rates[0].kind != RTA_RATE_NONE)
            out->all_group = 0;
        else
            out->ngroups = 0;
    }
    return RTA_OK;
}

rta_status rta_special_parse(const char *text, size_t len, rta_special *out, rta_error *err)
{
    if (out == NULL)
        return rta__error(err, RTA_ERR_INVALID, "", 0, 0, "rta_special_parse: out is NULL");
    memset(out, 0, sizeof *out);
    out->all_group = -1;
    if (text == NULL)
        return rta__error(err, RTA_ERR_INVALID, "", 0, 0, "rta_special_parse: text is NULL");
    rate_text t;
    if (clean_text(text, len, &t) != 0)
        return rta__error(err, RTA_ERR_RANGE, "", 0, RATE_TEXT_MAX,
                          "special rate text is longer than %d bytes", RATE_TEXT_MAX - 1);
    rta_status st = special_parse(text, len, &t, out, err);
    if (st != RTA_OK) {
        memset(out, 0, sizeof *out);
        out->all_group = -1;
    }
    return st;
}

const rta_rate *rta_special_find(const rta_special *sp, const char *code)
{
    if (sp == NULL || code == NULL || code[0] == '\0')
        return NULL;
    for (int i = 0; i < sp->nprograms; i++)
        if (strcmp(sp->programs[i].code, code) == 0)
            return &sp->rates[sp->programs[i].group];
    size_t cl = strlen(code);
    for (int i = 0; i < sp->nprograms; i++) {
        const char *pc = sp->programs[i].code;
        size_t pl = strlen(pc);
        if (pl == cl + 1 && (pc[cl] == '+' || pc[cl] == '*') && strncmp(pc, code, cl) == 0)
            return &sp->rates[sp->programs[i].group];
    }
    if (sp->all_group >= 0 && sp->all_group < sp->ngroups)
        return &sp->rates[sp->all_group];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */

typedef struct jsink {
    char *buf;
    size_t size;
    size_t len;
} jsink;

static void j_put(jsink *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->size > 0 && o->len + 1 < o->size)
            o->buf[o->len] = s[i];
        o->len++;
    }
}

static void j_raw(jsink *o, const char *s)
{
    j_put(o, s, strlen(s));
}

static void j_int(jsink *o, int64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    j_put(o, tmp, n > 0 ? (size_t)n : 0);
}

/* Length of a valid UTF-8 sequence at s[i], 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i];
    size_t l;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        l = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        l = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        l = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + l > n)
        return 0;
    for (size_t k = 1; k < l; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return l;
}

static void j_str(jsink *o, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    j_raw(o, "\"");
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            j_put(o, e, 2);
            i++;
        } else if (c == '\n') {
            j_raw(o, "\\n");
            i++;
        } else if (c == '\t') {
            j_raw(o, "\\t");
            i++;
        } else if (c == '\r') {
            j_raw(o, "\\r");
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            j_raw(o, e);
            i++;
        } else {
            size_t l = utf8_len(u, i, n);
            if (l == 0) {
                j_raw(o, "\\ufffd");
                i++;
            } else {
                j_put(o, s + i, l);
                i += l;
            }
        }
    }
    j_raw(o, "\"");
}

static const char *part_kind_name(rta_rate_part_kind k)
{
    switch (k) {
    case RTA_PART_AD_VALOREM:
        return "ad_valorem";
    case RTA_PART_SPECIFIC:
        return "specific";
    case RTA_PART_STEP:
        return "step";
    case RTA_PART_MINIMUM:
        return "minimum";
    }
    return "unknown";
}

static size_t field_len(const char *s, size_t cap)
{
    const char *z = memchr(s, '\0', cap);
    return z ? (size_t)(z - s) : cap;
}

static void j_part_money(jsink *o, const rta_rate_part *p)
{
    j_raw(o, "\"micro_usd\":");
    j_int(o, p->micro_usd);
    j_raw(o, ",\"unit\":");
    j_str(o, p->unit, field_len(p->unit, sizeof p->unit));
    j_raw(o, ",\"per\":");
    j_int(o, p->per);
    j_raw(o, ",\"basis\":");
    j_str(o, p->basis, field_len(p->basis, sizeof p->basis));
}

/* The fields of one rate, without braces and without "text". */
static void j_rate_fields(jsink *o, const rta_rate *r)
{
    static const char *const need_names[] = {
        "quantity", "reference_rate", "component_values", "content_quantity",
        "degree",   "note",           "other_value",      "bond"};
    j_raw(o, "\"kind\":");
    const char *kn = rta_rate_kind_name(r->kind);
    j_str(o, kn, strlen(kn));
    j_raw(o,
          rta_rate_kind_is_structured(r->kind) ? ",\"structured\":true" : ",\"structured\":false");
    int nparts = r->nparts < 0                    ? 0
                 : r->nparts > RTA_RATE_MAX_PARTS ? RTA_RATE_MAX_PARTS
                                                  : r->nparts;
    int nav = 0, av = -1;
    for (int i = 0; i < nparts; i++)
        if (r->parts[i].kind == RTA_PART_AD_VALOREM) {
            nav++;
            av = i;
        }
    if (nav == 1) {
        j_raw(o, ",\"ad_valorem_millionths\":");
        j_int(o, r->parts[av].ad_valorem_millionths);
    }
    j_raw(o, ",\"specific\":[");
    int first = 1;
    for (int i = 0; i < nparts; i++) {
        if (r->parts[i].kind != RTA_PART_SPECIFIC)
            continue;
        j_raw(o, first ? "{" : ",{");
        first = 0;
        j_part_money(o, &r->parts[i]);
        j_raw(o, "}");
    }
    j_raw(o, "],\"parts\":[");
    for (int i = 0; i < nparts; i++) {
        const rta_rate_part *p = &r->parts[i];
        j_raw(o, i ? ",{\"kind\":" : "{\"kind\":");
        const char *pk = part_kind_name(p->kind);
        j_str(o, pk, strlen(pk));
        if (p->kind == RTA_PART_AD_VALOREM) {
            j_raw(o, ",\"ad_valorem_millionths\":");
            j_int(o, p->ad_valorem_millionths);
            j_raw(o, ",\"basis\":");
            j_str(o, p->basis, field_len(p->basis, sizeof p->basis));
        } else {
            j_raw(o, ",");
            j_part_money(o, p);
        }
        j_raw(o, ",\"sign\":");
        j_int(o, p->sign);
        if (p->exact_den != 1) {
            j_raw(o, ",\"exact\":{\"num\":");
            j_int(o, p->exact_num);
            j_raw(o, ",\"den\":");
            j_int(o, p->exact_den);
            j_raw(o, "}");
        }
        j_raw(o, "}");
    }
    j_raw(o, "]");
    size_t rl = field_len(r->reference, sizeof r->reference);
    if (rl > 0) {
        j_raw(o, ",\"reference\":");
        j_str(o, r->reference, rl);
    }
    if (r->kind == RTA_RATE_SLIDING_SCALE) {
        j_raw(o, ",\"scale_degrees\":");
        j_int(o, r->scale_degrees);
        j_raw(o, ",\"step_micro_usd\":");
        j_int(o, r->step_micro_usd);
        j_raw(o, ",\"min_micro_usd\":");
        j_int(o, r->min_micro_usd);
    }
    j_raw(o, ",\"needs\":[");
    first = 1;
    for (unsigned b = 0; b < sizeof need_names / sizeof need_names[0]; b++) {
        if (!(r->needs & (1u << b)))
            continue;
        j_raw(o, first ? "" : ",");
        first = 0;
        j_str(o, need_names[b], strlen(need_names[b]));
    }
    j_raw(o, "]");
}

static size_t j_finish(jsink *o)
{
    if (o->size > 0)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
    return o->len;
}

size_t rta_rate_to_json(const rta_rate *rate, const char *text, char *buf, size_t size)
{
    jsink o = {buf, buf ? size : 0, 0};
    if (text == NULL)
        text = "";
    j_raw(&o, "{\"text\":");
    j_str(&o, text, strlen(text));
    if (rate != NULL) {
        j_raw(&o, ",");
        j_rate_fields(&o, rate);
    }
    j_raw(&o, "}");
    return j_finish(&o);
}

/* The group's text inside the cell, clamped to the cell. */
static void j_group_text(jsink *o, const rta_special *sp, int g, const char *text, size_t tl)
{
    size_t off = sp->rate_offset[g], n = sp->rate_length[g];
    if (off > tl)
        off = tl;
    if (n > tl - off)
        n = tl - off;
    j_str(o, text + off, n);
}

size_t rta_special_to_json(const rta_special *sp, const char *text, char *buf, size_t size)
{
    jsink o = {buf, buf ? size : 0, 0};
    if (text == NULL)
        text = "";
    size_t tl = strlen(text);
    j_raw(&o, "{\"text\":");
    j_str(&o, text, tl);
    if (sp == NULL) {
        j_raw(&o, "}");
        return j_finish(&o);
    }
    int ng = sp->ngroups < 0                        ? 0
             : sp->ngroups > RTA_SPECIAL_MAX_GROUPS ? RTA_SPECIAL_MAX_GROUPS
                                                    : sp->ngroups;
    int np = sp->nprograms < 0                          ? 0
             : sp->nprograms > RTA_SPECIAL_MAX_PROGRAMS ? RTA_SPECIAL_MAX_PROGRAMS
                                                        : sp->nprograms;
    j_raw(&o, ",\"groups\":[");
    for (int g = 0; g < ng; g++) {
        j_raw(&o, g ? ",{\"rate\":" : "{\"rate\":");
        j_group_text(&o, sp, g, text, tl);
        j_raw(&o, ",");
        j_rate_fields(&o, &sp->rates[g]);
        j_raw(&o, g == sp->all_group ? ",\"all_programs\":true" : "");
        j_raw(&o, ",\"programs\":[");
        int first = 1;
        for (int i = 0; i < np; i++) {
            if (sp->programs[i].group != g)
                continue;
            j_raw(&o, first ? "" : ",");
            first = 0;
            j_str(&o, sp->programs[i].code, field_len(sp->programs[i].code, 6));
        }
        j_raw(&o, "]}");
    }
    j_raw(&o, "],\"programs\":[");
    int first = 1;
    for (int i = 0; i < np; i++) {
        int g = sp->programs[i].group;
        if (g < 0 || g >= ng)
            continue;
        j_raw(&o, first ? "{\"code\":" : ",{\"code\":");
        first = 0;
        j_str(&o, sp->programs[i].code, field_len(sp->programs[i].code, 6));
        j_raw(&o, ",\"rate\":");
        j_group_text(&o, sp, g, text, tl);
        j_raw(&o, ",");
        j_rate_fields(&o, &sp->rates[g]);
        j_raw(&o, "}");
    }
    j_raw(&o, "]}");
    return j_finish(&o);
}

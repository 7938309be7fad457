/*
 * unit.c - canonical spelling of HTS units of quantity and of rate units.
 *
 * Why: the HTS JSON and CSV carry the typesetting of the printed schedule
 * ("<u>kg</u>", "m<sup style=...>3</sup>", "m²", stray newlines), and rate
 * texts spell one unit several ways ("¢/ liter", "¢/pf. liter"). Comparing
 * units as printed would make the same measure look different, so every
 * spelling goes through one streaming cleaner here, followed by a short table
 * of known misspellings. The cleaner writes snprintf-style into the caller's
 * buffer so the rate parser can use it without allocating.
 */
#include "rta/unit.h"

#include <string.h>

/* snprintf-like output: counts every byte, stores what fits. */
typedef struct unit_sink {
    char *buf;
    size_t size;
    size_t len;
    char last; /* last byte emitted, 0 at start */
} unit_sink;

static void sink_put(unit_sink *o, char c)
{
    if (o->size > 0 && o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
    o->last = c;
}

static void sink_finish(unit_sink *o)
{
    if (o->size == 0)
        return;
    o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static int is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_alpha_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of whitespace (ASCII or UTF-8 no-break space) at raw[i], 0 if none. */
static size_t space_at(const char *raw, size_t len, size_t i)
{
    unsigned char c = (unsigned char)raw[i];
    if (is_space_byte(c))
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)raw[i + 1] == 0xA0)
        return 2;
    if (c == '&' && len - i >= 6 && memcmp(raw + i, "&nbsp;", 6) == 0)
        return 6;
    return 0;
}

/* Length of an HTML tag starting at raw[i] ("<sup style=...>", "</u>"), 0 if
 * the '<' does not open a tag. A tag must close before the next '<'. */
static size_t tag_at(const char *raw, size_t len, size_t i)
{
    if (raw[i] != '<' || i + 1 >= len)
        return 0;
    unsigned char c = (unsigned char)raw[i + 1];
    if (!is_alpha_byte(c) && c != '/' && c != '!')
        return 0;
    for (size_t j = i + 1; j < len && j - i < 256; j++) {
        if (raw[j] == '>')
            return j - i + 1;
        if (raw[j] == '<')
            return 0;
    }
    return 0;
}

static void clean_into(const char *raw, size_t len, unit_sink *o)
{
    int pending_space = 0;
    int after_slash = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)raw[i];
        size_t n;
        if ((n = tag_at(raw, len, i)) > 0) {
            i += n;
            continue;
        }
        if ((n = space_at(raw, len, i)) > 0) {
            pending_space = 1;
            i += n;
            continue;
        }
        /* "thou- sand": a hyphen that only broke a word across lines. */
        if (c == '-' && is_alpha_byte((unsigned char)o->last)) {
            size_t j = i + 1, k;
            int saw_space = 0;
            while (j < len && (k = space_at(raw, len, j)) > 0) {
                j += k;
                saw_space = 1;
            }
            if (saw_space && j < len && raw[j] >= 'a' && raw[j] <= 'z') {
                i = j;
                pending_space = 0;
                continue;
            }
        }
        char out = (char)c;
        size_t used = 1;
        if (c == 0xC2 && i + 1 < len) {
            unsigned char d = (unsigned char)raw[i + 1];
            if (d == 0xB2 || d == 0xB3 || d == 0xB9) { /* superscript 2, 3, 1 */
                out = d == 0xB2 ? '2' : d == 0xB3 ? '3' : '1';
                used = 2;
            }
        } else if (c == '&' && len - i >= 5 && memcmp(raw + i, "&amp;", 5) == 0) {
            out = '&';
            used = 5;
        }
        if (out == '/') {
            pending_space = 0;
            after_slash = 1;
        } else {
            if (pending_space && o->len > 0 && !after_slash)
                sink_put(o, ' ');
            pending_space = 0;
            after_slash = 0;
        }
        sink_put(o, out);
        i += used;
    }
}

/* Misspellings seen in the HTS, mapped to the spelling used elsewhere. */
static const struct {
    const char *from;
    const char *to;
} unit_aliases[] = {
    {"No", "No."},
    {"doz. prs", "doz. prs."},
    {"pf. liter", "pf.liter"},
    {"pf. liters", "pf.liters"},
};

static size_t finish_with_aliases(const char *raw, size_t len, char *buf, size_t size)
{
    char probe[16];
    unit_sink p = {probe, sizeof probe, 0, 0};
    clean_into(raw, len, &p);
    sink_finish(&p);
    if (p.len < sizeof probe) {
        for (size_t a = 0; a < sizeof unit_aliases / sizeof unit_aliases[0]; a++) {
            if (strcmp(probe, unit_aliases[a].from) == 0) {
                unit_sink o = {buf, size, 0, 0};
                for (const char *s = unit_aliases[a].to; *s; s++)
                    sink_put(&o, *s);
                sink_finish(&o);
                return o.len;
            }
        }
    }
    unit_sink o = {buf, size, 0, 0};
    clean_into(raw, len, &o);
    sink_finish(&o);
    return o.len;
}

size_t rta_unit_normalize_n(const char *raw, size_t len, char *buf, size_t size)
{
    if (raw == NULL)
        len = 0;
    return finish_with_aliases(raw ? raw : "", len, buf, size);
}

size_t rta_unit_normalize(const char *raw, char *buf, size_t size)
{
    return rta_unit_normalize_n(raw, raw ? strlen(raw) : 0, buf, size);
}

size_t rta_unit_normalize_rate(const char *raw, size_t len, int64_t *per, char *buf, size_t size)
{
    size_t i = 0, n;
    int64_t count = 1;
    if (raw == NULL) {
        raw = "";
        len = 0;
    }
    /* Leading spaces, currency sign and the slash of "¢/ liter". */
    for (;;) {
        if (i < len && (n = space_at(raw, len, i)) > 0)
            i += n;
        else if (i + 1 < len && (unsigned char)raw[i] == 0xC2 && (unsigned char)raw[i + 1] == 0xA2)
            i += 2;
        else if (i < len && (raw[i] == '$' || raw[i] == '/'))
            i++;
        else
            break;
    }
    int has_count = 0;
    if (i < len && raw[i] >= '0' && raw[i] <= '9') {
        /* A count: digits, optionally grouped by commas of exactly 3 digits. */
        has_count = 1;
        count = 0;
        int digits_in_group = 0, grouped = 0, bad = 0;
        while (i < len && ((raw[i] >= '0' && raw[i] <= '9') || raw[i] == ',')) {
            if (raw[i] == ',') {
                if (digits_in_group == 0 || (grouped && digits_in_group != 3) ||
                    (!grouped && digits_in_group > 3))
                    bad = 1;
                grouped = 1;
                digits_in_group = 0;
            } else {
                digits_in_group++;
                if (count > 1000000000)
                    bad = 1;
                else
                    count = count * 10 + (raw[i] - '0');
            }
            i++;
        }
        if ((grouped && digits_in_group != 3) || count == 0 || count > 1000000000)
            bad = 1;
        if (bad)
            count = 0;
    }
    if (per != NULL)
        *per = count;
    size_t ulen = rta_unit_normalize_n(raw + i, len - i, buf, size);
    if (ulen == 0 && has_count) {
        unit_sink o = {buf, size, 0, 0};
        for (const char *s = "each"; *s; s++)
            sink_put(&o, *s);
        sink_finish(&o);
        return o.len;
    }
    return ulen;
}

/* Units the specific rates of the HTS are stated in (canonical spelling). */
static const char *const rate_units[] = {
    "kg",
    "g",
    "t",
    "liter",
    "pf.liter",
    "each",
    "doz.",
    "pr.",
    "gross",
    "m",
    "m2",
    "m3",
    "lin. m",
    "bbl",
    "head",
    "clean kg",
    "thousand",
    "pins",
    "line/gross",
    "jewel",
    "article",
    "pack",
    "other piece or part",
    "carat",
    "cm2",
    "No.",
    "doz. prs.",
    "liters",
};

int rta_unit_is_rate_unit(const char *unit)
{
    if (unit == NULL)
        return 0;
    for (size_t k = 0; k < sizeof rate_units / sizeof rate_units[0]; k++)
        if (strcmp(unit, rate_units[k]) == 0)
            return 1;
    return 0;
}

/* Pairs (rate spelling, line spelling) that name the same measure. */
static const struct {
    const char *rate;
    const char *line;
} same_units[] = {
    {"each", "No."},           {"head", "No."},
    {"article", "No."},        {"liter", "liters"},
    {"pf.liter", "pf.liters"}, {"pr.", "prs."},
    {"thousand", "thousands"}, {"clean kg", "cy kg"},
    {"jewel", "Jwls."},        {"line/gross", "gr.lines"},
};

int rta_unit_same(const char *rate_unit, const char *line_unit)
{
    if (rate_unit == NULL || line_unit == NULL || rate_unit[0] == '\0')
        return 0;
    if (strcmp(rate_unit, line_unit) == 0)
        return 1;
    for (size_t k = 0; k < sizeof same_units / sizeof same_units[0]; k++) {
        if ((strcmp(rate_unit, same_units[k].rate) == 0 &&
             strcmp(line_unit, same_units[k].line) == 0) ||
            (strcmp(line_unit, same_units[k].rate) == 0 &&
             strcmp(rate_unit, same_units[k].line) == 0))
            return 1;
    }
    return 0;
}

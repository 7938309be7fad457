/*
 * svg.c - the two charts of the trade module as self-contained SVG 1.1.
 *
 * Why: a chart that a minister is shown must say what it shows (title,
 * axis with units, source) and must come out of rta itself, the same bytes
 * on every machine, with no plotting library or browser in the loop. Every
 * text is XML-escaped and long labels are cut at a character boundary, so
 * any partner or product name gives a well-formed document. Layout is fixed
 * arithmetic: labels sit in their own column (reciprocal) or on their own line
 * above the bar (composition), so nothing overlaps whatever the lengths.
 */
#include "rta/balance.h"
#include "rta/reciprocal.h"

#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "Helvetica, Arial, sans-serif"
#define SOURCE_RECIPROCAL                                                                          \
    "Source: US Census Bureau 2024 goods trade; EO 14257 Annex I (2 April 2025); computed by rta"
#define SOURCE_BALANCE                                                                             \
    "Source: US Census Bureau 2024 goods trade and imports for consumption by HS10 (calculated "   \
    "duty); HS 2022 sections; computed by rta"

/* Appends s XML-escaped, cut to at most max_bytes (at a UTF-8 character
 * boundary, with an ellipsis) when max_bytes > 0. */
static int put_text(rta__buf *b, const char *s, size_t max_bytes)
{
    size_t n = strlen(s);
    int cut = 0;
    if (max_bytes > 0 && n > max_bytes) {
        n = max_bytes;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        while (n > 0 && s[n - 1] == ' ')
            n--;
        cut = 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\'':
            e = "&apos;";
            break;
        default:
            break;
        }
        /* control characters are not allowed in XML 1.0 text */
        if (e == NULL && (unsigned char)s[i] < 0x20)
            e = " ";
        if (e ? rta__buf_puts(b, e) != 0 : rta__buf_append(b, &s[i], 1) != 0)
            return -1;
    }
    return cut ? rta__buf_puts(b, "\xE2\x80\xA6") : 0;
}

/* <text x y [attrs]>escaped</text> */
static int text_el(rta__buf *b, double x, double y, const char *attrs, const char *s,
                   size_t max_bytes)
{
    if (rta__buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, attrs[0] ? " " : "", attrs) !=
            0 ||
        put_text(b, s, max_bytes) != 0 || rta__buf_puts(b, "</text>\n") != 0)
        return -1;
    return 0;
}

static int header(rta__buf *b, int w, int h, const char *title)
{
    if (rta__buf_printf(b,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
                        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"" FONT "\">\n<title>",
                        w, h, w, h) != 0 ||
        put_text(b, title, 0) != 0 ||
        rta__buf_printf(b,
                        "</title>\n<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" "
                        "height=\"%d\" fill=\"#ffffff\"/>\n",
                        w, h) != 0)
        return -1;
    return 0;
}

static rta_status finish(rta__buf *b, int failed, char **out, rta_error *err, const char *what)
{
    if (failed || rta__buf_puts(b, "</svg>\n") != 0) {
        rta__buf_free(b);
        return rta__error(err, RTA_ERR_NOMEM, what, 0, 0, "out of memory");
    }
    *out = b->data;
    return RTA_OK;
}

/* ------------------------------------------------------- reciprocal chart */

typedef struct ranked {
    const rta_reciprocal_result *r;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const rta_reciprocal_result *x = ((const ranked *)a)->r, *y = ((const ranked *)b)->r;
    if (x->applied_pct != y->applied_pct)
        return x->applied_pct > y->applied_pct ? -1 : 1;
    if (x->published_pct != y->published_pct)
        return x->published_pct > y->published_pct ? -1 : 1;
    return strcmp(x->partner->name, y->partner->name);
}

rta_status rta_reciprocal_svg(const rta_reciprocal_result *results, long n,
                              const rta_reciprocal_params *p, char **out, rta_error *err)
{
    *out = NULL;
    if (n <= 0 || n > 100000)
        return rta__error(err, RTA_ERR_INVALID, "<chart>", 0, 0, "no partners to chart");
    ranked *order = malloc((size_t)n * sizeof *order);
    if (order == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<chart>", 0, 0, "out of memory");
    int maxv = 50, unreliable = 0, published = 0;
    for (long i = 0; i < n; i++) {
        order[i].r = &results[i];
        if (results[i].applied_pct > maxv)
            maxv = results[i].applied_pct;
        if (results[i].published_pct > maxv)
            maxv = results[i].published_pct;
        unreliable += !results[i].partner->reliable;
        published += results[i].published_pct >= 0;
    }
    qsort(order, (size_t)n, sizeof *order, cmp_ranked);
    int scale = (maxv + 9) / 10 * 10;
    const double x0 = 260, pw = 640, top = 118, row = 22, bar = 14;
    const int w = 1100;
    int h = (int)(top + row * (double)n + 110 + (unreliable ? 18 : 0));
    rta__buf b = {0};
    int bad = header(&b, w, h, "Reciprocal tariff by partner: rta's formula and EO 14257 Annex I");
    char line[512];
    bad |= text_el(&b, 24, 34, "font-size=\"22\" font-weight=\"bold\" fill=\"#1a202c\"",
                   "Reciprocal tariff by partner: the USTR formula recomputed by rta, and "
                   "Annex I as published",
                   0);
    snprintf(line, sizeof line,
             "applied = max(%d%%, %s(%g \xC3\x97 (m \xE2\x88\x92 x) / (\xCE\xB5 \xC2\xB7 "
             "\xCF\x86 \xC2\xB7 m))), \xCE\xB5 = %g, \xCF\x86 = %g; m, x = US imports from and "
             "exports to the partner, 2024",
             p->floor_pct, rta_rounding_name(p->rounding), p->halve, p->epsilon, p->phi);
    bad |= text_el(&b, 24, 58, "font-size=\"14\" fill=\"#2d3748\"", line, 0);
    /* legend */
    bad |= rta__buf_printf(&b,
                           "<rect x=\"24\" y=\"76\" width=\"28\" height=\"%.0f\" "
                           "fill=\"#2b6cb0\"/>\n",
                           bar) != 0;
    bad |= text_el(&b, 58, 88, "font-size=\"13\" fill=\"#1a202c\"",
                   "rate computed by rta (applied, %)", 0);
    if (published) {
        bad |= rta__buf_puts(&b, "<rect x=\"300\" y=\"73\" width=\"4\" height=\"20\" "
                                 "fill=\"#1a202c\"/>\n") != 0;
        bad |= text_el(&b, 312, 88, "font-size=\"13\" fill=\"#1a202c\"",
                       "rate published in EO 14257 Annex I (2 April 2025)", 0);
        bad |= text_el(&b, 660, 88, "font-size=\"13\" fill=\"#c53030\" font-weight=\"bold\"",
                       "red label: rta differs from the published rate", 0);
    }
    /* grid and axis */
    double ybottom = top + row * (double)n;
    for (int t = 0; t <= scale; t += 10) {
        double x = x0 + pw * t / scale;
        char lab[16];
        snprintf(lab, sizeof lab, "%d", t);
        bad |= rta__buf_printf(&b,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"%s\" stroke-width=\"1\"/>\n",
                               x, top - 6, x, ybottom, t == 0 ? "#4a5568" : "#e2e8f0") != 0;
        bad |= text_el(&b, x, ybottom + 18,
                       "font-size=\"12\" text-anchor=\"middle\" "
                       "fill=\"#4a5568\"",
                       lab, 0);
    }
    bad |= text_el(&b, x0 + pw / 2, ybottom + 40,
                   "font-size=\"13\" text-anchor=\"middle\" fill=\"#1a202c\"",
                   "Reciprocal tariff rate (%), ranked by the rate rta computes", 0);
    for (long i = 0; i < n && !bad; i++) {
        const rta_reciprocal_result *r = order[i].r;
        double y = top + row * (double)i;
        double bw = pw * r->applied_pct / scale;
        char name[160];
        snprintf(name, sizeof name, "%s%s", r->partner->name,
                 r->partner->reliable ? "" : " \xE2\x80\xA0");
        bad |= text_el(&b, x0 - 8, y + bar - 2,
                       "font-size=\"13\" text-anchor=\"end\" fill=\"#1a202c\"", name, 40);
        bad |=
            rta__buf_printf(&b,
                            "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                            "height=\"%.0f\" fill=\"%s\"/>\n",
                            x0, y + 1, bw, bar, r->partner->reliable ? "#2b6cb0" : "#a0aec0") != 0;
        double xend = x0 + bw;
        if (r->published_pct >= 0) {
            double xm = x0 + pw * r->published_pct / scale;
            bad |= rta__buf_printf(&b,
                                   "<rect class=\"published\" x=\"%.1f\" y=\"%.1f\" width=\"4\" "
                                   "height=\"20\" fill=\"#1a202c\"/>\n",
                                   xm - 2, y - 2) != 0;
            if (xm + 2 > xend)
                xend = xm + 2;
        }
        int differs = r->match == 0;
        if (r->published_pct < 0)
            snprintf(line, sizeof line, "%d%% (computed %.1f%%)", r->applied_pct, r->computed_pct);
        else if (differs)
            snprintf(line, sizeof line, "%d%%, published %d%% (computed %.1f%%)", r->applied_pct,
                     r->published_pct, r->computed_pct);
        else
            snprintf(line, sizeof line, "%d%% (computed %.1f%%)", r->applied_pct, r->computed_pct);
        bad |= text_el(&b, xend + 6, y + bar - 2,
                       differs ? "font-size=\"12\" fill=\"#c53030\" font-weight=\"bold\""
                               : "font-size=\"12\" fill=\"#2d3748\"",
                       line, 0);
    }
    double yf = ybottom + 66;
    if (unreliable) {
        bad |= text_el(&b, 24, yf, "font-size=\"12\" fill=\"#4a5568\"",
                       "\xE2\x80\xA0 grey bar: the source flags this partner's 2024 figures "
                       "unreliable; its rate cannot be reproduced from them",
                       0);
        yf += 18;
    }
    bad |= text_el(&b, 24, yf, "font-size=\"12\" fill=\"#4a5568\"", SOURCE_RECIPROCAL, 0);
    free(order);
    return finish(&b, bad, out, err, "<chart>");
}

/* ------------------------------------------------------ composition chart */

/* "$16.2 bn", "$812.4 m", "$35,000" */
static void money_label(int64_t usd, char *buf, size_t size)
{
    if (usd >= 1000000000)
        snprintf(buf, size, "$%.1f bn", (double)usd / 1e9);
    else if (usd >= 1000000)
        snprintf(buf, size, "$%.1f m", (double)usd / 1e6);
    else
        snprintf(buf, size, "$%lld", (long long)usd);
}

/* 7272 -> "7,272" */
static const char *thousands(long v, char *buf, size_t size)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%ld", v < 0 ? -v : v), o = 0;
    if (v < 0 && size > 1)
        buf[o++] = '-';
    for (int i = 0; i < n && (size_t)o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

/* A tick step of 1, 2 or 5 x 10^k dollars giving at most 8 ticks up to maxv. */
static double tick_step(double maxv)
{
    double step = 1;
    while (maxv / step > 8) {
        if (maxv / (step * 2) <= 8)
            return step * 2;
        if (maxv / (step * 5) <= 8)
            return step * 5;
        step *= 10;
    }
    return step;
}

rta_status rta_composition_svg(const rta_composition *c, const rta_partner *partner, long top,
                               char **out, rta_error *err)
{
    *out = NULL;
    long shown = top > 0 && top < c->nrows ? top : c->nrows;
    int other = shown < c->nrows;
    int64_t other_usd = 0, other_duty = 0;
    for (long i = shown; i < c->nrows; i++) {
        other_usd += c->rows[i].imports_usd;
        other_duty += c->rows[i].duty_usd;
    }
    long nbars = shown + other;
    int64_t maxv = other_usd;
    for (long i = 0; i < shown; i++)
        if (c->rows[i].imports_usd > maxv)
            maxv = c->rows[i].imports_usd;
    double step = tick_step(maxv > 0 ? (double)maxv : 1);
    double scale = ceil((double)(maxv > 0 ? maxv : 1) / step) * step;
    const double x0 = 40, pw = 720, top_y = 150, row = 46, bar = 18;
    const int w = 1100;
    int h = (int)(top_y + row * (double)nbars + 120);
    rta__buf b = {0};
    char line[768], a[32], d[32], e[32], bal[32];
    snprintf(line, sizeof line, "What the US imports from %s, 2024, by %s", partner->name,
             c->by == RTA_BY_SECTION ? "HS section" : rta_by_name(c->by));
    int bad = header(&b, w, h, line);
    bad |= text_el(&b, 24, 34, "font-size=\"22\" font-weight=\"bold\" fill=\"#1a202c\"", line, 0);
    money_label(c->total_imports_usd, a, sizeof a);
    money_label(c->total_duty_usd, d, sizeof d);
    snprintf(line, sizeof line,
             "US imports for consumption %s in %s HS10 lines; duty calculated by Census %s "
             "(%.2f%% of value)",
             a, thousands(c->hs10_lines, e, sizeof e), d, (double)c->avg_duty_millionths / 10000.0);
    bad |= text_el(&b, 24, 58, "font-size=\"14\" fill=\"#2d3748\"", line, 0);
    rta_balance bl;
    rta_balance_of(partner, &bl);
    money_label(bl.exports_cmusd * 10000, e, sizeof e);
    money_label(bl.imports_cmusd * 10000, a, sizeof a);
    money_label((bl.balance_cmusd < 0 ? -bl.balance_cmusd : bl.balance_cmusd) * 10000, bal,
                sizeof bal);
    snprintf(line, sizeof line,
             "Goods balance (customs basis): US exports %s, US imports %s, balance %s%s%s", e, a,
             bl.balance_cmusd < 0 ? "\xE2\x88\x92" : "", bal,
             bl.reliable ? "" : " (figures flagged unreliable by the source)");
    bad |= text_el(&b, 24, 80, "font-size=\"14\" fill=\"#2d3748\"", line, 0);
    snprintf(line, sizeof line,
             "Export-side product detail is not available: US exports to %s are known only as a "
             "total.",
             partner->name);
    bad |= text_el(&b, 24, 102, "font-size=\"14\" font-style=\"italic\" fill=\"#c05621\"", line, 0);
    double ybottom = top_y + row * (double)nbars;
    for (double t = 0; t <= scale + step / 2; t += step) {
        double x = x0 + pw * t / scale;
        char lab[32];
        snprintf(lab, sizeof lab, "%g", t / 1e9);
        bad |= rta__buf_printf(&b,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"%s\" stroke-width=\"1\"/>\n",
                               x, top_y - 24, x, ybottom, t == 0 ? "#4a5568" : "#e2e8f0") != 0;
        bad |= text_el(&b, x, ybottom + 18,
                       "font-size=\"12\" text-anchor=\"middle\" fill=\"#4a5568\"", lab, 0);
    }
    bad |= text_el(&b, x0 + pw / 2, ybottom + 40,
                   "font-size=\"13\" text-anchor=\"middle\" fill=\"#1a202c\"",
                   "US imports for consumption, 2024 (US$ billion)", 0);
    for (long i = 0; i < nbars && !bad; i++) {
        double y = top_y + row * (double)i;
        int64_t v, duty;
        char label[400];
        int64_t share;
        if (i < shown) {
            const rta_composition_row *r = &c->rows[i];
            v = r->imports_usd;
            duty = r->duty_usd;
            share = r->share_millionths;
            if (strcmp(r->key, "-") == 0)
                snprintf(label, sizeof label, "(%s)", r->description);
            else
                snprintf(label, sizeof label, "%s  %s", r->key, r->description);
        } else {
            v = other_usd;
            duty = other_duty;
            share = c->total_imports_usd > 0
                        ? (other_usd * 1000000 + c->total_imports_usd / 2) / c->total_imports_usd
                        : 0;
            snprintf(label, sizeof label, "all other (%ld %s)", c->nrows - shown,
                     c->by == RTA_BY_SECTION ? "sections" : "codes");
        }
        bad |= text_el(&b, x0 + 6, y - 6, "font-size=\"13\" fill=\"#1a202c\"", label, 130);
        double bw = pw * (double)v / scale;
        bad |= rta__buf_printf(&b,
                               "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                               "height=\"%.0f\" fill=\"%s\"/>\n",
                               x0, y, bw, bar, i < shown ? "#2b6cb0" : "#a0aec0") != 0;
        money_label(v, a, sizeof a);
        snprintf(line, sizeof line, "%s \xC2\xB7 %.1f%% \xC2\xB7 duty %.2f%%", a,
                 (double)share / 10000.0, v > 0 ? 100.0 * (double)duty / (double)v : 0.0);
        bad |= text_el(&b, x0 + bw + 6, y + bar - 4, "font-size=\"12\" fill=\"#2d3748\"", line, 0);
    }
    bad |= text_el(&b, 24, ybottom + 66, "font-size=\"12\" fill=\"#4a5568\"",
                   "Imports for consumption (HS10 detail) differ from the customs-basis general "
                   "imports of the balance line; shares are of the HS10 total.",
                   0);
    bad |= text_el(&b, 24, ybottom + 84, "font-size=\"12\" fill=\"#4a5568\"", SOURCE_BALANCE, 0);
    return finish(&b, bad, out, err, "<chart>");
}

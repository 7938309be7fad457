/*
 * list_export.c - a negotiating list exported the way delegations exchange it:
 * code, description, base rate, offered rate, staging (issue 6, item 6).
 *
 * Why: a negotiator reads an offer against the rate it changes. The base rate
 * is only printed where one number is true for the whole scope: an HTS line
 * (8 or 10 digits) in the revision in force on the date asked, or an AHTN
 * 8-digit line of the bundled EVFTA base-rate schedule. A heading, a
 * subheading or a range covers lines with different rates, so its base is
 * left empty and base_source says why; nothing is averaged or guessed here
 * (the evaluation, rta/sim.h, states its own averaging).
 *
 * Arithmetic is exact on integers: rates are percent * 1e6 (as in
 * rta/lines.h); a cut or a Swiss formula that does not end within 6 decimals
 * of a percent is rounded half up to the millionth of a percent.
 */
#include "csv.h"
#include "internal.h"
#include "measure_internal.h"
#include "rta/hts.h"
#include "rta/negotiation.h"
#include "rta/rate.h"
#include "vn_schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VN_SOURCE "EVFTA Annex 2-A base rate (AHTN 2012, 2012-era MFN)"
#define PCT       1000000        /* percent * 1e6 per percent */
#define MAX_BASE  (1000LL * PCT) /* bases above 1000% are not computed on */

/* ---- numbers ---- */

/* percent * 1e6 as "16.5%", "0%", "8.123077%". */
static void fmt_pct(int64_t m, char *buf, size_t size)
{
    rta_line tmp = {.value_millionths = m};
    char v[32];
    snprintf(buf, size, "%s%%", rta_line_value_format(&tmp, v, sizeof v));
}

/* round(num / den) half up, num >= 0, den > 0 */
static int64_t div_round(int64_t num, int64_t den)
{
    return (num / den) + ((num % den) * 2 >= den ? 1 : 0);
}

/* The offered rate of a line on an ad valorem base (percent * 1e6). */
static int64_t offered_on(const rta_line *l, int64_t base)
{
    int64_t v = l->value_millionths;
    switch (l->treatment) {
    case RTA_TREAT_RATE:
        return v;
    case RTA_TREAT_CAP:
        return base < v ? base : v;
    case RTA_TREAT_CUT: /* base * (100 - v) / 100, both in percent * 1e6 */
        return div_round(base * (100LL * PCT - v), 100LL * PCT);
    case RTA_TREAT_SWISS: /* a * base / (a + base), a and base in percent * 1e6 */
        return base + v == 0 ? 0 : div_round(v * base, v + base);
    case RTA_TREAT_EXEMPT:
        break;
    }
    return base;
}

/* ---- one row ---- */

typedef struct row_out {
    char base[160];
    char offered[64];
    char source[160];
    const char *description; /* borrowed: the list's, else the HTS line's */
} row_out;

static void us_row(const rta_snapshot *snap, int rev, const char *rev_name, const rta_line *l,
                   row_out *o, int64_t *base, int *has_base)
{
    size_t n = strlen(l->code);
    if (l->code_to[0] || (n != 8 && n != 10)) {
        snprintf(o->source, sizeof o->source, "scope covers several lines");
        return;
    }
    rta_code code;
    rta_hts_line h;
    rta_error e;
    if (rta_code_parse(l->code, &code, &e) != RTA_OK ||
        rta_hts_find(snap, rev, &code, &h, &e) != RTA_OK) {
        snprintf(o->source, sizeof o->source, "not a line of HTS %s", rev_name);
        return;
    }
    if (!l->description || !l->description[0])
        o->description = h.description ? h.description : "";
    const char *text = h.rate[RTA_COL_GENERAL] ? h.rate[RTA_COL_GENERAL] : "";
    if (!text[0]) {
        snprintf(o->source, sizeof o->source, "no General rate in HTS %s", rev_name);
        return;
    }
    snprintf(o->base, sizeof o->base, "%s", text);
    snprintf(o->source, sizeof o->source, "HTS %s General", rev_name);
    rta_rate r;
    if (rta_rate_parse(text, strlen(text), &r, &e) != RTA_OK)
        return;
    if (r.kind == RTA_RATE_FREE) {
        *base = 0;
        *has_base = 1;
    } else if (r.kind == RTA_RATE_AD_VALOREM && r.nparts == 1 && r.parts[0].exact_den == 1 &&
               r.parts[0].sign > 0 && r.parts[0].basis[0] == '\0' &&
               r.parts[0].ad_valorem_millionths >= 0 &&
               r.parts[0].ad_valorem_millionths <= MAX_BASE / 100) {
        *base = r.parts[0].ad_valorem_millionths * 100; /* millionths of one -> percent * 1e6 */
        *has_base = 1;
    }
}

static void vn_row_of(const rta__vn_schedule *t, const rta_line *l, row_out *o, int64_t *base,
                      int *has_base)
{
    size_t n = strlen(l->code);
    if (l->code_to[0] || n < 8) {
        snprintf(o->source, sizeof o->source, "scope covers several lines");
        return;
    }
    if (n != 8) {
        snprintf(o->source, sizeof o->source, "not an AHTN 8-digit code");
        return;
    }
    const rta__vn_row *r = rta__vn_schedule_find(t, l->code);
    if (r == NULL) {
        snprintf(o->source, sizeof o->source, "not in the EVFTA base-rate schedule (AHTN 2012)");
        return;
    }
    if (r->conflict) {
        snprintf(o->source, sizeof o->source,
                 "repeated in the EVFTA schedule with different base rates");
        return;
    }
    if (!r->has_rate) {
        snprintf(o->source, sizeof o->source, "no base rate in the EVFTA schedule (CKD line)");
        return;
    }
    fmt_pct(r->rate_pct, o->base, sizeof o->base);
    snprintf(o->source, sizeof o->source, "%s", VN_SOURCE);
    *base = r->rate_pct;
    *has_base = 1;
}

static int put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && !(s[0] && s[strlen(s) - 1] == ' '))
        return fputs(s, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (; *s; s++)
        if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}

/* The date of a round, 0 if not recorded. */
static rta_day round_date(rta_store *store, const rta_neg_list *l)
{
    rta_neg_round *r = NULL;
    size_t n = 0;
    rta_day d = 0;
    rta_error e;
    if (rta_negotiation_rounds(store, l->negotiation, &r, &n, &e) != RTA_OK)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].number == l->round)
            d = r[i].date;
    free(r);
    return d;
}

rta_status rta_negotiation_list_export(rta_store *store, const rta_snapshot *snap,
                                       const char *data_dir, const char *ref, const char *viewer,
                                       rta_day date, FILE *out, rta_list_export_info *info,
                                       rta_error *err)
{
    if (!store || !ref || !out)
        return rta__error(err, RTA_ERR_INVALID, "<export>", 0, 0, "no store, list or output");
    rta_list_export_info inf;
    memset(&inf, 0, sizeof inf);
    rta_neg_list l;
    rta_lines lines = {0};
    rta__vn_schedule vn = {0};
    rta_status st = rta_negotiation_list_get(store, ref, viewer, &l, err);
    if (st != RTA_OK)
        return st;
    if ((st = rta_negotiation_list_lines(store, ref, viewer, &lines, inf.market, inf.partner,
                                         err)) != RTA_OK)
        return st;
    inf.date = date;
    if (inf.date == 0) {
        inf.date = round_date(store, &l);
        inf.date_is_round = inf.date != 0;
    }
    if (inf.date == 0)
        inf.date = rta_date_today();
    int us = strcmp(inf.market, "US") == 0, vnm = strcmp(inf.market, "VN") == 0;
    int rev = -1;
    rta_revision rv = {0};
    if (us) {
        if (!snap) {
            st = rta__error(err, RTA_ERR_INVALID, "<export>", 0, 0,
                            "a US-market list needs the HTS snapshot");
            goto done;
        }
        rev = rta_snapshot_revision_on(snap, inf.date);
        if (rev >= 0 && rta_snapshot_revision(snap, rev, &rv))
            snprintf(inf.revision, sizeof inf.revision, "%s", rv.name);
        else
            rev = -1;
    } else if (vnm) {
        char dir[4096];
        if (data_dir && data_dir[0])
            snprintf(dir, sizeof dir, "%s", data_dir);
        else if ((st = rta_store_meta(store, "data_dir", dir, sizeof dir, err)) != RTA_OK)
            goto done;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, RTA__VN_SCHEDULE_FILE);
        if ((st = rta__vn_schedule_load(path, &vn, err)) != RTA_OK)
            goto done;
    }
    if (fputs("code,description,base_rate,offered_rate,staging_years,treatment,value,"
              "base_source\n",
              out) < 0) {
        st = rta__error(err, RTA_ERR_IO, "<output>", 1, 0, "write failed");
        goto done;
    }
    for (size_t i = 0; i < lines.count; i++) {
        const rta_line *x = &lines.items[i];
        row_out o;
        memset(&o, 0, sizeof o);
        o.description = x->description ? x->description : "";
        int64_t base = 0;
        int has_base = 0;
        if (us && rev < 0)
            snprintf(o.source, sizeof o.source, "no HTS revision in force on that date");
        else if (us)
            us_row(snap, rev, rv.name, x, &o, &base, &has_base);
        else if (vnm)
            vn_row_of(&vn, x, &o, &base, &has_base);
        else
            snprintf(o.source, sizeof o.source, "no base-rate schedule bundled for market %s",
                     inf.market);
        if (x->treatment == RTA_TREAT_EXEMPT)
            snprintf(o.offered, sizeof o.offered, "base less the additional measures");
        else if (x->treatment == RTA_TREAT_RATE || has_base)
            fmt_pct(offered_on(x, base), o.offered, sizeof o.offered);
        char scope[24], value[32];
        rta_line_scope_format(x, scope, sizeof scope);
        if (x->treatment == RTA_TREAT_EXEMPT && x->value_millionths == 0)
            value[0] = '\0';
        else
            rta_line_value_format(x, value, sizeof value);
        if (fprintf(out, "%s,", scope) < 0 || put_field(out, o.description) != 0 ||
            fputc(',', out) == EOF || put_field(out, o.base) != 0 ||
            fprintf(out, ",%s,%d,%s,%s,", o.offered, x->staging_years,
                    rta_treatment_name(x->treatment), value) < 0 ||
            put_field(out, o.source) != 0 || fputc('\n', out) == EOF) {
            st = rta__error(err, RTA_ERR_IO, "<output>", (long)i + 2, 0, "write failed");
            goto done;
        }
        inf.lines++;
        inf.with_base += has_base || o.base[0];
    }
done:
    rta__vn_schedule_free(&vn);
    rta_lines_free(&lines);
    if (info)
        *info = inf;
    return st;
}

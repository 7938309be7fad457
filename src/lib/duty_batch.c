/*
 * duty_batch.c - the duty engine over streams of entries, and over dates.
 *
 * Why: brokers run millions of entries; a timeline asks the same entry on
 * every date. Both are loops over rta_duty_compute: the batch streams one
 * CSV record at a time through a fixed buffer (memory does not grow with the
 * input) and reports a bad row with its line and field instead of skipping it
 * silently or writing a zero.
 */
#include "rta/duty.h"

#include "csv.h"
#include "duty_internal.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- timeline ---- */

static void stack_of(const rta_duty_result *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->nlines && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s %s", i ? " + " : "", r->lines[i].heading,
                         r->lines[i].rate);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

rta_status rta_duty_timeline(const rta_duty *duty, const rta_entry *tmpl, rta_day from, rta_day to,
                             const rta_duty_options *options, rta_timeline_step *steps, int max,
                             int *n, rta_error *err)
{
    *n = 0;
    if (to < from)
        return rta__error(err, RTA_ERR_INVALID, "<timeline>", 0, 0, "--to is before --from");
    if (to - from > 20 * 366)
        return rta__error(err, RTA_ERR_RANGE, "<timeline>", 0, 0, "at most 20 years at a time");
    rta_duty_options o = options ? *options : (rta_duty_options){0, 0};
    o.explain = 0;
    rta_duty_result *r = malloc(sizeof *r);
    if (r == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<timeline>", 0, 0, "out of memory");
    char stack[320];
    for (rta_day day = from; day <= to; day++) {
        rta_entry e = *tmpl;
        e.date = day;
        rta_error cerr;
        int64_t cents = 0;
        if (rta_duty_compute(duty, &e, &o, r, &cerr) == RTA_OK) {
            stack_of(r, stack, sizeof stack);
            cents = r->total_duty_cents;
        } else {
            snprintf(stack, sizeof stack, "error: %.300s", cerr.message);
        }
        rta_timeline_step *last = *n > 0 && *n <= max ? &steps[*n - 1] : NULL;
        if (last && strcmp(last->stack, stack) == 0 && last->duty_cents == cents) {
            last->to = day;
            continue;
        }
        if (*n < max) {
            rta_timeline_step *s = &steps[*n];
            s->from = s->to = day;
            s->duty_cents = cents;
            snprintf(s->stack, sizeof s->stack, "%s", stack);
        }
        (*n)++;
    }
    free(r);
    return RTA_OK;
}

/* ---- batch ---- */

static const char *const duty_header =
    "entry_id,total_duty,mfn,s232,s301,ieepa_recip,ieepa_fentanyl,s122,other,mpf,hmf,error\n";
static const char *const refund_header =
    "entry_id,date,origin,hts,ieepa_recip,ieepa_fentanyl,refundable,error\n";

/* Reads one CSV record (possibly several physical lines when a quoted field
 * holds a newline) into buf. Returns 0 at end of input, 1 otherwise. */
static int read_record(FILE *in, rta__buf *buf, long *lines)
{
    buf->len = 0;
    int quotes = 0, got = 0;
    for (;;) {
        if (buf->len + 2 > buf->cap && rta__buf_reserve(buf, 256) != 0)
            return -1;
        int c = getc_unlocked(in);
        if (c == EOF)
            break;
        got = 1;
        if (c == '"')
            quotes ^= 1;
        if (c == '\n') {
            (*lines)++;
            if (!quotes)
                break;
        }
        buf->data[buf->len++] = (char)c;
    }
    if (buf->data == NULL && rta__buf_reserve(buf, 1) != 0)
        return -1;
    buf->data[buf->len] = '\0';
    return got;
}

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

enum { F_ID, F_DATE, F_HTS, F_ORIGIN, F_VALUE, F_REQUIRED };
static const char *const field_names[] = {
    "entry_id", "date",   "hts",        "origin",  "value",        "qty1", "qty2",       "steel",
    "aluminum", "copper", "us_content", "program", "transshipped", "mode", "export_date"};
#define NFIELDS ((int)(sizeof field_names / sizeof field_names[0]))

rta_status rta_duty_batch(const rta_duty *duty, FILE *in, FILE *out,
                          const rta_duty_options *options, const rta_batch_options *b,
                          rta_batch_report *rep, rta_error *err)
{
    memset(rep, 0, sizeof *rep);
    const char *name = b && b->input ? b->input : "<input>";
    rta__buf rec = {0};
    rta__csv c;
    long lines = 0;
    int col[NFIELDS];
    rta_status st = RTA_OK;
    rta_duty_result *r = malloc(sizeof *r);
    rta__duty_cache *cache = rta__duty_cache_new();
    if (r == NULL || cache == NULL) {
        free(r);
        rta__duty_cache_free(cache);
        return rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    int got = read_record(in, &rec, &lines);
    if (got <= 0) {
        rta__duty_cache_free(cache);
        free(r);
        rta__buf_free(&rec);
        return rta__error(err, RTA_ERR_PARSE, name, 1, 0, "empty input: a header is required");
    }
    rta__csv_init(&c, rec.data, rec.len, name);
    int have;
    if ((st = rta__csv_next(&c, &have, err)) != RTA_OK)
        goto done;
    for (int i = 0; i < NFIELDS; i++) {
        col[i] = rta__csv_find(&c, field_names[i]);
        if (i < F_REQUIRED && col[i] < 0) {
            st = rta__error(err, RTA_ERR_PARSE, name, 1, 0,
                            "header has no column \"%s\" (required: entry_id,date,hts,origin,"
                            "value)",
                            field_names[i]);
            goto done;
        }
    }
    int ncols = c.nfields;
    rta__csv_free(&c);
    fputs(b && b->kind == RTA_BATCH_REFUND ? refund_header : duty_header, out);
    rta_duty_options o = options ? *options : (rta_duty_options){0, 0};
    o.explain = 0;
    for (;;) {
        long start = lines + 1;
        got = read_record(in, &rec, &lines);
        if (got < 0) {
            st = rta__error(err, RTA_ERR_NOMEM, name, start, 0, "out of memory");
            goto done;
        }
        if (got == 0)
            break;
        if (rec.len == 0 || (rec.len == 1 && rec.data[0] == '\r'))
            continue;
        rep->rows++;
        rta__csv_init(&c, rec.data, rec.len, name);
        rta_error rerr;
        rta_error_clear(&rerr);
        rta_status rs = rta__csv_next(&c, &have, &rerr);
        rta_entry e;
        rta_entry_init(&e);
        const char *id = "";
        if (rs == RTA_OK && c.nfields != ncols)
            rs = rta__error(&rerr, RTA_ERR_PARSE, name, start, 0, "row has %d fields, header %d",
                            c.nfields, ncols);
        if (rs == RTA_OK)
            id = c.fields[col[F_ID]];
        for (int i = 1; rs == RTA_OK && i < NFIELDS; i++) {
            if (col[i] < 0)
                continue;
            rs = rta_entry_set(&e, field_names[i], c.fields[col[i]], &rerr);
            if (rs != RTA_OK) {
                rerr.column = col[i] + 1;
                rerr.line = start;
            }
        }
        if (rs == RTA_OK)
            rs = rta_entry_check(&e, &rerr);
        if (rs == RTA_OK)
            rs = rta__duty_compute(duty, cache, &e, &o, r, &rerr);
        if (rs != RTA_OK) {
            snprintf(rerr.input, sizeof rerr.input, "%s", name);
            if (rerr.line == 0)
                rerr.line = start;
            rep->bad++;
            if (b && b->on_error)
                b->on_error(b->ctx, &rerr);
            if (!(b && b->skip_bad)) {
                /* an error row: the id and the message, no amounts (never a silent zero) */
                csv_field(out, id);
                fputs(b && b->kind == RTA_BATCH_REFUND ? ",,,,,,," : ",,,,,,,,,,,", out);
                csv_field(out, rerr.message);
                putc('\n', out);
            }
            rta__csv_free(&c);
            continue;
        }
        rep->ok++;
        rep->total_duty_cents += r->total_duty_cents;
        for (int a = 0; a < RTA_AUTH_COUNT; a++)
            rep->by_authority[a] += r->by_authority[a];
        char m[8][32];
        csv_field(out, id);
        if (b && b->kind == RTA_BATCH_REFUND) {
            int64_t refundable =
                r->by_authority[RTA_AUTH_IEEPA_RECIP] + r->by_authority[RTA_AUTH_IEEPA_FENTANYL];
            rep->refundable_cents += refundable;
            char dbuf[16];
            fprintf(out, ",%s,%s,%s,%s,%s,%s,\n", rta_date_format(e.date, dbuf, sizeof dbuf),
                    e.origin, e.hts.digits,
                    rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_RECIP], m[0], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_FENTANYL], m[1], 32),
                    rta_cents_format(refundable, m[2], 32));
        } else {
            int64_t mfn = r->by_authority[RTA_AUTH_MFN] + r->by_authority[RTA_AUTH_SPECIAL] +
                          r->by_authority[RTA_AUTH_COLUMN2];
            fprintf(out, ",%s,%s,%s,%s,%s,%s,%s,%s,",
                    rta_cents_format(r->total_duty_cents, m[0], 32),
                    rta_cents_format(mfn, m[1], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_S232], m[2], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_S301], m[3], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_RECIP], m[4], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_FENTANYL], m[5], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_S122], m[6], 32),
                    rta_cents_format(r->by_authority[RTA_AUTH_OTHER], m[7], 32));
            if (r->mpf_known)
                fputs(rta_cents_format(r->mpf_cents, m[0], 32), out);
            fprintf(out, ",%s,", rta_cents_format(r->hmf_cents, m[1], 32));
            if (!r->mpf_known)
                csv_field(out, r->fee_note);
            putc('\n', out);
        }
        rta__csv_free(&c);
        if (ferror(out)) {
            st = rta__error(err, RTA_ERR_IO, "<output>", 0, 0, "write error");
            goto done;
        }
    }
    if (ferror(in))
        st = rta__error(err, RTA_ERR_IO, name, lines, 0, "read error");
done:
    rta__csv_free(&c);
    rta__buf_free(&rec);
    rta__duty_cache_free(cache);
    free(r);
    return st;
}

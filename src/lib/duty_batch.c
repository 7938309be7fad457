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

#include <pthread.h>
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
typedef struct reader {
    FILE *in;
    char *line; /* getline's buffer, reused; freed by the batch */
    size_t cap;
    int quoted;      /* inside a quoted field */
    int field_start; /* the next character starts a field */
} reader;

static int read_record(reader *rd, rta__buf *buf, long *lines)
{
    /* whole lines at a time (getline finds the newline with memchr); a quoted
     * field with a newline keeps the record open until it closes */
    buf->len = 0;
    rd->quoted = 0;
    rd->field_start = 1;
    int quotes = 0, got = 0;
    for (;;) {
        ssize_t n = getline(&rd->line, &rd->cap, rd->in);
        if (n < 0)
            break;
        got = 1;
        (*lines)++;
        const char *line = rd->line;
        /* RFC 4180: a quote opens a field only at its start; inside, "" is a
         * quote and a lone " closes it. A quote in the middle of an unquoted
         * field (12" pipe) is a literal and never glues lines together. */
        for (ssize_t k = 0; k < n; k++) {
            char ch = line[k];
            if (rd->quoted) {
                if (ch == '"') {
                    if (k + 1 < n && line[k + 1] == '"')
                        k++;
                    else
                        rd->quoted = 0;
                }
            } else if (ch == '"' && rd->field_start) {
                rd->quoted = 1;
            }
            rd->field_start = !rd->quoted && (ch == ',' || ch == '\n');
        }
        quotes = rd->quoted;
        if (rta__buf_append(buf, line, (size_t)n) != 0)
            return -1;
        if (!quotes)
            break;
    }
    if (buf->data == NULL && rta__buf_reserve(buf, 1) != 0)
        return -1;
    if (buf->len > 0 && buf->data[buf->len - 1] == '\n')
        buf->len--;
    buf->data[buf->len] = '\0';
    return got;
}

/* Appends s to b as one CSV field (quoted when needed). */
static int csv_field(rta__buf *b, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL)
        return rta__buf_puts(b, s);
    int fail = rta__buf_append(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            fail |= rta__buf_append(b, "\"", 1);
        fail |= rta__buf_append(b, s, 1);
    }
    return fail | rta__buf_append(b, "\"", 1);
}

enum { F_ID, F_DATE, F_HTS, F_ORIGIN, F_VALUE, F_REQUIRED };
static const char *const field_names[] = {
    "entry_id", "date",   "hts",        "origin",  "value",        "qty1", "qty2",       "steel",
    "aluminum", "copper", "us_content", "program", "transshipped", "mode", "export_date"};
#define NFIELDS ((int)(sizeof field_names / sizeof field_names[0]))

/* Records are read in chunks; each worker (thread) computes a chunk into its
 * own output buffer with its own cache, and chunks are written in input
 * order, so the output is the same whatever the number of threads. */
#define CHUNK_RECORDS 4096

typedef struct worker {
    const rta_duty *duty;
    const rta_duty_options *o;
    const rta_batch_options *b;
    const char *name;
    const int *col;
    int ncols;
    rta__duty_cache *cache;
    rta_duty_result *r;
    rta__buf text; /* records, NUL-separated */
    size_t *off;
    long *line;
    int n, cap;
    rta__buf out;
    rta_error *errs;
    int nerrs, caperrs;
    rta_batch_report rep;
    int nomem;
} worker;

static void worker_error(worker *w, const rta_error *e)
{
    if (w->nerrs == w->caperrs) {
        int cap = w->caperrs ? w->caperrs * 2 : 16;
        rta_error *ne = realloc(w->errs, (size_t)cap * sizeof *ne);
        if (ne == NULL) {
            w->nomem = 1;
            return;
        }
        w->errs = ne;
        w->caperrs = cap;
    }
    w->errs[w->nerrs++] = *e;
}

/* Splits an unquoted record in place (the common case); returns the field
 * count, or -1 if the record has quotes or too many fields. */
static int split_plain(char *rec, size_t len, char **fields, int max)
{
    if (memchr(rec, '"', len) != NULL)
        return -1;
    int commas = 0;
    for (const char *q = memchr(rec, ',', len); q;
         q = memchr(q + 1, ',', (size_t)(rec + len - q - 1)))
        commas++;
    if (commas + 1 > max)
        return -1; /* leave the record intact for the reader's own error */
    if (len > 0 && rec[len - 1] == '\r')
        rec[--len] = '\0';
    int n = 0;
    char *p = rec;
    for (;;) {
        if (n == max)
            return -1;
        fields[n++] = p;
        char *comma = memchr(p, ',', (size_t)(rec + len - p));
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static void process_record(worker *w, char *rec, size_t len, long start)
{
    rta__buf *o = &w->out;
    rta_duty_result *r = w->r;
    int kind = w->b ? w->b->kind : RTA_BATCH_DUTY;
    rta__csv c;
    int have;
    w->rep.rows++;
    rta_error rerr;
    rta_error_clear(&rerr);
    rta_status rs = RTA_OK;
    /* fields: split in place when unquoted, else through the RFC 4180 reader */
    char *plain[RTA__CSV_MAX_FIELDS];
    int nplain = split_plain(rec, len, plain, RTA__CSV_MAX_FIELDS);
    rta__csv_init(&c, rec, len, w->name);
    if (nplain >= 0) {
        for (int i = 0; i < nplain; i++)
            c.fields[i] = plain[i];
        c.nfields = nplain;
    } else {
        rs = rta__csv_next(&c, &have, &rerr);
        if (rs != RTA_OK)
            rerr.line += start - 1; /* the reader counts from the record's first line */
        else if (c.p < c.end)
            rs = rta__error(&rerr, RTA_ERR_PARSE, w->name, start, 0,
                            "unexpected text after the record (a quoted field not closed "
                            "where it should be?)");
    }
    rta_entry e;
    rta_entry_init(&e);
    const char *id = "";
    if (rs == RTA_OK && c.nfields != w->ncols)
        rs = rta__error(&rerr, RTA_ERR_PARSE, w->name, start, 0, "row has %d fields, header %d",
                        c.nfields, w->ncols);
    if (rs == RTA_OK)
        id = c.fields[w->col[F_ID]];
    for (int i = 1; rs == RTA_OK && i < NFIELDS; i++) {
        if (w->col[i] < 0)
            continue;
        rs = rta_entry_set(&e, field_names[i], c.fields[w->col[i]], &rerr);
        if (rs != RTA_OK) {
            rerr.column = w->col[i] + 1;
            rerr.line = start;
        }
    }
    if (rs == RTA_OK)
        rs = rta_entry_check(&e, &rerr);
    if (rs == RTA_OK)
        rs = rta__duty_compute(w->duty, w->cache, &e, w->o, r, &rerr);
    if (rs != RTA_OK) {
        snprintf(rerr.input, sizeof rerr.input, "%s", w->name);
        if (rerr.line == 0)
            rerr.line = start;
        w->rep.bad++;
        worker_error(w, &rerr);
        if (!(w->b && w->b->skip_bad)) {
            /* an error row: the id and the message, no amounts (never a silent zero) */
            w->nomem |= csv_field(o, id);
            w->nomem |= rta__buf_puts(o, kind == RTA_BATCH_REFUND ? ",,,,,,," : ",,,,,,,,,,,");
            w->nomem |= csv_field(o, rerr.message);
            w->nomem |= rta__buf_append(o, "\n", 1);
        }
        rta__csv_free(&c);
        return;
    }
    w->rep.ok++;
    if (r->warning[0]) {
        w->rep.warned++;
        rta_error warn;
        rta__error(&warn, RTA_OK, w->name, start, 0, "warning: %s", r->warning);
        worker_error(w, &warn);
    }
    w->rep.total_duty_cents += r->total_duty_cents;
    for (int a = 0; a < RTA_AUTH_COUNT; a++)
        w->rep.by_authority[a] += r->by_authority[a];
    w->nomem |= csv_field(o, id);
    char m[3][32];
    if (kind == RTA_BATCH_REFUND) {
        int64_t refundable =
            r->by_authority[RTA_AUTH_IEEPA_RECIP] + r->by_authority[RTA_AUTH_IEEPA_FENTANYL];
        w->rep.refundable_cents += refundable;
        char dbuf[16];
        w->nomem |= rta__buf_printf(
            o, ",%s,%s,%s,%s,%s,%s,\n", rta_date_format(e.date, dbuf, sizeof dbuf), e.origin,
            e.hts.digits, rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_RECIP], m[0], 32),
            rta_cents_format(r->by_authority[RTA_AUTH_IEEPA_FENTANYL], m[1], 32),
            rta_cents_format(refundable, m[2], 32));
    } else {
        /* one row, formatted by hand: batches print millions of amounts */
        char row[512];
        size_t n = 0;
        int64_t cols[9] = {r->total_duty_cents,
                           r->by_authority[RTA_AUTH_MFN] + r->by_authority[RTA_AUTH_SPECIAL] +
                               r->by_authority[RTA_AUTH_COLUMN2],
                           r->by_authority[RTA_AUTH_S232],
                           r->by_authority[RTA_AUTH_S301],
                           r->by_authority[RTA_AUTH_IEEPA_RECIP],
                           r->by_authority[RTA_AUTH_IEEPA_FENTANYL],
                           r->by_authority[RTA_AUTH_S122],
                           r->by_authority[RTA_AUTH_OTHER],
                           r->mpf_cents};
        for (int k = 0; k < 9; k++) {
            row[n++] = ',';
            if (k == 8 && !r->mpf_known)
                continue; /* no MPF limits bundled for the date: empty, not zero */
            rta_cents_format(cols[k], row + n, sizeof row - n);
            n += strlen(row + n);
        }
        row[n++] = ',';
        rta_cents_format(r->hmf_cents, row + n, sizeof row - n);
        n += strlen(row + n);
        row[n++] = ',';
        row[n++] = '\n';
        w->nomem |= rta__buf_append(o, row, n);
        if (!r->mpf_known)
            w->rep.mpf_unknown++;
    }
    rta__csv_free(&c);
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->n; i++) {
        char *rec = w->text.data + w->off[i];
        process_record(w, rec, strlen(rec), w->line[i]);
    }
    return NULL;
}

/* Reads up to CHUNK_RECORDS records into w; returns 0 at end of input, -1 on no memory. */
static int fill_chunk(worker *w, reader *in, rta__buf *rec, long *lines)
{
    w->n = 0;
    w->text.len = 0;
    while (w->n < CHUNK_RECORDS) {
        long start = *lines + 1;
        int got = read_record(in, rec, lines);
        if (got < 0)
            return -1;
        if (got == 0)
            return w->n > 0;
        if (rec->len == 0 || (rec->len == 1 && rec->data[0] == '\r'))
            continue;
        if (w->n == w->cap) {
            int cap = w->cap ? w->cap * 2 : 256;
            size_t *no = realloc(w->off, (size_t)cap * sizeof *no);
            if (no == NULL)
                return -1;
            w->off = no;
            long *nl = realloc(w->line, (size_t)cap * sizeof *nl);
            if (nl == NULL)
                return -1;
            w->line = nl;
            w->cap = cap;
        }
        w->off[w->n] = w->text.len;
        w->line[w->n] = start;
        if (rta__buf_append(&w->text, rec->data, rec->len + 1) != 0) /* with its NUL */
            return -1;
        w->n++;
    }
    return 1;
}

rta_status rta_duty_batch(const rta_duty *duty, FILE *in, FILE *out,
                          const rta_duty_options *options, const rta_batch_options *b,
                          rta_batch_report *rep, rta_error *err)
{
    memset(rep, 0, sizeof *rep);
    const char *name = b && b->input ? b->input : "<input>";
    int nthreads = b && b->threads > 1 ? (b->threads > 64 ? 64 : b->threads) : 1;
    rta__buf rec = {0};
    rta__csv c;
    memset(&c, 0, sizeof c);
    long lines = 0;
    int col[NFIELDS];
    rta_status st = RTA_OK;
    rta_duty_options o = options ? *options : (rta_duty_options){0, 0};
    o.explain = 0;
    worker *w = calloc((size_t)nthreads, sizeof *w);
    if (w == NULL)
        return rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
    reader rd = {in, NULL, 0, 0, 1};
    int got = read_record(&rd, &rec, &lines);
    if (got <= 0) {
        st = rta__error(err, RTA_ERR_PARSE, name, 1, 0, "empty input: a header is required");
        goto done;
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
    for (int t = 0; t < nthreads; t++) {
        w[t].duty = duty;
        w[t].o = &o;
        w[t].b = b;
        w[t].name = name;
        w[t].col = col;
        w[t].ncols = c.nfields;
        w[t].cache = rta__duty_cache_new();
        w[t].r = malloc(sizeof *w[t].r);
        if (w[t].cache == NULL || w[t].r == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
            goto done;
        }
    }
    fputs(b && b->kind == RTA_BATCH_REFUND ? refund_header : duty_header, out);
    for (int more = 1; more;) {
        int used = 0;
        for (; used < nthreads; used++) {
            int f = fill_chunk(&w[used], &rd, &rec, &lines);
            if (f < 0) {
                st = rta__error(err, RTA_ERR_NOMEM, name, lines, 0, "out of memory");
                goto done;
            }
            if (f == 0) {
                more = 0;
                break;
            }
            if (w[used].n < CHUNK_RECORDS) {
                used++;
                more = 0;
                break;
            }
        }
        /* compute: chunk 0 on this thread, the others on their own */
        pthread_t tid[64];
        int started[64] = {0};
        for (int t = 1; t < used; t++)
            started[t] = pthread_create(&tid[t], NULL, worker_run, &w[t]) == 0;
        worker_run(&w[0]);
        for (int t = 1; t < used; t++) {
            if (started[t])
                pthread_join(tid[t], NULL);
            else
                worker_run(&w[t]); /* could not start a thread: do it here */
        }
        /* report and write in input order */
        for (int t = 0; t < used; t++) {
            if (w[t].nomem) {
                st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
                goto done;
            }
            for (int k = 0; k < w[t].nerrs; k++)
                if (b && b->on_error)
                    b->on_error(b->ctx, &w[t].errs[k]);
            w[t].nerrs = 0;
            if (w[t].out.len && fwrite(w[t].out.data, 1, w[t].out.len, out) != w[t].out.len) {
                st = rta__error(err, RTA_ERR_IO, "<output>", 0, 0, "write error");
                goto done;
            }
            w[t].out.len = 0;
        }
    }
    if (ferror(in))
        st = rta__error(err, RTA_ERR_IO, name, lines, 0, "read error");
done:
    for (int t = 0; t < nthreads; t++) {
        rep->rows += w[t].rep.rows;
        rep->ok += w[t].rep.ok;
        rep->bad += w[t].rep.bad;
        rep->total_duty_cents += w[t].rep.total_duty_cents;
        rep->refundable_cents += w[t].rep.refundable_cents;
        rep->mpf_unknown += w[t].rep.mpf_unknown;
        rep->warned += w[t].rep.warned;
        for (int a = 0; a < RTA_AUTH_COUNT; a++)
            rep->by_authority[a] += w[t].rep.by_authority[a];
        rta__duty_cache_free(w[t].cache);
        free(w[t].r);
        rta__buf_free(&w[t].text);
        rta__buf_free(&w[t].out);
        free(w[t].off);
        free(w[t].line);
        free(w[t].errs);
    }
    free(w);
    free(rd.line);
    rta__csv_free(&c);
    rta__buf_free(&rec);
    return st;
}

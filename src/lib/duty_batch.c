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
#include "measure_internal.h"

#include <pthread.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The input is read in blocks of whole records: the main thread reads a
 * block and cuts it after its last complete record (RFC 4180: a newline
 * inside a quoted field does not end a record); the rest starts the next
 * block. Each worker splits, parses, computes and formats its block's records
 * into its own output; blocks are written in input order, so the output is
 * the same whatever the number of threads, and memory is a few blocks. */
size_t rta__batch_block_bytes = 1u << 20; /* tests set it small to cross many blocks */
long rta__batch_slow_block = -1;          /* tests: this block waits before its turn */
_Atomic long rta__batch_parked;           /* blocks parked (finished out of turn) */
#define RECORD_LIMIT (64u << 20) /* a record longer than this is an error, not unbounded memory */

/* The end (one past its newline) of the record that starts at p, or 0 if it
 * does not end before n; *nl counts the newlines it holds. RFC 4180: a quote
 * opens a field only at its start; inside, "" is a quote and a lone " closes
 * it. A quote in the middle of an unquoted field (12" pipe) is a literal. */
static size_t record_end(const char *p, size_t n, long *nl)
{
    int quoted = 0, field_start = 1;
    long lines = 0;
    for (size_t k = 0; k < n; k++) {
        char ch = p[k];
        if (quoted) {
            if (ch == '"') {
                if (k + 1 < n && p[k + 1] == '"')
                    k++;
                else
                    quoted = 0;
            } else if (ch == '\n') {
                lines++;
            }
            field_start = 0;
            continue;
        }
        if (ch == '"' && field_start) {
            quoted = 1;
            field_start = 0;
            continue;
        }
        if (ch == '\n') {
            *nl = lines + 1;
            return k + 1;
        }
        field_start = ch == ',';
    }
    *nl = lines;
    return 0;
}

/* Levenshtein distance of two short names (more than 63 bytes: far). */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Where the last complete record of buf ends (0 if none). */
static size_t last_record_end(const char *buf, size_t n, int quotes)
{
    if (!quotes) {
        for (size_t k = n; k > 0; k--)
            if (buf[k - 1] == '\n')
                return k;
        return 0;
    }
    size_t at = 0, last = 0;
    while (at < n) {
        long nl;
        size_t e = record_end(buf + at, n - at, &nl);
        if (e == 0)
            break;
        at += e;
        last = at;
    }
    return last;
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
_Static_assert(sizeof field_names / sizeof field_names[0] <= 16, "worker.present holds them all");

typedef struct pending pending;
typedef struct pipeline pipeline;

typedef struct worker {
    /* each worker on its own cache lines: the counters below are written per
     * entry, and a neighbour's reads of a shared line would stall both cores */
    _Alignas(64) const rta_duty *duty;
    const rta_duty_options *o;
    const rta_batch_options *b;
    const char *name;
    const int *col;
    int ncols;
    int present[16]; /* the entry fields the header has (not entry_id), in field order */
    int npresent;
    rta_entry blank; /* rta_entry_init's result */
    rta__duty_cache *cache;
    rta__duty_fast *fast;
    rta_duty_result *r;
    rta__buf text;  /* a block of whole records */
    int eof_record; /* the block's last record has no newline (end of input) */
    long lines;     /* newlines in the block */
    rta__buf out;
    pending *group;       /* GROUP entries */
    rta_error *group_err; /* their error slots */
    int block_warnings;   /* warnings kept for the block (up to max_warnings) */
    pipeline *pl;
    rta_error *errs; /* lines relative to the block until reported */
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

/* "2025-06-07" exactly (the batch form), checked as rta_date_parse checks
 * it; 0 leaves anything else to rta_date_parse. */
static int fast_date(const char *v, rta_day *out)
{
    for (int k = 0; k < 10; k++)
        if (k == 4 || k == 7 ? v[k] != '-' : (unsigned)(v[k] - '0') > 9)
            return 0;
    if (v[10] != '\0')
        return 0;
    int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    int m = (v[5] - '0') * 10 + (v[6] - '0');
    int d = (v[8] - '0') * 10 + (v[9] - '0');
    static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m])
        return 0;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    *out = rta_date_from_ymd(y, m, d);
    return 1;
}

/* Ten or eight plain digits (the batch form); 0 leaves anything else
 * (dots, spaces, other lengths) to rta_code_parse. */
static int fast_code(const char *v, rta_code *out)
{
    int n = 0;
    while (n < 11 && (unsigned)(v[n] - '0') <= 9)
        n++;
    if (v[n] != '\0' || (n != 10 && n != 8))
        return 0;
    for (int k = 0; k < (int)sizeof out->digits; k++) /* no calls: 11 bytes */
        out->digits[k] = k < n ? v[k] : '\0';
    out->len = n;
    return 1;
}

/* Sets entry field i from its column: the required ones directly, the
 * optional ones (empty = not given) through rta_entry_set. */
static rta_status set_field(rta_entry *e, int i, const char *v, rta_error *err)
{
    switch (i) {
    case F_DATE:
        if (fast_date(v, &e->date) || rta_date_parse(v, &e->date, NULL) == RTA_OK) {
            e->given |= RTA_ENTRY_DATE;
            return RTA_OK;
        }
        break;
    case F_HTS:
        if (fast_code(v, &e->hts) || rta_code_parse(v, &e->hts, NULL) == RTA_OK) {
            e->given |= RTA_ENTRY_HTS;
            return RTA_OK;
        }
        break;
    case F_ORIGIN:
        if (v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z' && v[2] == '\0') {
            memcpy(e->origin, v, 3);
            e->given |= RTA_ENTRY_ORIGIN;
            return RTA_OK;
        }
        break;
    case F_VALUE:
        if (rta__parse_usd_cents(v, &e->value_cents) == 0) {
            e->given |= RTA_ENTRY_VALUE;
            return RTA_OK;
        }
        break;
    default:
        if (v[0] == '\0' && i != F_ORIGIN)
            return RTA_OK; /* an empty optional column: not given */
        break;
    }
    /* the general path, with its error words */
    return rta_entry_set(e, field_names[i], v, err);
}

/* An entry read from its record, waiting for its group's stages. */
struct pending {
    rta_entry e;
    const char *id;
    long start; /* the record's first line, in the block */
    rta_status rs;
    rta_error *err; /* its own slot, filled when rs != RTA_OK (kept apart: the
                       entries of a group stay close together in memory) */
    rta__duty_job job;
};

/* Fills p from the record's fields. */
static void parse_fields(worker *w, char **fields, int nfields, long start, pending *p)
{
    p->start = start;
    p->id = "";
    p->rs = RTA_OK;
    p->e = w->blank; /* rta_entry_init's result, copied (a memset per entry is slower) */
    if (nfields != w->ncols) {
        p->rs = rta__error(p->err, RTA_ERR_PARSE, w->name, start, 0, "row has %d fields, header %d",
                           nfields, w->ncols);
        return;
    }
    p->id = fields[w->col[F_ID]];
    for (int k = 0; k < w->npresent; k++) {
        int i = w->present[k];
        p->rs = set_field(&p->e, i, fields[w->col[i]], p->err);
        if (p->rs != RTA_OK) {
            p->err->column = w->col[i] + 1;
            p->err->line = start;
            return;
        }
    }
    p->rs = rta_entry_check(&p->e, p->err);
}

/* Computes p (fast: its stages are done) and writes its output row. */
static void finish_one(worker *w, pending *p, int quote_id)
{
    rta__buf *o = &w->out;
    int kind = w->b ? w->b->kind : RTA_BATCH_DUTY;
    w->rep.rows++;
    rta__duty_amounts a;
    int fast = 0;
    char warning[sizeof w->r->warning];
    warning[0] = '\0';
    if (p->rs == RTA_OK && w->fast) {
        fast = rta__duty_fast_finish(w->fast, &p->e, &p->job, &a);
        if (fast < 0) {
            w->nomem = 1;
            fast = 0;
        }
    }
    if (p->rs == RTA_OK && fast) {
        if (a.warn_measure >= 0)
            rta__duty_content_warning(&w->duty->m[a.warn_measure], warning, sizeof warning);
    } else if (p->rs == RTA_OK) {
        rta_duty_result *r = w->r;
        p->rs = rta__duty_compute(w->duty, w->cache, &p->e, w->o, r, p->err);
        if (p->rs == RTA_OK) {
            a.total = r->total_duty_cents;
            memcpy(a.by_authority, r->by_authority, sizeof a.by_authority);
            a.mpf = r->mpf_cents;
            a.hmf = r->hmf_cents;
            a.mpf_known = r->mpf_known;
            memcpy(warning, r->warning, sizeof warning);
        }
    }
    if (p->rs != RTA_OK) {
        rta_error *rerr = p->err;
        snprintf(rerr->input, sizeof rerr->input, "%s", w->name);
        if (rerr->line == 0)
            rerr->line = p->start;
        w->rep.bad++;
        worker_error(w, rerr);
        if (!(w->b && w->b->skip_bad)) {
            /* an error row: the id and the message, no amounts (never a silent zero) */
            w->nomem |= csv_field(o, p->id);
            w->nomem |= rta__buf_puts(o, kind == RTA_BATCH_REFUND ? ",,,,,,," : ",,,,,,,,,,,");
            w->nomem |= csv_field(o, rerr->message);
            w->nomem |= rta__buf_append(o, "\n", 1);
        }
        return;
    }
    w->rep.ok++;
    if (warning[0] &&
        (w->b == NULL || w->b->max_warnings <= 0 || w->block_warnings++ < w->b->max_warnings)) {
        rta_error warn;
        rta__error(&warn, RTA_OK, w->name, p->start, 0, "warning: %s", warning);
        worker_error(w, &warn);
    }
    if (warning[0])
        w->rep.warned++;
    w->rep.total_duty_cents += a.total;
    for (int k = 0; k < RTA_AUTH_COUNT; k++)
        w->rep.by_authority[k] += a.by_authority[k];
    if (quote_id)
        w->nomem |= csv_field(o, p->id);
    else /* a field of a record without quotes or carriage returns */
        w->nomem |= rta__buf_puts(o, p->id);
    if (kind == RTA_BATCH_REFUND) {
        char m[3][32];
        int64_t refundable =
            a.by_authority[RTA_AUTH_IEEPA_RECIP] + a.by_authority[RTA_AUTH_IEEPA_FENTANYL];
        w->rep.refundable_cents += refundable;
        char dbuf[16];
        w->nomem |= rta__buf_printf(
            o, ",%s,%s,%s,%s,%s,%s,\n", rta_date_format(p->e.date, dbuf, sizeof dbuf), p->e.origin,
            p->e.hts.digits, rta_cents_format(a.by_authority[RTA_AUTH_IEEPA_RECIP], m[0], 32),
            rta_cents_format(a.by_authority[RTA_AUTH_IEEPA_FENTANYL], m[1], 32),
            rta_cents_format(refundable, m[2], 32));
        return;
    }
    /* one row, formatted by hand: batches print millions of amounts */
    if (rta__buf_reserve(o, 11 * 24 + 2) != 0) {
        w->nomem = 1;
        return;
    }
    int64_t cols[10] = {a.total,
                        a.by_authority[RTA_AUTH_MFN] + a.by_authority[RTA_AUTH_SPECIAL] +
                            a.by_authority[RTA_AUTH_COLUMN2],
                        a.by_authority[RTA_AUTH_S232],
                        a.by_authority[RTA_AUTH_S301],
                        a.by_authority[RTA_AUTH_IEEPA_RECIP],
                        a.by_authority[RTA_AUTH_IEEPA_FENTANYL],
                        a.by_authority[RTA_AUTH_S122],
                        a.by_authority[RTA_AUTH_OTHER],
                        a.mpf,
                        a.hmf};
    char *q = o->data + o->len;
    for (int k = 0; k < 10; k++) {
        *q++ = ',';
        if (k == 8 && !a.mpf_known)
            continue; /* no MPF limits bundled for the date: empty, not zero */
        q = rta__cents_put(q, cols[k]);
    }
    *q++ = ',';
    *q++ = '\n';
    o->len = (size_t)(q - o->data);
    if (!a.mpf_known)
        w->rep.mpf_unknown++;
}

/* Runs the group's entries through the fast path's stages, then finishes
 * them in order. */
#define GROUP 16
static void run_group(worker *w, pending *g, int n)
{
    if (w->fast) {
        const rta_entry *ents[GROUP];
        rta__duty_job *jobs[GROUP];
        for (int k = 0; k < n; k++) {
            ents[k] = &g[k].e;
            jobs[k] = &g[k].job;
            if (g[k].rs == RTA_OK)
                rta__duty_fast_begin(w->fast, &g[k].e, &g[k].job);
            else
                g[k].job.state = 0;
        }
        if (rta__duty_fast_stages(w->fast, ents, jobs, n) < 0)
            w->nomem = 1;
    }
    for (int k = 0; k < n; k++)
        finish_one(w, &g[k], 0);
}

/* A record through the RFC 4180 reader (quotes, carriage returns, too many
 * fields), alone. */
static void run_quoted(worker *w, pending *p, char *rec, size_t len, long start)
{
    const char *nul = memchr(rec, '\0', len);
    if (nul != NULL) { /* text after it would be lost: an error, never a shorter field */
        long field = 1;
        for (const char *q = rec; q < nul; q++)
            field += *q == ',';
        p->start = start;
        p->id = "";
        p->rs = rta__error(p->err, RTA_ERR_PARSE, w->name, start, field,
                           "a NUL byte in the record (field %ld): not text", field);
        p->job.state = 0;
        finish_one(w, p, 1);
        return;
    }
    rta__csv c;
    int have;
    rta__csv_init(&c, rec, len, w->name);
    rta_status rs = rta__csv_next(&c, &have, p->err);
    if (rs != RTA_OK) {
        p->err->line += start - 1; /* the reader counts from the record's first line */
    } else if (c.p < c.end) {
        rs = rta__error(p->err, RTA_ERR_PARSE, w->name, start, 0,
                        "unexpected text after the record (a quoted field not closed "
                        "where it should be?)");
    }
    if (rs == RTA_OK) {
        parse_fields(w, c.fields, c.nfields, start, p);
    } else {
        p->start = start;
        p->id = "";
        p->rs = rs;
    }
    p->job.state = 0;
    finish_one(w, p, 1);
    rta__csv_free(&c);
}

/* Splits the unquoted record at p in place: fields at commas, up to its
 * newline (or end). Returns the field count and sets *next past the newline;
 * -1 when the record holds a quote or a carriage return other than before
 * its newline, or too many fields (the RFC 4180 reader takes it). */
/* Puts back the commas split_line cut at (before each field but the
 * first) and returns -1: the record goes to the RFC 4180 reader intact. */
static int refuse(char **fields, int n)
{
    for (int k = 1; k < n; k++)
        fields[k][-1] = ',';
    return -1;
}

static int split_line(char *p, char *end, char **fields, int max, char **next, size_t *len,
                      int *newline)
{
    int n = 0;
    fields[n++] = p;
    char *s = p;
#if defined(__SSE2__)
    /* sixteen bytes at a time: the commas before the first newline, quote or
     * carriage return are cut here; the scalar loop below takes it from there */
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
    while (end - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, comma));
        unsigned ms = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, quote)),
                         _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, nul))));
        unsigned stop = ms ? (unsigned)__builtin_ctz(ms) : 16;
        if (stop < 16)
            mc &= (1u << stop) - 1;
        while (mc) {
            int k = __builtin_ctz(mc);
            mc &= mc - 1;
            if (n == max)
                return refuse(fields, n);
            s[k] = '\0';
            fields[n++] = s + k + 1;
        }
        s += stop;
        if (stop < 16)
            break;
    }
#endif
    for (; s < end; s++) {
        char ch = *s;
        if (ch == ',') {
            if (n == max)
                return refuse(fields, n);
            *s = '\0';
            fields[n++] = s + 1;
        } else if (ch == '\n') {
            break;
        } else if (ch == '"' || ch == '\0') {
            return refuse(fields, n);
        } else if (ch == '\r' && !(s + 1 == end || s[1] == '\n')) {
            return refuse(fields, n);
        }
    }
    *newline = s < end;
    *next = s < end ? s + 1 : end;
    size_t l = (size_t)(s - p);
    if (l > 0 && p[l - 1] == '\r')
        l--;
    p[l] = '\0'; /* over the newline or CR, or the spare byte after the block */
    *len = l;
    return n;
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    char *p = w->text.data, *end = w->text.data + w->text.len;
    long line = 0; /* newlines before the record, in this block */
    pending *g = w->group;
    int n = 0;
    while (p < end) {
        char *fields[RTA__CSV_MAX_FIELDS];
        {
            /* the common case: one pass splits the fields and finds the newline */
            char *next;
            size_t len;
            int newline;
            int nf = split_line(p, end, fields, RTA__CSV_MAX_FIELDS, &next, &len, &newline);
            if (nf >= 0) {
                long start = line + 1;
                line += newline;
                if (len > 0) {
                    parse_fields(w, fields, nf, start, &g[n]);
                    if (++n == GROUP) {
                        run_group(w, g, n);
                        n = 0;
                    }
                }
                p = next;
                continue;
            }
            /* refused (a quote, a NUL...): the record is intact for the reader */
        }
        /* a record with quotes: by the RFC 4180 rules, alone */
        run_group(w, g, n);
        n = 0;
        long nl;
        size_t e = record_end(p, (size_t)(end - p), &nl);
        char *next = e ? p + e : end;
        size_t len = (size_t)(next - p) - (e ? 1 : 0);
        long start = line + 1;
        line += nl;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        p[len] = '\0';
        if (len > 0)
            run_quoted(w, &g[0], p, len, start);
        p = next;
    }
    run_group(w, g, n);
    w->lines = line;
    return NULL;
}

/* Input state of the main thread: bytes read but not yet given to a block. */
typedef struct reader {
    FILE *in;
    rta__buf carry;
    int eof;
} reader;

/* Reads more input into b (at least a block, unless the input ends). */
static int read_more(reader *rd, rta__buf *b)
{
    if (rd->eof)
        return 0;
    size_t want = rta__batch_block_bytes ? rta__batch_block_bytes : 1;
    if (rta__buf_reserve(b, want) != 0)
        return -1;
    size_t got = fread(b->data + b->len, 1, want, rd->in);
    b->len += got;
    b->data[b->len] = '\0';
    if (got < want)
        rd->eof = 1;
    return 1;
}

/* Fills w->text with whole records (the carry, then new input); returns 1
 * with some records, 0 at the end of input, -1 on no memory, -2 when one
 * record exceeds RECORD_LIMIT. */
static int fill_block(worker *w, reader *rd)
{
    rta__buf *t = &w->text;
    t->len = 0;
    if (rd->carry.len && rta__buf_append(t, rd->carry.data, rd->carry.len) != 0)
        return -1;
    rd->carry.len = 0;
    int quotes = t->len && memchr(t->data, '"', t->len) != NULL;
    for (;;) {
        size_t before = t->len;
        int m = read_more(rd, t);
        if (m < 0)
            return -1;
        if (!quotes && t->len > before && memchr(t->data + before, '"', t->len - before))
            quotes = 1;
        if (rd->eof) {
            if (t->len == 0)
                return 0;
            if (rta__buf_reserve(t, 1) != 0)
                return -1;
            t->data[t->len] = '\0';
            return 1; /* everything left is records, the last perhaps without newline */
        }
        /* without quotes the last newline is near the end; with quotes the
         * block is scanned from its start (a record boundary) */
        size_t cut = last_record_end(t->data, t->len, quotes);
        if (cut > 0) {
            if (rta__buf_append(&rd->carry, t->data + cut, t->len - cut) != 0)
                return -1;
            t->len = cut;
            t->data[t->len] = '\0';
            return 1;
        }
        if (t->len > RECORD_LIMIT)
            return -2;
    }
}

/* A computed block waiting for the blocks before it to be written. A worker
 * that finishes a block out of turn leaves it here and reads the next one,
 * so a fast core does not wait for a slow one (a shared machine's cores are
 * not equal); the slots bound how far ahead it runs, and so the memory. */
typedef struct parked {
    long seq; /* -1: free */
    rta__buf out;
    rta_error *errs;
    int nerrs, caperrs;
    long lines;
    int nomem;
} parked;

/* What the workers share: the input (one reader at a time), the output (in
 * input order: block k is written after block k-1), the first failure. */
struct pipeline {
    reader *rd;
    FILE *out;
    const rta_batch_options *b;
    const char *name;
    pthread_mutex_t in_lock, out_lock;
    pthread_cond_t turn;
    long next_read, next_write; /* block sequence numbers */
    long lines;                 /* input lines before the next block written */
    long warnings;              /* warnings passed on */
    int end;                    /* the input is exhausted (under in_lock) */
    _Atomic int failed;         /* set under out_lock, read anywhere */
    rta_error err;
    parked *slots; /* under out_lock */
    int nslots;
};

static void pipeline_fail(pipeline *pl, rta_status code, const char *input, long line,
                          const char *msg)
{
    /* called with out_lock held; the first failure wins */
    if (!pl->failed) {
        rta__error(&pl->err, code, input, line, 0, "%s", msg);
        pl->failed = 1;
    }
}

/* Writes a computed block (its turn has come: out_lock is held): its errors
 * and warnings with their lines made absolute, then its rows. */
static void write_block(pipeline *pl, rta__buf *out, rta_error *errs, int nerrs, long lines,
                        int nomem)
{
    if (nomem) {
        pipeline_fail(pl, RTA_ERR_NOMEM, pl->name, 0, "out of memory");
        return;
    }
    for (int k = 0; k < nerrs; k++) {
        errs[k].line += pl->lines;
        int is_warning = errs[k].code == RTA_OK;
        if (is_warning && pl->b && pl->b->max_warnings > 0 && pl->warnings++ >= pl->b->max_warnings)
            continue; /* counted in the report, not passed on */
        if (pl->b && pl->b->on_error)
            pl->b->on_error(pl->b->ctx, &errs[k]);
    }
    pl->lines += lines;
    if (out->len && fwrite(out->data, 1, out->len, pl->out) != out->len)
        pipeline_fail(pl, RTA_ERR_IO, "<output>", 0, "write error");
    pl->next_write++;
}

/* Leaves the worker's computed block in a free slot: the buffers change
 * hands (the worker takes the slot's empty ones), nothing is copied. */
static void park(worker *w, parked *pk, long seq)
{
    rta__buf ob = pk->out;
    pk->out = w->out;
    w->out = ob;
    rta_error *oe = pk->errs;
    int ocap = pk->caperrs;
    pk->errs = w->errs;
    pk->caperrs = w->caperrs;
    pk->nerrs = w->nerrs;
    w->errs = oe;
    w->caperrs = ocap;
    pk->lines = w->lines;
    pk->nomem = w->nomem;
    pk->seq = seq;
    rta__batch_parked++;
}

static void *worker_loop(void *arg)
{
    worker *w = arg;
    pipeline *pl = w->pl;
    for (;;) {
        pthread_mutex_lock(&pl->in_lock);
        if (pl->end || pl->failed) {
            pthread_mutex_unlock(&pl->in_lock);
            break;
        }
        int f = fill_block(w, pl->rd);
        long seq = pl->next_read;
        if (f == 1)
            pl->next_read++;
        else
            pl->end = 1;
        pthread_mutex_unlock(&pl->in_lock);
        if (f == 0)
            break;
        if (f < 0) {
            pthread_mutex_lock(&pl->out_lock);
            pipeline_fail(pl, f == -1 ? RTA_ERR_NOMEM : RTA_ERR_PARSE, pl->name, 0,
                          f == -1 ? "out of memory"
                                  : "a record longer than 64 MiB (a quote never closed?)");
            pthread_cond_broadcast(&pl->turn);
            pthread_mutex_unlock(&pl->out_lock);
            break;
        }
        worker_run(w);
        if (seq == rta__batch_slow_block) {
            /* a slow core, for the tests: wait until a later block has been
             * parked (or 5 s) */
            long before = rta__batch_parked;
            struct timespec pause = {0, 1000 * 1000};
            for (int k = 0; k < 5000 && rta__batch_parked == before && !pl->failed; k++)
                nanosleep(&pause, NULL);
        }
        pthread_mutex_lock(&pl->out_lock);
        /* out of turn: park the block if a slot is free, else wait */
        int slot = -1;
        while (pl->next_write != seq && !pl->failed) {
            for (int k = 0; k < pl->nslots && slot < 0; k++)
                if (pl->slots[k].seq < 0)
                    slot = k;
            if (slot >= 0)
                break;
            pthread_cond_wait(&pl->turn, &pl->out_lock);
        }
        if (!pl->failed && pl->next_write != seq) {
            park(w, &pl->slots[slot], seq);
        } else if (!pl->failed) {
            write_block(pl, &w->out, w->errs, w->nerrs, w->lines, w->nomem);
            /* then the parked blocks that follow it */
            for (int k = 0; k < pl->nslots && !pl->failed; k++) {
                parked *pk = &pl->slots[k];
                if (pk->seq != pl->next_write)
                    continue;
                write_block(pl, &pk->out, pk->errs, pk->nerrs, pk->lines, pk->nomem);
                pk->seq = -1;
                pk->out.len = 0;
                pk->nerrs = 0;
                k = -1; /* the next one may sit in any slot */
            }
        }
        w->nerrs = 0;
        w->block_warnings = 0;
        w->nomem = 0;
        w->out.len = 0;
        pthread_cond_broadcast(&pl->turn);
        pthread_mutex_unlock(&pl->out_lock);
    }
    return NULL;
}

rta_status rta_duty_batch(const rta_duty *duty, FILE *in, FILE *out,
                          const rta_duty_options *options, const rta_batch_options *b,
                          rta_batch_report *rep, rta_error *err)
{
    memset(rep, 0, sizeof *rep);
    const char *name = b && b->input ? b->input : "<input>";
    int nthreads = b && b->threads > 1 ? (b->threads > 64 ? 64 : b->threads) : 1;
    rta__csv c;
    memset(&c, 0, sizeof c);
    int col[NFIELDS];
    rta_status st = RTA_OK;
    rta_duty_options o = options ? *options : (rta_duty_options){0, 0};
    o.explain = 0;
    worker *w = aligned_alloc(_Alignof(worker), (size_t)nthreads * sizeof *w);
    if (w != NULL)
        memset(w, 0, (size_t)nthreads * sizeof *w);
    if (w == NULL)
        return rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
    reader rd = {in, {0}, 0};
    /* the header: the first record */
    rta__buf head = {0};
    long lines = 0;
    size_t hend = 0;
    for (;;) {
        long nl = 0;
        hend = head.len ? record_end(head.data, head.len, &nl) : 0;
        if (hend > 0) {
            lines = nl;
            break;
        }
        int m = read_more(&rd, &head);
        if (m < 0) {
            st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
            goto done;
        }
        if (m == 0) {
            hend = head.len;
            lines = 1;
            break;
        }
        if (head.len > RECORD_LIMIT) {
            st = rta__error(err, RTA_ERR_PARSE, name, 1, 0, "header longer than %u bytes",
                            RECORD_LIMIT);
            goto done;
        }
    }
    if (hend < head.len && rta__buf_append(&rd.carry, head.data + hend, head.len - hend) != 0) {
        st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
        goto done;
    }
    {
        size_t hl = hend;
        while (hl > 0 && (head.data[hl - 1] == '\n' || head.data[hl - 1] == '\r'))
            hl--;
        if (hl == 0) {
            st = rta__error(err, RTA_ERR_PARSE, name, 1, 0, "empty input: a header is required");
            goto done;
        }
        head.data[hl] = '\0';
        rta__csv_init(&c, head.data, hl, name);
    }
    int have;
    if ((st = rta__csv_next(&c, &have, err)) != RTA_OK)
        goto done;
    /* a column rta does not read is said (a broker's own "description" column
     * is fine); one a letter or two from a column rta reads ("transhipped")
     * is an error: its effect would otherwise be silently lost */
    for (int k = 0; k < c.nfields; k++) {
        int known = 0, near = -1;
        for (int i = 0; i < NFIELDS && !known; i++) {
            known = strcmp(c.fields[k], field_names[i]) == 0;
            if (!known && near < 0 && edit_distance(c.fields[k], field_names[i]) <= 2)
                near = i;
        }
        if (known)
            continue;
        if (near >= 0) {
            st = rta__error(err, RTA_ERR_PARSE, name, 1, k + 1,
                            "unknown column \"%.60s\": did you mean \"%s\"?", c.fields[k],
                            field_names[near]);
            goto done;
        }
        if (b && b->on_error) {
            rta_error warn;
            rta__error(&warn, RTA_OK, name, 1, k + 1,
                       "warning: column \"%.60s\" is not one rta reads: ignored", c.fields[k]);
            b->on_error(b->ctx, &warn);
        }
    }
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
        for (int i = 1; i < NFIELDS; i++)
            if (col[i] >= 0)
                w[t].present[w[t].npresent++] = i;
        rta_entry_init(&w[t].blank);
        w[t].cache = rta__duty_cache_new();
        w[t].r = malloc(sizeof *w[t].r);
        w[t].group = malloc(GROUP * sizeof *w[t].group);
        w[t].group_err = malloc(GROUP * sizeof *w[t].group_err);
        for (int k = 0; w[t].group && w[t].group_err && k < GROUP; k++)
            w[t].group[k].err = &w[t].group_err[k];
        if (!(b && b->full_engine))
            w[t].fast = rta__duty_fast_new(duty, &o);
        if (w[t].cache == NULL || w[t].r == NULL || w[t].group == NULL || w[t].group_err == NULL ||
            (!(b && b->full_engine) && !w[t].fast)) {
            st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
            goto done;
        }
    }
    if (fputs(b && b->kind == RTA_BATCH_REFUND ? refund_header : duty_header, out) == EOF) {
        st = rta__error(err, RTA_ERR_IO, "<output>", 0, 0, "write error");
        goto done;
    }
    {
        /* every worker loops: read a block (in turn), compute it (in
         * parallel), write it (in input order); reading and writing of one
         * overlap with the computing of the others */
        pipeline pl = {0};
        pl.rd = &rd;
        pl.out = out;
        pl.b = b;
        pl.name = name;
        pl.lines = lines;
        /* two blocks ahead per worker at most */
        pl.nslots = nthreads > 1 ? 2 * nthreads : 0;
        pl.slots = pl.nslots ? calloc((size_t)pl.nslots, sizeof *pl.slots) : NULL;
        if (pl.nslots && pl.slots == NULL) {
            st = rta__error(err, RTA_ERR_NOMEM, name, 0, 0, "out of memory");
            goto done;
        }
        for (int k = 0; k < pl.nslots; k++)
            pl.slots[k].seq = -1;
        pthread_mutex_init(&pl.in_lock, NULL);
        pthread_mutex_init(&pl.out_lock, NULL);
        pthread_cond_init(&pl.turn, NULL);
        pthread_t tid[64];
        int started[64] = {0};
        for (int t = 0; t < nthreads; t++)
            w[t].pl = &pl;
        for (int t = 1; t < nthreads; t++)
            started[t] = pthread_create(&tid[t], NULL, worker_loop, &w[t]) == 0;
        worker_loop(&w[0]);
        for (int t = 1; t < nthreads; t++)
            if (started[t])
                pthread_join(tid[t], NULL);
        pthread_cond_destroy(&pl.turn);
        pthread_mutex_destroy(&pl.out_lock);
        pthread_mutex_destroy(&pl.in_lock);
        for (int k = 0; k < pl.nslots; k++) {
            rta__buf_free(&pl.slots[k].out);
            free(pl.slots[k].errs);
        }
        free(pl.slots);
        lines = pl.lines;
        if (pl.failed) {
            *err = pl.err;
            st = pl.err.code;
            goto done;
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
        rta__duty_fast_free(w[t].fast);
        free(w[t].r);
        free(w[t].group);
        free(w[t].group_err);
        rta__buf_free(&w[t].text);
        rta__buf_free(&w[t].out);
        free(w[t].errs);
    }
    free(w);
    rta__buf_free(&rd.carry);
    rta__buf_free(&head);
    rta__csv_free(&c);
    return st;
}

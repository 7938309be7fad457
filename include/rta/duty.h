/*
 * rta/duty.h - what a US entry pays on a date, line by line, to the cent.
 *
 * Why: between January 2025 and 2026 the duty on the same product changed
 * more than ten times. rta keeps every measure as a dated row
 * (data/measures/) and computes an entry with one generic loop: the MFN (or
 * special, or column 2) rate of the HTS line in force, then every measure in
 * force for the entry's origin and product, with exemptions, replacements
 * within a group ("in lieu of"), Section 232 exclusions, content bases and
 * floors; then the MPF and HMF. Money is integer cents, rates integer
 * millionths; each line is rounded half-up to the cent and the total is the
 * sum of the lines.
 */
#ifndef RTA_DUTY_H
#define RTA_DUTY_H

#include "rta/code.h"
#include "rta/date.h"
#include "rta/snapshot.h"
#include "rta/store.h"

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_authority {
    RTA_AUTH_MFN = 0,
    RTA_AUTH_SPECIAL,
    RTA_AUTH_COLUMN2,
    RTA_AUTH_S232,
    RTA_AUTH_S301,
    RTA_AUTH_IEEPA_RECIP,
    RTA_AUTH_IEEPA_FENTANYL,
    RTA_AUTH_S122,
    RTA_AUTH_OTHER,
    RTA_AUTH_COUNT
} rta_authority;

/* "mfn", "special", "column2", "s232", "s301", "ieepa_recip", "ieepa_fentanyl", "s122", "other" */
const char *rta_authority_name(rta_authority a);

typedef enum rta_transport { RTA_MODE_OTHER = 0, RTA_MODE_OCEAN, RTA_MODE_AIR } rta_transport;

typedef struct rta_entry {
    rta_day date;        /* date of entry */
    rta_day export_date; /* date of export/loading, for in-transit rules */
    int has_export_date;
    rta_code hts;         /* 10 (or 8) digits */
    char origin[3];       /* ISO 3166 alpha-2 */
    int64_t value_cents;  /* customs value */
    int64_t qty_milli[2]; /* quantities in the line's 1st and 2nd units, thousandths */
    int nqty;
    int64_t steel_cents, aluminum_cents, copper_cents; /* metal content values (0 = none) */
    int64_t us_content_cents;
    char program[4];  /* special program claimed ("S", "KR"), "" for none */
    int transshipped; /* CBP found the goods transshipped to evade duties */
    rta_transport mode;
    unsigned given; /* RTA_ENTRY_* bits of the required fields set */
} rta_entry;

enum { RTA_ENTRY_DATE = 1, RTA_ENTRY_HTS = 2, RTA_ENTRY_ORIGIN = 4, RTA_ENTRY_VALUE = 8 };

/* Empties an entry (mode ocean). */
void rta_entry_init(rta_entry *e);

/* Sets one field from text, by the batch CSV column names: date, export_date,
 * hts, origin, value, qty1, qty2, qty ("N[,N]"), steel, aluminum, copper,
 * us_content, program, transshipped (true/false/1/0/yes/no), mode
 * (ocean/air/other). Money in dollars ("1234.56"). err names the field. */
rta_status rta_entry_set(rta_entry *e, const char *field, const char *value, rta_error *err);

/* Checks the required fields (date, hts, origin, value) and the contents. */
rta_status rta_entry_check(const rta_entry *e, rta_error *err);

typedef struct rta_duty_options {
    int ieepa_collection; /* 1: IEEPA ends with collection (2026-02-23), 0: legal end (2026-02-19)
                           */
    int explain;          /* 1: fill the notes of every measure considered */
} rta_duty_options;

#define RTA_DUTY_MAX_LINES 16
#define RTA_DUTY_MAX_NOTES 512

typedef struct rta_duty_line {
    char heading[16]; /* "9903.02.69", or the HTS line for mfn/special/column2 */
    rta_authority authority;
    char rate[96];      /* rate text: "16.5%", "+20%", "3.9¢/kg", "15% all-in floor" */
    int64_t base_cents; /* the value the rate was applied to (0 for a specific duty) */
    int64_t amount_cents;
    const char *measure; /* measure id (borrowed from the engine), NULL for the HTS rate */
} rta_duty_line;

typedef struct rta_duty_note {
    const char *measure; /* id (borrowed) */
    long source_line;    /* line in data/measures/measures.csv */
    const char *source;  /* the legal source of the row (borrowed) */
    int applied;
    char why[200];
} rta_duty_note;

typedef struct rta_duty_result {
    char revision[24]; /* HTS revision in force */
    int nlines;
    rta_duty_line lines[RTA_DUTY_MAX_LINES];
    int64_t total_duty_cents; /* sum of the lines */
    int64_t by_authority[RTA_AUTH_COUNT];
    int64_t mpf_cents, hmf_cents;
    int mpf_known; /* 0 if no MPF limits are bundled for the date */
    char fee_note[160];
    char warning[240]; /* "" or why an amount may be short (e.g. an undeclared metal
                          content of a Section 232 derivative) */
    int nnotes;
    int notes_truncated; /* more measures than RTA_DUTY_MAX_NOTES were considered */
    rta_duty_note notes[RTA_DUTY_MAX_NOTES];
} rta_duty_result;

typedef struct rta_duty rta_duty;

/* Loads the measures, product lists and fees of the store and ties them to
 * the snapshot (borrowed: it must outlive the engine). Close with
 * rta_duty_close. The engine is immutable and can be shared by threads. */
rta_status rta_duty_open(rta_store *store, const rta_snapshot *snap, rta_duty **out,
                         rta_error *err);
void rta_duty_close(rta_duty *duty);

/* Number of measure rows loaded. */
int rta_duty_measure_count(const rta_duty *duty);

/* Computes one entry. Errors (unknown line on the date, unknown origin, a
 * rate that needs an input the entry lacks) say what is missing; nothing is
 * ever silently zero. */
rta_status rta_duty_compute(const rta_duty *duty, const rta_entry *entry,
                            const rta_duty_options *options, rta_duty_result *out, rta_error *err);

/* The JSON object of the contract (date, origin, hts, value, lines, total_duty,
 * fees, effective_rate; notes when explained). malloc'ed; NULL on no memory. */
char *rta_duty_result_json(const rta_duty *duty, const rta_entry *entry,
                           const rta_duty_options *options, const rta_duty_result *r);

/* duty / value in hundredths of a percent, half-up (3650 = 36.50%); 0 if value <= 0. */
int64_t rta_duty_rate_hundredths(int64_t duty_cents, int64_t value_cents);

/* Formats cents as a decimal string with two decimals ("-12.05"). Returns buf. */
char *rta_cents_format(int64_t cents, char *buf, size_t size);

/* Parses "1234", "1234.5", "1234.56" (dollars) into cents. */
rta_status rta_cents_parse(const char *text, int64_t *cents, rta_error *err);

/* ---- timeline ---- */

typedef struct rta_timeline_step {
    rta_day from, to;   /* inclusive */
    int64_t duty_cents; /* total duty of the template entry on those days */
    char stack[320];    /* "6109.10.00.12 16.5% + 9903.02.69 +20%" or "error: ..." */
} rta_timeline_step;

/* Every date between from and to (inclusive) on which the stack of the
 * template entry changes, with the stack and duty of each interval. Writes up
 * to max steps; *n is how many exist. */
rta_status rta_duty_timeline(const rta_duty *duty, const rta_entry *tmpl, rta_day from, rta_day to,
                             const rta_duty_options *options, rta_timeline_step *steps, int max,
                             int *n, rta_error *err);

/* ---- batch ---- */

enum { RTA_BATCH_DUTY = 0, RTA_BATCH_REFUND = 1 };

typedef struct rta_batch_options {
    int kind;          /* RTA_BATCH_DUTY or RTA_BATCH_REFUND */
    int skip_bad;      /* 1: a bad row is reported but not written */
    int threads;       /* worker threads (1 = this thread only); the output keeps the input order */
    const char *input; /* name for errors ("entries.csv", "<stdin>") */
    /* called for each bad row (err names input, line and field) and each
     * warning (err->code RTA_OK), in input order, from one thread at a time */
    void (*on_error)(void *ctx, const rta_error *err);
    void *ctx;
    /* 1: every entry through rta_duty_compute's full loop instead of the
     * batch fast path (same results; for tests and measurements) */
    int full_engine;
    /* > 0: pass at most this many warnings (rows computed with a warning) to
     * on_error, the first in input order; the report counts them all */
    int max_warnings;
} rta_batch_options;

typedef struct rta_batch_report {
    long rows, ok, bad;
    int64_t total_duty_cents;
    int64_t by_authority[RTA_AUTH_COUNT];
    int64_t refundable_cents; /* IEEPA reciprocal + fentanyl (refund batches) */
    long mpf_unknown;         /* rows whose mpf is empty: no MPF limits bundled for the date */
    long warned;              /* rows computed with a warning (e.g. metal content not declared) */
} rta_batch_report;

/* Reads entry CSV from `in` (header with entry_id,date,hts,origin,value and
 * optional qty1,qty2,steel,aluminum,copper,us_content,program,transshipped,
 * mode,export_date in any order) and writes one CSV row per entry to `out`,
 * streaming (memory does not grow with the input). Writes only to the
 * streams it is given. Returns RTA_OK even when rows were bad (see report);
 * fails on an unreadable header or an I/O error. */
rta_status rta_duty_batch(const rta_duty *duty, FILE *in, FILE *out,
                          const rta_duty_options *options, const rta_batch_options *batch,
                          rta_batch_report *report, rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

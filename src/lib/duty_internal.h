/*
 * duty_internal.h - the duty engine's batch fast path (internal).
 *
 * Why: a batch meets the same (HTS line, origin) pairs again and again; the
 * measures whose origin and product scope can match such a pair are computed
 * once and cached, so an entry looks at a handful of rows instead of all of
 * them. The cache is per batch (per thread), so the engine stays immutable.
 */
#ifndef RTA_DUTY_INTERNAL_H
#define RTA_DUTY_INTERNAL_H

#include "rta/duty.h"
#include "snapshot_internal.h"

#include <string.h>

/* ---- the engine's rows (loaded by duty.c, read by duty_fast.c) ---- */

enum { SEL_ALL = 0, SEL_PREFIX = 1, SEL_LIST = 2 };
enum { METHOD_ADD = 0, METHOD_FLOOR = 1, METHOD_COLUMN2 = 2 };
enum { COND_NONE = 0, COND_TRANSSHIPPED = 1, COND_NOT_USMCA = 2 };
enum {
    BASE_VALUE = 1,
    BASE_STEEL = 2,
    BASE_ALUMINUM = 4,
    BASE_COPPER = 8,
    BASE_LESS_US = 16,
    BASE_LESS_232 = 32
};

typedef struct sel {
    int kind;
    int len;
    char digits[12];
    int list;
} sel;

typedef struct measure {
    char *id, *heading, *source, *note, *group_name;
    long line;
    rta_authority auth;
    int origin_all;
    unsigned char *origin_in; /* per snapshot country index */
    sel *prod, *exc;
    int nprod, nexc;
    int64_t rate;
    int method, group, priority, cond, medium;
    unsigned base;
    int excl_s232;
    int *excl;
    int nexcl;
    rta_day from, to, collect_to;
    int has_to, has_collect, has_transit;
    rta_day t_loaded, t_entered;
    char label[40]; /* the rate as printed: "+20%", "15% all-in floor" */
} measure;

typedef struct list_entry {
    char hts[12];
    int len;
    rta_day from, to;
} list_entry;

typedef struct plist {
    char *name;
    list_entry *e;
    int n;
    unsigned lens; /* bit k set when some entry has k digits: only those prefixes are searched */
} plist;

typedef struct fee_row {
    int is_mpf;
    int64_t rate, min, max;
    int has_min, has_max;
    unsigned modes; /* bit per rta_transport */
    rta_day from, to;
    int has_to;
    char *source;
} fee_row;

struct rta_duty {
    const rta_snapshot *snap;
    measure *m;
    int nm;
    plist *lists;
    int nlists;
    fee_row *fees;
    int nfees;
    int ngroups;
    int16_t cidx[26 * 26]; /* ISO alpha-2 -> snapshot country index, -1 if none */
    int mask_words;        /* 64-bit words in a mask over the rows */
    uint64_t *origin_mask; /* per country: bit i set when row i's origins cover it */
    rta_day *bounds;       /* sorted dates on which some row or list entry starts or ends */
    int nbounds;
};

typedef struct rta__duty_cache rta__duty_cache;

rta__duty_cache *rta__duty_cache_new(void);
void rta__duty_cache_free(rta__duty_cache *cache);

/* rta_duty_compute with a candidate cache (NULL = look at every measure). */
rta_status rta__duty_compute(const rta_duty *d, rta__duty_cache *cache, const rta_entry *e,
                             const rta_duty_options *opt, rta_duty_result *r, rta_error *err);

/* base x rate, rounded half-up to the cent (0 when either is <= 0). */
int64_t rta__duty_apply_rate(int64_t base_cents, int64_t millionths);

/* The same, inline for the batch fast path: 64 bits when the product fits
 * (every real entry), else the engine's 128-bit function. */
static inline int64_t rta__duty_apply_rate_fast(int64_t base_cents, int64_t millionths)
{
    if (base_cents <= 0 || millionths <= 0)
        return 0;
    /* 9,223,372,036 cents x 1,000,000,000 millionths (1000%) + 500,000 < 2^63 */
    if (base_cents <= 9223372036LL && millionths <= 1000000000LL)
        return (base_cents * millionths + 500000) / 1000000;
    return rta__duty_apply_rate(base_cents, millionths);
}

/* Index of the epoch (interval between two bounds) that holds day. */
int rta__duty_epoch_of(const rta_duty *d, rta_day day);

/* The warning of an entry that declares no metal content when row m (a
 * Section 232 derivative charged on its content) applies. */
void rta__duty_content_warning(const measure *m, char *buf, size_t size);

/* ---- the batch fast path (duty_fast.c) ----
 *
 * Most entries of a batch have the common shape: no metal or US content, no
 * special program, no export date, and a line whose General rate is Free or
 * plain ad valorem. For them, the rows that apply depend only on the line's
 * dated product masks, the origin's mask and the epoch's in-force mask: their
 * AND is memoised into the charged rows in evaluation order, and the amounts
 * are a few multiplications. Anything else (and any doubt, e.g. a Section 232
 * amount that rounds to zero and would change the stack) goes to
 * rta__duty_compute, which is the reference: a test runs both on the same
 * entries and requires the same cents. */
typedef struct rta__duty_fast rta__duty_fast;

typedef struct rta__duty_amounts {
    int64_t total;
    int64_t by_authority[RTA_AUTH_COUNT];
    int64_t mpf, hmf;
    int mpf_known;
    int warn_measure; /* -1, or the row whose content warning applies */
} rta__duty_amounts;

/* Per batch (per thread) state for the options; NULL when out of memory. */
rta__duty_fast *rta__duty_fast_new(const rta_duty *d, const rta_duty_options *opt);
void rta__duty_fast_free(rta__duty_fast *f);

/* 1: out holds the entry's amounts; 0: the entry needs rta__duty_compute;
 * -1: out of memory. */
int rta__duty_fast_amounts(rta__duty_fast *f, const rta_entry *e, rta__duty_amounts *out);

/* Writes cents as "12.05" at p (room for 24 bytes); returns the end. Inline:
 * a batch writes ten amounts a row (rta_cents_format is the same, into a
 * string). */
static inline char *rta__cents_put(char *p, int64_t cents)
{
    if (cents == 0) {
        memcpy(p, "0.00", 4);
        return p + 4;
    }
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233"
        "34353637383940414243444546474849505152535455565758596061626364656667"
        "6869707172737475767778798081828384858687888990919293949596979899";
    if (cents < 0) {
        *p++ = '-';
        if (cents == INT64_MIN) { /* -(INT64_MIN) does not exist */
            memcpy(p, "92233720368547758.08", 20);
            return p + 20;
        }
        cents = -cents;
    }
    uint64_t v = (uint64_t)cents;
    unsigned cc = (unsigned)(v % 100);
    v /= 100;
    /* digits of the dollars from the bit length (no loop), written from the end */
    static const uint64_t p10[20] = {1ULL,
                                     10ULL,
                                     100ULL,
                                     1000ULL,
                                     10000ULL,
                                     100000ULL,
                                     1000000ULL,
                                     10000000ULL,
                                     100000000ULL,
                                     1000000000ULL,
                                     10000000000ULL,
                                     100000000000ULL,
                                     1000000000000ULL,
                                     10000000000000ULL,
                                     100000000000000ULL,
                                     1000000000000000ULL,
                                     10000000000000000ULL,
                                     100000000000000000ULL,
                                     1000000000000000000ULL,
                                     10000000000000000000ULL};
    int t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12; /* about log10(2) x bits */
    int ndig = t + (v >= p10[t]);
    if (ndig == 0)
        ndig = 1;
    char *q = p + ndig + 3, *e = q;
    q -= 2;
    q[0] = pairs[2 * cc];
    q[1] = pairs[2 * cc + 1];
    *--q = '.';
    while (v >= 100) {
        unsigned two = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        q[0] = pairs[2 * two];
        q[1] = pairs[2 * two + 1];
    }
    if (v >= 10) {
        q -= 2;
        q[0] = pairs[2 * v];
        q[1] = pairs[2 * v + 1];
    } else {
        *--q = (char)('0' + v);
    }
    return e;
}

/* Bytes the batch reads at a time (1 MiB; tests make it small). */
extern size_t rta__batch_block_bytes;
/* Tests: the block (by sequence number, from 0) whose worker waits before
 * its turn to write until a later block has been parked, at most 5 s (-1:
 * none), and the count of blocks parked because they finished before the
 * blocks ahead of them. */
extern long rta__batch_slow_block;
extern _Atomic long rta__batch_parked;

/* The same in stages, for a group of entries at a time (each stage over the
 * whole group before the next: their memory accesses overlap). */
#define RTA__FAST_MASK_WORDS 4 /* masks up to 256 rows are kept in the job */

typedef struct rta__duty_job {
    int state; /* 0: needs the full engine; 1..4: the stages done */
    int ci, rev, epoch;
    int day; /* the date's index in the batch's day tables, -1 if outside */
    uint32_t row;
    uint64_t key; /* rta_code_key + 1 */
    uint64_t hash;
    uint64_t mask[RTA__FAST_MASK_WORDS];
} rta__duty_job;

void rta__duty_fast_begin(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job);
void rta__duty_fast_row(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job);
int rta__duty_fast_masks(rta__duty_fast *f, const rta_entry *e,
                         rta__duty_job *job); /* -1: no memory */
void rta__duty_fast_probe(rta__duty_fast *f, const rta_entry *e, rta__duty_job *job);
/* The stages after begin over a group of n entries; -1: no memory. */
int rta__duty_fast_stages(rta__duty_fast *f, const rta_entry *const *e, rta__duty_job *const *job,
                          int n);
int rta__duty_fast_finish(rta__duty_fast *f, const rta_entry *e, const rta__duty_job *job,
                          rta__duty_amounts *out);

#endif

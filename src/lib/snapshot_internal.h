/*
 * snapshot_internal.h - the layout of the snapshot image (internal).
 *
 * Why: the snapshot is one contiguous, position-independent image: a header,
 * a section table, then arrays of fixed-size records whose strings are
 * offsets into one string pool. The import writes it into the store; loading
 * is one read plus a validation pass that checks every offset and index, so a
 * damaged or hostile image is rejected rather than trusted.
 */
#ifndef RTA_SNAPSHOT_INTERNAL_H
#define RTA_SNAPSHOT_INTERNAL_H

#include "internal.h"
#include "rta/hts.h"
#include "rta/snapshot.h"

#include <sqlite3.h>

#define RTA__SNAP_MAGIC   "RTASNAP\0"
#define RTA__SNAP_VERSION 1u

enum {
    SEC_STRINGS = 0,
    SEC_REVISIONS,
    SEC_ROWS,
    SEC_UNITS,
    SEC_FOOTNOTES,
    SEC_SPANS,
    SEC_CODEIDX,
    SEC_CODESPANS,
    SEC_HS,
    SEC_SECTIONS,
    SEC_COUNTRIES,
    SEC_COUNT
};

typedef struct snap_header {
    char magic[8];
    uint32_t version;
    uint32_t nsections;
    uint64_t total;
    uint64_t checksum; /* word-wise multiply-xor hash of everything after the header */
    struct {
        uint64_t offset;
        uint64_t size;
    } sec[SEC_COUNT];
} snap_header;

typedef struct snap_rev {
    uint32_t name, format, source, note; /* string offsets */
    int32_t effective, policy;           /* day numbers; policy INT32_MIN if none */
    uint32_t rows;
    uint16_t edition;
    uint16_t pad;
} snap_rev;

#define SNAP_NONE 0xFFFFFFFFu

typedef struct snap_row {
    uint64_t key;         /* rta_code_key, 0 for a row without number */
    uint32_t parent;      /* row index, SNAP_NONE at the top */
    uint32_t desc;        /* string offsets */
    uint32_t rate[3];     /* own rate texts (general, special, column 2) */
    uint32_t rate_src[3]; /* row index whose text is in force here, SNAP_NONE if none */
    uint32_t quota, additional;
    uint32_t units_first; /* index into SEC_UNITS */
    uint32_t foot_first;  /* index into SEC_FOOTNOTES */
    uint16_t foot_count;
    uint8_t units_count;
    uint8_t indent;
} snap_row;

typedef struct snap_foot {
    uint32_t columns, type, value, ch99;
} snap_foot;

typedef struct snap_span {
    uint32_t row;
    uint16_t rev_from, rev_to; /* inclusive, revision indexes in date order */
} snap_span;

typedef struct snap_codeidx {
    uint64_t key;
    uint32_t first; /* into SEC_CODESPANS */
    uint32_t count;
} snap_codeidx;

typedef struct snap_hs {
    uint64_t key;
    uint32_t desc, section;
} snap_hs;

typedef struct snap_section {
    uint32_t id, name;
} snap_section;

typedef struct snap_country {
    char iso2[4];
    char iso3[4];
    uint32_t name;
    uint16_t numeric;
    uint16_t eu27;
    uint32_t census;
} snap_country;

struct rta_snapshot {
    void *image; /* owned, 8-byte aligned */
    size_t size;
    int mapped; /* image is a mapping (anonymous, or of the cache file): munmap, not free */
    const char *strings;
    size_t nstrings;
    const snap_rev *revs;
    size_t nrevs;
    const snap_row *rows;
    size_t nrows;
    const uint32_t *units;
    size_t nunits;
    const snap_foot *foots;
    size_t nfoots;
    const snap_span *spans;
    size_t nspans;
    const snap_codeidx *codeidx;
    size_t ncodeidx;
    const uint32_t *codespans;
    size_t ncodespans;
    const snap_hs *hs;
    size_t nhs;
    const snap_section *sections;
    size_t nsections;
    const snap_country *countries;
    size_t ncountries;
};

static inline const char *rta__snap_str(const rta_snapshot *s, uint32_t off)
{
    return s->strings + off;
}

/* Builds an image from the tables of an open SQLite store into *out (malloc'ed). */
rta_status rta__snapshot_build_image(sqlite3 *db, void **out, size_t *out_size, rta_error *err);

/* Validates an image (taking ownership of `image`, which must be malloc'ed
 * and 8-byte aligned) and wraps it as a snapshot. */
rta_status rta__snapshot_from_image(void *image, size_t size, rta_snapshot **out, rta_error *err);

/* Fast paths of rta/hts.h for the duty engine: the row of a code in a
 * revision (0 if absent), the rate text in force on a row for a column
 * (rta_hts_column), and the full line of a row. */
int rta__hts_find_row(const rta_snapshot *snap, int revision, const rta_code *code, uint32_t *row);

/* The rows of a code over the revisions: (first revision, last revision,
 * row) spans. Returns their count (0: no such code), -1 if more than max. */
typedef struct rta__code_span {
    int32_t rev_from, rev_to;
    uint32_t row;
} rta__code_span;
int rta__hts_code_spans(const rta_snapshot *snap, const rta_code *code, rta__code_span *out,
                        int max);
const char *rta__hts_rate_text(const rta_snapshot *snap, uint32_t row, int column);
void rta__hts_fill_line(const rta_snapshot *snap, uint32_t row, int revision, rta_hts_line *out);

/* The checksum recorded in an image's header (0 if too small). */
uint64_t rta__snapshot_image_checksum(const void *image, size_t size);

/* Writes image atomically to "<db_path>.snapshot" (temp file, fsync, rename). */
rta_status rta__snapshot_write_cache(const char *db_path, const void *image, size_t size);

/* Creates or migrates the schema of an open database (used by fuzz targets
 * on in-memory databases). */
rta_status rta__store_migrate(sqlite3 *db, rta_error *err);

/* The SQLite handle of a store (borrowed). */
sqlite3 *rta__store_db(rta_store *store);

#endif

/*
 * rta/store.h - the embedded default store (SQLite) and the data import.
 *
 * Why: the bundled data (data/) are imported once into an SQLite database
 * (STRICT tables, a schema version with migrations) that every later engine
 * and front end reads. The import is one transaction: a failure or a kill
 * leaves the previous database as it was. The same transaction also writes
 * the snapshot image (see rta/snapshot.h) derived from the tables, so that a
 * process can load everything it needs in one read.
 */
#ifndef RTA_STORE_H
#define RTA_STORE_H

#include "rta/error.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library writes and reads. */
#define RTA_SCHEMA_VERSION 5

typedef struct rta_store rta_store;

enum {
    RTA_STORE_READONLY = 0,
    RTA_STORE_READWRITE = 1, /* create the file if missing and migrate the schema */
};

/* Opens the store at path. Read-only opens fail with RTA_ERR_NOT_FOUND if the
 * file does not exist and RTA_ERR_SCHEMA if it was written by a newer rta or
 * holds no imported data. Close with rta_store_close. */
rta_status rta_store_open(const char *path, int mode, rta_store **out, rta_error *err);

/* Closes the store; NULL is allowed. */
void rta_store_close(rta_store *store);

/* The schema version recorded in the store (0 for an empty file). */
int rta_store_schema_version(const rta_store *store);

/* Progress of a long call: stage name, units done and total (total 0 if
 * unknown). Called from the calling thread; must not call back into rta. */
typedef void (*rta_progress_fn)(void *ctx, const char *stage, long done, long total);

typedef struct rta_import_options {
    const char *data_dir;     /* the bundled data folder (required) */
    rta_progress_fn progress; /* optional */
    void *progress_ctx;
} rta_import_options;

typedef struct rta_import_report {
    int revisions;             /* HTS editions and revisions imported */
    long rows_read;            /* HTS rows read over all revisions */
    long distinct_rows;        /* distinct row versions kept */
    long hs_codes;             /* HS 2022 chapters, headings, subheadings */
    long countries;            /* ISO 3166-1 entries */
    long census_countries;     /* Census country codes */
    long measures;             /* rows of data/measures/measures.csv */
    long product_list_entries; /* rows of the files in data/measures/lists/ */
    long snapshot_bytes;       /* size of the snapshot image */
    int snapshot_cached;       /* 1 if the cache file DB.snapshot was written */
    double seconds;            /* wall time */
} rta_import_report;

/* Imports data_dir into the store at db_path (created if missing), replacing
 * what the store held, in one transaction. report may be NULL. */
rta_status rta_store_import(const char *db_path, const rta_import_options *options,
                            rta_import_report *report, rta_error *err);

/* Reads a meta value ("imported_at", "rta_version", "data_dir",
 * "snapshot_checksum") into buf.
 * RTA_ERR_NOT_FOUND if absent. */
rta_status rta_store_meta(rta_store *store, const char *key, char *buf, size_t size,
                          rta_error *err);

#ifdef __cplusplus
}
#endif

#endif

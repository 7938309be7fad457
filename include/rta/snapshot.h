/*
 * rta/snapshot.h - the immutable, indexed, in-memory view of a store.
 *
 * Why: engines (schedule, duty, origin, balances) answer millions of lookups;
 * they must not touch SQLite on the hot path. A snapshot is loaded once from
 * the store's image (one read of a checked blob), is never modified, and can
 * be shared read-only by any number of threads. It holds the dated US HTS
 * (every revision), the HS 2022 nomenclature and the country tables.
 *
 * Revisions are ordered by effective date; revision i is in force from its
 * effective date to the day before the effective date of revision i+1.
 */
#ifndef RTA_SNAPSHOT_H
#define RTA_SNAPSHOT_H

#include "rta/date.h"
#include "rta/error.h"
#include "rta/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rta_snapshot rta_snapshot;

/* Opens the store at db_path for reading (query_only; read-write at the file
 * level when allowed, so a journal left by a killed import is rolled back)
 * and loads its snapshot image (from the cache file DB.snapshot when it is
 * the committed image, else from the store).
 * Free with rta_snapshot_free. */
rta_status rta_snapshot_load(const char *db_path, rta_snapshot **out, rta_error *err);

/* Loads the snapshot image of an open store. */
rta_status rta_snapshot_open(rta_store *store, rta_snapshot **out, rta_error *err);

/* Builds a snapshot from the store's tables without using the image (the slow
 * path the import uses to make the image; tests compare the two). */
rta_status rta_snapshot_rebuild(rta_store *store, rta_snapshot **out, rta_error *err);

/* Frees a snapshot; NULL is allowed. Every pointer borrowed from it dies. */
void rta_snapshot_free(rta_snapshot *snap);

/* Size in bytes of the snapshot's image. */
size_t rta_snapshot_bytes(const rta_snapshot *snap);

typedef struct rta_revision {
    const char *name;    /* "2025_rev_18", "2024_basic" */
    int edition;         /* 2024, 2025, 2026 */
    const char *format;  /* "usitc_json" or "usitc_csv" */
    const char *source;  /* bundled file it was read from, relative to data/ */
    const char *note;    /* policy event or editorial note ("" if none) */
    rta_day effective;   /* first day in force */
    rta_day until;       /* last day in force; INT32_MAX for the latest */
    rta_day policy_date; /* legal effective date of the policy it compiles, 0 if none */
    int has_policy_date;
    long rows; /* rows in this revision */
} rta_revision;

/* Number of revisions (all editions). */
int rta_snapshot_revision_count(const rta_snapshot *snap);

/* Fills out for revision index (0 = oldest). Returns 0 if out of range. */
int rta_snapshot_revision(const rta_snapshot *snap, int index, rta_revision *out);

/* The revision in force on day, or -1 if day precedes the first revision. */
int rta_snapshot_revision_on(const rta_snapshot *snap, rta_day day);

/* The revision named name ("2025_rev_18", also "2025_basic"), or -1. */
int rta_snapshot_revision_find(const rta_snapshot *snap, const char *name);

#ifdef __cplusplus
}
#endif

#endif

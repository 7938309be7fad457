/*
 * fuzz_measures.c - libFuzzer target for the measure file reader.
 *
 * The input is written as measures/measures.csv (with an empty lists folder
 * and a valid fees.csv) into a scratch data folder and imported into an
 * in-memory store inside a savepoint that is rolled back. Invariants: no
 * crash or sanitizer report; a rejected file has a located message.
 */
#include "measure_internal.h"
#include "snapshot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static char dir[64];

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

static void init(void)
{
    if (db)
        return;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || rta__store_migrate(db, NULL) != RTA_OK)
        abort();
    sqlite3_exec(db,
                 "INSERT INTO country VALUES('VN','VNM',704,'Viet Nam',NULL);"
                 "INSERT INTO country VALUES('CN','CHN',156,'China',NULL);",
                 NULL, NULL, NULL);
    snprintf(dir, sizeof dir, "/tmp/rta-fuzz-measures-%ld", (long)getpid());
    char path[256];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/measures", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/measures/lists", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/measures/lists/demo.csv", dir);
    const char list[] = "# source: fuzz\nhts,from,to\n6109,,\n851713,2025-04-05,\n";
    write_file(path, list, sizeof list - 1);
    snprintf(path, sizeof path, "%s/measures/fees.csv", dir);
    const char fees[] = "fee,rate,min_usd,max_usd,modes,from,to,source\n"
                        "mpf,0.3464,33.58,651.50,ocean air other,2025-10-01,2026-09-30,x\n";
    write_file(path, fees, sizeof fees - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    char path[256];
    snprintf(path, sizeof path, "%s/measures/measures.csv", dir);
    write_file(path, data, size);
    sqlite3_exec(db, "SAVEPOINT f", NULL, NULL, NULL);
    long measures = 0, entries = 0;
    rta_error err;
    rta_error_clear(&err);
    rta_status st = rta__import_measures(db, dir, &measures, &entries, &err);
    if (st != RTA_OK && err.message[0] == '\0')
        abort();
    sqlite3_exec(db, "ROLLBACK TO f; RELEASE f", NULL, NULL, NULL);
    return 0;
}

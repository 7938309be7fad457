/*
 * cmd_import.c - `rta import`: build the store from the bundled data.
 */
#include "cli.h"
#include "rta/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RTA_DEFAULT_DATA_DIR
#define RTA_DEFAULT_DATA_DIR "data"
#endif

static const char help[] =
    "usage: rta import [--db PATH] [--data DIR] [--quiet]\n"
    "\n"
    "Builds the store (an SQLite file; default $RTA_DB or ./rta.db) from the\n"
    "bundled data: HS 2022, the country tables, and every US HTS edition and\n"
    "revision listed in DIR/hts/revisions.csv. The import is one transaction:\n"
    "if it fails or is interrupted the previous store is left as it was.\n"
    "\n"
    "  --data DIR   the data folder (default: $RTA_DATA, else ./data if it\n"
    "               exists, else the folder rta was built from)\n"
    "  --quiet      no progress or summary\n";

typedef struct prog_state {
    int tty;
    char last[64];
} prog_state;

static void on_progress(void *ctx, const char *stage, long done, long total)
{
    prog_state *p = ctx;
    if (!p->tty)
        return;
    if (total > 0)
        fprintf(stderr, "\r\033[Kimporting %-14s %3ld/%ld", stage, done, total);
    else
        fprintf(stderr, "\r\033[Kimporting %-14s", stage);
    fflush(stderr);
    snprintf(p->last, sizeof p->last, "%s", stage);
}

int cmd_import(cli *c, int argc, char **argv)
{
    const char *data = getenv("RTA_DATA");
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r = cli_opt(argc, argv, &i, "--data", &v);
        if (r < 0)
            return cli_usage("import ", "--data needs a folder");
        if (r > 0) {
            data = v;
            continue;
        }
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return EXIT_OK;
        } else {
            return cli_usage("import ", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (data == NULL || data[0] == '\0')
        data = access("data/hts/revisions.csv", R_OK) == 0 ? "data" : RTA_DEFAULT_DATA_DIR;
    int existed = access(c->db, F_OK) == 0;
    prog_state ps = {0};
    ps.tty = !quiet && isatty(2);
    rta_import_options opt = {data, on_progress, &ps};
    rta_import_report rep;
    rta_error err;
    rta_status st = rta_store_import(c->db, &opt, &rep, &err);
    if (ps.tty)
        fputs("\r\033[K", stderr);
    if (st != RTA_OK) {
        cli_fail(&err);
        if (existed)
            fprintf(stderr, "rta: import failed; %s was left as it was\n", c->db);
        else
            fprintf(stderr, "rta: import failed; nothing was imported into %s\n", c->db);
        return EXIT_FAIL;
    }
    if (!quiet)
        fprintf(stderr,
                "rta: imported %s into %s in %.1f s: %d HTS revisions (%ld rows, %ld distinct), "
                "%ld HS 2022 codes, %ld countries, %ld Census codes; snapshot %.1f MiB%s\n",
                data, c->db, rep.seconds, rep.revisions, rep.rows_read, rep.distinct_rows,
                rep.hs_codes, rep.countries, rep.census_countries,
                (double)rep.snapshot_bytes / (1024.0 * 1024.0),
                rep.snapshot_cached ? "" : " (cache file not written: loads read the store)");
    return EXIT_OK;
}

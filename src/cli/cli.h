/*
 * cli.h - shared pieces of the rta command: options, errors, exit codes.
 *
 * Why: every subcommand parses the same global options (--db, --json...) and
 * reports errors the same compiler-like way; the computation itself lives in
 * the library.
 */
#ifndef RTA_CLI_H
#define RTA_CLI_H

#include "rta/error.h"
#include "rta/snapshot.h"

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli {
    const char *db;   /* --db, RTA_DB, or "rta.db" */
    const char *prog; /* "rta" */
} cli;

/* Prints "rta: <formatted error>" to stderr and returns EXIT_FAIL. */
int cli_fail(const rta_error *err);

/* Prints "rta: <message>" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...);

/* Loads the snapshot of the store named by c->db, reporting errors. */
int cli_load(const cli *c, rta_snapshot **snap);

/* If argv[*i] is `name` (with the value in the next argument) or
 * `name=value`, stores the value, advances *i and returns 1; returns -1 when
 * the value is missing, 0 when argv[*i] is another option. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

/* Prints s to stdout as a JSON string (quoted, escaped). */
void cli_json_str(const char *s);

int cmd_import(cli *c, int argc, char **argv);
int cmd_hts(cli *c, int argc, char **argv);
int cmd_code(cli *c, int argc, char **argv);
int cmd_duty(cli *c, int argc, char **argv);
int cmd_refund(cli *c, int argc, char **argv);
int cmd_timeline(cli *c, int argc, char **argv);
int cmd_reciprocal(cli *c, int argc, char **argv);
int cmd_balance(cli *c, int argc, char **argv);
int cmd_negotiation(cli *c, int argc, char **argv);
int cmd_round(cli *c, int argc, char **argv);
int cmd_list(cli *c, int argc, char **argv);
int cmd_outstanding(cli *c, int argc, char **argv);
int cmd_evaluate(cli *c, int argc, char **argv);
int cmd_compare(cli *c, int argc, char **argv);
int cmd_package(cli *c, int argc, char **argv);
/* issue 5, rules (cmd_origin.c): `rta origin rule|coverage`, dispatching check|rules */
int cmd_origin(cli *c, int argc, char **argv);
/* issue 5, verdicts (cmd_origin_check.c); `rta origin check|rules` are dispatched by
 * cmd_origin.c, `rta duty --bom` by cmd_duty(). */
int cmd_origin_check(cli *c, int argc, char **argv);
int cmd_origin_rules(cli *c, int argc, char **argv);
int cmd_duty_origin(cli *c, int argc, char **argv);

#endif

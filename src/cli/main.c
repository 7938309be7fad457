/*
 * main.c - the rta command: global options and subcommand dispatch.
 *
 * Why: the CLI is a thin layer over librta; it parses arguments, calls the
 * library and prints. Exit codes: 0 ok, 1 failure, 2 usage.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef RTA_VERSION_STRING
#define RTA_VERSION_STRING "0.1.0"
#endif

static const char usage_text[] =
    "usage: rta [--db PATH] COMMAND [ARGS]\n"
    "\n"
    "rta - reciprocal trade agreement engine: the US tariff schedule, dated,\n"
    "with every rate understood.\n"
    "\n"
    "commands:\n"
    "  import                 build the store (rta.db) from the bundled data\n"
    "  hts show CODE          a line of the US HTS on a date: path, units, rates\n"
    "  hts search WORDS       lines whose descriptions match, best first\n"
    "  hts rates --stats      rate-text parse coverage of every revision\n"
    "  hts revisions          the dated revisions in the store\n"
    "  code CODE              normalise an HS/HTS code: level, parent, HS 2022 text\n"
    "  duty --date D --origin CC --hts CODE --value USD\n"
    "                         the duty an entry pays, line by line (--batch for CSV)\n"
    "  refund --batch FILE    the IEEPA duties paid per entry (refundable)\n"
    "  timeline --origin CC --hts CODE\n"
    "                         every date the duty stack of a product changed\n"
    "  reciprocal [--partner P]\n"
    "                         the USTR reciprocal formula vs EO 14257 Annex I\n"
    "  balance PARTNER        the 2024 goods balance and imports by product\n"
    "  negotiation new|list|show|member\n"
    "                         a bilateral negotiation: parties, members, rounds, lists\n"
    "  round add|list NAME    the rounds of a negotiation (date, place, level, topic)\n"
    "  list add|show|versions|exchange|withdraw|status\n"
    "                         offer and request lists: immutable versions, drafts\n"
    "  outstanding NAME       line items not yet agreed, with the round last touched\n"
    "  evaluate LIST          what a list does to trade, revenue, welfare, the balance\n"
    "  compare A B            two lists side by side: lines, coverage, outcomes\n"
    "  package --goal G       the lines to offer that reach a goal at least cost\n"
    "  origin rule NAME CODE  the rule of origin for a product (ukvfta, cptpp, user sets)\n"
    "  origin coverage NAME   rules compiled vs kept as text, with the reasons\n"
    "  origin check --rules NAME --bom FILE\n"
    "                         does a bill of materials originate? (origin rules add|list|show)\n"
    "\n"
    "options:\n"
    "  --db PATH              the store (default: $RTA_DB, else ./rta.db)\n"
    "  -h, --help             this help; `rta COMMAND --help` for a command\n"
    "  --version              print the version\n"
    "\n"
    "exit status: 0 ok, 1 failure, 2 usage error.\n";

int cli_fail(const rta_error *err)
{
    char buf[1024];
    fprintf(stderr, "rta: %s\n", rta_error_format(err, buf, sizeof buf));
    return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rta: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry `rta %s--help`.\n", cmd ? cmd : "");
    return EXIT_USAGE;
}

int cli_load(const cli *c, rta_snapshot **snap)
{
    rta_error err;
    if (rta_snapshot_load(c->db, snap, &err) != RTA_OK)
        return cli_fail(&err);
    return EXIT_OK;
}

void cli_json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", stdout);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.prog = "rta";
    c.db = getenv("RTA_DB");
    if (c.db == NULL || c.db[0] == '\0')
        c.db = "rta.db";
    int i = 1;
    for (; i < argc; i++) {
        const char *v;
        int r = cli_opt(argc, argv, &i, "--db", &v);
        if (r < 0)
            return cli_usage(NULL, "--db needs a path");
        if (r > 0) {
            c.db = v;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("rta %s\n", RTA_VERSION_STRING);
            return EXIT_OK;
        }
        if (argv[i][0] == '-')
            return cli_usage(NULL, "unknown option %s", argv[i]);
        break;
    }
    if (i >= argc) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[i];
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    /* --db may also follow the command */
    for (int k = 1; k < sub_argc; k++) {
        const char *v;
        int r = cli_opt(sub_argc, sub_argv, &k, "--db", &v);
        if (r < 0)
            return cli_usage(NULL, "--db needs a path");
        if (r > 0) {
            c.db = v;
            /* remove the two (or one) arguments */
            int consumed =
                strchr(sub_argv[k], '=') && strncmp(sub_argv[k], "--db=", 5) == 0 ? 1 : 2;
            int from = k - consumed + 1;
            memmove(&sub_argv[from], &sub_argv[k + 1],
                    (size_t)(sub_argc - k - 1) * sizeof *sub_argv);
            sub_argc -= consumed;
            k = from - 1;
        }
    }
    if (strcmp(cmd, "import") == 0)
        return cmd_import(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "hts") == 0)
        return cmd_hts(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "code") == 0)
        return cmd_code(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "duty") == 0)
        return cmd_duty(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "refund") == 0)
        return cmd_refund(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "timeline") == 0)
        return cmd_timeline(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "reciprocal") == 0)
        return cmd_reciprocal(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "balance") == 0)
        return cmd_balance(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "origin") == 0)
        return cmd_origin(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "negotiation") == 0)
        return cmd_negotiation(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "round") == 0)
        return cmd_round(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "outstanding") == 0)
        return cmd_outstanding(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "evaluate") == 0)
        return cmd_evaluate(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(&c, sub_argc, sub_argv);
    if (strcmp(cmd, "package") == 0)
        return cmd_package(&c, sub_argc, sub_argv);
    return cli_usage(NULL, "unknown command \"%s\"", cmd);
}

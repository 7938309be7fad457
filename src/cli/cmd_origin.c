/*
 * cmd_origin.c - `rta origin rule NAME CODE` and `rta origin coverage NAME`,
 * and the dispatch of `rta origin check|rules` (cmd_origin_check.c).
 *
 * Why: a negotiator or a broker reads the rule for a product as the
 * agreement words it, as rta's plain syntax and as the tree a verdict walks;
 * coverage says how much of an agreement rta understood and why the rest is
 * left to a person. Printing only; the rule sets live in rta/origin.h.
 */
#include "cli.h"
#include "rta/origin.h"
#include "rta/store.h"
#include "rta/verdict.h"

#include <stdlib.h>
#include <string.h>

static const char help_origin[] =
    "usage: rta origin rule NAME CODE [--json]\n"
    "       rta origin coverage NAME [--json] [--text]\n"
    "       rta origin check --rules NAME --bom FILE [--json]\n"
    "       rta origin rules add|list|show ...\n"
    "\n"
    "Rules of origin. NAME is a bundled rule set (ukvfta: the UK-Viet Nam FTA,\n"
    "whose product-specific rules are the EU-Viet Nam FTA's; cptpp) or a set\n"
    "stored with `rta origin rules add`. The rule language: docs/origin-rules.md.\n"
    "\n"
    "  rule NAME CODE   the rule for a product (HS code, 2 to 10 digits): the\n"
    "                   agreement's words, the plain syntax, the tree, the\n"
    "                   tolerance and cumulation that apply\n"
    "  coverage NAME    rules compiled into trees vs kept as text for a person,\n"
    "                   with the reasons counted (--text lists those rules)\n"
    "\n"
    "--json: rule -> {name, code, scope, lo, hi, ex, text, source, syntax,\n"
    "compiled, tree, tolerance, cumulation}; coverage -> {name, source_rules,\n"
    "source_compiled, source_pct, rules, rules_compiled, rules_pct,\n"
    "tag_mismatches, reasons: [{reason, count}]}.\n"
    "exit status: 0 ok, 1 failure (unknown set, no rule for the code), 2 usage.\n";

static int load(const cli *c, const char *name, rta_ruleset **rs)
{
    rta_error err;
    rta_store *store = NULL;
    *rs = NULL;
    if (rta_store_open(c->db, RTA_STORE_READONLY, &store, &err) != RTA_OK) {
        /* without a store the bundled sets still load from the default data folder */
        if (rta_ruleset_is_bundled(name)) {
            const char *dir = getenv("RTA_DATA");
#ifdef RTA_DEFAULT_DATA_DIR
            if (dir == NULL)
                dir = RTA_DEFAULT_DATA_DIR;
#endif
            if (dir != NULL && rta_ruleset_load_bundled(name, dir, rs, &err) == RTA_OK)
                return EXIT_OK;
        }
        return cli_fail(&err);
    }
    rta_status st = rta_ruleset_resolve(store, name, 0, rs, &err);
    rta_store_close(store);
    return st == RTA_OK ? EXIT_OK : cli_fail(&err);
}

static void print_pct_str(const char *label, int64_t upct)
{
    if (upct < 0)
        return;
    printf("%s%lld", label, (long long)(upct / 1000000));
    if (upct % 1000000) {
        char f[8];
        snprintf(f, sizeof f, "%06lld", (long long)(upct % 1000000));
        for (int i = 5; i > 0 && f[i] == '0'; i--)
            f[i] = '\0';
        printf(".%s", f);
    }
    printf("%%");
}

static int rule_cmd(const cli *c, int argc, char **argv)
{
    const char *name = NULL, *code = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_origin, stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("origin ", "unknown option %s", argv[i]);
        else if (name == NULL)
            name = argv[i];
        else if (code == NULL)
            code = argv[i];
        else
            return cli_usage("origin ", "unexpected argument \"%s\"", argv[i]);
    }
    if (name == NULL || code == NULL)
        return cli_usage("origin ", "origin rule needs NAME and CODE");
    rta_ruleset *rs = NULL;
    int rc = load(c, name, &rs);
    if (rc != EXIT_OK)
        return rc;
    rta_error err;
    const rta_rule *rule = NULL;
    rta_status st = rta_ruleset_find(rs, code, &rule, &err);
    if (st != RTA_OK) {
        rta_ruleset_free(rs);
        return st == RTA_ERR_INVALID ? cli_usage("origin ", "%s", err.message) : cli_fail(&err);
    }
    if (json) {
        char *j = rta_rule_json(rule);
        if (j == NULL) {
            rta_ruleset_free(rs);
            fprintf(stderr, "rta: out of memory\n");
            return EXIT_FAIL;
        }
        /* {"name":..., "code":..., <the rule's fields>} */
        printf("{\"name\":\"%s\",\"code\":\"%s\",%s\n", rta_ruleset_name(rs), code, j + 1);
        free(j);
        rta_ruleset_free(rs);
        return EXIT_OK;
    }
    size_t need = rta_rule_format(rule, NULL, 0);
    char *syn = malloc(need + 1);
    char *dump = rta_node_dump(rule->root);
    if (syn == NULL || dump == NULL) {
        free(syn);
        free(dump);
        rta_ruleset_free(rs);
        fprintf(stderr, "rta: out of memory\n");
        return EXIT_FAIL;
    }
    rta_rule_format(rule, syn, need + 1);
    printf("rule set: %s (%s)\n", rta_ruleset_name(rs), rta_ruleset_title(rs));
    printf("product:  %s\n", code);
    if (rule->source != NULL)
        printf("source:   %s\n", rule->source);
    if (rule->text != NULL) {
        printf("text:\n  ");
        for (const char *s = rule->text; *s; s++) {
            putchar(*s);
            if (*s == '\n')
                fputs("  ", stdout);
        }
        putchar('\n');
    }
    printf("syntax:\n  %s\n", syn);
    printf("tree:\n");
    for (char *line = strtok(dump, "\n"); line != NULL; line = strtok(NULL, "\n"))
        printf("  %s\n", line);
    printf("compiled: %s\n", rule->has_text_node
                                 ? "no: part of the rule is kept as text; a person must decide it"
                                 : "yes");
    printf("tolerance:");
    if (rule->tolerance.value_upct < 0 && rule->tolerance.weight_upct < 0)
        printf(" none");
    print_pct_str(" value ", rule->tolerance.value_upct);
    print_pct_str(" weight ", rule->tolerance.weight_upct);
    if (rule->tolerance.cite != NULL)
        printf(" (%s)", rule->tolerance.cite);
    printf("\n");
    for (size_t i = 0; i < rule->n_cumulation; i++) {
        const rta_cumulation *cu = &rule->cumulation[i];
        printf("cumulation: %s", rta_cumulation_kind_name(cu->kind));
        for (size_t k = 0; k < cu->n_partners; k++)
            printf("%s%s", k ? "," : " ", cu->partners[k]);
        if (!cu->in_force)
            printf(" [not applied]");
        if (cu->cite != NULL)
            printf(" (%s)", cu->cite);
        printf("\n");
    }
    free(syn);
    free(dump);
    rta_ruleset_free(rs);
    return EXIT_OK;
}

/* "SCOPE: reason: words" for each TEXT node of a rule */
static void print_text_nodes(const rta_rule *r, const rta_node *n)
{
    if (n->kind == RTA_NODE_AND || n->kind == RTA_NODE_OR) {
        for (size_t i = 0; i < n->u.kids.n; i++)
            print_text_nodes(r, &n->u.kids.v[i]);
        return;
    }
    if (n->kind != RTA_NODE_TEXT)
        return;
    char scope[64];
    size_t k = rta_rule_format(r, scope, sizeof scope);
    char *colon = strchr(scope, ':');
    if (colon != NULL)
        *colon = '\0';
    (void)k;
    printf("%s: %s: ", scope, n->u.text.reason);
    for (const char *w = n->u.text.words; *w; w++)
        putchar(*w == '\n' ? ' ' : *w);
    putchar('\n');
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static int coverage_cmd(const cli *c, int argc, char **argv)
{
    const char *name = NULL;
    int json = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--text") == 0)
            list = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_origin, stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("origin ", "unknown option %s", argv[i]);
        else if (name == NULL)
            name = argv[i];
        else
            return cli_usage("origin ", "unexpected argument \"%s\"", argv[i]);
    }
    if (name == NULL)
        return cli_usage("origin ", "origin coverage needs NAME");
    rta_ruleset *rs = NULL;
    int rc = load(c, name, &rs);
    if (rc != EXIT_OK)
        return rc;
    rta_error err;
    rta_coverage cov;
    if (rta_ruleset_coverage(rs, &cov, &err) != RTA_OK) {
        rta_ruleset_free(rs);
        return cli_fail(&err);
    }
    /* percentages are display only (double is fine here: not a duty path) */
    if (json) {
        printf("{\"name\":\"%s\",\"source_rules\":%zu,\"source_compiled\":%zu,"
               "\"source_pct\":%.1f,\"rules\":%zu,\"rules_compiled\":%zu,\"rules_pct\":%.1f,"
               "\"tag_mismatches\":%zu,\"reasons\":[",
               rta_ruleset_name(rs), cov.source_rules, cov.source_compiled,
               pct(cov.source_compiled, cov.source_rules), cov.rules, cov.rules_compiled,
               pct(cov.rules_compiled, cov.rules), cov.tag_mismatches);
        for (size_t i = 0; i < cov.n_reasons; i++) {
            printf("%s{\"reason\":", i ? "," : "");
            cli_json_str(cov.reasons[i].reason);
            printf(",\"count\":%zu}", cov.reasons[i].count);
        }
        printf("]}\n");
    } else {
        printf("rule set: %s (%s)\n", rta_ruleset_name(rs), rta_ruleset_title(rs));
        printf("source rules:   %zu, compiled %zu (%.1f%%), kept as text %zu\n", cov.source_rules,
               cov.source_compiled, pct(cov.source_compiled, cov.source_rules),
               cov.source_rules - cov.source_compiled);
        printf("product scopes: %zu, fully compiled %zu (%.1f%%)\n", cov.rules, cov.rules_compiled,
               pct(cov.rules_compiled, cov.rules));
        if (cov.tag_mismatches > 0)
            printf("class tags not shown by the compiled text: %zu\n", cov.tag_mismatches);
        if (cov.n_reasons > 0)
            printf("kept as text, by reason:\n");
        for (size_t i = 0; i < cov.n_reasons; i++)
            printf("  %5zu  %s\n", cov.reasons[i].count, cov.reasons[i].reason);
        if (list) {
            for (size_t i = 0; i < rta_ruleset_count(rs); i++) {
                const rta_rule *r = rta_ruleset_rule(rs, i);
                if (!r->has_text_node)
                    continue;
                print_text_nodes(r, r->root);
            }
        }
    }
    rta_coverage_free(&cov);
    rta_ruleset_free(rs);
    return EXIT_OK;
}

int cmd_origin(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help_origin, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "rule") == 0)
        return rule_cmd(c, argc - 1, argv + 1);
    if (strcmp(sub, "coverage") == 0)
        return coverage_cmd(c, argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return cmd_origin_check(c, argc - 1, argv + 1);
    if (strcmp(sub, "rules") == 0)
        return cmd_origin_rules(c, argc - 1, argv + 1);
    return cli_usage("origin ", "unknown subcommand \"%s\" (rule, coverage, check, rules)", sub);
}

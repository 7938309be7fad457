/*
 * cmd_sim.c - `rta evaluate`, `rta compare` and `rta package`: argument
 * parsing and printing over rta/sim.h (the partial-equilibrium evaluation of
 * negotiating lists in the US and Viet Nam markets).
 */
#include "cli.h"
#include "rta/duty.h"
#include "rta/lines.h"
#include "rta/negotiation.h"
#include "rta/reciprocal.h"
#include "rta/sim.h"
#include "rta/store.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RTA_DEFAULT_DATA_DIR
#define RTA_DEFAULT_DATA_DIR "data"
#endif

static const char help_evaluate[] =
    "usage: rta evaluate LIST [VN_LIST] [--market US|VN|both] [--partner CC] [--date D]\n"
    "                    [--model linear|ces] [--sigma S] [--year Y] [--imports FILE]\n"
    "                    [--demo] [--elasticity E] [--no-programs] [--as P]\n"
    "                    [--data DIR] [--json | --csv] [--svg FILE]\n"
    "\n"
    "What a negotiating list does to trade, tariff revenue, welfare and the US\n"
    "balance with the partner: the SMART partial-equilibrium model (docs/sim.md),\n"
    "per product and exporter: trade creation, diversion (sums to zero per\n"
    "product), new imports, revenue change, welfare; by partner, HS section and\n"
    "chapter; the balance before and after and the reciprocal-formula rate it\n"
    "implies.\n"
    "\n"
    "LIST is a line file (CSV code,treatment,value[,staging_years,description])\n"
    "or a list of the negotiation store (\"7\" or \"vn-us/VN/3/offer\"; the list\n"
    "says its market and exporter; a draft is visible only to its delegation:\n"
    "--as P or RTA_DELEGATION). For a file, --market (default US) says where\n"
    "it applies and --partner the exporter (default: VN in the US market, US in\n"
    "the VN market). --market both evaluates LIST in the US market and VN_LIST\n"
    "(or LIST) in the Viet Nam market.\n"
    "\n"
    "US market: 2024 Census imports by HS10 x partner; base tariffs = the duty\n"
    "stack on --date (default today) as ad valorem equivalents; FTA partners at\n"
    "their program's rate (--no-programs: General column for all).\n"
    "VN market: base rates of the EVFTA schedule (AHTN 2012, 2012-era MFN); base\n"
    "imports from --imports FILE (code,partner,value,year); --demo labels a file\n"
    "built from the bundled category fragments as a coarse demo.\n"
    "--model linear (Laird-Yeats, default) or ces (exact constant elasticity);\n"
    "--sigma substitution elasticity (1.5); --year Y evaluates staging year Y\n"
    "(default: the end state); --elasticity E (> 0) one import demand elasticity\n"
    "-E for every product instead of Hauk (2012).\n"
    "--json: {markets: [...], balance}; --csv: one row per aggregate;\n"
    "--svg FILE: creation and diversion by partner (first market).\n"
    "Exit: 0 evaluated, 1 failure (bad file, list not visible, no data), 2 usage.\n";

static const char help_compare[] =
    "usage: rta compare A B [--market US|VN] [--partner CC] [--date D] [--model M]\n"
    "                   [--sigma S] [--year Y] [--imports FILE] [--demo] [--data DIR]\n"
    "                   [--as P] [--json]\n"
    "\n"
    "Two lists (files or store references) side by side in one market: lines\n"
    "added, dropped and changed (by scope), coverage (share of the exporter's\n"
    "tariff lines and of its trade at zero duty, before and under each list),\n"
    "and the difference B - A of every outcome of the evaluation.\n"
    "Exit: 0 compared, 1 failure, 2 usage.\n";

static const char help_package[] =
    "usage: rta package --goal exports:USD|deficit-cut:PCT [--market VN|US]\n"
    "                   [--partner CC] [--sensitive FILE] [--max-revenue-loss USD]\n"
    "                   [--rate PCT] [--date D] [--model M] [--sigma S]\n"
    "                   [--imports FILE] [--demo] [--data DIR] [--json | --csv]\n"
    "\n"
    "Chooses the products to offer (duty --rate, default 0, on the exporter's\n"
    "goods) that raise the market's imports from the exporter by the goal at the\n"
    "least tariff revenue loss. exports:USD is the increase in dollars;\n"
    "deficit-cut:PCT (VN market: US exports to Viet Nam) is PCT percent of the\n"
    "2024 US deficit with Viet Nam (Census). --sensitive FILE: a line file whose\n"
    "scopes may not be offered; --max-revenue-loss caps the cost. Products are\n"
    "independent in the model, so this is a covering knapsack: greedy by cost\n"
    "per dollar with a repair of the last item; the LP relaxation gives a lower\n"
    "bound on the optimal cost and the gap is printed.\n"
    "--csv: the chosen lines as a line file (code,treatment,value,...) with\n"
    "benefit and cost columns.\n"
    "Exit: 0 goal reached, 1 goal not reached or failure, 2 usage.\n";

typedef struct opts {
    const char *market, *partner, *date, *model, *sigma, *year, *imports, *data, *viewer, *svg,
        *elasticity, *goal, *sensitive, *max_loss, *rate;
    int json, csv, demo, no_programs;
    const char *pos[3];
    int npos;
} opts;

static int parse_opts(const char *cmd, int argc, char **argv, opts *o, const char *help)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        struct {
            const char *name;
            const char **slot;
        } vals[] = {{"--market", &o->market},
                    {"--partner", &o->partner},
                    {"--date", &o->date},
                    {"--model", &o->model},
                    {"--sigma", &o->sigma},
                    {"--year", &o->year},
                    {"--imports", &o->imports},
                    {"--data", &o->data},
                    {"--viewer", &o->viewer},
                    {"--as", &o->viewer},
                    {"--svg", &o->svg},
                    {"--elasticity", &o->elasticity},
                    {"--goal", &o->goal},
                    {"--sensitive", &o->sensitive},
                    {"--max-revenue-loss", &o->max_loss},
                    {"--rate", &o->rate}};
        int matched = 0;
        for (size_t k = 0; k < sizeof vals / sizeof vals[0] && !matched; k++) {
            int r = cli_opt(argc, argv, &i, vals[k].name, vals[k].slot);
            if (r < 0)
                return cli_usage(cmd, "%s needs a value", vals[k].name);
            matched = r;
        }
        if (matched)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return -1;
        } else if (strcmp(a, "--json") == 0)
            o->json = 1;
        else if (strcmp(a, "--csv") == 0)
            o->csv = 1;
        else if (strcmp(a, "--demo") == 0)
            o->demo = 1;
        else if (strcmp(a, "--no-programs") == 0)
            o->no_programs = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return cli_usage(cmd, "unknown option %s", a);
        else if (o->npos < 3)
            o->pos[o->npos++] = a;
        else
            return cli_usage(cmd, "too many arguments");
    }
    if (o->json && o->csv)
        return cli_usage(cmd, "--json and --csv exclude each other");
    return EXIT_OK;
}

/* A whole finite decimal: an empty text or trailing characters are no number. */
static int parse_real(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* An exporter: two capitals (ISO 3166 alpha-2); it is printed into JSON. */
static int check_partner(const char *cmd, const char *p)
{
    if (strlen(p) != 2 || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2)
        return cli_usage(cmd, "--partner: \"%s\" is not an ISO 3166 alpha-2 code (VN, US)", p);
    return EXIT_OK;
}

static int parse_params(const char *cmd, const opts *o, rta_sim_params *p)
{
    rta_sim_defaults(p);
    if (o->model && rta_sim_model_parse(o->model, &p->model) != 0)
        return cli_usage(cmd, "--model: \"%s\" is not linear or ces", o->model);
    if (o->sigma && parse_real(o->sigma, &p->sigma) != 0)
        return cli_usage(cmd, "--sigma: \"%s\" is not a number", o->sigma);
    if (o->year) {
        char *end;
        long y = strtol(o->year, &end, 10);
        if (*end || y < 1 || y > 100)
            return cli_usage(cmd, "--year: \"%s\" is not a staging year (1..100)", o->year);
        p->year = (int)y;
    }
    rta_error err;
    if (rta_sim_params_check(p, &err) != RTA_OK)
        return cli_usage(cmd, "%s: %s", err.input, err.message);
    return EXIT_OK;
}

static int parse_eta(const char *cmd, const opts *o, double *eta)
{
    *eta = 0;
    if (!o->elasticity)
        return EXIT_OK;
    double v;
    if (parse_real(o->elasticity, &v) != 0 || v <= 0 || v > 100)
        return cli_usage(cmd, "--elasticity: \"%s\" is not a magnitude in (0, 100]", o->elasticity);
    *eta = -v;
    return EXIT_OK;
}

static const char *data_dir(const opts *o, rta_store *store, char *buf, size_t size)
{
    if (o->data)
        return o->data;
    struct stat sb;
    if (store && rta_store_meta(store, "data_dir", buf, size, NULL) == RTA_OK &&
        stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
        return buf;
    return RTA_DEFAULT_DATA_DIR;
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Everything one command holds open. */
typedef struct env {
    rta_store *store;
    rta_snapshot *snap;
    rta_duty *duty;
    rta_partners *partners;
    char data[1024];
    const char *data_dir;
} env;

static void env_close(env *e)
{
    rta_partners_free(e->partners);
    rta_duty_close(e->duty);
    rta_snapshot_free(e->snap);
    rta_store_close(e->store);
}

static int env_open(const cli *c, const opts *o, env *e)
{
    rta_error err;
    memset(e, 0, sizeof *e);
    if (rta_store_open(c->db, RTA_STORE_READONLY, &e->store, &err) != RTA_OK)
        return cli_fail(&err);
    if (rta_partners_load(e->store, &e->partners, &err) != RTA_OK)
        return cli_fail(&err);
    if (cli_load(c, &e->snap) != EXIT_OK)
        return EXIT_FAIL;
    e->data_dir = data_dir(o, e->store, e->data, sizeof e->data);
    return EXIT_OK;
}

/* A list: a file, or a reference to the negotiation store. */
typedef struct list {
    const char *name;
    rta_lines lines;
    char market[3], partner[3];
    int from_store;
} list;

static int list_load(const char *cmd, env *e, const opts *o, const char *ref, const char *market,
                     list *l)
{
    rta_error err;
    memset(l, 0, sizeof *l);
    l->name = ref;
    if (is_file(ref)) {
        if (rta_lines_read(ref, &l->lines, &err) != RTA_OK)
            return cli_fail(&err);
        snprintf(l->market, sizeof l->market, "%s", market);
        const char *p = o->partner ? o->partner : strcmp(market, "US") == 0 ? "VN" : "US";
        if (check_partner(cmd, p) != EXIT_OK)
            return EXIT_USAGE;
        snprintf(l->partner, sizeof l->partner, "%s", p);
        return EXIT_OK;
    }
    if (strchr(ref, '/') == NULL && strspn(ref, "0123456789") != strlen(ref))
        return cli_usage(cmd,
                         "LIST \"%s\" is neither a file nor a list reference (ID or "
                         "NEGOTIATION/PARTY/ROUND/KIND)",
                         ref);
    const char *viewer = o->viewer ? o->viewer : getenv("RTA_DELEGATION");
    if (rta_negotiation_list_lines(e->store, ref, viewer ? viewer : "", &l->lines, l->market,
                                   l->partner, &err) != RTA_OK)
        return cli_fail(&err);
    l->from_store = 1;
    return EXIT_OK;
}

static int market_open(env *e, const opts *o, const char *which, rta_day date, double eta,
                       rta_market **m)
{
    rta_error err;
    *m = NULL;
    if (strcmp(which, "US") == 0) {
        if (e->duty == NULL && rta_duty_open(e->store, e->snap, &e->duty, &err) != RTA_OK)
            return cli_fail(&err);
        rta_us_market_options uo = {0};
        uo.date = date;
        uo.data_dir = e->data_dir;
        uo.claim_programs = !o->no_programs;
        uo.eta_override = eta;
        if (rta_market_load_us(e->store, e->snap, e->duty, &uo, m, &err) != RTA_OK)
            return cli_fail(&err);
        return EXIT_OK;
    }
    rta_vn_market_options vo = {0};
    vo.data_dir = e->data_dir;
    vo.imports_path = o->imports;
    vo.demo = o->demo;
    vo.eta_override = eta;
    if (rta_market_load_vn(e->snap, &vo, m, &err) != RTA_OK)
        return cli_fail(&err);
    return EXIT_OK;
}

/* One evaluation of a list in a market. */
typedef struct eval {
    rta_market *market;
    rta_scenario *scn;
    rta_sim_result *res;
    rta_apply_report applied;
    list *l;
} eval;

static void eval_free(eval *v)
{
    rta_sim_result_free(v->res);
    rta_scenario_free(v->scn);
    rta_market_free(v->market);
}

static int eval_run(env *e, list *l, rta_market *m, const rta_sim_params *p, eval *v)
{
    rta_error err;
    memset(v, 0, sizeof *v);
    v->market = m;
    v->l = l;
    if (rta_scenario_new(m, &v->scn, &err) != RTA_OK ||
        rta_scenario_apply_lines(v->scn, e->snap, &l->lines, l->partner, p, l->name, &v->applied,
                                 &err) != RTA_OK ||
        rta_sim_result_new(m, &v->res, &err) != RTA_OK ||
        rta_sim_run(m, v->scn, p, v->res, &err) != RTA_OK)
        return cli_fail(&err);
    return EXIT_OK;
}

static int resolve_date(const char *cmd, const opts *o, rta_day *date)
{
    *date = rta_date_today();
    if (o->date) {
        rta_error err;
        if (rta_date_parse(o->date, date, &err) != RTA_OK)
            return cli_usage(cmd, "--date: %s", err.message);
    }
    return EXIT_OK;
}

static void print_text(const eval *v, const rta_sim_balance *bal)
{
    rta_market_info mi;
    rta_market_get_info(v->market, &mi);
    const rta_sim_result *r = v->res;
    char date[16] = "";
    if (mi.tariff_date)
        rta_date_format(mi.tariff_date, date, sizeof date);
    printf("%s market: list %s applied to goods from %s (%s model, sigma %g, %s)\n", mi.market,
           v->l->name, v->l->partner, rta_sim_model_name(r->params.model), r->params.sigma,
           r->params.year < 0 ? "end state" : "staging year");
    printf("  detail:    %s\n  tariffs:   %s%s%s\n  trade:     %s\n  elasticity: %s\n", mi.detail,
           mi.tariff_note, date[0] ? " (date " : "", date[0] ? date : "", mi.trade_note,
           mi.eta_note);
    if (date[0])
        printf("  (tariff date %s)\n", date);
    if (mi.skipped_cells)
        printf("  left out:  %s\n", mi.skipped_note);
    printf("  lines: %ld read, %ld with trade, %ld cells changed in %ld products\n",
           v->applied.lines, v->applied.lines_with_trade, r->cells_changed, r->products_changed);
    printf("  base imports       %18.0f US$\n", r->total.base_usd);
    printf("  new imports        %18.0f US$\n", r->total.new_usd);
    printf("  trade creation     %18.0f US$\n", r->total.creation_usd);
    printf("  trade diversion    %18.0f US$ (towards gainers; net %.0f)\n",
           r->total.diversion_in_usd, r->total.diversion_usd + 0.0);
    printf("  revenue change     %18.0f US$ (base revenue %.0f)\n", r->total.revenue_change_usd,
           r->total.revenue_base_usd);
    printf("  welfare            %18.0f US$\n", r->total.welfare_usd);
    const rta_sim_group *g = rta_sim_partner(r, v->l->partner);
    if (g)
        printf("  from %s: base %.0f, creation %.0f, diversion %.0f, new %.0f\n", v->l->partner,
               g->t.base_usd, g->t.creation_usd, g->t.diversion_usd, g->t.new_usd);
    if (bal)
        printf("  US balance with %s: before %.0f, after %.0f US$; reciprocal formula: %.1f%% "
               "-> %d%% applied before, %.1f%% -> %d%% after\n",
               bal->partner->iso2, bal->balance_before_usd, bal->balance_after_usd,
               bal->reciprocal_before.computed_pct, bal->reciprocal_before.applied_pct,
               bal->reciprocal_after.computed_pct, bal->reciprocal_after.applied_pct);
}

static int compute_balance(env *e, const char *iso, const rta_sim_result *us,
                           const rta_sim_result *vn, rta_sim_balance *bal, int *have)
{
    const rta_partner *p = NULL;
    *have = 0;
    if (rta_partners_find(e->partners, iso, &p, NULL) != RTA_OK)
        return EXIT_OK; /* no Census figures for this partner: no balance */
    rta_error err;
    if (rta_sim_balance_compute(p, us, vn, bal, &err) != RTA_OK)
        return cli_fail(&err);
    *have = 1;
    return EXIT_OK;
}

int cmd_evaluate(cli *c, int argc, char **argv)
{
    opts o;
    int rc = parse_opts("evaluate", argc, argv, &o, help_evaluate);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (o.npos < 1)
        return cli_usage("evaluate", "give a LIST (a line file or a list reference)");
    rta_sim_params p;
    double eta;
    rta_day date;
    if ((rc = parse_params("evaluate", &o, &p)) != EXIT_OK ||
        (rc = parse_eta("evaluate", &o, &eta)) != EXIT_OK ||
        (rc = resolve_date("evaluate", &o, &date)) != EXIT_OK)
        return rc;
    const char *mk = o.market ? o.market : "US";
    int both = strcmp(mk, "both") == 0;
    if (!both && strcmp(mk, "US") != 0 && strcmp(mk, "VN") != 0)
        return cli_usage("evaluate", "--market: \"%s\" is not US, VN or both", mk);
    if (o.npos > 1 && !both)
        return cli_usage("evaluate", "a second list is for --market both (the VN market)");
    env e;
    list l[2];
    memset(l, 0, sizeof l);
    eval v[2];
    memset(v, 0, sizeof v);
    int nv = 0;
    char *out = NULL;
    rc = env_open(c, &o, &e);
    if (rc != EXIT_OK)
        goto done;
    const char *markets[2] = {both ? "US" : mk, "VN"};
    int nm = both ? 2 : 1;
    for (int i = 0; i < nm; i++) {
        const char *ref = o.pos[i < o.npos ? i : 0];
        if ((rc = list_load("evaluate", &e, &o, ref, markets[i], &l[i])) != EXIT_OK)
            goto done;
        if (l[i].from_store && both && strcmp(l[i].market, markets[i]) != 0) {
            rc = cli_usage("evaluate", "list %s applies in the %s market, not %s", ref, l[i].market,
                           markets[i]);
            goto done;
        }
        rta_market *m = NULL;
        if ((rc = market_open(&e, &o, l[i].market, date, eta, &m)) != EXIT_OK)
            goto done;
        rc = eval_run(&e, &l[i], m, &p, &v[i]);
        nv++;
        if (rc != EXIT_OK)
            goto done;
    }
    /* the balance: the US with the non-US party */
    const rta_sim_result *us = NULL, *vn = NULL;
    const char *other = NULL;
    for (int i = 0; i < nv; i++) {
        if (strcmp(l[i].market, "US") == 0) {
            us = v[i].res;
            other = l[i].partner;
        } else {
            vn = v[i].res;
            other = l[i].market;
        }
    }
    rta_sim_balance bal;
    int have = 0;
    if ((rc = compute_balance(&e, other, us, vn, &bal, &have)) != EXIT_OK)
        goto done;
    rta_error err;
    if (o.json) {
        fputs("{\"markets\":[", stdout);
        for (int i = 0; i < nv; i++) {
            rta_sim_report rep = {l[i].name, l[i].partner,  v[i].market,
                                  v[i].res,  &v[i].applied, have ? &bal : NULL};
            out = NULL;
            if (rta_sim_report_json(&rep, &out, &err) != RTA_OK) {
                rc = cli_fail(&err);
                goto done;
            }
            printf("%s%s", i ? "," : "", out);
            free(out);
            out = NULL;
        }
        fputs("],\"balance\":", stdout);
        if (have) {
            if (rta_sim_balance_json(&bal, &out, &err) != RTA_OK) {
                rc = cli_fail(&err);
                goto done;
            }
            fputs(out, stdout);
        } else
            fputs("null", stdout);
        fputs("}\n", stdout);
    } else if (o.csv) {
        for (int i = 0; i < nv; i++) {
            rta_sim_report rep = {l[i].name, l[i].partner,  v[i].market,
                                  v[i].res,  &v[i].applied, NULL};
            out = NULL;
            if (rta_sim_report_csv(&rep, i == 0, &out, &err) != RTA_OK) {
                rc = cli_fail(&err);
                goto done;
            }
            fputs(out, stdout);
            free(out);
            out = NULL;
        }
    } else {
        for (int i = 0; i < nv; i++)
            print_text(&v[i], have && i == nv - 1 ? &bal : NULL);
    }
    if (o.svg) {
        rta_sim_report rep = {l[0].name, l[0].partner, v[0].market, v[0].res, &v[0].applied, NULL};
        if (rta_sim_report_svg(&rep, &out, &err) != RTA_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        FILE *f = fopen(o.svg, "w");
        if (f == NULL || fputs(out, f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "rta: %s: cannot write: %s\n", o.svg, strerror(errno));
            rc = EXIT_FAIL;
            goto done;
        }
    }
    rc = EXIT_OK;
done:
    free(out);
    for (int i = 0; i < 2; i++) {
        eval_free(&v[i]);
        rta_lines_free(&l[i].lines);
    }
    env_close(&e);
    return rc;
}

/* ---- compare ---- */

static int same_line(const rta_line *a, const rta_line *b)
{
    return a->treatment == b->treatment && a->value_millionths == b->value_millionths &&
           a->staging_years == b->staging_years;
}

static const rta_line *find_scope(const rta_lines *ls, const rta_line *x)
{
    for (size_t i = 0; i < ls->count; i++)
        if (strcmp(ls->items[i].code, x->code) == 0 &&
            strcmp(ls->items[i].code_to, x->code_to) == 0)
            return &ls->items[i];
    return NULL;
}

/* Share of the exporter's cells (tariff lines x exporter) and of its trade at zero duty. */
static void coverage(const rta_market *m, const double *t, const char *partner, double *lines,
                     double *trade)
{
    long n = 0, z = 0;
    double tv = 0, zv = 0;
    for (long i = 0; i < rta_market_cells(m); i++) {
        if (strcmp(rta_market_cell_partner(m, i), partner) != 0)
            continue;
        double b = rta_market_cell_base(m, i);
        n++;
        tv += b;
        if (t[i] == 0) {
            z++;
            zv += b;
        }
    }
    *lines = n ? (double)z / (double)n : 0;
    *trade = tv > 0 ? zv / tv : 0;
}

int cmd_compare(cli *c, int argc, char **argv)
{
    opts o;
    int rc = parse_opts("compare", argc, argv, &o, help_compare);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (o.npos != 2)
        return cli_usage("compare", "give two lists A and B");
    rta_sim_params p;
    double eta;
    rta_day date;
    if ((rc = parse_params("compare", &o, &p)) != EXIT_OK ||
        (rc = parse_eta("compare", &o, &eta)) != EXIT_OK ||
        (rc = resolve_date("compare", &o, &date)) != EXIT_OK)
        return rc;
    const char *mk = o.market ? o.market : "US";
    if (strcmp(mk, "US") != 0 && strcmp(mk, "VN") != 0)
        return cli_usage("compare", "--market: \"%s\" is not US or VN", mk);
    env e;
    list l[2];
    eval v[2];
    memset(l, 0, sizeof l);
    memset(v, 0, sizeof v);
    rta_market *m = NULL;
    rc = env_open(c, &o, &e);
    for (int i = 0; i < 2 && rc == EXIT_OK; i++)
        rc = list_load("compare", &e, &o, o.pos[i], mk, &l[i]);
    if (rc == EXIT_OK &&
        (strcmp(l[0].market, l[1].market) != 0 || strcmp(l[0].partner, l[1].partner) != 0))
        rc = cli_usage("compare",
                       "A applies in %s to %s goods, B in %s to %s goods: compare "
                       "lists of one market and exporter",
                       l[0].market, l[0].partner, l[1].market, l[1].partner);
    if (rc == EXIT_OK)
        rc = market_open(&e, &o, l[0].market, date, eta, &m);
    for (int i = 0; i < 2 && rc == EXIT_OK; i++) {
        rc = eval_run(&e, &l[i], m, &p, &v[i]);
        v[i].market = NULL; /* shared: freed once below */
    }
    if (rc != EXIT_OK)
        goto done;
    long added = 0, dropped = 0, changed = 0;
    for (size_t i = 0; i < l[1].lines.count; i++) {
        const rta_line *x = find_scope(&l[0].lines, &l[1].lines.items[i]);
        if (x == NULL)
            added++;
        else if (!same_line(x, &l[1].lines.items[i]))
            changed++;
    }
    for (size_t i = 0; i < l[0].lines.count; i++)
        if (find_scope(&l[1].lines, &l[0].lines.items[i]) == NULL)
            dropped++;
    double base_l, base_t, cov_l[2], cov_t[2];
    rta_scenario *b0 = NULL;
    rta_error err;
    if (rta_scenario_new(m, &b0, &err) != RTA_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    double *t0 = malloc((size_t)(rta_market_cells(m) + 1) * sizeof *t0);
    if (t0 == NULL) {
        rta_scenario_free(b0);
        fprintf(stderr, "rta: out of memory\n");
        rc = EXIT_FAIL;
        goto done;
    }
    for (long i = 0; i < rta_market_cells(m); i++)
        t0[i] = rta_scenario_get(b0, i);
    rta_scenario_free(b0);
    coverage(m, t0, l[0].partner, &base_l, &base_t);
    free(t0);
    for (int i = 0; i < 2; i++)
        coverage(m, v[i].res->t1, l[0].partner, &cov_l[i], &cov_t[i]);
    const rta_sim_totals *a = &v[0].res->total, *b = &v[1].res->total;
    const rta_sim_group *ga = rta_sim_partner(v[0].res, l[0].partner),
                        *gb = rta_sim_partner(v[1].res, l[0].partner);
    double pa = ga ? ga->t.new_usd - ga->t.base_usd : 0,
           pb = gb ? gb->t.new_usd - gb->t.base_usd : 0;
    struct {
        const char *name;
        double a, b;
    } rows[] = {
        {"new_imports_usd", a->new_usd, b->new_usd},
        {"trade_creation_usd", a->creation_usd, b->creation_usd},
        {"trade_diversion_usd", a->diversion_in_usd, b->diversion_in_usd},
        {"revenue_change_usd", a->revenue_change_usd, b->revenue_change_usd},
        {"welfare_usd", a->welfare_usd, b->welfare_usd},
        {"partner_imports_change_usd", pa, pb},
    };
    rta_market_info mi;
    rta_market_get_info(m, &mi);
    if (o.json) {
        printf("{\"market\":\"%s\",\"partner\":\"%s\",\"model\":\"%s\",\"a\":", mi.market,
               l[0].partner, rta_sim_model_name(p.model));
        cli_json_str(l[0].name); /* a file name or a reference as typed */
        fputs(",\"b\":", stdout);
        cli_json_str(l[1].name);
        printf(",\"lines\":{\"a\":%zu,\"b\":%zu,\"added\":%ld,\"dropped\":%ld,"
               "\"changed\":%ld},",
               l[0].lines.count, l[1].lines.count, added, dropped, changed);
        printf("\"coverage\":{\"base\":{\"lines_zero_share\":%.6f,\"trade_zero_share\":%.6f},"
               "\"a\":{\"lines_zero_share\":%.6f,\"trade_zero_share\":%.6f},"
               "\"b\":{\"lines_zero_share\":%.6f,\"trade_zero_share\":%.6f}},\"outcomes\":[",
               base_l, base_t, cov_l[0], cov_t[0], cov_l[1], cov_t[1]);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            printf("%s{\"name\":\"%s\",\"a\":%.0f,\"b\":%.0f,\"b_minus_a\":%.0f}", i ? "," : "",
                   rows[i].name, round(rows[i].a) + 0.0, round(rows[i].b) + 0.0,
                   round(rows[i].b - rows[i].a) + 0.0);
        printf("],\"detail\":");
        printf("\"%s\"}\n", mi.market[0] == 'U' ? "HS10 x partner (see rta evaluate --json for "
                                                  "sources)"
                                                : "user import file (see rta evaluate --json)");
    } else {
        printf("%s market, goods from %s, %s model\n", mi.market, l[0].partner,
               rta_sim_model_name(p.model));
        printf("  A: %s (%zu lines)   B: %s (%zu lines)\n", l[0].name, l[0].lines.count, l[1].name,
               l[1].lines.count);
        printf("  lines: %ld added, %ld dropped, %ld changed (by scope)\n", added, dropped,
               changed);
        printf("  at zero duty: lines %.1f%% base, %.1f%% A, %.1f%% B; trade %.1f%% base, "
               "%.1f%% A, %.1f%% B\n",
               100 * base_l, 100 * cov_l[0], 100 * cov_l[1], 100 * base_t, 100 * cov_t[0],
               100 * cov_t[1]);
        printf("  %-28s %16s %16s %16s\n", "outcome (US$)", "A", "B", "B - A");
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            printf("  %-28s %16.0f %16.0f %16.0f\n", rows[i].name, rows[i].a, rows[i].b,
                   rows[i].b - rows[i].a);
        printf("  sources: %s; %s\n", mi.trade_note, mi.tariff_note);
    }
    rc = EXIT_OK;
done:
    for (int i = 0; i < 2; i++) {
        eval_free(&v[i]);
        rta_lines_free(&l[i].lines);
    }
    rta_market_free(m);
    env_close(&e);
    return rc;
}

/* ---- package ---- */

int cmd_package(cli *c, int argc, char **argv)
{
    opts o;
    int rc = parse_opts("package", argc, argv, &o, help_package);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (o.npos)
        return cli_usage("package", "unexpected argument %s", o.pos[0]);
    if (o.goal == NULL)
        return cli_usage("package", "give --goal exports:USD or deficit-cut:PCT");
    rta_sim_params p;
    double eta;
    rta_day date;
    if ((rc = parse_params("package", &o, &p)) != EXIT_OK ||
        (rc = parse_eta("package", &o, &eta)) != EXIT_OK ||
        (rc = resolve_date("package", &o, &date)) != EXIT_OK)
        return rc;
    const char *mk = o.market ? o.market : "VN";
    if (strcmp(mk, "US") != 0 && strcmp(mk, "VN") != 0)
        return cli_usage("package", "--market: \"%s\" is not US or VN", mk);
    const char *partner = o.partner ? o.partner : strcmp(mk, "US") == 0 ? "VN" : "US";
    if (check_partner("package", partner) != EXIT_OK)
        return EXIT_USAGE;
    int deficit = strncmp(o.goal, "deficit-cut:", 12) == 0;
    const char *gv = deficit                               ? o.goal + 12
                     : strncmp(o.goal, "exports:", 8) == 0 ? o.goal + 8
                                                           : NULL;
    double goal = NAN;
    if (gv == NULL || parse_real(gv, &goal) != 0 || goal <= 0 || (deficit && goal > 100))
        return cli_usage("package",
                         "--goal: \"%s\" is not exports:USD or deficit-cut:PCT "
                         "(0 < PCT <= 100)",
                         o.goal);
    if (deficit && strcmp(mk, "VN") != 0)
        return cli_usage("package", "deficit-cut raises US exports: it needs --market VN");
    double max_loss = 0, rate = 0;
    if (o.max_loss) {
        if (parse_real(o.max_loss, &max_loss) != 0 || max_loss <= 0)
            return cli_usage("package", "--max-revenue-loss: \"%s\" is not a positive amount",
                             o.max_loss);
    }
    if (o.rate) {
        if (parse_real(o.rate, &rate) != 0 || rate < 0 || rate > 1000)
            return cli_usage("package", "--rate: \"%s\" is not a percent in [0, 1000]", o.rate);
    }
    env e;
    rta_market *m = NULL;
    rta_package *pk = NULL;
    rta_lines sens = {0};
    rta_error err;
    rc = env_open(c, &o, &e);
    if (rc != EXIT_OK)
        goto done;
    if (o.sensitive && rta_lines_read(o.sensitive, &sens, &err) != RTA_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    double deficit_usd = 0;
    if (deficit) {
        const rta_partner *pp = NULL;
        if (rta_partners_find(e.partners, "VN", &pp, &err) != RTA_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        deficit_usd = (double)(pp->imports_cmusd - pp->exports_cmusd) * 1e4;
        goal = deficit_usd * goal / 100;
    }
    if ((rc = market_open(&e, &o, mk, date, eta, &m)) != EXIT_OK)
        goto done;
    rta_package_options po = {0};
    po.partner = partner;
    po.goal_usd = goal;
    po.max_revenue_loss_usd = max_loss;
    po.sensitive = o.sensitive ? &sens : NULL;
    po.offered_rate = rate / 100;
    if (rta_package_search(m, &p, &po, &pk, &err) != RTA_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rta_market_info mi;
    rta_market_get_info(m, &mi);
    char rate_txt[32];
    snprintf(rate_txt, sizeof rate_txt, "%g", rate);
    if (o.csv) {
        printf("code,treatment,value,staging_years,description,base_usd,base_rate_pct,"
               "benefit_usd,cost_usd\n");
        for (long i = 0; i < pk->nchosen; i++) {
            const rta_package_line *x = &pk->chosen[i];
            printf("%s,rate,%s,0,,%.0f,%.4f,%.0f,%.0f\n", x->code, rate_txt, x->base_usd,
                   100 * x->t0, x->benefit_usd, x->cost_usd);
        }
    } else if (o.json) {
        printf("{\"market\":\"%s\",\"partner\":\"%s\",\"model\":\"%s\",\"goal\":\"%s\","
               "\"goal_usd\":%.0f,\"offered_rate_pct\":%s,\"reached\":%s,\"benefit_usd\":%.0f,"
               "\"cost_usd\":%.0f,\"lp_bound_usd\":%.0f,\"gap\":%.6f,\"candidates\":%ld,"
               "\"sensitive_excluded\":%ld,\"max_benefit_usd\":%.0f,",
               mi.market, partner, rta_sim_model_name(p.model), o.goal, goal, rate_txt,
               pk->reached ? "true" : "false", pk->benefit_usd, pk->cost_usd, pk->lp_bound_usd,
               pk->gap, pk->ncand, pk->nsensitive, pk->max_benefit_usd);
        printf("\"optimality\":\"greedy by cost per dollar of benefit with a repair of the last "
               "item; the LP relaxation (fractional knapsack, no ceiling) bounds the optimal cost "
               "from below\",\"detail\":");
        cli_json_str(mi.detail); /* names the user's import file */
        fputs(",\"lines\":[", stdout);
        for (long i = 0; i < pk->nchosen; i++) {
            const rta_package_line *x = &pk->chosen[i];
            printf("%s{\"code\":\"%s\",\"base_usd\":%.0f,\"base_rate_pct\":%.4f,"
                   "\"benefit_usd\":%.0f,\"cost_usd\":%.0f}",
                   i ? "," : "", x->code, x->base_usd, 100 * x->t0, x->benefit_usd, x->cost_usd);
        }
        fputs("]}\n", stdout);
    } else {
        printf("%s market: offer %s%% on goods from %s, goal +%.0f US$ of imports%s\n", mi.market,
               rate_txt, partner, goal, deficit ? " (a share of the 2024 US deficit with VN)" : "");
        printf("  %s\n  %s\n", mi.detail, mi.tariff_note);
        printf("  candidates %ld (sensitive excluded %ld); benefit of offering all: %.0f US$\n",
               pk->ncand, pk->nsensitive, pk->max_benefit_usd);
        printf("  %s: %ld lines, benefit %.0f US$, revenue cost %.0f US$\n",
               pk->reached ? "goal reached" : "goal NOT reached", pk->nchosen, pk->benefit_usd,
               pk->cost_usd);
        printf("  LP bound on the optimal cost %.0f US$; gap %.2f%%\n", pk->lp_bound_usd,
               100 * pk->gap);
        printf("  %-10s %14s %8s %14s %14s\n", "code", "base US$", "rate %", "benefit", "cost");
        for (long i = 0; i < pk->nchosen && i < 50; i++) {
            const rta_package_line *x = &pk->chosen[i];
            printf("  %-10s %14.0f %8.2f %14.0f %14.0f\n", x->code, x->base_usd, 100 * x->t0,
                   x->benefit_usd, x->cost_usd);
        }
        if (pk->nchosen > 50)
            printf("  ... %ld more (--csv for all)\n", pk->nchosen - 50);
    }
    rc = pk->reached ? EXIT_OK : EXIT_FAIL;
done:
    rta_package_free(pk);
    rta_market_free(m);
    rta_lines_free(&sens);
    env_close(&e);
    return rc;
}

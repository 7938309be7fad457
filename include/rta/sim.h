/*
 * rta/sim.h - what a negotiating list does to trade, tariff revenue, welfare
 * and the bilateral balance: the SMART partial-equilibrium model (Laird and
 * Yeats) over one importing market, product by product and exporter by
 * exporter.
 *
 * Why: before each round a delegation's technical team must say what an offer
 * or a request does. WITS/SMART answers one market at a time through web
 * forms; rta prepares a market once (base imports by product x exporter, the
 * base tariff of every cell as an ad valorem equivalent, an import demand
 * elasticity per product) and then evaluates a scenario in milliseconds, so a
 * package search can try thousands.
 *
 * The model (docs/sim.md), per product p and exporter k with base imports
 * M_k, base tariff t0_k and new tariff t1_k (fractions), eta < 0 the import
 * demand elasticity of p, sigma > 0 the substitution elasticity, M_K the base
 * imports of p from every other exporter:
 *   creation   linear: TC_k = eta * M_k * (t1_k - t0_k) / (1 + t0_k)
 *              ces:    TC_k = M_k * (((1 + t1_k) / (1 + t0_k))^eta - 1)
 *   diversion  r = [(1+t1_k)/(1+t0_k)] / P_K - 1, P_K the import-weighted
 *              price relative of the others;
 *              linear: TD_k = M_k M_K sigma (-r) / (M_k + M_K + M_k sigma (-r))
 *              ces:    ratio M_k/M_K scaled by (1 + r)^-sigma at a constant
 *                      M_k + M_K;
 *              bounded to [-M_k, M_K] and taken from (given to) the others in
 *              proportion to their base imports, so diversion sums to zero
 *              per product;
 *   new imports M1 = M0 + TC + TD, never negative (creation is cut first);
 *   revenue change sum(t1 M1 - t0 M0); welfare +-1/2 |t1 - t0| |M1 - M0| per
 *   cell (a gain where the tariff falls, a loss where it rises).
 * Both forms agree to first order; "ces" is exact for constant elasticities.
 * The model runs in double precision (it is an economic model, not a duty
 * owed); values are US dollars at the exporter's (customs) value.
 */
#ifndef RTA_SIM_H
#define RTA_SIM_H

#include "rta/duty.h"
#include "rta/error.h"
#include "rta/lines.h"
#include "rta/reciprocal.h"
#include "rta/snapshot.h"
#include "rta/store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_sim_model {
    RTA_SIM_LINEAR = 0, /* Laird-Yeats first-order forms (SMART) */
    RTA_SIM_CES         /* the same two stages with exact constant-elasticity forms */
} rta_sim_model;

/* "linear", "ces". */
const char *rta_sim_model_name(rta_sim_model m);
/* 0 on success, -1 if unknown. */
int rta_sim_model_parse(const char *text, rta_sim_model *out);

#define RTA_SIM_SIGMA_DEFAULT 1.5

typedef struct rta_sim_params {
    rta_sim_model model;
    double sigma; /* substitution elasticity between exporters, > 0 (1.5) */
    int year;     /* staging year to evaluate (1 = the first year in force); -1 = the end state */
} rta_sim_params;

/* linear, sigma 1.5, end state. */
void rta_sim_defaults(rta_sim_params *p);

/* RTA_ERR_RANGE unless sigma is finite and in (0, 100] and year is -1 or 1..100;
 * err->input names the option ("--sigma"). */
rta_status rta_sim_params_check(const rta_sim_params *p, rta_error *err);

/* ---- markets ---- */

/* One importing market prepared for evaluation: cells (product x exporter)
 * with base imports, base tariff and its MFN part, products with their
 * elasticity, partners, and the sources. Immutable once built; any number of
 * threads may evaluate on one market. Free with rta_market_free. */
typedef struct rta_market rta_market;

/* Where an elasticity came from (counted per product in rta_market_info). */
typedef enum rta_eta_source {
    RTA_ETA_HS6 = 0, /* the estimate of the product's HS6 */
    RTA_ETA_HS4,     /* median of the well-signed estimates of its HS4 */
    RTA_ETA_HS2,     /* median of its chapter */
    RTA_ETA_ALL,     /* median of every well-signed estimate */
    RTA_ETA_GIVEN,   /* set by the caller (a flag or a test) */
    RTA_ETA_COUNT
} rta_eta_source;

typedef struct rta_market_info {
    char market[3];          /* importing market: "US" or "VN" (or what a builder named) */
    const char *detail;      /* level of detail, e.g. "HS10 x 50 partners" (borrowed) */
    const char *tariff_note; /* what the base tariffs are (borrowed) */
    const char *trade_note;  /* what the base imports are (borrowed) */
    const char *eta_note;    /* which elasticities (borrowed) */
    int trade_year;          /* year of the base imports (VN: the latest row year) */
    rta_day tariff_date;     /* US: the date of the duty stack; VN: 0 */
    long ncells, nproducts, npartners;
    double base_imports_usd;
    double base_revenue_usd; /* sum t0 * M0 */
    long eta_products[RTA_ETA_COUNT];
    double eta_imports_usd[RTA_ETA_COUNT]; /* base imports by elasticity source */
    long specific_cells; /* cells whose base rate has a specific part (converted) */
    double specific_imports_usd;
    long program_cells;  /* cells priced at a preference program's rate (US: FTA) */
    long averaged_cells; /* VN: cells whose rate is an average of schedule lines */
    long skipped_cells;  /* cells left out (reason in skipped_note) */
    double skipped_imports_usd;
    const char *skipped_note; /* borrowed; "" if none */
} rta_market_info;

void rta_market_get_info(const rta_market *m, rta_market_info *out);

/* Frees a market; NULL is allowed. */
void rta_market_free(rta_market *m);

/* Builds a market by hand (tests, benches, callers with their own data):
 * rta_market_new, then rta_market_add per cell (code: 2 to 10 digits; cells
 * with the same code form one product; partner: 2 letters), then
 * rta_market_set_eta per product code, then rta_market_finish. base_usd >= 0
 * and finite, t0 and t0_exempt fractions in [0, 10] with t0_exempt <= t0 (t0_exempt:
 * the rate left after an exemption from the additional measures); eta < 0
 * and finite. Errors name `input` and `line` (the caller's place). */
rta_status rta_market_new(const char *market, rta_market **out, rta_error *err);
rta_status rta_market_add(rta_market *m, const char *code, const char *partner, double base_usd,
                          double t0, double t0_exempt, const char *input, long line,
                          rta_error *err);
rta_status rta_market_set_eta(rta_market *m, const char *code, double eta, rta_error *err);
/* Sorts and indexes the cells; products without an elasticity get `eta_default`
 * (source RTA_ETA_ALL). After this the market is immutable. */
rta_status rta_market_finish(rta_market *m, double eta_default, rta_error *err);

/* Cell accessors (0 <= i < ncells; cells in code order, then partner). */
long rta_market_cells(const rta_market *m);
const char *rta_market_cell_code(const rta_market *m, long i);
const char *rta_market_cell_partner(const rta_market *m, long i);
double rta_market_cell_base(const rta_market *m, long i);
double rta_market_cell_t0(const rta_market *m, long i);
double rta_market_cell_t0_exempt(const rta_market *m, long i);
double rta_market_cell_eta(const rta_market *m, long i);
/* Index of (code, partner) or -1. */
long rta_market_find(const rta_market *m, const char *code, const char *partner);

typedef struct rta_us_market_options {
    rta_day date;         /* the date of the base duty stack */
    const char *data_dir; /* the bundled data folder (elasticities/); NULL = the store's */
    int claim_programs;   /* 1: FTA partners priced at their program's rate where the line
                             offers it (USMCA S, KR, AU...); 0: General column for all */
    double eta_override;  /* < 0: one elasticity for every product; 0 = Hauk (2012) */
} rta_us_market_options;

/* The US market: 2024 Census imports for consumption by HS10 x partner
 * (table partner_import: 49 partners and the EU), base tariff = the full duty
 * stack of the duty engine on options->date for an entry of the cell's value
 * (MFN + every additional measure, as duty / value); lines with a specific
 * or compound rate take the MFN part from the Census 2024 calculated duty
 * over value of the same cell (counted). Elasticities: Hauk (2012) by HS6
 * (data/elasticities/), with the fallbacks of rta_eta_source. The EU is
 * priced as an origin in the EU (DE): EU measures name every member alike.
 * snap and duty are borrowed during the call only. */
rta_status rta_market_load_us(rta_store *store, const rta_snapshot *snap, const rta_duty *duty,
                              const rta_us_market_options *options, rta_market **out,
                              rta_error *err);

typedef struct rta_vn_market_options {
    const char *data_dir;     /* bundled data folder (vietnam/, elasticities/) */
    const char *imports_path; /* user CSV `code,partner,value,year[,note]`; NULL = none */
    int demo;                 /* 1: the imports file is the coarse demo built from the
                                 category fragments (examples/); results are labelled so */
    double eta_override;      /* as for the US */
} rta_vn_market_options;

/* The Viet Nam market: base tariffs from the EVFTA base-rate schedule
 * (data/vietnam/vn_evfta_base_rates_ahtn2012.csv: AHTN 2012 8-digit lines,
 * Viet Nam's applied MFN around 2012, not today's), base imports from the
 * user's file (docs/sim.md): code is AHTN8 (the line's rate), or 4/6 digits
 * or a range "5201-5203" of one length (the simple average of the schedule's
 * lines under it, counted); partner ISO alpha-2; value in US dollars; year.
 * Elasticities: the US estimates of Hauk (2012) as a proxy (none for Viet Nam
 * are bundled; every result says so). Errors name the file and line. */
rta_status rta_market_load_vn(const rta_snapshot *snap, const rta_vn_market_options *options,
                              rta_market **out, rta_error *err);

/* ---- scenarios ---- */

/* New tariffs per cell; starts equal to the base. Free with rta_scenario_free. */
typedef struct rta_scenario rta_scenario;

rta_status rta_scenario_new(const rta_market *m, rta_scenario **out, rta_error *err);
void rta_scenario_free(rta_scenario *s);
/* Back to the base tariffs (reuse in a sweep). */
void rta_scenario_reset(rta_scenario *s);
/* Sets the new tariff of one cell (fraction in [0, 10]). */
rta_status rta_scenario_set(rta_scenario *s, long cell, double t1, rta_error *err);
double rta_scenario_get(const rta_scenario *s, long cell);
/* Sets every cell's new tariff from t1[0..ncells-1] (fractions in [0, 10]);
 * all-or-nothing: a bad value fails with its cell index and changes nothing. */
rta_status rta_scenario_set_all(rta_scenario *s, const double *t1, rta_error *err);

typedef struct rta_apply_report {
    long lines;            /* lines read */
    long lines_with_trade; /* lines that covered at least one cell of the partner */
    long cells_changed;    /* cells whose tariff changed */
    long exempt_no_effect; /* exempt lines on cells without additional measures */
    long staged;           /* lines with staging_years > 0 */
    long first_unmatched;  /* source_line of the first line without trade (0 = none) */
} rta_apply_report;

/* Applies the lines to the exporter `partner`'s cells (ISO alpha-2).
 * Precedence: the most specific line (most digits) wins; among equals the
 * later one. rate/cap/cut/swiss act on the cell's full base rate (every layer);
 * exempt removes the IEEPA reciprocal, IEEPA fentanyl and Section 122 layers
 * (US; none exist in the VN schedule). Staging over N years moves in equal
 * steps: year y gives t0 + (t_end - t0) * min(y, N) / N; params->year = -1 the
 * end state. A line whose chapter is not in HS 2022 fails with input:line.
 * snap may be NULL (then chapters are not checked). */
rta_status rta_scenario_apply_lines(rta_scenario *s, const rta_snapshot *snap,
                                    const rta_lines *lines, const char *partner,
                                    const rta_sim_params *params, const char *input,
                                    rta_apply_report *report, rta_error *err);

/* ---- results ---- */

typedef struct rta_sim_totals {
    double base_usd, new_usd;
    double creation_usd;
    double diversion_usd;    /* net: sums to zero over all exporters of a product */
    double diversion_in_usd; /* gross: diversion towards cells that gained */
    double revenue_base_usd, revenue_change_usd;
    double welfare_usd;
} rta_sim_totals;

typedef struct rta_sim_group {
    char key[8]; /* partner ISO2, chapter "61" or section "XI" ("-" none) */
    rta_sim_totals t;
} rta_sim_group;

typedef struct rta_sim_result {
    rta_sim_params params;
    rta_sim_totals total;
    long cells_changed, products_changed, clamped;
    long npartners, nchapters, nsections;
    rta_sim_group *partners; /* market order (by base imports, largest first) */
    rta_sim_group *chapters; /* chapters with base trade, code order */
    rta_sim_group *sections; /* HS sections in order, "-" last */
    /* per cell (rta_market_cells entries each) */
    double *t1, *creation, *diversion, *new_imports;
} rta_sim_result;

/* Allocates a result for the market (reuse it across runs). Free with
 * rta_sim_result_free. */
rta_status rta_sim_result_new(const rta_market *m, rta_sim_result **out, rta_error *err);
void rta_sim_result_free(rta_sim_result *r);

/* Evaluates the scenario. No allocation: a sweep reuses one result. */
rta_status rta_sim_run(const rta_market *m, const rta_scenario *s, const rta_sim_params *params,
                       rta_sim_result *r, rta_error *err);

/* The group of partner iso2 in a result, or NULL. */
const rta_sim_group *rta_sim_partner(const rta_sim_result *r, const char *iso2);

/* ---- the bilateral balance ---- */

typedef struct rta_sim_balance {
    const rta_partner *partner; /* borrowed (Census 2024 figures) */
    double exports_before_usd;  /* US exports to the partner, Census 2024 */
    double imports_before_usd;  /* US general imports from the partner, Census 2024 */
    double exports_after_usd;   /* + the VN-market change of imports from the US */
    double imports_after_usd;   /* + the US-market change of imports from the partner */
    double balance_before_usd, balance_after_usd;
    rta_reciprocal_result reciprocal_before, reciprocal_after; /* the USTR formula, defaults */
} rta_sim_balance;

/* The US balance with `partner` before and after: us (US market result, may
 * be NULL) moves US imports by the change of imports from the partner; vn
 * (partner market result, may be NULL) moves US exports by the change of
 * that market's imports from "US". The formula of April 2025 is applied to
 * both (rta_reciprocal_compute with its defaults). */
rta_status rta_sim_balance_compute(const rta_partner *partner, const rta_sim_result *us,
                                   const rta_sim_result *vn, rta_sim_balance *out, rta_error *err);

/* The balance as a JSON object (partner, before/after exports, imports,
 * balance in US$, the reciprocal formula's computed and applied rates before
 * and after). *out is malloc'ed. */
rta_status rta_sim_balance_json(const rta_sim_balance *balance, char **out, rta_error *err);

/* ---- output ---- */

typedef struct rta_sim_report {
    const char *list;    /* the list reference or file */
    const char *partner; /* exporter treated (ISO2) */
    const rta_market *market;
    const rta_sim_result *result;
    const rta_apply_report *applied;
    const rta_sim_balance *balance; /* may be NULL */
} rta_sim_report;

/* The JSON object of one market (contract of issue 6): market, model,
 * precision, base_imports_usd, new_imports_usd, trade_creation_usd,
 * trade_diversion_usd, revenue_change_usd, welfare_usd, partners[], chapters[],
 * sections[], balance, elasticities, detail, sources. Appends to *out
 * (malloc'ed, NUL-terminated; pass *out = NULL to start). */
rta_status rta_sim_report_json(const rta_sim_report *rep, char **out, rta_error *err);

/* A CSV of the result: one row per group (kind,key,base_usd,new_usd,creation_usd,
 * diversion_usd,revenue_change_usd,welfare_usd), market and model on each row. */
rta_status rta_sim_report_csv(const rta_sim_report *rep, int header, char **out, rta_error *err);

/* A bar chart (SVG 1.1) of creation and diversion by partner (top 12 by
 * |change|) with the totals, model and sources in the caption. */
rta_status rta_sim_report_svg(const rta_sim_report *rep, char **out, rta_error *err);

/* ---- package search ---- */

typedef struct rta_package_options {
    const char *partner;         /* exporter whose goods get the offer (ISO2) */
    double goal_usd;             /* required increase of the market's imports from partner */
    double max_revenue_loss_usd; /* <= 0: no ceiling */
    const rta_lines *sensitive;  /* scopes that may not be cut (NULL = none) */
    double offered_rate;         /* the rate offered on a chosen line (fraction, 0 = duty free) */
} rta_package_options;

typedef struct rta_package_line {
    char code[11];      /* product code offered */
    double base_usd;    /* base imports from the partner */
    double t0;          /* base rate of the partner's cell */
    double benefit_usd; /* increase of imports from the partner */
    double cost_usd;    /* revenue loss of the product (all exporters) */
} rta_package_line;

typedef struct rta_package {
    long ncand;      /* candidates considered (partner trade > 0, t0 > offered) */
    long nsensitive; /* products excluded as sensitive */
    long nchosen;
    rta_package_line *chosen; /* in the order chosen (best ratio first) */
    double benefit_usd, cost_usd;
    double lp_bound_usd;    /* fractional-knapsack (LP relaxation) lower bound on the cost */
    double gap;             /* (cost - bound) / bound; 0 when equal */
    int reached;            /* 1 if the goal was reached within the constraints */
    double max_benefit_usd; /* the benefit of offering every candidate */
} rta_package;

/* Chooses products to offer (offered_rate on the partner's cell) reaching
 * goal_usd at the least revenue loss: products are independent in the model,
 * so this is a covering knapsack; the answer is greedy by cost per dollar
 * with a repair of the last item, and the LP relaxation bounds the optimum.
 * Free with rta_package_free. */
rta_status rta_package_search(const rta_market *m, const rta_sim_params *params,
                              const rta_package_options *o, rta_package **out, rta_error *err);
void rta_package_free(rta_package *p);

#ifdef __cplusplus
}
#endif

#endif

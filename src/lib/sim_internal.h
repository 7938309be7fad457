/*
 * sim_internal.h - the layout of a prepared market and the helpers the
 * sim_*.c files share (internal).
 *
 * Why: evaluation must be a few passes over flat arrays (structure of
 * arrays, cells sorted by product then partner), so the market keeps every
 * per-cell number in its own array and each product is a contiguous span.
 */
#ifndef RTA_SIM_INTERNAL_H
#define RTA_SIM_INTERNAL_H

#include "internal.h"
#include "rta/sim.h"

#define RTA__SIM_MAX_PARTNERS 256
#define RTA__SIM_NSECTIONS    23 /* I..XXI, "-" (none), spare */

struct rta_market {
    rta_market_info info;
    /* while building */
    long cap;
    int finished;
    /* cells, code order then partner (after finish) */
    long ncells;
    char (*code)[11];
    uint16_t *partner; /* index into partners */
    uint32_t *product; /* index into products */
    double *m0, *t0, *t0_exempt;
    long *line; /* input line of the cell (errors) */
    /* products */
    long nproducts;
    long *first; /* first cell of each product; first[nproducts] = ncells */
    double *eta;
    unsigned char *eta_src;
    unsigned char *chapter; /* 0..99 */
    double *mp;             /* base imports of the product */
    /* partners */
    int npartners;
    char partners[RTA__SIM_MAX_PARTNERS][3];
    double partner_base[RTA__SIM_MAX_PARTNERS];
    double partner_revenue[RTA__SIM_MAX_PARTNERS];
    /* chapters and sections */
    double chapter_base[100], chapter_revenue[100];
    signed char chapter_section[100]; /* section index (0 = I ... 20 = XXI), -1 none */
    int chapter_known[100];           /* 1 if the chapter is in HS 2022 (loaders set it) */
    int chapters_checked;             /* 1 if chapter_known was filled */
    /* eta by code while building (set before finish) */
    long neta, etacap;
    char (*eta_code)[11];
    double *eta_val;
    /* texts (owned) */
    char *detail, *tariff_note, *trade_note, *eta_note, *skipped_note;
    char *sources;   /* JSON array text of sources */
    int demo;        /* 1: coarse demo data, labelled */
    char input[256]; /* name of the cells' input for errors ("<market>", a file) */
};

struct rta_scenario {
    const rta_market *m;
    double *t1;
};

/* Section numerals, index 0..20, and "-" at 21. */
const char *rta__sim_section_name(int i);

/* Replaces an owned text of the market. -1 on no memory. */
int rta__sim_set_text(char **slot, const char *text);

/* Fills chapter_known and chapter_section from the snapshot's HS 2022 table. */
void rta__sim_sections(rta_market *m, const rta_snapshot *snap);

/* Index of a partner (adds it while building); -1 when full or bad. */
int rta__sim_partner_index(rta_market *m, const char *iso2, int add);

/* Hauk (2012) elasticities from path: HS6 -> magnitude (well-signed only),
 * with the medians by HS4, HS2 and overall. */
typedef struct rta__eta_table {
    long n;
    char (*hs6)[7];
    double *mag; /* > 0 */
    long n4, n2;
    char (*hs4)[5];
    double *mag4;
    char (*hs2)[3];
    double *mag2;
    double all;
    long wrong_sign; /* rows skipped: estimate of the wrong sign */
} rta__eta_table;

rta_status rta__eta_load(const char *path, rta__eta_table *t, rta_error *err);
void rta__eta_free(rta__eta_table *t);
/* eta (negative) for a code (>= 2 digits) and where it came from. */
double rta__eta_find(const rta__eta_table *t, const char *code, rta_eta_source *src);

/* Assigns eta to every product of a finished market from the table (or
 * override < 0), counting sources into info. */
void rta__sim_assign_eta(rta_market *m, const rta__eta_table *t, double override);

/* The change of one product under new tariffs t1 (per cell of the product):
 * fills tc, td, m1 for cells first..first+n-1 (arrays indexed by cell);
 * returns the number of clamped cells. */
long rta__sim_product(const rta_market *m, long p, const double *t1, const rta_sim_params *params,
                      double *tc, double *td, double *m1);

#endif

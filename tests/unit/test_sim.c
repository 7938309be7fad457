/*
 * test_sim.c - the SMART partial-equilibrium model on hand-worked cases.
 *
 * Every expected value is derived in a comment from the formulas of
 * DESIGN.md ("Partial equilibrium") and rta/sim.h, with a calculator, never
 * from the program's output. Markets are built by hand: one product, two or
 * three exporters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/lines.h"
#include "rta/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* One product 610910: A 100 at 25%, B 300 at 25%; eta = -2. */
static rta_market *two_exporters(void)
{
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "610910", "VN", 100, 0.25, 0.05, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "610910", "CN", 300, 0.25, 0.25, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_set_eta(m, "610910", -2.0, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    return m;
}

static void run(const rta_market *m, rta_scenario *s, rta_sim_model model, double sigma,
                rta_sim_result **r)
{
    rta_sim_params p;
    rta_sim_defaults(&p);
    p.model = model;
    p.sigma = sigma;
    assert_int_equal(rta_sim_result_new(m, r, NULL), RTA_OK);
    rta_error err;
    assert_int_equal(rta_sim_run(m, s, &p, *r, &err), RTA_OK);
}

/* VN's 25% goes to 0, CN keeps 25%; sigma 1.5, eta -2:
 *   TC_VN = eta M (t1-t0)/(1+t0) = -2 * 100 * (-0.25) / 1.25 = 40
 *   r = (1/1.25) / 1 - 1 = -0.2
 *   TD_VN = M_k M_K sigma (-r) / (M_k + M_K + M_k sigma (-r))
 *         = 100 * 300 * 1.5 * 0.2 / (400 + 100 * 1.5 * 0.2) = 9000 / 430 = 20.930233
 *   TD_CN = -20.930233 (diversion sums to zero)
 *   M1_VN = 100 + 40 + 20.930233 = 160.930233; M1_CN = 279.069767
 *   revenue: 0 * 160.93 + 0.25 * 279.069767 - 0.25 * 400 = -30.232558
 *   welfare: 1/2 * 0.25 * 60.930233 = 7.616279 (CN's tariff did not change: 0) */
static void linear_creation_diversion(void **state)
{
    (void)state;
    rta_market *m = two_exporters();
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    long vn = rta_market_find(m, "610910", "VN"), cn = rta_market_find(m, "610910", "CN");
    assert_true(vn >= 0 && cn >= 0);
    assert_int_equal(rta_scenario_set(s, vn, 0.0, NULL), RTA_OK);
    rta_sim_result *r = NULL;
    run(m, s, RTA_SIM_LINEAR, 1.5, &r);
    NEAR(r->creation[vn], 40.0, 1e-9);
    NEAR(r->creation[cn], 0.0, 1e-9);
    NEAR(r->diversion[vn], 20.930233, 1e-6);
    NEAR(r->diversion[cn], -20.930233, 1e-6);
    NEAR(r->new_imports[vn], 160.930233, 1e-6);
    NEAR(r->new_imports[cn], 279.069767, 1e-6);
    NEAR(r->total.revenue_change_usd, -30.232558, 1e-6);
    NEAR(r->total.welfare_usd, 7.616279, 1e-6);
    NEAR(r->total.diversion_usd, 0.0, 1e-9);
    NEAR(r->total.diversion_in_usd, 20.930233, 1e-6);
    NEAR(r->total.creation_usd, 40.0, 1e-9);
    NEAR(r->total.new_usd, 440.0, 1e-9);
    const rta_sim_group *g = rta_sim_partner(r, "CN");
    assert_non_null(g);
    NEAR(g->t.diversion_usd, -20.930233, 1e-6);
    assert_int_equal(r->cells_changed, 1);
    assert_int_equal(r->products_changed, 1);
    rta_sim_result_free(r);
    rta_scenario_free(s);
    rta_market_free(m);
}

/* The same cut in the exact CES form:
 *   TC_VN = 100 * ((1/1.25)^-2 - 1) = 100 * (1.5625 - 1) = 56.25
 *   ratio = (100/300) * (0.8)^-1.5 = 0.333333 * 1.397542 = 0.465847
 *   M_VN' = 400 * 0.465847 / 1.465847 = 127.120317, so TD_VN = 27.120317, TD_CN = -27.120317 */
static void ces_creation_diversion(void **state)
{
    (void)state;
    rta_market *m = two_exporters();
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    long vn = rta_market_find(m, "610910", "VN"), cn = rta_market_find(m, "610910", "CN");
    assert_int_equal(rta_scenario_set(s, vn, 0.0, NULL), RTA_OK);
    rta_sim_result *r = NULL;
    run(m, s, RTA_SIM_CES, 1.5, &r);
    NEAR(r->creation[vn], 56.25, 1e-9);
    NEAR(r->diversion[vn], 27.120317, 1e-6);
    NEAR(r->diversion[cn], -27.120317, 1e-6);
    NEAR(r->total.diversion_usd, 0.0, 1e-9);
    rta_sim_result_free(r);
    rta_scenario_free(s);
    rta_market_free(m);
}

/* Three exporters share the diversion in proportion to their base imports.
 * Product 0901: A 100, B 200, C 100, all at 10%; A's goes to 0; eta -1, sigma 1.5:
 *   TC_A = -1 * 100 * (-0.1) / 1.1 = 9.090909
 *   -r = 1 - 1/1.1 = 0.090909; sigma (-r) = 0.136364
 *   TD_A = 100 * 300 * 0.136364 / (400 + 100 * 0.136364) = 9.890110
 *   TD_B = -9.890110 * 200/300 = -6.593407; TD_C = -9.890110 * 100/300 = -3.296703 */
static void three_exporters(void **state)
{
    (void)state;
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "0901", "BR", 200, 0.10, 0.10, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "0901", "VN", 100, 0.10, 0.10, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "0901", "CO", 100, 0.10, 0.10, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    long a = rta_market_find(m, "0901", "VN"), b = rta_market_find(m, "0901", "BR"),
         c = rta_market_find(m, "0901", "CO");
    assert_int_equal(rta_scenario_set(s, a, 0.0, NULL), RTA_OK);
    rta_sim_result *r = NULL;
    run(m, s, RTA_SIM_LINEAR, 1.5, &r);
    NEAR(r->creation[a], 9.090909, 1e-6);
    NEAR(r->diversion[a], 9.890110, 1e-6);
    NEAR(r->diversion[b], -6.593407, 1e-6);
    NEAR(r->diversion[c], -3.296703, 1e-6);
    NEAR(r->diversion[a] + r->diversion[b] + r->diversion[c], 0.0, 1e-9);
    rta_sim_result_free(r);
    rta_scenario_free(s);
    rta_market_free(m);
}

/* The caps. (1) A cut never diverts more than the others hold: A 100, B 10,
 * 100% -> 0 with sigma 100: sigma (-r) = 100 * 0.5 = 50,
 * TD = 100 * 10 * 50 / (110 + 5000) = 9.784736 <= 10.
 * (2) A rise never diverts more than A holds: A 100 at 0 -> 100%, B 10,
 * sigma 3: sigma (-r) = -3, denominator 110 - 300 < 0, so TD_A = -M_A = -100,
 * B gains 100; creation -2 * 100 * 1 = -200 would leave A at -200: imports
 * never go negative, so A ends at 0 (creation cut to 0 after diversion). */
static void diversion_caps(void **state)
{
    (void)state;
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "8471", "VN", 100, 1.0, 1.0, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "8471", "MX", 10, 1.0, 1.0, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "8472", "VN", 100, 0.0, 0.0, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "8472", "MX", 10, 0.0, 0.0, "t", 4, NULL), RTA_OK);
    assert_int_equal(rta_market_set_eta(m, "8472", -2.0, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    long a = rta_market_find(m, "8471", "VN"), b = rta_market_find(m, "8471", "MX");
    long a2 = rta_market_find(m, "8472", "VN"), b2 = rta_market_find(m, "8472", "MX");
    assert_int_equal(rta_scenario_set(s, a, 0.0, NULL), RTA_OK);
    assert_int_equal(rta_scenario_set(s, a2, 1.0, NULL), RTA_OK);
    rta_sim_result *r = NULL;
    run(m, s, RTA_SIM_LINEAR, 100.0, &r);
    NEAR(r->diversion[a], 9.784736, 1e-6);
    assert_true(r->diversion[a] <= 10.0);
    NEAR(r->diversion[b], -9.784736, 1e-6);
    assert_true(r->new_imports[b] >= 0);
    rta_sim_params p;
    rta_sim_defaults(&p);
    p.sigma = 3.0;
    assert_int_equal(rta_sim_run(m, s, &p, r, NULL), RTA_OK);
    NEAR(r->diversion[a2], -100.0, 1e-9);
    NEAR(r->diversion[b2], 100.0, 1e-9);
    NEAR(r->new_imports[a2], 0.0, 1e-9);
    NEAR(r->creation[a2], 0.0, 1e-9);
    assert_true(r->clamped >= 1);
    /* conservation over every cell: diversion sums to zero, nothing negative */
    double sum = 0;
    for (long i = 0; i < rta_market_cells(m); i++) {
        sum += r->diversion[i];
        assert_true(r->new_imports[i] >= 0);
    }
    NEAR(sum, 0.0, 1e-9);
    rta_sim_result_free(r);
    rta_scenario_free(s);
    rta_market_free(m);
}

/* A small change: 10% -> 9.9%. The linear form is the first-order expansion
 * of the CES form, so the two agree to second order: the relative difference
 * of creation and of diversion is of the order of dt/(1+t) = 0.1% (tolerance 1%). */
static void forms_agree_small(void **state)
{
    (void)state;
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "940360", "VN", 1000, 0.10, 0.10, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "940360", "CN", 3000, 0.10, 0.10, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "940360", "MY", 500, 0.12, 0.12, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_set_eta(m, "940360", -1.3, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    long vn = rta_market_find(m, "940360", "VN");
    assert_int_equal(rta_scenario_set(s, vn, 0.099, NULL), RTA_OK);
    rta_sim_result *lin = NULL, *ces = NULL;
    run(m, s, RTA_SIM_LINEAR, 1.5, &lin);
    run(m, s, RTA_SIM_CES, 1.5, &ces);
    /* first order: TC = -1.3 * 1000 * (-0.001) / 1.1 = 1.181818 */
    NEAR(lin->creation[vn], 1.181818, 1e-6);
    assert_true(fabs(ces->creation[vn] - lin->creation[vn]) <= 0.01 * fabs(lin->creation[vn]));
    assert_true(fabs(ces->diversion[vn] - lin->diversion[vn]) <= 0.01 * fabs(lin->diversion[vn]));
    assert_true(fabs(ces->total.revenue_change_usd - lin->total.revenue_change_usd) <=
                0.01 * fabs(lin->total.revenue_change_usd));
    rta_sim_result_free(lin);
    rta_sim_result_free(ces);
    rta_scenario_free(s);
    rta_market_free(m);
}

/* Treatments and staging from a line file. Base 20% (exempt leaves 5%):
 *   rate 0 -> 0; cap 5 -> 5%; cut 50 -> 10%; swiss 16: 16*20/(16+20) = 8.888889%;
 *   exempt -> 5%; the most specific line wins (610910 over 61);
 *   staging 5 years, year 2: 20 + (0 - 20) * 2/5 = 12%. */
static void treatments(void **state)
{
    (void)state;
    static const char csv[] = "code,treatment,value,staging_years\n"
                              "61,rate,0,0\n"
                              "610910,cap,5,0\n"
                              "6205,cut,50,0\n"
                              "6403,swiss,16,0\n"
                              "6404,exempt,0,0\n"
                              "6302,rate,0,5\n";
    rta_lines lines;
    rta_error err;
    assert_int_equal(rta_lines_parse("t.csv", csv, strlen(csv), &lines, &err), RTA_OK);
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    const char *codes[] = {"6109100012", "6110200020", "6205200010",
                           "6403999065", "6404199060", "6302600010"};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(rta_market_add(m, codes[i], "VN", 100, 0.20, 0.05, "t", i + 1, NULL),
                         RTA_OK);
        assert_int_equal(rta_market_add(m, codes[i], "CN", 100, 0.20, 0.05, "t", i + 1, NULL),
                         RTA_OK);
    }
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    rta_sim_params p;
    rta_sim_defaults(&p);
    rta_apply_report rep;
    assert_int_equal(rta_scenario_apply_lines(s, NULL, &lines, "VN", &p, "t.csv", &rep, &err),
                     RTA_OK);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6109100012", "VN")), 0.05, 1e-12);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6110200020", "VN")), 0.0, 1e-12);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6205200010", "VN")), 0.10, 1e-12);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6403999065", "VN")), 0.0888889, 1e-7);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6404199060", "VN")), 0.05, 1e-12);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6302600010", "VN")), 0.0, 1e-12);
    /* the other exporter is untouched */
    NEAR(rta_scenario_get(s, rta_market_find(m, "6109100012", "CN")), 0.20, 1e-12);
    assert_int_equal(rep.lines, 6);
    assert_int_equal(rep.staged, 1);
    rta_scenario_reset(s);
    p.year = 2;
    assert_int_equal(rta_scenario_apply_lines(s, NULL, &lines, "VN", &p, "t.csv", &rep, &err),
                     RTA_OK);
    NEAR(rta_scenario_get(s, rta_market_find(m, "6302600010", "VN")), 0.12, 1e-12);
    rta_scenario_free(s);
    rta_market_free(m);
    rta_lines_free(&lines);
}

/* 6205 is not under 61: its cut of 50 gives 10%. */
static void cut_line(void **state)
{
    (void)state;
    static const char csv[] = "code,treatment,value\n6205,cut,50\n";
    rta_lines lines;
    assert_int_equal(rta_lines_parse("t.csv", csv, strlen(csv), &lines, NULL), RTA_OK);
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6205200010", "VN", 100, 0.20, 0.05, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.0, NULL), RTA_OK);
    rta_scenario *s = NULL;
    assert_int_equal(rta_scenario_new(m, &s, NULL), RTA_OK);
    rta_sim_params p;
    rta_sim_defaults(&p);
    assert_int_equal(rta_scenario_apply_lines(s, NULL, &lines, "VN", &p, "t.csv", NULL, NULL),
                     RTA_OK);
    NEAR(rta_scenario_get(s, 0), 0.10, 1e-12);
    rta_scenario_free(s);
    rta_market_free(m);
    rta_lines_free(&lines);
}

/* Bad inputs are refused with their place. */
static void validation(void **state)
{
    (void)state;
    rta_market *m = NULL;
    rta_error err;
    assert_int_equal(rta_market_new("US", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6109", "VN", NAN, 0.1, 0.1, "imp.csv", 7, &err),
                     RTA_ERR_RANGE);
    assert_int_equal(err.line, 7);
    assert_string_equal(err.input, "imp.csv");
    assert_int_equal(rta_market_add(m, "6109", "VN", -1, 0.1, 0.1, "imp.csv", 8, &err),
                     RTA_ERR_RANGE);
    assert_int_equal(rta_market_add(m, "61x9", "VN", 1, 0.1, 0.1, "imp.csv", 9, &err),
                     RTA_ERR_PARSE);
    assert_int_equal(rta_market_add(m, "6109", "vn", 1, 0.1, 0.1, "imp.csv", 10, &err),
                     RTA_ERR_INVALID);
    assert_int_equal(rta_market_set_eta(m, "6109", 0.5, &err), RTA_ERR_RANGE);
    assert_int_equal(rta_market_add(m, "6109", "VN", 1, 0.1, 0.1, "imp.csv", 11, &err), RTA_OK);
    assert_int_equal(rta_market_add(m, "6109", "VN", 2, 0.1, 0.1, "imp.csv", 12, &err), RTA_OK);
    /* the same cell twice */
    assert_int_equal(rta_market_finish(m, -1.0, &err), RTA_ERR_INVALID);
    rta_market_free(m);
    rta_sim_params p;
    rta_sim_defaults(&p);
    p.sigma = NAN;
    assert_int_equal(rta_sim_params_check(&p, &err), RTA_ERR_RANGE);
    assert_string_equal(err.input, "--sigma");
    p.sigma = 1.5;
    p.year = 0;
    assert_int_equal(rta_sim_params_check(&p, &err), RTA_ERR_RANGE);
}

/* Review fix: the elasticity override of the market loaders must be finite.
 * NaN and +inf failed every `< 0` test and silently meant "Hauk (2012)";
 * -inf was taken as one elasticity for every product. Both loaders refuse
 * them before reading any file (the paths here do not exist). */
static void eta_override_checked(void **state)
{
    (void)state;
    rta_error err;
    rta_market *m = NULL;
    const double bad[] = {NAN, INFINITY, -INFINITY, 0.5, -1000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rta_vn_market_options vo = {0};
        vo.data_dir = "/nonexistent";
        vo.imports_path = "/nonexistent/imp.csv";
        vo.eta_override = bad[i];
        assert_int_equal(rta_market_load_vn(NULL, &vo, &m, &err), RTA_ERR_RANGE);
        assert_string_equal(err.input, "--elasticity");
        assert_null(m);
        rta_us_market_options uo = {0};
        uo.data_dir = "/nonexistent";
        uo.eta_override = bad[i];
        assert_int_equal(rta_market_load_us(NULL, NULL, NULL, &uo, &m, &err), RTA_ERR_RANGE);
        assert_null(m);
    }
}

/* The FTA program table is data (data/sim/fta_programs.csv): a bad row stops
 * the US loader naming file, line and field (line 3, column 2: "s" is not a
 * program symbol), before the store is touched. */
static void fta_programs_errors(void **state)
{
    (void)state;
    char dir[64], sub[96], path[128];
    snprintf(dir, sizeof dir, "/tmp/rta-test-fta-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/sim", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/fta_programs.csv", sub);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("iso2,program,agreement,source\nCA,S,USMCA,GN 3(c)(i)\nMX,s,USMCA,GN 3(c)(i)\n", f);
    fclose(f);
    rta_us_market_options uo = {0};
    uo.data_dir = dir;
    uo.claim_programs = 1;
    uo.eta_override = -1.0; /* no Hauk file needed */
    rta_market *m = NULL;
    rta_error err;
    assert_int_equal(rta_market_load_us(NULL, NULL, NULL, &uo, &m, &err), RTA_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.input, "fta_programs.csv"));
    /* a partner twice */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("iso2,program,agreement,source\nCA,S,USMCA,x\nCA,P,CAFTA-DR,x\n", f);
    fclose(f);
    assert_int_equal(rta_market_load_us(NULL, NULL, NULL, &uo, &m, &err), RTA_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_null(m);
    unlink(path);
    rmdir(sub);
    rmdir(dir);
}

/* Package search on three independent products (VN market; offered rate 0;
 * eta -1.5 for every product, the default of rta_market_finish; sigma 1.5,
 * the default of rta_sim_defaults). Per candidate, from the formulas of
 * docs/sim.md ("The model", "Comparison and package search"):
 *
 * 440710: US 100 and CN 100 at 10%; US's 10% goes to 0.
 *   TC_US = eta M (t1-t0)/(1+t0) = -1.5 * 100 * (-0.1) / 1.1 = 15/1.1 = 13.636364
 *   r = (1/1.1)/1 - 1 = -1/11; sigma (-r) = 1.5/11
 *   TD_US = 100 * 100 * (1.5/11) / (200 + 100 * 1.5/11) = 15000/2350 = 6.382979
 *   benefit = TC_US + TD_US = 20.019342 (M1_US - M0_US)
 *   revenue: 0 * M1_US + 0.1 * (100 - 6.382979) - 0.1 * 200 = -10.638298
 *   cost = 10.638298; cost per $ of benefit 0.531401
 * 520100: US 500 at 5%, the only exporter (no diversion).
 *   TC = -1.5 * 500 * (-0.05) / 1.05 = 35.714286 = benefit
 *   revenue: 0 - 0.05 * 500 = -25: cost 25; per $ 0.7
 * 847130: US at 0%, nothing to offer: not a candidate.
 * Order by ratio: 440710, then 520100.
 * Goal 10: 440710 alone covers it: chosen {440710}, cost 10.638298, benefit
 *   20.019342; the repair finds no cheaper product covering 10 (520100 costs
 *   25). LP bound: 10.638298 * 10 / 20.019342 = 5.314010; gap = cost/bound - 1
 *   = 20.019342/10 - 1 = 1.001934.
 * Goal 40: 440710 (20.019342) then 520100 (total 55.733628 >= 40); cost
 *   10.638298 + 25 = 35.638298. LP bound: 10.638298 + 25 * (40 - 20.019342) /
 *   35.714286 = 10.638298 + 0.7 * 19.980658 = 24.624758; gap 0.447255. */
#define REL(a, b) assert_true(fabs((a) - (b)) <= 1e-6 * fabs(b))
static void package(void **state)
{
    (void)state;
    rta_market *m = NULL;
    assert_int_equal(rta_market_new("VN", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "440710", "US", 100, 0.10, 0.10, "t", 1, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "440710", "CN", 100, 0.10, 0.10, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "520100", "US", 500, 0.05, 0.05, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "847130", "US", 100, 0.0, 0.0, "t", 4, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.5, NULL), RTA_OK);
    rta_sim_params p;
    rta_sim_defaults(&p);
    rta_package_options o = {0};
    o.partner = "US";
    o.goal_usd = 10;
    rta_package *pk = NULL;
    rta_error err;
    assert_int_equal(rta_package_search(m, &p, &o, &pk, &err), RTA_OK);
    /* 847130 is already free: not a candidate */
    assert_int_equal(pk->ncand, 2);
    assert_true(pk->reached);
    assert_int_equal(pk->nchosen, 1);
    assert_string_equal(pk->chosen[0].code, "440710");
    REL(pk->chosen[0].benefit_usd, 15 / 1.1 + 15000.0 / 2350);
    REL(pk->chosen[0].cost_usd, 10 + 1500.0 / 2350);
    REL(pk->benefit_usd, 20.019342359767894);
    REL(pk->cost_usd, 10.638297872340425);
    REL(pk->lp_bound_usd, 5.314009661835748);
    REL(pk->gap, 1.001934235976789);
    REL(pk->max_benefit_usd, 20.019342359767894 + 35.714285714285715);
    rta_package_free(pk);
    /* goal 40: both, in ratio order */
    o.goal_usd = 40;
    assert_int_equal(rta_package_search(m, &p, &o, &pk, &err), RTA_OK);
    assert_true(pk->reached);
    assert_int_equal(pk->nchosen, 2);
    assert_string_equal(pk->chosen[0].code, "440710");
    assert_string_equal(pk->chosen[1].code, "520100");
    REL(pk->chosen[1].benefit_usd, 37.5 / 1.05);
    REL(pk->chosen[1].cost_usd, 25.0);
    REL(pk->benefit_usd, 55.73362807405361);
    REL(pk->cost_usd, 35.638297872340424);
    REL(pk->lp_bound_usd, 24.624758220502898);
    REL(pk->gap, 0.4472547325426126);
    rta_package_free(pk);
    /* a ceiling of 30 lets 440710 in (10.64) but not 520100 as well (35.64):
     * benefit 20.02 < 40, not reached */
    o.max_revenue_loss_usd = 30;
    assert_int_equal(rta_package_search(m, &p, &o, &pk, &err), RTA_OK);
    assert_false(pk->reached);
    assert_int_equal(pk->nchosen, 1);
    REL(pk->cost_usd, 10.638297872340425);
    rta_package_free(pk);
    /* a ceiling below any single cost: not reached */
    o.goal_usd = 10;
    o.max_revenue_loss_usd = 0.001;
    assert_int_equal(rta_package_search(m, &p, &o, &pk, &err), RTA_OK);
    assert_false(pk->reached);
    assert_int_equal(pk->nchosen, 0);
    rta_package_free(pk);
    rta_market_free(m);
}

/* Review fix: a code under another code of the same partner (a heading and a
 * line under it) counts the same imports twice; finish refuses it, naming
 * both lines. The same codes from different partners are fine. */
static void overlapping_codes(void **state)
{
    (void)state;
    rta_market *m = NULL;
    rta_error err;
    assert_int_equal(rta_market_new("VN", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61091010", "US", 100, 0.2, 0.2, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6109", "CN", 300, 0.2, 0.2, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "610910", "JP", 50, 0.2, 0.2, "t", 4, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61091090", "CN", 10, 0.2, 0.2, "t", 5, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.5, &err), RTA_ERR_INVALID);
    assert_int_equal(err.line, 5);
    assert_non_null(strstr(err.message, "61091090 from CN (line 5) is under 6109 (line 3)"));
    rta_market_free(m);
    /* the line first, the heading after it; other partners in between */
    assert_int_equal(rta_market_new("VN", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61091010", "US", 100, 0.2, 0.2, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6109", "CN", 300, 0.2, 0.2, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61092000", "CN", 10, 0.2, 0.2, "t", 4, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "610910", "US", 50, 0.2, 0.2, "t", 6, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.5, &err), RTA_ERR_INVALID);
    /* in code order 6109 CN, 610910 US, 61091010 US, 61092000 CN: the US pair
     * is met first; the error is at the later line of the two */
    assert_int_equal(err.line, 6);
    assert_non_null(strstr(err.message, "61091010 from US (line 2) is under 610910 (line 6)"));
    rta_market_free(m);
    /* no overlap within a partner: accepted */
    assert_int_equal(rta_market_new("VN", &m, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61091010", "US", 100, 0.2, 0.2, "t", 2, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6109", "CN", 300, 0.2, 0.2, "t", 3, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "61091090", "US", 10, 0.2, 0.2, "t", 4, NULL), RTA_OK);
    assert_int_equal(rta_market_add(m, "6110", "US", 10, 0.2, 0.2, "t", 5, NULL), RTA_OK);
    assert_int_equal(rta_market_finish(m, -1.5, &err), RTA_OK);
    rta_market_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_creation_diversion),
        cmocka_unit_test(ces_creation_diversion),
        cmocka_unit_test(three_exporters),
        cmocka_unit_test(diversion_caps),
        cmocka_unit_test(forms_agree_small),
        cmocka_unit_test(treatments),
        cmocka_unit_test(cut_line),
        cmocka_unit_test(validation),
        cmocka_unit_test(eta_override_checked),
        cmocka_unit_test(fta_programs_errors),
        cmocka_unit_test(package),
        cmocka_unit_test(overlapping_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

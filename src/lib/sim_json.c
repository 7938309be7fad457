/*
 * sim_json.c - the outputs of an evaluation: the JSON object of issue 6's
 * contract, a CSV of every aggregate, an SVG chart, and the balance.
 *
 * Why: every number must travel with what it stands on (market, model form,
 * detail, tariffs, elasticities, sources, what was left out), so the writer
 * takes the market's notes along and never prints a figure alone.
 */
#include "json.h"
#include "sim_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usd(rta__buf *b, const char *key, double v, int comma)
{
    if (!isfinite(v))
        v = 0;
    double r = round(v);
    if (r == 0)
        r = 0; /* no "-0" */
    return rta__buf_printf(b, "%s\"%s\":%.0f", comma ? "," : "", key, r);
}

static int kv(rta__buf *b, const char *key, const char *val)
{
    return rta__buf_printf(b, ",\"%s\":", key) || rta__json_quote(b, val ? val : "");
}

static int group_json(rta__buf *b, const char *name, const rta_sim_group *g, int first)
{
    return rta__buf_puts(b, first ? "{" : ",{") || rta__buf_printf(b, "\"%s\":", name) ||
           rta__json_quote(b, g->key) || usd(b, "base_usd", g->t.base_usd, 1) ||
           usd(b, "new_usd", g->t.new_usd, 1) || usd(b, "creation_usd", g->t.creation_usd, 1) ||
           usd(b, "diversion_usd", g->t.diversion_usd, 1) ||
           usd(b, "revenue_change_usd", g->t.revenue_change_usd, 1) ||
           usd(b, "welfare_usd", g->t.welfare_usd, 1) || rta__buf_puts(b, "}");
}

static int cmp_group_base(const void *a, const void *b)
{
    const rta_sim_group *x = *(const rta_sim_group *const *)a,
                        *y = *(const rta_sim_group *const *)b;
    if (x->t.base_usd != y->t.base_usd)
        return x->t.base_usd > y->t.base_usd ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int balance_json(rta__buf *b, const rta_sim_balance *bal)
{
    if (bal == NULL)
        return rta__buf_puts(b, "null");
    const rta_partner *p = bal->partner;
    return rta__buf_puts(b, "{\"partner\":") || rta__json_quote(b, p->iso2) ||
           kv(b, "name", p->name) ||
           kv(b, "source",
              "US Census 2024 goods trade by partner (exports; general imports, customs "
              "basis); the after figures add the model's changes (US market: imports for "
              "consumption basis; Viet Nam market: Viet Nam's imports from the US, its own "
              "basis, as US exports)") ||
           usd(b, "exports_before_usd", bal->exports_before_usd, 1) ||
           usd(b, "imports_before_usd", bal->imports_before_usd, 1) ||
           usd(b, "balance_before_usd", bal->balance_before_usd, 1) ||
           usd(b, "exports_after_usd", bal->exports_after_usd, 1) ||
           usd(b, "imports_after_usd", bal->imports_after_usd, 1) ||
           usd(b, "balance_after_usd", bal->balance_after_usd, 1) ||
           rta__buf_puts(b, ",\"reciprocal\":{\"formula\":\"(m - x) / (epsilon * phi * m), "
                            "epsilon 4, phi 0.25; applied max(10, ceil(computed * 0.5))\"") ||
           rta__buf_printf(b, ",\"computed_pct_before\":%.2f,\"applied_pct_before\":%d",
                           bal->reciprocal_before.computed_pct,
                           bal->reciprocal_before.applied_pct) ||
           rta__buf_printf(b, ",\"computed_pct_after\":%.2f,\"applied_pct_after\":%d}}",
                           bal->reciprocal_after.computed_pct, bal->reciprocal_after.applied_pct);
}

rta_status rta_sim_balance_json(const rta_sim_balance *bal, char **out, rta_error *err)
{
    rta__buf b = {0};
    if (balance_json(&b, bal)) {
        rta__buf_free(&b);
        return rta__error(err, RTA_ERR_NOMEM, "<json>", 0, 0, "out of memory");
    }
    *out = b.data;
    return RTA_OK;
}

static const char *model_note(rta_sim_model m)
{
    return m == RTA_SIM_CES
               ? "ces: SMART's two stages in exact constant-elasticity form: creation "
                 "M*(((1+t1)/(1+t0))^eta - 1); diversion keeps M_k + M_K and scales M_k/M_K by "
                 "(1+r)^-sigma"
               : "linear: Laird-Yeats (SMART): creation eta*M*(t1-t0)/(1+t0); diversion "
                 "M_k*M_K*sigma*(-r)/(M_k+M_K+M_k*sigma*(-r))";
}

rta_status rta_sim_report_json(const rta_sim_report *rep, char **out, rta_error *err)
{
    const rta_market *m = rep->market;
    const rta_sim_result *r = rep->result;
    rta__buf b = {0};
    if (*out) {
        if (rta__buf_puts(&b, *out)) {
            rta__buf_free(&b);
            return rta__error(err, RTA_ERR_NOMEM, "<json>", 0, 0, "out of memory");
        }
        free(*out);
        *out = NULL;
    }
    char date[16] = "";
    if (m->info.tariff_date)
        rta_date_format(m->info.tariff_date, date, sizeof date);
    char staging[64];
    if (r->params.year < 0)
        snprintf(staging, sizeof staging, "end state (every staged line fully phased in)");
    else
        snprintf(staging, sizeof staging, "year %d of the staging", r->params.year);
    const rta_apply_report *ap = rep->applied;
    static const char *const src_names[] = {"hs6", "hs4", "hs2", "all", "given"};
    const rta_sim_group **pg = malloc((size_t)(r->npartners ? r->npartners : 1) * sizeof *pg);
    int bad = pg == NULL;
    bad =
        bad || rta__buf_puts(&b, "{\"market\":") || rta__json_quote(&b, m->info.market) ||
        kv(&b, "model", rta_sim_model_name(r->params.model)) ||
        kv(&b, "model_note", model_note(r->params.model)) ||
        kv(&b, "precision",
           "double precision (IEEE 754 binary64) throughout the model; dollars rounded to "
           "whole dollars on output") ||
        kv(&b, "list", rep->list) || kv(&b, "partner", rep->partner) ||
        kv(&b, "tariff_date", date) || kv(&b, "staging", staging) ||
        rta__buf_printf(&b, ",\"sigma\":%g,\"trade_year\":%d", r->params.sigma,
                        m->info.trade_year) ||
        kv(&b, "detail", m->detail) || kv(&b, "tariffs", m->tariff_note) ||
        kv(&b, "trade", m->trade_note) ||
        rta__buf_printf(&b, ",\"demo\":%s", m->demo ? "true" : "false") ||
        usd(&b, "base_imports_usd", r->total.base_usd, 1) ||
        usd(&b, "new_imports_usd", r->total.new_usd, 1) ||
        usd(&b, "trade_creation_usd", r->total.creation_usd, 1) ||
        usd(&b, "trade_diversion_usd", r->total.diversion_in_usd, 1) ||
        usd(&b, "diversion_net_usd", r->total.diversion_usd, 1) ||
        usd(&b, "revenue_base_usd", r->total.revenue_base_usd, 1) ||
        usd(&b, "revenue_change_usd", r->total.revenue_change_usd, 1) ||
        usd(&b, "welfare_usd", r->total.welfare_usd, 1) ||
        rta__buf_printf(&b,
                        ",\"cells\":%ld,\"products\":%ld,\"cells_changed\":%ld,"
                        "\"products_changed\":%ld,\"clamped_cells\":%ld",
                        m->ncells, m->nproducts, r->cells_changed, r->products_changed, r->clamped);
    if (!bad && ap)
        bad = rta__buf_printf(
            &b,
            ",\"lines\":{\"read\":%ld,\"with_trade\":%ld,\"exempt_no_effect\":%ld,"
            "\"staged\":%ld,\"first_without_trade_line\":%ld}",
            ap->lines, ap->lines_with_trade, ap->exempt_no_effect, ap->staged, ap->first_unmatched);
    bad = bad ||
          rta__buf_printf(&b, ",\"specific_converted\":{\"cells\":%ld", m->info.specific_cells) ||
          usd(&b, "imports_usd", m->info.specific_imports_usd, 1) ||
          rta__buf_printf(&b, "},\"program_cells\":%ld,\"averaged_cells\":%ld",
                          m->info.program_cells, m->info.averaged_cells) ||
          rta__buf_printf(&b, ",\"skipped\":{\"cells\":%ld", m->info.skipped_cells) ||
          usd(&b, "imports_usd", m->info.skipped_imports_usd, 1) ||
          kv(&b, "note", m->skipped_note) || rta__buf_puts(&b, "},\"elasticities\":{\"note\":") ||
          rta__json_quote(&b, m->eta_note) ||
          rta__buf_printf(
              &b, ",\"sigma\":%g,\"sigma_note\":\"%s\",\"products_by_source\":{", r->params.sigma,
              r->params.sigma == RTA_SIM_SIGMA_DEFAULT ? "default 1.5 (SMART's), a flag: --sigma"
                                                       : "given");
    for (int i = 0; !bad && i < RTA_ETA_COUNT; i++)
        bad = rta__buf_printf(&b, "%s\"%s\":%ld", i ? "," : "", src_names[i],
                              m->info.eta_products[i]);
    bad = bad || rta__buf_puts(&b, "},\"imports_usd_by_source\":{");
    for (int i = 0; !bad && i < RTA_ETA_COUNT; i++)
        bad = usd(&b, src_names[i], m->info.eta_imports_usd[i], i > 0);
    bad = bad || rta__buf_puts(&b, "}},\"partners\":[");
    if (!bad) {
        for (long i = 0; i < r->npartners; i++)
            pg[i] = &r->partners[i];
        qsort(pg, (size_t)r->npartners, sizeof *pg, cmp_group_base);
        for (long i = 0; !bad && i < r->npartners; i++)
            bad = group_json(&b, "partner", pg[i], i == 0);
    }
    bad = bad || rta__buf_puts(&b, "],\"sections\":[");
    for (long i = 0; !bad && i < r->nsections; i++)
        bad = group_json(&b, "section", &r->sections[i], i == 0);
    bad = bad || rta__buf_puts(&b, "],\"chapters\":[");
    int first = 1;
    for (long i = 0; !bad && i < r->nchapters; i++) {
        const rta_sim_group *g = &r->chapters[i];
        if (g->t.new_usd == g->t.base_usd && g->t.revenue_change_usd == 0)
            continue; /* unchanged chapters are left out */
        bad = group_json(&b, "chapter", g, first);
        first = 0;
    }
    bad = bad || rta__buf_puts(&b, "],\"balance\":") || balance_json(&b, rep->balance) ||
          rta__buf_puts(&b, ",\"sources\":") || rta__buf_puts(&b, m->sources) ||
          rta__buf_puts(&b, "}");
    free(pg);
    if (bad) {
        rta__buf_free(&b);
        return rta__error(err, RTA_ERR_NOMEM, "<json>", 0, 0, "out of memory");
    }
    *out = b.data;
    return RTA_OK;
}

static int csv_row(rta__buf *b, const char *kind, const char *key, const rta_sim_report *rep,
                   const rta_sim_totals *t)
{
    return rta__buf_printf(b, "%s,%s,%s,%s,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f\n", kind, key,
                           rep->market->info.market, rta_sim_model_name(rep->result->params.model),
                           round(t->base_usd) + 0.0, round(t->new_usd) + 0.0,
                           round(t->creation_usd) + 0.0, round(t->diversion_usd) + 0.0,
                           round(t->revenue_change_usd) + 0.0, round(t->welfare_usd) + 0.0);
}

rta_status rta_sim_report_csv(const rta_sim_report *rep, int header, char **out, rta_error *err)
{
    const rta_sim_result *r = rep->result;
    rta__buf b = {0};
    int bad = header && rta__buf_puts(&b, "kind,key,market,model,base_usd,new_usd,creation_usd,"
                                          "diversion_usd,revenue_change_usd,welfare_usd\n");
    bad = bad || csv_row(&b, "total", "all", rep, &r->total);
    for (long i = 0; !bad && i < r->npartners; i++)
        bad = csv_row(&b, "partner", r->partners[i].key, rep, &r->partners[i].t);
    for (long i = 0; !bad && i < r->nsections; i++)
        bad = csv_row(&b, "section", r->sections[i].key, rep, &r->sections[i].t);
    for (long i = 0; !bad && i < r->nchapters; i++)
        bad = csv_row(&b, "chapter", r->chapters[i].key, rep, &r->chapters[i].t);
    if (bad) {
        rta__buf_free(&b);
        return rta__error(err, RTA_ERR_NOMEM, "<csv>", 0, 0, "out of memory");
    }
    if (b.data == NULL && rta__buf_puts(&b, ""))
        return rta__error(err, RTA_ERR_NOMEM, "<csv>", 0, 0, "out of memory");
    *out = b.data;
    return RTA_OK;
}

static int cmp_group_change(const void *a, const void *b)
{
    const rta_sim_group *x = *(const rta_sim_group *const *)a,
                        *y = *(const rta_sim_group *const *)b;
    double dx = fabs(x->t.creation_usd) + fabs(x->t.diversion_usd);
    double dy = fabs(y->t.creation_usd) + fabs(y->t.diversion_usd);
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int svg_text(rta__buf *b, const char *s)
{
    for (; *s; s++) {
        int bad = *s == '<'   ? rta__buf_puts(b, "&lt;")
                  : *s == '>' ? rta__buf_puts(b, "&gt;")
                  : *s == '&' ? rta__buf_puts(b, "&amp;")
                              : rta__buf_append(b, s, 1);
        if (bad)
            return -1;
    }
    return 0;
}

rta_status rta_sim_report_svg(const rta_sim_report *rep, char **out, rta_error *err)
{
    const rta_sim_result *r = rep->result;
    const rta_market *m = rep->market;
    long n = r->npartners < 12 ? r->npartners : 12;
    const rta_sim_group **g = malloc((size_t)(r->npartners ? r->npartners : 1) * sizeof *g);
    rta__buf b = {0};
    if (g == NULL)
        return rta__error(err, RTA_ERR_NOMEM, "<svg>", 0, 0, "out of memory");
    for (long i = 0; i < r->npartners; i++)
        g[i] = &r->partners[i];
    qsort(g, (size_t)r->npartners, sizeof *g, cmp_group_change);
    double maxv = 1;
    for (long i = 0; i < n; i++) {
        maxv = fmax(maxv, fabs(g[i]->t.creation_usd));
        maxv = fmax(maxv, fabs(g[i]->t.diversion_usd));
    }
    int w = 760, row = 34, top = 70, h = top + (int)n * row + 90, mid = 430;
    double scale = 300.0 / maxv;
    char title[200];
    snprintf(title, sizeof title, "%s market: %s, %s model, exporter %s", m->info.market,
             rep->list ? rep->list : "", rta_sim_model_name(r->params.model),
             rep->partner ? rep->partner : "");
    int bad = rta__buf_printf(&b,
                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                              "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                              "font-family=\"sans-serif\" font-size=\"12\">\n"
                              "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                              "<text x=\"10\" y=\"22\" font-size=\"15\">",
                              w, h, w, h) ||
              svg_text(&b, title) ||
              rta__buf_printf(
                  &b,
                  "</text>\n<text x=\"10\" y=\"42\">trade creation (blue) and "
                  "diversion (orange) by partner, US$; total creation %.0f, "
                  "revenue change %.0f, welfare %.0f</text>\n"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                  round(r->total.creation_usd) + 0.0, round(r->total.revenue_change_usd) + 0.0,
                  round(r->total.welfare_usd) + 0.0, mid, top - 10, mid, top + (int)n * row);
    for (long i = 0; !bad && i < n; i++) {
        int y = top + (int)i * row;
        double c = g[i]->t.creation_usd, d = g[i]->t.diversion_usd;
        int cw = (int)lround(fabs(c) * scale), dw = (int)lround(fabs(d) * scale);
        bad =
            rta__buf_printf(&b,
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
                            "<rect class=\"bar creation\" x=\"%d\" y=\"%d\" width=\"%d\" "
                            "height=\"12\" fill=\"#3b6fb6\"><title>creation %.0f</title></rect>\n"
                            "<rect class=\"bar diversion\" x=\"%d\" y=\"%d\" width=\"%d\" "
                            "height=\"12\" fill=\"#e08a2c\"><title>diversion %.0f</title></rect>\n",
                            100, y + 14, g[i]->key, c >= 0 ? mid : mid - cw, y, cw, round(c) + 0.0,
                            d >= 0 ? mid : mid - dw, y + 14, dw, round(d) + 0.0);
    }
    int y = top + (int)n * row + 20;
    bad = bad || rta__buf_printf(&b, "<text x=\"10\" y=\"%d\" font-size=\"10\">", y) ||
          svg_text(&b, m->detail) ||
          rta__buf_printf(&b,
                          "</text>\n<text x=\"10\" y=\"%d\" "
                          "font-size=\"10\">",
                          y + 16) ||
          svg_text(&b, m->trade_note) ||
          rta__buf_printf(&b, "</text>\n<text x=\"10\" y=\"%d\" font-size=\"10\">", y + 32) ||
          svg_text(&b, model_note(r->params.model)) || rta__buf_puts(&b, "</text>\n</svg>\n");
    free(g);
    if (bad) {
        rta__buf_free(&b);
        return rta__error(err, RTA_ERR_NOMEM, "<svg>", 0, 0, "out of memory");
    }
    *out = b.data;
    return RTA_OK;
}

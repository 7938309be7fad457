/*
 * sim_data.c - preparing the US and Viet Nam markets of the evaluation from
 * the store and the bundled files: base imports, base tariffs as ad valorem
 * equivalents, and import demand elasticities.
 *
 * Why: the costly part of an evaluation is the base, not the model. The US
 * base is the duty engine's full stack on a date for every HS10 x partner
 * cell (about 210,000 entries), computed once per market handle; the Viet Nam
 * base is the EVFTA base-rate schedule and a user's import file. Nothing is
 * filled in where data are missing: every fallback is counted and named in
 * the market's notes, which every result prints.
 */
#include "csv.h"
#include "json.h"
#include "sim_internal.h"
#include "vn_schedule.h"

#include "rta/nomenclature.h"
#include "rta/rate.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sqlite3 *rta__store_db(rta_store *store);

#define HAUK_FILE "elasticities/hauk2012_us_import_demand_elasticities_hs6.csv"
#define FTA_FILE  "sim/fta_programs.csv"

/* Parses a finite decimal (scientific notation allowed); -1 if not a number. */
static int parse_double(const char *s, double *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* 1 if the header field f is name, surrounding spaces aside (as
 * rta__csv_find matches). */
static int same_name(const char *f, const char *name)
{
    while (*f == ' ')
        f++;
    size_t n = strlen(f);
    while (n > 0 && f[n - 1] == ' ')
        n--;
    return strlen(name) == n && strncmp(f, name, n) == 0;
}

static void join(char *buf, size_t size, const char *dir, const char *rel)
{
    snprintf(buf, size, "%s/%s", dir, rel);
}

/* Reads path and its header row (the first record): col[i] receives the
 * column of names[i], *need the highest of them. On failure nothing is held;
 * on success free *text and *c (rta__csv_free) when done. */
static rta_status csv_open(const char *path, const char *const *names, int n, const char *expect,
                           char **text, rta__csv *c, int *col, int *need, rta_error *err)
{
    size_t len = 0;
    *text = NULL;
    rta_status st = rta__read_file(path, text, &len, err);
    if (st != RTA_OK)
        return st;
    rta__csv_init(c, *text, len, path);
    int got = 0;
    if ((st = rta__csv_next(c, &got, err)) == RTA_OK) {
        *need = 0;
        for (int i = 0; i < n; i++) {
            col[i] = got ? rta__csv_find(c, names[i]) : -1;
            if (col[i] < 0) {
                st = rta__error(err, RTA_ERR_PARSE, path, 1, 0, "%s", expect);
                break;
            }
            if (col[i] > *need)
                *need = col[i];
        }
    }
    if (st != RTA_OK) {
        rta__csv_free(c);
        free(*text);
        *text = NULL;
    }
    return st;
}

/* ---- elasticities ---- */

void rta__eta_free(rta__eta_table *t)
{
    free(t->hs6);
    free(t->mag);
    free(t->hs4);
    free(t->mag4);
    free(t->hs2);
    free(t->mag2);
    memset(t, 0, sizeof *t);
}

typedef struct code_mag {
    char code[7];
    double mag;
} code_mag;

static int cmp_cm(const void *a, const void *b)
{
    const code_mag *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    return x->mag < y->mag ? -1 : x->mag > y->mag;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Medians of the well-signed estimates grouped by the first `len` digits. */
static int group_medians(const code_mag *cm, long n, int len, char (**codes)[7], double **mags,
                         long *ngroups)
{
    code_mag *g = malloc((size_t)(n ? n : 1) * sizeof *g);
    double *tmp = malloc((size_t)(n ? n : 1) * sizeof *tmp);
    *codes = malloc((size_t)(n ? n : 1) * sizeof **codes);
    *mags = malloc((size_t)(n ? n : 1) * sizeof **mags);
    if (!g || !tmp || !*codes || !*mags) {
        free(g);
        free(tmp);
        return -1;
    }
    for (long i = 0; i < n; i++) {
        memset(g[i].code, 0, sizeof g[i].code);
        memcpy(g[i].code, cm[i].code, (size_t)len);
        g[i].mag = cm[i].mag;
    }
    qsort(g, (size_t)n, sizeof *g, cmp_cm);
    long k = 0;
    for (long i = 0; i < n;) {
        long j = i, c = 0;
        while (j < n && strcmp(g[j].code, g[i].code) == 0)
            tmp[c++] = g[j++].mag;
        memcpy((*codes)[k], g[i].code, 7);
        (*mags)[k++] = median(tmp, c);
        i = j;
    }
    *ngroups = k;
    free(g);
    free(tmp);
    return 0;
}

rta_status rta__eta_load(const char *path, rta__eta_table *t, rta_error *err)
{
    memset(t, 0, sizeof *t);
    static const char *const names[] = {"hs6", "impliedelasticity", "positive"};
    char *text;
    rta__csv c;
    int col[3] = {-1, -1, -1}, need = 0, got;
    rta_status st = csv_open(path, names, 3,
                             "expected the columns hs6, impliedelasticity and positive (Hauk 2012)",
                             &text, &c, col, &need, err);
    if (st != RTA_OK)
        return st;
    int ihs = col[0], iel = col[1], ipos = col[2];
    code_mag *cm = NULL;
    double *all = NULL;
    long n = 0, cap = 0;
    while ((st = rta__csv_next(&c, &got, err)) == RTA_OK && got) {
        long ln = c.record_line;
        if (c.nfields <= need) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, 0, "short row (%d fields)", c.nfields);
            goto done;
        }
        const char *hs = c.fields[ihs];
        if (strlen(hs) != 6 || strspn(hs, "0123456789") != 6) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ihs + 1,
                            "hs6 \"%s\" is not 6 digits", hs);
            goto done;
        }
        double v;
        if (parse_double(c.fields[iel], &v) != 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)iel + 1,
                            "impliedelasticity \"%s\" is not a finite number", c.fields[iel]);
            goto done;
        }
        const char *pos = c.fields[ipos];
        if (strcmp(pos, "0") != 0 && strcmp(pos, "1") != 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ipos + 1,
                            "positive \"%s\" is not 0 or 1", pos);
            goto done;
        }
        if (pos[0] == '0' || v <= 0) {
            t->wrong_sign++; /* an estimate of the wrong sign is no elasticity */
            continue;
        }
        if (n == cap) {
            long nc = cap ? cap * 2 : 4096;
            code_mag *x = realloc(cm, (size_t)nc * sizeof *x);
            if (x == NULL) {
                st = rta__error(err, RTA_ERR_NOMEM, path, ln, 0, "out of memory");
                goto done;
            }
            cm = x;
            cap = nc;
        }
        snprintf(cm[n].code, sizeof cm[n].code, "%s", hs);
        cm[n++].mag = v;
    }
    if (st != RTA_OK)
        goto done;
    if (n == 0) {
        st = rta__error(err, RTA_ERR_PARSE, path, 0, 0, "no well-signed estimate");
        goto done;
    }
    qsort(cm, (size_t)n, sizeof *cm, cmp_cm);
    for (long i = 1; i < n; i++)
        if (strcmp(cm[i].code, cm[i - 1].code) == 0) {
            st = rta__error(err, RTA_ERR_PARSE, path, 0, 0, "hs6 %s appears twice", cm[i].code);
            goto done;
        }
    t->hs6 = malloc((size_t)n * sizeof *t->hs6);
    t->mag = malloc((size_t)n * sizeof *t->mag);
    all = malloc((size_t)n * sizeof *all);
    if (!t->hs6 || !t->mag || !all) {
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    for (long i = 0; i < n; i++) {
        memcpy(t->hs6[i], cm[i].code, 7);
        t->mag[i] = cm[i].mag;
        all[i] = cm[i].mag;
    }
    t->n = n;
    t->all = median(all, n);
    char(*c4)[7] = NULL, (*c2)[7] = NULL;
    if (group_medians(cm, n, 4, &c4, &t->mag4, &t->n4) != 0 ||
        group_medians(cm, n, 2, &c2, &t->mag2, &t->n2) != 0) {
        free(c4);
        free(c2);
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    t->hs4 = malloc((size_t)(t->n4 ? t->n4 : 1) * sizeof *t->hs4);
    t->hs2 = malloc((size_t)(t->n2 ? t->n2 : 1) * sizeof *t->hs2);
    if (t->hs4 && t->hs2) {
        for (long i = 0; i < t->n4; i++)
            memcpy(t->hs4[i], c4[i], 5);
        for (long i = 0; i < t->n2; i++)
            memcpy(t->hs2[i], c2[i], 3);
    }
    free(c4);
    free(c2);
    if (!t->hs4 || !t->hs2)
        st = rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
done:
    if (st != RTA_OK)
        rta__eta_free(t);
    free(cm);
    free(all);
    rta__csv_free(&c);
    free(text);
    return st;
}

static long find_prefix(const char *codes, size_t stride, long n, const char *key, size_t len)
{
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        int c = strncmp(codes + (size_t)mid * stride, key, len);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

double rta__eta_find(const rta__eta_table *t, const char *code, rta_eta_source *src)
{
    size_t len = strlen(code);
    long i;
    if (len >= 6 && (i = find_prefix(&t->hs6[0][0], 7, t->n, code, 6)) >= 0) {
        *src = RTA_ETA_HS6;
        return -t->mag[i];
    }
    if (len >= 4 && (i = find_prefix(&t->hs4[0][0], 5, t->n4, code, 4)) >= 0) {
        *src = RTA_ETA_HS4;
        return -t->mag4[i];
    }
    if (len >= 2 && (i = find_prefix(&t->hs2[0][0], 3, t->n2, code, 2)) >= 0) {
        *src = RTA_ETA_HS2;
        return -t->mag2[i];
    }
    *src = RTA_ETA_ALL;
    return -t->all;
}

void rta__sim_assign_eta(rta_market *m, const rta__eta_table *t, double override)
{
    memset(m->info.eta_products, 0, sizeof m->info.eta_products);
    memset(m->info.eta_imports_usd, 0, sizeof m->info.eta_imports_usd);
    for (long p = 0; p < m->nproducts; p++) {
        rta_eta_source src = RTA_ETA_GIVEN;
        double eta = override;
        if (!(override < 0) && t)
            eta = rta__eta_find(t, m->code[m->first[p]], &src);
        m->eta[p] = eta;
        m->eta_src[p] = (unsigned char)src;
        m->info.eta_products[src]++;
        m->info.eta_imports_usd[src] += m->mp[p];
    }
}

/* ---- the US market ---- */

/* Preference programs of the partners with a US free trade agreement, by
 * the Special-column symbol of HTS General Note 3(c)(i) (the program the
 * partner's goods claim when the line offers it). The table is data
 * (data/sim/fta_programs.csv), not code: agreements come and go. */
#define FTA_MAX 64

typedef struct fta_table {
    int n;
    struct {
        char iso2[3];
        char program[4]; /* fits rta_entry.program */
    } row[FTA_MAX];
    char list[600]; /* "S (USMCA ...), KR (...)": the programs in file order, for notes */
} fta_table;

static int all_of(const char *s, const char *set, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, set) == n;
}

static rta_status fta_load(const char *path, const rta_snapshot *snap, fta_table *t, rta_error *err)
{
    memset(t, 0, sizeof *t);
    static const char *const names[] = {"iso2", "program", "agreement"};
    char *text;
    rta__csv c;
    int col[3] = {-1, -1, -1}, need = 0, got;
    rta_status st =
        csv_open(path, names, 3, "expected the columns iso2, program, agreement, source", &text, &c,
                 col, &need, err);
    if (st != RTA_OK)
        return st;
    int ii = col[0], ip = col[1], ia = col[2];
    size_t used = 0;
    while ((st = rta__csv_next(&c, &got, err)) == RTA_OK && got) {
        long ln = c.record_line;
        if (c.nfields <= need) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, 0, "short row (%d fields)", c.nfields);
            goto done;
        }
        const char *iso = c.fields[ii], *prog = c.fields[ip], *agr = c.fields[ia];
        rta_country ctry;
        if (!all_of(iso, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2, 2) ||
            (snap && rta_country_find(snap, iso, &ctry, NULL) != RTA_OK)) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ii + 1,
                            "iso2 \"%s\" is not an ISO 3166 alpha-2 code", iso);
            goto done;
        }
        if (!all_of(prog, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 1, 3)) {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ip + 1,
                            "program \"%s\" is not a Special-column symbol (1-3 capitals)", prog);
            goto done;
        }
        if (agr[0] == '\0') {
            st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ia + 1, "agreement is empty");
            goto done;
        }
        int seen_program = 0;
        for (int i = 0; i < t->n; i++) {
            if (strcmp(t->row[i].iso2, iso) == 0) {
                st = rta__error(err, RTA_ERR_PARSE, path, ln, (long)ii + 1, "iso2 %s appears twice",
                                iso);
                goto done;
            }
            seen_program |= strcmp(t->row[i].program, prog) == 0;
        }
        if (t->n == FTA_MAX) {
            st = rta__error(err, RTA_ERR_RANGE, path, ln, 0, "more than %d partners", FTA_MAX);
            goto done;
        }
        memcpy(t->row[t->n].iso2, iso, 3);
        snprintf(t->row[t->n].program, sizeof t->row[t->n].program, "%s", prog);
        t->n++;
        if (!seen_program && used < sizeof t->list) {
            int w = snprintf(t->list + used, sizeof t->list - used, "%s%s", used ? ", " : "", prog);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (st == RTA_OK && t->n == 0)
        st = rta__error(err, RTA_ERR_PARSE, path, 0, 0, "no partner rows");
done:
    rta__csv_free(&c);
    free(text);
    return st;
}

static const char *program_of(const fta_table *t, const char *iso2)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->row[i].iso2, iso2) == 0)
            return t->row[i].program;
    return NULL;
}

static int rate_has_specific(const char *text)
{
    rta_rate r;
    if (rta_rate_parse(text, strlen(text), &r, NULL) != RTA_OK)
        return 0;
    for (int i = 0; i < r.nparts; i++)
        if (r.parts[i].kind == RTA_PART_SPECIFIC)
            return 1;
    return 0;
}

static int append_json(rta__buf *b, const char *what, const char *source, const char *file,
                       int year)
{
    int bad = rta__buf_puts(b, b->len > 1 ? ",{\"what\":" : "{\"what\":") ||
              rta__json_quote(b, what) || rta__buf_puts(b, ",\"source\":") ||
              rta__json_quote(b, source) || rta__buf_puts(b, ",\"file\":") ||
              rta__json_quote(b, file);
    if (!bad && year > 0)
        bad = rta__buf_printf(b, ",\"year\":%d", year);
    return bad || rta__buf_puts(b, "}");
}

static rta_status store_data_dir(rta_store *store, const char *given, char *buf, size_t size,
                                 rta_error *err)
{
    if (given && given[0]) {
        snprintf(buf, size, "%s", given);
        return RTA_OK;
    }
    if (store == NULL)
        return rta__error(err, RTA_ERR_INVALID, "--data", 0, 0, "no data folder given");
    return rta_store_meta(store, "data_dir", buf, size, err);
}

/* The override is 0 (Hauk 2012) or one elasticity in [-100, 0): NaN or an
 * infinity would pass `< 0` tests and poison every product. */
static rta_status check_override(double override, rta_error *err)
{
    if (!isfinite(override) || override > 0 || override < -100)
        return rta__error(err, RTA_ERR_RANGE, "--elasticity", 0, 0,
                          "the elasticity override must be 0 (Hauk 2012) or a number in "
                          "[-100, 0), not %g",
                          override);
    return RTA_OK;
}

static rta_status eta_for(const char *data_dir, double override, rta__eta_table *t, int *loaded,
                          rta_error *err)
{
    *loaded = 0;
    rta_status st = check_override(override, err);
    if (st != RTA_OK)
        return st;
    if (override < 0)
        return RTA_OK;
    char path[1200];
    join(path, sizeof path, data_dir, HAUK_FILE);
    st = rta__eta_load(path, t, err);
    if (st == RTA_OK)
        *loaded = 1;
    return st;
}

static rta_status eta_note(rta_market *m, const rta__eta_table *t, double override,
                           const char *proxy, rta_error *err)
{
    char note[900];
    if (override < 0)
        snprintf(note, sizeof note,
                 "one import demand elasticity for every product: %g (given); substitution "
                 "elasticity as the parameters say",
                 override);
    else
        snprintf(
            note, sizeof note,
            "import demand elasticities: Hauk (2012), US, by HS6 (HS 1988/92 codes matched "
            "by code, no concordance)%s; %ld well-signed estimates used, %ld of the wrong sign "
            "dropped; where a code has none: the median of its HS4, else of its chapter, "
            "else of all (%.4f); products by source: hs6 %ld, hs4 %ld, hs2 %ld, all %ld",
            proxy, t->n, t->wrong_sign, -t->all, m->info.eta_products[RTA_ETA_HS6],
            m->info.eta_products[RTA_ETA_HS4], m->info.eta_products[RTA_ETA_HS2],
            m->info.eta_products[RTA_ETA_ALL]);
    if (rta__sim_set_text(&m->eta_note, note) != 0)
        return rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
    return RTA_OK;
}

rta_status rta_market_load_us(rta_store *store, const rta_snapshot *snap, const rta_duty *duty,
                              const rta_us_market_options *o, rta_market **out, rta_error *err)
{
    *out = NULL;
    char data_dir[1024];
    rta_status st = store_data_dir(store, o->data_dir, data_dir, sizeof data_dir, err);
    if (st != RTA_OK)
        return st;
    rta__eta_table eta = {0};
    int eta_loaded = 0;
    rta_partners *partners = NULL;
    sqlite3_stmt *q = NULL;
    rta_market *m = NULL;
    rta__buf src = {0};
    if ((st = eta_for(data_dir, o->eta_override, &eta, &eta_loaded, err)) != RTA_OK)
        return st;
    fta_table fta = {0};
    if (o->claim_programs) {
        char path[1200];
        join(path, sizeof path, data_dir, FTA_FILE);
        if ((st = fta_load(path, snap, &fta, err)) != RTA_OK)
            goto done;
    }
    if ((st = rta_partners_load(store, &partners, err)) != RTA_OK)
        goto done;
    if ((st = rta_market_new("US", &m, err)) != RTA_OK)
        goto done;
    snprintf(m->input, sizeof m->input, "partner_import");
    /* census code -> iso2 */
    char iso_of[10000][3];
    memset(iso_of, 0, sizeof iso_of);
    for (long i = 0; i < rta_partners_count(partners); i++) {
        const rta_partner *p = rta_partners_at(partners, i);
        if (p->census_code > 0 && p->census_code < 10000)
            memcpy(iso_of[p->census_code], p->iso2, 3);
    }
    sqlite3 *db = rta__store_db(store);
    if (sqlite3_prepare_v2(db,
                           "SELECT census_code, hs10, value_usd, duty_usd FROM partner_import "
                           "WHERE year = 2024 ORDER BY hs10, census_code",
                           -1, &q, NULL) != SQLITE_OK) {
        st = rta__error(err, RTA_ERR_STORE, "partner_import", 0, 0, "%s", sqlite3_errmsg(db));
        goto done;
    }
    rta_duty_options dopt = {0};
    dopt.ieepa_collection = 1;
    rta_duty_result *r = malloc(sizeof *r);
    if (r == NULL) {
        st = rta__error(err, RTA_ERR_NOMEM, "partner_import", 0, 0, "out of memory");
        goto done;
    }
    long row = 0, skipped = 0, specific = 0, programs = 0;
    double skipped_usd = 0, specific_usd = 0;
    char first_skip[700] = "";
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row++;
        int cc = sqlite3_column_int(q, 0);
        const char *hs10 = (const char *)sqlite3_column_text(q, 1);
        int64_t value = sqlite3_column_int64(q, 2), dutyusd = sqlite3_column_int64(q, 3);
        if (hs10 == NULL || value <= 0)
            continue;
        if (cc <= 0 || cc >= 10000 || iso_of[cc][0] == '\0') {
            st = rta__error(err, RTA_ERR_NOT_FOUND, "partner_import", row, 0,
                            "Census code %04d has no partner in trade_partner", cc);
            free(r);
            goto done;
        }
        const char *iso = iso_of[cc];
        rta_entry e;
        rta_entry_init(&e);
        e.date = o->date;
        e.value_cents = value * 100;
        e.nqty = 2; /* zero quantities: a specific part counts 0 and is replaced below */
        e.given = RTA_ENTRY_DATE | RTA_ENTRY_HTS | RTA_ENTRY_ORIGIN | RTA_ENTRY_VALUE;
        /* the EU is one Census partner; its measures name every member alike */
        snprintf(e.origin, sizeof e.origin, "%s", strcmp(iso, "EU") == 0 ? "DE" : iso);
        rta_error derr;
        rta_status ds = RTA_ERR_NOT_FOUND;
        int used_program = 0;
        for (int digits = 10; digits >= 8 && ds != RTA_OK; digits -= 2) {
            char code[11];
            memcpy(code, hs10, (size_t)digits);
            code[digits] = '\0';
            if (rta_code_parse(code, &e.hts, &derr) != RTA_OK)
                break;
            const char *prog = o->claim_programs ? program_of(&fta, iso) : NULL;
            if (prog) {
                snprintf(e.program, sizeof e.program, "%s", prog);
                ds = rta_duty_compute(duty, &e, &dopt, r, &derr);
                used_program = ds == RTA_OK;
                e.program[0] = '\0';
            }
            if (ds != RTA_OK)
                ds = rta_duty_compute(duty, &e, &dopt, r, &derr);
        }
        if (ds != RTA_OK) {
            skipped++;
            skipped_usd += (double)value;
            if (!first_skip[0])
                snprintf(first_skip, sizeof first_skip, "first: %s from %s: %s", hs10, iso,
                         derr.message);
            continue;
        }
        double v = (double)e.value_cents;
        double mfn = (double)(r->by_authority[RTA_AUTH_MFN] + r->by_authority[RTA_AUTH_SPECIAL] +
                              r->by_authority[RTA_AUTH_COLUMN2]) /
                     v;
        double removable =
            (double)(r->by_authority[RTA_AUTH_IEEPA_RECIP] +
                     r->by_authority[RTA_AUTH_IEEPA_FENTANYL] + r->by_authority[RTA_AUTH_S122]) /
            v;
        double total = (double)r->total_duty_cents / v;
        for (int i = 0; i < r->nlines; i++) {
            rta_authority a = r->lines[i].authority;
            if ((a == RTA_AUTH_MFN || a == RTA_AUTH_SPECIAL || a == RTA_AUTH_COLUMN2) &&
                rate_has_specific(r->lines[i].rate)) {
                /* the 2024 Census calculated duty over value of the same cell */
                double census = (double)dutyusd / (double)value;
                total += census - mfn;
                specific++;
                specific_usd += (double)value;
                break;
            }
        }
        if (used_program)
            programs++;
        if (total < 0)
            total = 0;
        if (total > 10)
            total = 10;
        double te = total - removable;
        if (te < 0)
            te = 0;
        if ((st = rta_market_add(m, hs10, iso, (double)value, total, te, "partner_import", row,
                                 err)) != RTA_OK) {
            free(r);
            goto done;
        }
    }
    free(r);
    if (rc != SQLITE_DONE) {
        st = rta__error(err, RTA_ERR_STORE, "partner_import", 0, 0, "%s", sqlite3_errmsg(db));
        goto done;
    }
    if (m->ncells == 0) {
        st = rta__error(err, RTA_ERR_NOT_FOUND, "partner_import", 0, 0,
                        "the store holds no 2024 HS10 imports (run `rta import`)");
        goto done;
    }
    if ((st = rta_market_finish(m, -1.0, err)) != RTA_OK)
        goto done;
    rta__sim_assign_eta(m, eta_loaded ? &eta : NULL, o->eta_override);
    rta__sim_sections(m, snap);
    m->info.trade_year = 2024;
    m->info.tariff_date = o->date;
    m->info.specific_cells = specific;
    m->info.specific_imports_usd = specific_usd;
    m->info.program_cells = programs;
    m->info.skipped_cells = skipped;
    m->info.skipped_imports_usd = skipped_usd;
    char date[16], text[2000], programs_text[800];
    rta_date_format(o->date, date, sizeof date);
    if (o->claim_programs)
        snprintf(programs_text, sizeof programs_text,
                 "FTA partners at their program's rate where the line offers it (%d partners; "
                 "programs %s of data/" FTA_FILE ")",
                 fta.n, fta.list);
    else
        snprintf(programs_text, sizeof programs_text,
                 "the General column for every partner (no program claimed)");
    snprintf(text, sizeof text,
             "HS10 x partner: %ld cells, %ld products, %d partners (49 "
             "countries and the EU as one)",
             m->ncells, m->nproducts, m->npartners);
    int bad = rta__sim_set_text(&m->detail, text);
    snprintf(text, sizeof text,
             "the full US duty stack on %s from rta's duty engine (HTS in force + every measure of "
             "data/measures/ for the cell's origin; IEEPA ends with collection) for an entry of "
             "the cell's value, as duty / value; %s; specific or compound General rates (%ld "
             "cells, $%.0f of imports): the MFN part is the Census 2024 calculated duty / value "
             "of the same cell; the EU is priced as origin DE",
             date, programs_text, specific, specific_usd);
    bad |= rta__sim_set_text(&m->tariff_note, text);
    bad |= rta__sim_set_text(&m->trade_note,
                             "US imports for consumption 2024 by HS10 and partner, customs value "
                             "(US Census Bureau; data/trade/, table partner_import)");
    if (skipped) {
        snprintf(text, sizeof text,
                 "%ld cells ($%.0f) left out: their HS10 (and its HTS8) is not a line of the HTS "
                 "in force on %s or the duty engine could not price it (%s)",
                 skipped, skipped_usd, date, first_skip);
        bad |= rta__sim_set_text(&m->skipped_note, text);
    }
    if (bad) {
        st = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
        goto done;
    }
    if ((st = eta_note(m, &eta, o->eta_override, "", err)) != RTA_OK)
        goto done;
    if (rta__buf_puts(&src, "[") ||
        append_json(&src, "base imports",
                    "US Census Bureau, imports for consumption by HS10 and partner, 2024",
                    "data/trade/us_imports_2024_hs10_*.csv.gz", 2024) ||
        append_json(&src, "base tariffs",
                    "USITC HTS in force on the date + rta measure timeline (duty engine)",
                    "data/hts/, data/measures/measures.csv", 0) ||
        append_json(&src, "specific duties", "Census 2024 calculated duty / value of the same cell",
                    "data/trade/us_imports_2024_hs10_*.csv.gz", 2024) ||
        (o->claim_programs ? append_json(&src, "FTA programs",
                                         "HTS General Note 3(c)(i) program symbols by partner",
                                         "data/" FTA_FILE, 0)
                           : 0) ||
        (o->eta_override < 0
             ? 0
             : append_json(&src, "import demand elasticities",
                           "Hauk, W. R. (2012), US import demand elasticities by HS6",
                           "data/" HAUK_FILE, 0)) ||
        append_json(&src, "balance", "US Census goods trade by partner, 2024",
                    "data/reciprocal/census_goods_trade_by_partner_2024.csv", 2024) ||
        rta__buf_puts(&src, "]") || rta__sim_set_text(&m->sources, src.data)) {
        st = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
        goto done;
    }
done:
    sqlite3_finalize(q);
    rta__buf_free(&src);
    rta_partners_free(partners);
    rta__eta_free(&eta);
    if (st != RTA_OK) {
        rta_market_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/* ---- the Viet Nam market ---- */

/* Rate of a code (a fraction): an AHTN8 line exactly, or the simple average
 * of the rated lines under a 4- or 6-digit prefix. 0 on success. */
static int vn_rate_of(const rta__vn_schedule *s, const char *code, double *rate, int *averaged)
{
    size_t len = strlen(code);
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(s->r[mid].ahtn, code, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    double sum = 0;
    long n = 0;
    for (size_t i = lo; i < s->n && strncmp(s->r[i].ahtn, code, len) == 0; i++) {
        if (!s->r[i].has_rate)
            continue;                          /* a CKD line: no base rate */
        sum += (double)s->r[i].rate_pct / 1e8; /* percent x 1e6 -> fraction */
        n++;
    }
    if (n == 0)
        return -1;
    *rate = sum / (double)n;
    *averaged = len < 8;
    return 0;
}

rta_status rta_market_load_vn(const rta_snapshot *snap, const rta_vn_market_options *o,
                              rta_market **out, rta_error *err)
{
    *out = NULL;
    if (o->data_dir == NULL || o->data_dir[0] == '\0')
        return rta__error(err, RTA_ERR_INVALID, "--data", 0, 0, "no data folder given");
    if (o->imports_path == NULL || o->imports_path[0] == '\0')
        return rta__error(err, RTA_ERR_INVALID, "--imports", 0, 0,
                          "the Viet Nam market needs a product-level import file (--imports "
                          "FILE: code,partner,value,year); no public product-level data for "
                          "Viet Nam's imports are bundled (docs/sim.md)");
    rta_status st = check_override(o->eta_override, err);
    if (st != RTA_OK)
        return st;
    char path[1200];
    join(path, sizeof path, o->data_dir, RTA__VN_SCHEDULE_FILE);
    rta__vn_schedule sch;
    st = rta__vn_schedule_load(path, &sch, err);
    if (st != RTA_OK)
        return st;
    rta__eta_table eta = {0};
    int eta_loaded = 0;
    rta_market *m = NULL;
    char *text = NULL;
    size_t len = 0;
    rta__csv c;
    int csv_open = 0;
    rta__buf src = {0};
    if ((st = eta_for(o->data_dir, o->eta_override, &eta, &eta_loaded, err)) != RTA_OK)
        goto done;
    if ((st = rta_market_new("VN", &m, err)) != RTA_OK)
        goto done;
    snprintf(m->input, sizeof m->input, "%s", o->imports_path);
    m->demo = o->demo;
    const char *in = o->imports_path;
    if ((st = rta__read_file(in, &text, &len, err)) != RTA_OK)
        goto done;
    rta__csv_init(&c, text, len, in);
    csv_open = 1;
    int got, header = 0, ic = -1, ip = -1, iv = -1, iy = -1;
    long averaged = 0;
    int ymin = 0, ymax = 0;
    while ((st = rta__csv_next(&c, &got, err)) == RTA_OK && got) {
        long ln = c.record_line;
        if (c.nfields >= 1 && c.fields[0][0] == '#')
            continue; /* a comment (provenance) */
        if (!header) {
            /* an rta-defined format: a column rta does not know (a typo of
             * "value", a second "code") is an error, not silently ignored */
            static const char *const known[] = {"code", "partner", "value", "year", "note"};
            for (int i = 0; i < c.nfields; i++) {
                int k = 0, twice = 0;
                while (k < 5 && !same_name(c.fields[i], known[k]))
                    k++;
                for (int j = 0; j < i && k < 5; j++)
                    twice |= same_name(c.fields[j], known[k]);
                if (k == 5 || twice) {
                    st = rta__error(err, RTA_ERR_PARSE, in, ln, (long)i + 1,
                                    "%s column \"%s\" (the header is code,partner,value,year"
                                    "[,note])",
                                    twice ? "repeated" : "unknown", c.fields[i]);
                    goto done;
                }
            }
            ic = rta__csv_find(&c, "code");
            ip = rta__csv_find(&c, "partner");
            iv = rta__csv_find(&c, "value");
            iy = rta__csv_find(&c, "year");
            if (ic < 0 || ip < 0 || iv < 0 || iy < 0) {
                st = rta__error(err, RTA_ERR_PARSE, in, ln, 0,
                                "expected the header code,partner,value,year");
                goto done;
            }
            header = 1;
            continue;
        }
        int need = ic > ip ? ic : ip;
        need = need > iv ? need : iv;
        need = need > iy ? need : iy;
        if (c.nfields <= need) {
            st = rta__error(err, RTA_ERR_PARSE, in, ln, 0, "short row (%d fields)", c.nfields);
            goto done;
        }
        const char *code = c.fields[ic];
        size_t cl = strlen(code);
        if ((cl != 4 && cl != 6 && cl != 8) || strspn(code, "0123456789") != cl) {
            st = rta__error(err, RTA_ERR_PARSE, in, ln, (long)ic + 1,
                            "code \"%s\" is not an AHTN line (8 digits) or an HS heading or "
                            "subheading (4 or 6 digits)",
                            code);
            goto done;
        }
        const char *partner = c.fields[ip];
        rta_country ctry;
        if (strlen(partner) != 2 || rta_country_find(snap, partner, &ctry, NULL) != RTA_OK) {
            st = rta__error(err, RTA_ERR_INVALID, in, ln, (long)ip + 1,
                            "partner \"%s\" is not an ISO 3166 alpha-2 code", partner);
            goto done;
        }
        double value;
        if (parse_double(c.fields[iv], &value) != 0 || value < 0) {
            st = rta__error(err, RTA_ERR_RANGE, in, ln, (long)iv + 1,
                            "value \"%s\" is not a finite number of US dollars >= 0", c.fields[iv]);
            goto done;
        }
        char *yend;
        long year = strtol(c.fields[iy], &yend, 10);
        if (*yend != '\0' || year < 1990 || year > 2100) {
            st = rta__error(err, RTA_ERR_RANGE, in, ln, (long)iy + 1,
                            "year \"%s\" is not a year (1990-2100)", c.fields[iy]);
            goto done;
        }
        double rate;
        int avg = 0;
        if (vn_rate_of(&sch, code, &rate, &avg) != 0) {
            st = rta__error(err, RTA_ERR_NOT_FOUND, in, ln, (long)ic + 1,
                            "code %s has no base rate in %s (AHTN 2012; lines without a rate: "
                            "CKD)",
                            code, RTA__VN_SCHEDULE_FILE);
            goto done;
        }
        if (value == 0)
            continue;
        averaged += avg;
        if (ymin == 0 || year < ymin)
            ymin = (int)year;
        if (year > ymax)
            ymax = (int)year;
        char iso[3] = {ctry.iso2[0], ctry.iso2[1], 0};
        if ((st = rta_market_add(m, code, iso, value, rate, rate, in, ln, err)) != RTA_OK)
            goto done;
    }
    if (st != RTA_OK)
        goto done;
    if (m->ncells == 0) {
        st = rta__error(err, RTA_ERR_INVALID, in, 0, 0, "no import rows with a value");
        goto done;
    }
    if ((st = rta_market_finish(m, -1.0, err)) != RTA_OK)
        goto done;
    rta__sim_assign_eta(m, eta_loaded ? &eta : NULL, o->eta_override);
    rta__sim_sections(m, snap);
    m->info.trade_year = ymax;
    m->info.averaged_cells = averaged;
    char t[1200];
    snprintf(t, sizeof t,
             "%s%ld cells (%ld products x %d partners) from %s, years %d-%d; %ld cells at a "
             "heading or subheading (their rate is the simple average of the AHTN lines under "
             "it)",
             o->demo ? "COARSE DEMO from category fragments, not a product table: " : "", m->ncells,
             m->nproducts, m->npartners, in, ymin, ymax, averaged);
    int bad = rta__sim_set_text(&m->detail, t);
    snprintf(t, sizeof t,
             "Viet Nam's base rates of the EVFTA schedule (Annex 2-A, AHTN 2012): its applied "
             "MFN around 2012, NOT today's MFN (Decree 26/2023 is not bundled); %ld schedule "
             "lines, %ld without a rate (CKD) and %ld repeated (ex-out) lines left out",
             sch.rated, sch.no_rate, sch.duplicate);
    bad |= rta__sim_set_text(&m->tariff_note, t);
    snprintf(t, sizeof t,
             "Viet Nam's imports from the user's file %s (as given: value in US$, "
             "year per row)%s",
             in,
             o->demo ? "; the demo file transcribes figures of data/vietnam/"
                       "vn_imports_from_us_category_fragments.csv (see its comment lines)"
                     : "");
    bad |= rta__sim_set_text(&m->trade_note, t);
    if (bad) {
        st = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
        goto done;
    }
    if ((st = eta_note(m, &eta, o->eta_override,
                       ", used as a proxy for Viet Nam (no Viet Nam estimates are bundled)",
                       err)) != RTA_OK)
        goto done;
    if (rta__buf_puts(&src, "[") ||
        append_json(&src, "base imports",
                    o->demo ? "coarse demo: category fragments (news and official pages)"
                            : "the user's import file",
                    in, ymax) ||
        append_json(&src, "base tariffs",
                    "EU-Viet Nam FTA Annex 2-A, Viet Nam's schedule: base rates (applied MFN "
                    "around 2012)",
                    "data/" RTA__VN_SCHEDULE_FILE, 2012) ||
        (o->eta_override < 0
             ? 0
             : append_json(&src, "import demand elasticities",
                           "Hauk, W. R. (2012), US estimates by HS6, used as a proxy",
                           "data/" HAUK_FILE, 0)) ||
        append_json(&src, "balance", "US Census goods trade by partner, 2024",
                    "data/reciprocal/census_goods_trade_by_partner_2024.csv", 2024) ||
        rta__buf_puts(&src, "]") || rta__sim_set_text(&m->sources, src.data))
        st = rta__error(err, RTA_ERR_NOMEM, "<market>", 0, 0, "out of memory");
done:
    if (csv_open)
        rta__csv_free(&c);
    free(text);
    rta__vn_schedule_free(&sch);
    rta__eta_free(&eta);
    rta__buf_free(&src);
    if (st != RTA_OK) {
        rta_market_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/*
 * test_rate_data.c - every rate cell of every bundled HTS edition parses.
 *
 * Why: the rate parser refuses shapes it does not know, so a new shape in a
 * revision would surface as an import error. This test reads the General,
 * Special and Column 2 ("other") cells of every JSON revision under
 * data/hts/revisions/ and of the 2024 basic-edition CSV, and requires zero
 * unknown shapes; it prints the cells that fail, with file, HTS number and
 * the parser's message, so the fix starts from the data. It also checks the
 * invariants a duty engine relies on (structured kinds carry plain parts,
 * program codes point at real groups, JSON renders) on every cell, and that
 * the 2025 basic General column has the 102 shapes that test_rate.c covers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/rate.h"
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 40

typedef struct tally {
    const char *file; /* file name being read */
    long cells;       /* non-empty cells parsed */
    long failures;
    long broken; /* invariant violations */
    long kinds[RTA_RATE_KIND_COUNT];
    int count_kinds; /* 1 while reading the 2025 basic General column */
    char (*shapes)[512];
    int nshapes;
    int cap_shapes;
} tally;

static rta_special sp; /* large: kept off the stack */

/* The library's reader (gzip aware); NULL if the file cannot be read. */
static char *read_gz(const char *path, size_t *len)
{
    char *text = NULL;
    if (rta__read_file(path, &text, len, NULL) != RTA_OK)
        return NULL;
    return text;
}

/* ---- invariants of a successful parse ---- */

static int rate_ok(const rta_rate *r)
{
    if ((int)r->kind < 0 || r->kind >= RTA_RATE_KIND_COUNT)
        return 0;
    if (r->nparts < 0 || r->nparts > RTA_RATE_MAX_PARTS)
        return 0;
    for (int i = 0; i < r->nparts; i++) {
        const rta_rate_part *p = &r->parts[i];
        if (p->exact_den < 1 || p->per < 1 || (p->sign != 1 && p->sign != -1))
            return 0;
        int64_t v = p->kind == RTA_PART_AD_VALOREM ? p->ad_valorem_millionths : p->micro_usd;
        int64_t q = p->exact_num / p->exact_den, rem = p->exact_num % p->exact_den;
        if (v != q + (rem != 0 && rem >= p->exact_den - rem))
            return 0;
        if ((p->kind == RTA_PART_AD_VALOREM) != (p->unit[0] == '\0'))
            return 0;
    }
    switch (r->kind) {
    case RTA_RATE_NONE:
    case RTA_RATE_FREE:
        return r->nparts == 0 && r->needs == 0;
    case RTA_RATE_AD_VALOREM:
        return r->nparts == 1 && r->parts[0].kind == RTA_PART_AD_VALOREM && r->needs == 0;
    case RTA_RATE_SPECIFIC:
        return r->nparts == 1 && r->parts[0].kind == RTA_PART_SPECIFIC &&
               r->parts[0].basis[0] == '\0' && r->needs == RTA_NEED_QUANTITY;
    case RTA_RATE_COMPOUND:
        if (r->nparts < 2)
            return 0;
        for (int i = 0; i < r->nparts; i++)
            if ((r->parts[i].kind != RTA_PART_AD_VALOREM &&
                 r->parts[i].kind != RTA_PART_SPECIFIC) ||
                r->parts[i].basis[0] != '\0' || r->parts[i].sign != 1)
                return 0;
        return (r->needs & ~(unsigned)RTA_NEED_QUANTITY) == 0;
    case RTA_RATE_SLIDING_SCALE:
        return r->nparts == 3 && r->parts[1].kind == RTA_PART_STEP &&
               r->parts[2].kind == RTA_PART_MINIMUM && r->scale_degrees > 0 &&
               (r->needs & RTA_NEED_DEGREE);
    default:
        /* every other kind is non-structured and must say what it needs */
        return r->needs != 0;
    }
}

static int special_ok(const rta_special *s)
{
    if (s->ngroups < 0 || s->ngroups > RTA_SPECIAL_MAX_GROUPS)
        return 0;
    for (int g = 0; g < s->ngroups; g++)
        if (!rate_ok(&s->rates[g]))
            return 0;
    for (int i = 0; i < s->nprograms; i++) {
        const rta_special_program *p = &s->programs[i];
        if (p->group < 0 || p->group >= s->ngroups || p->code[0] < 'A' || p->code[0] > 'Z')
            return 0;
        if (rta_special_find(s, p->code) == NULL)
            return 0;
    }
    if (s->all_group >= 0 && (s->ngroups != 1 || s->nprograms != 0))
        return 0;
    return 1;
}

static void remember_shape(tally *t, const char *text, size_t len)
{
    char shape[512];
    rta_rate_shape(text, len, shape, sizeof shape);
    for (int i = 0; i < t->nshapes; i++)
        if (strcmp(t->shapes[i], shape) == 0)
            return;
    if (t->nshapes == t->cap_shapes) {
        int cap = t->cap_shapes ? t->cap_shapes * 2 : 128;
        char(*bigger)[512] = realloc(t->shapes, (size_t)cap * sizeof *bigger);
        if (bigger == NULL)
            return;
        t->shapes = bigger;
        t->cap_shapes = cap;
    }
    memcpy(t->shapes[t->nshapes++], shape, sizeof shape);
}

static void cell(tally *t, const char *htsno, const char *column, const char *text, size_t len)
{
    if (len == 0)
        return;
    t->cells++;
    rta_error err;
    rta_status st;
    int ok = 1;
    static char json[1 << 16];
    memset(&err, 0, sizeof err);
    if (strcmp(column, "special") == 0) {
        st = rta_special_parse(text, len, &sp, &err);
        if (st == RTA_OK) {
            ok = special_ok(&sp) && rta_special_to_json(&sp, text, json, sizeof json) < sizeof json;
        }
    } else {
        rta_rate r;
        st = rta_rate_parse(text, len, &r, &err);
        if (st == RTA_OK) {
            ok = rate_ok(&r) && rta_rate_to_json(&r, text, json, sizeof json) < sizeof json;
            if (t->count_kinds && strcmp(column, "general") == 0) {
                t->kinds[r.kind]++;
                remember_shape(t, text, len);
            }
        }
    }
    if (st != RTA_OK) {
        if (t->failures++ < MAX_SHOWN)
            printf("%s: %s %s: column %ld: %s\n", t->file, htsno, column, err.column, err.message);
    } else if (!ok) {
        if (t->broken++ < MAX_SHOWN)
            printf("%s: %s %s: \"%s\" parses but breaks an invariant\n", t->file, htsno, column,
                   text);
    }
}

/* ---- the JSON revisions ---- */

static size_t json_string(const char *js, size_t n, size_t i, char *out, size_t *olen)
{
    size_t o = 0;
    i++;
    while (i < n && js[i] != '"') {
        char c = js[i++];
        if (c == '\\' && i < n) {
            char e = js[i++];
            if (e == 'n')
                c = '\n';
            else if (e == 't')
                c = '\t';
            else if (e == 'r')
                c = '\r';
            else if (e == 'b')
                c = '\b';
            else if (e == 'f')
                c = '\f';
            else if (e == 'u' && i + 4 <= n) {
                char hex[5] = {js[i], js[i + 1], js[i + 2], js[i + 3], 0};
                unsigned cp = (unsigned)strtoul(hex, NULL, 16);
                i += 4;
                if (cp < 0x80) {
                    c = (char)cp;
                } else if (cp < 0x800) {
                    out[o++] = (char)(0xC0 | (cp >> 6));
                    c = (char)(0x80 | (cp & 0x3F));
                } else {
                    out[o++] = (char)(0xE0 | (cp >> 12));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    c = (char)(0x80 | (cp & 0x3F));
                }
            } else {
                c = e;
            }
        }
        out[o++] = c;
    }
    out[o] = '\0';
    *olen = o;
    return i + 1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int read_revision(const char *path, tally *t)
{
    size_t n;
    char *js = read_gz(path, &n);
    if (js == NULL)
        return -1;
    char *val = malloc(n + 1);
    char key[64] = "", htsno[64] = "";
    size_t i = 0, l;
    while (val != NULL && i < n) {
        if (js[i] != '"') {
            i++;
            continue;
        }
        size_t e = json_string(js, n, i, val, &l);
        size_t k = e;
        while (k < n && is_ws(js[k]))
            k++;
        if (k < n && js[k] == ':') {
            snprintf(key, sizeof key, "%s", val);
            k++;
            while (k < n && is_ws(js[k]))
                k++;
            if (k < n && js[k] == '"') {
                e = json_string(js, n, k, val, &l);
                if (strcmp(key, "htsno") == 0)
                    snprintf(htsno, sizeof htsno, "%s", val);
                else if (strcmp(key, "general") == 0 || strcmp(key, "special") == 0 ||
                         strcmp(key, "other") == 0)
                    cell(t, htsno, key, val, l);
            }
        }
        i = e;
    }
    int rc = val == NULL ? -1 : 0;
    free(val);
    free(js);
    return rc;
}

/* ---- the 2024 CSV (RFC 4180 quoting) ---- */

static int read_csv(const char *path, tally *t)
{
    size_t n;
    char *csv = read_gz(path, &n);
    if (csv == NULL)
        return -1;
    char *field = malloc(n + 1);
    char htsno[64] = "";
    size_t i = 0;
    if (n >= 3 && memcmp(csv, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    long record = 0;
    int col = 0;
    while (field != NULL && i < n) {
        size_t o = 0;
        if (csv[i] == '"') {
            i++;
            while (i < n) {
                if (csv[i] == '"' && i + 1 < n && csv[i + 1] == '"') {
                    field[o++] = '"';
                    i += 2;
                } else if (csv[i] == '"') {
                    i++;
                    break;
                } else {
                    field[o++] = csv[i++];
                }
            }
        }
        while (i < n && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r')
            field[o++] = csv[i++];
        field[o] = '\0';
        if (record > 0) {
            if (col == 0)
                snprintf(htsno, sizeof htsno, "%s", field);
            else if (col == 4)
                cell(t, htsno, "general", field, o);
            else if (col == 5)
                cell(t, htsno, "special", field, o);
            else if (col == 6)
                cell(t, htsno, "other", field, o);
        }
        if (i < n && csv[i] == ',') {
            i++;
            col++;
        } else {
            if (i < n && csv[i] == '\r')
                i++;
            if (i < n && csv[i] == '\n')
                i++;
            record++;
            col = 0;
        }
    }
    free(field);
    free(csv);
    return record > 1 ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_every_bundled_cell_parses(void **state)
{
    (void)state;
    static tally t;
    memset(&t, 0, sizeof t);
    const char *dir = RTA_TEST_DATA_DIR "/hts/revisions";
    DIR *d = opendir(dir);
    if (d == NULL)
        fail_msg("cannot open %s", dir);
    static char names[256][256];
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nnames < 256) {
        size_t l = strlen(e->d_name);
        if (l > 8 && l < sizeof names[0] && strcmp(e->d_name + l - 8, ".json.gz") == 0)
            memcpy(names[nnames++], e->d_name, l + 1);
    }
    closedir(d);
    qsort(names, (size_t)nnames, sizeof names[0], by_name);
    assert_true(nnames > 0);
    long before = 0;
    for (int k = 0; k < nnames; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        t.file = names[k];
        t.count_kinds = strcmp(names[k], "hts_2025_basic.json.gz") == 0;
        if (read_revision(path, &t) != 0)
            fail_msg("cannot read %s", path);
        if (t.cells == before)
            fail_msg("%s has no rate cells", path);
        before = t.cells;
    }
    t.file = "hts_2024_basic_edition.csv.gz";
    t.count_kinds = 0;
    if (read_csv(RTA_TEST_DATA_DIR "/hts/hts_2024_basic_edition.csv.gz", &t) != 0)
        fail_msg("cannot read the 2024 CSV");
    assert_true(t.cells > before);

    printf("%d revisions + the 2024 CSV: %ld rate cells, %ld unknown shapes, %ld broken\n", nnames,
           t.cells, t.failures, t.broken);
    printf("2025 basic General: %d shapes;", t.nshapes);
    for (int k = 0; k < RTA_RATE_KIND_COUNT; k++)
        if (t.kinds[k])
            printf(" %s %ld", rta_rate_kind_name((rta_rate_kind)k), t.kinds[k]);
    printf("\n");
    free(t.shapes);
    assert_int_equal(t.failures, 0);
    assert_int_equal(t.broken, 0);
    assert_int_equal(t.nshapes, 102);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_bundled_cell_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * hts_json.c - JSON and path views of an HTS line.
 *
 * Why: the CLI and the server print the same object for a line; building it
 * in the library keeps the front ends thin and the contract in one place.
 */
#include "rta/hts.h"
#include "rta/nomenclature.h"

#include "json.h"
#include "snapshot_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rta_hts_path(const rta_snapshot *snap, const rta_hts_line *line, const char **desc,
                 rta_code *codes, int max)
{
    /* collect ancestors bottom-up, then reverse */
    const char *d[64];
    rta_code c[64];
    int n = 0;
    rta_hts_line cur = *line, par;
    d[n] = cur.description;
    memset(&c[n], 0, sizeof c[n]);
    if (cur.has_code)
        c[n] = cur.code;
    n++;
    while (n < 63 && rta_hts_parent(snap, &cur, &par)) {
        d[n] = par.description;
        memset(&c[n], 0, sizeof c[n]);
        if (par.has_code)
            c[n] = par.code;
        n++;
        cur = par;
    }
    /* the chapter comes from HS 2022 (the HTS JSON has no chapter rows) */
    if (line->has_code) {
        rta_code ch = line->code;
        while (ch.len > 2)
            rta_code_parent(&ch, &ch);
        rta_hs_entry e;
        if (!(c[n - 1].len == 2) && rta_hs_find(snap, &ch, &e, NULL, NULL) == RTA_OK &&
            e.code.len == 2) {
            d[n] = e.description;
            c[n] = e.code;
            n++;
        }
    }
    int k = 0;
    for (int i = n - 1; i >= 0 && k < max; i--, k++) {
        desc[k] = d[i];
        if (codes)
            codes[k] = c[i];
    }
    return k;
}

static int put_rate(rta__buf *b, const char *text, int special)
{
    char small[2048];
    size_t need;
    char *big = NULL;
    rta_error err;
    if (special) {
        rta_special sp;
        if (rta_special_parse(text, strlen(text), &sp, &err) != RTA_OK)
            goto unknown;
        need = rta_special_to_json(&sp, text, small, sizeof small);
        if (need >= sizeof small) {
            big = malloc(need + 1);
            if (big == NULL)
                return -1;
            rta_special_to_json(&sp, text, big, need + 1);
        }
    } else {
        rta_rate r;
        if (rta_rate_parse(text, strlen(text), &r, &err) != RTA_OK)
            goto unknown;
        need = rta_rate_to_json(&r, text, small, sizeof small);
        if (need >= sizeof small) {
            big = malloc(need + 1);
            if (big == NULL)
                return -1;
            rta_rate_to_json(&r, text, big, need + 1);
        }
    }
    int rc = rta__buf_puts(b, big ? big : small);
    free(big);
    return rc;
unknown:
    /* never silently zero: an unknown shape says so */
    if (rta__buf_puts(b, "{\"text\":") || rta__json_quote(b, text) ||
        rta__buf_puts(b, ",\"kind\":\"unknown\",\"error\":") || rta__json_quote(b, err.message) ||
        rta__buf_puts(b, "}"))
        return -1;
    return 0;
}

char *rta_hts_line_json(const rta_snapshot *snap, const rta_hts_line *line)
{
    rta__buf b = {0};
    char code[16] = "";
    int fail = 0;
    if (line->has_code)
        rta_code_format(&line->code, code, sizeof code);
    fail |= rta__buf_puts(&b, "{\"code\":");
    fail |= rta__json_quote(&b, line->has_code ? line->code.digits : "");
    fail |= rta__buf_puts(&b, ",\"code_dotted\":");
    fail |= rta__json_quote(&b, code);
    fail |= rta__buf_puts(&b, ",\"level\":");
    fail |= rta__json_quote(&b, line->has_code ? rta_code_level_name(line->code.len) : "header");
    fail |= rta__buf_puts(&b, ",\"description\":");
    fail |= rta__json_quote(&b, line->description);
    const char *desc[64];
    rta_code codes[64];
    int n = rta_hts_path(snap, line, desc, codes, 64);
    /* path: chapter first, the line itself last (as USITC prints the indent tree) */
    fail |= rta__buf_puts(&b, ",\"path\":[");
    for (int i = 0; i < n; i++) {
        if (i)
            fail |= rta__buf_puts(&b, ",");
        fail |= rta__json_quote(&b, desc[i]);
    }
    fail |= rta__buf_puts(&b, "],\"path_codes\":[");
    for (int i = 0; i < n; i++) {
        if (i)
            fail |= rta__buf_puts(&b, ",");
        fail |= rta__json_quote(&b, codes[i].len ? codes[i].digits : "");
    }
    fail |= rta__buf_puts(&b, "],\"units\":[");
    for (int i = 0; i < line->nunits; i++) {
        if (i)
            fail |= rta__buf_puts(&b, ",");
        fail |= rta__json_quote(&b, line->units[i]);
    }
    fail |= rta__buf_puts(&b, "]");
    static const char *const names[3] = {"general", "special", "column2"};
    for (int c = 0; c < 3; c++) {
        fail |= rta__buf_printf(&b, ",\"%s\":", names[c]);
        fail |= put_rate(&b, line->rate[c], c == RTA_COL_SPECIAL);
        /* where the text is written: this line or an ancestor (USITC inheritance) */
        if (b.len == 0 || b.data[b.len - 1] != '}') {
            rta__buf_free(&b);
            return NULL;
        }
        b.len--; /* reopen the object to add where the text is written */
        fail |= rta__buf_puts(&b, ",\"inherited_from\":");
        if (line->rate_inherited[c] && line->rate_from[c].len)
            fail |= rta__json_quote(&b, line->rate_from[c].digits);
        else
            fail |= rta__buf_puts(&b, "null");
        fail |= rta__buf_puts(&b, "}");
    }
    fail |= rta__buf_puts(&b, ",\"footnotes\":[");
    for (int i = 0; i < line->nfootnotes; i++) {
        rta_hts_footnote f;
        if (!rta_hts_footnote_get(snap, line, i, &f))
            continue;
        if (i)
            fail |= rta__buf_puts(&b, ",");
        fail |= rta__buf_puts(&b, "{\"columns\":");
        fail |= rta__json_quote(&b, f.columns);
        fail |= rta__buf_puts(&b, ",\"type\":");
        fail |= rta__json_quote(&b, f.type);
        fail |= rta__buf_puts(&b, ",\"text\":");
        fail |= rta__json_quote(&b, f.value);
        fail |= rta__buf_puts(&b, ",\"chapter99\":[");
        const char *p = f.ch99;
        int first = 1;
        while (*p) {
            const char *sp = strchr(p, ' ');
            size_t l = sp ? (size_t)(sp - p) : strlen(p);
            char ref[16];
            snprintf(ref, sizeof ref, "%.*s", (int)(l < 15 ? l : 15), p);
            if (!first)
                fail |= rta__buf_puts(&b, ",");
            fail |= rta__json_quote(&b, ref);
            first = 0;
            p += l + (sp ? 1 : 0);
        }
        fail |= rta__buf_puts(&b, "]}");
    }
    fail |= rta__buf_puts(&b, "]");
    if (line->quota[0]) {
        fail |= rta__buf_puts(&b, ",\"quota\":");
        fail |= rta__json_quote(&b, line->quota);
    }
    if (line->additional[0]) {
        fail |= rta__buf_puts(&b, ",\"additional_duties\":");
        fail |= rta__json_quote(&b, line->additional);
    }
    rta_revision rev;
    if (rta_snapshot_revision(snap, line->revision, &rev)) {
        char d1[16], d2[16];
        rta_date_format(rev.effective, d1, sizeof d1);
        fail |= rta__buf_puts(&b, ",\"revision\":{\"name\":");
        fail |= rta__json_quote(&b, rev.name);
        fail |= rta__buf_printf(&b, ",\"effective\":\"%s\",\"until\":", d1);
        if (rev.until == INT32_MAX)
            fail |= rta__buf_puts(&b, "null");
        else
            fail |= rta__buf_printf(&b, "\"%s\"", rta_date_format(rev.until, d2, sizeof d2));
        fail |= rta__buf_puts(&b, ",\"source\":");
        fail |= rta__json_quote(&b, rev.source);
        fail |= rta__buf_puts(&b, "}");
    }
    if (line->has_code) {
        rta_hs_entry e;
        if (rta_hs_find(snap, &line->code, &e, NULL, NULL) == RTA_OK) {
            fail |= rta__buf_puts(&b, ",\"hs2022\":{\"code\":");
            fail |= rta__json_quote(&b, e.code.digits);
            fail |= rta__buf_puts(&b, ",\"description\":");
            fail |= rta__json_quote(&b, e.description);
            fail |= rta__buf_puts(&b, ",\"section\":");
            fail |= rta__json_quote(&b, e.section);
            fail |= rta__buf_puts(&b, "}");
        }
    }
    fail |= rta__buf_puts(&b, "}");
    if (fail) {
        rta__buf_free(&b);
        return NULL;
    }
    return b.data;
}

/*
 * nomenclature.c - HS 2022 entries and countries from the snapshot.
 *
 * Why: see rta/nomenclature.h. Both tables are small and sorted in the image,
 * so lookups are binary searches (HS) or a short scan (countries).
 */
#include "rta/nomenclature.h"

#include "snapshot_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const snap_hs *hs_lookup(const rta_snapshot *s, uint64_t key)
{
    size_t lo = 0, hi = s->nhs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->hs[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nhs && s->hs[lo].key == key ? &s->hs[lo] : NULL;
}

rta_status rta_hs_find(const rta_snapshot *snap, const rta_code *code, rta_hs_entry *out,
                       int *exact, rta_error *err)
{
    rta_code c = *code;
    while (c.len > 6)
        rta_code_parent(&c, &c);
    for (;;) {
        const snap_hs *h = hs_lookup(snap, rta_code_key(&c));
        if (h) {
            out->code = c;
            out->description = rta__snap_str(snap, h->desc);
            out->section = rta__snap_str(snap, h->section);
            out->section_name = "";
            for (size_t i = 0; i < snap->nsections; i++)
                if (strcmp(rta__snap_str(snap, snap->sections[i].id), out->section) == 0)
                    out->section_name = rta__snap_str(snap, snap->sections[i].name);
            if (exact)
                *exact = c.len == code->len;
            return RTA_OK;
        }
        if (!rta_code_parent(&c, &c))
            break;
    }
    char buf[16];
    return rta__error(err, RTA_ERR_NOT_FOUND, "<code>", 0, 0, "%s: chapter %.2s is not in HS 2022",
                      rta_code_format(code, buf, sizeof buf), code->digits);
}

long rta_hs_count(const rta_snapshot *snap, int level)
{
    long n = 0;
    for (size_t i = 0; i < snap->nhs; i++)
        if ((int)(snap->hs[i].key % 8) * 2 == level)
            n++;
    return n;
}

static void fill_country(const rta_snapshot *s, const snap_country *c, rta_country *out)
{
    memcpy(out->iso2, c->iso2, 3);
    memcpy(out->iso3, c->iso3, 4);
    out->numeric = c->numeric;
    out->name = rta__snap_str(s, c->name);
    out->census_code = (int)c->census;
    out->eu27 = c->eu27;
}

rta_status rta_country_find(const rta_snapshot *snap, const char *key, rta_country *out,
                            rta_error *err)
{
    size_t n = key ? strlen(key) : 0;
    char up[8] = {0};
    int digits = n > 0 && n < sizeof up;
    for (size_t i = 0; i < n && i < sizeof up - 1; i++) {
        up[i] = (char)toupper((unsigned char)key[i]);
        if (!isdigit((unsigned char)key[i]))
            digits = 0;
    }
    for (size_t i = 0; i < snap->ncountries; i++) {
        const snap_country *c = &snap->countries[i];
        if ((n == 2 && strcmp(c->iso2, up) == 0) || (n == 3 && strcmp(c->iso3, up) == 0) ||
            (digits && n == 4 && c->census == (uint32_t)atoi(up))) {
            fill_country(snap, c, out);
            return RTA_OK;
        }
    }
    return rta__error(err, RTA_ERR_NOT_FOUND, "<country>", 0, 0,
                      "\"%s\" is not an ISO 3166 country code (alpha-2, alpha-3) or a Census "
                      "country code",
                      key ? key : "");
}

long rta_country_count(const rta_snapshot *snap)
{
    return (long)snap->ncountries;
}

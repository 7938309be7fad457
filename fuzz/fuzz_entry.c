/*
 * fuzz_entry.c - libFuzzer target for the entry CSV reader: records split by
 * the CSV reader, fields set by name with rta_entry_set, then checked.
 * Invariants: no crash or sanitizer report; every failure has a message;
 * an accepted entry has non-negative amounts.
 */
#include "csv.h"
#include "rta/duty.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"date",   "hts",         "origin",  "value",
                                        "qty1",   "qty2",        "steel",   "aluminum",
                                        "copper", "us_content",  "program", "transshipped",
                                        "mode",   "export_date", "qty"};
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rta__csv c;
    rta__csv_init(&c, text, size, "<fuzz>");
    int got;
    rta_error err;
    for (int rec = 0; rec < 64; rec++) {
        if (rta__csv_next(&c, &got, &err) != RTA_OK) {
            if (err.message[0] == '\0')
                abort();
            break;
        }
        if (!got)
            break;
        rta_entry e;
        rta_entry_init(&e);
        for (int i = 0; i < c.nfields; i++) {
            const char *name = names[i % (int)(sizeof names / sizeof names[0])];
            if (rta_entry_set(&e, name, c.fields[i], &err) != RTA_OK && err.message[0] == '\0')
                abort();
        }
        if (rta_entry_check(&e, &err) == RTA_OK) {
            if (e.value_cents < 0 || e.steel_cents < 0 || e.us_content_cents < 0)
                abort();
            char buf[32];
            rta_cents_format(e.value_cents, buf, sizeof buf);
        } else if (err.message[0] == '\0') {
            abort();
        }
    }
    rta__csv_free(&c);
    free(text);
    return 0;
}

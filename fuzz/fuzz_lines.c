/*
 * fuzz_lines.c - libFuzzer target for the negotiating line file reader.
 *
 * Invariants checked: a failure says where and what (input, message) and
 * returns no lines; a success returns lines that pass rta_line_validate, that
 * cover their own code, and that write and re-read to the same lines.
 */
#include "rta/lines.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rta_lines l, back;
    rta_error err;
    if (rta_lines_parse("fuzz.csv", (const char *)data, size, &l, &err) != RTA_OK) {
        if (err.code == RTA_OK || err.message[0] == '\0' || strcmp(err.input, "fuzz.csv") != 0 ||
            l.items != NULL || l.count != 0)
            abort();
        return 0;
    }
    for (size_t i = 0; i < l.count; i++) {
        if (rta_line_validate(&l.items[i], "fuzz.csv", l.items[i].source_line, NULL) != RTA_OK)
            abort();
        if (!l.items[i].description || !rta_line_covers(&l.items[i], l.items[i].code))
            abort();
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    if (rta_lines_write(f, &l, NULL) != RTA_OK)
        abort();
    fclose(f);
    if (rta_lines_parse("w.csv", buf, len, &back, &err) != RTA_OK || back.count != l.count)
        abort();
    for (size_t i = 0; i < l.count; i++) {
        const rta_line *a = &l.items[i], *b = &back.items[i];
        if (strcmp(a->code, b->code) != 0 || strcmp(a->code_to, b->code_to) != 0 ||
            a->treatment != b->treatment || a->value_millionths != b->value_millionths ||
            a->staging_years != b->staging_years || strcmp(a->description, b->description) != 0)
            abort();
    }
    rta_lines_free(&back);
    rta_lines_free(&l);
    free(buf);
    return 0;
}

/*
 * fuzz_code.c - libFuzzer target for the HS/HTS code parser.
 *
 * Invariants checked: a parsed code has 2-10 even digits, formats and
 * re-parses to itself, its key round-trips, and its parent is a prefix.
 */
#include "rta/code.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    rta_code c, back, parent;
    rta_error err;
    if (rta_code_parse(text, &c, &err) != RTA_OK) {
        if (err.code == RTA_OK || err.message[0] == '\0')
            abort(); /* an error must say what is wrong */
        return 0;
    }
    if (c.len < 2 || c.len > 10 || c.len % 2 != 0 || strlen(c.digits) != (size_t)c.len)
        abort();
    char buf[16];
    rta_code_format(&c, buf, sizeof buf);
    if (rta_code_parse(buf, &back, NULL) != RTA_OK || strcmp(back.digits, c.digits) != 0)
        abort();
    if (!rta_code_from_key(rta_code_key(&c), &back) || strcmp(back.digits, c.digits) != 0)
        abort();
    if (rta_code_parent(&c, &parent) && !rta_code_has_prefix(&c, &parent))
        abort();
    return 0;
}

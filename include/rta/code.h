/*
 * rta/code.h - HS and HTS codes in every form people type them.
 *
 * Why: the same US tariff line is written 6109.10.00.12, 6109100012 or (for
 * its subheading) 610910 and 6109.10. Every module keys products by one
 * normalised form: the digits, whose count gives the level (2 chapter,
 * 4 heading, 6 HS subheading, 8 US tariff line, 10 statistical suffix), and a
 * 64-bit key that sorts parents before children for fast indexed lookups.
 */
#ifndef RTA_CODE_H
#define RTA_CODE_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rta_code {
    char digits[11]; /* NUL-terminated digits, no dots */
    int len;         /* 2, 4, 6, 8 or 10 */
} rta_code;

/* Parses "6109.10.00.12", "6109100012", "610910", "6109.10", "6109", "61",
 * with surrounding spaces allowed. Dots may only separate the USITC groups
 * (4.2.2.2); a space may stand for a dot. Anything else is RTA_ERR_PARSE with
 * the column of the offending character; err->input is set to "<code>". */
rta_status rta_code_parse(const char *text, rta_code *out, rta_error *err);

/* Writes the dotted USITC form ("6109.10.00.12", "6109.10", "6109", "61").
 * Returns buf. size >= 14 always suffices. */
char *rta_code_format(const rta_code *code, char *buf, size_t size);

/* The parent one level up (10 -> 8 -> 6 -> 4 -> 2). Returns 0 and leaves
 * out unchanged for a chapter. */
int rta_code_parent(const rta_code *code, rta_code *out);

/* "chapter", "heading", "subheading", "tariff line", "statistical suffix". */
const char *rta_code_level_name(int len);

/* Sort/index key: the digits padded to 10 places, times 8, plus len/2.
 * Keys order a code before its descendants and siblings by number. */
uint64_t rta_code_key(const rta_code *code);

/* Inverse of rta_code_key. Returns 0 on a key that is not a code's. */
int rta_code_from_key(uint64_t key, rta_code *out);

/* 1 if `prefix` is `code` or one of its ancestors. */
int rta_code_has_prefix(const rta_code *code, const rta_code *prefix);

#ifdef __cplusplus
}
#endif

#endif

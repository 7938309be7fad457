/*
 * internal.h - helpers shared inside librta only (rta__ prefix).
 *
 * Why: one place for the error setter and small allocation helpers so that
 * every module reports faults the same way.
 */
#ifndef RTA_INTERNAL_H
#define RTA_INTERNAL_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define RTA__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RTA__PRINTF(f, a)
#endif

/* Fills err (if not NULL) and returns code, so callers can write
 * `return rta__error(err, RTA_ERR_PARSE, file, line, col, "...", ...);` */
rta_status rta__error(rta_error *err, rta_status code, const char *input, long line, long column,
                      const char *fmt, ...) RTA__PRINTF(6, 7);

/* Growable byte buffer; owns data. */
typedef struct rta__buf {
    char *data;
    size_t len;
    size_t cap;
} rta__buf;

int rta__buf_reserve(rta__buf *b, size_t extra);
int rta__buf_append(rta__buf *b, const void *p, size_t n);
int rta__buf_puts(rta__buf *b, const char *s);
int rta__buf_printf(rta__buf *b, const char *fmt, ...) RTA__PRINTF(2, 3);
void rta__buf_free(rta__buf *b);

/* Reads a whole file, transparently gunzipping .gz (or any gzip stream), into
 * a NUL-terminated malloc'ed buffer (*out, free with free()). */
rta_status rta__read_file(const char *path, char **out, size_t *out_len, rta_error *err);

/* strdup that returns NULL on NULL. */
char *rta__strdup(const char *s);

/* 64-bit FNV-1a over bytes; used for content hashes of rows and checksums. */
uint64_t rta__fnv1a(const void *p, size_t n, uint64_t seed);

#endif

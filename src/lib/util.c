/*
 * util.c - growable buffers, whole-file reading (gzip aware) and hashing.
 *
 * Why: readers of the bundled data (USITC JSON and CSV, HS tables) need the
 * whole file in memory, compressed or not; zlib's gz* functions read plain and
 * gzip files alike, so the project can ship compressed data and read it as is.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int rta__buf_reserve(rta__buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int rta__buf_append(rta__buf *b, const void *p, size_t n)
{
    if (rta__buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int rta__buf_puts(rta__buf *b, const char *s)
{
    return rta__buf_append(b, s, strlen(s));
}

int rta__buf_printf(rta__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof tmp)
        return rta__buf_append(b, tmp, (size_t)n);
    if (rta__buf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void rta__buf_free(rta__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

rta_status rta__read_file(const char *path, char **out, size_t *out_len, rta_error *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    gzFile f = gzopen(path, "rb");
    if (f == NULL)
        return rta__error(err, RTA_ERR_IO, path, 0, 0, "cannot open: %s",
                          errno ? strerror(errno) : "unknown error");
    gzbuffer(f, 1 << 17);
    rta__buf b = {0};
    char chunk[1 << 16];
    for (;;) {
        int n = gzread(f, chunk, sizeof chunk);
        if (n < 0) {
            int zerr = 0;
            const char *msg = gzerror(f, &zerr);
            rta__buf_free(&b);
            gzclose(f);
            return rta__error(err, RTA_ERR_IO, path, 0, 0, "read error: %s", msg);
        }
        if (n == 0)
            break;
        if (rta__buf_append(&b, chunk, (size_t)n) != 0) {
            rta__buf_free(&b);
            gzclose(f);
            return rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory reading file");
        }
    }
    gzclose(f);
    if (b.data == NULL && rta__buf_append(&b, "", 0) != 0)
        return rta__error(err, RTA_ERR_NOMEM, path, 0, 0, "out of memory");
    *out = b.data;
    if (out_len)
        *out_len = b.len;
    return RTA_OK;
}

char *rta__strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

uint64_t rta__fnv1a(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ? seed : 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/*
 * rta/error.h - status codes and located errors shared by every rta module.
 *
 * Why: the library never prints or exits. Every fallible call returns an
 * rta_status and, when the caller passes an rta_error, fills it with a message
 * and the place of the fault (input name, line, column) so that a front end can
 * print a compiler-style diagnostic such as
 *     rta: data/x.csv:12:7: rate "1O%" is not a known rate shape
 * The codes come from one X-macro table so names and numbers cannot drift.
 */
#ifndef RTA_ERROR_H
#define RTA_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, short description) */
#define RTA_STATUS_MAP(X)                                                                          \
    X(RTA_OK, 0, "ok")                                                                             \
    X(RTA_ERR_NOMEM, 1, "out of memory")                                                           \
    X(RTA_ERR_IO, 2, "input/output error")                                                         \
    X(RTA_ERR_PARSE, 3, "malformed input")                                                         \
    X(RTA_ERR_NOT_FOUND, 4, "not found")                                                           \
    X(RTA_ERR_INVALID, 5, "invalid argument")                                                      \
    X(RTA_ERR_STORE, 6, "store error")                                                             \
    X(RTA_ERR_SCHEMA, 7, "store schema mismatch")                                                  \
    X(RTA_ERR_UNSUPPORTED, 8, "unsupported")                                                       \
    X(RTA_ERR_RANGE, 9, "value out of range")

typedef enum rta_status {
#define RTA__STATUS_ENUM(name, value, text) name = value,
    RTA_STATUS_MAP(RTA__STATUS_ENUM)
#undef RTA__STATUS_ENUM
} rta_status;

/* Where an error happened and what it was. All strings are owned by the struct
 * (fixed buffers), so an rta_error can be copied and kept without cleanup.
 * line and column are 1-based; 0 means "not applicable". */
typedef struct rta_error {
    rta_status code;
    char input[256];   /* file name, "<argument>", table name... ("" if none) */
    long line;         /* 1-based line (or record) number, 0 if none */
    long column;       /* 1-based column or field number, 0 if none */
    char message[512]; /* human sentence without trailing newline */
} rta_error;

/* The symbolic name of a status ("RTA_ERR_PARSE"). Never NULL. */
const char *rta_status_name(rta_status status);

/* A short description of a status ("malformed input"). Never NULL. */
const char *rta_status_text(rta_status status);

/* Resets err to RTA_OK with empty fields. err may be NULL. */
void rta_error_clear(rta_error *err);

/* Formats err as "input:line:column: message" (parts omitted when empty/0)
 * into buf (always NUL-terminated when size > 0). Returns buf. */
char *rta_error_format(const rta_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif

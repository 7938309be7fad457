/*
 * json.h - a small pull reader and an escaping writer for JSON (internal).
 *
 * Why: rta reads the USITC JSON exports (13 MB each, 45 of them) and, later,
 * bills of materials; it writes JSON for the CLI and the server. A pull reader
 * over the whole buffer needs no tree and no allocation per value, and reports
 * faults with line and column, which a general library would not give us.
 */
#ifndef RTA_JSON_H
#define RTA_JSON_H

#include "internal.h"

typedef struct rta__json {
    const char *start; /* whole document (borrowed) */
    const char *p;     /* cursor */
    const char *end;
    const char *input; /* name for errors (borrowed) */
    int depth;
} rta__json;

void rta__json_init(rta__json *j, const char *text, size_t len, const char *input);

/* Next non-space byte without consuming it, or 0 at the end. */
int rta__json_peek(rta__json *j);

/* Consumes the expected punctuation ('[', '{', ':'...) or fails. */
rta_status rta__json_expect(rta__json *j, char c, rta_error *err);

/* Array iteration: call after '[' was consumed (first=1) and after each
 * element (first=0). Sets *more to 1 if an element follows, 0 after ']'. */
rta_status rta__json_array_next(rta__json *j, int first, int *more, rta_error *err);

/* Object iteration: like array_next, and reads the key (decoded into key)
 * and the ':' when *more is 1. */
rta_status rta__json_object_next(rta__json *j, int first, rta__buf *key, int *more, rta_error *err);

/* Reads a string value (decoded, UTF-8) into out (cleared first). If the value
 * is null, out is set to "" and *is_null (if given) to 1. */
rta_status rta__json_string(rta__json *j, rta__buf *out, int *is_null, rta_error *err);

/* Reads a number, string, true/false or null as text into out (strings
 * decoded). Fails on arrays/objects. */
rta_status rta__json_scalar(rta__json *j, rta__buf *out, int *is_null, rta_error *err);

/* Skips one value of any type. */
rta_status rta__json_skip(rta__json *j, rta_error *err);

/* Fails with a located message at the cursor. */
rta_status rta__json_fail(rta__json *j, rta_error *err, const char *what);

/* Appends s as a JSON string literal (quoted, escaped) to b. */
int rta__json_quote(rta__buf *b, const char *s);

#endif

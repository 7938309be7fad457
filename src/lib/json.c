/*
 * json.c - pull reader and string quoting for JSON (RFC 8259).
 *
 * Why: see json.h. Errors compute line and column only when they happen, by
 * counting newlines up to the cursor, so the fast path never tracks them.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

#define RTA__JSON_MAX_DEPTH 64

static rta_status read_string_body(rta__json *j, rta__buf *out, rta_error *err);

void rta__json_init(rta__json *j, const char *text, size_t len, const char *input)
{
    j->start = text;
    j->p = text;
    j->end = text + len;
    j->input = input;
    j->depth = 0;
    /* A UTF-8 byte order mark is allowed before the value. */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        j->p += 3;
}

static void skip_ws(rta__json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

rta_status rta__json_fail(rta__json *j, rta_error *err, const char *what)
{
    long line = 1, col = 1;
    for (const char *q = j->start; q < j->p && q < j->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            col++;
        }
    }
    if (j->p >= j->end)
        return rta__error(err, RTA_ERR_PARSE, j->input, line, col, "%s (at end of input)", what);
    return rta__error(err, RTA_ERR_PARSE, j->input, line, col, "%s (found '%c')", what,
                      (*j->p >= 32 && *j->p < 127) ? *j->p : '?');
}

int rta__json_peek(rta__json *j)
{
    skip_ws(j);
    return j->p < j->end ? (unsigned char)*j->p : 0;
}

rta_status rta__json_expect(rta__json *j, char c, rta_error *err)
{
    skip_ws(j);
    if (j->p >= j->end || *j->p != c) {
        char what[32];
        snprintf(what, sizeof what, "expected '%c'", c);
        return rta__json_fail(j, err, what);
    }
    j->p++;
    return RTA_OK;
}

rta_status rta__json_array_next(rta__json *j, int first, int *more, rta_error *err)
{
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        *more = 0;
        return RTA_OK;
    }
    if (!first) {
        if (j->p >= j->end || *j->p != ',')
            return rta__json_fail(j, err, "expected ',' or ']' in array");
        j->p++;
    }
    *more = 1;
    return RTA_OK;
}

rta_status rta__json_object_next(rta__json *j, int first, rta__buf *key, int *more, rta_error *err)
{
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        *more = 0;
        return RTA_OK;
    }
    if (!first) {
        if (j->p >= j->end || *j->p != ',')
            return rta__json_fail(j, err, "expected ',' or '}' in object");
        j->p++;
        skip_ws(j);
    }
    if (j->p >= j->end || *j->p != '"')
        return rta__json_fail(j, err, "expected a string key in object");
    rta_status st;
    if (key) {
        st = rta__json_string(j, key, NULL, err);
    } else {
        j->p++;
        st = read_string_body(j, NULL, err);
    }
    if (st != RTA_OK)
        return st;
    *more = 1;
    return rta__json_expect(j, ':', err);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(rta__json *j, unsigned *out)
{
    if (j->end - j->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(j->p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    j->p += 4;
    *out = v;
    return 0;
}

static int put_utf8(rta__buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return rta__buf_append(b, u, n);
}

static rta_status read_string_body(rta__json *j, rta__buf *out, rta_error *err)
{
    /* cursor is after the opening quote */
    for (;;) {
        const char *run = j->p;
        while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
            j->p++;
        if (out && rta__buf_append(out, run, (size_t)(j->p - run)) != 0)
            return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
        if (j->p >= j->end)
            return rta__json_fail(j, err, "unterminated string");
        char c = *j->p;
        if (c == '"') {
            j->p++;
            return RTA_OK;
        }
        if ((unsigned char)c < 0x20)
            return rta__json_fail(j, err, "control character in string");
        /* backslash escape */
        j->p++;
        if (j->p >= j->end)
            return rta__json_fail(j, err, "unterminated escape");
        char e = *j->p++;
        char lit;
        switch (e) {
        case '"':
            lit = '"';
            break;
        case '\\':
            lit = '\\';
            break;
        case '/':
            lit = '/';
            break;
        case 'b':
            lit = '\b';
            break;
        case 'f':
            lit = '\f';
            break;
        case 'n':
            lit = '\n';
            break;
        case 'r':
            lit = '\r';
            break;
        case 't':
            lit = '\t';
            break;
        case 'u': {
            unsigned cp;
            if (read_hex4(j, &cp) != 0)
                return rta__json_fail(j, err, "bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
                    return rta__json_fail(j, err, "unpaired surrogate in \\u escape");
                j->p += 2;
                if (read_hex4(j, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    return rta__json_fail(j, err, "bad low surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return rta__json_fail(j, err, "unpaired surrogate in \\u escape");
            }
            if (out && put_utf8(out, cp) != 0)
                return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
            continue;
        }
        default:
            j->p--;
            return rta__json_fail(j, err, "unknown escape in string");
        }
        if (out && rta__buf_append(out, &lit, 1) != 0)
            return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    }
}

static int match_word(rta__json *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) >= n && memcmp(j->p, w, n) == 0) {
        j->p += n;
        return 1;
    }
    return 0;
}

rta_status rta__json_string(rta__json *j, rta__buf *out, int *is_null, rta_error *err)
{
    skip_ws(j);
    out->len = 0;
    if (rta__buf_append(out, "", 0) != 0)
        return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    if (is_null)
        *is_null = 0;
    if (j->p < j->end && *j->p == 'n' && match_word(j, "null")) {
        if (is_null)
            *is_null = 1;
        return RTA_OK;
    }
    if (j->p >= j->end || *j->p != '"')
        return rta__json_fail(j, err, "expected a string");
    j->p++;
    return read_string_body(j, out, err);
}

static rta_status read_number(rta__json *j, rta__buf *out, rta_error *err)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || !(*j->p >= '0' && *j->p <= '9'))
        return rta__json_fail(j, err, "bad number");
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || !(*j->p >= '0' && *j->p <= '9'))
            return rta__json_fail(j, err, "bad number: digit expected after '.'");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || !(*j->p >= '0' && *j->p <= '9'))
            return rta__json_fail(j, err, "bad number: digit expected in exponent");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (out && rta__buf_append(out, s, (size_t)(j->p - s)) != 0)
        return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    return RTA_OK;
}

rta_status rta__json_scalar(rta__json *j, rta__buf *out, int *is_null, rta_error *err)
{
    skip_ws(j);
    if (is_null)
        *is_null = 0;
    out->len = 0;
    if (rta__buf_append(out, "", 0) != 0)
        return rta__error(err, RTA_ERR_NOMEM, j->input, 0, 0, "out of memory");
    if (j->p >= j->end)
        return rta__json_fail(j, err, "expected a value");
    char c = *j->p;
    if (c == '"') {
        j->p++;
        return read_string_body(j, out, err);
    }
    if (c == 'n' && match_word(j, "null")) {
        if (is_null)
            *is_null = 1;
        return RTA_OK;
    }
    if (c == 't' && match_word(j, "true"))
        return rta__buf_puts(out, "true") == 0 ? RTA_OK : RTA_ERR_NOMEM;
    if (c == 'f' && match_word(j, "false"))
        return rta__buf_puts(out, "false") == 0 ? RTA_OK : RTA_ERR_NOMEM;
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(j, out, err);
    return rta__json_fail(j, err, "expected a scalar value");
}

rta_status rta__json_skip(rta__json *j, rta_error *err)
{
    skip_ws(j);
    if (j->p >= j->end)
        return rta__json_fail(j, err, "expected a value");
    char c = *j->p;
    rta_status st;
    int more;
    if (c == '[' || c == '{') {
        if (++j->depth > RTA__JSON_MAX_DEPTH)
            return rta__json_fail(j, err, "nesting too deep");
        j->p++;
        for (int first = 1;; first = 0) {
            if (c == '[')
                st = rta__json_array_next(j, first, &more, err);
            else
                st = rta__json_object_next(j, first, NULL, &more, err);
            if (st != RTA_OK)
                return st;
            if (!more)
                break;
            if ((st = rta__json_skip(j, err)) != RTA_OK)
                return st;
        }
        j->depth--;
        return RTA_OK;
    }
    if (c == '"') {
        j->p++;
        return read_string_body(j, NULL, err);
    }
    if (c == 'n' && match_word(j, "null"))
        return RTA_OK;
    if (c == 't' && match_word(j, "true"))
        return RTA_OK;
    if (c == 'f' && match_word(j, "false"))
        return RTA_OK;
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(j, NULL, err);
    return rta__json_fail(j, err, "expected a value");
}

int rta__json_quote(rta__buf *b, const char *s)
{
    if (rta__buf_append(b, "\"", 1) != 0)
        return -1;
    const char *run = s;
    for (const char *q = s;; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == 0 || c == '"' || c == '\\' || c < 0x20) {
            if (rta__buf_append(b, run, (size_t)(q - run)) != 0)
                return -1;
            if (c == 0)
                break;
            char esc[8];
            switch (c) {
            case '"':
                strcpy(esc, "\\\"");
                break;
            case '\\':
                strcpy(esc, "\\\\");
                break;
            case '\n':
                strcpy(esc, "\\n");
                break;
            case '\r':
                strcpy(esc, "\\r");
                break;
            case '\t':
                strcpy(esc, "\\t");
                break;
            default:
                snprintf(esc, sizeof esc, "\\u%04x", c);
            }
            if (rta__buf_puts(b, esc) != 0)
                return -1;
            run = q + 1;
        }
    }
    return rta__buf_append(b, "\"", 1);
}

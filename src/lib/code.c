/*
 * code.c - parsing and keys for HS/HTS codes.
 *
 * Why: see rta/code.h. The parser is strict about where dots go because a
 * misplaced dot usually means a typo in a different code ("61.09" is not a
 * heading), and it says which column went wrong.
 */
#include "rta/code.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

rta_status rta_code_parse(const char *text, rta_code *out, rta_error *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return rta__error(err, RTA_ERR_INVALID, "<code>", 0, 0, "no code given");
    const char *s = text;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t tl = strlen(s);
    while (tl > 0 &&
           (s[tl - 1] == ' ' || s[tl - 1] == '\t' || s[tl - 1] == '\n' || s[tl - 1] == '\r'))
        tl--;
    if (tl == 0)
        return rta__error(err, RTA_ERR_PARSE, "<code>", 0, 0, "empty code");
    int n = 0;
    int seps = 0;
    for (size_t i = 0; i < tl; i++) {
        char c = s[i];
        long col = (long)(s - text + (long)i) + 1;
        if (c >= '0' && c <= '9') {
            if (n >= 10)
                return rta__error(err, RTA_ERR_PARSE, "<code>", 1, col,
                                  "code \"%.*s\" has more than 10 digits", (int)tl, s);
            out->digits[n++] = c;
        } else if (c == '.' || c == ' ') {
            /* a separator may stand only after 4, 6 or 8 digits, once each */
            if (!((n == 4 || n == 6 || n == 8) && i + 1 < tl && s[i + 1] >= '0' && s[i + 1] <= '9'))
                return rta__error(err, RTA_ERR_PARSE, "<code>", 1, col,
                                  "misplaced '%c' in code \"%.*s\" (write 6109.10.00.12 or "
                                  "6109100012)",
                                  c, (int)tl, s);
            seps++;
        } else {
            return rta__error(err, RTA_ERR_PARSE, "<code>", 1, col,
                              "unexpected character '%c' in code \"%.*s\" (digits and dots only)",
                              (c >= 32 && c < 127) ? c : '?', (int)tl, s);
        }
    }
    (void)seps;
    if (n != 2 && n != 4 && n != 6 && n != 8 && n != 10)
        return rta__error(err, RTA_ERR_PARSE, "<code>", 0, 0,
                          "code \"%.*s\" has %d digits; a code has 2, 4, 6, 8 or 10", (int)tl, s,
                          n);
    out->digits[n] = '\0';
    out->len = n;
    return RTA_OK;
}

char *rta_code_format(const rta_code *code, char *buf, size_t size)
{
    /* USITC groups 4.2.2.2, by hand: formatting is on the hot path of batches */
    char tmp[16];
    size_t n = 0;
    for (int i = 0; i < code->len && i < 10; i++) {
        if (i == 4 || i == 6 || i == 8)
            tmp[n++] = '.';
        tmp[n++] = code->digits[i];
    }
    tmp[n] = '\0';
    if (size > 0) {
        if (n >= size)
            n = size - 1;
        memcpy(buf, tmp, n);
        buf[n] = '\0';
    }
    return buf;
}

int rta_code_parent(const rta_code *code, rta_code *out)
{
    if (code->len <= 2)
        return 0;
    rta_code p = *code;
    p.len = code->len - 2;
    p.digits[p.len] = '\0';
    *out = p;
    return 1;
}

const char *rta_code_level_name(int len)
{
    switch (len) {
    case 2:
        return "chapter";
    case 4:
        return "heading";
    case 6:
        return "subheading";
    case 8:
        return "tariff line";
    case 10:
        return "statistical suffix";
    default:
        return "invalid";
    }
}

uint64_t rta_code_key(const rta_code *code)
{
    uint64_t v = 0;
    for (int i = 0; i < 10; i++)
        v = v * 10 + (uint64_t)(i < code->len ? code->digits[i] - '0' : 0);
    return v * 8 + (uint64_t)(code->len / 2);
}

int rta_code_from_key(uint64_t key, rta_code *out)
{
    int half = (int)(key % 8);
    if (half < 1 || half > 5)
        return 0;
    uint64_t v = key / 8;
    if (v >= 10000000000ULL)
        return 0;
    char d[11];
    for (int i = 9; i >= 0; i--) {
        d[i] = (char)('0' + v % 10);
        v /= 10;
    }
    memset(out, 0, sizeof *out);
    out->len = half * 2;
    memcpy(out->digits, d, (size_t)out->len);
    out->digits[out->len] = '\0';
    return 1;
}

int rta_code_has_prefix(const rta_code *code, const rta_code *prefix)
{
    return prefix->len <= code->len &&
           memcmp(code->digits, prefix->digits, (size_t)prefix->len) == 0;
}

/*
 * error.c - status names and the located error record.
 *
 * Why: a single table (RTA_STATUS_MAP) feeds names and descriptions; the
 * setter formats into fixed buffers so an error never allocates and so it can
 * be reported even when memory has run out.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *rta_status_name(rta_status status)
{
    switch (status) {
#define RTA__STATUS_NAME(name, value, text)                                                        \
    case name:                                                                                     \
        return #name;
        RTA_STATUS_MAP(RTA__STATUS_NAME)
#undef RTA__STATUS_NAME
    }
    return "RTA_ERR_UNKNOWN";
}

const char *rta_status_text(rta_status status)
{
    switch (status) {
#define RTA__STATUS_TEXT(name, value, text)                                                        \
    case name:                                                                                     \
        return text;
        RTA_STATUS_MAP(RTA__STATUS_TEXT)
#undef RTA__STATUS_TEXT
    }
    return "unknown status";
}

void rta_error_clear(rta_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
    err->code = RTA_OK;
}

rta_status rta__error(rta_error *err, rta_status code, const char *input, long line, long column,
                      const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->input, sizeof err->input, "%s", input ? input : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

char *rta_error_format(const rta_error *err, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (err == NULL)
        return buf;
    size_t used = 0;
    if (err->input[0] != '\0') {
        int n;
        if (err->line > 0 && err->column > 0)
            n = snprintf(buf, size, "%s:%ld:%ld: ", err->input, err->line, err->column);
        else if (err->line > 0)
            n = snprintf(buf, size, "%s:%ld: ", err->input, err->line);
        else
            n = snprintf(buf, size, "%s: ", err->input);
        used = n < 0 ? 0 : (size_t)n;
    }
    if (used < size)
        snprintf(buf + used, size - used, "%s",
                 err->message[0] ? err->message : rta_status_text(err->code));
    return buf;
}

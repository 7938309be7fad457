/*
 * rta/date.h - calendar dates as day numbers.
 *
 * Why: every dated thing in rta (revisions, measures, entries) compares dates;
 * an int32 count of days since 1970-01-01 compares in one instruction and has
 * no time zone. Only YYYY-MM-DD (ISO 8601 calendar date) is accepted as text.
 */
#ifndef RTA_DATE_H
#define RTA_DATE_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t rta_day; /* days since 1970-01-01 (negative before) */

/* Parses "YYYY-MM-DD" (years 1900-2199) checking the day exists. */
rta_status rta_date_parse(const char *text, rta_day *out, rta_error *err);

/* Writes "YYYY-MM-DD" into buf (size >= 11). Returns buf. */
char *rta_date_format(rta_day day, char *buf, size_t size);

/* Day number of a civil date (no validation). */
rta_day rta_date_from_ymd(int year, int month, int day);

/* Today's date in UTC from the system clock. */
rta_day rta_date_today(void);

#ifdef __cplusplus
}
#endif

#endif

/*
 * date.c - civil dates <-> day numbers (proleptic Gregorian, UTC).
 *
 * Why: see rta/date.h. The conversion is Howard Hinnant's days-from-civil
 * algorithm, exact for all dates in range and branch-light.
 */
#include "rta/date.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

rta_day rta_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (rta_day)(era * 146097 + doe - 719468);
}

static void ymd_from_day(rta_day z0, int *y, int *m, int *d)
{
    long z = (long)z0 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

rta_status rta_date_parse(const char *text, rta_day *out, rta_error *err)
{
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return rta__error(err, RTA_ERR_PARSE, "<date>", 0, 0,
                          "date \"%s\" is not in the form YYYY-MM-DD", text ? text : "");
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (text[i] < '0' || text[i] > '9')
            return rta__error(err, RTA_ERR_PARSE, "<date>", 1, i + 1,
                              "date \"%s\" is not in the form YYYY-MM-DD", text);
    }
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + text[3] - '0';
    int m = (text[5] - '0') * 10 + text[6] - '0';
    int d = (text[8] - '0') * 10 + text[9] - '0';
    if (y < 1900 || y > 2199)
        return rta__error(err, RTA_ERR_RANGE, "<date>", 0, 0, "year %d out of range 1900-2199", y);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return rta__error(err, RTA_ERR_PARSE, "<date>", 0, 0, "date \"%s\" does not exist", text);
    *out = rta_date_from_ymd(y, m, d);
    return RTA_OK;
}

char *rta_date_format(rta_day day, char *buf, size_t size)
{
    int y, m, d;
    ymd_from_day(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    return buf;
}

rta_day rta_date_today(void)
{
    time_t t = time(NULL);
    return (rta_day)(t / 86400);
}

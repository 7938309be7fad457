/*
 * vn_schedule.h - Viet Nam's EVFTA base-rate schedule (internal).
 *
 * Why: the evaluation (sim_data.c) and the list export (list_export.c) both
 * need the base rate of an AHTN 2012 line from
 * data/vietnam/vn_evfta_base_rates_ahtn2012.csv; one reader gives both the
 * same rows, exact (percent x 1e6), with the same treatment of lines without
 * a rate (CKD) and of repeated lines (ex-outs).
 */
#ifndef RTA_VN_SCHEDULE_H
#define RTA_VN_SCHEDULE_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#define RTA__VN_SCHEDULE_FILE "vietnam/vn_evfta_base_rates_ahtn2012.csv"

typedef struct rta__vn_row {
    char ahtn[9];
    int has_rate;     /* 0: the schedule gives no base rate (CKD lines) */
    int conflict;     /* the code is repeated with different rates */
    int64_t rate_pct; /* percent x 1e6 */
} rta__vn_row;

typedef struct rta__vn_schedule {
    rta__vn_row *r; /* one row per code, sorted by code */
    size_t n;
    long rated;     /* rows with a rate */
    long no_rate;   /* lines of the file without a rate */
    long duplicate; /* repeated lines merged into their first (a rated one preferred) */
} rta__vn_schedule;

/* Reads the file at path; errors name the file, line and column. */
rta_status rta__vn_schedule_load(const char *path, rta__vn_schedule *s, rta_error *err);

/* The row of an 8-digit code, or NULL. */
const rta__vn_row *rta__vn_schedule_find(const rta__vn_schedule *s, const char *ahtn8);

void rta__vn_schedule_free(rta__vn_schedule *s);

#endif

/*
 * duty_fixture.h - the duty engine over the imported test store, for the
 * cmocka group setup/teardown of the duty tests (test_duty.c,
 * test_duty_fast.c). Include after cmocka.h; defines store, snap and duty.
 */
#ifndef RTA_TEST_DUTY_FIXTURE_H
#define RTA_TEST_DUTY_FIXTURE_H

#include "rta/duty.h"
#include "rta/store.h"

#include <stdio.h>

static rta_store *store;
static rta_snapshot *snap;
static rta_duty *duty;

static int setup(void **state)
{
    (void)state;
    rta_error err;
    char buf[1024];
    if (rta_store_open(RTA_TEST_DB, RTA_STORE_READONLY, &store, &err) != RTA_OK ||
        rta_snapshot_open(store, &snap, &err) != RTA_OK ||
        rta_duty_open(store, snap, &duty, &err) != RTA_OK) {
        fprintf(stderr, "setup: %s\n", rta_error_format(&err, buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rta_duty_close(duty);
    rta_snapshot_free(snap);
    rta_store_close(store);
    return 0;
}

#endif

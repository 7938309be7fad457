/*
 * duty_internal.h - the duty engine's batch fast path (internal).
 *
 * Why: a batch meets the same (HTS line, origin) pairs again and again; the
 * measures whose origin and product scope can match such a pair are computed
 * once and cached, so an entry looks at a handful of rows instead of all of
 * them. The cache is per batch (per thread), so the engine stays immutable.
 */
#ifndef RTA_DUTY_INTERNAL_H
#define RTA_DUTY_INTERNAL_H

#include "rta/duty.h"

typedef struct rta__duty_cache rta__duty_cache;

rta__duty_cache *rta__duty_cache_new(void);
void rta__duty_cache_free(rta__duty_cache *cache);

/* rta_duty_compute with a candidate cache (NULL = look at every measure). */
rta_status rta__duty_compute(const rta_duty *d, rta__duty_cache *cache, const rta_entry *e,
                             const rta_duty_options *opt, rta_duty_result *r, rta_error *err);

#endif

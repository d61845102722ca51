/* One JetStream crash round (see tsd_js_crash.c): the server SIGKILLed
 * under async publishing, restarted, and every acked point read back. */
#ifndef TSD_JS_CRASH_H
#define TSD_JS_CRASH_H

#include <stdint.h>

#include "nx_err.h"
#include "tsd_crash_stats.h"

typedef struct tsd_ctx tsd_ctx;

/* The round's figures are added to st; a lost or corrupt point fails. */
int tsd_js_crash_round(tsd_ctx *ctx, uint64_t seed, uint64_t rng, tsd_crash_stats *st,
                       double *recovery_s, nx_err *err);

#endif

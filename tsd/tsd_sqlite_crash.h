/* One SQLite crash round (see tsd_sqlite_crash.c): an inserting child
 * SIGKILLed, and every committed row read back. */
#ifndef TSD_SQLITE_CRASH_H
#define TSD_SQLITE_CRASH_H

#include <stdint.h>

#include "nx_err.h"
#include "tsd_crash_stats.h"

typedef struct tsd_ctx tsd_ctx;

/* The round's figures are added to st; a lost or corrupt point fails. */
int tsd_sqlite_crash_round(tsd_ctx *ctx, const char *dir, uint64_t seed, uint64_t rng,
                           tsd_crash_stats *st, double *recovery_s, nx_err *err);

#endif

/* Crash durability, JetStream against SQLite: what survives when the
 * process that stores the points is killed (SIGKILL) at a random moment.
 *
 * JetStream: points are published with js_PublishAsync while the server is
 * SIGKILLed at a random moment after at least 1000 acks; the server is
 * restarted on the same store dir and every acknowledged point must be
 * there, intact. SQLite: a child process inserting points in transactions
 * is SIGKILLed at a random moment; every row whose COMMIT had returned must
 * be there, intact, and PRAGMA integrity_check must say ok. Both also count
 * the points that were never confirmed but survived.
 *
 * Only a process crash: the kernel keeps what the process had written, so
 * an OS crash or a power loss (nats-server 2.9 fsyncs on an interval, not
 * per write) is not covered. */
#ifndef TSD_CRASH_H
#define TSD_CRASH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nx_err.h"
#include "tsd_crash_stats.h"

typedef struct tsd_crash_result {
    bool ran;
    char skipped[160]; /* why JetStream was not measured, or "" */
    tsd_crash_stats js, sqlite;
} tsd_crash_result;

typedef struct tsd_ctx tsd_ctx;

/* Runs --crash-rounds rounds on each store (none when 0), appends one
 * crash_recovery row per store, and fails when an acked point was lost or
 * anything read back differs from what was written. */
int tsd_crash_run(tsd_ctx *ctx, tsd_crash_result *out, nx_err *err);

/* The table lines; nothing when no round ran. */
void tsd_crash_print(FILE *out, const tsd_crash_result *r);

#endif

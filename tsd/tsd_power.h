/* Power loss, JetStream against SQLite: what survives when the power goes.
 *
 * The store lives on natsexp-powerfs (common/nx_powerfs.h), which keeps
 * every byte that was not fsynced in memory. Each round writes at full
 * speed (js_PublishAsync into a nats-server whose store_dir is on the mount;
 * a child process inserting into an SQLite WAL database on it), then at a
 * random moment SIGKILLs the writing process and drops every unsynced byte
 * (the power cut), restarts on what is left and reads it all back: acked or
 * committed points lost, unacknowledged ones that survived, whether the
 * store opened at all, and the time it took.
 *
 * Settings: JetStream with the server's default sync, sync_interval 1s and
 * always (2.10+; refused with one line on older servers), on the server
 * --nats-server names; SQLite WAL with synchronous NORMAL and FULL. A loss
 * of acknowledged points is a measured finding (the row says so), not a
 * failed check; a point that comes back different from what was written, or
 * twice, fails the run. */
#ifndef TSD_POWER_H
#define TSD_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nx_err.h"

#define TSD_POWER_SETTINGS 5

struct tsd_tally_sum;
typedef struct nx_powerfs nx_powerfs;
typedef struct tsd_ctx tsd_ctx;

/* The rounds of one setting, summed. */
typedef struct tsd_power_stats {
    const char *store; /* "jetstream" or "sqlite" */
    char setting[32];  /* "default", "1s", "always", "NORMAL", "FULL" */
    char case_name[96];
    char version[32]; /* the server's or SQLite's */
    long rounds;
    long opened;          /* rounds in which the store came back with its data */
    uint64_t written;     /* points handed to the store */
    uint64_t acked;       /* acked (JetStream) or committed (SQLite) before the cut */
    uint64_t lost;        /* of those, missing after the cut */
    uint64_t unacked;     /* written - acked */
    uint64_t survived;    /* present although never acked */
    uint64_t max_lost;    /* the most lost in one round */
    long rounds_lost;     /* rounds that lost acked points */
    size_t dropped;       /* unsynced bytes the cuts dropped */
    double write_s;       /* time spent writing before the cuts (for the rate) */
    double *recovery;     /* per round: restart until the store answered */
    double recovery_s[2]; /* median and max */
    char first_loss[200]; /* the first round that lost acked points */
    bool verified;        /* every point read back was checked against the model */
} tsd_power_stats;

typedef struct tsd_power_result {
    bool ran;
    char skipped[TSD_POWER_SETTINGS + 1][200]; /* one line per setting not measured */
    int nskipped;
    tsd_power_stats st[TSD_POWER_SETTINGS];
    int n;
} tsd_power_result;

/* Runs --power-cuts rounds per setting (none when 0), appends one
 * power_cut_recovery row per setting. Without FUSE: one line, no rows, 0. */
int tsd_power_run(tsd_ctx *ctx, tsd_power_result *out, nx_err *err);

void tsd_power_print(FILE *out, const tsd_power_result *r);
void tsd_power_free(tsd_power_result *r);

/* The rounds of one setting (tsd_power_js.c, tsd_power_sqlite.c): dir is a
 * fresh dir on the mount; sync is the setting (NULL: the server's default). */
int tsd_power_js_rounds(tsd_ctx *ctx, nx_powerfs *fs, const char *dir, const char *sync,
                        uint64_t *rng, tsd_power_stats *st, nx_err *err);
int tsd_power_sqlite_rounds(tsd_ctx *ctx, nx_powerfs *fs, const char *dir, const char *sync,
                            uint64_t *rng, tsd_power_stats *st, nx_err *err);

/* Shared by both: adds one round's figures to st. */
void tsd_power_add(tsd_power_stats *st, const struct tsd_tally_sum *sum, bool opened,
                   double recovery_s, double write_s, size_t dropped);

/* The kill moment: after at least TSD_POWER_MIN_ACKS acks, uniformly within
 * the next TSD_POWER_SPREAD_MS (wider than the 1 s sync interval, so cuts
 * fall before and after a sync). */
#define TSD_POWER_MIN_ACKS 1000
#define TSD_POWER_SPREAD_MS 1500
uint64_t tsd_power_rng(uint64_t *state);

#endif

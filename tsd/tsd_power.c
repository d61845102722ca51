#include "tsd_power.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nx_janitor.h"
#include "nx_powerfs.h"
#include "nx_results.h"
#include "nx_server.h"
#include "nx_sqlite.h"
#include "nx_stats.h"
#include "tsd_ctx.h"
#include "tsd_tally.h"

typedef struct setting {
    const char *store;
    const char *sync; /* sync_interval (NULL: default) or the synchronous pragma */
    const char *label;
} setting;

static const setting settings[TSD_POWER_SETTINGS] = {
    {"jetstream", NULL, "default"}, {"jetstream", "1s", "1s"},  {"jetstream", "always", "always"},
    {"sqlite", "NORMAL", "NORMAL"}, {"sqlite", "FULL", "FULL"},
};

uint64_t tsd_power_rng(uint64_t *state)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void tsd_power_add(tsd_power_stats *st, const tsd_tally_sum *sum, bool opened, double recovery_s,
                   double write_s, size_t dropped)
{
    st->recovery[st->rounds++] = recovery_s;
    st->opened += opened;
    st->written += sum->written;
    st->acked += sum->acked;
    st->lost += sum->lost;
    st->unacked += sum->unacked;
    st->survived += sum->survived;
    st->write_s += write_s;
    st->dropped += dropped;
    if (sum->lost > 0) {
        st->rounds_lost++;
        if (st->first_loss[0] == '\0')
            snprintf(st->first_loss, sizeof st->first_loss,
                     "round %ld lost %llu of %llu acked (first: point %llu)%s", st->rounds,
                     (unsigned long long)sum->lost, (unsigned long long)sum->acked,
                     (unsigned long long)sum->first_lost, opened ? "" : ", store did not open");
    }
    if (sum->lost > st->max_lost)
        st->max_lost = sum->lost;
}

/* Whether this server takes the setting; the line from nx_version.h when
 * it does not. */
static bool server_takes(const tsd_ctx *ctx, const setting *s, char *version, size_t vlen,
                         char *why, size_t wlen)
{
    char binary[PATH_MAX];
    nx_err err = {{0}};
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.sync_interval = s->sync;
    if (nx_server_find_binary(ctx->opts->base.nats_server, binary, sizeof binary, &err) != 0 ||
        nx_server_binary_version(binary, version, vlen, &err) != 0 ||
        nx_server_config_check(&cfg, version, &err) != 0) {
        snprintf(why, wlen, "jetstream sync_interval %s: not measured: %s", s->label, err.msg);
        return false;
    }
    return true;
}

static int write_row(tsd_ctx *ctx, const tsd_power_stats *st, nx_err *err)
{
    bool js = strcmp(st->store, "jetstream") == 0;
    nx_row row;
    nx_row_init(&row);
    row.case_name = st->case_name;
    row.op = "power_cut_recovery";
    row.store = st->store;
    row.storage = "file";
    row.replicas = js ? 1 : 0;
    row.payload_bytes = ctx->opts->base.payload;
    row.count = st->acked;
    row.seconds = st->rounds ? st->recovery_s[0] : NAN;
    row.max_us = st->rounds ? st->recovery_s[1] * 1e6 : NAN;
    row.rate_per_s = st->write_s > 0 ? (double)st->acked / st->write_s : NAN;
    row.verified = st->verified && st->rounds > 0;
    row.server_version = st->version;
    char note[768];
    snprintf(note, sizeof note,
             "%ld power cuts (SIGKILL of the %s + unsynced bytes dropped) at a random moment "
             "0-%d ms after >= %d %s; %s %llu, lost %llu (in %ld rounds, at most %llu in one)%s%s; "
             "unacknowledged %llu, survived %llu; store opened in %ld of %ld rounds; %zu unsynced "
             "bytes dropped; seconds = median %s (max_us: slowest); rate_per_s = %s points per "
             "second while writing, on natsexp-powerfs (fsync = write + fdatasync of the backing "
             "file)",
             st->rounds, js ? "nats-server" : "inserting process", TSD_POWER_SPREAD_MS,
             TSD_POWER_MIN_ACKS, js ? "positive acks" : "committed points",
             js ? "acked" : "committed", (unsigned long long)st->acked,
             (unsigned long long)st->lost, st->rounds_lost, (unsigned long long)st->max_lost,
             st->first_loss[0] ? "; " : "", st->first_loss, (unsigned long long)st->unacked,
             (unsigned long long)st->survived, st->opened, st->rounds, st->dropped,
             js ? "restart until the stream answered" : "open + integrity_check",
             js ? "acked" : "committed");
    row.note = note;
    return nx_results_append(ctx->run->results, &row, err);
}

static void finish(tsd_power_stats *st)
{
    double max = 0;
    for (long i = 0; i < st->rounds; i++)
        max = st->recovery[i] > max ? st->recovery[i] : max;
    st->recovery_s[0] = st->rounds ? nx_median(st->recovery, (size_t)st->rounds) : 0;
    st->recovery_s[1] = max;
}

static int run_setting(tsd_ctx *ctx, nx_powerfs *fs, const setting *s, uint64_t *rng,
                       tsd_power_result *out, nx_err *err)
{
    bool js = strcmp(s->store, "jetstream") == 0;
    char version[32] = "";
    if (js && !server_takes(ctx, s, version, sizeof version, out->skipped[out->nskipped],
                            sizeof out->skipped[0])) {
        fprintf(stderr, "tsd: %s\n", out->skipped[out->nskipped++]);
        return 0;
    }
    tsd_power_stats *st = &out->st[out->n++];
    st->store = s->store;
    snprintf(st->setting, sizeof st->setting, "%s", s->label);
    snprintf(st->version, sizeof st->version, "%s", js ? version : nx_sqlite_version_label());
    if (js)
        snprintf(st->case_name, sizeof st->case_name,
                 "power cut while js_PublishAsync w=4096, sync_interval %s", s->label);
    else
        snprintf(st->case_name, sizeof st->case_name,
                 "power cut while inserting, 1-50 points per txn, WAL %s", s->label);
    st->verified = true;
    st->recovery = calloc((size_t)ctx->opts->power_cuts, sizeof *st->recovery);
    if (st->recovery == NULL)
        return nx_fail(err, "out of memory");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s-%s", nx_powerfs_mountpoint(fs), s->store, s->label);
    if (mkdir(dir, 0700) != 0)
        return nx_fail(err, "power cuts: cannot create %s: %s", dir, strerror(errno));
    int rc = js ? tsd_power_js_rounds(ctx, fs, dir, s->sync, rng, st, err)
                : tsd_power_sqlite_rounds(ctx, fs, dir, s->sync, rng, st, err);
    if (rc != 0) {
        st->verified = false;
        nx_fail_wrap(err, "power cuts, %s %s: ", s->store, s->label);
    }
    finish(st);
    return rc;
}

/* The mount's backing dir and mountpoint live in a temp dir of their own,
 * removed (after the unmount) on every exit path by the janitor. */
static int make_dirs(char *tmp, size_t len, char *disk, char *mnt, bool keep, nx_err *err)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp, len, "%s/natsexp-power-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(tmp) == NULL)
        return nx_fail(err, "power cuts: cannot create a temp dir: %s", strerror(errno));
    if (nx_janitor_track(tmp, keep, err) != 0)
        return -1;
    snprintf(disk, len, "%s/disk", tmp);
    snprintf(mnt, len, "%s/mnt", tmp);
    if (mkdir(disk, 0700) != 0 || mkdir(mnt, 0700) != 0)
        return nx_fail(err, "power cuts: cannot create dirs under %s: %s", tmp, strerror(errno));
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_dirs(const char *tmp, const char *disk, bool keep)
{
    if (keep) {
        fprintf(stderr, "kept power-cut store (the disk as the last cut left it): %s\n", disk);
        return;
    }
    /* Unmounted by now: this removes the backing dir, not a mount's view. */
    nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    nx_janitor_untrack(tmp);
}

int tsd_power_run(tsd_ctx *ctx, tsd_power_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    if (ctx->opts->power_cuts == 0)
        return 0;
    out->ran = true;
    nx_err why = {{0}};
    if (nx_powerfs_check(&why) != 0) {
        snprintf(out->skipped[out->nskipped++], sizeof out->skipped[0], "power cuts skipped: %s",
                 why.msg);
        fprintf(stderr, "tsd: %s\n", out->skipped[0]);
        return 0;
    }
    char tmp[PATH_MAX - 64], disk[PATH_MAX], mnt[PATH_MAX];
    bool keep = ctx->opts->base.keep;
    if (make_dirs(tmp, sizeof tmp, disk, mnt, keep, err) != 0)
        return -1;
    nx_powerfs *fs = NULL;
    if (nx_powerfs_mount(&fs, disk, mnt, err) != 0)
        return -1;
    uint64_t rng = ctx->next_seed ^ 0x9f1e0c3dULL;
    int rc = 0;
    for (int i = 0; i < TSD_POWER_SETTINGS && rc == 0; i++) {
        if (ctx->opts->no_sqlite && strcmp(settings[i].store, "sqlite") == 0)
            continue;
        rc = run_setting(ctx, fs, &settings[i], &rng, out, err);
    }
    nx_powerfs_unmount(fs);
    nx_err row_err;
    for (int i = 0; i < out->n; i++)
        if (write_row(ctx, &out->st[i], rc == 0 ? err : &row_err) != 0 && rc == 0)
            rc = -1;
    remove_dirs(tmp, disk, keep);
    return rc;
}

void tsd_power_print(FILE *out, const tsd_power_result *r)
{
    if (!r->ran)
        return;
    fprintf(out, "\nPower loss (SIGKILL of the writer + every unsynced byte dropped, at a random "
                 "moment; natsexp-powerfs):\n");
    fprintf(out, "  %-9s  %-8s  %-13s  %4s  %9s  %8s  %6s  %8s  %8s  %9s  %9s  %10s\n", "store",
            "setting", "version", "cuts", "acked", "lost", "opened", "unacked", "survived",
            "recov. s", "max s", "rate/s");
    for (int i = 0; i < r->n; i++) {
        const tsd_power_stats *s = &r->st[i];
        fprintf(out,
                "  %-9s  %-8s  %-13s  %4ld  %9llu  %8llu  %3ld/%-2ld  %8llu  %8llu  %9.3f  %9.3f  "
                "%10.0f\n",
                s->store, s->setting, s->version, s->rounds, (unsigned long long)s->acked,
                (unsigned long long)s->lost, s->opened, s->rounds, (unsigned long long)s->unacked,
                (unsigned long long)s->survived, s->recovery_s[0], s->recovery_s[1],
                s->write_s > 0 ? (double)s->acked / s->write_s : 0.0);
    }
    for (int i = 0; i < r->nskipped; i++)
        fprintf(out, "  %s\n", r->skipped[i]);
    fprintf(out, "  acked = acknowledged by JetStream / COMMIT returned in SQLite before the cut; "
                 "lost = of those, missing after it;\n"
                 "  opened = rounds in which the server started with the stream (JetStream) or "
                 "the database opened and passed integrity_check (SQLite);\n"
                 "  rate = acked points per second while writing, on the FUSE mount (each fsync "
                 "also flushes the backing file on this machine's disk)\n");
}

void tsd_power_free(tsd_power_result *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->st[i].recovery);
    r->n = 0;
}

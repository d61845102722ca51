#include "nx_results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct nx_results {
    int fd; /* -1 when rows are dropped */
    char experiment[64];
    char path[4096];
    char run_id[64];
    char server_version[64];
    char client_version[64];
};

void nx_row_init(nx_row *row)
{
    memset(row, 0, sizeof *row);
    row->store = "jetstream";
    row->seconds = NAN;
    row->rate_per_s = NAN;
    row->p50_us = row->p90_us = row->p99_us = row->max_us = NAN;
    row->bytes = -1;
    row->payload_bytes = -1;
}

void nx_row_set_latency(nx_row *row, const nx_hist *h)
{
    if (nx_hist_count(h) == 0)
        return;
    row->p50_us = (double)nx_hist_percentile(h, 0.50) / 1e3;
    row->p90_us = (double)nx_hist_percentile(h, 0.90) / 1e3;
    row->p99_us = (double)nx_hist_percentile(h, 0.99) / 1e3;
    row->max_us = (double)nx_hist_max(h) / 1e3;
}

static bool valid_run_id(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) >= 64)
        return false;
    for (; *s; s++)
        if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static void make_run_id(char *buf, size_t len)
{
    const char *env = getenv("NATSEXP_RUN_ID");
    if (valid_run_id(env)) {
        snprintf(buf, len, "%s", env);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(buf, len, "%s-%ld", stamp, (long)getpid());
}

static int make_dirs(const char *dir, nx_err *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return nx_fail(err, "results dir '%s': path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return nx_fail(err, "results dir '%s': cannot create '%s': %s", dir, path,
                               strerror(errno));
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return nx_fail(err, "results dir '%s' is not a directory", dir);
    return 0;
}

/* The header must be in the file before anyone can see the file, or a second
 * process could append a row above it: write it to a private name, then link
 * it to the real one (link fails if another process got there first). */
static int create_with_header(const char *path, nx_err *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.new", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return nx_fail(err, "cannot write results file '%s': %s", path, strerror(errno));
    static const char header[] = NX_CSV_HEADER "\n";
    ssize_t n = write(fd, header, sizeof header - 1);
    int saved = errno;
    close(fd);
    if (n != (ssize_t)(sizeof header - 1)) {
        unlink(tmp);
        return nx_fail(err, "cannot write results file '%s': %s", path,
                       n < 0 ? strerror(saved) : "short write");
    }
    int rc = link(tmp, path);
    saved = errno;
    unlink(tmp);
    if (rc != 0 && saved != EEXIST)
        return nx_fail(err, "cannot create results file '%s': %s", path, strerror(saved));
    return 0;
}

static int check_header(int fd, const char *path, nx_err *err)
{
    static const char header[] = NX_CSV_HEADER "\n";
    char buf[sizeof header];
    ssize_t n = pread(fd, buf, sizeof header - 1, 0);
    if (n != (ssize_t)(sizeof header - 1) || memcmp(buf, header, sizeof header - 1) != 0)
        return nx_fail(err,
                       "results file '%s' does not start with the natsexp CSV header; move it "
                       "away or choose another --results dir",
                       path);
    return 0;
}

int nx_results_open(nx_results **out, const char *dir, const char *experiment, nx_err *err)
{
    nx_results *r = calloc(1, sizeof *r);
    if (r == NULL)
        return nx_fail(err, "out of memory");
    r->fd = -1;
    snprintf(r->experiment, sizeof r->experiment, "%s", experiment);
    snprintf(r->client_version, sizeof r->client_version, "%s", nats_GetVersion());
    make_run_id(r->run_id, sizeof r->run_id);
    if (dir != NULL) {
        if (make_dirs(dir, err) != 0)
            goto fail;
        snprintf(r->path, sizeof r->path, "%s/%s.csv", dir, experiment);
        if (access(r->path, F_OK) != 0 && create_with_header(r->path, err) != 0)
            goto fail;
        r->fd = open(r->path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (r->fd < 0) {
            nx_fail(err, "cannot open results file '%s': %s", r->path, strerror(errno));
            goto fail;
        }
        int rfd = open(r->path, O_RDONLY | O_CLOEXEC);
        int bad = rfd < 0 || check_header(rfd, r->path, err) != 0;
        if (rfd >= 0)
            close(rfd);
        if (bad) {
            if (rfd < 0)
                nx_fail(err, "cannot read results file '%s': %s", r->path, strerror(errno));
            goto fail;
        }
    }
    *out = r;
    return 0;
fail:
    nx_results_close(r);
    return -1;
}

void nx_results_close(nx_results *r)
{
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    free(r);
}

const char *nx_results_run_id(const nx_results *r)
{
    return r->run_id;
}

const char *nx_results_path(const nx_results *r)
{
    return r->path;
}

void nx_results_set_server_version(nx_results *r, const char *version)
{
    snprintf(r->server_version, sizeof r->server_version, "%s", version ? version : "");
}

bool nx_csv_field(char *buf, size_t cap, size_t *len, const char *field)
{
    if (field == NULL)
        field = "";
    bool quote = strpbrk(field, ",\"\r\n") != NULL;
    size_t need = strlen(field) + (quote ? 2 : 0);
    if (quote)
        for (const char *p = field; *p; p++)
            need += *p == '"';
    if (*len + need + 1 > cap)
        return false;
    char *o = buf + *len;
    if (quote)
        *o++ = '"';
    for (const char *p = field; *p; p++) {
        if (quote && *p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    if (quote)
        *o++ = '"';
    *o = '\0';
    *len = (size_t)(o - buf);
    return true;
}

static void fmt_double(char *buf, size_t len, double v, int decimals)
{
    if (isnan(v) || isinf(v))
        buf[0] = '\0';
    else
        snprintf(buf, len, "%.*f", decimals, v);
}

char *nx_results_format(const nx_results *r, const nx_row *row, int64_t utc_s)
{
    char utc[32], replicas[16], payload[24], count[24], seconds[40], rate[40], p50[40], p90[40],
        p99[40], max[40], bytes[24];
    time_t t = (time_t)utc_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (row->replicas > 0)
        snprintf(replicas, sizeof replicas, "%d", row->replicas);
    else
        replicas[0] = '\0';
    if (row->payload_bytes >= 0)
        snprintf(payload, sizeof payload, "%lld", (long long)row->payload_bytes);
    else
        payload[0] = '\0';
    snprintf(count, sizeof count, "%llu", (unsigned long long)row->count);
    /* Nanosecond precision: a 5 us query must not round to 0.000005 and
     * disagree with its own rate. */
    fmt_double(seconds, sizeof seconds, row->seconds, 9);
    fmt_double(rate, sizeof rate, row->rate_per_s, 1);
    fmt_double(p50, sizeof p50, row->p50_us, 1);
    fmt_double(p90, sizeof p90, row->p90_us, 1);
    fmt_double(p99, sizeof p99, row->p99_us, 1);
    fmt_double(max, sizeof max, row->max_us, 1);
    if (row->bytes >= 0)
        snprintf(bytes, sizeof bytes, "%lld", (long long)row->bytes);
    else
        bytes[0] = '\0';

    const char *fields[] = {r->run_id,
                            utc,
                            r->experiment,
                            row->case_name,
                            row->op,
                            row->store,
                            row->storage ? row->storage : "",
                            replicas,
                            payload,
                            count,
                            seconds,
                            rate,
                            p50,
                            p90,
                            p99,
                            max,
                            bytes,
                            row->server_version ? row->server_version : r->server_version,
                            r->client_version,
                            row->verified == NX_VERIFIED_YES     ? "yes"
                            : row->verified == NX_VERIFIED_COUNT ? "count"
                                                                 : "no",
                            row->note ? row->note : ""};
    size_t cap = 1024;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        cap += 2 * strlen(fields[i] ? fields[i] : "") + 3;
    char *line = malloc(cap);
    if (line == NULL)
        return NULL;
    size_t len = 0;
    line[0] = '\0';
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (i > 0)
            line[len++] = ',';
        nx_csv_field(line, cap, &len, fields[i]);
    }
    line[len++] = '\n';
    line[len] = '\0';
    return line;
}

int nx_results_append(nx_results *r, const nx_row *row, nx_err *err)
{
    if (r->fd < 0)
        return 0;
    char *line = nx_results_format(r, row, (int64_t)time(NULL));
    if (line == NULL)
        return nx_fail(err, "out of memory formatting a CSV row");
    size_t len = strlen(line);
    ssize_t n = write(r->fd, line, len);
    int saved = errno;
    free(line);
    if (n != (ssize_t)len)
        return nx_fail(err, "writing to '%s' failed: %s", r->path,
                       n < 0 ? strerror(saved) : "short write");
    return 0;
}

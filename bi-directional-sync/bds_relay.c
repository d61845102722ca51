#include "bds_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bds_delayq.h"
#include "bds_pace.h"
#include "nx_stats.h"

/* A leaf reconnecting may open its new connection before the relay has seen
 * the old one close; a few pairs at once cover that. */
#define RELAY_PAIRS_MAX 8
#define RELAY_BUF 16384
/* What a delayed direction may hold in flight: 1 MiB covers 100 kbit/s for
 * far longer than any delay here, and bounds an unpaced burst like a TCP
 * window would. */
#define RELAY_DELAY_BYTES (1u << 20)
#define RELAY_DELAY_RECORDS 8192

typedef struct pair {
    bool open;
    int fd[2]; /* [0] accepted side (leaf), [1] upstream (hub) */
    uint8_t buf[2][RELAY_BUF];
    size_t len[2], off[2]; /* pending bytes per direction */
    bds_delayq q[2];       /* bytes held for the link delay, per direction */
} pair;

struct bds_relay {
    int listen_fd;
    int wake[2];
    int port;
    _Atomic int upstream_port; /* 0 until set: connections are refused */
    pthread_t thread;
    bool thread_started;
    _Atomic uint64_t bytes[2], reads[2], accepted;
    _Atomic int active;
    _Atomic long rate_bits;
    _Atomic long delay_ms; /* one-way, each direction */
    _Atomic bool down;     /* a dropout: no connection passes */
    _Atomic uint64_t cuts; /* connection pairs closed by a dropout */
    pair pairs[RELAY_PAIRS_MAX];
    bds_pace pace[2];
    long paced_rate;
};

static int src_fd(const pair *p, int dir)
{
    return dir == BDS_RELAY_UP ? p->fd[0] : p->fd[1];
}

static int dst_fd(const pair *p, int dir)
{
    return dir == BDS_RELAY_UP ? p->fd[1] : p->fd[0];
}

static void set_stream_options(int fd)
{
    int one = 1;
    /* The servers on both ends disable Nagle; the relay must not add it. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int connect_upstream(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void close_pair(bds_relay *r, pair *p)
{
    close(p->fd[0]);
    close(p->fd[1]);
    /* Whatever the delay still held is lost with the connection, as it is
     * on a real link that drops. */
    bds_delayq_free(&p->q[0]);
    bds_delayq_free(&p->q[1]);
    p->open = false;
    atomic_fetch_sub(&r->active, 1);
}

static void accept_one(bds_relay *r)
{
    int fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    pair *p = NULL;
    for (int i = 0; i < RELAY_PAIRS_MAX && p == NULL; i++)
        if (!r->pairs[i].open)
            p = &r->pairs[i];
    /* During a dropout the leaf's attempts fail at once, as on a link whose
     * far end is gone. */
    int upstream = atomic_load(&r->upstream_port);
    int up = p && upstream > 0 && !atomic_load(&r->down) ? connect_upstream(upstream) : -1;
    if (up >= 0 && (bds_delayq_init(&p->q[0], RELAY_DELAY_BYTES, RELAY_DELAY_RECORDS) != 0 ||
                    bds_delayq_init(&p->q[1], RELAY_DELAY_BYTES, RELAY_DELAY_RECORDS) != 0)) {
        bds_delayq_free(&p->q[0]);
        close(up);
        up = -1;
    }
    if (up < 0) {
        /* The leaf sees a refused link and retries, as it would with a hub
         * that is down. */
        close(fd);
        return;
    }
    set_stream_options(fd);
    set_stream_options(up);
    memset(p->len, 0, sizeof p->len);
    memset(p->off, 0, sizeof p->off);
    p->fd[0] = fd;
    p->fd[1] = up;
    p->open = true;
    atomic_fetch_add(&r->accepted, 1);
    atomic_fetch_add(&r->active, 1);
}

/* After a recv that returned n: false when the source closed (0) or failed
 * for good (a reset, say); only "nothing yet" and a signal keep it open. */
static bool source_open(ssize_t n)
{
    if (n > 0)
        return true;
    if (n == 0)
        return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* Reads what the pace allows into the direction's empty buffer. Returns
 * false when the source closed or failed. */
static bool pump_in(bds_relay *r, pair *p, int dir, int64_t now)
{
    long delay_ms = atomic_load(&r->delay_ms);
    /* Delayed, or still draining what a delay held: through the queue, so
     * bytes keep their order. */
    bool queued = delay_ms > 0 || !bds_delayq_empty(&p->q[dir]);
    size_t cap = queued ? bds_delayq_space(&p->q[dir]) : RELAY_BUF;
    size_t allowed = bds_pace_allowed(&r->pace[dir], now, cap < RELAY_BUF ? cap : RELAY_BUF);
    if (allowed == 0) {
        /* Out of tokens, but poll may be reporting a hang-up or a reset: look
         * without taking anything, so a dead side is closed now rather than
         * polled in a busy loop until the pace allows a byte. */
        uint8_t b;
        return source_open(recv(src_fd(p, dir), &b, 1, MSG_PEEK | MSG_DONTWAIT));
    }
    uint8_t scratch[RELAY_BUF];
    ssize_t n = recv(src_fd(p, dir), queued ? scratch : p->buf[dir], allowed, 0);
    if (n <= 0)
        return source_open(n);
    bds_pace_consume(&r->pace[dir], (size_t)n);
    atomic_fetch_add(&r->reads[dir], 1);
    if (queued) {
        bds_delayq_push(&p->q[dir], scratch, (size_t)n, now + delay_ms * 1000000);
        return true;
    }
    p->len[dir] = (size_t)n;
    p->off[dir] = 0;
    return true;
}

static bool pump_out(bds_relay *r, pair *p, int dir)
{
    ssize_t n =
        send(dst_fd(p, dir), p->buf[dir] + p->off[dir], p->len[dir] - p->off[dir], MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    p->off[dir] += (size_t)n;
    atomic_fetch_add(&r->bytes[dir], (uint64_t)n);
    if (p->off[dir] == p->len[dir])
        p->len[dir] = p->off[dir] = 0;
    return true;
}

/* Moves bytes whose delay is over into the direction's empty send buffer. */
static void stage_due(pair *p, int dir, int64_t now)
{
    if (p->len[dir] == 0 && !bds_delayq_empty(&p->q[dir])) {
        p->len[dir] = bds_delayq_pop(&p->q[dir], p->buf[dir], RELAY_BUF, now);
        p->off[dir] = 0;
    }
}

/* A dropout closes every pair; accept_one refuses new ones meanwhile. */
static void apply_down(bds_relay *r)
{
    if (!atomic_load(&r->down))
        return;
    for (int i = 0; i < RELAY_PAIRS_MAX; i++)
        if (r->pairs[i].open) {
            close_pair(r, &r->pairs[i]);
            atomic_fetch_add(&r->cuts, 1);
        }
}

static void apply_rate(bds_relay *r, int64_t now)
{
    long rate = atomic_load(&r->rate_bits);
    if (rate == r->paced_rate)
        return;
    r->paced_rate = rate;
    bds_pace_init(&r->pace[BDS_RELAY_UP], rate, now);
    bds_pace_init(&r->pace[BDS_RELAY_DOWN], rate, now);
}

static void wake(bds_relay *r, char command)
{
    while (write(r->wake[1], &command, 1) < 0 && errno == EINTR)
        ;
}

/* Reads pending commands; false once asked to stop. */
static bool drain_wake(bds_relay *r)
{
    char cmd[16];
    ssize_t n = read(r->wake[0], cmd, sizeof cmd);
    for (ssize_t i = 0; i < n; i++)
        if (cmd[i] == 'x')
            return false;
    return n != 0;
}

static void *relay_main(void *arg)
{
    bds_relay *r = arg;
    struct pollfd pfd[2 + 2 * RELAY_PAIRS_MAX];
    for (;;) {
        int64_t now = nx_now_ns();
        apply_rate(r, now);
        apply_down(r);
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = r->wake[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
        int64_t wait_ns = -1;
        for (int i = 0; i < RELAY_PAIRS_MAX; i++) {
            pair *p = &r->pairs[i];
            if (!p->open)
                continue;
            for (int side = 0; side < 2; side++)
                pfd[n + side] = (struct pollfd){.fd = p->fd[side], .events = 0};
            for (int dir = 0; dir < 2; dir++) {
                int src = dir == BDS_RELAY_UP ? 0 : 1;
                stage_due(p, dir, now);
                if (p->len[dir] > 0)
                    pfd[n + (1 - src)].events |= POLLOUT;
                int64_t due = bds_delayq_next_due(&p->q[dir]);
                if (p->len[dir] == 0 && due > now && (wait_ns < 0 || due - now < wait_ns))
                    wait_ns = due - now;
                /* Undelayed, a direction reads only into its empty buffer;
                 * delayed, it reads on while the queue has room. */
                bool queued = atomic_load(&r->delay_ms) > 0 || !bds_delayq_empty(&p->q[dir]);
                if (queued ? bds_delayq_space(&p->q[dir]) == 0 : p->len[dir] > 0)
                    continue;
                int64_t w = bds_pace_wait_ns(&r->pace[dir], now, 1);
                if (w == 0)
                    pfd[n + src].events |= POLLIN;
                else if (wait_ns < 0 || w < wait_ns)
                    wait_ns = w;
            }
            n += 2;
        }
        int timeout_ms = wait_ns < 0 ? -1 : (int)(wait_ns / 1000000) + 1;
        if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
            break;
        if (pfd[0].revents && !drain_wake(r))
            break;
        now = nx_now_ns();
        int k = 2;
        for (int i = 0; i < RELAY_PAIRS_MAX; i++) {
            pair *p = &r->pairs[i];
            if (!p->open)
                continue;
            bool ok = true;
            for (int dir = 0; dir < 2 && ok; dir++) {
                int src = dir == BDS_RELAY_UP ? 0 : 1;
                short in = pfd[k + src].revents, out = pfd[k + 1 - src].revents;
                bool was_pending = p->len[dir] > 0;
                if (was_pending && (out & (POLLOUT | POLLERR | POLLHUP)))
                    ok = pump_out(r, p, dir);
                /* A hang-up or reset is looked at even when not reading. */
                bool readable = (pfd[k + src].events & POLLIN) && (in & POLLIN);
                if (ok && (readable || (in & (POLLERR | POLLHUP))))
                    ok = pump_in(r, p, dir, now);
                if (ok && !was_pending) {
                    stage_due(p, dir, now);
                    if (p->len[dir] > 0)
                        ok = pump_out(r, p, dir);
                }
            }
            if (!ok)
                close_pair(r, p);
            k += 2;
        }
        if (pfd[1].revents & POLLIN)
            accept_one(r);
    }
    return NULL;
}

int bds_relay_start(bds_relay **out, int upstream_port, nx_err *err)
{
    bds_relay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return nx_fail(err, "relay: out of memory");
    r->upstream_port = upstream_port;
    r->wake[0] = r->wake[1] = -1;
    r->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (r->listen_fd < 0 || bind(r->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(r->listen_fd, 8) != 0 ||
        getsockname(r->listen_fd, (struct sockaddr *)&a, &alen) != 0 ||
        pipe2(r->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        nx_fail(err, "relay: cannot listen on loopback: %s", strerror(errno));
        bds_relay_stop(r);
        return -1;
    }
    r->port = ntohs(a.sin_port);
    int64_t now = nx_now_ns();
    bds_pace_init(&r->pace[BDS_RELAY_UP], 0, now);
    bds_pace_init(&r->pace[BDS_RELAY_DOWN], 0, now);
    int rc = pthread_create(&r->thread, NULL, relay_main, r);
    if (rc != 0) {
        nx_fail(err, "relay: cannot start its thread: %s", strerror(rc));
        bds_relay_stop(r);
        return -1;
    }
    r->thread_started = true;
    *out = r;
    return 0;
}

int bds_relay_port(const bds_relay *r)
{
    return r->port;
}

void bds_relay_read_counts(bds_relay *r, bds_relay_counts *out)
{
    /* No relay (an existing hub and leaf): nothing counted. */
    if (r == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    for (int d = 0; d < 2; d++) {
        out->bytes[d] = atomic_load(&r->bytes[d]);
        out->reads[d] = atomic_load(&r->reads[d]);
    }
    out->accepted = atomic_load(&r->accepted);
    out->active = atomic_load(&r->active);
}

bds_relay_counts bds_relay_counts_diff(const bds_relay_counts *after,
                                       const bds_relay_counts *before)
{
    bds_relay_counts d = *after;
    for (int i = 0; i < 2; i++) {
        d.bytes[i] = after->bytes[i] - before->bytes[i];
        d.reads[i] = after->reads[i] - before->reads[i];
    }
    d.accepted = after->accepted - before->accepted;
    return d;
}

void bds_relay_set_rate(bds_relay *r, long bits_per_s)
{
    atomic_store(&r->rate_bits, bits_per_s > 0 ? bits_per_s : 0);
    /* Wake the thread so the new rate applies before the next byte moves. */
    wake(r, 'r');
}

void bds_relay_set_upstream(bds_relay *r, int upstream_port)
{
    atomic_store(&r->upstream_port, upstream_port);
}

void bds_relay_set_delay(bds_relay *r, long one_way_ms)
{
    atomic_store(&r->delay_ms, one_way_ms > 0 ? one_way_ms : 0);
    wake(r, 'r');
}

void bds_relay_set_down(bds_relay *r, bool down)
{
    atomic_store(&r->down, down);
    wake(r, 'r');
}

uint64_t bds_relay_cuts(bds_relay *r)
{
    return atomic_load(&r->cuts);
}

void bds_relay_stop(bds_relay *r)
{
    if (r == NULL)
        return;
    if (r->thread_started) {
        wake(r, 'x');
        pthread_join(r->thread, NULL);
    }
    for (int i = 0; i < RELAY_PAIRS_MAX; i++)
        if (r->pairs[i].open)
            close_pair(r, &r->pairs[i]);
    if (r->listen_fd >= 0)
        close(r->listen_fd);
    for (int i = 0; i < 2; i++)
        if (r->wake[i] >= 0)
            close(r->wake[i]);
    free(r);
}

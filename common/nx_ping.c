#include "nx_ping.h"

#include "nx_conn.h"

#define WARMUP 10
#define PING_TIMEOUT_MS 5000

int nx_ping_rtt(natsConnection *nc, uint64_t n, nx_hist *h, int64_t *elapsed_ns, nx_err *err)
{
    for (int i = 0; i < WARMUP; i++) {
        natsStatus s = natsConnection_FlushTimeout(nc, PING_TIMEOUT_MS);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "ping before timing");
    }
    int64_t t0 = nx_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        int64_t a = nx_now_ns();
        natsStatus s = natsConnection_FlushTimeout(nc, PING_TIMEOUT_MS);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "ping %llu of %llu", (unsigned long long)i + 1,
                                (unsigned long long)n);
        nx_hist_record(h, nx_now_ns() - a);
    }
    if (elapsed_ns)
        *elapsed_ns = nx_now_ns() - t0;
    return 0;
}

#include "nx_wait.h"

#include <errno.h>
#include <time.h>

#include "nx_stats.h"

void nx_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int nx_poll_until(bool (*done)(void *ctx), void *ctx, int64_t poll_ms, int64_t timeout_ms)
{
    int64_t deadline = nx_now_ns() + timeout_ms * 1000000;
    for (;;) {
        if (done(ctx))
            return 0;
        int64_t left_ns = deadline - nx_now_ns();
        if (left_ns <= 0)
            return done(ctx) ? 0 : -1;
        int64_t left_ms = (left_ns + 999999) / 1000000;
        nx_sleep_ms(poll_ms < left_ms ? poll_ms : left_ms);
    }
}

#include "bds_leafz_wait.h"

#include <stdbool.h>
#include <stdlib.h>

#include "nx_monitor.h"
#include "nx_wait.h"

typedef struct leafz_wait {
    const char *monitor;
    int want;
    bool read;      /* the last /leafz request succeeded */
    bool ever_read; /* one did; last_count is what it listed */
    int last_count;
    nx_leafz l;
    nx_err last;
} leafz_wait;

static bool leafz_lists(void *ctx)
{
    leafz_wait *w = ctx;
    w->read = nx_monitor_leafz(w->monitor, &w->l, &w->last) == 0;
    if (w->read) {
        w->ever_read = true;
        w->last_count = w->l.count;
    }
    return w->read && w->l.count == w->want;
}

int bds_leafz_wait(const char *monitor_url, int want, int timeout_ms, nx_err *err)
{
    /* nx_leafz holds a table of connections: too large for a stack frame */
    leafz_wait *w = calloc(1, sizeof *w);
    if (w == NULL)
        return nx_fail(err, "out of memory");
    w->monitor = monitor_url;
    w->want = want;
    int rc = 0;
    if (nx_poll_until(leafz_lists, w, 5, timeout_ms) != 0) {
        if (!w->ever_read)
            rc = nx_fail(err, "the hub's /leafz: %s", w->last.msg);
        else if (w->read)
            rc = nx_fail(err, "the hub lists %d leaf connections, not %d, after %.1f s",
                         w->last_count, want, timeout_ms / 1000.0);
        else
            rc = nx_fail(err,
                         "the hub listed %d leaf connections, not %d, after %.1f s (its last "
                         "/leafz read failed: %s)",
                         w->last_count, want, timeout_ms / 1000.0, w->last.msg);
    }
    free(w);
    return rc;
}

#include "tsd_txn_pipe.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

int tsd_txn_pipe_read(int fd, tsd_txn_progress *pr, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, wait_ms) <= 0)
        return TSD_TXN_NOTHING;
    uint64_t buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? TSD_TXN_NOTHING : TSD_TXN_EOF;
    if (n == 0)
        return TSD_TXN_EOF;
    for (ssize_t i = 0; i < n / (ssize_t)sizeof *buf; i++) {
        if (buf[i] & TSD_TXN_BEGIN_BIT)
            pr->attempted = buf[i] & ~TSD_TXN_BEGIN_BIT;
        else
            pr->committed = buf[i];
    }
    return TSD_TXN_READ;
}

/* How a forked SQLite inserter tells its parent how far it got (the crash
 * and power-cut rounds): one 8-byte word per write, which a pipe never
 * splits. Before BEGIN the end of the transaction about to run, with
 * TSD_TXN_BEGIN_BIT set; after COMMIT returns the count of committed points.
 * The parent knows at a kill which points are committed and which were in
 * flight. */
#ifndef TSD_TXN_PIPE_H
#define TSD_TXN_PIPE_H

#include <stdint.h>

#define TSD_TXN_BEGIN_BIT (1ULL << 63)

typedef struct tsd_txn_progress {
    uint64_t committed; /* points whose COMMIT returned */
    uint64_t attempted; /* the end of the last transaction begun */
} tsd_txn_progress;

enum { TSD_TXN_EOF = -1, TSD_TXN_NOTHING = 0, TSD_TXN_READ = 1 };

/* Reads what the child reported, waiting up to wait_ms for it. */
int tsd_txn_pipe_read(int fd, tsd_txn_progress *pr, int wait_ms);

#endif

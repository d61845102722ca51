/* Waiting until a hub's /leafz lists a given number of leaf connections:
 * a leaf counts as linked only once the hub itself reports it. */
#ifndef BDS_LEAFZ_WAIT_H
#define BDS_LEAFZ_WAIT_H

#include "nx_err.h"

/* Polls monitor_url's /leafz every 5 ms until it lists `want` leaf
 * connections; the error says how many it listed, or why it could not be
 * read. */
int bds_leafz_wait(const char *monitor_url, int want, int timeout_ms, nx_err *err);

#endif

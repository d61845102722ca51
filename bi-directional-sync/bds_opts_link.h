/* The options of the link sections (compression modes, link delay,
 * dropouts): parsed here so bds_opts.c only routes them. */
#ifndef BDS_OPTS_LINK_H
#define BDS_OPTS_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "nx_cli.h"
#include "nx_err.h"

#define BDS_COMPRESS_MODES 5

typedef struct bds_link_opts {
    const char *modes[BDS_COMPRESS_MODES]; /* leafnode compression modes; none: skipped */
    size_t nmodes;
    long rtt_ms[NX_LIST_MAX]; /* link round trips, half of each added each way */
    size_t nrtt;
    long drop_down_s[NX_LIST_MAX], drop_period_s[NX_LIST_MAX]; /* T/P dropout patterns */
    size_t ndrop;
    long drop_cycles; /* dropouts per pattern */
    bool modes_set, rtt_set, drop_set, cycles_set;
} bds_link_opts;

void bds_link_opts_defaults(bds_link_opts *o);

/* --quick lowers what the user did not set. */
void bds_link_opts_quick(bds_link_opts *o);

/* The option handlers: 0, or -1 with one line in err. */
int bds_link_opts_compression(bds_link_opts *o, const char *arg, nx_err *err);
int bds_link_opts_rtt(bds_link_opts *o, const char *arg, nx_err *err);
int bds_link_opts_dropout(bds_link_opts *o, const char *arg, nx_err *err);
int bds_link_opts_cycles(bds_link_opts *o, const char *arg, nx_err *err);

/* The known mode name equal to s, or NULL. */
const char *bds_compress_mode(const char *s, size_t len);

#endif

/* point-store's options: the shared ones (nx_cli) plus the workload's shape,
 * the seed node to print, and the faults that prove each check is live. */
#ifndef PS_OPTS_H
#define PS_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "nx_cli.h"

typedef enum ps_fault {
    PS_FAULT_NONE = 0,
    PS_FAULT_SEED,      /* the model believes node 123's value was updated once more */
    PS_FAULT_TOMBSTONE, /* the model misses the tombstones */
    PS_FAULT_CAS,       /* the model expects one increment more than the writers made */
} ps_fault;

typedef struct ps_opts {
    nx_opts common;
    long nodes;
    long props;
    long history[NX_LIST_MAX]; /* strictly increasing */
    size_t nhistory;
    long reads;
    long cas_count;
    const char *node; /* the seed node whose state is printed */
    ps_fault fault;
    bool nodes_set, props_set, history_set, reads_set, cas_count_set;
} ps_opts;

/* Parses argv into o (applying --quick to what was not given). Returns
 * NX_CLI_RUN, NX_CLI_DONE after --help/--version, or NX_CLI_USAGE with the
 * line in err. */
nx_cli_result ps_opts_parse(int argc, char **argv, ps_opts *o, nx_err *err);

const char *ps_fault_name(ps_fault f);

#endif

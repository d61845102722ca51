#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>

#include "seed.h"
#include "sync_opts.h"
#include "topology.h"

int main(int argc, char **argv)
{
    sync_opts o;
    nx_err err = {{0}};
    switch (sync_opts_parse(argc, argv, &o, &err)) {
    case NX_CLI_DONE:
        return 0;
    case NX_CLI_USAGE:
        fprintf(stderr, "%s\n", err.msg);
        return NX_EXIT_USAGE;
    case NX_CLI_RUN:
        break;
    }
    story st = {.quiet = o.base.quiet};
    topology t;
    topology_config tc = {.nats_server = o.base.nats_server, .keep = o.base.keep};
    int rc = 1;
    if (topology_start(&t, &tc, &err) == 0) {
        seed_result sr;
        rc = seed_run(&t, &o, &st, &sr, &err) == 0 ? 0 : 1;
        topology_destroy(&t);
    }
    if (rc != 0)
        fprintf(stderr, "bi-directional-sync: %s\n", err.msg);
    nats_Close();
    return rc;
}

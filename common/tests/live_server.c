#include "live_server.h"

#include <stdio.h>
#include <stdlib.h>

#include "nx_conn.h"
#include "proc_util.h"

live_server *live_server_up(const char *client_name)
{
    live_server *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->tmp = test_tmpdir();
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    nx_err err;
    if (nx_server_start(&f->s, &cfg, &err) != 0 ||
        nx_connect(&f->nc, nx_server_url(f->s), client_name, &err) != 0 ||
        nx_jetstream(&f->js, f->nc, NULL, 0, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        live_server_down(f);
        return NULL;
    }
    return f;
}

int live_server_down(live_server *f)
{
    if (f == NULL)
        return 0;
    jsCtx_Destroy(f->js);
    natsConnection_Destroy(f->nc);
    nx_server_destroy(f->s);
    int left = dir_entries(f->tmp);
    rm_rf(f->tmp);
    free(f);
    return left == 0 ? 0 : -1;
}

#include "ps_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_compare.h"
#include "ps_fast.h"

int ps_ctx_open(ps_ctx *c, const ps_opts *opts, nx_err *err)
{
    memset(c, 0, sizeof *c);
    c->opts = *opts;
    if (nx_run_open(&c->run, "point-store", &opts->common, err) != 0)
        return -1;
    c->run_open = true;
    return 0;
}

void ps_ctx_drop_workload(ps_ctx *c, bool delete_bucket)
{
    if (c->kv)
        kvStore_Destroy(c->kv);
    c->kv = NULL;
    if (c->bucket[0] && delete_bucket && c->run.js) {
        natsStatus s = js_DeleteKeyValue(c->run.js, c->bucket);
        if (s != NATS_OK && s != NATS_NOT_FOUND)
            fprintf(stderr, "warning: deleting KV bucket %s: %s\n", c->bucket,
                    natsStatus_GetText(s));
    }
    c->bucket[0] = '\0';
    nx_asyncpub_close(c->pub);
    c->pub = NULL;
    if (c->db_open)
        ps_db_close(&c->db);
    c->db_open = false;
    ps_fast_close(c->fast);
    c->fast = NULL;
    ps_model_free(&c->model);
    free(c->prop_names);
    free(c->props);
    c->prop_names = NULL;
    c->props = NULL;
    for (int m = 0; m < PS_NMETHODS; m++)
        for (int d = 0; d < NX_LIST_MAX; d++) {
            free(c->round_p50[m][d]);
            c->round_p50[m][d] = NULL;
        }
}

void ps_ctx_close(ps_ctx *c)
{
    /* On our own server the bucket goes with the server; on a --url
     * deployment it must not outlive the run. */
    ps_ctx_drop_workload(c, c->run.scope != NULL);
    ps_compare_free(c->compare);
    c->compare = NULL;
    if (c->run_open)
        nx_run_close(&c->run);
    c->run_open = false;
}

bool ps_quiet(const ps_ctx *c)
{
    return c->opts.common.quiet;
}

void ps_row_init(const ps_ctx *c, nx_row *row, const char *op, const char *store,
                 const char *case_name)
{
    if (strcmp(store, "sqlite") == 0) {
        nx_row_init_sqlite(row);
    } else {
        nx_row_init(row);
        row->store = store;
        row->storage = c->opts.common.storage;
        row->replicas = (int)c->opts.common.replicas;
    }
    row->op = op;
    row->case_name = case_name;
    row->payload_bytes = c->opts.common.payload;
}

int ps_emit(ps_ctx *c, const nx_row *row, nx_err *err)
{
    nx_row annotated;
    return nx_results_append(c->run.results, ps_compare_row(c->compare, row, &annotated), err);
}

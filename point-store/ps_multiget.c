/* Multi-subject direct get: see ps_onetrip.h; the protocol is ADR-31
 * (multi_last, answers ending with a 204 EOB status message). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "nx_stats.h"
#include "ps_answer.h"
#include "ps_fast.h"
#include "ps_onetrip.h"

static int send_multi(const ps_target *t, uint64_t gen, nx_err *err)
{
    char filter[NX_SUBJECT_MAX * 2], reply[256];
    if (ps_target_filter(t, filter, sizeof filter, err) != 0 ||
        ps_fast_reply(t->r->fast, gen, PS_FAST_MULTI, reply, sizeof reply, err) != 0)
        return -1;
    cJSON *req = cJSON_CreateObject();
    cJSON *list = req ? cJSON_AddArrayToObject(req, "multi_last") : NULL;
    cJSON *item = list ? cJSON_CreateString(filter) : NULL;
    if (item == NULL || !cJSON_AddItemToArray(list, item)) {
        cJSON_Delete(item);
        cJSON_Delete(req);
        req = NULL;
    }
    return ps_target_send(t, req, reply, filter, err);
}

/* The end of the answers: 204 EOB; a batch the server cut short (heads still
 * pending) would be an incomplete state. */
static int check_eob(natsMsg *m, nx_err *err)
{
    const char *pending = NULL;
    if (natsMsgHeader_Get(m, "Nats-Num-Pending", &pending) == NATS_OK && pending &&
        strtoull(pending, NULL, 10) != 0)
        return nx_fail(err, "the answers ended (204 EOB) with %s heads still pending", pending);
    return 0;
}

/* One answer: 1 when it ended the read, 0 to go on, -1 on an error. */
static int take(const ps_target *t, natsMsg *m, long index, ps_state *out, size_t *merged,
                nx_err *err)
{
    if (index != PS_FAST_MULTI)
        return nx_fail(err, "an answer to pipelined request %ld during a multi get", index);
    int status = ps_fast_status(m);
    switch (status) {
    case 0: {
        bool added = false;
        if (ps_target_merge(t, m, NULL, out, &added, err) != 0)
            return -1;
        *merged += added;
        return 0;
    }
    case 204:
        return check_eob(m, err) == 0 ? 1 : -1;
    case 404:
        return 1; /* no subject of the node: the state is empty */
    case 408:
        ps_target_status_fail(m, status, err);
        return nx_fail_wrap(err, "the server refused the request as invalid: ");
    case 413:
        ps_target_status_fail(m, status, err);
        return nx_fail_wrap(err, "the node matches more subjects than one multi get may "
                                 "return (1024): ");
    default:
        return ps_target_status_fail(m, status, err);
    }
}

int ps_read_multi(const ps_reader *r, bool kv, const char *node, ps_state *out, nx_err *err)
{
    ps_target t;
    if (ps_target_init(&t, r, kv, node, err) != 0)
        return -1;
    uint64_t gen = ps_fast_begin(r->fast);
    if (send_multi(&t, gen, err) != 0 || ps_fast_flush(r->fast, err) != 0)
        return -1;
    int64_t deadline = nx_now_ns() + (int64_t)PS_FAST_WAIT_MS * 1000000;
    size_t merged = 0, answers = 0;
    for (int done = 0; done == 0; answers++) {
        natsMsg *m = NULL;
        long index = 0;
        if (ps_fast_next(r->fast, gen, deadline, &m, &index, err) != 0)
            return nx_fail_wrap(err, "multi get after %zu answers: ", answers);
        done = take(&t, m, index, out, &merged, err);
        natsMsg_Destroy(m);
        if (done < 0)
            return nx_fail_wrap(err, "multi get of node %s: ", node);
    }
    /* Every subject answers once: two answers for one prop would merge
     * into one head. */
    if (out->n != merged)
        return nx_fail(err,
                       "multi get of node %s: %zu answers for %zu subjects (a subject "
                       "answered twice)",
                       node, merged, out->n);
    return 0;
}

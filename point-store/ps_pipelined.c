/* Pipelined direct gets: see ps_onetrip.h. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "nx_stats.h"
#include "ps_answer.h"
#include "ps_fast.h"
#include "ps_onetrip.h"

static int send_get(const ps_target *t, uint64_t gen, long i, nx_err *err)
{
    char subject[NX_SUBJECT_MAX * 2], reply[256];
    if (ps_target_subject(t, t->r->props[i], subject, sizeof subject, err) != 0 ||
        ps_fast_reply(t->r->fast, gen, i, reply, sizeof reply, err) != 0)
        return -1;
    cJSON *req = cJSON_CreateObject();
    if (req && !cJSON_AddStringToObject(req, "last_by_subj", subject)) {
        cJSON_Delete(req);
        req = NULL;
    }
    return ps_target_send(t, req, reply, subject, err);
}

/* Checks and merges the answer to request i. */
static int take(const ps_target *t, natsMsg *m, long i, uint8_t *seen, ps_state *out, nx_err *err)
{
    char want[NX_SUBJECT_MAX * 2];
    if (i < 0 || (size_t)i >= t->r->nprops)
        return nx_fail(err, "an answer to request %ld, which was never sent", i);
    if (ps_target_subject(t, t->r->props[i], want, sizeof want, err) != 0)
        return -1;
    if (seen[i])
        return nx_fail(err, "a second answer to the request for %s", want);
    seen[i] = 1;
    int status = ps_fast_status(m);
    if (status == 404)
        return 0; /* the prop was never written */
    if (status != 0) {
        ps_target_status_fail(m, status, err);
        return nx_fail_wrap(err, "direct get %s: ", want);
    }
    bool merged = false;
    return ps_target_merge(t, m, want, out, &merged, err);
}

int ps_read_pipelined(const ps_reader *r, bool kv, const char *node, ps_state *out, nx_err *err)
{
    ps_target t;
    if (ps_target_init(&t, r, kv, node, err) != 0)
        return -1;
    uint8_t *seen = calloc(r->nprops ? r->nprops : 1, 1);
    if (seen == NULL)
        return nx_fail(err, "out of memory");
    uint64_t gen = ps_fast_begin(r->fast);
    int rc = 0;
    for (size_t i = 0; i < r->nprops && rc == 0; i++)
        rc = send_get(&t, gen, (long)i, err);
    if (rc == 0)
        rc = ps_fast_flush(r->fast, err);
    int64_t deadline = nx_now_ns() + (int64_t)PS_FAST_WAIT_MS * 1000000;
    for (size_t got = 0; got < r->nprops && rc == 0; got++) {
        natsMsg *m = NULL;
        long i = 0;
        rc = ps_fast_next(r->fast, gen, deadline, &m, &i, err);
        if (rc != 0)
            nx_fail_wrap(err, "after %zu of %zu answers: ", got, r->nprops);
        else
            rc = take(&t, m, i, seen, out, err);
        natsMsg_Destroy(m);
    }
    free(seen);
    return rc;
}

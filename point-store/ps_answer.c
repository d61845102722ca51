#include "ps_answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_subject.h"
#include "ps_fast.h"

int ps_target_init(ps_target *t, const ps_reader *r, bool kv, const char *node, nx_err *err)
{
    t->r = r;
    t->kv = kv;
    t->node = node;
    if (kv && (r->bucket == NULL || r->bucket[0] == '\0'))
        return nx_fail(err, "no KV bucket is open");
    if (r->fast == NULL)
        return nx_fail(err, "the reading connection is not open");
    int n = kv ? snprintf(t->api, sizeof t->api, "$JS.API.DIRECT.GET.KV_%s", r->bucket)
               : snprintf(t->api, sizeof t->api, "$JS.API.DIRECT.GET.%s", r->stream);
    if (n < 0 || (size_t)n >= sizeof t->api)
        return nx_fail(err, "the direct get subject is too long");
    return nx_subject_check_token("node", node, err);
}

int ps_target_subject(const ps_target *t, const char *prop, char *buf, size_t len, nx_err *err)
{
    if (!t->kv)
        return nx_subject_build(buf, len, t->r->scope, t->node, prop, err);
    int n = snprintf(buf, len, "$KV.%s.%s.%s", t->r->bucket, t->node, prop);
    if (n < 0 || (size_t)n >= len)
        return nx_fail(err, "the KV subject of %s.%s is too long", t->node, prop);
    return 0;
}

int ps_target_filter(const ps_target *t, char *buf, size_t len, nx_err *err)
{
    if (!t->kv)
        return ps_node_filter(t->r->scope, t->node, buf, len, err);
    int n = snprintf(buf, len, "$KV.%s.%s.>", t->r->bucket, t->node);
    if (n < 0 || (size_t)n >= len)
        return nx_fail(err, "the KV filter of node %s is too long", t->node);
    return 0;
}

/* The prop of a KV subject $KV.<bucket>.<node>.<prop>, or NULL when the
 * subject is not one of the node's keys. */
static const char *kv_prop(const ps_target *t, const char *subject)
{
    char prefix[NX_SUBJECT_MAX];
    int n = snprintf(prefix, sizeof prefix, "$KV.%s.%s.", t->r->bucket, t->node);
    if (n < 0 || (size_t)n >= sizeof prefix || strncmp(subject, prefix, (size_t)n) != 0)
        return NULL;
    const char *prop = subject + n;
    return prop[0] && strchr(prop, '.') == NULL ? prop : NULL;
}

int ps_target_merge(const ps_target *t, natsMsg *m, const char *want, ps_state *out, bool *merged,
                    nx_err *err)
{
    *merged = false;
    const char *subject = NULL;
    if (natsMsgHeader_Get(m, "Nats-Subject", &subject) != NATS_OK || subject == NULL)
        return nx_fail(err, "an answer without a Nats-Subject header");
    if (want && strcmp(subject, want) != 0)
        return nx_fail(err, "the answer to the request for %s is for %s", want, subject);
    const uint8_t *data = (const uint8_t *)natsMsg_GetData(m);
    size_t len = (size_t)natsMsg_GetDataLength(m);
    if (!t->kv) {
        *merged = true;
        return ps_state_merge_subject(out, subject, t->r->scope, t->node, data, len, err);
    }
    const char *prop = kv_prop(t, subject);
    if (prop == NULL)
        return nx_fail(err, "an answer for %s, which is not a key of node %s", subject, t->node);
    if (ps_fast_kv_deleted(m))
        return 0;
    *merged = true;
    return ps_state_merge(out, prop, data, len, err);
}

int ps_target_send(const ps_target *t, cJSON *req, const char *reply, const char *what, nx_err *err)
{
    char *body = req ? cJSON_PrintUnformatted(req) : NULL;
    cJSON_Delete(req);
    if (body == NULL)
        return nx_fail(err, "out of memory for the request of %s", what);
    natsStatus s = natsConnection_PublishRequestString(t->r->fast->nc, t->api, reply, body);
    cJSON_free(body);
    if (s != NATS_OK)
        return nx_fail(err, "publishing the request of %s: %s", what, natsStatus_GetText(s));
    return 0;
}

int ps_target_status_fail(natsMsg *m, int status, nx_err *err)
{
    const char *why = NULL;
    if (natsMsgHeader_Get(m, "Description", &why) != NATS_OK || why == NULL)
        why = "";
    return nx_fail(err, "status %d %s", status, why);
}

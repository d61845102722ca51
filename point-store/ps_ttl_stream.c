#include "ps_ttl_stream.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "nx_conn.h"

#define API_WAIT_MS 5000

/* Sends body (or nothing) to subject and parses the JSON answer; an answer
 * with an "error" object fails naming it. */
static int api(natsConnection *nc, const char *subject, const char *body, cJSON **out, nx_err *err)
{
    natsMsg *reply = NULL;
    natsStatus s = natsConnection_RequestString(&reply, nc, subject, body ? body : "", API_WAIT_MS);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "request to %s", subject);
    cJSON *j = cJSON_ParseWithLength(natsMsg_GetData(reply), (size_t)natsMsg_GetDataLength(reply));
    natsMsg_Destroy(reply);
    if (j == NULL)
        return nx_fail(err, "%s answered with something that is not JSON", subject);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (e) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "description");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "err_code");
        int rc = nx_fail(err, "%s: %s (JetStream error %d)", subject,
                         cJSON_IsString(d) ? d->valuestring : "error",
                         cJSON_IsNumber(code) ? code->valueint : 0);
        cJSON_Delete(j);
        return rc;
    }
    *out = j;
    return 0;
}

int ps_ttl_allow(natsConnection *nc, const char *stream, nx_err *err)
{
    char subject[256];
    cJSON *info = NULL, *updated = NULL;
    snprintf(subject, sizeof subject, "$JS.API.STREAM.INFO.%s", stream);
    if (api(nc, subject, NULL, &info, err) != 0)
        return nx_fail_wrap(err, "allow_msg_ttl on %s: ", stream);
    cJSON *config = cJSON_DetachItemFromObjectCaseSensitive(info, "config");
    cJSON_Delete(info);
    if (!cJSON_IsObject(config)) {
        cJSON_Delete(config);
        return nx_fail(err, "allow_msg_ttl on %s: the stream info has no config", stream);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(config, "allow_msg_ttl");
    char *body = NULL;
    if (cJSON_AddTrueToObject(config, "allow_msg_ttl"))
        body = cJSON_PrintUnformatted(config);
    cJSON_Delete(config);
    if (body == NULL)
        return nx_fail(err, "out of memory");
    snprintf(subject, sizeof subject, "$JS.API.STREAM.UPDATE.%s", stream);
    int rc = api(nc, subject, body, &updated, err);
    cJSON_free(body);
    if (rc != 0)
        return nx_fail_wrap(err, "allow_msg_ttl on %s: ", stream);
    const cJSON *now = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(updated, "config"), "allow_msg_ttl");
    rc = cJSON_IsTrue(now) ? 0
                           : nx_fail(err, "allow_msg_ttl on %s: the update did not take", stream);
    cJSON_Delete(updated);
    return rc;
}

int ps_ttl_publish(jsCtx *js, const char *subject, const void *data, int len, long ttl_s,
                   nx_err *err)
{
    char ttl[32];
    snprintf(ttl, sizeof ttl, "%lds", ttl_s);
    natsMsg *m = NULL;
    natsStatus s = natsMsg_Create(&m, subject, NULL, data, len);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, "Nats-TTL", ttl);
    jsErrCode jerr = 0;
    jsPubAck *ack = NULL;
    if (s == NATS_OK)
        s = js_PublishMsg(&ack, js, m, NULL, &jerr);
    jsPubAck_Destroy(ack);
    natsMsg_Destroy(m);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "publishing %s with Nats-TTL %s", subject, ttl);
    return 0;
}

#include "tsd_jsapi_stream.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stream.h"
#include "nx_wait.h"

#define API_WAIT_MS 10000

static char *config_json(const tsd_ctx *ctx, const tsd_stream_extra *x)
{
    cJSON *cfg = cJSON_CreateObject();
    cJSON *subjects = cJSON_AddArrayToObject(cfg, "subjects");
    cJSON_AddStringToObject(cfg, "name", ctx->stream);
    cJSON_AddItemToArray(subjects, cJSON_CreateString(ctx->filter));
    cJSON_AddStringToObject(cfg, "storage", ctx->opts->base.storage);
    cJSON_AddNumberToObject(cfg, "num_replicas", (double)ctx->opts->base.replicas);
    cJSON_AddStringToObject(cfg, "retention", "limits");
    cJSON_AddStringToObject(cfg, "discard", "old");
    if (x->allow_atomic)
        cJSON_AddBoolToObject(cfg, "allow_atomic", true);
    if (x->allow_batched)
        cJSON_AddBoolToObject(cfg, "allow_batched", true);
    if (x->persist_mode)
        cJSON_AddStringToObject(cfg, "persist_mode", x->persist_mode);
    char *text = cJSON_PrintUnformatted(cfg);
    cJSON_Delete(cfg);
    return text;
}

/* A server that does not know a field drops it silently: the config it
 * answers with must carry every setting asked for. */
static int check_applied(cJSON *cfg, const tsd_stream_extra *x, const char *stream, nx_err *err)
{
    const char *missing = NULL;
    if (x->allow_atomic && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "allow_atomic")))
        missing = "allow_atomic";
    if (x->allow_batched && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "allow_batched")))
        missing = "allow_batched";
    cJSON *pm = cJSON_GetObjectItemCaseSensitive(cfg, "persist_mode");
    if (x->persist_mode && !(cJSON_IsString(pm) && strcmp(pm->valuestring, x->persist_mode) == 0))
        missing = "persist_mode";
    if (missing)
        return nx_fail(err, "creating stream %s: the server ignored %s", stream, missing);
    return 0;
}

/* The err_code of an API error reply, 0 for any other reply. */
static int reply_code(const natsMsg *reply)
{
    cJSON *resp = cJSON_ParseWithLength(natsMsg_GetData((natsMsg *)reply),
                                        (size_t)natsMsg_GetDataLength((natsMsg *)reply));
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(resp, "error"), "err_code");
    int c = cJSON_IsNumber(code) ? code->valueint : 0;
    cJSON_Delete(resp);
    return c;
}

static int reply_error(const natsMsg *reply, const tsd_stream_extra *x, const char *stream,
                       nx_err *err)
{
    cJSON *resp = cJSON_ParseWithLength(natsMsg_GetData((natsMsg *)reply),
                                        (size_t)natsMsg_GetDataLength((natsMsg *)reply));
    if (resp == NULL)
        return nx_fail(err, "creating stream %s: the reply is not JSON", stream);
    int rc = 0;
    cJSON *e = cJSON_GetObjectItemCaseSensitive(resp, "error");
    if (e) {
        cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "description");
        rc = nx_fail(err, "creating stream %s: %s", stream,
                     cJSON_IsString(d) ? d->valuestring : "JetStream error");
    } else if (cJSON_GetObjectItemCaseSensitive(resp, "config") == NULL) {
        rc = nx_fail(err, "creating stream %s: the reply carries no config", stream);
    } else {
        rc = check_applied(cJSON_GetObjectItemCaseSensitive(resp, "config"), x, stream, err);
    }
    cJSON_Delete(resp);
    return rc;
}

int tsd_jsapi_stream_fresh(tsd_ctx *ctx, const void *extra, nx_err *err)
{
    static const tsd_stream_extra none = {0};
    const tsd_stream_extra *x = extra ? extra : &none;
    if (tsd_stream_drop(ctx, err) != 0)
        return -1;
    char *body = config_json(ctx, x);
    if (body == NULL)
        return nx_fail(err, "out of memory");
    char api[128];
    snprintf(api, sizeof api, "$JS.API.STREAM.CREATE.%s", ctx->stream);
    natsMsg *reply = NULL;
    natsStatus s = NATS_OK;
    for (int tries = 1;; tries++) {
        s = natsConnection_Request(&reply, ctx->run->nc, api, body, (int)strlen(body), API_WAIT_MS);
        if (s != NATS_OK || !nx_stream_store_busy(reply_code(reply)) ||
            tries == NX_STREAM_BUSY_TRIES)
            break;
        natsMsg_Destroy(reply);
        reply = NULL;
        nx_sleep_ms(NX_STREAM_BUSY_WAIT_MS);
    }
    free(body);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "creating stream %s", ctx->stream);
    int rc = reply_error(reply, x, ctx->stream, err);
    natsMsg_Destroy(reply);
    return rc;
}

#include "tsd_time_consumer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_sub.h"
#include "tsd_rfc3339.h"

#define API_WAIT_MS 10000
/* The server drops the consumer on its own if a run dies before deleting. */
#define INACTIVE_THRESHOLD_NS 30000000000LL

static int api_error(cJSON *resp, const char *what, nx_err *err)
{
    cJSON *e = cJSON_GetObjectItemCaseSensitive(resp, "error");
    if (e == NULL)
        return 0;
    cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "description");
    return nx_fail(err, "%s: %s", what, cJSON_IsString(d) ? d->valuestring : "JetStream error");
}

static int create(tsd_time_consumer *c, natsConnection *nc, const char *subject, const char *inbox,
                  int64_t start_ns, nx_err *err)
{
    char when[48], body[1024], api[128];
    if (tsd_rfc3339_ns(start_ns, when, sizeof when) == 0)
        return nx_fail(err, "cannot format start time %lld", (long long)start_ns);
    snprintf(api, sizeof api, "$JS.API.CONSUMER.CREATE.%s", c->stream);
    int n = snprintf(body, sizeof body,
                     "{\"stream_name\":\"%s\",\"config\":{\"deliver_policy\":\"by_start_time\","
                     "\"opt_start_time\":\"%s\",\"ack_policy\":\"all\",\"max_ack_pending\":%d,"
                     "\"replay_policy\":"
                     "\"instant\",\"filter_subject\":\"%s\",\"deliver_subject\":\"%s\","
                     "\"inactive_threshold\":%lld}}",
                     c->stream, when, TSD_TIME_CONSUMER_WINDOW, subject, inbox,
                     (long long)INACTIVE_THRESHOLD_NS);
    if (n <= 0 || (size_t)n >= sizeof body)
        return nx_fail(err, "consumer request for %s is too long", subject);
    natsMsg *reply = NULL;
    natsStatus s = natsConnection_Request(&reply, nc, api, body, n, API_WAIT_MS);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "creating a consumer on %s", subject);
    cJSON *resp =
        cJSON_ParseWithLength(natsMsg_GetData(reply), (size_t)natsMsg_GetDataLength(reply));
    natsMsg_Destroy(reply);
    if (resp == NULL)
        return nx_fail(err, "creating a consumer on %s: the reply is not JSON", subject);
    int rc = api_error(resp, "creating a consumer", err);
    cJSON *name = cJSON_GetObjectItemCaseSensitive(resp, "name");
    if (rc == 0 && !cJSON_IsString(name))
        rc = nx_fail(err, "creating a consumer on %s: the reply names no consumer", subject);
    if (rc == 0)
        snprintf(c->name, sizeof c->name, "%s", name->valuestring);
    cJSON_Delete(resp);
    return rc;
}

int tsd_time_consumer_open(tsd_time_consumer *c, natsConnection *nc, const char *stream,
                           const char *subject, int64_t start_ns, nx_err *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->stream, sizeof c->stream, "%s", stream);
    natsInbox *inbox = NULL;
    natsStatus s = natsInbox_Create(&inbox);
    if (s == NATS_OK)
        s = natsConnection_SubscribeSync(&c->sub, nc, inbox);
    if (s != NATS_OK) {
        natsInbox_Destroy(inbox);
        return nx_nats_fail(err, s, 0, "subscribing a delivery inbox");
    }
    int rc = create(c, nc, subject, inbox, start_ns, err);
    natsInbox_Destroy(inbox);
    if (rc != 0) {
        natsSubscription_Destroy(c->sub);
        c->sub = NULL;
    }
    return rc;
}

int tsd_time_consumer_delivered(tsd_time_consumer *c, natsConnection *nc, natsMsg *m, nx_err *err)
{
    if (++c->unacked < TSD_TIME_CONSUMER_WINDOW / 2)
        return 0;
    c->unacked = 0;
    const char *reply = natsMsg_GetReply(m);
    natsStatus s = reply ? natsConnection_PublishString(nc, reply, "+ACK") : NATS_OK;
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "acking range deliveries");
    return 0;
}

void tsd_time_consumer_close(tsd_time_consumer *c, natsConnection *nc)
{
    if (c->name[0]) {
        char api[256];
        snprintf(api, sizeof api, "$JS.API.CONSUMER.DELETE.%s.%s", c->stream, c->name);
        natsMsg *reply = NULL;
        if (natsConnection_RequestString(&reply, nc, api, "", API_WAIT_MS) == NATS_OK)
            natsMsg_Destroy(reply);
        c->name[0] = '\0';
    }
    nx_sub_close(nc, c->sub);
    c->sub = NULL;
}

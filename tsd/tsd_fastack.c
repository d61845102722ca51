#include "tsd_fastack.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static bool num(const cJSON *o, const char *key, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0)
        return false;
    *out = (uint64_t)v->valuedouble;
    return true;
}

static tsd_fast_kind classify(const cJSON *j, tsd_fast_msg *m)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *batch = cJSON_GetObjectItemCaseSensitive(j, "batch");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (e) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "description");
        m->has_error = true;
        snprintf(m->error, sizeof m->error, "%s",
                 cJSON_IsString(d) ? d->valuestring : "JetStream error");
    }
    if (cJSON_IsString(batch)) {
        snprintf(m->batch, sizeof m->batch, "%s", batch->valuestring);
        num(j, "seq", &m->seq);
        num(j, "count", &m->count);
        return TSD_FAST_PUBACK;
    }
    if (e)
        return TSD_FAST_ERROR;
    /* A gap message carries last_seq (and no flow update). */
    if (num(j, "last_seq", &m->last_seq))
        return num(j, "seq", &m->seq) ? TSD_FAST_GAP : TSD_FAST_UNKNOWN;
    /* ADR-50 names the flow ack_msgs; 2.14/2.15 send "msgs" and "type":"ack". */
    bool flow = num(j, "msgs", &m->msgs) || num(j, "ack_msgs", &m->msgs);
    bool is_ack = type == NULL || (cJSON_IsString(type) && strcmp(type->valuestring, "ack") == 0);
    if (flow && is_ack && m->msgs > 0 && num(j, "seq", &m->seq))
        return TSD_FAST_FLOW;
    return TSD_FAST_UNKNOWN;
}

tsd_fast_kind tsd_fast_parse(const char *data, size_t len, tsd_fast_msg *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(data, len);
    out->kind = j ? classify(j, out) : TSD_FAST_UNKNOWN;
    cJSON_Delete(j);
    return out->kind;
}

#include "bds_points.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_sub.h"

/* The filler byte at offset i of an indexed point's data: derived from the
 * index so a byte from another point, or a flipped one, is caught. */
static uint8_t filler(uint64_t index, size_t i)
{
    return (uint8_t)((index * 31u + i * 7u) & 0xffu);
}

void bds_point_list_free(bds_point_list *l)
{
    free(l->items);
    memset(l, 0, sizeof *l);
}

static bds_point_record *point_list_add(bds_point_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        bds_point_record *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        l->items = items;
        l->cap = cap;
    }
    bds_point_record *r = &l->items[l->n++];
    memset(r, 0, sizeof *r);
    return r;
}

size_t bds_point_encode_indexed(uint8_t *buf, size_t cap, const char *origin, int64_t time_ns,
                                uint64_t index, size_t data_len)
{
    uint8_t data[BDS_POINT_DATA_MAX];
    if (data_len < BDS_POINT_INDEX_BYTES || data_len > sizeof data)
        return 0;
    for (size_t i = 0; i < BDS_POINT_INDEX_BYTES; i++)
        data[i] = (uint8_t)(index >> (8 * i));
    for (size_t i = BDS_POINT_INDEX_BYTES; i < data_len; i++)
        data[i] = filler(index, i);
    nx_point p = {.time_ns = time_ns,
                  .origin = origin,
                  .origin_len = (uint8_t)strlen(origin),
                  .data = data,
                  .data_len = data_len};
    return nx_point_encode(&p, buf, cap);
}

bool bds_point_decode_record(const void *data, int len, bds_point_record *rec)
{
    nx_point p;
    if (len < 0 || !nx_point_decode(data, (size_t)len, &p))
        return false;
    rec->time_ns = p.time_ns;
    rec->tombstone = nx_point_is_deleted(&p);
    snprintf(rec->origin, sizeof rec->origin, "%.*s", (int)p.origin_len, p.origin);
    rec->data_len = p.data_len;
    bool text = p.data_len < sizeof rec->value;
    for (size_t i = 0; i < p.data_len && text; i++)
        text = isprint(p.data[i]) != 0;
    rec->value[0] = '\0';
    if (text)
        snprintf(rec->value, sizeof rec->value, "%.*s", (int)p.data_len, (const char *)p.data);
    rec->has_index = p.data_len >= BDS_POINT_INDEX_BYTES && !text;
    rec->index = 0;
    rec->filler_ok = false;
    if (rec->has_index) {
        for (size_t i = 0; i < BDS_POINT_INDEX_BYTES; i++)
            rec->index |= (uint64_t)p.data[i] << (8 * i);
        rec->filler_ok = true;
        for (size_t i = BDS_POINT_INDEX_BYTES; i < p.data_len && rec->filler_ok; i++)
            rec->filler_ok = p.data[i] == filler(rec->index, i);
    }
    return true;
}

int bds_point_publish_value(jsCtx *js, const char *stream, const char *subject, const char *origin,
                            const char *value, int64_t time_ns, bool tombstone, nx_err *err)
{
    uint8_t buf[256];
    nx_point p = {.time_ns = time_ns,
                  .tombstone = tombstone ? 1 : 0,
                  .origin = origin,
                  .origin_len = (uint8_t)strlen(origin),
                  .data = (const uint8_t *)value,
                  .data_len = strlen(value)};
    size_t n = nx_point_encode(&p, buf, sizeof buf);
    if (n == 0)
        return nx_fail(err, "point for %s does not fit in %zu bytes", subject, sizeof buf);
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(&ack, js, subject, buf, (int)n, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "publishing %s to %s", value, subject);
    int rc = 0;
    if (ack->Stream == NULL || strcmp(ack->Stream, stream) != 0)
        rc = nx_fail(err, "publishing %s to %s: stored by stream %s, expected %s", value, subject,
                     ack->Stream ? ack->Stream : "(none)", stream);
    jsPubAck_Destroy(ack);
    return rc;
}

/* Messages the fresh consumer will deliver in all: those delivered already
 * plus those pending. */
static int consumer_total(natsSubscription *sub, const char *stream, uint64_t *total, nx_err *err)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus s = natsSubscription_GetConsumerInfo(&ci, sub, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "reading stream %s: consumer info", stream);
    *total = ci->Delivered.Consumer + ci->NumPending;
    jsConsumerInfo_Destroy(ci);
    return 0;
}

static int read_points(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                       bool heads_only, bds_point_list *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream;
    so.Ordered = true;
    if (heads_only)
        so.Config.DeliverPolicy = js_DeliverLastPerSubject;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_SubscribeSync(&sub, js, filter, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "reading stream %s", stream);
    uint64_t total = 0;
    int rc = consumer_total(sub, stream, &total, err);
    for (uint64_t i = 0; i < total && rc == 0; i++) {
        natsMsg *msg = NULL;
        s = natsSubscription_NextMsg(&msg, sub, 5000);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "reading stream %s: message %llu of %llu", stream,
                              (unsigned long long)i + 1, (unsigned long long)total);
            break;
        }
        bds_point_record *r = point_list_add(out);
        jsMsgMetaData *meta = NULL;
        if (r == NULL) {
            rc = nx_fail(err, "reading stream %s: out of memory", stream);
        } else {
            snprintf(r->subject, sizeof r->subject, "%s", natsMsg_GetSubject(msg));
            if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
                r->seq = meta->Sequence.Stream;
                jsMsgMetaData_Destroy(meta);
            }
            if (!bds_point_decode_record(natsMsg_GetData(msg), natsMsg_GetDataLength(msg), r))
                rc = nx_fail(err, "stream %s: message %llu (%s) is not a point", stream,
                             (unsigned long long)r->seq, r->subject);
        }
        natsMsg_Destroy(msg);
    }
    nx_sub_close(nc, sub);
    if (rc != 0)
        bds_point_list_free(out);
    return rc;
}

int bds_point_read_stream(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                          bds_point_list *out, nx_err *err)
{
    return read_points(nc, js, stream, filter, false, out, err);
}

int bds_point_read_heads(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                         bds_point_list *out, nx_err *err)
{
    return read_points(nc, js, stream, filter, true, out, err);
}

void bds_point_list_dump(FILE *f, const char *label, const bds_point_list *l)
{
    fprintf(f, "  %s: %zu messages\n", label, l->n);
    for (size_t i = 0; i < l->n; i++) {
        const bds_point_record *r = &l->items[i];
        if (r->has_index)
            fprintf(f, "    seq %-6llu %-24s index %llu%s  (%s)\n", (unsigned long long)r->seq,
                    r->subject, (unsigned long long)r->index, r->filler_ok ? "" : " BAD DATA",
                    r->origin);
        else
            fprintf(f, "    seq %-6llu %-24s = %s%s  (%s)\n", (unsigned long long)r->seq,
                    r->subject, r->value, r->tombstone ? " [deleted]" : "", r->origin);
    }
}

void bds_point_list_values(const bds_point_list *l, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->n && used + 1 < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", l->items[i].value);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

#include "ps_read.h"

#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_sub.h"
#include "nx_subject.h"
#include "ps_onetrip.h"

/* Generous: a head is one round trip; this only bounds a stuck read. */
#define CONSUMER_WAIT_MS 5000

static const ps_method_desc methods[PS_NMETHODS] = {
    [PS_INFO_GETLAST] = {"state_info_getlast", "jetstream", "info + get-last",
                         "stream info with subjects filter n.<node>.> then js_GetLastMsg per "
                         "subject",
                         false},
    [PS_DIRECT_GET] = {"state_direct_get", "jetstream", "direct get",
                       "js_DirectGetMsg last-by-subject per known prop (allow_direct)", false},
    [PS_LAST_PER_SUBJECT] = {"state_last_per_subject", "jetstream", "last-per-subject",
                             "ordered consumer on n.<node>.> with deliver last per subject; "
                             "count from NumPending; timed from subscribe to unsubscribe",
                             false},
    [PS_KV] = {"state_kv", "jetstream", "kv get",
               "kvStore_Get per key <node>.<prop> (bucket history 1)", false},
    [PS_DIRECT_PIPELINED] = {"state_direct_pipelined", "jetstream", "direct pipelined",
                             "direct get last_by_subj for every known prop published at once on "
                             "one inbox, then every answer collected (one per request, its own "
                             "subject)",
                             false},
    [PS_DIRECT_MULTI] = {"state_direct_multi", "jetstream", "direct multi",
                         "one direct get {multi_last: [n.<node>.>]}; answers until 204 EOB "
                         "(ADR-31, nats-server 2.11+)",
                         true},
    [PS_KV_PIPELINED] = {"state_kv_pipelined", "jetstream", "kv pipelined",
                         "direct get last_by_subj $KV.<bucket>.<node>.<prop> on KV_<bucket> for "
                         "every known prop at once on one inbox, then every answer collected",
                         false},
    [PS_KV_MULTI] = {"state_kv_multi", "jetstream", "kv multi",
                     "one direct get {multi_last: [$KV.<bucket>.<node>.>]} on KV_<bucket>; "
                     "answers until 204 EOB; delete markers are absent keys",
                     true},
    [PS_SQLITE_SEEK] = {"state_sqlite", "sqlite", "sqlite seek",
                        "query=seek: index (node,prop,time) skip-scan of props then newest row "
                        "per prop",
                        false},
    [PS_SQLITE_GROUP_BY] = {"state_sqlite", "sqlite", "sqlite group-by",
                            "query=group_by: SELECT ...,MAX(time) WHERE node=? GROUP BY prop",
                            false},
};

const ps_method_desc *ps_method_describe(ps_method m)
{
    return &methods[m];
}

int ps_node_filter(const char *scope, const char *node, char *buf, size_t len, nx_err *err)
{
    if ((scope && nx_subject_check_token("scope", scope, err) != 0) ||
        nx_subject_check_token("node", node, err) != 0)
        return -1;
    int n =
        scope ? snprintf(buf, len, "n.%s.%s.>", scope, node) : snprintf(buf, len, "n.%s.>", node);
    if (n < 0 || (size_t)n >= len)
        return nx_fail(err, "the subjects filter for node '%s' is too long", node);
    return 0;
}

static int merge_msg(const ps_reader *r, const char *node, natsMsg *m, ps_state *out, nx_err *err)
{
    return ps_state_merge_subject(out, natsMsg_GetSubject(m), r->scope, node,
                                  (const uint8_t *)natsMsg_GetData(m),
                                  (size_t)natsMsg_GetDataLength(m), err);
}

static int read_info_getlast(const ps_reader *r, const char *node, ps_state *out, nx_err *err)
{
    char filter[NX_SUBJECT_MAX * 2];
    if (ps_node_filter(r->scope, node, filter, sizeof filter, err) != 0)
        return -1;
    jsOptions o;
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = filter;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, r->js, r->stream, &o, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "stream info of %s filtered to %s", r->stream, filter);
    int rc = 0;
    const jsStreamStateSubjects *subjects = si->State.Subjects;
    for (int i = 0; subjects && i < subjects->Count && rc == 0; i++) {
        const char *subject = subjects->List[i].Subject;
        natsMsg *m = NULL;
        s = js_GetLastMsg(&m, r->js, r->stream, subject, NULL, &jerr);
        if (s == NATS_NOT_FOUND)
            continue; /* gone since the info listed it (a TTL expired): absent */
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, jerr, "get-last of %s", subject);
        else
            rc = merge_msg(r, node, m, out, err);
        natsMsg_Destroy(m);
    }
    jsStreamInfo_Destroy(si);
    return rc;
}

static int read_direct_get(const ps_reader *r, const char *node, ps_state *out, nx_err *err)
{
    for (size_t i = 0; i < r->nprops; i++) {
        char subject[NX_SUBJECT_MAX * 2];
        if (nx_subject_build(subject, sizeof subject, r->scope, node, r->props[i], err) != 0)
            return -1;
        jsDirectGetMsgOptions d;
        jsDirectGetMsgOptions_Init(&d);
        d.LastBySubject = subject;
        natsMsg *m = NULL;
        natsStatus s = js_DirectGetMsg(&m, r->js, r->stream, NULL, &d);
        if (s == NATS_NOT_FOUND)
            continue;
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "direct get last-by-subject %s", subject);
        int rc = merge_msg(r, node, m, out, err);
        natsMsg_Destroy(m);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int read_last_per_subject(const ps_reader *r, const char *node, ps_state *out, nx_err *err)
{
    char filter[NX_SUBJECT_MAX * 2];
    if (ps_node_filter(r->scope, node, filter, sizeof filter, err) != 0)
        return -1;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = r->stream; /* spares the lookup of the stream by subject */
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverLastPerSubject;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_SubscribeSync(&sub, r->js, filter, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "ordered consumer on %s", filter);
    int rc = 0;
    for (bool more = true; more && rc == 0;) {
        natsMsg *m = NULL;
        s = natsSubscription_NextMsg(&m, sub, CONSUMER_WAIT_MS);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "ordered consumer on %s: waiting for the next head",
                              filter);
            break;
        }
        jsMsgMetaData *meta = NULL;
        s = natsMsg_GetMetaData(&meta, m);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, 0, "ordered consumer on %s: message metadata", filter);
        else {
            more = meta->NumPending > 0;
            rc = merge_msg(r, node, m, out, err);
        }
        jsMsgMetaData_Destroy(meta);
        natsMsg_Destroy(m);
    }
    /* Unsubscribing deletes the ephemeral consumer (Destroy alone would
     * leave it on the server until its inactivity threshold). */
    nx_sub_close(r->nc, sub);
    return rc;
}

static int read_kv(const ps_reader *r, const char *node, ps_state *out, nx_err *err)
{
    if (r->kv == NULL)
        return nx_fail(err, "state_kv: no KV bucket is open");
    for (size_t i = 0; i < r->nprops; i++) {
        char key[NX_SUBJECT_MAX * 2];
        snprintf(key, sizeof key, "%s.%s", node, r->props[i]);
        kvEntry *e = NULL;
        natsStatus s = kvStore_Get(&e, r->kv, key);
        if (s == NATS_NOT_FOUND)
            continue; /* never written, or deleted */
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "KV get %s", key);
        int rc = 0;
        if (strcmp(kvEntry_Key(e), key) != 0)
            rc = nx_fail(err, "KV get %s returned key %s", key, kvEntry_Key(e));
        else
            rc = ps_state_merge(out, r->props[i], kvEntry_Value(e), (size_t)kvEntry_ValueLen(e),
                                err);
        kvEntry_Destroy(e);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int ps_read_state(const ps_reader *r, ps_method m, const char *node, ps_state *out, nx_err *err)
{
    ps_state_clear(out);
    switch (m) {
    case PS_INFO_GETLAST:
        return read_info_getlast(r, node, out, err);
    case PS_DIRECT_GET:
        return read_direct_get(r, node, out, err);
    case PS_LAST_PER_SUBJECT:
        return read_last_per_subject(r, node, out, err);
    case PS_KV:
        return read_kv(r, node, out, err);
    case PS_DIRECT_PIPELINED:
    case PS_KV_PIPELINED:
        return ps_read_pipelined(r, m == PS_KV_PIPELINED, node, out, err);
    case PS_DIRECT_MULTI:
    case PS_KV_MULTI:
        return ps_read_multi(r, m == PS_KV_MULTI, node, out, err);
    case PS_SQLITE_SEEK:
    case PS_SQLITE_GROUP_BY:
        if (r->db == NULL)
            return nx_fail(err, "state_sqlite: no SQLite baseline is open");
        return ps_db_state(r->db, m == PS_SQLITE_SEEK, node, out, err);
    case PS_NMETHODS:
        break;
    }
    return nx_fail(err, "internal error: unknown read method %d", (int)m);
}

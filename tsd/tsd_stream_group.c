#include "tsd_stream_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_stats.h"
#include "nx_wait.h"

#define POLL_MS 20

int tsd_stream_leader(jsCtx *js, const char *stream, char *out, size_t len, nx_err *err)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, js, stream, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "stream info of %s", stream);
    snprintf(out, len, "%s", si->Cluster && si->Cluster->Leader ? si->Cluster->Leader : "");
    jsStreamInfo_Destroy(si);
    return 0;
}

/* The range of sequences a copy holds; the leader's is what every copy
 * must reach. */
typedef struct seq_range {
    uint64_t first, last;
} seq_range;

static bool replicas_current(jsCtx *js, const char *stream, seq_range *leader, char *why,
                             size_t len)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, js, stream, NULL, &jerr);
    if (s != NATS_OK) {
        snprintf(why, len, "stream info: %s", natsStatus_GetText(s));
        return false;
    }
    if (leader)
        *leader = (seq_range){si->State.FirstSeq, si->State.LastSeq};
    const jsClusterInfo *ci = si->Cluster;
    bool ok = ci && ci->Leader && ci->Leader[0] && ci->ReplicasLen == 2;
    if (!ok)
        snprintf(why, len, "stream info lists %d replicas besides leader '%s'",
                 ci ? ci->ReplicasLen : 0, ci && ci->Leader ? ci->Leader : "");
    for (int i = 0; ok && i < ci->ReplicasLen; i++) {
        const jsPeerInfo *r = ci->Replicas[i];
        ok = r->Current && !r->Offline;
        if (!ok)
            snprintf(why, len, "replica %s is %s (lag %llu)", r->Name,
                     r->Offline ? "offline" : "not current", (unsigned long long)r->Lag);
    }
    jsStreamInfo_Destroy(si);
    return ok;
}

/* Every member's own copy holds msgs messages from the leader's first to
 * its last sequence. The count alone is not enough: under a per-subject
 * limit a lagging copy holds as many messages as the leader, only older
 * ones. */
static bool copies_full(nx_cluster *cluster, const char *stream, uint64_t msgs, seq_range leader,
                        nx_jsz *jsz, char *why, size_t len)
{
    for (int i = 0; i < cluster->n; i++) {
        nx_server *m = cluster->node[i];
        nx_err e;
        if (nx_monitor_jsz(nx_server_monitor_url(m), jsz, &e) != 0) {
            snprintf(why, len, "%s: %s", nx_server_name(m), e.msg);
            return false;
        }
        const nx_jsz_stream *copy = NULL;
        for (int k = 0; k < jsz->nstreams; k++)
            if (strcmp(jsz->stream[k].name, stream) == 0)
                copy = &jsz->stream[k];
        if (copy == NULL) {
            snprintf(why, len, "%s's /jsz does not list the stream", nx_server_name(m));
            return false;
        }
        if (copy->messages != msgs ||
            (msgs > 0 && (copy->first_seq != leader.first || copy->last_seq != leader.last))) {
            snprintf(why, len,
                     "%s's own copy holds %llu of %llu messages, sequences %llu..%llu (the "
                     "leader's: %llu..%llu; its /jsz)",
                     nx_server_name(m), (unsigned long long)copy->messages,
                     (unsigned long long)msgs, (unsigned long long)copy->first_seq,
                     (unsigned long long)copy->last_seq, (unsigned long long)leader.first,
                     (unsigned long long)leader.last);
            return false;
        }
    }
    return true;
}

int tsd_stream_wait_whole(jsCtx *js, nx_cluster *cluster, const char *stream, uint64_t msgs,
                          int timeout_ms, bool *whole, char *why, size_t len, nx_err *err)
{
    nx_jsz *jsz = malloc(sizeof *jsz);
    if (jsz == NULL)
        return nx_fail(err, "out of memory");
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    why[0] = '\0';
    for (;;) {
        seq_range leader = {0, 0};
        *whole = replicas_current(js, stream, &leader, why, len) &&
                 copies_full(cluster, stream, msgs, leader, jsz, why, len);
        if (*whole || nx_now_ns() >= deadline)
            break;
        nx_sleep_ms(POLL_MS);
    }
    free(jsz);
    return 0;
}

int tsd_stream_wait_current(jsCtx *js, const char *stream, int timeout_ms, bool *current, char *why,
                            size_t len)
{
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    why[0] = '\0';
    while (!(*current = replicas_current(js, stream, NULL, why, len)) && nx_now_ns() < deadline) {
        nx_sleep_ms(POLL_MS);
    }
    return 0;
}

int tsd_stream_wait_settled(jsCtx *js, nx_cluster *cluster, const char *stream, uint64_t msgs,
                            int timeout_ms, bool *settled, char *why, size_t len, nx_err *err)
{
    if (cluster && cluster->n >= 3)
        return tsd_stream_wait_whole(js, cluster, stream, msgs, timeout_ms, settled, why, len, err);
    return tsd_stream_wait_current(js, stream, timeout_ms, settled, why, len);
}

#include "nx_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_wait.h"

void nx_stream_spec_init(nx_stream_spec *spec, const char *name)
{
    memset(spec, 0, sizeof *spec);
    spec->name = name;
    spec->storage = js_FileStorage;
    spec->replicas = 1;
}

jsStorageType nx_storage_type(const char *name)
{
    return name && strcmp(name, "memory") == 0 ? js_MemoryStorage : js_FileStorage;
}

/* jsStreamConfig points at caller-owned arrays; this holds them for one
 * add/update call. */
typedef struct config_build {
    jsStreamConfig cfg;
    jsStreamSource src[NX_STREAM_SOURCES_MAX];
    jsStreamSource *srcp[NX_STREAM_SOURCES_MAX];
    jsExternalStream ext[NX_STREAM_SOURCES_MAX];
    char prefix[NX_STREAM_SOURCES_MAX][160];
} config_build;

static int build(config_build *b, const nx_stream_spec *spec, nx_err *err)
{
    if (spec->nsources < 0 || spec->nsources > NX_STREAM_SOURCES_MAX)
        return nx_fail(err, "stream %s: too many sources (%d)", spec->name, spec->nsources);
    jsStreamConfig_Init(&b->cfg);
    b->cfg.Name = spec->name;
    b->cfg.Subjects = spec->nsubjects ? (const char **)spec->subjects : NULL;
    b->cfg.SubjectsLen = spec->nsubjects;
    b->cfg.Storage = spec->storage;
    b->cfg.Replicas = spec->replicas > 0 ? spec->replicas : 1;
    b->cfg.AllowDirect = spec->allow_direct;
    b->cfg.MaxAge = spec->max_age_ns;
    if (spec->max_msgs > 0)
        b->cfg.MaxMsgs = spec->max_msgs;
    if (spec->max_bytes > 0)
        b->cfg.MaxBytes = spec->max_bytes;
    if (spec->max_msgs_per_subject > 0)
        b->cfg.MaxMsgsPerSubject = spec->max_msgs_per_subject;
    for (int i = 0; i < spec->nsources; i++) {
        const nx_source *in = &spec->sources[i];
        jsStreamSource *out = &b->src[i];
        jsStreamSource_Init(out);
        out->Name = in->name;
        out->FilterSubject = in->filter;
        if (in->domain) {
            /* nats.c 3.4 has no Domain on a source: name the other domain's
             * API prefix. A NULL DeliverPrefix crashes js_AddStream inside
             * the library (strlen), so give it an empty one. */
            jsExternalStream_Init(&b->ext[i]);
            snprintf(b->prefix[i], sizeof b->prefix[i], "$JS.%s.API", in->domain);
            b->ext[i].APIPrefix = b->prefix[i];
            b->ext[i].DeliverPrefix = "";
            out->External = &b->ext[i];
        }
        b->srcp[i] = out;
    }
    if (spec->nsources > 0) {
        b->cfg.Sources = b->srcp;
        b->cfg.SourcesLen = spec->nsources;
    }
    return 0;
}

static int add_or_update(jsCtx *js, const nx_stream_spec *spec, bool update, nx_err *err)
{
    config_build *b = calloc(1, sizeof *b);
    if (b == NULL)
        return nx_fail(err, "out of memory");
    int rc = build(b, spec, err);
    if (rc == 0) {
        jsErrCode jerr = 0;
        natsStatus s = update ? js_UpdateStream(NULL, js, &b->cfg, NULL, &jerr)
                              : js_AddStream(NULL, js, &b->cfg, NULL, &jerr);
        for (int tries = 1;
             !update && s != NATS_OK && nx_stream_store_busy(jerr) && tries < NX_STREAM_BUSY_TRIES;
             tries++) {
            nx_sleep_ms(NX_STREAM_BUSY_WAIT_MS);
            jerr = 0;
            s = js_AddStream(NULL, js, &b->cfg, NULL, &jerr);
        }
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, jerr, "%s stream %s", update ? "updating" : "creating",
                              spec->name);
    }
    free(b);
    return rc;
}

bool nx_stream_store_busy(int code)
{
    return code == NX_JS_ERR_STREAM_STORE_FAILED;
}

int nx_stream_create(jsCtx *js, const nx_stream_spec *spec, nx_err *err)
{
    return add_or_update(js, spec, false, err);
}

int nx_stream_update(jsCtx *js, const nx_stream_spec *spec, nx_err *err)
{
    return add_or_update(js, spec, true, err);
}

int nx_stream_delete(jsCtx *js, const char *name, bool missing_ok, nx_err *err)
{
    jsErrCode jerr = 0;
    natsStatus s = js_DeleteStream(js, name, NULL, &jerr);
    if (s == NATS_OK || (missing_ok && s == NATS_NOT_FOUND))
        return 0;
    return nx_nats_fail(err, s, jerr, "deleting stream %s", name);
}

int nx_stream_state_get(jsCtx *js, const char *name, nx_stream_state *out, nx_err *err)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, js, name, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "reading the state of stream %s", name);
    out->msgs = si->State.Msgs;
    out->bytes = si->State.Bytes;
    out->first_seq = si->State.FirstSeq;
    out->last_seq = si->State.LastSeq;
    out->consumers = si->State.Consumers;
    jsStreamInfo_Destroy(si);
    return 0;
}

int nx_stream_wait_count(jsCtx *js, const char *name, uint64_t n, int poll_ms, int timeout_ms,
                         nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    nx_stream_state st = {0};
    nx_err last = {{0}};
    bool seen = false;
    for (;;) {
        if (nx_stream_state_get(js, name, &st, &last) == 0) {
            seen = true;
            if (st.msgs >= n)
                return 0;
        }
        if (nx_now_ns() >= deadline)
            break;
        nx_sleep_ms(poll_ms);
    }
    if (!seen)
        return nx_fail(err, "waiting for stream %s to hold %llu messages: %s", name,
                       (unsigned long long)n, last.msg);
    return nx_fail(err, "stream %s holds %llu of %llu messages after %.1f s", name,
                   (unsigned long long)st.msgs, (unsigned long long)n, timeout_ms / 1000.0);
}

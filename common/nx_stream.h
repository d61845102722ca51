/* Streams as the experiments need them: one call to create a stream from a
 * small spec (storage, replicas, direct get, limits, sources in another
 * JetStream domain), and a bounded wait until a stream holds N messages. */
#ifndef NX_STREAM_H
#define NX_STREAM_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"

#define NX_STREAM_SUBJECTS_MAX 4
#define NX_STREAM_SOURCES_MAX 128

typedef struct nx_source {
    const char *name;
    const char *domain; /* NULL: the same domain */
    const char *filter; /* NULL: everything */
} nx_source;

typedef struct nx_stream_spec {
    const char *name;
    const char *subjects[NX_STREAM_SUBJECTS_MAX];
    int nsubjects;
    jsStorageType storage;
    int replicas;
    bool allow_direct;
    int64_t max_age_ns;           /* 0 = unlimited */
    int64_t max_msgs;             /* 0 = unlimited */
    int64_t max_bytes;            /* 0 = unlimited */
    int64_t max_msgs_per_subject; /* 0 = unlimited */
    nx_source sources[NX_STREAM_SOURCES_MAX];
    int nsources;
} nx_stream_spec;

typedef struct nx_stream_state {
    uint64_t msgs, bytes, first_seq, last_seq;
    int64_t consumers;
} nx_stream_state;

/* File storage, one replica, no limits, no subjects: fill in the rest. */
void nx_stream_spec_init(nx_stream_spec *spec, const char *name);

/* "file" or "memory" (as validated by --storage). */
jsStorageType nx_storage_type(const char *name);

/* JetStream error 10049, "error creating store for stream": seen on
 * 2.10.27 and 2.15.1 when a stream is created right after one of the same
 * name was deleted (its store is still being removed). Creation retries it
 * every NX_STREAM_BUSY_WAIT_MS, NX_STREAM_BUSY_TRIES times at most. */
#define NX_JS_ERR_STREAM_STORE_FAILED 10049
#define NX_STREAM_BUSY_WAIT_MS 50
#define NX_STREAM_BUSY_TRIES 60
bool nx_stream_store_busy(int code);

int nx_stream_create(jsCtx *js, const nx_stream_spec *spec, nx_err *err);
int nx_stream_update(jsCtx *js, const nx_stream_spec *spec, nx_err *err);
/* Deleting a stream that does not exist is not an error when missing_ok. */
int nx_stream_delete(jsCtx *js, const char *name, bool missing_ok, nx_err *err);
int nx_stream_state_get(jsCtx *js, const char *name, nx_stream_state *out, nx_err *err);

/* Polls the stream every poll_ms until it holds at least n messages, or fails
 * after timeout_ms saying how many it holds. */
int nx_stream_wait_count(jsCtx *js, const char *name, uint64_t n, int poll_ms, int timeout_ms,
                         nx_err *err);

#endif

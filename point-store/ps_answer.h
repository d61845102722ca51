/* What the one-round-trip methods share: where a node's heads live (the
 * workload stream with subjects n.<node>.<prop>, or the KV bucket's stream
 * KV_<bucket> with subjects $KV.<bucket>.<node>.<prop>) and how one direct
 * get answer (a plain message with Nats-Subject, Nats-Sequence... headers)
 * is merged into a node's state. */
#ifndef PS_ANSWER_H
#define PS_ANSWER_H

#include <cjson/cJSON.h>
#include <nats/nats.h>
#include <stdbool.h>

#include "nx_subject.h"
#include "ps_read.h"

typedef struct ps_target {
    const ps_reader *r;
    bool kv;
    const char *node;
    char api[NX_SUBJECT_MAX]; /* $JS.API.DIRECT.GET.<stream> */
} ps_target;

int ps_target_init(ps_target *t, const ps_reader *r, bool kv, const char *node, nx_err *err);

/* The subject of prop of the target's node. */
int ps_target_subject(const ps_target *t, const char *prop, char *buf, size_t len, nx_err *err);

/* The filter of every subject of the node (n.<node>.> or $KV.<bucket>.<node>.>). */
int ps_target_filter(const ps_target *t, char *buf, size_t len, nx_err *err);

/* Merges a message answer (no status). When want is not NULL the answer
 * must be for that subject. A KV delete or purge marker merges nothing (the
 * key is absent). *merged tells whether a head was added. */
int ps_target_merge(const ps_target *t, natsMsg *m, const char *want, ps_state *out, bool *merged,
                    nx_err *err);

/* Publishes the JSON request req (taking it, NULL meaning out of memory) to
 * the target's direct get subject with reply as the reply subject; what
 * names the request in an error. */
int ps_target_send(const ps_target *t, cJSON *req, const char *reply, const char *what,
                   nx_err *err);

/* The answer's status as an error ("408 Bad Request"). */
int ps_target_status_fail(natsMsg *m, int status, nx_err *err);

#endif

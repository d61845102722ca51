/* The in-memory model of the scaled workload: what every node's state must
 * be after the points written so far. It holds, per node and prop, only the
 * version, time and tombstone of the newest point; the point itself (origin,
 * data) is regenerated from those, so a million points cost no memory here.
 *
 * Nodes are named d0, d1, ... and props p0, p1, ...; a depth step ("batch")
 * writes every (node, prop) once per update, updates outermost, so each
 * subject's history is interleaved with every other subject's, as when many
 * devices report at once. Pure code: no I/O, unit-tested. */
#ifndef PS_MODEL_H
#define PS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "ps_state.h"

#define PS_ORIGIN "sim"
#define PS_NAME_MAX 24

typedef struct ps_cell {
    int64_t time_ns;
    uint32_t version; /* 0: never written */
    uint8_t tombstone;
} ps_cell;

typedef struct ps_model {
    long nodes, props;
    size_t payload; /* data bytes of a live point */
    ps_cell *cells; /* nodes x props */
} ps_model;

int ps_model_init(ps_model *m, long nodes, long props, size_t payload, nx_err *err);
void ps_model_free(ps_model *m);

void ps_node_name(long node, char *buf, size_t len);
void ps_prop_name(long prop, char *buf, size_t len);

/* The data of version `version` of (node, prop): len printable bytes that
 * differ between versions, nodes and props. */
void ps_model_data(long node, long prop, uint32_t version, uint8_t *buf, size_t len);

/* Bytes needed to encode any point of the model. */
size_t ps_model_point_cap(const ps_model *m);

/* Encodes the point (node, prop) has at version (a tombstone carries no
 * data). Returns the length, 0 when cap is too small. */
size_t ps_model_encode(const ps_model *m, long node, long prop, uint32_t version, int64_t time_ns,
                       bool tombstone, uint8_t *buf, size_t cap);

/* Records that (node, prop) now holds that point. */
void ps_model_set(ps_model *m, long node, long prop, uint32_t version, int64_t time_ns,
                  bool tombstone);

const ps_cell *ps_model_cell(const ps_model *m, long node, long prop);

/* The state node must have, as a store read would build it. */
int ps_model_state(const ps_model *m, long node, ps_state *out, nx_err *err);

/* One depth step: updates from..to-1 (versions from+1..to) of every
 * (node, prop); point k has time t0 + k, so times are unique and rise in
 * write order. */
typedef struct ps_batch {
    long from, to;
    int64_t t0;
} ps_batch;

uint64_t ps_batch_count(const ps_model *m, const ps_batch *b);

/* Which point is the k-th of the batch. */
void ps_batch_point(const ps_model *m, const ps_batch *b, uint64_t k, long *node, long *prop,
                    uint32_t *version, int64_t *time_ns);

/* Records the whole batch as written (each cell gets its last point). */
void ps_model_apply_batch(ps_model *m, const ps_batch *b);

/* splitmix64: the random node picks, the same sequence for every method. */
uint64_t ps_rng_next(uint64_t *state);

#endif

/* The current state of one node: for each prop, the head point that wins.
 *
 * Heads arrive from a store (the last message of each subject, a KV entry, a
 * SQLite row) and are merged here the same way for every read method, so
 * every method is checked against the model by the same rules:
 *
 *   - the newest point time wins per prop;
 *   - on equal times a tombstone beats a live point, then the greater origin
 *     bytes, then the greater data bytes (so merging is order-independent);
 *   - a prop whose winning point is a tombstone (odd) is not in the state,
 *     but its tombstone is kept so that an older point cannot revive it.
 *
 * Pure code: no I/O, unit-tested. */
#ifndef PS_STATE_H
#define PS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_point.h"

typedef struct ps_head {
    char *prop;       /* owned */
    uint8_t *payload; /* owned copy of the encoded point */
    size_t len;
    nx_point point; /* decoded from payload (pointers refer into it) */
} ps_head;

typedef struct ps_state {
    ps_head *heads; /* sorted by prop */
    size_t n, cap;
} ps_state;

void ps_state_init(ps_state *s);
/* Forgets every head, keeping the allocation for the next read. */
void ps_state_clear(ps_state *s);
void ps_state_free(ps_state *s);

/* True when point a must replace b as the head of a prop. */
bool ps_point_wins(const nx_point *a, const nx_point *b);

/* Merges one encoded point for prop. A payload that does not decode is an
 * error naming the prop. */
int ps_state_merge(ps_state *s, const char *prop, const uint8_t *payload, size_t len, nx_err *err);

/* Merges the head read from subject, which must be a point subject of node
 * (in scope, or without a scope token when scope is NULL). */
int ps_state_merge_subject(ps_state *s, const char *subject, const char *scope, const char *node,
                           const uint8_t *payload, size_t len, nx_err *err);

/* The live head of prop, or NULL when it is absent or deleted. */
const ps_head *ps_state_get(const ps_state *s, const char *prop);

/* Number of live props. */
size_t ps_state_live(const ps_state *s);

/* Compares the live props of want and got. On a difference returns false
 * and writes the first one readably into why ("prop value: the model has
 * \"16\" at <time>, the store has \"15\" at <time>"). */
bool ps_state_same(const ps_state *want, const ps_state *got, char *why, size_t len);

/* The data as text when it is printable, else as hex (cut to fit buf). */
void ps_format_data(const nx_point *p, char *buf, size_t len);

/* A point time as UTC "2025-11-23 14:57:01.123456789". */
void ps_format_time(int64_t time_ns, char *buf, size_t len);

#endif

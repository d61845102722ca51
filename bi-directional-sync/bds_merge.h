/* A node's current state merged from the heads of its props on both sides
 * (NODES-HUB and NODES-LEAF): per prop, the point with the newest point time
 * wins, whichever side wrote it and whenever it arrived; a winning tombstone
 * removes the prop. Equal times are settled by the greater origin name, so
 * the result never depends on the order the heads were read in. */
#ifndef SYNC_MERGE_H
#define SYNC_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERGE_PROPS_MAX 64

typedef struct prop_head {
    char prop[64];
    char value[64];
    char origin[32];
    int64_t time_ns;
    bool tombstone;
} prop_head;

typedef struct node_state {
    prop_head props[MERGE_PROPS_MAX];
    int n;
} node_state;

void state_init(node_state *s);

/* Offers one head; returns false when the state is full and h names a new
 * prop. */
bool state_offer(node_state *s, const prop_head *h);

/* Drops tombstoned props and sorts the rest by name: the state as a reader
 * sees it. */
void state_finish(node_state *s);

/* The value of prop, or NULL when the state does not hold it. */
const prop_head *state_get(const node_state *s, const char *prop);

/* True when both hold the same props with the same values, times and
 * origins; otherwise diff names the first difference. */
bool state_equal(const node_state *a, const node_state *b, char *diff, size_t len);

#endif

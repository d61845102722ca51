/* A node's current state merged from the heads of its props on both sides
 * (NODES-HUB and NODES-LEAF): per prop, the point with the newest point time
 * wins, whichever side wrote it and whenever it arrived; a winning tombstone
 * removes the prop. Equal times are settled by the greater origin name, so
 * the result never depends on the order the heads were read in. */
#ifndef BDS_MERGE_H
#define BDS_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BDS_MERGE_PROPS_MAX 64

typedef struct bds_prop_head {
    char prop[64];
    char value[64];
    char origin[32];
    int64_t time_ns;
    bool tombstone;
} bds_prop_head;

typedef struct bds_node_state {
    bds_prop_head props[BDS_MERGE_PROPS_MAX];
    int n;
} bds_node_state;

void bds_state_init(bds_node_state *s);

/* Offers one head; returns false when the state is full and h names a new
 * prop. */
bool bds_state_offer(bds_node_state *s, const bds_prop_head *h);

/* Drops tombstoned props and sorts the rest by name: the state as a reader
 * sees it. */
void bds_state_finish(bds_node_state *s);

/* The value of prop, or NULL when the state does not hold it. */
const bds_prop_head *bds_state_get(const bds_node_state *s, const char *prop);

/* True when both hold the same props with the same values, times and
 * origins; otherwise diff names the first difference. */
bool bds_state_equal(const bds_node_state *a, const bds_node_state *b, char *diff, size_t len);

#endif

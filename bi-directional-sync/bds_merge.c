#include "bds_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bds_state_init(bds_node_state *s)
{
    memset(s, 0, sizeof *s);
}

static bool newer(const bds_prop_head *a, const bds_prop_head *b)
{
    if (a->time_ns != b->time_ns)
        return a->time_ns > b->time_ns;
    return strcmp(a->origin, b->origin) > 0;
}

bool bds_state_offer(bds_node_state *s, const bds_prop_head *h)
{
    for (int i = 0; i < s->n; i++) {
        if (strcmp(s->props[i].prop, h->prop) != 0)
            continue;
        if (newer(h, &s->props[i]))
            s->props[i] = *h;
        return true;
    }
    if (s->n == BDS_MERGE_PROPS_MAX)
        return false;
    s->props[s->n++] = *h;
    return true;
}

static int by_prop(const void *a, const void *b)
{
    return strcmp(((const bds_prop_head *)a)->prop, ((const bds_prop_head *)b)->prop);
}

void bds_state_finish(bds_node_state *s)
{
    int kept = 0;
    for (int i = 0; i < s->n; i++)
        if (!s->props[i].tombstone)
            s->props[kept++] = s->props[i];
    s->n = kept;
    qsort(s->props, (size_t)s->n, sizeof s->props[0], by_prop);
}

const bds_prop_head *bds_state_get(const bds_node_state *s, const char *prop)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->props[i].prop, prop) == 0)
            return &s->props[i];
    return NULL;
}

static bool head_equal(const bds_prop_head *a, const bds_prop_head *b)
{
    return strcmp(a->value, b->value) == 0 && strcmp(a->origin, b->origin) == 0 &&
           a->time_ns == b->time_ns && a->tombstone == b->tombstone;
}

bool bds_state_equal(const bds_node_state *a, const bds_node_state *b, char *diff, size_t len)
{
    for (int i = 0; i < a->n; i++) {
        const bds_prop_head *x = &a->props[i], *y = bds_state_get(b, x->prop);
        if (y == NULL) {
            snprintf(diff, len, "%s = '%s' (from %s) is missing", x->prop, x->value, x->origin);
            return false;
        }
        if (!head_equal(x, y)) {
            snprintf(diff, len, "%s is '%s' from %s, expected '%s' from %s", x->prop, y->value,
                     y->origin, x->value, x->origin);
            return false;
        }
    }
    for (int i = 0; i < b->n; i++)
        if (bds_state_get(a, b->props[i].prop) == NULL) {
            snprintf(diff, len, "%s = '%s' (from %s) should not be there", b->props[i].prop,
                     b->props[i].value, b->props[i].origin);
            return false;
        }
    return true;
}

#include "bds_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void state_init(node_state *s)
{
    memset(s, 0, sizeof *s);
}

static bool newer(const prop_head *a, const prop_head *b)
{
    if (a->time_ns != b->time_ns)
        return a->time_ns > b->time_ns;
    return strcmp(a->origin, b->origin) > 0;
}

bool state_offer(node_state *s, const prop_head *h)
{
    for (int i = 0; i < s->n; i++) {
        if (strcmp(s->props[i].prop, h->prop) != 0)
            continue;
        if (newer(h, &s->props[i]))
            s->props[i] = *h;
        return true;
    }
    if (s->n == MERGE_PROPS_MAX)
        return false;
    s->props[s->n++] = *h;
    return true;
}

static int by_prop(const void *a, const void *b)
{
    return strcmp(((const prop_head *)a)->prop, ((const prop_head *)b)->prop);
}

void state_finish(node_state *s)
{
    int kept = 0;
    for (int i = 0; i < s->n; i++)
        if (!s->props[i].tombstone)
            s->props[kept++] = s->props[i];
    s->n = kept;
    qsort(s->props, (size_t)s->n, sizeof s->props[0], by_prop);
}

const prop_head *state_get(const node_state *s, const char *prop)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->props[i].prop, prop) == 0)
            return &s->props[i];
    return NULL;
}

static bool head_equal(const prop_head *a, const prop_head *b)
{
    return strcmp(a->value, b->value) == 0 && strcmp(a->origin, b->origin) == 0 &&
           a->time_ns == b->time_ns && a->tombstone == b->tombstone;
}

bool state_equal(const node_state *a, const node_state *b, char *diff, size_t len)
{
    for (int i = 0; i < a->n; i++) {
        const prop_head *x = &a->props[i], *y = state_get(b, x->prop);
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
        if (state_get(a, b->props[i].prop) == NULL) {
            snprintf(diff, len, "%s = '%s' (from %s) should not be there", b->props[i].prop,
                     b->props[i].value, b->props[i].origin);
            return false;
        }
    return true;
}

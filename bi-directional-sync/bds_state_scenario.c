#include "bds_state_scenario.h"

#include <stdio.h>
#include <string.h>

#include "bds_points.h"
#include "bds_seed.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_subject.h"

#define NODE "789"
#define SYNC_WAIT_MS 30000

typedef struct write {
    bool on_hub;
    const char *prop;
    const char *value;
    int64_t offset_ms; /* point time relative to the scenario's start */
    bool tombstone;
} write;

/* In publish order. The hub's value is published after the leaf's but is
 * older, so the leaf's must win: arrival order is not what counts. */
static const write writes[] = {
    {true, "description", "pump", 1, false}, {true, "location", "basement", 2, false},
    {false, "value", "41", 10, false},       {false, "location", "roof", 11, false},
    {false, "alarm", "on", 12, false},       {true, "value", "40", 5, false},
    {true, "alarm", "", 20, true},           {true, "type", "sensor", 21, false},
};
#define NWRITES ((int)(sizeof writes / sizeof writes[0]))

static int64_t point_time(const write *w, int64_t base, bds_fault fault)
{
    /* The fault makes the hub's late value the newest, so the merge no
     * longer matches the state worked out from the writes. */
    if (fault == BDS_FAULT_STATE_MERGE && w->on_hub && strcmp(w->prop, "value") == 0)
        return base + 30 * 1000000LL;
    return base + w->offset_ms * 1000000LL;
}

static void expected_state(int64_t base, bds_node_state *s)
{
    bds_state_init(s);
    for (int i = 0; i < NWRITES; i++) {
        bds_prop_head h = {.time_ns = base + writes[i].offset_ms * 1000000LL,
                           .tombstone = writes[i].tombstone};
        snprintf(h.prop, sizeof h.prop, "%s", writes[i].prop);
        snprintf(h.value, sizeof h.value, "%s", writes[i].value);
        snprintf(h.origin, sizeof h.origin, "%s", writes[i].on_hub ? "hub" : "leaf");
        bds_state_offer(s, &h);
    }
    bds_state_finish(s);
}

static int add_heads(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                     bds_node_state *s, nx_err *err)
{
    bds_point_list l;
    if (bds_point_read_heads(nc, js, stream, filter, &l, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        nx_subject_parts parts;
        bds_prop_head h = {.time_ns = l.items[i].time_ns, .tombstone = l.items[i].tombstone};
        if (nx_subject_parse(l.items[i].subject, &parts, err) != 0)
            rc = -1;
        snprintf(h.prop, sizeof h.prop, "%s", parts.prop);
        snprintf(h.value, sizeof h.value, "%s", l.items[i].value);
        snprintf(h.origin, sizeof h.origin, "%s", l.items[i].origin);
        if (rc == 0 && !bds_state_offer(s, &h))
            rc = nx_fail(err, "node %s has more than %d props", NODE, BDS_MERGE_PROPS_MAX);
    }
    bds_point_list_free(&l);
    return rc;
}

/* The seed's streams and this node's subjects on each side ([0] the hub's
 * points, [1] the leaf's), with the run's prefix and scope. */
typedef struct scenario_names {
    char stream[2][64];
    char filter[2][96];
} scenario_names;

static void names_of(const bds_topology *t, scenario_names *n)
{
    bds_stream_name(&t->names, BDS_SEED_HUB_STREAM, n->stream[0], sizeof n->stream[0]);
    bds_stream_name(&t->names, BDS_SEED_LEAF_STREAM, n->stream[1], sizeof n->stream[1]);
    for (int i = 0; i < 2; i++)
        snprintf(n->filter[i], sizeof n->filter[i], "n.%s." NODE ".>",
                 bds_token(&t->names, i == 0));
}

static int merge_on(const scenario_names *names, natsConnection *nc, jsCtx *js, const char *where,
                    bds_node_state *s, double *seconds, nx_err *err)
{
    int64_t t0 = nx_now_ns();
    bds_state_init(s);
    if (add_heads(nc, js, names->stream[0], names->filter[0], s, err) != 0 ||
        add_heads(nc, js, names->stream[1], names->filter[1], s, err) != 0)
        return nx_fail_wrap(err, "node state on the %s: ", where);
    bds_state_finish(s);
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    return 0;
}

static void print_state(const bds_story *st, const bds_node_state *s, int64_t base)
{
    for (int i = 0; i < s->n; i++) {
        const bds_prop_head *h = &s->props[i];
        char action[96];
        snprintf(action, sizeof action, "  %s", h->prop);
        bds_story_line(st, action, "%s  (%s, t+%lld ms)", h->value, h->origin,
                       (long long)((h->time_ns - base) / 1000000));
    }
}

static int publish_writes(bds_topology *t, const scenario_names *names, bds_fault fault,
                          int64_t base, nx_err *err)
{
    for (int i = 0; i < NWRITES; i++) {
        const write *w = &writes[i];
        char subject[NX_SUBJECT_MAX];
        if (nx_subject_build(subject, sizeof subject, bds_token(&t->names, w->on_hub), NODE,
                             w->prop, err) != 0 ||
            bds_point_publish_value(w->on_hub ? t->hub_js : t->leaf_js,
                                    names->stream[w->on_hub ? 0 : 1], subject,
                                    w->on_hub ? "hub" : "leaf", w->value,
                                    point_time(w, base, fault), w->tombstone, err) != 0)
            return nx_fail_wrap(err, "node state: ");
    }
    return 0;
}

int bds_state_scenario_run(bds_topology *t, const bds_opts *o, const bds_story *st,
                           bds_state_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->writes = NWRITES;
    bds_story_heading(st,
                      "Node " NODE " written on both sides, state merged from both streams' heads");
    int hub_writes = 0;
    for (int i = 0; i < NWRITES; i++)
        hub_writes += writes[i].on_hub;
    scenario_names names;
    names_of(t, &names);
    nx_stream_state hub_src, leaf_src;
    if (nx_stream_state_get(t->hub_js, names.stream[0], &hub_src, err) != 0 ||
        nx_stream_state_get(t->leaf_js, names.stream[1], &leaf_src, err) != 0)
        return -1;
    int64_t base = nx_wall_ns();
    if (publish_writes(t, &names, o->fault, base, err) != 0)
        return -1;
    bds_story_line(st, "publish 5 props on the hub, 3 on the leaf",
                   "ok (value and location on both)");
    if (nx_stream_wait_count(t->leaf_js, names.stream[0], hub_src.msgs + (uint64_t)hub_writes, 5,
                             SYNC_WAIT_MS, err) != 0 ||
        nx_stream_wait_count(t->hub_js, names.stream[1],
                             leaf_src.msgs + (uint64_t)(NWRITES - hub_writes), 5, SYNC_WAIT_MS,
                             err) != 0)
        return nx_fail_wrap(err, "node state: ");
    bds_story_line(st, "both streams synced to the other side", "ok");
    expected_state(base, &out->expected);
    const char *where[2] = {"hub", "leaf"};
    jsCtx *js[2] = {t->hub_js, t->leaf_js};
    natsConnection *nc[2] = {t->hub_nc, t->leaf_nc};
    for (int i = 0; i < 2; i++) {
        if (merge_on(&names, nc[i], js[i], where[i], &out->merged[i], &out->read_s[i], err) != 0)
            return -1;
        char diff[256];
        if (!bds_state_equal(&out->expected, &out->merged[i], diff, sizeof diff))
            return nx_fail(err, "node %s merged on the %s: %s", NODE, where[i], diff);
        char action[96];
        snprintf(action, sizeof action, "state merged on the %s matches the writes", where[i]);
        bds_story_line(st, action, "%d props, read and merged in %.1f ms", out->merged[i].n,
                       out->read_s[i] * 1e3);
    }
    print_state(st, &out->merged[0], base);
    bds_story_line(st, "  alarm", "deleted (the hub's tombstone is newer than the leaf's 'on')");
    return 0;
}

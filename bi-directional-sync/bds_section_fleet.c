#include "bds_section_fleet.h"

#include <stdio.h>
#include <string.h>

#include "bds_fleet_extrap.h"
#include "bds_fleet_storm.h"
#include "nx_wait.h"

/* Generous: 120 leaves' sources start on a 2-core machine. */
#define FLEET_TIMEOUT_MS 120000
/* The hub alone is sampled over this window before any leaf exists (CPU
 * time comes in 10 ms ticks: 1 s would be too coarse). */
#define BASE_MS 2000

static int window(pid_t pid, const char *mon, int ms, bds_cost *out, nx_err *err)
{
    bds_cost_sample a, b;
    if (bds_cost_sample_take(pid, mon, &a, err) != 0)
        return -1;
    nx_sleep_ms(ms);
    if (bds_cost_sample_take(pid, mon, &b, err) != 0)
        return -1;
    bds_cost_between(&a, &b, out);
    return 0;
}

static int loaded(bds_fleet_flow *w, double seconds, bds_cost *out, nx_err *err)
{
    pid_t pid = nx_server_pid(w->f->hub);
    const char *mon = nx_server_monitor_url(w->f->hub);
    bds_cost_sample a, b;
    if (bds_cost_sample_take(pid, mon, &a, err) != 0 ||
        bds_fleet_paced(w, seconds, true, err) != 0 || bds_cost_sample_take(pid, mon, &b, err) != 0)
        return -1;
    bds_cost_between(&a, &b, out);
    return bds_flow_acked(w, true, err) != 0 || bds_flow_wait_up(w, w->timeout_ms, err) != 0 ||
                   bds_flow_wait_down(w, w->timeout_ms, err) != 0
               ? -1
               : 0;
}

/* Every leaf at once, then the hub to every leaf: count points in all. */
static int bursts(bds_fleet_flow *w, uint64_t count, bds_fleet_result *r, nx_err *err)
{
    int n = w->f->n;
    uint64_t per = count / (uint64_t)n > 0 ? count / (uint64_t)n : 1;
    int64_t t0 = nx_now_ns();
    if (bds_flow_send(w, per, false, err) != 0 || bds_flow_acked(w, false, err) != 0 ||
        bds_flow_wait_up(w, w->timeout_ms, err) != 0)
        return -1;
    int64_t t1 = nx_now_ns();
    if (bds_flow_send_hub(w, per, err) != 0 || bds_flow_acked(w, true, err) != 0 ||
        bds_flow_wait_down(w, w->timeout_ms, err) != 0)
        return -1;
    r->up_points = per * (uint64_t)n;
    r->up_s = (double)(t1 - t0) / 1e9;
    r->down_points = per * (uint64_t)n;
    r->down_s = (double)(nx_now_ns() - t1) / 1e9;
    return 0;
}

static int check_or_fail(const bds_fleet_check *k, const char *when, nx_err *err)
{
    if (bds_fleet_check_ok(k))
        return 0;
    return nx_fail(err,
                   "fleet copies %s: missing %llu, twice %llu, out of order %llu, corrupt %llu; "
                   "first: %s",
                   when, (unsigned long long)k->missing, (unsigned long long)k->twice,
                   (unsigned long long)k->out_of_order, (unsigned long long)k->corrupt,
                   k->first_problem);
}

static int measure(bds_ctx *c, bds_fleet_flow *w, bds_fleet_result *r, nx_err *err)
{
    bds_fleet *f = w->f;
    double s = (double)c->o->fleet_seconds;
    if (window(nx_server_pid(f->hub), nx_server_monitor_url(f->hub), (int)(s * 1000), &r->idle,
               err) != 0)
        return -1;
    bds_story_line(&c->st, "idle hub", "RSS %.1f MB, CPU %.1f%%, %.1f B/s per leaf (/leafz)",
                   r->idle.rss_bytes / 1048576.0, r->idle.cpu_pct, r->idle.leafz_bps / r->n);
    if (loaded(w, s, &r->loaded, err) != 0)
        return -1;
    bds_story_line(&c->st, "hub, every leaf and the hub at 10 points/s", "RSS %.1f MB, CPU %.1f%%",
                   r->loaded.rss_bytes / 1048576.0, r->loaded.cpu_pct);
    if (bursts(w, (uint64_t)c->o->base.count, r, err) != 0)
        return -1;
    bds_story_line(&c->st, "burst, leaves -> hub / hub -> every leaf", "%.0f / %.0f points/s",
                   r->up_points / r->up_s, r->down_points / r->down_s);
    if (bds_flow_check(w, &r->check, err) != 0 || check_or_fail(&r->check, "after the load", err))
        return -1;
    bds_story_line(&c->st, "every copy read back", "%llu copies, %llu points, all exact",
                   (unsigned long long)r->check.copies, (unsigned long long)r->check.points);
    if (bds_rows_fleet(&c->rep, r, err) != 0 || bds_fleet_storm_run(w, r, err) != 0 ||
        bds_rows_fleet_storm(&c->rep, r, err) != 0)
        return -1;
    bds_story_line(&c->st, "storm: hub restarted under load",
                   "down %.2f s; then all linked %.2f s, hub copies %.2f s, leaf copies "
                   "%.2f s; missing %llu, twice %llu",
                   r->storm.hub_down_s, r->storm.reconnect_s, r->storm.complete_up_s,
                   r->storm.complete_down_s, (unsigned long long)r->storm_check.missing,
                   (unsigned long long)r->storm_check.twice);
    return 0;
}

static int one_layout(bds_ctx *c, bds_fleet *f, bds_fleet_layout lay, const bds_cost *base,
                      bds_fleet_result *r, nx_err *err)
{
    static bds_fleet_flow w;
    memset(r, 0, sizeof *r);
    r->n = f->n;
    r->layout = lay;
    r->payload = (size_t)c->o->base.payload;
    r->base = *base;
    int rc = bds_flow_setup(&w, f, lay, r->payload, FLEET_TIMEOUT_MS, &r->setup_s, err);
    if (rc == 0) {
        bds_story_line(&c->st, "streams, sources, a first point in every copy", "%.2f s",
                       r->setup_s);
        rc = measure(c, &w, r, err);
    }
    if (rc == 0)
        rc = check_or_fail(&r->storm_check, "after the storm", err);
    nx_err derr;
    if (bds_flow_teardown(&w, &derr) != 0 && rc == 0)
        rc = nx_fail(err, "deleting the fleet's streams: %s", derr.msg);
    return rc;
}

/* A fresh hub and fleet per layout: the Go runtime keeps the memory a
 * previous layout used, which would be charged to the next one. */
static int one_fleet(bds_ctx *c, int n, bds_fleet_layout lay, bds_fleet_result *r, nx_err *err)
{
    static bds_fleet f;
    bds_fleet_config cfg = {.nats_server = c->o->base.nats_server, .keep = c->o->base.keep};
    bds_cost base;
    int rc = bds_fleet_start_hub(&f, &cfg, err);
    if (rc == 0) {
        bds_report_set_version(&c->rep, f.version);
        rc = window(nx_server_pid(f.hub), nx_server_monitor_url(f.hub), BASE_MS, &base, err);
    }
    if (rc == 0)
        rc = bds_fleet_start_leaves(&f, &cfg, n, err);
    if (rc == 0) {
        bds_story_heading(&c->st,
                          "Fleet of %d leaves, layout %s (nats-server %s): hub alone RSS %.1f MB, "
                          "CPU %.1f%%",
                          n, bds_fleet_layout_name(lay), f.version, base.rss_bytes / 1048576.0,
                          base.cpu_pct);
        bds_story_line(&c->st, "spawn the leaves, then until the hub lists all",
                       "%.2f s, then %.2f s", f.spawn_s, f.link_s);
        rc = bds_row_fleet_spawn(&c->rep, &f, bds_fleet_layout_name(lay), err);
    }
    if (rc == 0)
        rc = one_layout(c, &f, lay, &base, r, err);
    bds_fleet_destroy(&f);
    return rc;
}

int bds_section_fleet(bds_ctx *c, nx_err *err)
{
    static bds_fleet_result res[2 * NX_LIST_MAX];
    size_t nres = 0;
    if (!c->o->base.quiet)
        printf("bi-directional-sync --fleet: one hub (domain hub) and N leaves (domains leaf<k>) "
               "on loopback, each leaf's leafnode remote straight to the hub; nats.c %s\n",
               nats_GetVersion());
    for (size_t i = 0; i < c->o->nfleet; i++)
        for (int lay = BDS_FLEET_PER_LEAF; lay <= BDS_FLEET_ONE_STREAM; lay++)
            if (one_fleet(c, (int)c->o->fleet[i], (bds_fleet_layout)lay, &res[nres++], err) != 0)
                return -1;
    return bds_fleet_extrapolate(&c->rep, &c->st, res, nres, err);
}

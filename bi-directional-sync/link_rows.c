#include "link_rows.h"

#include <math.h>
#include <stdio.h>

static const double budget_kbit[] = {20, 100};

static const char *dir_name(relay_dir d)
{
    return d == RELAY_UP ? "up" : "down";
}

static const char *dir_arrow(relay_dir d)
{
    return d == RELAY_UP ? "leaf->hub" : "hub->leaf";
}

int row_sync_setup(report *rep, const char *cs, int streams, double seconds, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    row.op = "sync_setup";
    row.case_name = cs;
    row.count = (uint64_t)streams;
    row.seconds = seconds;
    row.rate_per_s = seconds > 0 ? streams / seconds : NAN;
    row.verified = true;
    char note[256];
    snprintf(note, sizeof note,
             "create %d origin streams on each side and their sourced copies on the other "
             "(source domain hub or leaf), until every copy holds its first point",
             streams / 2);
    row.note = note;
    return report_row(rep, &row, "until every sourced copy holds a point", err);
}

int rows_link_idle(report *rep, const char *cs, const idle_result *r, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        nx_row row;
        nx_row_init(&row);
        row.op = "link_idle";
        char case_name[96], note[400], detail[160];
        snprintf(case_name, sizeof case_name, "%s %s", dir_name((relay_dir)d), cs);
        row.case_name = case_name;
        row.seconds = r->seconds;
        row.bytes = (int64_t)r->link.bytes[d];
        row.rate_per_s = idle_bps(r, (relay_dir)d);
        row.verified = true;
        int64_t lz = d == RELAY_UP ? r->leafz_up : r->leafz_down;
        snprintf(note, sizeof note,
                 "nothing published; %s bytes counted by a relay on the leafnode link (TCP "
                 "payload; IP/TCP headers extra) in %llu reads; the hub's /leafz counted %s%lld B "
                 "(payload only)",
                 dir_arrow((relay_dir)d), (unsigned long long)r->link.reads[d],
                 r->leafz_ok ? "" : "(unavailable) ", (long long)lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%.1f B/s = %.0f bit/s %s; %.1f reads/s; leafz %lld B",
                 row.rate_per_s, row.rate_per_s * 8, dir_arrow((relay_dir)d),
                 r->seconds > 0 ? (double)r->link.reads[d] / r->seconds : 0, (long long)lz);
        if (report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int row_sync(report *rep, const sync_path *p, const char *cs, const sync_total *tot, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char op[32], note[300], detail[160];
    snprintf(op, sizeof op, "sync_%s", p->name);
    row.op = op;
    row.case_name = cs;
    row.count = tot->count;
    row.payload_bytes = (int64_t)tot->point_bytes;
    row.seconds = tot->seconds;
    row.rate_per_s = tot->rate;
    row.p50_us = tot->p50_us;
    row.p90_us = tot->p90_us;
    row.p99_us = tot->p99_us;
    row.max_us = tot->max_us;
    row.verified = true;
    snprintf(note, sizeof note,
             "%s round robin over %d origin streams until the sourced copies hold all; "
             "latency = point time to receipt by ordered consumers on the destination, which "
             "checked every point's order and content; median of %ld",
             tot->one_by_one ? "publish one by one, each acked before the next"
                             : "async publish (window 1024)",
             p->nstreams, tot->repeats);
    row.note = note;
    snprintf(detail, sizeof detail, "%d stream%s %s", p->nstreams, p->nstreams > 1 ? "s" : "",
             p->name);
    return report_row(rep, &row, detail, err);
}

int rows_link_bytes(report *rep, const sync_path *p, const char *cs, const sync_total *tot,
                    const idle_result *idle, link_cost *cost, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        double ib = idle ? idle_bps(idle, (relay_dir)d) : 0;
        double raw = tot->points ? (double)tot->link.bytes[d] / (double)tot->points : 0;
        double net = budget_per_msg(tot->link.bytes[d], tot->window_s, ib, tot->points);
        cost->msg_bytes[d] = net;
        cost->idle_bps[d] = ib;
        double lz = tot->points ? (double)tot->leafz[d] / (double)tot->points : 0;
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[512], detail[200];
        snprintf(case_name, sizeof case_name, "%s %s %s", p->name, dir_name((relay_dir)d), cs);
        row.op = "link_bytes_per_msg";
        row.case_name = case_name;
        row.count = tot->points;
        row.payload_bytes = (int64_t)tot->point_bytes;
        row.seconds = tot->window_s;
        row.bytes = (int64_t)tot->link.bytes[d];
        row.verified = true;
        char chatter[128];
        if (idle)
            snprintf(chatter, sizeof chatter,
                     "after taking out the idle chatter of the window (%.1f B/s)", ib);
        else
            snprintf(chatter, sizeof chatter, "with the idle chatter of the window in it");
        snprintf(note, sizeof note,
                 "%s bytes counted by a relay on the leafnode link (TCP payload; IP/TCP headers "
                 "extra) while syncing %s: %.1f B/point raw, %.1f B/point %s, %.2f B per payload "
                 "byte (%zu B point); the hub's /leafz counted %s%.1f B/point (payload only)",
                 dir_arrow((relay_dir)d), p->name, raw, net, chatter,
                 tot->point_bytes ? net / (double)tot->point_bytes : 0, tot->point_bytes,
                 tot->leafz_ok ? "" : "(unavailable) ", lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%.2f B/point %s (%.2f per payload B); leafz %.1f", net,
                 dir_arrow((relay_dir)d), tot->point_bytes ? net / (double)tot->point_bytes : 0,
                 lz);
        if (report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int rows_link_budget(report *rep, const sync_path *p, const char *cs, const link_cost *cost,
                     nx_err *err)
{
    for (size_t i = 0; i < sizeof budget_kbit / sizeof *budget_kbit; i++) {
        relay_dir limit;
        double pts = budget_points_per_s(cost, budget_kbit[i], &limit);
        double share = budget_idle_share(cost, budget_kbit[i]);
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[400], detail[200];
        snprintf(case_name, sizeof case_name, "%.0fkbit %s %s", budget_kbit[i], p->name, cs);
        row.op = "link_budget";
        row.case_name = case_name;
        row.rate_per_s = pts;
        row.verified = true;
        snprintf(note, sizeof note,
                 "points/s that fit on %.0f kbit/s each way after the idle chatter (up %.1f B/s, "
                 "down %.1f B/s, %.1f%% of the busier way), at %.1f B/point up and %.1f B/point "
                 "down (relay-counted TCP payload; IP/TCP headers would lower it); limited by "
                 "the %s way",
                 budget_kbit[i], cost->idle_bps[RELAY_UP], cost->idle_bps[RELAY_DOWN], share * 100,
                 cost->msg_bytes[RELAY_UP], cost->msg_bytes[RELAY_DOWN], dir_arrow(limit));
        row.note = note;
        snprintf(detail, sizeof detail, "idle takes %.1f%%; limited by %s", share * 100,
                 dir_arrow(limit));
        if (report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

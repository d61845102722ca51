#include "bds_link_rows.h"

#include <math.h>
#include <stdio.h>

static const double budget_kbit[] = {20, 100};

static const char *dir_name(bds_relay_dir d)
{
    return d == BDS_RELAY_UP ? "up" : "down";
}

static const char *dir_arrow(bds_relay_dir d)
{
    return d == BDS_RELAY_UP ? "leaf->hub" : "hub->leaf";
}

int bds_row_sync_setup(bds_report *rep, const char *cs, int streams, double seconds, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    row.op = "sync_setup";
    row.case_name = cs;
    row.count = (uint64_t)streams;
    row.seconds = seconds;
    row.verified = true;
    char note[320];
    snprintf(note, sizeof note,
             "create %d origin streams on each side and their sourced copies on the other "
             "(source domain hub or leaf), publish a first point into each origin, until every "
             "copy holds it (stream info polled every 5 ms); no rate: streams per second mean "
             "nothing here",
             streams / 2);
    row.note = note;
    return bds_report_row(rep, &row, "until every sourced copy holds a point", err);
}

int bds_rows_link_idle(bds_report *rep, const char *cs, const bds_idle_result *r, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        nx_row row;
        nx_row_init(&row);
        row.op = "link_idle";
        char case_name[96], note[480], detail[160];
        snprintf(case_name, sizeof case_name, "%s %s", dir_name((bds_relay_dir)d), cs);
        row.case_name = case_name;
        row.seconds = r->seconds;
        row.bytes = (int64_t)r->link.bytes[d];
        row.rate_per_s = bds_idle_bps(r, (bds_relay_dir)d);
        /* Nothing was published, so there is no data to check: only that
         * the link stayed up. */
        row.verified = false;
        int64_t lz = d == BDS_RELAY_UP ? r->leafz_up : r->leafz_down;
        snprintf(note, sizeof note,
                 "derived, not a data check (nothing published; checked only that the link "
                 "stayed up): %s bytes counted by a relay on the leafnode link, TCP payload "
                 "only, in %llu reads (each at least one TCP segment: add ~%d B of IP/TCP "
                 "headers per segment on a real link); the hub's /leafz counted %s%lld B "
                 "(payload only)",
                 dir_arrow((bds_relay_dir)d), (unsigned long long)r->link.reads[d],
                 BDS_BUDGET_HEADER_BYTES, r->leafz_ok ? "" : "(unavailable) ", (long long)lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%.1f B/s = %.0f bit/s %s; %.1f reads/s; leafz %lld B",
                 row.rate_per_s, row.rate_per_s * 8, dir_arrow((bds_relay_dir)d),
                 r->seconds > 0 ? (double)r->link.reads[d] / r->seconds : 0, (long long)lz);
        if (bds_report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int bds_row_sync(bds_report *rep, const bds_path *p, const char *cs, const bds_total *tot,
                 nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char op[32], note[480], detail[160];
    snprintf(op, sizeof op, "sync_%s", p->name);
    row.op = op;
    row.case_name = cs;
    row.count = tot->count;
    row.payload_bytes = (int64_t)tot->data_len;
    row.seconds = tot->seconds;
    row.rate_per_s = tot->rate;
    row.p50_us = tot->p50_us;
    row.p90_us = tot->p90_us;
    row.p99_us = tot->p99_us;
    row.max_us = tot->max_us;
    row.verified = true;
    snprintf(note, sizeof note,
             "%s round robin over %d origin streams; seconds = first publish until ordered "
             "consumers on the destination received the last point (they checked every point's "
             "order and content as it came); stream counts checked afterwards; latency = point "
             "time to receipt; median seconds of %ld, rate = count / that; %zu B points encoded",
             tot->one_by_one ? "publish one by one, each acked before the next"
                             : "async publish (window 1024)",
             p->nstreams, tot->repeats, tot->point_bytes);
    row.note = note;
    snprintf(detail, sizeof detail, "%d stream%s %s", p->nstreams, p->nstreams > 1 ? "s" : "",
             p->name);
    return bds_report_row(rep, &row, detail, err);
}

/* "131.29", or "-0.004" for figures under a byte. */
static void fmt_bytes(char *buf, size_t len, double v)
{
    snprintf(buf, len, fabs(v) < 1 ? "%.3f" : "%.2f", v);
}

int bds_rows_link_bytes(bds_report *rep, const bds_path *p, const char *cs, const bds_total *tot,
                        const bds_idle_result *idle, bds_link_cost *cost, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        bds_relay_dir dir = (bds_relay_dir)d;
        double ib = idle ? bds_idle_bps(idle, dir) : 0;
        double raw = bds_budget_raw_per_msg(tot->link.bytes[d], tot->points);
        double net = bds_budget_net_per_msg(tot->link.bytes[d], tot->window_s, ib, tot->points);
        cost->raw_bytes[d] = raw;
        cost->msg_bytes[d] = net;
        cost->idle_bps[d] = ib;
        /* A paced relay reads in pace-sized pieces: its reads are no
         * segment count. */
        bool paced = idle == NULL;
        uint64_t segments =
            bds_budget_min_segments(tot->link.bytes[d], paced ? 0 : tot->link.reads[d]);
        char segs_note[200];
        if (paced)
            snprintf(segs_note, sizeof segs_note,
                     "at least %llu segments on a 1500-byte-MTU link (bytes / %d; the relay's "
                     "%llu reads are pace-sized pieces, not segments)",
                     (unsigned long long)segments, BDS_BUDGET_MSS,
                     (unsigned long long)tot->link.reads[d]);
        else
            snprintf(segs_note, sizeof segs_note,
                     "at least %llu segments on a 1500-byte-MTU link (the larger of the relay's "
                     "%llu reads, each at least one, and bytes / %d)",
                     (unsigned long long)segments, (unsigned long long)tot->link.reads[d],
                     BDS_BUDGET_MSS);
        cost->segments_per_point[d] = (double)segments / (double)tot->points;
        cost->idle_reads_per_s[d] =
            idle && idle->seconds > 0 ? (double)idle->link.reads[d] / idle->seconds : 0;
        double lz = (double)tot->leafz[d] / (double)tot->points;
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[800], detail[200], chatter[200], raw_s[16], net_s[16];
        fmt_bytes(raw_s, sizeof raw_s, raw);
        fmt_bytes(net_s, sizeof net_s, net);
        snprintf(case_name, sizeof case_name, "%s %s %s", p->name, dir_name(dir), cs);
        row.op = "link_bytes_per_msg";
        row.case_name = case_name;
        row.count = tot->points;
        row.payload_bytes = (int64_t)tot->data_len;
        row.seconds = tot->window_s;
        row.bytes = (int64_t)tot->link.bytes[d];
        row.verified = true;
        if (idle)
            snprintf(chatter, sizeof chatter,
                     "net = raw less the idle chatter of the window (%.1f B/s x %.3f s)%s", ib,
                     tot->window_s,
                     net <= 0 ? ", below 0 when the window carried less than that" : "");
        else
            snprintf(chatter, sizeof chatter,
                     "no idle measurement on this link: net = raw, the window's chatter in it");
        snprintf(note, sizeof note,
                 "%s bytes counted by a relay on the leafnode link while syncing %s (every point "
                 "checked): %s B/point raw, %s B/point net (%s); TCP payload only, IP/TCP "
                 "headers not included: %s, %.3f per point, add ~%d B each; %zu B points "
                 "encoded; the hub's /leafz counted %s%.1f B/point (payload only)",
                 dir_arrow(dir), p->name, raw_s, net_s, chatter, segs_note,
                 cost->segments_per_point[d], BDS_BUDGET_HEADER_BYTES, tot->point_bytes,
                 tot->leafz_ok ? "" : "(unavailable) ", lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%s raw / %s net B/point %s; %llu segs; leafz %.1f", raw_s,
                 net_s, dir_arrow(dir), (unsigned long long)segments, lz);
        if (bds_report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

/* What the budget took for one way, for the note. */
static void describe_way(char *buf, size_t len, const bds_link_cost *c, bds_relay_dir d)
{
    char raw_s[16], net_s[16];
    fmt_bytes(raw_s, sizeof raw_s, c->raw_bytes[d]);
    fmt_bytes(net_s, sizeof net_s, c->msg_bytes[d]);
    if (bds_budget_way_measured(c, d))
        snprintf(buf, len, "%s: idle %.1f B/s, %s B/point net (%s raw)", dir_arrow(d),
                 c->idle_bps[d], net_s, raw_s);
    else
        snprintf(buf, len,
                 "%s: idle %.1f B/s, %s B/point net (%s raw): no per-point cost measurable above "
                 "the idle chatter in this burst, so only its idle chatter counts against it",
                 dir_arrow(d), c->idle_bps[d], net_s, raw_s);
}

int bds_rows_link_budget(bds_report *rep, const bds_path *p, const char *cs,
                         const bds_link_cost *cost, nx_err *err)
{
    char ways[2][220];
    describe_way(ways[BDS_RELAY_UP], sizeof ways[0], cost, BDS_RELAY_UP);
    describe_way(ways[BDS_RELAY_DOWN], sizeof ways[0], cost, BDS_RELAY_DOWN);
    for (size_t i = 0; i < sizeof budget_kbit / sizeof *budget_kbit; i++) {
        bds_relay_dir limit;
        double pts = bds_budget_points_per_s(cost, budget_kbit[i], &limit);
        double share = bds_budget_idle_share(cost, budget_kbit[i]);
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[900], detail[200];
        snprintf(case_name, sizeof case_name, "%.0fkbit %s %s", budget_kbit[i], p->name, cs);
        row.op = "link_budget";
        row.case_name = case_name;
        row.rate_per_s = pts;
        row.verified = false; /* arithmetic on the rows above */
        snprintf(note, sizeof note,
                 "derived, not a data check: points/s that fit on %.0f kbit/s each way after the "
                 "idle chatter (%.1f%% of the busier way), limited by the %s way; %s; %s; TCP "
                 "payload only, IP/TCP headers not included: add ~%d B per segment (at least "
                 "%.3f segments per point up and %.3f down in the burst; %.1f and %.1f relay "
                 "reads/s idle, each at least one segment)",
                 budget_kbit[i], share * 100, dir_arrow(limit), ways[BDS_RELAY_UP],
                 ways[BDS_RELAY_DOWN], BDS_BUDGET_HEADER_BYTES,
                 cost->segments_per_point[BDS_RELAY_UP], cost->segments_per_point[BDS_RELAY_DOWN],
                 cost->idle_reads_per_s[BDS_RELAY_UP], cost->idle_reads_per_s[BDS_RELAY_DOWN]);
        row.note = note;
        snprintf(detail, sizeof detail, "idle takes %.1f%%; limited by %s", share * 100,
                 dir_arrow(limit));
        if (bds_report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

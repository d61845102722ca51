#include "bds_fleet_rows.h"

#include <stdio.h>

static const char *const derived = "derived, not a data check";

int bds_row_fleet_spawn(bds_report *rep, const bds_fleet *f, const char *layout, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char cs[64], note[320], detail[160];
    snprintf(cs, sizeof cs, "N=%d %s", f->n, layout);
    row.op = "fleet_spawn";
    row.case_name = cs;
    row.count = (uint64_t)f->n;
    row.seconds = f->spawn_s;
    row.rate_per_s = f->spawn_s > 0 ? f->n / f->spawn_s : 0;
    row.verified = false;
    snprintf(note, sizeof note,
             "%s: %d leaf nats-servers spawned one after the other from the main thread "
             "(PR_SET_PDEATHSIG) until each accepts clients; then %.3f s until the hub's /leafz "
             "listed all %d",
             derived, f->n, f->link_s, f->n);
    row.note = note;
    snprintf(detail, sizeof detail, "%.2f s spawn, then %.2f s until the hub lists all", f->spawn_s,
             f->link_s);
    return bds_report_row(rep, &row, detail, err);
}

static void case_of(const bds_fleet_result *r, const char *what, char *buf, size_t len)
{
    snprintf(buf, len, "N=%d %s%s%s", r->n, bds_fleet_layout_name(r->layout), what[0] ? " " : "",
             what);
}

static int setup_row(bds_report *rep, const bds_fleet_result *r, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char cs[64], note[320];
    case_of(r, "", cs, sizeof cs);
    row.op = "fleet_setup";
    row.case_name = cs;
    row.count = (uint64_t)(2 * r->n);
    row.seconds = r->setup_s;
    row.verified = true;
    snprintf(note, sizeof note,
             "create every stream (%s on the hub, FLEET-DATA and FLEET-DOWN on each leaf), "
             "publish a first point on every leaf and the hub, until all %d copies hold it; "
             "servers already running",
             r->layout == BDS_FLEET_PER_LEAF ? "FLEET-HUB and one copy per leaf"
                                             : "FLEET-HUB and FLEET-ALL with N sources",
             2 * r->n);
    row.note = note;
    return bds_report_row(rep, &row, "until every copy holds a point", err);
}

static int cost_row(bds_report *rep, const bds_fleet_result *r, const char *what, const bds_cost *c,
                    nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char cs[64], note[480], detail[160];
    case_of(r, what, cs, sizeof cs);
    row.op = "fleet_hub_cost";
    row.case_name = cs;
    row.count = (uint64_t)r->n;
    row.seconds = c->seconds;
    row.rate_per_s = c->cpu_pct;
    row.bytes = c->rss_bytes;
    row.verified = false;
    double per_mb = (double)(c->rss_bytes - r->base.rss_bytes) / r->n / 1048576.0;
    double per_cpu = (c->cpu_pct - r->base.cpu_pct) / r->n;
    snprintf(note, sizeof note,
             "%s: rate = hub CPU %% of one core from /proc/<pid>/stat utime+stime over the "
             "window, bytes = hub RSS from /proc at its end; /varz mem %lld B, /varz cpu %.1f%%; "
             "%s; hub alone %.1f MB %.2f%%; per leaf above it %.3f MB %.3f%% CPU",
             derived, (long long)c->varz_mem, c->varz_cpu,
             what[0] == 'i' ? "nothing published"
                            : "every leaf and the hub publishing "
                              "10 points/s each",
             r->base.rss_bytes / 1048576.0, r->base.cpu_pct, per_mb, per_cpu);
    row.note = note;
    snprintf(detail, sizeof detail, "RSS %.1f MB, CPU %.1f%%; per leaf %.3f MB, %.3f%%",
             c->rss_bytes / 1048576.0, c->cpu_pct, per_mb, per_cpu);
    return bds_report_row(rep, &row, detail, err);
}

static int idle_bytes_row(bds_report *rep, const bds_fleet_result *r, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char cs[64], note[320], detail[96];
    case_of(r, "", cs, sizeof cs);
    row.op = "fleet_idle_bytes";
    row.case_name = cs;
    row.count = (uint64_t)r->n;
    row.seconds = r->idle.seconds;
    row.rate_per_s = r->idle.leafz_bps / r->n;
    row.bytes = (int64_t)(r->idle.leafz_bps * r->idle.seconds);
    row.verified = false;
    snprintf(note, sizeof note,
             "%s: rate = bytes/s per leaf, both ways, from the hub's /leafz in_bytes + "
             "out_bytes (message payload only: the TCP stream carries several times that, "
             "see link_idle); bytes = all leaves over the window",
             derived);
    row.note = note;
    snprintf(detail, sizeof detail, "%.1f B/s per leaf (/leafz payload)", row.rate_per_s);
    return bds_report_row(rep, &row, detail, err);
}

static int sync_row(bds_report *rep, const bds_fleet_result *r, bool up, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    char cs[64], note[320], detail[96];
    case_of(r, "", cs, sizeof cs);
    row.op = up ? "fleet_sync_up" : "fleet_sync_down";
    row.case_name = cs;
    row.count = up ? r->up_points : r->down_points;
    row.seconds = up ? r->up_s : r->down_s;
    row.rate_per_s = row.seconds > 0 ? row.count / row.seconds : 0;
    row.payload_bytes = (int64_t)r->payload;
    row.verified = true;
    snprintf(note, sizeof note,
             up ? "every leaf publishes %llu points async at once; clock stops when every hub "
                  "copy holds them; each copy then read back point by point"
                : "the hub publishes %llu points async; clock stops when every leaf's FLEET-DOWN "
                  "holds them (count = points delivered, all leaves); each copy read back",
             (unsigned long long)(up ? r->up_points / (uint64_t)r->n : r->down_points / r->n));
    row.note = note;
    snprintf(detail, sizeof detail, "%s, aggregate", up ? "leaves -> hub" : "hub -> every leaf");
    return bds_report_row(rep, &row, detail, err);
}

int bds_rows_fleet_storm(bds_report *rep, const bds_fleet_result *r, nx_err *err)
{
    const bds_fleet_storm *s = &r->storm;
    const char *what[] = {"reconnect", "complete_up", "complete_down"};
    double secs[] = {s->reconnect_s, s->complete_up_s, s->complete_down_s};
    const char *until[] = {"its /leafz lists every leaf (count = leaves)",
                           "every hub copy holds every leaf point (count = leaf points published "
                           "since the stop)",
                           "every leaf's FLEET-DOWN holds every hub point (count = hub points "
                           "published after the restart)"};
    for (int i = 0; i < 3; i++) {
        nx_row row;
        nx_row_init(&row);
        char cs[64], note[480], detail[160];
        case_of(r, what[i], cs, sizeof cs);
        row.op = "fleet_storm";
        row.case_name = cs;
        row.count = i == 0 ? (uint64_t)r->n : i == 1 ? s->published : BDS_FLEET_RATE;
        row.seconds = secs[i];
        row.verified = bds_fleet_check_ok(&r->storm_check);
        snprintf(
            note, sizeof note,
            "hub SIGTERMed and restarted on its store dir (down %.3f s) while every leaf "
            "kept publishing %d points/s; seconds from the restarted hub accepting clients "
            "until %s; missing %llu, twice %llu, out of order %llu, corrupt %llu over %llu "
            "copies",
            s->hub_down_s, BDS_FLEET_RATE, until[i], (unsigned long long)r->storm_check.missing,
            (unsigned long long)r->storm_check.twice,
            (unsigned long long)r->storm_check.out_of_order,
            (unsigned long long)r->storm_check.corrupt, (unsigned long long)r->storm_check.copies);
        row.note = note;
        static const char *const done[] = {"every leaf linked again", "every hub copy complete",
                                           "every leaf copy complete"};
        snprintf(detail, sizeof detail, "%s; missing %llu, twice %llu", done[i],
                 (unsigned long long)r->storm_check.missing,
                 (unsigned long long)r->storm_check.twice);
        if (bds_report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int bds_rows_fleet(bds_report *rep, const bds_fleet_result *r, nx_err *err)
{
    if (setup_row(rep, r, err) != 0 || cost_row(rep, r, "idle", &r->idle, err) != 0 ||
        cost_row(rep, r, "loaded", &r->loaded, err) != 0 || idle_bytes_row(rep, r, err) != 0 ||
        sync_row(rep, r, true, err) != 0 || sync_row(rep, r, false, err) != 0)
        return -1;
    return 0;
}

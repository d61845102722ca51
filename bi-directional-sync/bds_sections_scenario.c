#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bds_ctx.h"
#include "bds_outage.h"
#include "bds_recovery_why.h"
#include "bds_seed.h"
#include "bds_state_scenario.h"
#include "nx_stats.h"
#include "nx_stream.h"

int bds_section_seed(bds_ctx *c, nx_err *err)
{
    bds_seed_result sr;
    int64_t t0 = nx_now_ns();
    if (bds_seed_run(&c->t, c->o, &c->st, &sr, err) != 0)
        return -1;
    double total = (double)(nx_now_ns() - t0) / 1e9;
    nx_row row;
    nx_row_init(&row);
    row.op = "seed_scenario";
    row.case_name = "steps 1-5";
    row.count = 5;
    row.seconds = total;
    row.verified = true;
    row.note = "every count, value and order checked on both servers, including the leaf "
               "restarted on its store dir";
    if (c->t.existing) {
        /* Steps 3-4 restart the leaf: not on someone else's servers. */
        row.case_name = "steps 1, 2, 5";
        row.count = 3;
        row.note = "existing hub and leaf (--hub-url/--leaf-url): every count, value and order "
                   "checked on both servers; steps 3-4 (leaf shut down and restarted) skipped";
    }
    if (bds_report_row(&c->rep, &row, "all steps verified", err) != 0)
        return -1;
    if (c->t.existing)
        return 0;

    char note[400], detail[128];
    nx_row_init(&row);
    row.op = "catchup_after_outage";
    row.case_name = "seed reconnect";
    row.count = 4;
    row.seconds = sr.reconnect_s;
    row.verified = true;
    snprintf(note, sizeof note,
             "seed step 4: from the restart of the leaf on its store dir (ready in %.0f ms) "
             "until the hub's /leafz lists it again",
             sr.leaf_ready_ms);
    row.note = note;
    snprintf(detail, sizeof detail, "leaf ready in %.0f ms", sr.leaf_ready_ms);
    if (bds_report_row(&c->rep, &row, detail, err) != 0)
        return -1;
    row.case_name = "seed all_present";
    row.seconds = sr.catchup_s;
    row.note = "seed step 4: from the restart until the leaf's sourced NODES-HUB holds all 8 "
               "(values 12..19 checked in order); most of it is the source's retry after its "
               "first consumer-create request went out before the link was up";
    snprintf(detail, sizeof detail, "%.2f s after the reconnect", sr.catchup_s - sr.reconnect_s);
    return bds_report_row(&c->rep, &row, detail, err);
}

int bds_section_state(bds_ctx *c, nx_err *err)
{
    bds_state_result sr;
    if (bds_state_scenario_run(&c->t, c->o, &c->st, &sr, err) != 0)
        return -1;
    const char *where[2] = {"merged on hub", "merged on leaf"};
    for (int i = 0; i < 2; i++) {
        nx_row row;
        nx_row_init(&row);
        row.op = "state_merge";
        row.case_name = where[i];
        row.count = (uint64_t)sr.merged[i].n;
        row.seconds = sr.read_s[i];
        row.verified = true;
        row.note = "node 789: 8 writes, value and location written on both sides (the hub's "
                   "value is published last with an older point time and loses), alarm set on "
                   "the leaf and deleted by a newer hub tombstone; heads of NODES-HUB and "
                   "NODES-LEAF read with last-per-subject consumers; merged state checked "
                   "prop by prop";
        char detail[128];
        const bds_prop_head *v = bds_state_get(&sr.merged[i], "value");
        snprintf(detail, sizeof detail, "%d props; value %s from %s", sr.merged[i].n,
                 v ? v->value : "?", v ? v->origin : "?");
        if (bds_report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

/* Polls an interval must span before a rate is taken from it. */
#define RATE_MIN_POLLS 50

static int outage_rows(bds_ctx *c, const bds_outage_result *r, const char *suffix, nx_err *err)
{
    char cases[3][64], note[600], detail[160];
    snprintf(cases[0], sizeof cases[0], "reconnect%s", suffix);
    snprintf(cases[1], sizeof cases[1], "first_point%s", suffix);
    snprintf(cases[2], sizeof cases[2], "all_present%s", suffix);
    double secs[3] = {r->reconnect_s, r->first_s, r->all_s};
    for (int i = 0; i < 3; i++) {
        nx_row row;
        nx_row_init(&row);
        row.op = "catchup_after_outage";
        row.case_name = cases[i];
        row.count = r->count;
        row.payload_bytes = (int64_t)r->data_len;
        row.seconds = secs[i];
        row.verified = true;
        detail[0] = '\0';
        if (i == 0) {
            snprintf(note, sizeof note,
                     "leaf down, %llu points published on the hub in %.2f s, leaf restarted on "
                     "its store dir (ready in %.0f ms): seconds from the restart until the hub's "
                     "/leafz lists the leaf",
                     (unsigned long long)r->count, r->publish_s, r->ready_ms);
            snprintf(detail, sizeof detail, "leaf ready in %.0f ms", r->ready_ms);
        } else if (i == 1) {
            snprintf(note, sizeof note,
                     "seconds from the restart until the first missed point is in the leaf's "
                     "sourced stream (%.2f s after the reconnect: the source's retry)",
                     r->first_s - r->reconnect_s);
            snprintf(detail, sizeof detail, "%.2f s after the reconnect",
                     r->first_s - r->reconnect_s);
        } else {
            double transfer = r->all_s - r->first_s;
            double per_point =
                r->count ? (double)r->link.bytes[BDS_RELAY_DOWN] / (double)r->count : 0;
            /* Both ends are polls BDS_OUTAGE_POLL_INTERVAL_MS apart: a shorter
             * transfer than 50 of them would give a rate off by over 2%,
             * and a "0.00 s" one any rate at all. */
            bool timed = transfer >= RATE_MIN_POLLS * BDS_OUTAGE_POLL_INTERVAL_MS / 1e3;
            row.rate_per_s = timed ? (double)r->count / transfer : NAN;
            row.bytes = (int64_t)r->link.bytes[BDS_RELAY_DOWN];
            char rate_note[160];
            if (timed)
                snprintf(rate_note, sizeof rate_note,
                         "rate = points / (all_present - first_point)");
            else
                snprintf(rate_note, sizeof rate_note,
                         "no rate: the transfer (all_present - first_point, %.3f s) is shorter "
                         "than %d polls %d ms apart",
                         transfer, RATE_MIN_POLLS, BDS_OUTAGE_POLL_INTERVAL_MS);
            snprintf(note, sizeof note,
                     "seconds from the restart until all %llu are in the leaf's sourced stream "
                     "(polled every %d ms), each read back in order and checked; %s; bytes = "
                     "relay-counted hub->leaf bytes from the restart (%.1f B/point, leafnode "
                     "handshake included; TCP payload only); %zu B points encoded",
                     (unsigned long long)r->count, BDS_OUTAGE_POLL_INTERVAL_MS, rate_note,
                     per_point, r->point_bytes);
            snprintf(detail, sizeof detail, "transfer %.3f s%s, %.1f B/point down", transfer,
                     timed ? "" : " (too short for a rate)", per_point);
        }
        row.note = note;
        if (bds_report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int bds_run_outage(bds_ctx *c, const bds_path *p, uint64_t m, const char *suffix, nx_err *err)
{
    bds_outage_result r;
    char heading[160];
    snprintf(heading, sizeof heading, "Catch-up after an outage: %llu points on %s%s",
             (unsigned long long)m, p->stream[0], suffix);
    bds_story_heading(&c->st, "%s", heading);
    if (bds_outage_measure(&c->t, p, &c->env, m, (size_t)c->o->base.payload, &r, err) != 0)
        return -1;
    char action[96];
    snprintf(action, sizeof action, "leaf down; publish %llu on the hub", (unsigned long long)m);
    bds_story_line(&c->st, action, "%.2f s", r.publish_s);
    bds_story_line(&c->st, "restart the leaf; hub lists it again after", "%.2f s", r.reconnect_s);
    bds_story_line(&c->st, "first missed point on the leaf after", "%.2f s", r.first_s);
    bds_story_line(&c->st, "all points on the leaf after", "%.2f s (checked in order)", r.all_s);
    /* The wait before the first point is the server's; say which rule. */
    bds_story_line(&c->st, "why", "%s", bds_recovery_why(c->t.version));
    c->rep.note_suffix = bds_recovery_why(c->t.version);
    int rc = outage_rows(c, &r, suffix, err);
    c->rep.note_suffix = NULL;
    return rc;
}

int bds_section_outage(bds_ctx *c, nx_err *err)
{
    if (c->t.existing) {
        bds_story_heading(&c->st, "Catch-up after an outage skipped: it shuts the leaf down and "
                                  "restarts it, which needs servers this program spawned");
        return 0;
    }
    bds_path p;
    bds_path_init(&p, &c->t, true, 1);
    snprintf(p.stream[0], sizeof p.stream[0], "%s", BDS_SEED_HUB_STREAM);
    snprintf(p.subject[0], sizeof p.subject[0], "n.hub.900.value");
    return bds_run_outage(c, &p, (uint64_t)c->o->outage_count, "", err);
}

int bds_section_clear_seed(bds_ctx *c, nx_err *err)
{
    const char *bases[2] = {BDS_SEED_HUB_STREAM, BDS_SEED_LEAF_STREAM};
    for (int i = 0; i < 2; i++) {
        char name[64];
        bds_stream_name(&c->t.names, bases[i], name, sizeof name);
        if (nx_stream_delete(c->t.hub_js, name, true, err) != 0 ||
            nx_stream_delete(c->t.leaf_js, name, true, err) != 0)
            return -1;
    }
    return 0;
}

#include "bds_repeat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_results.h"
#include "nx_stats.h"

int bds_repeat(const bds_path *p, const bds_env *env, long repeats, uint64_t count, size_t data_len,
               bds_total *tot, nx_err *err)
{
    memset(tot, 0, sizeof *tot);
    tot->repeats = repeats;
    tot->one_by_one = env->one_by_one;
    tot->count = count;
    tot->data_len = data_len;
    tot->leafz_ok = true;
    double *secs = calloc((size_t)repeats, sizeof *secs);
    nx_hist *lat = nx_hist_new();
    int rc = secs && lat ? 0 : nx_fail(err, "out of memory");
    for (long i = 0; i < repeats && rc == 0; i++) {
        bds_sample s;
        rc = bds_measure(p, env, count, data_len, lat, &s, err);
        if (rc != 0)
            break;
        secs[i] = s.seconds;
        tot->points += count;
        tot->window_s += s.window_s;
        for (int d = 0; d < 2; d++) {
            tot->link.bytes[d] += s.link.bytes[d];
            tot->link.reads[d] += s.link.reads[d];
        }
        tot->leafz[BDS_RELAY_UP] += s.leafz_up;
        tot->leafz[BDS_RELAY_DOWN] += s.leafz_down;
        tot->leafz_ok = tot->leafz_ok && s.leafz_ok;
        tot->point_bytes = s.point_bytes;
    }
    if (rc == 0) {
        tot->seconds = nx_median(secs, (size_t)repeats);
        tot->rate = tot->seconds > 0 ? (double)count / tot->seconds : NAN;
        nx_row row;
        nx_row_init(&row);
        nx_row_set_latency(&row, lat);
        tot->p50_us = row.p50_us;
        tot->p90_us = row.p90_us;
        tot->p99_us = row.p99_us;
        tot->max_us = row.max_us;
    }
    nx_hist_free(lat);
    free(secs);
    return rc;
}

void bds_total_story(const bds_story *st, const bds_path *p, const bds_total *tot)
{
    char action[96];
    snprintf(action, sizeof action, "sync %s: %llu points, each checked", p->name,
             (unsigned long long)tot->points);
    bds_story_line(st, action, "%.0f points/s (median %.3f s)", tot->rate, tot->seconds);
}

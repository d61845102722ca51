/* What tsd prints: a table of every case (medians of the repeats) and the
 * summary: the targets, the ratios asked for (async/ceiling per window,
 * async/sync, sync/bare js_Publish, JetStream/SQLite), range cost against
 * store size, where the async time goes, and peak RSS. Every figure comes
 * from this run's report. */
#ifndef TSD_SUMMARY_H
#define TSD_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "tsd_opts.h"
#include "tsd_report.h"

typedef struct tsd_summary_info {
    const tsd_opts *opts;
    const char *server_version;
    size_t point_bytes; /* encoded payload per point */
    double build_ns;    /* building one point alone */
    double peak_rss_mb; /* this process */
    double elapsed_s;   /* the whole run */
    int cores;          /* online CPUs, shared by the client and spawned servers */
} tsd_summary_info;

/* The fastest js_publish_async case; main_only keeps to the window sweep
 * (plain js_PublishAsync with an ack handler). NULL when there is none. */
const tsd_case *tsd_best_async(const tsd_report *r, bool main_only);

/* rate(a) / rate(b); 0 when either is missing or b's rate is 0. */
double tsd_rate_ratio(const tsd_case *a, const tsd_case *b);

/* Per-point figures and target verdicts need cases timed for at least this
 * long; shorter cases get "n/a". A --quick case lasts milliseconds; the
 * default 100000 points take about 0.25 s at the ceiling here, so the
 * default run is judged. */
#define TSD_MIN_TIMED_S 0.1

/* Peak RSS target: at most this many MB with this many points. */
#define TSD_RSS_TARGET_MB 64
#define TSD_RSS_TARGET_POINTS 1000000

bool tsd_case_long_enough(const tsd_case *c);

void tsd_print_table(FILE *out, const tsd_report *r, const tsd_summary_info *info);
void tsd_print_summary(FILE *out, const tsd_report *r, const tsd_summary_info *info);

#endif

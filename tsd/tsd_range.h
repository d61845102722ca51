/* The time-range query's model: which points of one series a query
 * [start, end] must return, and a checker fed with what the consumer
 * delivers.
 *
 * Point times come from the writer's clock (tsd_clock), so they are known
 * only once written. Instead of keeping every time, the plan names the few
 * points whose times define the queries (probes); the writer records those
 * as it goes. Because one writer's times strictly increase, "time in
 * [start, end]" is then exactly an interval of the series' point numbers. */
#ifndef TSD_RANGE_H
#define TSD_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "tsd_digest.h"
#include "tsd_point.h"

#define TSD_PROBES_MAX 16

/* Times of chosen points, recorded while they are written. */
typedef struct tsd_probes {
    uint64_t g[TSD_PROBES_MAX]; /* ascending */
    int64_t t[TSD_PROBES_MAX];
    int n;
    int next; /* first probe not yet written */
} tsd_probes;

void tsd_probes_init(tsd_probes *p);

/* Asks for the time of point g (before it is written). Fails when full. */
int tsd_probes_want(tsd_probes *p, uint64_t g, nx_err *err);

/* Called for every point written, in order: O(1). */
static inline void tsd_probes_offer(tsd_probes *p, uint64_t g, int64_t t)
{
    if (p && p->next < p->n && p->g[p->next] == g)
        p->t[p->next++] = t;
}

/* The recorded time of point g; false when g was not asked for or not yet
 * written. */
bool tsd_probes_time(const tsd_probes *p, uint64_t g, int64_t *t);

typedef enum {
    TSD_RANGE_MIDDLE, /* range_points points in the middle of the series */
    TSD_RANGE_EMPTY,  /* between two neighbouring points: returns nothing */
    TSD_RANGE_WHOLE,  /* from the series' first point to its last */
} tsd_range_kind;

typedef struct tsd_range {
    tsd_range_kind kind;
    uint32_t series;
    uint64_t points;      /* points the series holds when queried */
    uint64_t first, last; /* expected point numbers, inclusive (when any) */
    bool any;             /* false: the query must return nothing */
    uint64_t after;       /* the point right after the range (none when == points) */
    int64_t start_ns, end_ns;
} tsd_range;

/* Chooses the range of a kind over series `series` holding `points` points
 * (at least 2) and asks probes for the times it needs. want_points is the
 * middle range's length (clamped to half the series). */
int tsd_range_plan(tsd_range *r, tsd_range_kind kind, const tsd_gen *gen, uint32_t series,
                   uint64_t points, uint64_t want_points, tsd_probes *probes, nx_err *err);

/* Sets start/end from the recorded probe times; fails when one is missing. */
int tsd_range_resolve(tsd_range *r, const tsd_gen *gen, const tsd_probes *probes, nx_err *err);

/* Points the model expects the query to return. */
static inline uint64_t tsd_range_expected(const tsd_range *r)
{
    return r->any ? r->last - r->first + 1 : 0;
}

/* Checks a query's delivery, one message at a time: while timed, the cheap
 * checks (size, header, series, order, time against the range) and a digest
 * of the rest, as tsd_check does for full reads; the digest is compared in
 * tsd_range_rx_finish, after the clock stopped. A delivery is always a run
 * of consecutive points of the series (a consumer delivers every message of
 * its subject from where it starts), so the model's digest covers exactly
 * the points from the first delivered to the last. */
typedef struct tsd_range_rx {
    const tsd_range *q;
    const tsd_gen *gen;
    bool full;                       /* compare every byte of each message (the diagnostic pass) */
    size_t size;                     /* bytes per point */
    uint64_t next;                   /* next expected point number */
    uint64_t got;                    /* points returned inside the range */
    uint64_t skipped;                /* delivered before start (written just before it) */
    uint64_t delivered, first, prev; /* every point delivered: count, first, last */
    int64_t last_time;
    uint64_t digest;
    bool done;            /* saw the first point past the end: stop reading */
    bool content_differs; /* set by tsd_range_rx_finish: run the full pass */
} tsd_range_rx;

void tsd_range_rx_start(tsd_range_rx *rx, const tsd_range *q, const tsd_gen *gen, bool full);

/* One delivered payload; sets rx->done at the first point past the end. */
int tsd_range_rx_next(tsd_range_rx *rx, const uint8_t *data, size_t len, nx_err *err);

/* The delivery ended (done, or nothing more pending): did it return exactly
 * the model's points, and (without full) is the digest the model's? */
int tsd_range_rx_finish(tsd_range_rx *rx, nx_err *err);

const char *tsd_range_kind_name(tsd_range_kind kind);

#endif

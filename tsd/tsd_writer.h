/* The per-point step of every writing loop: the writer's clock, the range
 * probes, and the point's bytes. Points come from a ring built before the
 * loop's clock starts (only time and index are patched per point), so what
 * a timed loop measures is the store, not the filler. */
#ifndef TSD_WRITER_H
#define TSD_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "tsd_check.h"
#include "tsd_point.h"
#include "tsd_range.h"
#include "tsd_series.h"

typedef struct tsd_writer {
    const tsd_load *load;
    const tsd_series *series;
    tsd_clock *clock;
    tsd_probes *probes; /* may be NULL */
    tsd_ring ring;      /* no slots: each point is built into buf, the caller's */
    uint8_t *buf;       /* the point just written (a ring slot when there is a ring) */
    size_t len;
    int64_t first_t, last_t;
} tsd_writer;

/* A writer of load's points with a ring of prebuilt points. */
int tsd_writer_open(tsd_writer *w, const tsd_load *load, const tsd_series *series, tsd_clock *clock,
                    tsd_probes *probes, nx_err *err);
void tsd_writer_close(tsd_writer *w);

/* Point g, stamped with the writer's clock, in w->buf; returns its subject. */
static inline const char *tsd_writer_point(tsd_writer *w, uint64_t g)
{
    int64_t t = tsd_clock_next(w->clock);
    if (w->first_t == 0)
        w->first_t = t;
    w->last_t = t;
    tsd_probes_offer(w->probes, g, t);
    if (w->ring.slots)
        w->buf = tsd_ring_point(&w->ring, g, t);
    else
        tsd_point_build(&w->load->gen, g, t, w->buf, w->len);
    return w->series->subject[tsd_series_of(&w->load->gen, g)];
}

#endif

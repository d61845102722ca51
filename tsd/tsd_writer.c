#include "tsd_writer.h"

#include <string.h>

int tsd_writer_open(tsd_writer *w, const tsd_load *load, const tsd_series *series, tsd_clock *clock,
                    tsd_probes *probes, nx_err *err)
{
    memset(w, 0, sizeof *w);
    w->load = load;
    w->series = series;
    w->clock = clock;
    w->probes = probes;
    w->len = tsd_point_size(&load->gen);
    return tsd_ring_init(&w->ring, &load->gen, err);
}

void tsd_writer_close(tsd_writer *w)
{
    tsd_ring_free(&w->ring);
}

#include "tsd_tally.h"

#include <stdlib.h>
#include <string.h>

static bool bit(const uint8_t *map, uint64_t g)
{
    return (map[g >> 3] >> (g & 7)) & 1u;
}

static void set_bit(uint8_t *map, uint64_t g)
{
    map[g >> 3] |= (uint8_t)(1u << (g & 7));
}

int tsd_tally_init(tsd_tally *t, uint64_t cap, nx_err *err)
{
    memset(t, 0, sizeof *t);
    size_t bytes = (size_t)((cap + 7) / 8);
    t->acked = calloc(bytes ? bytes : 1, 1);
    t->present = calloc(bytes ? bytes : 1, 1);
    if (t->acked == NULL || t->present == NULL) {
        tsd_tally_free(t);
        return nx_fail(err, "out of memory");
    }
    t->cap = cap;
    return 0;
}

void tsd_tally_free(tsd_tally *t)
{
    free(t->acked);
    free(t->present);
    t->acked = t->present = NULL;
    t->cap = 0;
}

void tsd_tally_ack(tsd_tally *t, uint64_t g)
{
    if (g < t->cap)
        set_bit(t->acked, g);
}

bool tsd_tally_present(tsd_tally *t, uint64_t g)
{
    if (g >= t->cap) {
        t->foreign++;
        return false;
    }
    if (bit(t->present, g)) {
        t->duplicates++;
        return false;
    }
    set_bit(t->present, g);
    return true;
}

bool tsd_tally_is_acked(const tsd_tally *t, uint64_t g)
{
    return g < t->cap && bit(t->acked, g);
}

void tsd_tally_sum_up(const tsd_tally *t, uint64_t written, tsd_tally_sum *out)
{
    memset(out, 0, sizeof *out);
    if (written > t->cap)
        written = t->cap;
    out->written = written;
    for (uint64_t g = 0; g < written; g++) {
        bool a = bit(t->acked, g), p = bit(t->present, g);
        out->acked += a;
        out->present += p;
        if (a && !p && out->lost++ == 0)
            out->first_lost = g;
        if (!a && p)
            out->survived++;
    }
    out->unacked = written - out->acked;
}

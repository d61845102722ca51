#include "tsd_crash_stats.h"

void tsd_crash_add(tsd_crash_stats *st, const tsd_tally_sum *sum)
{
    st->written += sum->written;
    st->acked += sum->acked;
    st->present += sum->present;
    st->lost += sum->lost;
    st->unacked += sum->unacked;
    st->survived += sum->survived;
    if (st->min_acked == 0 || sum->acked < st->min_acked)
        st->min_acked = sum->acked;
    if (sum->acked > st->max_acked)
        st->max_acked = sum->acked;
}

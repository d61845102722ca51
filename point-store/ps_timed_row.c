#include "ps_timed_row.h"

int ps_emit_timed(ps_ctx *c, const char *op, const char *store, const char *case_name,
                  const nx_hist *h, int64_t busy_ns, const char *note, nx_err *err)
{
    nx_row row;
    ps_row_init(c, &row, op, store, case_name);
    row.count = nx_hist_count(h);
    row.seconds = (double)busy_ns / 1e9;
    row.rate_per_s = nx_rate(row.count, busy_ns);
    nx_row_set_latency(&row, h);
    row.verified = true;
    row.note = note;
    return ps_emit(c, &row, err);
}

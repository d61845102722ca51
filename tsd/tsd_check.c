#include "tsd_check.h"

#include <string.h>

void tsd_check_start(tsd_check *c, const tsd_load *load, const tsd_series *series)
{
    c->load = load;
    c->series = series;
    c->seen = 0;
    c->last_time = INT64_MIN;
}

int tsd_check_next(tsd_check *c, uint64_t seq, const char *subject, const uint8_t *data, size_t len,
                   nx_err *err)
{
    const tsd_load *l = c->load;
    if (c->seen >= l->count)
        return nx_fail(err, "read more than the %llu points written (stream sequence %llu)",
                       (unsigned long long)l->count, (unsigned long long)seq);
    uint64_t g = l->first_g + c->seen;
    uint64_t want_seq = g + l->seq_base;
    if (seq != want_seq)
        return nx_fail(err, "read #%llu is at stream sequence %llu, expected %llu",
                       (unsigned long long)c->seen + 1, (unsigned long long)seq,
                       (unsigned long long)want_seq);
    const char *want_subject = c->series->subject[tsd_series_of(&l->gen, g)];
    if (subject == NULL || strcmp(subject, want_subject) != 0)
        return nx_fail(err, "stream sequence %llu has subject %s, expected %s",
                       (unsigned long long)seq, subject ? subject : "(none)", want_subject);
    int64_t t = 0;
    if (tsd_point_check(&l->gen, g, data, len, &t, err) != 0)
        return nx_fail_wrap(err, "stream sequence %llu: ", (unsigned long long)seq);
    if (t < l->t_min || t > l->t_max)
        return nx_fail(err,
                       "stream sequence %llu: point time %lld is outside the write window "
                       "[%lld, %lld]",
                       (unsigned long long)seq, (long long)t, (long long)l->t_min,
                       (long long)l->t_max);
    if (t <= c->last_time)
        return nx_fail(err,
                       "stream sequence %llu: point time %lld does not increase (previous "
                       "%lld)",
                       (unsigned long long)seq, (long long)t, (long long)c->last_time);
    c->last_time = t;
    c->seen++;
    return 0;
}

int tsd_check_finish(const tsd_check *c, nx_err *err)
{
    if (c->seen != c->load->count)
        return nx_fail(err, "read %llu points, expected %llu", (unsigned long long)c->seen,
                       (unsigned long long)c->load->count);
    return 0;
}

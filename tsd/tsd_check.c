#include "tsd_check.h"

#include <string.h>

void tsd_check_start(tsd_check *c, const tsd_load *load, const tsd_series *series, bool full)
{
    c->load = load;
    c->series = series;
    c->full = full;
    c->size = tsd_point_size(&load->gen);
    c->seen = 0;
    c->last_time = INT64_MIN;
    c->digest = TSD_DIGEST_EMPTY;
    c->content_differs = false;
}

/* The cheap checks and the digest; a payload the cheap checks refuse gets
 * the full check, which names what is wrong. */
static int check_payload(tsd_check *c, uint64_t g, const uint8_t *data, size_t len, int64_t *t,
                         nx_err *err)
{
    uint64_t got;
    if (!c->full && tsd_point_peek(c->size, data, len, &got, t) && got == g) {
        c->digest = tsd_digest_add(c->digest, data, len);
        return 0;
    }
    if (tsd_point_check(&c->load->gen, g, data, len, t, err) != 0)
        return -1;
    if (!c->full)
        c->digest = tsd_digest_add(c->digest, data, len);
    return 0;
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
    if (check_payload(c, g, data, len, &t, err) != 0)
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

int tsd_check_finish(tsd_check *c, nx_err *err)
{
    const tsd_load *l = c->load;
    if (c->seen != l->count)
        return nx_fail(err, "read %llu points, expected %llu", (unsigned long long)c->seen,
                       (unsigned long long)l->count);
    if (c->full)
        return 0;
    uint64_t want = 0;
    if (tsd_digest_expected(&l->gen, l->first_g, l->count, 1, &want, err) != 0)
        return -1;
    if (c->digest != want) {
        c->content_differs = true;
        return nx_fail(err,
                       "the %llu points read differ from the model's (digest %016llx, "
                       "expected %016llx)",
                       (unsigned long long)l->count, (unsigned long long)c->digest,
                       (unsigned long long)want);
    }
    return 0;
}

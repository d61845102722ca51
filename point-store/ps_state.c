#include "ps_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nx_subject.h"

void ps_state_init(ps_state *s)
{
    memset(s, 0, sizeof *s);
}

static void head_free(ps_head *h)
{
    free(h->prop);
    free(h->payload);
    memset(h, 0, sizeof *h);
}

void ps_state_clear(ps_state *s)
{
    for (size_t i = 0; i < s->n; i++)
        head_free(&s->heads[i]);
    s->n = 0;
}

void ps_state_free(ps_state *s)
{
    ps_state_clear(s);
    free(s->heads);
    ps_state_init(s);
}

/* memcmp for byte strings of different lengths: a proper prefix is smaller. */
static int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c;
    return (alen > blen) - (alen < blen);
}

bool ps_point_wins(const nx_point *a, const nx_point *b)
{
    if (a->time_ns != b->time_ns)
        return a->time_ns > b->time_ns;
    bool ad = nx_point_is_deleted(a), bd = nx_point_is_deleted(b);
    if (ad != bd)
        return ad;
    int c = bytes_cmp(a->origin, a->origin_len, b->origin, b->origin_len);
    if (c != 0)
        return c > 0;
    return bytes_cmp(a->data, a->data_len, b->data, b->data_len) > 0;
}

/* Index of prop, or where it belongs (with *found false). */
static size_t find(const ps_state *s, const char *prop, bool *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->heads[mid].prop, prop);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

int ps_state_merge(ps_state *s, const char *prop, const uint8_t *payload, size_t len, nx_err *err)
{
    nx_point incoming;
    if (!nx_point_decode(payload, len, &incoming))
        return nx_fail(err, "prop %s: the stored payload (%zu bytes) is not a valid point", prop,
                       len);
    bool found;
    size_t at = find(s, prop, &found);
    if (found && !ps_point_wins(&incoming, &s->heads[at].point))
        return 0;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return nx_fail(err, "out of memory merging prop %s", prop);
    memcpy(copy, payload, len);
    if (found) {
        free(s->heads[at].payload);
    } else {
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 16;
            ps_head *grown = realloc(s->heads, cap * sizeof *grown);
            if (grown == NULL) {
                free(copy);
                return nx_fail(err, "out of memory merging prop %s", prop);
            }
            s->heads = grown;
            s->cap = cap;
        }
        char *name = strdup(prop);
        if (name == NULL) {
            free(copy);
            return nx_fail(err, "out of memory merging prop %s", prop);
        }
        memmove(&s->heads[at + 1], &s->heads[at], (s->n - at) * sizeof *s->heads);
        s->n++;
        s->heads[at].prop = name;
    }
    ps_head *h = &s->heads[at];
    h->payload = copy;
    h->len = len;
    /* The same bytes decoded above, again so the point's strings point
     * into the copy that outlives the caller's buffer. */
    (void)nx_point_decode(h->payload, h->len, &h->point);
    return 0;
}

int ps_state_merge_subject(ps_state *s, const char *subject, const char *scope, const char *node,
                           const uint8_t *payload, size_t len, nx_err *err)
{
    nx_subject_parts parts;
    if (nx_subject_parse(subject, &parts, err) != 0)
        return -1;
    if (strcmp(parts.scope, scope ? scope : "") != 0 || strcmp(parts.node, node) != 0)
        return nx_fail(err, "reading node %s: got subject %s, which belongs to another node", node,
                       subject);
    return ps_state_merge(s, parts.prop, payload, len, err);
}

const ps_head *ps_state_get(const ps_state *s, const char *prop)
{
    bool found;
    size_t at = find(s, prop, &found);
    if (!found || nx_point_is_deleted(&s->heads[at].point))
        return NULL;
    return &s->heads[at];
}

size_t ps_state_live(const ps_state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += !nx_point_is_deleted(&s->heads[i].point);
    return n;
}

void ps_format_time(int64_t time_ns, char *buf, size_t len)
{
    time_t secs = (time_t)(time_ns / 1000000000);
    long frac = (long)(time_ns % 1000000000);
    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    struct tm tm;
    char stamp[32];
    if (gmtime_r(&secs, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(stamp, sizeof stamp, "%lld s", (long long)secs);
    snprintf(buf, len, "%s.%09ld", stamp, frac);
}

void ps_format_data(const nx_point *p, char *buf, size_t len)
{
    if (len == 0)
        return;
    bool text = true;
    for (size_t i = 0; i < p->data_len; i++)
        text &= p->data[i] >= 0x20 && p->data[i] < 0x7f && p->data[i] != '"';
    size_t at = 0;
    buf[0] = '\0';
    if (text) {
        snprintf(buf, len, "\"%.*s\"", (int)p->data_len, (const char *)p->data);
        return;
    }
    at += (size_t)snprintf(buf, len, "0x");
    for (size_t i = 0; i < p->data_len && at + 3 < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%02x", p->data[i]);
}

static void describe(const ps_head *h, char *buf, size_t len)
{
    if (h == NULL) {
        snprintf(buf, len, "nothing");
        return;
    }
    char data[96], when[48];
    ps_format_data(&h->point, data, sizeof data);
    ps_format_time(h->point.time_ns, when, sizeof when);
    snprintf(buf, len, "%s at %s from origin '%.*s'", data, when, (int)h->point.origin_len,
             h->point.origin);
}

static bool differ(const char *prop, const ps_head *want, const ps_head *got, char *why, size_t len)
{
    if (want && got && nx_point_equal(&want->point, &got->point))
        return false;
    char w[256], g[256];
    describe(want, w, sizeof w);
    describe(got, g, sizeof g);
    snprintf(why, len, "prop %s: the model has %s, the store has %s", prop, w, g);
    return true;
}

bool ps_state_same(const ps_state *want, const ps_state *got, char *why, size_t len)
{
    for (size_t i = 0; i < want->n; i++) {
        const char *prop = want->heads[i].prop;
        const ps_head *w = ps_state_get(want, prop), *g = ps_state_get(got, prop);
        if ((w || g) && differ(prop, w, g, why, len))
            return false;
    }
    for (size_t i = 0; i < got->n; i++) {
        const char *prop = got->heads[i].prop;
        const ps_head *g = ps_state_get(got, prop);
        if (g && ps_state_get(want, prop) == NULL) {
            differ(prop, NULL, g, why, len);
            return false;
        }
    }
    if (len)
        why[0] = '\0';
    return true;
}

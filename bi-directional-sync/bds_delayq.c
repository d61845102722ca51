#include "bds_delayq.h"

#include <stdlib.h>
#include <string.h>

int bds_delayq_init(bds_delayq *q, size_t bytes, size_t records)
{
    memset(q, 0, sizeof *q);
    q->buf = malloc(bytes);
    q->rec = malloc(records * sizeof *q->rec);
    if (q->buf == NULL || q->rec == NULL) {
        bds_delayq_free(q);
        return -1;
    }
    q->cap = bytes;
    q->rcap = records;
    return 0;
}

void bds_delayq_free(bds_delayq *q)
{
    free(q->buf);
    free(q->rec);
    memset(q, 0, sizeof *q);
}

void bds_delayq_clear(bds_delayq *q)
{
    q->head = q->len = q->rhead = q->rlen = 0;
}

size_t bds_delayq_space(const bds_delayq *q)
{
    return q->rlen == q->rcap ? 0 : q->cap - q->len;
}

void bds_delayq_push(bds_delayq *q, const uint8_t *data, size_t n, int64_t due_ns)
{
    if (n == 0 || n > bds_delayq_space(q))
        return;
    size_t tail = (q->head + q->len) % q->cap;
    size_t first = n < q->cap - tail ? n : q->cap - tail;
    memcpy(q->buf + tail, data, first);
    memcpy(q->buf, data + first, n - first);
    q->len += n;
    q->rec[(q->rhead + q->rlen) % q->rcap] = (bds_delayq_rec){.due_ns = due_ns, .len = n};
    q->rlen++;
}

int64_t bds_delayq_next_due(const bds_delayq *q)
{
    return q->rlen == 0 ? -1 : q->rec[q->rhead].due_ns;
}

size_t bds_delayq_pop(bds_delayq *q, uint8_t *out, size_t max, int64_t now_ns)
{
    size_t got = 0;
    while (got < max && q->rlen > 0 && q->rec[q->rhead].due_ns <= now_ns) {
        bds_delayq_rec *r = &q->rec[q->rhead];
        size_t n = r->len < max - got ? r->len : max - got;
        size_t first = n < q->cap - q->head ? n : q->cap - q->head;
        memcpy(out + got, q->buf + q->head, first);
        memcpy(out + got + first, q->buf, n - first);
        q->head = (q->head + n) % q->cap;
        q->len -= n;
        got += n;
        r->len -= n;
        /* A record taken only in part keeps its time for the rest. */
        if (r->len == 0) {
            q->rhead = (q->rhead + 1) % q->rcap;
            q->rlen--;
        }
    }
    return got;
}

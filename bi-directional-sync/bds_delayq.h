/* A byte FIFO whose bytes each carry the time they may leave, so the relay
 * can hold what it read for a one-way delay and still forward every byte in
 * the order it arrived. Time is passed in, which keeps it testable without
 * clocks. Fixed capacity: a full queue stops the relay reading, as a full
 * TCP window stops a sender on a long link. */
#ifndef BDS_DELAYQ_H
#define BDS_DELAYQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bds_delayq_rec {
    int64_t due_ns;
    size_t len;
} bds_delayq_rec;

typedef struct bds_delayq {
    uint8_t *buf;
    size_t cap, head, len; /* bytes: a ring */
    bds_delayq_rec *rec;
    size_t rcap, rhead, rlen; /* one record per push: a ring */
} bds_delayq;

/* 0 on success, -1 out of memory. */
int bds_delayq_init(bds_delayq *q, size_t bytes, size_t records);
void bds_delayq_free(bds_delayq *q);
void bds_delayq_clear(bds_delayq *q);

static inline bool bds_delayq_empty(const bds_delayq *q)
{
    return q->rlen == 0;
}

/* Bytes one push may take now (0 when the bytes or the records are full). */
size_t bds_delayq_space(const bds_delayq *q);

/* Appends n <= space bytes that may leave at due_ns. */
void bds_delayq_push(bds_delayq *q, const uint8_t *data, size_t n, int64_t due_ns);

/* When the oldest byte may leave; -1 when empty. */
int64_t bds_delayq_next_due(const bds_delayq *q);

/* Takes up to max bytes whose time has come at now_ns, oldest first. */
size_t bds_delayq_pop(bds_delayq *q, uint8_t *out, size_t max, int64_t now_ns);

#endif

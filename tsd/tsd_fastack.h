/* What a fast-ingest batch publisher reads back on its inbox (ADR-50, as
 * nats-server 2.14/2.15 sends it), classified without a server so the
 * classification is unit-tested: a flow ack, a gap, an error, the final
 * PubAck, or something else (counted as an error by the publisher, never
 * skipped). */
#ifndef TSD_FASTACK_H
#define TSD_FASTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    TSD_FAST_FLOW,    /* {"type":"ack","seq":S,"msgs":N}: persisted up to S, next ack after N */
    TSD_FAST_GAP,     /* {"last_seq":A,"seq":B}: A+1..B-1 never arrived */
    TSD_FAST_ERROR,   /* {"error":{...}} without "batch" */
    TSD_FAST_PUBACK,  /* {"stream":..,"seq":..,"batch":id,"count":C}: the batch ended (maybe with
                         an error) */
    TSD_FAST_UNKNOWN, /* not JSON, or none of the above */
} tsd_fast_kind;

typedef struct tsd_fast_msg {
    tsd_fast_kind kind;
    uint64_t seq, last_seq, msgs, count;
    bool has_error;
    char batch[80];
    char error[160]; /* the error's description */
} tsd_fast_msg;

tsd_fast_kind tsd_fast_parse(const char *data, size_t len, tsd_fast_msg *out);

/* Points lost by a gap (0 for anything else). */
static inline uint64_t tsd_fast_lost(const tsd_fast_msg *m)
{
    return m->kind == TSD_FAST_GAP && m->seq > m->last_seq + 1 ? m->seq - m->last_seq - 1 : 0;
}

#endif

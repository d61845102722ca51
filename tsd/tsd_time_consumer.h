/* An ephemeral push consumer on one subject, starting at a time given to the
 * nanosecond: the range query's reader.
 *
 * It is created through the JetStream API directly, not with
 * jsSubOptions.Config.OptStartTime: nats.c 3.4.1 encodes a start time whose
 * fraction of a second is under 0.1 s without its leading zeros
 * (12:00:00.012345678 is sent as 12:00:00.12345678), so one start time in
 * ten reaches the server up to 0.9 s late and the query silently misses the
 * points in between. */
#ifndef TSD_TIME_CONSUMER_H
#define TSD_TIME_CONSUMER_H

#include <nats/nats.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

/* Deliveries the server may push ahead of the reader (AckAll with this
 * max-ack-pending): without a bound it pushes the rest of the series after
 * the reader stopped, and with large points that can overrun the
 * connection. */
#define TSD_TIME_CONSUMER_WINDOW 128

typedef struct tsd_time_consumer {
    natsSubscription *sub; /* deliveries: read with natsSubscription_NextMsg */
    char name[128];        /* the server's name for the consumer */
    char stream[64];
    int unacked;
} tsd_time_consumer;

/* Subscribes a new inbox, then creates the consumer (AckAll, instant
 * replay) delivering subject's messages stored at or after start_ns. */
int tsd_time_consumer_open(tsd_time_consumer *c, natsConnection *nc, const char *stream,
                           const char *subject, int64_t start_ns, nx_err *err);

/* Call for every message read: acks every half window so delivery goes on. */
int tsd_time_consumer_delivered(tsd_time_consumer *c, natsConnection *nc, natsMsg *m, nx_err *err);

/* Deletes the consumer and drops the subscription. */
void tsd_time_consumer_close(tsd_time_consumer *c, natsConnection *nc);

#endif

/* Dropping a subscription while messages may still arrive for it.
 *
 * nats.c 3.4.1 can crash in its read loop when a subscription is destroyed
 * while an inbound message for it is being processed (nats.c issue #637,
 * fixed in a later release); tsd hit it with 100 KB points. Unsubscribing
 * first and then waiting for a PING/PONG round trip guarantees that the read
 * loop is past every message sent before the server saw the UNSUB. */
#ifndef TSD_SUB_H
#define TSD_SUB_H

#include <nats/nats.h>

/* Unsubscribes, flushes nc, destroys. sub may be NULL. */
void tsd_sub_close(natsConnection *nc, natsSubscription *sub);

#endif

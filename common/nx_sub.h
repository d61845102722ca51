/* Dropping a subscription while messages may still arrive for it.
 *
 * nats.c 3.4.1 can crash in its read loop when a subscription is destroyed
 * while an inbound message for it is being processed (nats.c issue #637,
 * fixed in a later release); with large points it also delivered a late
 * message of one consumer into the next one's inbox. Unsubscribing first and
 * then waiting for a PING/PONG round trip guarantees that the read loop is
 * past every message the server sent before it saw the UNSUB. */
#ifndef NX_SUB_H
#define NX_SUB_H

#include <nats/nats.h>

/* Unsubscribes, flushes nc (10 s at most), destroys. sub may be NULL. */
void nx_sub_close(natsConnection *nc, natsSubscription *sub);

#endif

/* Times as the JetStream API takes them: RFC 3339 UTC with all nine
 * fraction digits (nats.c 3.4.1 drops leading zeros of the fraction, see
 * tsd_time_consumer.h). */
#ifndef TSD_RFC3339_H
#define TSD_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Formats ns since the epoch; returns the length, 0 when len is too small. */
size_t tsd_rfc3339_ns(int64_t ns, char *buf, size_t len);

#endif

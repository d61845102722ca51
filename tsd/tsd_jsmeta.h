/* The stream sequence and pending count of a message delivered by a
 * JetStream consumer, read from its reply subject
 *   $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<time>.<pending>
 * or the form with domain and account hash in front, without the
 * allocations of natsMsg_GetMetaData (reads check every message). */
#ifndef TSD_JSMETA_H
#define TSD_JSMETA_H

#include <stdbool.h>
#include <stdint.h>

bool tsd_jsmeta_parse(const char *reply, uint64_t *stream_seq, uint64_t *pending);

#endif

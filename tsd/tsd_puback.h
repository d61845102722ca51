/* Reads the stream sequence out of a JetStream publish ack
 * ({"stream":"NODES","seq":12}) or the error it carries
 * ({"error":{"code":503,"description":"..."}}), without a JSON library:
 * the pipelined publisher reads one per point. */
#ifndef TSD_PUBACK_H
#define TSD_PUBACK_H

#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

int tsd_puback_seq(const char *data, size_t len, uint64_t *seq, nx_err *err);

#endif

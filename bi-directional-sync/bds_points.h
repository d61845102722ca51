/* Points as this experiment writes and reads them, on top of the shared
 * payload codec (nx_point.h):
 *
 *   value points   data is a short text value ("12"), as a device writes a
 *                  prop; used by the seed scenario and the node state.
 *   indexed points data starts with a 64-bit little-endian index, then filler
 *                  bytes derived from it, so order and content of thousands of
 *                  synced points can be checked one by one. */
#ifndef BDS_POINTS_H
#define BDS_POINTS_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nx_err.h"
#include "nx_point.h"

#define BDS_POINT_INDEX_BYTES 8
#define BDS_POINT_DATA_MAX 4096

/* A stored message, decoded. */
typedef struct bds_point_record {
    uint64_t seq;
    char subject[96];
    int64_t time_ns;
    bool tombstone;
    char origin[32];
    char value[64]; /* data as text when it is printable, else "" */
    size_t data_len;
    bool has_index;
    uint64_t index;
    bool filler_ok; /* indexed points: the filler matches the index */
} bds_point_record;

typedef struct bds_point_list {
    bds_point_record *items;
    size_t n, cap;
} bds_point_list;

void bds_point_list_free(bds_point_list *l);

/* Encodes an indexed point with data_len >= BDS_POINT_INDEX_BYTES data bytes.
 * Returns the encoded size, 0 when it does not fit. */
size_t bds_point_encode_indexed(uint8_t *buf, size_t cap, const char *origin, int64_t time_ns,
                                uint64_t index, size_t data_len);

/* Decodes a payload into rec (subject and seq are the caller's). False when
 * the payload is not a point. */
bool bds_point_decode_record(const void *data, int len, bds_point_record *rec);

/* Publishes a value point and waits for its ack; the ack must come from
 * stream `stream`. */
int bds_point_publish_value(jsCtx *js, const char *stream, const char *subject, const char *origin,
                            const char *value, int64_t time_ns, bool tombstone, nx_err *err);

/* Reads every message of `stream` matching filter, in stream order, through
 * an ordered consumer on js; nc is js's connection (the consumer is closed
 * with nx_sub_close). */
int bds_point_read_stream(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                          bds_point_list *out, nx_err *err);

/* Reads the last message of every subject matching filter (the heads). */
int bds_point_read_heads(natsConnection *nc, jsCtx *js, const char *stream, const char *filter,
                         bds_point_list *out, nx_err *err);

/* One line per message: "    seq 3  n.hub.123.value = 14  (hub)". */
void bds_point_list_dump(FILE *f, const char *label, const bds_point_list *l);

/* "12 13 14 15" (values joined by spaces, cut to fit). */
void bds_point_list_values(const bds_point_list *l, char *buf, size_t len);

#endif

/* Node state in one round trip, from the stream or from the KV bucket's
 * stream (kv):
 *
 *   pipelined  every prop's get-last request (direct get, last_by_subj) is
 *              published at once on one inbox, then the answers are collected;
 *              each request must get exactly one answer, for its own subject
 *              (404 when the prop was never written); works on every server
 *   multi      one direct get request {"multi_last": ["<node filter>"]}; the
 *              server streams the node's heads and ends with 204 EOB (2.11+);
 *              404 is a node without subjects, 408 and 413 are errors
 *
 * Both need the reader's fast connection (ps_fast.h). Pipelined needs the
 * prop names, multi discovers them. */
#ifndef PS_ONETRIP_H
#define PS_ONETRIP_H

#include <stdbool.h>

#include "ps_read.h"

int ps_read_pipelined(const ps_reader *r, bool kv, const char *node, ps_state *out, nx_err *err);

int ps_read_multi(const ps_reader *r, bool kv, const char *node, ps_state *out, nx_err *err);

#endif

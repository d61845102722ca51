/* The scaled workload's stores and how they are filled: the stream (all
 * history kept, direct get allowed), a KV bucket holding the same points
 * (history 1, as a KV user would keep a current value), and the SQLite table.
 * Each depth step writes the same batch of points to all three, timing each
 * store separately: async publish with a window for JetStream, prepared
 * inserts in transactions for SQLite. */
#ifndef PS_LOAD_H
#define PS_LOAD_H

#include "ps_ctx.h"

/* Creates the stream, bucket and SQLite table, the model and the reader. */
int ps_workload_open(ps_ctx *c, nx_err *err);

/* Writes updates c->loaded+1..depth of every (node, prop) to every store,
 * reports the write rates, verifies the counts, and records the batch in the
 * model. */
int ps_load_to_depth(ps_ctx *c, long depth, nx_err *err);

/* The stream subject or KV key of (node, prop). */
int ps_point_subject(const ps_ctx *c, bool kv, long node, long prop, char *buf, size_t len,
                     nx_err *err);

#endif

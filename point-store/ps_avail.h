/* Which read methods the server can serve: a method needing a feature the
 * server lacks (multi get before 2.11) is not run, writes no row and is
 * named once in the output with nx_feature_missing_line; it never fails the
 * run. The version table in common/nx_version.h decides. */
#ifndef PS_AVAIL_H
#define PS_AVAIL_H

#include <stdbool.h>

#include "ps_ctx.h"

bool ps_method_runs(const ps_ctx *c, ps_method m);

/* Prints one line per method that does not run ("  direct multi: multi get
 * needs nats-server >= 2.11; this is 2.9.10"); nothing when all run. */
void ps_print_missing_methods(const ps_ctx *c);

#endif

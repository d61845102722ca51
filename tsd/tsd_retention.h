/* The retention case: a stream limited to L messages per subject, 10xL
 * points written to each of up to 10 series, must then hold exactly the
 * newest L of every series, in order. */
#ifndef TSD_RETENTION_H
#define TSD_RETENTION_H

#include "nx_err.h"
#include "tsd_ctx.h"

/* Runs the case once per call (one repeat) and adds its sample. */
int tsd_retention_run(tsd_ctx *ctx, nx_err *err);

#endif

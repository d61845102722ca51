/* The subjects of tsd's series, built once: series k is n.dev<k>.temp (or
 * n.<scope>.dev<k>.temp against a shared deployment), so the hot loops index
 * a table instead of formatting strings. */
#ifndef TSD_SERIES_H
#define TSD_SERIES_H

#include <stdint.h>

#include "nx_err.h"

typedef struct tsd_series {
    uint32_t n;
    char **subject; /* n entries pointing into one block */
    char *block;
} tsd_series;

/* scope NULL for a deployment of our own. */
int tsd_series_init(tsd_series *s, uint32_t n, const char *scope, nx_err *err);
void tsd_series_free(tsd_series *s);

#endif

#include "tsd_series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_subject.h"

int tsd_series_init(tsd_series *s, uint32_t n, const char *scope, nx_err *err)
{
    memset(s, 0, sizeof *s);
    char first[NX_SUBJECT_MAX];
    if (nx_subject_build(first, sizeof first, scope, "dev0", "temp", err) != 0)
        return -1;
    /* Every subject is at most as long as the one with the widest number. */
    size_t stride = strlen(first) + 12;
    s->subject = calloc(n, sizeof *s->subject);
    s->block = malloc((size_t)n * stride);
    if (s->subject == NULL || s->block == NULL) {
        tsd_series_free(s);
        return nx_fail(err, "out of memory for %u series subjects", n);
    }
    s->n = n;
    for (uint32_t k = 0; k < n; k++) {
        char node[24];
        snprintf(node, sizeof node, "dev%u", k);
        s->subject[k] = s->block + (size_t)k * stride;
        if (nx_subject_build(s->subject[k], stride, scope, node, "temp", err) != 0) {
            tsd_series_free(s);
            return -1;
        }
    }
    return 0;
}

void tsd_series_free(tsd_series *s)
{
    free(s->subject);
    free(s->block);
    memset(s, 0, sizeof *s);
}

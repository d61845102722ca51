/* A one-line progress display on stderr (label, done/total, rate, ETA),
 * redrawn at most ten times a second. It stays silent unless stderr is a
 * terminal, so logs and CI output hold only results. */
#ifndef NX_PROGRESS_H
#define NX_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct nx_progress {
    bool active;
    char label[64];
    uint64_t total;
    int64_t started_ns;
    int64_t drawn_ns;
} nx_progress;

/* quiet forces silence even on a terminal. */
void nx_progress_start(nx_progress *p, const char *label, uint64_t total, bool quiet);
void nx_progress_update(nx_progress *p, uint64_t done);
/* Clears the line. */
void nx_progress_end(nx_progress *p);

#endif

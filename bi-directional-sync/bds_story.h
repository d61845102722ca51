/* The printed story of a run: a heading per step and one line per action
 * with its result, on stdout, silenced by --quiet. */
#ifndef SYNC_STORY_H
#define SYNC_STORY_H

#include <stdbool.h>

typedef struct story {
    bool quiet;
} story;

void story_heading(const story *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "  <action> ........ <result>" */
void story_line(const story *s, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

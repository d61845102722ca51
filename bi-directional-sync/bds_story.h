/* The printed story of a run: a heading per step and one line per action
 * with its result, on stdout, silenced by --quiet. */
#ifndef BDS_STORY_H
#define BDS_STORY_H

#include <stdbool.h>

typedef struct bds_story {
    bool quiet;
} bds_story;

void bds_story_heading(const bds_story *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "  <action> ........ <result>" */
void bds_story_line(const bds_story *s, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

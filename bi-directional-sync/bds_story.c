#include "bds_story.h"

#include <stdarg.h>
#include <stdio.h>

void bds_story_heading(const bds_story *s, const char *fmt, ...)
{
    if (s->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("\n");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

void bds_story_line(const bds_story *s, const char *action, const char *fmt, ...)
{
    if (s->quiet)
        return;
    char result[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(result, sizeof result, fmt, ap);
    va_end(ap);
    printf("  %-56s %s\n", action, result);
    fflush(stdout);
}

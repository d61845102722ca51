#include "tsd_rfc3339.h"

#include <stdio.h>
#include <time.h>

size_t tsd_rfc3339_ns(int64_t ns, char *buf, size_t len)
{
    time_t secs = (time_t)(ns / 1000000000LL);
    long frac = (long)(ns % 1000000000LL);
    if (frac < 0) {
        frac += 1000000000L;
        secs -= 1;
    }
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL)
        return 0;
    char date[32];
    if (strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return 0;
    int n = snprintf(buf, len, "%s.%09ldZ", date, frac);
    return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

#include "nx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nx_fail(nx_err *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int nx_fail_wrap(nx_err *err, const char *fmt, ...)
{
    if (err) {
        char prefix[NX_ERR_MAX];
        char old[NX_ERR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof old);
        snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
    }
    return -1;
}

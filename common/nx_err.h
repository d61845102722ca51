/* One error message per call chain: the function that fails writes a
 * complete, human-readable line, and callers pass it up unchanged so the user
 * sees exactly one line naming what went wrong. */
#ifndef NX_ERR_H
#define NX_ERR_H

#include <stddef.h>

#define NX_ERR_MAX 512

typedef struct nx_err {
    char msg[NX_ERR_MAX];
} nx_err;

/* Formats the message into err (when err is not NULL) and returns -1, so a
 * failing function can `return nx_fail(err, ...)`. */
int nx_fail(nx_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with context ("starting hub: " + msg). */
int nx_fail_wrap(nx_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

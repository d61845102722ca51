/* Sleeping and bounded polling: every wait in the suite ends, and says how
 * long it waited when it gives up. */
#ifndef NX_WAIT_H
#define NX_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/* Sleeps ms milliseconds, resuming after signals. */
void nx_sleep_ms(int64_t ms);

/* Calls done(ctx) every poll_ms until it returns true (returns 0) or
 * timeout_ms have passed (returns -1). done is called at least once, and
 * once more at the deadline. */
int nx_poll_until(bool (*done)(void *ctx), void *ctx, int64_t poll_ms, int64_t timeout_ms);

#endif

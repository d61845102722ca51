#include "bds_recovery_why.h"

#include "nx_version.h"

const char *bds_recovery_why(const char *version)
{
    if (nx_version_has(version, NX_FEAT_SOURCE_RETRY_NOW))
        return "recovery on this server: sources retry their consumer create at once when the "
               "leafnode link reconnects (2.11.5+ / 2.12+)";
    if (nx_version_has(version, NX_FEAT_SOURCE_BACKOFF))
        return "recovery on this server: a source whose consumer create failed retries with "
               "exponential back-off (2.10.8+, up to 2 min), not on reconnect";
    return "recovery on this server: a source's lost consumer-create request is retried after a "
           "fixed 5 s wait for its reply (before 2.10.8)";
}

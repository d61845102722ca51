/* What each nats-server version can do, from the version string it reports.
 *
 * Every version-specific decision in the suite asks this table (a config key
 * the server would refuse, a case that needs a newer feature, a recovery
 * time that a release changed), so no version comparison is scattered
 * through the experiments. The releases named below come from the server's
 * release notes and ADRs, checked against its code. */
#ifndef NX_VERSION_H
#define NX_VERSION_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nx_feature {
    NX_FEAT_LEAF_COMPRESSION, /* leafnodes { compression: s2_* }          2.10.0 */
    NX_FEAT_SYNC_INTERVAL,    /* jetstream { sync_interval: d | always }  2.10.0 */
    NX_FEAT_CAS_R3_SAFE, /* expected-last-subject-seq holds on R3    2.9.21 (nats-server#4319) */
    NX_FEAT_MULTI_GET,   /* direct get multi_last / batch / start_time (ADR-31) 2.11.0 */
    NX_FEAT_MSG_TTL,     /* allow_msg_ttl, header Nats-TTL           2.11.0 */
    NX_FEAT_SOURCE_RETRY_NOW,   /* sources retry at once on leaf reconnect  2.11.5, 2.12.0 */
    NX_FEAT_TIME_START_BSEARCH, /* binary search for a start time           2.11.10, 2.12.1 */
    NX_FEAT_ATOMIC_BATCH,       /* allow_atomic, Nats-Batch-* (ADR-50)      2.12.0 */
    NX_FEAT_PERSIST_ASYNC,      /* stream persist_mode: async (R1)          2.12.0 */
    NX_FEAT_FAST_BATCH,         /* allow_batched fast ingest (ADR-50)       2.14.0 */
    NX_FEAT_SOURCE_BACKOFF,     /* failed source consumer creates back off  2.10.8 */
    NX_FEAT_COUNT
} nx_feature;

/* A parsed "major.minor.patch" ("v2.10.27", "2.15.1-beta" accepted). */
typedef struct nx_version {
    int major, minor, patch;
} nx_version;

/* 0 on success; -1 when the text is not a version. */
int nx_version_parse(const char *text, nx_version *out);

/* -1, 0 or 1 as a is older, the same or newer than b. */
int nx_version_cmp(nx_version a, nx_version b);

/* True when the server version is at least major.minor.patch (false for a
 * string that is not a version). */
bool nx_version_at_least(const char *version, int major, int minor, int patch);

/* Whether a server reporting version has feature f. An unparsable version
 * has none of them. */
bool nx_version_has(const char *version, nx_feature f);

/* Short name of f ("sync_interval", "atomic batch publish"). */
const char *nx_feature_name(nx_feature f);

/* The first release with f ("2.12", or "2.11.10 / 2.12.1" for a fix that
 * was backported). */
const char *nx_feature_since(nx_feature f);

/* The line a case prints when the server lacks f, without a newline:
 * "atomic batch publish needs nats-server >= 2.12; this is 2.9.10".
 * Returns buf. */
const char *nx_feature_missing_line(nx_feature f, const char *version, char *buf, size_t len);

#endif

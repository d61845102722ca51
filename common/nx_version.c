#include "nx_version.h"

#include <stdio.h>

typedef struct feature_row {
    const char *name;
    const char *since_text;
    nx_version since;    /* every release from here on */
    nx_version backport; /* and this patch onwards on its own minor line; 0.0.0 = none */
} feature_row;

static const feature_row table[NX_FEAT_COUNT] = {
    [NX_FEAT_LEAF_COMPRESSION] = {"leafnode compression", "2.10", {2, 10, 0}, {0, 0, 0}},
    [NX_FEAT_SYNC_INTERVAL] = {"sync_interval", "2.10", {2, 10, 0}, {0, 0, 0}},
    [NX_FEAT_CAS_R3_SAFE] = {"compare-and-set on R3", "2.9.21", {2, 9, 21}, {0, 0, 0}},
    [NX_FEAT_MULTI_GET] = {"multi-subject direct get", "2.11", {2, 11, 0}, {0, 0, 0}},
    [NX_FEAT_MSG_TTL] = {"per-message TTL", "2.11", {2, 11, 0}, {0, 0, 0}},
    [NX_FEAT_SOURCE_RETRY_NOW] = {"source retry on leafnode reconnect",
                                  "2.11.5 / 2.12",
                                  {2, 12, 0},
                                  {2, 11, 5}},
    [NX_FEAT_TIME_START_BSEARCH] = {"binary search for a start time",
                                    "2.11.10 / 2.12.1",
                                    {2, 12, 1},
                                    {2, 11, 10}},
    [NX_FEAT_ATOMIC_BATCH] = {"atomic batch publish", "2.12", {2, 12, 0}, {0, 0, 0}},
    [NX_FEAT_PERSIST_ASYNC] = {"persist_mode: async", "2.12", {2, 12, 0}, {0, 0, 0}},
    [NX_FEAT_FAST_BATCH] = {"fast-ingest batch publish", "2.14", {2, 14, 0}, {0, 0, 0}},
    [NX_FEAT_SOURCE_BACKOFF] = {"source create back-off", "2.10.8", {2, 10, 8}, {0, 0, 0}},
};

int nx_version_parse(const char *text, nx_version *out)
{
    if (text == NULL)
        return -1;
    if (*text == 'v')
        text++;
    nx_version v = {0, 0, 0};
    int used = 0;
    if (sscanf(text, "%d.%d%n", &v.major, &v.minor, &used) != 2 || v.major < 0 || v.minor < 0)
        return -1;
    if (text[used] == '.' && sscanf(text + used + 1, "%d", &v.patch) != 1)
        return -1;
    if (v.patch < 0)
        return -1;
    *out = v;
    return 0;
}

int nx_version_cmp(nx_version a, nx_version b)
{
    if (a.major != b.major)
        return a.major < b.major ? -1 : 1;
    if (a.minor != b.minor)
        return a.minor < b.minor ? -1 : 1;
    if (a.patch != b.patch)
        return a.patch < b.patch ? -1 : 1;
    return 0;
}

bool nx_version_at_least(const char *version, int major, int minor, int patch)
{
    nx_version v;
    return nx_version_parse(version, &v) == 0 &&
           nx_version_cmp(v, (nx_version){major, minor, patch}) >= 0;
}

bool nx_version_has(const char *version, nx_feature f)
{
    nx_version v;
    if ((unsigned)f >= NX_FEAT_COUNT || nx_version_parse(version, &v) != 0)
        return false;
    const feature_row *r = &table[f];
    if (nx_version_cmp(v, r->since) >= 0)
        return true;
    return r->backport.major > 0 && v.major == r->backport.major && v.minor == r->backport.minor &&
           v.patch >= r->backport.patch;
}

const char *nx_feature_name(nx_feature f)
{
    return (unsigned)f < NX_FEAT_COUNT ? table[f].name : "unknown feature";
}

const char *nx_feature_since(nx_feature f)
{
    return (unsigned)f < NX_FEAT_COUNT ? table[f].since_text : "?";
}

const char *nx_feature_missing_line(nx_feature f, const char *version, char *buf, size_t len)
{
    snprintf(buf, len, "%s needs nats-server >= %s; this is %s", nx_feature_name(f),
             nx_feature_since(f), version && *version ? version : "an unknown version");
    return buf;
}

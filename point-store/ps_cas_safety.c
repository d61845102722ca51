#include "ps_cas_safety.h"

#include <stdio.h>

#include "nx_version.h"

bool ps_cas_conflict(jsErrCode jerr)
{
    return jerr == PS_ERR_WRONG_LAST_SEQ || jerr == PS_ERR_WRONG_LAST_SEQ_CONST;
}

bool ps_cas_not_ready(jsErrCode jerr)
{
    return jerr == PS_ERR_LAST_SEQ_NOT_READY;
}

bool ps_cas_expected_safe(const ps_ctx *c)
{
    return c->opts.common.replicas <= 1 ||
           nx_version_has(c->run.server_version, NX_FEAT_CAS_R3_SAFE);
}

const char *ps_cas_known_loss(const ps_ctx *c, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!ps_cas_expected_safe(c))
        snprintf(buf, len,
                 "; nats-server %s does not serialize expected-last-subject-sequence on a "
                 "replicated stream (nats-io/nats-server#4319, fixed in %s)",
                 c->run.server_version, nx_feature_since(NX_FEAT_CAS_R3_SAFE));
    return buf;
}

void ps_cas_print_verdict(const ps_ctx *c, long lost, long made)
{
    if (ps_quiet(c))
        return;
    long r = c->opts.common.replicas;
    bool known = ps_cas_expected_safe(c);
    printf("  compare-and-set on R%ld with nats-server %s: %s, %ld of %ld increments lost "
           "(%s)\n\n",
           r, c->run.server_version, lost == 0 ? "safe" : "NOT safe", lost, made,
           r <= 1  ? "one server orders every publish"
           : known ? "releases since the fix of nats-server#4319 serialize the check"
                   : "nats-server#4319: the check ran before the raft proposal");
}

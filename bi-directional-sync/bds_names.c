#include "bds_names.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void bds_names_plain(bds_names *n)
{
    memset(n, 0, sizeof *n);
    snprintf(n->token[0], sizeof n->token[0], "hub");
    snprintf(n->token[1], sizeof n->token[1], "leaf");
    snprintf(n->domain[0], sizeof n->domain[0], "hub");
    snprintf(n->domain[1], sizeof n->domain[1], "leaf");
}

void bds_names_scoped(bds_names *n, const char *hub_domain, const char *leaf_domain)
{
    memset(n, 0, sizeof *n);
    /* As nx_run scopes a --url run: the pid and the clock, so two runs on
     * one deployment never share a name. */
    char id[24];
    snprintf(id, sizeof id, "r%ld%ld", (long)getpid(), (long)(time(NULL) % 100000));
    snprintf(n->prefix, sizeof n->prefix, "%s_", id);
    snprintf(n->token[0], sizeof n->token[0], "%shub", id);
    snprintf(n->token[1], sizeof n->token[1], "%sleaf", id);
    snprintf(n->domain[0], sizeof n->domain[0], "%s", hub_domain);
    snprintf(n->domain[1], sizeof n->domain[1], "%s", leaf_domain);
}

const char *bds_stream_name(const bds_names *n, const char *base, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", n->prefix, base);
    return buf;
}

const char *bds_token(const bds_names *n, bool hub)
{
    return n->token[hub ? 0 : 1];
}

const char *bds_domain(const bds_names *n, bool hub)
{
    return n->domain[hub ? 0 : 1];
}
